//! The body of the fuzz target, shared with the ordinary test that runs it
//! over a fixed corpus: arbitrary bytes become a run of commands and
//! activity imports carrying extreme numbers (0, 1, each bound and one
//! past it, `i64::MAX`, `u64::MAX`, or any eight bytes), given to the
//! town. Refusals are expected; a panic, a broken invariant, a total past
//! its bound or a replay that differs is a finding.

use crate::support::*;
use mangrove_app::*;
use mangrove_core::{bounds, Date, DomainError, DomainResult, ProjectId};
use mangrove_ledger::{AccountKind, Amount, Asset, Owner, TransferId, TransferSpec};
use mangrove_mrv::{
    import_activities, CombustionMethod, FactoryProfile, FactoryYear, GwpSet, MeasureCommand, PracticeDraft,
    ReductionKind, ReductionPlan, ReductionStatus, Sector,
};

/// The numbers a byte picks from before it falls back to eight raw bytes.
const EXTREMES: [u64; 16] = [
    0,
    1,
    2,
    bounds::PRICE_SATANG_MAX,
    bounds::PRICE_SATANG_MAX + 1,
    bounds::ORDER_TCO2E_MAX,
    bounds::ORDER_TCO2E_MAX + 1,
    bounds::TCO2E_PER_COMMAND_MAX,
    bounds::TCO2E_PER_COMMAND_MAX + 1,
    bounds::SATANG_PER_TRANSFER_MAX,
    bounds::SATANG_PER_TRANSFER_MAX + 1,
    bounds::JSON_INTEGER_MAX,
    bounds::INVESTMENT_BAHT_MAX + 1,
    i64::MAX as u64,
    u64::MAX - 1,
    u64::MAX,
];
/// Most commands one input drives, so that each run stays quick.
const COMMANDS_PER_INPUT_MAX: usize = 64;

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }
    /// An extreme number for most selector bytes, else eight raw bytes.
    fn number(&mut self) -> Option<u64> {
        let selector = self.byte()?;
        if usize::from(selector) < EXTREMES.len() * 8 {
            return Some(EXTREMES[usize::from(selector) % EXTREMES.len()]);
        }
        let mut raw = [0u8; 8];
        for slot in &mut raw {
            *slot = self.byte().unwrap_or(0);
        }
        Some(u64::from_le_bytes(raw))
    }
}

/// Drives the town with the commands `input` describes and checks it.
pub fn drive(input: &[u8]) {
    let mut town = town(25);
    let factory = town.buyers[0];
    let operator = town.as_member(town.operator);
    let registered = MeasureCommand::RegisterFactory {
        profile: FactoryProfile {
            org: factory,
            licence: "3-42-1/2540".into(),
            sector: Sector::Chemicals,
            district: "Ban Chang".into(),
            publish: true,
            synthetic: false,
        },
    };
    town.ok(operator, registered);
    let mut bytes = Bytes(input);
    for step in 0..COMMANDS_PER_INPUT_MAX {
        let (Some(op), Some(a), Some(b)) = (bytes.byte(), bytes.number(), bytes.number()) else { break };
        let _refused_or_applied = run_one(&mut town, step, op, a, b);
    }
    check(&town);
}

fn run_one(town: &mut Town, step: usize, op: u8, a: u64, b: u64) -> DomainResult<Vec<AppEvent>> {
    let operator = town.as_member(town.operator);
    let buyer = town.buyers[usize::from(op / 16) % town.buyers.len()];
    let transfer_id = || TransferId::new(format!("fuzz-{step}")).expect("a short id");
    match op % 8 {
        0 => {
            let account = town.app.ledger.account_for(Owner::Org(buyer), Asset::Thb, AccountKind::Ordinary);
            let account = account.expect("every buyer has an account");
            let spec = TransferSpec::Deposit { id: transfer_id(), account, amount: Amount::new(a) };
            town.run(operator, mangrove_ledger::Command::Transfer(spec))
        }
        1 => {
            let account = town.app.ledger.account_for(Owner::Org(buyer), Asset::Thb, AccountKind::Ordinary);
            let account = account.expect("every buyer has an account");
            let spec = TransferSpec::Withdrawal { id: transfer_id(), account, amount: Amount::new(a) };
            town.run(operator, mangrove_ledger::Command::Transfer(spec))
        }
        2 => {
            let side = if a.is_multiple_of(2) { Side::Buy } else { Side::Sell };
            let org = if side == Side::Sell { town.seller } else { buyer };
            town.order(org, side, OrderKind::Limit, Some(a), b, TimeInForce::Gtc)
        }
        3 => record_year(town, a, b),
        4 => {
            let practice = PracticeDraft {
                org: town.buyers[0],
                reduction: None,
                kind: ReductionKind::Other,
                title: "Heat recovery".into(),
                summary: "Waste heat to the boiler feed.".into(),
                measured_reduction_tco2e: a,
                measured_year: 2025,
                measurement: "Steam meters.".into(),
                investment_baht: Some(b),
                synthetic: false,
            };
            town.run(town.as_member(town.buyers[0]), MeasureCommand::PublishPractice { practice })
        }
        5 => {
            let plan = ReductionPlan {
                org: town.buyers[0],
                kind: ReductionKind::SteamReduction,
                title: "Steam traps".into(),
                description: String::new(),
                estimated_tco2e_per_year: a,
                start_year: 2026,
                status: ReductionStatus::Planned,
                synthetic: false,
            };
            town.run(town.as_member(town.buyers[0]), MeasureCommand::RegisterReduction { plan })
        }
        6 => {
            let command = MarketCommand::OpenAuction {
                instrument: town.instrument,
                account: town.account(town.seller),
                supply_tco2e: a,
                reserve_satang: b,
                closes_at_ms: NOW_MS + 3_600_000,
            };
            town.run(town.as_member(town.seller), command)
        }
        _ => {
            let command = mangrove_registry::Command::SubmitReport {
                project: ProjectId(1),
                period_start: Date::parse("2026-01-01").expect("a date"),
                period_end: Date::parse("2026-12-31").expect("a date"),
                claimed_tco2e: a,
                calculation: "{}".into(),
            };
            town.run(town.as_member(town.seller), command)
        }
    }
}

/// Imports a year whose lines carry `quantity` (as text, so past what the
/// import accepts too) `lines` times, and records it if it imports.
fn record_year(town: &mut Town, quantity: u64, lines: u64) -> DomainResult<Vec<AppEvent>> {
    let lines = lines % 64 + 1;
    let mut csv = String::from("month,activity,quantity,unit\n");
    for n in 0..lines {
        let activity = ["diesel,{q},L", "R-410A,{q},kg", "electricity,{q},kWh", "natural_gas,{q},MJ"][n as usize % 4];
        let month = n % 12 + 1;
        csv.push_str(&format!("2025-{month:02},{}\n", activity.replace("{q}", &quantity.to_string())));
    }
    let Ok(lines) = import_activities(&csv, town.app.catalogue) else {
        return Err(DomainError::invalid("csv", "the file does not import"));
    };
    let year = FactoryYear {
        org: town.buyers[0],
        year: 2025,
        gwp_set: GwpSet::Ar6,
        combustion: CombustionMethod::TgoCombined,
        lines,
    };
    town.run(town.as_member(town.buyers[0]), MeasureCommand::RecordYear { year })
}

/// The invariants, the bounds every stored total keeps, and the replay.
fn check(town: &Town) {
    town.app.check_invariants().unwrap_or_else(|why| panic!("{why}"));
    for account in town.app.ledger.accounts() {
        let balance = town.app.ledger.balance(account.id).expect("every account has a balance");
        for total in [balance.posted_debits, balance.posted_credits, balance.pending_debits, balance.pending_credits] {
            assert!(total.get() <= bounds::SATANG_PER_ACCOUNT_TOTAL_MAX, "an account total past its bound");
        }
    }
    let province = town.app.factories.province(town.app.catalogue);
    for total in province.total_by_year.values() {
        assert!(total.grams().unsigned_abs() <= bounds::COLUMN_INTEGER_MAX);
    }
    let issued: u64 = town.app.registry.batches().map(|batch| batch.issued_tco2e.get()).sum();
    assert!(issued <= bounds::TCO2E_SUPPLY_MAX, "the supply past its bound");
    let replayed = town.replayed();
    assert_eq!(replayed.ledger, town.app.ledger, "the journal replays to the same ledger");
    assert_eq!(replayed.factories, town.app.factories, "the journal replays to the same factory book");
}
