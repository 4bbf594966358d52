//! How results and errors are printed: text for people, or one JSON object per line for `jq`.
//! Results go to standard output; errors to standard error.

use std::io::Write;

use hazy::hub::{Job, Model};
use hazy::{Error, Status};
use serde_json::{json, Value};

use crate::exit;

#[derive(Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// One result: a JSON line, or the text.
    pub fn result(&self, value: &Value, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`hazy jobs list | head -1`) is not an error worth a panic.
        let _ = if self.json { writeln!(out, "{value}") } else { write!(out, "{text}") };
        let _ = out.flush();
    }

    pub fn job(&self, job: &Job) {
        self.result(&job_json(job), &job_text(job));
    }

    pub fn jobs(&self, jobs: &[Job]) {
        if self.json {
            jobs.iter().for_each(|j| self.result(&job_json(j), ""));
            return;
        }
        let mut text = format!("{:<38} {:<9} {:<10} {:>5}  {}\n", "ID", "KIND", "STATE", "PROG", "MODEL");
        for j in jobs {
            text.push_str(&format!(
                "{:<38} {:<9} {:<10} {:>4}%  {}\n",
                j.id,
                j.kind.name(),
                j.state.name(),
                percent(j.progress),
                j.model_id.as_deref().unwrap_or("-")
            ));
        }
        self.result(&Value::Null, &text);
    }

    pub fn models(&self, models: &[Model]) {
        if self.json {
            models.iter().for_each(|m| self.result(&model_json(m), ""));
            return;
        }
        let mut text = format!("{:<38} {:<14} {:>10}  {}\n", "ID", "GENERATOR", "EPSILON", "TRAIN JOB");
        for m in models {
            text.push_str(&format!(
                "{:<38} {:<14} {:>10}  {}\n",
                m.id,
                m.generator_type.as_deref().unwrap_or("-"),
                m.epsilon.map(|e| e.to_string()).unwrap_or_else(|| "-".to_owned()),
                m.train_job_id.as_deref().unwrap_or("-")
            ));
        }
        self.result(&Value::Null, &text);
    }

    /// An error on standard error, with its status name; returns the exit code.
    pub fn error(&self, error: &Error) -> u8 {
        let code = exit::for_status(error.status());
        let mut err = std::io::stderr().lock();
        if self.json {
            let _ = writeln!(err, "{}", error_json(error, code));
            return code;
        }
        // The request id goes on the first line, the one a scheduler's alert quotes.
        let request_id = error.request_id().map(|id| format!(" (request id {id})")).unwrap_or_default();
        let _ = writeln!(err, "hazy: {}: {}{request_id}", error.status().name(), error.message());
        if error.http_status() != 0 {
            let _ = writeln!(err, "  http status: {}", error.http_status());
        }
        if let Some(e) = error.oauth_error() {
            // Keycloak's OAuth `error`, or the Hub's problem code.
            let _ = writeln!(err, "  error code: {e}");
        }
        if let Some(f) = error.field() {
            let _ = writeln!(err, "  field: {f}");
        }
        if let Some(k) = error.idempotency_key() {
            // Where the Hub may have created the job all the same, say how to get it back.
            let hint = match error.status() {
                Status::Network | Status::Timeout | Status::Server | Status::Protocol => {
                    format!(" (rerun with --idempotency-key {k}: it cannot create a second job)")
                }
                _ => String::new(),
            };
            let _ = writeln!(err, "  idempotency key: {k}{hint}");
        }
        code
    }
}

pub fn percent(progress: f64) -> u32 {
    (progress * 100.0).floor().clamp(0.0, 100.0) as u32
}

pub fn job_json(j: &Job) -> Value {
    json!({
        "id": j.id,
        "project_id": j.project_id,
        "kind": j.kind.name(),
        "state": j.state.name(),
        "raw_state": j.raw_state,
        "progress": j.progress,
        "model_id": j.model_id,
        "failure_reason": j.failure_reason,
        "num_rows": j.num_rows,
        "output_location": j.output_location,
        "created_at": j.created_at,
        "updated_at": j.updated_at,
    })
}

fn job_text(j: &Job) -> String {
    let mut text = format!(
        "job:      {}\nproject:  {}\nkind:     {}\nstate:    {}\nprogress: {}%\n",
        j.id,
        j.project_id,
        j.kind.name(),
        state_text(j),
        percent(j.progress)
    );
    let optional = [
        ("model:   ", j.model_id.clone()),
        ("rows:    ", j.num_rows.map(|n| n.to_string())),
        ("output:  ", j.output_location.clone()),
        ("failure: ", j.failure_reason.clone()),
        ("created: ", j.created_at.clone()),
        ("updated: ", j.updated_at.clone()),
    ];
    for (label, value) in optional {
        if let Some(v) = value {
            text.push_str(&format!("{label} {v}\n"));
        }
    }
    text
}

/// The parsed state, and the Hub's own word when it is not that name (lowercase):
/// `succeeded (SUCCEEDED)`, `succeeded (completed)`, `unknown (the Hub says 'ARCHIVED')`;
/// just `running` when the Hub said `running`.
fn state_text(j: &Job) -> String {
    let name = j.state.name();
    if j.raw_state == name {
        name.to_owned()
    } else if j.state == hazy::JobState::Unknown {
        format!("{name} (the Hub says '{}')", j.raw_state)
    } else {
        format!("{name} ({})", j.raw_state)
    }
}

fn model_json(m: &Model) -> Value {
    json!({
        "id": m.id,
        "project_id": m.project_id,
        "train_job_id": m.train_job_id,
        "generator_type": m.generator_type,
        "epsilon": m.epsilon,
        "created_at": m.created_at,
    })
}

fn error_json(e: &Error, code: u8) -> Value {
    json!({
        "error": {
            "status": e.status().name(),
            "exit_code": code,
            "message": e.message(),
            "http_status": (e.http_status() != 0).then_some(e.http_status()),
            "oauth_error": e.oauth_error(),
            "field": e.field(),
            "idempotency_key": e.idempotency_key(),
            "request_id": e.request_id(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hazy::hub::JobKind;
    use hazy::JobState;

    fn job(state: JobState, raw: &str) -> Job {
        Job {
            id: "j".into(),
            project_id: "p".into(),
            kind: JobKind::Train,
            state,
            raw_state: raw.into(),
            progress: 0.5,
            model_id: None,
            failure_reason: None,
            num_rows: None,
            output_location: None,
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn the_hubs_word_is_shown_when_it_is_not_the_parsed_name() {
        let line = |j: &Job| job_text(j).lines().find(|l| l.starts_with("state:")).unwrap().to_owned();
        assert_eq!(line(&job(JobState::Running, "running")), "state:    running");
        assert_eq!(line(&job(JobState::Running, "Running")), "state:    running (Running)");
        assert_eq!(line(&job(JobState::Succeeded, "SUCCEEDED")), "state:    succeeded (SUCCEEDED)");
        assert_eq!(line(&job(JobState::Succeeded, "completed")), "state:    succeeded (completed)");
        assert_eq!(line(&job(JobState::Unknown, "ARCHIVED")), "state:    unknown (the Hub says 'ARCHIVED')");
        let json = job_json(&job(JobState::Unknown, "ARCHIVED"));
        assert_eq!((json["state"].as_str(), json["raw_state"].as_str()), (Some("unknown"), Some("ARCHIVED")));
    }
}
