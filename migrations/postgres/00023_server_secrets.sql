-- +goose Up
-- Random keys the server keeps across restarts (the key that signs the
-- share pictures' URLs), one row each, written once.
CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE server_secrets;
