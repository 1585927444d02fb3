//! The registry's invariants, checked from scratch against the blocks.
//! The store calls this after loading, the tests after every command.

use crate::model::*;
use crate::state::Registry;
use mangrove_core::*;
use std::collections::{BTreeMap, BTreeSet};

impl Registry {
    /// Checks every invariant; the error names the first one broken.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.check_blocks_tile_batches()?;
        self.check_tallies()?;
        self.check_holds_and_retirements()?;
        self.check_reports()
    }

    /// Per batch, the blocks cover units 1..=issued exactly once: serials
    /// never overlap and nothing beyond the verified quantity exists.
    fn check_blocks_tile_batches(&self) -> Result<(), String> {
        let mut next_unit: BTreeMap<BatchId, u64> = BTreeMap::new();
        for (&(batch, first), block) in &self.blocks {
            if block.batch != batch || block.range.first != first || block.range.last < first {
                return Err(format!("block at {batch} unit {first} is stored under the wrong key"));
            }
            let expected = next_unit.entry(batch).or_insert(1);
            if first != *expected {
                return Err(format!(
                    "{batch}: units from {expected} are missing or overlap (next block starts at {first})"
                ));
            }
            *expected = block.range.last + 1;
            if !self.accounts.contains_key(&block.account) {
                return Err(format!("{batch} unit {first} belongs to unknown {}", block.account));
            }
        }
        for batch in self.batches.values() {
            let covered = next_unit.get(&batch.id).map_or(0, |next| next - 1);
            if covered != batch.issued_tco2e.get() {
                return Err(format!("{}: blocks cover {covered} units, {} were issued", batch.id, batch.issued_tco2e));
            }
        }
        if next_unit.keys().any(|batch| !self.batches.contains_key(batch)) {
            return Err("blocks exist for a batch that was never issued".into());
        }
        Ok(())
    }

    /// Batch totals and account holdings equal what the blocks say, and
    /// issued = active + held + retired + cancelled.
    fn check_tallies(&self) -> Result<(), String> {
        let mut totals: BTreeMap<BatchId, BatchTotals> = BTreeMap::new();
        let mut holdings: BTreeMap<(AccountId, BatchId), Holding> = BTreeMap::new();
        let mut live: BTreeMap<AccountId, BTreeSet<(BatchId, u64)>> = BTreeMap::new();
        let mut active: BTreeMap<AccountId, BTreeSet<(BatchId, u64)>> = BTreeMap::new();
        for block in self.blocks.values() {
            let quantity = Tco2e::new(block.range.len());
            let total = totals.entry(block.batch).or_default();
            let key = (block.batch, block.range.first);
            match block.state {
                UnitState::Active => {
                    total.active_tco2e += quantity;
                    holdings.entry((block.account, block.batch)).or_default().active_tco2e += quantity;
                    live.entry(block.account).or_default().insert(key);
                    active.entry(block.account).or_default().insert(key);
                }
                UnitState::Held(_) => {
                    total.held_tco2e += quantity;
                    holdings.entry((block.account, block.batch)).or_default().held_tco2e += quantity;
                    live.entry(block.account).or_default().insert(key);
                }
                UnitState::Retired(_) => total.retired_tco2e += quantity,
                UnitState::Cancelled(_) => total.cancelled_tco2e += quantity,
            }
        }
        for batch in self.batches.values() {
            let total = totals.get(&batch.id).copied().unwrap_or_default();
            if self.batch_totals(batch.id) != total {
                return Err(format!(
                    "{}: stored totals {:?} differ from the blocks {total:?}",
                    batch.id,
                    self.batch_totals(batch.id)
                ));
            }
            let sum = total.active_tco2e + total.held_tco2e + total.retired_tco2e + total.cancelled_tco2e;
            if sum != batch.issued_tco2e {
                return Err(format!(
                    "{}: active + held + retired + cancelled = {sum}, issued {}",
                    batch.id, batch.issued_tco2e
                ));
            }
        }
        if holdings != self.holdings {
            return Err("account holdings differ from the blocks".into());
        }
        let stored_live: BTreeMap<_, _> =
            self.live_blocks.iter().filter(|(_, keys)| !keys.is_empty()).map(|(a, k)| (*a, k.clone())).collect();
        if stored_live != live {
            return Err("the index of live blocks differs from the blocks".into());
        }
        let stored_active: BTreeMap<_, _> =
            self.active_blocks.iter().filter(|(_, keys)| !keys.is_empty()).map(|(a, k)| (*a, k.clone())).collect();
        if stored_active != active {
            return Err("the index of active blocks differs from the blocks".into());
        }
        Ok(())
    }

    /// Each hold, retirement and cancellation is exactly the blocks marked with it.
    fn check_holds_and_retirements(&self) -> Result<(), String> {
        let mut marked: BTreeMap<UnitState, Vec<(BatchId, UnitRange, AccountId)>> = BTreeMap::new();
        for block in self.blocks.values().filter(|block| block.state != UnitState::Active) {
            marked.entry(block.state).or_default().push((block.batch, block.range, block.account));
        }
        let expect = |state: UnitState, account: AccountId, parts: Vec<(BatchId, UnitRange)>| -> Result<(), String> {
            let found: u64 =
                marked.get(&state).map_or(0, |blocks| blocks.iter().map(|(_, range, _)| range.len()).sum());
            let wanted: u64 = parts.iter().map(|(_, range)| range.len()).sum();
            let all_inside = marked.get(&state).is_none_or(|blocks| {
                blocks.iter().all(|(batch, range, owner)| {
                    *owner == account
                        && parts.iter().any(|(b, r)| b == batch && r.first <= range.first && range.last <= r.last)
                })
            });
            if found != wanted || !all_inside {
                return Err(format!(
                    "{state:?}: its blocks do not match its record ({found} units found, {wanted} recorded)"
                ));
            }
            Ok(())
        };
        for hold in self.holds.values() {
            expect(UnitState::Held(hold.id), hold.account, hold.ranges.iter().map(|r| (hold.batch, *r)).collect())?;
        }
        for retirement in self.retirements.values() {
            let parts = retirement.ranges.iter().map(|r| (retirement.batch, *r)).collect();
            expect(UnitState::Retired(retirement.id), retirement.account, parts)?;
        }
        for cancellation in self.cancellations.values() {
            let parts = cancellation.parts.iter().flat_map(|p| p.ranges.iter().map(|r| (p.batch, *r))).collect();
            expect(UnitState::Cancelled(cancellation.id), cancellation.account, parts)?;
        }
        let recorded = self.holds.len() + self.retirements.len() + self.cancellations.len();
        if marked.len() != recorded {
            return Err("some blocks are held, retired or cancelled by a record that does not exist".into());
        }
        Ok(())
    }

    /// A report issues at most once, and only a verified one.
    fn check_reports(&self) -> Result<(), String> {
        let mut issued_reports = BTreeSet::new();
        for batch in self.batches.values() {
            if !issued_reports.insert(batch.report) {
                return Err(format!("report {} was issued twice", batch.report.get()));
            }
            let report = self.reports.get(&batch.report).ok_or("a batch names an unknown report")?;
            if report.status != ReportStatus::Issued || report.verified_tco2e != batch.issued_tco2e {
                return Err(format!("{} does not match its report {}", batch.id, report.id.get()));
            }
        }
        let issued_without_batch = self.reports.values().filter(|r| r.status == ReportStatus::Issued).count();
        if issued_without_batch != issued_reports.len() {
            return Err("a report is marked issued without a batch".into());
        }
        Ok(())
    }
}
