//! Ending a Keycloak session: the refresh token revoked at the realm's revocation endpoint
//! (RFC 7009), then the session logged out at its logout endpoint with the same token. Both
//! are authenticated as token requests are. Revoking the refresh token alone ends the session
//! on Keycloak 21 to 26 when this client is the session's only one; the logout ends it when
//! other clients share it. An access token stays valid until it expires: the Hub checks its
//! signature, it does not ask Keycloak.

use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{Credentials, TokenEndpoint};
use crate::error::{Error, Result};
use crate::http;
use crate::logging::{LogLevel, Logger};
use crate::redact::Redactor;
use crate::retry::{parse_retry_after, retry, Failure};
use crate::status::Status;
use crate::trace;

/// Revocation and logout answers are empty or a small OAuth error.
const MAX_BODY: usize = 64 * 1024;

/// What `hazy_logout` / `hazy auth logout` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Logout {
    /// Refresh tokens revoked at Keycloak (the client's and the token cache's, when they differ).
    pub revoked: u32,
    /// Sessions Keycloak's logout endpoint ended.
    pub sessions_ended: u32,
    /// Whether an entry was removed from the token cache file.
    pub cache_entry_removed: bool,
}

#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

impl TokenEndpoint {
    /// Another endpoint of the realm, beside the token endpoint
    /// (`.../protocol/openid-connect/{name}`).
    fn sibling(&self, name: &str) -> Result<String> {
        match self.url.strip_suffix("/token") {
            Some(base) => Ok(format!("{base}/{name}")),
            None => Err(Error::invalid_argument(format!(
                "the token URL '{}' does not end in /token, so Keycloak's {name} endpoint cannot be found beside it: set auth_url and realm instead of token_url",
                self.url
            ))),
        }
    }

    /// Revokes `refresh_token` and ends its session; returns (revoked, session ended).
    /// `credentials` authenticate the client and must have their secret files read already.
    pub(crate) async fn end_session(
        &self,
        http: &reqwest::Client,
        log: &Logger,
        credentials: &Credentials,
        refresh_token: &SecretString,
    ) -> Result<(bool, bool)> {
        let token = refresh_token.expose_secret();
        let revoke = self.sibling("revoke")?;
        let who = format!("token revocation for the {}", credentials.describe());
        let (status, body) = self.post(http, log, &revoke, &who, &[("token", token), ("token_type_hint", "refresh_token")], credentials, refresh_token).await?;
        // RFC 7009 §2.2: 200 also for a token that was no longer valid.
        let revoked = match status {
            200..=299 => true,
            _ => return Err(self.refusal(status, &body, &who, &revoke, credentials, refresh_token)),
        };
        let logout = self.sibling("logout")?;
        let who = format!("logout for the {}", credentials.describe());
        let (status, body) = self.post(http, log, &logout, &who, &[("refresh_token", token)], credentials, refresh_token).await?;
        let ended = match status {
            200..=299 => true,
            // The revocation ended the session already, on releases that say so.
            400 if oauth_code(&body).as_deref() == Some("invalid_grant") => false,
            _ => return Err(self.refusal(status, &body, &who, &logout, credentials, refresh_token)),
        };
        Ok((revoked, ended))
    }

    fn redactor(credentials: &Credentials, refresh_token: &SecretString) -> Redactor {
        let mut redactor = credentials.redactor();
        redactor.add_secret(refresh_token.expose_secret());
        redactor
    }

    fn refusal(&self, status: u16, body: &[u8], who: &str, url: &str, credentials: &Credentials, refresh_token: &SecretString) -> Error {
        let redactor = Self::redactor(credentials, refresh_token);
        let parsed: Option<OAuthError> = serde_json::from_slice(body).ok();
        match parsed {
            Some(OAuthError { error: Some(code), error_description }) if status != 404 => {
                super::token_endpoint::oauth_error(status, &code, error_description.as_deref(), who, &redactor)
            }
            _ if status == 404 => Error::new(Status::NotFound, format!("{url} not found (404): unknown realm, or a Keycloak without this endpoint"))
                .with_http_status(status),
            _ if status == 429 || status >= 500 => Error::new(Status::Server, format!("{url} is failing or overloaded (HTTP {status})")).with_http_status(status),
            _ if status == 401 || status == 403 => Error::new(Status::Auth, format!("{who} was rejected with HTTP {status}")).with_http_status(status),
            _ => Error::protocol(format!("{url} answered unexpected HTTP {status}")).with_http_status(status),
        }
    }

    /// One form POST with the client's authentication, retried as token requests are
    /// (transport failures, 5xx and 429). Returns the status and body of the last answer.
    #[allow(clippy::too_many_arguments)]
    async fn post(
        &self,
        http: &reqwest::Client,
        log: &Logger,
        url: &str,
        who: &str,
        pairs: &[(&str, &str)],
        credentials: &Credentials,
        refresh_token: &SecretString,
    ) -> Result<(u16, Vec<u8>)> {
        let mut redactor = Self::redactor(credentials, refresh_token);
        let signer = self.signer(credentials, log)?;
        if let Some(passphrase) = signer.as_ref().and_then(|key| key.passphrase()) {
            redactor.add_secret(passphrase.expose_secret());
        }
        let (signer, redactor) = (signer.as_deref(), &redactor);
        let parsed = reqwest::Url::parse(url).ok();
        let parsed = &parsed;
        let result = retry(self.retry, log, who, |number| async move {
            let assertion = self.assertion(signer, credentials).map_err(Failure::permanent)?;
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (key, value) in pairs {
                form.append_pair(key, value);
            }
            self.append_client_auth(&mut form, credentials, assertion.as_ref());
            let span = trace::new_span();
            let fields = |r: crate::logging::Record| {
                let r = r.method("POST").attempt(number).span(&span).request_id(Some(span.request_id()));
                match parsed {
                    Some(url) => r.url(url),
                    None => r,
                }
            };
            log.emit(LogLevel::Debug, "logout.request", || format!("{who}: sending"), fields);
            let mut request = http
                .post(url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ACCEPT, "application/json")
                .header(http::REQUEST_ID, span.request_id())
                .header(http::TRACEPARENT, span.traceparent())
                .body(form.finish());
            if let Some((id, secret)) = self.basic(credentials) {
                request = request.basic_auth(id, secret);
            }
            let response = request.send().await.map_err(|e| {
                let error = http::transport(&e, url).with_request_id(span.request_id());
                let mut redacted = redactor.clone();
                if let Some(assertion) = &assertion {
                    redacted.add_secret(assertion.expose_secret());
                }
                Failure::transient(error.redact(&redacted), None)
            })?;
            let status = response.status().as_u16();
            let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
            let request_id = http::request_id(&response, &span);
            let body = http::read_body(response, MAX_BODY, url).await.map_err(|f| f.with_request_id(&request_id))?;
            log.emit(LogLevel::Info, "logout.answer", || format!("{who}: HTTP {status}"), |r| fields(r).status(status).request_id(Some(&request_id)));
            if status == 429 || status >= 500 {
                let error = Error::new(Status::Server, format!("{url} is failing or overloaded (HTTP {status})"))
                    .with_http_status(status)
                    .with_request_id(&request_id);
                return Err(Failure::transient(error, retry_after));
            }
            Ok((status, body))
        })
        .await;
        result.map_err(|e| e.redact(redactor))
    }
}

fn oauth_code(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<OAuthError>(body).ok()?.error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientAuth;

    #[test]
    fn the_revocation_and_logout_endpoints_sit_beside_the_token_endpoint() {
        let mut endpoint = TokenEndpoint {
            url: "https://sso.example.com/auth/realms/hazy/protocol/openid-connect/token".into(),
            client_auth: ClientAuth::Post,
            audience: None,
            scope: None,
            retry: crate::retry::RetryPolicy { max_attempts: 1, base_delay: std::time::Duration::ZERO, max_elapsed: std::time::Duration::ZERO },
            assertion_key: None,
            assertion_audience: None,
        };
        assert_eq!(endpoint.sibling("revoke").unwrap(), "https://sso.example.com/auth/realms/hazy/protocol/openid-connect/revoke");
        assert_eq!(endpoint.sibling("logout").unwrap(), "https://sso.example.com/auth/realms/hazy/protocol/openid-connect/logout");
        endpoint.url = "https://gateway.example.com/oauth2/get-token".into();
        let e = endpoint.sibling("revoke").unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument);
        assert!(e.message().contains("token_url"), "{}", e.message());
    }
}
