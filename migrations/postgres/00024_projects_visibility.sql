-- +goose Up
-- A programme's visibility notice, per language: the funder's emblem as
-- text (its alternative text, no image) and the disclaimer the funder's
-- rules require ("This website was created with the financial support of
-- the European Union …"), shown on the programme's page and its projects'.
CREATE TABLE project_notices (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    lang       TEXT NOT NULL,
    emblem     TEXT NOT NULL DEFAULT '',
    notice     TEXT NOT NULL CHECK (notice <> ''),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (project_id, lang)
);

-- +goose Down
DROP TABLE project_notices;
