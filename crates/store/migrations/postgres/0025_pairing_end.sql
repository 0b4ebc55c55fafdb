-- A pairing (结对) ends (core::care::pairing): the day it ended, NULL while it is active.
-- An ended pairing takes no more contacts and no longer assigns its person to the partner.
ALTER TABLE pairings ADD COLUMN ended_on TEXT;
