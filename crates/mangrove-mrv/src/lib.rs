//! Measurement, reporting and verification, pure: emission factors as
//! versioned data, factory greenhouse-gas inventories and their targets, and
//! the methodologies that compute credits (mangrove stock change, steam
//! savings, electric motorcycle taxis), each returning a calculation record.
//!
//! ```
//! use mangrove_mrv::{import_activities, Catalogue, CombustionMethod, GwpSet, Inventory, InventoryOptions, Scope};
//! let catalogue = Catalogue::embedded();
//! let file = "month,activity,quantity,unit\n2025-01,ไฟฟ้า,1000,กิโลวัตต์ชั่วโมง\n2025-01,diesel,100,L\n";
//! let lines = import_activities(file, catalogue).unwrap();
//! let options = InventoryOptions { year: 2025, gwp_set: GwpSet::Ar6, combustion: CombustionMethod::TgoCombined };
//! let inventory = Inventory::compute(catalogue, options, &lines).unwrap();
//! // 1,000 kWh × 0.4999 kg/kWh = 499.9 kg; 100 L × 2.7078 kg/L = 270.78 kg.
//! assert_eq!(inventory.scope(Scope::Two).grams(), 499_900);
//! assert_eq!(inventory.total().to_string(), "0.77068 tCO2e");
//! assert_eq!(inventory.lines()[0].factors[0].id, "th-grid-2016-18");
//! ```
//!
//! Quantities are fixed-point (`Micro`, millionths) and emissions whole grams
//! (`Co2e`), serialised as exact decimal text in tonnes. Files are handed in
//! as text: this crate, like every domain crate, reads nothing itself and
//! knows nothing of tokio, sqlx or axum.

pub mod catalogue;
pub mod efficiency;
pub mod error;
pub mod factories;
pub mod fixed;
pub mod forestry;
pub mod import;
pub mod inventory;
pub mod mobility;
pub mod reductions;
pub mod target;
pub mod uncertainty;

pub use catalogue::{Catalogue, Factor, GwpSet, Scope, Status, Tables};
pub use efficiency::{steam_savings, Boiler, SteamRecord, SteamSavings};
pub use error::{DataErrors, LineError, Problem};
pub use factories::{
    FactoryBook, FactoryProfile, FactoryYear, MeasureCommand, MeasureDirty, MeasureEvent, Province, Sector,
    TargetSetting,
};
pub use fixed::{Co2e, Micro, Month};
pub use forestry::{forestry, parse_survey, tree_biomass, ForestryInputs, ForestryRecord, Survey};
pub use import::{import_activities, ActivityLine, LINES_MAX};
pub use inventory::{CombustionMethod, EmissionLine, FactorRef, Inventory, InventoryOptions};
pub use mobility::{electric_mobility, ElectricMobility, MobilityRecord};
pub use reductions::{
    BestPractice, CreditMethodology, PracticeDraft, ReductionKind, ReductionPlan, ReductionProject, ReductionStatus,
};
pub use target::{net_emissions, Progress, Target};
