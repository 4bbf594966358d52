//! Every Hub path this client uses, and nothing else. The Hub's REST API is not public: this
//! module and `contract/hub-api.yaml` are our model of it, so correcting the client against a
//! real Hub starts and (ideally) ends here.

/// A path below the Hub host, as unencoded segments plus query pairs. Segments are
/// percent-encoded when joined to the host, so ids cannot inject path elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubPath {
    /// Borrowed where fixed ("api", "v1", "jobs"): only the ids are copied.
    pub segments: Vec<std::borrow::Cow<'static, str>>,
    pub query: Vec<(&'static str, String)>,
    /// The scope the contract requires, for error messages.
    pub scope: &'static str,
}

fn path(segments: &[Segment], scope: &'static str) -> HubPath {
    use std::borrow::Cow;
    let mut all = Vec::with_capacity(2 + segments.len());
    all.extend([Cow::Borrowed("api"), Cow::Borrowed("v1")]);
    all.extend(segments.iter().map(|s| match s {
        Segment::Fixed(s) => Cow::Borrowed(*s),
        Segment::Id(s) => Cow::Owned((*s).to_owned()),
    }));
    HubPath { segments: all, query: Vec::new(), scope }
}

/// A path segment: a fixed part of the contract's path, or an id a caller gave.
enum Segment<'a> {
    Fixed(&'static str),
    Id(&'a str),
}
use Segment::{Fixed, Id};

/// `GET /api/v1/health` (no scope).
pub fn health() -> HubPath {
    path(&[Fixed("health")], "")
}

/// `POST /api/v1/projects/{project}/train-jobs`, with an `Idempotency-Key`.
pub fn submit_train_job(project: &str) -> HubPath {
    path(&[Fixed("projects"), Id(project), Fixed("train-jobs")], "hazy/TrainJob:create")
}

/// `POST /api/v1/projects/{project}/generation-jobs`, with an `Idempotency-Key`.
pub fn submit_generation_job(project: &str) -> HubPath {
    path(&[Fixed("projects"), Id(project), Fixed("generation-jobs")], "hazy/GenerationJob:create")
}

/// `GET /api/v1/jobs/{job}`.
pub fn job(job: &str) -> HubPath {
    path(&[Fixed("jobs"), Id(job)], "hazy/TrainJob:read")
}

/// `POST /api/v1/jobs/{job}/cancel` (idempotent).
pub fn cancel_job(job: &str) -> HubPath {
    path(&[Fixed("jobs"), Id(job), Fixed("cancel")], "hazy/TrainJob:cancel")
}

/// `GET /api/v1/projects/{project}/jobs`, one page.
pub fn list_jobs(project: &str, page_token: Option<&str>) -> HubPath {
    paged(path(&[Fixed("projects"), Id(project), Fixed("jobs")], "hazy/TrainJob:read"), page_token)
}

/// `GET /api/v1/projects/{project}/models`, one page.
pub fn list_models(project: &str, page_token: Option<&str>) -> HubPath {
    paged(path(&[Fixed("projects"), Id(project), Fixed("models")], "hazy/Model:read"), page_token)
}

/// The largest page the contract allows: fewer round trips for long lists.
const PAGE_SIZE: &str = "100";

fn paged(mut p: HubPath, page_token: Option<&str>) -> HubPath {
    p.query.push(("page_size", PAGE_SIZE.to_owned()));
    if let Some(token) = page_token {
        p.query.push(("page_token", token.to_owned()));
    }
    p
}
