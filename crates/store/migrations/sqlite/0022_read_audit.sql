-- Who created and last changed a person (users.id). Rows from before are left NULL: who made
-- them was never recorded, and a guess would be a false record (shown as 未记录).
ALTER TABLE people ADD COLUMN created_by BIGINT REFERENCES users (id);
ALTER TABLE people ADD COLUMN updated_by BIGINT REFERENCES users (id);

-- The audit of reads: one row per person or appeal whose unmasked personal data (full phone,
-- ID number) a user was shown, with when and through which page, API or export. Append-only:
-- the code has no UPDATE or DELETE for it, and the triggers refuse them.
CREATE TABLE read_audit (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    at          BIGINT NOT NULL,
    -- 'person' or 'appeal'.
    subject     TEXT NOT NULL,
    subject_id  BIGINT NOT NULL,
    -- e.g. 'GET /api/v1/people/{id}', 'page /people/{id}', 'export /people.xlsx'.
    via         TEXT NOT NULL
);
CREATE INDEX read_audit_at ON read_audit (at, id);
CREATE INDEX read_audit_user ON read_audit (user_id, at);
CREATE INDEX read_audit_subject ON read_audit (subject, subject_id, at);
CREATE TRIGGER read_audit_no_update BEFORE UPDATE ON read_audit
BEGIN
    SELECT RAISE(ABORT, 'read_audit is append-only');
END;
CREATE TRIGGER read_audit_no_delete BEFORE DELETE ON read_audit
BEGIN
    SELECT RAISE(ABORT, 'read_audit is append-only');
END;
