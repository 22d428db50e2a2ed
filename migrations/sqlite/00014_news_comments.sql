-- Comments: edits within a window, bans for a period, followers notified
-- through the mail outbox, and the index of the moderation queue.

-- +goose Up
ALTER TABLE comments ADD COLUMN edited_at TIMESTAMP;
CREATE INDEX comments_reported ON comments(reports, id) WHERE reports > 0 OR status = 'hidden';

CREATE TABLE comment_bans (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    until       TIMESTAMP NOT NULL,
    reason      TEXT NOT NULL,
    banned_by   INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX comment_bans_user ON comment_bans(user_id, until);

CREATE TABLE comment_follows (
    id            INTEGER PRIMARY KEY,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token         TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (subject_type, subject_id, user_id)
);
CREATE INDEX comment_follows_user ON comment_follows(user_id);

-- +goose Down
DROP TABLE comment_follows;
DROP TABLE comment_bans;
DROP INDEX comments_reported;
ALTER TABLE comments DROP COLUMN edited_at;
