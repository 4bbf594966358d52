//! The options: their keys (the C options mechanism, which can grow without breaking the
//! ABI), and how the text of each becomes a typed [`Config`] field.

use std::time::Duration;

use secrecy::SecretString;

use super::settings::{ClientAuth, Config};
use crate::error::{truncate, Error, Result};

/// The option keys, their environment variables, and a one-line description. This table is
/// the single list: `set`, `apply_env` and the README agree because they all come from it.
pub const OPTIONS: &[(&str, &str, &str)] = &[
    ("host", "HAZY_HUB_HOST", "Hub base URL, e.g. https://hub.example.com"),
    ("realm", "HAZY_REALM", "Keycloak realm (default hazy)"),
    ("auth_url", "HAZY_AUTH_URL", "Keycloak base URL (default {host}/auth)"),
    ("token_url", "HAZY_TOKEN_URL", "full token endpoint URL (overrides host/auth_url/realm)"),
    ("client_id", "HAZY_CLIENT_ID", "OAuth client id"),
    ("client_secret", "HAZY_CLIENT_SECRET", "OAuth client secret (the tutorial's API key)"),
    ("client_secret_file", "HAZY_CLIENT_SECRET_FILE", "file holding client_secret, read again for every grant (not with client_secret)"),
    ("username", "HAZY_USERNAME", "user for the password grant"),
    ("password", "HAZY_PASSWORD", "password for the password grant"),
    ("password_file", "HAZY_PASSWORD_FILE", "file holding password, read again for every grant (not with password)"),
    ("access_token", "HAZY_ACCESS_TOKEN", "a bearer token obtained elsewhere"),
    ("access_token_file", "HAZY_ACCESS_TOKEN_FILE", "file holding access_token, read again when the Hub rejects the token (not with access_token)"),
    ("credential_command", "HAZY_CREDENTIAL_COMMAND", "program run for every grant that prints {\"client_secret\"} or {\"access_token\", \"expires_at\"} as JSON (as AWS's credential_process)"),
    ("credential_command_shell", "HAZY_CREDENTIAL_COMMAND_SHELL", "true runs credential_command with /bin/sh -c (cmd /C on Windows) instead of splitting it into words"),
    ("credential_command_timeout_ms", "HAZY_CREDENTIAL_COMMAND_TIMEOUT_MS", "credential_command is killed after this long (default 10000)"),
    ("audience", "HAZY_AUDIENCE", "`audience` parameter of the password grant"),
    ("scope", "HAZY_SCOPE", "`scope` parameter of token requests"),
    ("client_auth", "HAZY_CLIENT_AUTH", "post (default), basic, private_key_jwt or tls_client_auth"),
    ("client_private_key", "HAZY_CLIENT_PRIVATE_KEY", "PEM private key (RSA or EC, PKCS#8 may be encrypted) or PKCS#12 bundle that signs private_key_jwt assertions, read again for every grant"),
    ("client_private_key_passphrase_file", "HAZY_CLIENT_PRIVATE_KEY_PASSPHRASE_FILE", "file holding the passphrase of an encrypted client_private_key, read with the key"),
    ("client_key_id", "HAZY_CLIENT_KEY_ID", "`kid` header of private_key_jwt assertions"),
    ("client_assertion_alg", "HAZY_CLIENT_ASSERTION_ALG", "private_key_jwt signing algorithm (default RS256, ES256/ES384 for EC keys)"),
    ("client_assertion_audience", "HAZY_CLIENT_ASSERTION_AUDIENCE", "`aud` of private_key_jwt assertions (default the token endpoint)"),
    ("client_cert", "HAZY_CLIENT_CERT", "PEM client certificate (chain) for mutual TLS"),
    ("client_key", "HAZY_CLIENT_KEY", "PEM private key of client_cert (PKCS#8 may be encrypted)"),
    ("client_key_passphrase_file", "HAZY_CLIENT_KEY_PASSPHRASE_FILE", "file holding the passphrase of an encrypted client_key"),
    ("client_cert_p12", "HAZY_CLIENT_CERT_P12", "PKCS#12 (.p12/.pfx) bundle of the TLS client key, certificate and chain (instead of client_cert and client_key)"),
    ("client_cert_p12_passphrase_file", "HAZY_CLIENT_CERT_P12_PASSPHRASE_FILE", "file holding the passphrase of client_cert_p12"),
    ("proxy", "HAZY_PROXY", "this client's proxy, http:// or https:// URL without credentials (overrides HTTPS_PROXY, HTTP_PROXY, NO_PROXY)"),
    ("no_proxy", "HAZY_NO_PROXY", "comma-separated hosts, domains and IP ranges reached without proxy (NO_PROXY's rules)"),
    ("proxy_username", "HAZY_PROXY_USERNAME", "user for the proxy's Basic authentication (with proxy_password_file)"),
    ("proxy_password_file", "HAZY_PROXY_PASSWORD_FILE", "file holding the proxy password, read when the client is created"),
    ("connect_timeout_ms", "HAZY_CONNECT_TIMEOUT_MS", "TCP+TLS connect timeout (default 10000)"),
    ("request_timeout_ms", "HAZY_REQUEST_TIMEOUT_MS", "per-request timeout (default 30000)"),
    ("ca_bundle", "HAZY_CA_BUNDLE", "PEM file of extra CA certificates, added to the system roots"),
    ("insecure_skip_tls_verify", "HAZY_INSECURE_SKIP_TLS_VERIFY", "true disables certificate checks (warns on stderr)"),
    ("user_agent", "HAZY_USER_AGENT", "User-Agent header (default libhazy/VERSION)"),
    ("token_refresh_margin_s", "HAZY_TOKEN_REFRESH_MARGIN_S", "refresh this long before expiry (default 30, at most half the lifetime)"),
    ("token_cache", "HAZY_TOKEN_CACHE", "file (mode 0600, in a directory only you can write to) where processes share tokens, so that many started together make one token request (Unix only)"),
    ("retry_max_attempts", "HAZY_RETRY_MAX_ATTEMPTS", "attempts per request incl. the first (default 4)"),
    ("retry_base_delay_ms", "HAZY_RETRY_BASE_DELAY_MS", "first backoff delay, doubled per retry, jittered (default 200)"),
    ("retry_max_elapsed_ms", "HAZY_RETRY_MAX_ELAPSED_MS", "no retry starts after this long (default 30000)"),
    ("poll_interval_ms", "HAZY_POLL_INTERVAL_MS", "job status polling interval while waiting (default 1000)"),
    ("unknown_state_timeout_ms", "HAZY_UNKNOWN_STATE_TIMEOUT_MS", "how long a wait goes on while the job is in a state libhazy does not know (default 60000; 0: end at the first)"),
    ("traceparent", "HAZY_TRACEPARENT", "W3C trace context that every call joins as a child (default: a new trace per call)"),
];

impl Config {
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
            "client_secret_file" => self.client_secret_file = text(),
            "username" => self.username = text(),
            "password" => self.password = secret(),
            "password_file" => self.password_file = text(),
            "access_token" => self.access_token = secret(),
            "access_token_file" => self.access_token_file = text(),
            "credential_command" => self.credential_command = text(),
            "credential_command_shell" => self.credential_command_shell = boolean(key, value)?,
            "credential_command_timeout_ms" => self.credential_command_timeout = millis(key, value, 1)?,
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
            "client_private_key_passphrase_file" => self.client_private_key_passphrase_file = text(),
            "client_key_id" => self.client_key_id = text(),
            "client_assertion_alg" => self.client_assertion_alg = text(),
            "client_assertion_audience" => self.client_assertion_audience = text(),
            "client_cert" => self.client_cert = text(),
            "client_key" => self.client_key = text(),
            "client_key_passphrase_file" => self.client_key_passphrase_file = text(),
            "client_cert_p12" => self.client_cert_p12 = text(),
            "client_cert_p12_passphrase_file" => self.client_cert_p12_passphrase_file = text(),
            "proxy" => self.proxy = proxy_url(key, value)?,
            "no_proxy" => self.no_proxy = text(),
            "proxy_username" => self.proxy_username = text(),
            "proxy_password_file" => self.proxy_password_file = text(),
            "connect_timeout_ms" => self.connect_timeout = millis(key, value, 1)?,
            "request_timeout_ms" => self.request_timeout = millis(key, value, 1)?,
            "ca_bundle" => self.ca_bundle = text(),
            "insecure_skip_tls_verify" => self.insecure_skip_tls_verify = boolean(key, value)?,
            "user_agent" => self.user_agent = non_empty(key, value)?.to_owned(),
            "token_cache" => self.token_cache = text(),
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
}

fn bad(key: &str, why: &str) -> Error {
    Error::invalid_argument(format!("option '{key}': {why}"))
}

/// A proxy URL: http or https with a host, and no user or password in it (those come from
/// proxy_username and proxy_password_file, so that no secret sits in an option's text).
fn proxy_url(key: &str, value: &str) -> Result<Option<String>> {
    if value.is_empty() {
        return Ok(None);
    }
    let url = reqwest::Url::parse(value).map_err(|_| bad(key, "expected an http:// or https:// URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad(key, "expected an http:// or https:// URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(key, "must not hold a user or password: set proxy_username and proxy_password_file"));
    }
    Ok(Some(value.to_owned()))
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

