//! The ways a caller proves who it is.

use secrecy::{ExposeSecret, SecretString};

use crate::redact::Redactor;

/// Credentials for the token endpoint, or a token obtained elsewhere. `Debug` redacts secrets.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// The client_credentials grant: the client secret is the tutorial's "API key". No secret
    /// with private_key_jwt or tls_client_auth, where a key or certificate stands in for it.
    ClientCredentials { client_id: String, client_secret: Option<SecretString> },
    /// The password grant of the tutorial's code. The secret is absent for public clients.
    Password {
        client_id: String,
        client_secret: Option<SecretString>,
        username: String,
        password: SecretString,
    },
    /// A bearer token obtained elsewhere (the tutorial's `api_key=token`); it cannot be
    /// refreshed.
    Bearer(SecretString),
}

impl Credentials {
    pub fn client_id(&self) -> Option<&str> {
        match self {
            Credentials::ClientCredentials { client_id, .. }
            | Credentials::Password { client_id, .. } => Some(client_id),
            Credentials::Bearer(_) => None,
        }
    }

    pub fn client_secret(&self) -> Option<&SecretString> {
        match self {
            Credentials::ClientCredentials { client_secret, .. }
            | Credentials::Password { client_secret, .. } => client_secret.as_ref(),
            Credentials::Bearer(_) => None,
        }
    }

    /// Every secret these credentials hold, in every form libhazy sends it, for scrubbing
    /// server text.
    pub(crate) fn redactor(&self) -> Redactor {
        let mut redactor = Redactor::new();
        match self {
            Credentials::ClientCredentials { client_id, client_secret } => {
                if let Some(secret) = client_secret {
                    redactor.add_basic(client_id, secret.expose_secret());
                }
            }
            Credentials::Password { client_id, client_secret, password, .. } => {
                if let Some(secret) = client_secret {
                    redactor.add_basic(client_id, secret.expose_secret());
                }
                redactor.add_secret(password.expose_secret());
            }
            Credentials::Bearer(token) => redactor.add_secret(token.expose_secret()),
        }
        redactor
    }

    /// Names the grant and the principal for error messages, never a secret.
    pub fn describe(&self) -> String {
        match self {
            Credentials::ClientCredentials { client_id, .. } => {
                format!("client_credentials grant for client '{client_id}'")
            }
            Credentials::Password { client_id, username, .. } => {
                format!("password grant for user '{username}' with client '{client_id}'")
            }
            Credentials::Bearer(_) => "bearer token".to_owned(),
        }
    }
}
