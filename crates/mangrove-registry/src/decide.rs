//! Deciding commands: every rule, every permission, every bound. `decide`
//! only reads the state; a refused command therefore changes nothing.

use crate::check;
use crate::command::*;
use crate::model::*;
use crate::state::{Dirty, Registry};
use mangrove_core::*;

/// People the registry holds, at most: every citizen of Rayong province
/// (about 750,000) many times over.
pub const PERSONS_MAX: u64 = 10_000_000;

/// Longest reason code for disabling a login.
pub const REASON_CODE_CHARS_MAX: usize = 40;

impl Registry {
    /// Decides `command` and applies its events.
    pub fn execute(&mut self, context: &Context, command: &Command, dirty: &mut Dirty) -> DomainResult<Vec<Event>> {
        let events = self.decide(context, command)?;
        for event in &events {
            self.apply(event, dirty);
        }
        Ok(events)
    }

    pub fn decide(&self, context: &Context, command: &Command) -> DomainResult<Vec<Event>> {
        let actor = &context.actor;
        self.require_known_member(actor)?;
        match command {
            Command::CreateLogin { user, org, identity } => self.create_login(context, *user, *org, identity),
            Command::DisableLogin { user, reason } => self.disable_login(context, *user, reason),
            Command::RegisterPerson { user, identity } => self.register_person(context, *user, identity),
            Command::CreateOrganisation { name, role } => self.create_organisation(actor, name, *role),
            Command::CreateCreditClass { code, name, methodology, kind, default_buffer_bps } => {
                require_role(actor, &[Role::Operator])?;
                self.create_class(code, name, methodology, *kind, *default_buffer_bps)
            }
            Command::DraftProject { details } => self.draft_project(actor, details),
            Command::UpdateProject { project, details } => self.update_project(actor, *project, details),
            Command::SubmitProject { project } => self.submit_project(actor, *project),
            Command::ReviewProject { project, decision, note } => self.review_project(actor, *project, *decision, note),
            Command::RegisterProject { project } => self.register_project(actor, *project),
            Command::SubmitReport { project, period_start, period_end, claimed_tco2e, calculation } => {
                let period = (*period_start, *period_end);
                self.submit_report(context, *project, period, *claimed_tco2e, calculation)
            }
            Command::ReviewReport { report, decision, verified_tco2e, note } => {
                self.review_report(actor, *report, *decision, *verified_tco2e, note)
            }
            Command::IssueCredits { report } => self.issue_credits(context, *report),
            Command::Transfer { from, to, selection } => self.transfer(actor, *from, *to, *selection),
            Command::Retire { account, selection, beneficiary, reason, jurisdiction, inventory_year } => {
                let claim = (beneficiary.as_str(), reason.as_str(), jurisdiction.as_str(), *inventory_year);
                self.retire(context, *account, *selection, claim)
            }
            Command::Cancel { account, selection, reason } => self.cancel(context, *account, *selection, reason),
            Command::ReportLoss { project, quantity, reason } => self.report_loss(context, *project, *quantity, reason),
            Command::PlaceHold { account, selection } => self.place_hold(actor, *account, *selection),
            Command::ReleaseHold { hold } => {
                let record = self.live_hold(*hold)?;
                self.require_owner(actor, record.account)?;
                Ok(vec![Event::HoldReleased { hold: *hold }])
            }
            Command::SettleHold { hold, to, quantity } => {
                let record = self.live_hold(*hold)?;
                self.require_owner(actor, record.account)?;
                self.require_receiver(record.account, *to)?;
                match quantity {
                    None => Ok(vec![Event::HoldSettled { hold: *hold, to: *to }]),
                    Some(quantity) => settle_part(record, *to, *quantity),
                }
            }
        }
    }

    /// The operator lets people into any organisation (onboarding), and the
    /// deployment creates the first logins; each is on the record with who
    /// did it, and the organisation sees it among its logins.
    fn create_login(&self, context: &Context, user: UserId, org: OrgId, identity: &str) -> DomainResult<Vec<Event>> {
        if context.actor != Actor::System {
            require_role(&context.actor, &[Role::Operator])?;
        }
        let organisation = self
            .organisations
            .get(&org)
            .ok_or_else(|| DomainError::not_found("org", format!("there is no organisation {}", org.get())))?;
        if self.logins.contains_key(&user) {
            return Err(DomainError::conflict(format!("login {} exists", user.get())));
        }
        let is_sha256_hex = identity.len() == 64 && identity.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_sha256_hex {
            return Err(DomainError::invalid("identity", "an identity commitment is a SHA-256 in hex"));
        }
        let login = Login {
            user,
            org,
            role: organisation.role,
            identity: identity.to_ascii_lowercase(),
            created_by: context.actor,
            created_at_ms: context.now_ms,
            disabled: None,
        };
        Ok(vec![Event::LoginCreated { login }])
    }

    /// The deployment or the operator registers a person, once per user,
    /// with a holding account of their own.
    fn register_person(&self, context: &Context, user: UserId, identity: &str) -> DomainResult<Vec<Event>> {
        if context.actor != Actor::System {
            require_role(&context.actor, &[Role::Operator])?;
        }
        if self.persons.contains_key(&user) || self.logins.contains_key(&user) {
            return Err(DomainError::conflict(format!("user {} is registered already", user.get())));
        }
        if self.persons.len() as u64 >= PERSONS_MAX {
            return Err(DomainError::invalid("user", format!("the registry holds at most {PERSONS_MAX} people")));
        }
        let is_sha256_hex = identity.len() == 64 && identity.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_sha256_hex {
            return Err(DomainError::invalid("identity", "an identity commitment is a SHA-256 in hex"));
        }
        let person = Person {
            user,
            account: self.next_account_id(),
            identity: identity.to_ascii_lowercase(),
            registered_at_ms: context.now_ms,
        };
        Ok(vec![Event::PersonRegistered { person }])
    }

    /// The operator may disable any login; a member, the logins of its own
    /// organisation (a colleague who left). A login made before logins were
    /// journaled is not known here, and is refused as not found.
    fn disable_login(&self, context: &Context, user: UserId, reason: &str) -> DomainResult<Vec<Event>> {
        let login = self
            .logins
            .get(&user)
            .ok_or_else(|| DomainError::not_found("user", format!("there is no login {}", user.get())))?;
        let allowed = match context.actor {
            Actor::System => true,
            Actor::Member { role, org, .. } => role == Role::Operator || org == login.org,
            Actor::Person { .. } => false,
        };
        if !allowed {
            return Err(DomainError::forbidden("only the operator or the login's own organisation disables it"));
        }
        if login.disabled.is_some() {
            return Err(DomainError::conflict(format!("login {} is already disabled", user.get())));
        }
        let reason = reason.trim();
        let valid = (1..=REASON_CODE_CHARS_MAX).contains(&reason.chars().count())
            && reason.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !valid {
            return Err(DomainError::invalid(
                "reason",
                format!("a reason is a short code of 1 to {REASON_CODE_CHARS_MAX} letters and '_', such as left_the_company"),
            ));
        }
        let disabled = LoginDisabled { by: context.actor, at_ms: context.now_ms, reason: reason.to_string() };
        Ok(vec![Event::LoginDisabled { user, disabled }])
    }

    fn create_organisation(&self, actor: &Actor, name: &str, role: Role) -> DomainResult<Vec<Event>> {
        // The very first organisation is the operator, created by the deployment.
        if self.organisations.is_empty() {
            if *actor != Actor::System || role != Role::Operator {
                return Err(DomainError::conflict(
                    "the first organisation must be the operator, created by the deployment",
                ));
            }
        } else {
            require_role(actor, &[Role::Operator])?;
        }
        let name = check::name("name", name)?;
        if self.organisations.values().any(|org| org.name.to_lowercase() == name.to_lowercase()) {
            return Err(DomainError::new(
                ErrorKind::Conflict,
                Some("name"),
                format!("an organisation named '{name}' exists"),
            ));
        }
        let id = self.next_org_id();
        let account = self.next_account_id();
        let mut events = vec![Event::OrganisationCreated { organisation: Organisation { id, name, role, account } }];
        if role == Role::Operator && self.buffer_account.is_none() {
            let buffer =
                Account { id: AccountId(account.0 + 1), holder: Holder::Org(id), kind: AccountKind::BufferPool };
            events.push(Event::BufferPoolOpened { account: buffer });
        }
        Ok(events)
    }

    fn create_class(
        &self,
        code: &str,
        name: &str,
        methodology: &str,
        kind: ClassKind,
        buffer_bps: u32,
    ) -> DomainResult<Vec<Event>> {
        let code = check::name("code", code)?;
        if self.classes.values().any(|class| class.code == code) {
            return Err(DomainError::new(ErrorKind::Conflict, Some("code"), format!("a credit class '{code}' exists")));
        }
        let class = CreditClass {
            id: self.next_class_id(),
            code,
            name: check::name("name", name)?,
            methodology: check::text("methodology", methodology, true)?,
            kind,
            default_buffer_bps: BasisPoints::new(buffer_bps, "default_buffer_bps")?,
        };
        Ok(vec![Event::CreditClassCreated { class }])
    }

    fn checked_details(&self, details: &ProjectDetails) -> DomainResult<ProjectDetailsChecked> {
        let class = self.classes.get(&details.class).ok_or_else(|| {
            DomainError::not_found("class", format!("there is no credit class {}", details.class.get()))
        })?;
        check::location("location", &details.location)?;
        if details.area_rai == 0 || details.area_rai > check::AREA_RAI_MAX {
            return Err(DomainError::invalid("area_rai", format!("the area must be 1 to {} rai", check::AREA_RAI_MAX)));
        }
        let buffer_bps = match details.buffer_bps {
            Some(bps) => BasisPoints::new(bps, "buffer_bps")?,
            None => class.default_buffer_bps,
        };
        Ok(ProjectDetailsChecked {
            name: check::name("name", &details.name)?,
            description: check::text("description", &details.description, false)?,
            jurisdiction: check::jurisdiction("jurisdiction", &details.jurisdiction)?,
            buffer_bps,
        })
    }

    fn draft_project(&self, actor: &Actor, details: &ProjectDetails) -> DomainResult<Vec<Event>> {
        require_role(actor, &[Role::Proponent, Role::Factory])?;
        let proponent =
            actor.org().ok_or_else(|| DomainError::forbidden("a project needs a proponent organisation"))?;
        let checked = self.checked_details(details)?;
        let project = Project {
            id: self.next_project_id(),
            class: details.class,
            proponent,
            name: checked.name,
            description: checked.description,
            jurisdiction: checked.jurisdiction,
            location: details.location.clone(),
            area_rai: details.area_rai,
            buffer_bps: checked.buffer_bps,
            status: ProjectStatus::Draft,
            review_note: String::new(),
        };
        Ok(vec![Event::ProjectDrafted { project }])
    }

    fn update_project(&self, actor: &Actor, id: ProjectId, details: &ProjectDetails) -> DomainResult<Vec<Event>> {
        let project = self.own_project(actor, id)?;
        require_status(project, &[ProjectStatus::Draft, ProjectStatus::ChangesRequested], "edited")?;
        let checked = self.checked_details(details)?;
        let project = Project {
            class: details.class,
            name: checked.name,
            description: checked.description,
            jurisdiction: checked.jurisdiction,
            location: details.location.clone(),
            area_rai: details.area_rai,
            buffer_bps: checked.buffer_bps,
            ..project.clone()
        };
        Ok(vec![Event::ProjectUpdated { project }])
    }

    fn submit_project(&self, actor: &Actor, id: ProjectId) -> DomainResult<Vec<Event>> {
        let project = self.own_project(actor, id)?;
        require_status(project, &[ProjectStatus::Draft, ProjectStatus::ChangesRequested], "submitted")?;
        Ok(vec![Event::ProjectStatusChanged {
            project: id,
            status: ProjectStatus::Submitted,
            by: actor.org(),
            note: String::new(),
        }])
    }

    fn review_project(
        &self,
        actor: &Actor,
        id: ProjectId,
        decision: ProjectDecision,
        note: &str,
    ) -> DomainResult<Vec<Event>> {
        require_role(actor, &[Role::Verifier])?;
        let project = self.project_or_404(id)?;
        if actor.org() == Some(project.proponent) {
            return Err(DomainError::forbidden("a verifier may not validate its own project"));
        }
        require_status(project, &[ProjectStatus::Submitted], "reviewed")?;
        let note = check::text("note", note, decision != ProjectDecision::Validate)?;
        let status = match decision {
            ProjectDecision::Validate => ProjectStatus::Validated,
            ProjectDecision::RequestChanges => ProjectStatus::ChangesRequested,
            ProjectDecision::Reject => ProjectStatus::Rejected,
        };
        Ok(vec![Event::ProjectStatusChanged { project: id, status, by: actor.org(), note }])
    }

    fn register_project(&self, actor: &Actor, id: ProjectId) -> DomainResult<Vec<Event>> {
        require_role(actor, &[Role::Operator])?;
        let project = self.project_or_404(id)?;
        require_status(project, &[ProjectStatus::Validated], "registered")?;
        Ok(vec![Event::ProjectStatusChanged {
            project: id,
            status: ProjectStatus::Registered,
            by: actor.org(),
            note: String::new(),
        }])
    }

    fn submit_report(
        &self,
        context: &Context,
        id: ProjectId,
        (period_start, period_end): (Date, Date),
        claimed: u64,
        calculation: &str,
    ) -> DomainResult<Vec<Event>> {
        let project = self.own_project(&context.actor, id)?;
        require_status(project, &[ProjectStatus::Registered], "monitored")?;
        if period_end < period_start {
            return Err(DomainError::invalid("period_end", "the monitoring period must not end before it starts"));
        }
        if period_end > context.today {
            return Err(DomainError::invalid("period_end", "the monitoring period must not end in the future"));
        }
        let claimed_tco2e = Tco2e::positive(claimed, "claimed_tco2e")?;
        if calculation.len() > check::CALCULATION_BYTES_MAX {
            let max = check::CALCULATION_BYTES_MAX;
            return Err(DomainError::invalid(
                "calculation",
                format!("the calculation record must be at most {max} bytes"),
            ));
        }
        // Double issuance: a period of a project is monitored at most once.
        let overlapping = self.reports.values().find(|report| {
            report.project == id
                && report.status != ReportStatus::Rejected
                && report.period_start <= period_end
                && period_start <= report.period_end
        });
        if let Some(report) = overlapping {
            return Err(DomainError::new(
                ErrorKind::Conflict,
                Some("period_start"),
                format!(
                    "the period overlaps report {} ({} to {})",
                    report.id.get(),
                    report.period_start,
                    report.period_end
                ),
            ));
        }
        let report = MonitoringReport {
            id: self.next_report_id(),
            project: id,
            period_start,
            period_end,
            claimed_tco2e,
            calculation: calculation.to_string(),
            status: ReportStatus::Submitted,
            verified_tco2e: Tco2e::ZERO,
            verifier: None,
            review_note: String::new(),
        };
        Ok(vec![Event::ReportSubmitted { report }])
    }

    fn review_report(
        &self,
        actor: &Actor,
        id: ReportId,
        decision: ReportDecision,
        verified: u64,
        note: &str,
    ) -> DomainResult<Vec<Event>> {
        let verifier = require_member(actor, &[Role::Verifier])?;
        let report = self.report_or_404(id)?;
        let project = self.project_or_404(report.project)?;
        if project.proponent == verifier {
            return Err(DomainError::forbidden("a verifier may not verify a report of its own project"));
        }
        if report.status != ReportStatus::Submitted {
            return Err(DomainError::conflict(format!("report {} was already reviewed", id.get())));
        }
        let (status, verified_tco2e) = match decision {
            ReportDecision::Verify => {
                let verified_tco2e = Tco2e::positive(verified, "verified_tco2e")?;
                if verified_tco2e > report.claimed_tco2e {
                    return Err(DomainError::invalid(
                        "verified_tco2e",
                        "the verified quantity may not exceed the claim",
                    ));
                }
                (ReportStatus::Verified, verified_tco2e)
            }
            ReportDecision::Reject => (ReportStatus::Rejected, Tco2e::ZERO),
        };
        let note = check::text("note", note, decision == ReportDecision::Reject)?;
        Ok(vec![Event::ReportReviewed { report: id, status, verified_tco2e, verifier, note }])
    }

    fn issue_credits(&self, context: &Context, id: ReportId) -> DomainResult<Vec<Event>> {
        require_member(&context.actor, &[Role::Verifier, Role::Operator])?;
        let report = self.report_or_404(id)?;
        let project = self.project_or_404(report.project)?;
        if context.actor.org() == Some(project.proponent) {
            return Err(DomainError::forbidden("a proponent may not approve issuance of its own credits"));
        }
        match report.status {
            ReportStatus::Verified => {}
            ReportStatus::Issued => {
                return Err(DomainError::conflict(format!("report {} was already issued", id.get())))
            }
            _ => return Err(DomainError::conflict(format!("report {} is not verified", id.get()))),
        }
        self.check_supply(report.verified_tco2e)?;
        let buffer_tco2e = report.verified_tco2e.share_rounded_up(project.buffer_bps);
        let buffer_account = match (self.buffer_account, buffer_tco2e.get()) {
            (Some(account), _) => account,
            (None, 0) => AccountId(0),
            (None, _) => return Err(DomainError::conflict("the registry has no buffer pool yet")),
        };
        let proponent = &self.organisations[&project.proponent];
        let batch = Batch {
            id: self.next_batch_id(),
            project: project.id,
            report: id,
            vintage_start: report.period_start,
            vintage_end: report.period_end,
            issued_tco2e: report.verified_tco2e,
            buffer_tco2e,
            issued_to: proponent.account,
            corresponding_adjustment: CorrespondingAdjustment::NotApplied,
            issued_at_ms: context.now_ms,
        };
        Ok(vec![Event::CreditsIssued { batch, buffer_account }])
    }

    /// Refuses an issuance that would take the tonnes ever issued past the
    /// supply bound, under which every holding and total of tonnes fits.
    fn check_supply(&self, issuing: Tco2e) -> DomainResult<()> {
        let issued: u128 = self.batches.values().map(|batch| u128::from(batch.issued_tco2e.get())).sum();
        if issued + u128::from(issuing.get()) > u128::from(bounds::TCO2E_SUPPLY_MAX) {
            return Err(DomainError::invalid(
                "verified_tco2e",
                format!("the registry issues at most {} tCO2e in all; {issued} are issued", bounds::TCO2E_SUPPLY_MAX),
            ));
        }
        Ok(())
    }

    fn transfer(
        &self,
        actor: &Actor,
        from: AccountId,
        to: AccountId,
        selection: Selection,
    ) -> DomainResult<Vec<Event>> {
        self.require_owner_of(actor, from, "from")?;
        self.require_receiver(from, to)?;
        let (batch, ranges) = self.select(from, selection)?;
        Ok(vec![Event::Transferred { from, to, batch, ranges }])
    }

    fn retire(
        &self,
        context: &Context,
        account: AccountId,
        selection: Selection,
        (beneficiary, reason, jurisdiction, inventory_year): (&str, &str, &str, i32),
    ) -> DomainResult<Vec<Event>> {
        self.require_owner(&context.actor, account)?;
        if !(check::INVENTORY_YEAR_MIN..=check::INVENTORY_YEAR_MAX).contains(&inventory_year) {
            let (min, max) = (check::INVENTORY_YEAR_MIN, check::INVENTORY_YEAR_MAX);
            return Err(DomainError::invalid("inventory_year", format!("the inventory year must be {min} to {max}")));
        }
        let beneficiary = check::name("beneficiary", beneficiary)?;
        let reason = check::text("reason", reason, true)?;
        let jurisdiction = check::jurisdiction("jurisdiction", jurisdiction)?;
        let (batch, ranges) = self.select(account, selection)?;
        let retirement = Retirement {
            id: self.next_retirement_id(),
            account,
            batch,
            quantity_tco2e: ranges.iter().map(|range| Tco2e::new(range.len())).sum(),
            ranges,
            beneficiary,
            reason,
            jurisdiction,
            inventory_year,
            retired_at_ms: context.now_ms,
        };
        Ok(vec![Event::Retired { retirement }])
    }

    fn cancel(
        &self,
        context: &Context,
        account: AccountId,
        selection: Selection,
        reason: &str,
    ) -> DomainResult<Vec<Event>> {
        require_role(&context.actor, &[Role::Operator])?;
        self.account_or_404(account, "account")?;
        let reason = check::text("reason", reason, true)?;
        let (batch, ranges) = self.select(account, selection)?;
        let quantity_tco2e = ranges.iter().map(|range| Tco2e::new(range.len())).sum();
        let cancellation = Cancellation {
            id: self.next_cancellation_id(),
            kind: CancellationKind::Administrative,
            account,
            project: None,
            parts: vec![BatchRanges { batch, ranges }],
            quantity_tco2e,
            reason,
            cancelled_at_ms: context.now_ms,
        };
        Ok(vec![Event::Cancelled { cancellation }])
    }

    /// A verified loss cancels the same tonnes from the buffer pool: the
    /// project's own buffer units first, then the rest of the pool, oldest first.
    fn report_loss(&self, context: &Context, id: ProjectId, quantity: u64, reason: &str) -> DomainResult<Vec<Event>> {
        require_role(&context.actor, &[Role::Operator])?;
        self.project_or_404(id)?;
        let quantity = Tco2e::positive(quantity, "quantity")?;
        let reason = check::text("reason", reason, true)?;
        let buffer = self.buffer_account.ok_or_else(|| DomainError::conflict("the registry has no buffer pool yet"))?;
        let mut batches: Vec<&Batch> = self.batches.values().collect();
        batches.sort_by_key(|batch| (batch.project != id, batch.id));
        let mut remaining = quantity.get();
        let mut parts = Vec::new();
        for batch in batches {
            if remaining == 0 {
                break;
            }
            let available = self.holding(buffer, batch.id).active_tco2e.get().min(remaining);
            if available > 0 {
                let (batch, ranges) =
                    self.select(buffer, Selection::Quantity { batch: batch.id, quantity: available })?;
                parts.push(BatchRanges { batch, ranges });
                remaining -= available;
            }
        }
        if remaining > 0 {
            return Err(DomainError::insufficient(
                "quantity",
                format!("the buffer pool holds only {} of the {} lost", quantity - Tco2e::new(remaining), quantity),
            ));
        }
        let cancellation = Cancellation {
            id: self.next_cancellation_id(),
            kind: CancellationKind::Reversal,
            account: buffer,
            project: Some(id),
            parts,
            quantity_tco2e: quantity,
            reason,
            cancelled_at_ms: context.now_ms,
        };
        Ok(vec![Event::Cancelled { cancellation }])
    }

    fn place_hold(&self, actor: &Actor, account: AccountId, selection: Selection) -> DomainResult<Vec<Event>> {
        self.require_owner(actor, account)?;
        self.require_not_buffer(account)?;
        let (batch, ranges) = self.select(account, selection)?;
        let quantity_tco2e = ranges.iter().map(|range| Tco2e::new(range.len())).sum();
        let hold = Hold { id: self.next_hold_id(), account, batch, ranges, quantity_tco2e };
        Ok(vec![Event::HoldPlaced { hold }])
    }

    /// The active units a selection names, as ranges each inside one block.
    pub fn select(&self, account: AccountId, selection: Selection) -> DomainResult<(BatchId, Vec<UnitRange>)> {
        match selection {
            Selection::Quantity { batch, quantity } => {
                self.batch_or_404(batch)?;
                let quantity = Tco2e::positive(quantity, "quantity")?;
                let holding = self.holding(account, batch);
                if holding.active_tco2e < quantity {
                    return Err(DomainError::insufficient(
                        "quantity",
                        format!(
                            "account {} holds {} active of batch {} ({} more held in escrow); {} asked",
                            account.get(),
                            holding.active_tco2e,
                            batch.get(),
                            holding.held_tco2e,
                            quantity
                        ),
                    ));
                }
                let mut remaining = quantity.get();
                let mut ranges = Vec::new();
                for block in self.active_blocks_of(account, batch) {
                    let take = remaining.min(block.range.len());
                    ranges.push(UnitRange { first: block.range.first, last: block.range.first + take - 1 });
                    remaining -= take;
                    if remaining == 0 {
                        break;
                    }
                }
                assert_eq!(remaining, 0, "holdings match blocks");
                Ok((batch, ranges))
            }
            Selection::Range { batch, range } => Ok((batch, self.select_range(account, batch, range)?)),
        }
    }

    fn select_range(&self, account: AccountId, batch: BatchId, range: UnitRange) -> DomainResult<Vec<UnitRange>> {
        let record = self.batch_or_404(batch)?;
        if range.first == 0 || range.last < range.first || range.last > record.issued_tco2e.get() {
            return Err(DomainError::not_found(
                "serial",
                format!("batch {} has units 1 to {}", batch.get(), record.issued_tco2e.get()),
            ));
        }
        let mut ranges = Vec::new();
        for block in self.blocks_overlapping(batch, range) {
            if block.account != account || block.state != UnitState::Active {
                let serial = self.serial(batch, block.range).expect("batch exists");
                return Err(DomainError::insufficient(
                    "serial",
                    format!("units {serial} are not active in account {}", account.get()),
                ));
            }
            let first = block.range.first.max(range.first);
            let last = block.range.last.min(range.last);
            ranges.push(UnitRange { first, last });
        }
        Ok(ranges)
    }

    // ---- permission and lookup helpers ------------------------------

    /// A member acts for an organisation that exists, in that organisation's role.
    fn require_known_member(&self, actor: &Actor) -> DomainResult<()> {
        if let Actor::Person { user } = actor {
            return match self.persons.contains_key(user) {
                true => Ok(()),
                false => Err(DomainError::forbidden(format!("user {} is not a registered person", user.get()))),
            };
        }
        let Actor::Member { org, role, .. } = actor else { return Ok(()) };
        match self.organisations.get(org) {
            Some(organisation) if organisation.role == *role => Ok(()),
            Some(_) => Err(DomainError::forbidden("the actor's role is not its organisation's role")),
            None => Err(DomainError::forbidden(format!("organisation {} does not exist", org.get()))),
        }
    }

    fn require_owner(&self, actor: &Actor, account: AccountId) -> DomainResult<()> {
        self.require_owner_of(actor, account, "account")
    }

    fn require_owner_of(&self, actor: &Actor, account: AccountId, field: &'static str) -> DomainResult<()> {
        let record = self.account_or_404(account, field)?;
        if record.kind == AccountKind::BufferPool {
            return Err(DomainError::forbidden("buffer-pool credits move only by a reversal or a cancellation"));
        }
        match (actor, record.holder) {
            (Actor::System, _) => Ok(()),
            (Actor::Member { org, .. }, Holder::Org(holder)) if *org == holder => Ok(()),
            (Actor::Person { user }, Holder::Person(holder)) if *user == holder => Ok(()),
            (Actor::Member { .. }, _) => {
                Err(DomainError::forbidden(format!("account {} belongs to another organisation", account.get())))
            }
            _ => Err(DomainError::forbidden(format!("account {} is not yours", account.get()))),
        }
    }

    fn require_receiver(&self, from: AccountId, to: AccountId) -> DomainResult<()> {
        let record = self.account_or_404(to, "to")?;
        if record.kind == AccountKind::BufferPool {
            return Err(DomainError::invalid("to", "credits reach the buffer pool only by issuance"));
        }
        if from == to {
            return Err(DomainError::invalid("to", "the sending and receiving accounts are the same"));
        }
        Ok(())
    }

    fn require_not_buffer(&self, account: AccountId) -> DomainResult<()> {
        match self.accounts.get(&account) {
            Some(record) if record.kind == AccountKind::BufferPool => {
                Err(DomainError::forbidden("buffer-pool credits cannot be held"))
            }
            _ => Ok(()),
        }
    }

    fn own_project(&self, actor: &Actor, id: ProjectId) -> DomainResult<&Project> {
        let project = self.project_or_404(id)?;
        match actor {
            Actor::Member { org, .. } if *org == project.proponent => Ok(project),
            _ => Err(DomainError::forbidden(format!("only the proponent may change project {}", id.get()))),
        }
    }

    fn project_or_404(&self, id: ProjectId) -> DomainResult<&Project> {
        self.projects
            .get(&id)
            .ok_or_else(|| DomainError::not_found("project", format!("there is no project {}", id.get())))
    }
    fn report_or_404(&self, id: ReportId) -> DomainResult<&MonitoringReport> {
        self.reports
            .get(&id)
            .ok_or_else(|| DomainError::not_found("report", format!("there is no report {}", id.get())))
    }
    fn batch_or_404(&self, id: BatchId) -> DomainResult<&Batch> {
        self.batches.get(&id).ok_or_else(|| DomainError::not_found("batch", format!("there is no batch {}", id.get())))
    }
    fn account_or_404(&self, id: AccountId, field: &'static str) -> DomainResult<&Account> {
        self.accounts.get(&id).ok_or_else(|| DomainError::not_found(field, format!("there is no account {}", id.get())))
    }
    fn live_hold(&self, id: HoldId) -> DomainResult<&Hold> {
        self.holds.get(&id).ok_or_else(|| DomainError::not_found("hold", format!("there is no open hold {}", id.get())))
    }
}

/// A partial delivery takes the hold's lowest units; all of them is a
/// whole settlement.
fn settle_part(hold: &Hold, to: AccountId, quantity: u64) -> DomainResult<Vec<Event>> {
    let held = hold.quantity_tco2e.get();
    if quantity == 0 || quantity > held {
        return Err(DomainError::invalid(
            "quantity",
            format!("hold {} has {held} tCO2e; deliver 1 to {held}", hold.id.get()),
        ));
    }
    if quantity == held {
        return Ok(vec![Event::HoldSettled { hold: hold.id, to }]);
    }
    let mut remaining = quantity;
    let mut ranges = Vec::new();
    for range in &hold.ranges {
        if remaining == 0 {
            break;
        }
        let taken = remaining.min(range.len());
        ranges.push(UnitRange { first: range.first, last: range.first + taken - 1 });
        remaining -= taken;
    }
    Ok(vec![Event::HoldPartlySettled { hold: hold.id, to, ranges }])
}

struct ProjectDetailsChecked {
    name: String,
    description: String,
    jurisdiction: String,
    buffer_bps: BasisPoints,
}

/// Acts that need an accountable organisation (validation, verification,
/// approval of issuance) are never done by the deployment itself.
fn require_member(actor: &Actor, roles: &[Role]) -> DomainResult<OrgId> {
    match actor {
        Actor::System | Actor::Person { .. } => {
            Err(DomainError::forbidden("this needs a signed-in member of an accredited organisation"))
        }
        Actor::Member { org, .. } => require_role(actor, roles).map(|()| *org),
    }
}

fn require_role(actor: &Actor, roles: &[Role]) -> DomainResult<()> {
    // The deployment itself has every role.
    let Some(role) = actor.role() else { return Ok(()) };
    if roles.contains(&role) {
        return Ok(());
    }
    let allowed: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    Err(DomainError::forbidden(format!("this needs the role {}; you are {}", allowed.join(" or "), role.as_str())))
}

fn require_status(project: &Project, allowed: &[ProjectStatus], verb: &str) -> DomainResult<()> {
    if allowed.contains(&project.status) {
        return Ok(());
    }
    Err(DomainError::conflict(format!(
        "project {} cannot be {verb} while it is {}",
        project.id.get(),
        serde_json::to_value(project.status).expect("status serialises").as_str().unwrap_or("?")
    )))
}
