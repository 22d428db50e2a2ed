-- +goose Up
-- Local dialogue platforms (LDP, "Forum for civic initiatives") and
-- inter-municipal platforms (MLDP): members, priorities, action plans,
-- meetings, citizens' initiatives with supports, resident verification,
-- co-financing and progress; and the shared comments component.
CREATE TABLE dlg_platforms (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    requires_verification BIGINT NOT NULL DEFAULT 0 CHECK (requires_verification IN (0, 1)),
    created_by            BIGINT REFERENCES users(id),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);

CREATE TABLE dlg_platform_lsgs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform_id BIGINT NOT NULL REFERENCES dlg_platforms(id) ON DELETE CASCADE,
    lsg_code    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (platform_id, lsg_code)
);
CREATE INDEX dlg_platform_lsgs_lsg ON dlg_platform_lsgs(lsg_code);

CREATE TABLE dlg_members (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform_id BIGINT NOT NULL REFERENCES dlg_platforms(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('coordinator', 'deputy', 'member', 'youth_activist', 'municipal_staff')),
    status      TEXT NOT NULL CHECK (status IN ('requested', 'invited', 'active')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (platform_id, user_id)
);
CREATE INDEX dlg_members_user ON dlg_members(user_id);

CREATE TABLE dlg_priorities (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform_id BIGINT NOT NULL REFERENCES dlg_platforms(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (platform_id, name)
);

CREATE TABLE dlg_actions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform_id BIGINT NOT NULL REFERENCES dlg_platforms(id) ON DELETE CASCADE,
    year        BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    deadline    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_actions_platform ON dlg_actions(platform_id, year);

CREATE TABLE dlg_meetings (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    platform_id  BIGINT NOT NULL REFERENCES dlg_platforms(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    starts_at    TIMESTAMPTZ NOT NULL,
    ends_at      TIMESTAMPTZ NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    online_url   TEXT NOT NULL DEFAULT '',
    agenda       TEXT NOT NULL DEFAULT '',
    minutes_md   TEXT NOT NULL DEFAULT '',
    minutes_html TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (starts_at <= ends_at)
);
CREATE INDEX dlg_meetings_platform ON dlg_meetings(platform_id, starts_at);

CREATE TABLE dlg_registrations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES dlg_meetings(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    attended   BIGINT NOT NULL DEFAULT 0 CHECK (attended IN (0, 1)),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (meeting_id, user_id)
);

CREATE TABLE dlg_initiatives (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       TEXT NOT NULL UNIQUE,
    platform_id     BIGINT NOT NULL REFERENCES dlg_platforms(id),
    author_id       BIGINT NOT NULL REFERENCES users(id),
    lsg_code        TEXT NOT NULL,
    local_community TEXT NOT NULL DEFAULT '',
    priority_id     BIGINT REFERENCES dlg_priorities(id),
    title           TEXT NOT NULL,
    problem         TEXT NOT NULL,
    solution        TEXT NOT NULL,
    cost_minor      BIGINT NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),
    currency        TEXT NOT NULL DEFAULT 'BAM',
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'admissible', 'not_admissible', 'open', 'selected', 'cofinanced', 'implementation', 'done', 'rejected', 'withdrawn')),
    reason          TEXT NOT NULL DEFAULT '',
    supports        BIGINT NOT NULL DEFAULT 0 CHECK (supports >= 0),
    meeting_id      BIGINT REFERENCES dlg_meetings(id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_initiatives_platform ON dlg_initiatives(platform_id, state);

CREATE TABLE dlg_initiative_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    actor_id      BIGINT REFERENCES users(id),
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_initiative_events_initiative ON dlg_initiative_events(initiative_id, id);

CREATE TABLE dlg_decisions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id    BIGINT NOT NULL REFERENCES dlg_meetings(id) ON DELETE CASCADE,
    initiative_id BIGINT REFERENCES dlg_initiatives(id),
    text          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- One support per person per initiative: the database decides.
CREATE TABLE dlg_supports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (initiative_id, user_id)
);

CREATE TABLE dlg_residents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    lsg_code    TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('in_person', 'code')),
    verified_by BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, lsg_code)
);

CREATE TABLE dlg_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lsg_code   TEXT NOT NULL,
    code_hash  TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    used_by    BIGINT REFERENCES users(id),
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE dlg_shares (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    source        TEXT NOT NULL CHECK (source IN ('lsg', 'donor', 'other')),
    name          TEXT NOT NULL,
    project_ref   TEXT NOT NULL DEFAULT '',
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_shares_initiative ON dlg_shares(initiative_id);

CREATE TABLE dlg_disbursements (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    paid_on       TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_by    BIGINT REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_disbursements_initiative ON dlg_disbursements(initiative_id);

CREATE TABLE dlg_reports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id BIGINT NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    author_id     BIGINT REFERENCES users(id),
    body          TEXT NOT NULL,
    percent       BIGINT NOT NULL CHECK (percent BETWEEN 0 AND 100),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_reports_initiative ON dlg_reports(initiative_id);

CREATE TABLE dlg_photos (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    initiative_id BIGINT NOT NULL REFERENCES dlg_initiatives(id) ON DELETE CASCADE,
    report_id     BIGINT REFERENCES dlg_reports(id),
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    size          BIGINT NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    caption       TEXT NOT NULL DEFAULT '',
    uploaded_by   BIGINT REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dlg_photos_initiative ON dlg_photos(initiative_id);

-- The shared comments component (internal/comments), keyed by subject.
CREATE TABLE comments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    author_id     BIGINT NOT NULL REFERENCES users(id),
    body          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
    hidden_reason TEXT NOT NULL DEFAULT '',
    hidden_by     BIGINT REFERENCES users(id),
    reports       BIGINT NOT NULL DEFAULT 0 CHECK (reports >= 0),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX comments_subject ON comments(subject_type, subject_id, id);
CREATE INDEX comments_author ON comments(author_id, created_at);

CREATE TABLE comment_reports (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (comment_id, user_id)
);

-- +goose Down
DROP TABLE comment_reports;
DROP TABLE comments;
DROP TABLE dlg_photos;
DROP TABLE dlg_reports;
DROP TABLE dlg_disbursements;
DROP TABLE dlg_shares;
DROP TABLE dlg_codes;
DROP TABLE dlg_residents;
DROP TABLE dlg_supports;
DROP TABLE dlg_decisions;
DROP TABLE dlg_initiative_events;
DROP TABLE dlg_initiatives;
DROP TABLE dlg_registrations;
DROP TABLE dlg_meetings;
DROP TABLE dlg_actions;
DROP TABLE dlg_priorities;
DROP TABLE dlg_members;
DROP TABLE dlg_platform_lsgs;
DROP TABLE dlg_platforms;
