//! Extractors that answer bad requests in the API's JSON error shape:
//! malformed or oversized JSON, bad paths and query strings, and the
//! `Idempotency-Key` header.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body; errors name the field serde could not read.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let (code, message) = match &rejection {
        JsonRejection::JsonDataError(error) => ("invalid", format!("the request body does not fit: {}", inner(error))),
        JsonRejection::JsonSyntaxError(error) => {
            ("malformed", format!("the request body is not valid JSON: {}", inner(error)))
        }
        JsonRejection::MissingJsonContentType(_) => {
            ("malformed", "send the body as JSON with Content-Type: application/json".into())
        }
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is too large".into()),
        other => ("malformed", other.body_text()),
    };
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY { StatusCode::UNPROCESSABLE_ENTITY } else { status };
    let mut error = ApiError::new(status, code, message);
    if let JsonRejection::JsonDataError(data) = &rejection {
        error.field = field_of(&inner(data));
    }
    error
}

/// serde's innermost message, without axum's prefix.
fn inner(error: &dyn std::error::Error) -> String {
    let mut source: &dyn std::error::Error = error;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// serde_path_to_error is not in use, so take the field from serde's message
/// ("missing field `name`", "unknown variant ... for `role`" is not named).
fn field_of(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    message.starts_with("missing field").then(|| message[start..end].to_string())
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
