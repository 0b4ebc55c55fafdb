-- A wish's history (经过): every move with who made it and when. The wish row keeps only
-- its latest claimer and closer; a release (认领后放弃) cleared who had claimed it.
CREATE TABLE wish_events (
    id          INTEGER PRIMARY KEY,
    wish_id     BIGINT NOT NULL REFERENCES wishes (id),
    at          BIGINT NOT NULL,
    actor_id    BIGINT NOT NULL REFERENCES users (id),
    -- The status the wish moved to ('open' when recorded or released).
    status      TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX wish_events_wish ON wish_events (wish_id, id);
-- The history of the wishes recorded before: what their rows still say, in order.
INSERT INTO wish_events (wish_id, at, actor_id, status, note)
SELECT id, created_at, created_by, 'open', NULL FROM wishes ORDER BY id;
INSERT INTO wish_events (wish_id, at, actor_id, status, note)
SELECT id, claimed_at, claimed_by, 'claimed', NULL FROM wishes
WHERE claimed_at IS NOT NULL AND claimed_by IS NOT NULL ORDER BY id;
INSERT INTO wish_events (wish_id, at, actor_id, status, note)
SELECT id, fulfilled_at, claimed_by, 'fulfilled', fulfil_note FROM wishes
WHERE fulfilled_at IS NOT NULL AND claimed_by IS NOT NULL ORDER BY id;
INSERT INTO wish_events (wish_id, at, actor_id, status, note)
SELECT id, closed_at, closed_by, status, NULL FROM wishes
WHERE closed_at IS NOT NULL AND closed_by IS NOT NULL ORDER BY id;
