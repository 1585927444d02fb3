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

/// A JSON body; errors name the field serde could not read, by its path
/// in the request (`quantity`, `location[2]`).
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

/// Parses a JSON body, naming the field of the first error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
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
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
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
