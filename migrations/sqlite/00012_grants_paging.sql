-- +goose Up
-- The call list is paged in SQL by phase (status) and closing time.
CREATE INDEX grant_calls_status_closes ON grant_calls(status, closes_at);

-- +goose Down
DROP INDEX grant_calls_status_closes;
