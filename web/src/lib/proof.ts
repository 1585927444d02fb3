//! Checks a retirement's inclusion proof in the browser, exactly as
//! `mangrove proof verify` does: the event's leaf hash, the RFC 9162 audit
//! path up to the root, and the Ed25519 signature on the tree head. The
//! hashes come from @noble rather than WebCrypto because `crypto.subtle`
//! exists only in secure contexts, and a registry served over plain HTTP on
//! a LAN must still be checkable; it also makes Node tests and the browser
//! run the same code.

import { sha256, sha512 } from '@noble/hashes/sha2.js';
import * as ed from '@noble/ed25519';
import { bytesToHex, concatBytes, equalBytes, hexToBytes } from './hex';

ed.hashes.sha512 = sha512;

export interface TreeHead {
  tree_size: number;
  timestamp_ms: number;
  root_hash: string;
  public_key: string;
  signature: string;
}

export interface InclusionProof {
  body: string;
  leaf_index: number;
  tree_head: TreeHead;
  audit_path: string[];
}

const TREE_HEAD_TAG = new TextEncoder().encode('mangrove-tree-head-v1\n');

export function leafHash(body: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([0]), body));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([1]), left, right));
}

/// What went wrong, as a code the page translates.
export type ProofFailure =
  | 'index_out_of_range'
  | 'proof_too_long'
  | 'proof_too_short'
  | 'root_mismatch'
  | 'bad_signature'
  | 'malformed';

/// The root an audit path leads to (RFC 9162 section 2.1.3.2), or why it
/// leads nowhere. Indices are bigints: tree sizes are u64 on the server.
export function rootFromPath(
  leaf: Uint8Array,
  index: bigint,
  size: bigint,
  path: Uint8Array[],
): Uint8Array | ProofFailure {
  if (index >= size) return 'index_out_of_range';
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) return 'proof_too_long';
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      // Climb past levels where the node is a left child with no sibling.
      while (fn !== 0n && (fn & 1n) === 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : 'proof_too_short';
}

/// The bytes the deployment key signs for a tree head.
export function treeHeadSigningBytes(head: Pick<TreeHead, 'tree_size' | 'timestamp_ms' | 'root_hash'>): Uint8Array {
  const numbers = new DataView(new ArrayBuffer(16));
  numbers.setBigUint64(0, BigInt(head.tree_size));
  numbers.setBigInt64(8, BigInt(head.timestamp_ms));
  return concatBytes(TREE_HEAD_TAG, new Uint8Array(numbers.buffer), hexToBytes(head.root_hash));
}

export function verifyTreeHead(head: TreeHead): boolean {
  try {
    const message = treeHeadSigningBytes(head);
    return ed.verify(hexToBytes(head.signature), message, hexToBytes(head.public_key));
  } catch {
    return false;
  }
}

export interface ProofCheck {
  ok: boolean;
  /// Each step's outcome, so the certificate can show its working.
  leafHash: string;
  computedRoot: string | null;
  signatureValid: boolean;
  pathValid: boolean;
  failure: ProofFailure | null;
}

export function verifyInclusion(proof: InclusionProof): ProofCheck {
  let leaf: Uint8Array;
  let path: Uint8Array[];
  try {
    leaf = leafHash(new TextEncoder().encode(proof.body));
    path = proof.audit_path.map(hexToBytes);
    hexToBytes(proof.tree_head.root_hash);
  } catch {
    const nothing = { leafHash: '', computedRoot: null, signatureValid: false, pathValid: false };
    return { ok: false, failure: 'malformed', ...nothing };
  }
  const root = rootFromPath(leaf, BigInt(proof.leaf_index), BigInt(proof.tree_head.tree_size), path);
  const signatureValid = verifyTreeHead(proof.tree_head);
  const computed = typeof root === 'string' ? null : root;
  const pathValid = computed !== null && equalBytes(computed, hexToBytes(proof.tree_head.root_hash));
  const failure: ProofFailure | null =
    typeof root === 'string' ? root : !pathValid ? 'root_mismatch' : !signatureValid ? 'bad_signature' : null;
  return {
    ok: failure === null,
    leafHash: bytesToHex(leaf),
    computedRoot: computed && bytesToHex(computed),
    signatureValid,
    pathValid,
    failure,
  };
}
