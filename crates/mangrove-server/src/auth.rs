//! People, passwords and sessions. Passwords are hashed with Argon2id; a
//! session is a random token whose SHA-256 alone is stored, sent back as a
//! bearer token or an HttpOnly cookie. Every mutating endpoint turns the
//! signed-in user into the registry's [`Actor`], and the registry decides
//! what that actor may do.

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use mangrove_core::{OrgId, UserId};
use mangrove_registry::{Actor, Role};
use mangrove_store::UserRecord;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "mangrove_session";
/// How long a session lasts.
pub const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;
pub const PASSWORD_CHARS_MIN: usize = 8;
pub const PASSWORD_CHARS_MAX: usize = 256;
pub const USERNAME_CHARS_MAX: usize = 64;

pub fn hash_password(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string()).map_err(ApiError::internal)
}

/// Spends the time of a real check, so that an unknown username answers
/// as slowly as a wrong password and does not reveal who has an account.
pub fn verify_nobody(password: &str) {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = HASH.get_or_init(|| hash_password("not anyone's password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub fn check_username(username: &str) -> ApiResult<String> {
    let username = username.trim().to_lowercase();
    let valid = (3..=USERNAME_CHARS_MAX).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if !valid {
        return Err(ApiError::invalid(
            "username",
            format!("a username is 3 to {USERNAME_CHARS_MAX} letters, digits, '.', '_', '-' or '@'"),
        ));
    }
    Ok(username)
}

pub fn check_password(password: &str) -> ApiResult<()> {
    if !(PASSWORD_CHARS_MIN..=PASSWORD_CHARS_MAX).contains(&password.chars().count()) {
        return Err(ApiError::invalid(
            "password",
            format!("a password is {PASSWORD_CHARS_MIN} to {PASSWORD_CHARS_MAX} characters"),
        ));
    }
    Ok(())
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: UserRecord,
    pub role: Role,
    pub token_hash: String,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor::Member {
            user: UserId(u64::try_from(self.user.id).unwrap_or_default()),
            org: self.org(),
            role: self.role,
        }
    }
    pub fn org(&self) -> OrgId {
        OrgId(u64::try_from(self.user.org_id).unwrap_or_default())
    }
    pub fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.role) {
            return Ok(());
        }
        let allowed: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
        Err(ApiError::forbidden(format!(
            "this needs the role {}; you are {}",
            allowed.join(" or "),
            self.role.as_str()
        )))
    }
}

fn bearer_token(parts: &Parts) -> Option<String> {
    let authorization = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    // The scheme is case-insensitive (RFC 9110 §11.1); another scheme falls through to the cookie.
    if let Some((scheme, token)) = authorization.and_then(|value| value.trim().split_once(' ')) {
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(token.trim().to_string());
        }
    }
    let cookies = parts.headers.get(axum::http::header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|cookie| cookie.trim().strip_prefix(&format!("{SESSION_COOKIE}=")).map(str::to_string))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or_else(ApiError::unauthenticated)?;
        let token_hash = token_hash(&token);
        let user = state
            .store
            .db()
            .session_user(&token_hash, state.store.now_ms())
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "the session has ended; sign in again",
                )
            })?;
        let role = Role::parse(&user.role)
            .ok_or_else(|| ApiError::internal(format!("user {} has role {}", user.id, user.role)))?;
        Ok(CurrentUser { user, role, token_hash })
    }
}

/// The signed-in user, if any (for pages that show more to members).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if bearer_token(parts).is_none() {
            return Ok(MaybeUser(None));
        }
        CurrentUser::from_request_parts(parts, state).await.map(|user| MaybeUser(Some(user)))
    }
}

/// Creates a user in an existing organisation, with the organisation's role.
pub async fn create_user(
    state: &AppState,
    username: &str,
    password: &str,
    display_name: &str,
    org: OrgId,
) -> ApiResult<UserRecord> {
    let username = check_username(username)?;
    check_password(password)?;
    let display_name = mangrove_registry::check::name("display_name", display_name)?;
    let role = {
        let ledger = state.store.ledger().read().await;
        let organisation = ledger.app.registry.organisation(org).ok_or_else(|| {
            ApiError::not_found(format!("there is no organisation {}", org.get())).with_field("org_id")
        })?;
        organisation.role
    };
    if state.store.db().user_by_username(&username).await.map_err(ApiError::internal)?.is_some() {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "conflict",
            format!("the username '{username}' is taken"),
        )
        .with_field("username"));
    }
    let password = password.to_string();
    let password_hash =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(ApiError::internal)??;
    let mut user = UserRecord {
        id: 0,
        username,
        display_name,
        password_hash,
        org_id: i64::try_from(org.get()).map_err(ApiError::internal)?,
        role: role.as_str().to_string(),
        created_at_ms: state.store.now_ms(),
    };
    user.id = state.store.db().insert_user(&user).await.map_err(|error| match error {
        sqlx::Error::Database(ref database) if database.is_unique_violation() => {
            ApiError::new(axum::http::StatusCode::CONFLICT, "conflict", "the username is taken").with_field("username")
        }
        other => ApiError::internal(other),
    })?;
    Ok(user)
}
