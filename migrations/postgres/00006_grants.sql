-- +goose Up
-- Open calls for CSOs: calls, their texts, documents and public Q&A,
-- applications, assessment, awards, reports and the registry of support.
CREATE TABLE grant_calls (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,
    slug             TEXT NOT NULL UNIQUE,
    lsg_code         TEXT NOT NULL DEFAULT '',
    org_public_id    TEXT NOT NULL DEFAULT '',
    funder_name      TEXT NOT NULL,
    lang             TEXT NOT NULL,
    currency         TEXT NOT NULL,
    total_budget     BIGINT NOT NULL CHECK (total_budget > 0),
    min_grant        BIGINT NOT NULL CHECK (min_grant >= 0),
    max_grant        BIGINT NOT NULL CHECK (max_grant > 0),
    own_share_pct    BIGINT NOT NULL DEFAULT 0 CHECK (own_share_pct BETWEEN 0 AND 100),
    divergence_pct   BIGINT NOT NULL DEFAULT 30 CHECK (divergence_pct BETWEEN 1 AND 100),
    opens_at         TIMESTAMPTZ NOT NULL,
    questions_until  TIMESTAMPTZ NOT NULL,
    closes_at        TIMESTAMPTZ NOT NULL,
    eligibility      TEXT NOT NULL DEFAULT '',
    form             TEXT NOT NULL DEFAULT '',
    criteria         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'decided')),
    decided_at       TIMESTAMPTZ,
    created_by       BIGINT REFERENCES users(id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    CHECK (min_grant <= max_grant AND max_grant <= total_budget),
    CHECK (opens_at <= questions_until AND questions_until <= closes_at)
);
CREATE INDEX grant_calls_lsg ON grant_calls(lsg_code);
CREATE INDEX grant_calls_closes ON grant_calls(closes_at);

CREATE TABLE grant_call_texts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id    BIGINT NOT NULL REFERENCES grant_calls(id) ON DELETE CASCADE,
    lang       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (call_id, lang)
);

CREATE TABLE grant_questions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    call_id     BIGINT NOT NULL REFERENCES grant_calls(id) ON DELETE CASCADE,
    asked_by    BIGINT REFERENCES users(id),
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users(id),
    answered_at TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX grant_questions_call ON grant_questions(call_id);

CREATE TABLE grant_applications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    call_id         BIGINT NOT NULL REFERENCES grant_calls(id) ON DELETE CASCADE,
    org_public_id   TEXT NOT NULL,
    org_name        TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    version         BIGINT NOT NULL DEFAULT 1,
    eligibility     TEXT NOT NULL DEFAULT '{}',
    eligible        BIGINT NOT NULL DEFAULT 0,
    answers         TEXT NOT NULL DEFAULT '{}',
    budget          TEXT NOT NULL DEFAULT '[]',
    total_cost      BIGINT NOT NULL DEFAULT 0,
    requested       BIGINT NOT NULL DEFAULT 0 CHECK (requested >= 0),
    submitted_at    TIMESTAMPTZ,
    receipt_hash    TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'award', 'reserve', 'reject')),
    decision_reason TEXT NOT NULL DEFAULT '',
    updated_by      BIGINT REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (call_id, org_public_id)
);
CREATE INDEX grant_applications_org ON grant_applications(org_public_id);

CREATE TABLE grant_files (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('call', 'application', 'report')),
    owner_id     BIGINT NOT NULL,
    field        TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL CHECK (size >= 0),
    sha256       TEXT NOT NULL,
    uploaded_by  BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX grant_files_owner ON grant_files(owner_kind, owner_id);

CREATE TABLE grant_assignments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES grant_applications(id) ON DELETE CASCADE,
    assessor_id    BIGINT NOT NULL REFERENCES users(id),
    status         TEXT NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'declared', 'conflict', 'submitted')),
    third          BIGINT NOT NULL DEFAULT 0,
    comment        TEXT NOT NULL DEFAULT '',
    total_pct      BIGINT NOT NULL DEFAULT 0,
    declared_at    TIMESTAMPTZ,
    submitted_at   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, assessor_id)
);
CREATE INDEX grant_assignments_assessor ON grant_assignments(assessor_id);

CREATE TABLE grant_scores (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES grant_assignments(id) ON DELETE CASCADE,
    criterion     BIGINT NOT NULL,
    points        BIGINT NOT NULL CHECK (points >= 0),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (assignment_id, criterion)
);

CREATE TABLE grant_awards (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    application_id BIGINT NOT NULL UNIQUE REFERENCES grant_applications(id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    currency       TEXT NOT NULL,
    contract_no    TEXT NOT NULL DEFAULT '',
    starts_on      TEXT NOT NULL DEFAULT '',
    ends_on        TEXT NOT NULL DEFAULT '',
    awarded_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE grant_instalments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    award_id   BIGINT NOT NULL REFERENCES grant_awards(id) ON DELETE CASCADE,
    due_on     TEXT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    paid_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE grant_reports (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    award_id     BIGINT NOT NULL REFERENCES grant_awards(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('narrative', 'financial')),
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'submitted', 'approved', 'returned')),
    body         TEXT NOT NULL DEFAULT '',
    review       TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMPTZ,
    reviewed_at  TIMESTAMPTZ,
    reminded_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE grant_support (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    year           BIGINT NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    lsg_code       TEXT NOT NULL DEFAULT '',
    funder_name    TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    recipient_org  TEXT NOT NULL DEFAULT '',
    amount         BIGINT NOT NULL CHECK (amount > 0),
    currency       TEXT NOT NULL,
    purpose        TEXT NOT NULL DEFAULT '',
    procedure      TEXT NOT NULL CHECK (procedure IN ('open_call', 'direct')),
    award_id       BIGINT UNIQUE REFERENCES grant_awards(id),
    source         TEXT NOT NULL CHECK (source IN ('award', 'import')),
    award_date     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
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
