//! The permission matrix over HTTP: every mutating endpoint tried by every
//! role that must be refused (no token → 401, a signed-in member without
//! the right role or ownership → 403), each refusal in the API's JSON error
//! shape and leaving the journal, the public figures and the logins exactly
//! as they were; then each endpoint done once by a role that may, on SQLite
//! and (when configured) PostgreSQL.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use support::*;

/// One mutating request and who may and may not make it.
struct Case {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    /// Each of these must be refused.
    refused: &'static [&'static str],
    /// These may; the first one makes the request once after all refusals.
    /// Empty for rows that only show a refusal.
    allowed: &'static [&'static str],
    /// A phrase the refusal's message must contain, when it matters.
    says: &'static str,
}

fn case(method: Method, path: &'static str, body: Value, refused: &'static [&'static str]) -> Case {
    let body = if body.is_null() { None } else { Some(body) };
    Case { method, path, body, refused, allowed: &[], says: "" }
}

impl Case {
    fn by(mut self, allowed: &'static [&'static str]) -> Case {
        self.allowed = allowed;
        self
    }
    fn saying(mut self, says: &'static str) -> Case {
        self.says = says;
        self
    }
}

/// The role behind each login the matrix uses.
fn role_of(who: &str) -> &'static str {
    match who {
        ANONYMOUS => "anonymous",
        OPERATOR => "operator",
        VERIFIER => "verifier",
        MUNICIPALITY | FOREST => "proponent",
        OLEFINS | REFINERY => "factory",
        SOMCHAI => "citizen",
        other => panic!("the matrix does not use {other}"),
    }
}

const ROLES: [&str; 6] = ["anonymous", "operator", "verifier", "proponent", "factory", "citizen"];
const POST: Method = Method::POST;

/// Everyone but the operator.
const NOT_OPERATOR: &[&str] = &[ANONYMOUS, VERIFIER, MUNICIPALITY, OLEFINS, SOMCHAI];
/// Everyone but the municipality, the proponent that owns project 1, project 4 and account 4.
const NOT_MUNICIPALITY: &[&str] = &[ANONYMOUS, OPERATOR, VERIFIER, FOREST, OLEFINS, SOMCHAI];
/// Everyone but the verifier, including the refinery, whose project 3 is.
const NOT_VERIFIER: &[&str] = &[ANONYMOUS, OPERATOR, MUNICIPALITY, REFINERY, SOMCHAI];
/// Everyone but the olefins factory, which owns account 6 and hold 1.
const NOT_OLEFINS: &[&str] = &[ANONYMOUS, OPERATOR, VERIFIER, MUNICIPALITY, REFINERY, SOMCHAI];

/// The matrix, in an order in which the allowed requests all succeed one
/// after another (project 4 is a draft of the municipality, hold 1 is the
/// olefins factory's; see [`prepare`]): first the registry's set-up and
/// project life, then credits.
fn cases() -> Vec<Case> {
    let class = json!({ "code": "T-VER-P-METH-99", "name": "Seagrass restoration", "methodology": "Plot survey",
        "kind": "removal", "default_buffer_bps": 1000 });
    let user = json!({ "username": "new.officer", "password": "a-long-password", "display_name": "New officer",
        "org_id": 8 });
    let organisation = json!({ "name": "Rayong Fisheries Cooperative", "role": "proponent" });
    let report = json!({ "period_start": "2026-01-01", "period_end": "2026-06-30", "claimed_tco2e": 100 });
    let mut cases = vec![
        case(POST, "/api/v1/organisations", organisation, NOT_OPERATOR)
            .by(&[OPERATOR])
            .saying("needs the role operator"),
        case(POST, "/api/v1/users", user, NOT_OPERATOR).by(&[OPERATOR]).saying("needs the role operator"),
        case(POST, "/api/v1/credit-classes", class, NOT_OPERATOR).by(&[OPERATOR]),
        // Citizens, verifiers and the operator cannot create projects.
        case(POST, "/api/v1/projects", project_details("Seagrass meadow"), &[ANONYMOUS, OPERATOR, VERIFIER, SOMCHAI])
            .by(&[MUNICIPALITY, OLEFINS])
            .saying("needs the role proponent or factory"),
        case(Method::PUT, "/api/v1/projects/4", project_details("Estuary mangrove, 40 rai"), NOT_MUNICIPALITY)
            .by(&[MUNICIPALITY])
            .saying("only the proponent"),
        case(POST, "/api/v1/projects/4/submit", Value::Null, NOT_MUNICIPALITY).by(&[MUNICIPALITY]),
        case(POST, "/api/v1/projects/3/review", json!({ "decision": "validate" }), NOT_VERIFIER).by(&[VERIFIER]),
        // A verifier may not register a project: that is the operator's act.
        case(POST, "/api/v1/projects/3/register", Value::Null, &[ANONYMOUS, VERIFIER, MUNICIPALITY, REFINERY, SOMCHAI])
            .by(&[OPERATOR])
            .saying("needs the role operator"),
        case(POST, "/api/v1/projects/1/reports", report, NOT_MUNICIPALITY).by(&[MUNICIPALITY]),
    ];
    cases.extend(credit_cases());
    cases
}

fn credit_cases() -> Vec<Case> {
    let transfer = json!({ "to_account": OLEFINS_ACCOUNT, "batch_id": 1, "quantity": 5 });
    let retire = json!({ "batch_id": 1, "quantity": 5, "beneficiary": "Map Ta Phut Olefins (synthetic)",
        "reason": "Offset of 2026 flaring", "jurisdiction": "TH-21", "inventory_year": 2026 });
    let verify = json!({ "decision": "verify", "verified_tco2e": 700, "note": "Tree count checked" });
    let loss = json!({ "quantity": 5, "reason": "Storm surge" });
    let cancel = json!({ "batch_id": 1, "quantity": 1, "reason": "Duplicate" });
    vec![
        case(POST, "/api/v1/projects/1/losses", loss, NOT_OPERATOR).by(&[OPERATOR]),
        // Report 3 is the forest group's own: it may neither verify nor issue it.
        case(POST, "/api/v1/reports/3/review", verify, &[ANONYMOUS, OPERATOR, FOREST, MUNICIPALITY, OLEFINS, SOMCHAI])
            .by(&[VERIFIER]),
        case(POST, "/api/v1/reports/3/issue", Value::Null, &[ANONYMOUS, FOREST, MUNICIPALITY, OLEFINS, SOMCHAI])
            .by(&[OPERATOR, VERIFIER]),
        // Nobody moves another organisation's credits, not even the operator.
        case(POST, "/api/v1/accounts/4/transfers", transfer, NOT_MUNICIPALITY)
            .by(&[MUNICIPALITY])
            .saying("account 4 belongs to another organisation"),
        case(POST, "/api/v1/accounts/6/retirements", retire, NOT_OLEFINS).by(&[OLEFINS]).saying("another organisation"),
        // The operator cancels, even from an account it does not own; the owner may not.
        case(POST, "/api/v1/accounts/4/cancellations", cancel, NOT_OPERATOR).by(&[OPERATOR]),
        case(POST, "/api/v1/accounts/6/holds", json!({ "batch_id": 1, "quantity": 3 }), NOT_OLEFINS).by(&[OLEFINS]),
        case(POST, "/api/v1/holds/1/release", Value::Null, NOT_OLEFINS).by(&[OLEFINS]).saying("another organisation"),
    ]
}

/// Refusals that have no allowed counterpart in the matrix.
fn refusals_only() -> Vec<Case> {
    let out_of_buffer = json!({ "to_account": MUNICIPALITY_ACCOUNT, "batch_id": 1, "quantity": 1 });
    vec![
        // A proponent never verifies or approves issuance of its own report.
        case(POST, "/api/v1/reports/1/review", json!({ "decision": "verify", "verified_tco2e": 10 }), &[MUNICIPALITY])
            .saying("needs the role verifier"),
        case(POST, "/api/v1/reports/1/issue", Value::Null, &[MUNICIPALITY])
            .saying("needs the role verifier or operator"),
        // The buffer pool moves only by reversal or cancellation, even for the operator.
        case(POST, "/api/v1/accounts/2/transfers", out_of_buffer, &[OPERATOR]).saying("buffer-pool"),
        case(POST, "/api/v1/accounts/2/holds", json!({ "batch_id": 1, "quantity": 1 }), &[OPERATOR])
            .saying("buffer-pool"),
        case(
            POST,
            "/api/v1/accounts/2/retirements",
            json!({ "batch_id": 1, "quantity": 1, "beneficiary": "Operator",
            "reason": "Buffer", "jurisdiction": "TH-21", "inventory_year": 2026 }),
            &[OPERATOR],
        )
        .saying("buffer-pool"),
        // Citizens cannot create projects.
        case(POST, "/api/v1/projects", project_details("Backyard trees"), &[MALEE]).saying("you are citizen"),
    ]
}

/// A draft project of the municipality (4) and a hold of the olefins factory (1).
async fn prepare(app: &TestApp, tokens: &BTreeMap<&str, Option<String>>) {
    let municipality = tokens[MUNICIPALITY].as_deref();
    let (status, answer) = app.post("/api/v1/projects", municipality, &project_details("Estuary mangrove")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(payloads(&answer)[0]["project"]["id"], 4, "{answer}");
    let hold = json!({ "batch_id": 1, "quantity": 10 });
    let (status, answer) = app.post("/api/v1/accounts/6/holds", tokens[OLEFINS].as_deref(), &hold).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(payloads(&answer)[0]["hold"]["id"], 1, "{answer}");
}

async fn request(app: &TestApp, case: &Case, token: Option<&str>) -> (StatusCode, Value) {
    let body = case.body.as_ref().map(Value::to_string);
    app.send(case.method.clone(), case.path, token, body, &[]).await
}

/// Tries one refused request and returns what was wrong with its answer, if anything.
async fn refuse(app: &TestApp, case: &Case, who: &str, token: Option<&str>) -> Option<String> {
    let context = format!("{}: {} {} as {who}", app.db_name, case.method, case.path);
    let before = app.snapshot().await;
    let (status, answer) = request(app, case, token).await;
    let after = app.snapshot().await;
    let (expected, code) = if who == ANONYMOUS {
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    } else {
        (StatusCode::FORBIDDEN, "forbidden")
    };
    if status != expected || answer["error"]["code"] != code {
        return Some(format!("{context}: expected {expected} {code}, got {status} {answer}"));
    }
    let error = error_of(&context, &answer);
    let message = error["message"].as_str().unwrap_or_default();
    if who != ANONYMOUS && !message.contains(case.says) {
        return Some(format!("{context}: the message '{message}' does not say '{}'", case.says));
    }
    (before != after).then(|| format!("{context}: a refusal changed the state: {before:?} → {after:?}"))
}

async fn logins(app: &TestApp) -> BTreeMap<&'static str, Option<String>> {
    let mut tokens = BTreeMap::new();
    for who in [ANONYMOUS, OPERATOR, VERIFIER, MUNICIPALITY, FOREST, OLEFINS, REFINERY, SOMCHAI, MALEE] {
        tokens.insert(who, app.token_of(who).await);
    }
    tokens
}

#[test]
fn the_matrix_names_every_role_for_every_endpoint() {
    for case in cases() {
        let named: Vec<&str> = case.refused.iter().chain(case.allowed).map(|who| role_of(who)).collect();
        for role in ROLES {
            assert!(named.contains(&role), "{} {} says nothing of {role}", case.method, case.path);
        }
        assert!(!case.allowed.is_empty(), "{} {} has nobody allowed", case.method, case.path);
    }
}

#[tokio::test]
async fn every_refused_role_gets_401_or_403_and_changes_nothing() {
    for app in apps().await {
        let tokens = logins(&app).await;
        prepare(&app, &tokens).await;
        let mut failures = Vec::new();
        for case in cases().iter().chain(&refusals_only()) {
            for who in case.refused {
                failures.extend(refuse(&app, case, who, tokens[who].as_deref()).await);
            }
        }
        assert!(failures.is_empty(), "{} refusals went wrong:\n{}", failures.len(), failures.join("\n"));
    }
}

#[tokio::test]
async fn the_allowed_role_succeeds_for_every_endpoint() {
    for app in apps().await {
        let tokens = logins(&app).await;
        prepare(&app, &tokens).await;
        for case in cases() {
            let who = case.allowed[0];
            let before = app.snapshot().await;
            let (status, answer) = request(&app, &case, tokens[who].as_deref()).await;
            let after = app.snapshot().await;
            let context = format!("{}: {} {} as {who}: {answer}", app.db_name, case.method, case.path);
            if case.path == "/api/v1/users" {
                assert_eq!(status, StatusCode::CREATED, "{context}");
                assert_eq!(answer["username"], "new.officer", "{context}");
                assert_eq!(after.users, before.users + 1, "{context}");
                continue;
            }
            assert_eq!(status, StatusCode::OK, "{context}");
            assert_eq!(answer["replayed"], false, "{context}");
            let events = answer["events"].as_array().map_or(0, Vec::len) as u64;
            assert!(events >= 1, "{context}");
            assert_eq!(after.journal_events, before.journal_events + events, "{context}");
            assert_eq!(answer["events"][0]["seq"], before.journal_events, "{context}");
        }
    }
}
