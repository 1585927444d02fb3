//! The ledger's flows end to end: money in and out through the bank, a buy
//! order's hold filled in parts with the fee and the rest voided, linked
//! batches (all or nothing; later transfers spending what earlier ones
//! brought), retries recognised by id, holds that expire, fees as policy,
//! the queries, the dirty rows, and the JSON the journal stores. Every
//! test ends by replaying its events into an empty ledger.

mod support;

use mangrove_core::*;
use mangrove_ledger::*;
use support::*;

fn sum_posted(book: &Book, asset: Asset) -> i128 {
    book.ledger.accounts().filter(|a| a.asset == asset).map(|a| book.balance(a.id).posted()).sum()
}

#[test]
fn money_enters_and_leaves_through_the_bank_and_the_ledger_sums_to_zero() {
    let mut book = Book::new();
    let deposits = i128::from(FACTORY_DEPOSIT + CITIZEN_DEPOSIT);
    assert_eq!(book.balance(SETTLEMENT).posted(), -deposits);
    assert_eq!(book.balance(TREASURY).posted(), -i128::from(CITIZEN_POINTS_DEPOSIT));
    book.run(&one(withdrawal("bank-out-1", CITIZEN, 20_000)));
    assert_eq!(book.available(CITIZEN), 30_000);
    assert_eq!(book.balance(SETTLEMENT).posted(), -deposits + 20_000);
    for asset in Asset::ALL {
        assert_eq!(sum_posted(&book, asset), 0, "{asset}");
    }
    let out = book.ledger.transfer(&id("bank-out-1")).unwrap();
    assert_eq!((out.kind, out.debit, out.credit, out.at_ms), (TransferKind::Withdrawal, CITIZEN, SETTLEMENT, START_MS));
    book.assert_replays();
}

#[test]
fn a_buy_order_is_held_filled_in_parts_with_a_fee_and_the_rest_voided() {
    let mut book = Book::new();
    book.run(&Command::SetFee { asset: Asset::Thb, fee_bps: 50 });
    // Three tonnes at 1,000 baht, with room for the 0.50 % fee.
    let price = 100_000;
    let fee = book.ledger.fee_on(Asset::Thb, amount(price));
    assert_eq!(fee, amount(500));
    let per_tonne = price + fee.get();
    book.run(&one(pending("order-42-hold", FACTORY, CLEARING, 3 * per_tonne)));
    assert_eq!(book.available(FACTORY), (FACTORY_DEPOSIT - 3 * per_tonne) as i128);
    for fill in 1..=2 {
        book.run(&batch(vec![
            post(&format!("trade-{fill}-cash"), "order-42-hold", per_tonne),
            posted(&format!("trade-{fill}-seller"), CLEARING, PROPONENT, price),
            posted(&format!("trade-{fill}-fee"), CLEARING, FEES, fee.get()),
        ]));
    }
    let hold = book.ledger.hold(&id("order-42-hold")).unwrap().clone();
    assert_eq!(
        (hold.status, hold.posted, hold.remaining()),
        (HoldStatus::Open, amount(2 * per_tonne), amount(per_tonne))
    );
    let events = book.run(&one(void("order-42-cancel", "order-42-hold")));
    let [Event::Transferred { transfer }] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((transfer.kind, transfer.amount), (TransferKind::VoidPending, amount(per_tonne)));
    let hold = book.ledger.hold(&id("order-42-hold")).unwrap();
    assert_eq!((hold.status, hold.released), (HoldStatus::Voided, amount(per_tonne)));
    assert_eq!(book.balance(FACTORY).posted(), (FACTORY_DEPOSIT - 2 * per_tonne) as i128);
    assert_eq!(book.balance(FACTORY).pending_debits, Amount::ZERO);
    assert_eq!((book.available(PROPONENT), book.available(FEES), book.available(CLEARING)), (200_000, 1_000, 0));
    assert_eq!(book.ledger.open_holds_of(FACTORY).count(), 0);
    assert_eq!(book.ledger.open_hold_count(), 0);
    book.assert_replays();
}

#[test]
fn a_hold_posted_to_its_last_unit_closes_as_posted() {
    let mut book = Book::new();
    book.run(&one(pending("h", CITIZEN, PROPONENT, 10_000)));
    book.run(&one(post("h-1", "h", 2_500)));
    book.run(&one(post("h-2", "h", 7_499)));
    assert_eq!(book.ledger.hold(&id("h")).unwrap().status, HoldStatus::Open);
    book.run(&one(post("h-3", "h", 1)));
    let hold = book.ledger.hold(&id("h")).unwrap();
    assert_eq!((hold.status, hold.posted, hold.remaining()), (HoldStatus::Posted, amount(10_000), Amount::ZERO));
    assert_eq!(book.available(PROPONENT), 10_000);
    assert_eq!(book.balance(PROPONENT).pending_credits, Amount::ZERO);
    book.assert_replays();
}

#[test]
fn a_linked_batch_whose_third_transfer_fails_applies_nothing() {
    let mut book = Book::new();
    let transfers = vec![
        posted("a", CITIZEN, PROPONENT, 10_000),
        deposit("b", PROPONENT, 5_000),
        posted("c", CITIZEN, PROPONENT, 40_001),
        deposit("d", FACTORY, 1),
    ];
    let error = book.refuse(&batch(transfers.clone()));
    assert_eq!((error.kind, error.field), (ErrorKind::Insufficient, Some("amount")));
    assert!(error.message.starts_with("transfers[2] 'c': "), "{}", error.message);
    assert!(book.ledger.transfer(&id("a")).is_none() && book.ledger.transfer(&id("b")).is_none());
    // The ids of a refused batch stay free: the corrected batch takes them.
    let mut corrected = transfers;
    corrected[2] = posted("c", CITIZEN, PROPONENT, 40_000);
    assert_eq!(book.run(&batch(corrected.clone())).len(), 4);
    assert_eq!(book.available(CITIZEN), 0);
    book.retry(&batch(corrected));
    book.assert_replays();
}

#[test]
fn later_transfers_in_a_batch_spend_what_earlier_ones_brought() {
    let mut book = Book::new();
    let spend = withdrawal("out", PROPONENT, 10_000);
    assert_eq!(book.refuse(&one(spend.clone())).kind, ErrorKind::Insufficient);
    book.run(&batch(vec![posted("in", CITIZEN, PROPONENT, 10_000), spend]));
    assert_eq!((book.available(CITIZEN), book.available(PROPONENT)), (40_000, 0));
    book.assert_replays();
}

#[test]
fn retries_are_recognised_by_id_and_body_and_change_nothing() {
    let mut book = Book::new();
    let commands = [
        one(deposit("r-deposit", PROPONENT, 7_000)),
        one(withdrawal("r-withdrawal", PROPONENT, 2_000)),
        one(posted("r-posted", CITIZEN, PROPONENT, 3_000)),
        one(TransferSpec::Pending {
            id: id("r-hold"),
            debit: FACTORY,
            credit: CLEARING,
            amount: amount(9_000),
            timeout_ms: Some(60_000),
        }),
        one(post("r-post", "r-hold", 4_000)),
        one(void("r-void", "r-hold")),
        batch(vec![posted("r-b1", CLEARING, PROPONENT, 4_000), withdrawal("r-b2", PROPONENT, 1_000)]),
    ];
    for command in &commands {
        book.run(command);
        book.retry(command);
    }
    // Still retries after everything since, even where the body could not be applied now.
    book.run(&one(withdrawal("empty-it", PROPONENT, 11_000)));
    for command in &commands {
        book.retry(command);
    }
    // The first deposit of the set-up too.
    book.retry(&one(deposit("bank-factory-1", FACTORY, FACTORY_DEPOSIT)));
    book.assert_replays();
}

#[test]
fn holds_with_a_timeout_expire() {
    let mut book = Book::new();
    let hold = |name: &str, timeout_ms| TransferSpec::Pending {
        id: id(name),
        debit: CITIZEN,
        credit: PROPONENT,
        amount: amount(10_000),
        timeout_ms: Some(timeout_ms),
    };
    book.run(&one(hold("minute", 60_000)));
    book.run(&one(hold("second", 1_000)));
    book.wait(30_000);
    book.run(&one(post("minute-1", "minute", 4_000)));
    // Expired but not yet swept: it cannot be posted, but may be voided.
    assert_eq!(book.refuse(&one(post("second-1", "second", 1))).kind, ErrorKind::Conflict);
    book.run(&one(void("second-void", "second")));
    book.wait(30_000);
    assert_eq!(book.refuse(&one(post("minute-2", "minute", 1))).field, Some("pending"));
    let events = book.run(&Command::ExpireHolds);
    assert_eq!(events, [Event::HoldExpired { hold: id("minute"), released: amount(6_000), at_ms: book.now_ms }]);
    let minute = book.ledger.hold(&id("minute")).unwrap();
    assert_eq!((minute.status, minute.posted, minute.released), (HoldStatus::Expired, amount(4_000), amount(6_000)));
    assert_eq!(book.available(CITIZEN), (CITIZEN_DEPOSIT - 4_000) as i128);
    assert_eq!(book.balance(PROPONENT).pending_credits, Amount::ZERO);
    assert_eq!(book.refuse(&one(void("minute-void", "minute"))).kind, ErrorKind::Conflict);
    assert!(book.run(&Command::ExpireHolds).is_empty(), "nothing more to expire");
    book.assert_replays();
}

#[test]
fn an_expiry_sweep_releases_at_most_its_bound_oldest_first() {
    let mut book = Book::new();
    let count = EXPIRIES_PER_COMMAND_MAX + 5;
    let holds: Vec<TransferSpec> = (0..count)
        .map(|n| TransferSpec::Pending {
            id: id(&format!("h-{n:04}")),
            debit: FACTORY,
            credit: CLEARING,
            amount: amount(1),
            // The later the id, the sooner it expires.
            timeout_ms: Some(10_000 - n as u64),
        })
        .collect();
    for part in holds.chunks(TRANSFERS_PER_BATCH_MAX) {
        book.run(&batch(part.to_vec()));
    }
    book.wait(10_000);
    let first = book.run(&Command::ExpireHolds);
    assert_eq!(first.len(), EXPIRIES_PER_COMMAND_MAX);
    let Event::HoldExpired { hold, .. } = &first[0] else { panic!("{:?}", first[0]) };
    assert_eq!(hold, &id(&format!("h-{:04}", count - 1)));
    assert_eq!(book.run(&Command::ExpireHolds).len(), 5);
    assert_eq!(book.available(FACTORY), FACTORY_DEPOSIT as i128);
    book.assert_replays();
}

#[test]
fn the_fee_is_a_policy_the_exchange_reads() {
    let mut book = Book::new();
    assert_eq!(book.ledger.fee_bps(Asset::Thb).get(), 0);
    assert_eq!(book.ledger.fee_on(Asset::Thb, amount(1_000_000)), Amount::ZERO);
    let mut dirty = Dirty::default();
    let set = Command::SetFee { asset: Asset::Thb, fee_bps: 25 };
    let decision = book.ledger.execute(book.now_ms, &set, &mut dirty).unwrap();
    book.events.extend(decision.events().iter().cloned());
    assert_eq!(book.ledger.fee_bps(Asset::Thb), BasisPoints::new(25, "fee_bps").unwrap());
    assert_eq!(dirty.fees.iter().copied().collect::<Vec<_>>(), [Asset::Thb]);
    // 0.25 % of 1,000.03 baht is 250.0075 satang: the fee rounds down.
    for (units, fee) in [(100_003, 250), (399, 0), (400, 1), (AMOUNT_PER_TRANSFER_MAX, AMOUNT_PER_TRANSFER_MAX / 400)] {
        assert_eq!(book.ledger.fee_on(Asset::Thb, amount(units)), amount(fee), "{units}");
    }
    // No fee needs no fee account.
    book.run(&Command::SetFee { asset: Asset::GreenPoints, fee_bps: 0 });
    book.assert_replays();
}

#[test]
fn the_queries_find_accounts_transfers_and_holds() {
    let mut book = Book::new();
    let factory = Owner::Org(OrgId(4));
    assert_eq!(book.ledger.account_for(factory, Asset::Thb, AccountKind::Ordinary), Some(FACTORY));
    assert_eq!(book.ledger.account_for(factory, Asset::GreenPoints, AccountKind::Ordinary), None);
    assert_eq!(book.ledger.operator_account(AccountKind::Clearing, Asset::Thb), Some(CLEARING));
    assert_eq!(book.ledger.operator_account(AccountKind::Fee, Asset::GreenPoints), None);
    let opened = book.ledger.account(CITIZEN_POINTS).unwrap();
    assert_eq!(
        (opened.owner, opened.asset, opened.kind),
        (Owner::User(UserId(7)), Asset::GreenPoints, AccountKind::Ordinary)
    );
    book.run(&one(pending("in", FACTORY, CITIZEN, 100)));
    book.run(&one(pending("out", CITIZEN, PROPONENT, 200)));
    book.run(&one(posted("paid", CITIZEN, PROPONENT, 300)));
    book.run(&one(pending("elsewhere", FACTORY, PROPONENT, 400)));
    let recent: Vec<&str> = book.ledger.recent_transfers(CITIZEN, 3).map(|t| t.id.as_str()).collect();
    assert_eq!(recent, ["paid", "out", "in"]);
    let all: Vec<&str> = book.ledger.recent_transfers(CITIZEN, 100).map(|t| t.id.as_str()).collect();
    assert_eq!(all, ["paid", "out", "in", "bank-citizen-1"]);
    assert_eq!(book.ledger.recent_transfers(UNKNOWN, 10).count(), 0);
    let holds: Vec<&str> = book.ledger.open_holds_of(CITIZEN).map(|hold| hold.id.as_str()).collect();
    assert_eq!(holds, ["in", "out"]);
    assert_eq!(book.balance(CITIZEN).pending_credits, amount(100));
    assert_eq!(book.available(CITIZEN), (CITIZEN_DEPOSIT - 500) as i128, "incoming holds are not available");
    assert_eq!(book.ledger.transfer(&id("paid")).unwrap().amount, amount(300));
    assert_eq!(book.ledger.transfer_count(), 7);
    assert_eq!(book.ledger.transfers().next_back().unwrap().id, id("elsewhere"));
    book.assert_replays();
}

#[test]
fn dirty_names_every_row_an_event_touched() {
    let mut book = Book::new();
    book.run(&one(pending("h", FACTORY, CLEARING, 1_000)));
    let mut dirty = Dirty::default();
    let command = one(post("h-1", "h", 400));
    let decision = book.ledger.execute(book.now_ms, &command, &mut dirty).unwrap();
    book.events.extend(decision.events().iter().cloned());
    assert_eq!(dirty.accounts.into_iter().collect::<Vec<_>>(), [CLEARING, FACTORY]);
    assert_eq!(dirty.transfers.into_iter().collect::<Vec<_>>(), [id("h-1")]);
    assert_eq!(dirty.holds.into_iter().collect::<Vec<_>>(), [id("h")]);
    assert!(dirty.fees.is_empty());
    let mut dirty = Dirty::default();
    let open =
        Command::OpenAccount { owner: Owner::Org(OrgId(9)), asset: Asset::GreenPoints, kind: AccountKind::Ordinary };
    let decision = book.ledger.execute(book.now_ms, &open, &mut dirty).unwrap();
    book.events.extend(decision.events().iter().cloned());
    assert_eq!(dirty.accounts.into_iter().collect::<Vec<_>>(), [LedgerAccountId(9)]);
    book.assert_replays();
}

#[test]
fn commands_and_events_read_and_write_as_json() {
    let command: Command = serde_json::from_str(
        r#"{"command":"ledger_transfer","kind":"deposit","id":"bank-2026-000117","account":4,"amount":100000}"#,
    )
    .unwrap();
    assert_eq!(command, one(deposit("bank-2026-000117", FACTORY, 100_000)));
    let bad_id = r#"{"command":"ledger_transfer","kind":"deposit","id":"has space","account":4,"amount":1}"#;
    assert!(serde_json::from_str::<Command>(bad_id).is_err());
    let mut book = Book::new();
    book.run(&Command::SetFee { asset: Asset::Thb, fee_bps: 50 });
    let timed =
        TransferSpec::Pending { id: id("t"), debit: FACTORY, credit: CLEARING, amount: amount(5), timeout_ms: Some(1) };
    let commands = [
        one(timed),
        batch(vec![post("t-1", "t", 2), posted("t-2", CLEARING, PROPONENT, 2)]),
        Command::OpenAccount { owner: Owner::Operator, asset: Asset::GreenPoints, kind: AccountKind::Fee },
    ];
    for command in &commands {
        let json = serde_json::to_value(command).unwrap();
        assert!(json["command"].as_str().unwrap().starts_with("ledger_"), "{json}");
        assert_eq!(&serde_json::from_value::<Command>(json).unwrap(), command);
        book.run(command);
    }
    book.wait(1);
    book.run(&Command::ExpireHolds);
    let expire = serde_json::to_value(Command::ExpireHolds).unwrap();
    assert_eq!(expire, serde_json::json!({"command": "ledger_expire_holds"}));
    for event in &book.events {
        let json = serde_json::to_string(event).unwrap();
        assert!(json.starts_with(r#"{"event":"ledger_"#), "{json}");
        assert_eq!(&serde_json::from_str::<Event>(&json).unwrap(), event);
        assert!(serde_json::from_str::<mangrove_registry::Event>(&json).is_err(), "{json} reads as a registry event");
    }
    let deposit = serde_json::to_value(&book.events[8]).unwrap();
    let expected = serde_json::json!({"event": "ledger_transfer", "transfer": {
        "id": "bank-factory-1", "kind": "deposit", "debit": 1, "credit": 4, "asset": "thb",
        "amount": 1_000_000, "at_ms": START_MS,
    }});
    assert_eq!(deposit, expected);
    book.assert_replays();
}
