//! `/_sim/*`: unauthenticated controls for tests. Not part of the Hub API.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultSpec;
use crate::problem::Problem;
use crate::requests::Filter;
use crate::state::AppState;
use crate::stats::Scope;

fn bad(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_body", detail)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSettings {
    /// Null removes the override.
    job_duration_ms: Option<u64>,
}

pub async fn put_project(
    State(st): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    let settings: ProjectSettings =
        serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
    let mut store = st.store.lock().unwrap();
    store.set_job_duration(&project_id, settings.job_duration_ms);
    let effective = store.job_duration(&project_id);
    Ok(Json(json!({"project_id": project_id, "job_duration_ms": effective})).into_response())
}

pub async fn add_fault(
    State(st): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    let spec: FaultSpec = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
    let fault = st.faults.lock().unwrap().add(spec).map_err(bad)?;
    Ok((StatusCode::CREATED, Json(fault)).into_response())
}

pub async fn list_faults(State(st): State<Arc<AppState>>) -> Response {
    Json(json!({"items": st.faults.lock().unwrap().list()})).into_response()
}

pub async fn clear_faults(State(st): State<Arc<AppState>>) -> StatusCode {
    st.faults.lock().unwrap().clear();
    StatusCode::NO_CONTENT
}

/// Disarms one fault. Suites share the simulator, so a test that armed a fault without a
/// count (a `state` fault stays until disarmed) removes only its own.
pub async fn remove_fault(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let removed = id
        .parse::<u64>()
        .is_ok_and(|id| st.faults.lock().unwrap().remove(id));
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found("not_found", "no such fault"))
    }
}

/// The body of the submission that created a job, exactly as the simulator received it: a
/// train job's config, a generation job's request. Lets a test prove that a client passed
/// a config through without rewriting it.
pub async fn job_config(
    State(st): State<Arc<AppState>>,
    Path(job_id): Path<String>,
) -> Result<Response, Problem> {
    let body = st
        .store
        .lock()
        .unwrap()
        .submitted_body(&job_id)
        .ok_or_else(|| Problem::not_found("job_not_found", "no such job"))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub async fn stats(
    State(st): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let project = q.get("project_id").map(String::as_str);
    let scope = match (project, q.get("user_agent")) {
        (Some(_), Some(_)) => {
            return bad("give project_id or user_agent, not both").into_response()
        }
        (Some(p), None) => Scope::Project(p),
        (None, Some(ua)) => Scope::UserAgent(ua),
        (None, None) => Scope::All,
    };
    let requests = st.stats.lock().unwrap().snapshot(scope);
    let total: u64 = requests.values().sum();
    let mut body: Value = json!({"requests": requests, "requests_total": total});
    // Jobs belong to projects, not to User-Agents, so a User-Agent scope has no job count.
    if !matches!(scope, Scope::UserAgent(_)) {
        body["jobs_total"] = json!(st.store.lock().unwrap().jobs_total(project));
    }
    Json(body).into_response()
}

pub async fn requests(
    State(st): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let filter = match Filter::from_query(&q) {
        Ok(f) => f,
        Err(e) => return Problem::new(StatusCode::BAD_REQUEST, "bad_request", e).into_response(),
    };
    let requests = st.requests.lock().unwrap().list(&filter);
    Json(json!({"requests": requests})).into_response()
}

pub async fn reset(State(st): State<Arc<AppState>>) -> StatusCode {
    st.store.lock().unwrap().reset();
    st.faults.lock().unwrap().clear();
    st.stats.lock().unwrap().clear();
    st.requests.lock().unwrap().clear();
    StatusCode::NO_CONTENT
}
