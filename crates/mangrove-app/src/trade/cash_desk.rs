//! The cash desk: the operator records the baht that reach the bank as
//! deposits and pays out withdrawals, each naming its bank reference, so
//! that the ledger's cash is always money that exists.

use super::*;

impl App {
    pub(super) fn record_bank(
        &mut self,
        context: &Context,
        org: OrgId,
        amount_satang: u64,
        reference: &str,
        deposit: bool,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        permissions::require_operator(&context.actor)?;
        if self.registry.organisation(org).is_none() {
            return Err(DomainError::not_found("org", format!("there is no organisation {}", org.get())));
        }
        if !(1..=mangrove_ledger::AMOUNT_PER_TRANSFER_MAX).contains(&amount_satang) {
            return Err(invalid("amount_satang", "an amount is a positive number of satang within the transfer limit"));
        }
        let kind = if deposit { "deposit" } else { "withdrawal" };
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(invalid("reference", "a bank reference is required: copy it from the bank's statement"));
        }
        let id = TransferId::new(format!("{kind}-{reference}"))
            .map_err(|_| invalid("reference", "a bank reference is 1 to 50 printable characters without spaces"))?;
        if self.ledger.operator_account(CashKind::Settlement, Asset::Thb).is_none() {
            return Err(DomainError::conflict("open the exchange first: there is no bank account for baht"));
        }
        if let Some(earlier) = self.ledger.transfer(&id) {
            // One bank transfer is recorded once. A retried request carries the same Idempotency-Key and is
            // answered from the journal before it reaches here; a second request with the same reference is a
            // mistake (or a statement read twice) and must be seen, never credited or swallowed silently.
            return Err(DomainError::new(
                ErrorKind::Conflict,
                Some("reference"),
                format!(
                    "the bank reference {reference} was already recorded as a {kind} of {} satang (ledger transfer {}); \
                     a bank transfer is recorded once",
                    earlier.amount.get(),
                    earlier.id.as_str()
                ),
            ));
        }
        let mut out = Vec::new();
        let account = match self.cash_account(org) {
            Some(account) => account,
            None if deposit => {
                // A new id into a new account: only the amount could be refused, and it was checked above.
                let open = mangrove_ledger::Command::OpenAccount {
                    owner: Owner::Org(org),
                    asset: Asset::Thb,
                    kind: CashKind::Ordinary,
                };
                self.run_ledger(context, &open, dirty, &mut out);
                self.cash_account(org).expect("just opened")
            }
            None => return Err(DomainError::insufficient("org", "the organisation has no baht account")),
        };
        let amount = Amount::new(amount_satang);
        let spec = if deposit {
            TransferSpec::Deposit { id, account, amount }
        } else {
            TransferSpec::Withdrawal { id, account, amount }
        };
        let events =
            self.ledger.execute(context.now_ms, &mangrove_ledger::Command::Transfer(spec), &mut dirty.ledger)?;
        out.extend(events.events().iter().cloned().map(AppEvent::Ledger));
        Ok(out)
    }
}
