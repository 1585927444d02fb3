//! Live market data over a WebSocket: `GET /api/v1/market/stream?instrument=ID`
//! answers a snapshot (the book and the latest trades), then, after every
//! commit that changed them, each new trade and the new book. Messages are
//! JSON objects with a `type` of `snapshot`, `trade` or `book`.

use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::routes::market::{book_view, trade_view, BookView, TradeView};
use crate::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use mangrove_core::InstrumentId;
use serde::{Deserialize, Serialize};

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

/// What the subscriber has seen: the trades up to `trades_seen`, and this book.
struct Seen {
    trades_seen: usize,
    book: Option<BookView>,
}

async fn follow(state: AppState, instrument: InstrumentId, mut socket: WebSocket) {
    let mut commits = state.store.subscribe();
    let mut seen = Seen { trades_seen: 0, book: None };
    let snapshot = {
        let ledger = state.store.ledger().read().await;
        let app = &ledger.app;
        seen.trades_seen = app.market.trades().len();
        let book = book_view(app, instrument, STREAM_LEVELS_MAX).expect("checked before the upgrade");
        seen.book = Some(book.clone());
        let latest =
            app.market.trades_of(instrument).rev().take(SNAPSHOT_TRADES_MAX).map(|t| trade_view(app, t)).collect();
        Message_::Snapshot { book, trades: latest }
    };
    if send(&mut socket, &snapshot).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            changed = commits.changed() => {
                if changed.is_err() {
                    return;
                }
                let updates = updates(&state, instrument, &mut seen).await;
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

async fn updates(state: &AppState, instrument: InstrumentId, seen: &mut Seen) -> Vec<Message_> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let mut out: Vec<Message_> = app.market.trades()[seen.trades_seen..]
        .iter()
        .filter(|t| t.instrument == instrument)
        .map(|t| Message_::Trade { trade: trade_view(app, t) })
        .collect();
    seen.trades_seen = app.market.trades().len();
    let book = book_view(app, instrument, STREAM_LEVELS_MAX);
    if book != seen.book {
        if let Some(book) = book.clone() {
            out.push(Message_::Book { book });
        }
        seen.book = book;
    }
    out
}

async fn send(socket: &mut WebSocket, message: &Message_) -> Result<(), axum::Error> {
    let text = serde_json::to_string(message).expect("messages serialise");
    socket.send(Message::Text(text.into())).await
}
