//! RFC 9457 problem details, the error body of every Hub API error.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, Clone, Serialize)]
pub struct ProblemBody {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub field: Option<String>,
    pub required_scope: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    // Boxed: Problem is the error type of most handlers' Results.
    pub body: Box<ProblemBody>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            body: Box::new(ProblemBody {
                type_: format!("urn:hazy:hub:problem:{code}"),
                title: title_for(code, status),
                status: status.as_u16(),
                code: code.to_owned(),
                detail: detail.into(),
                field: None,
                required_scope: None,
            }),
            headers: Vec::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    pub fn with_retry_after(self, seconds: u64) -> Self {
        self.with_header(header::RETRY_AFTER, &seconds.to_string())
    }

    pub fn header(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// 401 for a request that carried no bearer token at all: RFC 6750 §3.1
    /// says not to include an error code then.
    pub fn missing_token() -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "a bearer token is required",
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer")
    }

    pub fn invalid_token(description: &str) -> Self {
        let challenge = format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            quoted_safe(description)
        );
        Problem::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
            .with_header(header::WWW_AUTHENTICATE, &challenge)
    }

    pub fn insufficient_scope(scope: &str) -> Self {
        let challenge = format!(
            "Bearer error=\"insufficient_scope\", scope=\"{}\"",
            quoted_safe(scope)
        );
        let mut p = Problem::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!(
                "the token lacks the scope {scope} required by this operation{}",
                wildcard_of(scope)
                    .map(|w| format!(" (or {w}, which grants it)"))
                    .unwrap_or_default()
            ),
        )
        .with_header(header::WWW_AUTHENTICATE, &challenge);
        p.body.required_scope = Some(scope.to_owned());
        p
    }

    pub fn validation(field: Option<&str>, detail: impl Into<String>) -> Self {
        let p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            detail,
        );
        match field {
            Some(f) => p.with_field(f),
            None => p,
        }
    }

    pub fn unavailable(detail: impl Into<String>, retry_after_s: u64) -> Self {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
            .with_retry_after(retry_after_s)
    }

    pub fn not_found(code: &str, detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, code, detail)
    }
}

/// The resource wildcard that would also grant `scope` (crate::auth::Principal::has).
fn wildcard_of(scope: &str) -> Option<String> {
    scope
        .rsplit_once(':')
        .filter(|(resource, action)| !resource.is_empty() && *action != "*")
        .map(|(resource, _)| format!("{resource}:*"))
}

/// Machine-readable code for an arbitrary status, used by injected faults.
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        429 => "rate_limited",
        503 => "unavailable",
        500 => "internal_error",
        502 => "bad_gateway",
        504 => "gateway_timeout",
        400 => "bad_request",
        401 => "invalid_token",
        403 => "insufficient_scope",
        404 => "not_found",
        409 => "conflict",
        413 => "payload_too_large",
        422 => "validation_failed",
        _ => "injected_fault",
    }
}

fn title_for(code: &str, status: StatusCode) -> String {
    let t = match code {
        "validation_failed" => "Validation failed",
        "invalid_body" => "Invalid request body",
        "invalid_token" => "Invalid or missing bearer token",
        "insufficient_scope" => "Insufficient scope",
        "job_not_found" => "Job not found",
        "model_not_found" => "Model not found",
        "idempotency_key_reused" => "Idempotency key reused with a different request",
        "invalid_idempotency_key" => "Invalid Idempotency-Key header",
        "rate_limited" => "Too many requests",
        "unavailable" => "Service unavailable",
        "payload_too_large" => "Request body too large",
        "unsupported_media_type" => "Unsupported media type",
        "not_found" => "Not found",
        "method_not_allowed" => "Method not allowed",
        _ => return status.canonical_reason().unwrap_or("Error").to_owned(),
    };
    t.to_owned()
}

/// Header quoted-strings may not carry `"` or `\` unescaped, nor control
/// characters; descriptions are ours, so dropping those is enough.
fn quoted_safe(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '"' && *c != '\\' && (' '..='~').contains(c))
        .collect()
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        let mut resp = (self.status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response();
        for (name, value) in self.headers {
            resp.headers_mut().append(name, value);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insufficient_scope_names_scope_in_body_and_challenge() {
        let p = Problem::insufficient_scope("hazy/TrainJob:create");
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert_eq!(
            p.body.required_scope.as_deref(),
            Some("hazy/TrainJob:create")
        );
        assert!(p.body.detail.contains("hazy/TrainJob:create"));
        assert!(p
            .body
            .detail
            .contains("(or hazy/TrainJob:*, which grants it)"));
        assert_eq!(
            p.header(&header::WWW_AUTHENTICATE).unwrap(),
            "Bearer error=\"insufficient_scope\", scope=\"hazy/TrainJob:create\""
        );
        let json = serde_json::to_value(&p.body).unwrap();
        assert_eq!(json["code"], "insufficient_scope");
        assert_eq!(json["status"], 403);
        assert!(json["field"].is_null());
    }

    #[test]
    fn invalid_token_challenge_is_quoted_safely() {
        let p = Problem::invalid_token("bad \"quote\"\n");
        assert_eq!(
            p.header(&header::WWW_AUTHENTICATE).unwrap(),
            "Bearer error=\"invalid_token\", error_description=\"bad quote\""
        );
        assert_eq!(
            Problem::missing_token()
                .header(&header::WWW_AUTHENTICATE)
                .unwrap(),
            "Bearer"
        );
    }

    #[test]
    fn validation_problem_carries_field_and_content_type() {
        let resp =
            Problem::validation(Some("data_schema.tables"), "tables is required").into_response();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(resp.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }

    #[test]
    fn retry_after_is_set_for_unavailable() {
        let resp = Problem::unavailable("down", 3).into_response();
        assert_eq!(resp.headers()[header::RETRY_AFTER], "3");
    }
}
