//! The OpenAPI 3 document: the paths of the routes the server serves
//! (`crate::documented_paths`, from the handlers' annotations), with the
//! information, shared schemas and tags written here.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mangrove", description = "Rayong's carbon-credit registry: projects, issuance, transfers, retirements and proofs."),
    components(schemas(
        crate::error::ErrorBody, crate::error::ErrorDetail, crate::error::LineProblem,
        mangrove_registry::ProjectStatus, mangrove_registry::ReportStatus, mangrove_app::AppEvent,
    )),
    tags(
        (name = "public", description = "Read without signing in"),
        (name = "registry", description = "Commands that change the registry"),
        (name = "people", description = "Sign-in and users"),
        (name = "measure", description = "Factories, inventories and the province dashboard"),
        (name = "market", description = "The exchange: instruments, orders, trades, auctions and cash"),
        (name = "world", description = "The virtual Rayong: places, appearances and moderation (presence is the WebSocket at /api/v1/world/ws)"),
        (name = "health", description = "Liveness and readiness, at the root rather than under /api/v1"),
    )
)]
pub struct ApiDoc;

pub async fn document() -> axum::Json<serde_json::Value> {
    axum::Json(document_json().clone())
}

/// Reads that look at who asks: a stale session is 401, another's data 403.
const READS_FOR_MEMBERS: &[&str] = &[
    "/api/v1/me",
    "/api/v1/users",
    "/api/v1/organisations/{id}/users",
    "/api/v1/orders",
    "/api/v1/cash",
    "/api/v1/accounts/{id}",
    "/api/v1/trades",
    "/api/v1/auctions",
    "/api/v1/auctions/{id}",
    "/api/v1/factories/{org}/inventories/{year}",
    "/api/v1/factories/{org}/inventories/{year}/report.csv",
    "/api/v1/factories/{org}/progress",
    "/api/v1/reductions",
    "/api/v1/reductions/{id}",
];

/// The document as served: the annotations, with every error answer the
/// server can give added to each operation (see `error_statuses`).
pub fn document_json() -> &'static serde_json::Value {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut api = ApiDoc::openapi();
        api.merge(crate::documented_paths());
        let mut document = serde_json::to_value(api).expect("the OpenAPI document is plain JSON");
        add_error_responses(&mut document);
        document
    })
}

/// The error answers an operation can give, from what every route shares:
/// extractors refuse a malformed query (400) or path value (404), a body
/// that is malformed (400), too large (413), not JSON (415) or invalid (422);
/// commands are refused without a session (401), for the role or from
/// another site (403), when they clash with the state (409), or while the
/// writer is unavailable (503); sign-in is throttled (429); anything
/// unforeseen is 500. Writing them once here keeps the annotations to what
/// is particular to each route.
fn error_statuses(path: &str, method: &str) -> Vec<(&'static str, &'static str)> {
    let mut statuses = vec![
        ("400", "A malformed query or body"),
        ("422", "A value is out of range or invalid"),
        ("500", "An internal error, logged"),
    ];
    if path.contains('{') {
        statuses.push(("404", "No such resource"));
    }
    if method == "get" {
        if READS_FOR_MEMBERS.contains(&path) {
            statuses.push(("401", "The session has ended"));
            statuses.push(("403", "Not yours to see"));
        }
    } else {
        statuses.extend([
            ("401", "Sign in first"),
            ("403", "Not allowed for this role, or not sent from the app"),
            ("404", "No such resource"),
            ("409", "Refused by the current state"),
            ("413", "The request body is too large"),
            ("415", "The body is not JSON"),
            ("503", "The registry is unavailable; try again shortly"),
        ]);
        if path == "/api/v1/auth/login" {
            statuses.push(("429", "Too many sign-in attempts; wait as Retry-After says"));
        }
    }
    statuses
}

fn add_error_responses(document: &mut serde_json::Value) {
    let Some(paths) = document.get_mut("paths").and_then(|paths| paths.as_object_mut()) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut() {
            let Some(responses) = operation.get_mut("responses").and_then(|r| r.as_object_mut()) else { continue };
            let shape =
                serde_json::json!({ "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } });
            for (status, description) in error_statuses(path, method) {
                responses.entry(status).or_insert_with(|| serde_json::json!({ "description": description }));
            }
            // Every error, listed here or in the annotation, is answered in the one error shape.
            for (status, response) in responses.iter_mut() {
                if status.starts_with('4') || status.starts_with('5') {
                    if let Some(response) = response.as_object_mut() {
                        response.entry("content").or_insert_with(|| shape.clone());
                    }
                }
            }
        }
    }
}
