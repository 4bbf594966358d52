//! The token source's side of the file that processes share (option token_cache): where a
//! grant looks first, what it writes, and logout, which ends the session of both the client's
//! tokens and the file's.

use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use super::{Cached, TokenSource};
use crate::auth::token_cache::{CacheKey, Entry};
use crate::auth::{Credentials, Logout};
use crate::error::{Error, Result};
use crate::logging::LogLevel;
use crate::status::Status;

impl TokenSource {
    /// Ends the session behind the tokens: each refresh token this client holds, and the one
    /// the token cache file holds for its credentials, is revoked at Keycloak and its session
    /// logged out; then the tokens are forgotten and the cache entry removed. The cache's lock
    /// is held throughout, so no other process renews the entry meanwhile.
    pub async fn logout(&self) -> Result<Logout> {
        let _flight = self.refresh.lock().await;
        self.check_open()?;
        let credentials = self.lock().credentials.clone().ok_or_else(crate::auth::no_credentials)?;
        if let Credentials::Bearer(_) = credentials {
            return Err(Error::invalid_argument(
                "a bearer token obtained elsewhere has no session this client can end: log out where it was obtained",
            ));
        }
        let log = self.http.log();
        let key = self.cache_key(&credentials);
        let locked = match (&self.shared, &key) {
            (Some(shared), Some(_)) => Some(shared.lock(log).await.ok_or_else(|| {
                Error::new(
                    Status::Timeout,
                    format!(
                        "cannot log out: the token cache '{}' could not be locked (another process held it for request_timeout_ms, or it was refused: see the warning)",
                        shared.path().display()
                    ),
                )
            })?),
            _ => None,
        };
        let from_file = match (&self.shared, &key) {
            (Some(shared), Some(key)) => shared.lookup(log, key).and_then(|e| e.refresh_token),
            _ => None,
        };
        let in_memory = self.lock().token.as_ref().and_then(|t| t.refresh_token.clone());
        let mut tokens: Vec<SecretString> = from_file.into_iter().collect();
        if let Some(token) = in_memory {
            if !tokens.iter().any(|t| t.expose_secret() == token.expose_secret()) {
                tokens.push(token);
            }
        }
        let mut outcome = Logout::default();
        if !tokens.is_empty() {
            let endpoint = self.endpoint.as_ref().ok_or_else(|| {
                Error::invalid_argument("no token endpoint: set host (HAZY_HUB_HOST), auth_url or token_url")
            })?;
            let loaded = match self.run_command(&credentials).await? {
                Ok(credentials) => self.load(&credentials)?,
                Err(_) => {
                    return Err(Error::invalid_argument(
                        "option 'credential_command' printed an access token, not a client secret: there is no client to log out with",
                    ))
                }
            };
            let http = self.http.client()?;
            for token in &tokens {
                let (revoked, ended) = endpoint.end_session(&http, log, &loaded, token).await.map_err(|e| self.http.name_proxy(e, &endpoint.url))?;
                outcome.revoked += u32::from(revoked);
                outcome.sessions_ended += u32::from(ended);
            }
        }
        self.lock().token = None;
        if let (Some(shared), Some(key), Some(locked)) = (&self.shared, &key, &locked) {
            outcome.cache_entry_removed = shared.remove(log, key, locked);
        }
        log.emit(LogLevel::Info, "logout.done", || format!(
            "logged out: {} refresh token(s) revoked, {} session(s) ended, cache entry {}",
            outcome.revoked, outcome.sessions_ended, if outcome.cache_entry_removed { "removed" } else { "absent" }
        ), |r| r);
        Ok(outcome)
    }

    /// A token for `credentials`, called with the single-flight lock held. With a shared cache
    /// file: a valid token another process left there, else a grant made while holding the
    /// file's lock (so that the processes waiting on it need none), written there for them. A
    /// process that waited `request_timeout_ms` for the lock makes its own grant.
    pub(super) async fn obtain(&self, credentials: &Credentials, refresh_token: Option<SecretString>) -> Result<SecretString> {
        let (Some(shared), Some(key)) = (&self.shared, self.cache_key(credentials)) else {
            return self.fetch(credentials, refresh_token).await;
        };
        let log = self.http.log();
        if let Some(token) = self.adopt(shared.lookup(log, &key))? {
            return Ok(token);
        }
        let Some(locked) = shared.lock(log).await else {
            return self.fetch(credentials, refresh_token).await;
        };
        // Whoever held the lock before may have left a token, or a newer refresh token.
        let entry = shared.lookup(log, &key);
        let from_file = entry.as_ref().and_then(|e| e.usable_refresh_token(SystemTime::now()).cloned());
        if let Some(token) = self.adopt(entry)? {
            return Ok(token);
        }
        let token = self.fetch(credentials, from_file.or(refresh_token)).await?;
        if let Some(entry) = self.entry(key) {
            shared.store(log, entry, &locked);
        }
        Ok(token)
    }

    /// Whose token the shared cache would hold for these credentials; None when they have no
    /// client (a bearer token) or the cache is not configured.
    fn cache_key(&self, credentials: &Credentials) -> Option<CacheKey> {
        self.shared.as_ref()?;
        let endpoint = self.endpoint.as_ref()?;
        let username = match credentials {
            Credentials::Password { username, .. } => Some(username.clone()),
            _ => None,
        };
        Some(CacheKey {
            token_endpoint: endpoint.url.clone(),
            client_id: credentials.client_id()?.to_owned(),
            username,
            scope: endpoint.scope.clone(),
            audience: endpoint.audience.clone(),
        })
    }

    /// Takes a token from the shared cache when it is not yet due for refresh (by this
    /// client's margin) and not the one the Hub just rejected.
    fn adopt(&self, entry: Option<Entry>) -> Result<Option<SecretString>> {
        let Some(entry) = entry else { return Ok(None) };
        let wall = SystemTime::now();
        if wall >= entry.refresh_at(self.margin) {
            return Ok(None);
        }
        let now = self.clock.now();
        let at = |t: SystemTime| match t.duration_since(wall) {
            Ok(ahead) => now + ahead,
            Err(behind) => now.checked_sub(behind.duration()).unwrap_or(now),
        };
        let cached = Cached {
            authorization: super::authorization_for(&entry.access_token),
            access: entry.access_token.clone(),
            obtained_at: at(entry.obtained_at),
            refresh_at: at(entry.refresh_at(self.margin)),
            expires_at: at(entry.expires_at),
            refresh_token: entry.refresh_token.clone(),
            refresh_expires_at: entry.refresh_expires_at.map(at),
            shareable: true,
        };
        {
            let mut state = self.lock();
            if state.rejected.as_ref().is_some_and(|r| r.expose_secret() == cached.access.expose_secret()) {
                return Ok(None);
            }
            if self.closed.load(Ordering::SeqCst) {
                return Err(Error::closed());
            }
            state.token = Some(cached);
        }
        self.share_secrets_with_log();
        self.http.log().emit(LogLevel::Debug, "token_cache.hit", || "took a valid token from the token cache (no token request)".to_owned(), |r| r);
        Ok(Some(entry.access_token))
    }

    /// The current token as a shared cache entry, if it may be shared.
    fn entry(&self, key: CacheKey) -> Option<Entry> {
        let state = self.lock();
        let cached = state.token.as_ref().filter(|c| c.shareable)?;
        let (now, wall) = (self.clock.now(), SystemTime::now());
        let at = |t: Instant| match t.checked_duration_since(now) {
            Some(ahead) => wall + ahead,
            None => wall.checked_sub(now.duration_since(t)).unwrap_or(wall),
        };
        Some(Entry {
            key,
            access_token: cached.access.clone(),
            obtained_at: at(cached.obtained_at),
            expires_at: at(cached.expires_at),
            refresh_token: cached.refresh_token.clone(),
            refresh_expires_at: cached.refresh_expires_at.map(at),
        })
    }
}
