-- Roll-up rows get a shard number. Why: every intake of a day adds to the same rows (the
-- day's row of its street and of the district), and on PostgreSQL concurrent transactions
-- queue on those row locks until each one commits. Each transaction now writes its deltas to
-- one shard picked at random, so concurrent writers rarely meet; readers SUM over shards as
-- they already SUM over days. SQLite has one writer and always uses shard 0.
ALTER TABLE appeal_daily ADD COLUMN shard BIGINT NOT NULL DEFAULT 0;
ALTER TABLE appeal_daily DROP CONSTRAINT appeal_daily_pkey;
ALTER TABLE appeal_daily ADD PRIMARY KEY (org_unit_id, day, shard);
