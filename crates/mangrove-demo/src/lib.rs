//! The Rayong demo: the organisations, people, projects and first vintages
//! a newcomer needs to walk every workflow. Everything goes through the
//! same sequencer as the API, so the demo's journal verifies like any other.

pub mod factories;
mod market;
mod reductions;

use mangrove_app::Submission;
use mangrove_core::*;
use mangrove_registry::*;
use mangrove_server::{auth, AppState};
use mangrove_store::{Receipt, Store};

/// The password of every demo login (printed by `mangrove demo`).
pub const DEMO_PASSWORD: &str = "rayong-demo-2026";

/// A demo login: who, in which organisation, with which role.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub organisation: String,
    pub role: Role,
}

pub(crate) struct Demo {
    pub(crate) state: AppState,
    logins: Vec<DemoLogin>,
}

/// The demo's people, for the steps after the registry's: the factory
/// book's reduction projects and the exchange.
pub(crate) struct NamedFactories {
    pub operator: Actor,
    pub municipality: Actor,
    pub forest_group: Actor,
    pub olefins: Actor,
    pub refinery: Actor,
    pub plastics: Actor,
    pub somchai: Actor,
    pub malee: Actor,
}

impl Demo {
    pub(crate) async fn run(
        &self,
        actor: Actor,
        command: impl Into<mangrove_app::AppCommand>,
    ) -> anyhow::Result<Receipt> {
        let submission = Submission::new(&actor, None, command)?;
        Ok(self.state.store.sequencer().submit(submission).await?)
    }

    /// Creates an organisation with one login and returns its member actor and account.
    async fn organisation(
        &mut self,
        name: &str,
        role: Role,
        login: (&'static str, &str),
    ) -> anyhow::Result<(Actor, AccountId)> {
        let receipt = self.run(Actor::System, Command::CreateOrganisation { name: name.into(), role }).await?;
        let Some(Event::OrganisationCreated { organisation }) = receipt.events[0].payload.registry() else {
            anyhow::bail!("creating {name} created no organisation");
        };
        let user = auth::create_user(
            &self.state,
            &Actor::System,
            login.0,
            DEMO_PASSWORD,
            login.1,
            auth::Joining::Member(organisation.id),
        )
        .await
        .map_err(|error| anyhow::anyhow!("creating the login {}: {}", login.0, error.message))?;
        self.logins.push(DemoLogin { username: login.0, organisation: name.into(), role });
        let actor = Actor::Member { user: UserId(u64::try_from(user.id)?), org: organisation.id, role };
        Ok((actor, organisation.account))
    }
}

pub(crate) fn outline(longitude: f64, latitude: f64, half_width_degrees: f64) -> Vec<[f64; 2]> {
    let (w, h) = (half_width_degrees, half_width_degrees * 0.8);
    vec![
        [longitude - w, latitude - h],
        [longitude + w, latitude - h * 1.2],
        [longitude + w * 1.1, latitude + h],
        [longitude - w * 0.9, latitude + h * 1.1],
        [longitude - w, latitude - h],
    ]
}

fn date(text: &str) -> Date {
    Date::parse(text).expect("demo dates are valid")
}

/// Builds the demo into an empty store and returns its logins: the
/// registry's organisations and credits, and `factories` factories (the
/// three named ones among them) with four years of activity data.
pub async fn build_with_factories(store: &Store, factories: usize) -> anyhow::Result<Vec<DemoLogin>> {
    let (demo, named_factories) = build_registry(store).await?;
    let named: Vec<OrgId> = {
        let ledger = store.ledger().read().await;
        ledger.app.registry.organisations().filter(|org| org.role == Role::Factory).map(|org| org.id).collect()
    };
    crate::factories::build(store, &named, factories.max(named.len())).await?;
    crate::reductions::build(&demo, &named_factories).await?;
    crate::market::build(&demo, &named_factories).await?;
    mark_demo(store, DEMO_COMPLETE).await?;
    Ok(demo.logins)
}

/// Builds the registry part of the demo into an empty store and returns its logins.
pub async fn build(store: &Store) -> anyhow::Result<Vec<DemoLogin>> {
    let logins = build_registry(store).await?.0.logins;
    mark_demo(store, DEMO_COMPLETE).await?;
    Ok(logins)
}

/// The `settings` row that says how far the demo got: `building` from
/// before its first command, `complete` after its last. A process killed
/// in between leaves `building`, which `check_demo_complete` reports.
const DEMO_SETTING: &str = "demo";
const DEMO_BUILDING: &str = "building";
const DEMO_COMPLETE: &str = "complete";

async fn mark_demo(store: &Store, state: &str) -> anyhow::Result<()> {
    store
        .db()
        .set_setting(DEMO_SETTING, state)
        .await
        .map_err(|error| anyhow::anyhow!("recording the demo's progress: {error}"))
}

/// Refuses a database whose demo was interrupted while being built: its
/// registry is a fragment (logins without their credits, a market without
/// its orders) that would look like data. `database` names it in the message.
pub async fn check_demo_complete(store: &Store, database: &str) -> anyhow::Result<()> {
    let state =
        store.db().setting(DEMO_SETTING).await.map_err(|error| anyhow::anyhow!("reading {database}: {error}"))?;
    if state.as_deref() == Some(DEMO_BUILDING) {
        let events = store.ledger().read().await.tree.len();
        anyhow::bail!(
            "the demo in {database} is incomplete: building it was interrupted after {events} journal events. \
             Rebuild it with `mangrove demo --reset --database {database}` (for PostgreSQL, drop and create the \
             database first, then run `mangrove demo`)"
        );
    }
    Ok(())
}

async fn build_registry(store: &Store) -> anyhow::Result<(Demo, NamedFactories)> {
    check_demo_complete(store, "this database").await?;
    if !store.ledger().read().await.tree.is_empty() {
        anyhow::bail!(
            "the database already holds a registry; run the demo on a new database (or pass --reset for a SQLite file)"
        );
    }
    mark_demo(store, DEMO_BUILDING).await?;
    let mut demo = Demo { state: AppState::new(store.clone()), logins: Vec::new() };
    let (operator, _) =
        demo.organisation("Rayong City Development Company", Role::Operator, ("operator", "Operator desk")).await?;
    let (verifier, _) =
        demo.organisation("Eastern Seaboard Validation Body", Role::Verifier, ("verifier", "Lead verifier")).await?;
    let (municipality, municipality_account) = demo
        .organisation(
            "Rayong City Municipality (เทศบาลนครระยอง)",
            Role::Proponent,
            ("municipality", "Environment office"),
        )
        .await?;
    let (forest_group, forest_account) = demo
        .organisation("Ban Khai Community Forest Group", Role::Proponent, ("forest", "Forest group secretary"))
        .await?;
    let (olefins, olefins_account) =
        demo.organisation("Map Ta Phut Olefins (synthetic)", Role::Factory, ("olefins", "Environment officer")).await?;
    let (refinery, refinery_account) = demo
        .organisation("Rayong Aromatics Refinery (synthetic)", Role::Factory, ("refinery", "Energy manager"))
        .await?;
    let (plastics, _) = demo
        .organisation("Eastern Plastics Compounding (synthetic)", Role::Factory, ("plastics", "Plant manager"))
        .await?;
    let (somchai, somchai_account) =
        demo.organisation("Somchai Jaidee (citizen)", Role::Citizen, ("somchai", "สมชาย ใจดี")).await?;
    let (malee, _) = demo.organisation("Malee Srisuk (citizen)", Role::Citizen, ("malee", "มาลี ศรีสุข")).await?;

    let classes = [
        ("T-VER-P-METH-13-02", "Mangrove restoration (Premium T-VER)", ClassKind::Removal, 1_500),
        ("T-VER-P-METH-13-01", "Reforestation of abandoned land (Premium T-VER)", ClassKind::Removal, 2_000),
        ("T-VER-S-METH-01-EE", "Industrial energy efficiency: steam savings", ClassKind::Reduction, 0),
    ];
    for (code, name, kind, buffer_bps) in classes {
        let methodology = format!("{name}; calculation per Mangrove MRV");
        demo.run(
            operator,
            Command::CreateCreditClass {
                code: code.into(),
                name: name.into(),
                methodology,
                kind,
                default_buffer_bps: buffer_bps,
            },
        )
        .await?;
    }
    let mangrove = ProjectDetails {
        class: ClassId(1),
        name: "Rayong river-mouth mangrove, 500 rai".into(),
        description: "Restoration and protection of 500 rai (80 ha) of mangrove at the mouth of the Rayong river. \
                      ฟื้นฟูป่าชายเลน 500 ไร่ ปากแม่น้ำระยอง"
            .into(),
        jurisdiction: "TH-21".into(),
        location: outline(101.2795, 12.6655, 0.0045),
        area_rai: 500,
        buffer_bps: None,
    };
    let reforestation = ProjectDetails {
        class: ClassId(2),
        name: "Reforestation of abandoned land, Ban Khai, 300 rai".into(),
        description: "Native species planted on abandoned cassava land. ปลูกป่าบนที่ดินรกร้าง อำเภอบ้านค่าย".into(),
        jurisdiction: "TH-21".into(),
        location: outline(101.3260, 12.7770, 0.0035),
        area_rai: 300,
        buffer_bps: None,
    };
    let mangrove_project = register(&demo, municipality, verifier, operator, mangrove).await?;
    let forest_project = register(&demo, forest_group, verifier, operator, reforestation).await?;
    let mangrove_batch = issue(&demo, municipality, verifier, mangrove_project, mangrove_claim(&demo).await?).await?;
    let tree_count = serde_json::json!({ "source": "demo tree count, 9.5 kgCO2/tree/yr", "claimed_tco2e": 1_450 });
    let forest_batch = issue(&demo, forest_group, verifier, forest_project, (1_450, tree_count.to_string())).await?;

    let transfers = [
        (municipality, municipality_account, olefins_account, mangrove_batch, 1_200),
        (municipality, municipality_account, refinery_account, mangrove_batch, 800),
        (municipality, municipality_account, somchai_account, mangrove_batch, 2),
        (forest_group, forest_account, refinery_account, forest_batch, 400),
    ];
    for (actor, from, to, batch, quantity) in transfers {
        demo.run(actor, Command::Transfer { from, to, selection: Selection::Quantity { batch, quantity } }).await?;
    }
    let retirements = [
        (
            olefins,
            olefins_account,
            mangrove_batch,
            600,
            "Map Ta Phut Olefins (synthetic)",
            "Offset of 2025 Scope 1 emissions",
        ),
        (
            refinery,
            refinery_account,
            forest_batch,
            250,
            "Rayong Aromatics Refinery (synthetic)",
            "Offset of 2025 boiler emissions",
        ),
        (somchai, somchai_account, mangrove_batch, 1, "สมชาย ใจดี", "ชดเชยการเดินทางปี 2025"),
    ];
    for (actor, account, batch, quantity, beneficiary, reason) in retirements {
        let command = Command::Retire {
            account,
            selection: Selection::Quantity { batch, quantity },
            beneficiary: beneficiary.into(),
            reason: reason.into(),
            jurisdiction: "TH-21".into(),
            inventory_year: 2025,
        };
        demo.run(actor, command).await?;
    }
    pending_work(&demo, refinery, forest_group, forest_project).await?;
    let people = NamedFactories { operator, municipality, forest_group, olefins, refinery, plastics, somchai, malee };
    Ok((demo, people))
}

/// The mangrove's 2025 claim, computed by the forestry methodology from the
/// example plot surveys of 2024 and 2025, with its whole record.
async fn mangrove_claim(demo: &Demo) -> anyhow::Result<(u64, String)> {
    use mangrove_mrv::forestry::{EXAMPLE_SURVEY_2024, EXAMPLE_SURVEY_2025};
    let project = {
        let ledger = demo.state.store.ledger().read().await;
        ledger.app.registry.project(ProjectId(1)).cloned().ok_or_else(|| anyhow::anyhow!("no mangrove project"))?
    };
    let none = mangrove_mrv::Co2e::default();
    mangrove_server::routes::monitoring::forestry_claim(&project, EXAMPLE_SURVEY_2025, EXAMPLE_SURVEY_2024, none, none)
        .map_err(|error| anyhow::anyhow!("the example surveys: {error:?}"))
}

/// Drafts, submits, validates and registers a project.
async fn register(
    demo: &Demo,
    proponent: Actor,
    verifier: Actor,
    operator: Actor,
    details: ProjectDetails,
) -> anyhow::Result<ProjectId> {
    let receipt = demo.run(proponent, Command::DraftProject { details }).await?;
    let Some(Event::ProjectDrafted { project }) = receipt.events[0].payload.registry() else {
        anyhow::bail!("no project drafted")
    };
    let project = project.id;
    demo.run(proponent, Command::SubmitProject { project }).await?;
    demo.run(verifier, Command::ReviewProject { project, decision: ProjectDecision::Validate, note: String::new() })
        .await?;
    demo.run(operator, Command::RegisterProject { project }).await?;
    Ok(project)
}

/// Reports, verifies and issues the 2025 vintage of a project.
async fn issue(
    demo: &Demo,
    proponent: Actor,
    verifier: Actor,
    project: ProjectId,
    (tonnes, calculation): (u64, String),
) -> anyhow::Result<BatchId> {
    let report = Command::SubmitReport {
        project,
        period_start: date("2025-01-01"),
        period_end: date("2025-12-31"),
        claimed_tco2e: tonnes,
        calculation,
    };
    let receipt = demo.run(proponent, report).await?;
    let Some(Event::ReportSubmitted { report }) = receipt.events[0].payload.registry() else {
        anyhow::bail!("no report submitted")
    };
    let report = report.id;
    let review = Command::ReviewReport {
        report,
        decision: ReportDecision::Verify,
        verified_tco2e: tonnes,
        note: "Site visit done".into(),
    };
    demo.run(verifier, review).await?;
    let receipt = demo.run(verifier, Command::IssueCredits { report }).await?;
    let Some(Event::CreditsIssued { batch, .. }) = receipt.events[0].payload.registry() else {
        anyhow::bail!("nothing issued")
    };
    Ok(batch.id)
}

/// Work waiting in the verifier's queue: a submitted factory project and a
/// submitted monitoring report.
async fn pending_work(
    demo: &Demo,
    refinery: Actor,
    forest_group: Actor,
    forest_project: ProjectId,
) -> anyhow::Result<()> {
    let steam = ProjectDetails {
        class: ClassId(3),
        name: "Steam savings at a distillation column (synthetic)".into(),
        description: "Reduced reboiler steam per tonne of product after column retrofit.".into(),
        jurisdiction: "TH-21".into(),
        location: outline(101.1560, 12.6900, 0.0015),
        area_rai: 12,
        buffer_bps: None,
    };
    let receipt = demo.run(refinery, Command::DraftProject { details: steam }).await?;
    let Some(Event::ProjectDrafted { project }) = receipt.events[0].payload.registry() else {
        anyhow::bail!("no project drafted")
    };
    demo.run(refinery, Command::SubmitProject { project: project.id }).await?;
    let report = Command::SubmitReport {
        project: forest_project,
        period_start: date("2026-01-01"),
        period_end: date("2026-06-30"),
        claimed_tco2e: 760,
        calculation: serde_json::json!({ "source": "demo tree count, first half of 2026", "claimed_tco2e": 760 })
            .to_string(),
    };
    demo.run(forest_group, report).await?;
    Ok(())
}
