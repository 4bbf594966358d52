//! Client configuration: one typed struct with its defaults ([`settings`]), filled from
//! `key = value` pairs ([`options`]) and from `HAZY_*` environment variables ([`env`]). What
//! authentication makes of it lives with authentication: `Credentials::from_config`,
//! `AssertionKey::from_config`.

mod env;
mod options;
mod settings;

pub use options::OPTIONS;
pub use settings::{ClientAuth, Config};
