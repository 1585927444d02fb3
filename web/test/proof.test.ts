// Proof verification: against proofs the Rust server produced (so the two
// implementations agree byte for byte), against trees built here with a
// reference RFC 9162 implementation, and against tampering.

import { describe, expect, it } from 'vitest';
import * as ed from '@noble/ed25519';
import { bytesToHex, hexToBytes } from '../src/lib/hex';
import {
  leafHash,
  nodeHash,
  rootFromPath,
  treeHeadSigningBytes,
  verifyInclusion,
  verifyTreeHead,
  type InclusionProof,
} from '../src/lib/proof';
import { bodyRecordsRetirement } from '../src/lib/certificate';
import proof1 from './fixtures/retirement-1-proof.json';
import retirement1 from './fixtures/retirement-1.json';
import proof3 from './fixtures/retirement-3-proof.json';
import retirement3 from './fixtures/retirement-3.json';

const encode = (text: string) => new TextEncoder().encode(text);

/// MTH from RFC 9162 section 2.1.1, written the slow, obvious way.
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/// PATH(m, D[n]) from RFC 9162 section 2.1.3.1.
function referencePath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

const SEED = new Uint8Array(32).fill(7);

function signedProof(bodies: string[], index: number): InclusionProof {
  const leaves = bodies.map((body) => leafHash(encode(body)));
  const head = { tree_size: bodies.length, timestamp_ms: 1_767_225_600_000, root_hash: bytesToHex(referenceRoot(leaves)) };
  const signature = ed.sign(treeHeadSigningBytes(head), SEED);
  return {
    body: bodies[index],
    leaf_index: index,
    tree_head: { ...head, public_key: bytesToHex(ed.getPublicKey(SEED)), signature: bytesToHex(signature) },
    audit_path: referencePath(index, leaves).map(bytesToHex),
  };
}

describe('hashes', () => {
  it('prefix leaves with 0x00 and nodes with 0x01 (RFC 9162)', () => {
    // SHA-256 of the single byte 0x00: the leaf hash of an empty entry.
    expect(bytesToHex(leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const a = leafHash(encode('a'));
    expect(nodeHash(a, a)).not.toEqual(leafHash(new Uint8Array([...a, ...a])));
  });

  it('sign the tag, big-endian size and time, then the root', () => {
    const bytes = treeHeadSigningBytes({ tree_size: 258, timestamp_ms: 1, root_hash: '00'.repeat(31) + 'ff' });
    const tag = 'mangrove-tree-head-v1\n';
    expect(new TextDecoder().decode(bytes.slice(0, tag.length))).toBe(tag);
    expect(Array.from(bytes.slice(tag.length, tag.length + 16))).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bytes.length).toBe(tag.length + 16 + 32);
    expect(bytes[bytes.length - 1]).toBe(0xff);
  });
});

describe('proofs made by the Rust server', () => {
  it('verify for an English and a Thai retirement', () => {
    for (const proof of [proof1, proof3] as InclusionProof[]) {
      const check = verifyInclusion(proof);
      expect(check.failure).toBeNull();
      expect(check).toMatchObject({ ok: true, pathValid: true, signatureValid: true });
      expect(check.computedRoot).toBe(proof.tree_head.root_hash);
    }
  });

  it('name the retirement they certify', () => {
    expect(bodyRecordsRetirement(proof1.body, retirement1)).toBe(true);
    expect(bodyRecordsRetirement(proof3.body, retirement3)).toBe(true);
    expect(bodyRecordsRetirement(proof1.body, retirement3)).toBe(false);
    expect(bodyRecordsRetirement(proof1.body, { ...retirement1, quantity_tco2e: 6000 })).toBe(false);
    expect(bodyRecordsRetirement('not json', retirement1)).toBe(false);
  });

  it('fail when the body, the path, the root or the signature is altered', () => {
    const original = proof1 as InclusionProof;
    const altered = { ...original, body: original.body.replace('"quantity_tco2e":600', '"quantity_tco2e":6000') };
    expect(verifyInclusion(altered)).toMatchObject({ ok: false, failure: 'root_mismatch' });
    const path = [...original.audit_path];
    path[2] = path[2].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyInclusion({ ...original, audit_path: path }).ok).toBe(false);
    expect(verifyInclusion({ ...original, audit_path: path.slice(1) })).toMatchObject({ failure: 'proof_too_short' });
    expect(verifyInclusion({ ...original, audit_path: [...path, path[0]] })).toMatchObject({ failure: 'proof_too_long' });
    const head = { ...original.tree_head, timestamp_ms: original.tree_head.timestamp_ms + 1 };
    expect(verifyInclusion({ ...original, tree_head: head })).toMatchObject({ ok: false, failure: 'bad_signature' });
    expect(verifyInclusion({ ...original, leaf_index: original.tree_head.tree_size })).toMatchObject({ failure: 'index_out_of_range' });
    expect(verifyInclusion({ ...original, audit_path: ['zz'] })).toMatchObject({ failure: 'malformed' });
  });
});

describe('proofs of every leaf of trees up to 33 leaves', () => {
  it('match the reference implementation', () => {
    for (let size = 1; size <= 33; size++) {
      const bodies = Array.from({ length: size }, (_, i) => `event ${i}`);
      for (let index = 0; index < size; index++) {
        const proof = signedProof(bodies, index);
        expect(verifyInclusion(proof).ok, `leaf ${index} of ${size}`).toBe(true);
      }
    }
  });

  it('reject a proof for one index presented for another', () => {
    const bodies = Array.from({ length: 11 }, (_, i) => `event ${i}`);
    const proof = signedProof(bodies, 4);
    expect(verifyInclusion({ ...proof, leaf_index: 5 }).ok).toBe(false);
  });

  it('reject a head signed by another key', () => {
    const proof = signedProof(['a', 'b', 'c'], 1);
    const other = bytesToHex(ed.getPublicKey(new Uint8Array(32).fill(8)));
    expect(verifyTreeHead({ ...proof.tree_head, public_key: other })).toBe(false);
  });

  it('walk bigger trees with bigint indices', () => {
    const leaf = leafHash(encode('x'));
    // A tree of one leaf: the leaf is the root and the path is empty.
    expect(rootFromPath(leaf, 0n, 1n, [])).toEqual(leaf);
    expect(rootFromPath(leaf, 0n, 2n ** 40n, [])).toBe('proof_too_short');
  });
});

describe('hex', () => {
  it('round-trips and refuses non-hex', () => {
    expect(bytesToHex(hexToBytes('00ff10'))).toBe('00ff10');
    expect(() => hexToBytes('0g')).toThrow();
    expect(() => hexToBytes('abc')).toThrow();
  });
});
