//! Properties of the account-total bound over extreme amounts: whatever
//! deposits, withdrawals and payments are given, no total passes
//! `ACCOUNT_TOTAL_MAX`, a refused transfer changes nothing, and the
//! invariants hold.

mod support;

use mangrove_core::ErrorKind;
use mangrove_ledger::*;
use proptest::prelude::*;
use support::*;

fn extreme_amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        1 => Just(0),
        1 => Just(1),
        1 => Just(AMOUNT_PER_TRANSFER_MAX - 1),
        // Often the largest, so that runs of deposits meet the total bound.
        6 => Just(AMOUNT_PER_TRANSFER_MAX),
        1 => Just(AMOUNT_PER_TRANSFER_MAX + 1),
        1 => Just(ACCOUNT_TOTAL_MAX),
        1 => Just(i64::MAX as u64),
        1 => Just(u64::MAX),
        1 => 1..=AMOUNT_PER_TRANSFER_MAX,
    ]
}

fn within_bounds(ledger: &Ledger) -> bool {
    ledger.accounts().all(|account| {
        let balance = ledger.balance(account.id).expect("every account has a balance");
        [balance.posted_debits, balance.posted_credits, balance.pending_debits, balance.pending_credits]
            .iter()
            .all(|total| total.get() <= ACCOUNT_TOTAL_MAX)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn no_total_passes_its_bound(steps in prop::collection::vec((0u8..3, extreme_amount()), 1..40)) {
        let mut book = Book::new();
        for (n, (kind, units)) in steps.into_iter().enumerate() {
            let name = format!("step-{n}");
            let spec = match kind {
                0 => deposit(&name, FACTORY, units),
                1 => withdrawal(&name, FACTORY, units),
                _ => posted(&name, FACTORY, CITIZEN, units),
            };
            let before = book.ledger.clone();
            let mut dirty = Dirty::default();
            match book.ledger.execute(book.now_ms, &one(spec), &mut dirty) {
                Ok(_) => {}
                Err(error) => {
                    prop_assert!(matches!(error.kind, ErrorKind::Invalid | ErrorKind::Insufficient), "{error:?}");
                    prop_assert_eq!(&book.ledger, &before, "a refused transfer changes nothing");
                }
            }
            prop_assert!(within_bounds(&book.ledger));
            prop_assert!(book.ledger.check_invariants().is_ok());
        }
    }
}
