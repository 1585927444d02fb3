//! Certificate Transparency Merkle tree (RFC 9162, section 2.1) over the
//! journal's events.
//!
//! Every event appended to the journal becomes a leaf. The tree lets the
//! registry prove to anyone, without revealing or trusting anything else,
//! that an event is in the journal (inclusion proofs) and that today's
//! journal extends yesterday's without rewriting history (consistency
//! proofs). We follow RFC 9162 exactly, rather than inventing a format, so
//! that auditors can check our proofs with any independent implementation.
//!
//! Proof *generation* lives on [`MerkleTree`]; proof *verification* is done
//! by free functions, because a verifier holds only a proof and a signed
//! root, never the tree.

use serde::{Deserialize, Deserializer, Serializer};
use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Hash of a leaf: SHA-256(0x00 || data).
///
/// The distinct prefixes for leaves and nodes stop a second-preimage attack
/// in which an interior node is passed off as a leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    hasher.finalize().into()
}

/// Hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// Root of the tree with no leaves: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Why a proof could not be produced or did not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MerkleError {
    #[error("leaf index {index} is out of range for a tree of {size} leaves")]
    IndexOutOfRange { index: u64, size: u64 },

    #[error("tree size {size} was requested but the tree has only {len} leaves")]
    SizeTooLarge { size: u64, len: u64 },

    #[error(
        "a consistency proof needs 1 <= first <= second, \
         but first is {first} and second is {second}"
    )]
    BadConsistencySizes { first: u64, second: u64 },

    #[error(
        "the proof has {actual} hashes but {expected} are needed; \
         it was probably made for another leaf index or tree size"
    )]
    ProofTooLong { expected: usize, actual: usize },

    #[error(
        "the proof has {actual} hashes but {expected} are needed; \
         it is truncated or was made for another leaf index or tree size"
    )]
    ProofTooShort { expected: usize, actual: usize },

    #[error(
        "the inclusion proof leads to root {} but the expected root is {}; \
         the leaf, the proof or the root is wrong",
        hex::encode(.computed),
        hex::encode(.expected)
    )]
    RootMismatch { computed: Hash, expected: Hash },

    #[error(
        "the consistency proof leads to root {} for the earlier tree of {first} leaves, \
         but its root is {}; the proof or that root is wrong",
        hex::encode(.computed),
        hex::encode(.expected)
    )]
    FirstRootMismatch { first: u64, computed: Hash, expected: Hash },

    #[error(
        "the consistency proof leads to root {} for the later tree of {second} leaves, \
         but its root is {}; the log was rewritten, or the proof or that root is wrong",
        hex::encode(.computed),
        hex::encode(.expected)
    )]
    SecondRootMismatch { second: u64, computed: Hash, expected: Hash },
}

/// Largest power of two strictly below `n` (`n >= 2`): where RFC 9162 splits
/// a range of `n` leaves into a left and a right subtree.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (n - 1).ilog2()
}

/// Append-only Merkle tree that keeps every complete subtree it has seen.
///
/// `levels[0]` holds the leaf hashes and `levels[k][i]` the root of the
/// perfect subtree over leaves `[i << k, (i + 1) << k)`. Keeping these costs
/// about one extra hash per leaf, and means any root or proof is assembled
/// from O(log n) stored hashes per subtree instead of rehashing leaves.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf hash (see [`leaf_hash`]) in amortised O(1).
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let nodes = &mut self.levels[level];
            nodes.push(hash);
            // An odd count means the newest node still waits for its right
            // sibling, so no parent can be completed above it yet.
            if nodes.len() % 2 == 1 {
                return;
            }
            hash = node_hash(&nodes[nodes.len() - 2], &nodes[nodes.len() - 1]);
            level += 1;
        }
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf hash at `index`, if there is one.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let leaves = self.levels.first()?;
        leaves.get(usize::try_from(index).ok()?).copied()
    }

    /// Root of the whole tree, in O(log n).
    pub fn root(&self) -> Hash {
        self.root_of_prefix(self.len())
    }

    /// Root of the tree formed by the first `size` leaves, or `None` when the
    /// tree has fewer leaves than that.
    pub fn root_at(&self, size: u64) -> Option<Hash> {
        (size <= self.len()).then(|| self.root_of_prefix(size))
    }

    /// PATH(index, D\[0:size\]) of RFC 9162 section 2.1.3.1: the sibling
    /// hashes from the leaf up to the root of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, MerkleError> {
        self.check_size(size)?;
        if index >= size {
            return Err(MerkleError::IndexOutOfRange { index, size });
        }
        // The RFC defines PATH top-down with the deepest sibling first; we
        // walk down from the root and reverse at the end.
        let mut proof = Vec::new();
        let (mut start, mut n, mut m) = (0, size, index);
        while n > 1 {
            let k = split_point(n);
            if m < k {
                proof.push(self.subtree_root(start + k, n - k));
                n = k;
            } else {
                proof.push(self.subtree_root(start, k));
                start += k;
                m -= k;
                n -= k;
            }
        }
        proof.reverse();
        Ok(proof)
    }

    /// PROOF(first, D\[0:second\]) of RFC 9162 section 2.1.4.1: shows that the
    /// tree of `first` leaves is a prefix of the tree of `second` leaves.
    /// `first == second` gives an empty proof.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>, MerkleError> {
        self.check_size(second)?;
        if first == 0 || first > second {
            return Err(MerkleError::BadConsistencySizes { first, second });
        }
        // SUBPROOF(m, D[start..start+n], b), unrolled: `known` is the RFC's
        // boolean, true while the subtree [0, m) is the very tree whose root
        // the verifier already holds, so its hash need not be sent.
        let mut proof = Vec::new();
        let (mut start, mut n, mut m, mut known) = (0, second, first, true);
        while m != n {
            let k = split_point(n);
            if m <= k {
                proof.push(self.subtree_root(start + k, n - k));
                n = k;
            } else {
                proof.push(self.subtree_root(start, k));
                start += k;
                m -= k;
                n -= k;
                known = false;
            }
        }
        if !known {
            proof.push(self.subtree_root(start, n));
        }
        proof.reverse();
        Ok(proof)
    }

    fn check_size(&self, size: u64) -> Result<(), MerkleError> {
        let len = self.len();
        if size > len {
            return Err(MerkleError::SizeTooLarge { size, len });
        }
        Ok(())
    }

    fn root_of_prefix(&self, size: u64) -> Hash {
        if size == 0 {
            empty_root()
        } else {
            self.subtree_root(0, size)
        }
    }

    /// MTH(D\[start..start+n\]) for `n >= 1` and a range inside the tree.
    ///
    /// Follows the RFC's recursive split; an aligned power-of-two block is a
    /// stored complete subtree, so the recursion only continues down the
    /// right edge and costs O(log n).
    fn subtree_root(&self, start: u64, n: u64) -> Hash {
        debug_assert!(n >= 1 && start + n <= self.len());
        if n.is_power_of_two() && start & (n - 1) == 0 {
            let level = n.trailing_zeros() as usize;
            // In range: the block lies inside the tree, so `push` has
            // already completed and stored it.
            return self.levels[level][(start >> level) as usize];
        }
        let k = split_point(n);
        node_hash(&self.subtree_root(start, k), &self.subtree_root(start + k, n - k))
    }
}

impl FromIterator<Hash> for MerkleTree {
    fn from_iter<I: IntoIterator<Item = Hash>>(leaves: I) -> Self {
        let mut tree = Self::new();
        for leaf in leaves {
            tree.push(leaf);
        }
        tree
    }
}

/// Number of hashes in PATH(index, D\[0:size\]); used to tell a person how
/// long a rejected proof should have been.
fn inclusion_proof_len(index: u64, size: u64) -> usize {
    let (mut m, mut n, mut len) = (index, size, 0);
    while n > 1 {
        let k = split_point(n);
        if m < k {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
        len += 1;
    }
    len
}

/// Number of hashes in PROOF(first, D\[0:second\]), for `1 <= first <= second`.
fn consistency_proof_len(first: u64, second: u64) -> usize {
    let (mut m, mut n, mut len, mut known) = (first, second, 0, true);
    while m != n {
        let k = split_point(n);
        if m <= k {
            n = k;
        } else {
            m -= k;
            n -= k;
            known = false;
        }
        len += 1;
    }
    len + usize::from(!known)
}

/// Shifts `fn_` and `sn` right together until the lowest bit of `fn_` is set
/// or `fn_` is zero: the RFC's way of climbing past levels where the node on
/// the path is a left child with no right sibling in the tree.
fn skip_lonely_levels(fn_: &mut u64, sn: &mut u64) {
    if *fn_ != 0 {
        let zeros = fn_.trailing_zeros();
        *fn_ >>= zeros;
        *sn >>= zeros;
    }
}

/// Checks that `leaf` (a leaf hash) is at `index` in the tree of `size`
/// leaves whose root is `root`, with the algorithm of RFC 9162 section
/// 2.1.3.2.
///
/// The proof binds the size only through the root: take `size` and `root`
/// from the same signed tree head.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_proof_len(index, size);
    // Variable names follow the RFC: fn is the index of the node on the path
    // and sn the index of the last node at the same level.
    let (mut fn_, mut sn, mut r) = (index, size - 1, *leaf);
    for p in proof {
        if sn == 0 {
            return Err(MerkleError::ProofTooLong { expected, actual: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            skip_lonely_levels(&mut fn_, &mut sn);
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(MerkleError::ProofTooShort { expected, actual: proof.len() });
    }
    if r != *root {
        return Err(MerkleError::RootMismatch { computed: r, expected: *root });
    }
    Ok(())
}

/// Checks that the tree of `first` leaves with root `first_root` is a prefix
/// of the tree of `second` leaves with root `second_root`, with the
/// algorithm of RFC 9162 section 2.1.4.2.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if first == 0 || first > second {
        return Err(MerkleError::BadConsistencySizes { first, second });
    }
    let expected = consistency_proof_len(first, second);
    let too_long = MerkleError::ProofTooLong { expected, actual: proof.len() };
    let too_short = MerkleError::ProofTooShort { expected, actual: proof.len() };
    if first == second {
        if !proof.is_empty() {
            return Err(too_long);
        }
        if first_root != second_root {
            return Err(MerkleError::SecondRootMismatch { second, computed: *first_root, expected: *second_root });
        }
        return Ok(());
    }
    let Some((&head, tail)) = proof.split_first() else {
        return Err(too_short);
    };
    // A power-of-two first tree is a complete subtree of the second one, so
    // the prover leaves its root out and the verifier supplies it.
    let (start, rest) = if first.is_power_of_two() { (*first_root, proof) } else { (head, tail) };
    let (mut fn_, mut sn) = (first - 1, second - 1);
    let ones = fn_.trailing_ones();
    fn_ >>= ones;
    sn >>= ones;
    let (mut fr, mut sr) = (start, start);
    for c in rest {
        if sn == 0 {
            return Err(too_long);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            skip_lonely_levels(&mut fn_, &mut sn);
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(too_short);
    }
    if fr != *first_root {
        return Err(MerkleError::FirstRootMismatch { first, computed: fr, expected: *first_root });
    }
    if sr != *second_root {
        return Err(MerkleError::SecondRootMismatch { second, computed: sr, expected: *second_root });
    }
    Ok(())
}

/// Decodes 64 hex characters into a hash, with a message fit for an API
/// client who sent something else.
fn decode_hash(text: &str) -> Result<Hash, String> {
    let mut hash = [0u8; 32];
    if text.len() != 64 {
        return Err(format!("expected a SHA-256 hash as 64 hex characters, got {} characters", text.len()));
    }
    hex::decode_to_slice(text, &mut hash).map_err(|e| format!("expected a SHA-256 hash as 64 hex characters: {e}"))?;
    Ok(hash)
}

/// Serde adapter writing a [`Hash`] as a lower-case hex string, because JSON
/// has no bytes type and hex is what auditors compare by eye.
///
/// Use as `#[serde(with = "crate::merkle::hex32")]`.
pub mod hex32 {
    use super::*;

    pub fn serialize<S: Serializer>(hash: &Hash, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(hash))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Hash, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode_hash(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde adapter writing a `Vec<Hash>` (such as a proof) as an array of
/// lower-case hex strings.
///
/// Use as `#[serde(with = "crate::merkle::hex32_vec")]`.
pub mod hex32_vec {
    use super::*;

    pub fn serialize<S: Serializer>(hashes: &[Hash], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(hashes.iter().map(hex::encode))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Hash>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| decode_hash(text).map_err(|e| serde::de::Error::custom(format!("hash number {i}: {e}"))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX_SIZE: u64 = 70;

    fn test_leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(format!("event {i}").as_bytes())).collect()
    }

    fn full_tree() -> (Vec<Hash>, MerkleTree) {
        let leaves = test_leaves(MAX_SIZE);
        let tree = leaves.iter().copied().collect();
        (leaves, tree)
    }

    // The reference below transcribes RFC 9162's recursive definitions as
    // literally as possible, sharing no code with the tree, so that the two
    // can only agree by both being right.

    fn ref_split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    fn ref_mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => Sha256::digest(b"").into(),
            1 => d[0],
            n => {
                let k = ref_split(n);
                node_hash(&ref_mth(&d[..k]), &ref_mth(&d[k..]))
            }
        }
    }

    fn ref_path(m: usize, d: &[Hash]) -> Vec<Hash> {
        if d.len() == 1 {
            return Vec::new();
        }
        let k = ref_split(d.len());
        let (mut path, sibling) =
            if m < k { (ref_path(m, &d[..k]), ref_mth(&d[k..])) } else { (ref_path(m - k, &d[k..]), ref_mth(&d[..k])) };
        path.push(sibling);
        path
    }

    fn ref_subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        if m == d.len() {
            return if b { Vec::new() } else { vec![ref_mth(d)] };
        }
        let k = ref_split(d.len());
        let (mut proof, sibling) = if m <= k {
            (ref_subproof(m, &d[..k], b), ref_mth(&d[k..]))
        } else {
            (ref_subproof(m - k, &d[k..], false), ref_mth(&d[..k]))
        };
        proof.push(sibling);
        proof
    }

    fn ref_proof(m: usize, d: &[Hash]) -> Vec<Hash> {
        ref_subproof(m, d, true)
    }

    /// Checks every root and proof of `tree` for trees of `size` leaves
    /// against the reference.
    fn check_size_against_reference(tree: &MerkleTree, leaves: &[Hash], size: u64) {
        let prefix = &leaves[..size as usize];
        let root = ref_mth(prefix);
        assert_eq!(tree.root_at(size), Some(root), "root at size {size}");
        for index in 0..size {
            let proof = tree.inclusion_proof(index, size).unwrap();
            assert_eq!(proof, ref_path(index as usize, prefix), "PATH({index}, {size})");
            assert_eq!(proof.len(), inclusion_proof_len(index, size));
            verify_inclusion(&leaves[index as usize], index, size, &proof, &root).unwrap();
        }
        for first in 1..=size {
            let proof = tree.consistency_proof(first, size).unwrap();
            assert_eq!(proof, ref_proof(first as usize, prefix), "PROOF({first}, {size})");
            assert_eq!(proof.len(), consistency_proof_len(first, size));
            let first_root = ref_mth(&leaves[..first as usize]);
            verify_consistency(first, size, &first_root, &root, &proof).unwrap();
        }
    }

    #[test]
    fn matches_reference_for_every_size_up_to_70() {
        let leaves = test_leaves(MAX_SIZE);
        let mut growing = MerkleTree::new();
        check_size_against_reference(&growing, &leaves, 0);
        for (i, leaf) in leaves.iter().enumerate() {
            growing.push(*leaf);
            let len = i as u64 + 1;
            assert_eq!(growing.len(), len);
            assert_eq!(growing.root(), ref_mth(&leaves[..=i]));
            check_size_against_reference(&growing, &leaves, len);
        }
        for size in 0..=MAX_SIZE {
            check_size_against_reference(&growing, &leaves, size);
        }
    }

    #[test]
    fn known_answer_for_a_b_c() {
        let sha = |parts: &[&[u8]]| -> Hash {
            let mut hasher = Sha256::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().into()
        };
        let a = sha(&[&[0], b"a"]);
        let b = sha(&[&[0], b"b"]);
        let c = sha(&[&[0], b"c"]);
        let ab = sha(&[&[1], &a, &b]);
        let abc = sha(&[&[1], &ab, &c]);

        let tree: MerkleTree = [b"a", b"b", b"c"].iter().map(|d| leaf_hash(*d)).collect();
        assert_eq!(tree.root(), abc);
        assert_eq!(tree.root_at(2), Some(ab));
        assert_eq!(tree.root_at(1), Some(a));
    }

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        let tree = MerkleTree::new();
        assert!(tree.is_empty());
        assert_eq!(hex::encode(tree.root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(tree.root_at(0), Some(empty_root()));
        assert_eq!(tree.leaf(0), None);
    }

    #[test]
    fn rejects_out_of_range_requests() {
        let (leaves, tree) = full_tree();
        assert_eq!(tree.leaf(3), Some(leaves[3]));
        assert_eq!(tree.leaf(MAX_SIZE), None);
        assert_eq!(tree.root_at(MAX_SIZE + 1), None);
        assert_eq!(
            tree.inclusion_proof(0, MAX_SIZE + 1),
            Err(MerkleError::SizeTooLarge { size: MAX_SIZE + 1, len: MAX_SIZE })
        );
        assert_eq!(tree.inclusion_proof(5, 5), Err(MerkleError::IndexOutOfRange { index: 5, size: 5 }));
        assert_eq!(tree.consistency_proof(0, 5), Err(MerkleError::BadConsistencySizes { first: 0, second: 5 }));
        assert_eq!(tree.consistency_proof(6, 5), Err(MerkleError::BadConsistencySizes { first: 6, second: 5 }));
        assert_eq!(
            tree.consistency_proof(1, MAX_SIZE + 1),
            Err(MerkleError::SizeTooLarge { size: MAX_SIZE + 1, len: MAX_SIZE })
        );
        let root = tree.root();
        assert_eq!(
            verify_inclusion(&leaves[0], 0, 0, &[], &root),
            Err(MerkleError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            verify_consistency(0, 3, &root, &root, &[]),
            Err(MerkleError::BadConsistencySizes { first: 0, second: 3 })
        );
    }

    #[test]
    fn equal_sizes_need_equal_roots_and_an_empty_proof() {
        let (_, tree) = full_tree();
        let (r5, r6) = (tree.root_at(5).unwrap(), tree.root_at(6).unwrap());
        verify_consistency(5, 5, &r5, &r5, &[]).unwrap();
        assert!(matches!(verify_consistency(5, 5, &r5, &r6, &[]), Err(MerkleError::SecondRootMismatch { .. })));
        assert_eq!(
            verify_consistency(5, 5, &r5, &r5, &[r5]),
            Err(MerkleError::ProofTooLong { expected: 0, actual: 1 })
        );
    }

    /// Every way of adding or dropping one hash, each of which must be
    /// rejected by length before any hashing result is trusted.
    fn mangled_lengths(proof: &[Hash]) -> Vec<(Vec<Hash>, bool)> {
        let extra = leaf_hash(b"extra");
        let mut out = Vec::new();
        let mut longer = proof.to_vec();
        longer.push(extra);
        out.push((longer, true));
        let mut longer = proof.to_vec();
        longer.insert(0, extra);
        out.push((longer, true));
        if !proof.is_empty() {
            out.push((proof[1..].to_vec(), false));
            out.push((proof[..proof.len() - 1].to_vec(), false));
        }
        out
    }

    fn assert_length_error(result: Result<(), MerkleError>, longer: bool, expected: usize) {
        match result {
            Err(MerkleError::ProofTooLong { expected: e, .. }) if longer => assert_eq!(e, expected),
            Err(MerkleError::ProofTooShort { expected: e, .. }) if !longer => {
                assert_eq!(e, expected)
            }
            other => panic!("expected a length error, got {other:?}"),
        }
    }

    #[test]
    fn proofs_with_an_extra_or_missing_hash_fail() {
        let (leaves, tree) = full_tree();
        for size in 1..=MAX_SIZE {
            let root = tree.root_at(size).unwrap();
            for index in 0..size {
                let proof = tree.inclusion_proof(index, size).unwrap();
                for (bad, longer) in mangled_lengths(&proof) {
                    let leaf = &leaves[index as usize];
                    let result = verify_inclusion(leaf, index, size, &bad, &root);
                    assert_length_error(result, longer, proof.len());
                }
            }
            for first in 1..=size {
                let first_root = tree.root_at(first).unwrap();
                let proof = tree.consistency_proof(first, size).unwrap();
                for (bad, longer) in mangled_lengths(&proof) {
                    let result = verify_consistency(first, size, &first_root, &root, &bad);
                    assert_length_error(result, longer, proof.len());
                }
            }
        }
    }

    #[test]
    fn serde_helpers_write_lower_case_hex() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Wire {
            #[serde(with = "crate::merkle::hex32")]
            root: Hash,
            #[serde(with = "crate::merkle::hex32_vec")]
            proof: Vec<Hash>,
        }
        let wire = Wire { root: [0xAB; 32], proof: vec![[0x01; 32], [0xFE; 32]] };
        let json = serde_json::to_string(&wire).unwrap();
        assert_eq!(
            json,
            format!(r#"{{"root":"{}","proof":["{}","{}"]}}"#, "ab".repeat(32), "01".repeat(32), "fe".repeat(32))
        );
        assert_eq!(serde_json::from_str::<Wire>(&json).unwrap(), wire);

        let short = format!(r#"{{"root":"{}","proof":[]}}"#, "ab".repeat(31));
        let err = serde_json::from_str::<Wire>(&short).unwrap_err().to_string();
        assert!(err.contains("64 hex characters, got 62"), "{err}");
        let bad = format!(r#"{{"root":"{}","proof":["{}zz"]}}"#, "ab".repeat(32), "ab".repeat(31));
        let err = serde_json::from_str::<Wire>(&bad).unwrap_err().to_string();
        assert!(err.contains("hash number 0"), "{err}");
    }

    #[test]
    fn error_messages_show_hashes_in_hex() {
        let err = MerkleError::RootMismatch { computed: [0x11; 32], expected: [0x22; 32] };
        let text = err.to_string();
        assert!(text.contains(&"11".repeat(32)) && text.contains(&"22".repeat(32)), "{text}");
    }

    /// A tree size and a leaf index inside it.
    fn size_and_index() -> impl Strategy<Value = (u64, u64)> {
        (1..=MAX_SIZE).prop_flat_map(|size| (Just(size), 0..size))
    }

    /// Sizes `(first, second)` with `1 <= first < second`, or with
    /// `first == second` too when `allow_equal`.
    fn first_and_second(allow_equal: bool) -> impl Strategy<Value = (u64, u64)> {
        let smallest_second = if allow_equal { 1 } else { 2 };
        (smallest_second..=MAX_SIZE).prop_flat_map(move |second| {
            let end = if allow_equal { second + 1 } else { second };
            (1..end, Just(second))
        })
    }

    proptest! {
        #[test]
        fn flipped_byte_in_inclusion_proof_fails(
            (size, index) in size_and_index(),
            which: prop::sample::Index,
            byte in 0usize..32,
            mask in 1u8..=255,
        ) {
            let (leaves, tree) = full_tree();
            let mut proof = tree.inclusion_proof(index, size).unwrap();
            prop_assume!(!proof.is_empty());
            let i = which.index(proof.len());
            proof[i][byte] ^= mask;
            let root = tree.root_at(size).unwrap();
            let result = verify_inclusion(&leaves[index as usize], index, size, &proof, &root);
            prop_assert!(
                matches!(result, Err(MerkleError::RootMismatch { .. })),
                "{:?}",
                result
            );
        }

        #[test]
        fn changed_index_or_size_fails_inclusion(
            (size, index) in size_and_index(),
            (other_size, other_index) in size_and_index(),
        ) {
            prop_assume!((size, index) != (other_size, other_index));
            let (leaves, tree) = full_tree();
            let proof = tree.inclusion_proof(index, size).unwrap();
            let leaf = &leaves[index as usize];
            // The claimed size comes with its own genuine root, as it would
            // in a signed tree head.
            let other_root = tree.root_at(other_size).unwrap();
            let result = verify_inclusion(leaf, other_index, other_size, &proof, &other_root);
            prop_assert!(result.is_err());
        }

        #[test]
        fn flipped_byte_in_consistency_proof_fails(
            (first, second) in first_and_second(false),
            which: prop::sample::Index,
            byte in 0usize..32,
            mask in 1u8..=255,
        ) {
            let (_, tree) = full_tree();
            let mut proof = tree.consistency_proof(first, second).unwrap();
            let i = which.index(proof.len());
            proof[i][byte] ^= mask;
            let (r1, r2) = (tree.root_at(first).unwrap(), tree.root_at(second).unwrap());
            let result = verify_consistency(first, second, &r1, &r2, &proof);
            prop_assert!(matches!(
                result,
                Err(MerkleError::FirstRootMismatch { .. } | MerkleError::SecondRootMismatch { .. })
            ), "{:?}", result);
        }

        #[test]
        fn changed_sizes_fail_consistency(
            (first, second) in first_and_second(false),
            (other_first, other_second) in first_and_second(true),
        ) {
            // Equal sizes are left out of the honest side: their empty proof
            // is valid for every pair of equal sizes and equal roots.
            prop_assume!((first, second) != (other_first, other_second));
            let (_, tree) = full_tree();
            let proof = tree.consistency_proof(first, second).unwrap();
            let r1 = tree.root_at(other_first).unwrap();
            let r2 = tree.root_at(other_second).unwrap();
            let result = verify_consistency(other_first, other_second, &r1, &r2, &proof);
            prop_assert!(result.is_err());
        }

        #[test]
        fn wrong_leaf_or_root_fails_inclusion(
            (size, index) in size_and_index(),
            flip_root: bool,
            byte in 0usize..32,
            mask in 1u8..=255,
        ) {
            let (leaves, tree) = full_tree();
            let proof = tree.inclusion_proof(index, size).unwrap();
            let (mut leaf, mut root) = (leaves[index as usize], tree.root_at(size).unwrap());
            let target = if flip_root { &mut root } else { &mut leaf };
            target[byte] ^= mask;
            let result = verify_inclusion(&leaf, index, size, &proof, &root);
            prop_assert!(matches!(result, Err(MerkleError::RootMismatch { .. })), "{:?}", result);
        }

        #[test]
        fn wrong_first_or_second_root_fails_consistency(
            (first, second) in first_and_second(true),
            flip_second: bool,
            byte in 0usize..32,
            mask in 1u8..=255,
        ) {
            let (_, tree) = full_tree();
            let proof = tree.consistency_proof(first, second).unwrap();
            let (mut r1, mut r2) = (tree.root_at(first).unwrap(), tree.root_at(second).unwrap());
            let target = if flip_second { &mut r2 } else { &mut r1 };
            target[byte] ^= mask;
            let result = verify_consistency(first, second, &r1, &r2, &proof);
            // When the sizes are equal, or the first tree is a complete
            // subtree whose root the verifier supplies itself, a wrong first
            // root can only surface as a wrong second root.
            let expected_first = !flip_second && first != second && !first.is_power_of_two();
            prop_assert!(
                if expected_first {
                    matches!(result, Err(MerkleError::FirstRootMismatch { .. }))
                } else {
                    matches!(result, Err(MerkleError::SecondRootMismatch { .. }))
                },
                "{:?}",
                result
            );
        }
    }
}
