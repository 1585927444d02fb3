//! `mangrove mrv`: measurements from files a person hands in, printed as the
//! calculation record (pretty JSON). The files are read here; the arithmetic
//! is `mangrove-mrv`'s, which reads nothing itself. A bad file is refused
//! with every bad line named as `FILE:LINE`.

use anyhow::{bail, Context as _};
use clap::{Subcommand, ValueEnum};
use mangrove_core::BasisPoints;
use mangrove_mrv::{
    forestry, import_activities, parse_survey, Catalogue, Co2e, CombustionMethod, DataErrors, ForestryInputs, GwpSet,
    Inventory, InventoryOptions, Micro,
};
use std::path::{Path, PathBuf};

/// How many bad lines are printed before the rest are counted.
const ERRORS_PRINTED_MAX: usize = 50;

#[derive(Subcommand)]
pub enum MrvCommand {
    /// Carbon stock of a mangrove from a field plot survey; with --previous, the period's credits.
    Forestry {
        /// Survey CSV: plot_id,plot_area_m2,species,dbh_cm,height_m (one stem a line).
        #[arg(long)]
        survey: PathBuf,
        /// The project area in rai (1 rai = 1,600 m²).
        #[arg(long)]
        area_rai: String,
        /// The survey of the previous monitoring, to compute removals and credits since.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// The buffer share in percent, from the project's non-permanence risk report
        /// (15 is the demo mangrove class's default, not a TGO figure).
        #[arg(long, default_value = "15")]
        buffer_percent: String,
        /// Baseline removals over the period, tCO2e.
        #[arg(long, default_value = "0")]
        baseline_tco2e: String,
        /// Leakage over the period, tCO2e.
        #[arg(long, default_value = "0")]
        leakage_tco2e: String,
    },
    /// A factory's greenhouse-gas inventory for one year from an activity CSV (month,activity,quantity,unit[,note]).
    Inventory {
        #[arg(long)]
        activities: PathBuf,
        #[arg(long)]
        year: i32,
        /// The IPCC assessment whose GWP100 values the inventory uses.
        #[arg(long, value_enum)]
        gwp: Gwp,
        /// TGO's combined factors per unit, or IPCC 2006 factors per gas.
        #[arg(long, value_enum, default_value = "tgo")]
        combustion: Combustion,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Gwp {
    Ar5,
    Ar6,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Combustion {
    Tgo,
    Ipcc,
}

pub fn run(command: &MrvCommand) -> anyhow::Result<()> {
    let catalogue = Catalogue::embedded();
    let record = match command {
        MrvCommand::Forestry { survey, area_rai, previous, buffer_percent, baseline_tco2e, leakage_tco2e } => {
            let inputs = ForestryInputs {
                area_rai: decimal("--area-rai", area_rai)?,
                buffer_bps: percent("--buffer-percent", buffer_percent)?,
                baseline_tco2e: Co2e::from_tonnes(decimal("--baseline-tco2e", baseline_tco2e)?),
                leakage_tco2e: Co2e::from_tonnes(decimal("--leakage-tco2e", leakage_tco2e)?),
            };
            let now = parse_survey(&read(survey)?, catalogue).map_err(|e| refused(survey, &e))?;
            let before = match previous {
                Some(path) => Some(parse_survey(&read(path)?, catalogue).map_err(|e| refused(path, &e))?),
                None => None,
            };
            let record = forestry(catalogue, &now, before.as_ref(), inputs).map_err(|e| anyhow::anyhow!("{e}"))?;
            serde_json::to_string_pretty(&record)?
        }
        MrvCommand::Inventory { activities, year, gwp, combustion } => {
            let options = InventoryOptions {
                year: *year,
                gwp_set: match gwp {
                    Gwp::Ar5 => GwpSet::Ar5,
                    Gwp::Ar6 => GwpSet::Ar6,
                },
                combustion: match combustion {
                    Combustion::Tgo => CombustionMethod::TgoCombined,
                    Combustion::Ipcc => CombustionMethod::IpccPerGas,
                },
            };
            let lines = import_activities(&read(activities)?, catalogue).map_err(|e| refused(activities, &e))?;
            let inventory = Inventory::compute(catalogue, options, &lines).map_err(|e| refused(activities, &e))?;
            serde_json::to_string_pretty(&inventory)?
        }
    };
    println!("{record}");
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn decimal(flag: &str, text: &str) -> anyhow::Result<Micro> {
    Micro::parse(text).map_err(|why| anyhow::anyhow!("{flag}: {why}"))
}

fn percent(flag: &str, text: &str) -> anyhow::Result<BasisPoints> {
    let value = decimal(flag, text)?;
    // A percent with two places is a whole number of basis points.
    if value.millionths() % 10_000 != 0 {
        bail!("{flag}: at most two decimal places");
    }
    let bps = u32::try_from(value.millionths() / 10_000).map_err(|_| anyhow::anyhow!("{flag}: between 0 and 100"))?;
    BasisPoints::new(bps, "buffer_percent").map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// Every bad line as `FILE:LINE: column C: why`, the way editors and compilers point at lines.
fn refused(path: &Path, errors: &DataErrors) -> anyhow::Error {
    let file = path.display();
    let mut text =
        format!("{file} was refused: {} problem(s) on {} line(s)", errors.errors.len(), errors.lines().len());
    for error in errors.errors.iter().take(ERRORS_PRINTED_MAX) {
        let column = error.column.map(|c| format!(" column {c}:")).unwrap_or_default();
        text.push_str(&format!("\n  {file}:{}:{column} {}", error.line, error.message));
    }
    if errors.errors.len() > ERRORS_PRINTED_MAX {
        text.push_str(&format!("\n  ... and {} more", errors.errors.len() - ERRORS_PRINTED_MAX));
    }
    anyhow::anyhow!(text)
}
