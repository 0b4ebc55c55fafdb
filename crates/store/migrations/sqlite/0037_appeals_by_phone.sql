-- "The same person or the same place" (store::similar: the appeal page's merge choices and the
-- intake form's warning) asks `appellant_phone = ? OR location = ?` within 30 days. With only
-- the place indexed (0032) the OR could not be split into two index lookups, so the database
-- read every appeal of the station's subtree since the cut-off: 160 ms for a busy station at a
-- million appeals, whenever the appellant gave a phone. With both sides indexed it is two
-- short lookups (SQLite: MULTI-INDEX OR; PostgreSQL: BitmapOr).
CREATE INDEX appeals_phone_created ON appeals (appellant_phone, created_at) WHERE appellant_phone IS NOT NULL;
