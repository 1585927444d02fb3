//! The web client, embedded in the binary from `web/dist` (a release build
//! carries the files; a debug build reads them from disk). Unknown paths
//! outside `/api` get `index.html`, so the client's own routes work on
//! reload. Before the client is built, `/` says how to build it.

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist"]
#[exclude = ".gitignore"]
struct Assets;

pub async fn asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(response) = file(path) {
        return response;
    }
    if path.starts_with("api/") || path.starts_with("assets/") {
        return crate::error::ApiError::not_found(format!("there is nothing at /{path}")).into_response();
    }
    file("index.html").unwrap_or_else(not_built)
}

fn file(path: &str) -> Option<Response> {
    let path = if path.is_empty() { "index.html" } else { path };
    let file = Assets::get(path)?;
    // Vite names built assets by content hash, so they never change.
    let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let headers =
        [(header::CONTENT_TYPE, file.metadata.mimetype().to_string()), (header::CACHE_CONTROL, cache.to_string())];
    Some((headers, file.data.into_owned()).into_response())
}

fn not_built() -> Response {
    let page = "<!doctype html><meta charset=utf-8><title>Mangrove</title>\
        <h1>Mangrove</h1><p>The web client is not built into this binary. Run <code>cargo xtask demo</code>, \
        or build it with <code>npm run build</code> in <code>web/</code>.</p>\
        <p>API: <a href=/api/openapi.json>/api/openapi.json</a></p>";
    (StatusCode::OK, Html(page)).into_response()
}
