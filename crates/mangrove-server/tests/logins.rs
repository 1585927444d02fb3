//! Who let a login in is on the record: creating a login and disabling one
//! are journaled with who did it (never a password, its hash or the
//! person's name), and an organisation sees its own logins and who created
//! each. The operator may create logins in any organisation, and each such
//! act is visible to that organisation.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

const MUNICIPALITY_ORG_ID: u64 = MUNICIPALITY_ORG;

/// Every journal event's body, as stored.
async fn journal(app: &TestApp) -> Vec<Value> {
    let end = app.store.ledger().read().await.tree.len();
    let events = app.store.db().events(0, end).await.expect("the journal reads");
    events.iter().map(|event| serde_json::from_str(&event.body).expect("an event is JSON")).collect()
}

fn find_event<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|event| event.to_string().contains(&format!("\"event\":\"{kind}\""))).collect()
}

#[tokio::test]
async fn a_login_the_operator_creates_is_on_the_record_and_seen_by_its_organisation() {
    for app in apps().await {
        let operator = app.login(OPERATOR).await;
        let (status, me) = app.get("/api/v1/me", Some(&operator)).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        let operator_id = me["id"].as_u64().expect("the operator's id");

        let body = json!({ "username": "nok.officer", "password": "mangrove-2026!", "display_name": "นก ใจงาม",
            "org_id": MUNICIPALITY_ORG_ID });
        let (status, created) = app.post("/api/v1/users", Some(&operator), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {created}", app.db_name);
        let user_id = created["id"].as_u64().expect("a new id");
        assert_eq!(created["status"], "active");
        assert_eq!(created["created_by"]["user_id"], operator_id, "{created}");

        let events = journal(&app).await;
        let created_events = find_event(&events, "login_created");
        let event = created_events
            .iter()
            .find(|event| event.to_string().contains(&format!("\"user\":{user_id}")))
            .unwrap_or_else(|| panic!("{}: no login_created for user {user_id}", app.db_name));
        let text = event.to_string();
        assert!(text.contains(&format!("\"org\":{MUNICIPALITY_ORG_ID}")), "{text}");
        assert!(text.contains(&format!("\"user\":{operator_id}")), "the creator is on the record: {text}");
        // The demo's own logins were created by the deployment.
        assert!(created_events.iter().any(|event| event.to_string().contains("\"kind\":\"system\"")));
        // No password, hash, username or name anywhere in the journal.
        let everything = serde_json::to_string(&events).expect("JSON");
        for secret in ["mangrove-2026!", "argon2", "nok.officer", "นก ใจงาม", "rayong-demo-2026"] {
            assert!(!everything.contains(secret), "{}: the journal holds {secret:?}", app.db_name);
        }

        // The municipality's members see the login and who let it in; another organisation does not.
        let municipality = app.login(MUNICIPALITY).await;
        let path = format!("/api/v1/organisations/{MUNICIPALITY_ORG_ID}/users");
        let (status, logins) = app.get(&path, Some(&municipality)).await;
        assert_eq!(status, StatusCode::OK, "{logins}");
        let listed = logins.as_array().expect("a list").iter().find(|login| login["id"] == user_id).expect("listed");
        assert_eq!(listed["created_by"]["username"], "operator", "{listed}");
        assert_eq!(listed["created_by"]["org_name"], "Rayong City Development Company", "{listed}");
        let olefins = app.login(OLEFINS).await;
        let (status, _) = app.get(&path, Some(&olefins)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        app.verify().await;
    }
}

#[tokio::test]
async fn a_disabled_login_is_on_the_record_and_cannot_sign_in() {
    for app in apps().await {
        let operator = app.login(OPERATOR).await;
        let body = json!({ "username": "former.staff", "password": "mangrove-2026!", "display_name": "Former staff",
            "org_id": MUNICIPALITY_ORG_ID });
        let (status, created) = app.post("/api/v1/users", Some(&operator), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let user_id = created["id"].as_u64().expect("an id");
        let sign_in = json!({ "username": "former.staff", "password": "mangrove-2026!" });
        let (status, session) = app.post("/api/v1/auth/login", None, &sign_in).await;
        assert_eq!(status, StatusCode::OK, "{session}");
        let token = session["token"].as_str().expect("a token").to_string();

        // Another organisation may not disable it; a bad reason changes nothing.
        let disable = format!("/api/v1/users/{user_id}/disable");
        let olefins = app.login(OLEFINS).await;
        let reason = json!({ "reason": "left_the_company" });
        let (status, _) = app.post(&disable, Some(&olefins), &reason).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let before = app.snapshot().await;
        let (status, answer) = app.post(&disable, Some(&operator), &json!({ "reason": "Left!" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(app.snapshot().await, before);

        // A colleague in the same organisation disables it.
        let municipality = app.login(MUNICIPALITY).await;
        let (status, disabled) = app.post(&disable, Some(&municipality), &reason).await;
        assert_eq!(status, StatusCode::OK, "{disabled}");
        assert_eq!(disabled["status"], "disabled");
        assert_eq!(disabled["disabled_by"]["username"], "municipality", "{disabled}");
        assert_eq!(disabled["disabled_reason"], "left_the_company");
        let events = journal(&app).await;
        assert!(
            find_event(&events, "login_disabled").iter().any(|event| event.to_string().contains("left_the_company")),
            "{}: the disabling is journaled",
            app.db_name
        );

        // Its session has ended and it cannot sign in again; disabling twice is a conflict.
        let (status, _) = app.send(Method::GET, "/api/v1/me", Some(&token), None, &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/api/v1/auth/login", None, &sign_in).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post(&disable, Some(&operator), &reason).await;
        assert_eq!(status, StatusCode::CONFLICT);
        app.verify().await;
    }
}

#[tokio::test]
async fn only_the_operator_creates_logins() {
    let app = sqlite_app().await;
    let municipality = app.login(MUNICIPALITY).await;
    let before = app.snapshot().await;
    let body = json!({ "username": "someone", "password": "mangrove-2026!", "display_name": "Someone",
        "org_id": MUNICIPALITY_ORG_ID });
    let (status, _) = app.post("/api/v1/users", Some(&municipality), &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.snapshot().await, before);
}

/// The users row is marked disabled after the journal says so: if the
/// process stops in between, the journal still keeps the login out.
#[tokio::test]
async fn a_login_disabled_on_the_record_stays_out_even_if_its_row_was_not_marked() {
    let app = sqlite_app().await;
    let token = app.login(MALEE).await;
    let (status, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let user = mangrove_core::UserId(me["id"].as_u64().expect("an id"));
    let command = mangrove_registry::Command::DisableLogin { user, reason: "compromised".into() };
    let submission =
        mangrove_app::Submission::new(&mangrove_registry::Actor::System, None, command).expect("a submission");
    app.store.sequencer().submit(submission).await.expect("journaled");
    // Only the journal knows: the row is still `active` and the session still stored.
    let (status, _) = app.send(Method::GET, "/api/v1/me", Some(&token), None, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let body = json!({ "username": MALEE, "password": mangrove_demo::DEMO_PASSWORD });
    let (status, _) = app.post("/api/v1/auth/login", None, &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
