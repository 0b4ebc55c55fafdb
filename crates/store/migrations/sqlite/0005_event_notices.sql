-- The worklist's notices (督办, 退回, 延期审批 by others in the last days) are read by event
-- type and time: a few rows out of millions, found through this index rather than by
-- walking every open appeal's timeline (see `Store::notices`).
CREATE INDEX appeal_events_type_at ON appeal_events (type, at);
