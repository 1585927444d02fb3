//! Numbers too large to store or to sum, sent from outside: a single huge
//! figure, and sums of figures each within its limit (many deposits to one
//! account, many activity lines in one year). Each is refused with a 422
//! naming the field, nothing changes, the writer keeps writing, and the
//! database still verifies.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

fn practice(investment_baht: Value) -> Value {
    json!({
        "reduction_id": null,
        "kind": "other",
        "title": "Rooftop solar on the warehouse",
        "summary": "Panels on the roof of the finished-goods warehouse.",
        "measured_reduction_tco2e": 120,
        "measured_year": 2025,
        "measurement": "Inverter meters over twelve months against the grid factor.",
        "investment_baht": investment_baht,
    })
}

/// The operator registers olefins as a factory; returns olefins' token.
async fn register_olefins(app: &TestApp) -> String {
    let operator = app.login(OPERATOR).await;
    let profile = json!({ "org_id": OLEFINS_ORG, "licence": "3-42-1/2540", "sector": "chemicals",
        "district": "Mueang Rayong", "publish": true });
    let (status, answer) = app.post("/api/v1/factories", Some(&operator), &profile).await;
    assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
    app.login("olefins").await
}

/// Asserts a 422 naming `field`, and that the journal and the public figures did not move.
async fn assert_refused(app: &TestApp, before: &Snapshot, (status, answer): (StatusCode, Value), field: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {answer}", app.db_name);
    assert_eq!(error_of(app.db_name, &answer)["field"], field, "{}: {answer}", app.db_name);
    assert_eq!(&app.snapshot().await, before, "{}: a refused command changes nothing", app.db_name);
}

#[tokio::test]
async fn a_single_huge_figure_is_refused_and_the_writer_keeps_writing() {
    for app in apps().await {
        let olefins = register_olefins(&app).await;
        let path = format!("/api/v1/factories/{OLEFINS_ORG}/practices");
        let before = app.snapshot().await;
        for huge in [json!(u64::MAX), json!(i64::MAX), json!(mangrove_core::bounds::INVESTMENT_BAHT_MAX + 1)] {
            let answer = app.post(&path, Some(&olefins), &practice(huge)).await;
            assert_refused(&app, &before, answer, "investment_baht").await;
        }
        let (status, answer) = app.post(&path, Some(&olefins), &practice(json!(2_400_000))).await;
        assert_eq!(status, StatusCode::OK, "{}: a later write: {answer}", app.db_name);
        app.verify().await;
    }
}

#[tokio::test]
async fn deposits_that_would_sum_past_an_account_total_are_refused() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let largest = mangrove_ledger::AMOUNT_PER_TRANSFER_MAX;
        let deposit =
            |n: u64| json!({ "org_id": OLEFINS_ORG, "amount_satang": largest, "reference": format!("BIG-{n}") });
        let most = mangrove_ledger::ACCOUNT_TOTAL_MAX / largest;
        let mut accepted = 0;
        let refusal = loop {
            let answer = app.post("/api/v1/cash/deposits", Some(&operator), &deposit(accepted)).await;
            if answer.0 != StatusCode::OK {
                break answer;
            }
            accepted += 1;
            assert!(accepted <= most, "{}: {accepted} deposits of {largest} were all accepted", app.db_name);
        };
        assert!(accepted > 0, "{}: the first deposit was refused: {}", app.db_name, refusal.1);
        let before = app.snapshot().await;
        let again = app.post("/api/v1/cash/deposits", Some(&operator), &deposit(accepted)).await;
        assert_refused(&app, &before, again, "amount").await;
        assert_eq!(refusal.1["error"]["field"], "amount", "{}: {}", app.db_name, refusal.1);

        let withdrawal = json!({ "org_id": OLEFINS_ORG, "amount_satang": 100, "reference": "SMALL-OUT" });
        let (status, answer) = app.post("/api/v1/cash/withdrawals", Some(&operator), &withdrawal).await;
        assert_eq!(status, StatusCode::OK, "{}: a later write: {answer}", app.db_name);
        app.verify().await;
    }
}

fn year_of_diesel(lines: usize, litres: u64) -> Value {
    let mut csv = String::from("month,activity,quantity,unit\n");
    for n in 0..lines {
        csv.push_str(&format!("2025-{:02},ดีเซล,{litres},ลิตร\n", n % 12 + 1));
    }
    json!({ "gwp_set": "AR6", "combustion": "tgo_combined", "csv": csv })
}

#[tokio::test]
async fn a_year_whose_emissions_would_overflow_the_sums_is_refused() {
    for app in apps().await {
        let olefins = register_olefins(&app).await;
        let path = format!("/api/v1/factories/{OLEFINS_ORG}/years/2025");
        let before = app.snapshot().await;
        // One line at the largest quantity a file may hold, of refrigerant: 2.3 billion tonnes.
        let refrigerant = "month,activity,quantity,unit\n2025-04,R-410A,1000000000,kg\n";
        let body = json!({ "gwp_set": "AR6", "combustion": "tgo_combined", "csv": refrigerant });
        let answer = app.put(&path, Some(&olefins), &body).await;
        assert_refused(&app, &before, answer, "lines").await;
        // 1,100 lines of 97,481 t each: every line is modest, their sum (107 million t) is not.
        let answer = app.put(&path, Some(&olefins), &year_of_diesel(1_100, 36_000_000)).await;
        assert_refused(&app, &before, answer, "lines").await;
        let (status, dashboard) = app.get("/api/v1/dashboard", None).await;
        assert_eq!(status, StatusCode::OK, "{}: {dashboard}", app.db_name);

        let (status, answer) = app.put(&path, Some(&olefins), &year_of_diesel(1_000, 36_000_000)).await;
        assert_eq!(status, StatusCode::OK, "{}: a later write: {answer}", app.db_name);
        let (status, dashboard) = app.get("/api/v1/dashboard", None).await;
        assert_eq!(status, StatusCode::OK, "{}: {dashboard}", app.db_name);
        app.verify().await;
    }
}
