//! `GET /openapi.json`: the simulator's contract, where a web framework would publish a Hub's
//! OpenAPI document, so that `hazy doctor` has a description to compare with. It is the
//! committed JSON twin of `contract/hub-api.yaml` (kept equal by `make contract-json`), served
//! without authentication like the frameworks' defaults.
//!
//! `PUT /_sim/openapi` serves another document instead (any JSON object), so a test can show
//! the doctor a Hub whose description differs; `DELETE /_sim/openapi` serves the contract
//! again. The replacement is this router's own state, so `POST /_sim/reset` leaves it.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;

use crate::problem::Problem;

pub const CONTRACT: &str = include_str!("../../contract/hub-api.json");

#[derive(Clone, Default)]
struct Served(Arc<Mutex<Option<Bytes>>>);

/// The routes, with their own state, for any app state.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/openapi.json", get(serve))
        .route("/_sim/openapi", put(replace).delete(restore))
        .with_state(Served::default())
}

async fn serve(State(served): State<Served>) -> Response {
    let body = served.0.lock().unwrap().clone().unwrap_or_else(|| Bytes::from_static(CONTRACT.as_bytes()));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn replace(State(served): State<Served>, body: Bytes) -> Result<StatusCode, Problem> {
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(doc) if doc.is_object() => {
            *served.0.lock().unwrap() = Some(body);
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(Problem::new(StatusCode::BAD_REQUEST, "invalid_body", "the document to serve must be a JSON object")),
    }
}

async fn restore(State(served): State<Served>) -> StatusCode {
    *served.0.lock().unwrap() = None;
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn call(app: &Router, method: &str, uri: &str, body: &'static str) -> (StatusCode, serde_json::Value) {
        let request = Request::builder().method(method).uri(uri).body(Body::from(body)).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    #[tokio::test]
    async fn serves_the_contract_a_replacement_and_the_contract_again() {
        let app: Router = router();
        let (status, doc) = call(&app, "GET", "/openapi.json", "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc["paths"]["/api/v1/projects/{project_id}/train-jobs"]["post"].is_object());
        assert_eq!(call(&app, "PUT", "/_sim/openapi", r#"{"openapi":"3.1.0","paths":{}}"#).await.0, StatusCode::NO_CONTENT);
        assert_eq!(call(&app, "GET", "/openapi.json", "").await.1["openapi"], "3.1.0");
        assert_eq!(call(&app, "PUT", "/_sim/openapi", "[1]").await.0, StatusCode::BAD_REQUEST);
        assert_eq!(call(&app, "PUT", "/_sim/openapi", "not json").await.0, StatusCode::BAD_REQUEST);
        assert_eq!(call(&app, "DELETE", "/_sim/openapi", "").await.0, StatusCode::NO_CONTENT);
        assert_eq!(call(&app, "GET", "/openapi.json", "").await.1["openapi"], "3.0.3");
    }
}
