//! Mangrove credits from field plot surveys (Premium T-VER-P-METH-13-02):
//! tree biomass by the Komiyama et al. (2005) equations, plot densities, the
//! project's carbon stock, and, against an earlier survey, removals less
//! baseline, leakage, the uncertainty deduction and the buffer.
//!
//! The only floats in the crate are the allometric powers (D^2.46): each
//! tree's biomass is rounded to a whole gram at once, far below what a
//! diameter tape can tell apart, and every sum after that is an integer.

use crate::catalogue::{Catalogue, Status};
use crate::error::{DataErrors, LineError, Problem};
use crate::fixed::{decimal_text, Co2e, Micro, Ratio};
use crate::import::{number, read_rows, Row};
use crate::uncertainty::{uncertainty, Uncertainty};
use mangrove_core::{BasisPoints, DomainError, Tco2e};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Trees have D ≥ 4.5 cm ...
pub const TREE_DBH_CM_MIN: Micro = Micro::from_millionths(4_500_000);
/// ... and, where height was measured, stand taller than 1.3 m; smaller stems are saplings.
pub const TREE_HEIGHT_M_MIN: Micro = Micro::from_millionths(1_300_000);
/// Bounds that catch a misplaced decimal point before it becomes carbon.
pub const DBH_CM_MAX: i64 = 300;
pub const HEIGHT_M_MAX: i64 = 80;
pub const PLOT_AREA_M2_MAX: i64 = 10_000;
/// No real plot is smaller, and the bound keeps a plot's density inside an `i64`.
pub const PLOT_AREA_M2_MIN: i64 = 1;
pub const PLOT_ID_CHARS_MAX: usize = 64;
pub const AREA_RAI_MAX: i64 = 10_000_000;
/// One rai is 1,600 m².
pub const M2_PER_RAI: i128 = 1_600;

const COLUMNS: [&str; 5] = ["plot_id", "plot_area_m2", "species", "dbh_cm", "height_m"];

/// One measured stem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stem {
    pub line: u64,
    /// The species' scientific name as in the wood-density table.
    pub species: String,
    pub dbh_cm: Micro,
    pub height_m: Option<Micro>,
}

impl Stem {
    /// A tree, not a sapling: D ≥ 4.5 cm and, where measured, taller than 1.3 m.
    pub fn is_tree(&self) -> bool {
        self.dbh_cm >= TREE_DBH_CM_MIN && self.height_m.is_none_or(|h| h > TREE_HEIGHT_M_MIN)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plot {
    pub plot_id: String,
    pub area_m2: Micro,
    pub stems: Vec<Stem>,
}

/// A field survey: plots in the order the file first names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Survey {
    pub plots: Vec<Plot>,
}

/// Reads a survey file (`plot_id,plot_area_m2,species,dbh_cm,height_m`, one
/// stem a line; `height_m` may be empty). A line with only a plot id and area
/// records a plot with no stems. Every bad line is named, and then nothing is
/// returned.
pub fn parse_survey(text: &str, catalogue: &Catalogue) -> Result<Survey, DataErrors> {
    // Each plot's area and the line that first gave it, to catch a plot given two areas.
    let mut areas: HashMap<String, (Micro, u64)> = HashMap::new();
    let rows = read_rows(text, &COLUMNS, &[], |row, errors| {
        let before = errors.len();
        let plot_id = row.get("plot_id");
        if plot_id.is_empty() || plot_id.chars().count() > PLOT_ID_CHARS_MAX {
            let message = format!("plot_id must have 1 to {PLOT_ID_CHARS_MAX} characters");
            errors.push(LineError::new(row.line, Some("plot_id"), Problem::OutOfRange, message));
        }
        let (min, max) = (Micro::from_int(PLOT_AREA_M2_MIN), Micro::from_int(PLOT_AREA_M2_MAX));
        let area = number(row, "plot_area_m2", min, max, errors);
        if let (Some(area), false) = (area, plot_id.is_empty()) {
            let &mut (first, first_line) = areas.entry(plot_id.to_string()).or_insert((area, row.line));
            if first != area {
                let message = format!("plot {plot_id} has {first} m² on line {first_line} but {area} m² here");
                errors.push(LineError::new(row.line, Some("plot_area_m2"), Problem::Inconsistent, message));
            }
        }
        let stem = if ["species", "dbh_cm", "height_m"].iter().all(|c| row.get(c).is_empty()) {
            None
        } else {
            parse_stem(row, catalogue, errors)
        };
        (errors.len() == before).then(|| (plot_id.to_string(), area.expect("checked"), stem))
    })?;
    let mut plots: Vec<Plot> = Vec::new();
    let mut positions: HashMap<String, usize> = HashMap::new();
    for (plot_id, area_m2, stem) in rows {
        let position = *positions.entry(plot_id.clone()).or_insert_with(|| {
            plots.push(Plot { plot_id, area_m2, stems: Vec::new() });
            plots.len() - 1
        });
        plots[position].stems.extend(stem);
    }
    Ok(Survey { plots })
}

fn positive(row: &Row<'_>, column: &'static str, max: i64, errors: &mut Vec<LineError>) -> Option<Micro> {
    let value = number(row, column, Micro::ZERO, Micro::from_int(max), errors)?;
    if value == Micro::ZERO {
        let message = format!("{column} must be more than 0");
        errors.push(LineError::new(row.line, Some(column), Problem::OutOfRange, message));
        return None;
    }
    Some(value)
}

fn parse_stem(row: &Row<'_>, catalogue: &Catalogue, errors: &mut Vec<LineError>) -> Option<Stem> {
    let name = row.get("species");
    let species = catalogue.species(name);
    if species.is_none() {
        let known: Vec<&str> = catalogue.all_species().iter().map(|s| s.species.as_str()).collect();
        let message = format!("unknown species '{name}'; known: {}", known.join(", "));
        errors.push(LineError::new(row.line, Some("species"), Problem::UnknownSpecies, message));
    }
    let dbh_cm = positive(row, "dbh_cm", DBH_CM_MAX, errors);
    let height_m = if row.get("height_m").is_empty() {
        Some(None)
    } else {
        positive(row, "height_m", HEIGHT_M_MAX, errors).map(Some)
    };
    Some(Stem { line: row.line, species: species?.species.clone(), dbh_cm: dbh_cm?, height_m: height_m? })
}

/// Above- and below-ground biomass of one tree, in grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TreeBiomass {
    pub agb_g: i64,
    pub bgb_g: i64,
}

/// Komiyama et al. (2005): AGB = 0.251 ρ D^2.46, BGB = 0.199 ρ^0.899 D^2.22
/// (kg, D in cm, ρ in g/cm³), each rounded to the gram.
pub fn tree_biomass(dbh_cm: Micro, wood_density: Micro) -> TreeBiomass {
    let d = dbh_cm.millionths() as f64 / 1e6;
    let rho = wood_density.millionths() as f64 / 1e6;
    let agb_kg = 0.251 * rho * d.powf(2.46);
    let bgb_kg = 0.199 * rho.powf(0.899) * d.powf(2.22);
    // Bounded by DBH_CM_MAX (300 cm gives a few hundred tonnes), so the casts cannot saturate.
    TreeBiomass { agb_g: (agb_kg * 1000.0).round() as i64, bgb_g: (bgb_kg * 1000.0).round() as i64 }
}

/// One plot's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlotResult {
    pub plot_id: String,
    pub area_m2: Micro,
    pub trees: u64,
    pub saplings: u64,
    pub agb_g: i64,
    pub bgb_g: i64,
    /// (AGB + BGB) / area, to the nearest mg/m²: the plot's b_i.
    pub density_mg_per_m2: i64,
    /// The same in t/ha (1 kg/m² = 10 t/ha).
    pub density_t_per_ha: String,
}

/// One survey's figures: its plots, the mean density and the stock over the project area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyResult {
    pub plots: Vec<PlotResult>,
    pub trees: u64,
    pub saplings: u64,
    pub mean_density_t_per_ha: String,
    pub stock_tco2e: Co2e,
    pub uncertainty: Option<Uncertainty>,
}

fn plot_result(plot: &Plot, catalogue: &Catalogue) -> PlotResult {
    let (mut trees, mut saplings, mut agb_g, mut bgb_g) = (0u64, 0u64, 0i64, 0i64);
    for stem in &plot.stems {
        if !stem.is_tree() {
            saplings += 1;
            continue;
        }
        let density = catalogue.species(&stem.species).expect("parsed against this catalogue").wood_density;
        let biomass = tree_biomass(stem.dbh_cm, density);
        trees += 1;
        agb_g += biomass.agb_g;
        bgb_g += biomass.bgb_g;
    }
    // grams × 1000 mg/g ÷ (area in millionths of m² ÷ 10^6)
    let density = Ratio::int(i128::from(agb_g + bgb_g) * 1_000 * 1_000_000)
        .div(Ratio::int(i128::from(plot.area_m2.millionths())))
        .and_then(Ratio::round_i64)
        .expect("plot areas are positive and bounded");
    PlotResult {
        plot_id: plot.plot_id.clone(),
        area_m2: plot.area_m2,
        trees,
        saplings,
        agb_g,
        bgb_g,
        density_mg_per_m2: density,
        density_t_per_ha: decimal_text(i128::from(density), 5),
    }
}

/// The survey's plots, mean density and stock over `area_rai`:
/// C (gCO2e) = 44/12 × 0.47 × A (m²) × mean b (mg/m²) / 1000, which is
/// DOMAIN.md's 44/12 × CF × A (ha) × b (t/ha) in other units.
pub fn survey_result(survey: &Survey, area_rai: Micro, catalogue: &Catalogue) -> Result<SurveyResult, DomainError> {
    let plots: Vec<PlotResult> = survey.plots.iter().map(|p| plot_result(p, catalogue)).collect();
    let n = i128::try_from(plots.len()).expect("a plot count fits");
    let sum_mg: i128 = plots.iter().map(|p| i128::from(p.density_mg_per_m2)).sum();
    let area_m2 = area_rai.ratio().mul(Ratio::int(M2_PER_RAI)).expect("area is bounded");
    // 44/12 × 47/100 / 1000 = 517/300,000 gCO2e per mg of dry matter.
    let stock = area_m2
        .mul(Ratio::new(sum_mg, n.max(1)))
        .and_then(|mg| mg.mul(Ratio::new(517, 300_000)))
        .and_then(Ratio::round_i64)
        .ok_or_else(|| {
            DomainError::invalid("area_rai", "the stock is too large to compute; check the area and diameters")
        })?;
    let densities: Vec<i64> = plots.iter().map(|p| p.density_mg_per_m2).collect();
    Ok(SurveyResult {
        trees: plots.iter().map(|p| p.trees).sum(),
        saplings: plots.iter().map(|p| p.saplings).sum(),
        mean_density_t_per_ha: decimal_text(Ratio::new(sum_mg, n.max(1)).round(), 5),
        stock_tco2e: Co2e::from_grams(stock),
        uncertainty: uncertainty(&densities),
        plots,
    })
}

/// The demo mangrove's field surveys of 2024 and 2025 (the same 12 plots),
/// shipped as the worked example a verifier can rerun.
pub const EXAMPLE_SURVEY_2024: &str = include_str!("../data/examples/mangrove-2024.csv");
pub const EXAMPLE_SURVEY_2025: &str = include_str!("../data/examples/mangrove-2025.csv");

/// What the project states besides its surveys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ForestryInputs {
    pub area_rai: Micro,
    /// The share of verified removals set aside for the buffer pool.
    pub buffer_bps: BasisPoints,
    pub baseline_tco2e: Co2e,
    pub leakage_tco2e: Co2e,
}

/// A wood density used, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DensityUsed {
    pub species: String,
    pub wood_density_g_per_cm3: Micro,
    pub source: String,
    pub status: Status,
}

/// The equations and constants, named so a verifier can check them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Method {
    pub methodology: &'static str,
    pub biomass: &'static str,
    pub trees: &'static str,
    pub stock: &'static str,
    pub removals: &'static str,
    pub uncertainty: &'static str,
    pub buffer: &'static str,
}

pub const METHOD: Method = Method {
    methodology: "Premium T-VER-P-METH-13-02 (mangroves), single stratum",
    biomass: "Komiyama et al. (2005): AGB = 0.251·ρ·D^2.46, BGB = 0.199·ρ^0.899·D^2.22 (kg; D cm; ρ g/cm³)",
    trees: "D ≥ 4.5 cm and, where measured, height > 1.3 m; smaller stems are saplings, counted and excluded",
    stock: "b_i = Σ(AGB + BGB) / plot area; b = mean of b_i; C = 44/12 × 0.47 (IPCC carbon fraction) × A(ha) × b(t/ha); A = rai × 0.16",
    removals: "stock now − stock at the previous survey − baseline − leakage",
    uncertainty: "T-VER: U = 90% half-width / mean of the current survey's b_i (Student t); deduct rate(U) × U × removals; rate 0 to 10%, 25% to 15%, 50% to 20%, 75% to 30%, else 100%",
    buffer: "verified = removals − deduction, whole tonnes rounded down; buffer = its share rounded up; net = verified − buffer",
};

/// The whole calculation, serialisable as the monitoring report's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForestryRecord {
    pub method: Method,
    pub inputs: ForestryInputs,
    pub area_ha: Micro,
    pub wood_densities: Vec<DensityUsed>,
    pub survey: SurveyResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_survey: Option<SurveyResult>,
    pub stock_tco2e: Co2e,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<Credits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_before_tco2e: Option<Co2e>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removals_tco2e: Option<Co2e>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffer_tco2e: Option<Tco2e>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_tco2e: Option<Tco2e>,
}

/// From removals to credits, every deduction shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credits {
    pub removals_tco2e: Co2e,
    pub uncertainty_bps: u64,
    pub deduction_rate_bps: u32,
    pub uncertainty_deduction_tco2e: Co2e,
    pub verified_tco2e: Tco2e,
    pub buffer_tco2e: Tco2e,
    pub net_tco2e: Tco2e,
}

/// Stock from `current`, and with `previous`, the credits of the period between them.
pub fn forestry(
    catalogue: &Catalogue,
    current: &Survey,
    previous: Option<&Survey>,
    inputs: ForestryInputs,
) -> Result<ForestryRecord, DomainError> {
    check_inputs(current, &inputs)?;
    let survey = survey_result(current, inputs.area_rai, catalogue)?;
    let previous_survey = previous.map(|p| survey_result(p, inputs.area_rai, catalogue)).transpose()?;
    let credits = match &previous_survey {
        None => None,
        Some(before) => Some(credits(&survey, before, &inputs)?),
    };
    let mut species: BTreeMap<&str, DensityUsed> = BTreeMap::new();
    for stem in current.plots.iter().chain(previous.iter().flat_map(|p| &p.plots)).flat_map(|p| &p.stems) {
        species.entry(&stem.species).or_insert_with(|| {
            let s = catalogue.species(&stem.species).expect("parsed against this catalogue");
            DensityUsed {
                species: s.species.clone(),
                wood_density_g_per_cm3: s.wood_density,
                source: s.source.clone(),
                status: s.status,
            }
        });
    }
    Ok(ForestryRecord {
        method: METHOD,
        inputs,
        area_ha: Micro::from_millionths(inputs.area_rai.millionths() * 16 / 100),
        wood_densities: species.into_values().collect(),
        stock_tco2e: survey.stock_tco2e,
        stock_before_tco2e: previous_survey.as_ref().map(|p| p.stock_tco2e),
        removals_tco2e: credits.as_ref().map(|c| c.removals_tco2e),
        buffer_tco2e: credits.as_ref().map(|c| c.buffer_tco2e),
        net_tco2e: credits.as_ref().map(|c| c.net_tco2e),
        credits,
        survey,
        previous_survey,
    })
}

fn check_inputs(current: &Survey, inputs: &ForestryInputs) -> Result<(), DomainError> {
    if inputs.area_rai <= Micro::ZERO || inputs.area_rai > Micro::from_int(AREA_RAI_MAX) {
        return Err(DomainError::invalid(
            "area_rai",
            format!("the area must be more than 0 and at most {AREA_RAI_MAX} rai"),
        ));
    }
    if inputs.baseline_tco2e < Co2e::ZERO || inputs.leakage_tco2e < Co2e::ZERO {
        return Err(DomainError::invalid("baseline_tco2e", "baseline and leakage cannot be negative"));
    }
    if current.plots.is_empty() {
        return Err(DomainError::invalid("survey", "the survey has no plots"));
    }
    Ok(())
}

fn credits(now: &SurveyResult, before: &SurveyResult, inputs: &ForestryInputs) -> Result<Credits, DomainError> {
    let Some(u) = &now.uncertainty else {
        return Err(DomainError::invalid(
            "survey",
            "at least two plots are needed to estimate the survey's uncertainty",
        ));
    };
    let removals = (now.stock_tco2e.checked_sub(before.stock_tco2e))
        .and_then(|r| r.checked_sub(inputs.baseline_tco2e))
        .and_then(|r| r.checked_sub(inputs.leakage_tco2e))
        .ok_or_else(|| DomainError::invalid("baseline_tco2e", "the removals are too large to compute"))?;
    let deduction = if removals > Co2e::ZERO {
        // rate × U × removals, rounded up to the gram, never more than the removals.
        let share = Ratio::new(i128::from(u.deduction_rate_bps) * i128::from(u.u_bps), 100_000_000);
        let grams = Ratio::int(i128::from(removals.grams())).mul(share).map_or(i128::MAX, Ratio::ceil);
        Co2e::from_grams(i64::try_from(grams).unwrap_or(i64::MAX).min(removals.grams()))
    } else {
        Co2e::ZERO
    };
    let verified = Tco2e::new(u64::try_from((removals - deduction).tonnes_floor()).unwrap_or(0));
    let buffer = verified.share_rounded_up(inputs.buffer_bps);
    Ok(Credits {
        removals_tco2e: removals,
        uncertainty_bps: u.u_bps,
        deduction_rate_bps: u.deduction_rate_bps,
        uncertainty_deduction_tco2e: deduction,
        verified_tco2e: verified,
        buffer_tco2e: buffer,
        net_tco2e: verified - buffer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micro(text: &str) -> Micro {
        Micro::parse(text).unwrap()
    }

    #[test]
    fn domain_check_r_apiculata_at_10_cm() {
        // DOMAIN.md: R. apiculata, D = 10 cm → AGB ≈ 61.5 kg, BGB ≈ 28.5 kg.
        // By hand: 10^2.46 = 288.40; 0.251 × 0.85 × 288.40 = 61.53 kg.
        //          0.85^0.899 = 0.8641; 10^2.22 = 165.96; 0.199 × 0.8641 × 165.96 = 28.54 kg.
        let b = tree_biomass(micro("10"), micro("0.85"));
        assert_eq!((b.agb_g, b.bgb_g), (61_531, 28_536));
    }

    #[test]
    fn trees_and_saplings() {
        let stem =
            |d: &str, h: Option<&str>| Stem { line: 2, species: "x".into(), dbh_cm: micro(d), height_m: h.map(micro) };
        assert!(stem("4.5", None).is_tree());
        assert!(stem("4.5", Some("1.31")).is_tree());
        assert!(!stem("4.49", None).is_tree());
        assert!(!stem("10", Some("1.3")).is_tree(), "height must exceed 1.3 m");
    }

    const TWO_PLOTS: &str = "plot_id,plot_area_m2,species,dbh_cm,height_m\n\
                             A,100,Rhizophora apiculata,10,6\n\
                             A,100,Rhizophora apiculata,10,\n\
                             A,100,Rhizophora apiculata,3,1.1\n\
                             B,100,Rhizophora apiculata,10,5\n";

    #[test]
    fn a_worked_stock_by_hand() {
        // By hand: each D = 10 cm R. apiculata tree is 61.531 + 28.536 = 90.067 kg.
        // Plot A: 2 trees (the 3 cm stem is a sapling) = 180.134 kg / 100 m² = 1.80134 kg/m² = 18.0134 t/ha.
        // Plot B: 1 tree = 90.067 kg / 100 m² = 9.0067 t/ha. Mean b = 13.51005 t/ha.
        // 10 rai = 1.6 ha; 44/12 × 0.47 × 1.6 = 2.757333...; × 13.51005 = 37.251711 tCO2e.
        let catalogue = Catalogue::embedded();
        let survey = parse_survey(TWO_PLOTS, catalogue).unwrap();
        let result = survey_result(&survey, micro("10"), catalogue).unwrap();
        assert_eq!((result.trees, result.saplings), (3, 1));
        assert_eq!(result.plots[0].density_t_per_ha, "18.0134");
        assert_eq!(result.mean_density_t_per_ha, "13.51005");
        assert_eq!(result.stock_tco2e.grams(), 37_251_711);
    }

    fn plots_of_ten_cm_trees(trees_per_plot: &[u32]) -> Survey {
        let mut text = String::from("plot_id,plot_area_m2,species,dbh_cm,height_m\n");
        for (plot, &trees) in trees_per_plot.iter().enumerate() {
            for _ in 0..trees {
                text.push_str(&format!("P{plot},100,Rhizophora apiculata,10,7.5\n"));
            }
        }
        parse_survey(&text, Catalogue::embedded()).unwrap()
    }

    #[test]
    fn a_worked_monitoring_period_by_hand() {
        // By hand, DOMAIN.md's steps for 500 rai (80 ha), buffer 15 %:
        // A D = 10 cm R. apiculata is 90.067 kg, so a 100 m² plot of k such trees is k × 9.0067 t/ha.
        // Now k = 9, 11, 11, 11, 13: mean b = 11 × 9.0067 = 99.0737 t/ha. Before k = 8 × 5: 72.0536 t/ha.
        // 44/12 × 0.47 × 80 ha = 137.866667.
        //   stock now    = 137.866667 × 99.0737 = 13,658.960773 t
        //   stock before = 137.866667 × 72.0536 =  9,933.789653 t
        //   removals = 3,725.171120 t (baseline and leakage 0)
        // U: Σ(k − 11)² = 8, s = √(8/4) = 1.414214 trees; t(4 df) = 2.132;
        //   half-width = 2.132 × 1.414214 / √5 = 1.348398; U = 1.348398 / 11 = 12.258 % → 1,226 bps (up);
        //   ≤ 15 % → rate 25 %; deduction = 0.25 × 0.1226 × 3,725.171120 = 114.176495 t.
        // verified = ⌊3,725.171120 − 114.176495 = 3,610.994625⌋ = 3,610 t;
        // buffer = ⌈0.15 × 3,610 = 541.5⌉ = 542 t; net = 3,610 − 542 = 3,068 t.
        let catalogue = Catalogue::embedded();
        let now = plots_of_ten_cm_trees(&[9, 11, 11, 11, 13]);
        let before = plots_of_ten_cm_trees(&[8, 8, 8, 8, 8]);
        let inputs = ForestryInputs {
            area_rai: micro("500"),
            buffer_bps: BasisPoints::new(1_500, "buffer").unwrap(),
            baseline_tco2e: Co2e::ZERO,
            leakage_tco2e: Co2e::ZERO,
        };
        let record = forestry(catalogue, &now, Some(&before), inputs).unwrap();
        assert_eq!(record.stock_tco2e.grams(), 13_658_960_773);
        assert_eq!(record.stock_before_tco2e.unwrap().grams(), 9_933_789_653);
        let credits = record.credits.clone().unwrap();
        assert_eq!(credits.removals_tco2e.grams(), 3_725_171_120);
        assert_eq!((credits.uncertainty_bps, credits.deduction_rate_bps), (1_226, 2_500));
        assert_eq!(credits.uncertainty_deduction_tco2e.grams(), 114_176_495);
        assert_eq!(credits.verified_tco2e, Tco2e::new(3_610));
        assert_eq!((record.buffer_tco2e, record.net_tco2e), (Some(Tco2e::new(542)), Some(Tco2e::new(3_068))));
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["removals_tco2e"], 3725.17112);
        assert_eq!(json["net_tco2e"], 3_068);
    }

    #[test]
    fn a_survey_of_uncertain_plots_earns_nothing() {
        // Before: plot A one D = 10 tree (9.0067 t/ha), plot B empty (0). Now: TWO_PLOTS (18.0134, 9.0067).
        // 100 rai = 16 ha; 44/12 × 0.47 × 16 = 27.573333...
        //   stock before = 27.573333 × 4.50335 = 124.172371 t; now = 27.573333 × 13.51005 = 372.517112 t;
        //   removals = 248.344741 − baseline 10 = 238.344741 t.
        // U on now: n = 2, mean 13.51005, s = 9.0067 / √2; t(1 df) = 6.314;
        //   half-width = 6.314 × 9.0067 / 2 = 28.434152; U = 210.4667 % → 21,047 bps; rate 100 %:
        //   the deduction (2.1 × removals) is capped at the removals, so nothing is verified.
        let catalogue = Catalogue::embedded();
        let before_text = "plot_id,plot_area_m2,species,dbh_cm,height_m\nA,100,Rhizophora apiculata,10,6\nB,100,,,\n";
        let before = parse_survey(before_text, catalogue).unwrap();
        let now = parse_survey(TWO_PLOTS, catalogue).unwrap();
        let inputs = ForestryInputs {
            area_rai: micro("100"),
            buffer_bps: BasisPoints::new(1_500, "buffer").unwrap(),
            baseline_tco2e: Co2e::from_whole_tonnes(10),
            leakage_tco2e: Co2e::ZERO,
        };
        let record = forestry(catalogue, &now, Some(&before), inputs).unwrap();
        let credits = record.credits.unwrap();
        assert_eq!(record.stock_before_tco2e.unwrap().grams(), 124_172_371);
        assert_eq!(record.stock_tco2e.grams(), 372_517_112);
        assert_eq!(credits.removals_tco2e.grams(), 238_344_741);
        assert_eq!(credits.uncertainty_bps, 21_047);
        assert_eq!(credits.uncertainty_deduction_tco2e, credits.removals_tco2e);
        assert_eq!((credits.verified_tco2e, credits.net_tco2e), (Tco2e::ZERO, Tco2e::ZERO));
    }

    #[test]
    fn a_lost_forest_earns_nothing_and_one_plot_cannot_be_monitored() {
        let catalogue = Catalogue::embedded();
        let inputs = ForestryInputs {
            area_rai: micro("100"),
            buffer_bps: BasisPoints::new(1_500, "buffer").unwrap(),
            baseline_tco2e: Co2e::ZERO,
            leakage_tco2e: Co2e::ZERO,
        };
        let (big, small) = (plots_of_ten_cm_trees(&[12, 12, 13]), plots_of_ten_cm_trees(&[6, 6, 7]));
        let record = forestry(catalogue, &small, Some(&big), inputs).unwrap();
        assert!(record.removals_tco2e.unwrap() < Co2e::ZERO);
        assert_eq!((record.buffer_tco2e, record.net_tco2e), (Some(Tco2e::ZERO), Some(Tco2e::ZERO)));
        let one = plots_of_ten_cm_trees(&[5]);
        assert!(forestry(catalogue, &one, None, inputs).is_ok(), "a stock needs no spread");
        assert!(forestry(catalogue, &one, Some(&one), inputs).is_err(), "credits do");
        let zero_area = ForestryInputs { area_rai: Micro::ZERO, ..inputs };
        assert!(forestry(catalogue, &one, None, zero_area).is_err());
    }

    #[test]
    fn bad_lines_are_named() {
        let text = "plot_id,plot_area_m2,species,dbh_cm,height_m\n\
                    A,100,Rhizophora apiculata,10,6\n\
                    A,100,Ceriops tagal,10,6\n\
                    A,100,Rhizophora apiculata,-3,6\n\
                    A,100,Rhizophora apiculata,ten,6\n\
                    B,0,Rhizophora apiculata,10,6\n\
                    A,50,Rhizophora apiculata,10,6\n\
                    A,100,Rhizophora apiculata\n\
                    ,100,Rhizophora apiculata,10,0\n";
        let errors = parse_survey(text, Catalogue::embedded()).unwrap_err();
        let found: Vec<(u64, Option<&str>, Problem)> =
            errors.errors.iter().map(|e| (e.line, e.column, e.problem)).collect();
        assert_eq!(
            found,
            [
                (3, Some("species"), Problem::UnknownSpecies),
                (4, Some("dbh_cm"), Problem::OutOfRange),
                (5, Some("dbh_cm"), Problem::NotANumber),
                (6, Some("plot_area_m2"), Problem::OutOfRange),
                (7, Some("plot_area_m2"), Problem::Inconsistent),
                (8, None, Problem::Malformed),
                (9, Some("plot_id"), Problem::OutOfRange),
                (9, Some("height_m"), Problem::OutOfRange),
            ]
        );
        assert!(errors.errors[1].message.contains("negative"), "{}", errors.errors[1]);
        assert!(errors.errors[4].message.contains("on line 2"), "{}", errors.errors[4]);
    }
}
