-- Lists show the newest registrations first, which is id order. These indexes hand out one
-- node's rows (with or without a status) newest first, so a page reads about a page of
-- entries per node instead of sorting every row of a station (see `Store::list_appeals`).
DROP INDEX appeals_status_org_created;
CREATE INDEX appeals_status_org_id ON appeals (status, org_path, id);
CREATE INDEX appeals_org_id ON appeals (org_path, id);
