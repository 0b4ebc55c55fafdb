-- Appeals received per (org unit, day) by kind, category and channel (see store's `dims`):
-- the statistics page's category breakdown and the month-end report read a few thousand of
-- these rows instead of every appeal of the period. A row holds its node's whole subtree;
-- sharded like appeal_daily (0002) so concurrent intakes do not queue on one row.
CREATE TABLE appeal_daily_dims (
    org_unit_id BIGINT NOT NULL,
    day         TEXT COLLATE "C" NOT NULL,
    -- 'kind' | 'category' | 'channel'
    dim         TEXT COLLATE "C" NOT NULL,
    value       TEXT COLLATE "C" NOT NULL,
    shard       BIGINT NOT NULL DEFAULT 0,
    received    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_unit_id, dim, day, value, shard)
);
-- A database with appeals gets the table filled from them at the next start (in code: the
-- grouping by Shanghai day and the spreading to ancestors are the roll-up's own).
INSERT INTO settings (key, value)
SELECT 'rollup_dims_backfill', 'pending' WHERE EXISTS (SELECT 1 FROM appeals);
