//! People are not organisations: a citizen registered as a person holds
//! credits in an account of their own, receives them, passes them on and
//! retires them, and pays baht from a cash account of their own; no one
//! else moves what is theirs, and they move no one else's. Replay rebuilds
//! them.

mod support;

use mangrove_app::*;
use mangrove_core::{AccountId, UserId};
use mangrove_ledger::{AccountKind as Cash, Amount, Asset, Owner, TransferId, TransferSpec};
use mangrove_registry::{Actor, Command, Holder, Selection};
use support::*;

const IDENTITY: &str = "5f4dcc3b5aa765d61d8327deb882cf995f4dcc3b5aa765d61d8327deb882cf99";

fn register(town: &mut Town, user: u64) -> AccountId {
    town.ok(Actor::System, Command::RegisterPerson { user: UserId(user), identity: IDENTITY.into() });
    town.app.registry.person(UserId(user)).expect("registered").account
}

fn person(user: u64) -> Actor {
    Actor::Person { user: UserId(user) }
}

fn active(town: &Town, account: AccountId) -> u64 {
    town.app.registry.holding(account, town.batch).active_tco2e.get()
}

fn retire(account: AccountId, batch: mangrove_core::BatchId, quantity: u64) -> Command {
    Command::Retire {
        account,
        selection: Selection::Quantity { batch, quantity },
        beneficiary: "Somchai's commute, 2026".into(),
        reason: "offsetting my own travel".into(),
        jurisdiction: "TH-21".into(),
        inventory_year: 2026,
    }
}

#[test]
fn a_person_holds_passes_on_and_retires_credits_and_pays_baht() {
    let mut town = town(30);
    let somchai = register(&mut town, 1_001);
    let malee = register(&mut town, 1_002);
    let account = town.app.registry.account(somchai).unwrap();
    assert_eq!((account.holder, account.org()), (Holder::Person(UserId(1_001)), None));

    // The seller gives Somchai 10 t; he passes 3 t to Malee and retires 2 t.
    let seller = town.as_member(town.seller);
    let from = town.account(town.seller);
    let batch = town.batch;
    town.ok(seller, Command::Transfer { from, to: somchai, selection: Selection::Quantity { batch, quantity: 10 } });
    town.ok(
        person(1_001),
        Command::Transfer { from: somchai, to: malee, selection: Selection::Quantity { batch, quantity: 3 } },
    );
    town.ok(person(1_001), retire(somchai, batch, 2));
    assert_eq!((active(&town, somchai), active(&town, malee)), (5, 3));
    let retirement = town.app.registry.retirements().last().unwrap();
    assert_eq!((retirement.account, retirement.quantity_tco2e.get()), (somchai, 2));

    // No one moves what is another's: not Malee, not a member of an organisation.
    let malee_takes =
        Command::Transfer { from: somchai, to: malee, selection: Selection::Quantity { batch, quantity: 1 } };
    let refused = town.run(person(1_002), malee_takes.clone()).unwrap_err();
    assert!(refused.message.contains("not yours"), "{refused}");
    let buyer = town.as_member(town.buyers[0]);
    assert!(town.run(buyer, malee_takes).is_err());
    assert!(
        town.run(person(1_001), retire(from, batch, 1)).is_err(),
        "a person retires from no organisation's account"
    );
    // An unregistered person does nothing.
    assert!(town.run(person(9_999), retire(somchai, batch, 1)).is_err());

    // Baht: Somchai opens his own cash account, the operator records his
    // bank deposit, and he pays an organisation (a shop) from it.
    town.ok(
        person(1_001),
        mangrove_ledger::Command::OpenAccount {
            owner: Owner::User(UserId(1_001)),
            asset: Asset::Thb,
            kind: Cash::Ordinary,
        },
    );
    let wallet = town.app.ledger.account_for(Owner::User(UserId(1_001)), Asset::Thb, Cash::Ordinary).unwrap();
    let deposit = TransferSpec::Deposit {
        id: TransferId::new("bank-ref-77").unwrap(),
        account: wallet,
        amount: Amount::new(50_000),
    };
    town.ok(Actor::System, mangrove_ledger::Command::Transfer(deposit));
    let shop_cash = town.app.ledger.account_for(Owner::Org(town.buyers[0]), Asset::Thb, Cash::Ordinary).unwrap();
    let before = town.app.ledger.balance(shop_cash).unwrap();
    let pay = |id: &str, amount| TransferSpec::Posted {
        id: TransferId::new(id).unwrap(),
        debit: wallet,
        credit: shop_cash,
        amount: Amount::new(amount),
    };
    town.ok(person(1_001), mangrove_ledger::Command::Transfer(pay("somchai-pays-1", 12_000)));
    let paid = town.app.ledger.balance(shop_cash).unwrap();
    assert_eq!(paid.posted() - before.posted(), 12_000);
    // Not more than he has, and not from his wallet by anyone else.
    assert!(town.run(person(1_001), mangrove_ledger::Command::Transfer(pay("too-much", 40_000))).is_err());
    assert!(town.run(person(1_002), mangrove_ledger::Command::Transfer(pay("malee-pays", 1))).is_err());
    let malee_opens_his = mangrove_ledger::Command::OpenAccount {
        owner: Owner::User(UserId(1_001)),
        asset: Asset::GreenPoints,
        kind: Cash::Ordinary,
    };
    assert!(town.run(person(1_002), malee_opens_his).is_err());

    // People trade on no exchange yet: an order is an organisation's.
    let order = MarketCommand::PlaceOrder {
        instrument: town.instrument,
        account: somchai,
        side: mangrove_exchange::Side::Sell,
        kind: mangrove_exchange::OrderKind::Limit,
        price_satang: Some(30_000),
        qty_tco2e: 1,
        tif: mangrove_exchange::TimeInForce::Gtc,
        expires_at_ms: None,
    };
    let refused = town.run(person(1_001), order).unwrap_err();
    assert!(refused.message.contains("not yours to trade from"), "{refused}");

    town.app.check_invariants().unwrap();
    let replayed = town.replayed();
    assert_eq!(replayed.registry, town.app.registry);
    assert_eq!(replayed.ledger, town.app.ledger);
}

#[test]
fn a_person_is_registered_once_by_the_deployment_or_the_operator() {
    let mut town = town(30);
    register(&mut town, 1_001);
    let again = town.run(Actor::System, Command::RegisterPerson { user: UserId(1_001), identity: IDENTITY.into() });
    assert!(again.unwrap_err().message.contains("registered already"));
    let by_seller = Command::RegisterPerson { user: UserId(1_003), identity: IDENTITY.into() };
    assert!(town.run(town.as_member(town.seller), by_seller.clone()).is_err());
    assert!(town.run(person(1_001), by_seller).is_err());
    let operator = town.as_member(town.operator);
    town.ok(operator, Command::RegisterPerson { user: UserId(1_003), identity: IDENTITY.into() });
    let bad = town.run(Actor::System, Command::RegisterPerson { user: UserId(1_004), identity: "not-a-hash".into() });
    assert_eq!(bad.unwrap_err().field, Some("identity"));
}
