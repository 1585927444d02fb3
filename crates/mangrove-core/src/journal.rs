//! The journal's envelope and hash chain.
//!
//! Every event is written once as canonical JSON (the `body`); that exact
//! text is what is hashed, stored and proven, so a verifier needs no Rust
//! to check it. Each event's chain hash covers the previous chain hash and
//! its own leaf hash, so removing or reordering events breaks the chain;
//! the leaf hashes are also the leaves of the RFC 9162 Merkle tree (see
//! [`crate::merkle`]), which gives compact inclusion and consistency proofs.

use crate::merkle::{self, Hash};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The chain hash before the first event.
pub const GENESIS_CHAIN_HASH: Hash = [0u8; 32];

/// The format every new event is written in. Format 1 (journals before
/// formats were numbered) had no `format` field and named no domain; the
/// application reads it by upgrading each event as it is read.
pub const JOURNAL_FORMAT: u32 = 2;

/// What is recorded about one event. `seq` is also its leaf index in the
/// Merkle tree, counting from 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Envelope<P> {
    /// The format the event was written in ([`JOURNAL_FORMAT`] for every
    /// new event; the first field, so a reader sees it before the rest).
    pub format: u32,
    pub seq: u64,
    pub time_ms: i64,
    /// The command that produced the event: the client's idempotency key
    /// (scoped to the actor) or one the server generated.
    pub command_id: String,
    /// SHA-256 of the command as received, so a reused idempotency key with
    /// a different command is recognised even after a restart.
    pub command_hash: String,
    /// Who asked: `user:<id>` or `system`.
    pub actor: String,
    /// The deployment's public key (hex), on the journal's first event
    /// only: the history itself says which key signs it. Journals from
    /// before it was recorded have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_key: Option<String>,
    pub payload: P,
}

/// An event as stored: its canonical text and its two hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedEvent {
    pub seq: u64,
    pub body: String,
    pub leaf_hash: Hash,
    pub chain_hash: Hash,
}

/// The chain hash of an event given the one before it.
pub fn chain_hash(previous: &Hash, leaf: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// Serialises the envelope once and computes its hashes.
pub fn seal<P: Serialize>(envelope: &Envelope<P>, previous_chain_hash: &Hash) -> SealedEvent {
    let body = serde_json::to_string(envelope).expect("events serialise to JSON");
    let leaf_hash = merkle::leaf_hash(body.as_bytes());
    SealedEvent { seq: envelope.seq, chain_hash: chain_hash(previous_chain_hash, &leaf_hash), leaf_hash, body }
}

/// SHA-256 of arbitrary bytes as lower-case hex (command fingerprints).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(seq: u64, payload: &str) -> Envelope<String> {
        Envelope {
            format: JOURNAL_FORMAT,
            seq,
            time_ms: 1_700_000_000_000,
            command_id: format!("c{seq}"),
            command_hash: sha256_hex(payload.as_bytes()),
            actor: "system".into(),
            deployment_key: None,
            payload: payload.into(),
        }
    }

    #[test]
    fn the_chain_depends_on_every_earlier_event() {
        let a = seal(&envelope(0, "a"), &GENESIS_CHAIN_HASH);
        let b = seal(&envelope(1, "b"), &a.chain_hash);
        let a_changed = seal(&envelope(0, "A"), &GENESIS_CHAIN_HASH);
        let b_after_change = seal(&envelope(1, "b"), &a_changed.chain_hash);
        assert_eq!(b.leaf_hash, b_after_change.leaf_hash);
        assert_ne!(b.chain_hash, b_after_change.chain_hash);
    }

    #[test]
    fn the_body_round_trips_and_is_what_is_hashed() {
        let sealed = seal(&envelope(3, "retired 5 tCO2e"), &GENESIS_CHAIN_HASH);
        let parsed: Envelope<String> = serde_json::from_str(&sealed.body).unwrap();
        assert_eq!(parsed, envelope(3, "retired 5 tCO2e"));
        assert_eq!(sealed.leaf_hash, merkle::leaf_hash(sealed.body.as_bytes()));
    }

    #[test]
    fn the_format_comes_first_in_the_body() {
        let sealed = seal(&envelope(0, "a"), &GENESIS_CHAIN_HASH);
        assert!(sealed.body.starts_with(&format!("{{\"format\":{JOURNAL_FORMAT},")), "{}", sealed.body);
    }
}
