-- The journal: append-only, hash-chained; seq is also the Merkle leaf index.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    command_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    body TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    chain_hash TEXT NOT NULL
);
CREATE INDEX events_command_id ON events (command_id);

-- Signed tree heads, one per group commit.
CREATE TABLE tree_heads (
    tree_size INTEGER PRIMARY KEY,
    timestamp_ms INTEGER NOT NULL,
    root_hash TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- Projections of the registry, rewritten in the same transaction as the events.
CREATE TABLE organisations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, account_id INTEGER NOT NULL);
CREATE TABLE accounts (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE credit_classes (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, methodology TEXT NOT NULL,
    kind TEXT NOT NULL, default_buffer_bps INTEGER NOT NULL
);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL, proponent_id INTEGER NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL, jurisdiction TEXT NOT NULL, location TEXT NOT NULL, area_rai INTEGER NOT NULL,
    buffer_bps INTEGER NOT NULL, status TEXT NOT NULL, review_note TEXT NOT NULL
);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,
    claimed_tco2e INTEGER NOT NULL, calculation TEXT NOT NULL, status TEXT NOT NULL, verified_tco2e INTEGER NOT NULL,
    verifier_id INTEGER, review_note TEXT NOT NULL
);
CREATE TABLE batches (
    id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, report_id INTEGER NOT NULL UNIQUE,
    vintage_start TEXT NOT NULL, vintage_end TEXT NOT NULL, issued_tco2e INTEGER NOT NULL,
    buffer_tco2e INTEGER NOT NULL, issued_to INTEGER NOT NULL, corresponding_adjustment TEXT NOT NULL,
    issued_at_ms INTEGER NOT NULL, active_tco2e INTEGER NOT NULL, held_tco2e INTEGER NOT NULL,
    retired_tco2e INTEGER NOT NULL, cancelled_tco2e INTEGER NOT NULL
);
CREATE TABLE blocks (
    batch_id INTEGER NOT NULL, first_unit INTEGER NOT NULL, last_unit INTEGER NOT NULL,
    account_id INTEGER NOT NULL, state TEXT NOT NULL, state_ref INTEGER, serial TEXT NOT NULL,
    PRIMARY KEY (batch_id, first_unit)
);
CREATE INDEX blocks_account ON blocks (account_id);
CREATE TABLE holdings (
    account_id INTEGER NOT NULL, batch_id INTEGER NOT NULL, active_tco2e INTEGER NOT NULL,
    held_tco2e INTEGER NOT NULL, PRIMARY KEY (account_id, batch_id)
);
CREATE TABLE retirements (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, batch_id INTEGER NOT NULL, serials TEXT NOT NULL,
    quantity_tco2e INTEGER NOT NULL, beneficiary TEXT NOT NULL, reason TEXT NOT NULL, jurisdiction TEXT NOT NULL,
    inventory_year INTEGER NOT NULL, retired_at_ms INTEGER NOT NULL
);
CREATE TABLE cancellations (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, account_id INTEGER NOT NULL, project_id INTEGER,
    parts TEXT NOT NULL, quantity_tco2e INTEGER NOT NULL, reason TEXT NOT NULL, cancelled_at_ms INTEGER NOT NULL
);
CREATE TABLE holds (
    id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, batch_id INTEGER NOT NULL, ranges TEXT NOT NULL,
    quantity_tco2e INTEGER NOT NULL
);

-- People and their sessions: identity, not carbon state, so outside the journal.
CREATE TABLE users (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL, org_id INTEGER NOT NULL, role TEXT NOT NULL, created_at_ms INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
