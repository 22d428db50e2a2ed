-- +goose Up
-- The one search index of the platform (internal/search). Every module's
-- documents are stored here as written (fields, JSON) beside their folded
-- keys (translit.Fold: strict S, search L, extra A, compact for names); a
-- 'simple' tsvector over the keys is indexed with GIN, and the vocabulary
-- with pg_trgm for typos. fold_version says which fold built the keys, so
-- that `dijalog reindex` rebuilds them when the fold changes.
--
-- pg_trgm ships with Debian's postgresql-15 (contrib). Extensions are per
-- database and live in one schema: it is created in public (which must be
-- on the search_path of the platform's connections). Two migrations racing
-- to create it (parallel test schemas) are harmless.
-- +goose StatementBegin
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
EXCEPTION WHEN unique_violation OR duplicate_object THEN
    NULL;
END
$$;
-- +goose StatementEnd

CREATE TABLE search_docs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_type      TEXT NOT NULL CHECK (doc_type <> ''),
    doc_id        TEXT NOT NULL CHECK (doc_id <> ''),
    lsg           TEXT NOT NULL DEFAULT '',
    lang          TEXT NOT NULL DEFAULT '',
    year          INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL,
    url           TEXT NOT NULL,
    script        TEXT NOT NULL DEFAULT 'latn' CHECK (script IN ('latn', 'cyrl')),
    fields        TEXT NOT NULL, -- JSON [{"n","t","w","c"}]: the texts as written
    keys          TEXT NOT NULL, -- JSON [{"s","a","w","c"}]: strict and extra keys per field
    tsv           TSVECTOR NOT NULL, -- weight A: names and titles; D: the rest
    fold_version  INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (doc_type, doc_id)
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
CREATE INDEX search_docs_lsg ON search_docs (lsg, doc_type);
CREATE INDEX search_docs_fold ON search_docs (fold_version);

-- The vocabulary of titles, names and summaries (search, extra and compact
-- keys of 4+ letters) for the typo fallback.
CREATE TABLE search_terms (
    term  TEXT PRIMARY KEY
);
CREATE INDEX search_terms_trgm ON search_terms USING gin (term public.gin_trgm_ops);

-- Index-wide settings: the fold version the whole index was built with.
CREATE TABLE search_meta (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    value       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE search_meta;
DROP TABLE search_terms;
DROP TABLE search_docs;
