//! Identifiers. Each kind of thing has its own newtype so that an account id
//! can never be passed where a batch id is expected. Ids are assigned by the
//! registry in order, starting at 1, which keeps replays deterministic.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = u64)]
        pub struct $name(pub u64);

        impl $name {
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// An organisation: the municipality, a verifier, a factory, a household.
    OrgId, "org "
);
id_type!(
    /// A holding account of an organisation, or the buffer pool.
    AccountId, "account "
);
id_type!(
    /// A credit class: one methodology.
    ClassId, "class "
);
id_type!(
    /// A project under a credit class.
    ProjectId, "project "
);
id_type!(
    /// A monitoring report of a project.
    ReportId, "report "
);
id_type!(
    /// One issuance: one vintage of one project.
    BatchId, "batch "
);
id_type!(
    /// A retirement: final use of credits by a beneficiary.
    RetirementId, "retirement "
);
id_type!(
    /// A cancellation by the operator, or a buffer cancellation for a loss.
    CancellationId, "cancellation "
);
id_type!(
    /// A hold: credits locked in escrow.
    HoldId, "hold "
);
id_type!(
    /// A person who signs in.
    UserId, "user "
);
id_type!(
    /// A factory's reduction project, planned or running.
    ReductionId, "reduction "
);
id_type!(
    /// A best practice a factory published for the others.
    PracticeId, "practice "
);
id_type!(
    /// A tradable pool of credits: one batch (one vintage of one project).
    InstrumentId, "instrument "
);
id_type!(
    /// An order on the exchange.
    OrderId, "order "
);
id_type!(
    /// A trade: credits and cash exchanged at one price.
    TradeId, "trade "
);
id_type!(
    /// A sealed-bid call auction of credits.
    AuctionId, "auction "
);
