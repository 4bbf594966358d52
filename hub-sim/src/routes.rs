//! Handlers of the Hub API (`/api/v1`), as described by contract/hub-api.yaml.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::Principal;
use crate::jobs::{CreateError, Created, JobView, Kind, Plan, Store, Submission};
use crate::problem::Problem;
use crate::server::MAX_BODY_BYTES;
use crate::state::AppState;
use crate::{output, validate};

pub mod scopes {
    pub const TRAIN_CREATE: &str = "hazy/TrainJob:create";
    pub const TRAIN_READ: &str = "hazy/TrainJob:read";
    pub const TRAIN_CANCEL: &str = "hazy/TrainJob:cancel";
    pub const GEN_CREATE: &str = "hazy/GenerationJob:create";
    pub const GEN_READ: &str = "hazy/GenerationJob:read";
    pub const GEN_CANCEL: &str = "hazy/GenerationJob:cancel";
    pub const MODEL_READ: &str = "hazy/Model:read";
}

pub const API_VERSION: &str = "1";
const IDEMPOTENCY_KEY: &str = "idempotency-key";

type ApiResult = Result<Response, Problem>;

pub async fn health() -> Response {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "api_version": API_VERSION}))
        .into_response()
}

pub async fn not_found() -> Problem {
    Problem::not_found("not_found", "no such resource")
}

pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this resource",
    )
}

pub async fn create_train_job(
    State(st): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let create = (Kind::Train, scopes::TRAIN_CREATE, validate::training_config as Validator);
    create_job(&st, path, &headers, body, create).await
}

pub async fn create_generation_job(
    State(st): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let create = (Kind::Generate, scopes::GEN_CREATE, validate::generation_request as Validator);
    create_job(&st, path, &headers, body, create).await
}

type Validator = fn(&Value) -> Result<Plan, Problem>;

/// The shape of both submissions: authenticate, check the scope and the Idempotency-Key,
/// validate the body, then create (or replay) the job.
async fn create_job(
    st: &AppState,
    path: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
    body: Body,
    (kind, scope, validate): (Kind, &'static str, Validator),
) -> ApiResult {
    let principal = st.verifier.authenticate(headers).await?;
    let project_id = path_param(path)?;
    principal.require(scope)?;
    let key = idempotency_key(headers)?;
    let (raw, body) = read_json(headers, body).await?;
    let plan = validate(&body)?;
    let sub = Submission {
        project_id: &project_id,
        kind,
        subject: &principal.subject,
        idempotency_key: key.as_deref(),
        body: &body,
        raw,
        plan,
    };
    submit(st, sub)
}

fn submit(st: &AppState, sub: Submission<'_>) -> ApiResult {
    let now = st.clock.now_ms();
    let result = st.store.lock().unwrap().submit(sub, now);
    match result {
        Ok(Created::New(job)) => {
            output::deliver(&job);
            let location = format!("/api/v1/jobs/{}", job.id);
            Ok((
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(job),
            )
                .into_response())
        }
        Ok(Created::Replayed(job)) => {
            output::deliver(&job);
            Ok((StatusCode::OK, Json(job)).into_response())
        }
        Err(CreateError::KeyReused) => Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different request body",
        )),
        Err(CreateError::ModelNotFound) => Err(Problem::not_found(
            "model_not_found",
            "no such model in this project",
        )
        .with_field("model_id")),
    }
}

fn read_scope(kind: Kind) -> &'static str {
    match kind {
        Kind::Train => scopes::TRAIN_READ,
        Kind::Generate => scopes::GEN_READ,
    }
}

fn cancel_scope(kind: Kind) -> &'static str {
    match kind {
        Kind::Train => scopes::TRAIN_CANCEL,
        Kind::Generate => scopes::GEN_CANCEL,
    }
}

/// The scope a job operation needs depends on the job's kind. For an unknown
/// id, a caller holding neither scope gets 403 rather than learning whether
/// the id exists.
fn authorize_job(
    st: &AppState,
    principal: &Principal,
    job_id: &str,
    scope_of: fn(Kind) -> &'static str,
) -> Result<(), Problem> {
    let kind = st.store.lock().unwrap().job_kind(job_id);
    match kind {
        Some(k) => principal.require(scope_of(k)),
        None if principal.has(scope_of(Kind::Train)) || principal.has(scope_of(Kind::Generate)) => {
            Err(job_not_found())
        }
        None => principal.require(scope_of(Kind::Train)),
    }
}

fn job_not_found() -> Problem {
    Problem::not_found("job_not_found", "no such job")
}

pub async fn get_job(
    State(st): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> ApiResult {
    job_operation(&st, path, &headers, read_scope, Store::get_job).await
}

pub async fn cancel_job(
    State(st): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> ApiResult {
    job_operation(&st, path, &headers, cancel_scope, Store::cancel).await
}

/// The shape of every operation on one job: authenticate, authorize by the job's kind, then
/// apply `op` to the store.
async fn job_operation(
    st: &AppState,
    path: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
    scope: fn(Kind) -> &'static str,
    op: fn(&mut Store, &str, u64) -> Option<JobView>,
) -> ApiResult {
    let principal = st.verifier.authenticate(headers).await?;
    let job_id = path_param(path)?;
    authorize_job(st, &principal, &job_id, scope)?;
    let now = st.clock.now_ms();
    let job = op(&mut st.store.lock().unwrap(), &job_id, now).ok_or_else(job_not_found)?;
    output::deliver(&job);
    Ok(Json(job).into_response())
}

pub async fn list_jobs(
    State(st): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let principal = st.verifier.authenticate(&headers).await?;
    let project_id = path_param(path)?;
    principal.require(scopes::TRAIN_READ)?;
    let q = query_params(query)?;
    let kind =
        match q.get("kind") {
            None => None,
            Some(k) => Some(Kind::parse(k).ok_or_else(|| {
                Problem::validation(Some("kind"), "kind must be train or generate")
            })?),
        };
    let (after, size) = paging(&q)?;
    let now = st.clock.now_ms();
    let page = st
        .store
        .lock()
        .unwrap()
        .list_jobs(&project_id, kind, after, size, now);
    page.items.iter().for_each(output::deliver);
    Ok(Json(page).into_response())
}

pub async fn list_models(
    State(st): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult {
    let principal = st.verifier.authenticate(&headers).await?;
    let project_id = path_param(path)?;
    principal.require(scopes::MODEL_READ)?;
    let q = query_params(query)?;
    let (after, size) = paging(&q)?;
    let now = st.clock.now_ms();
    let page = st
        .store
        .lock()
        .unwrap()
        .list_models(&project_id, after, size, now);
    Ok(Json(page).into_response())
}

fn path_param(path: Result<Path<String>, PathRejection>) -> Result<String, Problem> {
    path.map(|Path(p)| p).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("invalid path: {e}"),
        )
    })
}

fn query_params(
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<HashMap<String, String>, Problem> {
    q.map(|Query(q)| q)
        .map_err(|e| Problem::validation(None, format!("invalid query string: {e}")))
}

/// Page tokens are opaque to clients; here they are the sequence number of
/// the last item returned.
fn paging(q: &HashMap<String, String>) -> Result<(u64, usize), Problem> {
    let size = match q.get("page_size") {
        None => 20,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                Problem::validation(
                    Some("page_size"),
                    "page_size must be an integer from 1 to 100",
                )
            })?,
    };
    let after = match q.get("page_token") {
        None => 0,
        Some(t) => t.parse::<u64>().map_err(|_| {
            Problem::validation(
                Some("page_token"),
                "page_token is not a token this server issued",
            )
        })?,
    };
    Ok((after, size))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    match v.to_str() {
        // to_str also admits tabs, which the contract's pattern does not.
        Ok(s) if (1..=255).contains(&s.len()) && s.bytes().all(|b| (0x20..=0x7e).contains(&b)) => {
            Ok(Some(s.to_owned()))
        }
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )
        .with_field("Idempotency-Key")),
    }
}

/// The body's bytes as received, and their JSON.
async fn read_json(headers: &HeaderMap, body: Body) -> Result<(Bytes, Value), Problem> {
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let essence = ct
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "request body must be application/json",
            ));
        }
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            )
        })?;
    let value = validate::parse_json(&bytes)?;
    Ok((bytes, value))
}
