//! The ledger's records and its bounds. Everything here is plain data with
//! the arithmetic of balances; the rules that decide what may change live
//! in `decide.rs`, the changes themselves in `state.rs`.

use mangrove_core::{DomainError, OrgId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// Most accounts the ledger opens: about one for every person in Rayong.
pub const ACCOUNTS_MAX: usize = 1_000_000;
/// Most holds open at once, across all accounts.
pub const HOLDS_OPEN_MAX: usize = 100_000;
/// Longest client-supplied transfer id, in bytes.
pub const TRANSFER_ID_BYTES_MAX: usize = 64;
/// Most transfers in one linked batch.
pub const TRANSFERS_PER_BATCH_MAX: usize = 1_000;
/// Largest amount one transfer moves, in the asset's smallest unit: ten
/// trillion baht in satang, far above any real payment.
pub const AMOUNT_PER_TRANSFER_MAX: u64 = mangrove_core::bounds::SATANG_PER_TRANSFER_MAX;
/// Largest running total of an account (each of posted and pending debits
/// and credits): the transfer that would take one past it is refused, so
/// every total fits a database integer and a JSON number.
pub const ACCOUNT_TOTAL_MAX: u64 = mangrove_core::bounds::SATANG_PER_ACCOUNT_TOTAL_MAX;
/// Longest time a hold may stay open before it expires: 400 days.
pub const HOLD_TIMEOUT_MS_MAX: u64 = 400 * 24 * 3_600 * 1_000;
/// Most holds one `ExpireHolds` command releases; the rest wait for the next.
pub const EXPIRIES_PER_COMMAND_MAX: usize = 1_000;
/// Highest fee the operator may set: 10.00 %.
pub const FEE_BPS_MAX: u32 = 1_000;

/// What an account holds. Each account holds exactly one asset, and a
/// transfer moves one asset between two accounts of that asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Asset {
    /// Thai baht, counted in satang (1 baht = 100 satang).
    Thb,
    /// The virtual city's green points, counted in whole points.
    GreenPoints,
}

impl Asset {
    pub const ALL: [Asset; 2] = [Asset::Thb, Asset::GreenPoints];

    /// The name of the unit amounts of this asset are counted in.
    pub fn unit(self) -> &'static str {
        match self {
            Asset::Thb => "satang",
            Asset::GreenPoints => "green points",
        }
    }

    /// An amount with its unit, for messages: `150000 satang`.
    pub fn describe(self, amount: Amount) -> String {
        format!("{} {}", amount.get(), self.unit())
    }
}

impl fmt::Display for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Asset::Thb => "THB",
            Asset::GreenPoints => "green points",
        })
    }
}

/// A quantity of an asset in its smallest unit (satang, or whole green
/// points). Which asset is known from the account it belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = u64)]
pub struct Amount(u64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    pub const fn new(units: u64) -> Self {
        Amount(units)
    }
    pub const fn get(self) -> u64 {
        self.0
    }
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }
    /// The sum, if it stays within an account's total bound.
    pub(crate) fn total_add(self, other: Amount) -> Option<Amount> {
        self.checked_add(other).filter(|sum| sum.0 <= ACCOUNT_TOTAL_MAX)
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An account of the ledger. Assigned by the ledger in order from 1; never
/// reused (accounts are never closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = u64)]
pub struct LedgerAccountId(pub u64);

impl LedgerAccountId {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for LedgerAccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ledger account {}", self.0)
    }
}

/// A transfer's id, chosen by the client so that a retry can be recognised:
/// 1 to [`TRANSFER_ID_BYTES_MAX`] printable ASCII characters without
/// spaces, e.g. `order-42-hold` or `bank-2026-000117`. Checked when made
/// and when read from JSON, so every `TransferId` in the program is valid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "order-42-hold")]
pub struct TransferId(String);

impl TransferId {
    pub fn new(text: impl Into<String>) -> Result<Self, DomainError> {
        let text = text.into();
        let valid =
            !text.is_empty() && text.len() <= TRANSFER_ID_BYTES_MAX && text.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(DomainError::invalid(
                "id",
                format!("a transfer id is 1 to {TRANSFER_ID_BYTES_MAX} printable ASCII characters without spaces"),
            ));
        }
        Ok(TransferId(text))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TransferId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        TransferId::new(text).map_err(|error| error.message)
    }
}

impl From<TransferId> for String {
    fn from(id: TransferId) -> String {
        id.0
    }
}

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.0)
    }
}

/// Whose account it is. The ledger only keeps the name; who may act for
/// an owner is decided by the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Owner {
    /// The deployment's operator, owner of the settlement, fee and clearing accounts.
    Operator,
    /// An organisation (a factory, a proponent, a business).
    Org(OrgId),
    /// A person (a citizen in the virtual city).
    User(UserId),
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Operator => f.write_str("the operator"),
            Owner::Org(org) => write!(f, "{org}"),
            Owner::User(user) => write!(f, "{user}"),
        }
    }
}

/// What an account is for. An owner has at most one account of each kind
/// per asset; the three operator kinds exist once per asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// An organisation's or a person's money. Never overdrawn.
    Ordinary,
    /// The operator's bank (for baht) or treasury (for green points): the
    /// other side of every deposit and withdrawal, and of nothing else. Its
    /// balance is minus the money in all other accounts, so it may be, and
    /// normally is, negative.
    Settlement,
    /// The operator's fee income. Never overdrawn.
    Fee,
    /// The operator's escrow, e.g. for the exchange: holds are made to it
    /// and, when posted, paid out of it to sellers and the fee account in
    /// the same linked batch. Never overdrawn.
    Clearing,
}

impl AccountKind {
    pub const ALL: [AccountKind; 4] =
        [AccountKind::Ordinary, AccountKind::Settlement, AccountKind::Fee, AccountKind::Clearing];

    /// Whether the operator owns this kind (and no one else may).
    pub fn is_operators(self) -> bool {
        self != AccountKind::Ordinary
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Ordinary => "ordinary",
            AccountKind::Settlement => "settlement",
            AccountKind::Fee => "fee",
            AccountKind::Clearing => "clearing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LedgerAccount {
    pub id: LedgerAccountId,
    pub asset: Asset,
    pub owner: Owner,
    pub kind: AccountKind,
    pub opened_at_ms: i64,
}

/// An account's four running totals, TigerBeetle's way: money only ever
/// adds to a total, so the history of an account can be checked by sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Balance {
    pub posted_debits: Amount,
    pub posted_credits: Amount,
    /// Held by open holds from this account.
    pub pending_debits: Amount,
    /// Promised to this account by open holds.
    pub pending_credits: Amount,
}

impl Balance {
    /// Posted credits minus posted debits: what the account has.
    pub fn posted(&self) -> i128 {
        i128::from(self.posted_credits.get()) - i128::from(self.posted_debits.get())
    }
    /// What the account may still spend or hold: posted minus held.
    pub fn available(&self) -> i128 {
        self.posted() - i128::from(self.pending_debits.get())
    }
    /// Pending credits minus pending debits.
    pub fn pending(&self) -> i128 {
        i128::from(self.pending_credits.get()) - i128::from(self.pending_debits.get())
    }

    /// The balance after being the debit side of `movement`, or `None` if
    /// a total would pass `ACCOUNT_TOTAL_MAX`.
    pub(crate) fn debited(self, movement: Movement) -> Option<Balance> {
        Some(Balance {
            posted_debits: self.posted_debits.total_add(movement.posted)?,
            pending_debits: self.pending_debits.total_add(movement.pending_in)?.checked_sub(movement.pending_out)?,
            ..self
        })
    }

    /// The balance after being the credit side of `movement`.
    pub(crate) fn credited(self, movement: Movement) -> Option<Balance> {
        Some(Balance {
            posted_credits: self.posted_credits.total_add(movement.posted)?,
            pending_credits: self.pending_credits.total_add(movement.pending_in)?.checked_sub(movement.pending_out)?,
            ..self
        })
    }
}

/// What one transfer does to both of its accounts: the debit side and the
/// credit side change by the same amounts, which is why the ledger sums
/// to zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Movement {
    pub posted: Amount,
    pub pending_in: Amount,
    pub pending_out: Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    /// Money in from outside: the settlement account to an account.
    Deposit,
    /// Money out: an account to the settlement account.
    Withdrawal,
    /// An immediate transfer between two accounts.
    Posted,
    /// A hold: the amount is reserved in the debit account, promised to the credit account.
    Pending,
    /// Posts part or all of what is left of a hold.
    PostPending,
    /// Releases all that is left of a hold.
    VoidPending,
}

impl TransferKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferKind::Deposit => "deposit",
            TransferKind::Withdrawal => "withdrawal",
            TransferKind::Posted => "posted",
            TransferKind::Pending => "pending",
            TransferKind::PostPending => "post_pending",
            TransferKind::VoidPending => "void_pending",
        }
    }
}

/// A committed transfer, as journaled. Flat, as the projection row is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Transfer {
    pub id: TransferId,
    pub kind: TransferKind,
    pub debit: LedgerAccountId,
    pub credit: LedgerAccountId,
    pub asset: Asset,
    /// For a void, the remainder it released.
    pub amount: Amount,
    /// The hold a post or void acts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_id: Option<TransferId>,
    /// How long a hold may stay open, as the client asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    pub at_ms: i64,
}

impl Transfer {
    /// What this transfer does to its two accounts.
    pub(crate) fn movement(&self) -> Movement {
        let amount = self.amount;
        match self.kind {
            TransferKind::Deposit | TransferKind::Withdrawal | TransferKind::Posted => {
                Movement { posted: amount, ..Movement::default() }
            }
            TransferKind::Pending => Movement { pending_in: amount, ..Movement::default() },
            TransferKind::PostPending => Movement { posted: amount, pending_out: amount, ..Movement::default() },
            TransferKind::VoidPending => Movement { pending_out: amount, ..Movement::default() },
        }
    }

    /// The hold this transfer opens, posts or voids.
    pub fn hold_id(&self) -> Option<&TransferId> {
        match self.kind {
            TransferKind::Pending => Some(&self.id),
            TransferKind::PostPending | TransferKind::VoidPending => self.pending_id.as_ref(),
            TransferKind::Deposit | TransferKind::Withdrawal | TransferKind::Posted => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HoldStatus {
    /// Something is left to post or void.
    Open,
    /// Posted in full.
    Posted,
    /// The remainder was voided.
    Voided,
    /// The remainder was released when the hold expired.
    Expired,
}

/// A pending transfer and what became of it. A hold may be posted in
/// several parts; it closes when fully posted, voided or expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Hold {
    /// The id of the pending transfer that opened it.
    pub id: TransferId,
    pub debit: LedgerAccountId,
    pub credit: LedgerAccountId,
    pub asset: Asset,
    /// Held when opened.
    pub amount: Amount,
    /// Posted so far, by all its posts together.
    pub posted: Amount,
    /// Released by a void or by expiry.
    pub released: Amount,
    pub status: HoldStatus,
    pub expires_at_ms: Option<i64>,
}

impl Hold {
    /// What is still held: amount − posted − released.
    pub fn remaining(&self) -> Amount {
        let settled = self.posted.checked_add(self.released).expect("a hold settles at most its amount");
        self.amount.checked_sub(settled).expect("a hold settles at most its amount")
    }
    pub fn is_open(&self) -> bool {
        self.status == HoldStatus::Open
    }
    /// Whether the hold's time ran out at `now_ms` (it may not be swept yet).
    pub fn expired_at(&self, now_ms: i64) -> bool {
        self.expires_at_ms.is_some_and(|expires| now_ms >= expires)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_ids_are_checked_when_made_and_when_read() {
        for good in ["order-42-hold", "x", &"k".repeat(TRANSFER_ID_BYTES_MAX), "bank/2026:0001"] {
            assert_eq!(TransferId::new(good).unwrap().as_str(), good);
        }
        for bad in ["", "has space", "ไทย", "tab\there", &"k".repeat(TRANSFER_ID_BYTES_MAX + 1)] {
            assert_eq!(TransferId::new(bad).unwrap_err().field, Some("id"), "{bad:?}");
            let json = serde_json::to_string(bad).unwrap();
            assert!(serde_json::from_str::<TransferId>(&json).is_err(), "{bad:?}");
        }
        let id: TransferId = serde_json::from_str("\"order-7-fill-1\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"order-7-fill-1\"");
    }

    #[test]
    fn balances_move_both_sides_alike() {
        let hold = Movement { pending_in: Amount::new(70), ..Movement::default() };
        let post = Movement { posted: Amount::new(50), pending_out: Amount::new(50), ..Movement::default() };
        let funded = Balance { posted_credits: Amount::new(100), ..Balance::default() };
        let debit = funded.debited(hold).unwrap().debited(post).unwrap();
        let credit = Balance::default().credited(hold).unwrap().credited(post).unwrap();
        assert_eq!((debit.posted(), debit.available(), debit.pending()), (50, 30, -20));
        assert_eq!((credit.posted(), credit.available(), credit.pending()), (50, 50, 20));
        let overflow = Movement { posted: Amount::new(u64::MAX), ..Movement::default() };
        assert_eq!(debit.debited(overflow), None);
        let too_much = Movement { pending_out: Amount::new(21), ..Movement::default() };
        assert_eq!(debit.debited(too_much), None);
    }

    #[test]
    fn owners_and_kinds_read_as_json() {
        let owners = [(Owner::Operator, r#"{"kind":"operator"}"#), (Owner::Org(OrgId(4)), r#"{"kind":"org","id":4}"#)];
        for (owner, json) in owners {
            assert_eq!(serde_json::to_string(&owner).unwrap(), json);
            assert_eq!(serde_json::from_str::<Owner>(json).unwrap(), owner);
        }
        assert_eq!(serde_json::to_string(&Asset::GreenPoints).unwrap(), "\"green_points\"");
        assert!(AccountKind::ALL.iter().filter(|kind| kind.is_operators()).count() == 3);
    }
}
