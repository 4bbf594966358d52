//! libhazy: a native client for Hazy's synthetic-data Hub.
//!
//! The crate has two faces. The safe Rust API ([`Client`], [`Config`], [`Error`]) holds all
//! of the logic: Keycloak token grants and their lifecycle, Hub requests with retries, job
//! waiting. The C ABI in [`ffi`] is a thin shell over it: argument checks, panic containment,
//! and ownership of the objects handed to C.

#![deny(clippy::undocumented_unsafe_blocks)]

pub mod auth;
mod client;
mod config;
pub mod doctor;
mod error;
pub mod ffi;
#[doc(hidden)] pub mod fuzzing;
mod http;
mod key_file;
pub mod logging;
mod private_file;
mod redact;
pub mod hub;
mod retry;
mod secret_file;
pub mod runtime;
mod status;
mod tls;
pub mod trace;
mod wait;

/// Cancels waits ([`WaitOptions::cancel`]) from any thread; clones share the flag.
pub use tokio_util::sync::CancellationToken as CancelToken;
pub use client::Client;
pub use config::{ClientAuth, Config, OPTIONS};
pub use error::{Error, Result};
pub use logging::{LogLevel, Record, Sink};
pub use trace::TraceParent;
pub use status::{JobState, Status};
pub use wait::{wait_for_job, WaitOptions};

/// The library version, identical to the crate version and `HAZY_VERSION` in the header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
