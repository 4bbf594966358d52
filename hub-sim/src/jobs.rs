//! In-memory jobs, models and idempotency records.
//!
//! Job state is a pure function of the job's timestamps and the time of the
//! read, so no background task is needed, progress is monotonic by
//! construction, and tests can drive time explicitly. Every method takes
//! `now_ms`; the caller holds the store's lock.

use std::collections::HashMap;

use axum::body::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::clock::rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Train,
    Generate,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "train" => Some(Kind::Train),
            "generate" => Some(Kind::Generate),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl State {
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Succeeded | State::Failed | State::Cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobView {
    pub id: String,
    pub project_id: String,
    pub kind: Kind,
    pub state: State,
    pub progress: f64,
    pub model_id: Option<String>,
    pub failure_reason: Option<String>,
    pub num_rows: Option<u64>,
    /// Generation jobs: where the rows are written (crate::output). Null for train jobs.
    pub output_location: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelView {
    pub id: String,
    pub project_id: String,
    pub train_job_id: String,
    pub generator_type: Option<String>,
    pub epsilon: Option<f64>,
    pub created_at: String,
}

/// What a validated submission asks for.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Set when the job is scripted to fail (a `sim://fail` input).
    pub failure_reason: Option<String>,
    pub generator_type: Option<String>,
    pub epsilon: Option<f64>,
    /// Generation jobs: the source model.
    pub model_id: Option<String>,
    pub num_rows: Option<u64>,
    /// Generation jobs: the config's `output_location`; the store fills in its default.
    pub output_location: Option<String>,
}

pub struct Submission<'a> {
    pub project_id: &'a str,
    pub kind: Kind,
    pub subject: &'a str,
    pub idempotency_key: Option<&'a str>,
    /// The request body as sent, compared on replays.
    pub body: &'a Value,
    /// The same body's bytes as received, kept so tests can see that a client passed a
    /// config through unchanged (`GET /_sim/jobs/{id}/config`).
    pub raw: Bytes,
    pub plan: Plan,
}

#[derive(Debug, PartialEq)]
pub enum Created {
    New(JobView),
    /// Same subject, project, operation and key as an earlier submission:
    /// the original job, nothing created.
    Replayed(JobView),
}

#[derive(Debug, PartialEq)]
pub enum CreateError {
    KeyReused,
    ModelNotFound,
}

#[derive(Debug, PartialEq, Eq, Hash, Clone)]
struct IdemKey {
    subject: String,
    project_id: String,
    kind: Kind,
    key: String,
}

#[derive(Debug, Clone)]
struct JobRecord {
    id: String,
    project_id: String,
    kind: Kind,
    seq: u64,
    created_ms: u64,
    duration_ms: u64,
    cancelled_ms: Option<u64>,
    plan: Plan,
    /// The body of the submission that created the job, byte for byte.
    raw: Bytes,
    /// Train jobs: the id the model gets once the job succeeds.
    new_model_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Phase {
    state: State,
    progress: f64,
    since_ms: u64,
}

impl JobRecord {
    fn queued_until(&self) -> u64 {
        self.created_ms + self.duration_ms / 10
    }

    fn ends_at(&self) -> u64 {
        self.created_ms + self.duration_ms
    }

    /// Scripted failures happen halfway through the running phase.
    fn fails_at(&self) -> u64 {
        let q = self.queued_until();
        q + (self.ends_at() - q) / 2
    }

    fn natural_phase(&self, t: u64) -> Phase {
        let (q, end) = (self.queued_until(), self.ends_at());
        let running = |t: u64| {
            if end > q {
                ((t.saturating_sub(q)) as f64 / (end - q) as f64).clamp(0.0, 1.0)
            } else {
                1.0
            }
        };
        if self.plan.failure_reason.is_some() && t >= self.fails_at() {
            let at = self.fails_at();
            Phase {
                state: State::Failed,
                progress: running(at),
                since_ms: at,
            }
        } else if t >= end {
            Phase {
                state: State::Succeeded,
                progress: 1.0,
                since_ms: end,
            }
        } else if t < q {
            Phase {
                state: State::Queued,
                progress: 0.0,
                since_ms: self.created_ms,
            }
        } else {
            Phase {
                state: State::Running,
                progress: running(t),
                since_ms: q,
            }
        }
    }

    fn phase(&self, now: u64) -> Phase {
        match self.cancelled_ms {
            // cancelled_ms is only ever set while the job was not terminal,
            // so the progress reached then is frozen.
            Some(c) => Phase {
                state: State::Cancelled,
                progress: self.natural_phase(c).progress,
                since_ms: c,
            },
            None => self.natural_phase(now),
        }
    }

    fn view(&self, now: u64) -> JobView {
        let p = self.phase(now);
        let model_id = match self.kind {
            Kind::Train if p.state == State::Succeeded => self.new_model_id.clone(),
            Kind::Train => None,
            Kind::Generate => self.plan.model_id.clone(),
        };
        JobView {
            id: self.id.clone(),
            project_id: self.project_id.clone(),
            kind: self.kind,
            state: p.state,
            progress: (p.progress * 1000.0).round() / 1000.0,
            model_id,
            failure_reason: if p.state == State::Failed {
                self.plan.failure_reason.clone()
            } else {
                None
            },
            num_rows: self.plan.num_rows,
            output_location: self.plan.output_location.clone(),
            created_at: rfc3339(self.created_ms),
            updated_at: rfc3339(p.since_ms),
        }
    }
}

#[derive(Debug, Clone)]
struct ModelRecord {
    id: String,
    project_id: String,
    train_job_id: String,
    seq: u64,
    created_ms: u64,
    generator_type: Option<String>,
    epsilon: Option<f64>,
}

impl ModelRecord {
    fn view(&self) -> ModelView {
        ModelView {
            id: self.id.clone(),
            project_id: self.project_id.clone(),
            train_job_id: self.train_job_id.clone(),
            generator_type: self.generator_type.clone(),
            epsilon: self.epsilon,
            created_at: rfc3339(self.created_ms),
        }
    }
}

#[derive(Debug, Default)]
struct Project {
    jobs: Vec<String>,
    models: Vec<String>,
    duration_override_ms: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
}

#[derive(Debug)]
pub struct Store {
    default_duration_ms: u64,
    seq: u64,
    jobs: HashMap<String, JobRecord>,
    models: HashMap<String, ModelRecord>,
    projects: HashMap<String, Project>,
    idempotency: HashMap<IdemKey, (String, Value)>,
    /// Where generation jobs that name no location write their rows (crate::output).
    output_root: String,
}

impl Store {
    /// A store whose jobs take `default_duration_ms` and whose generation jobs that name no
    /// location are given one under `output_root`.
    pub fn new(default_duration_ms: u64, output_root: String) -> Self {
        Store {
            default_duration_ms,
            seq: 0,
            jobs: HashMap::new(),
            models: HashMap::new(),
            projects: HashMap::new(),
            idempotency: HashMap::new(),
            output_root,
        }
    }

    pub fn reset(&mut self) {
        *self = Store::new(
            self.default_duration_ms,
            std::mem::take(&mut self.output_root),
        );
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn set_job_duration(&mut self, project_id: &str, ms: Option<u64>) {
        self.projects
            .entry(project_id.to_owned())
            .or_default()
            .duration_override_ms = ms;
    }

    pub fn job_duration(&self, project_id: &str) -> u64 {
        self.projects
            .get(project_id)
            .and_then(|p| p.duration_override_ms)
            .unwrap_or(self.default_duration_ms)
    }

    pub fn job_project(&self, job_id: &str) -> Option<&str> {
        self.jobs.get(job_id).map(|j| j.project_id.as_str())
    }

    pub fn job_kind(&self, job_id: &str) -> Option<Kind> {
        self.jobs.get(job_id).map(|j| j.kind)
    }

    /// The bytes of the submission that created the job: a train job's config, or a
    /// generation job's request. A replay with the same key keeps the original's.
    pub fn submitted_body(&self, job_id: &str) -> Option<Bytes> {
        self.jobs.get(job_id).map(|j| j.raw.clone())
    }

    pub fn jobs_total(&self, project_id: Option<&str>) -> usize {
        match project_id {
            Some(p) => self.projects.get(p).map_or(0, |p| p.jobs.len()),
            None => self.jobs.len(),
        }
    }

    pub fn submit(&mut self, sub: Submission<'_>, now: u64) -> Result<Created, CreateError> {
        let idem = sub.idempotency_key.map(|key| IdemKey {
            subject: sub.subject.to_owned(),
            project_id: sub.project_id.to_owned(),
            kind: sub.kind,
            key: key.to_owned(),
        });
        if let Some((job_id, body)) = idem.as_ref().and_then(|k| self.idempotency.get(k)) {
            if body != sub.body {
                return Err(CreateError::KeyReused);
            }
            let job_id = job_id.clone();
            return Ok(Created::Replayed(
                self.get_job(&job_id, now)
                    .expect("idempotency record points at a job"),
            ));
        }
        if sub.kind == Kind::Generate {
            let model_id = sub.plan.model_id.as_deref().unwrap_or_default();
            self.settle(sub.project_id, now);
            match self.models.get(model_id) {
                Some(m) if m.project_id == sub.project_id => {}
                _ => return Err(CreateError::ModelNotFound),
            }
        }
        let seq = self.next_seq();
        let id = uuid::Uuid::new_v4().to_string();
        let mut plan = sub.plan;
        if sub.kind == Kind::Generate && plan.output_location.is_none() {
            plan.output_location = Some(format!("{}/{id}/", self.output_root));
        }
        let job = JobRecord {
            id,
            project_id: sub.project_id.to_owned(),
            kind: sub.kind,
            seq,
            created_ms: now,
            duration_ms: self.job_duration(sub.project_id),
            cancelled_ms: None,
            new_model_id: (sub.kind == Kind::Train).then(|| uuid::Uuid::new_v4().to_string()),
            plan,
            raw: sub.raw,
        };
        let view = job.view(now);
        self.projects
            .entry(job.project_id.clone())
            .or_default()
            .jobs
            .push(job.id.clone());
        if let Some(k) = idem {
            self.idempotency
                .insert(k, (job.id.clone(), sub.body.clone()));
        }
        self.jobs.insert(job.id.clone(), job);
        Ok(Created::New(view))
    }

    pub fn get_job(&mut self, job_id: &str, now: u64) -> Option<JobView> {
        let project = self.jobs.get(job_id)?.project_id.clone();
        self.settle(&project, now);
        self.jobs.get(job_id).map(|j| j.view(now))
    }

    /// Cancelling is idempotent: a job already terminal is returned unchanged.
    pub fn cancel(&mut self, job_id: &str, now: u64) -> Option<JobView> {
        let project = self.jobs.get(job_id)?.project_id.clone();
        self.settle(&project, now);
        let job = self.jobs.get_mut(job_id)?;
        if !job.phase(now).state.is_terminal() {
            job.cancelled_ms = Some(now);
        }
        Some(job.view(now))
    }

    pub fn list_jobs(
        &mut self,
        project_id: &str,
        kind: Option<Kind>,
        after_seq: u64,
        page_size: usize,
        now: u64,
    ) -> Page<JobView> {
        self.settle(project_id, now);
        let ids = self
            .projects
            .get(project_id)
            .map(|p| p.jobs.as_slice())
            .unwrap_or_default();
        let mut matching = ids
            .iter()
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| j.seq > after_seq && kind.is_none_or(|k| j.kind == k));
        let items: Vec<&JobRecord> = matching.by_ref().take(page_size).collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.seq.to_string()),
            _ => None,
        };
        Page {
            items: items.into_iter().map(|j| j.view(now)).collect(),
            next_page_token: next,
        }
    }

    pub fn list_models(
        &mut self,
        project_id: &str,
        after_seq: u64,
        page_size: usize,
        now: u64,
    ) -> Page<ModelView> {
        self.settle(project_id, now);
        let ids = self
            .projects
            .get(project_id)
            .map(|p| p.models.as_slice())
            .unwrap_or_default();
        let mut matching = ids
            .iter()
            .filter_map(|id| self.models.get(id))
            .filter(|m| m.seq > after_seq);
        let items: Vec<&ModelRecord> = matching.by_ref().take(page_size).collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.seq.to_string()),
            _ => None,
        };
        Page {
            items: items.into_iter().map(ModelRecord::view).collect(),
            next_page_token: next,
        }
    }

    /// Registers the models of train jobs that have succeeded by `now`.
    /// Models are appended in order of success time; anything settled later
    /// succeeded later, so the list (and its page tokens) only ever grows at
    /// the end.
    fn settle(&mut self, project_id: &str, now: u64) {
        let Some(project) = self.projects.get(project_id) else {
            return;
        };
        let mut done: Vec<(u64, u64, String)> = project
            .jobs
            .iter()
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| j.kind == Kind::Train)
            .filter(|j| {
                j.new_model_id
                    .as_ref()
                    .is_some_and(|m| !self.models.contains_key(m))
            })
            .filter(|j| j.phase(now).state == State::Succeeded)
            .map(|j| (j.ends_at(), j.seq, j.id.clone()))
            .collect();
        done.sort();
        for (ends_at, _, job_id) in done {
            let seq = self.next_seq();
            let job = &self.jobs[&job_id];
            let model = ModelRecord {
                id: job.new_model_id.clone().unwrap_or_default(),
                project_id: job.project_id.clone(),
                train_job_id: job.id.clone(),
                seq,
                created_ms: ends_at,
                generator_type: job.plan.generator_type.clone(),
                epsilon: job.plan.epsilon,
            };
            if let Some(p) = self.projects.get_mut(project_id) {
                p.models.push(model.id.clone());
            }
            self.models.insert(model.id.clone(), model);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T0: u64 = 1_700_000_000_000;
    /// The parent of the locations given to generation jobs that name none.
    const ROOT: &str = "file:///hub-sim-test/generated";

    fn train(
        store: &mut Store,
        project: &str,
        key: Option<&str>,
        body: &Value,
        plan: Plan,
        now: u64,
    ) -> Result<Created, CreateError> {
        store.submit(
            Submission {
                project_id: project,
                kind: Kind::Train,
                subject: "alice",
                idempotency_key: key,
                body,
                raw: Bytes::from(body.to_string()),
                plan,
            },
            now,
        )
    }

    fn new_job(c: Result<Created, CreateError>) -> JobView {
        match c {
            Ok(Created::New(j)) => j,
            other => panic!("expected a new job, got {other:?}"),
        }
    }

    #[test]
    fn train_job_runs_through_states_and_produces_model() {
        let mut s = Store::new(1000, ROOT.to_owned());
        let plan = Plan {
            generator_type: Some("priv_bayes".into()),
            epsilon: Some(1000.0),
            ..Plan::default()
        };
        let job = new_job(train(&mut s, "p1", None, &json!({}), plan, T0));
        assert_eq!(
            (job.state, job.progress, job.model_id.as_deref()),
            (State::Queued, 0.0, None)
        );
        assert_eq!(job.created_at, job.updated_at);

        let mut last = 0.0;
        for t in [50, 100, 101, 300, 550, 999] {
            let j = s.get_job(&job.id, T0 + t).unwrap();
            let expect = if t < 100 {
                State::Queued
            } else {
                State::Running
            };
            assert_eq!(j.state, expect, "at {t}");
            assert!(
                j.progress >= last && j.progress < 1.0,
                "progress monotonic in [0,1) at {t}"
            );
            last = j.progress;
            assert!(s.list_models("p1", 0, 20, T0 + t).items.is_empty());
        }
        assert_eq!(s.get_job(&job.id, T0 + 550).unwrap().progress, 0.5);

        let done = s.get_job(&job.id, T0 + 1000).unwrap();
        assert_eq!((done.state, done.progress), (State::Succeeded, 1.0));
        let models = s.list_models("p1", 0, 20, T0 + 1000).items;
        assert_eq!(models.len(), 1);
        assert_eq!(done.model_id.as_deref(), Some(models[0].id.as_str()));
        assert_eq!(models[0].train_job_id, job.id);
        assert_eq!(models[0].generator_type.as_deref(), Some("priv_bayes"));
        assert_eq!(models[0].epsilon, Some(1000.0));
        assert_eq!(models[0].created_at, done.updated_at);
    }

    #[test]
    fn model_appears_without_anyone_reading_the_job() {
        let mut s = Store::new(1000, ROOT.to_owned());
        new_job(train(&mut s, "p1", None, &json!({}), Plan::default(), T0));
        assert_eq!(s.list_models("p1", 0, 20, T0 + 5000).items.len(), 1);
        assert!(s.list_models("other", 0, 20, T0 + 5000).items.is_empty());
    }

    #[test]
    fn scripted_failure_happens_halfway_and_creates_no_model() {
        let mut s = Store::new(1000, ROOT.to_owned());
        let plan = Plan {
            failure_reason: Some("could not read data input sim://fail/x".into()),
            ..Plan::default()
        };
        let job = new_job(train(&mut s, "p1", None, &json!({}), plan, T0));
        assert_eq!(s.get_job(&job.id, T0 + 549).unwrap().state, State::Running);
        let failed = s.get_job(&job.id, T0 + 550).unwrap();
        assert_eq!((failed.state, failed.progress), (State::Failed, 0.5));
        assert_eq!(
            failed.failure_reason.as_deref(),
            Some("could not read data input sim://fail/x")
        );
        let later = s.get_job(&job.id, T0 + 10_000).unwrap();
        assert_eq!(later, failed);
        assert!(later.model_id.is_none());
        assert!(s.list_models("p1", 0, 20, T0 + 10_000).items.is_empty());
    }

    #[test]
    fn cancel_freezes_progress_and_is_idempotent() {
        let mut s = Store::new(1000, ROOT.to_owned());
        let job = new_job(train(&mut s, "p1", None, &json!({}), Plan::default(), T0));
        let c = s.cancel(&job.id, T0 + 325).unwrap();
        assert_eq!((c.state, c.progress), (State::Cancelled, 0.25));
        let again = s.cancel(&job.id, T0 + 2000).unwrap();
        assert_eq!(again, c);
        assert_eq!(s.get_job(&job.id, T0 + 5000).unwrap(), c);
        assert!(s.list_models("p1", 0, 20, T0 + 5000).items.is_empty());

        let other = new_job(train(&mut s, "p1", None, &json!({}), Plan::default(), T0));
        let done = s.get_job(&other.id, T0 + 1000).unwrap();
        assert_eq!(
            s.cancel(&other.id, T0 + 1500).unwrap(),
            done,
            "terminal job unchanged"
        );
        assert!(s.cancel("nope", T0).is_none());
    }

    #[test]
    fn idempotency_replays_original_and_rejects_other_body() {
        let mut s = Store::new(1000, ROOT.to_owned());
        let body = json!({"data_input": ["a"]});
        let first = new_job(train(&mut s, "p1", Some("k1"), &body, Plan::default(), T0));
        let again = train(
            &mut s,
            "p1",
            Some("k1"),
            &json!({"data_input": ["a"]}),
            Plan::default(),
            T0 + 500,
        );
        match again {
            Ok(Created::Replayed(j)) => {
                assert_eq!(j.id, first.id);
                assert_eq!(j.state, State::Running, "replay shows the current state");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            train(
                &mut s,
                "p1",
                Some("k1"),
                &json!({"data_input": ["b"]}),
                Plan::default(),
                T0
            ),
            Err(CreateError::KeyReused)
        );
        // The key is scoped by project and by subject.
        new_job(train(&mut s, "p2", Some("k1"), &body, Plan::default(), T0));
        new_job(s.submit(
            Submission {
                project_id: "p1",
                kind: Kind::Train,
                subject: "bob",
                idempotency_key: Some("k1"),
                body: &body,
                raw: Bytes::new(),
                plan: Plan::default(),
            },
            T0,
        ));
        assert_eq!(s.jobs_total(Some("p1")), 2);
        assert_eq!(s.jobs_total(None), 3);
    }

    #[test]
    fn a_job_keeps_the_bytes_of_the_submission_that_created_it() {
        let mut s = Store::new(1000, ROOT.to_owned());
        let body = json!({"a": 1});
        let sub = |raw: &'static [u8]| Submission {
            project_id: "p1",
            kind: Kind::Train,
            subject: "alice",
            idempotency_key: Some("k"),
            body: &body,
            raw: Bytes::from_static(raw),
            plan: Plan::default(),
        };
        let job = new_job(s.submit(sub(b"{ \"a\" :\t1 }"), T0));
        // A JSON-equal replay is the same job, and does not replace what was received.
        assert!(matches!(
            s.submit(sub(b"{\"a\":1}"), T0),
            Ok(Created::Replayed(_))
        ));
        assert_eq!(s.submitted_body(&job.id).unwrap(), &b"{ \"a\" :\t1 }"[..]);
        assert!(s.submitted_body("nope").is_none());
    }

    #[test]
    fn generation_needs_a_model_of_the_same_project() {
        let mut s = Store::new(0, ROOT.to_owned());
        let train_job = new_job(train(&mut s, "p1", None, &json!({}), Plan::default(), T0));
        let model_id = s.get_job(&train_job.id, T0).unwrap().model_id.unwrap();
        let gen = |s: &mut Store, project: &str, model: &str| {
            s.submit(
                Submission {
                    project_id: project,
                    kind: Kind::Generate,
                    subject: "alice",
                    idempotency_key: None,
                    body: &json!({}),
                    raw: Bytes::from_static(b"{}"),
                    plan: Plan {
                        model_id: Some(model.into()),
                        num_rows: Some(10),
                        ..Plan::default()
                    },
                },
                T0,
            )
        };
        assert_eq!(
            gen(&mut s, "p1", "missing"),
            Err(CreateError::ModelNotFound)
        );
        assert_eq!(
            gen(&mut s, "p2", &model_id),
            Err(CreateError::ModelNotFound)
        );
        let job = new_job(gen(&mut s, "p1", &model_id));
        assert_eq!(
            (job.kind, job.num_rows, job.model_id.as_deref()),
            (Kind::Generate, Some(10), Some(model_id.as_str()))
        );
        assert_eq!(
            job.state,
            State::Succeeded,
            "zero duration completes at once"
        );
    }

    #[test]
    fn pagination_and_kind_filter() {
        let mut s = Store::new(1000, ROOT.to_owned());
        let ids: Vec<String> = (0..5)
            .map(|i| {
                new_job(train(
                    &mut s,
                    "p1",
                    None,
                    &json!({}),
                    Plan::default(),
                    T0 + i,
                ))
                .id
            })
            .collect();
        let p1 = s.list_jobs("p1", None, 0, 2, T0);
        assert_eq!(
            p1.items.iter().map(|j| j.id.clone()).collect::<Vec<_>>(),
            ids[..2]
        );
        let tok: u64 = p1.next_page_token.unwrap().parse().unwrap();
        let p2 = s.list_jobs("p1", None, tok, 2, T0);
        assert_eq!(
            p2.items.iter().map(|j| j.id.clone()).collect::<Vec<_>>(),
            ids[2..4]
        );
        let p3 = s.list_jobs(
            "p1",
            None,
            p2.next_page_token.unwrap().parse().unwrap(),
            2,
            T0,
        );
        assert_eq!(p3.items.len(), 1);
        assert!(p3.next_page_token.is_none());
        assert!(s
            .list_jobs("p1", Some(Kind::Generate), 0, 20, T0)
            .items
            .is_empty());
        assert!(s.list_jobs("unknown", None, 0, 20, T0).items.is_empty());
        let exact = s.list_jobs("p1", None, 0, 5, T0);
        assert!(
            exact.next_page_token.is_none(),
            "no token when nothing follows"
        );
    }

    #[test]
    fn per_project_duration_override_applies_to_new_jobs() {
        let mut s = Store::new(1000, ROOT.to_owned());
        s.set_job_duration("fast", Some(0));
        let j = new_job(train(&mut s, "fast", None, &json!({}), Plan::default(), T0));
        assert_eq!(j.state, State::Succeeded);
        assert_eq!(s.job_duration("slow"), 1000);
        s.reset();
        assert_eq!(s.job_duration("fast"), 1000);
        assert_eq!(s.jobs_total(None), 0);
    }
}
