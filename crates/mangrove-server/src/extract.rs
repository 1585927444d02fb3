//! Extractors that answer bad requests in the API's JSON error shape:
//! malformed or oversized JSON, bad paths and query strings, and the
//! `Idempotency-Key` header.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// A JSON object as the body; errors name the field serde could not read,
/// by its path in the request (`quantity`, `location[2]`). Another JSON
/// value at the top (an array, which serde would read field by field into
/// a struct) is refused, and so is text holding a control character.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json =
            request.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(|value| {
                value.split(';').next().is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "malformed",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request body is too large")
            } else {
                ApiError::new(rejection.status(), "malformed", rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses a JSON object body, naming the field of the first error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|byte| !byte.is_ascii_whitespace()).is_some_and(|first| *first != b'{') {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the request body must be a JSON object ({...}), not an array or a single value",
        ));
    }
    if may_hold_control_character(bytes) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
            refuse_control_characters(&value, &mut String::new())?;
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed",
                format!("the request body is not valid JSON: {inner}"),
            );
        }
        let message = inner.to_string();
        let field = if path == "." { missing_field(&message) } else { Some(path.clone()) };
        let shown = match &field {
            Some(field) if !message.contains(&format!("`{field}`")) => format!("{field}: {message}"),
            _ => message,
        };
        let mut api_error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", shown);
        api_error.field = field;
        api_error
    })?;
    deserializer.end().map_err(|error| {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed", format!("the request body is not valid JSON: {error}"))
    })?;
    Ok(value)
}

/// Whether the raw body could hold, inside a string, a control character
/// other than a line break or tab: a `\u` escape, DEL, or a C1
/// character (`U+0080..=U+009F`, UTF-8 `C2 80..=C2 9F`). Raw C0 bytes in a
/// string are not JSON at all. A quick look that spares the usual body a
/// second parse; a true answer is checked on the parsed value.
fn may_hold_control_character(bytes: &[u8]) -> bool {
    bytes.contains(&0x7F) || bytes.windows(2).any(|pair| matches!(pair, [b'\\', b'u'] | [0xC2, 0x80..=0x9F]))
}

/// Refuses NUL and other control characters (line breaks and tabs aside)
/// in any string or key of the body, naming the field they are in: they
/// show as nothing, or break the line, wherever the text is displayed,
/// printed or exported, and no name, reference or note needs them.
fn refuse_control_characters(value: &serde_json::Value, path: &mut String) -> Result<(), ApiError> {
    let refused = holds_control_character;
    match value {
        serde_json::Value::String(text) if refused(text) => {
            let field = if path.is_empty() { ".".to_string() } else { path.clone() };
            Err(ApiError::invalid(
                &field,
                format!("{field}: the text holds a NUL or control character; remove it and send it again"),
            ))
        }
        serde_json::Value::Array(items) => items.iter().enumerate().try_for_each(|(index, item)| {
            let length = path.len();
            path.push_str(&format!("[{index}]"));
            let result = refuse_control_characters(item, path);
            path.truncate(length);
            result
        }),
        serde_json::Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
            let length = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let result = if refused(key) {
                Err(ApiError::invalid(path, "a field name holds a NUL or control character"))
            } else {
                refuse_control_characters(item, path)
            };
            path.truncate(length);
            result
        }),
        _ => Ok(()),
    }
}

/// NUL or another control character (C0, DEL, C1) but a line break or tab.
fn holds_control_character(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// serde names a missing field only in its message: "missing field `name`".
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    rest.find('`').map(|end| rest[..end].to_string())
}

/// Path parameters; a malformed one is a 404 naming what was expected.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(path_rejection(rejection)),
        }
    }
}

fn path_rejection(rejection: PathRejection) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no such resource: {}", rejection.body_text()))
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // Only a percent-escape can carry a control character into a query.
        if parts.uri.query().is_some_and(|query| query.contains('%')) {
            refuse_control_characters_in_query(parts, state).await?;
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
    }
}

async fn refuse_control_characters_in_query<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<(), ApiError> {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state).await;
    let Ok(axum::extract::Query(pairs)) = pairs else { return Ok(()) };
    match pairs.iter().find(|(name, value)| holds_control_character(name) || holds_control_character(value)) {
        Some((name, _)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            format!("{name}: the query holds a NUL or control character; remove it and ask again"),
        )
        .with_field(name.clone())),
        None => Ok(()),
    }
}

fn query_rejection(rejection: QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("the query string does not fit: {}", rejection.body_text()),
    )
}

/// The optional `Idempotency-Key` header.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(value) => value
                .to_str()
                .map(|key| IdempotencyKey(Some(key.to_string())))
                .map_err(|_| ApiError::invalid("Idempotency-Key", "the idempotency key must be printable ASCII")),
        }
    }
}
