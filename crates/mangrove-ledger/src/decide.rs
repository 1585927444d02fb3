//! Deciding commands: every rule and every bound. `decide` only reads the
//! ledger; a refused command therefore changes nothing. The transfers of a
//! linked batch are decided one after another against a scratch view that
//! holds what the earlier ones changed, so that a later transfer may spend
//! what an earlier one brought, and a refusal anywhere discards them all.

use crate::command::*;
use crate::model::*;
use crate::state::{effect, Dirty, Effect, Ledger};
use mangrove_core::{BasisPoints, DomainError, DomainResult, ErrorKind};
use std::collections::{BTreeMap, BTreeSet};

impl Ledger {
    /// Decides `command` at `now_ms` and applies its events.
    pub fn execute(&mut self, now_ms: i64, command: &Command, dirty: &mut Dirty) -> DomainResult<Decision> {
        let decision = self.decide(now_ms, command)?;
        for event in decision.events() {
            self.apply(event, dirty);
        }
        Ok(decision)
    }

    /// Decides `command` at `now_ms` (time is an input: the ledger has no clock).
    pub fn decide(&self, now_ms: i64, command: &Command) -> DomainResult<Decision> {
        match command {
            Command::OpenAccount { owner, asset, kind } => self.open_account(now_ms, *owner, *asset, *kind),
            Command::SetFee { asset, fee_bps } => self.set_fee(*asset, *fee_bps),
            Command::Transfer(spec) => {
                if let Some(existing) = self.transfer(spec.id()) {
                    return replay(existing, spec);
                }
                let mut scratch = Scratch::new(self);
                let transfer = scratch.decide(now_ms, spec)?;
                Ok(Decision::Apply(vec![Event::Transferred { transfer }]))
            }
            Command::Batch { transfers } => self.batch(now_ms, transfers),
            Command::ExpireHolds => Ok(Decision::Apply(self.expire_holds(now_ms))),
        }
    }

    fn open_account(&self, now_ms: i64, owner: Owner, asset: Asset, kind: AccountKind) -> DomainResult<Decision> {
        if kind.is_operators() != (owner == Owner::Operator) {
            let message = if kind.is_operators() {
                format!("a {} account belongs to the operator", kind.as_str())
            } else {
                "the operator's accounts are settlement, fee and clearing accounts; an organisation or a person \
                 owns an ordinary account"
                    .to_string()
            };
            return Err(DomainError::invalid("owner", message));
        }
        if let Some(existing) = self.account_for(owner, asset, kind) {
            return Err(DomainError::new(
                ErrorKind::Conflict,
                Some("owner"),
                format!("{owner} already has a {} {asset} account: {existing}", kind.as_str()),
            ));
        }
        if self.accounts.len() >= ACCOUNTS_MAX {
            return Err(DomainError::conflict(format!("the ledger holds {ACCOUNTS_MAX} accounts, its most")));
        }
        let account = LedgerAccount { id: self.next_account_id(), asset, owner, kind, opened_at_ms: now_ms };
        Ok(Decision::Apply(vec![Event::AccountOpened { account }]))
    }

    fn set_fee(&self, asset: Asset, fee_bps: u32) -> DomainResult<Decision> {
        if fee_bps > FEE_BPS_MAX {
            return Err(DomainError::invalid("fee_bps", format!("a fee is 0 to {FEE_BPS_MAX} basis points")));
        }
        if fee_bps > 0 && self.operator_account(AccountKind::Fee, asset).is_none() {
            return Err(DomainError::new(
                ErrorKind::NotFound,
                Some("asset"),
                format!("the operator has no {asset} fee account for the fee to go to; open it first"),
            ));
        }
        let fee_bps = BasisPoints::new(fee_bps, "fee_bps")?;
        Ok(Decision::Apply(vec![Event::FeeSet { asset, fee_bps }]))
    }

    fn batch(&self, now_ms: i64, specs: &[TransferSpec]) -> DomainResult<Decision> {
        if specs.is_empty() || specs.len() > TRANSFERS_PER_BATCH_MAX {
            return Err(DomainError::invalid(
                "transfers",
                format!("a batch links 1 to {TRANSFERS_PER_BATCH_MAX} transfers"),
            ));
        }
        let mut seen = BTreeSet::new();
        for (index, spec) in specs.iter().enumerate() {
            if !seen.insert(spec.id()) {
                let message = format!("transfers[{index}] {}: the id is used twice in this batch", spec.id());
                return Err(DomainError::invalid("id", message));
            }
        }
        let replayed = specs.iter().all(|spec| self.transfer(spec.id()).is_some_and(|done| done.spec() == *spec));
        if replayed {
            return Ok(Decision::AlreadyDone);
        }
        let mut scratch = Scratch::new(self);
        let mut events = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let transfer = match self.transfer(spec.id()) {
                Some(done) => Err(committed_before(done, spec)),
                None => scratch.decide(now_ms, spec),
            };
            let transfer = transfer.map_err(|error| DomainError {
                message: format!("transfers[{index}] {}: {}", spec.id(), error.message),
                ..error
            })?;
            events.push(Event::Transferred { transfer });
        }
        Ok(Decision::Apply(events))
    }

    fn expire_holds(&self, now_ms: i64) -> Vec<Event> {
        self.expiring
            .iter()
            .take_while(|(expires, _)| *expires <= now_ms)
            .take(EXPIRIES_PER_COMMAND_MAX)
            .map(|(_, id)| Event::HoldExpired { hold: id.clone(), released: self.holds[id].remaining(), at_ms: now_ms })
            .collect()
    }
}

/// A transfer whose id was committed before: a retry if the body is the
/// same, a conflict if not.
fn replay(done: &Transfer, spec: &TransferSpec) -> DomainResult<Decision> {
    if done.spec() == *spec {
        Ok(Decision::AlreadyDone)
    } else {
        Err(committed_before(done, spec))
    }
}

fn committed_before(done: &Transfer, spec: &TransferSpec) -> DomainError {
    let message = if done.spec() == *spec {
        "this transfer was committed before, outside this batch; a linked batch is retried whole or not at all"
            .to_string()
    } else {
        format!(
            "the id {} was used before for a different transfer (a {} of {} from {} to {}); choose a new id",
            done.id,
            done.kind.as_str(),
            done.asset.describe(done.amount),
            done.debit,
            done.credit
        )
    };
    DomainError::new(ErrorKind::Conflict, Some("id"), message)
}

/// The ledger as the transfers decided so far in this command left it: the
/// balances and holds they changed, and the ids they took.
struct Scratch<'a> {
    ledger: &'a Ledger,
    balances: BTreeMap<LedgerAccountId, Balance>,
    holds: BTreeMap<TransferId, Hold>,
    ids: BTreeSet<TransferId>,
    open_hold_count: usize,
}

impl<'a> Scratch<'a> {
    fn new(ledger: &'a Ledger) -> Self {
        Scratch {
            ledger,
            balances: BTreeMap::new(),
            holds: BTreeMap::new(),
            ids: BTreeSet::new(),
            open_hold_count: ledger.open_hold_count,
        }
    }

    fn balance(&self, id: LedgerAccountId) -> Balance {
        self.balances.get(&id).copied().unwrap_or_else(|| self.ledger.balances[&id])
    }

    fn hold(&self, id: &TransferId) -> Option<&Hold> {
        self.holds.get(id).or_else(|| self.ledger.holds.get(id))
    }

    /// Decides one transfer and, if it is accepted, records its effect here.
    fn decide(&mut self, now_ms: i64, spec: &TransferSpec) -> DomainResult<Transfer> {
        assert!(!self.ids.contains(spec.id()), "a batch's ids are checked to be distinct first");
        let transfer = self.resolve(now_ms, spec)?;
        let (debit, credit) = (self.balance(transfer.debit), self.balance(transfer.credit));
        let hold = transfer.pending_id.as_ref().and_then(|id| self.hold(id));
        let Some(Effect { debit, credit, hold }) = effect(&transfer, debit, credit, hold) else {
            return Err(DomainError::invalid(
                "amount",
                format!("the amount would take an account's running totals past {ACCOUNT_TOTAL_MAX}"),
            ));
        };
        let account = &self.ledger.accounts[&transfer.debit];
        if account.kind != AccountKind::Settlement && debit.available() < 0 {
            let had = self.balance(transfer.debit).available();
            return Err(DomainError::insufficient(
                "amount",
                format!(
                    "{} has {} available, {} is needed",
                    transfer.debit,
                    transfer.asset.describe(Amount::new(u64::try_from(had).expect("never overdrawn"))),
                    transfer.asset.describe(transfer.amount)
                ),
            ));
        }
        if let Some(hold) = hold {
            let was_open = self.hold(&hold.id).is_some_and(Hold::is_open);
            match (was_open, hold.is_open()) {
                (false, true) if self.open_hold_count >= HOLDS_OPEN_MAX => {
                    return Err(DomainError::conflict(format!(
                        "the ledger has {HOLDS_OPEN_MAX} open holds, its most; post or void some first"
                    )));
                }
                (false, true) => self.open_hold_count += 1,
                (true, false) => self.open_hold_count -= 1,
                _ => {}
            }
            self.holds.insert(hold.id.clone(), hold);
        }
        self.balances.insert(transfer.debit, debit);
        self.balances.insert(transfer.credit, credit);
        self.ids.insert(transfer.id.clone());
        Ok(transfer)
    }

    /// Checks a request's own fields and its accounts or hold, and makes
    /// the transfer record it asks for.
    fn resolve(&self, now_ms: i64, spec: &TransferSpec) -> DomainResult<Transfer> {
        let (kind, debit, credit, amount, pending_id, timeout_ms) = match spec {
            TransferSpec::Deposit { account, amount, .. } => {
                let settlement = self.settlement_for(*account, "account")?;
                (TransferKind::Deposit, settlement, *account, *amount, None, None)
            }
            TransferSpec::Withdrawal { account, amount, .. } => {
                let settlement = self.settlement_for(*account, "account")?;
                (TransferKind::Withdrawal, *account, settlement, *amount, None, None)
            }
            TransferSpec::Posted { debit, credit, amount, .. } => {
                (TransferKind::Posted, *debit, *credit, *amount, None, None)
            }
            TransferSpec::Pending { debit, credit, amount, timeout_ms, .. } => {
                check_timeout(*timeout_ms)?;
                (TransferKind::Pending, *debit, *credit, *amount, None, *timeout_ms)
            }
            TransferSpec::PostPending { pending, amount, .. } => {
                let hold = self.open_hold(now_ms, pending, true)?;
                if *amount > hold.remaining() {
                    return Err(DomainError::insufficient(
                        "amount",
                        format!(
                            "the hold {pending} has {} left to post, {} was asked",
                            hold.asset.describe(hold.remaining()),
                            hold.asset.describe(*amount)
                        ),
                    ));
                }
                (TransferKind::PostPending, hold.debit, hold.credit, *amount, Some(pending.clone()), None)
            }
            TransferSpec::VoidPending { pending, .. } => {
                let hold = self.open_hold(now_ms, pending, false)?;
                (TransferKind::VoidPending, hold.debit, hold.credit, hold.remaining(), Some(pending.clone()), None)
            }
        };
        if !matches!(spec, TransferSpec::VoidPending { .. }) {
            check_amount(amount)?;
        }
        let asset = self.check_accounts(kind, debit, credit)?;
        let id = spec.id().clone();
        Ok(Transfer { id, kind, debit, credit, asset, amount, pending_id, timeout_ms, at_ms: now_ms })
    }

    /// The settlement account of `account`'s asset.
    fn settlement_for(&self, account: LedgerAccountId, field: &'static str) -> DomainResult<LedgerAccountId> {
        let record = self.known(account, field)?;
        if record.kind == AccountKind::Settlement {
            return Err(DomainError::invalid(field, "a deposit or withdrawal names the other account, not the bank"));
        }
        self.ledger.operator_account(AccountKind::Settlement, record.asset).ok_or_else(|| {
            DomainError::new(
                ErrorKind::NotFound,
                None,
                format!("the operator's {} settlement account is not open", record.asset),
            )
        })
    }

    fn known(&self, account: LedgerAccountId, field: &'static str) -> DomainResult<&'a LedgerAccount> {
        self.ledger
            .accounts
            .get(&account)
            .ok_or_else(|| DomainError::not_found(field, format!("there is no {account}")))
    }

    /// Both accounts exist, differ, hold the same asset, and the settlement
    /// account appears only in deposits and withdrawals. Returns the asset.
    fn check_accounts(
        &self,
        kind: TransferKind,
        debit: LedgerAccountId,
        credit: LedgerAccountId,
    ) -> DomainResult<Asset> {
        let (debit_account, credit_account) = (self.known(debit, "debit")?, self.known(credit, "credit")?);
        if debit == credit {
            return Err(DomainError::invalid("credit", "a transfer needs two different accounts"));
        }
        if debit_account.asset != credit_account.asset {
            return Err(DomainError::invalid(
                "credit",
                format!("{debit} holds {}, {credit} holds {}", debit_account.asset, credit_account.asset),
            ));
        }
        let banking = matches!(kind, TransferKind::Deposit | TransferKind::Withdrawal);
        for (account, field) in [(debit_account, "debit"), (credit_account, "credit")] {
            if account.kind == AccountKind::Settlement && !banking {
                return Err(DomainError::new(
                    ErrorKind::Forbidden,
                    Some(field),
                    "the settlement account moves only by deposits and withdrawals",
                ));
            }
        }
        Ok(debit_account.asset)
    }

    /// The open hold `id`, for a post (which must come before it expires)
    /// or a void (which may release an expired hold not yet swept).
    fn open_hold(&self, now_ms: i64, id: &TransferId, posting: bool) -> DomainResult<&Hold> {
        let hold = self.hold(id).ok_or_else(|| DomainError::not_found("pending", format!("there is no hold {id}")))?;
        let closed = match hold.status {
            HoldStatus::Open if posting && hold.expired_at(now_ms) => Some("expired"),
            HoldStatus::Open => None,
            HoldStatus::Posted => Some("was posted in full"),
            HoldStatus::Voided => Some("was voided"),
            HoldStatus::Expired => Some("expired"),
        };
        match closed {
            Some(what) => Err(DomainError::new(ErrorKind::Conflict, Some("pending"), format!("the hold {id} {what}"))),
            None => Ok(hold),
        }
    }
}

fn check_amount(amount: Amount) -> DomainResult<()> {
    if amount.is_zero() || amount.get() > AMOUNT_PER_TRANSFER_MAX {
        return Err(DomainError::invalid("amount", format!("an amount is 1 to {AMOUNT_PER_TRANSFER_MAX}")));
    }
    Ok(())
}

fn check_timeout(timeout_ms: Option<u64>) -> DomainResult<()> {
    match timeout_ms {
        Some(timeout) if timeout == 0 || timeout > HOLD_TIMEOUT_MS_MAX => Err(DomainError::invalid(
            "timeout_ms",
            format!("a hold's timeout is 1 to {HOLD_TIMEOUT_MS_MAX} ms; leave it out for a hold that does not expire"),
        )),
        _ => Ok(()),
    }
}
