//! Hazy Hub's HTTP API as this library models it (see `contract/hub-api.yaml`): the paths,
//! the wire types, local validation of training configs, and the request machinery.

pub(crate) mod api;
pub mod paths;
pub(crate) mod problem;
pub(crate) mod types;
mod validate;

pub use api::Hub;
pub use types::{Job, JobKind, Model};
pub use validate::{check_generation_config, check_training_config, MAX_CONFIG_BYTES};
