-- Open311 GeoReport v2 (core::open311): the API keys of the client systems that post
-- service requests, and what an appeal posted through Open311 came with.
--
-- A key is shown once when made; only its SHA-256 (hex) is kept. A revoked key stays, so an
-- appeal keeps the system it came from; a name belongs to one active key at a time.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    -- The channel its appeals get ('api').
    channel      TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    -- NULL: made on the command line (`suqiu open311 key add`).
    created_by   BIGINT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;

-- One row per appeal posted through Open311: the key it came with and its media_url.
CREATE TABLE open311_requests (
    appeal_id  BIGINT PRIMARY KEY REFERENCES appeals (id),
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    media_url  TEXT
);

-- GET requests, newest first over the appeals Open311 may show (store::open311::SHOWN,
-- written the same way so the planner matches it).
CREATE INDEX appeals_open311 ON appeals (created_at) WHERE public_consent = 1 OR channel = 'api';
