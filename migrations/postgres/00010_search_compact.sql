-- +goose Up
-- Search (internal/search) query speed on PostgreSQL. GIN indexes collect
-- new entries in a pending list that every scan reads in full; a list
-- left full by a bulk rebuild made the planner shun the trigram index
-- (a sequential scan of the vocabulary per typo) and slowed every tsvector
-- match. The vocabulary changes rarely: no pending list. The documents'
-- index keeps a short one (256 kB) so that single writes stay cheap. Both
-- lists are merged now, and the statistics gathered.
ALTER INDEX search_terms_trgm SET (fastupdate = off);
ALTER INDEX search_docs_tsv SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list('search_terms_trgm'::regclass);
SELECT gin_clean_pending_list('search_docs_tsv'::regclass);
ANALYZE search_docs, search_terms;

-- +goose Down
ALTER INDEX search_docs_tsv RESET (gin_pending_list_limit);
ALTER INDEX search_terms_trgm RESET (fastupdate);
