//! Projections: how the in-memory registry is laid out in SQL tables.
//! The same row builders serve the writer (rows an event touched) and the
//! verifier (every row, compared with what is stored), so the two can
//! never disagree about the layout.

use mangrove_app::{App, AppDirty};
use mangrove_core::*;
use mangrove_mrv::{BestPractice, FactoryProfile, FactoryYear, ReductionProject};
use mangrove_registry::*;
use serde::Serialize;

pub use mangrove_core::tables::{Kind, Row, Table, Value};

use Kind::{Int as I, Text as T};

/// The built-in domains' tables, written in the migrations too
/// (`tests/schema.rs` checks the three agree). A plugged domain's tables
/// are created from its own description (see [`tables`]).
pub const TABLES: [Table; 24] = [
    Table { name: "organisations", columns: &[("id", I), ("name", T), ("role", T), ("account_id", I)], key_columns: 1 },
    Table { name: "accounts", columns: &[("id", I), ("org_id", I), ("person_id", I), ("kind", T)], key_columns: 1 },
    Table {
        name: "credit_classes",
        columns: &[("id", I), ("code", T), ("name", T), ("methodology", T), ("kind", T), ("default_buffer_bps", I)],
        key_columns: 1,
    },
    Table {
        name: "projects",
        columns: &[
            ("id", I),
            ("class_id", I),
            ("proponent_id", I),
            ("name", T),
            ("description", T),
            ("jurisdiction", T),
            ("location", T),
            ("area_rai", I),
            ("buffer_bps", I),
            ("status", T),
            ("review_note", T),
        ],
        key_columns: 1,
    },
    Table {
        name: "reports",
        columns: &[
            ("id", I),
            ("project_id", I),
            ("period_start", T),
            ("period_end", T),
            ("claimed_tco2e", I),
            ("calculation", T),
            ("status", T),
            ("verified_tco2e", I),
            ("verifier_id", I),
            ("review_note", T),
        ],
        key_columns: 1,
    },
    Table {
        name: "batches",
        columns: &[
            ("id", I),
            ("project_id", I),
            ("report_id", I),
            ("vintage_start", T),
            ("vintage_end", T),
            ("issued_tco2e", I),
            ("buffer_tco2e", I),
            ("issued_to", I),
            ("corresponding_adjustment", T),
            ("issued_at_ms", I),
            ("active_tco2e", I),
            ("held_tco2e", I),
            ("retired_tco2e", I),
            ("cancelled_tco2e", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "blocks",
        columns: &[
            ("batch_id", I),
            ("first_unit", I),
            ("last_unit", I),
            ("account_id", I),
            ("state", T),
            ("state_ref", I),
            ("serial", T),
        ],
        key_columns: 2,
    },
    Table {
        name: "holdings",
        columns: &[("account_id", I), ("batch_id", I), ("active_tco2e", I), ("held_tco2e", I)],
        key_columns: 2,
    },
    Table {
        name: "retirements",
        columns: &[
            ("id", I),
            ("account_id", I),
            ("batch_id", I),
            ("serials", T),
            ("quantity_tco2e", I),
            ("beneficiary", T),
            ("reason", T),
            ("jurisdiction", T),
            ("inventory_year", I),
            ("retired_at_ms", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "cancellations",
        columns: &[
            ("id", I),
            ("kind", T),
            ("account_id", I),
            ("project_id", I),
            ("parts", T),
            ("quantity_tco2e", I),
            ("reason", T),
            ("cancelled_at_ms", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "holds",
        columns: &[("id", I), ("account_id", I), ("batch_id", I), ("ranges", T), ("quantity_tco2e", I)],
        key_columns: 1,
    },
    Table {
        name: "factories",
        columns: &[
            ("org_id", I),
            ("licence", T),
            ("sector", T),
            ("district", T),
            ("publish", I),
            ("synthetic", I),
            ("target", T),
        ],
        key_columns: 1,
    },
    Table {
        name: "factory_years",
        columns: &[("org_id", I), ("year", I), ("gwp_set", T), ("combustion", T), ("line_count", I), ("lines", T)],
        key_columns: 2,
    },
    Table {
        name: "reductions",
        columns: &[
            ("id", I),
            ("org_id", I),
            ("kind", T),
            ("title", T),
            ("description", T),
            ("estimated_tco2e_per_year", I),
            ("start_year", I),
            ("status", T),
            ("synthetic", I),
            ("registry_project_id", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "practices",
        columns: &[
            ("id", I),
            ("org_id", I),
            ("reduction_id", I),
            ("kind", T),
            ("title", T),
            ("summary", T),
            ("measured_reduction_tco2e", I),
            ("measured_year", I),
            ("measurement", T),
            ("investment_baht", I),
            ("synthetic", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "ledger_accounts",
        columns: &[
            ("id", I),
            ("asset", T),
            ("owner", T),
            ("kind", T),
            ("opened_at_ms", I),
            ("posted_debits", I),
            ("posted_credits", I),
            ("pending_debits", I),
            ("pending_credits", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "ledger_transfers",
        columns: &[
            ("id", T),
            ("kind", T),
            ("debit_id", I),
            ("credit_id", I),
            ("asset", T),
            ("amount", I),
            ("pending_id", T),
            ("at_ms", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "ledger_holds",
        columns: &[
            ("id", T),
            ("debit_id", I),
            ("credit_id", I),
            ("asset", T),
            ("amount", I),
            ("posted", I),
            ("released", I),
            ("status", T),
            ("expires_at_ms", I),
        ],
        key_columns: 1,
    },
    Table { name: "ledger_fees", columns: &[("asset", T), ("fee_bps", I)], key_columns: 1 },
    Table {
        name: "market_instruments",
        columns: &[
            ("id", I),
            ("batch_id", I),
            ("project_id", I),
            ("vintage_year", I),
            ("code", T),
            ("tick_satang", I),
            ("listed_at_ms", I),
        ],
        key_columns: 1,
    },
    Table {
        name: "market_orders",
        columns: &[
            ("id", I),
            ("instrument_id", I),
            ("org_id", I),
            ("account_id", I),
            ("side", T),
            ("kind", T),
            ("price_satang", I),
            ("qty_tco2e", I),
            ("tif", T),
            ("expires_at_ms", I),
            ("placed_at_ms", I),
            ("escrow", T),
            ("filled_tco2e", I),
            ("status", T),
        ],
        key_columns: 1,
    },
    Table {
        name: "market_trades",
        columns: &[
            ("id", I),
            ("instrument_id", I),
            ("price_satang", I),
            ("qty_tco2e", I),
            ("buyer_org_id", I),
            ("buyer_account_id", I),
            ("buyer_order_id", I),
            ("seller_org_id", I),
            ("seller_account_id", I),
            ("seller_order_id", I),
            ("maker_side", T),
            ("fee_satang", I),
            ("auction_id", I),
            ("at_ms", I),
            ("serials", T),
        ],
        key_columns: 1,
    },
    Table {
        name: "market_auctions",
        columns: &[
            ("id", I),
            ("instrument_id", I),
            ("seller_org_id", I),
            ("seller_account_id", I),
            ("supply_tco2e", I),
            ("reserve_satang", I),
            ("opens_at_ms", I),
            ("closes_at_ms", I),
            ("hold_id", I),
            ("status", T),
            ("price_satang", I),
            ("sold_tco2e", I),
            ("bids", T),
        ],
        key_columns: 1,
    },
    Table {
        name: "persons",
        columns: &[("user_id", I), ("account_id", I), ("identity", T), ("registered_at_ms", I)],
        key_columns: 1,
    },
];

/// Every unsigned value a row holds is an id counted from 1 or a figure
/// `decide` kept under a bound of `mangrove_core::bounds`, all at most
/// `COLUMN_INTEGER_MAX` (asserted there): a decided event cannot fail here.
fn int(value: u64) -> Value {
    Value::int(value)
}
fn signed(value: i64) -> Value {
    Value::signed(value)
}
fn text(value: impl Into<String>) -> Value {
    Value::text(value)
}
fn json(value: &impl Serialize) -> Value {
    text(serde_json::to_string(value).expect("projections serialise"))
}
/// The snake_case name serde gives an enum variant.
fn name(value: &impl Serialize) -> Value {
    match serde_json::to_value(value).expect("enums serialise") {
        serde_json::Value::String(name) => text(name),
        other => text(other.to_string()),
    }
}

/// Every projection table: the built-in ones, then each plugged domain's.
pub fn tables(app: &App) -> Vec<&'static Table> {
    TABLES.iter().chain(app.domains.tables().map(|(_, table)| table)).collect()
}

/// Rows to write and keys to delete, per table, for what `dirty` names.
#[derive(Default)]
pub struct Changes {
    pub upserts: Vec<(&'static Table, Vec<Row>)>,
    pub deletes: Vec<(&'static Table, Vec<Row>)>,
}

/// The projection rows an applied group of commands touched.
pub fn changes(app: &App, dirty: &AppDirty) -> Changes {
    let registry = &app.registry;
    let book = &app.factories;
    let measure = &dirty.measure;
    let ledger_dirty = dirty.ledger.clone();
    let market_dirty = dirty.market.clone();
    let mut changes = Changes { upserts: Vec::new(), deletes: Vec::new() };
    let mut add_to = |table: &'static Table, rows: Vec<(Row, Option<Row>)>| {
        let (present, absent): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, row)| row.is_some());
        if !present.is_empty() {
            changes.upserts.push((table, present.into_iter().filter_map(|(_, row)| row).collect()));
        }
        if !absent.is_empty() {
            changes.deletes.push((table, absent.into_iter().map(|(key, _)| key).collect()));
        }
    };
    for (domain, touched) in &dirty.plugged {
        for (index, table) in app.domains.tables_of(domain).iter().enumerate() {
            let keys = touched.iter().filter(|(touched_table, _)| *touched_table == index);
            add_to(table, keys.map(|(_, key)| (key.clone(), app.domains.row(domain, index, key))).collect());
        }
    }
    let mut add = |table: usize, rows: Vec<(Row, Option<Row>)>| add_to(&TABLES[table], rows);
    let dirty = &dirty.registry;
    add(
        0,
        dirty
            .organisations
            .iter()
            .map(|id| (vec![int(id.0)], registry.organisation(*id).map(organisation_row)))
            .collect(),
    );
    add(1, dirty.accounts.iter().map(|id| (vec![int(id.0)], registry.account(*id).map(account_row))).collect());
    add(2, dirty.classes.iter().map(|id| (vec![int(id.0)], registry.class(*id).map(class_row))).collect());
    add(3, dirty.projects.iter().map(|id| (vec![int(id.0)], registry.project(*id).map(project_row))).collect());
    add(4, dirty.reports.iter().map(|id| (vec![int(id.0)], registry.report(*id).map(report_row))).collect());
    add(
        5,
        dirty.batches.iter().map(|id| (vec![int(id.0)], registry.batch(*id).map(|b| batch_row(registry, b)))).collect(),
    );
    add(
        6,
        dirty
            .blocks
            .iter()
            .map(|key| (vec![int(key.0 .0), int(key.1)], registry.block(*key).map(|b| block_row(registry, b))))
            .collect(),
    );
    add(
        7,
        dirty
            .holdings
            .iter()
            .map(|&(account, batch)| {
                let holding = registry.holding(account, batch);
                let row = (holding != Holding::default()).then(|| holding_row(account, batch, &holding));
                (vec![int(account.0), int(batch.0)], row)
            })
            .collect(),
    );
    add(
        8,
        dirty
            .retirements
            .iter()
            .map(|id| (vec![int(id.0)], registry.retirement(*id).map(|r| retirement_row(registry, r))))
            .collect(),
    );
    add(
        9,
        dirty
            .cancellations
            .iter()
            .map(|id| (vec![int(id.0)], registry.cancellation(*id).map(cancellation_row)))
            .collect(),
    );
    add(10, dirty.holds.iter().map(|id| (vec![int(id.0)], registry.hold(*id).map(hold_row))).collect());
    add(
        11,
        measure
            .factories
            .iter()
            .map(|org| (vec![int(org.0)], book.factory(*org).map(|f| factory_row(app, f))))
            .collect(),
    );
    add(
        12,
        measure
            .years
            .iter()
            .map(|&(org, year)| (vec![int(org.0), signed(year.into())], book.year(org, year).map(factory_year_row)))
            .collect(),
    );
    add(13, measure.reductions.iter().map(|id| (vec![int(id.0)], book.reduction(*id).map(reduction_row))).collect());
    add(14, measure.practices.iter().map(|id| (vec![int(id.0)], book.practice(*id).map(practice_row))).collect());
    let (ledger, touched) = (&app.ledger, &ledger_dirty);
    add(15, touched.accounts.iter().map(|id| (vec![int(id.0)], ledger_account_row(ledger, *id))).collect());
    add(
        16,
        touched
            .transfers
            .iter()
            .map(|id| (vec![text(id.as_str())], ledger.transfer(id).map(ledger_transfer_row)))
            .collect(),
    );
    add(17, touched.holds.iter().map(|id| (vec![text(id.as_str())], ledger.hold(id).map(ledger_hold_row))).collect());
    add(18, touched.fees.iter().map(|asset| (vec![name(asset)], Some(ledger_fee_row(ledger, *asset)))).collect());
    let (market, touched) = (&app.market, &market_dirty);
    add(
        19,
        touched.instruments.iter().map(|id| (vec![int(id.0)], market.instrument(*id).map(instrument_row))).collect(),
    );
    add(20, touched.orders.iter().map(|id| (vec![int(id.0)], market.order(*id).map(order_row))).collect());
    add(
        21,
        touched
            .trades
            .iter()
            .map(|id| (vec![int(id.0)], market.trade(*id).map(|trade| trade_row(app, trade))))
            .collect(),
    );
    add(22, touched.auctions.iter().map(|id| (vec![int(id.0)], market.auction(*id).map(auction_row))).collect());
    add(23, dirty.persons.iter().map(|user| (vec![int(user.get())], registry.person(*user).map(person_row))).collect());
    changes
}

/// Every row of `table` as the state says it should be, in key order.
pub fn expected_rows(app: &App, table: &Table) -> Vec<Row> {
    let mut rows = match TABLES.iter().position(|built_in| built_in == table) {
        Some(index) => built_in_rows(app, index),
        None => {
            let (domain, index) =
                app.domains.owner_of(table).expect("every table is a built-in one or a plugged domain's");
            app.domains.rows(domain, index)
        }
    };
    let key_columns = table.key_columns;
    rows.sort_by(|a, b| a[..key_columns].cmp(&b[..key_columns]));
    rows
}

fn built_in_rows(app: &App, table: usize) -> Vec<Row> {
    let registry = &app.registry;
    match table {
        0 => registry.organisations().map(organisation_row).collect(),
        1 => registry.accounts().map(account_row).collect(),
        2 => registry.classes().map(class_row).collect(),
        3 => registry.projects().map(project_row).collect(),
        4 => registry.reports().map(report_row).collect(),
        5 => registry.batches().map(|batch| batch_row(registry, batch)).collect(),
        6 => registry.blocks().map(|block| block_row(registry, block)).collect(),
        7 => registry.holdings().map(|(&(account, batch), holding)| holding_row(account, batch, holding)).collect(),
        8 => registry.retirements().map(|retirement| retirement_row(registry, retirement)).collect(),
        9 => registry.cancellations().map(cancellation_row).collect(),
        10 => registry.holds().map(hold_row).collect(),
        11 => app.factories.factories().map(|factory| factory_row(app, factory)).collect(),
        12 => app.factories.years().map(factory_year_row).collect(),
        13 => app.factories.reductions().map(reduction_row).collect(),
        14 => app.factories.practices().map(practice_row).collect(),
        15 => app.ledger.accounts().filter_map(|a| ledger_account_row(&app.ledger, a.id)).collect(),
        16 => app.ledger.transfers().map(ledger_transfer_row).collect(),
        17 => app.ledger.holds().map(ledger_hold_row).collect(),
        18 => app.ledger.fee_assets().map(|asset| ledger_fee_row(&app.ledger, asset)).collect(),
        19 => app.market.instruments().map(instrument_row).collect(),
        20 => app.market.orders().map(order_row).collect(),
        21 => app.market.trades().iter().map(|trade| trade_row(app, trade)).collect(),
        22 => app.market.auctions().map(auction_row).collect(),
        23 => registry.persons().map(person_row).collect(),
        _ => unreachable!("there are {} built-in projection tables", TABLES.len()),
    }
}

fn organisation_row(org: &Organisation) -> Row {
    vec![int(org.id.0), text(&org.name), name(&org.role), int(org.account.0)]
}
fn person_row(person: &Person) -> Row {
    vec![int(person.user.get()), int(person.account.0), text(&person.identity), signed(person.registered_at_ms)]
}

fn account_row(account: &Account) -> Row {
    let (org, person) = match account.holder {
        Holder::Org(org) => (int(org.0), Value::Int(None)),
        Holder::Person(user) => (Value::Int(None), int(user.get())),
    };
    vec![int(account.id.0), org, person, name(&account.kind)]
}
fn class_row(class: &CreditClass) -> Row {
    vec![
        int(class.id.0),
        text(&class.code),
        text(&class.name),
        text(&class.methodology),
        name(&class.kind),
        int(class.default_buffer_bps.get().into()),
    ]
}
fn project_row(project: &Project) -> Row {
    vec![
        int(project.id.0),
        int(project.class.0),
        int(project.proponent.0),
        text(&project.name),
        text(&project.description),
        text(&project.jurisdiction),
        json(&project.location),
        int(project.area_rai.into()),
        int(project.buffer_bps.get().into()),
        name(&project.status),
        text(&project.review_note),
    ]
}
fn report_row(report: &MonitoringReport) -> Row {
    vec![
        int(report.id.0),
        int(report.project.0),
        text(report.period_start.to_string()),
        text(report.period_end.to_string()),
        int(report.claimed_tco2e.get()),
        text(&report.calculation),
        name(&report.status),
        int(report.verified_tco2e.get()),
        Value::Int(report.verifier.map(|org| i64::try_from(org.0).expect("ids fit"))),
        text(&report.review_note),
    ]
}
fn batch_row(registry: &Registry, batch: &Batch) -> Row {
    let totals = registry.batch_totals(batch.id);
    vec![
        int(batch.id.0),
        int(batch.project.0),
        int(batch.report.0),
        text(batch.vintage_start.to_string()),
        text(batch.vintage_end.to_string()),
        int(batch.issued_tco2e.get()),
        int(batch.buffer_tco2e.get()),
        int(batch.issued_to.0),
        name(&batch.corresponding_adjustment),
        signed(batch.issued_at_ms),
        int(totals.active_tco2e.get()),
        int(totals.held_tco2e.get()),
        int(totals.retired_tco2e.get()),
        int(totals.cancelled_tco2e.get()),
    ]
}
fn block_row(registry: &Registry, block: &Block) -> Row {
    let (state, reference) = match block.state {
        UnitState::Active => ("active", None),
        UnitState::Held(id) => ("held", Some(id.0)),
        UnitState::Retired(id) => ("retired", Some(id.0)),
        UnitState::Cancelled(id) => ("cancelled", Some(id.0)),
    };
    let serial = registry.serial(block.batch, block.range).expect("blocks belong to batches");
    vec![
        int(block.batch.0),
        int(block.range.first),
        int(block.range.last),
        int(block.account.0),
        text(state),
        Value::Int(reference.map(|id| i64::try_from(id).expect("ids fit"))),
        text(serial.to_string()),
    ]
}
fn holding_row(account: AccountId, batch: BatchId, holding: &Holding) -> Row {
    vec![int(account.0), int(batch.0), int(holding.active_tco2e.get()), int(holding.held_tco2e.get())]
}
fn retirement_row(registry: &Registry, retirement: &Retirement) -> Row {
    let serials: Vec<String> = retirement
        .ranges
        .iter()
        .filter_map(|range| registry.serial(retirement.batch, *range).map(|serial| serial.to_string()))
        .collect();
    vec![
        int(retirement.id.0),
        int(retirement.account.0),
        int(retirement.batch.0),
        text(serials.join(" ")),
        int(retirement.quantity_tco2e.get()),
        text(&retirement.beneficiary),
        text(&retirement.reason),
        text(&retirement.jurisdiction),
        signed(retirement.inventory_year.into()),
        signed(retirement.retired_at_ms),
    ]
}
fn cancellation_row(cancellation: &Cancellation) -> Row {
    vec![
        int(cancellation.id.0),
        name(&cancellation.kind),
        int(cancellation.account.0),
        Value::Int(cancellation.project.map(|id| i64::try_from(id.0).expect("ids fit"))),
        json(&cancellation.parts),
        int(cancellation.quantity_tco2e.get()),
        text(&cancellation.reason),
        signed(cancellation.cancelled_at_ms),
    ]
}
fn factory_row(app: &App, factory: &FactoryProfile) -> Row {
    let target =
        app.factories.target(factory.org).map(|target| serde_json::to_string(target).expect("targets serialise"));
    vec![
        int(factory.org.0),
        text(&factory.licence),
        name(&factory.sector),
        text(&factory.district),
        signed(factory.publish.into()),
        signed(factory.synthetic.into()),
        Value::Text(target),
    ]
}
fn factory_year_row(year: &FactoryYear) -> Row {
    vec![
        int(year.org.0),
        signed(year.year.into()),
        name(&year.gwp_set),
        name(&year.combustion),
        int(year.lines.len() as u64),
        json(&year.lines),
    ]
}
fn optional(value: Option<u64>) -> Value {
    value.map_or(Value::Int(None), int)
}
fn reduction_row(reduction: &ReductionProject) -> Row {
    let plan = &reduction.plan;
    vec![
        int(reduction.id.0),
        int(plan.org.0),
        name(&plan.kind),
        text(&plan.title),
        text(&plan.description),
        int(plan.estimated_tco2e_per_year),
        signed(plan.start_year.into()),
        name(&plan.status),
        signed(plan.synthetic.into()),
        optional(reduction.registry_project.map(ProjectId::get)),
    ]
}
fn practice_row(practice: &BestPractice) -> Row {
    let draft = &practice.draft;
    vec![
        int(practice.id.0),
        int(draft.org.0),
        optional(draft.reduction.map(ReductionId::get)),
        name(&draft.kind),
        text(&draft.title),
        text(&draft.summary),
        int(draft.measured_reduction_tco2e),
        signed(draft.measured_year.into()),
        text(&draft.measurement),
        optional(draft.investment_baht),
        signed(draft.synthetic.into()),
    ]
}
fn ledger_account_row(ledger: &mangrove_ledger::Ledger, id: mangrove_ledger::LedgerAccountId) -> Option<Row> {
    let account = ledger.account(id)?;
    let balance = ledger.balance(id)?;
    Some(vec![
        int(id.0),
        name(&account.asset),
        json(&account.owner),
        name(&account.kind),
        signed(account.opened_at_ms),
        int(balance.posted_debits.get()),
        int(balance.posted_credits.get()),
        int(balance.pending_debits.get()),
        int(balance.pending_credits.get()),
    ])
}
fn ledger_transfer_row(transfer: &mangrove_ledger::Transfer) -> Row {
    vec![
        text(transfer.id.as_str()),
        name(&transfer.kind),
        int(transfer.debit.0),
        int(transfer.credit.0),
        name(&transfer.asset),
        int(transfer.amount.get()),
        Value::Text(transfer.pending_id.as_ref().map(|id| id.as_str().to_string())),
        signed(transfer.at_ms),
    ]
}
fn ledger_hold_row(hold: &mangrove_ledger::Hold) -> Row {
    vec![
        text(hold.id.as_str()),
        int(hold.debit.0),
        int(hold.credit.0),
        name(&hold.asset),
        int(hold.amount.get()),
        int(hold.posted.get()),
        int(hold.released.get()),
        name(&hold.status),
        Value::Int(hold.expires_at_ms),
    ]
}
fn ledger_fee_row(ledger: &mangrove_ledger::Ledger, asset: mangrove_ledger::Asset) -> Row {
    vec![name(&asset), int(u64::from(ledger.fee_bps(asset).get()))]
}
fn instrument_row(instrument: &mangrove_app::market::Instrument) -> Row {
    vec![
        int(instrument.id.0),
        int(instrument.batch.0),
        int(instrument.project.0),
        signed(instrument.vintage_year.into()),
        text(&instrument.code),
        int(instrument.tick_satang),
        signed(instrument.listed_at_ms),
    ]
}
fn order_row(order: &mangrove_app::market::Order) -> Row {
    vec![
        int(order.id.0),
        int(order.instrument.0),
        int(order.org.0),
        int(order.account.0),
        name(&order.side),
        name(&order.kind),
        optional(order.price_satang),
        int(order.qty_tco2e),
        name(&order.tif),
        Value::Int(order.expires_at_ms),
        signed(order.placed_at_ms),
        json(&order.escrow),
        int(order.filled_tco2e),
        name(&order.status),
    ]
}
fn trade_row(app: &App, trade: &mangrove_app::market::Trade) -> Row {
    vec![
        int(trade.id.0),
        int(trade.instrument.0),
        int(trade.price_satang),
        int(trade.qty_tco2e),
        int(trade.buyer.org.0),
        int(trade.buyer.account.0),
        optional(trade.buyer.order.map(OrderId::get)),
        int(trade.seller.org.0),
        int(trade.seller.account.0),
        optional(trade.seller.order.map(OrderId::get)),
        Value::Text(
            trade.maker_side.map(|side| {
                serde_json::to_value(side).expect("sides serialise").as_str().unwrap_or_default().to_string()
            }),
        ),
        int(trade.fee_satang),
        optional(trade.auction.map(AuctionId::get)),
        signed(trade.at_ms),
        text(app.trade_serials(trade).join(" ")),
    ]
}
fn auction_row(auction: &mangrove_app::market::Auction) -> Row {
    vec![
        int(auction.id.0),
        int(auction.instrument.0),
        int(auction.seller_org.0),
        int(auction.seller_account.0),
        int(auction.supply_tco2e),
        int(auction.reserve_satang),
        signed(auction.opens_at_ms),
        signed(auction.closes_at_ms),
        int(auction.hold.0),
        name(&auction.status),
        optional(auction.price_satang),
        int(auction.sold_tco2e),
        json(&auction.bids),
    ]
}
fn hold_row(hold: &Hold) -> Row {
    vec![int(hold.id.0), int(hold.account.0), int(hold.batch.0), json(&hold.ranges), int(hold.quantity_tco2e.get())]
}
