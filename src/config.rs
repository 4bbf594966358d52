//! Client configuration: one typed struct, filled from `key = value` pairs (the C options
//! mechanism, which can grow without breaking the ABI) and from `HAZY_*` environment variables.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::auth::Credentials;
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
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub access_token: Option<SecretString>,
    pub audience: Option<String>,
    pub scope: Option<String>,
    pub client_auth: ClientAuth,
    pub client_private_key: Option<String>,
    pub client_key_id: Option<String>,
    pub client_assertion_alg: Option<String>,
    pub client_assertion_audience: Option<String>,
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub ca_bundle: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub user_agent: String,
    pub token_refresh_margin: Duration,
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
            username: None,
            password: None,
            access_token: None,
            audience: None,
            scope: None,
            client_auth: ClientAuth::Post,
            client_private_key: None,
            client_key_id: None,
            client_assertion_alg: None,
            client_assertion_audience: None,
            client_cert: None,
            client_key: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            ca_bundle: None,
            insecure_skip_tls_verify: false,
            user_agent: format!("libhazy/{}", crate::VERSION),
            token_refresh_margin: Duration::from_secs(30),
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

/// The option keys, their environment variables, and a one-line description. This table is
/// the single list: `set`, `apply_env` and the README agree because they all come from it.
pub const OPTIONS: &[(&str, &str, &str)] = &[
    ("host", "HAZY_HUB_HOST", "Hub base URL, e.g. https://hub.example.com"),
    ("realm", "HAZY_REALM", "Keycloak realm (default hazy)"),
    ("auth_url", "HAZY_AUTH_URL", "Keycloak base URL (default {host}/auth)"),
    ("token_url", "HAZY_TOKEN_URL", "full token endpoint URL (overrides host/auth_url/realm)"),
    ("client_id", "HAZY_CLIENT_ID", "OAuth client id"),
    ("client_secret", "HAZY_CLIENT_SECRET", "OAuth client secret (the tutorial's API key)"),
    ("username", "HAZY_USERNAME", "user for the password grant"),
    ("password", "HAZY_PASSWORD", "password for the password grant"),
    ("access_token", "HAZY_ACCESS_TOKEN", "a bearer token obtained elsewhere"),
    ("audience", "HAZY_AUDIENCE", "`audience` parameter of the password grant"),
    ("scope", "HAZY_SCOPE", "`scope` parameter of token requests"),
    ("client_auth", "HAZY_CLIENT_AUTH", "post (default), basic, private_key_jwt or tls_client_auth"),
    ("client_private_key", "HAZY_CLIENT_PRIVATE_KEY", "PEM private key (RSA or EC) that signs private_key_jwt assertions"),
    ("client_key_id", "HAZY_CLIENT_KEY_ID", "`kid` header of private_key_jwt assertions"),
    ("client_assertion_alg", "HAZY_CLIENT_ASSERTION_ALG", "private_key_jwt signing algorithm (default RS256, ES256/ES384 for EC keys)"),
    ("client_assertion_audience", "HAZY_CLIENT_ASSERTION_AUDIENCE", "`aud` of private_key_jwt assertions (default the token endpoint)"),
    ("client_cert", "HAZY_CLIENT_CERT", "PEM client certificate (chain) for mutual TLS"),
    ("client_key", "HAZY_CLIENT_KEY", "PEM private key of client_cert"),
    ("connect_timeout_ms", "HAZY_CONNECT_TIMEOUT_MS", "TCP+TLS connect timeout (default 10000)"),
    ("request_timeout_ms", "HAZY_REQUEST_TIMEOUT_MS", "per-request timeout (default 30000)"),
    ("ca_bundle", "HAZY_CA_BUNDLE", "PEM file of extra CA certificates, added to the system roots"),
    ("insecure_skip_tls_verify", "HAZY_INSECURE_SKIP_TLS_VERIFY", "true disables certificate checks (warns on stderr)"),
    ("user_agent", "HAZY_USER_AGENT", "User-Agent header (default libhazy/VERSION)"),
    ("token_refresh_margin_s", "HAZY_TOKEN_REFRESH_MARGIN_S", "refresh this long before expiry (default 30, at most half the lifetime)"),
    ("retry_max_attempts", "HAZY_RETRY_MAX_ATTEMPTS", "attempts per request incl. the first (default 4)"),
    ("retry_base_delay_ms", "HAZY_RETRY_BASE_DELAY_MS", "first backoff delay, doubled per retry, jittered (default 200)"),
    ("retry_max_elapsed_ms", "HAZY_RETRY_MAX_ELAPSED_MS", "no retry starts after this long (default 30000)"),
    ("poll_interval_ms", "HAZY_POLL_INTERVAL_MS", "job status polling interval while waiting (default 1000)"),
    ("unknown_state_timeout_ms", "HAZY_UNKNOWN_STATE_TIMEOUT_MS", "how long a wait goes on while the job is in a state libhazy does not know (default 60000; 0: end at the first)"),
    ("traceparent", "HAZY_TRACEPARENT", "W3C trace context that every call joins as a child (default: a new trace per call)"),
];

impl Config {
    /// A config from the `HAZY_*` environment variables on top of the defaults.
    pub fn from_env() -> Result<Config> {
        let mut config = Config::default();
        config.apply_env()?;
        Ok(config)
    }

    /// Sets every option whose environment variable is present and non-empty.
    pub fn apply_env(&mut self) -> Result<()> {
        for (key, var, _) in OPTIONS {
            match std::env::var(var) {
                Ok(value) if !value.is_empty() => self
                    .set(key, &value)
                    .map_err(|e| Error::invalid_argument(format!("{var}: {}", e.message())))?,
                Ok(_) => {}
                Err(std::env::VarError::NotPresent) => {}
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Error::invalid_argument(format!("{var} is not valid UTF-8")))
                }
            }
        }
        Ok(())
    }

    /// Sets one option by key. An empty value clears an optional setting.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let text = || (!value.is_empty()).then(|| value.to_owned());
        let secret = || (!value.is_empty()).then(|| SecretString::from(value.to_owned()));
        match key {
            "host" => self.host = text(),
            // A URL parser drops tabs and line breaks from a path, so a realm holding one would
            // silently name another realm.
            "realm" if value.chars().any(char::is_control) => return Err(bad(key, "must not contain control characters")),
            "realm" => self.realm = non_empty(key, value)?.to_owned(),
            "auth_url" => self.auth_url = text(),
            "token_url" => self.token_url = text(),
            "client_id" => self.client_id = text(),
            "client_secret" => self.client_secret = secret(),
            "username" => self.username = text(),
            "password" => self.password = secret(),
            "access_token" => self.access_token = secret(),
            "audience" => self.audience = text(),
            "scope" => self.scope = text(),
            "client_auth" => {
                self.client_auth = match value {
                    "post" | "client_secret_post" => ClientAuth::Post,
                    "basic" | "client_secret_basic" => ClientAuth::Basic,
                    "private_key_jwt" | "jwt" => ClientAuth::PrivateKeyJwt,
                    "tls_client_auth" | "tls" => ClientAuth::TlsClientAuth,
                    _ => return Err(bad(key, "expected post, basic, private_key_jwt or tls_client_auth")),
                }
            }
            "client_private_key" => self.client_private_key = text(),
            "client_key_id" => self.client_key_id = text(),
            "client_assertion_alg" => self.client_assertion_alg = text(),
            "client_assertion_audience" => self.client_assertion_audience = text(),
            "client_cert" => self.client_cert = text(),
            "client_key" => self.client_key = text(),
            "connect_timeout_ms" => self.connect_timeout = millis(key, value, 1)?,
            "request_timeout_ms" => self.request_timeout = millis(key, value, 1)?,
            "ca_bundle" => self.ca_bundle = text(),
            "insecure_skip_tls_verify" => self.insecure_skip_tls_verify = boolean(key, value)?,
            "user_agent" => self.user_agent = non_empty(key, value)?.to_owned(),
            "token_refresh_margin_s" => {
                self.token_refresh_margin = Duration::from_secs(number(key, value, 0)?)
            }
            "retry_max_attempts" => self.retry_max_attempts = number(key, value, 1)? as u32,
            "retry_base_delay_ms" => self.retry_base_delay = millis(key, value, 0)?,
            "retry_max_elapsed_ms" => self.retry_max_elapsed = millis(key, value, 0)?,
            "poll_interval_ms" => self.poll_interval = millis(key, value, 10)?,
            "unknown_state_timeout_ms" => self.unknown_state_timeout = millis(key, value, 0)?,
            "traceparent" if value.is_empty() => self.traceparent = None,
            "traceparent" => self.traceparent = Some(crate::trace::TraceParent::parse(value).map_err(|e| bad(key, e.message()))?),
            _ => {
                return Err(Error::invalid_argument(format!(
                    "unknown option '{}'",
                    truncate(key, 64)
                )))
            }
        }
        Ok(())
    }

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

    /// The credentials configured through options or the environment, if any. A bearer token
    /// wins, then the password grant (which needs a user), then client credentials.
    pub fn configured_credentials(&self) -> Option<Credentials> {
        if let Some(token) = &self.access_token {
            return Some(Credentials::Bearer(token.clone()));
        }
        let client_id = self.client_id.clone()?;
        match (&self.username, &self.password) {
            (Some(username), Some(password)) => Some(Credentials::Password {
                client_id,
                client_secret: self.client_secret.clone(),
                username: username.clone(),
                password: password.clone(),
            }),
            // private_key_jwt and tls_client_auth need no secret; the others do.
            _ => Some(Credentials::ClientCredentials {
                client_id,
                client_secret: match self.client_secret.clone() {
                    Some(secret) => Some(secret),
                    None if self.client_auth.secretless() => None,
                    None => return None,
                },
            }),
        }
    }

    /// The private_key_jwt signing key, loaded and checked once when the client is made. None
    /// unless `client_auth` is `private_key_jwt`, which needs `client_private_key`.
    pub fn assertion_key(&self) -> Result<Option<crate::auth::AssertionKey>> {
        match (self.client_auth, &self.client_private_key) {
            (ClientAuth::PrivateKeyJwt, Some(path)) => crate::auth::AssertionKey::load(
                path,
                self.client_assertion_alg.as_deref(),
                self.client_key_id.clone(),
            )
            .map(Some),
            (ClientAuth::PrivateKeyJwt, None) => Err(Error::invalid_argument(
                "client_auth is private_key_jwt but no client_private_key (HAZY_CLIENT_PRIVATE_KEY) is set",
            )),
            (auth, Some(_)) => Err(Error::invalid_argument(format!(
                "client_private_key is set but client_auth is {auth:?}: set client_auth to private_key_jwt"
            ))),
            (_, None) => Ok(None),
        }
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
            .field("client_auth", &self.client_auth)
            .field("client_private_key", &self.client_private_key)
            .field("client_key_id", &self.client_key_id)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("ca_bundle", &self.ca_bundle)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("traceparent", &self.traceparent)
            .field("log_sinks", &self.log_sinks.len())
            .finish_non_exhaustive()
    }
}

fn bad(key: &str, why: &str) -> Error {
    Error::invalid_argument(format!("option '{key}': {why}"))
}

fn non_empty<'a>(key: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        Err(bad(key, "must not be empty"))
    } else {
        Ok(value)
    }
}

fn number(key: &str, value: &str, min: u64) -> Result<u64> {
    match value.trim().parse::<u64>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(bad(key, &format!("expected a whole number >= {min}"))),
    }
}

fn millis(key: &str, value: &str, min: u64) -> Result<Duration> {
    number(key, value, min).map(Duration::from_millis)
}

fn boolean(key: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(bad(key, "expected true or false")),
    }
}

/// Cuts caller-provided text before echoing it in a message, on a char boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
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
        assert_eq!(c.set("realm", "a\tb").unwrap_err().status(), crate::Status::InvalidArgument);
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
    fn private_key_jwt_and_tls_client_auth_need_no_secret_but_their_key() {
        let mut c = Config::default();
        c.set("client_id", "api-jwt").unwrap();
        c.set("client_auth", "private_key_jwt").unwrap();
        assert!(matches!(
            c.configured_credentials(),
            Some(Credentials::ClientCredentials { client_secret: None, .. })
        ));
        let e = c.assertion_key().unwrap_err();
        assert!(e.message().contains("client_private_key"), "{e}");
        c.set("client_auth", "tls_client_auth").unwrap();
        assert!(c.configured_credentials().is_some());
        assert!(c.assertion_key().unwrap().is_none());
        c.set("client_private_key", "/k.pem").unwrap();
        let e = c.assertion_key().unwrap_err();
        assert!(e.message().contains("set client_auth to private_key_jwt"), "{e}");
        assert!(c.set("client_auth", "jwt-bearer").unwrap_err().message().contains("private_key_jwt"));
    }

    #[test]
    fn configured_credentials_pick_the_grant() {
        let mut c = Config::default();
        assert!(c.configured_credentials().is_none());
        c.set("client_id", "api").unwrap();
        assert!(c.configured_credentials().is_none(), "no secret, no user: nothing to use");
        c.set("client_secret", "s3cret").unwrap();
        assert!(matches!(c.configured_credentials(), Some(Credentials::ClientCredentials { .. })));
        c.set("username", "u").unwrap();
        c.set("password", "p").unwrap();
        assert!(matches!(c.configured_credentials(), Some(Credentials::Password { .. })));
        c.set("access_token", "tok").unwrap();
        assert!(matches!(c.configured_credentials(), Some(Credentials::Bearer(_))));
    }
}
