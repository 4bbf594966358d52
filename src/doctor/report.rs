//! The doctor's report: one entry per step of the tutorial's setup, as text for people and as
//! JSON for scripts.

use serde_json::{json, Value};

use crate::redact::Redactor;
use crate::status::Status;

/// What a step found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// ✓: this part of the setup holds.
    Pass,
    /// ✗: it does not; the step says what to fix.
    Fail,
    /// Not checked: an earlier step failed, or the check does not apply here (the step says
    /// which). Only a failure fails the report.
    Skipped,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skipped => "skipped",
        }
    }

    pub fn mark(self) -> &'static str {
        match self {
            Outcome::Pass => "✓",
            Outcome::Fail => "✗",
            Outcome::Skipped => "-",
        }
    }
}

/// One step of the walk.
#[derive(Clone, Debug)]
pub struct Step {
    /// A stable name for scripts and tests: `host`, `keycloak`, `realm`, `client`, `audience`,
    /// `scopes`, `hub`, `clock`, `api`.
    pub id: &'static str,
    pub title: &'static str,
    pub outcome: Outcome,
    /// One line: what was found.
    pub finding: String,
    /// For a failure: the tutorial's step (or the libhazy option) that fixes it.
    pub fix: Option<String>,
    /// For a failure: the status a libhazy call would end with because of it, which also
    /// gives the CLI's exit code.
    pub status: Option<Status>,
    /// Further lines: each difference of the API description, the probes that were made.
    pub details: Vec<String>,
}

impl Step {
    pub fn pass(id: &'static str, title: &'static str, finding: impl Into<String>) -> Step {
        Step { id, title, outcome: Outcome::Pass, finding: finding.into(), fix: None, status: None, details: Vec::new() }
    }

    pub fn fail(id: &'static str, title: &'static str, status: Status, finding: impl Into<String>, fix: impl Into<String>) -> Step {
        Step {
            id,
            title,
            outcome: Outcome::Fail,
            finding: finding.into(),
            fix: Some(fix.into()),
            status: Some(status),
            details: Vec::new(),
        }
    }

    pub fn skip(id: &'static str, title: &'static str, why: impl Into<String>) -> Step {
        Step { id, title, outcome: Outcome::Skipped, finding: why.into(), fix: None, status: None, details: Vec::new() }
    }

    pub fn with_details(mut self, details: Vec<String>) -> Step {
        self.details = details;
        self
    }

    fn scrub(&mut self, redactor: &Redactor) {
        self.finding = redactor.scrub(&self.finding);
        self.fix = self.fix.as_deref().map(|f| redactor.scrub(f));
        for line in &mut self.details {
            *line = redactor.scrub(line);
        }
    }
}

/// The whole walk, in the tutorial's order.
#[derive(Clone, Debug)]
pub struct Report {
    /// What was checked: the Hub host, realm and client as configured (no secret).
    pub target: Vec<(&'static str, String)>,
    pub steps: Vec<Step>,
}

impl Report {
    /// Whether no step failed.
    pub fn passed(&self) -> bool {
        self.first_failure().is_none()
    }

    pub fn first_failure(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.outcome == Outcome::Fail)
    }

    /// OK when no step failed, else the status of the first failure: the one a libhazy call
    /// would meet first.
    pub fn status(&self) -> Status {
        self.first_failure().map_or(Status::Ok, |s| s.status.unwrap_or(Status::Protocol))
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Every text once more through the redactor of the secrets and tokens the walk used: the
    /// steps quote servers, and servers echo requests.
    pub(crate) fn scrub(&mut self, redactor: &Redactor) {
        for step in &mut self.steps {
            step.scrub(redactor);
        }
        for (_, value) in &mut self.target {
            *value = redactor.scrub(value);
        }
    }

    pub fn to_json(&self) -> Value {
        let target: serde_json::Map<String, Value> = self.target.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
        let steps: Vec<Value> = self
            .steps
            .iter()
            .map(|s| {
                json!({
                    "step": s.id,
                    "title": s.title,
                    "result": s.outcome.name(),
                    "finding": s.finding,
                    "fix": s.fix,
                    "status": s.status.map(Status::name),
                    "details": s.details,
                })
            })
            .collect();
        json!({ "ok": self.passed(), "status": self.status().name(), "target": target, "steps": steps })
    }

    pub fn to_text(&self) -> String {
        let target: Vec<String> = self.target.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let mut out = format!("hazy doctor: {}\n\n", target.join(", "));
        let width = self.steps.iter().map(|s| s.title.chars().count()).max().unwrap_or(0);
        for s in &self.steps {
            let finding = match s.outcome {
                Outcome::Skipped => format!("skipped: {}", s.finding),
                _ => s.finding.clone(),
            };
            out.push_str(&format!("{} {:<width$}  {finding}\n", s.outcome.mark(), s.title));
            let indent = " ".repeat(width + 4);
            for line in &s.details {
                out.push_str(&format!("{indent}- {line}\n"));
            }
            if let Some(fix) = &s.fix {
                out.push_str(&format!("{indent}fix: {fix}\n"));
            }
        }
        let failed: Vec<&str> = self.steps.iter().filter(|s| s.outcome == Outcome::Fail).map(|s| s.title).collect();
        out.push('\n');
        match self.first_failure() {
            None => {
                let held = self.steps.iter().filter(|s| s.outcome == Outcome::Pass).count();
                let skipped: Vec<&str> = self.steps.iter().filter(|s| s.outcome == Outcome::Skipped).map(|s| s.title).collect();
                match skipped.is_empty() {
                    true => out.push_str(&format!("all {held} steps hold\n")),
                    false => out.push_str(&format!("no step failed: {held} hold, {} skipped ({})\n", skipped.len(), skipped.join(", "))),
                }
            }
            Some(first) => out.push_str(&format!(
                "{} of {} steps failed ({}); fix \"{}\" first ({})\n",
                failed.len(),
                self.steps.len(),
                failed.join(", "),
                first.title,
                first.status.unwrap_or(Status::Protocol).name()
            )),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            target: vec![("host", "https://hub.example.com".to_owned())],
            steps: vec![
                Step::pass("host", "Hub host", "answers"),
                Step::fail("client", "Client", Status::Auth, "refused: echo Sx9-secret-value", "copy the secret"),
                Step::skip("audience", "Audience", "no token"),
                Step::fail("scopes", "Scopes", Status::Forbidden, "lacks", "add scopes").with_details(vec!["Sx9-secret-value".into()]),
            ],
        }
    }

    #[test]
    fn the_first_failure_decides_and_secrets_are_scrubbed() {
        let mut r = report();
        assert_eq!((r.passed(), r.status()), (false, Status::Auth));
        let mut redactor = Redactor::new();
        redactor.add_secret("Sx9-secret-value");
        r.scrub(&redactor);
        let text = r.to_text();
        let json = r.to_json().to_string();
        assert!(!text.contains("Sx9") && !json.contains("Sx9"), "{text}");
        assert!(text.contains("✗ Client    refused: echo ***\n"), "{text}");
        assert!(text.contains("fix: copy the secret\n"), "{text}");
        assert!(text.contains("- Audience  skipped: no token\n"), "{text}");
        assert!(text.contains("2 of 4 steps failed (Client, Scopes); fix \"Client\" first (AUTH)"), "{text}");
        assert_eq!(r.to_json()["steps"][1]["status"], "AUTH");
        assert_eq!(r.to_json()["steps"][2]["result"], "skipped");
    }

    #[test]
    fn skipped_steps_alone_do_not_fail_a_report() {
        let r = Report { target: Vec::new(), steps: vec![Step::pass("host", "Hub host", "ok"), Step::skip("api", "Hub API", "none")] };
        assert_eq!(r.status(), Status::Ok);
        assert!(r.to_text().contains("no step failed: 1 hold, 1 skipped (Hub API)"), "{}", r.to_text());
    }
}
