//! The operator's cash desk records each bank transfer once, by the bank's
//! reference: a blank reference is refused, and a second request with a
//! reference already recorded is refused with the earlier transfer named —
//! never credited twice and never swallowed as if it had worked. A retry of
//! the same request (the same `Idempotency-Key`) is answered as the first.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

async fn olefins_cash(app: &TestApp) -> Value {
    let olefins = app.login(OLEFINS).await;
    let (status, cash) = app.get("/api/v1/cash", Some(&olefins)).await;
    assert_eq!(status, StatusCode::OK, "{cash}");
    cash
}

#[tokio::test]
async fn a_blank_bank_reference_is_refused_and_changes_nothing() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let before = (app.snapshot().await, olefins_cash(&app).await);
        for reference in ["", "   ", "\t"] {
            let body = json!({ "org_id": OLEFINS_ORG, "amount_satang": 5_000, "reference": reference });
            for path in ["/api/v1/cash/deposits", "/api/v1/cash/withdrawals"] {
                let (status, answer) = app.post(path, Some(&operator), &body).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {path} {reference:?}: {answer}", app.db_name);
                let error = error_of(path, &answer);
                assert_eq!(error["field"], "reference", "{answer}");
                assert!(error["message"].as_str().unwrap_or_default().contains("reference"), "{answer}");
            }
        }
        assert_eq!((app.snapshot().await, olefins_cash(&app).await), before, "{}", app.db_name);
        app.verify().await;
    }
}

#[tokio::test]
async fn the_same_bank_reference_is_never_credited_twice_silently() {
    for app in apps().await {
        // `open_exchange` recorded KTB-1 for olefins (1,000,000 baht).
        let operator = open_exchange(&app).await;
        let before = (app.snapshot().await, olefins_cash(&app).await);
        for (org, amount_satang) in [(OLEFINS_ORG, 100_000_000), (OLEFINS_ORG, 5_000), (REFINERY_ORG, 5_000)] {
            // Surrounding spaces do not make another reference.
            for reference in ["KTB-1", " KTB-1 "] {
                let body = json!({ "org_id": org, "amount_satang": amount_satang, "reference": reference });
                let (status, answer) = app.post("/api/v1/cash/deposits", Some(&operator), &body).await;
                assert_eq!(status, StatusCode::CONFLICT, "{}: {body}: {answer}", app.db_name);
                let error = error_of("a repeated reference", &answer);
                assert_eq!(error["field"], "reference", "{answer}");
                let message = error["message"].as_str().unwrap_or_default();
                assert!(message.contains("KTB-1") && message.contains("already recorded"), "{message}");
            }
        }
        assert_eq!((app.snapshot().await, olefins_cash(&app).await), before, "{}", app.db_name);

        // The same reference as a withdrawal is another bank transfer.
        let body = json!({ "org_id": OLEFINS_ORG, "amount_satang": 5_000, "reference": "KTB-1" });
        let (status, answer) = app.post("/api/v1/cash/withdrawals", Some(&operator), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        app.verify().await;
    }
}

#[tokio::test]
async fn a_retried_deposit_is_answered_once_and_credited_once() {
    for app in apps().await {
        let operator = open_exchange(&app).await;
        let balance_before = olefins_cash(&app).await["balance_satang"].as_i64().expect("a balance");
        let body = json!({ "org_id": OLEFINS_ORG, "amount_satang": 7_500, "reference": "BBL-77" }).to_string();
        let headers = [("idempotency-key", "retried-deposit-1")];
        let send = || app.send(Method::POST, "/api/v1/cash/deposits", Some(&operator), Some(body.clone()), &headers);
        let (first_status, first) = send().await;
        assert_eq!(first_status, StatusCode::OK, "{first}");
        let (second_status, second) = send().await;
        assert_eq!(second_status, StatusCode::OK, "{second}");
        assert_eq!(first["events"], second["events"], "the retry is answered from the journal");
        let balance_after = olefins_cash(&app).await["balance_satang"].as_i64().expect("a balance");
        assert_eq!(balance_after - balance_before, 7_500, "{}", app.db_name);
        app.verify().await;
    }
}
