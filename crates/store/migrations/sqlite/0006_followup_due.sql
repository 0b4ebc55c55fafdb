-- The worklist's "follow-up due" count (resolved, feedback given) for any subtree, from this
-- small partial index alone instead of reading every resolved appeal (see
-- `Store::queue_counts`).
CREATE INDEX appeals_followup_due ON appeals (org_path) WHERE status = 'resolved' AND feedback_at IS NOT NULL;
