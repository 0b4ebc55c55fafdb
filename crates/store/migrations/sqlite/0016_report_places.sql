-- The month-end report's repeated problems (the same place and category three or more
-- times) group a subtree's appeals of the month by location and category: with the location
-- in the (org_path, created_at, category) index the query reads the index alone instead of
-- fetching every row of the month (a busy station's month: 70 ms → a few).
DROP INDEX appeals_org_created;
CREATE INDEX appeals_org_created ON appeals (org_path, created_at, category, location);
