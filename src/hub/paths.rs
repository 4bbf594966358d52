//! Every Hub path this client uses, and nothing else. The Hub's REST API is not public: this
//! module and `contract/hub-api.yaml` are our model of it, so correcting the client against a
//! real Hub starts and (ideally) ends here.

/// A path below the Hub host, as unencoded segments plus query pairs. Segments are
/// percent-encoded when joined to the host, so ids cannot inject path elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubPath {
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    /// The scope the contract requires, for error messages.
    pub scope: &'static str,
}

fn path(segments: &[&str], scope: &'static str) -> HubPath {
    let mut all = vec!["api".to_owned(), "v1".to_owned()];
    all.extend(segments.iter().map(|s| (*s).to_owned()));
    HubPath { segments: all, query: Vec::new(), scope }
}

/// `GET /api/v1/health` (no scope).
pub fn health() -> HubPath {
    path(&["health"], "")
}

/// `POST /api/v1/projects/{project}/train-jobs`, with an `Idempotency-Key`.
pub fn submit_train_job(project: &str) -> HubPath {
    path(&["projects", project, "train-jobs"], "hazy/TrainJob:create")
}

/// `POST /api/v1/projects/{project}/generation-jobs`, with an `Idempotency-Key`.
pub fn submit_generation_job(project: &str) -> HubPath {
    path(&["projects", project, "generation-jobs"], "hazy/GenerationJob:create")
}

/// `GET /api/v1/jobs/{job}`.
pub fn job(job: &str) -> HubPath {
    path(&["jobs", job], "hazy/TrainJob:read")
}

/// `POST /api/v1/jobs/{job}/cancel` (idempotent).
pub fn cancel_job(job: &str) -> HubPath {
    path(&["jobs", job, "cancel"], "hazy/TrainJob:cancel")
}

/// `GET /api/v1/projects/{project}/jobs`, one page.
pub fn list_jobs(project: &str, page_token: Option<&str>) -> HubPath {
    paged(path(&["projects", project, "jobs"], "hazy/TrainJob:read"), page_token)
}

/// `GET /api/v1/projects/{project}/models`, one page.
pub fn list_models(project: &str, page_token: Option<&str>) -> HubPath {
    paged(path(&["projects", project, "models"], "hazy/Model:read"), page_token)
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
