//! Every way a command can be refused, in one table: unknown accounts and
//! holds, assets that differ, one account on both sides, zero and too
//! large amounts, overdrafts (including of money held), the settlement
//! account outside deposits and withdrawals, posting more than a hold has
//! left, posting or voiding a hold that is closed or expired, an id reused
//! with another body, bad timeouts, bad batches, accounts opened twice or
//! for the wrong owner, and fees out of bounds. Each refusal has the right
//! kind and field and leaves the ledger equal to a clone taken before it,
//! with nothing marked dirty.

mod support;

use mangrove_core::*;
use mangrove_ledger::*;
use support::*;

use ErrorKind::{Conflict, Forbidden, Insufficient, Invalid, NotFound};

const HUGE: u64 = AMOUNT_PER_TRANSFER_MAX + 1;

/// [`Book::new`] and then: a hold of 3,000 baht from the factory posted in
/// part (1,000 baht) and paid on to the proponent; a voided hold; a hold
/// posted in full; a hold that has expired but was not swept yet; and a
/// plain payment. The factory has 7,000 baht available, the citizen 340.
fn market() -> Book {
    let mut book = Book::new();
    book.run(&one(pending("hold-open", FACTORY, CLEARING, 300_000)));
    book.run(&batch(vec![
        post("hold-open-post-1", "hold-open", 100_000),
        posted("pay-1", CLEARING, PROPONENT, 100_000),
    ]));
    book.run(&one(pending("hold-voided", FACTORY, CLEARING, 50_000)));
    book.run(&one(void("hold-voided-void", "hold-voided")));
    book.run(&one(pending("hold-full", CITIZEN, PROPONENT, 10_000)));
    book.run(&one(post("hold-full-post", "hold-full", 10_000)));
    let timed = TransferSpec::Pending {
        id: id("hold-timed"),
        debit: CITIZEN,
        credit: PROPONENT,
        amount: amount(5_000),
        timeout_ms: Some(1_000),
    };
    book.run(&one(timed));
    book.run(&one(posted("paid", CITIZEN, PROPONENT, 1_000)));
    book.wait(2_000);
    assert_eq!((book.available(FACTORY), book.available(CITIZEN), book.available(CLEARING)), (700_000, 34_000, 0));
    book
}

fn timed(timeout_ms: u64) -> Command {
    one(TransferSpec::Pending {
        id: id("new"),
        debit: FACTORY,
        credit: CLEARING,
        amount: amount(1),
        timeout_ms: Some(timeout_ms),
    })
}

fn open(owner: Owner, asset: Asset, kind: AccountKind) -> Command {
    Command::OpenAccount { owner, asset, kind }
}

#[test]
fn every_refusal_has_its_kind_and_field_and_changes_nothing() {
    let field = Some;
    let cases: Vec<(&str, Command, ErrorKind, Option<&str>)> = vec![
        ("unknown debit", one(posted("new", UNKNOWN, PROPONENT, 1)), NotFound, field("debit")),
        ("unknown credit", one(posted("new", FACTORY, UNKNOWN, 1)), NotFound, field("credit")),
        ("deposit to an unknown account", one(deposit("new", UNKNOWN, 1)), NotFound, field("account")),
        ("withdraw from an unknown account", one(withdrawal("new", UNKNOWN, 1)), NotFound, field("account")),
        ("hold in an unknown account", one(pending("new", UNKNOWN, CLEARING, 1)), NotFound, field("debit")),
        ("baht to green points", one(posted("new", CITIZEN, CITIZEN_POINTS, 1)), Invalid, field("credit")),
        ("one account on both sides", one(posted("new", FACTORY, FACTORY, 1)), Invalid, field("credit")),
        ("a hold for oneself", one(pending("new", FACTORY, FACTORY, 1)), Invalid, field("credit")),
        ("zero paid", one(posted("new", FACTORY, PROPONENT, 0)), Invalid, field("amount")),
        ("zero deposited", one(deposit("new", FACTORY, 0)), Invalid, field("amount")),
        ("zero held", one(pending("new", FACTORY, CLEARING, 0)), Invalid, field("amount")),
        ("too much paid", one(posted("new", FACTORY, PROPONENT, HUGE)), Invalid, field("amount")),
        ("too much deposited", one(deposit("new", FACTORY, HUGE)), Invalid, field("amount")),
        ("u64::MAX deposited", one(deposit("new", FACTORY, u64::MAX)), Invalid, field("amount")),
        ("overdraft", one(posted("new", CITIZEN, PROPONENT, 34_001)), Insufficient, field("amount")),
        ("spending held money", one(posted("new", FACTORY, PROPONENT, 700_001)), Insufficient, field("amount")),
        ("holding held money", one(pending("new", FACTORY, CLEARING, 700_001)), Insufficient, field("amount")),
        ("withdrawing held money", one(withdrawal("new", CITIZEN, 34_001)), Insufficient, field("amount")),
        ("the empty fee account pays", one(posted("new", FEES, PROPONENT, 1)), Insufficient, field("amount")),
        ("clearing pays what it has not", one(posted("new", CLEARING, PROPONENT, 1)), Insufficient, field("amount")),
        ("green points overdraft", one(withdrawal("new", CITIZEN_POINTS, 501)), Insufficient, field("amount")),
        ("the bank pays", one(posted("new", SETTLEMENT, FACTORY, 1)), Forbidden, field("debit")),
        ("paying the bank", one(posted("new", FACTORY, SETTLEMENT, 1)), Forbidden, field("credit")),
        ("holding the bank's money", one(pending("new", SETTLEMENT, FACTORY, 1)), Forbidden, field("debit")),
        ("a hold for the bank", one(pending("new", FACTORY, SETTLEMENT, 1)), Forbidden, field("credit")),
        ("deposit into the bank", one(deposit("new", SETTLEMENT, 1)), Invalid, field("account")),
        ("withdraw from the bank", one(withdrawal("new", SETTLEMENT, 1)), Invalid, field("account")),
        ("post more than is left", one(post("new", "hold-open", 200_001)), Insufficient, field("amount")),
        ("post nothing", one(post("new", "hold-open", 0)), Invalid, field("amount")),
        ("post an unknown hold", one(post("new", "nothing", 1)), NotFound, field("pending")),
        ("post a payment", one(post("new", "paid", 1)), NotFound, field("pending")),
        ("void an unknown hold", one(void("new", "nothing")), NotFound, field("pending")),
        ("post a voided hold", one(post("new", "hold-voided", 1)), Conflict, field("pending")),
        ("void a voided hold", one(void("new", "hold-voided")), Conflict, field("pending")),
        ("post a hold posted in full", one(post("new", "hold-full", 1)), Conflict, field("pending")),
        ("void a hold posted in full", one(void("new", "hold-full")), Conflict, field("pending")),
        ("post an expired hold", one(post("new", "hold-timed", 1)), Conflict, field("pending")),
        ("same id, other amount", one(posted("paid", CITIZEN, PROPONENT, 2_000)), Conflict, field("id")),
        ("same id, other accounts", one(posted("paid", FACTORY, PROPONENT, 1_000)), Conflict, field("id")),
        ("same id, other kind", one(deposit("paid", PROPONENT, 1_000)), Conflict, field("id")),
        ("a hold's id for its post", one(post("hold-open", "hold-open", 1)), Conflict, field("id")),
        ("a post's id, other amount", one(post("hold-open-post-1", "hold-open", 5)), Conflict, field("id")),
        ("a void's id for a post", one(post("hold-voided-void", "hold-open", 1)), Conflict, field("id")),
        ("a hold that never expires, early", timed(0), Invalid, field("timeout_ms")),
        ("a hold for too long", timed(HOLD_TIMEOUT_MS_MAX + 1), Invalid, field("timeout_ms")),
        ("an empty batch", batch(vec![]), Invalid, field("transfers")),
        (
            "a batch too long",
            batch((0..=TRANSFERS_PER_BATCH_MAX).map(|n| deposit(&format!("d-{n}"), CITIZEN, 1)).collect()),
            Invalid,
            field("transfers"),
        ),
        (
            "an id twice in one batch",
            batch(vec![deposit("new", CITIZEN, 1), deposit("other", CITIZEN, 1), deposit("new", CITIZEN, 1)]),
            Invalid,
            field("id"),
        ),
        (
            "a batch retrying part of itself",
            batch(vec![posted("paid", CITIZEN, PROPONENT, 1_000), posted("new", CITIZEN, PROPONENT, 1)]),
            Conflict,
            field("id"),
        ),
        (
            "a batch reusing an id",
            batch(vec![posted("new", CITIZEN, PROPONENT, 1), posted("paid", CITIZEN, PROPONENT, 7)]),
            Conflict,
            field("id"),
        ),
        (
            "a batch overdrawing at its second transfer",
            batch(vec![posted("new", CITIZEN, PROPONENT, 30_000), withdrawal("other", CITIZEN, 4_001)]),
            Insufficient,
            field("amount"),
        ),
        (
            "a batch posting a hold twice past its amount",
            batch(vec![post("new", "hold-open", 150_000), post("other", "hold-open", 50_001)]),
            Insufficient,
            field("amount"),
        ),
        (
            "a batch posting what it voided",
            batch(vec![void("new", "hold-open"), post("other", "hold-open", 1)]),
            Conflict,
            field("pending"),
        ),
        (
            "an ordinary account for the operator",
            open(Owner::Operator, Asset::Thb, AccountKind::Ordinary),
            Invalid,
            field("owner"),
        ),
        (
            "a settlement account for a factory",
            open(Owner::Org(OrgId(4)), Asset::Thb, AccountKind::Settlement),
            Invalid,
            field("owner"),
        ),
        ("a second account", open(Owner::Org(OrgId(4)), Asset::Thb, AccountKind::Ordinary), Conflict, field("owner")),
        ("a second bank", open(Owner::Operator, Asset::Thb, AccountKind::Settlement), Conflict, field("owner")),
        (
            "a fee above the most",
            Command::SetFee { asset: Asset::Thb, fee_bps: FEE_BPS_MAX + 1 },
            Invalid,
            field("fee_bps"),
        ),
        (
            "a fee with nowhere to go",
            Command::SetFee { asset: Asset::GreenPoints, fee_bps: 100 },
            NotFound,
            field("asset"),
        ),
    ];
    let mut book = market();
    for (name, command, kind, field) in cases {
        let error = book.refuse(&command);
        assert_eq!((error.kind, error.field), (kind, field), "{name}: {}", error.message);
        assert!(!error.message.is_empty(), "{name}");
    }
    book.assert_replays();
}

#[test]
fn deposits_need_the_operators_settlement_account() {
    let mut book = Book::empty();
    book.run(&Command::OpenAccount { owner: Owner::User(UserId(7)), asset: Asset::Thb, kind: AccountKind::Ordinary });
    let error = book.refuse(&one(deposit("bank-1", LedgerAccountId(1), 100)));
    assert_eq!((error.kind, error.field), (NotFound, None));
    assert!(error.message.contains("THB settlement account"), "{}", error.message);
}

#[test]
fn totals_that_would_overflow_are_refused() {
    // After nine deposits of the largest amount, one more would take the bank's posted debits past the bound.
    let mut book = Book::new();
    let mut ledger = book.ledger.clone();
    let mut dirty = Dirty::default();
    let rounds = ACCOUNT_TOTAL_MAX / AMOUNT_PER_TRANSFER_MAX;
    for n in 0..rounds {
        let command = one(deposit(&format!("big-{n}"), PROPONENT, AMOUNT_PER_TRANSFER_MAX));
        ledger.execute(START_MS, &command, &mut dirty).unwrap();
    }
    ledger.check_invariants().unwrap();
    book.ledger = ledger;
    let error = book.refuse(&one(deposit("one-too-many", CITIZEN, AMOUNT_PER_TRANSFER_MAX)));
    assert_eq!((error.kind, error.field), (Invalid, Some("amount")), "{}", error.message);
}

#[test]
fn open_holds_are_bounded() {
    let mut book = Book::new();
    let mut ledger = book.ledger.clone();
    let mut dirty = Dirty::default();
    for chunk in 0..HOLDS_OPEN_MAX / TRANSFERS_PER_BATCH_MAX {
        let holds =
            (0..TRANSFERS_PER_BATCH_MAX).map(|n| pending(&format!("h-{chunk}-{n}"), FACTORY, CLEARING, 1)).collect();
        ledger.execute(START_MS, &batch(holds), &mut dirty).unwrap();
    }
    assert_eq!(ledger.open_hold_count(), HOLDS_OPEN_MAX);
    ledger.check_invariants().unwrap();
    book.ledger = ledger;
    let error = book.refuse(&one(pending("one-too-many", CITIZEN, CLEARING, 1)));
    assert_eq!((error.kind, error.field), (Conflict, None), "{}", error.message);
    // Closing one makes room again.
    book.run(&one(void("make-room", "h-0-0")));
    book.run(&one(pending("one-more", CITIZEN, CLEARING, 1)));
}
