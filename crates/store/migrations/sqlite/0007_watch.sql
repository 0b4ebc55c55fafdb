-- Suspension (挂起): while set, the appeal's clock stands (core's Appeal::suspended_at). The
-- live part of the measures must see it, so its covering index (0004) gains the column. No
-- appeal is suspended yet, so every stored pending_from stays right.
ALTER TABLE appeals ADD COLUMN suspended_at BIGINT;
DROP INDEX appeals_pending;
CREATE INDEX appeals_pending ON appeals (pending_from, org_path, created_at, status, responded_at, respond_by, resolve_by, resolved_at, due_at, suspended_at)
    WHERE live = 1;

-- What the deadline watch has done, once per (appeal, what, deadline): the primary key is
-- what makes a reminder, an overdue event or an escalation happen exactly once even when two
-- servers watch one database (the second insert finds the row and does nothing). A moved
-- deadline (extension, resume, reopen) is a new key, watched afresh.
CREATE TABLE watch_marks (
    appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    mark      TEXT NOT NULL,
    due       BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, mark, due)
);

-- Background jobs take a lease before a run, so that of several servers on one database one
-- does the work at a time (the marks above still guarantee once-only if a lease lapses).
CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- In-app notices (通知), one row per recipient user.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    appeal_id  BIGINT REFERENCES appeals (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The watch scans open appeals by deadline (due_at is NULL unless open and not suspended).
-- (0006 made it (due_at) for the dashboard; the watch pages by id within a deadline too.)
DROP INDEX appeals_due;
CREATE INDEX appeals_due ON appeals (due_at, id) WHERE due_at IS NOT NULL;
