//! The ledger's state, its queries, and how events change it. `apply`
//! never fails: an event is a fact that was already checked when its
//! command was decided, so a broken one is a programmer's error and panics.

use crate::command::Event;
use crate::model::*;
use mangrove_core::BasisPoints;
use std::collections::{BTreeMap, BTreeSet};

/// The keys of every record an event touched, so that the store rewrites
/// exactly those projection rows in the same transaction as the events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dirty {
    /// Accounts opened or whose balance changed.
    pub accounts: BTreeSet<LedgerAccountId>,
    /// Transfers committed.
    pub transfers: BTreeSet<TransferId>,
    /// Holds opened, posted, voided or expired (keyed by their pending transfer).
    pub holds: BTreeSet<TransferId>,
    /// Assets whose fee was set.
    pub fees: BTreeSet<Asset>,
}

impl Dirty {
    pub fn is_empty(&self) -> bool {
        *self == Dirty::default()
    }
}

/// What one transfer leaves behind: both accounts' new balances and, if it
/// opens or settles a hold, the hold's new state. Computed by the same code
/// when deciding (to check it) and when applying (to store it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Effect {
    pub debit: Balance,
    pub credit: Balance,
    pub hold: Option<Hold>,
}

/// The effect of `transfer` on accounts with balances `debit` and `credit`,
/// `hold` being the hold a post or void acts on; `None` if a total would
/// leave the range of `u64` or a hold would settle more than it holds.
pub(crate) fn effect(transfer: &Transfer, debit: Balance, credit: Balance, hold: Option<&Hold>) -> Option<Effect> {
    let movement = transfer.movement();
    let hold = match transfer.kind {
        TransferKind::Pending => Some(Hold {
            id: transfer.id.clone(),
            debit: transfer.debit,
            credit: transfer.credit,
            asset: transfer.asset,
            amount: transfer.amount,
            posted: Amount::ZERO,
            released: Amount::ZERO,
            status: HoldStatus::Open,
            expires_at_ms: match transfer.timeout_ms {
                Some(timeout) => Some(transfer.at_ms.checked_add(i64::try_from(timeout).ok()?)?),
                None => None,
            },
        }),
        TransferKind::PostPending => {
            let mut hold = hold?.clone();
            if !hold.is_open() || transfer.amount > hold.remaining() {
                return None;
            }
            hold.posted = hold.posted.checked_add(transfer.amount)?;
            if hold.remaining().is_zero() {
                hold.status = HoldStatus::Posted;
            }
            Some(hold)
        }
        TransferKind::VoidPending => Some(released(hold?, transfer.amount, HoldStatus::Voided)?),
        TransferKind::Deposit | TransferKind::Withdrawal | TransferKind::Posted => None,
    };
    Some(Effect { debit: debit.debited(movement)?, credit: credit.credited(movement)?, hold })
}

/// `hold` with all of its remainder, which must be `amount`, released.
pub(crate) fn released(hold: &Hold, amount: Amount, status: HoldStatus) -> Option<Hold> {
    if !hold.is_open() || hold.remaining() != amount {
        return None;
    }
    Some(Hold { released: hold.released.checked_add(amount)?, status, ..hold.clone() })
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    pub(crate) accounts: BTreeMap<LedgerAccountId, LedgerAccount>,
    pub(crate) balances: BTreeMap<LedgerAccountId, Balance>,
    /// Each owner's account of each asset and kind.
    pub(crate) accounts_by_owner: BTreeMap<(Owner, Asset, AccountKind), LedgerAccountId>,
    /// Every transfer in the order committed.
    pub(crate) transfers: Vec<Transfer>,
    /// Where each transfer id is in `transfers`; ids are never reused.
    pub(crate) transfer_positions: BTreeMap<TransferId, usize>,
    /// Positions in `transfers` of each account's transfers, oldest first.
    pub(crate) account_transfers: BTreeMap<LedgerAccountId, Vec<usize>>,
    /// Every hold ever opened, open or closed.
    pub(crate) holds: BTreeMap<TransferId, Hold>,
    /// Open holds by each of their two accounts.
    pub(crate) open_holds: BTreeSet<(LedgerAccountId, TransferId)>,
    pub(crate) open_hold_count: usize,
    /// Open holds with a timeout, by when they expire.
    pub(crate) expiring: BTreeSet<(i64, TransferId)>,
    pub(crate) fees: BTreeMap<Asset, BasisPoints>,
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    // ---- reads -------------------------------------------------------

    pub fn account(&self, id: LedgerAccountId) -> Option<&LedgerAccount> {
        self.accounts.get(&id)
    }
    pub fn accounts(&self) -> impl Iterator<Item = &LedgerAccount> {
        self.accounts.values()
    }
    pub fn balance(&self, id: LedgerAccountId) -> Option<Balance> {
        self.balances.get(&id).copied()
    }
    /// The account `owner` has of `asset` and `kind`.
    pub fn account_for(&self, owner: Owner, asset: Asset, kind: AccountKind) -> Option<LedgerAccountId> {
        self.accounts_by_owner.get(&(owner, asset, kind)).copied()
    }
    /// The operator's settlement, fee or clearing account of `asset`.
    pub fn operator_account(&self, kind: AccountKind, asset: Asset) -> Option<LedgerAccountId> {
        self.account_for(Owner::Operator, asset, kind)
    }
    pub fn transfer(&self, id: &TransferId) -> Option<&Transfer> {
        self.transfer_positions.get(id).map(|&position| &self.transfers[position])
    }
    /// Every transfer in the order committed.
    pub fn transfers(&self) -> impl DoubleEndedIterator<Item = &Transfer> {
        self.transfers.iter()
    }
    /// How many transfers were committed.
    pub fn transfer_count(&self) -> usize {
        self.transfers.len()
    }
    /// The latest `limit` transfers debiting or crediting `account`, newest first.
    pub fn recent_transfers(&self, account: LedgerAccountId, limit: usize) -> impl Iterator<Item = &Transfer> {
        let positions = self.account_transfers.get(&account).map_or(&[][..], Vec::as_slice);
        positions.iter().rev().take(limit).map(|&position| &self.transfers[position])
    }
    /// A hold, open or closed, by the id of the pending transfer that opened it.
    pub fn hold(&self, id: &TransferId) -> Option<&Hold> {
        self.holds.get(id)
    }
    pub fn holds(&self) -> impl Iterator<Item = &Hold> {
        self.holds.values()
    }
    /// The open holds in which `account` is the debit or the credit side, by id.
    pub fn open_holds_of(&self, account: LedgerAccountId) -> impl Iterator<Item = &Hold> {
        let first = TransferId::new("!").expect("the smallest id is valid");
        self.open_holds
            .range((account, first)..)
            .take_while(move |(holder, _)| *holder == account)
            .map(|(_, id)| &self.holds[id])
    }
    pub fn open_hold_count(&self) -> usize {
        self.open_hold_count
    }
    /// The fee on trades in `asset`; zero until the operator sets one.
    /// The assets whose fee the operator has set.
    pub fn fee_assets(&self) -> impl Iterator<Item = Asset> + '_ {
        self.fees.keys().copied()
    }
    pub fn fee_bps(&self, asset: Asset) -> BasisPoints {
        self.fees.get(&asset).copied().unwrap_or_default()
    }
    /// The fee on `amount` of `asset`, rounded down to a whole unit, so
    /// that a fee never exceeds its rate.
    pub fn fee_on(&self, asset: Asset, amount: Amount) -> Amount {
        let fee = u128::from(amount.get()) * u128::from(self.fee_bps(asset).get()) / u128::from(BasisPoints::WHOLE);
        Amount::new(u64::try_from(fee).expect("a fee is at most the amount"))
    }

    pub(crate) fn next_account_id(&self) -> LedgerAccountId {
        LedgerAccountId(self.accounts.keys().next_back().map_or(1, |id| id.0 + 1))
    }

    // ---- writes ------------------------------------------------------

    /// Applies one event, recording what it touched in `dirty`.
    pub fn apply(&mut self, event: &Event, dirty: &mut Dirty) {
        match event {
            Event::AccountOpened { account } => {
                let key = (account.owner, account.asset, account.kind);
                assert!(!self.accounts.contains_key(&account.id), "{} is opened once", account.id);
                assert!(self.accounts_by_owner.insert(key, account.id).is_none(), "one account per owner and kind");
                self.accounts.insert(account.id, account.clone());
                self.balances.insert(account.id, Balance::default());
                dirty.accounts.insert(account.id);
            }
            Event::FeeSet { asset, fee_bps } => {
                self.fees.insert(*asset, *fee_bps);
                dirty.fees.insert(*asset);
            }
            Event::Transferred { transfer } => self.apply_transfer(transfer, dirty),
            Event::HoldExpired { hold, released: amount, .. } => {
                let record = self.holds.get(hold).expect("an expiry names a known hold");
                let (debit, credit) = (record.debit, record.credit);
                let closed = released(record, *amount, HoldStatus::Expired).expect("an expiry releases an open hold");
                let movement = Movement { pending_out: *amount, ..Movement::default() };
                let debit_balance = self.balances[&debit].debited(movement).expect("the hold is in its debit");
                let credit_balance = self.balances[&credit].credited(movement).expect("the hold is in its credit");
                self.store_balances(debit, debit_balance, credit, credit_balance, dirty);
                self.store_hold(closed, dirty);
            }
        }
    }

    fn apply_transfer(&mut self, transfer: &Transfer, dirty: &mut Dirty) {
        assert!(!self.transfer_positions.contains_key(&transfer.id), "transfer {} is committed once", transfer.id);
        let hold = match transfer.kind {
            TransferKind::PostPending | TransferKind::VoidPending => {
                let id = transfer.hold_id().expect("a post or void names its hold");
                Some(self.holds.get(id).expect("a post or void names a known hold"))
            }
            _ => None,
        };
        let (debit, credit) = (self.balances[&transfer.debit], self.balances[&transfer.credit]);
        let effect = effect(transfer, debit, credit, hold).expect("a decided transfer fits its accounts");
        self.store_balances(transfer.debit, effect.debit, transfer.credit, effect.credit, dirty);
        if let Some(hold) = effect.hold {
            self.store_hold(hold, dirty);
        }
        let position = self.transfers.len();
        self.transfers.push(transfer.clone());
        self.transfer_positions.insert(transfer.id.clone(), position);
        for account in [transfer.debit, transfer.credit] {
            self.account_transfers.entry(account).or_default().push(position);
        }
        dirty.transfers.insert(transfer.id.clone());
    }

    fn store_balances(
        &mut self,
        debit: LedgerAccountId,
        debit_balance: Balance,
        credit: LedgerAccountId,
        credit_balance: Balance,
        dirty: &mut Dirty,
    ) {
        if self.accounts[&debit].kind != AccountKind::Settlement {
            assert!(debit_balance.available() >= 0, "{debit} is never overdrawn");
        }
        self.balances.insert(debit, debit_balance);
        self.balances.insert(credit, credit_balance);
        dirty.accounts.extend([debit, credit]);
    }

    /// Stores a hold's new state and keeps the indexes of open holds.
    fn store_hold(&mut self, hold: Hold, dirty: &mut Dirty) {
        let was_open = self.holds.get(&hold.id).is_some_and(Hold::is_open);
        if was_open && !hold.is_open() {
            self.open_holds.remove(&(hold.debit, hold.id.clone()));
            self.open_holds.remove(&(hold.credit, hold.id.clone()));
            if let Some(expires) = hold.expires_at_ms {
                self.expiring.remove(&(expires, hold.id.clone()));
            }
            self.open_hold_count -= 1;
        } else if !was_open && hold.is_open() {
            assert!(!self.holds.contains_key(&hold.id), "a closed hold never reopens");
            self.open_holds.insert((hold.debit, hold.id.clone()));
            self.open_holds.insert((hold.credit, hold.id.clone()));
            if let Some(expires) = hold.expires_at_ms {
                self.expiring.insert((expires, hold.id.clone()));
            }
            self.open_hold_count += 1;
        }
        dirty.holds.insert(hold.id.clone());
        self.holds.insert(hold.id.clone(), hold);
    }
}
