-- News, newsletter, events and the durable mail outbox.

-- +goose Up
CREATE TABLE mail_templates (
    id          INTEGER PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,
    subject     TEXT NOT NULL,
    text_body   TEXT NOT NULL,
    html_body   TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    msg_key         TEXT NOT NULL UNIQUE,
    to_addr         TEXT NOT NULL,
    domain          TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    text_body       TEXT NOT NULL DEFAULT '',
    html_body       TEXT NOT NULL DEFAULT '',
    headers         TEXT NOT NULL DEFAULT '{}',
    template_id     INTEGER REFERENCES mail_templates(id),
    vars            TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
CREATE INDEX mail_outbox_template ON mail_outbox(template_id, status);

CREATE TABLE news_settings (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE news_articles (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    slug          TEXT NOT NULL UNIQUE,
    author_kind   TEXT NOT NULL CHECK (author_kind IN ('platform', 'lsg', 'org')),
    author_ref    TEXT NOT NULL DEFAULT '',
    author_name   TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    status        TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'deleted')),
    lead_image    TEXT NOT NULL DEFAULT '',
    image_alt     TEXT NOT NULL DEFAULT '',
    published_at  TIMESTAMP NOT NULL,
    views         INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX news_articles_published ON news_articles(status, published_at);

CREATE TABLE news_translations (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES news_articles(id) ON DELETE CASCADE,
    lang         TEXT NOT NULL,
    is_original  INTEGER NOT NULL DEFAULT 0 CHECK (is_original IN (0, 1)),
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    body_md      TEXT NOT NULL DEFAULT '',
    body_html    TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (article_id, lang)
);

CREATE TABLE news_tags (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES news_articles(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('lsg', 'programme', 'sector')),
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (article_id, kind, value)
);
CREATE INDEX news_tags_value ON news_tags(kind, value);

CREATE TABLE news_views (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES news_articles(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    reader_hash  TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (article_id, day, reader_hash)
);
CREATE INDEX news_views_day ON news_views(day);

CREATE TABLE news_subscribers (
    id                INTEGER PRIMARY KEY,
    public_id         TEXT NOT NULL UNIQUE,
    email             TEXT NOT NULL UNIQUE,
    lang              TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
    confirm_hash      TEXT NOT NULL DEFAULT '',
    confirm_expires   TIMESTAMP,
    unsub_token       TEXT NOT NULL UNIQUE,
    bounces           INTEGER NOT NULL DEFAULT 0,
    confirmed_at      TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX news_subscribers_status ON news_subscribers(status, id);

CREATE TABLE news_subscriber_topics (
    id             INTEGER PRIMARY KEY,
    subscriber_id  INTEGER NOT NULL REFERENCES news_subscribers(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('lsg', 'programme')),
    value          TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (subscriber_id, kind, value)
);

CREATE TABLE news_issues (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    lang           TEXT NOT NULL,
    subject        TEXT NOT NULL,
    intro          TEXT NOT NULL DEFAULT '',
    articles       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent')),
    template_id    INTEGER REFERENCES mail_templates(id),
    cursor_id      INTEGER NOT NULL DEFAULT 0,
    total          INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER REFERENCES users(id),
    sent_at        TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,
    slug             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('forum', 'training', 'conference', 'meeting')),
    lang             TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    starts_at        TIMESTAMP NOT NULL,
    ends_at          TIMESTAMP NOT NULL,
    time_zone        TEXT NOT NULL,
    venue            TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    lat              REAL,
    lon              REAL,
    online_url       TEXT NOT NULL DEFAULT '',
    capacity         INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    lsg              TEXT NOT NULL DEFAULT '',
    programme        TEXT NOT NULL DEFAULT '',
    organiser_kind   TEXT NOT NULL CHECK (organiser_kind IN ('platform', 'lsg', 'org')),
    organiser_ref    TEXT NOT NULL DEFAULT '',
    organiser_name   TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    status           TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled')),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CHECK (ends_at >= starts_at)
);
CREATE INDEX events_starts ON events(status, starts_at);

CREATE TABLE event_registrations (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    event_id       INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    checked_in_at  TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (event_id, email)
);
CREATE INDEX event_registrations_event ON event_registrations(event_id, status, id);

-- +goose Down
DROP TABLE event_registrations;
DROP TABLE events;
DROP TABLE news_issues;
DROP TABLE news_subscriber_topics;
DROP TABLE news_subscribers;
DROP TABLE news_views;
DROP TABLE news_tags;
DROP TABLE news_translations;
DROP TABLE news_articles;
DROP TABLE news_settings;
DROP TABLE mail_outbox;
DROP TABLE mail_templates;
