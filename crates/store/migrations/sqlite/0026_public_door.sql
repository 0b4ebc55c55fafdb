-- The public door (issue 15): where a resident marked the problem on a map (optional, WGS 84).
-- Kept beside the appeal rather than in it: few appeals have one, and no rule reads it.
CREATE TABLE appeal_points (
    appeal_id BIGINT PRIMARY KEY REFERENCES appeals (id),
    lat       REAL NOT NULL,
    lng       REAL NOT NULL
);
