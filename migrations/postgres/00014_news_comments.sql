-- Comments: edits within a window, bans for a period, followers notified
-- through the mail outbox, and the index of the moderation queue.

-- +goose Up
ALTER TABLE comments ADD COLUMN edited_at TIMESTAMPTZ;
CREATE INDEX comments_reported ON comments(reports, id) WHERE reports > 0 OR status = 'hidden';

CREATE TABLE comment_bans (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    until       TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    banned_by   BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX comment_bans_user ON comment_bans(user_id, until);

CREATE TABLE comment_follows (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token         TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (subject_type, subject_id, user_id)
);
CREATE INDEX comment_follows_user ON comment_follows(user_id);

-- +goose Down
DROP TABLE comment_follows;
DROP TABLE comment_bans;
DROP INDEX comments_reported;
ALTER TABLE comments DROP COLUMN edited_at;
