-- The public door (issue 15): the photos a resident sends with an appeal, and the district's
-- gazetteer (地名库) of estates and roads by community.
--
-- A photo is kept as the server re-encoded it (a JPEG of at most 1600 px, no metadata):
-- never the bytes as sent. It is written in the appeal's own transaction; `seq` is its
-- place among the appeal's photos (1, 2, 3).
CREATE TABLE appeal_photos (
    id         INTEGER PRIMARY KEY,
    appeal_id  BIGINT NOT NULL REFERENCES appeals (id),
    seq        BIGINT NOT NULL,
    bytes      BLOB NOT NULL,
    width      BIGINT NOT NULL,
    height     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (appeal_id, seq)
);

-- The place names a community knows as its own (小区, 新村, 路, 弄 …): a road may run
-- through several communities, so a name is unique per community only.
CREATE TABLE org_places (
    id          INTEGER PRIMARY KEY,
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (org_unit_id, name)
);
