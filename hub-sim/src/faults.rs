//! Scripted faults for the next N matching requests, so client retry logic
//! can be tested against a server that misbehaves on cue.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::problem::{code_for_status, Problem};
use crate::requests::{Outcome, Seq, REQUEST_ID};
use crate::server::ConnAbort;
use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// Answer with `status` (a problem body and `Retry-After`) without processing.
    Status,
    /// Process the request fully, then reset the connection without answering.
    Drop,
    /// Process the request, then hold the response back for `latency_ms`.
    Latency,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub path_prefix: String,
    #[serde(default)]
    pub method: Option<String>,
    pub kind: FaultKind,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after_s: Option<u64>,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Sent as the `X-Request-ID` of the faulted responses instead of the client's, as a
    /// server that assigns its own ids would.
    #[serde(default)]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    pub remaining: u32,
}

#[derive(Debug, Default)]
pub struct Faults {
    next_id: u64,
    active: Vec<Fault>,
}

impl Faults {
    pub fn add(&mut self, mut spec: FaultSpec) -> Result<Fault, String> {
        if !spec.path_prefix.starts_with('/') {
            return Err("path_prefix must start with /".into());
        }
        if spec.path_prefix.starts_with("/_sim") {
            return Err("faults cannot target the simulator's admin endpoints".into());
        }
        spec.method = spec.method.map(|m| m.to_ascii_uppercase());
        match spec.kind {
            FaultKind::Status => match spec.status {
                Some(s) if (400..=599).contains(&s) => {}
                _ => return Err("kind status needs a status between 400 and 599".into()),
            },
            FaultKind::Latency if spec.latency_ms.is_none() => {
                return Err("kind latency needs latency_ms".into())
            }
            _ => {}
        }
        if let Some(id) = &spec.request_id {
            if spec.kind == FaultKind::Drop {
                return Err("kind drop sends no response to carry request_id".into());
            }
            if !(1..=255).contains(&id.len()) || !id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                return Err("request_id must be 1 to 255 visible ASCII characters".into());
            }
        }
        let count = spec.count.unwrap_or(1);
        if count == 0 {
            return Err("count must be at least 1".into());
        }
        self.next_id += 1;
        let fault = Fault {
            id: self.next_id,
            spec,
            remaining: count,
        };
        self.active.push(fault.clone());
        Ok(fault)
    }

    /// Consumes one use of the oldest fault matching the request.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultSpec> {
        let i = self.active.iter().position(|f| {
            path.starts_with(&f.spec.path_prefix)
                && f.spec.method.as_deref().is_none_or(|m| m == method)
        })?;
        let fault = &mut self.active[i];
        fault.remaining -= 1;
        let spec = fault.spec.clone();
        if fault.remaining == 0 {
            self.active.remove(i);
        }
        Some(spec)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.active.clone()
    }

    pub fn clear(&mut self) {
        self.active.clear();
    }
}

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

fn with_request_id(mut resp: Response, id: Option<&str>) -> Response {
    // `add` admitted only visible ASCII, so the value always parses.
    if let Some(v) = id.and_then(|id| HeaderValue::from_str(id).ok()) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prefix: &str, method: Option<&str>, count: Option<u32>) -> FaultSpec {
        FaultSpec {
            path_prefix: prefix.into(),
            method: method.map(str::to_owned),
            kind: FaultKind::Status,
            status: Some(503),
            retry_after_s: Some(1),
            count,
            latency_ms: None,
            request_id: None,
        }
    }

    #[test]
    fn faults_match_prefix_and_method_and_run_out() {
        let mut f = Faults::default();
        f.add(spec("/api/v1/projects/p1/", Some("post"), Some(2)))
            .unwrap();
        assert!(f.take("GET", "/api/v1/projects/p1/jobs").is_none());
        assert!(f.take("POST", "/api/v1/projects/p2/train-jobs").is_none());
        assert!(f.take("POST", "/api/v1/projects/p1/train-jobs").is_some());
        assert_eq!(f.list()[0].remaining, 1);
        assert!(f.take("POST", "/api/v1/projects/p1/train-jobs").is_some());
        assert!(f.take("POST", "/api/v1/projects/p1/train-jobs").is_none());
        assert!(f.list().is_empty());
    }

    #[test]
    fn any_method_and_default_count() {
        let mut f = Faults::default();
        f.add(spec("/api/", None, None)).unwrap();
        assert!(f.take("DELETE", "/api/v1/x").is_some());
        assert!(f.take("DELETE", "/api/v1/x").is_none());
    }

    #[test]
    fn rejects_bad_specs() {
        let mut f = Faults::default();
        assert!(f.add(spec("api", None, None)).is_err());
        assert!(f.add(spec("/_sim/reset", None, None)).is_err());
        assert!(f.add(spec("/api", None, Some(0))).is_err());
        let mut s = spec("/api", None, None);
        s.status = Some(200);
        assert!(f.add(s).is_err());
        let mut s = spec("/api", None, None);
        s.kind = FaultKind::Latency;
        assert!(f.add(s).is_err());
    }

    #[test]
    fn request_id_needs_a_response_and_a_header_safe_value() {
        let mut f = Faults::default();
        let with_id = |kind, id: &str| {
            let mut s = spec("/api", None, None);
            s.kind = kind;
            s.latency_ms = Some(1);
            s.request_id = Some(id.to_owned());
            s
        };
        assert!(f.add(with_id(FaultKind::Status, "srv-1")).is_ok());
        assert!(f.add(with_id(FaultKind::Latency, "srv-1")).is_ok());
        assert!(f.add(with_id(FaultKind::Drop, "srv-1")).is_err());
        assert!(f.add(with_id(FaultKind::Status, "")).is_err());
        assert!(f.add(with_id(FaultKind::Status, "a b")).is_err());
        assert!(f.add(with_id(FaultKind::Status, "é")).is_err());
        assert!(f.add(with_id(FaultKind::Status, &"x".repeat(256))).is_err());
    }
}
