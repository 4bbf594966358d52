//! Authentication against a Keycloak token endpoint: the grants, the token cache with its
//! single-flight refresh, the cache file processes share, and the clock the cache reads.

mod assertion;
mod clock;
mod command;
mod credentials;
mod logout;
mod secret;
mod token_cache;
pub(crate) mod token_endpoint;
mod token_source;

pub use assertion::AssertionKey;
pub use clock::{Clock, SystemClock};
pub use command::{CommandOutput, CredentialCommand};
pub use credentials::Credentials;
pub use logout::Logout;
pub use secret::Secret;
pub(crate) use token_cache::TokenCache;
pub use token_endpoint::TokenEndpoint;
pub use token_source::TokenSource;
pub(crate) use token_source::token_of;

use crate::error::Error;

/// The one answer to "authenticate" or a Hub call when the client has no credentials: the
/// same status from every entry point and every binding, in words that fit all of them.
pub(crate) fn no_credentials() -> Error {
    Error::invalid_argument(
        "not authenticated: no credentials are configured; set client_id and client_secret \
         (or client_auth=private_key_jwt with client_private_key, or username and password, or access_token), or authenticate with explicit credentials",
    )
}
