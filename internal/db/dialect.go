package db

// Every difference between SQLite and PostgreSQL that domain code meets is
// answered here, so that no domain asks which database it runs on. Domains
// write one statement and splice in the clause (LockRows, ClaimRows), or
// ask for a capability (Has), never for a dialect.

// Feature is a capability that one dialect has and the other has not.
type Feature int

const (
	// WritableCTE: a WITH clause may hold INSERT, UPDATE or DELETE
	// (PostgreSQL), so a read-modify-write can be one statement. Without
	// it, run the steps in InTx, which on SQLite holds the write lock.
	WritableCTE Feature = iota + 1
)

func (d Dialect) has(f Feature) bool {
	switch f {
	case WritableCTE:
		return d == Postgres
	}
	return false
}

// lockRows: SQLite transactions here begin IMMEDIATE and hold the whole
// database's write lock, so a row lock is implied; PostgreSQL needs it said.
func (d Dialect) lockRows() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// claimRows: a queue's workers each take rows the others have not locked.
func (d Dialect) claimRows() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// Has reports whether this database has capability f.
func (c conn) Has(f Feature) bool { return c.dialect.has(f) }

// LockRows is the clause to append to a SELECT inside InTx whose rows must
// stay as read until the transaction ends (" FOR UPDATE" or nothing).
func (c conn) LockRows() string { return c.dialect.lockRows() }

// ClaimRows is the clause to append to the SELECT of a work queue so that
// concurrent workers take different rows (" FOR UPDATE SKIP LOCKED" or
// nothing: SQLite has one writer at a time).
func (c conn) ClaimRows() string { return c.dialect.claimRows() }

// Engine names the database engine for logs, metrics and /readyz
// ("sqlite" or "postgres"). Not for branching: use Has, LockRows or
// ClaimRows.
func (d *DB) Engine() string { return string(d.dialect) }

// SerializeWrites queues this process's writers of a hot path one after the
// other and returns the function that lets the next one in. On SQLite a
// writer that finds the database locked sleeps in the busy handler and
// retries; queueing them in the process instead starts each the moment the
// previous commits. PostgreSQL locks rows, not the database: no queue.
func (d *DB) SerializeWrites() (unlock func()) {
	if d.dialect != SQLite {
		return func() {}
	}
	d.writeMu.Lock()
	return d.writeMu.Unlock
}

// SetPoolSize lets n connections work at once on PostgreSQL (a load test
// with n clients). SQLite keeps its own pool: one writer at a time.
func (d *DB) SetPoolSize(n int) {
	if d.dialect != Postgres || n <= 0 {
		return
	}
	d.sql.SetMaxOpenConns(n)
	d.sql.SetMaxIdleConns(n)
}
