//! The ways a caller proves who it is.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::secret::Secret;
use super::CredentialCommand;
use crate::config::Config;
use crate::error::Result;
use crate::logging::Logger;
use crate::redact::Redactor;

/// Credentials for the token endpoint, or a token obtained elsewhere. Each secret is a value
/// or a file read again for every grant ([`Credentials::load`]). `Debug` redacts secrets.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// The client_credentials grant: the client secret is the tutorial's "API key". No secret
    /// with private_key_jwt or tls_client_auth, where a key or certificate stands in for it.
    ClientCredentials { client_id: String, client_secret: Option<Secret> },
    /// The password grant of the tutorial's code. The secret is absent for public clients.
    Password {
        client_id: String,
        client_secret: Option<Secret>,
        username: String,
        password: Secret,
    },
    /// A bearer token obtained elsewhere (the tutorial's `api_key=token`); it cannot be
    /// refreshed, but a token file is read again when the Hub rejects the token.
    Bearer(Secret),
}

/// A secret option or its `*_file` twin, whichever is set.
fn configured(value: &Option<SecretString>, option: &'static str, path: &Option<String>) -> Option<Secret> {
    match (value, path) {
        (Some(value), _) => Some(Secret::Value(value.clone())),
        (None, Some(path)) => Some(Secret::File { option, path: PathBuf::from(path) }),
        (None, None) => None,
    }
}

impl Credentials {
    /// The credentials configured through options or the environment, if any. A bearer token
    /// wins, then the password grant (which needs a user), then client credentials. A
    /// `*_file` option stands for its secret; the file is read at each grant.
    ///
    /// A `credential_command` stands for the client secret (of client credentials, or of the
    /// password grant when a user is set), or for the access token without a client_id; it
    /// runs at each grant and what it prints decides (an access token skips the grant).
    pub fn from_config(config: &Config) -> Option<Credentials> {
        if let Some(token) = configured(&config.access_token, "access_token_file", &config.access_token_file) {
            return Some(Credentials::Bearer(token));
        }
        let command = CredentialCommand::from_config(config).map(|c| Secret::Command(Arc::new(c)));
        let Some(client_id) = config.client_id.clone() else {
            return command.map(Credentials::Bearer);
        };
        let client_secret =
            command.or_else(|| configured(&config.client_secret, "client_secret_file", &config.client_secret_file));
        let password = configured(&config.password, "password_file", &config.password_file);
        match (&config.username, password) {
            (Some(username), Some(password)) => Some(Credentials::Password {
                client_id,
                client_secret,
                username: username.clone(),
                password,
            }),
            // private_key_jwt and tls_client_auth need no secret; the others do.
            _ => Some(Credentials::ClientCredentials {
                client_id,
                client_secret: match client_secret {
                    Some(secret) => Some(secret),
                    None if config.client_auth.secretless() => None,
                    None => return None,
                },
            }),
        }
    }

    /// These credentials with every secret file read now: what one grant sends. The values
    /// are not kept for the next grant, which reads the files again.
    pub(crate) fn load(&self, log: &Logger, warned: &mut HashSet<PathBuf>) -> Result<Credentials> {
        let mut load = |secret: &Secret| secret.load(log, warned).map(Secret::Value);
        Ok(match self {
            Credentials::ClientCredentials { client_id, client_secret } => Credentials::ClientCredentials {
                client_id: client_id.clone(),
                client_secret: client_secret.as_ref().map(&mut load).transpose()?,
            },
            Credentials::Password { client_id, client_secret, username, password } => Credentials::Password {
                client_id: client_id.clone(),
                client_secret: client_secret.as_ref().map(&mut load).transpose()?,
                username: username.clone(),
                password: load(password)?,
            },
            Credentials::Bearer(token) => Credentials::Bearer(load(token)?),
        })
    }

    /// Whether a secret of these credentials lives in a file or comes from the credential
    /// command: whether it can change from one grant to the next.
    pub fn uses_files(&self) -> bool {
        let file = |s: &Secret| matches!(s, Secret::File { .. } | Secret::Command(_));
        match self {
            Credentials::ClientCredentials { client_secret, .. } => client_secret.as_ref().is_some_and(file),
            Credentials::Password { client_secret, password, .. } => client_secret.as_ref().is_some_and(file) || file(password),
            Credentials::Bearer(token) => file(token),
        }
    }

    /// The credential command these credentials run at each grant, if any.
    pub(crate) fn command(&self) -> Option<&Arc<CredentialCommand>> {
        fn command(s: &Secret) -> Option<&Arc<CredentialCommand>> {
            match s {
                Secret::Command(command) => Some(command),
                _ => None,
            }
        }
        match self {
            Credentials::ClientCredentials { client_secret, .. } | Credentials::Password { client_secret, .. } => {
                client_secret.as_ref().and_then(command)
            }
            Credentials::Bearer(token) => command(token),
        }
    }

    /// These credentials with the client secret the credential command printed in its place.
    /// None for a bearer token, which has no client to authenticate.
    pub(crate) fn with_client_secret(&self, secret: SecretString) -> Option<Credentials> {
        let mut credentials = self.clone();
        match &mut credentials {
            Credentials::ClientCredentials { client_secret, .. } | Credentials::Password { client_secret, .. } => {
                *client_secret = Some(Secret::Value(secret));
            }
            Credentials::Bearer(_) => return None,
        }
        Some(credentials)
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
            | Credentials::Password { client_secret, .. } => client_secret.as_ref().and_then(Secret::value),
            Credentials::Bearer(_) => None,
        }
    }

    /// The password of the password grant, once loaded.
    pub fn password(&self) -> Option<&SecretString> {
        match self {
            Credentials::Password { password, .. } => password.value(),
            _ => None,
        }
    }

    /// The bearer token, once loaded.
    pub fn bearer_token(&self) -> Option<&SecretString> {
        match self {
            Credentials::Bearer(token) => token.value(),
            _ => None,
        }
    }

    /// Every secret these credentials hold, in every form libhazy sends it, for scrubbing
    /// server text. A file not read yet adds nothing: its content is added by whoever loaded it.
    pub(crate) fn redactor(&self) -> Redactor {
        let mut redactor = Redactor::new();
        if let (Some(id), Some(secret)) = (self.client_id(), self.client_secret()) {
            redactor.add_basic(id, secret.expose_secret());
        }
        for secret in [self.password(), self.bearer_token()].into_iter().flatten() {
            redactor.add_secret(secret.expose_secret());
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
