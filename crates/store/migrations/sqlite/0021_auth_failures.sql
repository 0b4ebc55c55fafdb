-- Failed sign-ins per username and wrong lookups per tracking code, for the locks that slow
-- guessing down. In the database rather than in memory so that no volume of other failures
-- can push a live lock out, a restart does not lift one, and servers sharing a PostgreSQL
-- database share them. The key is stored as its SHA-256 (hex): a password typed into the
-- username field is never kept.
CREATE TABLE auth_failures (
    scope       TEXT NOT NULL,
    key_hash    TEXT NOT NULL,
    count       BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX auth_failures_last ON auth_failures (last_at);
