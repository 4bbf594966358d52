//! Request counts per project and route template, so tests can assert how
//! many requests a client really sent (e.g. retries).

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

#[derive(Debug, Default)]
pub struct Stats {
    by_project: HashMap<String, BTreeMap<String, u64>>,
    all: BTreeMap<String, u64>,
}

impl Stats {
    pub fn record(&mut self, project_id: Option<&str>, route: &str) {
        *self.all.entry(route.to_owned()).or_default() += 1;
        if let Some(p) = project_id {
            *self
                .by_project
                .entry(p.to_owned())
                .or_default()
                .entry(route.to_owned())
                .or_default() += 1;
        }
    }

    /// Counts for one project, or for every request when `project_id` is None.
    pub fn snapshot(&self, project_id: Option<&str>) -> BTreeMap<String, u64> {
        match project_id {
            Some(p) => self.by_project.get(p).cloned().unwrap_or_default(),
            None => self.all.clone(),
        }
    }

    pub fn clear(&mut self) {
        *self = Stats::default();
    }
}

/// Counts the request before anything can reject it, so 401s, 422s and
/// injected faults show up too.
pub async fn count(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let template = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    if let Some(template) = template {
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
        state
            .stats
            .lock()
            .unwrap()
            .record(project.as_deref(), &route);
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_project_and_overall() {
        let mut s = Stats::default();
        s.record(Some("p1"), "POST /t");
        s.record(Some("p1"), "POST /t");
        s.record(Some("p2"), "GET /j");
        s.record(None, "GET /health");
        assert_eq!(s.snapshot(Some("p1")).get("POST /t"), Some(&2));
        assert_eq!(s.snapshot(Some("p2")).len(), 1);
        assert_eq!(s.snapshot(None).values().sum::<u64>(), 4);
        assert!(s.snapshot(Some("none")).is_empty());
        s.clear();
        assert!(s.snapshot(None).is_empty());
    }
}
