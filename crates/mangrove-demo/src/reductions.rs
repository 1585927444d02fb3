//! The demo's reduction projects — one of each kind the Race to Zero
//! campaign names — and the practices the named factories published, all
//! labelled synthetic; and one reduction project that became a draft
//! registry project under the steam-savings credit class.

use crate::{Demo, NamedFactories};
use mangrove_app::AcrossCommand;
use mangrove_core::{ClassId, OrgId, ReductionId};
use mangrove_mrv::{MeasureCommand, PracticeDraft, ReductionKind, ReductionPlan, ReductionStatus};
use mangrove_registry::{Actor, Event, ProjectDetails};

struct Plan {
    kind: ReductionKind,
    title: &'static str,
    description: &'static str,
    estimated_tco2e_per_year: u64,
    start_year: i32,
    status: ReductionStatus,
}

const PLANS: [Plan; 5] = [
    Plan {
        kind: ReductionKind::SteamReduction,
        title: "Steam trap survey and condensate return, cracker utilities",
        description: "Replace failed steam traps and return condensate to the boiler house. \
                      สำรวจและเปลี่ยนกับดักไอน้ำ นำคอนเดนเสทกลับไปใช้",
        estimated_tco2e_per_year: 6_800,
        start_year: 2025,
        status: ReductionStatus::InOperation,
    },
    Plan {
        kind: ReductionKind::AiSteamOptimisation,
        title: "AI optimisation of steam header pressures",
        description: "A model trained on two years of plant data sets the let-down and header pressures each hour.",
        estimated_tco2e_per_year: 9_500,
        start_year: 2026,
        status: ReductionStatus::Planned,
    },
    Plan {
        kind: ReductionKind::GasTurbineInletFilter,
        title: "High-efficiency inlet filters on gas turbine GT-2",
        description: "EPA-class filters keep the compressor clean, so the turbine burns less gas for the same output.",
        estimated_tco2e_per_year: 3_200,
        start_year: 2025,
        status: ReductionStatus::InOperation,
    },
    Plan {
        kind: ReductionKind::HydrogenMobility,
        title: "Hydrogen fuel-cell trucks for site logistics",
        description: "Four fuel-cell trucks fuelled with by-product hydrogen from the reformer.",
        estimated_tco2e_per_year: 410,
        start_year: 2027,
        status: ReductionStatus::Planned,
    },
    Plan {
        kind: ReductionKind::ElectricVehicles,
        title: "Electric forklifts and staff motorcycles",
        description: "Replace 30 LPG forklifts and lend electric motorcycles to shift workers. \
                      เปลี่ยนรถยกเป็นรถไฟฟ้า และให้พนักงานยืมจักรยานยนต์ไฟฟ้า",
        estimated_tco2e_per_year: 260,
        start_year: 2025,
        status: ReductionStatus::InOperation,
    },
];

fn plan(org: OrgId, plan: &Plan) -> MeasureCommand {
    MeasureCommand::RegisterReduction {
        plan: ReductionPlan {
            org,
            kind: plan.kind,
            title: plan.title.into(),
            description: plan.description.into(),
            estimated_tco2e_per_year: plan.estimated_tco2e_per_year,
            start_year: plan.start_year,
            status: plan.status,
            synthetic: true,
        },
    }
}

fn org(actor: Actor) -> anyhow::Result<OrgId> {
    actor.org().ok_or_else(|| anyhow::anyhow!("a demo factory acts as a member"))
}

/// Registers the reduction projects and practices, and promotes one.
pub(crate) async fn build(demo: &Demo, named: &NamedFactories) -> anyhow::Result<()> {
    // Olefins: steam traps and inlet filters; refinery: AI steam and hydrogen; plastics: electric vehicles.
    let owners = [named.olefins, named.refinery, named.olefins, named.refinery, named.plastics];
    let mut ids = Vec::new();
    for (owner, reduction) in owners.iter().zip(&PLANS) {
        let receipt = demo.run(*owner, plan(org(*owner)?, reduction)).await?;
        let Some(mangrove_app::AppEvent::Measure(mangrove_mrv::MeasureEvent::ReductionRegistered { reduction })) =
            receipt.events.first().map(|event| &event.payload)
        else {
            anyhow::bail!("no reduction project registered")
        };
        ids.push(reduction.id);
    }
    publish_practices(demo, named, &ids).await?;
    promote(demo, named.refinery, ids[1]).await
}

async fn publish_practices(demo: &Demo, named: &NamedFactories, ids: &[ReductionId]) -> anyhow::Result<()> {
    let practices = [
        (
            named.olefins,
            Some(ids[0]),
            ReductionKind::SteamReduction,
            "Fix steam traps every quarter, not every turnaround",
            "An ultrasonic survey each quarter found 14 % of 1,900 traps failed open. Replacing them and \
             returning condensate cut boiler fuel by 5 %.",
            6_150,
            2025,
            "Boiler natural-gas meters, 12 months before and after, normalised to ethylene output.",
            Some(4_800_000),
        ),
        (
            named.olefins,
            Some(ids[2]),
            ReductionKind::GasTurbineInletFilter,
            "Inlet filters that pay for themselves in a year",
            "Three-stage EPA filters on GT-2 held compressor efficiency between washes; heat rate fell 1.4 %.",
            2_980,
            2025,
            "Heat rate from the DCS at base load, six months before and after the change.",
            Some(2_600_000),
        ),
        (
            named.plastics,
            Some(ids[4]),
            ReductionKind::ElectricVehicles,
            "Electric forklifts on a two-shift site",
            "Thirty LPG forklifts replaced by lithium-ion ones charged at breaks; no change to throughput. \
             เปลี่ยนรถยก 30 คันเป็นรถไฟฟ้า",
            212,
            2025,
            "LPG purchases of 2024 against forklift electricity metered in 2025, at TGO's grid factor.",
            Some(9_000_000),
        ),
    ];
    for (owner, reduction, kind, title, summary, measured, year, measurement, investment) in practices {
        let practice = PracticeDraft {
            org: org(owner)?,
            reduction,
            kind,
            title: title.into(),
            summary: summary.into(),
            measured_reduction_tco2e: measured,
            measured_year: year,
            measurement: measurement.into(),
            investment_baht: investment,
            synthetic: true,
        };
        demo.run(owner, MeasureCommand::PublishPractice { practice }).await?;
    }
    Ok(())
}

/// The refinery's AI steam project follows the steam-savings methodology,
/// so it becomes a draft registry project under that credit class.
async fn promote(demo: &Demo, refinery: Actor, reduction: ReductionId) -> anyhow::Result<()> {
    let details = ProjectDetails {
        class: ClassId(3),
        name: "AI optimisation of steam header pressures (synthetic)".into(),
        description: "Steam per tonne of product before and after hourly set-points from a trained model.".into(),
        jurisdiction: "TH-21".into(),
        location: crate::outline(101.1610, 12.6860, 0.0015),
        area_rai: 20,
        buffer_bps: None,
    };
    let receipt = demo.run(refinery, AcrossCommand::PromoteReduction { reduction, details }).await?;
    if !receipt.events.iter().any(|event| matches!(event.payload.registry(), Some(Event::ProjectDrafted { .. }))) {
        anyhow::bail!("the reduction project did not become a registry project");
    }
    Ok(())
}
