//! The ways a caller proves who it is.

use secrecy::{ExposeSecret, SecretString};

use crate::config::Config;
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
    /// The credentials configured through options or the environment, if any. A bearer token
    /// wins, then the password grant (which needs a user), then client credentials.
    pub fn from_config(config: &Config) -> Option<Credentials> {
        if let Some(token) = &config.access_token {
            return Some(Credentials::Bearer(token.clone()));
        }
        let client_id = config.client_id.clone()?;
        match (&config.username, &config.password) {
            (Some(username), Some(password)) => Some(Credentials::Password {
                client_id,
                client_secret: config.client_secret.clone(),
                username: username.clone(),
                password: password.clone(),
            }),
            // private_key_jwt and tls_client_auth need no secret; the others do.
            _ => Some(Credentials::ClientCredentials {
                client_id,
                client_secret: match config.client_secret.clone() {
                    Some(secret) => Some(secret),
                    None if config.client_auth.secretless() => None,
                    None => return None,
                },
            }),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_credentials_pick_the_grant() {
        let mut c = Config::default();
        assert!(Credentials::from_config(&c).is_none());
        c.set("client_id", "api").unwrap();
        assert!(Credentials::from_config(&c).is_none(), "no secret, no user: nothing to use");
        c.set("client_secret", "s3cret").unwrap();
        assert!(matches!(Credentials::from_config(&c), Some(Credentials::ClientCredentials { .. })));
        c.set("username", "u").unwrap();
        c.set("password", "p").unwrap();
        assert!(matches!(Credentials::from_config(&c), Some(Credentials::Password { .. })));
        c.set("access_token", "tok").unwrap();
        assert!(matches!(Credentials::from_config(&c), Some(Credentials::Bearer(_))));
    }

    #[test]
    fn private_key_jwt_and_tls_client_auth_need_no_secret() {
        let mut c = Config::default();
        c.set("client_id", "api-jwt").unwrap();
        assert!(Credentials::from_config(&c).is_none(), "client_secret_post needs the secret");
        c.set("client_auth", "private_key_jwt").unwrap();
        assert!(matches!(
            Credentials::from_config(&c),
            Some(Credentials::ClientCredentials { client_secret: None, .. })
        ));
        c.set("client_auth", "tls_client_auth").unwrap();
        assert!(Credentials::from_config(&c).is_some());
        assert!(c.set("client_auth", "jwt-bearer").unwrap_err().message().contains("private_key_jwt"));
    }
}
