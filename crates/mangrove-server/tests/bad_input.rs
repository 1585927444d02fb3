//! Bad input over HTTP, table-driven: zero, negative and overflowing
//! quantities, missing fields, wrong types, unknown enum values, malformed
//! and oversized bodies, unknown or malformed serials and ids, off-format
//! jurisdictions and dates, periods ending in the future, wrong passwords
//! and dead sessions. Each is a 4xx in the `{"error": {...}}` shape with a
//! message a person can act on and the field it is about, and changes
//! nothing (journal, public figures and logins), on SQLite and (when
//! configured) PostgreSQL.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

/// One bad request and the answer it must get.
struct Bad {
    what: &'static str,
    who: &'static str,
    method: Method,
    path: String,
    body: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
    status: StatusCode,
    code: &'static str,
    field: Option<&'static str>,
    /// A phrase the message must contain.
    says: &'static str,
}

fn bad(what: &'static str, who: &'static str, method: Method, path: &str) -> Bad {
    let body = None;
    let path = path.to_string();
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    Bad { what, who, method, path, body, headers: Vec::new(), status, code: "invalid", field: None, says: "" }
}

fn get(what: &'static str, path: &str) -> Bad {
    bad(what, ANONYMOUS, Method::GET, path)
}

fn post(what: &'static str, who: &'static str, path: &str, body: Value) -> Bad {
    let mut case = bad(what, who, Method::POST, path);
    case.body = (!body.is_null()).then(|| body.to_string());
    case
}

impl Bad {
    fn is(mut self, status: StatusCode, code: &'static str, field: Option<&'static str>, says: &'static str) -> Bad {
        (self.status, self.code, self.field, self.says) = (status, code, field, says);
        self
    }
    fn invalid(self, field: Option<&'static str>, says: &'static str) -> Bad {
        self.is(StatusCode::UNPROCESSABLE_ENTITY, "invalid", field, says)
    }
    /// 404 about a named field.
    fn missing(self, field: &'static str, says: &'static str) -> Bad {
        self.is(StatusCode::NOT_FOUND, "not_found", Some(field), says)
    }
    /// 404 about the path.
    fn not_found(self, says: &'static str) -> Bad {
        self.is(StatusCode::NOT_FOUND, "not_found", None, says)
    }
    fn bad_query(self, says: &'static str) -> Bad {
        self.is(StatusCode::BAD_REQUEST, "invalid", None, says)
    }
    fn conflict(self, code: &'static str, field: Option<&'static str>, says: &'static str) -> Bad {
        self.is(StatusCode::CONFLICT, code, field, says)
    }
    fn unauthenticated(self, says: &'static str) -> Bad {
        self.is(StatusCode::UNAUTHORIZED, "unauthenticated", None, says)
    }
    fn raw(mut self, body: String) -> Bad {
        self.body = Some(body);
        self
    }
    fn header(mut self, name: &'static str, value: &'static str) -> Bad {
        self.headers.push((name, value));
        self
    }
}

const TRANSFER: &str = "/api/v1/accounts/4/transfers";
const RETIREMENTS: &str = "/api/v1/accounts/6/retirements";
const REPORTS: &str = "/api/v1/projects/1/reports";
const LOSSES: &str = "/api/v1/projects/1/losses";
const PROJECTS: &str = "/api/v1/projects";
const ORGANISATIONS: &str = "/api/v1/organisations";
const USERS: &str = "/api/v1/users";
const LOGIN: &str = "/api/v1/auth/login";
const TOO_LARGE: StatusCode = StatusCode::PAYLOAD_TOO_LARGE;

fn transfer(quantity: Value) -> Value {
    json!({ "to_account": OLEFINS_ACCOUNT, "batch_id": 1, "quantity": quantity })
}

/// One tonne of batch 1 to `account`.
fn to(account: u64) -> Value {
    json!({ "to_account": account, "batch_id": 1, "quantity": 1 })
}

fn report(start: &str, end: &str, claimed: u64) -> Value {
    json!({ "period_start": start, "period_end": end, "claimed_tco2e": claimed, "calculation": "{}" })
}

fn verify(tonnes: u64) -> Value {
    json!({ "decision": "verify", "verified_tco2e": tonnes })
}

fn raw_transfer(quantity: &str) -> String {
    format!(r#"{{"to_account": 6, "batch_id": 1, "quantity": {quantity}}}"#)
}

fn quantities() -> Vec<Bad> {
    vec![
        post("quantity 0", MUNICIPALITY, TRANSFER, transfer(json!(0))).invalid(Some("quantity"), "at least 1"),
        post("quantity -5", MUNICIPALITY, TRANSFER, transfer(json!(-5))).invalid(Some("quantity"), "-5"),
        post("quantity 1e30", MUNICIPALITY, TRANSFER, Value::Null)
            .raw(raw_transfer("1e30"))
            .invalid(Some("quantity"), "u64"),
        post("quantity 2^64", MUNICIPALITY, TRANSFER, Value::Null)
            .raw(raw_transfer("18446744073709551616"))
            .invalid(Some("quantity"), "u64"),
        post("quantity over the per-command bound", MUNICIPALITY, TRANSFER, transfer(json!(1_000_000_000_001_u64)))
            .invalid(Some("quantity"), "at most"),
        post("more than held", MUNICIPALITY, TRANSFER, transfer(json!(1_778))).conflict(
            "insufficient",
            Some("quantity"),
            "holds 1777 tCO2e active",
        ),
        post("a loss of 0", OPERATOR, LOSSES, json!({ "quantity": 0, "reason": "Storm" }))
            .invalid(Some("quantity"), "at least 1"),
        post("claim of 0", MUNICIPALITY, REPORTS, report("2026-01-01", "2026-06-30", 0))
            .invalid(Some("claimed_tco2e"), "at least 1"),
        post("verified above claim", VERIFIER, "/api/v1/reports/3/review", verify(761))
            .invalid(Some("verified_tco2e"), "exceed the claim"),
        post("verified 0", VERIFIER, "/api/v1/reports/3/review", verify(0))
            .invalid(Some("verified_tco2e"), "at least 1"),
        post("quantity and serial together", MUNICIPALITY, TRANSFER, {
            json!({ "to_account": 6, "batch_id": 1, "quantity": 1, "serial": "TH-RYG-0001-2025-0001-1" })
        })
        .invalid(Some("quantity"), "either a quantity"),
        post("quantity without batch", MUNICIPALITY, TRANSFER, json!({ "to_account": 6, "quantity": 1 }))
            .invalid(Some("batch_id"), "name the batch"),
    ]
}

fn shapes() -> Vec<Bad> {
    let mut no_name = project_details("x");
    no_name.as_object_mut().expect("an object").remove("name");
    let mut typed = project_details("Typed wrongly");
    typed["area_rai"] = json!("forty");
    let mut oversized = report("2026-01-01", "2026-06-30", 5);
    oversized["calculation"] = json!("x".repeat(600 * 1024));
    let mut calculation = report("2026-01-01", "2026-06-30", 5);
    calculation["calculation"] = json!("x".repeat(300 * 1024));
    let organisation = |name: String| json!({ "name": name, "role": "citizen" });
    vec![
        post("missing to_account", MUNICIPALITY, TRANSFER, json!({ "batch_id": 1, "quantity": 1 }))
            .invalid(Some("to_account"), "missing field"),
        post("missing project name", MUNICIPALITY, PROJECTS, no_name).invalid(Some("name"), "missing field"),
        post("area as text", MUNICIPALITY, PROJECTS, typed).invalid(Some("area_rai"), "forty"),
        post("account as text", MUNICIPALITY, TRANSFER, json!({ "to_account": "six", "batch_id": 1, "quantity": 1 }))
            .invalid(Some("to_account"), "six"),
        post("role king", OPERATOR, ORGANISATIONS, json!({ "name": "Palace", "role": "king" }))
            .invalid(Some("role"), "unknown variant `king`"),
        post("decision maybe", VERIFIER, "/api/v1/projects/3/review", json!({ "decision": "maybe" }))
            .invalid(Some("decision"), "unknown variant `maybe`"),
        post("malformed JSON", OPERATOR, ORGANISATIONS, Value::Null).raw(r#"{"name": "Palace", "role": "#.into()).is(
            StatusCode::BAD_REQUEST,
            "malformed",
            None,
            "not valid JSON",
        ),
        post("JSON sent as text", OPERATOR, ORGANISATIONS, organisation("Texters".into()))
            .header("content-type", "text/plain")
            .is(StatusCode::UNSUPPORTED_MEDIA_TYPE, "malformed", None, "Content-Type: application/json"),
        post("a body over 512 KiB", MUNICIPALITY, REPORTS, oversized).is(TOO_LARGE, "too_large", None, "too large"),
        post("calculation over 256 KiB", MUNICIPALITY, REPORTS, calculation)
            .invalid(Some("calculation"), "at most 262144 bytes"),
        post("name of 201 letters", OPERATOR, ORGANISATIONS, organisation("ก".repeat(201)))
            .invalid(Some("name"), "at most 200 characters"),
        post("empty reason", OPERATOR, LOSSES, json!({ "quantity": 1, "reason": "  " }))
            .invalid(Some("reason"), "must not be empty"),
        post("request changes without a note", VERIFIER, "/api/v1/projects/3/review", {
            json!({ "decision": "request_changes" })
        })
        .invalid(Some("note"), "must not be empty"),
        post("bad idempotency key", MUNICIPALITY, TRANSFER, transfer(json!(1)))
            .header("Idempotency-Key", "has space")
            .invalid(Some("Idempotency-Key"), "printable ASCII"),
    ]
}

fn serials() -> Vec<Bad> {
    let by_serial = |serial: &str| json!({ "to_account": 6, "serial": serial });
    vec![
        get("unknown serial", "/api/v1/serials/TH-RYG-0009-2025-0009-1-5").missing("serial", "no credits carry"),
        get("serial beyond the batch", "/api/v1/serials/TH-RYG-0001-2025-0001-4447-4448")
            .missing("serial", "no credits carry"),
        get("malformed serial", "/api/v1/serials/abc").invalid(Some("serial"), "starts with TH-RYG-"),
        post("transfer of an unknown serial", MUNICIPALITY, TRANSFER, by_serial("TH-RYG-0009-2025-0009-1-5"))
            .missing("serial", "no credits carry"),
        post("transfer of units past the batch", MUNICIPALITY, TRANSFER, by_serial("TH-RYG-0001-2025-0001-4000-4800"))
            .missing("serial", "units 1 to 4447"),
        post("transfer of another's units", MUNICIPALITY, TRANSFER, by_serial("TH-RYG-0001-2025-0001-1-5")).conflict(
            "insufficient",
            Some("serial"),
            "TH-RYG-0001-2025-0001-1-600 are not active in account 4",
        ),
        post("transfer of a malformed serial", MUNICIPALITY, TRANSFER, by_serial("TH-RYG-1"))
            .invalid(Some("serial"), "has the form"),
        post("serial of another batch than batch_id", MUNICIPALITY, TRANSFER, {
            json!({ "to_account": 6, "batch_id": 2, "serial": "TH-RYG-0001-2025-0001-3000-3004" })
        })
        .invalid(Some("batch_id"), "the serial names batch 1, not batch 2"),
    ]
}

fn unknown_ids() -> Vec<Bad> {
    let mut classless = project_details("Classless");
    classless["class"] = json!(99);
    vec![
        get("unknown project", "/api/v1/projects/999").not_found("no project 999"),
        get("project id not a number", "/api/v1/projects/abc").not_found("Cannot parse `abc`"),
        get("unknown batch", "/api/v1/batches/99").not_found("no batch 99"),
        get("unknown retirement", "/api/v1/retirements/99").not_found("no retirement 99"),
        get("proof of no retirement", "/api/v1/retirements/99/proof").not_found("no retirement 99"),
        get("unknown endpoint", "/api/v1/nowhere").not_found("there is no endpoint /api/v1/nowhere"),
        bad("read an unknown account", OPERATOR, Method::GET, "/api/v1/accounts/999").not_found("no account 999"),
        post("submit an unknown project", MUNICIPALITY, "/api/v1/projects/999/submit", Value::Null)
            .not_found("no project 999"),
        post("review an unknown report", VERIFIER, "/api/v1/reports/999/review", json!({ "decision": "reject" }))
            .not_found("no report 999"),
        post("issue an unknown report", OPERATOR, "/api/v1/reports/999/issue", Value::Null).not_found("no report 999"),
        post("release an unknown hold", OLEFINS, "/api/v1/holds/999/release", Value::Null)
            .not_found("no open hold 999"),
        post("draft in an unknown class", MUNICIPALITY, PROJECTS, classless).missing("class", "no credit class 99"),
    ]
}

fn accounts_and_batches() -> Vec<Bad> {
    vec![
        post("transfer from an unknown account", MUNICIPALITY, "/api/v1/accounts/999/transfers", transfer(json!(1)))
            .not_found("no account 999"),
        post("transfer to an unknown account", MUNICIPALITY, TRANSFER, to(999)).missing("to_account", "no account 999"),
        post("transfer to oneself", MUNICIPALITY, TRANSFER, to(4)).invalid(Some("to_account"), "the same"),
        post("transfer into the buffer pool", MUNICIPALITY, TRANSFER, to(2))
            .invalid(Some("to_account"), "only by issuance"),
        post(
            "transfer of an unknown batch",
            MUNICIPALITY,
            TRANSFER,
            json!({ "to_account": 6, "batch_id": 99,
            "quantity": 1 }),
        )
        .missing("batch_id", "no batch 99"),
    ]
}

fn proofs_and_queries() -> Vec<Bad> {
    let consistency = |first: &str, second: &str| format!("/api/v1/proofs/consistency?first={first}&second={second}");
    vec![
        get("consistency backwards", &consistency("30", "3")).invalid(Some("first"), "1 <= first <= second"),
        get("consistency from size 0", &consistency("0", "3")).invalid(Some("first"), "1 <= first <= second"),
        get("consistency of a size never signed", &consistency("2", "100000"))
            .not_found("no tree head was signed at size 100000"),
        get("consistency of text", &consistency("x", "3")).bad_query("first: invalid digit"),
        get("unknown project status", "/api/v1/projects?status=king").bad_query("unknown variant `king`"),
        get("inclusion past the end", "/api/v1/proofs/inclusion/18446744073709551615")
            .not_found("no event 18446744073709551615"),
    ]
}

fn places_and_dates() -> Vec<Bad> {
    let mut rayong = project_details("Somewhere in Rayong");
    rayong["jurisdiction"] = json!("Rayong");
    let retire = |jurisdiction: &str, year: i32| {
        json!({ "batch_id": 1, "quantity": 1, "beneficiary": "Olefins", "reason": "Offset",
            "jurisdiction": jurisdiction, "inventory_year": year })
    };
    vec![
        post("jurisdiction Rayong", MUNICIPALITY, PROJECTS, rayong).invalid(Some("jurisdiction"), "TH-21"),
        post("retire in Rayong", OLEFINS, RETIREMENTS, retire("Rayong", 2026)).invalid(Some("jurisdiction"), "TH-21"),
        post("inventory year 1800", OLEFINS, RETIREMENTS, retire("TH-21", 1800))
            .invalid(Some("inventory_year"), "1990 to 2100"),
        post("February 30th", MUNICIPALITY, REPORTS, report("2025-02-30", "2025-03-31", 5))
            .invalid(Some("period_start"), "'2025-02-30' is not a day of the calendar"),
        post("a date in another format", MUNICIPALITY, REPORTS, report("01/07/2026", "2026-07-31", 5))
            .invalid(Some("period_start"), "YYYY-MM-DD"),
        post("period ending in the future", MUNICIPALITY, REPORTS, report("2026-07-01", "2099-12-31", 5))
            .invalid(Some("period_end"), "in the future"),
        post("period ending before it starts", MUNICIPALITY, REPORTS, report("2026-06-30", "2026-01-01", 5))
            .invalid(Some("period_end"), "before it starts"),
        post("period already monitored", MUNICIPALITY, REPORTS, report("2025-06-01", "2026-01-31", 5)).conflict(
            "conflict",
            Some("period_start"),
            "overlaps report 1",
        ),
    ]
}

fn user(username: &str, password: &str, org: u64) -> Value {
    json!({ "username": username, "password": password, "display_name": "A B", "org_id": org })
}

fn people() -> Vec<Bad> {
    let login = |username: &str, password: &str| json!({ "username": username, "password": password });
    vec![
        post("username too short", OPERATOR, USERS, user("ab", "long-enough", 8)).invalid(Some("username"), "3 to 64"),
        post("password too short", OPERATOR, USERS, user("short.pw", "short", 8)).invalid(Some("password"), "8 to 256"),
        post("username taken", OPERATOR, USERS, user("Somchai", "long-enough", 8)).conflict(
            "conflict",
            Some("username"),
            "'somchai' is taken",
        ),
        post("user of no organisation", OPERATOR, USERS, user("nobody", "long-enough", 99))
            .missing("org_id", "no organisation 99"),
        post("wrong password", ANONYMOUS, LOGIN, login("somchai", "rayong")).unauthenticated("or password is wrong"),
        post("unknown user", ANONYMOUS, LOGIN, login("nobody", "whatever1")).unauthenticated("or password is wrong"),
        post("huge password", ANONYMOUS, LOGIN, login("somchai", &"x".repeat(2_000)))
            .unauthenticated("or password is wrong"),
        post("no token", ANONYMOUS, TRANSFER, transfer(json!(1))).unauthenticated("sign in first"),
    ]
}

/// Sends one bad request and returns what was wrong with its answer, if anything.
async fn check(app: &TestApp, token: Option<&str>, case: &Bad) -> Option<String> {
    let context = format!("{}: {} ({} {})", app.db_name, case.what, case.method, case.path);
    let before = app.snapshot().await;
    let (status, answer) = app.send(case.method.clone(), &case.path, token, case.body.clone(), &case.headers).await;
    let after = app.snapshot().await;
    if before != after {
        return Some(format!("{context}: a refused request changed the state: {before:?} → {after:?}"));
    }
    let error = &answer["error"];
    let field = error["field"].as_str();
    let message = error["message"].as_str().unwrap_or_default();
    if status != case.status || error["code"] != case.code || field != case.field || !message.contains(case.says) {
        let expected = format!("{} {} field {:?} saying '{}'", case.status, case.code, case.field, case.says);
        return Some(format!("{context}:\n  expected {expected}\n  got      {status} {answer}"));
    }
    error_of(&context, &answer);
    None
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    for app in apps().await {
        let mut tokens = std::collections::BTreeMap::new();
        for who in [OPERATOR, VERIFIER, MUNICIPALITY, OLEFINS] {
            tokens.insert(who, app.login(who).await);
        }
        let mut failures = Vec::new();
        let cases = [
            quantities(),
            shapes(),
            serials(),
            unknown_ids(),
            accounts_and_batches(),
            proofs_and_queries(),
            places_and_dates(),
            people(),
        ]
        .into_iter()
        .flatten();
        for case in cases {
            let token = tokens.get(case.who).map(String::as_str);
            failures.extend(check(&app, token, &case).await);
        }
        assert!(failures.is_empty(), "{} bad requests went wrong:\n{}", failures.len(), failures.join("\n"));
    }
}

#[tokio::test]
async fn dead_or_unknown_sessions_are_401() {
    for app in apps().await {
        let token = app.login(SOMCHAI).await;
        let (status, me) = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("somchai")), "{me}");

        let user = app.store.db().user_by_username("somchai").await.expect("a query").expect("somchai");
        let expired = "0".repeat(64);
        let now = app.store.now_ms();
        let hash = mangrove_server::auth::token_hash(&expired);
        app.store.db().insert_session(&hash, user.id, now - 7_200_000, now - 3_600_000).await.expect("a session");

        let (status, answer) = app
            .post(
                &format!("/api/v1/accounts/{SOMCHAI_ACCOUNT}/holds"),
                Some(&token),
                &json!({
            "batch_id": 1, "quantity": 1 }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "a live session works: {answer}");
        let (status, answer) = app.send(Method::POST, "/api/v1/auth/logout", Some(&token), None, &[]).await;
        assert_eq!((status, answer), (StatusCode::NO_CONTENT, Value::Null));

        for (what, dead) in [("expired", expired.as_str()), ("unknown", "not-a-token"), ("logged out", &token)] {
            let before = app.snapshot().await;
            let (status, answer) = app.post("/api/v1/holds/1/release", Some(dead), &Value::Null).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{}: {what}: {answer}", app.db_name);
            let error = error_of(what, &answer);
            assert_eq!(error["code"], "unauthenticated", "{what}");
            assert!(error["message"].as_str().is_some_and(|m| m.contains("sign in again")), "{what}: {answer}");
            assert_eq!(app.snapshot().await, before, "{what}");
        }
    }
}

#[tokio::test]
async fn the_session_travels_as_a_bearer_token_or_a_cookie() {
    for app in apps().await {
        let token = app.login(SOMCHAI).await;
        let cookie = format!("mangrove_session={token}");
        let (status, me) = app.send(Method::GET, "/api/v1/me", None, None, &[("cookie", &cookie)]).await;
        assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("somchai")), "cookie: {me}");
        let bearer = format!("Bearer {token}");
        let (status, me) = app.send(Method::GET, "/api/v1/me", None, None, &[("authorization", &bearer)]).await;
        assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("somchai")), "Bearer: {me}");

        // The scheme is case-insensitive (RFC 9110 §11.1).
        let lower = format!("bearer {token}");
        let (status, me) = app.send(Method::GET, "/api/v1/me", None, None, &[("authorization", &lower)]).await;
        assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("somchai")), "bearer: {me}");
        let basic = "Basic c29tY2hhaTp4";
        let (status, answer) = app.send(Method::GET, "/api/v1/me", None, None, &[("authorization", basic)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "another scheme is no session: {answer}");
        assert_eq!(error_of("basic", &answer)["message"], "sign in first");
    }
}
