//! Scripted faults for the next N matching requests, so client retry logic
//! can be tested against a server that misbehaves on cue, and answers in a
//! state vocabulary this project does not know, so waits can be tested
//! against a Hub that speaks differently.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::problem::Problem;
use crate::requests::REQUEST_ID;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// Answer with `status` (a problem body and `Retry-After`) without processing.
    Status,
    /// Process the request fully, then reset the connection without answering.
    Drop,
    /// Process the request, then hold the response back for `latency_ms`.
    Latency,
    /// Process the request, then answer with the job's `state` (and `progress`, if given)
    /// replaced by the fault's, verbatim: the Hub's real state names are not public.
    State,
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
    /// Kind `state`: the raw state string the job is reported in.
    #[serde(default)]
    pub state: Option<String>,
    /// Kind `state`: the progress reported with it; the job's own when absent.
    #[serde(default)]
    pub progress: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// None: armed until disarmed (a `state` fault given no `count`).
    pub remaining: Option<u32>,
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
            FaultKind::State => match &spec.state {
                Some(s) if s.len() <= 255 => {}
                Some(_) => return Err("state must be at most 255 bytes".into()),
                None => return Err("kind state needs state".into()),
            },
            _ => {}
        }
        if spec.kind != FaultKind::State && (spec.state.is_some() || spec.progress.is_some()) {
            return Err("state and progress go with kind state".into());
        }
        if let Some(id) = &spec.request_id {
            if spec.kind == FaultKind::Drop {
                return Err("kind drop sends no response to carry request_id".into());
            }
            if !(1..=255).contains(&id.len()) || !id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                return Err("request_id must be 1 to 255 visible ASCII characters".into());
            }
        }
        if spec.count == Some(0) {
            return Err("count must be at least 1".into());
        }
        // A Hub that reports a state keeps reporting it: a wait that polls past a fault
        // with a count would see the real state again and could pass for the wrong reason.
        let remaining = match (spec.kind, spec.count) {
            (FaultKind::State, None) => None,
            (_, count) => Some(count.unwrap_or(1)),
        };
        self.next_id += 1;
        let fault = Fault {
            id: self.next_id,
            spec,
            remaining,
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
        let spec = fault.spec.clone();
        if let Some(left) = fault.remaining.as_mut() {
            *left -= 1;
            if *left == 0 {
                self.active.remove(i);
            }
        }
        Some(spec)
    }

    /// Disarms one fault; false when no armed fault has that id.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.active.len();
        self.active.retain(|f| f.id != id);
        self.active.len() != before
    }

    pub fn list(&self) -> Vec<Fault> {
        self.active.clone()
    }

    pub fn clear(&mut self) {
        self.active.clear();
    }
}

/// Rewrites the `state` (and `progress`) of the job a successful answer carries, or of each
/// job of a page. Anything else, errors included, passes through unchanged.
pub(crate) async fn with_state(resp: Response, state: &str, progress: Option<f64>) -> Response {
    if !resp.status().is_success() {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "could not read the response to rewrite its state",
        )
        .into_response();
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    rewrite_state(&mut value, state, progress);
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&value).expect("a JSON value always serializes");
    Response::from_parts(parts, Body::from(body))
}

fn rewrite_state(value: &mut Value, state: &str, progress: Option<f64>) {
    let set = |job: &mut Value| {
        if let Some(job) = job.as_object_mut().filter(|j| j.contains_key("state")) {
            job.insert("state".into(), Value::from(state));
            if let Some(p) = progress {
                job.insert("progress".into(), Value::from(p));
            }
        }
    };
    match value.get_mut("items").and_then(Value::as_array_mut) {
        Some(items) => items.iter_mut().for_each(set),
        None => set(value),
    }
}

pub(crate) fn with_request_id(mut resp: Response, id: Option<&str>) -> Response {
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
            state: None,
            progress: None,
        }
    }

    fn state_spec(prefix: &str, state: &str, count: Option<u32>) -> FaultSpec {
        FaultSpec {
            kind: FaultKind::State,
            status: None,
            retry_after_s: None,
            state: Some(state.into()),
            ..spec(prefix, Some("GET"), count)
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
        assert_eq!(f.list()[0].remaining, Some(1));
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

    #[test]
    fn a_state_fault_without_count_stays_until_disarmed() {
        let mut f = Faults::default();
        let job = "/api/v1/jobs/j1";
        let armed = f.add(state_spec(job, "SUCCEEDED", None)).unwrap();
        assert_eq!(armed.remaining, None);
        for _ in 0..100 {
            assert_eq!(
                f.take("GET", job).unwrap().state.as_deref(),
                Some("SUCCEEDED")
            );
        }
        assert!(f.take("GET", "/api/v1/jobs/j2").is_none());
        let other = f.add(spec("/api/", None, Some(5))).unwrap();
        assert!(f.remove(armed.id));
        assert!(!f.remove(armed.id), "already gone");
        assert_eq!(
            f.list().iter().map(|x| x.id).collect::<Vec<_>>(),
            [other.id]
        );
        // With a count it runs out like any other fault.
        f.clear();
        f.add(state_spec(job, "completed", Some(2))).unwrap();
        assert!(f.take("GET", job).is_some() && f.take("GET", job).is_some());
        assert!(f.take("GET", job).is_none());
    }

    #[test]
    fn state_specs_are_checked() {
        let mut f = Faults::default();
        let mut s = state_spec("/api", "x", None);
        s.state = None;
        assert!(f.add(s).is_err(), "kind state needs state");
        assert!(f.add(state_spec("/api", &"x".repeat(256), None)).is_err());
        assert!(
            f.add(state_spec("/api", "", None)).is_ok(),
            "an empty state is a state too"
        );
        let mut s = spec("/api", None, None);
        s.state = Some("SUCCEEDED".into());
        assert!(f.add(s).is_err(), "state only with kind state");
        let mut s = spec("/api", None, None);
        s.progress = Some(0.5);
        assert!(f.add(s).is_err(), "progress only with kind state");
        assert!(f.add(state_spec("/api", "x", Some(0))).is_err());
    }

    #[test]
    fn state_rewrite_touches_jobs_only() {
        let mut job = serde_json::json!({"id": "j", "state": "running", "progress": 0.25});
        rewrite_state(&mut job, "SUCCEEDED", Some(1.0));
        assert_eq!(
            job,
            serde_json::json!({"id": "j", "state": "SUCCEEDED", "progress": 1.0})
        );
        let mut job = serde_json::json!({"id": "j", "state": "running", "progress": 0.25});
        rewrite_state(&mut job, "ARCHIVED", None);
        assert_eq!(
            (job["state"].as_str(), job["progress"].as_f64()),
            (Some("ARCHIVED"), Some(0.25))
        );
        let mut page = serde_json::json!({"items": [{"state": "queued"}, {"state": "failed"}], "next_page_token": null});
        rewrite_state(&mut page, "canceled", None);
        assert_eq!(page["items"][1]["state"], "canceled");
        assert!(page.get("state").is_none());
        let mut models = serde_json::json!({"items": [{"id": "m"}], "next_page_token": null});
        rewrite_state(&mut models, "x", None);
        assert_eq!(
            models,
            serde_json::json!({"items": [{"id": "m"}], "next_page_token": null})
        );
    }
}
