-- Micro-wishes (微心愿) and in-service party members' service (在职党员报到).
-- Keep in step with ../postgres/0014_wishes_service.sql.

-- A person's small wish. The state machine is suqiu_core::wishes; every change is one
-- conditional UPDATE on the status (and claimer) it was decided from.
CREATE TABLE wishes (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    -- The person's node when recorded, and its path, so scope is one indexed range.
    org_unit_id     BIGINT NOT NULL REFERENCES org_units (id),
    org_path        TEXT NOT NULL,
    wish            TEXT NOT NULL,
    estimated_cents BIGINT CHECK (estimated_cents > 0),
    -- YYYY-MM-DD, the day the wisher hopes for.
    deadline        TEXT,
    -- 'open' | 'claimed' | 'fulfilled' | 'confirmed' | 'cancelled'
    status          TEXT NOT NULL,
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    claimed_by      BIGINT REFERENCES users (id),
    claimed_at      BIGINT,
    fulfilled_at    BIGINT,
    fulfil_note     TEXT,
    -- Who confirmed or cancelled it, and when.
    closed_by       BIGINT REFERENCES users (id),
    closed_at       BIGINT
);
CREATE INDEX wishes_scope ON wishes (org_path, status);
CREATE INDEX wishes_claimed_by ON wishes (claimed_by);

-- The service posts a community offers (楼道长, 文明引导 …).
CREATE TABLE service_posts (
    id          INTEGER PRIMARY KEY,
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    org_path    TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    UNIQUE (org_unit_id, name)
);
CREATE INDEX service_posts_path ON service_posts (org_path);

-- An in-service member's registration (报到) to serve a community, once per community.
CREATE TABLE service_registrations (
    id            INTEGER PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    org_unit_id   BIGINT NOT NULL REFERENCES org_units (id),
    org_path      TEXT NOT NULL,
    -- YYYY-MM-DD
    registered_on TEXT NOT NULL,
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    UNIQUE (person_id, org_unit_id)
);
CREATE INDEX service_registrations_path ON service_registrations (org_path);

-- The posts a member chose when registering.
CREATE TABLE service_registration_posts (
    registration_id BIGINT NOT NULL REFERENCES service_registrations (id),
    post_id         BIGINT NOT NULL REFERENCES service_posts (id),
    PRIMARY KEY (registration_id, post_id)
);

-- Hours served, in tenths of an hour (exact sums), at most a day per entry.
CREATE TABLE service_hours (
    id              INTEGER PRIMARY KEY,
    registration_id BIGINT NOT NULL REFERENCES service_registrations (id),
    post_id         BIGINT NOT NULL REFERENCES service_posts (id),
    -- YYYY-MM-DD
    served_on       TEXT NOT NULL,
    hours_tenths    BIGINT NOT NULL CHECK (hours_tenths > 0 AND hours_tenths <= 240),
    note            TEXT NOT NULL,
    recorded_by     BIGINT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX service_hours_registration ON service_hours (registration_id, served_on);
