//! The explorer shows the exchange's trades beside the registry's blocks:
//! each trade (and an auction's allocation) with the serials it delivered,
//! its price, tonnes, time, buyer and seller and the orders that met, by
//! batch, by serial range, by account and one by one — without signing in.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

async fn place(app: &TestApp, token: &str, side: &str, price_satang: u64, qty: u64) {
    let body =
        json!({ "instrument_id": 1, "side": side, "type": "limit", "price_satang": price_satang, "qty_tco2e": qty });
    let (status, answer) = app.post("/api/v1/orders", Some(token), &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// Two trades on the book and one auction allocation, newest first: 3, 2, 1.
async fn trade_three_times(app: &TestApp, operator: &str) {
    let (municipality, olefins, refinery) =
        (app.login(MUNICIPALITY).await, app.login(OLEFINS).await, app.login(REFINERY).await);
    place(app, &municipality, "sell", 32_000, 100).await; // order 1
    place(app, &olefins, "buy", 33_000, 30).await; // order 2: trade 1, 30 t at 320 baht
    place(app, &refinery, "buy", 32_000, 3).await; // order 3: trade 2, 3 t
    let body = json!({ "instrument_id": 1, "seller_org_id": MUNICIPALITY_ORG, "supply_tco2e": 20, "reserve_satang": 30_000, "closes_at_ms": 4_000_000_000_000_i64 });
    let (status, answer) = app.post("/api/v1/auctions", Some(operator), &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let bid = json!({ "price_satang": 31_000, "qty_tco2e": 20 });
    let (status, answer) = app.post("/api/v1/auctions/1/bids", Some(&olefins), &bid).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = app.post("/api/v1/auctions/1/close", Some(operator), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

fn ids(page: &Value) -> Vec<u64> {
    page["items"].as_array().unwrap().iter().map(|trade| trade["id"].as_u64().unwrap()).collect()
}

/// The number of units a serial names.
fn units(serial: &str) -> u64 {
    let parts: Vec<u64> = serial.rsplitn(3, '-').take(2).map(|part| part.parse().unwrap()).collect();
    parts[0] - parts[1] + 1
}

#[tokio::test]
async fn every_trade_is_visible_in_the_registry_explorer() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        trade_three_times(&app, &operator).await;
        let name = app.db_name;

        let (status, batch) = app.get("/api/v1/batches/1/trades", None).await;
        assert_eq!(status, StatusCode::OK, "{name}: {batch}");
        assert_eq!(ids(&batch), [3, 2, 1], "{name}: newest first");
        let first = &batch["items"][2];
        let expected = [
            ("price_satang", json!(32_000)),
            ("qty_tco2e", json!(30)),
            ("buyer", json!("Map Ta Phut Olefins (synthetic)")),
            ("buyer_account_id", json!(OLEFINS_ACCOUNT)),
            ("seller_account_id", json!(MUNICIPALITY_ACCOUNT)),
            ("seller_order_id", json!(1)),
            ("buyer_order_id", json!(2)),
            ("auction_id", Value::Null),
            ("batch_id", json!(1)),
            ("instrument_id", json!(1)),
        ];
        for (field, value) in expected {
            assert_eq!(first[field], value, "{name}: {field} in {first}");
        }
        assert!(first["instrument_code"].as_str().unwrap().starts_with("TH-RYG-0001-"), "{first}");
        let serials: Vec<&str> = first["serials"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        assert_eq!(serials.iter().map(|s| units(s)).sum::<u64>(), 30, "the serials name the 30 t: {serials:?}");
        let sale = &batch["items"][0];
        assert_eq!((sale["auction_id"].as_u64(), sale["buyer_order_id"].as_u64()), (Some(1), None), "{sale}");
        assert_eq!((sale["price_satang"].as_u64(), sale["qty_tco2e"].as_u64()), (Some(31_000), Some(20)), "{sale}");

        // The serials of trade 1 now sit with the buyer, and looking them up names that trade alone.
        let serial = serials[0];
        let (_, lookup) = app.get(&format!("/api/v1/serials/{serial}"), None).await;
        assert_eq!(lookup["blocks"][0]["account_id"], OLEFINS_ACCOUNT, "{lookup}");
        let (status, traded) = app.get(&format!("/api/v1/serials/{serial}/trades"), None).await;
        assert_eq!(status, StatusCode::OK, "{traded}");
        assert_eq!(ids(&traded), [1], "{traded}");
        let whole = batch_serial(&app).await;
        let (_, all) = app.get(&format!("/api/v1/serials/{whole}/trades?per_page=2"), None).await;
        assert_eq!((all["total"].as_u64(), ids(&all)), (Some(3), vec![3, 2]), "paged: {all}");

        let (status, one) = app.get("/api/v1/trades/1", None).await;
        assert_eq!(status, StatusCode::OK, "{one}");
        assert_eq!(&one, first, "one trade reads as it does in the lists");

        let (_, olefins) = app.get(&format!("/api/v1/accounts/{OLEFINS_ACCOUNT}/trades"), None).await;
        assert_eq!(ids(&olefins), [3, 1], "{olefins}");
        let (_, municipality) = app.get(&format!("/api/v1/accounts/{MUNICIPALITY_ACCOUNT}/trades"), None).await;
        assert_eq!(ids(&municipality), [3, 2, 1], "{municipality}");

        let (status, unlisted) = app.get("/api/v1/batches/2/trades", None).await;
        assert_eq!((status, unlisted["total"].as_u64()), (StatusCode::OK, Some(0)), "{unlisted}");
        for (path, expected) in [
            ("/api/v1/trades/99", StatusCode::NOT_FOUND),
            ("/api/v1/batches/99/trades", StatusCode::NOT_FOUND),
            ("/api/v1/accounts/999/trades", StatusCode::NOT_FOUND),
            ("/api/v1/serials/TH-RYG-0001-2025-0099-1-5/trades", StatusCode::NOT_FOUND),
            ("/api/v1/serials/not-a-serial/trades", StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let (status, answer) = app.get(path, None).await;
            assert_eq!(status, expected, "{path}: {answer}");
            assert!(answer["error"]["code"].is_string(), "{path}: {answer}");
        }
    }
}

async fn batch_serial(app: &TestApp) -> String {
    let (_, batch) = app.get("/api/v1/batches/1", None).await;
    batch["serial"].as_str().unwrap().to_string()
}

/// A citizen buys a tonne on the exchange and retires the very serial the
/// trade delivered; the explorer then shows that unit retired by them, and
/// it can no longer be offered for sale.
#[tokio::test]
async fn a_citizen_retires_the_tonne_the_trade_delivered() {
    const SOMCHAI_ORG: u64 = 8;
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let deposit = json!({ "org_id": SOMCHAI_ORG, "amount_satang": 50_000, "reference": "KBANK-8" });
        let (status, answer) = app.post("/api/v1/cash/deposits", Some(&operator), &deposit).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (municipality, somchai) = (app.login(MUNICIPALITY).await, app.login(SOMCHAI).await);
        place(&app, &municipality, "sell", 32_000, 5).await;
        place(&app, &somchai, "buy", 32_000, 1).await;

        let (status, trade) = app.get("/api/v1/trades/1", None).await;
        assert_eq!(status, StatusCode::OK, "{trade}");
        assert_eq!(trade["qty_tco2e"], 1, "{trade}");
        let serial = trade["serials"][0].as_str().expect("the trade names its serial").to_string();
        let buyer_account = trade["buyer_account_id"].as_u64().expect("the buyer's account");
        let retirement = json!({
            "serial": serial,
            "beneficiary": "Somchai Jaidee",
            "reason": "offsetting a year of commuting",
            "jurisdiction": "TH-21",
            "inventory_year": 2026,
        });
        let path = format!("/api/v1/accounts/{buyer_account}/retirements");
        let (status, answer) = app.post(&path, Some(&somchai), &retirement).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);

        let (status, view) = app.get(&format!("/api/v1/serials/{serial}"), None).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        let blocks = view["blocks"].as_array().expect("blocks");
        assert_eq!(blocks.len(), 1, "{view}");
        assert_eq!(
            (blocks[0]["state"].as_str(), blocks[0]["account_id"].as_u64()),
            (Some("retired"), Some(buyer_account))
        );
        let (status, listed) = app.get(&format!("/api/v1/serials/{serial}/trades"), None).await;
        assert_eq!((status, listed["items"][0]["id"].as_u64()), (StatusCode::OK, Some(1)), "{listed}");

        // The retired tonne cannot be sold: offering one more than the
        // citizen still holds active is refused and changes nothing.
        let active = app.active(&operator, buyer_account, 1).await;
        let before = app.snapshot().await;
        let sell = json!({ "instrument_id": 1, "side": "sell", "type": "limit", "price_satang": 40_000, "qty_tco2e": active + 1 });
        let (status, answer) = app.post("/api/v1/orders", Some(&somchai), &sell).await;
        assert!(status.is_client_error(), "{status}: {answer}");
        error_of("selling a retired tonne", &answer);
        assert_eq!(app.snapshot().await, before, "a refused order changes nothing");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_explorers_trades() {
    let app = sqlite_app().await;
    let (_, document) = app.get("/api/openapi.json", None).await;
    let paths = document["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/trades/{id}",
        "/api/v1/batches/{id}/trades",
        "/api/v1/serials/{serial}/trades",
        "/api/v1/accounts/{id}/trades",
    ] {
        assert_eq!(paths[path]["get"]["tags"][0], "public", "{path} in {:?}", paths.keys());
    }
    assert!(document["components"]["schemas"]["TradeDelivery"].is_object(), "the answer's shape is described");
}
