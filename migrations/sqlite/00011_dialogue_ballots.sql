-- +goose Up
-- Participatory-budgeting ballots of a dialogue platform, and followers of
-- initiatives (notified by mail when the state changes or a progress report
-- is written).
CREATE TABLE dlg_ballots (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    platform_id  INTEGER NOT NULL REFERENCES dlg_platforms(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    budget_minor INTEGER NOT NULL CHECK (budget_minor > 0),
    currency     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed', 'published')),
    ballots      INTEGER NOT NULL DEFAULT 0 CHECK (ballots >= 0),
    created_by   INTEGER REFERENCES users(id),
    opened_at    TIMESTAMP,
    closed_at    TIMESTAMP,
    published_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX dlg_ballots_platform ON dlg_ballots(platform_id, id);

CREATE TABLE dlg_ballot_items (
    id            INTEGER PRIMARY KEY,
    ballot_id     INTEGER NOT NULL REFERENCES dlg_ballots(id) ON DELETE CASCADE,
    initiative_id INTEGER NOT NULL REFERENCES dlg_initiatives(id),
    cost_minor    INTEGER NOT NULL CHECK (cost_minor > 0),
    votes         INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
    funded        INTEGER NOT NULL DEFAULT 0 CHECK (funded IN (0, 1)),
    seq           INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (ballot_id, initiative_id)
);

-- One ballot per person per call: the database decides.
CREATE TABLE dlg_ballot_votes (
    id          INTEGER PRIMARY KEY,
    ballot_id   INTEGER NOT NULL REFERENCES dlg_ballots(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    lsg_code    TEXT NOT NULL,
    total_minor INTEGER NOT NULL CHECK (total_minor > 0),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (ballot_id, user_id)
);

CREATE TABLE dlg_ballot_choices (
    id         INTEGER PRIMARY KEY,
    vote_id    INTEGER NOT NULL REFERENCES dlg_ballot_votes(id) ON DELETE CASCADE,
    item_id    INTEGER NOT NULL REFERENCES dlg_ballot_items(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (vote_id, item_id)
);
CREATE INDEX dlg_ballot_choices_item ON dlg_ballot_choices(item_id);

CREATE TABLE dlg_follows (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (initiative_id, user_id)
);
CREATE INDEX dlg_follows_user ON dlg_follows(user_id);

-- Money pages read shares and disbursements by initiative in one query.
CREATE INDEX dlg_shares_name ON dlg_shares(source, name);

-- +goose Down
DROP INDEX dlg_shares_name;
DROP TABLE dlg_follows;
DROP TABLE dlg_ballot_choices;
DROP TABLE dlg_ballot_votes;
DROP TABLE dlg_ballot_items;
DROP TABLE dlg_ballots;
