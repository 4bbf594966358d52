//! The HTTP client the simulator calls Keycloak with (its JWKS, the `/auth` proxy).

/// A reqwest client builder for plain-HTTP calls to Keycloak on loopback. Installs the ring
/// provider first: in a workspace build reqwest gets libhazy's TLS features and panics
/// without a provider, even for http:// URLs.
pub fn builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy()
}
