//! Which key signs which tree head.
//!
//! A journal's first event records the deployment's public key; a later
//! `deployment_key_changed` event hands the deployment to a new key, signed
//! by the key it replaces. A tree head is signed by the key in force when
//! the last event it covers was journaled, so the head that covers a change
//! is still signed by the old key, which thereby vouches for the change,
//! and every head after it by the new one.
//!
//! Journals from before keys were recorded start from the key the verifier
//! trusts instead: the pinned key, or else the key file's.
//!
//! ```
//! use mangrove_core::key_chain::KeyChain;
//! use mangrove_core::signing::DeploymentKey;
//! let (old, new) = (DeploymentKey::from_seed([1; 32]), DeploymentKey::from_seed([2; 32]));
//! let mut chain = KeyChain::start(Some(&old.public_key_hex()), Some(&old.public_key_hex())).unwrap().unwrap();
//! chain.follow(7, &old.sign_key_change(&new.public_key_hex(), 7).unwrap()).unwrap();
//! assert_eq!(chain.key_for_head(8), old.public_key_hex());
//! assert_eq!(chain.key_for_head(9), new.public_key_hex());
//! ```

use crate::signing::{parse_public_key, same_key, KeyChange};

/// The keys of one history, in the order they took over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChain {
    first: String,
    /// Each change's journal position and the key it hands over to.
    changes: Vec<(u64, String)>,
}

impl KeyChain {
    /// The chain's first key: the key `recorded` at the journal's first
    /// event, which must be the `trusted` one when both are known, or the
    /// trusted key for a journal that records none. `None` when neither is
    /// known (an old journal checked without any key).
    pub fn start(recorded: Option<&str>, trusted: Option<&str>) -> Result<Option<KeyChain>, String> {
        for key in recorded.iter().chain(trusted.iter()) {
            parse_public_key(key).map_err(|error| error.to_string())?;
        }
        let first = match (recorded, trusted) {
            (Some(recorded), Some(trusted)) if !same_key(recorded, trusted) => {
                return Err(format!(
                    "the journal's first event records the deployment key {recorded}, not the trusted key {trusted}"
                ));
            }
            (Some(key), _) | (None, Some(key)) => key,
            (None, None) => return Ok(None),
        };
        Ok(Some(KeyChain { first: first.to_ascii_lowercase(), changes: Vec::new() }))
    }

    /// Follows the change journaled as event `seq`: it must replace the key
    /// in force and be signed by it.
    pub fn follow(&mut self, seq: u64, change: &KeyChange) -> Result<(), String> {
        let current = self.current();
        if !same_key(&change.previous_key, current) {
            return Err(format!(
                "event {seq} changes the deployment key from {}, but the key in force there is {current}",
                change.previous_key
            ));
        }
        change
            .verify(seq)
            .map_err(|error| format!("event {seq}: the key change is not signed by the key it replaces: {error}"))?;
        self.changes.push((seq, change.public_key.to_ascii_lowercase()));
        Ok(())
    }

    /// The key in force after the whole history.
    pub fn current(&self) -> &str {
        self.changes.last().map_or(&self.first, |(_, key)| key)
    }

    /// Where the current key took over: `None` for the first key.
    pub fn current_since(&self) -> Option<u64> {
        self.changes.last().map(|(seq, _)| *seq)
    }

    /// The key in force after the first `events` events, which signs what
    /// stands at that position (a snapshot of the state there).
    pub fn key_after(&self, events: u64) -> &str {
        self.key_for_head(events.saturating_add(1))
    }

    /// The key that must have signed the tree head of `tree_size` events:
    /// the one in force when its last event was journaled.
    pub fn key_for_head(&self, tree_size: u64) -> &str {
        let last_event = tree_size.saturating_sub(1);
        let changes_before = self.changes.partition_point(|(seq, _)| *seq < last_event);
        match changes_before {
            0 => &self.first,
            n => &self.changes[n - 1].1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::DeploymentKey;

    fn key(seed: u8) -> DeploymentKey {
        DeploymentKey::from_seed([seed; 32])
    }

    #[test]
    fn the_recorded_key_must_be_the_trusted_one() {
        let (a, b) = (key(1).public_key_hex(), key(2).public_key_hex());
        let error = KeyChain::start(Some(&a), Some(&b)).unwrap_err();
        assert!(error.contains(&a) && error.contains(&b), "{error}");
        assert_eq!(KeyChain::start(Some(&a), None).unwrap().unwrap().current(), a);
        assert_eq!(KeyChain::start(None, Some(&b.to_uppercase())).unwrap().unwrap().current(), b);
        assert_eq!(KeyChain::start(None, None).unwrap(), None);
        assert!(KeyChain::start(Some("not a key"), None).is_err());
        let error = KeyChain::start(Some(&a), Some("zz")).unwrap_err();
        assert!(error.contains("not a valid Ed25519 public key"), "{error}");
    }

    #[test]
    fn heads_switch_key_after_the_head_that_covers_the_change() {
        let (a, b, c) = (key(1), key(2), key(3));
        let mut chain = KeyChain::start(Some(&a.public_key_hex()), None).unwrap().unwrap();
        chain.follow(4, &a.sign_key_change(&b.public_key_hex(), 4).unwrap()).unwrap();
        chain.follow(9, &b.sign_key_change(&c.public_key_hex(), 9).unwrap()).unwrap();
        let expected = [(1, &a), (5, &a), (6, &b), (10, &b), (11, &c), (99, &c)];
        for (size, signer) in expected {
            assert_eq!(chain.key_for_head(size), signer.public_key_hex(), "head of size {size}");
        }
        assert_eq!((chain.current(), chain.current_since()), (c.public_key_hex().as_str(), Some(9)));
    }

    #[test]
    fn a_change_not_signed_by_the_key_in_force_is_refused() {
        let (a, b, c) = (key(1), key(2), key(3));
        let mut chain = KeyChain::start(Some(&a.public_key_hex()), None).unwrap().unwrap();
        // Signed by another key that claims to be the one it replaces.
        let mut forged = c.sign_key_change(&b.public_key_hex(), 4).unwrap();
        forged.previous_key = a.public_key_hex();
        let error = chain.follow(4, &forged).unwrap_err();
        assert!(error.contains("not signed by the key it replaces"), "{error}");
        // Honestly signed, but by a key that is not in force.
        let error = chain.follow(4, &c.sign_key_change(&b.public_key_hex(), 4).unwrap()).unwrap_err();
        assert!(error.contains("the key in force there is"), "{error}");
        // A genuine signature moved to another position.
        let error = chain.follow(5, &a.sign_key_change(&b.public_key_hex(), 4).unwrap()).unwrap_err();
        assert!(error.contains("not signed"), "{error}");
        assert_eq!(chain.current(), a.public_key_hex());
        assert!(a.sign_key_change(&a.public_key_hex(), 1).is_err(), "a key cannot replace itself");
    }
}
