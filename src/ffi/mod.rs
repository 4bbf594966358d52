//! The C ABI: thin wrappers that check arguments, contain panics and hand ownership across
//! the boundary. Every behaviour lives in the safe Rust API; see `include/hazy.h` for the
//! contract each function offers to C.

// The C names are the API, so the types carry them.
#![allow(non_camel_case_types)]
// One safety contract covers every function, stated once at the top of include/hazy.h:
// pointers are NULL or valid, strings NUL-terminated, objects come from this library.
#![allow(clippy::missing_safety_doc)]

mod boundary;
pub mod cancel;
pub mod client;
pub mod doctor;
pub mod error;
pub mod jobs;
pub mod lists;
pub mod log;
pub mod options;

pub use cancel::hazy_cancel_token_t;
pub use client::hazy_client_t;
pub use error::hazy_error_t;
pub use jobs::{hazy_job_t, hazy_progress_fn};
pub use log::{hazy_log_fn, hazy_log_record_t};
pub use lists::{hazy_job_list_t, hazy_model_list_t, hazy_model_t};
pub use options::hazy_options_t;
