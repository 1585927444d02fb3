//! Who is acting: the role an organisation's members act in, the actor
//! behind each command, and the context a command is decided in. Every
//! domain decides against these, so they live in the shared core.

use crate::{Date, OrgId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an organisation is, which is also the role of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    Verifier,
    Proponent,
    Factory,
    Citizen,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Operator, Role::Verifier, Role::Proponent, Role::Factory, Role::Citizen];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Verifier => "verifier",
            Role::Proponent => "proponent",
            Role::Factory => "factory",
            Role::Citizen => "citizen",
        }
    }
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// Who issues a command. `System` is the deployment itself (the CLI that
/// sets up a database, the exchange settling a trade); a `Member` acts for
/// its organisation in the organisation's role; a `Person` (a citizen)
/// acts for themself, from their own accounts, in the citizen's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Actor {
    System,
    Member { user: UserId, org: OrgId, role: Role },
    Person { user: UserId },
}

impl Actor {
    pub fn org(&self) -> Option<OrgId> {
        match self {
            Actor::System | Actor::Person { .. } => None,
            Actor::Member { org, .. } => Some(*org),
        }
    }
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::System => None,
            Actor::Member { role, .. } => Some(*role),
            Actor::Person { .. } => Some(Role::Citizen),
        }
    }
    pub fn label(&self) -> String {
        match self {
            Actor::System => "system".into(),
            Actor::Member { user, .. } | Actor::Person { user } => format!("user:{}", user.get()),
        }
    }
}

/// What a command is decided against besides the state: who asks and when.
/// Time is an input so that the same commands always give the same events.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub actor: Actor,
    pub now_ms: i64,
    pub today: Date,
}
