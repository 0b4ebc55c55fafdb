-- The aid fund (助困基金): one ledger per district, street or station. Entries are never
-- edited: a correction is a reversal entry (`reverses`, at most one per entry). A grant
-- that needs a higher level's approval waits as 'pending' and moves no money until approved.
CREATE TABLE fund_entries (
    id                 INTEGER PRIMARY KEY,
    org_unit_id        BIGINT NOT NULL REFERENCES org_units (id),
    -- Copied from org_units.path so scope is one indexed range.
    org_path           TEXT NOT NULL,
    -- 'donation' | 'grant' | 'transfer' | 'reversal'
    kind               TEXT NOT NULL,
    -- 'posted' | 'pending' | 'rejected'
    status             TEXT NOT NULL,
    amount_cents       BIGINT NOT NULL CHECK (amount_cents > 0),
    -- The signed effect on the balance once posted.
    delta_cents        BIGINT NOT NULL,
    -- The level that had to approve it: 'district' | 'street' | 'community'.
    approval_level     TEXT NOT NULL,
    person_id          BIGINT REFERENCES people (id),
    appeal_id          BIGINT REFERENCES appeals (id),
    reverses           BIGINT UNIQUE REFERENCES fund_entries (id),
    -- A transfer's other ledger, and the entry there (the two legs name each other).
    counterpart_org_unit_id BIGINT REFERENCES org_units (id),
    counterpart_entry_id    BIGINT REFERENCES fund_entries (id),
    note               TEXT NOT NULL,
    created_by         BIGINT NOT NULL REFERENCES users (id),
    created_at         BIGINT NOT NULL,
    -- Who approved (for an entry posted at once: who posted it) or rejected it, and why.
    decided_by         BIGINT REFERENCES users (id),
    decided_at         BIGINT,
    decision_note      TEXT,
    -- When it moved money (the month of the public totals).
    posted_at          BIGINT
);
CREATE INDEX fund_entries_ledger ON fund_entries (org_unit_id, id);
CREATE INDEX fund_entries_pending ON fund_entries (org_path) WHERE status = 'pending';

-- Each ledger's balance, kept in the same transaction as its entries: the row a grant's
-- conditional UPDATE locks, so concurrent grants cannot overdraw it.
CREATE TABLE fund_balances (
    org_unit_id   BIGINT PRIMARY KEY REFERENCES org_units (id),
    balance_cents BIGINT NOT NULL CHECK (balance_cents >= 0)
);

-- The love supermarket (爱心超市): goods per station, and every movement of stock.
CREATE TABLE supermarket_items (
    id          INTEGER PRIMARY KEY,
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    org_path    TEXT NOT NULL,
    name        TEXT NOT NULL,
    -- Unit of measure: 件, 袋, 桶 …
    unit        TEXT NOT NULL,
    stock       BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    UNIQUE (org_unit_id, name)
);
CREATE INDEX supermarket_items_path ON supermarket_items (org_path);

CREATE TABLE supermarket_movements (
    id          INTEGER PRIMARY KEY,
    item_id     BIGINT NOT NULL REFERENCES supermarket_items (id),
    org_unit_id BIGINT NOT NULL REFERENCES org_units (id),
    -- Positive: stock in (a donation); negative: handed out to person_id.
    quantity    BIGINT NOT NULL CHECK (quantity <> 0),
    stock_after BIGINT NOT NULL CHECK (stock_after >= 0),
    person_id   BIGINT REFERENCES people (id),
    note        TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX supermarket_movements_unit ON supermarket_movements (org_unit_id, created_at);
CREATE INDEX supermarket_movements_item ON supermarket_movements (item_id, id);
