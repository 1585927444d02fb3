-- What a report of abuse in the virtual city points to: the reported message
-- and the messages before it, kept outside the journal (which holds only
-- their salted hash) until `kept_until_ms`, so that they can be erased.
CREATE TABLE world_evidence (
    evidence_hash TEXT PRIMARY KEY,
    salt TEXT NOT NULL,
    body TEXT NOT NULL,
    reporter_id BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    kept_until_ms BIGINT NOT NULL
);
