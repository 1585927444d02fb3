//! Every numeric bound that an input, or a sum of inputs, must respect, in
//! one place. Each figure a user may send meets narrower types further on:
//! a projection column (SQLite INTEGER and PostgreSQL BIGINT are `i64`), an
//! accumulator (grams of CO2e in an `i64`), a JSON number read by a browser
//! (exact only up to 2^53 − 1). The domain crates refuse at `decide` what
//! exceeds these bounds, and the assertions below prove at compile time
//! that the worst sum of valid inputs still fits where it lands, so no
//! `apply` and no projection row can overflow.
//!
//! ```
//! use mangrove_core::bounds;
//! assert!(bounds::TCO2E_SUPPLY_MAX <= bounds::JSON_INTEGER_MAX);
//! ```

/// The largest integer a JSON number carries exactly to a browser
/// (`Number.MAX_SAFE_INTEGER`).
pub const JSON_INTEGER_MAX: u64 = (1 << 53) - 1;
/// The largest integer a projection column holds (SQLite INTEGER,
/// PostgreSQL BIGINT).
pub const COLUMN_INTEGER_MAX: u64 = i64::MAX as u64;

// Registry tonnes.
/// Most tonnes one command may claim, verify, issue, move or retire.
pub const TCO2E_PER_COMMAND_MAX: u64 = 1_000_000_000_000;
/// Most tonnes the registry may ever issue, over all batches: every holding,
/// serial and total of tonnes is at most this.
pub const TCO2E_SUPPLY_MAX: u64 = 1_000_000_000_000_000;

// Money, in satang (and green points, counted the same way).
/// Largest amount one ledger transfer moves: ten trillion baht in satang.
pub const SATANG_PER_TRANSFER_MAX: u64 = 1_000_000_000_000_000;
/// Largest running total of an account (posted or pending, debits or
/// credits): a deposit that would take a total past it is refused.
pub const SATANG_PER_ACCOUNT_TOTAL_MAX: u64 = JSON_INTEGER_MAX;

// The exchange.
/// Highest limit price of one tonne.
pub const PRICE_SATANG_MAX: u64 = 1_000_000_000;
/// Most tonnes one exchange order may ask for.
pub const ORDER_TCO2E_MAX: u64 = 10_000_000;

// The factory book.
/// Most factories the book registers (Rayong has a few thousand).
pub const FACTORIES_MAX: usize = 10_000;
/// Most activity lines one factory records for one year.
pub const LINES_PER_YEAR_MAX: usize = 5_000;
/// Largest sum of the magnitudes of one factory-year's emission lines:
/// 100 million tonnes in grams, several times the largest plant on Earth.
/// Bounding the magnitudes (not the signed total) bounds every partial sum:
/// a scope, a gas, a source.
pub const CO2E_GRAMS_PER_FACTORY_YEAR_MAX: i64 = 100_000_000 * 1_000_000;
/// Largest reduction one project estimates or one practice measured.
pub const REDUCTION_TCO2E_MAX: u64 = 100_000_000;
/// Largest investment a practice reports: a trillion baht.
pub const INVESTMENT_BAHT_MAX: u64 = 1_000_000_000_000;

// How the bounds relate: the worst sum of valid inputs fits its type.
const _: () = assert!(JSON_INTEGER_MAX <= COLUMN_INTEGER_MAX);
const _: () = assert!(TCO2E_PER_COMMAND_MAX <= TCO2E_SUPPLY_MAX);
const _: () = assert!(TCO2E_SUPPLY_MAX <= JSON_INTEGER_MAX);
const _: () = assert!(ORDER_TCO2E_MAX <= TCO2E_PER_COMMAND_MAX);
const _: () = assert!(SATANG_PER_TRANSFER_MAX <= SATANG_PER_ACCOUNT_TOTAL_MAX);
const _: () = assert!(SATANG_PER_ACCOUNT_TOTAL_MAX <= JSON_INTEGER_MAX);
// An account's posted credits less its posted and pending debits is computed
// in i128, but its totals themselves are u64 columns.
const _: () = assert!(SATANG_PER_ACCOUNT_TOTAL_MAX <= COLUMN_INTEGER_MAX);
// Price times tonnes is computed in u64 and must not wrap there; what a
// trade moves is further capped by the ledger's hold of the buyer's cash,
// at most `SATANG_PER_TRANSFER_MAX`.
const _: () = assert!(PRICE_SATANG_MAX.checked_mul(ORDER_TCO2E_MAX).is_some());
const _: () = assert!(PRICE_SATANG_MAX * ORDER_TCO2E_MAX <= COLUMN_INTEGER_MAX);
// The province's sum for a year, over every factory, fits the i64 of grams,
// and its whole tonnes stay exact in JSON.
const _: () = assert!(CO2E_GRAMS_PER_FACTORY_YEAR_MAX.checked_mul(FACTORIES_MAX as i64).is_some());
const _: () = assert!((CO2E_GRAMS_PER_FACTORY_YEAR_MAX as u64 / 1_000_000) * FACTORIES_MAX as u64 <= JSON_INTEGER_MAX);
const _: () = assert!(REDUCTION_TCO2E_MAX <= JSON_INTEGER_MAX);
const _: () = assert!(INVESTMENT_BAHT_MAX <= JSON_INTEGER_MAX);
