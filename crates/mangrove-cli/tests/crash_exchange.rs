//! A server killed with SIGKILL while several clients place crossing buy
//! and sell orders and cancel them has lost nothing it acknowledged. After
//! a restart: every acknowledged order is there with a status its history
//! allows, every acknowledged trade is there as it was answered, the book
//! is exactly the open orders' remaining tonnes by price (and holds nothing
//! no one placed), credits and cash are conserved, escrow matches what
//! rests, every acknowledged request is answered again from the journal,
//! and `mangrove verify` passes. The real binary, a real SQLite file, real
//! HTTP, on the demo's exchange.

mod support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

/// Every demo organisation that holds credits or cash of the exchange.
const TRADERS: [&str; 7] = ["municipality", "forest", "olefins", "refinery", "plastics", "somchai", "malee"];
/// The mangrove's 2025 vintage: instrument 1 trades batch 1.
const INSTRUMENT: u64 = 1;
const BATCH: u64 = 1;
/// The demo's auction, open for a week, whose hold and bids stay escrowed.
const AUCTION: u64 = 1;
/// Requests acknowledged before the server is killed, at least.
const ACKNOWLEDGED_BEFORE_KILL: usize = 300;

/// One request a client sent.
#[derive(Debug, Clone)]
struct Sent {
    token: String,
    key: String,
    path: String,
    body: Value,
    /// The order a cancel names.
    cancels: Option<u64>,
}

/// What the clients saw: requests answered OK (with their answers), and
/// the requests under way when the server died, which may or may not have
/// committed.
#[derive(Default)]
struct Log {
    acknowledged: Vec<(Sent, Value)>,
    in_flight: Vec<Sent>,
}

enum Reply {
    Ok(Value),
    Refused,
    Down,
}

async fn send(client: &reqwest::Client, url: &str, sent: &Sent) -> Reply {
    let request = client
        .post(format!("{url}{}", sent.path))
        .bearer_auth(&sent.token)
        .header("Idempotency-Key", &sent.key)
        .json(&sent.body);
    let Ok(response) = request.send().await else { return Reply::Down };
    let status = response.status();
    if status.is_server_error() {
        return Reply::Down;
    }
    if !status.is_success() {
        // Not enough credits or cash, or a cancel of an order that has traded: the client goes on.
        return Reply::Refused;
    }
    response.json().await.map_or(Reply::Down, Reply::Ok)
}

/// The payloads of an answer's events of one kind.
fn payloads<'a>(answer: &'a Value, event: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    answer["events"].as_array().into_iter().flatten().map(|e| &e["payload"]).filter(move |p| p["event"] == event)
}

/// A small deterministic generator per client (xorshift), so every run asks the same.
struct Dice(u64);

impl Dice {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// One client: limit orders of `sides` around 300–340 baht, which cross
/// each other and the demo's book, and now and then a cancel of one of its
/// own orders; until the server stops answering.
async fn trade(worker: u64, who: Login, sides: &'static [&'static str], url: String, log: Arc<Mutex<Log>>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15 ^ (worker + 1));
    let mut mine: Vec<u64> = Vec::new();
    for index in 0.. {
        let key = format!("exchange-crash-{worker}-{index}");
        let token = who.token.clone();
        let sent = if !mine.is_empty() && dice.below(4) == 0 {
            let order = mine.swap_remove(dice.below(mine.len() as u64) as usize);
            Sent { token, key, path: format!("/api/v1/orders/{order}/cancel"), body: json!({}), cancels: Some(order) }
        } else {
            let side = sides[dice.below(sides.len() as u64) as usize];
            let (price_satang, qty_tco2e) = ((300 + dice.below(41)) * 100, 1 + dice.below(5));
            let body = json!({ "instrument_id": INSTRUMENT, "side": side, "type": "limit",
                "price_satang": price_satang, "qty_tco2e": qty_tco2e });
            Sent { token, key, path: "/api/v1/orders".into(), body, cancels: None }
        };
        match send(&client, &url, &sent).await {
            Reply::Ok(answer) => {
                mine.extend(payloads(&answer, "market_order_placed").filter_map(|p| p["order"]["id"].as_u64()));
                log.lock().unwrap().acknowledged.push((sent, answer));
            }
            Reply::Refused => {}
            Reply::Down => {
                log.lock().unwrap().in_flight.push(sent);
                return;
            }
        }
    }
}

/// Everything the checks read over HTTP, as one moment's picture.
struct Market {
    /// Every order of every trader, by id: (the trader, its view).
    orders: BTreeMap<u64, (&'static str, Value)>,
    trades: BTreeMap<u64, Value>,
    book: Value,
    /// Per trader: (cash balance, cash held, batch-1 tonnes active, batch-1 tonnes held).
    purses: BTreeMap<&'static str, (i64, i64, u64, u64)>,
    orgs: BTreeMap<&'static str, u64>,
    auction: Value,
}

impl Market {
    async fn read(client: &reqwest::Client, url: &str) -> Market {
        let operator = login(client, url, "operator").await;
        let mut orders = BTreeMap::new();
        let mut purses = BTreeMap::new();
        let mut orgs = BTreeMap::new();
        for trader in TRADERS {
            let who = login(client, url, trader).await;
            orgs.insert(trader, who.org_id);
            for order in get_all(client, url, "/api/v1/orders", Some(&who.token)).await {
                orders.insert(order["id"].as_u64().unwrap(), (trader, order));
            }
            let cash = get_json(client, url, "/api/v1/cash", Some(&who.token)).await;
            let path = format!("/api/v1/accounts/{}", who.account_id);
            let account = get_json(client, url, &path, Some(&operator.token)).await;
            let batch = account["holdings"].as_array().unwrap().iter().find(|h| h["batch_id"] == BATCH);
            let tonnes = |field: &str| batch.map_or(0, |h| h[field].as_u64().unwrap());
            let purse = (
                cash["balance_satang"].as_i64().unwrap(),
                cash["held_satang"].as_i64().unwrap(),
                tonnes("active_tco2e"),
                tonnes("held_tco2e"),
            );
            purses.insert(trader, purse);
        }
        let trades = get_all(client, url, "/api/v1/trades", None).await;
        let trades = trades.into_iter().map(|t| (t["id"].as_u64().unwrap(), t)).collect();
        let book = get_json(client, url, &format!("/api/v1/instruments/{INSTRUMENT}/book?levels=50"), None).await;
        let auction = get_json(client, url, &format!("/api/v1/auctions/{AUCTION}"), Some(&operator.token)).await;
        Market { orders, trades, book, purses, orgs, auction }
    }

    fn open_orders(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.orders.values().filter(|(_, o)| o["status"] == "open").map(|(who, o)| (*who, o))
    }
}

fn left(order: &Value) -> u64 {
    order["qty_tco2e"].as_u64().unwrap() - order["filled_tco2e"].as_u64().unwrap()
}

/// What the log says happened to orders: the placements acknowledged, the
/// cancels acknowledged and under way, the tonnes each acknowledged trade gave each order.
struct History {
    placed: BTreeMap<u64, Value>,
    cancelled: BTreeSet<u64>,
    cancelling: BTreeSet<u64>,
    placing: usize,
    traded: BTreeMap<u64, u64>,
    trades: BTreeMap<u64, Value>,
}

impl History {
    fn of(log: &Log) -> History {
        let mut history = History {
            placed: BTreeMap::new(),
            cancelled: log.acknowledged.iter().filter_map(|(sent, _)| sent.cancels).collect(),
            cancelling: log.in_flight.iter().filter_map(|sent| sent.cancels).collect(),
            placing: log.in_flight.iter().filter(|sent| sent.cancels.is_none()).count(),
            traded: BTreeMap::new(),
            trades: BTreeMap::new(),
        };
        for (sent, answer) in &log.acknowledged {
            for placed in payloads(answer, "market_order_placed") {
                history.placed.insert(placed["order"]["id"].as_u64().unwrap(), sent.body.clone());
            }
            for traded in payloads(answer, "market_trade") {
                let trade = &traded["trade"];
                let qty = trade["qty_tco2e"].as_u64().unwrap();
                for party in ["buyer", "seller"] {
                    if let Some(order) = trade[party]["order"].as_u64() {
                        *history.traded.entry(order).or_default() += qty;
                    }
                }
                history.trades.insert(trade["id"].as_u64().unwrap(), trade.clone());
            }
        }
        history
    }
}

/// Every acknowledged order is there as placed, with a status its history allows.
fn check_orders(history: &History, before: &Market, after: &Market) {
    for (id, body) in &history.placed {
        let (_, order) = after.orders.get(id).unwrap_or_else(|| panic!("acknowledged order {id} is missing"));
        for field in ["side", "price_satang", "qty_tco2e", "instrument_id"] {
            assert_eq!(order[field], body[field], "order {id}'s {field}: {order}");
        }
        let (filled, qty) = (order["filled_tco2e"].as_u64().unwrap(), order["qty_tco2e"].as_u64().unwrap());
        let status = order["status"].as_str().unwrap();
        assert!(filled >= history.traded.get(id).copied().unwrap_or(0), "order {id} lost acknowledged fills: {order}");
        match status {
            "open" => assert!(filled < qty, "{order}"),
            "filled" => assert_eq!(filled, qty, "{order}"),
            "cancelled" => assert!(
                history.cancelled.contains(id) || history.cancelling.contains(id),
                "order {id} is cancelled, yet no one cancelled it: {order}"
            ),
            "self_trade" => {}
            other => panic!("a limit order good till cancelled cannot be {other}: {order}"),
        }
        if history.cancelled.contains(id) {
            assert_eq!(status, "cancelled", "order {id}'s cancel was acknowledged: {order}");
        }
    }
    let unacknowledged =
        after.orders.keys().filter(|id| !before.orders.contains_key(id) && !history.placed.contains_key(id)).count();
    assert!(
        unacknowledged <= history.placing,
        "{unacknowledged} orders no one was told of, but only {} placements were under way",
        history.placing
    );
}

/// Every acknowledged trade is there as it was answered; trades are numbered without gaps.
fn check_trades(history: &History, after: &Market) {
    for (id, trade) in &history.trades {
        let kept = after.trades.get(id).unwrap_or_else(|| panic!("acknowledged trade {id} is missing"));
        assert_eq!(kept["price_satang"], trade["price_satang"], "trade {id}: {kept}");
        assert_eq!(kept["qty_tco2e"], trade["qty_tco2e"], "trade {id}: {kept}");
        assert_eq!(kept["fee_satang"], trade["fee_satang"], "trade {id}: {kept}");
        assert_eq!(kept["buyer_org_id"], trade["buyer"]["org"], "trade {id}: {kept}");
        assert_eq!(kept["seller_org_id"], trade["seller"]["org"], "trade {id}: {kept}");
    }
    let ids: Vec<u64> = after.trades.keys().copied().collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>(), "trades are numbered without gaps");
}

/// The book is the open orders' remaining tonnes by price and side, level
/// for level, and rests nothing that was cancelled.
fn check_book(history: &History, after: &Market) {
    let mut levels: BTreeMap<(String, i64), (u64, u64)> = BTreeMap::new();
    for (_, order) in after.open_orders().filter(|(_, o)| o["instrument_id"] == INSTRUMENT) {
        let id = order["id"].as_u64().unwrap();
        assert!(!history.cancelled.contains(&id), "order {id} rests though its cancel was acknowledged");
        let key = (order["side"].as_str().unwrap().to_string(), order["price_satang"].as_i64().unwrap());
        let level = levels.entry(key).or_default();
        *level = (level.0 + left(order), level.1 + 1);
    }
    let mut book: BTreeMap<(String, i64), (u64, u64)> = BTreeMap::new();
    for (side, rows) in [("buy", &after.book["bids"]), ("sell", &after.book["asks"])] {
        for row in rows.as_array().unwrap() {
            let key = (side.to_string(), row["price_satang"].as_i64().unwrap());
            book.insert(key, (row["qty_tco2e"].as_u64().unwrap(), row["orders"].as_u64().unwrap()));
        }
    }
    assert!(book.len() < 50, "the book has more levels than one answer shows");
    assert_eq!(book, levels, "the book is not the open orders");
}

/// Credits and cash only changed hands: the traders' batch-1 tonnes, and
/// their baht with the fees the operator took, add up as before.
fn check_conserved(before: &Market, after: &Market) {
    let tonnes = |m: &Market| m.purses.values().map(|p| p.2 + p.3).sum::<u64>();
    assert_eq!(tonnes(after), tonnes(before), "credits of batch {BATCH} appeared or vanished");
    let fees = |m: &Market| m.trades.values().map(|t| t["fee_satang"].as_i64().unwrap()).sum::<i64>();
    let baht = |m: &Market| m.purses.values().map(|p| p.0).sum::<i64>() + fees(m);
    assert_eq!(baht(after), baht(before), "cash appeared or vanished");
}

/// What each trader holds is what its open orders and the open auction need.
fn check_escrow(after: &Market) {
    let open = after.auction["status"] == "open";
    for trader in TRADERS {
        let orders: Vec<&Value> = after.open_orders().filter(|(who, _)| *who == trader).map(|(_, o)| o).collect();
        let cash: i64 = orders
            .iter()
            .filter(|o| o["side"] == "buy")
            .map(|o| o["price_satang"].as_i64().unwrap() * left(o) as i64)
            .sum();
        let org = after.orgs[trader];
        let bids: i64 = after.auction["bids"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| open && b["org_id"] == org)
            .map(|b| b["price_satang"].as_i64().unwrap() * b["qty_tco2e"].as_i64().unwrap())
            .sum();
        let (_, held_satang, _, held_tco2e) = after.purses[trader];
        assert_eq!(held_satang, cash + bids, "{trader}'s cash held");
        let sells: u64 =
            orders.iter().filter(|o| o["side"] == "sell" && o["instrument_id"] == INSTRUMENT).map(|o| left(o)).sum();
        let supply = if open && after.auction["seller_org_id"] == org {
            after.auction["supply_tco2e"].as_u64().unwrap()
        } else {
            0
        };
        assert_eq!(held_tco2e, sells + supply, "{trader}'s credits held");
    }
}

/// Every acknowledged request, sent again with its key, is answered from
/// the journal with the very events first acknowledged.
async fn check_replayed(client: &reqwest::Client, url: &str, log: &Log) {
    for (sent, answer) in &log.acknowledged {
        let Reply::Ok(again) = send(client, url, sent).await else {
            panic!("{} is not answered after the restart", sent.key)
        };
        assert_eq!(again["replayed"], true, "{} was acknowledged but is not in the journal", sent.key);
        assert_eq!(again["events"], answer["events"], "{} is journaled as it was acknowledged", sent.key);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_orders_and_trades_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    build_demo(dir.path());
    let (server, url) = start_server(dir.path());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let before = Market::read(&client, &url).await;
    let log = Arc::new(Mutex::new(Log::default()));
    let clients: [(&str, &'static [&'static str]); 6] = [
        ("municipality", &["sell"]),
        ("municipality", &["sell"]),
        ("olefins", &["buy", "sell"]),
        ("olefins", &["buy"]),
        ("refinery", &["buy"]),
        ("plastics", &["buy", "sell"]),
    ];
    let mut workers = Vec::new();
    for (worker, (who, sides)) in clients.into_iter().enumerate() {
        let who = login(&client, &url, who).await;
        workers.push(tokio::spawn(trade(worker as u64, who, sides, url.clone(), log.clone())));
    }
    while log.lock().unwrap().acknowledged.len() < ACKNOWLEDGED_BEFORE_KILL {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    kill(server);
    for worker in workers {
        worker.await.unwrap();
    }
    let log = std::mem::take(&mut *log.lock().unwrap());
    assert_verifies(dir.path(), "after the crash");

    let (server, url) = start_server(dir.path());
    let after = Market::read(&client, &url).await;
    let history = History::of(&log);
    assert!(!history.trades.is_empty(), "the stream traded");
    assert!(!history.cancelled.is_empty(), "the stream cancelled");
    check_orders(&history, &before, &after);
    check_trades(&history, &after);
    check_book(&history, &after);
    check_conserved(&before, &after);
    check_escrow(&before);
    check_escrow(&after);
    check_replayed(&client, &url, &log).await;
    kill(server);
}
