//! Snapshots of the whole state, so that a server starts from the latest
//! one and the journal's tail instead of replaying every event.
//!
//! A snapshot is the state encoded as CBOR (the registry, the factory book,
//! the ledger, the market with each book as its resting orders in priority
//! order, the idempotency receipts and where each retirement was
//! journaled, and each plugged domain's state), behind a format number of its own. Everything in it is kept
//! in ordered maps, so the same state always encodes to the same bytes,
//! and the SHA-256 of those bytes is the state's hash: a replay that
//! reaches the same position must reach the same hash. The catalogue is
//! not in it; it ships in the binary.

use crate::market::{Market, MarketImage};
use crate::{App, Receipt};
use mangrove_core::RetirementId;
use mangrove_ledger::Ledger;
use mangrove_mrv::{Catalogue, FactoryBook};
use mangrove_registry::Registry;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The layout of a snapshot's bytes; a snapshot of another is not read
/// (the server replays the journal instead).
pub const SNAPSHOT_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Image<'a> {
    snapshot_format: u32,
    registry: Cow<'a, Registry>,
    factories: Cow<'a, FactoryBook>,
    ledger: Cow<'a, Ledger>,
    market: MarketImage<'a>,
    receipts: Cow<'a, BTreeMap<String, Receipt>>,
    retirement_seqs: Cow<'a, BTreeMap<RetirementId, u64>>,
    /// Each plugged domain's state, encoded by the domain, by its name.
    #[serde(default)]
    plugged: BTreeMap<String, Vec<u8>>,
}

/// A state encoded, with its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedState {
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`.
    pub state_hash: [u8; 32],
}

impl EncodedState {
    pub fn state_hash_hex(&self) -> String {
        hex::encode(self.state_hash)
    }
}

/// The hash a snapshot of these bytes carries.
pub fn state_hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl App {
    /// The state, encoded for a snapshot.
    pub fn encode_state(&self) -> EncodedState {
        let image = Image {
            snapshot_format: SNAPSHOT_FORMAT,
            registry: Cow::Borrowed(&self.registry),
            factories: Cow::Borrowed(&self.factories),
            ledger: Cow::Borrowed(&self.ledger),
            market: self.market.image(),
            receipts: Cow::Borrowed(&self.receipts),
            retirement_seqs: Cow::Borrowed(&self.retirement_seqs),
            plugged: self.domains.encode(),
        };
        let mut bytes = Vec::new();
        ciborium::into_writer(&image, &mut bytes).expect("the state encodes: every map key and value is plain data");
        let state_hash = state_hash(&bytes);
        EncodedState { bytes, state_hash }
    }

    /// The state a snapshot's bytes hold. The caller checks the bytes
    /// against the hash it trusts first.
    pub fn decode_state(bytes: &[u8]) -> Result<App, String> {
        App::decode_state_with(bytes, &crate::Domains::registered())
    }

    /// A state encoded by [`App::encode_state`], with these plugged
    /// domains; a snapshot holding the state of a domain not among them is
    /// refused.
    pub fn decode_state_with(bytes: &[u8], domains: &crate::Domains) -> Result<App, String> {
        let image: Image<'static> =
            ciborium::from_reader(bytes).map_err(|error| format!("the snapshot cannot be read: {error}"))?;
        if image.snapshot_format != SNAPSHOT_FORMAT {
            return Err(format!(
                "the snapshot is of format {}, this build reads {SNAPSHOT_FORMAT}",
                image.snapshot_format
            ));
        }
        let mut registry = image.registry.into_owned();
        registry.rebuild_indexes();
        Ok(App {
            registry,
            factories: image.factories.into_owned(),
            ledger: image.ledger.into_owned(),
            market: Market::from_image(image.market)?,
            domains: domains.decoded(&image.plugged)?,
            catalogue: Catalogue::embedded(),
            receipts: image.receipts.into_owned(),
            retirement_seqs: image.retirement_seqs.into_owned(),
        })
    }
}
