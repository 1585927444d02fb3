//! The registry's state and how events change it. `apply` never fails: an
//! event is a fact that was already checked when its command was decided.

use crate::command::Event;
use crate::model::*;
use crate::serial::Serial;
use mangrove_core::*;
use std::collections::{BTreeMap, BTreeSet};

/// Where a block is stored: its batch and its first unit.
pub type BlockKey = (BatchId, u64);

/// The keys of every record an event touched, so that the store rewrites
/// exactly those projection rows in the same transaction as the events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dirty {
    pub organisations: BTreeSet<OrgId>,
    pub accounts: BTreeSet<AccountId>,
    pub classes: BTreeSet<ClassId>,
    pub projects: BTreeSet<ProjectId>,
    pub reports: BTreeSet<ReportId>,
    pub batches: BTreeSet<BatchId>,
    pub blocks: BTreeSet<BlockKey>,
    pub holdings: BTreeSet<(AccountId, BatchId)>,
    pub retirements: BTreeSet<RetirementId>,
    pub cancellations: BTreeSet<CancellationId>,
    pub holds: BTreeSet<HoldId>,
    /// Logins live in memory and in the users table beside the journal; no projection rows yet.
    pub logins: BTreeSet<UserId>,
    pub persons: BTreeSet<UserId>,
}

impl Dirty {
    pub fn is_empty(&self) -> bool {
        *self == Dirty::default()
    }
}

#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Registry {
    pub(crate) organisations: BTreeMap<OrgId, Organisation>,
    pub(crate) accounts: BTreeMap<AccountId, Account>,
    pub(crate) buffer_account: Option<AccountId>,
    pub(crate) classes: BTreeMap<ClassId, CreditClass>,
    pub(crate) projects: BTreeMap<ProjectId, Project>,
    pub(crate) reports: BTreeMap<ReportId, MonitoringReport>,
    pub(crate) batches: BTreeMap<BatchId, Batch>,
    pub(crate) batch_totals: BTreeMap<BatchId, BatchTotals>,
    pub(crate) blocks: BTreeMap<BlockKey, Block>,
    /// Active and held blocks by account, for showing an account's units.
    pub(crate) live_blocks: BTreeMap<AccountId, BTreeSet<BlockKey>>,
    /// Active blocks by account, for picking units to move without walking
    /// past the held ones (an account with many open sell orders holds many).
    pub(crate) active_blocks: BTreeMap<AccountId, BTreeSet<BlockKey>>,
    pub(crate) holdings: BTreeMap<(AccountId, BatchId), Holding>,
    pub(crate) retirements: BTreeMap<RetirementId, Retirement>,
    pub(crate) cancellations: BTreeMap<CancellationId, Cancellation>,
    pub(crate) holds: BTreeMap<HoldId, Hold>,
    /// Holds are removed when released or settled; ids are never reused.
    pub(crate) holds_created: u64,
    /// Logins created since logins are journaled, by user id.
    pub(crate) logins: BTreeMap<UserId, Login>,
    /// People with accounts of their own, by user id.
    pub(crate) persons: BTreeMap<UserId, Person>,
    /// Each project's batches, in issuance order: derived from `batches`,
    /// kept as they are issued, rebuilt after a snapshot is read
    /// ([`Registry::rebuild_indexes`]), so that a project's totals never
    /// walk every batch.
    #[serde(skip)]
    pub(crate) project_batches: BTreeMap<ProjectId, Vec<BatchId>>,
    /// Each account's retirements, in order: derived from `retirements` like
    /// `project_batches`, so that a factory's retired tonnes never walk
    /// every retirement.
    #[serde(skip)]
    pub(crate) account_retirements: BTreeMap<AccountId, Vec<RetirementId>>,
}

/// Which tally a unit counts in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tally {
    Active,
    Held,
    Retired,
    Cancelled,
}

fn tally(state: UnitState) -> Tally {
    match state {
        UnitState::Active => Tally::Active,
        UnitState::Held(_) => Tally::Held,
        UnitState::Retired(_) => Tally::Retired,
        UnitState::Cancelled(_) => Tally::Cancelled,
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    // ---- reads -------------------------------------------------------

    pub fn login(&self, user: UserId) -> Option<&Login> {
        self.logins.get(&user)
    }
    /// The journaled logins of one organisation.
    pub fn logins_of(&self, org: OrgId) -> impl Iterator<Item = &Login> {
        self.logins.values().filter(move |login| login.org == org)
    }
    pub fn organisation(&self, id: OrgId) -> Option<&Organisation> {
        self.organisations.get(&id)
    }
    pub fn organisations(&self) -> impl Iterator<Item = &Organisation> {
        self.organisations.values()
    }
    pub fn person(&self, user: UserId) -> Option<&Person> {
        self.persons.get(&user)
    }
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        self.persons.values()
    }
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id)
    }
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }
    pub fn buffer_account(&self) -> Option<AccountId> {
        self.buffer_account
    }
    pub fn class(&self, id: ClassId) -> Option<&CreditClass> {
        self.classes.get(&id)
    }
    pub fn classes(&self) -> impl Iterator<Item = &CreditClass> {
        self.classes.values()
    }
    pub fn project(&self, id: ProjectId) -> Option<&Project> {
        self.projects.get(&id)
    }
    pub fn projects(&self) -> impl Iterator<Item = &Project> {
        self.projects.values()
    }
    pub fn report(&self, id: ReportId) -> Option<&MonitoringReport> {
        self.reports.get(&id)
    }
    pub fn reports(&self) -> impl Iterator<Item = &MonitoringReport> {
        self.reports.values()
    }
    pub fn batch(&self, id: BatchId) -> Option<&Batch> {
        self.batches.get(&id)
    }
    pub fn batches(&self) -> impl Iterator<Item = &Batch> {
        self.batches.values()
    }
    /// A project's batches, in issuance order, without walking the others.
    pub fn batches_of(&self, project: ProjectId) -> impl Iterator<Item = &Batch> {
        let ids = self.project_batches.get(&project).map_or(&[][..], Vec::as_slice);
        ids.iter().filter_map(|id| self.batches.get(id))
    }
    /// Rebuilds what is derived from the rest and not kept in snapshots.
    pub fn rebuild_indexes(&mut self) {
        self.project_batches.clear();
        for batch in self.batches.values() {
            self.project_batches.entry(batch.project).or_default().push(batch.id);
        }
        self.account_retirements.clear();
        for retirement in self.retirements.values() {
            self.account_retirements.entry(retirement.account).or_default().push(retirement.id);
        }
    }
    /// The retirements made from one account, in order.
    pub fn retirements_from(&self, account: AccountId) -> impl Iterator<Item = &Retirement> {
        let ids = self.account_retirements.get(&account).map_or(&[][..], Vec::as_slice);
        ids.iter().filter_map(|id| self.retirements.get(id))
    }
    pub fn batch_totals(&self, id: BatchId) -> BatchTotals {
        self.batch_totals.get(&id).copied().unwrap_or_default()
    }
    pub fn block(&self, key: BlockKey) -> Option<&Block> {
        self.blocks.get(&key)
    }
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.values()
    }
    pub fn holding(&self, account: AccountId, batch: BatchId) -> Holding {
        self.holdings.get(&(account, batch)).copied().unwrap_or_default()
    }
    /// One account's holdings by batch, without walking the others'.
    pub fn holdings_of(&self, account: AccountId) -> impl Iterator<Item = (BatchId, &Holding)> {
        self.holdings
            .range((account, BatchId(0))..=(account, BatchId(u64::MAX)))
            .map(|(&(_, batch), holding)| (batch, holding))
    }
    pub fn holdings(&self) -> impl Iterator<Item = (&(AccountId, BatchId), &Holding)> {
        self.holdings.iter()
    }
    pub fn retirement(&self, id: RetirementId) -> Option<&Retirement> {
        self.retirements.get(&id)
    }
    pub fn retirements(&self) -> impl DoubleEndedIterator<Item = &Retirement> {
        self.retirements.values()
    }
    pub fn cancellation(&self, id: CancellationId) -> Option<&Cancellation> {
        self.cancellations.get(&id)
    }
    pub fn cancellations(&self) -> impl Iterator<Item = &Cancellation> {
        self.cancellations.values()
    }
    pub fn hold(&self, id: HoldId) -> Option<&Hold> {
        self.holds.get(&id)
    }
    pub fn holds(&self) -> impl Iterator<Item = &Hold> {
        self.holds.values()
    }

    /// The block holding `unit` of `batch`, if the batch has that unit.
    pub fn block_containing(&self, batch: BatchId, unit: u64) -> Option<&Block> {
        let (_, block) = self.blocks.range(..=(batch, unit)).next_back()?;
        (block.batch == batch && block.range.last >= unit).then_some(block)
    }

    /// The serial of a range of a batch.
    pub fn serial(&self, batch: BatchId, range: UnitRange) -> Option<Serial> {
        let record = self.batches.get(&batch)?;
        Some(Serial { project: record.project, vintage_year: record.vintage_end.year(), batch, range })
    }

    /// Blocks of `batch` overlapping `range`, in unit order.
    pub fn blocks_overlapping(&self, batch: BatchId, range: UnitRange) -> Vec<Block> {
        let start = self.block_containing(batch, range.first).map_or(range.first, |block| block.range.first);
        self.blocks.range((batch, start)..=(batch, range.last)).map(|(_, block)| *block).collect()
    }

    /// The active and held blocks of an account in one batch, in serial order.
    pub fn live_blocks_of(&self, account: AccountId, batch: BatchId) -> impl Iterator<Item = &Block> {
        self.live_blocks
            .get(&account)
            .into_iter()
            .flat_map(move |keys| keys.range((batch, 0)..=(batch, u64::MAX)))
            .map(|key| &self.blocks[key])
    }

    /// The active blocks of an account in one batch, in serial order.
    pub fn active_blocks_of(&self, account: AccountId, batch: BatchId) -> impl Iterator<Item = &Block> {
        self.active_blocks
            .get(&account)
            .into_iter()
            .flat_map(move |keys| keys.range((batch, 0)..=(batch, u64::MAX)))
            .map(|key| &self.blocks[key])
    }

    pub(crate) fn next_org_id(&self) -> OrgId {
        OrgId(self.organisations.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_account_id(&self) -> AccountId {
        AccountId(self.accounts.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_class_id(&self) -> ClassId {
        ClassId(self.classes.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_project_id(&self) -> ProjectId {
        ProjectId(self.projects.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_report_id(&self) -> ReportId {
        ReportId(self.reports.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_batch_id(&self) -> BatchId {
        BatchId(self.batches.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_retirement_id(&self) -> RetirementId {
        RetirementId(self.retirements.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_cancellation_id(&self) -> CancellationId {
        CancellationId(self.cancellations.keys().next_back().map_or(1, |id| id.0 + 1))
    }
    pub(crate) fn next_hold_id(&self) -> HoldId {
        HoldId(self.holds_created + 1)
    }

    // ---- writes ------------------------------------------------------

    /// Applies one event, recording what it touched in `dirty`.
    pub fn apply(&mut self, event: &Event, dirty: &mut Dirty) {
        match event {
            Event::LoginCreated { login } => {
                self.logins.insert(login.user, login.clone());
                dirty.logins.insert(login.user);
            }
            Event::LoginDisabled { user, disabled } => {
                let login = self.logins.get_mut(user).expect("event names a known login");
                login.disabled = Some(disabled.clone());
                dirty.logins.insert(*user);
            }
            Event::OrganisationCreated { organisation } => {
                let account = Account {
                    id: organisation.account,
                    holder: Holder::Org(organisation.id),
                    kind: AccountKind::Holding,
                };
                self.accounts.insert(account.id, account);
                self.organisations.insert(organisation.id, organisation.clone());
                dirty.organisations.insert(organisation.id);
                dirty.accounts.insert(organisation.account);
            }
            Event::PersonRegistered { person } => {
                let account =
                    Account { id: person.account, holder: Holder::Person(person.user), kind: AccountKind::Holding };
                self.accounts.insert(account.id, account);
                self.persons.insert(person.user, person.clone());
                dirty.persons.insert(person.user);
                dirty.accounts.insert(person.account);
            }
            Event::BufferPoolOpened { account } => {
                self.accounts.insert(account.id, account.clone());
                self.buffer_account = Some(account.id);
                dirty.accounts.insert(account.id);
            }
            Event::CreditClassCreated { class } => {
                self.classes.insert(class.id, class.clone());
                dirty.classes.insert(class.id);
            }
            Event::ProjectDrafted { project } | Event::ProjectUpdated { project } => {
                self.projects.insert(project.id, project.clone());
                dirty.projects.insert(project.id);
            }
            Event::ProjectStatusChanged { project, status, note, .. } => {
                let record = self.projects.get_mut(project).expect("event names a known project");
                record.status = *status;
                record.review_note.clone_from(note);
                dirty.projects.insert(*project);
            }
            Event::ReportSubmitted { report } => {
                self.reports.insert(report.id, report.clone());
                dirty.reports.insert(report.id);
            }
            Event::ReportReviewed { report, status, verified_tco2e, verifier, note } => {
                let record = self.reports.get_mut(report).expect("event names a known report");
                record.status = *status;
                record.verified_tco2e = *verified_tco2e;
                record.verifier = Some(*verifier);
                record.review_note.clone_from(note);
                dirty.reports.insert(*report);
            }
            Event::CreditsIssued { batch, buffer_account } => self.apply_issuance(batch, *buffer_account, dirty),
            Event::Transferred { from, to, batch, ranges } => {
                for range in ranges {
                    self.move_units(*batch, *range, *from, *to, UnitState::Active, dirty);
                }
            }
            Event::Retired { retirement } => {
                for range in &retirement.ranges {
                    let state = UnitState::Retired(retirement.id);
                    self.move_units(retirement.batch, *range, retirement.account, retirement.account, state, dirty);
                }
                self.retirements.insert(retirement.id, retirement.clone());
                self.account_retirements.entry(retirement.account).or_default().push(retirement.id);
                dirty.retirements.insert(retirement.id);
            }
            Event::Cancelled { cancellation } => {
                for part in &cancellation.parts {
                    for range in &part.ranges {
                        let (account, state) = (cancellation.account, UnitState::Cancelled(cancellation.id));
                        self.move_units(part.batch, *range, account, account, state, dirty);
                    }
                }
                self.cancellations.insert(cancellation.id, cancellation.clone());
                dirty.cancellations.insert(cancellation.id);
            }
            Event::HoldPlaced { hold } => {
                for range in &hold.ranges {
                    self.move_units(hold.batch, *range, hold.account, hold.account, UnitState::Held(hold.id), dirty);
                }
                self.holds_created = self.holds_created.max(hold.id.0);
                self.holds.insert(hold.id, hold.clone());
                dirty.holds.insert(hold.id);
            }
            Event::HoldReleased { hold } => self.end_hold(*hold, None, dirty),
            Event::HoldSettled { hold, to } => self.end_hold(*hold, Some(*to), dirty),
            Event::HoldPartlySettled { hold, to, ranges } => self.settle_part(*hold, *to, ranges, dirty),
        }
    }

    fn apply_issuance(&mut self, batch: &Batch, buffer_account: AccountId, dirty: &mut Dirty) {
        let issued = batch.issued_tco2e.get();
        let to_proponent = issued - batch.buffer_tco2e.get();
        self.batches.insert(batch.id, batch.clone());
        self.project_batches.entry(batch.project).or_default().push(batch.id);
        self.batch_totals.insert(batch.id, BatchTotals::default());
        let parts = [(1, to_proponent, batch.issued_to), (to_proponent + 1, issued, buffer_account)];
        for (first, last, account) in parts {
            if first <= last {
                let block =
                    Block { batch: batch.id, range: UnitRange { first, last }, account, state: UnitState::Active };
                self.insert_block(block, dirty);
                self.count(account, batch.id, Tally::Active, last - first + 1, true, dirty);
            }
        }
        let report = self.reports.get_mut(&batch.report).expect("issuance names a known report");
        report.status = ReportStatus::Issued;
        dirty.reports.insert(batch.report);
        dirty.batches.insert(batch.id);
    }

    /// Delivers a prefix of a hold's ranges and shrinks the hold to the rest.
    fn settle_part(&mut self, hold: HoldId, to: AccountId, ranges: &[UnitRange], dirty: &mut Dirty) {
        let record = self.holds.get(&hold).expect("event names a live hold").clone();
        let mut delivered = 0;
        for range in ranges {
            self.move_units(record.batch, *range, record.account, to, UnitState::Active, dirty);
            delivered += range.len();
        }
        let mut rest = Vec::new();
        let mut skip = delivered;
        for range in &record.ranges {
            let taken = skip.min(range.len());
            skip -= taken;
            if taken < range.len() {
                rest.push(UnitRange { first: range.first + taken, last: range.last });
            }
        }
        let shrunk = self.holds.get_mut(&hold).expect("still live");
        shrunk.ranges = rest;
        shrunk.quantity_tco2e = Tco2e::new(record.quantity_tco2e.get() - delivered);
        dirty.holds.insert(hold);
    }

    fn end_hold(&mut self, hold: HoldId, to: Option<AccountId>, dirty: &mut Dirty) {
        let record = self.holds.remove(&hold).expect("event names a live hold");
        for range in &record.ranges {
            let to = to.unwrap_or(record.account);
            self.move_units(record.batch, *range, record.account, to, UnitState::Active, dirty);
        }
        dirty.holds.insert(hold);
    }

    /// Moves `range`, which lies inside one block of `from`, to `to` in
    /// `state`, splitting the block where the range does not cover it.
    fn move_units(
        &mut self,
        batch: BatchId,
        range: UnitRange,
        from: AccountId,
        to: AccountId,
        state: UnitState,
        dirty: &mut Dirty,
    ) {
        let block = *self.block_containing(batch, range.first).expect("moved units exist");
        assert!(block.account == from && block.range.last >= range.last, "moved units lie in one block of the sender");
        assert!(
            !matches!(tally(block.state), Tally::Retired | Tally::Cancelled),
            "retired and cancelled units never move"
        );
        self.remove_block(block, dirty);
        if block.range.first < range.first {
            self.insert_block(
                Block { range: UnitRange { first: block.range.first, last: range.first - 1 }, ..block },
                dirty,
            );
        }
        if range.last < block.range.last {
            self.insert_block(
                Block { range: UnitRange { first: range.last + 1, last: block.range.last }, ..block },
                dirty,
            );
        }
        self.insert_block(Block { batch, range, account: to, state }, dirty);
        self.count(from, batch, tally(block.state), range.len(), false, dirty);
        self.count(to, batch, tally(state), range.len(), true, dirty);
    }

    fn remove_block(&mut self, block: Block, dirty: &mut Dirty) {
        let key = (block.batch, block.range.first);
        self.blocks.remove(&key);
        if let Some(keys) = self.live_blocks.get_mut(&block.account) {
            keys.remove(&key);
        }
        if let Some(keys) = self.active_blocks.get_mut(&block.account) {
            keys.remove(&key);
        }
        dirty.blocks.insert(key);
    }

    fn insert_block(&mut self, block: Block, dirty: &mut Dirty) {
        let key = (block.batch, block.range.first);
        if matches!(tally(block.state), Tally::Active | Tally::Held) {
            self.live_blocks.entry(block.account).or_default().insert(key);
        }
        if block.state == UnitState::Active {
            self.active_blocks.entry(block.account).or_default().insert(key);
        }
        self.blocks.insert(key, block);
        dirty.blocks.insert(key);
    }

    /// Adds or removes `quantity` units to the account's holding and the
    /// batch's totals under `tally`.
    fn count(&mut self, account: AccountId, batch: BatchId, tally: Tally, quantity: u64, add: bool, dirty: &mut Dirty) {
        let quantity = Tco2e::new(quantity);
        let change = |value: &mut Tco2e| *value = if add { *value + quantity } else { *value - quantity };
        let totals = self.batch_totals.entry(batch).or_default();
        match tally {
            Tally::Active => change(&mut totals.active_tco2e),
            Tally::Held => change(&mut totals.held_tco2e),
            Tally::Retired => change(&mut totals.retired_tco2e),
            Tally::Cancelled => change(&mut totals.cancelled_tco2e),
        }
        dirty.batches.insert(batch);
        if matches!(tally, Tally::Active | Tally::Held) {
            let holding = self.holdings.entry((account, batch)).or_default();
            match tally {
                Tally::Active => change(&mut holding.active_tco2e),
                _ => change(&mut holding.held_tco2e),
            }
            if *holding == Holding::default() {
                self.holdings.remove(&(account, batch));
            }
            dirty.holdings.insert((account, batch));
        }
    }
}
