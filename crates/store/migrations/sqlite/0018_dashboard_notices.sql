-- The dashboard's recent notices (督办, 退回, 延期审批) are the user's own notifications of
-- those kinds (see `Store::recent_notifications`), read by user, kind and time; they are no
-- longer found by scanning the district's recent events by type (0005).
DROP INDEX appeal_events_type_at;
CREATE INDEX notifications_user_kind ON notifications (user_id, kind, created_at);
