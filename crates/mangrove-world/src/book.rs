//! What of the world must last, journaled through the sequencer like every
//! other command: each person's chosen appearance, reports of abuse, and
//! the operator's bans with their reason and end. Presence and chat are
//! not here: they are ephemeral. A report holds a commitment to the
//! reported message (its hash), never the message: the message itself is
//! kept outside the journal, for a retention period, so it can be erased.

use mangrove_core::domain::{Domain, Touched};
use mangrove_core::tables::{Kind, Row, Table, Value};
use mangrove_core::{Actor, Context, DomainError, DomainResult, Role, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest ban: a year.
pub const BAN_MS_MAX: i64 = 366 * 24 * 3_600 * 1_000;
/// Reports one person may have open at once.
pub const OPEN_REPORTS_PER_REPORTER_MAX: usize = 20;
/// A report's evidence: the hex SHA-256 of the kept message and its context.
pub const EVIDENCE_HEX_CHARS: usize = 64;

/// An avatar built from simple shapes: who it looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    #[default]
    Student,
    Fisher,
    FactoryWorker,
    Elder,
    Vendor,
    Farmer,
    Officer,
    Cyclist,
}

impl Preset {
    pub const ALL: [Preset; 8] = [
        Preset::Student,
        Preset::Fisher,
        Preset::FactoryWorker,
        Preset::Elder,
        Preset::Vendor,
        Preset::Farmer,
        Preset::Officer,
        Preset::Cyclist,
    ];
    pub fn code(self) -> u8 {
        self as u8
    }
    pub fn from_code(code: u8) -> Option<Preset> {
        Preset::ALL.get(usize::from(code)).copied()
    }
}

/// Colours an appearance may take (an index into the client's palette).
pub const COLOURS: u8 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Appearance {
    pub preset: Preset,
    pub colour: u8,
}

/// Why someone was reported or banned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conduct {
    Harassment,
    Hate,
    Spam,
    Sexual,
    Scam,
    Other,
}

impl Conduct {
    /// Its name in JSON, the tables and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Conduct::Harassment => "harassment",
            Conduct::Hate => "hate",
            Conduct::Spam => "spam",
            Conduct::Sexual => "sexual",
            Conduct::Scam => "scam",
            Conduct::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    pub until_ms: i64,
    pub reason: Conduct,
    pub by: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: u64,
    pub reporter: UserId,
    pub reported: UserId,
    pub reason: Conduct,
    /// The hex SHA-256 of the message and its context, kept elsewhere.
    pub evidence: String,
    pub at_ms: i64,
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum WorldCommand {
    SetAppearance { appearance: Appearance },
    Report { reported: UserId, reason: Conduct, evidence: String },
    CloseReport { report: u64 },
    Ban { user: UserId, until_ms: i64, reason: Conduct },
    LiftBan { user: UserId },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WorldEvent {
    AppearanceSet { user: UserId, appearance: Appearance },
    Reported { report: Report },
    ReportClosed { report: u64 },
    Banned { user: UserId, ban: Ban },
    BanLifted { user: UserId },
}

/// The world's lasting state.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorldBook {
    appearances: BTreeMap<UserId, Appearance>,
    reports: BTreeMap<u64, Report>,
    bans: BTreeMap<UserId, Ban>,
}

impl WorldBook {
    pub fn appearance(&self, user: UserId) -> Appearance {
        self.appearances.get(&user).copied().unwrap_or_default()
    }
    /// The ban in force on `user` at `now_ms`, if any.
    pub fn ban(&self, user: UserId, now_ms: i64) -> Option<&Ban> {
        self.bans.get(&user).filter(|ban| ban.until_ms > now_ms)
    }
    pub fn bans(&self) -> impl Iterator<Item = (UserId, &Ban)> {
        self.bans.iter().map(|(user, ban)| (*user, ban))
    }
    pub fn reports(&self) -> impl DoubleEndedIterator<Item = &Report> {
        self.reports.values()
    }
}

/// The person acting: anyone signed in, for themself.
fn signed_in(actor: &Actor) -> DomainResult<UserId> {
    match actor {
        Actor::Member { user, .. } | Actor::Person { user } => Ok(*user),
        Actor::System => Err(DomainError::forbidden("the deployment has no avatar")),
    }
}

/// The operator (or the deployment, which acts for it).
fn operator(actor: &Actor) -> DomainResult<UserId> {
    match actor {
        Actor::System => Ok(UserId(0)),
        Actor::Member { user, role: Role::Operator, .. } => Ok(*user),
        _ => Err(DomainError::forbidden("only the operator moderates the city")),
    }
}

const TABLES: &[Table] = &[
    Table {
        name: "world_appearances",
        columns: &[("user_id", Kind::Int), ("preset", Kind::Int), ("colour", Kind::Int)],
        key_columns: 1,
    },
    Table {
        name: "world_reports",
        columns: &[
            ("id", Kind::Int),
            ("reporter", Kind::Int),
            ("reported", Kind::Int),
            ("reason", Kind::Text),
            ("evidence", Kind::Text),
            ("at_ms", Kind::Int),
            ("closed", Kind::Int),
        ],
        key_columns: 1,
    },
    Table {
        name: "world_bans",
        columns: &[("user_id", Kind::Int), ("until_ms", Kind::Int), ("reason", Kind::Text), ("by_user", Kind::Int)],
        key_columns: 1,
    },
];

fn conduct_text(conduct: Conduct) -> Value {
    Value::text(conduct.as_str())
}

impl WorldBook {
    fn appearance_row(user: UserId, appearance: &Appearance) -> Row {
        vec![Value::int(user.get()), Value::int(appearance.preset.code().into()), Value::int(appearance.colour.into())]
    }
    fn report_row(report: &Report) -> Row {
        vec![
            Value::int(report.id),
            Value::int(report.reporter.get()),
            Value::int(report.reported.get()),
            conduct_text(report.reason),
            Value::text(&report.evidence),
            Value::signed(report.at_ms),
            Value::int(report.closed.into()),
        ]
    }
    fn ban_row(user: UserId, ban: &Ban) -> Row {
        vec![Value::int(user.get()), Value::signed(ban.until_ms), conduct_text(ban.reason), Value::int(ban.by.get())]
    }
}

impl Domain for WorldBook {
    const NAME: &'static str = "world";
    const TABLES: &'static [Table] = TABLES;
    type Command = WorldCommand;
    type Event = WorldEvent;

    fn decide(&self, context: &Context, command: &WorldCommand) -> DomainResult<Vec<WorldEvent>> {
        match command {
            WorldCommand::SetAppearance { appearance } => {
                let user = signed_in(&context.actor)?;
                if appearance.colour >= COLOURS {
                    return Err(DomainError::invalid("colour", format!("a colour is 0 to {}", COLOURS - 1)));
                }
                Ok(vec![WorldEvent::AppearanceSet { user, appearance: *appearance }])
            }
            WorldCommand::Report { reported, reason, evidence } => {
                let reporter = signed_in(&context.actor)?;
                if *reported == reporter {
                    return Err(DomainError::invalid("reported", "one cannot report oneself"));
                }
                if evidence.len() != EVIDENCE_HEX_CHARS || !evidence.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(DomainError::invalid("evidence", "the evidence is the message's SHA-256 in hex"));
                }
                let open = self.reports.values().filter(|r| r.reporter == reporter && !r.closed).count();
                if open >= OPEN_REPORTS_PER_REPORTER_MAX {
                    return Err(DomainError::conflict(format!(
                        "you have {open} reports waiting for the operator; wait until some are closed"
                    )));
                }
                let id = self.reports.keys().next_back().map_or(1, |last| last + 1);
                let report = Report {
                    id,
                    reporter,
                    reported: *reported,
                    reason: *reason,
                    evidence: evidence.to_ascii_lowercase(),
                    at_ms: context.now_ms,
                    closed: false,
                };
                Ok(vec![WorldEvent::Reported { report }])
            }
            WorldCommand::CloseReport { report } => {
                operator(&context.actor)?;
                match self.reports.get(report) {
                    None => Err(DomainError::not_found("report", format!("there is no report {report}"))),
                    Some(open) if open.closed => Err(DomainError::conflict(format!("report {report} is closed"))),
                    Some(_) => Ok(vec![WorldEvent::ReportClosed { report: *report }]),
                }
            }
            WorldCommand::Ban { user, until_ms, reason } => {
                let by = operator(&context.actor)?;
                if *until_ms <= context.now_ms {
                    return Err(DomainError::invalid("until_ms", "a ban ends in the future"));
                }
                if *until_ms - context.now_ms > BAN_MS_MAX {
                    return Err(DomainError::invalid("until_ms", "a ban lasts at most a year; renew it if needed"));
                }
                Ok(vec![WorldEvent::Banned { user: *user, ban: Ban { until_ms: *until_ms, reason: *reason, by } }])
            }
            WorldCommand::LiftBan { user } => {
                operator(&context.actor)?;
                if self.ban(*user, context.now_ms).is_none() {
                    return Err(DomainError::conflict(format!("{user} is not banned")));
                }
                Ok(vec![WorldEvent::BanLifted { user: *user }])
            }
        }
    }

    fn apply(&mut self, event: &WorldEvent, touched: &mut Touched) {
        match event {
            WorldEvent::AppearanceSet { user, appearance } => {
                self.appearances.insert(*user, *appearance);
                touched.mark(0, vec![Value::int(user.get())]);
            }
            WorldEvent::Reported { report } => {
                self.reports.insert(report.id, report.clone());
                touched.mark(1, vec![Value::int(report.id)]);
            }
            WorldEvent::ReportClosed { report } => {
                if let Some(open) = self.reports.get_mut(report) {
                    open.closed = true;
                }
                touched.mark(1, vec![Value::int(*report)]);
            }
            WorldEvent::Banned { user, ban } => {
                self.bans.insert(*user, *ban);
                touched.mark(2, vec![Value::int(user.get())]);
            }
            WorldEvent::BanLifted { user } => {
                self.bans.remove(user);
                touched.mark(2, vec![Value::int(user.get())]);
            }
        }
    }

    fn check_invariants(&self) -> Result<(), String> {
        for (id, report) in &self.reports {
            if *id != report.id {
                return Err(format!("report {id} is filed as {}", report.id));
            }
            if report.reporter == report.reported {
                return Err(format!("report {id} reports its own reporter"));
            }
        }
        if let Some(appearance) = self.appearances.values().find(|a| a.colour >= COLOURS) {
            return Err(format!("an appearance has colour {}", appearance.colour));
        }
        Ok(())
    }

    fn row(&self, table: usize, key: &[Value]) -> Option<Row> {
        let [Value::Int(Some(id))] = key else { return None };
        let id = u64::try_from(*id).ok()?;
        match table {
            0 => self.appearances.get(&UserId(id)).map(|a| Self::appearance_row(UserId(id), a)),
            1 => self.reports.get(&id).map(Self::report_row),
            2 => self.bans.get(&UserId(id)).map(|ban| Self::ban_row(UserId(id), ban)),
            _ => None,
        }
    }

    fn rows(&self, table: usize) -> Vec<Row> {
        match table {
            0 => self.appearances.iter().map(|(user, a)| Self::appearance_row(*user, a)).collect(),
            1 => self.reports.values().map(Self::report_row).collect(),
            2 => self.bans.iter().map(|(user, ban)| Self::ban_row(*user, ban)).collect(),
            _ => Vec::new(),
        }
    }
}
