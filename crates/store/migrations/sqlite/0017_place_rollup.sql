-- Appeals received per (org unit, month, place, category) (see store's `places`): the
-- month-end report's repeated problems read the month's groups that reached the threshold
-- through the count index, not every appeal of the month. A row counts the appeals raised at
-- its node itself (a place's words mean a place only within its node); the place is stored
-- trimmed.
CREATE TABLE appeal_month_places (
    org_unit_id BIGINT NOT NULL,
    -- 'YYYY-MM', the Shanghai month of created_at
    month       TEXT NOT NULL,
    place       TEXT NOT NULL,
    category    TEXT NOT NULL,
    received    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_unit_id, month, place, category)
) WITHOUT ROWID;
CREATE INDEX appeal_month_places_count ON appeal_month_places (org_unit_id, month, received);
-- A database with appeals gets the table filled from them at the next start (in code).
INSERT INTO settings (key, value)
SELECT 'rollup_places_backfill', 'pending' WHERE EXISTS (SELECT 1 FROM appeals);
-- The appeals' place no longer needs to ride in the (org_path, created_at) index (0016).
DROP INDEX appeals_org_created;
CREATE INDEX appeals_org_created ON appeals (org_path, created_at, category);
