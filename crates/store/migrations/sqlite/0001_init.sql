-- Suqiu schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql: the same tables,
-- columns and indexes; only types and full-text search differ.
--
-- Portable conventions (the store reads both through sqlx's Any driver):
--   ids and counters BIGINT; times BIGINT epoch milliseconds UTC; flags BIGINT 0/1 (no BOOLEAN:
--   Any cannot decode it reliably); dates TEXT 'YYYY-MM-DD'; JSON documents TEXT;
--   materialized paths TEXT like '/1/4/27/' (a subtree is a range of paths).

CREATE TABLE org_units (
    id        INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES org_units (id),
    kind      TEXT NOT NULL,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    path      TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id);
CREATE INDEX org_units_path ON org_units (path);

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id)
);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES categories (code),
    sort        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX categories_parent ON categories (parent_code);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    name        TEXT NOT NULL
);
CREATE INDEX teams_org_unit ON teams (org_unit_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_unit_id   BIGINT NOT NULL REFERENCES org_units (id),
    department_id BIGINT REFERENCES departments (id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_org_unit ON users (org_unit_id);

-- Sessions are keyed by the SHA-256 of the token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    gender          TEXT,
    birth_date      TEXT,
    phone           TEXT,
    id_number       TEXT,
    org_unit_id     BIGINT NOT NULL REFERENCES org_units (id),
    -- Copied from org_units.path so scope is one indexed range.
    org_path        TEXT NOT NULL,
    address         TEXT,
    -- JSON array of care-tag codes; people_tags indexes the same set for the tag filter.
    tags            TEXT NOT NULL DEFAULT '[]',
    party_category  TEXT,
    party_joined_on TEXT,
    party_branch    TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX people_org_path ON people (org_path);

CREATE TABLE people_tags (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (tag, person_id)
);
CREATE INDEX people_tags_person ON people_tags (person_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per appeal: its current state (what applying its events gives) plus columns
-- denormalized for scope, lists and measures.
CREATE TABLE appeals (
    id                      INTEGER PRIMARY KEY,
    tracking_code           TEXT NOT NULL UNIQUE,
    status                  TEXT NOT NULL,
    org_unit_id             BIGINT NOT NULL REFERENCES org_units (id),
    org_path                TEXT NOT NULL,
    received_by_org_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    handling_org_unit_id    BIGINT NOT NULL REFERENCES org_units (id),
    handling_path           TEXT NOT NULL,
    assignee_user_id        BIGINT REFERENCES users (id),
    assignee_team_id        BIGINT REFERENCES teams (id),
    department_id           BIGINT REFERENCES departments (id),
    category                TEXT NOT NULL,
    kind                    TEXT NOT NULL,
    urgency                 TEXT NOT NULL,
    channel                 TEXT NOT NULL,
    title                   TEXT,
    content                 TEXT NOT NULL,
    location                TEXT,
    -- 'person' | 'named' | 'anonymous'
    appellant_type          TEXT NOT NULL,
    appellant_person_id     BIGINT REFERENCES people (id),
    appellant_name          TEXT,
    appellant_phone         TEXT,
    public_consent          BIGINT NOT NULL,
    created_at              BIGINT NOT NULL,
    responded_at            BIGINT,
    accepted_at             BIGINT,
    resolved_at             BIGINT,
    closed_at               BIGINT,
    respond_by              BIGINT NOT NULL,
    resolve_by              BIGINT,
    extension               TEXT NOT NULL,
    handoffs                TEXT NOT NULL,
    resolution              TEXT,
    feedback_at             BIGINT,
    satisfaction            TEXT,
    solved                  BIGINT,
    follow_up_attempts      BIGINT NOT NULL,
    reopen_count            BIGINT NOT NULL,
    merged_into             BIGINT REFERENCES appeals (id),
    version                 BIGINT NOT NULL,
    -- Appeal::current_deadline(): NULL unless open, so "overdue" is due_at < now.
    due_at                  BIGINT,
    -- 1 while the appeal can still change a clock-dependent measure (open, or never
    -- answered); the live part of the measures reads only these rows.
    live                    BIGINT NOT NULL,
    search_tokens           TEXT NOT NULL
);
-- Worklists, newest first: a subtree (node or scope) …
CREATE INDEX appeals_org_created ON appeals (org_path, created_at);
-- … or one status in a subtree: the status first, so the range scans only that status.
CREATE INDEX appeals_status_org_created ON appeals (status, org_path, created_at);
-- Overdue worklists: open appeals only (due_at is NULL otherwise), by subtree and deadline.
CREATE INDEX appeals_open_due ON appeals (org_path, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX appeals_assignee ON appeals (assignee_user_id, status, created_at);
CREATE INDEX appeals_department ON appeals (department_id, status, created_at);
CREATE INDEX appeals_created ON appeals (created_at);
CREATE INDEX appeals_person ON appeals (appellant_person_id);
-- The live part of the measures: small (live rows only) and covering every column the live
-- query reads, so it never touches the table.
CREATE INDEX appeals_live ON appeals (org_path, created_at, status, responded_at, respond_by, resolve_by, resolved_at, due_at)
    WHERE live = 1;

-- Full text: jieba tokens joined by spaces, computed at write time. Contentless (the text
-- lives in appeals); rowid = appeals.id. `scope` holds the ids of the node's ancestors
-- ('1 4 27'), so a subtree search is one FTS intersection (`scope : "27"`) instead of
-- every match in the district checked against the subtree. Neither column ever changes
-- (text and node are fixed at intake) and appeals are never deleted, so insertion is the
-- only maintenance the index needs. The store inserts these rows once per transaction
-- (see the writer): FTS5 flushes its pending terms at every SAVEPOINT, which made a row
-- per intake job four times as expensive.
CREATE VIRTUAL TABLE appeal_fts USING fts5 (tokens, scope, content = '', tokenize = 'unicode61');

-- The timeline: append-only; ids strictly increase per appeal. `data` is the EventBody
-- as JSON ({"type": …, "data": {…}}).
CREATE TABLE appeal_events (
    id        INTEGER PRIMARY KEY,
    appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    type      TEXT NOT NULL,
    actor_id  BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    data      TEXT NOT NULL
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

-- Roll-ups: the settled (clock-independent) measures of the appeals received on `day`
-- (Asia/Shanghai) in the SUBTREE of org_unit_id. Every appeal adds to the row of each of its
-- ancestors, so a node's period is one short range read whatever the tree's size.
-- Columns are suqiu_core::measures::Counts fields; `responded` and `resolve_settled` are the
-- settled parts of response_due and resolve_due.
CREATE TABLE appeal_daily (
    org_unit_id       BIGINT NOT NULL,
    day               TEXT NOT NULL,
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
    PRIMARY KEY (org_unit_id, day)
) WITHOUT ROWID;
