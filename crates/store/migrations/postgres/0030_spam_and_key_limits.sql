-- Issue 15: staff mark an appeal as spam (无效诉求) and sort its category; Open311 keys get
-- their own limit on posts.
--
-- When staff marked the appeal as spam (core `Appeal::spam_at`); NULL while it counts. A spam
-- appeal keeps its status underneath and leaves every measure and roll-up (core
-- `AppealFacts::spam`). The staff list's 无效 filter and the dashboard's count read the first
-- partial index; the dashboard's 待分类 (what residents brought, waiting to be sorted) the
-- second, written as `store::queue` writes its condition, literals and all.
ALTER TABLE appeals ADD COLUMN spam_at BIGINT;
CREATE INDEX appeals_spam ON appeals (org_path, id) WHERE spam_at IS NOT NULL;
CREATE INDEX appeals_unsorted ON appeals (org_path, id)
    WHERE category = 'unsorted' AND spam_at IS NULL;

-- How many requests one Open311 key may post in an hour (server `submissions`, the public
-- door's mechanism, keyed by the key).
ALTER TABLE api_keys ADD COLUMN per_hour BIGINT NOT NULL DEFAULT 120;
