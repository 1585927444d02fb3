//! Fail-stop and sharp edges over HTTP: `/healthz` and `/readyz`; every
//! GET route swept with extreme path and query values answers 2xx or 4xx,
//! never 5xx nor a dropped connection, and no handler panics; the body
//! limit, a refused method, a JSON array and control characters in text
//! are all answered in the `{"error": {...}}` shape and change nothing.

mod support;

use futures_util::stream::{self, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

/// Values no handler may panic on, in a path or a query string.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "1.5",
    "abc",
    "%00",
    "%E0%B8%81",
    "2026-13-45",
];

/// Query parameters the API reads on some route or other.
const QUERY_NAMES: &[&str] = &[
    "page",
    "per_page",
    "first",
    "second",
    "levels",
    "interval",
    "q",
    "status",
    "kind",
    "sector",
    "district",
    "org",
    "account",
    "project",
    "proponent",
    "beneficiary",
    "instrument",
    "inventory_year",
    "role",
    "mine",
    "gwp_set",
    "combustion",
];

/// Every route of the OpenAPI document taking `method`, with its `{placeholders}`.
async fn routes(app: &TestApp, method: &str) -> Vec<String> {
    let (status, document) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let paths = document["paths"].as_object().expect("the document has paths");
    let mut routes: Vec<String> =
        paths.iter().filter(|(_, item)| item.get(method).is_some()).map(|(path, _)| path.clone()).collect();
    routes.sort();
    routes
}

fn fill(template: &str, value: &str) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').expect("a closed placeholder") + start;
        path.push_str(&rest[..start]);
        path.push_str(value);
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    path
}

/// Sends a request (with an empty object as the body, unless a GET) and
/// checks the answer: 2xx or 4xx, and an error in the JSON shape. Returns a
/// line describing what was wrong, if anything.
async fn probe(client: &reqwest::Client, base: &str, (method, path): (Method, String), token: &str) -> Option<String> {
    let mut request = client.request(method.clone(), format!("{base}{path}")).bearer_auth(token);
    if method != Method::GET {
        request = request.json(&json!({}));
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => return Some(format!("{method} {path}: no answer: {error}")),
    };
    let status = response.status();
    if status.is_server_error() {
        return Some(format!("{method} {path}: {status}: {}", response.text().await.unwrap_or_default()));
    }
    if status.is_client_error() {
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if body["error"]["code"].as_str().is_none() {
            return Some(format!("{method} {path}: {status} not in the error shape: {body}"));
        }
    }
    None
}

/// Sends every request, a few at a time, and gathers what went wrong.
async fn sweep(app: &TestApp, requests: Vec<(Method, String)>, token: &str) {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap();
    let problems: Vec<String> = stream::iter(requests)
        .map(|request| probe(&client, &app.base, request, token))
        .buffer_unordered(8)
        .filter_map(|problem| async move { problem })
        .collect()
        .await;
    assert!(problems.is_empty(), "{} bad answers:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(app.store.fatal().reason(), None, "no handler panicked");
}

fn extreme_values() -> Vec<String> {
    let mut values: Vec<String> = EXTREMES.iter().map(|value| value.to_string()).collect();
    values.push("9".repeat(5_000));
    values
}

#[tokio::test]
async fn no_get_route_fails_on_an_extreme_path_or_query_value() {
    let app = sqlite_app().await;
    let token = app.login(OPERATOR).await;
    let values = extreme_values();
    let mut paths = Vec::new();
    let routes = routes(&app, "get").await;
    assert!(routes.len() >= 40, "the document lists the GET routes: {routes:?}");
    for route in routes {
        for value in &values {
            paths.push(fill(&route, value));
        }
        let base = fill(&route, "1");
        for name in QUERY_NAMES {
            for value in &values {
                paths.push(format!("{base}?{name}={value}"));
            }
        }
        paths.push(format!("{base}?first=18446744073709551615&second=18446744073709551615"));
        paths.push(format!("{base}?first=0&second=18446744073709551615&page=18446744073709551615&per_page=0"));
    }
    for value in &values {
        paths.push(format!("/api/v1/market/stream?instrument={value}"));
    }
    sweep(&app, paths.into_iter().map(|path| (Method::GET, path)).collect(), &token).await;
}

#[tokio::test]
async fn no_command_route_fails_on_an_extreme_path_value() {
    let app = sqlite_app().await;
    let token = app.login(OPERATOR).await;
    let mut requests = Vec::new();
    for (method, name) in [(Method::POST, "post"), (Method::PUT, "put")] {
        for route in routes(&app, name).await.into_iter().filter(|route| route.contains('{')) {
            for value in extreme_values().iter().filter(|value| *value != "1") {
                requests.push((method.clone(), fill(&route, value)));
            }
        }
    }
    assert!(requests.len() > 100, "the document lists the command routes");
    sweep(&app, requests, &token).await;
}

#[tokio::test]
async fn healthz_is_alive_and_readyz_ready_until_the_store_turns_fatal() {
    let app = sqlite_app().await;
    let (status, alive) = app.get("/healthz", None).await;
    assert_eq!((status, alive), (StatusCode::OK, json!({ "status": "alive" })));
    let (status, ready) = app.get("/readyz", None).await;
    assert_eq!((status, ready), (StatusCode::OK, json!({ "status": "ready" })));
    app.store.fatal().raise("a test stopped the writer");
    let (status, answer) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert_eq!(error_of("readyz", &answer)["code"], "unavailable");
}

/// A request the API must refuse in the error shape, with the field named.
struct Refused {
    what: &'static str,
    method: Method,
    path: &'static str,
    body: String,
    content_type: &'static str,
    status: StatusCode,
    code: &'static str,
    field: Option<&'static str>,
}

fn refused(what: &'static str, path: &'static str, body: String, status: StatusCode, code: &'static str) -> Refused {
    let (method, content_type, field) = (Method::POST, "application/json", None);
    Refused { what, method, path, body, content_type, status, code, field }
}

fn in_field(mut refused: Refused, field: &'static str) -> Refused {
    refused.field = Some(field);
    refused
}

fn refusals() -> Vec<Refused> {
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(mangrove_server::REQUEST_BODY_BYTES_MAX));
    let huge_csv = "a,b\n".repeat(mangrove_server::routes::measure::IMPORT_BODY_BYTES_MAX / 4 + 1);
    let draft = |name: &str| project_details(name).to_string();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let draft_as_array = json!([1, "Mangrove", "", "TH-21", outline(), 40, null]).to_string();
    vec![
        refused("a body past the limit", "/api/v1/organisations", huge, StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        Refused {
            content_type: "text/csv",
            method: Method::PUT,
            ..refused(
                "a file past the import limit",
                "/api/v1/factories/5/years/2025",
                huge_csv,
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
            )
        },
        Refused {
            method: Method::DELETE,
            ..refused(
                "a method the endpoint does not take",
                "/api/v1/stats",
                String::new(),
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            )
        },
        // serde would read this array into the project's fields, in order.
        refused("a JSON array for an object", "/api/v1/projects", draft_as_array, unprocessable, "invalid"),
        refused("a number for an object", "/api/v1/projects", "42".into(), unprocessable, "invalid"),
        in_field(
            refused("a NUL in a name", "/api/v1/projects", draft("Mangrove\u{0} Rayong"), unprocessable, "invalid"),
            "name",
        ),
        in_field(
            refused("an escape in a name", "/api/v1/projects", draft("Mangrove\u{1b}[2J"), unprocessable, "invalid"),
            "name",
        ),
        in_field(
            refused("a C1 control in a name", "/api/v1/projects", draft("Mangrove\u{85}"), unprocessable, "invalid"),
            "name",
        ),
        in_field(
            refused("DEL in a name", "/api/v1/projects", draft("Mangrove\u{7f}"), unprocessable, "invalid"),
            "name",
        ),
    ]
}

#[tokio::test]
async fn sharp_edges_are_refused_in_the_error_shape_and_change_nothing() {
    for app in apps().await {
        // A proponent, who may draft projects: only the body's shape is wrong.
        let token = app.login(MUNICIPALITY).await;
        let before = app.snapshot().await;
        for case in refusals() {
            let what = format!("{}: {}", app.db_name, case.what);
            let headers = [("content-type", case.content_type)];
            let body = (!case.body.is_empty()).then_some(case.body);
            let (status, answer) = app.send(case.method, case.path, Some(&token), body, &headers).await;
            assert_eq!(status, case.status, "{what}: {answer}");
            let error = error_of(&what, &answer);
            assert_eq!(error["code"], case.code, "{what}: {answer}");
            assert!(error["message"].as_str().is_some_and(|message| !message.is_empty()), "{what}: {answer}");
            if let Some(field) = case.field {
                assert_eq!(error["field"], field, "{what}: {answer}");
            }
        }
        assert_eq!(app.snapshot().await, before, "{}: a refused request changed nothing", app.db_name);
        assert_eq!(app.store.fatal().reason(), None);
    }
}

#[tokio::test]
async fn a_control_character_in_a_query_is_refused_naming_the_parameter() {
    let app = sqlite_app().await;
    for (path, field) in [("/api/v1/projects?q=mangrove%00", "q"), ("/api/v1/organisations?q=%1B%5B2J", "q")] {
        let (status, answer) = app.get(path, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        assert_eq!(error_of(path, &answer)["field"], field, "{path}: {answer}");
    }
    let (status, answer) = app.get("/api/v1/projects?q=%E0%B8%9B%E0%B9%88%E0%B8%B2", None).await;
    assert_eq!(status, StatusCode::OK, "Thai in a query is text like any other: {answer}");
}

#[tokio::test]
async fn line_breaks_tabs_and_thai_text_are_still_accepted() {
    let app = sqlite_app().await;
    let token = app.login(MUNICIPALITY).await;
    let mut details = project_details("ป่าชายเลน Rayong");
    details["description"] = json!("First line\nsecond line\twith a tab");
    let (status, answer) = app.post("/api/v1/projects", Some(&token), &details).await;
    assert!(status.is_success(), "{answer}");
}
