-- The worklist (工作台).
--
-- Its notices (督办, 退回, 延期审批 by others in the last days) are read by event type and
-- time: a few rows out of millions, found through this index rather than by walking every
-- open appeal's timeline (see `Store::notices`).
CREATE INDEX appeal_events_type_at ON appeal_events (type, at);

-- Its "follow-up due" count (resolved, feedback given) for any subtree, from this small
-- partial index alone instead of reading every resolved appeal (see `Store::queue_counts`).
CREATE INDEX appeals_followup_due ON appeals (org_path) WHERE status = 'resolved' AND feedback_at IS NOT NULL;
