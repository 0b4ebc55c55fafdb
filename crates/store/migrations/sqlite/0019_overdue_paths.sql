-- The scoreboard's longest-overdue list reads the most overdue appeals' ids and node paths
-- in deadline order, then full records only for the few it shows: with the path in the
-- deadline index that read never visits the table.
DROP INDEX appeals_due;
CREATE INDEX appeals_due ON appeals (due_at, id, org_path) WHERE due_at IS NOT NULL;
