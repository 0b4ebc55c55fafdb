-- When an appeal's first clock deadline comes (see the PostgreSQL migration of the same
-- number for why). SQLite's scalar min() is NULL when any argument is, so the aggregate
-- MIN over the candidates is used, which skips NULLs like PostgreSQL's LEAST.
ALTER TABLE appeals ADD COLUMN pending_from BIGINT;
UPDATE appeals SET pending_from = (
    SELECT MIN(v) FROM (
        SELECT CASE WHEN appeals.responded_at IS NULL THEN appeals.respond_by END AS v
        UNION ALL
        SELECT CASE WHEN appeals.status IN ('registered', 'accepted', 'in_progress') AND appeals.resolved_at IS NULL THEN appeals.resolve_by END
        UNION ALL
        SELECT CASE WHEN appeals.status IN ('registered', 'accepted', 'in_progress') THEN appeals.due_at END
    ))
    WHERE live = 1;
DROP INDEX appeals_live;
CREATE INDEX appeals_pending ON appeals (pending_from, org_path, created_at, status, responded_at, respond_by, resolve_by, resolved_at, due_at)
    WHERE live = 1;
