//! The OpenAPI document says what the server answers: every `$ref` names a
//! schema the document holds, every operation lists the error answers it
//! can give in the error shape, and what the running server answers to
//! requests without a session, with a stale one, or with wrong ids is
//! among the statuses documented for that operation.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::*;

fn served_document() -> &'static Value {
    mangrove_server::openapi::document_json()
}

fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => found.push(target.clone()),
                    _ => refs(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
        _ => {}
    }
}

/// Every (path, method, operation) of the document.
fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            found.push((path.clone(), method.clone(), operation));
        }
    }
    found
}

#[test]
fn every_schema_reference_resolves() {
    let document = served_document();
    let mut found = Vec::new();
    refs(document, &mut found);
    assert!(!found.is_empty(), "the document refers to its schemas");
    let unresolved: Vec<&String> = found
        .iter()
        .filter(|target| {
            let name = target.strip_prefix("#/components/schemas/");
            name.is_none_or(|name| document["components"]["schemas"].get(name).is_none())
        })
        .collect();
    assert!(unresolved.is_empty(), "unresolved references: {unresolved:?}");
}

/// Where a schema says no more than "an object" or "anything": the places
/// the document leaves a body undescribed.
fn undescribed(schema: &Value, at: &str, found: &mut Vec<String>) {
    let Value::Object(map) = schema else { return };
    let bare_object = map.get("type") == Some(&Value::from("object"))
        && !["properties", "additionalProperties", "allOf", "oneOf", "anyOf"].iter().any(|key| map.contains_key(*key));
    let anything = map.is_empty()
        || (map.keys().all(|key| key == "description" || key == "default" || key == "example")
            && !map.contains_key("$ref"));
    if bare_object || anything {
        found.push(at.to_string());
    }
    for (key, value) in map {
        match value {
            Value::Object(_) => undescribed(value, &format!("{at}.{key}"), found),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    undescribed(item, &format!("{at}.{key}[{index}]"), found);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_request_and_response_body_is_described() {
    let document = served_document();
    let mut found = Vec::new();
    for (path, method, operation) in operations(document) {
        let bodies =
            operation["responses"].as_object().into_iter().flatten().map(|(status, answer)| (status.clone(), answer));
        let request = operation.get("requestBody").map(|body| ("request".to_string(), body));
        for (status, answer) in bodies.chain(request) {
            for (media, content) in answer["content"].as_object().into_iter().flatten() {
                if media == "application/json" {
                    undescribed(&content["schema"], &format!("{method} {path} {status}"), &mut found);
                }
            }
        }
    }
    for (name, schema) in document["components"]["schemas"].as_object().expect("schemas") {
        undescribed(schema, &format!("schema {name}"), &mut found);
    }
    assert!(found.is_empty(), "{} undescribed bodies or fields:\n{}", found.len(), found.join("\n"));
}

/// The copy the web client's types are generated from is the document the
/// server serves. `MANGROVE_BLESS=1` rewrites it (then run `npm run api:types`
/// in `web/`).
#[test]
fn the_web_clients_copy_of_the_document_is_fresh() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/api/openapi.json");
    let served = serde_json::to_string_pretty(served_document()).expect("the document serialises") + "\n";
    if std::env::var("MANGROVE_BLESS").is_ok_and(|value| value == "1") {
        std::fs::write(&path, &served).expect("the copy is written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == served,
        "web/src/api/openapi.json is stale: run `MANGROVE_BLESS=1 cargo test -p mangrove-server --test openapi_document` \
         and then `npm run api:types` in web/"
    );
}

#[test]
fn every_operation_documents_its_error_answers_in_the_error_shape() {
    let document = served_document();
    let operations = operations(document);
    assert!(operations.len() > 70, "the document lists every route: {}", operations.len());
    for (path, method, operation) in operations {
        let responses = operation["responses"].as_object().expect("responses");
        let mut required = vec!["400", "500"];
        if method != "get" {
            required.extend(["401", "403", "409", "413", "415", "422", "503"]);
        }
        if path.contains('{') {
            required.push("404");
        }
        for status in required {
            let response = responses.get(status).unwrap_or_else(|| panic!("{method} {path} does not list {status}"));
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
        }
    }
}

fn documented(operation: &Value, status: StatusCode) -> bool {
    let responses = operation["responses"].as_object().expect("responses");
    responses.contains_key(status.as_str()) || responses.contains_key("default")
}

/// Each read answers, without a session, with a stale session, and with an
/// id that is not there or not a number, only with a documented status.
#[tokio::test]
async fn what_the_server_answers_reads_is_documented() {
    let app = sqlite_app().await;
    let stale = "0".repeat(64);
    let mut undocumented = Vec::new();
    for (path, method, operation) in operations(served_document()) {
        if method != "get" {
            continue;
        }
        let mut concrete = vec![path.clone()];
        if path.contains('{') {
            concrete = ["1", "999999", "not-a-number"]
                .iter()
                .map(|id| {
                    let mut filled = String::new();
                    let mut rest = path.as_str();
                    while let Some(open) = rest.find('{') {
                        let close = rest[open..].find('}').map_or(rest.len(), |close| open + close + 1);
                        filled.push_str(&rest[..open]);
                        filled.push_str(if rest[open..close].contains("year") && *id == "1" { "2024" } else { id });
                        rest = &rest[close..];
                    }
                    filled + rest
                })
                .collect();
        }
        for url in concrete {
            for token in [None, Some(stale.as_str())] {
                let (status, _) = raw_get(&app, &url, token).await;
                if !documented(operation, status) {
                    undocumented
                        .push(format!("GET {url} ({}) answered {status}", token.map_or("no session", |_| "stale")));
                }
            }
        }
    }
    assert!(undocumented.is_empty(), "{undocumented:#?}");
}

/// A GET that may answer CSV or JSON; only the status matters here.
async fn raw_get(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, String) {
    let client = reqwest::Client::new();
    let mut request = client.request(Method::GET, format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// Every command refuses a request without a session with 401, and the
/// document says so; the same request with an empty object from the
/// operator gets a documented answer too.
#[tokio::test]
async fn what_the_server_answers_commands_is_documented() {
    let app = sqlite_app().await;
    let operator = app.login(OPERATOR).await;
    let mut undocumented = Vec::new();
    for (path, method, operation) in operations(served_document()) {
        let method = match method.as_str() {
            "post" => Method::POST,
            "put" => Method::PUT,
            _ => continue,
        };
        let url = path.replace("{id}", "999999").replace("{org}", "999999").replace("{year}", "2024");
        for token in [None, Some(operator.as_str())] {
            if url.ends_with("/auth/logout") && token.is_some() {
                continue; // would end the operator's session for the rest of the sweep
            }
            let (status, _) = app.send(method.clone(), &url, token, Some("{}".into()), &[]).await;
            if !documented(operation, status) {
                undocumented.push(format!("{method} {url} answered {status}"));
            }
        }
    }
    assert!(undocumented.is_empty(), "{undocumented:#?}");
}
