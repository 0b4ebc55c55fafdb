-- Issue 16 §3: a run of Chinese characters also has its first character as a token
-- (suqiu_text::search), so a query like 402室 is the exact phrase 402 室 instead of 402 then
-- the prefix 室* — which expanded over every bigram starting with 室 and read their posting
-- lists (0.14 s at 1M appeals on SQLite). Every appeal's tokens are recomputed by the same
-- background job as after 0036, newest first: the mark goes back to the top.
UPDATE search_reindex SET below_id = (SELECT COALESCE(MAX(id), 0) + 1 FROM appeals) WHERE id = 1;
