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
    /// A member acts for their organisation; a person for themself.
    pub fn actor(&self) -> Actor {
        let user = UserId(u64::try_from(self.user.id).unwrap_or_default());
        match self.org() {
            Some(org) => Actor::Member { user, org, role: self.role },
            None => Actor::Person { user },
        }
    }
    /// Who holds what the signed-in login holds: its organisation, or the
    /// person themself.
    pub fn holder(&self) -> mangrove_registry::Holder {
        match self.actor() {
            Actor::Member { org, .. } => mangrove_registry::Holder::Org(org),
            _ => mangrove_registry::Holder::Person(UserId(u64::try_from(self.user.id).unwrap_or_default())),
        }
    }
    /// The holding account of the signed-in login's organisation, or their own.
    pub fn holding_account(&self, registry: &mangrove_registry::Registry) -> Option<mangrove_core::AccountId> {
        match self.holder() {
            mangrove_registry::Holder::Org(org) => registry.organisation(org).map(|org| org.account),
            mangrove_registry::Holder::Person(user) => registry.person(user).map(|person| person.account),
        }
    }
    /// The organisation the signed-in login is a member of; none for a person.
    pub fn org(&self) -> Option<OrgId> {
        self.user.org_id.and_then(|org| u64::try_from(org).ok()).map(OrgId)
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
        if is_disabled_on_record(state, user.id).await {
            return Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "this login is disabled",
            ));
        }
        Ok(CurrentUser { user, role, token_hash })
    }
}

/// Whether the journal says this login was disabled. The users row is
/// marked after the journal, so a crash in between must not let it in.
pub async fn is_disabled_on_record(state: &AppState, user: i64) -> bool {
    let Ok(id) = u64::try_from(user) else { return false };
    let ledger = state.store.ledger().read().await;
    ledger.app.registry.login(UserId(id)).is_some_and(|login| login.disabled.is_some())
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

/// What a new login joins as: a member of an organisation, in its role, or
/// a person of their own (a citizen) with a holding account of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joining {
    Member(OrgId),
    Person,
}

/// Creates a login on `creator`'s authority and journals it: a member of an
/// existing organisation, with the organisation's role (`CreateLogin`), or
/// a person, a citizen with an account of their own (`RegisterPerson`).
///
/// The order makes every crash harmless: the row is written `pending` (it
/// cannot sign in), then its creation is journaled, then it is made
/// `active`. A row left pending by a crash before the journal is removed
/// when its username is asked for again; one whose creation was journaled
/// but not yet activated is activated at that point, since the journal
/// is what says a login exists. A refused command removes the row.
pub async fn create_user(
    state: &AppState,
    creator: &Actor,
    username: &str,
    password: &str,
    display_name: &str,
    joining: Joining,
) -> ApiResult<UserRecord> {
    let username = check_username(username)?;
    check_password(password)?;
    let display_name = mangrove_registry::check::name("display_name", display_name)?;
    let role = match joining {
        Joining::Member(org) => {
            let ledger = state.store.ledger().read().await;
            let organisation = ledger.app.registry.organisation(org).ok_or_else(|| {
                ApiError::not_found(format!("there is no organisation {}", org.get())).with_field("org_id")
            })?;
            organisation.role
        }
        Joining::Person => Role::Citizen,
    };
    if let Some(existing) = state.store.db().user_by_username(&username).await.map_err(ApiError::internal)? {
        if !clear_unjournaled(state, &existing).await? {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "conflict",
                format!("the username '{username}' is taken"),
            )
            .with_field("username"));
        }
    }
    let password = password.to_string();
    let password_hash =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(ApiError::internal)??;
    let identity_salt = new_token();
    let identity = identity_commitment(&identity_salt, &username, &display_name);
    let mut user = UserRecord {
        id: 0,
        username,
        display_name,
        password_hash,
        org_id: match joining {
            Joining::Member(org) => Some(i64::try_from(org.get()).map_err(ApiError::internal)?),
            Joining::Person => None,
        },
        role: role.as_str().to_string(),
        created_at_ms: state.store.now_ms(),
        status: "pending".into(),
        identity_salt,
    };
    user.id = state.store.db().insert_user(&user).await.map_err(|error| match error {
        sqlx::Error::Database(ref database) if database.is_unique_violation() => {
            ApiError::new(axum::http::StatusCode::CONFLICT, "conflict", "the username is taken").with_field("username")
        }
        other => ApiError::internal(other),
    })?;
    let user_id = UserId(u64::try_from(user.id).map_err(ApiError::internal)?);
    let command = match joining {
        Joining::Member(org) => mangrove_registry::Command::CreateLogin { user: user_id, org, identity },
        Joining::Person => mangrove_registry::Command::RegisterPerson { user: user_id, identity },
    };
    let journaled = match mangrove_app::Submission::new(creator, None, command) {
        Ok(submission) => state.store.sequencer().submit(submission).await.map_err(ApiError::from),
        Err(error) => Err(ApiError::from(error)),
    };
    if let Err(error) = journaled {
        state.store.db().delete_user(user.id).await.map_err(ApiError::internal)?;
        return Err(error);
    }
    state.store.db().set_user_status(user.id, "active").await.map_err(ApiError::internal)?;
    user.status = "active".into();
    Ok(user)
}

/// SHA-256 of the salt, the username and the display name: the journal's
/// commitment to who a login is, which says nothing without the salt.
pub fn identity_commitment(salt: &str, username: &str, display_name: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [salt, username, display_name] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(hasher.finalize())
}

/// For a username asked for again: removes a row a crash left pending
/// before its creation was journaled (true), activates one whose creation
/// was journaled (false: the name is taken), and leaves others (false).
async fn clear_unjournaled(state: &AppState, existing: &UserRecord) -> ApiResult<bool> {
    if existing.status != "pending" {
        return Ok(false);
    }
    let journaled = {
        let ledger = state.store.ledger().read().await;
        let id = UserId(u64::try_from(existing.id).unwrap_or_default());
        ledger.app.registry.login(id).is_some() || ledger.app.registry.person(id).is_some()
    };
    if journaled {
        state.store.db().set_user_status(existing.id, "active").await.map_err(ApiError::internal)?;
        return Ok(false);
    }
    state.store.db().delete_user(existing.id).await.map_err(ApiError::internal)?;
    Ok(true)
}
