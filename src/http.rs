//! The HTTP connection pools shared by the token endpoint and the Hub, and the helpers both use:
//! bounded body reads and the mapping of transport failures to statuses.

use std::cell::RefCell;
use std::error::Error as StdError;
use std::time::Duration;

use reqwest::redirect::Policy;
use reqwest::Response;
use thread_local::ThreadLocal;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::logging::{LogLevel, Logger};
use crate::retry::Failure;
use crate::{runtime, tls};
use crate::status::Status;

/// The correlation headers every request carries (crate::trace).
/// Header names, not strings: a name given as a string is parsed, and allocated, per request.
pub const REQUEST_ID: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("x-request-id");
pub const TRACEPARENT: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("traceparent");

/// The HTTP connection pools of one `hazy_client_t`: one for the calls on each runtime shared by
/// the process (every thread's first calls: the shared and the overflow runtime), and one per
/// thread that has a runtime of its own.
///
/// A pooled connection is driven by a task on the runtime that opened it (crate::runtime).
/// The shared runtime is driven by whichever thread calls, and the overflow runtime by its
/// worker, so new threads share their pools, and their connections and TLS sessions. A
/// thread's own runtime runs only while that thread is inside a call, so its connections must
/// only be used from that thread: a pool shared by such threads would hand thread B a
/// connection that only runs while thread A is inside a call. Futures polled outside libhazy's runtimes (a Rust program's own tokio
/// runtime) share one further pool.
pub struct Http {
    /// Shared with the client, which keeps it after close drops this.
    log: std::sync::Arc<Logger>,
    settings: Settings,
    shared: reqwest::Client,
    /// The pools of the shared and the overflow runtime, with the generation each was made for
    /// (a forked child has other runtimes).
    on_shared: std::sync::Mutex<Vec<(u64, reqwest::Client)>>,
    per_thread: ThreadLocal<RefCell<Option<(u64, reqwest::Client)>>>,
}

/// Idle connections the shared runtime's pool keeps per host: enough for threads that come
/// and go a few at a time; a burst of many at once opens more, and closes them once used,
/// rather than holding a socket per thread after the threads are gone.
const SHARED_IDLE_PER_HOST: usize = 16;

/// What a pool is built from, made once: the TLS configuration (and its verifier's roots)
/// is shared by every pool of the client.
struct Settings {
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent: String,
    tls: rustls::ClientConfig,
    /// This client's own proxy (the `proxy` option), or None for the environment's.
    proxy: Option<ClientProxy>,
}

/// The `proxy`, `no_proxy`, `proxy_username` and `proxy_password_file` options, checked.
struct ClientProxy {
    url: reqwest::Url,
    no_proxy: Option<String>,
    auth: Option<(String, secrecy::SecretString)>,
}

impl ClientProxy {
    /// None without `proxy`; the password file is read here, once.
    fn from_config(config: &Config, log: &Logger) -> Result<Option<ClientProxy>> {
        let Some(proxy) = &config.proxy else {
            for (key, set) in [("no_proxy", config.no_proxy.is_some()), ("proxy_username", config.proxy_username.is_some()), ("proxy_password_file", config.proxy_password_file.is_some())] {
                if set {
                    return Err(Error::invalid_argument(format!("option '{key}' is set without 'proxy' (HAZY_PROXY): it applies to this client's own proxy only")));
                }
            }
            return Ok(None);
        };
        let url = reqwest::Url::parse(proxy).map_err(|_| Error::invalid_argument(format!("option 'proxy': '{proxy}' is not an http(s) URL")))?;
        let auth = match (&config.proxy_username, &config.proxy_password_file) {
            (Some(user), Some(file)) => {
                // Read as the other secret files are: trimmed, and warned about if others can read it.
                let path = std::path::Path::new(file);
                crate::secret_file::warn_if_shared(log, "proxy_password_file", path);
                Some((user.clone(), crate::secret_file::read("proxy_password_file", path)?))
            }
            (None, None) => None,
            (Some(_), None) => return Err(Error::invalid_argument("option 'proxy_username' is set without 'proxy_password_file'")),
            (None, Some(_)) => return Err(Error::invalid_argument("option 'proxy_password_file' is set without 'proxy_username'")),
        };
        Ok(Some(ClientProxy { url, no_proxy: config.no_proxy.clone(), auth }))
    }

    /// The matcher reqwest builds from the same settings, to say which URLs go through it.
    fn matcher(&self) -> hyper_util::client::proxy::matcher::Matcher {
        let mut builder = hyper_util::client::proxy::matcher::Matcher::builder().all(self.url.to_string());
        if let Some(list) = &self.no_proxy {
            builder = builder.no(list.clone());
        }
        builder.build()
    }

    fn reqwest(&self) -> Result<reqwest::Proxy> {
        let mut proxy = reqwest::Proxy::all(self.url.clone())
            .map_err(|e| Error::invalid_argument(format!("option 'proxy': {}", chain(&e))))?;
        if let Some((user, password)) = &self.auth {
            use secrecy::ExposeSecret;
            proxy = proxy.basic_auth(user, password.expose_secret());
        }
        Ok(proxy.no_proxy(self.no_proxy.as_deref().and_then(reqwest::NoProxy::from_string)))
    }
}


impl Http {
    /// Checks the TLS and proxy settings by building the first pool, so that a bad CA bundle
    /// or proxy is reported here and not by the first call.
    pub fn new(config: &Config) -> Result<Http> {
        let mut sinks = config.log_sinks.clone();
        sinks.extend(crate::logging::from_env());
        let log = std::sync::Arc::new(Logger::new(sinks));
        let extra_roots = match &config.ca_bundle {
            Some(path) => {
                let roots = tls::read_ca_bundle(path)?;
                log.emit(LogLevel::Info, "tls.ca_bundle", || format!("loaded {} CA certificate(s) from {path}, added to the system roots", roots.len()), |r| r);
                roots
            }
            None => Vec::new(),
        };
        let identity = tls::ClientIdentity::from_config(config, tls::provider(), log.clone())?.map(std::sync::Arc::new);
        if let Some(identity) = &identity {
            log.emit(LogLevel::Info, "tls.client_cert", || format!("presenting the client certificate of {identity} to servers that ask for one, read again for each new connection"), |r| r);
        }
        let proxy = ClientProxy::from_config(config, &log)?;
        let settings = Settings {
            proxy,
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
            user_agent: config.user_agent.clone(),
            tls: tls::client_config(extra_roots, config.insecure_skip_tls_verify, identity)?,
        };
        if config.insecure_skip_tls_verify {
            const WARNING: &str = "TLS certificate verification is DISABLED (insecure_skip_tls_verify); tokens and secrets can be intercepted";
            // The warning is printed whether or not anyone listens: it must not go unseen.
            if log.enabled(LogLevel::Warn) {
                log.emit(LogLevel::Warn, "config.insecure", || WARNING.to_owned(), |r| r);
            } else {
                eprintln!("libhazy: WARNING: {WARNING}");
            }
        }
        if log.enabled(LogLevel::Info) {
            log_proxy_choices(&log, config, settings.proxy.as_ref());
        }
        let shared = settings.build(None)?;
        Ok(Http { log, settings, shared, on_shared: std::sync::Mutex::new(Vec::new()), per_thread: ThreadLocal::new() })
    }

    /// The client's logger, shared by the token source and the Hub.
    pub fn log(&self) -> &Logger {
        &self.log
    }

    /// The logger, for a holder that outlives this (a closed client).
    pub fn shared_log(&self) -> std::sync::Arc<Logger> {
        self.log.clone()
    }

    /// The proxy password, for scrubbing text: in every form it is sent (Basic with the user).
    pub(crate) fn redactor(&self) -> crate::redact::Redactor {
        let mut redactor = crate::redact::Redactor::new();
        if let Some((user, password)) = self.settings.proxy.as_ref().and_then(|p| p.auth.as_ref()) {
            use secrecy::ExposeSecret;
            redactor.add_basic(user, password.expose_secret());
        }
        redactor
    }

    /// The proxy requests to `url` go through (scheme://host:port), or None when direct:
    /// this client's `proxy`, else the environment's, as reqwest chooses.
    pub fn proxy_for(&self, url: &str) -> Option<String> {
        let uri = url.parse::<http::Uri>().ok()?;
        let intercept = match &self.settings.proxy {
            Some(proxy) => proxy.matcher().intercept(&uri),
            None => hyper_util::client::proxy::matcher::Matcher::from_system().intercept(&uri),
        }?;
        let proxy = intercept.uri();
        let port = proxy.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
        Some(format!("{}://{}{port}", proxy.scheme_str().unwrap_or("http"), proxy.host().unwrap_or("")))
    }

    /// Names the proxy in a PROXY_AUTH error about a request to `url` (the transport layer
    /// does not know which proxy it went through). Other errors pass unchanged.
    pub fn name_proxy(&self, error: Error, url: &str) -> Error {
        if error.status() != Status::ProxyAuth || !error.message().contains(UNNAMED_PROXY) {
            return error;
        }
        let Some(proxy) = self.proxy_for(url) else { return error };
        error.with_message(|m| m.replacen(UNNAMED_PROXY, &format!("the proxy {proxy}"), 1))
    }

    /// The pool for the runtime driving the current thread.
    pub fn client(&self) -> Result<reqwest::Client> {
        let Some(generation) = runtime::current_generation() else {
            return Ok(self.shared.clone());
        };
        if runtime::is_shared(generation) {
            let mut pools = self.on_shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((_, client)) = pools.iter().find(|(made_for, _)| *made_for == generation) {
                return Ok(client.clone());
            }
            let client = self.settings.build(Some(SHARED_IDLE_PER_HOST))?;
            // Those of a parent's runtimes, in a forked child, are of no more use.
            pools.retain(|(made_for, _)| runtime::is_shared(*made_for));
            pools.push((generation, client.clone()));
            return Ok(client);
        }
        let slot = self.per_thread.get_or(|| RefCell::new(None));
        let mut slot = slot.borrow_mut();
        match &*slot {
            // Another generation: this thread id was reused by a new thread, or we are in a
            // forked child. The old pool's connections belong to a runtime that is gone.
            Some((made_for, client)) if *made_for == generation => Ok(client.clone()),
            _ => {
                let client = self.settings.build(None)?;
                *slot = Some((generation, client.clone()));
                Ok(client)
            }
        }
    }
}

impl Settings {
    /// Proxies come from the `proxy` option, else from `HTTPS_PROXY`, `HTTP_PROXY` and
    /// `NO_PROXY` (reqwest reads them); redirects are never followed, so a credential is never
    /// replayed to another host. `idle_per_host`: how many idle connections per host the pool
    /// keeps (reqwest's default, unbounded, when None).
    fn build(&self, idle_per_host: Option<usize>) -> Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder();
        if let Some(idle) = idle_per_host {
            builder = builder.pool_max_idle_per_host(idle);
        }
        if let Some(proxy) = &self.proxy {
            // This client's proxy alone: the environment's variables do not apply to it.
            builder = builder.no_proxy().proxy(proxy.reqwest()?);
        }
        let builder = builder
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(self.user_agent.clone())
            .redirect(Policy::none())
            .tls_backend_preconfigured(self.tls.clone());
        builder
            .build()
            .map_err(|e| Error::invalid_argument(format!("cannot build the HTTP client: {}", chain(&e))))
    }
}

/// Says, for the Hub and the token endpoint, whether requests go through a proxy (this
/// client's `proxy` and `no_proxy`, else `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
/// `NO_PROXY`, as reqwest reads them) and which; a proxy's user and password are never shown.
fn log_proxy_choices(log: &Logger, config: &Config, own: Option<&ClientProxy>) {
    let matcher = own.map_or_else(hyper_util::client::proxy::matcher::Matcher::from_system, ClientProxy::matcher);
    let from = if own.is_some() { "the proxy option" } else { "the proxy variables" };
    let targets = [("Hub", config.host.clone()), ("token endpoint", config.token_endpoint().ok())];
    for (what, url) in targets {
        let Some(url) = url.and_then(|u| reqwest::Url::parse(&u).ok()) else { continue };
        let Ok(uri) = crate::logging::without_query(&url).parse::<http::Uri>() else { continue };
        match matcher.intercept(&uri) {
            Some(intercept) => {
                let proxy = intercept.uri();
                let shown = format!("{}://{}", proxy.scheme_str().unwrap_or("http"), proxy.authority().map_or("", |a| a.as_str().rsplit('@').next().unwrap_or("")));
                log.emit(LogLevel::Info, "proxy.chosen", || format!("the {what} is reached through the proxy {shown} (from {from})"), |r| r.url(&url));
            }
            None => log.emit(LogLevel::Debug, "proxy.none", || format!("the {what} is reached directly (no proxy applies, from {from})"), |r| r.url(&url)),
        }
    }
}

/// The request id of an exchange as the server's logs know it: the `X-Request-ID` the server
/// answered with (a gateway may set its own), else the one `span` sent.
pub fn request_id(response: &Response, span: &crate::trace::Span) -> String {
    response
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| !id.is_empty())
        .map_or_else(|| span.request_id().to_owned(), str::to_owned)
}

/// Reads a response body, refusing more than `limit` bytes so that a misbehaving server
/// cannot make the library allocate without bound. A connection lost mid-body is worth a
/// retry; an oversized body is not, since the server would send the same again.
pub async fn read_body(mut response: Response, limit: usize, what: &str) -> std::result::Result<Vec<u8>, Failure> {
    let status = response.status().as_u16();
    if let Some(refused) = proxy_refusal(status, what) {
        return Err(Failure::permanent(refused));
    }
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Failure::permanent(too_large(what, limit, status)));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Failure::transient(transport(&e, what), None))? {
        if body.len() + chunk.len() > limit {
            return Err(Failure::permanent(too_large(what, limit, status)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A server that requires a TLS client certificate and got none (or one it does not trust).
///
/// Most servers refuse such a client in the handshake, which rustls reports as a TLS error (or
/// the connection drops: NETWORK). nginx with `ssl_verify_client on` instead completes the
/// handshake and answers HTTP 400 with "No required SSL certificate was sent" (its internal
/// 496) or "The SSL certificate error" (495). That is a TLS refusal, not a bad request, so it
/// gets the same status as the handshake failure: TLS.
pub fn client_certificate_refusal(status: u16, body: &[u8], what: &str) -> Option<Error> {
    let body = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let missing = status == 496 || (status == 400 && body.contains("No required SSL certificate was sent"));
    let refused = status == 495 || (status == 400 && body.contains("The SSL certificate error"));
    let why = if missing {
        "the server requires a TLS client certificate and none was sent: set client_cert and client_key"
    } else if refused {
        "the server refused the TLS client certificate (an issuer it does not trust, or expired)"
    } else {
        return None;
    };
    Some(Error::new(Status::Tls, format!("{what}: {why} (HTTP {status})")).with_http_status(status))
}

fn too_large(what: &str, limit: usize, status: u16) -> Error {
    Error::protocol(format!("{what}: response body exceeds {limit} bytes")).with_http_status(status)
}

/// Stands for the proxy in a PROXY_AUTH message until [`Http::name_proxy`] names it.
const UNNAMED_PROXY: &str = "the proxy on the way";

fn proxy_auth(what: &str) -> Error {
    Error::new(
        Status::ProxyAuth,
        format!("{what}: {UNNAMED_PROXY} requires authentication (HTTP 407 Proxy Authentication Required): set proxy_username and proxy_password_file, or check them"),
    )
    .with_http_status(407)
}

/// A proxy's HTTP 407 to a plain-http request (an https request gets it on its CONNECT,
/// which [`transport`] maps): PROXY_AUTH. [`read_body`] checks it first, before a body
/// the proxy may not send in full (tinyproxy resets the connection).
pub fn proxy_refusal(status: u16, what: &str) -> Option<Error> {
    (status == 407).then(|| proxy_auth(what))
}

/// A CONNECT refused with 407: hyper-util's tunnel error, somewhere down the chain (its type
/// is private, its text is not: "proxy authorization required").
fn is_proxy_auth(error: &reqwest::Error) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("proxy authorization required") || text.contains("proxy authentication required") {
            return true;
        }
        current = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    false
}

/// Maps a transport failure: timeouts, TLS failures and everything else on the wire.
pub fn transport(error: &reqwest::Error, what: &str) -> Error {
    if is_proxy_auth(error) {
        return proxy_auth(what);
    }
    // reqwest's own top line ("error sending request for url (...)") repeats what `what`
    // says; the causes below it are the useful part.
    let detail = error.source().map_or_else(|| error.to_string(), chain);
    let tls = tls_error(error);
    let status = if error.is_timeout() {
        Status::Timeout
    } else if tls.is_some() {
        Status::Tls
    } else {
        Status::Network
    };
    Error::new(status, format!("{what}: {detail}{}", tls.and_then(client_certificate_hint).unwrap_or_default()))
}

/// What a server's alert says about our client certificate: a server sends these only about
/// the certificate a client presented, or failed to present (RFC 8446 §6.2).
fn client_certificate_hint(error: &rustls::Error) -> Option<&'static str> {
    use rustls::AlertDescription as Alert;
    match error {
        rustls::Error::AlertReceived(Alert::CertificateRequired) => {
            Some(" (the server requires a TLS client certificate: set client_cert and client_key)")
        }
        rustls::Error::AlertReceived(
            Alert::BadCertificate | Alert::UnknownCA | Alert::CertificateExpired | Alert::CertificateRevoked
            | Alert::CertificateUnknown | Alert::UnsupportedCertificate | Alert::AccessDenied,
        ) => Some(" (the server refused the TLS client certificate, or requires one: check client_cert)"),
        _ => None,
    }
}

fn tls_error(error: &reqwest::Error) -> Option<&rustls::Error> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // The connector wraps rustls's error in io::Errors, sometimes two deep, and an
        // io::Error's source() skips the error it wraps, so descend with get_ref().
        current = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    None
}

/// The error and its causes on one line: reqwest's top-level message alone ("error sending
/// request") does not say what went wrong.
fn chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let part = e.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, v).unwrap();
        }
        c
    }

    #[test]
    fn the_proxy_option_is_checked_and_never_holds_credentials() {
        let mut c = Config::default();
        for bad in ["socks5://127.0.0.1:1080", "127.0.0.1:3128", "http://", "http://user:CANARY-pw@proxy:3128"] {
            let e = c.set("proxy", bad).unwrap_err();
            assert_eq!(e.status(), Status::InvalidArgument, "{bad}");
            assert!(!e.message().contains("CANARY"), "{}", e.message());
        }
        for (key, value) in [("no_proxy", "localhost"), ("proxy_username", "u"), ("proxy_password_file", "/x")] {
            let e = Http::new(&config(&[(key, value)])).err().expect("refused without proxy");
            assert!(e.message().contains(key) && e.message().contains("'proxy'"), "{}", e.message());
        }
        let e = Http::new(&config(&[("proxy", "http://p:3128"), ("proxy_username", "u")])).err().unwrap();
        assert!(e.message().contains("proxy_password_file"), "{}", e.message());
    }

    #[test]
    fn a_407_names_this_clients_proxy_and_is_not_retried() {
        let dir = std::env::temp_dir().join(format!("hazy-proxy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pw");
        std::fs::write(&file, "CANARY-proxy-password\n").unwrap();
        let http = Http::new(&config(&[
            ("proxy", "http://proxy.example:3128"),
            ("no_proxy", "direct.example"),
            ("proxy_username", "alice"),
            ("proxy_password_file", file.to_str().unwrap()),
        ]))
        .unwrap();
        assert_eq!(http.proxy_for("https://hub.example/api").as_deref(), Some("http://proxy.example:3128"));
        assert_eq!(http.proxy_for("https://direct.example/api"), None);
        let error = proxy_refusal(407, "token endpoint https://kc.example/token").unwrap();
        assert_eq!((error.status(), error.http_status()), (Status::ProxyAuth, 407));
        assert!(!crate::retry::Failure::transient(error.clone(), None).retryable);
        let named = http.name_proxy(error, "https://kc.example/token");
        assert!(named.message().contains("the proxy http://proxy.example:3128 requires authentication"), "{}", named.message());
        assert!(proxy_refusal(400, "x").is_none());
        let scrubbed = http.redactor().scrub("echoed: CANARY-proxy-password and YWxpY2U6Q0FOQVJZLXByb3h5LXBhc3N3b3Jk");
        assert!(!scrubbed.contains("CANARY") && !scrubbed.contains("YWxpY2U6Q0FOQVJZ"), "{scrubbed}");
    }
}
