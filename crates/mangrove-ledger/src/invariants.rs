//! The ledger's invariants, checked from scratch against the transfers.
//! The store calls this after loading, the tests after every command.

use crate::model::*;
use crate::state::Ledger;
use std::collections::{BTreeMap, BTreeSet};

impl Ledger {
    /// Checks every invariant; the error names the first one broken.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.check_accounts()?;
        self.check_transfers()?;
        self.check_holds()?;
        self.check_balances()
    }

    /// Ids are 1..=n, the owner index matches, and each operator kind
    /// exists at most once per asset (the index being keyed so).
    fn check_accounts(&self) -> Result<(), String> {
        if self.accounts.len() > ACCOUNTS_MAX {
            return Err(format!("{} accounts, more than {ACCOUNTS_MAX}", self.accounts.len()));
        }
        let mut by_owner = BTreeMap::new();
        for (position, (id, account)) in self.accounts.iter().enumerate() {
            if account.id != *id || id.get() != position as u64 + 1 {
                return Err(format!("{id} is stored out of order or under the wrong key"));
            }
            if account.kind.is_operators() != (account.owner == Owner::Operator) {
                return Err(format!("{id} is a {} account of {}", account.kind.as_str(), account.owner));
            }
            by_owner.insert((account.owner, account.asset, account.kind), *id);
        }
        if by_owner != self.accounts_by_owner || by_owner.len() != self.accounts.len() {
            return Err("the index of accounts by owner differs from the accounts".into());
        }
        let balanced: BTreeSet<_> = self.balances.keys().collect();
        if balanced != self.accounts.keys().collect() {
            return Err("some account has no balance, or some balance no account".into());
        }
        Ok(())
    }

    /// Every transfer is well-formed, its id unique and indexed, its
    /// accounts of its asset, and the settlement account in banking only.
    fn check_transfers(&self) -> Result<(), String> {
        let mut positions = BTreeMap::new();
        let mut by_account: BTreeMap<LedgerAccountId, Vec<usize>> = BTreeMap::new();
        for (position, transfer) in self.transfers.iter().enumerate() {
            if positions.insert(transfer.id.clone(), position).is_some() {
                return Err(format!("the id {} is used twice", transfer.id));
            }
            let (Some(debit), Some(credit)) = (self.accounts.get(&transfer.debit), self.accounts.get(&transfer.credit))
            else {
                return Err(format!("transfer {} names an unknown account", transfer.id));
            };
            if transfer.debit == transfer.credit || debit.asset != transfer.asset || credit.asset != transfer.asset {
                return Err(format!("transfer {} does not move one asset between two accounts", transfer.id));
            }
            let banking = match transfer.kind {
                TransferKind::Deposit => debit.kind == AccountKind::Settlement,
                TransferKind::Withdrawal => credit.kind == AccountKind::Settlement,
                _ => false,
            };
            let touches_settlement = [debit, credit].iter().any(|account| account.kind == AccountKind::Settlement);
            if touches_settlement != banking {
                return Err(format!("transfer {} uses the settlement account wrongly", transfer.id));
            }
            let names_hold = matches!(transfer.kind, TransferKind::PostPending | TransferKind::VoidPending);
            if transfer.pending_id.is_some() != names_hold
                || (transfer.timeout_ms.is_some() && transfer.kind != TransferKind::Pending)
                || (transfer.amount.is_zero() && transfer.kind != TransferKind::VoidPending)
            {
                return Err(format!("transfer {} has fields its kind does not have", transfer.id));
            }
            for account in [transfer.debit, transfer.credit] {
                by_account.entry(account).or_default().push(position);
            }
        }
        if positions != self.transfer_positions {
            return Err("the index of transfer ids differs from the transfers".into());
        }
        if by_account != self.account_transfers {
            return Err("the index of each account's transfers differs from the transfers".into());
        }
        Ok(())
    }

    /// Each hold is what its pending transfer opened, minus what its posts
    /// and voids took; the indexes of open holds match.
    fn check_holds(&self) -> Result<(), String> {
        let mut posted: BTreeMap<&TransferId, Amount> = BTreeMap::new();
        let mut voided: BTreeMap<&TransferId, Amount> = BTreeMap::new();
        for transfer in &self.transfers {
            let into = match transfer.kind {
                TransferKind::PostPending => &mut posted,
                TransferKind::VoidPending => &mut voided,
                _ => continue,
            };
            let hold = transfer.pending_id.as_ref().expect("checked with the transfers");
            let total = into.entry(hold).or_default();
            *total = total.checked_add(transfer.amount).ok_or("a hold's posts overflow")?;
            let record = self.holds.get(hold).ok_or_else(|| format!("{} acts on an unknown hold", transfer.id))?;
            if (record.debit, record.credit) != (transfer.debit, transfer.credit) {
                return Err(format!("{} moves between other accounts than its hold {hold}", transfer.id));
            }
        }
        let (mut open, mut expiring, mut count) = (BTreeSet::new(), BTreeSet::new(), 0);
        for (id, hold) in &self.holds {
            self.check_hold(hold, posted.get(id).copied(), voided.get(id).copied())?;
            if hold.is_open() {
                count += 1;
                open.extend([(hold.debit, id.clone()), (hold.credit, id.clone())]);
                expiring.extend(hold.expires_at_ms.map(|expires| (expires, id.clone())));
            }
        }
        if count != self.open_hold_count || count > HOLDS_OPEN_MAX {
            return Err(format!("{count} holds are open, {} counted (at most {HOLDS_OPEN_MAX})", self.open_hold_count));
        }
        if open != self.open_holds || expiring != self.expiring {
            return Err("the indexes of open holds differ from the holds".into());
        }
        Ok(())
    }

    fn check_hold(&self, hold: &Hold, posted: Option<Amount>, voided: Option<Amount>) -> Result<(), String> {
        let opened = self.transfer(&hold.id).filter(|transfer| transfer.kind == TransferKind::Pending);
        let Some(opened) = opened else {
            return Err(format!("the hold {} has no pending transfer", hold.id));
        };
        let expires =
            opened.timeout_ms.map(|timeout| i64::try_from(timeout).ok().and_then(|t| opened.at_ms.checked_add(t)));
        let expires =
            expires.map(|at| at.ok_or_else(|| format!("the hold {}'s expiry overflows", hold.id))).transpose()?;
        if (opened.debit, opened.credit, opened.asset, opened.amount, expires)
            != (hold.debit, hold.credit, hold.asset, hold.amount, hold.expires_at_ms)
        {
            return Err(format!("the hold {} differs from its pending transfer", hold.id));
        }
        let settled = hold.posted.checked_add(hold.released).filter(|settled| *settled <= hold.amount);
        if settled.is_none() || hold.posted != posted.unwrap_or_default() {
            return Err(format!("the hold {} settles other than its posts say", hold.id));
        }
        let consistent = match hold.status {
            HoldStatus::Open => hold.released.is_zero() && !hold.remaining().is_zero() && voided.is_none(),
            HoldStatus::Posted => hold.released.is_zero() && hold.remaining().is_zero() && voided.is_none(),
            HoldStatus::Voided => hold.remaining().is_zero() && voided == Some(hold.released),
            HoldStatus::Expired => hold.remaining().is_zero() && voided.is_none() && !hold.released.is_zero(),
        };
        if !consistent {
            return Err(format!("the hold {} is {:?} but its amounts say otherwise", hold.id, hold.status));
        }
        Ok(())
    }

    /// Each account's totals are the sums of its transfers and open holds;
    /// per asset, posted and pending balances each sum to zero; no account
    /// but a settlement account has a negative available balance.
    fn check_balances(&self) -> Result<(), String> {
        let mut posted: BTreeMap<LedgerAccountId, (u128, u128)> = BTreeMap::new();
        let mut pending: BTreeMap<LedgerAccountId, (u128, u128)> = BTreeMap::new();
        for transfer in &self.transfers {
            let posts = matches!(
                transfer.kind,
                TransferKind::Deposit | TransferKind::Withdrawal | TransferKind::Posted | TransferKind::PostPending
            );
            if posts {
                posted.entry(transfer.debit).or_default().0 += u128::from(transfer.amount.get());
                posted.entry(transfer.credit).or_default().1 += u128::from(transfer.amount.get());
            }
        }
        for hold in self.holds.values().filter(|hold| hold.is_open()) {
            pending.entry(hold.debit).or_default().0 += u128::from(hold.remaining().get());
            pending.entry(hold.credit).or_default().1 += u128::from(hold.remaining().get());
        }
        let mut sums: BTreeMap<Asset, (i128, i128)> = BTreeMap::new();
        for (id, balance) in &self.balances {
            let account = &self.accounts[id];
            let as_u128 = |amount: Amount| u128::from(amount.get());
            let totals = (as_u128(balance.posted_debits), as_u128(balance.posted_credits));
            let holds = (as_u128(balance.pending_debits), as_u128(balance.pending_credits));
            if totals != posted.get(id).copied().unwrap_or_default() {
                return Err(format!("{id}'s posted totals differ from its transfers"));
            }
            if holds != pending.get(id).copied().unwrap_or_default() {
                return Err(format!("{id}'s pending totals differ from its open holds"));
            }
            if account.kind != AccountKind::Settlement && balance.available() < 0 {
                return Err(format!("{id} is overdrawn: {} available", balance.available()));
            }
            let sum = sums.entry(account.asset).or_default();
            sum.0 += balance.posted();
            sum.1 += balance.pending();
        }
        for (asset, (posted, pending)) in sums {
            if posted != 0 || pending != 0 {
                return Err(format!("{asset} balances sum to {posted} posted and {pending} pending, not zero"));
            }
        }
        Ok(())
    }
}
