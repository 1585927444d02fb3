//! The demo's exchange: the operator opens it with a 0.5 % fee and records
//! the buyers' first bank transfers; the mangrove's and the forest's
//! vintages are listed; the municipality and the forest group offer
//! credits, factories bid, a few trades happen; and the municipality's
//! auction of 500 t of the mangrove vintage is open for bids for a week.

use crate::{Demo, NamedFactories};
use mangrove_app::MarketCommand;
use mangrove_core::{AccountId, AuctionId, BatchId, InstrumentId};
use mangrove_exchange::{OrderKind, Side, TimeInForce};
use mangrove_registry::Actor;

/// One baht in satang.
const BAHT: u64 = 100;
const WEEK_MS: i64 = 7 * 86_400_000;

async fn account_of(demo: &Demo, actor: Actor) -> anyhow::Result<AccountId> {
    let org = actor.org().ok_or_else(|| anyhow::anyhow!("a demo trader is a member"))?;
    let ledger = demo.state.store.ledger().read().await;
    let record = ledger.app.registry.organisation(org).ok_or_else(|| anyhow::anyhow!("unknown organisation"))?;
    Ok(record.account)
}

async fn order(
    demo: &Demo,
    who: Actor,
    instrument: u64,
    side: Side,
    price_baht: Option<u64>,
    qty: u64,
) -> anyhow::Result<()> {
    let command = MarketCommand::PlaceOrder {
        instrument: InstrumentId(instrument),
        account: account_of(demo, who).await?,
        side,
        kind: if price_baht.is_some() { OrderKind::Limit } else { OrderKind::Market },
        price_satang: price_baht.map(|baht| baht * BAHT),
        qty_tco2e: qty,
        tif: if price_baht.is_some() { TimeInForce::Gtc } else { TimeInForce::Ioc },
        expires_at_ms: None,
    };
    demo.run(who, command).await?;
    Ok(())
}

pub(crate) async fn build(demo: &Demo, people: &NamedFactories) -> anyhow::Result<()> {
    let operator = people.operator;
    demo.run(operator, MarketCommand::OpenExchange { fee_bps: 50 }).await?;
    let deposits = [
        (people.olefins, 5_000_000, "KTB-2026-110231"),
        (people.refinery, 3_000_000, "SCB-2026-004518"),
        (people.plastics, 1_000_000, "BBL-2026-778120"),
        (people.somchai, 5_000, "PP-2026-0001"),
        (people.malee, 2_000, "PP-2026-0002"),
    ];
    for (who, baht, reference) in deposits {
        let org = who.org().ok_or_else(|| anyhow::anyhow!("a demo buyer is a member"))?;
        let command = MarketCommand::RecordDeposit { org, amount_satang: baht * BAHT, reference: reference.into() };
        demo.run(operator, command).await?;
    }
    for batch in [1, 2] {
        demo.run(operator, MarketCommand::ListInstrument { batch: BatchId(batch), tick_satang: BAHT }).await?;
    }
    // Instrument 1 is the mangrove's 2025 vintage, 2 the forest's.
    order(demo, people.municipality, 1, Side::Sell, Some(320), 300).await?;
    order(demo, people.municipality, 1, Side::Sell, Some(335), 200).await?;
    order(demo, people.municipality, 1, Side::Sell, Some(350), 150).await?;
    order(demo, people.forest_group, 2, Side::Sell, Some(300), 150).await?;
    order(demo, people.refinery, 1, Side::Buy, Some(310), 100).await?;
    order(demo, people.olefins, 1, Side::Buy, Some(305), 80).await?;
    order(demo, people.plastics, 1, Side::Buy, None, 50).await?;
    order(demo, people.somchai, 1, Side::Buy, Some(320), 2).await?;
    order(demo, people.plastics, 2, Side::Buy, Some(300), 40).await?;
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    let auction = MarketCommand::OpenAuction {
        instrument: InstrumentId(1),
        account: account_of(demo, people.municipality).await?,
        supply_tco2e: 500,
        reserve_satang: 300 * BAHT,
        closes_at_ms: now_ms + WEEK_MS,
    };
    demo.run(operator, auction).await?;
    for (who, price, qty) in [(people.refinery, 315, 200), (people.olefins, 310, 300)] {
        let bid = MarketCommand::PlaceBid {
            auction: AuctionId(1),
            account: account_of(demo, who).await?,
            price_satang: price * BAHT,
            qty_tco2e: qty,
        };
        demo.run(who, bid).await?;
    }
    Ok(())
}
