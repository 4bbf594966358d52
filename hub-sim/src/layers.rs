//! The two layers every matched API request passes, outermost first: [`observe`] counts and logs
//! it (stats, the request log, the echoed `X-Request-ID`), then [`inject`] plays the fault armed
//! for it, if any.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::faults::{with_request_id, with_state, FaultKind};
use crate::problem::{code_for_status, Problem};
use crate::requests::{Outcome, Seq, REQUEST_ID};
use crate::server::ConnAbort;
use crate::state::AppState;

/// Counts and logs the request before anything can reject it, so 401s, 422s and injected
/// faults show up too, then echoes its `X-Request-ID` on whatever answers it.
pub async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let template = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let Some(template) = template else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let project = match RawPathParams::from_request_parts(&mut parts, &state).await {
        Ok(params) => {
            let mut project = None;
            for (name, value) in params.iter() {
                match name {
                    "project_id" => project = Some(value.to_owned()),
                    "job_id" => {
                        project = state
                            .store
                            .lock()
                            .unwrap()
                            .job_project(value)
                            .map(str::to_owned)
                    }
                    _ => {}
                }
            }
            project
        }
        Err(_) => None,
    };
    let route = format!("{} {}", parts.method, template);
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    state
        .stats
        .lock()
        .unwrap()
        .record(project.as_deref(), user_agent, &route);
    let seq = state.requests.lock().unwrap().begin(
        parts.method.as_str(),
        parts.uri.path(),
        &route,
        &parts.headers,
        project.as_deref(),
    );
    parts.extensions.insert(Seq(seq));
    let pending = Pending::new(state.clone(), seq);
    // Answers under /auth are Keycloak's, passed through as it sent them.
    let echo = if template.starts_with("/api/") {
        parts.headers.get(&REQUEST_ID).cloned()
    } else {
        None
    };
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    if let Some(id) = echo {
        // A fault's `request_id` is already there: the server's own id wins.
        resp.headers_mut().entry(REQUEST_ID).or_insert(id);
    }
    pending.finish(resp.status().as_u16());
    resp
}

/// Completes an entry; if dropped unfinished, the request's future was dropped without an
/// answer, which the access log also calls `dropped`.
struct Pending {
    state: Arc<AppState>,
    seq: u64,
    done: bool,
}

impl Pending {
    fn new(state: Arc<AppState>, seq: u64) -> Self {
        Pending {
            state,
            seq,
            done: false,
        }
    }

    fn finish(mut self, status: u16) {
        self.done = true;
        self.record(Outcome::Answered(status));
    }

    fn record(&self, outcome: Outcome) {
        self.state
            .requests
            .lock()
            .unwrap()
            .finish(self.seq, outcome);
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done {
            self.record(Outcome::Dropped);
        }
    }
}

/// Answers with the first armed fault that matches the request, or lets it through.
pub async fn inject(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let fault = state
        .faults
        .lock()
        .unwrap()
        .take(req.method().as_str(), req.uri().path());
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    match fault.kind {
        FaultKind::Status => {
            let status = StatusCode::from_u16(fault.status.unwrap_or(503))
                .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut p = Problem::new(
                status,
                code_for_status(status),
                format!("simulated fault: {status}"),
            );
            let retry = fault
                .retry_after_s
                .or(matches!(status.as_u16(), 429 | 503).then_some(1));
            if let Some(s) = retry {
                p = p.with_retry_after(s);
            }
            with_request_id(p.into_response(), fault.request_id.as_deref())
        }
        FaultKind::Latency => {
            let resp = next.run(req).await;
            tokio::time::sleep(Duration::from_millis(fault.latency_ms.unwrap_or(0))).await;
            with_request_id(resp, fault.request_id.as_deref())
        }
        FaultKind::State => {
            let resp = next.run(req).await;
            let state = fault.state.as_deref().unwrap_or_default();
            let resp = with_state(resp, state, fault.progress).await;
            with_request_id(resp, fault.request_id.as_deref())
        }
        FaultKind::Drop => {
            let Some(abort) = req.extensions().get::<ConnAbort>().cloned() else {
                return Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "drop needs a real connection",
                )
                .into_response();
            };
            let seq = req.extensions().get::<Seq>().copied();
            // Let the handler finish (a submission creates its job), then
            // throw the response away with the connection.
            drop(next.run(req).await);
            // Before the reset: a client that sees it may ask /_sim/requests at once,
            // before this future is dropped and the entry would be completed anyway.
            if let Some(Seq(seq)) = seq {
                state.requests.lock().unwrap().finish(seq, Outcome::Dropped);
            }
            abort.abort();
            std::future::pending().await
        }
    }
}
