//! Commands ask for a change and may be refused; events record a change
//! that happened and are applied without question. The journal stores
//! events.
//!
//! Every JSON tag starts with `ledger_`: the application journals the
//! events of all domains in one untagged enum, so a ledger event must never
//! read as a registry event (the registry has its own `transferred` and
//! `hold_placed`).

use crate::model::*;
use mangrove_core::BasisPoints;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One transfer as the client asks for it. The `id` is the client's; the
/// same id with the same body is a replay, with another body a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TransferSpec {
    /// The operator records money received (a bank transfer): the
    /// settlement account of the account's asset pays `account`.
    Deposit { id: TransferId, account: LedgerAccountId, amount: Amount },
    /// The operator records money paid out: `account` pays the settlement account.
    Withdrawal { id: TransferId, account: LedgerAccountId, amount: Amount },
    /// `debit` pays `credit` now.
    Posted { id: TransferId, debit: LedgerAccountId, credit: LedgerAccountId, amount: Amount },
    /// `amount` is held in `debit` for `credit`, until posted, voided or,
    /// with a timeout, expired.
    Pending {
        id: TransferId,
        debit: LedgerAccountId,
        credit: LedgerAccountId,
        amount: Amount,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_ms: Option<u64>,
    },
    /// Posts `amount` of what is left of the hold `pending`; the rest stays
    /// held. A hold may be posted in many parts.
    PostPending { id: TransferId, pending: TransferId, amount: Amount },
    /// Releases all that is left of the hold `pending`.
    VoidPending { id: TransferId, pending: TransferId },
}

impl TransferSpec {
    pub fn id(&self) -> &TransferId {
        match self {
            TransferSpec::Deposit { id, .. }
            | TransferSpec::Withdrawal { id, .. }
            | TransferSpec::Posted { id, .. }
            | TransferSpec::Pending { id, .. }
            | TransferSpec::PostPending { id, .. }
            | TransferSpec::VoidPending { id, .. } => id,
        }
    }
}

impl Transfer {
    /// The request this transfer answered: what a retry must repeat exactly.
    pub fn spec(&self) -> TransferSpec {
        let (id, amount) = (self.id.clone(), self.amount);
        let pending = || self.pending_id.clone().expect("a post or void names its hold");
        match self.kind {
            TransferKind::Deposit => TransferSpec::Deposit { id, account: self.credit, amount },
            TransferKind::Withdrawal => TransferSpec::Withdrawal { id, account: self.debit, amount },
            TransferKind::Posted => TransferSpec::Posted { id, debit: self.debit, credit: self.credit, amount },
            TransferKind::Pending => TransferSpec::Pending {
                id,
                debit: self.debit,
                credit: self.credit,
                amount,
                timeout_ms: self.timeout_ms,
            },
            TransferKind::PostPending => TransferSpec::PostPending { id, pending: pending(), amount },
            TransferKind::VoidPending => TransferSpec::VoidPending { id, pending: pending() },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command")]
pub enum Command {
    /// Opens an account; the ledger assigns its id.
    #[serde(rename = "ledger_open_account")]
    OpenAccount { owner: Owner, asset: Asset, kind: AccountKind },
    /// The fee the operator charges on trades in `asset`, a policy the
    /// exchange reads; the ledger itself charges nothing. A fee above zero
    /// needs the operator's fee account for the asset.
    #[serde(rename = "ledger_set_fee")]
    SetFee { asset: Asset, fee_bps: u32 },
    /// One transfer.
    #[serde(rename = "ledger_transfer")]
    Transfer(TransferSpec),
    /// Linked transfers, decided in order, each seeing the ones before it:
    /// all are committed or none.
    #[serde(rename = "ledger_batch")]
    Batch { transfers: Vec<TransferSpec> },
    /// Releases holds whose timeout has passed, oldest first, at most
    /// [`EXPIRIES_PER_COMMAND_MAX`] of them.
    #[serde(rename = "ledger_expire_holds")]
    ExpireHolds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "event")]
pub enum Event {
    #[serde(rename = "ledger_account_opened")]
    AccountOpened { account: LedgerAccount },
    #[serde(rename = "ledger_fee_set")]
    FeeSet {
        asset: Asset,
        #[schema(value_type = u32)]
        fee_bps: BasisPoints,
    },
    /// A committed transfer. A linked batch is several of these, journaled
    /// together by the one command.
    #[serde(rename = "ledger_transfer")]
    Transferred { transfer: Transfer },
    /// A hold's time ran out and its remainder was released.
    #[serde(rename = "ledger_hold_expired")]
    HoldExpired { hold: TransferId, released: Amount, at_ms: i64 },
}

/// What deciding a command came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// These events are to be journaled and applied (possibly none, when
    /// no hold had expired).
    Apply(Vec<Event>),
    /// Every transfer of the command was committed before, with the same
    /// body: a retry. Nothing changes.
    AlreadyDone,
}

impl Decision {
    pub fn events(&self) -> &[Event] {
        match self {
            Decision::Apply(events) => events,
            Decision::AlreadyDone => &[],
        }
    }
}
