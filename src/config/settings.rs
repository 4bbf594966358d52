//! The typed settings: one struct, its defaults, and what follows from it alone (the token
//! endpoint, the secrets to redact).

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// How the client authenticates itself to the token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body, as the seed tutorial does.
    Post,
    /// HTTP Basic with the form-URL-encoded id and secret.
    Basic,
    /// A JWT signed with `client_private_key` (RFC 7523, Keycloak's "Signed JWT").
    PrivateKeyJwt,
    /// The client id alone: the TLS client certificate (`client_cert`) authenticates the
    /// client (RFC 8705 `tls_client_auth`, Keycloak's "X509 certificate").
    TlsClientAuth,
}

impl ClientAuth {
    /// Whether the client authenticates without a client secret.
    pub fn secretless(self) -> bool {
        matches!(self, ClientAuth::PrivateKeyJwt | ClientAuth::TlsClientAuth)
    }
}

/// Everything a [`crate::Client`] needs. `Debug` never prints secrets.
#[derive(Clone)]
pub struct Config {
    pub host: Option<String>,
    pub realm: String,
    pub auth_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    /// A file holding the client secret, read again for every grant.
    pub client_secret_file: Option<String>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// A file holding the password, read again for every grant.
    pub password_file: Option<String>,
    pub access_token: Option<SecretString>,
    /// A file holding a bearer token, read again when the Hub rejects the token.
    pub access_token_file: Option<String>,
    /// A program run for every grant, printing a client secret or an access token as JSON.
    pub credential_command: Option<String>,
    /// Run `credential_command` with the system shell instead of splitting it into words.
    pub credential_command_shell: bool,
    /// `credential_command` is killed after this long.
    pub credential_command_timeout: Duration,
    pub audience: Option<String>,
    pub scope: Option<String>,
    pub client_auth: ClientAuth,
    pub client_private_key: Option<String>,
    /// A file holding the passphrase of an encrypted `client_private_key`, read with the key.
    pub client_private_key_passphrase_file: Option<String>,
    pub client_key_id: Option<String>,
    pub client_assertion_alg: Option<String>,
    pub client_assertion_audience: Option<String>,
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
    /// Files holding the passphrases of an encrypted `client_key` and of `client_cert_p12`.
    pub client_key_passphrase_file: Option<String>,
    /// A PKCS#12 bundle: the TLS client key, certificate and chain in one file.
    pub client_cert_p12: Option<String>,
    pub client_cert_p12_passphrase_file: Option<String>,
    /// This client's proxy (http:// or https:// URL, no credentials in it): overrides
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` for this client only.
    pub proxy: Option<String>,
    /// Hosts reached without `proxy`, in `NO_PROXY`'s syntax.
    pub no_proxy: Option<String>,
    /// The user for the proxy's Basic authentication.
    pub proxy_username: Option<String>,
    /// A file holding the proxy password, read when the client is created.
    pub proxy_password_file: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub ca_bundle: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub user_agent: String,
    pub token_refresh_margin: Duration,
    /// The file where processes share tokens (auth::TokenCache); None: each process alone.
    pub token_cache: Option<String>,
    pub retry_max_attempts: u32,
    pub retry_base_delay: Duration,
    pub retry_max_elapsed: Duration,
    pub poll_interval: Duration,
    /// How long `hazy_job_wait` goes on while the job is in states it does not know.
    pub unknown_state_timeout: Duration,
    /// The caller's trace context: every call becomes a child of it (crate::trace).
    pub traceparent: Option<crate::trace::TraceParent>,
    /// Where log records go, besides `HAZY_LOG`/`HAZY_LOG_FILE` (crate::logging). Set through
    /// the API (a C callback, a Rust sink), never from text.
    pub log_sinks: Vec<std::sync::Arc<dyn crate::logging::Sink>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            host: None,
            realm: "hazy".to_owned(),
            auth_url: None,
            token_url: None,
            client_id: None,
            client_secret: None,
            client_secret_file: None,
            username: None,
            password: None,
            password_file: None,
            access_token: None,
            access_token_file: None,
            credential_command: None,
            credential_command_shell: false,
            credential_command_timeout: Duration::from_secs(10),
            audience: None,
            scope: None,
            client_auth: ClientAuth::Post,
            client_private_key: None,
            client_private_key_passphrase_file: None,
            client_key_id: None,
            client_assertion_alg: None,
            client_assertion_audience: None,
            client_cert: None,
            client_key: None,
            client_key_passphrase_file: None,
            client_cert_p12: None,
            client_cert_p12_passphrase_file: None,
            proxy: None,
            no_proxy: None,
            proxy_username: None,
            proxy_password_file: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            ca_bundle: None,
            insecure_skip_tls_verify: false,
            user_agent: concat!("libhazy/", env!("CARGO_PKG_VERSION")).to_owned(),
            token_refresh_margin: Duration::from_secs(30),
            token_cache: None,
            retry_max_attempts: 4,
            retry_base_delay: Duration::from_millis(200),
            retry_max_elapsed: Duration::from_secs(30),
            poll_interval: Duration::from_millis(1000),
            unknown_state_timeout: Duration::from_secs(60),
            traceparent: None,
            log_sinks: Vec::new(),
        }
    }
}

impl Config {
    /// The token endpoint: `token_url`, else `{auth_url}/realms/{realm}/...`, else the seed
    /// tutorial's layout `{host}/auth/realms/{realm}/protocol/openid-connect/token`.
    pub fn token_endpoint(&self) -> Result<String> {
        if let Some(url) = &self.token_url {
            return Ok(url.clone());
        }
        let (base, under) = match (&self.auth_url, &self.host) {
            (Some(auth), _) => (auth, None),
            (None, Some(host)) => (host, Some("auth")),
            (None, None) => {
                return Err(Error::invalid_argument(
                    "no token endpoint: set host (HAZY_HUB_HOST), auth_url or token_url",
                ))
            }
        };
        let mut url = reqwest::Url::parse(base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| Error::invalid_argument(format!("'{base}' is not an http(s) URL")))?;
        // Segments are percent-encoded as they are added, so a realm name cannot change the
        // path's shape.
        url.path_segments_mut()
            .map_err(|()| Error::invalid_argument(format!("'{base}' cannot hold a path")))?
            .pop_if_empty()
            .extend(under)
            .extend(["realms", &self.realm, "protocol", "openid-connect", "token"]);
        Ok(url.into())
    }

    /// Refuses a secret set both as a value and as a file: which one wins would be a guess.
    pub fn check_secret_files(&self) -> Result<()> {
        let pairs = [
            ("client_secret", self.client_secret.is_some(), self.client_secret_file.is_some()),
            ("password", self.password.is_some(), self.password_file.is_some()),
            ("access_token", self.access_token.is_some(), self.access_token_file.is_some()),
        ];
        for (key, value, file) in pairs {
            if value && file {
                return Err(Error::invalid_argument(format!(
                    "options '{key}' and '{key}_file' are both set (or HAZY_{upper} and HAZY_{upper}_FILE): set one",
                    upper = key.to_ascii_uppercase()
                )));
            }
        }
        // The credential command stands for the client secret or the access token.
        if self.credential_command.is_some() {
            let others = [
                ("client_secret", self.client_secret.is_some()),
                ("client_secret_file", self.client_secret_file.is_some()),
                ("access_token", self.access_token.is_some()),
                ("access_token_file", self.access_token_file.is_some()),
            ];
            if let Some((key, _)) = others.iter().find(|(_, set)| *set) {
                return Err(Error::invalid_argument(format!(
                    "options 'credential_command' and '{key}' are both set (or HAZY_CREDENTIAL_COMMAND and HAZY_{}): set one",
                    key.to_ascii_uppercase()
                )));
            }
        }
        Ok(())
    }

    /// Every configured secret, for redaction of messages.
    pub fn secrets(&self) -> Vec<String> {
        [&self.client_secret, &self.password, &self.access_token]
            .into_iter()
            .flatten()
            .map(|s| s.expose_secret().to_owned())
            .collect()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |o: &Option<SecretString>| if o.is_some() { "<set>" } else { "<unset>" };
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("realm", &self.realm)
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &set(&self.client_secret))
            .field("username", &self.username)
            .field("password", &set(&self.password))
            .field("access_token", &set(&self.access_token))
            .field("client_secret_file", &self.client_secret_file)
            .field("password_file", &self.password_file)
            .field("access_token_file", &self.access_token_file)
            .field("credential_command", &self.credential_command.as_ref().map(|_| "<set>"))
            .field("client_auth", &self.client_auth)
            .field("client_private_key", &self.client_private_key)
            .field("client_private_key_passphrase_file", &self.client_private_key_passphrase_file)
            .field("client_key_id", &self.client_key_id)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("client_key_passphrase_file", &self.client_key_passphrase_file)
            .field("client_cert_p12", &self.client_cert_p12)
            .field("client_cert_p12_passphrase_file", &self.client_cert_p12_passphrase_file)
            .field("proxy", &self.proxy)
            .field("no_proxy", &self.no_proxy)
            .field("proxy_username", &self.proxy_username)
            .field("proxy_password_file", &self.proxy_password_file)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("ca_bundle", &self.ca_bundle)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("token_cache", &self.token_cache)
            .field("traceparent", &self.traceparent)
            .field("log_sinks", &self.log_sinks.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_endpoint_follows_the_tutorial_layout_by_default() {
        let mut c = Config::default();
        c.set("host", "https://hub.example.com/").unwrap();
        assert_eq!(
            c.token_endpoint().unwrap(),
            "https://hub.example.com/auth/realms/hazy/protocol/openid-connect/token"
        );
        c.set("auth_url", "https://kc.example.com").unwrap();
        c.set("realm", "other").unwrap();
        assert_eq!(
            c.token_endpoint().unwrap(),
            "https://kc.example.com/realms/other/protocol/openid-connect/token"
        );
        c.set("realm", "a b/c%").unwrap();
        assert_eq!(
            c.token_endpoint().unwrap(),
            "https://kc.example.com/realms/a%20b%2Fc%25/protocol/openid-connect/token"
        );
        assert_eq!(c.set("realm", "a\tb").unwrap_err().status(), crate::status::Status::InvalidArgument);
        c.set("token_url", "https://x/token").unwrap();
        assert_eq!(c.token_endpoint().unwrap(), "https://x/token");
    }

    #[test]
    fn bad_options_are_named_and_secrets_not_debug_printed() {
        let mut c = Config::default();
        let e = c.set("conect_timeout_ms", "5").unwrap_err();
        assert!(e.message().contains("conect_timeout_ms"));
        let e = c.set("connect_timeout_ms", "soon").unwrap_err();
        assert!(e.message().contains("connect_timeout_ms"));
        c.set("client_secret", "very-secret-value").unwrap();
        c.set("password", "hunter2-password").unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("very-secret-value") && !shown.contains("hunter2"));
        assert!(shown.contains("<set>"));
    }

    #[test]
    fn a_secret_and_its_file_together_are_refused_naming_both() {
        for key in ["client_secret", "password", "access_token"] {
            let mut c = Config::default();
            c.set(&format!("{key}_file"), "/run/secrets/x").unwrap();
            c.check_secret_files().unwrap();
            c.set(key, "CANARY-conflict-value").unwrap();
            let e = c.check_secret_files().unwrap_err();
            assert_eq!(e.status(), crate::status::Status::InvalidArgument);
            assert!(e.message().contains(&format!("'{key}'")) && e.message().contains(&format!("'{key}_file'")), "{}", e.message());
            assert!(!e.message().contains("CANARY"));
            c.set(&format!("{key}_file"), "").unwrap();
            c.check_secret_files().unwrap();
        }
    }
}
