//! The deployment's Ed25519 key and the signed tree heads it produces.
//!
//! A signed tree head commits the registry to the exact content of its
//! journal at one moment: the Merkle root of the first `tree_size` events.
//! Anyone holding the deployment's public key can check a head without
//! trusting the server that handed it out, and two heads signed by the same
//! key that are not consistent prove that the registry rewrote its history.
//!
//! A deployment may hand over to a new key: the old key signs a
//! [`KeyChange`] naming the new key and the change's position in the
//! journal (see [`crate::key_chain`]).
//!
//! The private key is kept as a 32-byte seed in a small file readable only
//! by its owner, created on first start so that a new deployment needs no
//! manual key ceremony.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};

use crate::merkle::Hash;

/// Prefix of every signed message, so that a tree-head signature can never
/// be replayed as a signature over anything else this key might sign, nor
/// confused with a later version of the format.
const TREE_HEAD_TAG: &[u8] = b"mangrove-tree-head-v1\n";

/// Prefix of a key change's signed message, kept apart from tree heads' so
/// that neither signature can pass for the other.
const KEY_CHANGE_TAG: &[u8] = b"mangrove-key-change-v1\n";
/// The domain tag of a state snapshot's signature.
const SNAPSHOT_TAG: &[u8] = b"mangrove-snapshot-v1\n";

/// Why a key could not be loaded or a signature did not verify.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("could not {action} the deployment key file {}: {error}", .path.display())]
    Io { action: &'static str, path: PathBuf, error: io::Error },

    #[error(
        "the deployment key file {} is malformed: {reason}; it must hold the \
         32-byte Ed25519 seed as 64 hex characters followed by a newline",
        .path.display()
    )]
    Malformed { path: PathBuf, reason: String },

    #[error("{key:?} is not a valid Ed25519 public key: {reason}")]
    BadPublicKey { key: String, reason: String },

    #[error("the signature is not 64 bytes written as 128 hex characters: {reason}")]
    BadSignatureEncoding { reason: String },

    #[error(
        "the signature does not match the tree head and public key: \
         the head was altered or was signed by another key"
    )]
    BadSignature,

    #[error("the tree head is signed by key {found}, not by the expected deployment key {expected}")]
    UnexpectedKey { expected: String, found: String },

    #[error("the new deployment key is the key it replaces")]
    SameKey,
}

/// The deployment's signing key.
pub struct DeploymentKey {
    key: SigningKey,
}

impl fmt::Debug for DeploymentKey {
    // Only the public half: a stray debug log must never leak the seed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeploymentKey").field("public_key", &self.public_key_hex()).finish()
    }
}

impl DeploymentKey {
    /// Loads the key at `path`, or creates it with a fresh random seed when
    /// the file does not exist. The flag is `true` when the key was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), KeyError> {
        // create_new, rather than checking for existence first, so that two
        // processes starting together cannot both create a key.
        let opened = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
        let file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Self::load(path).map(|key| (key, false));
            }
            Err(error) => return Err(io_error("create", path, error)),
        };
        let key = Self { key: SigningKey::generate(&mut OsRng) };
        if let Err(error) = write_seed(file, &key.key) {
            // A half-written file would stop every later start with a
            // "malformed" error; removing it lets the next start try again.
            let _ = fs::remove_file(path);
            return Err(io_error("write", path, error));
        }
        Ok((key, true))
    }

    /// Loads the key at `path`, which must exist.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let bytes = fs::read(path).map_err(|error| io_error("read", path, error))?;
        let seed = parse_seed(&bytes).map_err(|reason| KeyError::Malformed { path: path.to_path_buf(), reason })?;
        Ok(Self::from_seed(seed))
    }

    /// A key from a known seed, for tests and tools.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self { key: SigningKey::from_bytes(&seed) }
    }

    /// The public half of the key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The public key as 64 lower-case hex characters, as published to
    /// auditors and written into every signed tree head.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// Signs a tree head.
    pub fn sign(&self, head: TreeHead) -> SignedTreeHead {
        let signature = self.key.sign(&head.signing_bytes());
        SignedTreeHead { head, public_key: self.public_key_hex(), signature: hex::encode(signature.to_bytes()) }
    }

    /// Hands the deployment over to `new_public_key`, as the journal's event
    /// number `seq`: this key signs the new key and that position.
    pub fn sign_key_change(&self, new_public_key: &str, seq: u64) -> Result<KeyChange, KeyError> {
        let new_key = parse_public_key(new_public_key)?;
        if new_key == self.verifying_key() {
            return Err(KeyError::SameKey);
        }
        let signature = self.key.sign(&key_change_signing_bytes(seq, &new_key));
        Ok(KeyChange {
            previous_key: self.public_key_hex(),
            public_key: hex::encode(new_key.as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        })
    }

    /// Signs a snapshot's seal (see [`SnapshotSeal`]); returns the signature's hex.
    pub fn sign_snapshot(&self, seal: &SnapshotSeal) -> String {
        hex::encode(self.key.sign(&seal.signing_bytes()).to_bytes())
    }

    /// Writes the seed to `path`, replacing any file there only once the
    /// new one is complete and durable, so that a crash leaves either key
    /// whole, never a torn file.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let mut staged = path.as_os_str().to_os_string();
        staged.push(".new");
        let staged = PathBuf::from(staged);
        let _ = fs::remove_file(&staged);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&staged)
            .map_err(|error| io_error("create", &staged, error))?;
        write_seed(file, &self.key).map_err(|error| io_error("write", &staged, error))?;
        fs::rename(&staged, path).map_err(|error| io_error("replace", path, error))?;
        let folder = path.parent().filter(|folder| !folder.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::File::open(folder).and_then(|folder| folder.sync_all()).map_err(|error| io_error("sync", path, error))
    }
}

/// What is signed to change the key: the tag, the change's position in the
/// journal (big-endian), then the new public key. The position binds the
/// signature to one place in one history.
fn key_change_signing_bytes(seq: u64, new_key: &VerifyingKey) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(KEY_CHANGE_TAG.len() + 8 + 32);
    bytes.extend_from_slice(KEY_CHANGE_TAG);
    bytes.extend_from_slice(&seq.to_be_bytes());
    bytes.extend_from_slice(new_key.as_bytes());
    bytes
}

/// A change of the deployment key, as journaled: the key it replaces signs
/// the new key and the change's position, so the chain of keys can be
/// followed from the first recorded key by anyone holding only that one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyChange {
    /// Hex of the key that signed the tree heads until this change.
    pub previous_key: String,
    /// Hex of the key that signs the tree heads after it.
    pub public_key: String,
    /// Hex of the previous key's signature over the position and the new key.
    pub signature: String,
}

impl KeyChange {
    /// Checks that `previous_key` signed this change at journal position `seq`.
    pub fn verify(&self, seq: u64) -> Result<(), KeyError> {
        let previous = parse_public_key(&self.previous_key)?;
        let new_key = parse_public_key(&self.public_key)?;
        if previous == new_key {
            return Err(KeyError::SameKey);
        }
        verify_signature(&previous, &key_change_signing_bytes(seq, &new_key), &self.signature)
    }
}

/// What a state snapshot's signature binds: the journal position it stands
/// at, the hash of the state there, the hash chain's value there (which
/// ties it to one history), and the hash of the key record kept with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotSeal {
    pub position: u64,
    pub state_hash: Hash,
    pub chain_hash: Hash,
    pub keys_hash: Hash,
}

impl SnapshotSeal {
    /// The tag, the position (big-endian), then the three hashes.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(SNAPSHOT_TAG.len() + 8 + 3 * 32);
        bytes.extend_from_slice(SNAPSHOT_TAG);
        bytes.extend_from_slice(&self.position.to_be_bytes());
        bytes.extend_from_slice(&self.state_hash);
        bytes.extend_from_slice(&self.chain_hash);
        bytes.extend_from_slice(&self.keys_hash);
        bytes
    }

    /// Checks that `public_key_hex` signed this seal.
    pub fn verify(&self, public_key_hex: &str, signature_hex: &str) -> Result<(), KeyError> {
        verify_signature(&parse_public_key(public_key_hex)?, &self.signing_bytes(), signature_hex)
    }
}

/// Whether two hex public keys name the same key (hex case aside).
pub fn same_key(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn verify_signature(key: &VerifyingKey, message: &[u8], signature_hex: &str) -> Result<(), KeyError> {
    let mut bytes = [0u8; 64];
    if signature_hex.len() != 128 {
        return Err(KeyError::BadSignatureEncoding { reason: format!("it has {} characters", signature_hex.len()) });
    }
    hex::decode_to_slice(signature_hex, &mut bytes)
        .map_err(|e| KeyError::BadSignatureEncoding { reason: e.to_string() })?;
    // verify_strict also rejects weak keys and non-canonical signatures,
    // which would otherwise let one message carry several valid signatures.
    key.verify_strict(message, &Signature::from_bytes(&bytes)).map_err(|_| KeyError::BadSignature)
}

fn io_error(action: &'static str, path: &Path, error: io::Error) -> KeyError {
    KeyError::Io { action, path: path.to_path_buf(), error }
}

fn write_seed(mut file: fs::File, key: &SigningKey) -> io::Result<()> {
    writeln!(file, "{}", hex::encode(key.to_bytes()))?;
    // The key must survive a crash right after start, or the heads signed
    // with it could never be checked against a published public key.
    file.sync_all()
}

/// Parses the key file's content, describing what is wrong without ever
/// echoing the content, which may be most of a secret.
fn parse_seed(bytes: &[u8]) -> Result<[u8; 32], String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    // Accept a missing final newline, or a CRLF one, as left by hand edits.
    let digits = text.strip_suffix('\n').unwrap_or(text);
    let digits = digits.strip_suffix('\r').unwrap_or(digits);
    if digits.is_empty() {
        return Err("it is empty".to_string());
    }
    if digits.len() != 64 {
        return Err(format!("it holds {} characters instead of 64", digits.chars().count()));
    }
    if let Some(pos) = digits.find(|c: char| !c.is_ascii_hexdigit()) {
        return Err(format!("character {} is not a hex digit", digits[..pos].chars().count() + 1));
    }
    let mut seed = [0u8; 32];
    hex::decode_to_slice(digits, &mut seed).map_err(|e| e.to_string())?;
    Ok(seed)
}

/// The state of the journal at one moment: the Merkle root of its first
/// `tree_size` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TreeHead {
    pub tree_size: u64,
    /// Milliseconds since the Unix epoch when the head was made.
    pub timestamp_ms: i64,
    /// Hex of the 32-byte Merkle root.
    #[serde(with = "crate::merkle::hex32")]
    #[schema(value_type = String)]
    pub root_hash: Hash,
}

impl TreeHead {
    /// The exact bytes that are signed: the domain tag, then the size and
    /// the timestamp as big-endian integers, then the root.
    ///
    /// Fixed-width binary rather than JSON, so that a verifier in any
    /// language reproduces them without agreeing on a JSON encoding.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(TREE_HEAD_TAG.len() + 8 + 8 + 32);
        bytes.extend_from_slice(TREE_HEAD_TAG);
        bytes.extend_from_slice(&self.tree_size.to_be_bytes());
        bytes.extend_from_slice(&self.timestamp_ms.to_be_bytes());
        bytes.extend_from_slice(&self.root_hash);
        bytes
    }
}

/// A tree head with the deployment's public key and its signature, as served
/// to clients and auditors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignedTreeHead {
    #[serde(flatten)]
    pub head: TreeHead,
    /// Hex of the 32-byte Ed25519 verifying key.
    pub public_key: String,
    /// Hex of the 64-byte Ed25519 signature over [`TreeHead::signing_bytes`].
    pub signature: String,
}

impl SignedTreeHead {
    /// Checks the signature against the key named in `public_key`.
    ///
    /// This only shows the head is intact and was signed by *that* key; use
    /// [`SignedTreeHead::verify_with`] to also check it is the deployment's.
    pub fn verify(&self) -> Result<(), KeyError> {
        let key = parse_public_key(&self.public_key)?;
        verify_signature(&key, &self.head.signing_bytes(), &self.signature)
    }

    /// Checks the signature and that it was made by the key whose hex is
    /// `expected_public_key_hex`.
    pub fn verify_with(&self, expected_public_key_hex: &str) -> Result<(), KeyError> {
        let expected = parse_public_key(expected_public_key_hex)?;
        let found = parse_public_key(&self.public_key)?;
        if expected != found {
            return Err(KeyError::UnexpectedKey {
                expected: hex::encode(expected.as_bytes()),
                found: hex::encode(found.as_bytes()),
            });
        }
        self.verify()
    }
}

/// Parses a public key written as 64 hex characters.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, KeyError> {
    let bad = |reason: String| KeyError::BadPublicKey { key: text.to_string(), reason };
    let mut bytes = [0u8; 32];
    if text.len() != 64 {
        return Err(bad(format!("expected 64 hex characters, got {}", text.len())));
    }
    hex::decode_to_slice(text, &mut bytes).map_err(|e| bad(e.to_string()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad("it is not a point on the curve".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn head() -> TreeHead {
        TreeHead { tree_size: 42, timestamp_ms: 1_700_000_000_123, root_hash: [7; 32] }
    }

    fn signed() -> SignedTreeHead {
        DeploymentKey::from_seed([1; 32]).sign(head())
    }

    #[test]
    fn sign_and_verify_round_trip() {
        let key = DeploymentKey::from_seed([1; 32]);
        let sth = key.sign(head());
        assert_eq!(sth.head, head());
        assert_eq!(sth.public_key, key.public_key_hex());
        sth.verify().unwrap();
        sth.verify_with(&key.public_key_hex()).unwrap();
        sth.verify_with(&key.public_key_hex().to_uppercase()).unwrap();
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let mut changes: Vec<SignedTreeHead> = Vec::new();
        let mut sth = signed();
        sth.head.tree_size += 1;
        changes.push(sth);
        let mut sth = signed();
        sth.head.timestamp_ms -= 1;
        changes.push(sth);
        let mut sth = signed();
        sth.head.root_hash[31] ^= 1;
        changes.push(sth);
        let mut sth = signed();
        let mut sig = hex::decode(&sth.signature).unwrap();
        sig[0] ^= 1;
        sth.signature = hex::encode(sig);
        changes.push(sth);
        let mut sth = signed();
        sth.public_key = DeploymentKey::from_seed([2; 32]).public_key_hex();
        changes.push(sth);
        for sth in changes {
            assert!(matches!(sth.verify(), Err(KeyError::BadSignature)), "{sth:?} verified");
        }
    }

    #[test]
    fn malformed_signature_or_key_is_reported() {
        let mut sth = signed();
        sth.signature.pop();
        assert!(matches!(sth.verify(), Err(KeyError::BadSignatureEncoding { .. })));
        let mut sth = signed();
        sth.public_key = "zz".repeat(32);
        let err = sth.verify().unwrap_err();
        assert!(matches!(err, KeyError::BadPublicKey { .. }), "{err}");
        assert!(err.to_string().contains(&"zz".repeat(32)), "{err}");
    }

    #[test]
    fn a_snapshot_seal_verifies_only_as_signed() {
        let key = DeploymentKey::from_seed([1; 32]);
        let seal = SnapshotSeal { position: 7, state_hash: [1; 32], chain_hash: [2; 32], keys_hash: [3; 32] };
        let signature = key.sign_snapshot(&seal);
        seal.verify(&key.public_key_hex(), &signature).unwrap();
        for changed in [
            SnapshotSeal { position: 8, ..seal },
            SnapshotSeal { state_hash: [9; 32], ..seal },
            SnapshotSeal { chain_hash: [9; 32], ..seal },
            SnapshotSeal { keys_hash: [9; 32], ..seal },
        ] {
            assert!(matches!(changed.verify(&key.public_key_hex(), &signature), Err(KeyError::BadSignature)));
        }
        let other = DeploymentKey::from_seed([2; 32]).public_key_hex();
        assert!(matches!(seal.verify(&other, &signature), Err(KeyError::BadSignature)));
    }

    #[test]
    fn verify_with_pins_the_key() {
        let other = DeploymentKey::from_seed([2; 32]).public_key_hex();
        let err = signed().verify_with(&other).unwrap_err();
        assert!(matches!(err, KeyError::UnexpectedKey { .. }), "{err}");
        assert!(err.to_string().contains(&other), "{err}");
        assert!(matches!(signed().verify_with("not a key"), Err(KeyError::BadPublicKey { .. })));
    }

    #[test]
    fn signing_bytes_layout() {
        let head = TreeHead { tree_size: 0x0102_0304_0506_0708, timestamp_ms: -2, root_hash: [0xAA; 32] };
        let mut expected = b"mangrove-tree-head-v1\n".to_vec();
        expected.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        expected.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]);
        expected.extend_from_slice(&[0xAA; 32]);
        assert_eq!(head.signing_bytes(), expected);
    }

    #[test]
    fn public_key_matches_rfc_8032_test_vector() {
        // RFC 8032 section 7.1, TEST 1.
        let seed = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
        let key = DeploymentKey::from_seed(seed.try_into().unwrap());
        assert_eq!(key.public_key_hex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assert!(!format!("{key:?}").contains("9d61b19d"));
    }

    #[test]
    fn json_is_flat_with_hex_fields() {
        let sth = signed();
        let value = serde_json::to_value(&sth).unwrap();
        let object = value.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["public_key", "root_hash", "signature", "timestamp_ms", "tree_size"]);
        assert_eq!(object["root_hash"], "07".repeat(32));
        let back: SignedTreeHead = serde_json::from_value(value).unwrap();
        assert_eq!(back, sth);
        back.verify().unwrap();
    }

    #[test]
    fn load_or_create_creates_once_then_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deployment.key");
        let (created, was_created) = DeploymentKey::load_or_create(&path).unwrap();
        assert!(was_created);
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let content = fs::read_to_string(&path).unwrap();
        assert_eq!(content.len(), 65);
        assert!(content.ends_with('\n'));

        let (loaded, was_created) = DeploymentKey::load_or_create(&path).unwrap();
        assert!(!was_created);
        assert_eq!(loaded.public_key_hex(), created.public_key_hex());
        let loaded = DeploymentKey::load(&path).unwrap();
        assert_eq!(loaded.public_key_hex(), created.public_key_hex());
        loaded.sign(head()).verify_with(&created.public_key_hex()).unwrap();
    }

    #[test]
    fn malformed_key_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.key");
        let not_hex = format!("{}g\n", "a".repeat(63));
        let cases: [(&[u8], &str); 4] = [
            (b"", "empty"),
            (b"abc\n", "3 characters"),
            (&[0xFF; 65], "not text"),
            (not_hex.as_bytes(), "character 64"),
        ];
        for (content, reason) in cases {
            fs::write(&path, content).unwrap();
            for err in [DeploymentKey::load(&path).unwrap_err(), DeploymentKey::load_or_create(&path).unwrap_err()] {
                let text = err.to_string();
                assert!(matches!(err, KeyError::Malformed { .. }), "{text}");
                assert!(text.contains(&path.display().to_string()), "{text}");
                assert!(text.contains(reason), "{text}");
            }
        }
    }

    #[test]
    fn key_file_without_final_newline_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hand-made.key");
        fs::write(&path, "01".repeat(32)).unwrap();
        let key = DeploymentKey::load(&path).unwrap();
        assert_eq!(key.public_key_hex(), DeploymentKey::from_seed([1; 32]).public_key_hex());
    }

    #[test]
    fn a_key_change_is_bound_to_its_position_and_new_key() {
        let (old, new) = (DeploymentKey::from_seed([1; 32]), DeploymentKey::from_seed([2; 32]));
        let change = old.sign_key_change(&new.public_key_hex().to_uppercase(), 41).unwrap();
        assert_eq!(
            (change.previous_key.as_str(), change.public_key.as_str()),
            (&*old.public_key_hex(), &*new.public_key_hex())
        );
        change.verify(41).unwrap();
        assert!(matches!(change.verify(42), Err(KeyError::BadSignature)));
        let mut redirected = change.clone();
        redirected.public_key = DeploymentKey::from_seed([3; 32]).public_key_hex();
        assert!(matches!(redirected.verify(41), Err(KeyError::BadSignature)));
        // A tree head's signature never passes for a key change.
        let mut borrowed = change.clone();
        borrowed.signature = old.sign(head()).signature;
        assert!(matches!(borrowed.verify(41), Err(KeyError::BadSignature)));
        assert!(matches!(old.sign_key_change(&old.public_key_hex(), 1), Err(KeyError::SameKey)));
    }

    #[test]
    fn save_replaces_the_key_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deployment.key");
        DeploymentKey::load_or_create(&path).unwrap();
        let next = DeploymentKey::from_seed([2; 32]);
        next.save(&path).unwrap();
        assert_eq!(DeploymentKey::load(&path).unwrap().public_key_hex(), next.public_key_hex());
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staged file is left behind");
    }

    #[test]
    fn missing_key_file_is_an_io_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.key");
        let err = DeploymentKey::load(&path).unwrap_err();
        assert!(matches!(err, KeyError::Io { .. }));
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
        let nested = dir.path().join("no-such-dir").join("k.key");
        let err = DeploymentKey::load_or_create(&nested).unwrap_err();
        assert!(err.to_string().contains("could not create"), "{err}");
    }
}
