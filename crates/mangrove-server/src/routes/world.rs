//! The virtual Rayong over HTTP: the presence WebSocket
//! (`/api/v1/world/ws`, the binary protocol of `docs/WORLD_PROTOCOL.md`),
//! open to guests, who look around, and to people who signed in, who also
//! talk. Each connection reads the client's frames, refusing a bad one by
//! closing with its reason, and sends what the tick task queued for it.

use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdempotencyKey, Json, Path};
use crate::routes::commands::{submit, Answer};
use crate::world::{Closing, Hub, ToClient, ToHub, CLIENT_QUEUE_FRAMES};
use crate::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use mangrove_app::PluggedCommand;
use mangrove_core::{Role, UserId};
use mangrove_world::protocol::{ClientFrame, FrameError, CLIENT_FRAME_BYTES_MAX};
use mangrove_world::world::{ClientId, Input, TICK_HZ};
use mangrove_world::{Appearance, Conduct, Preset, WorldBook, WorldCommand};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use utoipa::ToSchema;

/// Frames a client may send a second, on average (moves at the tick rate,
/// and room for chat), and at once.
pub const CLIENT_FRAMES_PER_S: u32 = 30;
pub const CLIENT_FRAMES_BURST: u32 = 60;
/// A WebSocket message the server reads at all; anything larger than a
/// client frame but within this is refused with a reason.
pub const SOCKET_MESSAGE_BYTES_MAX: usize = 64 * 1024;
/// The socket's read buffer: room for a client frame and then some.
pub const READ_BUFFER_BYTES: usize = 8 * 1024;
/// How long a closing handshake may take before the socket is dropped.
const CLOSE_WAIT: Duration = Duration::from_secs(1);
/// Every this often the server pings the client; a ping not answered
/// within `LAG_MAX` means the client has fallen that far behind what it was
/// sent (whatever the buffers between hold), and it is dropped.
pub const PING_EVERY: Duration = Duration::from_secs(1);
pub const LAG_MAX: Duration = Duration::from_secs(5);
const TOO_SLOW: &str = "too slow: the connection fell behind the city";

/// Close codes (RFC 6455 §7.4.1).
mod close_code {
    pub const NORMAL: u16 = 1000;
    pub const PROTOCOL: u16 = 1002;
    pub const UNSUPPORTED: u16 = 1003;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub const TRY_LATER: u16 = 1013;
}

/// Who a connection is: a person who signed in, or a guest.
struct Visitor {
    user: Option<UserId>,
    name: String,
}

pub async fn world_socket(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    upgrade: WebSocketUpgrade,
) -> Response {
    let hub = state.world_hub().await;
    let visitor = match user {
        Some(user) => Visitor {
            user: Some(UserId(u64::try_from(user.user.id).unwrap_or_default())),
            name: user.user.display_name.clone(),
        },
        None => Visitor { user: None, name: String::new() },
    };
    let fatal = state.store.fatal().clone();
    // Client frames are small: a read buffer of a few KiB, rather than the
    // default 128 KiB zeroed again for every read, which was a third of the
    // server's work at 3,000 people (see `mangrove bench world`).
    upgrade.max_message_size(SOCKET_MESSAGE_BYTES_MAX).read_buffer_size(READ_BUFFER_BYTES).on_upgrade(
        move |socket| async move {
            fatal.watch("world connection", tokio::spawn(connect(hub, visitor, socket)));
        },
    )
}

/// How a connection ended, and what the client is told.
fn close(code: u16, reason: impl Into<String>) -> Message {
    Message::Close(Some(CloseFrame { code, reason: reason.into().into() }))
}

fn closing_of(error: FrameError) -> Message {
    let code = if error == FrameError::TooLarge { close_code::TOO_BIG } else { close_code::PROTOCOL };
    close(code, error.to_string())
}

/// The client's allowance of frames, refilled at `CLIENT_FRAMES_PER_S`.
struct FrameAllowance {
    tokens: f64,
    at: tokio::time::Instant,
}

impl FrameAllowance {
    fn take(&mut self) -> bool {
        let now = tokio::time::Instant::now();
        let earned = now.duration_since(self.at).as_secs_f64() * f64::from(CLIENT_FRAMES_PER_S);
        self.tokens = (self.tokens + earned).min(f64::from(CLIENT_FRAMES_BURST));
        self.at = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}

fn input_of(client: ClientId, visitor: &Visitor, frame: ClientFrame) -> Input {
    match frame {
        ClientFrame::Hello { appearance } => {
            let name = if visitor.user.is_some() {
                visitor.name.clone()
            } else {
                format!("ผู้มาเยือน {client}")
            };
            Input::Join { client, user: visitor.user, name, appearance }
        }
        ClientFrame::Move { to, running } => Input::Move { client, to, running },
        ClientFrame::Travel { place } => Input::Travel { client, place },
        ClientFrame::Say { channel, text } => Input::Say { client, channel, text },
        ClientFrame::JoinChannel { channel } => Input::JoinChannel { client, channel },
        ClientFrame::LeaveChannel { channel } => Input::LeaveChannel { client, channel },
        ClientFrame::Mute { whom } => Input::Mute { client, whom },
        ClientFrame::Block { whom } => Input::Block { client, whom },
        ClientFrame::Unmute { whom } => Input::Unmute { client, whom },
    }
}

async fn connect(hub: Arc<Hub>, visitor: Visitor, mut socket: WebSocket) {
    let client = hub.new_client();
    let (queue, mut frames) = mpsc::channel(CLIENT_QUEUE_FRAMES);
    let (dropped_tx, mut dropped) = oneshot::channel();
    if hub.to_hub.send(ToHub::Connect { client, queue, dropped: dropped_tx }).await.is_err() {
        let _ = socket.send(close(close_code::TRY_LATER, "the city is not running")).await;
        return;
    }
    let mut allowance = FrameAllowance { tokens: f64::from(CLIENT_FRAMES_BURST), at: tokio::time::Instant::now() };
    let mut pings = tokio::time::interval(PING_EVERY);
    let mut unanswered: Option<tokio::time::Instant> = None;
    let ending = loop {
        tokio::select! {
            _ = pings.tick() => {
                match unanswered {
                    Some(since) if since.elapsed() > LAG_MAX => {
                        hub.figures.clients_dropped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        break Some(close(close_code::POLICY, TOO_SLOW));
                    }
                    Some(_) => {}
                    None => {
                        if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                            break None;
                        }
                        unanswered = Some(tokio::time::Instant::now());
                    }
                }
            }
            closing = &mut dropped => {
                break match closing {
                    Ok(Closing::Removed) => {
                        while let Ok(ToClient::Frame(frame)) = frames.try_recv() {
                            if socket.send(Message::Binary(frame.into())).await.is_err() {
                                break;
                            }
                        }
                        Some(close(close_code::POLICY, "removed from the city"))
                    }
                    Ok(Closing::TooSlow) | Err(_) => Some(close(close_code::POLICY, TOO_SLOW)),
                };
            }
            frame = frames.recv() => {
                let Some(ToClient::Frame(frame)) = frame else { break None };
                if socket.send(Message::Binary(frame.into())).await.is_err() {
                    break None;
                }
            }
            incoming = socket.recv() => {
                let bytes = match incoming {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Pong(_))) => {
                        unanswered = None;
                        continue;
                    }
                    Some(Ok(Message::Ping(_))) => continue,
                    Some(Ok(Message::Text(_))) => {
                        break Some(close(close_code::UNSUPPORTED, "frames are binary (see docs/WORLD_PROTOCOL.md)"));
                    }
                    Some(Ok(Message::Close(_))) => break Some(close(close_code::NORMAL, "goodbye")),
                    None | Some(Err(_)) => break None,
                };
                if bytes.len() > CLIENT_FRAME_BYTES_MAX {
                    break Some(closing_of(FrameError::TooLarge));
                }
                let frame = match ClientFrame::decode(&bytes) {
                    Ok(frame) => frame,
                    Err(error) => break Some(closing_of(error)),
                };
                if !allowance.take() {
                    break Some(close(close_code::POLICY, "too many frames: at most 30 a second"));
                }
                if hub.to_hub.try_send(ToHub::Input(input_of(client, &visitor, frame))).is_err() {
                    break Some(close(close_code::TRY_LATER, "the city is too busy; come back in a moment"));
                }
            }
        }
    };
    // The tick task learns the avatar left even when its queue is full.
    let _ = hub.to_hub.send(ToHub::Input(Input::Leave { client })).await;
    if let Some(message) = ending {
        // The closing handshake: the client answers the close, and only
        // then is the connection dropped, so that nothing sent before it is
        // lost to a reset.
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            if socket.send(message).await.is_ok() {
                while let Some(Ok(reply)) = socket.recv().await {
                    if matches!(reply, Message::Close(_)) {
                        break;
                    }
                }
            }
        })
        .await;
    }
}

/// The longest ban, in hours: a year.
pub const BAN_HOURS_MAX: u32 = 366 * 24;

#[derive(Deserialize, Serialize, ToSchema)]
pub struct AppearanceChoice {
    /// `student`, `fisher`, `factory_worker`, `elder`, `vendor`, `farmer`, `officer` or `cyclist`.
    #[schema(value_type = String)]
    pub preset: Preset,
    /// An index into the client's palette, 0 to 7.
    pub colour: u8,
}

fn world_command(command: &WorldCommand) -> PluggedCommand {
    PluggedCommand::new::<WorldBook>(command)
}

/// How the signed-in person's avatar looks (the default until they choose).
#[utoipa::path(get, path = "/world/appearance", tag = "world",
    responses((status = 200, body = AppearanceChoice), (status = 401, body = crate::error::ErrorBody)))]
pub async fn appearance(State(state): State<AppState>, user: CurrentUser) -> axum::Json<AppearanceChoice> {
    let me = UserId(u64::try_from(user.user.id).unwrap_or_default());
    let ledger = state.store.ledger().read().await;
    let chosen = ledger.app.domains.state::<WorldBook>().map(|book| book.appearance(me)).unwrap_or_default();
    axum::Json(AppearanceChoice { preset: chosen.preset, colour: chosen.colour })
}

/// Chooses how the signed-in person's avatar looks, from now on.
#[utoipa::path(put, path = "/world/appearance", tag = "world", request_body = AppearanceChoice,
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_appearance(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<AppearanceChoice>,
) -> Answer {
    let appearance = Appearance { preset: body.preset, colour: body.colour };
    submit(&state, &user, key, world_command(&WorldCommand::SetAppearance { appearance })).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewBan {
    pub user_id: u64,
    /// How long, from now: 1 hour to a year.
    pub hours: u32,
    /// `harassment`, `hate`, `spam`, `sexual`, `scam` or `other`.
    #[schema(value_type = String)]
    pub reason: Conduct,
}

/// The operator bans a person from the city for a while, with a reason;
/// they are removed at once and cannot enter until it ends.
#[utoipa::path(post, path = "/world/bans", tag = "world", request_body = NewBan,
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn ban(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewBan>,
) -> Answer {
    if body.hours == 0 || body.hours > BAN_HOURS_MAX {
        return Err(ApiError::invalid("hours", format!("a ban lasts 1 to {BAN_HOURS_MAX} hours")));
    }
    let until_ms = state.store.now_ms() + i64::from(body.hours) * 3_600_000;
    let command = WorldCommand::Ban { user: UserId(body.user_id), until_ms, reason: body.reason };
    submit(&state, &user, key, world_command(&command)).await
}

/// The operator lifts a ban before it ends.
#[utoipa::path(delete, path = "/world/bans/{user}", tag = "world",
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn lift_ban(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(banned): Path<u64>,
) -> Answer {
    submit(&state, &user, key, world_command(&WorldCommand::LiftBan { user: UserId(banned) })).await
}

#[derive(Serialize, ToSchema)]
pub struct BanView {
    pub user_id: u64,
    pub until_ms: i64,
    pub reason: String,
    pub by_user_id: u64,
}

/// The bans in force, for the operator.
#[utoipa::path(get, path = "/world/bans", tag = "world",
    responses((status = 200, body = Vec<BanView>), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn bans(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Vec<BanView>>> {
    operator_only(&user, "sees the bans")?;
    let now_ms = state.store.now_ms();
    let ledger = state.store.ledger().read().await;
    let Some(book) = ledger.app.domains.state::<WorldBook>() else { return Ok(axum::Json(Vec::new())) };
    let views = book
        .bans()
        .filter(|(_, ban)| ban.until_ms > now_ms)
        .map(|(user, ban)| BanView {
            user_id: user.get(),
            until_ms: ban.until_ms,
            reason: ban.reason.as_str().to_owned(),
            by_user_id: ban.by.get(),
        })
        .collect();
    Ok(axum::Json(views))
}

/// The places one may travel to directly: the city centre, the river
/// mouth, Map Ta Phut, the district towns, and the registry's mangrove and
/// forests.
#[utoipa::path(get, path = "/world/places", tag = "world", responses((status = 200, body = Vec<mangrove_app::query::MapPlace>)))]
pub async fn places(State(state): State<AppState>) -> axum::Json<Vec<mangrove_app::query::MapPlace>> {
    let terrain = state.world_hub().await.terrain();
    axum::Json(terrain.places.iter().map(mangrove_app::query::place_view).collect())
}

#[derive(Serialize, ToSchema)]
pub struct WorldStatus {
    /// People and guests in the city now.
    pub avatars: u64,
    /// Avatars shown to one another after the last tick (each direction counted).
    pub pairs_in_sight: u64,
    pub ticks: u64,
    /// The last tick's duration, in microseconds.
    pub last_tick_us: u64,
    /// The ticks of the window asked for (at most the last five minutes).
    pub window_ticks: u64,
    /// Their duration at the median and the 99th percentile, in microseconds.
    pub tick_p50_us: u64,
    pub tick_p99_us: u64,
    /// Connections dropped because they fell behind.
    pub clients_dropped: u64,
    pub frames_sent: u64,
    pub bytes_sent: u64,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct StatusWindow {
    /// The last this many seconds of ticks (1 to 300; 60 unless given).
    pub window_s: Option<u32>,
}

/// How the city is doing: who is in it, and how its tick keeps up.
#[utoipa::path(get, path = "/world/status", tag = "world", params(StatusWindow),
    responses((status = 200, body = WorldStatus), (status = 422, body = crate::error::ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    crate::extract::Query(window): crate::extract::Query<StatusWindow>,
) -> ApiResult<axum::Json<WorldStatus>> {
    use std::sync::atomic::Ordering::Relaxed;
    let window_s = window.window_s.unwrap_or(60);
    if !(1..=300).contains(&window_s) {
        return Err(ApiError::invalid("window_s", "the window is 1 to 300 seconds"));
    }
    let hub = state.world_hub().await;
    let figures = &hub.figures;
    let mut ticks: Vec<u32> = {
        let recent = figures.recent_ticks_us.lock().expect("the figures lock is never poisoned");
        let wanted = (window_s as usize * TICK_HZ as usize).min(recent.len());
        recent.iter().skip(recent.len() - wanted).copied().collect()
    };
    ticks.sort_unstable();
    let at =
        |share: f64| ticks.get(((ticks.len() as f64 * share) as usize).min(ticks.len().saturating_sub(1))).copied();
    Ok(axum::Json(WorldStatus {
        avatars: figures.avatars.load(Relaxed),
        pairs_in_sight: figures.pairs_in_sight.load(Relaxed),
        ticks: figures.ticks.load(Relaxed),
        last_tick_us: figures.last_tick_us.load(Relaxed),
        window_ticks: ticks.len() as u64,
        tick_p50_us: at(0.5).map_or(0, u64::from),
        tick_p99_us: at(0.99).map_or(0, u64::from),
        clients_dropped: figures.clients_dropped.load(Relaxed),
        frames_sent: figures.frames_sent.load(Relaxed),
        bytes_sent: figures.bytes_sent.load(Relaxed),
    }))
}

/// The city's map: the province's features, the registry's mangrove and
/// forests, and the places, in metres from the origin in Rayong city.
#[utoipa::path(get, path = "/world/map", tag = "world", responses((status = 200, body = mangrove_app::query::WorldMap)))]
pub async fn world_map(State(state): State<AppState>) -> axum::Json<mangrove_app::query::WorldMap> {
    let terrain = state.world_hub().await.terrain();
    let ledger = state.store.ledger().read().await;
    axum::Json(mangrove_app::query::world_map(&ledger.app, &terrain.places))
}

/// The facts computed at one journal size.
pub type FactsCache = Arc<super::ByJournalSize<mangrove_app::query::WorldFacts>>;

/// The city's live facts: the mangrove's and the forests' tonnes and last
/// price, and every factory's building with its published emissions; read
/// from the same state as every page, recomputed when the journal grows.
#[utoipa::path(get, path = "/world/facts", tag = "world", responses((status = 200, body = mangrove_app::query::WorldFacts)))]
pub async fn world_facts(State(state): State<AppState>) -> axum::Json<Arc<mangrove_app::query::WorldFacts>> {
    let terrain = state.world_hub().await.terrain();
    let ledger = state.store.ledger().read().await;
    let size = ledger.tree.len();
    axum::Json(state.world_facts.get_or(size, || mangrove_app::query::world_facts(&ledger.app, size, &terrain.places)))
}

/// How long a report's evidence is kept before it is erased: 90 days.
pub const EVIDENCE_KEPT_MS: i64 = 90 * 24 * 3_600 * 1_000;
/// Messages before the reported one kept with it as context.
pub const CONTEXT_MESSAGES: usize = 10;

#[derive(Deserialize, ToSchema)]
pub struct NewAbuseReport {
    /// The reported message's number, as the WebSocket's Heard record gave it.
    pub message: u32,
    /// `harassment`, `hate`, `spam`, `sexual`, `scam` or `other`.
    #[schema(value_type = String)]
    pub reason: Conduct,
}

fn said_json(said: &mangrove_world::world::Said) -> serde_json::Value {
    let channel = match &said.channel {
        mangrove_world::Channel::Nearby => String::new(),
        mangrove_world::Channel::Named(name) => name.clone(),
    };
    serde_json::json!({
        "message": said.message,
        "at_ms": said.at_ms,
        "speaker_user_id": said.speaker.get(),
        "channel": channel,
        "text": said.text,
    })
}

/// Reports a message one heard in the last fifteen minutes. The message and
/// the ones before it that the reporter heard are kept for the operator
/// outside the journal, for 90 days; the journal holds their salted hash.
#[utoipa::path(post, path = "/world/reports", tag = "world", request_body = NewAbuseReport,
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewAbuseReport>,
) -> Answer {
    let reporter = UserId(u64::try_from(user.user.id).unwrap_or_default());
    let hub = state.world_hub().await;
    let (reported, evidence) = {
        let kept = hub.said.lock().expect("the said lock is never poisoned");
        let heard = |said: &&mangrove_world::world::Said| said.listeners.contains(&reporter);
        let Some(index) = kept.iter().position(|said| said.message == body.message && heard(&said)) else {
            return Err(ApiError::not_found(format!(
                "you heard no message {} in the last fifteen minutes; report it while it is fresh",
                body.message
            )));
        };
        let said = &kept[index];
        let context: Vec<serde_json::Value> = kept
            .iter()
            .take(index)
            .filter(|earlier| earlier.channel == said.channel && heard(earlier))
            .rev()
            .take(CONTEXT_MESSAGES)
            .map(said_json)
            .collect();
        (said.speaker, serde_json::json!({ "message": said_json(said), "context": context }).to_string())
    };
    let mut salt_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt_bytes);
    let salt = hex::encode(salt_bytes);
    let evidence_hash = evidence_hash(&salt, &evidence);
    let now_ms = state.store.now_ms();
    let row = mangrove_store::Evidence {
        evidence_hash: evidence_hash.clone(),
        salt,
        body: evidence,
        reporter_id: user.user.id,
        created_at_ms: now_ms,
        kept_until_ms: now_ms + EVIDENCE_KEPT_MS,
    };
    state.store.db().insert_evidence(&row).await.map_err(ApiError::internal)?;
    let command = WorldCommand::Report { reported, reason: body.reason, evidence: evidence_hash.clone() };
    let answer = submit(&state, &user, key, world_command(&command)).await;
    if answer.is_err() {
        // A refused report keeps nothing of what was said.
        let _ = state.store.db().delete_evidence(&evidence_hash).await;
    }
    answer
}

fn evidence_hash(salt: &str, body: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(format!("{salt}{body}").as_bytes()))
}

#[derive(Serialize, ToSchema)]
pub struct AbuseReportView {
    pub id: u64,
    pub reporter_user_id: u64,
    pub reported_user_id: u64,
    pub reason: String,
    pub at_ms: i64,
    pub closed: bool,
    /// The reported message and the ones before it, while kept (and only
    /// if they still match the journal's hash).
    #[schema(value_type = Option<Object>)]
    pub evidence: Option<serde_json::Value>,
    /// When the evidence will be erased, if it is still kept.
    pub evidence_kept_until_ms: Option<i64>,
}

fn operator_only(user: &CurrentUser, what: &str) -> ApiResult<()> {
    if user.actor().role() == Some(Role::Operator) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!("only the operator {what}")))
    }
}

/// The reports, newest first, with their evidence while it is kept: the
/// operator's.
#[utoipa::path(get, path = "/world/reports", tag = "world",
    responses((status = 200, body = Vec<AbuseReportView>), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn reports(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Vec<AbuseReportView>>> {
    operator_only(&user, "reads the reports")?;
    let reports: Vec<mangrove_world::book::Report> = {
        let ledger = state.store.ledger().read().await;
        ledger.app.domains.state::<WorldBook>().map(|book| book.reports().rev().cloned().collect()).unwrap_or_default()
    };
    let now_ms = state.store.now_ms();
    let mut views = Vec::with_capacity(reports.len());
    for report in reports {
        let kept = state.store.db().evidence(&report.evidence).await.map_err(ApiError::internal)?;
        let kept = kept.filter(|e| e.kept_until_ms > now_ms && evidence_hash(&e.salt, &e.body) == report.evidence);
        views.push(AbuseReportView {
            id: report.id,
            reporter_user_id: report.reporter.get(),
            reported_user_id: report.reported.get(),
            reason: report.reason.as_str().to_owned(),
            at_ms: report.at_ms,
            closed: report.closed,
            evidence: kept.as_ref().and_then(|e| serde_json::from_str(&e.body).ok()),
            evidence_kept_until_ms: kept.map(|e| e.kept_until_ms),
        });
    }
    Ok(axum::Json(views))
}

/// The operator closes a report once it is dealt with.
#[utoipa::path(post, path = "/world/reports/{id}/close", tag = "world",
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn close_report(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, world_command(&WorldCommand::CloseReport { report: id })).await
}

/// The operator erases a report's evidence before its retention ends (a
/// person's request to erase what they wrote); the journal keeps only the
/// hash, which no longer opens anything.
#[utoipa::path(delete, path = "/world/reports/{id}/evidence", tag = "world",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn erase_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<u64>,
) -> ApiResult<axum::http::StatusCode> {
    operator_only(&user, "erases evidence")?;
    let evidence = {
        let ledger = state.store.ledger().read().await;
        ledger
            .app
            .domains
            .state::<WorldBook>()
            .and_then(|book| book.reports().find(|r| r.id == id).map(|r| r.evidence.clone()))
    };
    let Some(evidence) = evidence else { return Err(ApiError::not_found(format!("there is no report {id}"))) };
    if state.store.db().delete_evidence(&evidence).await.map_err(ApiError::internal)? {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("report {id}'s evidence is already erased")))
    }
}
