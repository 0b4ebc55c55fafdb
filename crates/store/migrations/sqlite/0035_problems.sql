-- Problems (问题, issue 16 §2): one problem seen in many appeals, handled once through its
-- lead appeal (suqiu_core::problem). `org_path` is the lowest common node of its appeals'
-- handling units, so a problem list in scope is one range of the path index, like appeals.
-- `dissolved` is 0 or 1; `split_from` names the problem a split took it from.
CREATE TABLE problems (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    place          TEXT,
    org_unit_id    BIGINT NOT NULL REFERENCES org_units (id),
    org_path       TEXT NOT NULL,
    lead_appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    dissolved      BIGINT NOT NULL DEFAULT 0,
    split_from     BIGINT REFERENCES problems (id),
    created_by     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX problems_org_path ON problems (org_path, id);
CREATE INDEX problems_lead ON problems (lead_appeal_id);

-- The appeals of each standing problem, the lead included. The primary key is the last line
-- of "an appeal is in at most one problem" (core decides it first and says which appeal).
-- A dissolved problem's rows are gone: its timeline keeps what it held.
CREATE TABLE problem_appeals (
    appeal_id  BIGINT PRIMARY KEY REFERENCES appeals (id),
    problem_id BIGINT NOT NULL REFERENCES problems (id)
);
CREATE INDEX problem_appeals_problem ON problem_appeals (problem_id, appeal_id);

-- A problem's own timeline (suqiu_core::problem::EventBody as JSON), as appeal_events.
CREATE TABLE problem_events (
    id         INTEGER PRIMARY KEY,
    problem_id BIGINT NOT NULL REFERENCES problems (id),
    type       TEXT NOT NULL,
    actor_id   BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX problem_events_problem ON problem_events (problem_id, id);
