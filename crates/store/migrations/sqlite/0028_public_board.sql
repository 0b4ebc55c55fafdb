-- The public board (公开栏, issue 15): an appeal's public reply, written for the public apart
-- from what the appellant was told, and shown only once reviewed (core::board::reply); and the
-- 党务公开 items a node's staff publish. Publishing and withdrawing are recorded (who, when);
-- nothing is deleted.
CREATE TABLE public_replies (
    appeal_id    BIGINT PRIMARY KEY REFERENCES appeals (id),
    body         TEXT NOT NULL,
    -- core::board::ReplyState: draft | published | withdrawn
    state        TEXT NOT NULL,
    written_by   BIGINT NOT NULL REFERENCES users (id),
    written_at   BIGINT NOT NULL,
    published_by BIGINT REFERENCES users (id),
    published_at BIGINT,
    withdrawn_by BIGINT REFERENCES users (id),
    withdrawn_at BIGINT,
    -- Bumped by every write: a change is written only over the version it was decided from.
    version      BIGINT NOT NULL
);

CREATE TABLE board_items (
    id           INTEGER PRIMARY KEY,
    org_unit_id  BIGINT NOT NULL REFERENCES org_units (id),
    org_path     TEXT NOT NULL,
    -- core::board::ItemCategory
    category     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- The day it concerns, 'YYYY-MM-DD'.
    dated        TEXT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users (id),
    published_at BIGINT NOT NULL,
    withdrawn_by BIGINT REFERENCES users (id),
    withdrawn_at BIGINT
);
-- A board's items, newest first, over a subtree's range of paths.
CREATE INDEX board_items_path ON board_items (org_path, published_at);
