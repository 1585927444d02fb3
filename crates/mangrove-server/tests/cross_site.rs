//! Another site cannot use a visitor's session cookie: a cookie-authenticated
//! mutation is refused unless it came from the app (its origin, the app's
//! header), bearer tokens are unaffected, every answer carries the security
//! headers, and sign-in is throttled per username and per address with
//! `Retry-After`.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;

const FOREIGN: &str = "http://attacker.example";

/// Bodyless mutations a forged form or `fetch` could send with the cookie.
const BODYLESS: &[&str] = &[
    "/api/v1/auth/logout",
    "/api/v1/orders/1/cancel",
    "/api/v1/holds/1/release",
    "/api/v1/projects/2/submit",
    "/api/v1/projects/2/register",
    "/api/v1/reports/1/issue",
    "/api/v1/auctions/1/close",
];

fn own_origin(app: &TestApp) -> String {
    app.base.clone()
}

#[tokio::test]
async fn cookie_mutations_from_another_origin_are_refused_and_change_nothing() {
    for app in apps().await {
        let token = app.login(OPERATOR).await;
        let cookie = format!("mangrove_session={token}");
        let before = app.snapshot().await;
        let forged: [&[(&str, &str)]; 3] = [
            &[("cookie", &cookie), ("origin", FOREIGN), ("x-requested-with", "mangrove")],
            &[("cookie", &cookie), ("sec-fetch-site", "cross-site"), ("x-requested-with", "mangrove")],
            // No origin at all, but without the app's header either (an old browser's form post).
            &[("cookie", &cookie)],
        ];
        for headers in forged {
            for path in BODYLESS {
                let (status, answer) = app.send(Method::POST, path, None, None, headers).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{}: {path} {headers:?}: {answer}", app.db_name);
                assert_eq!(error_of(path, &answer)["code"], "cross_site", "{answer}");
            }
        }
        assert_eq!(app.snapshot().await, before, "{}", app.db_name);
        // The forged logout did not end the session.
        let (status, me) = app.send(Method::GET, "/api/v1/me", None, None, &[("cookie", &cookie)]).await;
        assert_eq!(status, StatusCode::OK, "{me}");
    }
}

#[tokio::test]
async fn cookie_mutations_from_the_app_and_bearer_clients_are_accepted() {
    for app in apps().await {
        let operator = app.login(OPERATOR).await;
        let cookie = format!("mangrove_session={operator}");
        let origin = own_origin(&app);
        let from_app: [(&str, &str); 4] = [
            ("cookie", &cookie),
            ("origin", &origin),
            ("sec-fetch-site", "same-origin"),
            ("x-requested-with", "mangrove"),
        ];
        let transfer = json!({ "batch_id": 1, "to_account": OLEFINS_ACCOUNT, "quantity": 1 }).to_string();
        let before = app.active(&operator, OLEFINS_ACCOUNT, 1).await;
        let municipality = app.login(MUNICIPALITY).await;
        let municipality_cookie = format!("mangrove_session={municipality}");
        let headers: Vec<(&str, &str)> = from_app
            .iter()
            .map(|&(name, value)| if name == "cookie" { (name, municipality_cookie.as_str()) } else { (name, value) })
            .collect();
        let path = format!("/api/v1/accounts/{MUNICIPALITY_ACCOUNT}/transfers");
        let (status, answer) = app.send(Method::POST, &path, None, Some(transfer.clone()), &headers).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.db_name);
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, before + 1);

        // A bearer token is not sent by a browser on its own: another origin does not matter.
        let (status, answer) = app
            .send(
                Method::POST,
                &path,
                Some(&municipality),
                Some(transfer),
                &[("origin", FOREIGN), ("sec-fetch-site", "cross-site")],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(app.active(&operator, OLEFINS_ACCOUNT, 1).await, before + 2);

        // Signing out from the app ends the session.
        let (status, _) = app.send(Method::POST, "/api/v1/auth/logout", None, None, &from_app).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.send(Method::GET, "/api/v1/me", None, None, &[("cookie", &cookie)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn no_other_site_signs_a_visitor_in() {
    let app = sqlite_app().await;
    let body = json!({ "username": "somchai", "password": mangrove_demo::DEMO_PASSWORD }).to_string();
    let (status, answer) =
        app.send(Method::POST, "/api/v1/auth/login", None, Some(body.clone()), &[("origin", FOREIGN)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(error_of("login", &answer)["code"], "cross_site");
    let origin = own_origin(&app);
    let (status, answer) = app.send(Method::POST, "/api/v1/auth/login", None, Some(body), &[("origin", &origin)]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = sqlite_app().await;
    let client = reqwest::Client::new();
    for path in ["/", "/api/v1/stats", "/api/v1/nothing-here", "/api/openapi.json", "/healthz"] {
        let response = client.get(format!("{}{path}", app.base)).send().await.expect("an answer");
        let headers = response.headers();
        let policy = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"), "{path}: {policy}");
        assert_eq!(headers.get("x-content-type-options").map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{path}");
        // Served over plain HTTP, so no HSTS.
        assert!(headers.get("strict-transport-security").is_none(), "{path}");
    }
}

async fn login_attempt(app: &TestApp, username: &str, password: &str) -> (StatusCode, reqwest::header::HeaderMap) {
    let body = json!({ "username": username, "password": password });
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&body)
        .send()
        .await
        .expect("an answer");
    (response.status(), response.headers().clone())
}

#[tokio::test]
async fn sign_in_is_throttled_per_username_with_retry_after() {
    let app = sqlite_app().await;
    let burst = mangrove_server::guard::LOGIN_BURST_PER_ACCOUNT;
    for attempt in 0..burst {
        let (status, _) = login_attempt(&app, "malee", "not-her-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // Past the burst, even the right password waits: nothing is hashed.
    let (status, headers) = login_attempt(&app, "malee", mangrove_demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = headers["retry-after"].to_str().expect("text").parse().expect("whole seconds");
    assert!((1..=mangrove_server::guard::LOGIN_REFILL_PER_ACCOUNT.as_secs()).contains(&retry_after), "{retry_after}");
    // Another account from the same address is not held up.
    let (status, _) = login_attempt(&app, "somchai", mangrove_demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_is_throttled_per_address_with_retry_after() {
    let app = sqlite_app().await;
    let burst = mangrove_server::guard::LOGIN_BURST_PER_ADDRESS;
    let mut refused = None;
    // Each guess names another username, so only the address's bucket empties.
    for attempt in 0..burst * 2 {
        let (status, headers) = login_attempt(&app, &format!("guess{attempt}"), "wrong-password").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((attempt, headers));
            break;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let (attempt, headers) = refused.expect("the address is throttled past its burst");
    assert!(attempt >= burst.saturating_sub(2), "throttled only after about {burst} attempts, not {attempt}");
    assert!(headers.contains_key("retry-after"));
}
