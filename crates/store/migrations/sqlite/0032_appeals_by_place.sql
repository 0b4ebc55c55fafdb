-- The appeal page's "earlier appeals at the same place" (store::similar): the same place
-- typed in the last 30 days, within the station's subtree. Through appeals_org_created the
-- database read every appeal of the subtree since the cut-off to compare places (≈70 ms for
-- a busy station at a million appeals); by place first it reads the few at that place.
CREATE INDEX appeals_place_created ON appeals (location, created_at) WHERE location IS NOT NULL;
