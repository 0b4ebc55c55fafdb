-- Indexes for the dashboard's queue counts and the statistics page's category breakdown,
-- so each reads an index alone:
-- * a period's appeals of a subtree by category (org_path, created_at, category), and of
--   the whole district (created_at, category);
-- * the resolved appeals split by feedback given or not (status, org_path, id, feedback_at;
--   still one node's rows newest first for the lists);
-- * the district's open appeals by deadline (due_at), for "due soon" and "overdue".
DROP INDEX appeals_org_created;
CREATE INDEX appeals_org_created ON appeals (org_path, created_at, category);
DROP INDEX appeals_created;
CREATE INDEX appeals_created ON appeals (created_at, category);
DROP INDEX appeals_status_org_id;
CREATE INDEX appeals_status_org_id ON appeals (status, org_path, id, feedback_at);
CREATE INDEX appeals_due ON appeals (due_at) WHERE due_at IS NOT NULL;
