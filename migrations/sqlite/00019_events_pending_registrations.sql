-- +goose Up
-- An anonymous registration waits as 'pending' (it holds no seat) until the
-- address confirms it from the link in its mail (issue 14, fake people).
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt.
CREATE TABLE event_registrations_new (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    event_id       INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waiting', 'cancelled')),
    checked_in_at  TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (event_id, email)
);
INSERT INTO event_registrations_new (id, public_id, event_id, email, name, status, checked_in_at, created_at, updated_at)
    SELECT id, public_id, event_id, email, name, status, checked_in_at, created_at, updated_at FROM event_registrations;
DROP TABLE event_registrations;
ALTER TABLE event_registrations_new RENAME TO event_registrations;
CREATE INDEX event_registrations_event ON event_registrations(event_id, status, id);

-- +goose Down
DELETE FROM event_registrations WHERE status = 'pending';
CREATE TABLE event_registrations_old (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    event_id       INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    checked_in_at  TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (event_id, email)
);
INSERT INTO event_registrations_old SELECT * FROM event_registrations;
DROP TABLE event_registrations;
ALTER TABLE event_registrations_old RENAME TO event_registrations;
CREATE INDEX event_registrations_event ON event_registrations(event_id, status, id);
