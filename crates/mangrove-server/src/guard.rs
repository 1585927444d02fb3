//! What keeps other sites and password guessers out.
//!
//! **Cross-site requests.** A browser attaches the session cookie to any
//! request to this server, whichever site made it. So a mutation that the
//! cookie alone authenticates must prove it came from the app: its
//! `Sec-Fetch-Site`, when the browser sends one, is `same-origin` (or
//! `none`, typed by the user); its `Origin`, when present, is this
//! deployment's; and it carries [`APP_HEADER`], which a page of another
//! site cannot add without a CORS preflight that this server never grants.
//! Requests with a bearer token are not at risk (no browser adds one by
//! itself) and pass untouched. Sign-in refuses a foreign origin too, so
//! that no other site can sign a visitor into an account of its choosing.
//!
//! **Headers.** Every answer carries a Content-Security-Policy that allows
//! only this origin's scripts and no framing, `nosniff`, and, when the
//! deployment is served over HTTPS (`--public-url https://...`), HSTS; the
//! session cookie is then `Secure`.
//!
//! **Sign-in throttling.** Each attempt is counted against the username and
//! against the client's address before any password is hashed (an Argon2
//! hash costs tens of milliseconds of a core): past a burst, attempts are
//! refused with 429 and `Retry-After` until the bucket refills. Behind a
//! reverse proxy every client has the proxy's address, unless
//! `--trust-forwarded-for` says to take the address the proxy appended to
//! `X-Forwarded-For`.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

/// The header the web client sends with every request; its value is not checked.
pub const APP_HEADER: &str = "x-requested-with";

/// Sign-in attempts one username may make at once, and how fast they come back.
pub const LOGIN_BURST_PER_ACCOUNT: u32 = 10;
pub const LOGIN_REFILL_PER_ACCOUNT: Duration = Duration::from_secs(6);
/// Sign-in attempts one address may make at once, and how fast they come back.
pub const LOGIN_BURST_PER_ADDRESS: u32 = 60;
pub const LOGIN_REFILL_PER_ADDRESS: Duration = Duration::from_secs(1);

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self'; connect-src 'self' blob:; worker-src 'self' blob:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How the deployment is reached, as its operator states it.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// The address people open, e.g. `https://mangrove.rayong.go.th`. Its
    /// origin is the only one mutations are accepted from (without it, the
    /// request's own `Host`), and `https` makes cookies `Secure`.
    pub public_url: Option<String>,
    /// Take the client's address from the last `X-Forwarded-For` entry
    /// (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// The virtual city sends everyone everyone every tick, without
    /// interest: only for `mangrove bench world`'s comparison.
    pub world_naive_broadcast: bool,
}

impl ServerOptions {
    /// Checks the public URL: an `http` or `https` origin, with no path beyond `/`.
    pub fn checked(self) -> Result<Self, String> {
        if let Some(url) = &self.public_url {
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            let valid = rest.is_some_and(|rest| {
                let host = rest.trim_end_matches('/');
                !host.is_empty() && !host.contains('/') && !host.contains(char::is_whitespace)
            });
            if !valid {
                return Err(format!("--public-url must be http(s)://host[:port], not {url:?}"));
            }
        }
        Ok(self)
    }
    fn origin(&self) -> Option<&str> {
        self.public_url.as_deref().map(|url| url.trim_end_matches('/'))
    }
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }
}

/// The deployment's options and its sign-in throttles, shared by every request.
pub struct Guard {
    pub options: ServerOptions,
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, refill: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(refill).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

impl Guard {
    pub fn new(options: ServerOptions) -> Self {
        Guard {
            options,
            per_account: RateLimiter::keyed(quota(LOGIN_BURST_PER_ACCOUNT, LOGIN_REFILL_PER_ACCOUNT)),
            per_address: RateLimiter::keyed(quota(LOGIN_BURST_PER_ADDRESS, LOGIN_REFILL_PER_ADDRESS)),
        }
    }

    /// Counts one sign-in attempt; refuses it, with how long to wait, past either bucket.
    pub fn count_login(&self, username: &str, address: Option<IpAddr>) -> Result<(), Throttled> {
        let by_address = address.map(|address| self.per_address.check_key(&address)).transpose();
        let refused = match by_address {
            Err(not_until) => Some(not_until),
            Ok(_) => self.per_account.check_key(&username.to_string()).err(),
        };
        let Some(not_until) = refused else { return Ok(()) };
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        Err(Throttled { retry_after_s: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1) })
    }
}

/// A sign-in attempt refused by the throttle: 429 with `Retry-After`.
#[derive(Debug)]
pub struct Throttled {
    pub retry_after_s: u64,
}

impl IntoResponse for Throttled {
    fn into_response(self) -> Response {
        let seconds = self.retry_after_s;
        let message = format!("too many sign-in attempts; try again in {seconds} seconds");
        let mut response = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message).into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        response
    }
}

/// The client's address: the TCP peer, or behind a trusted proxy the address it appended.
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip());
        if !state.guard.options.trust_forwarded_for {
            return Ok(ClientAddress(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
            .next_back();
        Ok(ClientAddress(forwarded.or(peer)))
    }
}

fn has_bearer_token(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    let prefix = format!("{}=", crate::auth::SESSION_COOKIE);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|cookies| cookies.split(';').any(|cookie| cookie.trim().starts_with(&prefix)))
}

/// Why a request is not from the app, if it is not.
fn cross_site_reason(options: &ServerOptions, headers: &HeaderMap, needs_app_header: bool) -> Option<String> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        if site != "same-origin" && site != "none" {
            return Some(format!("the browser says this request came from another site ({site})"));
        }
    }
    if let Some(origin) = text(header::ORIGIN) {
        let allowed = match options.origin() {
            Some(public) => origin.eq_ignore_ascii_case(public),
            None => {
                let host = origin.split_once("://").map(|(_, host)| host);
                host.is_some_and(|host| text(header::HOST).is_some_and(|own| own.eq_ignore_ascii_case(host)))
            }
        };
        if !allowed {
            return Some(format!("requests from {origin} are not accepted"));
        }
    }
    if needs_app_header && !headers.contains_key(APP_HEADER) {
        return Some(format!("a request signed in by cookie must carry the {APP_HEADER} header the app sends"));
    }
    None
}

/// Refuses a mutation that the session cookie alone authenticates unless it came from the app.
pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    if safe || has_bearer_token(headers) {
        return next.run(request).await;
    }
    let by_cookie = has_session_cookie(headers);
    let signing_in = request.uri().path() == "/api/v1/auth/login";
    if by_cookie || signing_in {
        if let Some(reason) = cross_site_reason(&state.guard.options, headers, by_cookie) {
            return ApiError::new(StatusCode::FORBIDDEN, "cross_site", reason).into_response();
        }
    }
    next.run(request).await
}

/// Adds the security headers to every answer.
pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if state.guard.options.https() {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}
