-- Issue 16 §3: search tokens became fragment tokens (suqiu_text::search: a bigram per Chinese
-- character, words whole, a gap between pieces), so any fragment of two or more characters
-- is found. Appeals written before hold the old tokens: the server recomputes them newest
-- first, a batch at a time, moving this mark down with each batch (`reindex.rs`); ids below
-- it are still to do. A fresh database has nothing to do.
CREATE TABLE search_reindex (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    below_id BIGINT NOT NULL
);
INSERT INTO search_reindex (id, below_id) SELECT 1, COALESCE(MAX(id), 0) + 1 FROM appeals;
