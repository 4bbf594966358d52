//! Step `api`: the Hub's own description of its API, where it publishes one, compared with
//! the operations libhazy uses (super::compare).

use reqwest::Url;
use secrecy::SecretString;

use super::compare::{self, Difference};
use super::contract::OPERATIONS;
use super::report::Step;
use super::{fixes, host, net};
use crate::http::Http;
use crate::status::Status;

pub const STEP: (&str, &str) = ("api", "Hub API");

/// Where web frameworks publish an OpenAPI document, in the order probed: FastAPI's default,
/// the same under `/api` and `/api/v1`, drf-spectacular's (JSON by content negotiation),
/// drf-yasg's and flask-restx's, springdoc's, and a YAML file. The doctor reads JSON only: the
/// YAML crates for Rust are unmaintained (serde_yaml) or one more dependency, so a YAML-only
/// description is named, not compared.
pub const PROBED_PATHS: &[&str] = &[
    "/openapi.json",
    "/api/openapi.json",
    "/api/v1/openapi.json",
    "/api/schema/",
    "/swagger.json",
    "/v3/api-docs",
    "/openapi.yaml",
];

const ACCEPT: &str = "application/json, application/vnd.oai.openapi+json;q=0.9, */*;q=0.1";

pub async fn check(http: &Http, base: &Url, token: Option<&SecretString>) -> Step {
    let (id, title) = STEP;
    let mut tried = Vec::new();
    let mut yaml = None;
    for path in PROBED_PATHS {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let url = host::join(base, &segments);
        let mut answer = net::get(http, &url, ACCEPT, None).await;
        // A Hub may keep its description behind the same login as its API.
        if let (Ok(a), Some(token)) = (&answer, token) {
            if matches!(a.status, 401 | 403) {
                answer = net::get(http, &url, ACCEPT, Some(token)).await;
            }
        }
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => {
                tried.push(format!("{path}: {}", e.status().name()));
                continue;
            }
        };
        if answer.status == 200 {
            if let Some(doc) = answer.json().filter(compare::is_description) {
                return compared(&url, &doc, base);
            }
            let head = String::from_utf8_lossy(&answer.body[..answer.body.len().min(64)]).trim_start().to_owned();
            if answer.content_type.contains("yaml") || head.starts_with("openapi:") || head.starts_with("swagger:") {
                yaml.get_or_insert(url.clone());
            }
        }
        tried.push(format!("{path}: HTTP {}", answer.status));
    }
    let why = match yaml {
        Some(url) => format!(
            "the Hub publishes its description as YAML at {url}, which the doctor does not read: compare it with \
             contract/hub-api.yaml by hand"
        ),
        None => format!("the Hub publishes no API description at the {} probed paths", PROBED_PATHS.len()),
    };
    Step::skip(id, title, why).with_details(tried)
}

fn compared(url: &Url, doc: &serde_json::Value, base: &Url) -> Step {
    let (id, title) = STEP;
    let differences: Vec<Difference> = compare::compare(doc, base.path());
    let version = compare::version(doc);
    if differences.is_empty() {
        return Step::pass(
            id,
            title,
            format!("the Hub describes its API at {url} ({version}): no difference in the {} operations libhazy uses", OPERATIONS.len()),
        );
    }
    let mut operations: Vec<&str> = differences.iter().map(|d| d.operation).collect();
    operations.dedup();
    Step::fail(
        id,
        title,
        Status::Protocol,
        format!(
            "the Hub's description at {url} ({version}) differs from libhazy's contract in {} of the {} operations it uses",
            operations.len(),
            OPERATIONS.len()
        ),
        fixes::api_differences(),
    )
    .with_details(differences.iter().map(ToString::to_string).collect())
}
