//! The token cache of one client: serves a valid token, refreshes it before it expires, and
//! makes sure that however many threads ask at once, one token request is in flight. With the
//! `token_cache` option the same holds across processes: the token request is made under the
//! shared file's lock, and its result is written there for the others (token_cache.rs).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use super::token_cache::TokenCache;
use super::token_endpoint::{Grant, GrantRequest};
use super::{Clock, CommandOutput, Credentials, TokenEndpoint};
use crate::error::{Error, Result};
use crate::http::Http;
use crate::logging::LogLevel;
use crate::redact::Redactor;
use crate::status::Status;

/// The file shared with other processes, and logout.
mod shared;

struct Cached {
    access: SecretString,
    /// `Bearer <access>` as a sensitive header value, made once: a JWT is a kilobyte or more,
    /// and formatting, copying and checking it on every request cost more than the rest of the
    /// request building. None if the token cannot go in a header (reported when it is sent).
    authorization: Option<HeaderValue>,
    /// When the request that got it was sent.
    obtained_at: Instant,
    /// Whether it may go into the shared cache: granted by the token endpoint with a stated
    /// lifetime, not a bearer token or one printed by the credential command.
    shareable: bool,
    /// Past this instant the token is still valid but a refresh is due.
    refresh_at: Instant,
    /// Past this instant the token is no longer sent.
    expires_at: Instant,
    refresh_token: Option<SecretString>,
    refresh_expires_at: Option<Instant>,
}

#[derive(Default)]
struct State {
    credentials: Option<Credentials>,
    /// The credentials as last read from their secret files, for scrubbing what servers echo;
    /// never sent again: the next grant reads the files again.
    loaded: Option<Credentials>,
    token: Option<Cached>,
    /// The token the Hub rejected last: the shared cache may still hold it, and it must not
    /// be taken back from there.
    rejected: Option<SecretString>,
}

pub struct TokenSource {
    http: Arc<Http>,
    endpoint: Option<TokenEndpoint>,
    clock: Arc<dyn Clock>,
    margin: Duration,
    /// Read-mostly: every call looks the token up, so many threads read it at once without
    /// waiting for each other.
    state: RwLock<State>,
    /// Held by whoever is talking to the token endpoint: the single flight.
    refresh: tokio::sync::Mutex<()>,
    requests: Arc<AtomicU64>,
    /// Set by [`TokenSource::close`]: no token is handed out or cached any more.
    closed: AtomicBool,
    /// Secret files already warned about for their permissions: once per client.
    warned: Mutex<HashSet<PathBuf>>,
    /// The file shared with other processes (option token_cache).
    shared: Option<TokenCache>,
}

enum Lookup {
    Fresh(SecretString),
    /// Valid, but a refresh is due.
    Stale(SecretString),
    Missing,
}

impl TokenSource {
    /// `endpoint` is None when no token endpoint can be derived from the configuration; then
    /// only bearer credentials work.
    pub(crate) fn new(
        http: Arc<Http>,
        endpoint: Option<TokenEndpoint>,
        clock: Arc<dyn Clock>,
        margin: Duration,
        credentials: Option<Credentials>,
        shared: Option<TokenCache>,
    ) -> TokenSource {
        // A token file is read when the first token is needed.
        let token = credentials.as_ref().and_then(Credentials::bearer_token).map(|token| bearer(token.clone(), clock.now()));
        let state = State { credentials, loaded: None, token, rejected: None };
        let source = TokenSource {
            http,
            endpoint,
            clock,
            margin,
            state: RwLock::new(state),
            refresh: tokio::sync::Mutex::new(()),
            requests: Arc::new(AtomicU64::new(0)),
            closed: AtomicBool::new(false),
            warned: Mutex::new(HashSet::new()),
            shared,
        };
        source.share_secrets_with_log();
        source
    }

    /// Gives the logger the current credentials and tokens to scrub from records; called
    /// whenever they change. Costs nothing when nobody listens.
    fn share_secrets_with_log(&self) {
        let log = self.http.log();
        if log.enabled(LogLevel::Error) {
            log.set_secrets(self.redactor());
        }
    }

    /// How many HTTP requests this source has sent to the token endpoint.
    pub fn token_requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The counter behind [`TokenSource::token_requests`], for a reader that outlives this.
    pub(crate) fn request_counter(&self) -> Arc<AtomicU64> {
        self.requests.clone()
    }

    /// Closes the cache (its client was closed): from now on every request for a token, and
    /// every authentication, fails with CLOSED, and a token request in flight is not cached.
    /// The credentials and tokens stay until the source is dropped, which wipes them
    /// (`SecretString` zeroizes), so that the calls still finishing can scrub them from what
    /// servers echo.
    pub fn close(&self) {
        let _state = self.lock();
        self.closed.store(true, Ordering::SeqCst);
    }

    fn check_open(&self) -> Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::closed());
        }
        Ok(())
    }

    /// Replaces the credentials and, except for a bearer token, fetches a token right away so
    /// that bad credentials are reported here rather than on the first Hub call.
    pub async fn authenticate(&self, credentials: Credentials) -> Result<()> {
        if let Some(token) = credentials.bearer_token() {
            // Refused before anything changes, so the client keeps its working credentials.
            check_bearer(token)?;
        }
        let _flight = self.refresh.lock().await;
        {
            let mut state = self.lock();
            if self.closed.load(Ordering::SeqCst) {
                return Err(Error::closed());
            }
            state.token = None;
            state.credentials = Some(credentials.clone());
            state.loaded = None;
        }
        self.share_secrets_with_log();
        if let Credentials::Bearer(_) = &credentials {
            return self.load_bearer(&credentials).await.map(drop);
        }
        self.obtain(&credentials, None).await.map(drop)
    }

    /// A token valid now. Waits only when there is no valid token: while a refresh of a
    /// still-valid token is in flight, other callers get the current one.
    pub async fn token(&self) -> Result<SecretString> {
        self.check_open()?;
        match self.lookup() {
            Lookup::Fresh(token) => return Ok(token),
            Lookup::Stale(token) => match self.refresh.try_lock() {
                Ok(_flight) => {
                    self.http.log().emit(LogLevel::Debug, "token.refresh", || "the token is due for refresh (within token_refresh_margin of expiry): renewing it while it is still valid".to_owned(), |r| r);
                    return Box::pin(self.refresh_locked()).await.or(Ok(token));
                }
                Err(_) => return Ok(token),
            },
            Lookup::Missing => {}
        }
        let _flight = match self.refresh.try_lock() {
            Ok(flight) => flight,
            Err(_) => {
                let log = self.http.log();
                log.emit(LogLevel::Debug, "token.wait", || "no valid token: waiting for another thread's token request".to_owned(), |r| r);
                let started = std::time::Instant::now();
                let flight = self.refresh.lock().await;
                log.emit(LogLevel::Trace, "token.wait_done", || "the other thread's token request ended".to_owned(), |r| r.elapsed(started.elapsed()));
                flight
            }
        };
        // Boxed: the token request's future is most of a Hub call's, which needs it only
        // when the cached token is missing or due.
        Box::pin(self.refresh_locked()).await
    }

    /// The `Authorization` header value of a token valid now: the cached one when it is fresh
    /// (a reference-counted copy, no allocation), else as [`TokenSource::token`] gets one.
    pub async fn authorization(&self) -> Result<HeaderValue> {
        if let Some(header) = self.fresh_authorization() {
            return Ok(header);
        }
        let token = self.token().await?;
        authorization_for(&token)
            .ok_or_else(|| Error::protocol("the access token contains characters not allowed in a header"))
    }

    fn fresh_authorization(&self) -> Option<HeaderValue> {
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        let now = self.clock.now();
        let state = self.read();
        state.token.as_ref().filter(|t| now < t.refresh_at).and_then(|t| t.authorization.clone())
    }

    /// [`TokenSource::invalidate`] for the token an `Authorization` value carried.
    pub fn invalidate_authorization(&self, rejected: &HeaderValue) -> bool {
        match token_of(rejected) {
            Some(token) => self.invalidate(&token),
            None => false,
        }
    }

    /// Drops `rejected` if it is still the cached token, so that the next `token()` fetches a
    /// new one. Returns false when nothing better can be had (a bearer token given as a value;
    /// a token file is read again).
    pub fn invalidate(&self, rejected: &SecretString) -> bool {
        let mut state = self.lock();
        // A token file may hold a newer token by now; a token given as a value cannot change.
        if let Some(credentials @ Credentials::Bearer(_)) = &state.credentials {
            if !credentials.uses_files() {
                return false;
            }
        }
        if let Some(cached) = &mut state.token {
            if cached.access.expose_secret() == rejected.expose_secret() {
                // Keep the refresh token: it is still the cheapest way to a new access token.
                cached.expires_at = self.clock.now();
                cached.refresh_at = cached.expires_at;
            }
        }
        state.rejected = Some(rejected.clone());
        true
    }

    /// Every secret of the current credentials and tokens, in every form libhazy sends them,
    /// for scrubbing server text. Built only when an error needs it.
    pub(crate) fn redactor(&self) -> Redactor {
        let state = self.lock();
        let mut redactor = state.credentials.as_ref().map(Credentials::redactor).unwrap_or_default();
        redactor.extend(self.http.redactor());
        if let Some(loaded) = &state.loaded {
            redactor.extend(loaded.redactor());
        }
        if let Some(cached) = &state.token {
            redactor.add_secret(cached.access.expose_secret());
            if let Some(refresh) = &cached.refresh_token {
                redactor.add_secret(refresh.expose_secret());
            }
        }
        redactor
    }

    fn lock(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn lookup(&self) -> Lookup {
        let now = self.clock.now();
        match &self.read().token {
            Some(t) if now < t.refresh_at => Lookup::Fresh(t.access.clone()),
            Some(t) if now < t.expires_at => Lookup::Stale(t.access.clone()),
            _ => Lookup::Missing,
        }
    }

    /// Called with the single-flight lock held.
    async fn refresh_locked(&self) -> Result<SecretString> {
        // Closed while this caller waited for the single flight.
        self.check_open()?;
        // Whoever held the lock before us may have refreshed already.
        if let Lookup::Fresh(token) = self.lookup() {
            return Ok(token);
        }
        let (credentials, refresh_token) = {
            let state = self.lock();
            let credentials = state.credentials.clone().ok_or_else(super::no_credentials)?;
            let now = self.clock.now();
            let refresh = state.token.as_ref().and_then(|t| {
                let usable = t.refresh_expires_at.is_none_or(|at| now < at);
                t.refresh_token.clone().filter(|_| usable)
            });
            (credentials, refresh)
        };
        if let Credentials::Bearer(_) = credentials {
            if credentials.uses_files() {
                return self.load_bearer(&credentials).await;
            }
            return Err(Error::new(
                Status::Auth,
                "the bearer token was rejected or has expired, and a bearer token cannot be \
                 refreshed: authenticate again",
            ));
        }
        self.obtain(&credentials, refresh_token).await
    }

    /// Fetches and caches a token, trying the refresh token first and falling back to the
    /// primary grant when Keycloak says the refresh token is no good.
    async fn fetch(
        &self,
        credentials: &Credentials,
        refresh_token: Option<SecretString>,
    ) -> Result<SecretString> {
        // The credential command runs for every grant; an access token it prints is the grant.
        let credentials = &match self.run_command(credentials).await? {
            Ok(credentials) => credentials,
            Err(token) => return Ok(token),
        };
        let endpoint = self.endpoint.as_ref().ok_or_else(|| {
            Error::invalid_argument("no token endpoint: set host (HAZY_HUB_HOST), auth_url or token_url")
        })?;
        // Secret files are read for every grant, refreshes included (they send the client
        // secret too), so a rotated secret is used from the next grant on.
        let loaded = self.load(credentials)?;
        let credentials = &loaded;
        let count = || {
            self.requests.fetch_add(1, Ordering::Relaxed);
        };
        let requested_at = self.clock.now();
        let http = self.http.client()?;
        let log = self.http.log();
        let grant = match &refresh_token {
            Some(refresh_token) => {
                let request = GrantRequest::Refresh { credentials, refresh_token };
                match endpoint.request(&http, log, request, &count).await {
                    Err(e) if e.oauth_error() == Some("invalid_grant") => {
                        log.emit(LogLevel::Info, "token.refresh_rejected", || "Keycloak refused the refresh token (invalid_grant: session ended or expired); using the primary grant".to_owned(), |r| r.request_id(e.request_id()));
                        endpoint.request(&http, log, GrantRequest::Primary(credentials), &count).await
                    }
                    other => other,
                }
            }
            None => endpoint.request(&http, log, GrantRequest::Primary(credentials), &count).await,
        }
        .map_err(|e| self.http.name_proxy(e, &endpoint.url))?;
        let access = grant.access_token.clone();
        {
            let mut state = self.lock();
            // Closed while the request was in flight: the token is not kept (it is wiped as
            // `grant` and `access` drop) and the caller gets CLOSED.
            if self.closed.load(Ordering::SeqCst) {
                return Err(Error::closed());
            }
            state.token = Some(self.cache(grant, requested_at));
        }
        self.share_secrets_with_log();
        Ok(access)
    }

    /// `credentials` with their secret files read now. What was read goes to the redactors
    /// (this source's and the logger's) before anything is sent.
    fn load(&self, credentials: &Credentials) -> Result<Credentials> {
        if !credentials.uses_files() {
            return Ok(credentials.clone());
        }
        let loaded = {
            let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
            credentials.load(self.http.log(), &mut warned)?
        };
        self.lock().loaded = Some(loaded.clone());
        self.share_secrets_with_log();
        Ok(loaded)
    }

    /// Reads a bearer token file (or takes the token given) and caches the token. Called with
    /// the single-flight lock held.
    async fn load_bearer(&self, credentials: &Credentials) -> Result<SecretString> {
        let credentials = &match self.run_command(credentials).await? {
            Ok(credentials) => credentials,
            Err(token) => return Ok(token),
        };
        let loaded = self.load(credentials)?;
        let token = loaded.bearer_token().cloned().ok_or_else(super::no_credentials)?;
        check_bearer(&token)?;
        {
            let mut state = self.lock();
            if self.closed.load(Ordering::SeqCst) {
                return Err(Error::closed());
            }
            state.token = Some(bearer(token.clone(), self.clock.now()));
        }
        self.share_secrets_with_log();
        Ok(token)
    }

    /// Runs the credential command, if these credentials have one (called with the
    /// single-flight lock held). A client secret it prints takes the command's place in the
    /// credentials returned (`Ok`); an access token is cached and returned (`Err`), and no
    /// grant is made. Either goes to the redactors before it is used.
    async fn run_command(&self, credentials: &Credentials) -> Result<std::result::Result<Credentials, SecretString>> {
        let Some(command) = credentials.command() else {
            return Ok(Ok(credentials.clone()));
        };
        let log = self.http.log();
        log.emit(LogLevel::Debug, "credential_command.run", || "running credential_command for a new grant".to_owned(), |r| r);
        let started = std::time::Instant::now();
        let output = command.run().await;
        log.emit(LogLevel::Debug, "credential_command.done", || match &output {
            Ok(_) => "credential_command printed a credential".to_owned(),
            Err(e) => format!("credential_command failed: {}", e.message()),
        }, |r| r.elapsed(started.elapsed()));
        match output? {
            CommandOutput::ClientSecret(secret) => {
                let loaded = credentials.with_client_secret(secret).ok_or_else(|| {
                    Error::invalid_argument(
                        "option 'credential_command': the command printed a client_secret, which needs client_id \
                         (HAZY_CLIENT_ID): set client_id, or print an access_token",
                    )
                })?;
                self.lock().loaded = Some(loaded.clone());
                self.share_secrets_with_log();
                Ok(Ok(loaded))
            }
            CommandOutput::AccessToken { token, expires_at } => {
                check_bearer(&token)?;
                let now = self.clock.now();
                let cached = match expires_at {
                    // Used until shortly before expires_at (token_refresh_margin, at most half
                    // the lifetime left), then the command runs again.
                    Some(at) => {
                        let lifetime = at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
                        let margin = self.margin.min(lifetime / 2);
                        Cached {
                            authorization: authorization_for(&token),
                            access: token.clone(),
                            obtained_at: now,
                            refresh_at: now + lifetime - margin,
                            expires_at: now + lifetime,
                            refresh_token: None,
                            refresh_expires_at: None,
                            shareable: false,
                        }
                    }
                    // No expiry: used until the Hub rejects it.
                    None => bearer(token.clone(), now),
                };
                {
                    let mut state = self.lock();
                    if self.closed.load(Ordering::SeqCst) {
                        return Err(Error::closed());
                    }
                    state.token = Some(cached);
                }
                self.share_secrets_with_log();
                Ok(Err(token))
            }
        }
    }

    /// Expiry counts from when the request was sent, not when the answer arrived, so a slow
    /// answer never makes the cache think a token lives longer than it does.
    fn cache(&self, grant: Grant, requested_at: Instant) -> Cached {
        let (refresh_at, expires_at) = match grant.expires_in {
            Some(lifetime) => {
                // A fixed margin larger than a short lifetime would refresh on every call.
                let margin = self.margin.min(lifetime / 2);
                (requested_at + lifetime - margin, requested_at + lifetime)
            }
            // No lifetime given: keep it until the Hub rejects it.
            None => (far_future(requested_at), far_future(requested_at)),
        };
        Cached {
            shareable: grant.expires_in.is_some(),
            authorization: authorization_for(&grant.access_token),
            access: grant.access_token,
            obtained_at: requested_at,
            refresh_at,
            expires_at,
            refresh_token: grant.refresh_token,
            refresh_expires_at: grant.refresh_expires_in.map(|d| requested_at + d),
        }
    }
}

/// `Bearer <token>`, marked sensitive (never shown by Debug); None if it cannot be a header.
fn authorization_for(token: &SecretString) -> Option<HeaderValue> {
    let mut header = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// The token an `Authorization` value from [`authorization_for`] carries.
pub(crate) fn token_of(authorization: &HeaderValue) -> Option<SecretString> {
    let value = authorization.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| SecretString::from(t.to_owned()))
}

fn check_bearer(token: &SecretString) -> Result<()> {
    if !super::token_endpoint::is_token_text(token.expose_secret()) {
        return Err(Error::invalid_argument(
            "the bearer token contains characters a token cannot contain (spaces or control characters)",
        ));
    }
    Ok(())
}

fn bearer(token: SecretString, now: Instant) -> Cached {
    Cached {
        authorization: authorization_for(&token),
        access: token,
        obtained_at: now,
        refresh_at: far_future(now),
        expires_at: far_future(now),
        refresh_token: None,
        refresh_expires_at: None,
        shareable: false,
    }
}

fn far_future(now: Instant) -> Instant {
    now + Duration::from_secs(100 * 365 * 24 * 3600)
}
