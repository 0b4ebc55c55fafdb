-- When an appeal's first clock deadline comes (core's `AppealFacts::pending_from`): before
-- it the appeal adds nothing to the live part of the measures. The live query used to read
-- every live appeal of the period — at a million appeals with a busy day, tens of thousands
-- of rows per request; now it reads only live appeals whose deadline has come (those overdue
-- or unanswered: a few thousand in a whole district), from one covering index.
ALTER TABLE appeals ADD COLUMN pending_from BIGINT;
UPDATE appeals SET pending_from = LEAST(
        CASE WHEN responded_at IS NULL THEN respond_by END,
        CASE WHEN status IN ('registered', 'accepted', 'in_progress') AND resolved_at IS NULL THEN resolve_by END,
        CASE WHEN status IN ('registered', 'accepted', 'in_progress') THEN due_at END)
    WHERE live = 1;
DROP INDEX appeals_live;
CREATE INDEX appeals_pending ON appeals (pending_from, org_path, created_at, status, responded_at, respond_by, resolve_by, resolved_at, due_at)
    WHERE live = 1;
