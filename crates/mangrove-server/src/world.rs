//! The world's presence, served: one task ticks the shared city 20 times a
//! second (`mangrove_world::World`), taking the clients' frames since the
//! last tick and sending each client one frame of what it is told. Each
//! client has a bounded queue of frames; a client whose queue is full is
//! dropped (closed as too slow), never waited for, so one slow phone cannot
//! hold up the tick. Presence goes nowhere near the sequencer; bans come
//! from the journal, through the store's broadcast of committed groups.

use mangrove_app::query::world_areas;
use mangrove_app::PluggedEvent;
use mangrove_registry::Event as RegistryEvent;
use mangrove_store::Store;
use mangrove_world::map::{self, Area};
use mangrove_world::protocol::{put_record, tick_frame};
use mangrove_world::world::{ClientId, Input, TICK_HZ, TICK_MS};
use mangrove_world::{Terrain, World, WorldBook, WorldEvent};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Frames a client's queue holds: three seconds of ticks.
pub const CLIENT_QUEUE_FRAMES: usize = 60;
/// Messages waiting for the tick, from every client together.
pub const HUB_QUEUE_MESSAGES: usize = 65_536;

/// Why a connection was closed by the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    TooSlow,
    Removed,
}

/// What a connection receives from the hub: a tick's frame.
#[derive(Debug)]
pub enum ToClient {
    Frame(Vec<u8>),
}

/// What the tick task receives.
pub enum ToHub {
    /// A new connection: its queue of frames, and where to say it was
    /// dropped when the queue is full.
    Connect {
        client: ClientId,
        queue: mpsc::Sender<ToClient>,
        dropped: oneshot::Sender<Closing>,
    },
    Input(Input),
    /// The map redrawn after the registry's projects changed.
    Terrain(Arc<Terrain>),
}

/// A connection as the tick task holds it.
struct Connection {
    queue: mpsc::Sender<ToClient>,
    dropped: oneshot::Sender<Closing>,
}

/// Figures of the running world, for `/readyz`-style checks and the bench.
#[derive(Debug, Default)]
pub struct HubFigures {
    pub ticks: AtomicU64,
    pub clients_dropped: AtomicU64,
    pub frames_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
    /// The last tick's duration in microseconds.
    pub last_tick_us: AtomicU64,
    /// Avatars in the city after the last tick.
    pub avatars: AtomicU64,
    /// Pairs of avatars in each other's sight after the last tick: what the
    /// tick's work grows with.
    pub pairs_in_sight: AtomicU64,
    /// Recent ticks' durations in microseconds, oldest first, for the bench
    /// (at most `TICKS_KEPT`).
    pub recent_ticks_us: std::sync::Mutex<std::collections::VecDeque<u32>>,
}

/// Tick durations kept: five minutes at 20 Hz.
pub const TICKS_KEPT: usize = 6_000;
/// How long what was said stays in memory, where a listener may report it;
/// it is never written anywhere unless reported.
pub const SAID_KEPT_MS: i64 = 15 * 60 * 1_000;
pub const SAID_KEPT_MAX: usize = 20_000;
/// Every this many ticks (a minute), evidence past its retention is erased.
pub const SWEEP_EVERY_TICKS: u64 = 1_200;

/// What was said lately, oldest first.
pub type SaidLately = Arc<std::sync::Mutex<std::collections::VecDeque<mangrove_world::world::Said>>>;

/// The running world: where connections send their frames.
pub struct Hub {
    pub to_hub: mpsc::Sender<ToHub>,
    next_client: AtomicU32,
    pub figures: Arc<HubFigures>,
    /// The map the tick task walks on, for the pages that show it.
    terrain: SharedTerrain,
    /// What was said in the last `SAID_KEPT_MS`.
    pub said: SaidLately,
}

type SharedTerrain = Arc<std::sync::RwLock<Arc<Terrain>>>;

impl Hub {
    /// Starts the tick task over the province's map with the registry's
    /// projects on it, following `store`'s bans and projects.
    pub async fn spawn(store: Store, naive_broadcast: bool) -> Arc<Hub> {
        let terrain = terrain_now(&store).await;
        let (to_hub, inbox) = mpsc::channel(HUB_QUEUE_MESSAGES);
        let figures = Arc::new(HubFigures::default());
        let shared: SharedTerrain = Arc::new(std::sync::RwLock::new(terrain.clone()));
        let hub = Arc::new(Hub {
            to_hub: to_hub.clone(),
            next_client: AtomicU32::new(1),
            figures: figures.clone(),
            terrain: shared.clone(),
            said: SaidLately::default(),
        });
        let fatal = store.fatal().clone();
        let redraw = Redraw { store: store.clone(), to_hub, shared };
        let said = hub.said.clone();
        fatal.watch("world tick", tokio::spawn(run(store, terrain, inbox, redraw, figures, said, naive_broadcast)));
        hub
    }

    /// The map as the city stands.
    pub fn terrain(&self) -> Arc<Terrain> {
        self.terrain.read().expect("the map lock is never poisoned").clone()
    }

    pub fn new_client(&self) -> ClientId {
        self.next_client.fetch_add(1, Ordering::Relaxed)
    }
}

/// The map as the registry stands now.
async fn terrain_now(store: &Store) -> Arc<Terrain> {
    let areas: Vec<Area> = world_areas(&store.ledger().read().await.app).into_iter().map(|(_, area)| area).collect();
    tokio::task::spawn_blocking(move || Arc::new(map::rayong(&areas))).await.expect("drawing the map does not panic")
}

/// Whether a committed group changed a project (its outline or status).
fn changes_projects(events: &[mangrove_app::JournalEvent]) -> bool {
    events.iter().any(|event| {
        matches!(
            &event.payload,
            mangrove_app::AppEvent::Registry(
                RegistryEvent::ProjectDrafted { .. }
                    | RegistryEvent::ProjectUpdated { .. }
                    | RegistryEvent::ProjectStatusChanged { .. }
            )
        )
    })
}

/// The bans in force, as inputs for the world.
async fn bans_now(store: &Store) -> Vec<Input> {
    let ledger = store.ledger().read().await;
    let Some(book) = ledger.app.domains.state::<WorldBook>() else { return Vec::new() };
    book.bans().map(|(user, ban)| Input::Ban { user, until_ms: ban.until_ms }).collect()
}

/// The world's own events in a committed group, as inputs.
fn bans_in(events: &[mangrove_app::JournalEvent]) -> Vec<Input> {
    events
        .iter()
        .filter_map(|event| match &event.payload {
            mangrove_app::AppEvent::Plugged(plugged) => world_event(plugged),
            _ => None,
        })
        .filter_map(|event| match event {
            WorldEvent::Banned { user, ban } => Some(Input::Ban { user, until_ms: ban.until_ms }),
            WorldEvent::BanLifted { user } => Some(Input::Unban { user }),
            _ => None,
        })
        .collect()
}

/// Redraws the map away from the tick, and hands it to the tick task and
/// the pages.
struct Redraw {
    store: Store,
    to_hub: mpsc::Sender<ToHub>,
    shared: SharedTerrain,
}

impl Redraw {
    fn start(&self) {
        let (store, to_hub, shared) = (self.store.clone(), self.to_hub.clone(), self.shared.clone());
        tokio::spawn(async move {
            let terrain = terrain_now(&store).await;
            *shared.write().expect("the map lock is never poisoned") = terrain.clone();
            let _ = to_hub.send(ToHub::Terrain(terrain)).await;
        });
    }
}

fn world_event(plugged: &PluggedEvent) -> Option<WorldEvent> {
    plugged.typed::<WorldBook>().ok()
}

async fn run(
    store: Store,
    terrain: Arc<Terrain>,
    mut inbox: mpsc::Receiver<ToHub>,
    redraw: Redraw,
    figures: Arc<HubFigures>,
    said: SaidLately,
    naive_broadcast: bool,
) {
    let mut groups = store.committed_groups();
    let mut world = World::new(terrain);
    if naive_broadcast {
        world = world.with_naive_broadcast();
    }
    let mut connections: BTreeMap<ClientId, Connection> = BTreeMap::new();
    let mut pending: Vec<Input> = bans_now(&store).await;
    let mut interval = tokio::time::interval(std::time::Duration::from_millis(TICK_MS as u64));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut frames: BTreeMap<ClientId, Vec<u8>> = BTreeMap::new();
    loop {
        interval.tick().await;
        // The journal first: a ban or its lifting is in force before the
        // frames that arrived after it was acknowledged.
        loop {
            match groups.try_recv() {
                Ok(group) => {
                    pending.extend(bans_in(&group.events));
                    if changes_projects(&group.events) {
                        redraw.start();
                    }
                }
                Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => {
                    // Fallen behind: the bans in force replace those known,
                    // so that a lifting missed in the gap is not kept.
                    world.forget_bans();
                    pending.retain(|input| !matches!(input, Input::Ban { .. } | Input::Unban { .. }));
                    pending.extend(bans_now(&store).await);
                }
                Err(_) => break,
            }
        }
        loop {
            match inbox.try_recv() {
                Ok(ToHub::Connect { client, queue, dropped }) => {
                    connections.insert(client, Connection { queue, dropped });
                }
                Ok(ToHub::Input(input)) => pending.push(input),
                Ok(ToHub::Terrain(terrain)) => world.set_terrain(terrain),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => return,
            }
        }
        let started = std::time::Instant::now();
        let now_ms = store.now_ms();
        let outputs = world.tick(now_ms, std::mem::take(&mut pending));
        if !world.said.is_empty() || world.tick.is_multiple_of(TICK_HZ) {
            let mut kept = said.lock().expect("the said lock is never poisoned");
            kept.extend(world.said.drain(..));
            while kept.front().is_some_and(|oldest| oldest.at_ms < now_ms - SAID_KEPT_MS) || kept.len() > SAID_KEPT_MAX
            {
                kept.pop_front();
            }
        }
        if world.tick.is_multiple_of(SWEEP_EVERY_TICKS) {
            let store = store.clone();
            tokio::spawn(async move {
                if let Err(error) = store.db().delete_expired_evidence(now_ms).await {
                    tracing::warn!(%error, "erasing expired evidence of reports failed; it is tried again in a minute");
                }
            });
        }
        // The look's outputs come grouped by client; only the few from
        // inputs (welcomes, refusals, what was heard) are scattered.
        frames.clear();
        let mut removed = Vec::new();
        let mut current: Option<(ClientId, Vec<u8>)> = None;
        for output in &outputs {
            if current.as_ref().is_none_or(|(to, _)| *to != output.to) {
                if let Some((to, frame)) = current.take() {
                    frames.insert(to, frame);
                }
                current = Some((output.to, frames.remove(&output.to).unwrap_or_else(|| tick_frame(world.tick))));
            }
            let (_, frame) = current.as_mut().expect("set above");
            put_record(frame, &output.message);
            if matches!(output.message, mangrove_world::Outgoing::Removed { .. }) {
                removed.push(output.to);
            }
        }
        if let Some((to, frame)) = current.take() {
            frames.insert(to, frame);
        }
        let mut dropped = Vec::new();
        for (client, frame) in std::mem::take(&mut frames) {
            let Some(connection) = connections.get(&client) else { continue };
            let bytes = frame.len() as u64;
            match connection.queue.try_send(ToClient::Frame(frame)) {
                Ok(()) => {
                    figures.frames_sent.fetch_add(1, Ordering::Relaxed);
                    figures.bytes_sent.fetch_add(bytes, Ordering::Relaxed);
                }
                Err(mpsc::error::TrySendError::Full(_)) => dropped.push(client),
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    connections.remove(&client);
                    pending.push(Input::Leave { client });
                }
            }
        }
        for client in removed {
            if let Some(connection) = connections.remove(&client) {
                let _ = connection.dropped.send(Closing::Removed);
            }
        }
        for client in dropped {
            if let Some(connection) = connections.remove(&client) {
                let _ = connection.dropped.send(Closing::TooSlow);
                figures.clients_dropped.fetch_add(1, Ordering::Relaxed);
                pending.push(Input::Leave { client });
            }
        }
        figures.ticks.fetch_add(1, Ordering::Relaxed);
        figures.avatars.store(world.figures.avatars as u64, Ordering::Relaxed);
        figures.pairs_in_sight.store(world.figures.pairs_in_sight as u64, Ordering::Relaxed);
        let tick_us = started.elapsed().as_micros() as u64;
        figures.last_tick_us.store(tick_us, Ordering::Relaxed);
        let mut recent = figures.recent_ticks_us.lock().expect("the figures lock is never poisoned");
        if recent.len() == TICKS_KEPT {
            recent.pop_front();
        }
        recent.push_back(u32::try_from(tick_us).unwrap_or(u32::MAX));
    }
}
