//! What a command made, typed, for the caller that sent it: the new
//! project's id, the order's state, the retirement's number. The journal's
//! events say everything that changed; this says what the caller asked
//! for, so that a client never looks for an event by its tag.

use crate::market::{MarketEvent, Order, OrderStatus};
use crate::{App, AppEvent, JournalEvent};
use mangrove_mrv::MeasureEvent;
use mangrove_registry::Event;
use serde::Serialize;
use utoipa::ToSchema;

/// The thing a command made or changed, named by the first event that made
/// one (see [`CommandResult::of`]); `recorded` when it only changed what
/// exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "made", rename_all = "snake_case")]
pub enum CommandResult {
    Organisation {
        organisation_id: u64,
        account_id: u64,
    },
    CreditClass {
        class_id: u64,
    },
    Project {
        project_id: u64,
    },
    Report {
        report_id: u64,
    },
    Batch {
        batch_id: u64,
        issued_tco2e: u64,
    },
    Retirement {
        retirement_id: u64,
        quantity_tco2e: u64,
    },
    Cancellation {
        cancellation_id: u64,
    },
    Hold {
        hold_id: u64,
    },
    Factory {
        org_id: u64,
    },
    Reduction {
        reduction_id: u64,
    },
    Practice {
        practice_id: u64,
    },
    Instrument {
        instrument_id: u64,
    },
    /// The order as it stands once the command is published, and the
    /// tonnes it traded in this command.
    Order {
        order_id: u64,
        #[schema(value_type = String, example = "open")]
        status: OrderStatus,
        qty_tco2e: u64,
        filled_tco2e: u64,
        traded_now_tco2e: u64,
    },
    Auction {
        auction_id: u64,
    },
    Recorded,
}

impl CommandResult {
    /// The result of the command that journaled `events`, read against
    /// `app`, a state that includes them.
    ///
    /// The first thing made names the result, except that a hold placed
    /// on the way (the credits behind an auction, say) gives way to what
    /// it was placed for.
    pub fn of(app: &App, events: &[JournalEvent]) -> CommandResult {
        let mut made_things = events.iter().filter_map(|event| made(app, &event.payload, events));
        let first = made_things.next();
        match first {
            Some(CommandResult::Hold { .. }) => made_things.next().or(first),
            _ => first,
        }
        .unwrap_or(CommandResult::Recorded)
    }
}

fn made(app: &App, event: &AppEvent, all: &[JournalEvent]) -> Option<CommandResult> {
    use CommandResult as R;
    Some(match event {
        AppEvent::Registry(event) => match event {
            Event::OrganisationCreated { organisation } => {
                R::Organisation { organisation_id: organisation.id.get(), account_id: organisation.account.get() }
            }
            Event::CreditClassCreated { class } => R::CreditClass { class_id: class.id.get() },
            Event::ProjectDrafted { project } => R::Project { project_id: project.id.get() },
            Event::ReportSubmitted { report } => R::Report { report_id: report.id.get() },
            Event::CreditsIssued { batch, .. } => {
                R::Batch { batch_id: batch.id.get(), issued_tco2e: batch.issued_tco2e.get() }
            }
            Event::Retired { retirement } => {
                R::Retirement { retirement_id: retirement.id.get(), quantity_tco2e: retirement.quantity_tco2e.get() }
            }
            Event::Cancelled { cancellation } => R::Cancellation { cancellation_id: cancellation.id.get() },
            Event::HoldPlaced { hold } => R::Hold { hold_id: hold.id.get() },
            _ => return None,
        },
        AppEvent::Measure(event) => match event {
            MeasureEvent::FactoryRegistered { factory } => R::Factory { org_id: factory.org.get() },
            MeasureEvent::ReductionRegistered { reduction } => R::Reduction { reduction_id: reduction.id.get() },
            MeasureEvent::PracticePublished { practice } => R::Practice { practice_id: practice.id.get() },
            _ => return None,
        },
        AppEvent::Market(event) => match event {
            MarketEvent::InstrumentListed { instrument } => R::Instrument { instrument_id: instrument.id.get() },
            MarketEvent::OrderPlaced { order, .. } => order_result(app.market.order(order.id).unwrap_or(order), all),
            MarketEvent::OrderReplaced { order, .. } => order_result(app.market.order(*order)?, all),
            MarketEvent::AuctionOpened { auction } => R::Auction { auction_id: auction.id.get() },
            _ => return None,
        },
        AppEvent::Ledger(_) | AppEvent::Deployment(_) | AppEvent::Plugged(_) => return None,
    })
}

/// An order as it stands, with the tonnes it traded among `events`.
fn order_result(order: &Order, events: &[JournalEvent]) -> CommandResult {
    CommandResult::Order {
        order_id: order.id.get(),
        status: order.status,
        qty_tco2e: order.qty_tco2e,
        filled_tco2e: order.filled_tco2e,
        traded_now_tco2e: traded(events, order.id),
    }
}

/// Tonnes `order` traded among `events`.
fn traded(events: &[JournalEvent], order: mangrove_core::OrderId) -> u64 {
    events
        .iter()
        .filter_map(|event| match &event.payload {
            AppEvent::Market(MarketEvent::Traded { trade, .. })
                if trade.buyer.order == Some(order) || trade.seller.order == Some(order) =>
            {
                Some(trade.qty_tco2e)
            }
            _ => None,
        })
        .sum()
}
