package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Secret returns the server's random key called name (32 bytes), made and
// stored on first use and the same on every later start and in every
// process sharing the database: two processes that ask at once get the
// one that was stored first.
func (d *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("db.Secret %s: %w", name, err)
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`, name, hex.EncodeToString(b), Now()); err != nil {
		return nil, fmt.Errorf("db.Secret %s: %w", name, err)
	}
	var v string
	if err := d.QueryRowContext(ctx, `SELECT value FROM server_secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("db.Secret %s: %w", name, err)
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("db.Secret %s: stored value: %w", name, err)
	}
	return key, nil
}
