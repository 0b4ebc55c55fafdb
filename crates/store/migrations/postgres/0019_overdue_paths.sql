-- The scoreboard's longest-overdue list reads the most overdue appeals' ids and node paths
-- in deadline order, then full records only for the few it shows: with the path carried in
-- the deadline index that read is an index-only scan that stops at its limit (it was a
-- bitmap scan of every overdue row and a sort: 16 ms at 1M).
DROP INDEX appeals_due;
CREATE INDEX appeals_due ON appeals (due_at, id) INCLUDE (org_path) WHERE due_at IS NOT NULL;
