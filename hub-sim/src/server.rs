//! The accept loop. Hand-rolled instead of `axum::serve` because the `drop`
//! fault has to reset a connection after its request was processed, which
//! needs a per-connection handle the request can reach.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::requests::{header_text, REQUEST_ID};

/// The largest request body the simulator reads, for its API and for what it passes on to
/// Keycloak.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Lets a request ask for its connection to be reset instead of answered.
#[derive(Clone, Default)]
pub struct ConnAbort(Arc<Notify>);

impl ConnAbort {
    pub fn abort(&self) {
        // notify_one stores a permit, so the signal is not lost if the
        // connection task is not waiting at this moment.
        self.0.notify_one();
    }
}

pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            // Out of file descriptors and the like: back off instead of
            // spinning or giving up.
            Err(e) => {
                eprintln!("hazy-hub-sim: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let abort = ConnAbort::default();
            let signal = abort.0.clone();
            #[cfg(unix)]
            let fd = std::os::fd::AsRawFd::as_raw_fd(&stream);
            let svc = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(abort.clone());
                let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
                let rid = header_text(req.headers(), &REQUEST_ID);
                Logged::new(method, path, rid, app.clone().oneshot(req))
            });
            // No timer, hence no header read timeout: it would also close
            // idle keep-alive connections, racing clients that reuse them.
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc);
            let mut conn = Box::pin(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = signal.notified() => {
                    // SO_LINGER 0 makes close() send RST: the client sees a
                    // reset, never a partial or empty HTTP response.
                    #[cfg(unix)]
                    {
                        // SAFETY: `conn` owns the socket and is still alive here.
                        let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
                        let _ = socket2::SockRef::from(&borrowed).set_linger(Some(std::time::Duration::ZERO));
                    }
                    drop(conn);
                }
            }
        });
    }
}

/// One access-log line per request: method, path (no query, and of the
/// headers only X-Request-ID, so no tokens), status and latency. A request
/// whose future is dropped without answering (a `drop` fault) is logged as
/// `dropped`.
struct Logged<F> {
    inner: Pin<Box<F>>,
    method: String,
    path: String,
    rid: Option<String>,
    start: Instant,
    done: bool,
}

impl<F> Logged<F> {
    fn new(method: String, path: String, rid: Option<String>, inner: F) -> Self {
        Logged {
            inner: Box::pin(inner),
            method,
            path,
            rid,
            start: Instant::now(),
            done: false,
        }
    }

    fn log(&self, status: &str) {
        let ms = self.start.elapsed().as_millis();
        eprintln!(
            "{}",
            log_line(&self.method, &self.path, status, ms, self.rid.as_deref())
        );
    }
}

/// The request id goes last, so the fields before it stay where log readers
/// expect them whether or not a client sent one.
fn log_line(method: &str, path: &str, status: &str, ms: u128, rid: Option<&str>) -> String {
    match rid {
        Some(rid) => format!("{method} {path} {status} {ms}ms rid={rid}"),
        None => format!("{method} {path} {status} {ms}ms"),
    }
}

impl<F, B, E> Future for Logged<F>
where
    F: Future<Output = Result<axum::http::Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let out = this.inner.as_mut().poll(cx);
        if let Poll::Ready(Ok(resp)) = &out {
            this.done = true;
            this.log(resp.status().as_str());
        }
        out
    }
}

impl<F> Drop for Logged<F> {
    fn drop(&mut self) {
        if !self.done {
            self.log("dropped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_line_ends_with_the_request_id_when_sent() {
        assert_eq!(
            log_line("POST", "/api/v1/x", "201", 3, Some("r-1")),
            "POST /api/v1/x 201 3ms rid=r-1"
        );
        assert_eq!(
            log_line("GET", "/a", "dropped", 0, None),
            "GET /a dropped 0ms"
        );
    }
}
