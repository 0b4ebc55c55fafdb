-- Outbound messages (e-mail, webhook). A message is written in the same transaction as what
-- caused it (an action, a watch finding), so it is never lost and never delays the action;
-- a background job fans it out to the channels configured at the time and delivers it.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    -- 'appellant' (tracking code on accept/resolve) or 'staff' (a notice)
    audience   TEXT NOT NULL,
    appeal_id  BIGINT REFERENCES appeals (id),
    -- The JSON document delivered.
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    dispatched BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (id) WHERE dispatched = 0;

-- One delivery per message and channel, retried with backoff until sent or given up.
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    outbox_id  BIGINT NOT NULL REFERENCES outbox (id),
    channel    TEXT NOT NULL,
    -- 'pending' | 'sent' | 'failed'
    state      TEXT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    next_at    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (outbox_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending';

-- Every attempt, for the operator: when, whether it worked, and what the other side said.
CREATE TABLE delivery_log (
    id          INTEGER PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    at          BIGINT NOT NULL,
    ok          BIGINT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX delivery_log_delivery ON delivery_log (delivery_id, id);
