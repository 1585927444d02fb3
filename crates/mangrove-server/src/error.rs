//! One error type for the whole API. Every error is JSON of the form
//! `{"error": {"code", "message", "field"}}`; internal errors are logged
//! and shown to the client only as "internal".

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mangrove_core::{DomainError, ErrorKind};
use mangrove_store::{StoreError, SubmitError};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// For a file: every line that is wrong.
    pub lines: Vec<LineProblem>,
}

/// One wrong line of an imported file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LineProblem {
    pub line: u64,
    pub column: Option<String>,
    /// A stable code, e.g. `unknown_activity`.
    pub problem: String,
    pub message: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `insufficient`.
    pub code: &'static str,
    /// A sentence a person can act on (English; the web client translates by code).
    pub message: String,
    /// The request field the error is about, if any.
    pub field: Option<String>,
    /// For an imported file, every wrong line; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineProblem>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), field: None, lines: Vec::new() }
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message).with_field(field)
    }
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; it has been logged")
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        let status = match error.kind {
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Conflict | ErrorKind::Insufficient => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        let field = error.field.and_then(api_field);
        ApiError { status, code: error.kind.code(), message: error.message, field, lines: Vec::new() }
    }
}

/// The request field a registry field is called in the API. Ids that the
/// API takes in the path (the project, report, sending account, hold) are
/// named by no body field, so a form shows those errors at its top.
fn api_field(registry_field: &str) -> Option<String> {
    let field = match registry_field {
        "to" => "to_account",
        "batch" => "batch_id",
        "from" | "account" | "project" | "report" | "hold" => return None,
        other => other,
    };
    Some(field.to_string())
}

impl From<SubmitError> for ApiError {
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::Rejected(error) => error.into(),
            SubmitError::Unavailable(why) => {
                tracing::error!(%why, "sequencer unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the registry is unavailable; try again shortly",
                )
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(message) => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            other => Self::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = ErrorDetail { code: self.code, message: self.message, field: self.field, lines: self.lines };
        let body = ErrorBody { error: detail };
        (self.status, axum::Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The most of a framework error's plain-text body kept as its message.
const FRAMEWORK_ERROR_BYTES_MAX: usize = 4 * 1024;

/// Puts the errors the framework answers by itself (405, 413 from a body
/// limit, a plain-text rejection) into the JSON error shape, so a client
/// reads every error the same way. Headers such as `Allow` are kept.
pub async fn json_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, FRAMEWORK_ERROR_BYTES_MAX).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is too large".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this endpoint does not take that method".to_string()),
        StatusCode::NOT_FOUND => ("not_found", "there is nothing at this address".to_string()),
        status if status.is_server_error() => {
            ("internal", "something went wrong on our side; it has been logged".into())
        }
        _ if !text.is_empty() => ("malformed", text),
        status => ("malformed", status.canonical_reason().unwrap_or("the request was refused").to_string()),
    };
    parts.headers.remove(axum::http::header::CONTENT_TYPE);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let answer = ApiError::new(status, code, message).into_response();
    let (answer_parts, answer_body) = answer.into_parts();
    parts.headers.extend(answer_parts.headers);
    Response::from_parts(parts, answer_body)
}
