-- +goose Up
-- The survey engine (internal/surveys) and the ELoGE benchmarking
-- (internal/eloge) share one migration number.

CREATE TABLE surveys (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    owner_kind    TEXT NOT NULL CHECK (owner_kind IN ('lsg', 'org')),
    owner_ref     TEXT NOT NULL,
    template      TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,               -- JSON: locale -> text
    definition    TEXT NOT NULL,               -- JSON: sections and questions
    audience      TEXT NOT NULL CHECK (audience IN ('public', 'account', 'token')),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    opens_at      TIMESTAMP,
    closes_at     TIMESTAMP,
    results_public INTEGER NOT NULL DEFAULT 1 CHECK (results_public IN (0, 1)),
    responses     INTEGER NOT NULL DEFAULT 0 CHECK (responses >= 0),
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX surveys_owner ON surveys(owner_kind, owner_ref);
CREATE INDEX surveys_status ON surveys(status, closes_at);

-- A response carries no user, token or browser reference: see survey_marks.
CREATE TABLE survey_responses (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    public_id   TEXT NOT NULL UNIQUE,
    idem_key    TEXT NOT NULL,
    channel     TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'paper')),
    lang        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (survey_id, idem_key)
);

CREATE TABLE survey_answers (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    item        TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    num         REAL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX survey_answers_response ON survey_answers(response_id);
CREATE INDEX survey_answers_filter ON survey_answers(survey_id, question, item, value);

-- Running totals per question, item and value, updated in the transaction
-- of each submission, so that results pages never scan the answers.
CREATE TABLE survey_counts (
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    item        TEXT NOT NULL,
    value       TEXT NOT NULL,
    n           INTEGER NOT NULL DEFAULT 0,
    total       REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, question, item, value)
);

-- Who has answered, kept apart from what was answered. There is
-- deliberately no surrogate id, no time of day and no reference to a
-- response: a mark (the hash of a browser token, or an account id) says
-- only "answered once, on this day", and its rows are stored in key order
-- (WITHOUT ROWID), so they cannot be matched to responses by insertion
-- order. The primary key is the one-per-browser / one-per-account rule.
CREATE TABLE survey_marks (
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('browser', 'account')),
    ref         TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,   -- midnight UTC of the day
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, kind, ref)
) WITHOUT ROWID;

-- Invitation tokens: stored hashed; used_at is set (to the day) in the
-- transaction that stores the response, and never points at it.
CREATE TABLE survey_tokens (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL,                 -- shown on the printable list
    label       TEXT NOT NULL DEFAULT '',      -- "Council", "Staff: finance" (no names needed)
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX survey_tokens_survey ON survey_tokens(survey_id);

CREATE TABLE survey_rate (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    hits         INTEGER NOT NULL
);

-- ELoGE

CREATE TABLE eloge_platforms (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    org_id      TEXT NOT NULL UNIQUE,          -- public id of the auth organisation
    name        TEXT NOT NULL,
    country     TEXT NOT NULL DEFAULT 'BA',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE eloge_sets (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,          -- "2008", "2023"
    title       TEXT NOT NULL,                 -- JSON: locale -> text
    source      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE eloge_principles (
    id          INTEGER PRIMARY KEY,
    set_id      INTEGER NOT NULL REFERENCES eloge_sets(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number BETWEEN 1 AND 99),
    title       TEXT NOT NULL,                 -- JSON
    description TEXT NOT NULL DEFAULT '{}',    -- JSON
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (set_id, number)
);

CREATE TABLE eloge_indicators (
    id           INTEGER PRIMARY KEY,
    principle_id INTEGER NOT NULL REFERENCES eloge_principles(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,                -- "4.2"
    text         TEXT NOT NULL,                -- JSON
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (principle_id, code)
);

CREATE TABLE eloge_cycles (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    platform_id   INTEGER NOT NULL REFERENCES eloge_platforms(id) ON DELETE CASCADE,
    set_id        INTEGER NOT NULL REFERENCES eloge_sets(id),
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title         TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    scale_max     INTEGER NOT NULL DEFAULT 5 CHECK (scale_max BETWEEN 1 AND 10),
    w_self        INTEGER NOT NULL DEFAULT 40 CHECK (w_self BETWEEN 0 AND 100),
    w_citizens    INTEGER NOT NULL DEFAULT 20 CHECK (w_citizens BETWEEN 0 AND 100),
    w_councillors INTEGER NOT NULL DEFAULT 20 CHECK (w_councillors BETWEEN 0 AND 100),
    w_staff       INTEGER NOT NULL DEFAULT 20 CHECK (w_staff BETWEEN 0 AND 100),
    threshold     INTEGER NOT NULL DEFAULT 60 CHECK (threshold BETWEEN 0 AND 100),
    require_justification INTEGER NOT NULL DEFAULT 1 CHECK (require_justification IN (0, 1)),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (platform_id, year)
);

CREATE TABLE eloge_experts (
    id          INTEGER PRIMARY KEY,
    cycle_id    INTEGER NOT NULL REFERENCES eloge_cycles(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, user_id)
);

CREATE TABLE eloge_participants (
    id              INTEGER PRIMARY KEY,
    cycle_id        INTEGER NOT NULL REFERENCES eloge_cycles(id) ON DELETE CASCADE,
    lsg_code        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    citizens_survey    TEXT NOT NULL DEFAULT '',   -- public ids of the generated surveys
    councillors_survey TEXT NOT NULL DEFAULT '',
    staff_survey       TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'awarded', 'not_awarded')),
    decision_score  REAL,
    decision_reasons TEXT NOT NULL DEFAULT '',
    decided_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at      TIMESTAMP,
    published       INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, lsg_code)
);
CREATE INDEX eloge_participants_lsg ON eloge_participants(lsg_code);

CREATE TABLE eloge_assessments (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES eloge_participants(id) ON DELETE CASCADE,
    indicator_id   INTEGER NOT NULL REFERENCES eloge_indicators(id) ON DELETE CASCADE,
    score          INTEGER CHECK (score BETWEEN 0 AND 10),
    justification  TEXT NOT NULL DEFAULT '',
    evidence       TEXT NOT NULL DEFAULT '',    -- one link or document reference per line
    review         TEXT NOT NULL DEFAULT '' CHECK (review IN ('', 'returned', 'accepted')),
    comment        TEXT NOT NULL DEFAULT '',    -- the expert's comment
    updated_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (participant_id, indicator_id)
);

CREATE TABLE eloge_actions (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    participant_id INTEGER NOT NULL REFERENCES eloge_participants(id) ON DELETE CASCADE,
    principle      INTEGER NOT NULL,
    action         TEXT NOT NULL,
    owner          TEXT NOT NULL DEFAULT '',
    deadline       TIMESTAMP,
    progress       INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX eloge_actions_participant ON eloge_actions(participant_id);

-- +goose Down
DROP TABLE eloge_actions;
DROP TABLE eloge_assessments;
DROP TABLE eloge_participants;
DROP TABLE eloge_experts;
DROP TABLE eloge_cycles;
DROP TABLE eloge_indicators;
DROP TABLE eloge_principles;
DROP TABLE eloge_sets;
DROP TABLE eloge_platforms;
DROP TABLE survey_rate;
DROP TABLE survey_tokens;
DROP TABLE survey_marks;
DROP TABLE survey_counts;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE surveys;
