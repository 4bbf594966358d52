//! The Hub's answers: the problem parser for errors (`hub_error`, with the
//! `WWW-Authenticate` challenge) and the job and page parsers for successes.
//!
//! Input: a first line `STATUS`, a second line holding the `WWW-Authenticate` value (empty
//! for none), then the body. The body goes to every parser. Checked on every input:
//! - an error keeps the HTTP status and maps it as documented (401 AUTH, 403 FORBIDDEN with
//!   the scope in `field`, 404 NOT_FOUND, 400/413/422 VALIDATION, 429/5xx SERVER, else
//!   PROTOCOL);
//! - no message or field reveals the planted bearer token, in any form or by a prefix of 6 or
//!   more characters the server did not send;
//! - a parsed job is the body's job: the same id, project, model, failure reason and row
//!   count, the contract's kind and state (others read as Other and Unknown), a progress
//!   clamped into [0, 1]; a page has exactly the body's items and next token; a refusal is
//!   PROTOCOL.
#![no_main]

use hazy::fuzzing::{hub_job, hub_job_page, hub_model_page, hub_problem};
use hazy::hub::{Job, JobKind};
use hazy::JobState;
use hazy::Status;
use hazy_fuzz::*;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const WHAT: &str = "submit a training job for project 'p1'";
const SCOPE: &str = "hazy/TrainJob:create";

/// A job is exactly the wire job: same strings, the contract's state names (anything else is
/// Unknown), a progress clamped into [0, 1] (absent: 0).
fn check_job(job: &Job, wire: &Value) {
    assert!(wire.is_object(), "a job read from JSON that is not an object: {wire}");
    let text = |key: &str| wire.get(key).and_then(Value::as_str);
    assert_eq!(text("id"), Some(job.id.as_str()));
    assert_eq!(text("project_id"), Some(job.project_id.as_str()));
    let want = match text("kind").expect("a job without a kind") {
        "train" => JobKind::Train,
        "generate" => JobKind::Generate,
        _ => JobKind::Other,
    };
    assert_eq!(job.kind, want);
    let want = match text("state").expect("a job without a state") {
        "queued" => JobState::Queued,
        "running" => JobState::Running,
        "succeeded" => JobState::Succeeded,
        "failed" => JobState::Failed,
        "cancelled" => JobState::Cancelled,
        _ => JobState::Unknown,
    };
    assert_eq!(job.state, want);
    let progress = wire.get("progress").and_then(Value::as_f64).unwrap_or(0.0).clamp(0.0, 1.0);
    assert!(job.progress.is_finite() && (0.0..=1.0).contains(&job.progress), "progress {}", job.progress);
    assert_eq!(job.progress, progress);
    assert_eq!(job.model_id.as_deref(), text("model_id"));
    assert_eq!(job.failure_reason.as_deref(), text("failure_reason"));
    assert_eq!(job.num_rows, wire.get("num_rows").and_then(Value::as_u64));
}

fn check_refusal(e: &hazy::Error) {
    assert_eq!(e.status(), Status::Protocol, "{e:?}");
    assert!(e.message().chars().count() <= MAX_MESSAGE_CHARS);
}

fuzz_target!(init: hazy_fuzz::self_check(), |data: &[u8]| {
    let (status, _, rest) = status_line(data);
    let (challenge, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (std::str::from_utf8(&rest[..i]).ok().filter(|c| !c.is_empty()), &rest[i + 1..]),
        None => (None, rest),
    };
    let json: Option<Value> = json_value(body);

    if !(200..300).contains(&status) {
        let e = hub_problem(status, challenge, body, WHAT, SCOPE, ACCESS_TOKEN);
        assert_eq!(e.http_status(), status);
        let want = match status {
            401 => Status::Auth,
            403 => Status::Forbidden,
            404 => Status::NotFound,
            400 | 413 | 422 => Status::Validation,
            429 | 500..=599 => Status::Server,
            _ => Status::Protocol,
        };
        assert_eq!(e.status(), want, "HTTP {status}: {e:?}");
        if status == 403 {
            assert!(e.field().is_some(), "403 without a scope: {e:?}");
        }
        assert!(e.message().chars().count() <= MAX_MESSAGE_CHARS);
        if let Some(code) = e.oauth_error() {
            assert!(code.chars().count() <= 100 + 3, "problem code of {} chars", code.chars().count());
        }
        let outputs: Vec<&str> =
            [Some(e.message()), e.oauth_error(), e.oauth_description(), e.field()].into_iter().flatten().collect();
        let mut sources = json_strings(body);
        sources.extend(challenge.map(str::to_owned));
        if let Some(leak) = find_leak(&outputs, &sources, &forms(ACCESS_TOKEN, None)) {
            panic!("token leaked: {leak}");
        }
    }

    match hub_job(body) {
        Ok(job) => check_job(&job, json.as_ref().expect("a job from a body that is not JSON")),
        Err(e) => check_refusal(&e),
    }
    match hub_job_page(body) {
        Ok((jobs, next)) => {
            let page = json.as_ref().expect("a page from a body that is not JSON");
            assert!(page.is_object(), "a job page read from JSON that is not an object: {page}");
            let items = page.get("items").and_then(Value::as_array).expect("a page without items");
            assert_eq!(jobs.len(), items.len());
            jobs.iter().zip(items).for_each(|(job, wire)| check_job(job, wire));
            assert_eq!(next.as_deref(), page.get("next_page_token").and_then(Value::as_str));
        }
        Err(e) => check_refusal(&e),
    }
    match hub_model_page(body) {
        Ok((models, next)) => {
            let page = json.as_ref().expect("a page from a body that is not JSON");
            assert!(page.is_object(), "a model page read from JSON that is not an object: {page}");
            let items = page.get("items").and_then(Value::as_array).expect("a page without items");
            assert_eq!(models.len(), items.len());
            for (model, wire) in models.iter().zip(items) {
                let text = |key: &str| wire.get(key).and_then(Value::as_str);
                assert_eq!(text("id"), Some(model.id.as_str()));
                assert_eq!(text("project_id"), Some(model.project_id.as_str()));
                assert_eq!(text("train_job_id"), model.train_job_id.as_deref());
                assert_eq!(text("generator_type"), model.generator_type.as_deref());
                assert_eq!(wire.get("epsilon").and_then(Value::as_f64), model.epsilon);
            }
            assert_eq!(next.as_deref(), page.get("next_page_token").and_then(Value::as_str));
        }
        Err(e) => check_refusal(&e),
    }
});
