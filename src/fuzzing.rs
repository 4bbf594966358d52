//! Entry points for the fuzz targets in `fuzz/`. **Unstable and not part of the API**: hidden
//! from the docs, changed or removed without notice, and of no use outside fuzzing.
//!
//! Each is a thin wrapper that takes a fuzzer's bytes down the same path production code
//! takes through an internal parser, redaction included, so that what a target checks is what
//! a caller would see.

use crate::auth::token_endpoint::interpret;
use crate::auth::Credentials;
use crate::error::{Error, Result};
use crate::hub::api::parse;
use crate::hub::problem::hub_error;
use crate::hub::types::{Page, WireJob};
use crate::hub::{Job, Model};
use crate::redact::Redactor;

pub use crate::auth::token_endpoint::Grant;

/// Unstable, for fuzzing: a token endpoint's answer (`status`, `body`) to a grant made with
/// `credentials` (plus `refresh_token` for a refresh grant), as `TokenEndpoint::request` turns
/// it into a grant or an error.
pub fn token_response(
    status: u16,
    body: &[u8],
    credentials: &Credentials,
    refresh_token: Option<&str>,
    url: &str,
) -> Result<Grant> {
    let mut redactor = credentials.redactor();
    if let Some(token) = refresh_token {
        redactor.add_secret(token);
    }
    interpret(status, body, credentials, url, &redactor).map_err(|e| e.redact(&redactor))
}

/// Unstable, for fuzzing: the error a Hub call made with bearer `token` reports for a non-2xx
/// answer, as `Hub::call` builds it.
pub fn hub_problem(
    status: u16,
    www_authenticate: Option<&str>,
    body: &[u8],
    what: &str,
    scope: &str,
    token: &str,
) -> Error {
    let mut redactor = Redactor::new();
    redactor.add_secret(token);
    hub_error(status, www_authenticate, body, what, scope, &redactor).redact(&redactor)
}

/// Unstable, for fuzzing: a 2xx body read as one job (submit, get, cancel).
pub fn hub_job(body: &[u8]) -> Result<Job> {
    parse::<WireJob>(body, "fuzz").map(Job::from)
}

/// Unstable, for fuzzing: a 2xx body read as one page of the job list, with its next token.
pub fn hub_job_page(body: &[u8]) -> Result<(Vec<Job>, Option<String>)> {
    parse::<Page<WireJob>>(body, "fuzz").map(|p| (p.items.into_iter().map(Job::from).collect(), p.next_page_token))
}

/// Unstable, for fuzzing: a 2xx body read as one page of the model list, with its next token.
pub fn hub_model_page(body: &[u8]) -> Result<(Vec<Model>, Option<String>)> {
    parse::<Page<Model>>(body, "fuzz").map(|p| (p.items, p.next_page_token))
}
