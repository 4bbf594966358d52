//! Authentication against a Keycloak token endpoint: the grants, the token cache with its
//! single-flight refresh, and the clock the cache reads.

mod clock;
mod credentials;
mod token_endpoint;
mod token_source;

pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::Credentials;
pub use token_endpoint::TokenEndpoint;
pub use token_source::TokenSource;
