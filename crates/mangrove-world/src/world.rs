//! The shared city, one tick at a time: `World::tick` takes what the
//! clients asked for since the last tick and the clock, and returns what
//! each client must be told. It does no I/O, so a test or a simulation
//! drives it exactly as the server does, without a network.
//!
//! Each tick: joins and leaves; moves, clamped to what a walker or runner
//! can reach and kept out of the sea; travel to named places; chat, checked
//! against the rules and delivered to those within earshot or in the
//! channel who have not muted or blocked the speaker; then, for every
//! avatar, who it sees in which tier (from the interest grid, with
//! hysteresis) and which of their positions are due to be sent.

use crate::book::Appearance;
use crate::chat::{checked_text, Allowance, Channel, Refusal, Silences, CHANNELS_PER_AVATAR_MAX, EARSHOT_CM};
use crate::frame::Point;
use crate::interest::{next_tier_squared, Grid, Tier};
use crate::movement::clamp_move;
use crate::terrain::Terrain;
use mangrove_core::UserId;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A connection's avatar; the server numbers connections.
pub type ClientId = u32;

/// The ticks per second.
pub const TICK_HZ: u64 = 20;
pub const TICK_MS: i64 = 1_000 / TICK_HZ as i64;
/// Characters in a name tag.
pub const NAME_CHARS_MAX: usize = 40;
/// Where newcomers appear when they ask for nowhere in particular.
pub const ARRIVAL_PLACE: &str = "city_centre";
/// Newcomers and travellers appear within this distance of the place, each
/// at its own spot, rather than on top of each other.
pub const ARRIVAL_SPREAD_CM: i64 = 1_000;

/// What a client asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A new connection: a person (`user`) or a guest (`None`).
    Join {
        client: ClientId,
        user: Option<UserId>,
        name: String,
        appearance: Appearance,
    },
    Leave {
        client: ClientId,
    },
    /// Where the client's avatar wants to be now.
    Move {
        client: ClientId,
        to: Point,
        running: bool,
    },
    /// Straight to a named place.
    Travel {
        client: ClientId,
        place: String,
    },
    Say {
        client: ClientId,
        channel: Channel,
        text: String,
    },
    JoinChannel {
        client: ClientId,
        channel: String,
    },
    LeaveChannel {
        client: ClientId,
        channel: String,
    },
    Mute {
        client: ClientId,
        whom: UserId,
    },
    Block {
        client: ClientId,
        whom: UserId,
    },
    /// Undoes a mute or a block.
    Unmute {
        client: ClientId,
        whom: UserId,
    },
    /// The operator banned `user` until `until_ms` (from the journal).
    Ban {
        user: UserId,
        until_ms: i64,
    },
    Unban {
        user: UserId,
    },
}

/// What one client is told.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Welcome {
        you: ClientId,
        at: Point,
    },
    Appeared {
        avatar: ClientId,
        user: Option<UserId>,
        name: String,
        appearance: Appearance,
        at: Point,
        tier: Tier,
    },
    /// It moved from `from` (what this client was last told) to `at`.
    Moved {
        avatar: ClientId,
        from: Point,
        at: Point,
    },
    Vanished {
        avatar: ClientId,
    },
    /// Your move was clamped (or you travelled): you are here.
    Corrected {
        at: Point,
    },
    /// A message, with its number (by which a listener may report it).
    Heard {
        from: ClientId,
        message: u32,
        channel: Channel,
        text: String,
    },
    Refused {
        refusal: Refusal,
    },
    /// The connection is over (a ban); the server closes it.
    Removed {
        refusal: Refusal,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub to: ClientId,
    pub message: Outgoing,
}

/// What a viewer last knew of an avatar in its sight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub tier: Tier,
    /// The position it was last told (when shown).
    pub sent_at: Point,
    /// False when the viewer blocked the other: in sight, not shown.
    pub shown: bool,
}

#[derive(Debug, Clone)]
pub struct Avatar {
    pub user: Option<UserId>,
    pub name: String,
    pub appearance: Appearance,
    pub at: Point,
    /// When its position was last accepted.
    pub moved_at_ms: i64,
    allowance: Allowance,
    pub channels: BTreeSet<String>,
    /// Who is in its sight, by id, and what it was last told of each.
    sees: Vec<(ClientId, Seen)>,
}

impl Avatar {
    fn seen_any(&self, other: ClientId) -> Option<Seen> {
        self.sees.binary_search_by_key(&other, |(id, _)| *id).ok().map(|at| self.sees[at].1)
    }
    /// What it was last told of `other`, if it is shown `other`.
    pub fn sees(&self, other: ClientId) -> Option<Seen> {
        self.seen_any(other).filter(|seen| seen.shown)
    }
    /// Everyone it is shown, with what it was last told.
    pub fn in_sight(&self) -> impl Iterator<Item = (ClientId, Seen)> + '_ {
        self.sees.iter().filter(|(_, seen)| seen.shown).copied()
    }
}

/// A message said this tick, as the server keeps it for a while so that a
/// listener can report it: who said it, where, and who heard it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub message: u32,
    pub at_ms: i64,
    pub speaker: UserId,
    pub channel: Channel,
    pub text: String,
    /// The people who heard it (guests are not listed).
    pub listeners: Vec<UserId>,
}

/// Figures of one tick, for the server's metrics and the bench.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickFigures {
    pub avatars: usize,
    pub pairs_in_sight: usize,
}

pub struct World {
    terrain: Arc<Terrain>,
    pub tick: u64,
    avatars: BTreeMap<ClientId, Avatar>,
    silences: Silences,
    bans: BTreeMap<UserId, i64>,
    channels: BTreeMap<String, BTreeSet<ClientId>>,
    pub figures: TickFigures,
    /// Everyone is sent everyone, every tick: the naive way, kept only as
    /// the bench's comparison.
    naive_broadcast: bool,
    /// Clients that joined again this tick: everyone is told of them afresh.
    fresh: BTreeSet<ClientId>,
    /// The last message's number.
    last_message: u32,
    /// What was said in the last tick.
    pub said: Vec<Said>,
}

impl World {
    pub fn new(terrain: Arc<Terrain>) -> World {
        World {
            terrain,
            tick: 0,
            avatars: BTreeMap::new(),
            silences: Silences::default(),
            bans: BTreeMap::new(),
            channels: BTreeMap::new(),
            figures: TickFigures::default(),
            naive_broadcast: false,
            fresh: BTreeSet::new(),
            last_message: 0,
            said: Vec::new(),
        }
    }

    /// Sends everyone everyone every tick, without interest or tiers: the
    /// naive way the bench compares against.
    pub fn with_naive_broadcast(mut self) -> World {
        self.naive_broadcast = true;
        self
    }

    pub fn terrain(&self) -> &Terrain {
        &self.terrain
    }
    /// Forgets every ban it was told of, before it is told the bans in
    /// force afresh (after the server fell behind the journal's broadcast
    /// and may have missed a lifting).
    pub fn forget_bans(&mut self) {
        self.bans.clear();
    }
    /// A redrawn map; avatars stay where they are.
    pub fn set_terrain(&mut self, terrain: Arc<Terrain>) {
        self.terrain = terrain;
    }
    pub fn avatar(&self, client: ClientId) -> Option<&Avatar> {
        self.avatars.get(&client)
    }
    pub fn avatars(&self) -> impl Iterator<Item = (ClientId, &Avatar)> {
        self.avatars.iter().map(|(client, avatar)| (*client, avatar))
    }
    pub fn silences(&self) -> &Silences {
        &self.silences
    }

    fn banned(&self, user: Option<UserId>, now_ms: i64) -> bool {
        user.and_then(|user| self.bans.get(&user)).is_some_and(|until| *until > now_ms)
    }

    fn arrival(&self, client: ClientId) -> Point {
        let place =
            self.terrain.place(ARRIVAL_PLACE).or(self.terrain.places.first()).map_or(Point::default(), |p| p.point);
        self.spread(place, client)
    }

    /// A spot of the client's own near `point`, on walkable ground (or the
    /// point itself).
    fn spread(&self, point: Point, client: ClientId) -> Point {
        let mut draw = mangrove_core::random::SplitMix64::new(u64::from(client) ^ (self.tick << 32));
        let side = ARRIVAL_SPREAD_CM * 2 + 1;
        for _ in 0..8 {
            let east = draw.below(side as u64) as i64 - ARRIVAL_SPREAD_CM;
            let north = draw.below(side as u64) as i64 - ARRIVAL_SPREAD_CM;
            if east * east + north * north > ARRIVAL_SPREAD_CM * ARRIVAL_SPREAD_CM {
                continue;
            }
            let spot = Point::new(point.east_cm + east as i32, point.north_cm + north as i32);
            if self.terrain.walkable(spot) {
                return spot;
            }
        }
        point
    }

    /// One tick: applies `inputs` in order at `now_ms` and returns what each
    /// client must be told, in a deterministic order.
    pub fn tick(&mut self, now_ms: i64, inputs: Vec<Input>) -> Vec<Output> {
        self.tick += 1;
        let mut out = Vec::new();
        let mut said = Vec::new();
        for input in inputs {
            self.input(now_ms, input, &mut out, &mut said);
        }
        self.said.clear();
        if !said.is_empty() {
            // Only a tick with something said needs who stands near whom
            // before the look (which builds its own grid).
            let grid = Grid::build(self.avatars.iter().map(|(client, avatar)| (*client, avatar.at)));
            for (client, channel, text) in said {
                self.deliver(&grid, now_ms, client, channel, text, &mut out);
            }
        }
        let pairs_in_sight = self.look(&mut out);
        self.figures = TickFigures { avatars: self.avatars.len(), pairs_in_sight };
        out
    }

    fn refuse(out: &mut Vec<Output>, client: ClientId, refusal: Refusal) {
        out.push(Output { to: client, message: Outgoing::Refused { refusal } });
    }

    fn input(&mut self, now_ms: i64, input: Input, out: &mut Vec<Output>, said: &mut Vec<(ClientId, Channel, String)>) {
        match input {
            Input::Join { client, user, name, appearance } => {
                if self.banned(user, now_ms) {
                    out.push(Output { to: client, message: Outgoing::Removed { refusal: Refusal::Banned } });
                    return;
                }
                let name: String = name.trim().chars().filter(|c| !c.is_control()).take(NAME_CHARS_MAX).collect();
                let at = self.arrival(client);
                let avatar = Avatar {
                    user,
                    name,
                    appearance,
                    at,
                    moved_at_ms: now_ms,
                    allowance: Allowance::full(now_ms),
                    channels: BTreeSet::new(),
                    sees: Vec::new(),
                };
                if self.avatars.contains_key(&client) {
                    self.fresh.insert(client);
                }
                self.leave(client);
                self.avatars.insert(client, avatar);
                out.push(Output { to: client, message: Outgoing::Welcome { you: client, at } });
            }
            Input::Leave { client } => self.leave(client),
            Input::Move { client, to, running } => {
                let terrain = self.terrain.clone();
                let Some(avatar) = self.avatars.get_mut(&client) else { return };
                let at = clamp_move(&terrain, avatar.at, to, running, now_ms - avatar.moved_at_ms);
                if at != avatar.at {
                    avatar.at = at;
                    avatar.moved_at_ms = now_ms;
                }
                if at != to {
                    out.push(Output { to: client, message: Outgoing::Corrected { at } });
                }
            }
            Input::Travel { client, place } => {
                let Some(point) = self.terrain.place(&place).map(|place| place.point) else {
                    return Self::refuse(out, client, Refusal::UnknownPlace);
                };
                let point = self.spread(point, client);
                let Some(avatar) = self.avatars.get_mut(&client) else { return };
                avatar.at = point;
                avatar.moved_at_ms = now_ms;
                out.push(Output { to: client, message: Outgoing::Corrected { at: point } });
            }
            Input::Say { client, channel, text } => {
                let banned = self.avatars.get(&client).is_some_and(|a| self.banned(a.user, now_ms));
                let Some(avatar) = self.avatars.get_mut(&client) else { return };
                let checked = if avatar.user.is_none() {
                    Err(Refusal::SignInToChat)
                } else if banned {
                    Err(Refusal::Banned)
                } else if matches!(&channel, Channel::Named(name) if !avatar.channels.contains(name)) {
                    Err(Refusal::NotInChannel)
                } else {
                    checked_text(&text).and_then(|text| avatar.allowance.take(now_ms).map(|()| text))
                };
                match checked {
                    Ok(text) => said.push((client, channel, text)),
                    Err(refusal) => Self::refuse(out, client, refusal),
                }
            }
            Input::JoinChannel { client, channel } => {
                let Some(avatar) = self.avatars.get_mut(&client) else { return };
                if avatar.channels.len() >= CHANNELS_PER_AVATAR_MAX && !avatar.channels.contains(&channel) {
                    return Self::refuse(out, client, Refusal::TooManyChannels);
                }
                avatar.channels.insert(channel.clone());
                self.channels.entry(channel).or_default().insert(client);
            }
            Input::LeaveChannel { client, channel } => {
                if let Some(avatar) = self.avatars.get_mut(&client) {
                    avatar.channels.remove(&channel);
                }
                self.drop_from_channel(client, &channel);
            }
            Input::Mute { client, whom } | Input::Block { client, whom } | Input::Unmute { client, whom } => {
                let Some(by) = self.avatars.get(&client).map(|a| a.user) else { return };
                let Some(by) = by else { return Self::refuse(out, client, Refusal::SignInToChat) };
                let done = match input {
                    Input::Mute { .. } => self.silences.mute(by, whom),
                    Input::Block { .. } => self.silences.block(by, whom),
                    _ => {
                        self.silences.unmute(by, whom);
                        Ok(())
                    }
                };
                if let Err(refusal) = done {
                    Self::refuse(out, client, refusal);
                }
            }
            Input::Ban { user, until_ms } => {
                self.bans.insert(user, until_ms);
                if until_ms > now_ms {
                    let removed: Vec<ClientId> =
                        self.avatars.iter().filter(|(_, a)| a.user == Some(user)).map(|(c, _)| *c).collect();
                    for client in removed {
                        self.leave(client);
                        out.push(Output { to: client, message: Outgoing::Removed { refusal: Refusal::Banned } });
                    }
                }
            }
            Input::Unban { user } => {
                self.bans.remove(&user);
            }
        }
    }

    fn drop_from_channel(&mut self, client: ClientId, channel: &str) {
        if let Some(members) = self.channels.get_mut(channel) {
            members.remove(&client);
            if members.is_empty() {
                self.channels.remove(channel);
            }
        }
    }

    fn leave(&mut self, client: ClientId) {
        if let Some(avatar) = self.avatars.remove(&client) {
            for channel in &avatar.channels {
                self.drop_from_channel(client, channel);
            }
        }
    }

    /// Delivers a checked message, and keeps who heard it in `said`.
    fn deliver(
        &mut self,
        grid: &Grid<ClientId>,
        now_ms: i64,
        from: ClientId,
        channel: Channel,
        text: String,
        out: &mut Vec<Output>,
    ) {
        let Some(speaker) = self.avatars.get(&from) else { return };
        let Some(speaker_user) = speaker.user else { return };
        let listeners: Vec<ClientId> = match &channel {
            Channel::Nearby => {
                let mut near: Vec<ClientId> = grid
                    .around(speaker.at)
                    .filter(|client| {
                        self.avatars[client].at.distance_squared_cm2(speaker.at) <= EARSHOT_CM * EARSHOT_CM
                    })
                    .collect();
                near.sort_unstable();
                near
            }
            Channel::Named(name) => self.channels.get(name).map(|m| m.iter().copied().collect()).unwrap_or_default(),
        };
        self.last_message = self.last_message.wrapping_add(1);
        let message = self.last_message;
        let mut heard_by = Vec::new();
        for client in listeners {
            let Some(listener) = self.avatars.get(&client) else { continue };
            if listener.user.is_some_and(|user| !self.silences.hears(user, speaker_user)) {
                continue;
            }
            heard_by.extend(listener.user);
            out.push(Output {
                to: client,
                message: Outgoing::Heard { from, message, channel: channel.clone(), text: text.clone() },
            });
        }
        self.said.push(Said { message, at_ms: now_ms, speaker: speaker_user, channel, text, listeners: heard_by });
    }

    /// Who sees whom now, and what each must be told; returns the pairs in
    /// sight.
    ///
    /// A pair's tier is decided once, by the avatar with the lower id (from
    /// its own last view of the other), and read by the other, so interest
    /// is symmetric whatever the hysteresis remembers; a block hides an
    /// avatar from its blocker without changing the pair's tier. Avatars are
    /// taken by their position in id order, and each viewer's last view is
    /// walked beside its sorted candidates, so the work is a pass per pair.
    fn look(&mut self, out: &mut Vec<Output>) -> usize {
        let tick = self.tick;
        let list: Vec<(ClientId, &Avatar)> = self.avatars.iter().map(|(id, avatar)| (*id, avatar)).collect();
        let grid = Grid::build(list.iter().enumerate().map(|(index, (_, avatar))| (index as u32, avatar.at)));
        let mut views: Vec<Vec<(ClientId, Seen)>> = Vec::with_capacity(list.len());
        let mut candidates: Vec<u32> = Vec::new();
        let mut pairs = 0;
        let any_fresh = !self.fresh.is_empty();
        for (viewer_index, (viewer_id, viewer)) in list.iter().enumerate() {
            candidates.clear();
            if self.naive_broadcast {
                candidates.extend(0..list.len() as u32);
            } else {
                candidates.extend(grid.around(viewer.at));
                candidates.sort_unstable();
            }
            let blocked = viewer.user.and_then(|user| self.silences.blocked_by(user));
            let fresh_viewer = any_fresh && self.fresh.contains(viewer_id);
            let previous_view: &[(ClientId, Seen)] = if fresh_viewer { &[] } else { &viewer.sees };
            let mut cursor = 0;
            let mut sees: Vec<(ClientId, Seen)> = Vec::with_capacity(candidates.len());
            let vanish = |out: &mut Vec<Output>, gone: ClientId| {
                out.push(Output { to: *viewer_id, message: Outgoing::Vanished { avatar: gone } });
            };
            for &other_index in &candidates {
                let (other_id, other) = list[other_index as usize];
                if other_id == *viewer_id {
                    continue;
                }
                while cursor < previous_view.len() && previous_view[cursor].0 < other_id {
                    if previous_view[cursor].1.shown {
                        vanish(out, previous_view[cursor].0);
                    }
                    cursor += 1;
                }
                let mut previous = None;
                if cursor < previous_view.len() && previous_view[cursor].0 == other_id {
                    previous = Some(previous_view[cursor].1);
                    cursor += 1;
                }
                if any_fresh && self.fresh.contains(&other_id) {
                    previous = None;
                }
                let tier = if self.naive_broadcast {
                    Some(Tier::Near)
                } else if (other_index as usize) < viewer_index {
                    // Decided by the other, earlier in this tick.
                    let theirs = &views[other_index as usize];
                    theirs.binary_search_by_key(viewer_id, |(id, _)| *id).ok().map(|at| theirs[at].1.tier)
                } else {
                    next_tier_squared(previous.map(|seen| seen.tier), viewer.at.distance_squared_cm2(other.at))
                };
                let was_shown = previous.is_some_and(|seen| seen.shown);
                let Some(tier) = tier else {
                    if was_shown {
                        vanish(out, other_id);
                    }
                    continue;
                };
                let shown = !matches!((blocked, other.user), (Some(set), Some(user)) if set.contains(&user));
                let sent_at = if !shown {
                    if was_shown {
                        vanish(out, other_id);
                    }
                    other.at
                } else if let Some(seen) = previous.filter(|seen| seen.shown) {
                    let due = (tick + u64::from(other_id)).is_multiple_of(tier.period_ticks());
                    if due && seen.sent_at != other.at {
                        out.push(Output {
                            to: *viewer_id,
                            message: Outgoing::Moved { avatar: other_id, from: seen.sent_at, at: other.at },
                        });
                        other.at
                    } else {
                        seen.sent_at
                    }
                } else {
                    out.push(Output {
                        to: *viewer_id,
                        message: Outgoing::Appeared {
                            avatar: other_id,
                            user: other.user,
                            name: other.name.clone(),
                            appearance: other.appearance,
                            at: other.at,
                            tier,
                        },
                    });
                    other.at
                };
                pairs += usize::from(shown);
                sees.push((other_id, Seen { tier, sent_at, shown }));
            }
            for (gone, seen) in &previous_view[cursor..] {
                if seen.shown {
                    vanish(out, *gone);
                }
            }
            views.push(sees);
        }
        let ids: Vec<ClientId> = list.iter().map(|(id, _)| *id).collect();
        for (viewer_id, sees) in ids.into_iter().zip(views) {
            if let Some(viewer) = self.avatars.get_mut(&viewer_id) {
                viewer.sees = sees;
            }
        }
        self.fresh.clear();
        pairs
    }
}
