-- Issue 16 §3: PostgreSQL's full-text index in a table of its own, as SQLite's appeal_fts,
-- so a search at a million appeals reads only what its page needs (crate::fulltext).
--
-- `appeals.search_tsv` made every search check each candidate's tsvector in the appeal's
-- wide row, out of line in TOAST (16 µs a row): 独居老人 took 0.85 s at 1M. Here the
-- tsvector sits alone and inline (STORAGE MAIN, ~1.1 KB), and it also holds marks that let
-- one GIN scan intersect a query with a slice of the appeals: `ǂs<id>ǂ` for each ancestor
-- of the appeal's node (a subtree search, as appeal_fts's `scope`) and `ǂb<id >> 14>ǂ`, the
-- block of 16,384 consecutive appeal ids it falls in (a search reads the newest blocks
-- first and stops when its page and count are full). `ǂ` never appears in a token
-- (suqiu_text::search::GAP). The marks are `fulltext::marks`; the statement below makes the
-- same from the stored tokens (tested: `fulltext_marks_of_the_migration_match_the_writer`).
-- Text and node are fixed at intake and appeals are never deleted: rows are only inserted,
-- and replaced by the re-index job.
CREATE TABLE appeal_search (
    appeal_id BIGINT PRIMARY KEY,
    tsv       tsvector NOT NULL
);
ALTER TABLE appeal_search ALTER COLUMN tsv SET STORAGE MAIN;

INSERT INTO appeal_search (appeal_id, tsv)
SELECT id, to_tsvector('simple', search_tokens || ' ǂ ǂs'
        || array_to_string(string_to_array(btrim(org_path, '/'), '/'), 'ǂ ǂs')
        || 'ǂ ǂb' || (id >> 14) || 'ǂ')
FROM appeals ORDER BY id;

CREATE INDEX appeal_search_tsv ON appeal_search USING GIN (tsv);
ANALYZE appeal_search;

ALTER TABLE appeals DROP COLUMN search_tsv;
