//! Matching allocates nothing once the book is warm: the caller's event
//! vector is reused, and orders and levels come from the arenas' free
//! lists. Counted with a global allocator that tallies allocations made on
//! this test's thread.

use mangrove_exchange::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn matching_on_a_warm_book_allocates_nothing() {
    let mut book = OrderBook::new(BookConfig::new(10));
    let mut events = Vec::with_capacity(1_024);
    // Warm up: fill the arenas and the id map, then empty the book again.
    for round in 0..2u64 {
        for i in 0..300u64 {
            let id = round * 1_000 + i;
            book.submit(&NewOrder::limit(id, i % 5, Side::Sell, 1_000 + (i % 30) as i64 * 10, 2), 0, &mut events)
                .unwrap();
        }
        events.clear();
        if round == 0 {
            book.submit(&NewOrder::market(999, 9, Side::Buy, 600), 0, &mut events).unwrap();
            events.clear();
        }
    }
    let probe = allocations();
    std::hint::black_box(Vec::<u8>::with_capacity(8));
    assert_eq!(allocations(), probe + 1, "the counter counts");
    let before = allocations();
    // Sweeps over many orders and levels, with self-trade cancels on the way (account 3).
    let sweep = book.submit(&NewOrder::market(5_000, 3, Side::Buy, 200), 0, &mut events).unwrap();
    let partial =
        book.submit(&NewOrder::limit(5_001, 7, Side::Buy, 1_100, 5).with_tif(TimeInForce::Ioc), 0, &mut events);
    let cancel = book.cancel(OrderId(1_299), &mut events).unwrap();
    assert_eq!(allocations() - before, 0, "matching and cancelling allocated");
    assert_eq!(sweep.filled_tco2e, QtyTco2e(200));
    assert!(partial.is_ok() && cancel.qty_tco2e == QtyTco2e(2));
    assert!(events.iter().any(|event| matches!(event, Event::Cancelled { reason: CancelReason::SelfTrade, .. })));
    book.check_invariants().unwrap();
}
