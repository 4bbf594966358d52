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
pub const REQUEST_ID: &str = "x-request-id";
pub const TRACEPARENT: &str = "traceparent";

/// The HTTP connection pools of one `hazy_client_t`: one per calling thread.
///
/// A pooled connection is driven by a task on the runtime that opened it, and each blocking
/// call runs on its own thread's runtime (crate::runtime), so a connection must only be used
/// from the thread that made it: a pool shared by threads would hand thread B a connection
/// that only runs while thread A is inside a call. Futures polled outside libhazy's runtimes
/// (a Rust program's own tokio runtime) share one further pool.
pub struct Http {
    /// Shared with the client, which keeps it after close drops this.
    log: std::sync::Arc<Logger>,
    settings: Settings,
    shared: reqwest::Client,
    per_thread: ThreadLocal<RefCell<Option<(u64, reqwest::Client)>>>,
}

/// What a pool is built from, made once: the TLS configuration (and its verifier's roots)
/// is shared by every pool of the client.
struct Settings {
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent: String,
    tls: rustls::ClientConfig,
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
        let identity = tls::ClientIdentity::from_paths(config.client_cert.as_deref(), config.client_key.as_deref())?;
        if let Some(cert) = &config.client_cert {
            log.emit(LogLevel::Info, "tls.client_cert", || format!("presenting the client certificate {cert} to servers that ask for one"), |r| r);
        }
        let settings = Settings {
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
            log_proxy_choices(&log, config);
        }
        let shared = settings.build()?;
        Ok(Http { log, settings, shared, per_thread: ThreadLocal::new() })
    }

    /// The client's logger, shared by the token source and the Hub.
    pub fn log(&self) -> &Logger {
        &self.log
    }

    /// The logger, for a holder that outlives this (a closed client).
    pub fn shared_log(&self) -> std::sync::Arc<Logger> {
        self.log.clone()
    }

    /// The pool for the runtime driving the current thread.
    pub fn client(&self) -> Result<reqwest::Client> {
        let Some(generation) = runtime::current_generation() else {
            return Ok(self.shared.clone());
        };
        let slot = self.per_thread.get_or(|| RefCell::new(None));
        let mut slot = slot.borrow_mut();
        match &*slot {
            // Another generation: this thread id was reused by a new thread, or we are in a
            // forked child. The old pool's connections belong to a runtime that is gone.
            Some((made_for, client)) if *made_for == generation => Ok(client.clone()),
            _ => {
                let client = self.settings.build()?;
                *slot = Some((generation, client.clone()));
                Ok(client)
            }
        }
    }
}

impl Settings {
    /// Proxies come from `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (reqwest reads them);
    /// redirects are never followed, so a credential is never replayed to another host.
    fn build(&self) -> Result<reqwest::Client> {
        let builder = reqwest::Client::builder()
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

/// Says, for the Hub and the token endpoint, whether requests go through a proxy (from
/// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as reqwest reads them) and which;
/// a proxy's user and password are never shown.
fn log_proxy_choices(log: &Logger, config: &Config) {
    let matcher = hyper_util::client::proxy::matcher::Matcher::from_system();
    let targets = [("Hub", config.host.clone()), ("token endpoint", config.token_endpoint().ok())];
    for (what, url) in targets {
        let Some(url) = url.and_then(|u| reqwest::Url::parse(&u).ok()) else { continue };
        let Ok(uri) = crate::logging::without_query(&url).parse::<http::Uri>() else { continue };
        match matcher.intercept(&uri) {
            Some(intercept) => {
                let proxy = intercept.uri();
                let shown = format!("{}://{}", proxy.scheme_str().unwrap_or("http"), proxy.authority().map_or("", |a| a.as_str().rsplit('@').next().unwrap_or("")));
                log.emit(LogLevel::Info, "proxy.chosen", || format!("the {what} is reached through the proxy {shown}"), |r| r.url(&url));
            }
            None => log.emit(LogLevel::Debug, "proxy.none", || format!("the {what} is reached directly (no proxy variable applies)"), |r| r.url(&url)),
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

/// Maps a transport failure: timeouts, TLS failures and everything else on the wire.
pub fn transport(error: &reqwest::Error, what: &str) -> Error {
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
