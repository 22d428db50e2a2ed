-- +goose Up
-- A programme or project of the registry. A project may belong to a
-- programme (parent_id). Texts per language live in project_texts; codes
-- (DAC sectors, EU acquis chapters, SDGs) in project_codes; money is integer
-- minor units plus an ISO 4217 code.
CREATE TABLE projects (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,
    iati_identifier  TEXT UNIQUE,
    kind             TEXT NOT NULL DEFAULT 'project' CHECK (kind IN ('project', 'programme')),
    parent_id        BIGINT REFERENCES projects(id),
    status           INTEGER NOT NULL CHECK (status BETWEEN 1 AND 6),
    default_lang     TEXT NOT NULL,
    planned_start    TEXT NOT NULL DEFAULT '',
    planned_end      TEXT NOT NULL DEFAULT '',
    actual_start     TEXT NOT NULL DEFAULT '',
    actual_end       TEXT NOT NULL DEFAULT '',
    start_year       INTEGER NOT NULL DEFAULT 0,
    funding_year     INTEGER NOT NULL DEFAULT 0,
    budget_minor     BIGINT NOT NULL DEFAULT 0 CHECK (budget_minor >= 0),
    currency         CHAR(3) NOT NULL,
    value_eur_minor  BIGINT NOT NULL DEFAULT 0,
    owner_org        TEXT NOT NULL DEFAULT '',
    website          TEXT NOT NULL DEFAULT '',
    contact_name     TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    contact_phone    TEXT NOT NULL DEFAULT '',
    sort_title       TEXT NOT NULL DEFAULT '',
    donors           TEXT NOT NULL DEFAULT '',
    search_key       TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    deleted_at       TIMESTAMPTZ
);
CREATE INDEX projects_list ON projects(deleted_at, updated_at);
CREATE INDEX projects_status ON projects(status, value_eur_minor);
CREATE INDEX projects_year ON projects(start_year);
CREATE INDEX projects_value ON projects(value_eur_minor);
CREATE INDEX projects_title ON projects(sort_title);
CREATE INDEX projects_parent ON projects(parent_id);

CREATE TABLE project_texts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    objectives  TEXT NOT NULL DEFAULT '',
    results     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, lang)
);

CREATE TABLE project_codes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('dac', 'acquis', 'sdg')),
    code        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, kind, code)
);
CREATE INDEX project_codes_code ON project_codes(kind, code);

CREATE TABLE project_orgs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    role        INTEGER NOT NULL CHECK (role BETWEEN 1 AND 4),
    org_id      TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL DEFAULT '',
    ref         TEXT NOT NULL DEFAULT '',
    org_type    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_orgs_project ON project_orgs(project_id);
CREATE INDEX project_orgs_key ON project_orgs(role, name_key);

CREATE TABLE project_locations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    place_code  TEXT NOT NULL REFERENCES places(code),
    lat         DOUBLE PRECISION,
    lon         DOUBLE PRECISION,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, place_code)
);
CREATE INDEX project_locations_place ON project_locations(place_code);

CREATE TABLE project_transactions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    type        INTEGER NOT NULL CHECK (type BETWEEN 1 AND 13),
    on_date     TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency    CHAR(3) NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_transactions_project ON project_transactions(project_id);

CREATE TABLE project_targets (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    label       TEXT NOT NULL,
    target      BIGINT NOT NULL CHECK (target >= 0),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_targets_project ON project_targets(project_id);

CREATE TABLE project_target_actuals (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_id   BIGINT NOT NULL REFERENCES project_targets(id) ON DELETE CASCADE,
    on_date     TEXT NOT NULL,
    value       BIGINT NOT NULL CHECK (value >= 0),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (target_id, on_date)
);

CREATE TABLE project_milestones (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    on_date     TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_milestones_project ON project_milestones(project_id);

CREATE TABLE project_links (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_links_project ON project_links(project_id);

-- Every change of a project: who, when, and the changed fields as JSON
-- {"field": ["old", "new"]}.
CREATE TABLE project_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    actor       TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
    diff        TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_history_project ON project_history(project_id, id);

-- Dated exchange rates: units of currency per one euro on rate_date,
-- times 1,000,000 (e.g. BAM 1.95583 = 1955830).
CREATE TABLE exchange_rates (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    currency    CHAR(3) NOT NULL,
    rate_date   TEXT NOT NULL,
    per_eur_micros BIGINT NOT NULL CHECK (per_eur_micros > 0),
    source      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (currency, rate_date)
);

-- +goose Down
DROP TABLE exchange_rates;
DROP TABLE project_history;
DROP TABLE project_links;
DROP TABLE project_milestones;
DROP TABLE project_target_actuals;
DROP TABLE project_targets;
DROP TABLE project_transactions;
DROP TABLE project_locations;
DROP TABLE project_orgs;
DROP TABLE project_codes;
DROP TABLE project_texts;
DROP TABLE projects;
