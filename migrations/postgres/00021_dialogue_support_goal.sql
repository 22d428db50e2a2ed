-- +goose Up
-- A platform's support goal: the supports an initiative open for support
-- needs before the platform's selection meeting (issue 16: a support bar
-- against the threshold); 0 means the platform sets none. The list of
-- initiatives is filtered by LSG and state.
ALTER TABLE dlg_platforms ADD COLUMN support_goal INTEGER NOT NULL DEFAULT 0 CHECK (support_goal BETWEEN 0 AND 1000000);
CREATE INDEX dlg_initiatives_lsg ON dlg_initiatives(lsg_code, state);

-- +goose Down
DROP INDEX dlg_initiatives_lsg;
ALTER TABLE dlg_platforms DROP COLUMN support_goal;
