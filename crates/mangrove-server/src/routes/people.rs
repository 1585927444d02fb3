//! Sign-in, sign-out, the current user, and the operator's user management.

use crate::auth::{self, CurrentUser, SESSION_COOKIE, SESSION_TTL_MS};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::extract::{IdempotencyKey, Path};
use crate::guard::ClientAddress;
use crate::AppState;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mangrove_core::{OrgId, UserId};
use mangrove_registry::{Actor, Role};
use mangrove_store::UserRecord;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub user: UserView,
}

/// A user as others see them, with the organisation's name and account.
#[derive(Serialize, Clone, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The organisation the login is a member of; none for a person.
    pub org_id: Option<i64>,
    pub org_name: String,
    pub account_id: Option<u64>,
    pub role: String,
    /// `active`, `disabled`, or `pending` (its creation not yet on the record).
    pub status: String,
    pub created_at_ms: i64,
    /// Who let this login in, as the journal records it; absent for logins
    /// made before creations were journaled.
    pub created_by: Option<ActorView>,
    /// Who disabled it, when and why.
    pub disabled_by: Option<ActorView>,
    pub disabled_reason: Option<String>,
}

/// Who acted, as the journal records it: the deployment itself, or a login
/// of an organisation (an operator's staff, a colleague).
#[derive(Serialize, Clone, ToSchema)]
pub struct ActorView {
    /// True when the deployment acted (the demo, the first logins).
    pub system: bool,
    pub user_id: Option<u64>,
    pub username: Option<String>,
    pub org_id: Option<u64>,
    pub org_name: Option<String>,
}

fn actor_view(registry: &mangrove_registry::Registry, usernames: &BTreeMap<i64, String>, actor: &Actor) -> ActorView {
    match actor {
        Actor::System => ActorView { system: true, user_id: None, username: None, org_id: None, org_name: None },
        Actor::Member { user, org, .. } => ActorView {
            system: false,
            user_id: Some(user.get()),
            username: i64::try_from(user.get()).ok().and_then(|id| usernames.get(&id).cloned()),
            org_id: Some(org.get()),
            org_name: registry.organisation(*org).map(|org| org.name.clone()),
        },
        Actor::Person { user } => ActorView {
            system: false,
            user_id: Some(user.get()),
            username: i64::try_from(user.get()).ok().and_then(|id| usernames.get(&id).cloned()),
            org_id: None,
            org_name: None,
        },
    }
}

async fn all_users(state: &AppState) -> ApiResult<Vec<UserRecord>> {
    state.store.db().users().await.map_err(ApiError::internal)
}

async fn views(state: &AppState, users: &[UserRecord]) -> ApiResult<Vec<UserView>> {
    let usernames: BTreeMap<i64, String> =
        all_users(state).await?.into_iter().map(|user| (user.id, user.username)).collect();
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let view = |user: &UserRecord| {
        let org = user.org_id.and_then(|org| registry.organisation(OrgId(u64::try_from(org).unwrap_or_default())));
        let person = u64::try_from(user.id).ok().and_then(|id| registry.person(UserId(id)));
        let login = u64::try_from(user.id).ok().and_then(|id| registry.login(UserId(id)));
        let disabled = login.and_then(|login| login.disabled.as_ref());
        UserView {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            org_id: user.org_id,
            org_name: org.map(|org| org.name.clone()).unwrap_or_default(),
            account_id: org.map(|org| org.account).or(person.map(|person| person.account)).map(|id| id.get()),
            role: user.role.clone(),
            status: user.status.clone(),
            created_at_ms: user.created_at_ms,
            created_by: login.map(|login| actor_view(registry, &usernames, &login.created_by)),
            disabled_by: disabled.map(|disabled| actor_view(registry, &usernames, &disabled.by)),
            disabled_reason: disabled.map(|disabled| disabled.reason.clone()),
        }
    };
    Ok(users.iter().map(view).collect())
}

async fn view(state: &AppState, user: &UserRecord) -> ApiResult<UserView> {
    let mut one = views(state, std::slice::from_ref(user)).await?;
    one.pop().ok_or_else(|| ApiError::internal("a view of one user"))
}

/// Over HTTPS the session cookie is never sent in the clear.
fn secure_flag(state: &AppState) -> &'static str {
    if state.guard.options.https() {
        "; Secure"
    } else {
        ""
    }
}

#[utoipa::path(post, path = "/auth/login", tag = "people", request_body = LoginRequest,
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
        return Ok(throttled.into_response());
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
    // A disabled or pending login answers as a wrong password would: it
    // reveals nothing about the account to whoever is guessing.
    if !matches || user.status != "active" || auth::is_disabled_on_record(&state, user.id).await {
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
    let body = LoginResponse { token, user: view(&state, &user).await? };
    Ok(([(SET_COOKIE, cookie)], axum::Json(body)).into_response())
}

#[utoipa::path(post, path = "/auth/logout", tag = "people", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    state.store.db().delete_session(&user.token_hash).await.map_err(ApiError::internal)?;
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}", secure_flag(&state));
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

#[utoipa::path(get, path = "/me", tag = "people", responses((status = 200, body = UserView), (status = 401)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<UserView>> {
    Ok(axum::Json(view(&state, &user.user).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub org_id: u64,
}

#[utoipa::path(post, path = "/users", tag = "people", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 403), (status = 409), (status = 422)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewUser>,
) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    let person =
        NewPerson { username: request.username, password: request.password, display_name: request.display_name };
    create_login(&state, &user, person, auth::Joining::Member(OrgId(request.org_id))).await
}

/// A login's name and password, and the name it shows.
#[derive(Deserialize, ToSchema)]
pub struct NewPerson {
    pub username: String,
    pub password: String,
    pub display_name: String,
}

/// Registers a citizen as a person: a login of their own, in no
/// organisation, and a holding account of their own. The journal keeps only
/// a salted commitment to who they are.
#[utoipa::path(post, path = "/people", tag = "people", request_body = NewPerson,
    responses((status = 201, body = UserView), (status = 403), (status = 409), (status = 422)))]
pub async fn register_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewPerson>,
) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    create_login(&state, &user, request, auth::Joining::Person).await
}

/// The operator creates a login, a member's or a person's.
async fn create_login(
    state: &AppState,
    operator: &CurrentUser,
    login: NewPerson,
    joining: auth::Joining,
) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    operator.require(&[Role::Operator])?;
    let NewPerson { username, password, display_name } = login;
    let created = auth::create_user(state, &operator.actor(), &username, &password, &display_name, joining).await?;
    Ok((StatusCode::CREATED, axum::Json(view(state, &created).await?)))
}

#[utoipa::path(get, path = "/users", tag = "people", responses((status = 200, body = [UserView]), (status = 403)))]
pub async fn list_users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<axum::Json<Vec<UserView>>> {
    user.require(&[Role::Operator])?;
    Ok(axum::Json(views(&state, &all_users(&state).await?).await?))
}

/// An organisation's logins, with who let each in and who disabled it:
/// its own members see them, and the operator sees every organisation's.
#[utoipa::path(get, path = "/organisations/{id}/users", tag = "people",
    responses((status = 200, body = [UserView]), (status = 401), (status = 403), (status = 404)))]
pub async fn organisation_users(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<u64>,
) -> ApiResult<axum::Json<Vec<UserView>>> {
    if user.role != Role::Operator && user.org() != Some(OrgId(id)) {
        return Err(ApiError::forbidden("an organisation's logins are shown to its members and the operator"));
    }
    if state.store.ledger().read().await.app.registry.organisation(OrgId(id)).is_none() {
        return Err(ApiError::not_found(format!("there is no organisation {id}")));
    }
    let org_id = i64::try_from(id).map_err(ApiError::internal)?;
    let users: Vec<UserRecord> =
        all_users(&state).await?.into_iter().filter(|user| user.org_id == Some(org_id)).collect();
    Ok(axum::Json(views(&state, &users).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DisableLogin {
    /// A short code: `left_the_company`, `compromised`, `duplicate` ...
    pub reason: String,
}

/// Disables a login for good, on the record: the operator may disable any,
/// a member the logins of its own organisation. Its sessions end at once.
#[utoipa::path(post, path = "/users/{id}/disable", tag = "people", request_body = DisableLogin,
    responses((status = 200, body = UserView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(request): Json<DisableLogin>,
) -> ApiResult<axum::Json<UserView>> {
    let command = mangrove_registry::Command::DisableLogin { user: UserId(id), reason: request.reason };
    let submission = mangrove_app::Submission::new(&user.actor(), key.0.as_deref(), command)?;
    state.store.sequencer().submit(submission).await?;
    let row = i64::try_from(id).map_err(ApiError::internal)?;
    state.store.db().set_user_status(row, "disabled").await.map_err(ApiError::internal)?;
    state.store.db().delete_sessions_of(row).await.map_err(ApiError::internal)?;
    let users = all_users(&state).await?;
    let disabled = users.iter().find(|user| user.id == row).ok_or_else(|| ApiError::not_found("no such login"))?;
    Ok(axum::Json(view(&state, disabled).await?))
}
