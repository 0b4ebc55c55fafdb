-- Roll-up rows get a shard number, as on PostgreSQL (see its 0002), so both backends run the
-- same upsert. SQLite has a single writer and only ever writes shard 0.
CREATE TABLE appeal_daily_sharded (
    org_unit_id       BIGINT NOT NULL,
    day               TEXT NOT NULL,
    shard             BIGINT NOT NULL DEFAULT 0,
    received          BIGINT NOT NULL DEFAULT 0,
    accepted          BIGINT NOT NULL DEFAULT 0,
    resolved          BIGINT NOT NULL DEFAULT 0,
    closed            BIGINT NOT NULL DEFAULT 0,
    responded         BIGINT NOT NULL DEFAULT 0,
    responded_on_time BIGINT NOT NULL DEFAULT 0,
    resolve_settled   BIGINT NOT NULL DEFAULT 0,
    resolved_on_time  BIGINT NOT NULL DEFAULT 0,
    followed_up       BIGINT NOT NULL DEFAULT 0,
    solved            BIGINT NOT NULL DEFAULT 0,
    satisfied         BIGINT NOT NULL DEFAULT 0,
    reopened          BIGINT NOT NULL DEFAULT 0,
    ever_closed       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_unit_id, day, shard)
) WITHOUT ROWID;
INSERT INTO appeal_daily_sharded (org_unit_id, day, shard, received, accepted, resolved, closed,
    responded, responded_on_time, resolve_settled, resolved_on_time, followed_up, solved,
    satisfied, reopened, ever_closed)
SELECT org_unit_id, day, 0, received, accepted, resolved, closed, responded, responded_on_time,
    resolve_settled, resolved_on_time, followed_up, solved, satisfied, reopened, ever_closed
FROM appeal_daily;
DROP TABLE appeal_daily;
ALTER TABLE appeal_daily_sharded RENAME TO appeal_daily;
