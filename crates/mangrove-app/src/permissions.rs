//! Who may do what, in one place. The registry's own rules (who drafts,
//! validates, registers, issues, transfers and retires) live with the
//! registry (`mangrove_registry::check`); these are the rules of what the
//! application adds on top, each refusal a `forbidden` error naming why:
//!
//! - **Deployment key**: only the deployment itself (the system actor)
//!   changes its signing key.
//! - **Ledger**: the operator runs the ledger — opens accounts for any
//!   owner, sets fees, records deposits and withdrawals (which mirror bank
//!   transfers); a member opens its own organisation's ordinary account and
//!   pays from it; holds, their posts, batches and expiry belong to the
//!   exchange, which gives them itself, never to a request.
//! - **Factory book**: a factory keeps its own inventory, targets,
//!   reductions and practices; the operator may also register factories;
//!   only organisations of the factory role have a book. A reduction is
//!   linked to the registry only by promoting it.
//! - **Exchange**: only the operator opens the exchange, lists instruments
//!   and records the cash desk's deposits and withdrawals; a member trades
//!   only from its own organisation's holding account, never from the
//!   buffer pool; an order is cancelled by its owner or the operator, and
//!   changed (replaced) only by its owner; an auction is opened and closed
//!   by its seller or the operator (the operator may close it before its
//!   time); a seller does not bid in its own auction.

use crate::market::{Auction, Order};
use crate::App;
use mangrove_core::{AccountId, DomainError, DomainResult, OrgId};
use mangrove_ledger::{Owner, TransferSpec};
use mangrove_mrv::MeasureCommand;
use mangrove_registry::{Actor, Role};

/// The operator's desk, or the deployment itself.
pub(crate) fn is_operator(actor: &Actor) -> bool {
    matches!(actor, Actor::System | Actor::Member { role: Role::Operator, .. })
}

/// The operator, or a member of `org` itself.
fn is_operator_or(actor: &Actor, org: OrgId) -> bool {
    is_operator(actor) || actor.org() == Some(org)
}

pub(crate) fn allow_key_change(actor: &Actor) -> DomainResult<()> {
    match actor {
        Actor::System => Ok(()),
        Actor::Member { .. } | Actor::Person { .. } => {
            Err(DomainError::forbidden("only the deployment itself changes its signing key"))
        }
    }
}

pub(crate) fn require_operator(actor: &Actor) -> DomainResult<()> {
    if is_operator(actor) {
        Ok(())
    } else {
        Err(DomainError::forbidden("only the operator does this"))
    }
}

pub(crate) fn allow_cancel(actor: &Actor, order: &Order) -> DomainResult<()> {
    if is_operator_or(actor, order.org) {
        Ok(())
    } else {
        Err(DomainError::forbidden(format!("order {} is not yours", order.id.get())))
    }
}

pub(crate) fn allow_replace(actor: &Actor, order: &Order) -> DomainResult<()> {
    if matches!(actor, Actor::System) || actor.org() == Some(order.org) {
        Ok(())
    } else {
        Err(DomainError::forbidden(format!("order {} is not yours: only its owner changes it", order.id.get())))
    }
}

pub(crate) fn allow_open_auction(actor: &Actor, seller: OrgId) -> DomainResult<()> {
    if is_operator_or(actor, seller) {
        Ok(())
    } else {
        Err(DomainError::forbidden("only the operator or the seller opens an auction"))
    }
}

/// The seller closes its auction once its time has come; the operator may
/// close it before. A seller too early is told to wait (a conflict, since
/// the same request succeeds later), not refused.
pub(crate) fn allow_close_auction(actor: &Actor, auction: &Auction, now_ms: i64) -> DomainResult<()> {
    if is_operator(actor) {
        Ok(())
    } else if actor.org() != Some(auction.seller_org) {
        Err(DomainError::forbidden("only the operator or the seller closes an auction"))
    } else if now_ms < auction.closes_at_ms {
        Err(DomainError::conflict("the auction is still taking bids"))
    } else {
        Ok(())
    }
}

pub(crate) fn allow_bid(bidder: OrgId, auction: &Auction) -> DomainResult<()> {
    if bidder == auction.seller_org {
        Err(DomainError::forbidden("a seller does not bid in its own auction"))
    } else {
        Ok(())
    }
}

/// A factory-book command given as a request. A reduction is linked to the
/// registry only by promoting it, which drafts the registry's project in
/// the same step; a link asked for directly would point at a project that
/// was never drafted for it.
pub(crate) fn allow_measure_request(command: &MeasureCommand) -> DomainResult<()> {
    match command {
        MeasureCommand::LinkReduction { .. } => {
            Err(DomainError::forbidden("a reduction project is linked to the registry by promoting it, not directly"))
        }
        _ => Ok(()),
    }
}

impl App {
    /// The operator runs the ledger (accounts of any owner, fees, deposits
    /// and withdrawals, which mirror bank transfers); a member opens its own
    /// organisation's ordinary account and pays from it. Holds and their
    /// posts belong to the exchange, which gives them itself.
    pub(crate) fn allow_ledger(&self, actor: &Actor, command: &mangrove_ledger::Command) -> DomainResult<()> {
        use mangrove_ledger::{AccountKind, Command as L};
        let (own, operator) = match actor {
            Actor::System => return Ok(()),
            Actor::Member { org, role, .. } => (Owner::Org(*org), *role == Role::Operator),
            Actor::Person { user } => (Owner::User(*user), false),
        };
        let pays_from_own =
            |account| self.ledger.account(account).is_some_and(|a| a.owner == own && a.kind == AccountKind::Ordinary);
        let allowed = match command {
            L::OpenAccount { owner, kind, .. } => operator || (*owner == own && *kind == AccountKind::Ordinary),
            L::SetFee { .. } => operator,
            L::Transfer(TransferSpec::Deposit { .. } | TransferSpec::Withdrawal { .. }) => operator,
            L::Transfer(TransferSpec::Posted { debit, .. }) => pays_from_own(*debit),
            L::Transfer(_) | L::Batch { .. } | L::ExpireHolds => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(DomainError::forbidden(
                "this ledger operation is the operator's or the exchange's, or the account is not yours",
            ))
        }
    }

    /// A factory keeps its own book; the operator may register factories.
    /// Only organisations of the factory role have one.
    pub(crate) fn allow_measure(&self, actor: &Actor, command: &MeasureCommand) -> DomainResult<()> {
        let org = self.factories.command_org(command)?;
        let organisation = self
            .registry
            .organisation(org)
            .ok_or_else(|| DomainError::not_found("org", format!("there is no organisation {}", org.get())))?;
        if organisation.role != Role::Factory {
            return Err(DomainError::invalid("org", format!("{} is not a factory", organisation.name)));
        }
        let registering = matches!(command, MeasureCommand::RegisterFactory { .. });
        match actor {
            Actor::System => Ok(()),
            Actor::Member { org: own, .. } if *own == org => Ok(()),
            Actor::Member { role: Role::Operator, .. } if registering => Ok(()),
            Actor::Member { .. } | Actor::Person { .. } => {
                Err(DomainError::forbidden("only the factory itself keeps its inventory"))
            }
        }
    }

    /// The organisation trading from `account`: the actor's own, never the buffer pool.
    pub(crate) fn trader(&self, actor: &Actor, account: AccountId) -> DomainResult<OrgId> {
        let record = self
            .registry
            .account(account)
            .ok_or_else(|| DomainError::not_found("account", format!("there is no account {}", account.get())))?;
        if record.kind != mangrove_registry::AccountKind::Holding {
            return Err(DomainError::invalid("account", "the buffer pool does not trade"));
        }
        // People hold credits but do not trade on the exchange yet: an
        // order belongs to an organisation.
        match (actor, record.org()) {
            (Actor::System, Some(org)) => Ok(org),
            (Actor::Member { org, .. }, Some(holder)) if *org == holder => Ok(holder),
            _ => Err(DomainError::forbidden(format!("account {} is not yours to trade from", account.get()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mangrove_core::{Date, UserId};
    use mangrove_ledger::{AccountKind, Asset, Command as L};
    use mangrove_registry::{Command, Context};

    fn member(org: u64, role: Role) -> Actor {
        Actor::Member { user: UserId(org), org: OrgId(org), role }
    }

    /// The operator (organisation 1) and a proponent (2), each with an account.
    fn town() -> App {
        let mut app = App::default();
        let context = Context { actor: Actor::System, now_ms: 0, today: Date::parse("2026-01-01").unwrap() };
        for (name, role) in [("Rayong City", Role::Operator), ("Ban Chang Cooperative", Role::Proponent)] {
            let command = Command::CreateOrganisation { name: name.into(), role };
            app.registry.execute(&context, &command, &mut Default::default()).unwrap();
        }
        app
    }

    #[test]
    fn only_the_operator_and_the_deployment_count_as_the_operator() {
        assert!(is_operator(&Actor::System));
        assert!(is_operator(&member(1, Role::Operator)));
        for role in [Role::Verifier, Role::Proponent, Role::Factory] {
            assert!(!is_operator(&member(2, role)), "{role:?}");
            assert!(require_operator(&member(2, role)).is_err(), "{role:?}");
        }
        let refused = allow_key_change(&member(1, Role::Operator)).unwrap_err();
        assert_eq!(refused.kind, mangrove_core::ErrorKind::Forbidden);
    }

    #[test]
    fn a_member_opens_only_its_own_ordinary_account_and_never_sets_fees() {
        let app = town();
        let proponent = member(2, Role::Proponent);
        let own = L::OpenAccount { owner: Owner::Org(OrgId(2)), asset: Asset::Thb, kind: AccountKind::Ordinary };
        app.allow_ledger(&proponent, &own).unwrap();
        let other = L::OpenAccount { owner: Owner::Org(OrgId(1)), asset: Asset::Thb, kind: AccountKind::Ordinary };
        assert!(app.allow_ledger(&proponent, &other).unwrap_err().message.contains("not yours"));
        let fee = L::SetFee { asset: Asset::Thb, fee_bps: 10 };
        assert!(app.allow_ledger(&proponent, &fee).is_err());
        app.allow_ledger(&member(1, Role::Operator), &fee).unwrap();
    }

    #[test]
    fn a_member_trades_only_from_its_own_account() {
        let app = town();
        let account = |org: u64| app.registry.organisation(OrgId(org)).unwrap().account;
        assert_eq!(app.trader(&member(2, Role::Proponent), account(2)).unwrap(), OrgId(2));
        let refused = app.trader(&member(2, Role::Proponent), account(1)).unwrap_err();
        assert_eq!(refused.kind, mangrove_core::ErrorKind::Forbidden);
        assert_eq!(app.trader(&Actor::System, account(1)).unwrap(), OrgId(1));
    }

    /// An auction offered by the proponent (organisation 2), closing at 1,000 ms.
    fn auction() -> Auction {
        use crate::market::AuctionStatus;
        use mangrove_core::{AuctionId, HoldId, InstrumentId};
        Auction {
            id: AuctionId(1),
            instrument: InstrumentId(1),
            seller_org: OrgId(2),
            seller_account: AccountId(2),
            supply_tco2e: 10,
            reserve_satang: 100,
            opens_at_ms: 0,
            closes_at_ms: 1_000,
            hold: HoldId(1),
            status: AuctionStatus::Open,
            price_satang: None,
            sold_tco2e: 0,
            bids: Vec::new(),
        }
    }

    #[test]
    fn the_seller_closes_its_auction_at_its_time_and_the_operator_at_any_time() {
        let auction = auction();
        let seller = member(2, Role::Proponent);
        let early = allow_close_auction(&seller, &auction, 999).unwrap_err();
        assert_eq!(early.kind, mangrove_core::ErrorKind::Conflict);
        allow_close_auction(&seller, &auction, 1_000).unwrap();
        allow_close_auction(&member(1, Role::Operator), &auction, 0).unwrap();
        let stranger = allow_close_auction(&member(3, Role::Proponent), &auction, 1_000).unwrap_err();
        assert_eq!(stranger.kind, mangrove_core::ErrorKind::Forbidden);
        assert!(allow_bid(OrgId(2), &auction).is_err());
        allow_bid(OrgId(3), &auction).unwrap();
    }

    #[test]
    fn a_reduction_is_linked_only_by_promoting_it() {
        use mangrove_core::{ProjectId, ReductionId};
        let link = MeasureCommand::LinkReduction { reduction: ReductionId(1), project: ProjectId(1) };
        let refused = allow_measure_request(&link).unwrap_err();
        assert_eq!(refused.kind, mangrove_core::ErrorKind::Forbidden);
        assert!(refused.message.contains("promoting"));
    }
}
