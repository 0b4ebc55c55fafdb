-- Near-duplicate keys (issue 16 §2): each appeal's MinHash band keys and place keys, as
-- suqiu_text::similar::NearDup::keys computes them from its title, content and location. The
-- intake form's "same problem" warning reads the appeals sharing a key with the text being
-- typed (received in the last 30 days), never the whole table: the key index and the time
-- bound keep it to a few dozen rows at a million appeals. Written with the appeal, never
-- changed (an appeal's words are not edited).
CREATE TABLE appeal_neardup_keys (
    key        BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    appeal_id  BIGINT NOT NULL REFERENCES appeals (id)
);
CREATE INDEX appeal_neardup_keys_key ON appeal_neardup_keys (key, created_at, appeal_id);
