//! Proofs as files: an inclusion proof shows that one event is in the
//! journal a signed tree head commits to; a consistency proof shows that a
//! later signed tree head extends an earlier one. Both verify offline with
//! nothing but the file (`mangrove proof verify FILE`), and the public key
//! can be pinned.

use crate::merkle::{self, Hash};
use crate::signing::SignedTreeHead;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InclusionProof {
    /// The event exactly as journaled (canonical JSON); its leaf hash is
    /// SHA-256(0x00 || body).
    pub body: String,
    pub leaf_index: u64,
    pub tree_head: SignedTreeHead,
    #[serde(with = "merkle::hex32_vec")]
    #[schema(value_type = Vec<String>)]
    pub audit_path: Vec<Hash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub first: SignedTreeHead,
    pub second: SignedTreeHead,
    #[serde(with = "merkle::hex32_vec")]
    #[schema(value_type = Vec<String>)]
    pub path: Vec<Hash>,
}

/// A proof file: `{"kind": "inclusion", ...}` or `{"kind": "consistency", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProofFile {
    Inclusion(InclusionProof),
    Consistency(ConsistencyProof),
}

impl InclusionProof {
    /// Checks the signature on the tree head and the audit path.
    pub fn verify(&self, pinned_public_key: Option<&str>) -> Result<(), String> {
        verify_head(&self.tree_head, pinned_public_key)?;
        let leaf = merkle::leaf_hash(self.body.as_bytes());
        merkle::verify_inclusion(
            &leaf,
            self.leaf_index,
            self.tree_head.head.tree_size,
            &self.audit_path,
            &self.tree_head.head.root_hash,
        )
        .map_err(|error| format!("the event is not in the signed tree: {error}"))
    }
}

impl ConsistencyProof {
    pub fn verify(&self, pinned_public_key: Option<&str>) -> Result<(), String> {
        verify_head(&self.first, pinned_public_key)?;
        verify_head(&self.second, pinned_public_key)?;
        if self.first.public_key != self.second.public_key {
            return Err("the two tree heads are signed by different keys".into());
        }
        merkle::verify_consistency(
            self.first.head.tree_size,
            self.second.head.tree_size,
            &self.first.head.root_hash,
            &self.second.head.root_hash,
            &self.path,
        )
        .map_err(|error| format!("the later tree does not extend the earlier one: {error}"))
    }
}

impl ProofFile {
    pub fn verify(&self, pinned_public_key: Option<&str>) -> Result<(), String> {
        match self {
            ProofFile::Inclusion(proof) => proof.verify(pinned_public_key),
            ProofFile::Consistency(proof) => proof.verify(pinned_public_key),
        }
    }
}

fn verify_head(head: &SignedTreeHead, pinned_public_key: Option<&str>) -> Result<(), String> {
    let checked = match pinned_public_key {
        Some(key) => head.verify_with(key),
        None => head.verify(),
    };
    checked.map_err(|error| format!("tree head of size {}: {error}", head.head.tree_size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MerkleTree;
    use crate::signing::{DeploymentKey, TreeHead};

    fn journal(bodies: &[&str]) -> MerkleTree {
        bodies.iter().map(|body| merkle::leaf_hash(body.as_bytes())).collect()
    }

    #[test]
    fn an_inclusion_proof_file_verifies_and_detects_tampering() {
        let key = DeploymentKey::from_seed([7; 32]);
        let bodies = ["a", "b", "retired 5 tCO2e for Rayong Refining", "d", "e"];
        let tree = journal(&bodies);
        let tree_head = key.sign(TreeHead { tree_size: 5, timestamp_ms: 1, root_hash: tree.root() });
        let proof = InclusionProof {
            body: bodies[2].into(),
            leaf_index: 2,
            tree_head,
            audit_path: tree.inclusion_proof(2, 5).unwrap(),
        };
        let file: ProofFile =
            serde_json::from_str(&serde_json::to_string(&ProofFile::Inclusion(proof.clone())).unwrap()).unwrap();
        file.verify(Some(&key.public_key_hex())).unwrap();
        let altered = InclusionProof { body: "retired 50 tCO2e for Rayong Refining".into(), ..proof.clone() };
        assert!(altered.verify(None).unwrap_err().contains("not in the signed tree"));
        let other_key = DeploymentKey::from_seed([8; 32]).public_key_hex();
        assert!(proof.verify(Some(&other_key)).is_err());
    }

    #[test]
    fn a_consistency_proof_file_verifies_and_detects_a_rewritten_history() {
        let key = DeploymentKey::from_seed([7; 32]);
        let tree = journal(&["a", "b", "c", "d", "e", "f"]);
        let first = key.sign(TreeHead { tree_size: 3, timestamp_ms: 1, root_hash: tree.root_at(3).unwrap() });
        let second = key.sign(TreeHead { tree_size: 6, timestamp_ms: 2, root_hash: tree.root() });
        let proof = ConsistencyProof { first, second, path: tree.consistency_proof(3, 6).unwrap() };
        proof.verify(None).unwrap();
        let rewritten = journal(&["a", "B", "c", "d", "e", "f"]);
        let forged_second = key.sign(TreeHead { tree_size: 6, timestamp_ms: 2, root_hash: rewritten.root() });
        let forged =
            ConsistencyProof { second: forged_second, path: rewritten.consistency_proof(3, 6).unwrap(), ..proof };
        assert!(forged.verify(None).is_err());
    }
}
