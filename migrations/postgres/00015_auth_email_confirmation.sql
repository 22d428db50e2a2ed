-- E-mail confirmation (issue 14, finding 8): a new account cannot sign in
-- until its address is confirmed through a mailed link. Every account that
-- exists before this migration is confirmed (it was made under the old rules).

-- +goose Up
ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMPTZ;
UPDATE users SET email_confirmed_at = created_at;

CREATE TABLE email_confirmations (
    token_hash TEXT PRIMARY KEY,               -- SHA-256 of the mailed token, hex
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    next       TEXT NOT NULL DEFAULT '',       -- local path to return to
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX email_confirmations_user ON email_confirmations(user_id);

-- +goose Down
DROP TABLE email_confirmations;
ALTER TABLE users DROP COLUMN email_confirmed_at;
