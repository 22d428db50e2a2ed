-- +goose Up
-- Search (internal/search) query speed on SQLite: merge the FTS5 index's
-- segments into one (a query seeks every segment of every word; a rebuild
-- now ends with the same merge, see Index.Reindex). The PostgreSQL
-- migration of this number tunes its GIN indexes.
INSERT INTO search_fts (search_fts) VALUES ('optimize');

-- +goose Down
SELECT 1;
