-- A list's full-text search, kept server-side under an opaque token, so that what a user
-- typed (often a name, a phone number or an address) never lands in a URL, a browser history
-- or a server log. The token is random (not a hash of the text, which could be confirmed by
-- guessing) and belongs to the user who searched; one row per user and text.
CREATE TABLE saved_searches (
    token      TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, text)
);
