//! The client: configuration, its HTTP connection pools, one token cache and the Hub API,
//! shared by every thread that holds it.
//!
//! Closing drops the heavy part (pools, token cache, Hub client: [`Open`]) at once; what is left
//! until the last clone goes is the configuration without its secrets, the logger and flags.

use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use crate::auth::{AssertionKey, Clock, Credentials, SystemClock, TokenCache, TokenEndpoint, TokenSource};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::hub::{self, Hub, Job, Model};
use crate::retry::RetryPolicy;
use crate::status::Status;
use crate::http::Http;
use crate::logging::{LogLevel, Logger};
use crate::trace::{self, TraceParent};

/// A Hub client. Cheap to clone; clones share the connection pool and the token cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The trace context calls through this handle join (crate::trace); clones made by
    /// [`Client::with_traceparent`] differ only in this.
    parent: Option<TraceParent>,
}

struct Inner {
    /// The configuration without its secrets (client_secret, password, access_token): those
    /// went into [`Open`], so that close drops them.
    config: Config,
    /// The client's logger: outlives close, for the calls that end after it.
    log: Arc<Logger>,
    /// The process that created the client: its connection pool belongs to that process's
    /// runtime and is unusable in a forked child.
    pid: u32,
    /// Token endpoint requests sent, counted by the token cache; still readable after close.
    token_requests: Arc<AtomicU64>,
    /// Fired by [`Client::close`]; waits race it.
    closed: CancellationToken,
    /// The same as `closed.is_cancelled()`, read on every call without the token's lock.
    closed_flag: std::sync::atomic::AtomicBool,
    /// The heavy state, None once closed. A call holds its own reference for its length, so
    /// close never frees what a call in progress uses: the last reference frees it.
    open: RwLock<Option<Arc<Open>>>,
}

/// What [`Client::close`] drops: the token cache and its credentials (secrecy's `SecretString`,
/// wiped when dropped), the Hub client, and with them (their only owners) the connection
/// pools, one per calling thread.
struct Open {
    tokens: Arc<TokenSource>,
    hub: Option<Hub>,
    /// The configured credentials, for [`Client::authenticate`] without any.
    configured: Option<Credentials>,
    /// Declared last, so dropped after all the above.
    _released: Released,
}

/// Finishes dropping [`Open`], once its fields are gone.
struct Released(Arc<Logger>);

impl Drop for Released {
    fn drop(&mut self) {
        // The logger kept every form of the tokens to scrub records with; nothing is left to
        // scrub once the last call using them is gone.
        self.0.set_secrets(crate::redact::Redactor::new());
        // The pools are gone, but their connections' tasks sit on the runtimes of the threads
        // that opened them: let those tasks end and free their sockets and buffers.
        crate::runtime::release_tasks();
    }
}

/// A call's reference to the Hub client of an open client.
struct HubRef(Arc<Open>);

impl std::ops::Deref for HubRef {
    type Target = Hub;
    fn deref(&self) -> &Hub {
        self.0.hub.as_ref().expect("checked by Client::hub")
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Client> {
        Client::with_clock(config, Arc::new(SystemClock))
    }

    /// As `new`, with the clock the token cache uses to decide expiry (tests move it by hand).
    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Client> {
        let pid = std::process::id();
        config.check_secret_files()?;
        // A credential command that cannot be split into words is refused now, not at the grant.
        if let Some(command) = crate::auth::CredentialCommand::from_config(&config) {
            command.check()?;
        }
        let http = Arc::new(Http::new(&config)?);
        // Without a derivable token endpoint only bearer tokens can work; that is reported
        // when a grant is attempted, not here.
        // A bad key file is reported now, naming the option and path.
        let assertion_key = AssertionKey::from_config(&config)?.map(Arc::new);
        let endpoint = TokenEndpoint::from_config(&config, assertion_key).ok();
        // A process waits for another's token request about as long as for its own.
        let shared = config
            .token_cache
            .as_deref()
            .map(|path| TokenCache::open(path, config.request_timeout, http.log()))
            .transpose()?;
        let tokens = Arc::new(TokenSource::new(
            http.clone(),
            endpoint,
            clock,
            config.token_refresh_margin,
            Credentials::from_config(&config),
            shared,
        ));
        let hub = match &config.host {
            Some(host) => Some(Hub::new(http.clone(), host, tokens.clone(), RetryPolicy::from_config(&config))?),
            None => None,
        };
        let parent = config.traceparent;
        let configured = Credentials::from_config(&config);
        let mut config = config;
        // Kept until the last clone goes, so without what close must drop.
        config.client_secret = None;
        config.password = None;
        config.access_token = None;
        let log = http.shared_log();
        let inner = Inner {
            config,
            log: log.clone(),
            pid,
            token_requests: tokens.request_counter(),
            closed: CancellationToken::new(),
            closed_flag: std::sync::atomic::AtomicBool::new(false),
            open: RwLock::new(Some(Arc::new(Open { tokens, hub, configured, _released: Released(log) }))),
        };
        Ok(Client { inner: Arc::new(inner), parent })
    }

    /// This client, with calls joining `parent`'s trace instead of the configured one: for a
    /// caller that passes its own trace context per call. Shares everything else.
    pub fn with_traceparent(&self, parent: Option<TraceParent>) -> Client {
        Client { inner: self.inner.clone(), parent }
    }

    /// The client's logger (its sinks and their levels).
    pub fn log(&self) -> &Logger {
        &self.inner.log
    }

    /// Runs one public call: in its own trace, with a failure logged at `error` level with
    /// the request id support will ask for.
    ///
    /// Wraps `work` in place rather than awaiting it from an `async fn` (see [`trace::in_call`]).
    fn call<'a, T: 'a>(
        &'a self,
        op: &'a str,
        work: impl Future<Output = Result<T>> + 'a,
    ) -> impl Future<Output = Result<T>> + 'a {
        use futures_util::FutureExt;
        // Made as the call starts: its future is built inside the blocking call that polls it.
        let started = Instant::now();
        let logged = work.inspect(move |result| {
            if let Err(e) = result {
                self.log().emit(LogLevel::Error, "call.failed", || format!("{op}: {e}"), |r| {
                    r.status(e.http_status()).request_id(e.request_id()).elapsed(started.elapsed())
                });
            }
        });
        trace::in_call(self.parent.as_ref(), logged)
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Closes the client, for every clone: waits in progress end with [`Status::Closed`], and
    /// so does every later call. Calls already sending a request finish it, so a submission
    /// is never cut off halfway; none of them gets a token any more. Idempotent and
    /// thread-safe.
    ///
    /// The connection pools, the token cache with its credentials and tokens (wiped) and the
    /// Hub client are dropped now, or, if calls are in progress, when the last of them returns.
    /// Idle connections then end, freeing their buffers, on every libhazy runtime not busy
    /// with a call (a busy one ends them itself as it runs).
    pub fn close(&self) {
        // First the flag, then the state: a call that saw the client open and then finds the
        // state gone reports CLOSED just the same.
        self.inner.closed_flag.store(true, std::sync::atomic::Ordering::SeqCst);
        self.inner.closed.cancel();
        let open = self.inner.open.write().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(open) = open {
            open.tokens.close();
        }
    }

    pub fn is_closed(&self) -> bool {
        self.inner.closed_flag.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Resolves when the client is closed.
    pub(crate) async fn closed(&self) {
        self.inner.closed.cancelled().await
    }

    /// The open state, held for the length of a call; CLOSED once the client is closed.
    fn open(&self) -> Result<Arc<Open>> {
        if self.is_closed() {
            return Err(Error::closed());
        }
        self.inner.open.read().unwrap_or_else(PoisonError::into_inner).clone().ok_or_else(Error::closed)
    }

    /// Fails in a forked child that inherited this client.
    pub fn check_process(&self) -> Result<()> {
        if std::process::id() != self.inner.pid {
            return Err(Error::new(
                Status::InvalidState,
                "this client was created before fork(); create a new client in the child process",
            ));
        }
        Ok(())
    }

    /// Authenticates with `credentials`, or with those configured when None, and caches the
    /// token. Later calls refresh it as needed.
    pub async fn authenticate(&self, credentials: Option<Credentials>) -> Result<()> {
        self.call("authenticate", async {
            let open = self.open()?;
            let credentials = credentials
                .or_else(|| open.configured.clone())
                .ok_or_else(crate::auth::no_credentials)?;
            open.tokens.authenticate(credentials).await
        })
        .await
    }

    /// A currently valid access token, refreshed first if due.
    pub async fn access_token(&self) -> Result<SecretString> {
        self.call("get an access token", async { self.open()?.tokens.token().await })
        .await
    }

    /// Ends the Keycloak session of the client's tokens and of the token cache's entry for its
    /// credentials (see [`TokenSource::logout`]); later calls authenticate anew.
    pub async fn logout(&self) -> Result<crate::auth::Logout> {
        self.call("log out", async { self.open()?.tokens.logout().await }).await
    }

    /// How many requests the client has sent to the token endpoint.
    pub fn token_requests(&self) -> u64 {
        self.inner.token_requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn hub(&self) -> Result<HubRef> {
        let open = self.open()?;
        if open.hub.is_none() {
            return Err(Error::invalid_argument("no Hub host configured: set host (HAZY_HUB_HOST)"));
        }
        Ok(HubRef(open))
    }

    /// Submits a training job after checking the config locally (nothing is sent when the
    /// check fails).
    pub async fn train(&self, project_id: &str, config_json: &str) -> Result<Job> {
        self.train_with_key(project_id, config_json, None).await
    }

    /// As [`Client::train`], under the caller's `Idempotency-Key` (None: a fresh one). A rerun
    /// with the same key, from any process, returns the job of the first submission instead
    /// of training twice. A failed submission's error carries the key it used.
    pub async fn train_with_key(&self, project_id: &str, config_json: &str, key: Option<&str>) -> Result<Job> {
        self.call("train", async {
            hub::check_training_config(config_json)?;
            self.hub()?.submit_train_job(project_id, config_json, key).await
        })
        .await
    }

    pub async fn job(&self, job_id: &str) -> Result<Job> {
        self.call("get job", async { self.hub()?.job(job_id).await }).await
    }

    pub async fn cancel_job(&self, job_id: &str) -> Result<Job> {
        self.call("cancel job", async { self.hub()?.cancel_job(job_id).await }).await
    }

    pub async fn list_jobs(&self, project_id: &str) -> Result<Vec<Job>> {
        self.call("list jobs", async { self.hub()?.list_jobs(project_id).await }).await
    }

    pub async fn list_models(&self, project_id: &str) -> Result<Vec<Model>> {
        self.call("list models", async { self.hub()?.list_models(project_id).await }).await
    }

    /// Submits a generation job from a trained model: `num_rows`, a generation config (a JSON
    /// object), or both.
    pub async fn generate(
        &self,
        project_id: &str,
        model_id: &str,
        num_rows: Option<u64>,
        config_json: Option<&str>,
    ) -> Result<Job> {
        self.generate_with_key(project_id, model_id, num_rows, config_json, None).await
    }

    /// As [`Client::generate`], under the caller's `Idempotency-Key`; see
    /// [`Client::train_with_key`].
    pub async fn generate_with_key(
        &self,
        project_id: &str,
        model_id: &str,
        num_rows: Option<u64>,
        config_json: Option<&str>,
        key: Option<&str>,
    ) -> Result<Job> {
        self.call("generate", async {
            let config = config_json.map(hub::check_generation_config).transpose()?;
            if num_rows.is_none() && config.is_none() {
                return Err(Error::new(Status::Validation, "generation needs num_rows or a generation config")
                    .with_field(Some("num_rows".to_owned())));
            }
            self.hub()?.submit_generation_job(project_id, model_id, num_rows, config, key).await
        })
        .await
    }
}
