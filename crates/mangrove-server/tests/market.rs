//! The exchange over HTTP: the operator opens it, records deposits and
//! lists the mangrove's vintage; crossing orders from two organisations
//! trade and settle at once (credits and cash visible on both sides and in
//! the public trades); bad orders get a clear 4xx and change nothing; an
//! order is replaced (its escrow re-sized, trading at once when it now
//! crosses) and a bad replace is refused clearly and changes nothing;
//! orders whose time runs out leave the book and give their escrow back
//! with no one asking;
//! concurrent orders from one account never overdraw its credits or cash;
//! an auction keeps its bids sealed until it clears at one price; the
//! market stream sends a snapshot, then each trade and book change of its
//! instrument as groups commit, and nothing for another instrument's.

mod support;

use mangrove_store::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

fn limit(side: &str, price_satang: u64, qty: u64) -> Value {
    json!({ "instrument_id": 1, "side": side, "type": "limit", "price_satang": price_satang, "qty_tco2e": qty })
}

#[tokio::test]
async fn crossing_orders_trade_and_settle_at_once() {
    for app in apps().await {
        open_exchange(&app).await;
        let (municipality, olefins) = (app.login(MUNICIPALITY).await, app.login(OLEFINS).await);
        let operator = app.login(OPERATOR).await;
        let held_before = app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await;
        let (status, answer) = app.post("/api/v1/orders", Some(&municipality), &limit("sell", 32_000, 100)).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, held_before - 100, "the credits are held");
        assert_eq!(answer["result"]["made"], "order", "{answer}");
        assert_eq!(
            (answer["result"]["status"].as_str(), answer["result"]["traded_now_tco2e"].as_u64()),
            (Some("open"), Some(0))
        );
        let resting = answer["result"]["order_id"].as_u64().unwrap();
        let (status, answer) = app.post("/api/v1/orders", Some(&olefins), &limit("buy", 33_000, 30)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        // The answer says what the order did: filled at once, 30 t traded in this command.
        let result = &answer["result"];
        assert_eq!((result["made"].as_str(), result["status"].as_str()), (Some("order"), Some("filled")), "{answer}");
        assert_eq!((result["filled_tco2e"].as_u64(), result["traded_now_tco2e"].as_u64()), (Some(30), Some(30)));
        assert_ne!(result["order_id"].as_u64(), Some(resting));
        let events = answer["events"].as_array().unwrap();
        assert_eq!(answer["first_seq"], events[0]["seq"], "{answer}");
        assert_eq!(answer["end_seq"].as_u64(), Some(events.last().unwrap()["seq"].as_u64().unwrap() + 1));
        let kinds: Vec<String> = payloads(&answer).iter().map(|p| p["event"].as_str().unwrap().to_string()).collect();
        assert!(kinds.contains(&"market_trade".to_string()), "{kinds:?}");
        let traded = payloads(&answer).into_iter().find(|p| p["event"] == "market_trade").unwrap();
        assert_eq!(traded["settlement"]["delivery"]["event"], "hold_partly_settled", "{traded}");

        // 30 t at the resting 320 baht: 9,600 baht; the fee of 0.5 % (48 baht) is the seller's.
        let (_, cash) = app.get("/api/v1/cash", Some(&olefins)).await;
        assert_eq!(cash["balance_satang"], 100_000_000 - 960_000, "{cash}");
        assert_eq!(cash["available_satang"], cash["balance_satang"], "nothing stays held: {cash}");
        let (_, cash) = app.get("/api/v1/cash", Some(&municipality)).await;
        assert_eq!(cash["balance_satang"], 960_000 - 4_800, "{cash}");
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, 600 + 30);

        let (_, trades) = app.get("/api/v1/trades?instrument=1", None).await;
        assert_eq!(trades["total"], 1, "{trades}");
        assert_eq!(trades["items"][0]["price_satang"], 32_000);
        assert_eq!(trades["items"][0]["buyer"], "Map Ta Phut Olefins (synthetic)");
        let (_, book) = app.get("/api/v1/instruments/1/book", None).await;
        assert_eq!(book["asks"], json!([{ "price_satang": 32_000, "qty_tco2e": 70, "orders": 1 }]), "{book}");
        let (_, candles) = app.get("/api/v1/instruments/1/candles?interval=minute", None).await;
        assert_eq!(candles[0]["close_satang"], 32_000, "{candles}");
        let (_, mine) = app.get("/api/v1/orders?status=open", Some(&municipality)).await;
        assert_eq!(mine["items"][0]["filled_tco2e"], 30, "{mine}");

        let order = mine["items"][0]["id"].as_u64().unwrap();
        let (status, _) = app.post(&format!("/api/v1/orders/{order}/cancel"), Some(&olefins), &json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "nobody cancels another's order");
        let (status, answer) =
            app.post(&format!("/api/v1/orders/{order}/cancel"), Some(&municipality), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, held_before - 30, "the rest came back");
    }
}

#[tokio::test]
async fn bad_orders_are_refused_clearly_and_change_nothing() {
    for app in apps().await {
        open_exchange(&app).await;
        let (municipality, refinery) = (app.login(MUNICIPALITY).await, app.login(REFINERY).await);
        app.post("/api/v1/orders", Some(&municipality), &limit("sell", 32_000, 10)).await;
        let before = app.snapshot().await;
        let cases = [
            ("zero", limit("buy", 100, 0), StatusCode::UNPROCESSABLE_ENTITY, "qty_tco2e"),
            (
                "negative",
                json!({ "instrument_id": 1, "side": "buy", "type": "limit", "price_satang": 100, "qty_tco2e": -5 }),
                StatusCode::UNPROCESSABLE_ENTITY,
                "qty_tco2e",
            ),
            ("off tick", limit("buy", 150, 1), StatusCode::UNPROCESSABLE_ENTITY, "price_satang"),
            (
                "unknown instrument",
                json!({ "instrument_id": 9, "side": "buy", "type": "limit", "price_satang": 100, "qty_tco2e": 1 }),
                StatusCode::NOT_FOUND,
                "instrument",
            ),
            (
                "market with a price",
                json!({ "instrument_id": 1, "side": "buy", "type": "market", "price_satang": 100, "qty_tco2e": 1 }),
                StatusCode::UNPROCESSABLE_ENTITY,
                "price_satang",
            ),
            (
                "unknown side",
                json!({ "instrument_id": 1, "side": "hold", "type": "limit", "price_satang": 100, "qty_tco2e": 1 }),
                StatusCode::UNPROCESSABLE_ENTITY,
                "side",
            ),
            ("more than the cash", limit("buy", 31_000, 100), StatusCode::CONFLICT, "amount"),
            (
                "fill or kill too big",
                json!({ "instrument_id": 1, "side": "buy", "type": "limit", "price_satang": 32_000, "qty_tco2e": 11, "tif": "fok" }),
                StatusCode::CONFLICT,
                "tif",
            ),
        ];
        for (name, body, expected, field) in cases {
            let (status, answer) = app.post("/api/v1/orders", Some(&refinery), &body).await;
            assert_eq!(status, expected, "{name}: {answer}");
            assert_eq!(error_of(name, &answer)["field"], field, "{name}: {answer}");
        }
        let (status, answer) = app.post("/api/v1/orders", None, &limit("buy", 100, 1)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
        assert_eq!(app.snapshot().await, before, "nothing changed");
    }
}

#[tokio::test]
async fn concurrent_orders_from_one_account_never_overdraw() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let (municipality, refinery) = (app.login(MUNICIPALITY).await, app.login(REFINERY).await);
        let credits = app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await;
        // 24 sells of a third of the holding at once: exactly two fit.
        let third = credits / 3 + 1;
        let sell = limit("sell", 50_000, third);
        let sells = (0..24).map(|_| app.post("/api/v1/orders", Some(&municipality), &sell));
        let answers = futures_join(sells).await;
        let accepted = answers.iter().filter(|(status, _)| *status == StatusCode::OK).count();
        assert_eq!(accepted, 2, "{answers:?}");
        assert!(
            answers.iter().all(|(s, a)| *s == StatusCode::OK || a["error"]["code"] == "insufficient"),
            "{answers:?}"
        );
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, credits - 2 * third);
        // The refinery has 10,000 baht: 30 bids of 40 t at 100 baht (4,000 baht each) at once: exactly two fit.
        let buy = limit("buy", 10_000, 40);
        let buys = (0..30).map(|_| app.post("/api/v1/orders", Some(&refinery), &buy));
        let answers = futures_join(buys).await;
        let accepted = answers.iter().filter(|(status, _)| *status == StatusCode::OK).count();
        assert_eq!(accepted, 2, "{answers:?}");
        let (_, cash) = app.get("/api/v1/cash", Some(&refinery)).await;
        assert_eq!(
            (cash["held_satang"].as_i64(), cash["available_satang"].as_i64()),
            (Some(800_000), Some(200_000)),
            "{cash}"
        );
    }
}

/// Polled together, so the server sees the requests concurrently.
async fn futures_join<F: std::future::Future<Output = (StatusCode, Value)>>(
    futures: impl Iterator<Item = F>,
) -> Vec<(StatusCode, Value)> {
    futures_util::future::join_all(futures).await
}

#[tokio::test]
async fn an_auction_keeps_bids_sealed_and_clears_at_one_price() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let (olefins, refinery) = (app.login(OLEFINS).await, app.login(REFINERY).await);
        let closes = 4_000_000_000_000_i64;
        let body = json!({ "instrument_id": 1, "seller_org_id": 3, "supply_tco2e": 100, "reserve_satang": 25_000, "closes_at_ms": closes });
        let (status, answer) = app.post("/api/v1/auctions", Some(&olefins), &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the operator or the seller: {answer}");
        let (status, answer) = app.post("/api/v1/auctions", Some(&operator), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        // The seller's credits are held on the way, but what was made is the auction.
        assert_eq!(answer["result"], json!({ "made": "auction", "auction_id": 1 }), "{answer}");
        // 80 t at 300 baht and 30 t at 250: 100 t sell at 250 (at 300 only 80 would).
        let (status, answer) = app
            .post("/api/v1/auctions/1/bids", Some(&olefins), &json!({ "price_satang": 30_000, "qty_tco2e": 80 }))
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, answer) = app
            .post("/api/v1/auctions/1/bids", Some(&refinery), &json!({ "price_satang": 25_000, "qty_tco2e": 30 }))
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, answer) = app
            .post("/api/v1/auctions/1/bids", Some(&refinery), &json!({ "price_satang": 20_000, "qty_tco2e": 5 }))
            .await;
        assert_eq!(
            (status, error_of("below", &answer)["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("price_satang"))
        );
        let (_, sealed) = app.get("/api/v1/auctions/1", Some(&refinery)).await;
        assert_eq!(
            (sealed["bid_count"].as_u64(), sealed["bids"].as_array().map(Vec::len)),
            (Some(2), Some(1)),
            "{sealed}"
        );
        let (status, answer) = app.post("/api/v1/auctions/1/close", Some(&operator), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (_, cleared) = app.get("/api/v1/auctions/1", None).await;
        assert_eq!(
            (cleared["status"].as_str(), cleared["price_satang"].as_u64()),
            (Some("cleared"), Some(25_000)),
            "{cleared}"
        );
        let allocated: Vec<u64> =
            cleared["bids"].as_array().unwrap().iter().map(|b| b["allocated_tco2e"].as_u64().unwrap()).collect();
        assert_eq!(allocated, [80, 20]);
        let (_, cash) = app.get("/api/v1/cash", Some(&olefins)).await;
        assert_eq!(
            cash["balance_satang"],
            100_000_000 - 80 * 25_000,
            "the 300-baht bidder pays the clearing price: {cash}"
        );
        assert_eq!(cash["held_satang"], 0);
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, 600 + 80);
    }
}

/// The id of the order a placement answered.
fn order_id(answer: &Value) -> u64 {
    payloads(answer)
        .iter()
        .find(|p| p["event"] == "market_order_placed")
        .and_then(|p| p["order"]["id"].as_u64())
        .unwrap_or_else(|| panic!("no order placed in {answer}"))
}

#[tokio::test]
async fn a_replaced_order_holds_its_new_escrow_and_trades_when_it_crosses() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let (municipality, olefins) = (app.login(MUNICIPALITY).await, app.login(OLEFINS).await);
        let credits = app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await;
        let (_, answer) = app.post("/api/v1/orders", Some(&municipality), &limit("sell", 32_000, 100)).await;
        let ask = order_id(&answer);
        let (_, answer) = app.post("/api/v1/orders", Some(&olefins), &limit("buy", 31_000, 10)).await;
        let bid = order_id(&answer);

        // The sell grows to 150 t: 50 t more are held.
        let (status, answer) =
            app.post(&format!("/api/v1/orders/{ask}/replace"), Some(&municipality), &json!({ "qty_tco2e": 150 })).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, credits - 150);

        // The bid moves up to 330 baht for 20 t: it trades 20 t at the resting 320 baht at once.
        let body = json!({ "price_satang": 33_000, "qty_tco2e": 20 });
        let (status, answer) = app.post(&format!("/api/v1/orders/{bid}/replace"), Some(&olefins), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let kinds: Vec<String> = payloads(&answer).iter().map(|p| p["event"].as_str().unwrap().to_string()).collect();
        assert!(kinds.contains(&"market_order_replaced".to_string()), "{kinds:?}");
        assert!(kinds.contains(&"market_trade".to_string()), "{kinds:?}");
        let (_, cash) = app.get("/api/v1/cash", Some(&olefins)).await;
        assert_eq!(cash["balance_satang"], 100_000_000 - 20 * 32_000, "{cash}");
        assert_eq!(cash["held_satang"], 0, "filled, so nothing stays held: {cash}");
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, 600 + 20);
        let (_, mine) = app.get("/api/v1/orders", Some(&olefins)).await;
        let order = &mine["items"][0];
        assert_eq!(
            (order["id"].as_u64(), order["status"].as_str(), order["price_satang"].as_u64()),
            (Some(bid), Some("filled"), Some(33_000)),
            "{mine}"
        );

        // The sell shrinks to 30 t left at a lower price: the rest of its credits come back.
        let body = json!({ "price_satang": 31_500, "qty_tco2e": 30 });
        let (status, answer) = app.post(&format!("/api/v1/orders/{ask}/replace"), Some(&municipality), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, credits - 20 - 30);
        let (_, book) = app.get("/api/v1/instruments/1/book", None).await;
        assert_eq!(book["asks"], json!([{ "price_satang": 31_500, "qty_tco2e": 30, "orders": 1 }]), "{book}");
        app.verify().await;
    }
}

#[tokio::test]
async fn a_bad_replace_is_refused_clearly_and_changes_nothing() {
    for app in apps().await {
        open_exchange(&app).await;
        let (municipality, refinery) = (app.login(MUNICIPALITY).await, app.login(REFINERY).await);
        let (_, answer) = app.post("/api/v1/orders", Some(&municipality), &limit("sell", 32_000, 10)).await;
        let ask = order_id(&answer);
        let (_, answer) = app.post("/api/v1/orders", Some(&refinery), &limit("buy", 10_000, 50)).await;
        let bid = order_id(&answer);
        let (_, answer) = app.post("/api/v1/orders", Some(&refinery), &limit("buy", 9_000, 1)).await;
        let gone = order_id(&answer);
        app.post(&format!("/api/v1/orders/{gone}/cancel"), Some(&refinery), &json!({})).await;
        let before = app.snapshot().await;
        let cases = [
            ("someone else's order", ask, json!({ "qty_tco2e": 5 }), StatusCode::FORBIDDEN, Value::Null),
            ("zero", bid, json!({ "qty_tco2e": 0 }), StatusCode::UNPROCESSABLE_ENTITY, json!("qty_tco2e")),
            (
                "no quantity",
                bid,
                json!({ "price_satang": 10_000 }),
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("qty_tco2e"),
            ),
            (
                "off tick",
                bid,
                json!({ "price_satang": 10_050, "qty_tco2e": 50 }),
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("price_satang"),
            ),
            (
                "nothing to change",
                bid,
                json!({ "price_satang": 10_000, "qty_tco2e": 50 }),
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("qty_tco2e"),
            ),
            // The refinery has 10,000 baht and holds 5,000 for this bid: 150 t at 100 baht is 15,000.
            ("more than the cash", bid, json!({ "qty_tco2e": 150 }), StatusCode::CONFLICT, json!("amount")),
            ("no longer in the book", gone, json!({ "qty_tco2e": 2 }), StatusCode::CONFLICT, Value::Null),
            ("unknown order", 999, json!({ "qty_tco2e": 2 }), StatusCode::NOT_FOUND, json!("order")),
        ];
        for (name, order, body, expected, field) in cases {
            let (status, answer) = app.post(&format!("/api/v1/orders/{order}/replace"), Some(&refinery), &body).await;
            assert_eq!(status, expected, "{name}: {answer}");
            assert_eq!(error_of(name, &answer)["field"], field, "{name}: {answer}");
        }
        let (status, answer) = app
            .post(&format!("/api/v1/orders/{ask}/replace"), Some(&municipality), &json!({ "qty_tco2e": 100_000 }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "more credits than held: {answer}");
        assert_eq!(
            (error_of("credits", &answer)["code"].as_str(), answer["error"]["field"].as_str()),
            (Some("insufficient"), Some("qty_tco2e"))
        );
        let (status, _) = app.post(&format!("/api/v1/orders/{bid}/replace"), None, &json!({ "qty_tco2e": 5 })).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.snapshot().await, before, "nothing changed");
    }
}

#[tokio::test]
async fn orders_expire_in_the_background_and_give_their_escrow_back() {
    for db in TestDatabase::all().await {
        let real_now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
        let now_ms = Arc::new(AtomicI64::new(real_now_ms as i64));
        let clock: mangrove_store::Clock = {
            let now_ms = now_ms.clone();
            Arc::new(move || now_ms.load(Ordering::SeqCst))
        };
        let app = TestApp::start_with_clock(db, clock).await;
        let operator = open_exchange(&app).await;
        let (municipality, olefins) = (app.login(MUNICIPALITY).await, app.login(OLEFINS).await);
        let credits = app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await;
        let expires_at_ms = now_ms.load(Ordering::SeqCst) + 60_000;
        let expiring = |side: &str, price_satang: u64, qty: u64| {
            let mut body = limit(side, price_satang, qty);
            body["expires_at_ms"] = json!(expires_at_ms);
            body
        };
        for (who, body) in [
            (&municipality, expiring("sell", 32_000, 40)),
            (&municipality, limit("sell", 33_000, 5)),
            (&olefins, expiring("buy", 30_000, 10)),
        ] {
            let (status, answer) = app.post("/api/v1/orders", Some(who), &body).await;
            assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
        }
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, credits - 45);
        let (_, cash) = app.get("/api/v1/cash", Some(&olefins)).await;
        assert_eq!(cash["held_satang"], 300_000, "{cash}");

        // A minute passes on the store's clock; no one asks for anything.
        now_ms.fetch_add(60_000, Ordering::SeqCst);
        let mut open = Value::Null;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            (_, open) = app.get("/api/v1/orders?status=open", Some(&municipality)).await;
            if open["total"] == 1 {
                break;
            }
        }
        assert_eq!(open["total"], 1, "the expiring sell left the book: {open}");
        assert_eq!(open["items"][0]["price_satang"], 33_000, "the order without an expiry stays: {open}");
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, credits - 5, "the credits came back");
        let (_, mine) = app.get("/api/v1/orders", Some(&olefins)).await;
        assert_eq!(mine["items"][0]["status"], "expired", "{mine}");
        let (_, cash) = app.get("/api/v1/cash", Some(&olefins)).await;
        assert_eq!((cash["held_satang"].as_i64(), cash["available_satang"].as_i64()), (Some(0), Some(100_000_000)));
        let (_, book) = app.get("/api/v1/instruments/1/book", None).await;
        assert_eq!(book["bids"], json!([]), "{book}");
        assert_eq!(book["asks"], json!([{ "price_satang": 33_000, "qty_tco2e": 5, "orders": 1 }]), "{book}");
        app.verify().await;
    }
}

/// The next JSON message of a market stream, within a few seconds.
async fn next_message<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    use futures_util::StreamExt;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("the stream is open")
            .expect("a message");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}

#[tokio::test]
async fn the_stream_sends_each_trade_and_book_change_of_its_instrument() {
    let app = sqlite_app().await;
    open_exchange(&app).await;
    let (municipality, olefins) = (app.login(MUNICIPALITY).await, app.login(OLEFINS).await);
    let url = format!("{}/api/v1/market/stream?instrument=1", app.base.replace("http://", "ws://"));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("the stream opens");
    let snapshot = next_message(&mut socket).await;
    assert_eq!(snapshot["type"], "snapshot", "{snapshot}");
    assert_eq!(snapshot["trades"].as_array().map(Vec::len), Some(0), "{snapshot}");

    let (status, answer) = app.post("/api/v1/orders", Some(&municipality), &limit("sell", 32_000, 100)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let book = next_message(&mut socket).await;
    assert_eq!((book["type"].as_str(), book["book"]["asks"][0]["price_satang"].as_u64()), (Some("book"), Some(32_000)));

    let (status, answer) = app.post("/api/v1/orders", Some(&olefins), &limit("buy", 33_000, 30)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let trade = next_message(&mut socket).await;
    assert_eq!(trade["type"], "trade", "{trade}");
    assert_eq!(
        (trade["trade"]["price_satang"].as_u64(), trade["trade"]["qty_tco2e"].as_u64()),
        (Some(32_000), Some(30))
    );
    let book = next_message(&mut socket).await;
    assert_eq!(
        (book["type"].as_str(), book["book"]["asks"][0]["qty_tco2e"].as_u64()),
        (Some("book"), Some(70)),
        "{book}"
    );

    // A commit that does not touch the instrument sends nothing.
    let operator = app.login(OPERATOR).await;
    let (status, answer) = app
        .post("/api/v1/organisations", Some(&operator), &json!({ "name": "Ban Phe Fishers", "role": "proponent" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, _) = app.post("/api/v1/orders", Some(&municipality), &limit("sell", 34_000, 5)).await;
    assert_eq!(status, StatusCode::OK);
    let book = next_message(&mut socket).await;
    assert_eq!(book["type"], "book", "the next message is the new offer's book, nothing for the organisation: {book}");
}
