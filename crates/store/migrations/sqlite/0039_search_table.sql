-- Issue 16 §3: PostgreSQL's full-text index moves to a table of its own (see the
-- PostgreSQL migration of the same number); SQLite's appeal_fts already is one.
SELECT 1;
