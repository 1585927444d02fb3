//! A double-entry ledger for fungible assets — Thai baht in satang, and the
//! virtual city's green points — as a pure state machine: accounts,
//! transfers, holds that are posted (in parts) or voided, linked batches
//! that succeed or fail together, client-chosen idempotent ids, and no
//! overdraft. No I/O, no clock: time comes in as `now_ms`.
//!
//! ```
//! use mangrove_core::OrgId;
//! use mangrove_ledger::*;
//!
//! let mut ledger = Ledger::new();
//! let mut dirty = Dirty::default();
//! let factory = Owner::Org(OrgId(4));
//! for (owner, kind) in [(Owner::Operator, AccountKind::Settlement), (factory, AccountKind::Ordinary)] {
//!     ledger.execute(0, &Command::OpenAccount { owner, asset: Asset::Thb, kind }, &mut dirty).unwrap();
//! }
//! let account = ledger.account_for(factory, Asset::Thb, AccountKind::Ordinary).unwrap();
//!
//! // The factory's bank transfer of 1,000 baht arrived; the operator records it.
//! let id = TransferId::new("bank-2026-000117").unwrap();
//! let deposit = Command::Transfer(TransferSpec::Deposit { id, account, amount: Amount::new(100_000) });
//! ledger.execute(1_000, &deposit, &mut dirty).unwrap();
//! assert_eq!(ledger.balance(account).unwrap().available(), 100_000);
//!
//! // The same request again is recognised as a retry and changes nothing.
//! assert_eq!(ledger.execute(2_000, &deposit, &mut dirty).unwrap(), Decision::AlreadyDone);
//! ledger.check_invariants().unwrap();
//! ```
//!
//! # Accounts
//!
//! Each [`LedgerAccount`] holds one [`Asset`] and has an [`Owner`] and an
//! [`AccountKind`]; an owner has at most one account of each kind and asset
//! (so [`Ledger::account_for`] finds it). Organisations and people have
//! *ordinary* accounts. The operator has, per asset, a *settlement* account
//! (the bank for baht, the treasury for green points), a *fee* account and
//! a *clearing* account. Only the settlement account may go negative: it is
//! the other side of every deposit and withdrawal and of nothing else, so
//! it always holds minus the money in all other accounts, and every
//! asset's balances sum to zero. Every other account keeps
//! `posted_debits + pending_debits <= posted_credits`: no overdraft, and
//! money held is not money available. Accounts are never closed.
//!
//! # Transfers
//!
//! A [`TransferSpec`] is a deposit, a withdrawal, a posted transfer, a
//! pending transfer (a hold, with an optional timeout), a post of part or
//! all of a hold, or a void of the rest of a hold. Amounts are positive
//! integers up to [`AMOUNT_PER_TRANSFER_MAX`]; both accounts must exist,
//! differ and hold the same asset.
//!
//! **Holds are posted in parts.** A hold may be posted many times, each
//! post taking part of what is left, until it is posted in full (then it
//! closes as posted) or the rest is voided (then it closes as voided). A
//! post may not take more than is left; a closed hold takes no post or
//! void. A hold with a timeout can no longer be posted from the moment it
//! expires, may still be voided, and is released by
//! [`Command::ExpireHolds`], which the application sends as time passes.
//!
//! **Ids are the client's.** A [`TransferId`] is 1 to
//! [`TRANSFER_ID_BYTES_MAX`] printable ASCII characters (the application
//! derives them, e.g. `order-42-hold`, `trade-17-cash`). Every transfer,
//! post and void has its own id, never reused. Sending a transfer whose
//! id was committed with the same body decides to
//! [`Decision::AlreadyDone`] and changes nothing; with a different body it
//! is refused as a conflict on `id`. A linked batch is a retry only if
//! every transfer in it was committed with the same body; a batch mixing
//! new and committed ids is refused.
//!
//! **Linked batches.** [`Command::Batch`] decides its transfers in order,
//! each against the ledger as the earlier ones left it, and commits all or
//! none; a refusal names the item (`transfers[2] 'trade-9-fee': ...`).
//!
//! # How the exchange uses it
//!
//! A buy order holds the buyer's cash for the clearing account
//! (`order-42-hold`). Each fill is one batch, linked in the application
//! with the credits moving in the registry: post part of the hold to the
//! clearing account, then pay the seller and the fee account from it. A
//! cancel voids what is left. The fee rate is a policy value the operator
//! sets ([`Command::SetFee`]); the exchange reads it ([`Ledger::fee_on`])
//! and the ledger itself charges nothing.
//!
//! # Shape
//!
//! Commands are decided against the state (`decide`, read-only, events or
//! a `DomainError`) and their events applied (`apply`, infallible);
//! replaying the events of the journal rebuilds the same state. [`Dirty`]
//! names the accounts, transfers, holds and fees an event touched, for the
//! projection rows. [`Ledger::check_invariants`] recomputes every total
//! from the transfers. The ledger knows nothing of orders, credits, users'
//! permissions or HTTP: who may deposit or spend is the application's to
//! decide.

mod command;
mod decide;
mod invariants;
mod model;
mod state;

pub use command::*;
pub use model::*;
pub use state::{Dirty, Ledger};
