-- 花名册导入: an uploaded roster's cells between the upload and the commit, so the user can
-- correct the column mapping and check the preview without sending the file again. The file
-- itself is never kept, only what was read from its first sheet (JSON of `roster::Sheet`).
-- It holds personal data, so it lives briefly: a row is deleted when its roster is committed,
-- when the same user uploads another, or once past `expires_at` (swept on every upload).
-- The token is random and belongs to the user who uploaded.
CREATE TABLE roster_uploads (
    token      TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sheet      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX roster_uploads_user ON roster_uploads (user_id);
CREATE INDEX roster_uploads_expires ON roster_uploads (expires_at);
