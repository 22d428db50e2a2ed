-- +goose Up
-- What an imported IATI activity carried, so that the export gives it back:
-- one row per imported project, a JSON document of the activity's
-- attributes, every child element as canonical XML in document (= schema)
-- order, and a snapshot of the registry's fields as imported (an element
-- group whose fields someone changed since is exported from the fields).
CREATE TABLE project_iati_sources (
    id          INTEGER PRIMARY KEY,
    project_id  BIGINT NOT NULL UNIQUE REFERENCES projects(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE project_iati_sources;
