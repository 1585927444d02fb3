//! Idempotency over HTTP: a transfer retried with the same
//! `Idempotency-Key` answers the original events with `replayed: true` and
//! moves the credits once; the same key with a different body is a 409
//! naming the header; keys are scoped to the user; a refused command does
//! not use up its key.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

async fn transfer(app: &TestApp, token: &str, from: u64, body: &Value, key: &'static str) -> (StatusCode, Value) {
    let path = format!("/api/v1/accounts/{from}/transfers");
    app.send(Method::POST, &path, Some(token), Some(body.to_string()), &[("Idempotency-Key", key)]).await
}

fn seven_to_olefins(quantity: u64) -> Value {
    json!({ "to_account": OLEFINS_ACCOUNT, "batch_id": 1, "quantity": quantity })
}

#[tokio::test]
async fn a_retried_transfer_moves_the_credits_once() {
    for app in apps().await {
        let (operator, municipality) = (app.login(OPERATOR).await, app.login(MUNICIPALITY).await);
        let before = app.snapshot().await;
        let (status, first) = transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &seven_to_olefins(7), "move-7").await;
        assert_eq!(status, StatusCode::OK, "{}: {first}", app.db_name);
        assert_eq!(first["replayed"], false);
        let transferred = &payloads(&first)[0];
        assert_eq!(transferred["event"], "transferred", "{first}");
        assert_eq!(transferred["ranges"], json!([{ "first": 2003, "last": 2009 }]), "{first}");

        let (status, again) = transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &seven_to_olefins(7), "move-7").await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["replayed"], true, "{again}");
        assert_eq!(again["events"], first["events"], "the replay answers the original events");

        let after = app.snapshot().await;
        assert_eq!(after.journal_events, before.journal_events + 1, "one event for two requests");
        assert_eq!(app.active(&operator, MUNICIPALITY_ACCOUNT, 1).await, 1_777 - 7);
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, 600 + 7);

        let (status, reused) =
            transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &seven_to_olefins(8), "move-7").await;
        assert_eq!(status, StatusCode::CONFLICT, "{reused}");
        let error = error_of("a reused key", &reused);
        assert_eq!(error["code"], "conflict");
        assert_eq!(error["field"], "Idempotency-Key");
        assert!(error["message"].as_str().is_some_and(|m| m.contains("different command")), "{reused}");
        assert_eq!(app.snapshot().await, after, "a reused key changes nothing");
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, 607);
    }
}

#[tokio::test]
async fn keys_belong_to_their_user_and_a_refusal_does_not_use_one() {
    for app in apps().await {
        let (municipality, olefins) = (app.login(MUNICIPALITY).await, app.login(OLEFINS).await);
        let (status, answer) = transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &seven_to_olefins(7), "k-1").await;
        assert_eq!((status, answer["replayed"].clone()), (StatusCode::OK, json!(false)), "{answer}");

        // The olefins factory's "k-1" is its own: it is applied, not a conflict.
        let back = json!({ "to_account": MUNICIPALITY_ACCOUNT, "batch_id": 1, "quantity": 2 });
        let (status, answer) = transfer(&app, &olefins, OLEFINS_ACCOUNT, &back, "k-1").await;
        assert_eq!((status, answer["replayed"].clone()), (StatusCode::OK, json!(false)), "{answer}");
        assert_eq!(payloads(&answer)[0]["from"], OLEFINS_ACCOUNT);

        // Refused for want of credits: the key stays free for the corrected command.
        let before = app.snapshot().await;
        let (status, answer) =
            transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &seven_to_olefins(5_000), "k-2").await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(error_of("too many", &answer)["code"], "insufficient");
        assert_eq!(app.snapshot().await, before);
        let (status, answer) = transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &seven_to_olefins(5), "k-2").await;
        assert_eq!((status, answer["replayed"].clone()), (StatusCode::OK, json!(false)), "{answer}");
        assert_eq!(app.snapshot().await.journal_events, before.journal_events + 1);
    }
}

#[tokio::test]
async fn concurrent_retries_are_applied_once() {
    for app in apps().await {
        let municipality = app.login(MUNICIPALITY).await;
        let before = app.snapshot().await;
        let body = seven_to_olefins(3);
        let send = || transfer(&app, &municipality, MUNICIPALITY_ACCOUNT, &body, "burst-1");
        let answers = tokio::join!(send(), send(), send(), send());
        let answers = [answers.0, answers.1, answers.2, answers.3];
        for (status, answer) in &answers {
            assert_eq!(*status, StatusCode::OK, "{}: {answer}", app.db_name);
            assert_eq!(answer["events"], answers[0].1["events"], "every answer carries the same events");
        }
        let applied = answers.iter().filter(|(_, answer)| answer["replayed"] == false).count();
        assert_eq!(applied, 1, "exactly one request applies the transfer: {answers:?}");
        assert_eq!(app.snapshot().await.journal_events, before.journal_events + 1);
        let operator = app.login(OPERATOR).await;
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, 600 + 3);
    }
}
