-- +goose Up
-- The registry's filter index: one row per project and filter value it
-- matches ("all", "status:4", "lsg:ba-fbih-mostar", "region:ba-rs",
-- "donor:<folded name>", "dac:15150", "dac3:151"), carrying copies of the
-- project's sort and range columns, so that a filtered, sorted page is one
-- index range scan on (facet, sort key) instead of a join over big child
-- tables. The service rewrites a project's rows in the transaction that
-- writes the project, and removes them when it is deleted; updated_at is
-- the project's.
CREATE TABLE project_facets (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    facet            TEXT NOT NULL,
    status           INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    start_year       INTEGER NOT NULL,
    end_date         TEXT NOT NULL,
    value_eur_minor  BIGINT NOT NULL,
    sort_title       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (facet, project_id)
);
CREATE INDEX project_facets_project ON project_facets(project_id);
CREATE INDEX project_facets_updated ON project_facets(facet, updated_at, project_id);
CREATE INDEX project_facets_value ON project_facets(facet, value_eur_minor, project_id);
CREATE INDEX project_facets_title ON project_facets(facet, sort_title, project_id);
CREATE INDEX project_facets_start ON project_facets(facet, start_year, project_id);

-- Facets of the projects that exist already.
INSERT INTO project_facets (project_id, facet, status, kind, start_year, end_date, value_eur_minor, sort_title, created_at, updated_at)
SELECT p.id, x.facet, p.status, p.kind, p.start_year,
       CASE WHEN p.actual_end <> '' THEN p.actual_end ELSE p.planned_end END,
       p.value_eur_minor, p.sort_title, p.created_at, p.updated_at
FROM projects p JOIN (
    SELECT id AS project_id, 'all' AS facet FROM projects
    UNION SELECT id, 'status:' || status FROM projects
    UNION SELECT project_id, 'lsg:' || place_code FROM project_locations
    UNION SELECT l.project_id, 'region:' || pl.entity_code FROM project_locations l JOIN places pl ON pl.code = l.place_code WHERE pl.entity_code IS NOT NULL
    UNION SELECT l.project_id, 'region:' || pl.canton_code FROM project_locations l JOIN places pl ON pl.code = l.place_code WHERE pl.canton_code IS NOT NULL
    UNION SELECT l.project_id, 'region:' || pl.parent_code FROM project_locations l JOIN places pl ON pl.code = l.place_code WHERE pl.parent_code IS NOT NULL
    UNION SELECT project_id, 'donor:' || name_key FROM project_orgs WHERE role = 1
    UNION SELECT project_id, 'dac:' || code FROM project_codes WHERE kind = 'dac'
    UNION SELECT project_id, 'dac3:' || substr(code, 1, 3) FROM project_codes WHERE kind = 'dac'
) x ON x.project_id = p.id
WHERE p.deleted_at IS NULL;

-- +goose Down
DROP TABLE project_facets;
