-- Snapshots of the whole state, so that start-up replays only the journal
-- after the latest one. `position` is how many events the state has
-- applied; the body is the state's CBOR (mangrove_app::snapshot), and the
-- deployment key signs the position, the state's hash, the hash chain there
-- and the key record (`keys`, JSON). Not part of the journal: a snapshot
-- can always be rebuilt by replaying it.
CREATE TABLE snapshots (
    position BIGINT PRIMARY KEY,
    taken_ms BIGINT NOT NULL,
    state_hash TEXT NOT NULL,
    chain_hash TEXT NOT NULL,
    keys TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    body BYTEA NOT NULL
);
