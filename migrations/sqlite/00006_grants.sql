-- +goose Up
-- Open calls for CSOs: calls, their texts, documents and public Q&A,
-- applications, assessment, awards, reports and the registry of support.
CREATE TABLE grant_calls (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,
    slug             TEXT NOT NULL UNIQUE,
    lsg_code         TEXT NOT NULL DEFAULT '',
    org_public_id    TEXT NOT NULL DEFAULT '',
    funder_name      TEXT NOT NULL,
    lang             TEXT NOT NULL,
    currency         TEXT NOT NULL,
    total_budget     INTEGER NOT NULL CHECK (total_budget > 0),
    min_grant        INTEGER NOT NULL CHECK (min_grant >= 0),
    max_grant        INTEGER NOT NULL CHECK (max_grant > 0),
    own_share_pct    INTEGER NOT NULL DEFAULT 0 CHECK (own_share_pct BETWEEN 0 AND 100),
    divergence_pct   INTEGER NOT NULL DEFAULT 30 CHECK (divergence_pct BETWEEN 1 AND 100),
    opens_at         TIMESTAMP NOT NULL,
    questions_until  TIMESTAMP NOT NULL,
    closes_at        TIMESTAMP NOT NULL,
    eligibility      TEXT NOT NULL DEFAULT '',
    form             TEXT NOT NULL DEFAULT '',
    criteria         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'decided')),
    decided_at       TIMESTAMP,
    created_by       INTEGER REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CHECK (min_grant <= max_grant AND max_grant <= total_budget),
    CHECK (opens_at <= questions_until AND questions_until <= closes_at)
);
CREATE INDEX grant_calls_lsg ON grant_calls(lsg_code);
CREATE INDEX grant_calls_closes ON grant_calls(closes_at);

CREATE TABLE grant_call_texts (
    id         INTEGER PRIMARY KEY,
    call_id    INTEGER NOT NULL REFERENCES grant_calls(id) ON DELETE CASCADE,
    lang       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (call_id, lang)
);

CREATE TABLE grant_questions (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    call_id     INTEGER NOT NULL REFERENCES grant_calls(id) ON DELETE CASCADE,
    asked_by    INTEGER REFERENCES users(id),
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_by INTEGER REFERENCES users(id),
    answered_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX grant_questions_call ON grant_questions(call_id);

CREATE TABLE grant_applications (
    id              INTEGER PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    call_id         INTEGER NOT NULL REFERENCES grant_calls(id) ON DELETE CASCADE,
    org_public_id   TEXT NOT NULL,
    org_name        TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    version         INTEGER NOT NULL DEFAULT 1,
    eligibility     TEXT NOT NULL DEFAULT '{}',
    eligible        INTEGER NOT NULL DEFAULT 0,
    answers         TEXT NOT NULL DEFAULT '{}',
    budget          TEXT NOT NULL DEFAULT '[]',
    total_cost      INTEGER NOT NULL DEFAULT 0,
    requested       INTEGER NOT NULL DEFAULT 0 CHECK (requested >= 0),
    submitted_at    TIMESTAMP,
    receipt_hash    TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'award', 'reserve', 'reject')),
    decision_reason TEXT NOT NULL DEFAULT '',
    updated_by      INTEGER REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (call_id, org_public_id)
);
CREATE INDEX grant_applications_org ON grant_applications(org_public_id);

CREATE TABLE grant_files (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('call', 'application', 'report')),
    owner_id     INTEGER NOT NULL,
    field        TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX grant_files_owner ON grant_files(owner_kind, owner_id);

CREATE TABLE grant_assignments (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES grant_applications(id) ON DELETE CASCADE,
    assessor_id    INTEGER NOT NULL REFERENCES users(id),
    status         TEXT NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'declared', 'conflict', 'submitted')),
    third          INTEGER NOT NULL DEFAULT 0,
    comment        TEXT NOT NULL DEFAULT '',
    total_pct      INTEGER NOT NULL DEFAULT 0,
    declared_at    TIMESTAMP,
    submitted_at   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (application_id, assessor_id)
);
CREATE INDEX grant_assignments_assessor ON grant_assignments(assessor_id);

CREATE TABLE grant_scores (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES grant_assignments(id) ON DELETE CASCADE,
    criterion     INTEGER NOT NULL,
    points        INTEGER NOT NULL CHECK (points >= 0),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (assignment_id, criterion)
);

CREATE TABLE grant_awards (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    application_id INTEGER NOT NULL UNIQUE REFERENCES grant_applications(id),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    currency       TEXT NOT NULL,
    contract_no    TEXT NOT NULL DEFAULT '',
    starts_on      TEXT NOT NULL DEFAULT '',
    ends_on        TEXT NOT NULL DEFAULT '',
    awarded_at     TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE grant_instalments (
    id         INTEGER PRIMARY KEY,
    award_id   INTEGER NOT NULL REFERENCES grant_awards(id) ON DELETE CASCADE,
    due_on     TEXT NOT NULL,
    amount     INTEGER NOT NULL CHECK (amount > 0),
    paid_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE grant_reports (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    award_id     INTEGER NOT NULL REFERENCES grant_awards(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('narrative', 'financial')),
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'submitted', 'approved', 'returned')),
    body         TEXT NOT NULL DEFAULT '',
    review       TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMP,
    reviewed_at  TIMESTAMP,
    reminded_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE grant_support (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    year           INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    lsg_code       TEXT NOT NULL DEFAULT '',
    funder_name    TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    recipient_org  TEXT NOT NULL DEFAULT '',
    amount         INTEGER NOT NULL CHECK (amount > 0),
    currency       TEXT NOT NULL,
    purpose        TEXT NOT NULL DEFAULT '',
    procedure      TEXT NOT NULL CHECK (procedure IN ('open_call', 'direct')),
    award_id       INTEGER UNIQUE REFERENCES grant_awards(id),
    source         TEXT NOT NULL CHECK (source IN ('award', 'import')),
    award_date     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX grant_support_lsg_year ON grant_support(lsg_code, year);

-- +goose Down
DROP TABLE grant_support;
DROP TABLE grant_reports;
DROP TABLE grant_instalments;
DROP TABLE grant_awards;
DROP TABLE grant_scores;
DROP TABLE grant_assignments;
DROP TABLE grant_files;
DROP TABLE grant_applications;
DROP TABLE grant_questions;
DROP TABLE grant_call_texts;
DROP TABLE grant_calls;
