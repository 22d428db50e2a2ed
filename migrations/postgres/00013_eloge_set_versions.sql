-- +goose Up
-- Versioned principle sets: a platform edits the benchmark in a draft
-- version, copied from a published one, and publishes it for new cycles.
-- A published version is never changed, so a cycle keeps the texts it was
-- run with. family groups the versions ("2008", "2023"); code stays the
-- unique name of one version ("2008", "2008-v2").

ALTER TABLE eloge_sets ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE eloge_sets ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version BETWEEN 1 AND 999);
ALTER TABLE eloge_sets ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published'));
ALTER TABLE eloge_sets ADD COLUMN based_on BIGINT REFERENCES eloge_sets(id) ON DELETE SET NULL;
ALTER TABLE eloge_sets ADD COLUMN platform_id BIGINT REFERENCES eloge_platforms(id) ON DELETE SET NULL;
ALTER TABLE eloge_sets ADD COLUMN published_at TIMESTAMPTZ;
UPDATE eloge_sets SET family = code WHERE family = '';
CREATE UNIQUE INDEX eloge_sets_version ON eloge_sets(family, version);

-- +goose Down
DROP INDEX eloge_sets_version;
ALTER TABLE eloge_sets DROP COLUMN published_at;
ALTER TABLE eloge_sets DROP COLUMN platform_id;
ALTER TABLE eloge_sets DROP COLUMN based_on;
ALTER TABLE eloge_sets DROP COLUMN status;
ALTER TABLE eloge_sets DROP COLUMN version;
ALTER TABLE eloge_sets DROP COLUMN family;
