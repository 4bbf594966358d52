//! The Hub's wire types (see `contract/hub-api.yaml`).

use serde::Deserialize;

use crate::status::JobState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Train,
    Generate,
    /// A kind this version of the library does not know.
    Other,
}

impl JobKind {
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Train => "train",
            JobKind::Generate => "generate",
            JobKind::Other => "other",
        }
    }
}

/// A snapshot of a job on the Hub.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub project_id: String,
    pub kind: JobKind,
    pub state: JobState,
    /// The state exactly as the Hub sent it, e.g. `"SUCCEEDED"` or a state this version does
    /// not know.
    pub raw_state: String,
    /// From 0.0 to 1.0.
    pub progress: f64,
    /// For a succeeded train job, the model it produced; for a generation job, its source.
    pub model_id: Option<String>,
    pub failure_reason: Option<String>,
    pub num_rows: Option<u64>,
    /// For a generation job, where the Hub writes the generated rows: the generation
    /// config's `output_location`, or the Hub's own default when the config names none.
    pub output_location: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Model {
    pub id: String,
    pub project_id: String,
    #[serde(default)]
    pub train_job_id: Option<String>,
    #[serde(default)]
    pub generator_type: Option<String>,
    #[serde(default)]
    pub epsilon: Option<f64>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// The wire form of a job; `Job` is what callers see.
#[derive(Deserialize)]
pub(crate) struct WireJob {
    id: String,
    project_id: String,
    kind: String,
    state: String,
    #[serde(default)]
    progress: Option<f64>,
    #[serde(default)]
    model_id: Option<String>,
    #[serde(default)]
    failure_reason: Option<String>,
    #[serde(default)]
    num_rows: Option<u64>,
    #[serde(default)]
    output_location: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

impl From<WireJob> for Job {
    fn from(w: WireJob) -> Job {
        Job {
            id: w.id,
            project_id: w.project_id,
            kind: match w.kind.as_str() {
                "train" => JobKind::Train,
                "generate" => JobKind::Generate,
                _ => JobKind::Other,
            },
            state: JobState::from_wire(&w.state),
            raw_state: w.state,
            progress: w.progress.unwrap_or(0.0).clamp(0.0, 1.0),
            model_id: w.model_id,
            failure_reason: w.failure_reason,
            num_rows: w.num_rows,
            output_location: w.output_location,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}
