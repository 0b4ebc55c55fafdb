-- The dashboard's counts by status leave spam-marked appeals out (`spam_at IS NULL`, issue 15).
-- Without the column in the index every counted entry was a visit to the table: on PostgreSQL
-- at a million appeals the district's counts took 26–383 ms each instead of an index-only
-- count under 1 ms. The index is the same with the column added at its end.
DROP INDEX appeals_status_org_id;
CREATE INDEX appeals_status_org_id ON appeals (status, org_path, id, feedback_at, spam_at);
