-- The month-end report's repeated problems (the same place and category three or more
-- times) group a subtree's appeals of the month by location and category: with the location
-- carried in the (org_path, created_at, category) index the query can read the index alone
-- instead of fetching every row of the month.
DROP INDEX appeals_org_created;
CREATE INDEX appeals_org_created ON appeals (org_path, created_at, category) INCLUDE (location);
