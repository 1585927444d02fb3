-- The journal: append-only, hash-chained; seq is also the Merkle leaf index.
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    time_ms BIGINT NOT NULL,
    command_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    body TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    chain_hash TEXT NOT NULL
);
CREATE INDEX events_command_id ON events (command_id);

-- Signed tree heads, one per group commit.
CREATE TABLE tree_heads (
    tree_size BIGINT PRIMARY KEY,
    timestamp_ms BIGINT NOT NULL,
    root_hash TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- Projections of the registry, rewritten in the same transaction as the events.
CREATE TABLE organisations (id BIGINT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, account_id BIGINT NOT NULL);
CREATE TABLE accounts (id BIGINT PRIMARY KEY, org_id BIGINT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE credit_classes (
    id BIGINT PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, methodology TEXT NOT NULL,
    kind TEXT NOT NULL, default_buffer_bps BIGINT NOT NULL
);
CREATE TABLE projects (
    id BIGINT PRIMARY KEY, class_id BIGINT NOT NULL, proponent_id BIGINT NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL, jurisdiction TEXT NOT NULL, location TEXT NOT NULL, area_rai BIGINT NOT NULL,
    buffer_bps BIGINT NOT NULL, status TEXT NOT NULL, review_note TEXT NOT NULL
);
CREATE TABLE reports (
    id BIGINT PRIMARY KEY, project_id BIGINT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,
    claimed_tco2e BIGINT NOT NULL, calculation TEXT NOT NULL, status TEXT NOT NULL, verified_tco2e BIGINT NOT NULL,
    verifier_id BIGINT, review_note TEXT NOT NULL
);
CREATE TABLE batches (
    id BIGINT PRIMARY KEY, project_id BIGINT NOT NULL, report_id BIGINT NOT NULL UNIQUE,
    vintage_start TEXT NOT NULL, vintage_end TEXT NOT NULL, issued_tco2e BIGINT NOT NULL,
    buffer_tco2e BIGINT NOT NULL, issued_to BIGINT NOT NULL, corresponding_adjustment TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL, active_tco2e BIGINT NOT NULL, held_tco2e BIGINT NOT NULL,
    retired_tco2e BIGINT NOT NULL, cancelled_tco2e BIGINT NOT NULL
);
CREATE TABLE blocks (
    batch_id BIGINT NOT NULL, first_unit BIGINT NOT NULL, last_unit BIGINT NOT NULL,
    account_id BIGINT NOT NULL, state TEXT NOT NULL, state_ref BIGINT, serial TEXT NOT NULL,
    PRIMARY KEY (batch_id, first_unit)
);
CREATE INDEX blocks_account ON blocks (account_id);
CREATE TABLE holdings (
    account_id BIGINT NOT NULL, batch_id BIGINT NOT NULL, active_tco2e BIGINT NOT NULL,
    held_tco2e BIGINT NOT NULL, PRIMARY KEY (account_id, batch_id)
);
CREATE TABLE retirements (
    id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL, batch_id BIGINT NOT NULL, serials TEXT NOT NULL,
    quantity_tco2e BIGINT NOT NULL, beneficiary TEXT NOT NULL, reason TEXT NOT NULL, jurisdiction TEXT NOT NULL,
    inventory_year BIGINT NOT NULL, retired_at_ms BIGINT NOT NULL
);
CREATE TABLE cancellations (
    id BIGINT PRIMARY KEY, kind TEXT NOT NULL, account_id BIGINT NOT NULL, project_id BIGINT,
    parts TEXT NOT NULL, quantity_tco2e BIGINT NOT NULL, reason TEXT NOT NULL, cancelled_at_ms BIGINT NOT NULL
);
CREATE TABLE holds (
    id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL, batch_id BIGINT NOT NULL, ranges TEXT NOT NULL,
    quantity_tco2e BIGINT NOT NULL
);

-- People and their sessions: identity, not carbon state, so outside the journal.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL, org_id BIGINT NOT NULL, role TEXT NOT NULL, created_at_ms BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL, created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
