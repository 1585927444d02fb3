//! The matching engine under criterion: the realistic stream of
//! `bench_stream` run whole, and the three requests a busy book sees most
//! (a limit order that rests, a cancel, a market order sweeping levels) on a
//! warm book.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mangrove_exchange::bench_stream::{apply, generate, StreamConfig};
use mangrove_exchange::{BookConfig, NewOrder, OrderBook, OrderId, Side};

fn stream(c: &mut Criterion) {
    let config = StreamConfig { ops: 100_000, ..StreamConfig::default() };
    let ops = generate(&config);
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Elements(ops.len() as u64));
    group.sample_size(20);
    group.bench_function("100k requests", |b| {
        b.iter(|| {
            let mut book = OrderBook::new(BookConfig::new(config.tick_satang));
            let mut events = Vec::with_capacity(64);
            for op in &ops {
                black_box(apply(&mut book, op, &mut events));
            }
            book.len()
        })
    });
    group.finish();
}

/// A book with `levels` bid and ask levels of `per_level` one-tonne orders
/// around 30,000 satang, ids from 1.
fn warm_book(levels: i64, per_level: u64) -> OrderBook {
    let mut book = OrderBook::new(BookConfig::new(10));
    let mut events = Vec::new();
    let mut id = 0;
    for level in 1..=levels {
        for _ in 0..per_level {
            id += 1;
            let bid = NewOrder::limit(id, id % 8, Side::Buy, 30_000 - level * 10, 1);
            book.submit(&bid, 0, &mut events).unwrap();
            id += 1;
            let ask = NewOrder::limit(id, id % 8, Side::Sell, 30_000 + level * 10, 1);
            book.submit(&ask, 0, &mut events).unwrap();
        }
    }
    book
}

fn requests(c: &mut Criterion) {
    let mut group = c.benchmark_group("one request on a warm book of 10,000 orders");
    let mut events = Vec::with_capacity(64);
    group.bench_function("limit order that rests, then its cancel", |b| {
        let mut book = warm_book(50, 100);
        let order = NewOrder::limit(1_000_000, 99, Side::Buy, 29_800, 3);
        b.iter(|| {
            events.clear();
            black_box(book.submit(&order, 0, &mut events).unwrap());
            black_box(book.cancel(OrderId(1_000_000), &mut events).unwrap());
        })
    });
    group.bench_function("market order filling 300 orders over 3 levels", |b| {
        b.iter_batched_ref(
            || warm_book(50, 100),
            |book| {
                events.clear();
                black_box(book.submit(&NewOrder::market(1_000_000, 99, Side::Buy, 300), 0, &mut events).unwrap());
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, stream, requests);
criterion_main!(benches);
