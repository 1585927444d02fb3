//! The journal's Merkle tree against the naive way: after every append the
//! sequencer signs the root, and a certificate asks for an inclusion proof.
//! Ours keeps complete subtrees; the naive way rehashes every leaf.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use mangrove_core::merkle::{leaf_hash, node_hash, Hash, MerkleTree};

/// RFC 9162's MTH computed directly from the leaves, as a newcomer would.
fn naive_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => mangrove_core::merkle::empty_root(),
        1 => leaves[0],
        n => {
            let split = n.next_power_of_two() / 2;
            node_hash(&naive_root(&leaves[..split]), &naive_root(&leaves[split..]))
        }
    }
}

fn leaves(count: u64) -> Vec<Hash> {
    (0..count).map(|index| leaf_hash(&index.to_be_bytes())).collect()
}

fn root_after_append(c: &mut Criterion) {
    let mut group = c.benchmark_group("root after one more event");
    for size in [1_000u64, 100_000] {
        let all = leaves(size + 1);
        let mut tree: MerkleTree = all[..size as usize].iter().copied().collect();
        group.bench_with_input(BenchmarkId::new("mangrove", size), &size, |b, _| {
            b.iter_batched(
                || tree.clone(),
                |mut tree| {
                    tree.push(all[size as usize]);
                    black_box(tree.root())
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("naive", size), &size, |b, _| b.iter(|| black_box(naive_root(&all))));
        tree.push(all[size as usize]);
    }
    group.finish();
}

fn inclusion_proof(c: &mut Criterion) {
    let mut group = c.benchmark_group("inclusion proof");
    let tree: MerkleTree = leaves(100_000).into_iter().collect();
    group.bench_function("mangrove 100000", |b| b.iter(|| black_box(tree.inclusion_proof(black_box(31_337), 100_000))));
    group.finish();
}

criterion_group!(benches, root_after_append, inclusion_proof);
criterion_main!(benches);
