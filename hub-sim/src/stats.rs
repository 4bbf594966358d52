//! Request counts per route template, overall, per project and per User-Agent, so tests
//! can assert how many requests a client really sent (e.g. retries). Suites share one
//! simulator and run side by side, so a test scopes its counts by the project it owns or
//! by a User-Agent only its clients send. The same middleware feeds the request log
//! (`requests.rs`), so both see exactly the same requests.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::requests::{Pending, Seq, REQUEST_ID};
use crate::AppState;

#[derive(Debug, Default)]
pub struct Stats {
    by_project: HashMap<String, BTreeMap<String, u64>>,
    by_user_agent: HashMap<String, BTreeMap<String, u64>>,
    all: BTreeMap<String, u64>,
}

/// Which requests a snapshot counts.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Project(&'a str),
    UserAgent(&'a str),
}

fn bump(map: &mut HashMap<String, BTreeMap<String, u64>>, key: &str, route: &str) {
    *map.entry(key.to_owned())
        .or_default()
        .entry(route.to_owned())
        .or_default() += 1;
}

impl Stats {
    pub fn record(&mut self, project_id: Option<&str>, user_agent: Option<&str>, route: &str) {
        *self.all.entry(route.to_owned()).or_default() += 1;
        if let Some(p) = project_id {
            bump(&mut self.by_project, p, route);
        }
        if let Some(ua) = user_agent {
            bump(&mut self.by_user_agent, ua, route);
        }
    }

    pub fn snapshot(&self, scope: Scope<'_>) -> BTreeMap<String, u64> {
        let scoped = |map: &HashMap<String, BTreeMap<String, u64>>, key: &str| {
            map.get(key).cloned().unwrap_or_default()
        };
        match scope {
            Scope::All => self.all.clone(),
            Scope::Project(p) => scoped(&self.by_project, p),
            Scope::UserAgent(ua) => scoped(&self.by_user_agent, ua),
        }
    }

    pub fn clear(&mut self) {
        *self = Stats::default();
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_project_per_user_agent_and_overall() {
        let mut s = Stats::default();
        s.record(Some("p1"), Some("a"), "POST /t");
        s.record(Some("p1"), Some("b"), "POST /t");
        s.record(Some("p2"), Some("a"), "GET /j");
        s.record(None, None, "GET /health");
        assert_eq!(s.snapshot(Scope::Project("p1")).get("POST /t"), Some(&2));
        assert_eq!(s.snapshot(Scope::Project("p2")).len(), 1);
        assert_eq!(s.snapshot(Scope::UserAgent("a")).values().sum::<u64>(), 2);
        assert_eq!(s.snapshot(Scope::UserAgent("b")).get("POST /t"), Some(&1));
        assert_eq!(s.snapshot(Scope::All).values().sum::<u64>(), 4);
        assert!(s.snapshot(Scope::Project("none")).is_empty());
        assert!(s.snapshot(Scope::UserAgent("none")).is_empty());
        s.clear();
        assert!(s.snapshot(Scope::All).is_empty());
    }
}
