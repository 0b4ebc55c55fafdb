-- Care (党内关爱): the care register's level and notes, visit rules per station, visits
-- (走访), service teams' members and blocks (组团式服务), and pairings (结对) with their
-- contact log. Keep in step with ../postgres/0010_care_visits.sql.

-- A person's place on the care register beyond their tags: the care level and the health
-- and family note, which only roles that need it may read.
CREATE TABLE care_profiles (
    person_id  BIGINT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    level      TEXT,
    note       TEXT,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id)
);
CREATE INDEX care_profiles_level ON care_profiles (level);

-- A node's visit rules (JSON array of suqiu_core::care::VisitRule); a node without a row
-- follows its nearest ancestor's, and the defaults when none has one.
CREATE TABLE visit_rules (
    org_unit_id BIGINT PRIMARY KEY REFERENCES org_units (id),
    rules       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  BIGINT NOT NULL REFERENCES users (id)
);

CREATE TABLE visits (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    -- The person's node path when visited, so scope is one indexed range.
    org_path        TEXT NOT NULL,
    visited_at      BIGINT NOT NULL,
    visitor_user_id BIGINT NOT NULL REFERENCES users (id),
    note            TEXT NOT NULL,
    follow_up       TEXT,
    -- The appeal raised on the spot, if any (written in the same transaction).
    appeal_id       BIGINT REFERENCES appeals (id),
    created_at      BIGINT NOT NULL
);
-- Last visit per person (the due list) and a person's visit log.
CREATE INDEX visits_person ON visits (person_id, visited_at);
CREATE INDEX visits_org_path ON visits (org_path, visited_at);
CREATE INDEX visits_appeal ON visits (appeal_id);

-- A team member is a user (staff, volunteer) or a person on the register (a party member
-- without an account).
CREATE TABLE team_members (
    id        INTEGER PRIMARY KEY,
    team_id   BIGINT NOT NULL REFERENCES teams (id),
    user_id   BIGINT REFERENCES users (id),
    person_id BIGINT REFERENCES people (id),
    added_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX team_members_user ON team_members (team_id, user_id);
CREATE UNIQUE INDEX team_members_person ON team_members (team_id, person_id);
CREATE INDEX team_members_by_user ON team_members (user_id);

-- A block of households a team looks after: a node below the team's community (a grid) or
-- an address prefix inside the community. Both become a path range [path_lo, path_hi) plus,
-- for an address, a LIKE pattern over people.address.
CREATE TABLE team_blocks (
    id             INTEGER PRIMARY KEY,
    team_id        BIGINT NOT NULL REFERENCES teams (id),
    org_unit_id    BIGINT REFERENCES org_units (id),
    address_prefix TEXT,
    path_lo        TEXT NOT NULL,
    path_hi        TEXT NOT NULL,
    address_like   TEXT,
    added_at       BIGINT NOT NULL
);
CREATE INDEX team_blocks_team ON team_blocks (team_id);

-- 结对: a party member or volunteer (a user, or a person on the register) paired with a
-- person in care.
CREATE TABLE pairings (
    id                INTEGER PRIMARY KEY,
    person_id         BIGINT NOT NULL REFERENCES people (id),
    org_path          TEXT NOT NULL,
    partner_user_id   BIGINT REFERENCES users (id),
    partner_person_id BIGINT REFERENCES people (id),
    started_on        TEXT NOT NULL,
    note              TEXT,
    created_by        BIGINT NOT NULL REFERENCES users (id),
    created_at        BIGINT NOT NULL
);
CREATE INDEX pairings_person ON pairings (person_id);
CREATE INDEX pairings_partner_user ON pairings (partner_user_id);
CREATE INDEX pairings_org_path ON pairings (org_path);

CREATE TABLE pairing_contacts (
    id           INTEGER PRIMARY KEY,
    pairing_id   BIGINT NOT NULL REFERENCES pairings (id),
    contacted_at BIGINT NOT NULL,
    -- 'home' 上门 | 'phone' 电话 | 'other' 其他
    mode         TEXT NOT NULL,
    note         TEXT NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX pairing_contacts_pairing ON pairing_contacts (pairing_id, contacted_at);
