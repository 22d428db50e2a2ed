-- +goose Up
-- The one search index of the platform (internal/search). Every module's
-- documents are stored here as written (fields, JSON) beside their folded
-- keys (translit.Fold: strict S, search L, extra A, compact for names);
-- the FTS5 table indexes the keys. fold_version says which fold built the
-- keys, so that `dijalog reindex` rebuilds them when the fold changes.
CREATE TABLE search_docs (
    id            INTEGER PRIMARY KEY,
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
    fold_version  INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (doc_type, doc_id)
);
CREATE INDEX search_docs_lsg ON search_docs (lsg, doc_type);
CREATE INDEX search_docs_fold ON search_docs (fold_version);

-- names: search and extra keys of titles and name fields, plus compact
-- keys of names; body: the keys of every other field. Rowid = search_docs.id.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    names, body,
    content = '', contentless_delete = 1,
    tokenize = 'ascii', prefix = '2 3', detail = 'column'
);
-- Names weigh four times the rest in the engine's own ranking (bm25).
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');

-- The vocabulary of titles, names and summaries (search, extra and compact
-- keys of 4+ letters) for the typo fallback, with every key's one-letter
-- deletions (symmetric-delete spelling correction).
CREATE TABLE search_typos (
    del   TEXT NOT NULL,
    term  TEXT NOT NULL,
    PRIMARY KEY (del, term)
) WITHOUT ROWID;

-- Index-wide settings: the fold version the whole index was built with.
CREATE TABLE search_meta (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE search_meta;
DROP TABLE search_typos;
DROP TABLE search_fts;
DROP TABLE search_docs;
