//! In-process HTTP servers standing in for Keycloak's token endpoint and the Hub, so the
//! token lifecycle can be tested with exact request counts and an injectable clock.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::Router;

/// What the fake token endpoint answers: the next queued response, or a fresh token.
#[derive(Default)]
pub struct TokenServer {
    pub requests: AtomicU64,
    /// Grant type of each request, in order.
    pub grants: Mutex<Vec<String>>,
    /// Each request's form (secrets included; the tests check what was sent).
    pub forms: Mutex<Vec<HashMap<String, String>>>,
    pub headers: Mutex<Vec<HeaderMap>>,
    /// Answers to give before falling back to a fresh token, front first.
    pub scripted: Mutex<Vec<(u16, String)>>,
    pub expires_in: AtomicU64,
    pub delay_ms: AtomicU64,
    /// Answers to the refresh_token grant with invalid_grant when set.
    pub reject_refresh: std::sync::atomic::AtomicBool,
    pub issue_refresh_tokens: std::sync::atomic::AtomicBool,
}

impl TokenServer {
    pub fn new(expires_in: u64) -> Arc<TokenServer> {
        let server = TokenServer::default();
        server.expires_in.store(expires_in, Ordering::SeqCst);
        Arc::new(server)
    }

    pub fn count(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn grants(&self) -> Vec<String> {
        self.grants.lock().unwrap().clone()
    }

    pub fn script(&self, status: u16, body: &str) {
        self.scripted.lock().unwrap().push((status, body.to_owned()));
    }
}

async fn token(
    State(server): State<Arc<TokenServer>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let n = server.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let grant = form.get("grant_type").cloned().unwrap_or_default();
    server.grants.lock().unwrap().push(grant.clone());
    server.forms.lock().unwrap().push(form);
    server.headers.lock().unwrap().push(headers);
    let delay = server.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let scripted = {
        let mut queue = server.scripted.lock().unwrap();
        (!queue.is_empty()).then(|| queue.remove(0))
    };
    if let Some((status, body)) = scripted {
        return (StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body).into_response();
    }
    if grant == "refresh_token" && server.reject_refresh.load(Ordering::SeqCst) {
        let body = r#"{"error":"invalid_grant","error_description":"Token is not active"}"#;
        return (StatusCode::BAD_REQUEST, [("content-type", "application/json")], body).into_response();
    }
    let refresh = if server.issue_refresh_tokens.load(Ordering::SeqCst) {
        format!(r#","refresh_token":"refresh-{n}","refresh_expires_in":1800"#)
    } else {
        String::new()
    };
    let body = format!(
        r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":{}{refresh}}}"#,
        server.expires_in.load(Ordering::SeqCst)
    );
    ([("content-type", "application/json")], body).into_response()
}

/// Decides a fake Hub answer from (path, Authorization header, request number from 1).
pub type Responder = Box<dyn Fn(&str, &str, usize) -> (u16, String) + Send + Sync>;

/// A fake Hub: records each request's bearer token and path; answers by `respond`.
pub struct HubServer {
    pub requests: Mutex<Vec<(String, String, Option<String>)>>,
    pub respond: Responder,
}

impl HubServer {
    pub fn new(respond: impl Fn(&str, &str, usize) -> (u16, String) + Send + Sync + 'static) -> Arc<HubServer> {
        Arc::new(HubServer { requests: Mutex::new(Vec::new()), respond: Box::new(respond) })
    }

    pub fn tokens(&self) -> Vec<String> {
        self.requests.lock().unwrap().iter().map(|(_, auth, _)| auth.clone()).collect()
    }

    pub fn idempotency_keys(&self) -> Vec<Option<String>> {
        self.requests.lock().unwrap().iter().map(|(_, _, k)| k.clone()).collect()
    }
}

async fn hub(State(server): State<Arc<HubServer>>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let n = {
        let mut requests = server.requests.lock().unwrap();
        requests.push((uri.path().to_owned(), auth.clone(), key));
        requests.len()
    };
    let (status, body) = (server.respond)(uri.path(), &auth, n);
    let mut response = (StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body).into_response();
    if status == 401 {
        response.headers_mut().insert("www-authenticate", r#"Bearer error="invalid_token", error_description="token rejected by test""#.parse().unwrap());
    }
    if status == 503 {
        response.headers_mut().insert("retry-after", "0".parse().unwrap());
    }
    response
}

/// Serves the token endpoint at `/token` and the Hub under `/api/`; returns the base URL.
/// The server runs on its own thread and runtime, independent of the library's.
pub fn serve(tokens: Arc<TokenServer>, hub_server: Option<Arc<HubServer>>) -> String {
    let mut app = Router::new().route("/token", post(token)).with_state(tokens);
    if let Some(h) = hub_server {
        app = app.merge(Router::new().route("/api/{*rest}", any(hub)).with_state(h));
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    serve_router(app, rt)
}

/// Serves `app` on a free loopback port from its own thread and runtime (independent of the
/// library's); returns the base URL once it listens.
pub fn serve_router(app: Router, rt: tokio::runtime::Runtime) -> String {
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// A current-thread runtime for a test server that needs no more.
pub fn small_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Serves fixed bytes for every request: for malformed and oversized answers.
pub fn serve_raw(status: u16, body: Vec<u8>) -> String {
    let app = Router::new().route(
        "/{*rest}",
        any(move || {
            let body = body.clone();
            async move { (StatusCode::from_u16(status).unwrap(), body) }
        }),
    );
    serve_router(app, small_runtime())
}

/// A clock that moves only when told to, for `Client::with_clock`.
#[derive(Debug)]
pub struct ManualClock {
    start: std::time::Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock { start: std::time::Instant::now(), offset: Mutex::new(Duration::ZERO) }
    }

    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap() += by;
    }
}

impl hazy::auth::Clock for ManualClock {
    fn now(&self) -> std::time::Instant {
        self.start + *self.offset.lock().unwrap()
    }
}
