//! Sign-in, sign-out, the current user, and the operator's user management.

use crate::auth::{self, CurrentUser, SESSION_COOKIE, SESSION_TTL_MS};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::guard::ClientAddress;
use crate::AppState;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mangrove_core::OrgId;
use mangrove_registry::Role;
use mangrove_store::UserRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    #[schema(value_type = Object)]
    pub user: UserView,
}

/// A user as others see them, with the organisation's name and account.
#[derive(Serialize, Clone, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub account_id: Option<u64>,
    pub role: String,
}

async fn view(state: &AppState, user: &UserRecord) -> UserView {
    let ledger = state.store.ledger().read().await;
    let org = ledger.app.registry.organisation(OrgId(u64::try_from(user.org_id).unwrap_or_default()));
    UserView {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        org_id: user.org_id,
        org_name: org.map(|org| org.name.clone()).unwrap_or_default(),
        account_id: org.map(|org| org.account.get()),
        role: user.role.clone(),
    }
}

/// Over HTTPS the session cookie is never sent in the clear.
fn secure_flag(state: &AppState) -> &'static str {
    if state.guard.options.https() {
        "; Secure"
    } else {
        ""
    }
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "people", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(request): Json<LoginRequest>,
) -> ApiResult<Response> {
    let wrong = || ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "the username or password is wrong");
    let username = request.username.trim().to_lowercase();
    // Counted before any hash is computed: a guess costs the guesser, not the server.
    if let Err(throttled) = state.guard.count_login(&username, address) {
        return Ok(throttled);
    }
    if request.password.len() > auth::PASSWORD_CHARS_MAX * 4 {
        return Err(wrong());
    }
    let user = state.store.db().user_by_username(&username).await.map_err(ApiError::internal)?;
    let Some(user) = user else {
        let password = request.password;
        tokio::task::spawn_blocking(move || auth::verify_nobody(&password)).await.map_err(ApiError::internal)?;
        return Err(wrong());
    };
    let (hash, password) = (user.password_hash.clone(), request.password);
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &password))
        .await
        .map_err(ApiError::internal)?;
    if !matches {
        return Err(wrong());
    }
    let token = auth::new_token();
    let now_ms = state.store.now_ms();
    state
        .store
        .db()
        .insert_session(&auth::token_hash(&token), user.id, now_ms, now_ms + SESSION_TTL_MS)
        .await
        .map_err(ApiError::internal)?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        SESSION_TTL_MS / 1000,
        secure_flag(&state)
    );
    let body = LoginResponse { token, user: view(&state, &user).await };
    Ok(([(SET_COOKIE, cookie)], axum::Json(body)).into_response())
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "people", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    state.store.db().delete_session(&user.token_hash).await.map_err(ApiError::internal)?;
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}", secure_flag(&state));
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

#[utoipa::path(get, path = "/api/v1/me", tag = "people", responses((status = 200, body = Object), (status = 401)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<UserView>> {
    Ok(axum::Json(view(&state, &user.user).await))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub org_id: u64,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "people", request_body = NewUser,
    responses((status = 201, body = Object), (status = 403), (status = 409), (status = 422)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewUser>,
) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    user.require(&[Role::Operator])?;
    let created =
        auth::create_user(&state, &request.username, &request.password, &request.display_name, OrgId(request.org_id))
            .await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, &created).await)))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "people", responses((status = 200, body = Object), (status = 403)))]
pub async fn list_users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Vec<UserView>>> {
    user.require(&[Role::Operator])?;
    let users = state.store.db().users().await.map_err(ApiError::internal)?;
    let mut views = Vec::with_capacity(users.len());
    for user in &users {
        views.push(view(&state, user).await);
    }
    Ok(axum::Json(views))
}
