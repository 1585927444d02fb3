//! Live market data over a WebSocket: `GET /api/v1/market/stream?instrument=ID`
//! answers a snapshot (the book and the latest trades), then, after every
//! commit that changed them, each new trade and the new book, found in the
//! store's broadcast of committed groups rather than by rescanning. Messages
//! are JSON objects with a `type` of `snapshot`, `trade` or `book`.

use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use mangrove_app::query::{book_view, trade_view, BookView, TradeView};
use mangrove_app::{App, AppEvent, MarketEvent};
use mangrove_core::InstrumentId;
use mangrove_store::sequencer::CommittedGroup;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Trades a snapshot carries, the latest.
pub const SNAPSHOT_TRADES_MAX: usize = 50;
/// Levels per side the stream's books show.
pub const STREAM_LEVELS_MAX: usize = 20;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct StreamQuery {
    pub instrument: u64,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message_ {
    Snapshot { book: BookView, trades: Vec<TradeView> },
    Trade { trade: TradeView },
    Book { book: BookView },
}

pub async fn stream(
    State(state): State<AppState>,
    Query(query): Query<StreamQuery>,
    upgrade: WebSocketUpgrade,
) -> ApiResult<Response> {
    let instrument = InstrumentId(query.instrument);
    if state.store.ledger().read().await.app.market.instrument(instrument).is_none() {
        return Err(ApiError::not_found(format!("there is no instrument {}", query.instrument)));
    }
    // The socket outlives the request, beyond the reach of the panic layer:
    // a panic while following it is fatal like a handler's (see `health`).
    let fatal = state.store.fatal().clone();
    Ok(upgrade.on_upgrade(move |socket| async move {
        fatal.watch("market stream", tokio::spawn(follow(state, instrument, socket)));
    }))
}

/// What the subscriber has seen: the journal up to `journal_length` (its
/// trades up to `trades_seen`), and this book.
struct Seen {
    journal_length: u64,
    trades_seen: usize,
    book: Option<BookView>,
}

/// Sends the snapshot, then what each committed group changed of this
/// instrument, from the store's broadcast of committed groups: a group that
/// did not touch the instrument costs a glance at its events, not a read of
/// the book.
async fn follow(state: AppState, instrument: InstrumentId, mut socket: WebSocket) {
    // Subscribed before the snapshot is read, so that no group falls between.
    let mut groups = state.store.committed_groups();
    let (snapshot, mut seen) = {
        let ledger = state.store.ledger().read().await;
        let app = &ledger.app;
        let book = book_view(app, instrument, STREAM_LEVELS_MAX).expect("checked before the upgrade");
        let latest =
            app.market.trades_of(instrument).rev().take(SNAPSHOT_TRADES_MAX).map(|t| trade_view(app, t)).collect();
        let seen = Seen {
            journal_length: ledger.tree.len(),
            trades_seen: app.market.trades().len(),
            book: Some(book.clone()),
        };
        (Message_::Snapshot { book, trades: latest }, seen)
    };
    if send(&mut socket, &snapshot).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            group = groups.recv() => {
                let updates = match group {
                    Ok(group) => changes_in(&state, instrument, &group, &mut seen).await,
                    // Fallen behind the broadcast: read what changed from the state.
                    Err(broadcast::error::RecvError::Lagged(_)) => rescan(&state, instrument, &mut seen).await,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                for update in &updates {
                    if send(&mut socket, update).await.is_err() {
                        return;
                    }
                }
            }
            incoming = socket.recv() => {
                // The client only listens; a close or an error ends the stream.
                match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                }
            }
        }
    }
}

/// What one committed group changed of the instrument: its trades, and
/// the book if it differs from the one last sent.
async fn changes_in(
    state: &AppState,
    instrument: InstrumentId,
    group: &CommittedGroup,
    seen: &mut Seen,
) -> Vec<Message_> {
    if group.journal_length <= seen.journal_length {
        return Vec::new();
    }
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let market_events = group.events.iter().filter_map(|event| match &event.payload {
        AppEvent::Market(event) => Some(event),
        _ => None,
    });
    let mut touched = false;
    let mut out = Vec::new();
    for event in market_events {
        if app.market.instrument_changed_by(event) != Some(instrument) {
            continue;
        }
        touched = true;
        if let MarketEvent::Traded { trade, .. } = event {
            let trade = app.market.trade(trade.id).unwrap_or(trade);
            out.push(Message_::Trade { trade: trade_view(app, trade) });
        }
    }
    seen.journal_length = group.journal_length;
    seen.trades_seen = seen.trades_seen.max(group_trades_end(group).unwrap_or(0));
    if touched {
        push_book_if_changed(app, instrument, seen, &mut out);
    }
    out
}

/// One past the position of the last trade the group made, if it made one.
fn group_trades_end(group: &CommittedGroup) -> Option<usize> {
    group.events.iter().rev().find_map(|event| match &event.payload {
        AppEvent::Market(MarketEvent::Traded { trade, .. }) => Some(trade.id.get() as usize),
        _ => None,
    })
}

/// Every trade of the instrument since the last one sent, and the book:
/// after falling behind the broadcast.
async fn rescan(state: &AppState, instrument: InstrumentId, seen: &mut Seen) -> Vec<Message_> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let mut out: Vec<Message_> = app.market.trades()[seen.trades_seen.min(app.market.trades().len())..]
        .iter()
        .filter(|t| t.instrument == instrument)
        .map(|t| Message_::Trade { trade: trade_view(app, t) })
        .collect();
    seen.trades_seen = app.market.trades().len();
    seen.journal_length = ledger.tree.len();
    push_book_if_changed(app, instrument, seen, &mut out);
    out
}

fn push_book_if_changed(app: &App, instrument: InstrumentId, seen: &mut Seen, out: &mut Vec<Message_>) {
    let book = book_view(app, instrument, STREAM_LEVELS_MAX);
    if book != seen.book {
        if let Some(book) = book.clone() {
            out.push(Message_::Book { book });
        }
        seen.book = book;
    }
}

async fn send(socket: &mut WebSocket, message: &Message_) -> Result<(), axum::Error> {
    let text = serde_json::to_string(message).expect("messages serialise");
    socket.send(Message::Text(text.into())).await
}
