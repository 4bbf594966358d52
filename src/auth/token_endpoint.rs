//! One request to a Keycloak token endpoint, and the mapping of its answers.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::assertion::ASSERTION_TYPE;
use super::assertion::SigningKey;
use super::{AssertionKey, Credentials};
use crate::config::{ClientAuth, Config};
use crate::error::{Error, Result};
use crate::http;
use crate::logging::{LogLevel, Logger};
use crate::redact::Redactor;
use crate::trace;
use crate::retry::{parse_retry_after, retry, Failure, RetryPolicy};
use crate::status::Status;

/// Token responses are a few kilobytes; anything far larger is not a token response.
const MAX_TOKEN_BODY: usize = 256 * 1024;
/// How much of the server's `error_description` a message quotes, and of its `error` code.
const MAX_DETAIL: usize = 300;
const MAX_CODE: usize = 100;

/// Where and how token requests are sent.
#[derive(Clone, Debug)]
pub struct TokenEndpoint {
    pub url: String,
    pub client_auth: ClientAuth,
    pub audience: Option<String>,
    pub scope: Option<String>,
    pub retry: RetryPolicy,
    /// The private_key_jwt signing key, with `client_auth` = `PrivateKeyJwt`.
    pub assertion_key: Option<Arc<AssertionKey>>,
    /// The assertions' `aud`; None means the token endpoint's URL.
    pub assertion_audience: Option<String>,
}

impl TokenEndpoint {
    pub fn from_config(config: &Config, assertion_key: Option<Arc<AssertionKey>>) -> Result<TokenEndpoint> {
        Ok(TokenEndpoint {
            url: config.token_endpoint()?,
            client_auth: config.client_auth,
            audience: config.audience.clone(),
            scope: config.scope.clone(),
            retry: RetryPolicy::from_config(config),
            assertion_key,
            assertion_audience: config.client_assertion_audience.clone(),
        })
    }

    /// The key that signs this grant's assertions, its file read again (a rotated key is used
    /// from the next grant on), or None when the client does not authenticate with
    /// private_key_jwt.
    pub(crate) fn signer(&self, credentials: &Credentials, log: &Logger) -> Result<Option<Arc<SigningKey>>> {
        let (ClientAuth::PrivateKeyJwt, Some(_)) = (self.client_auth, credentials.client_id()) else {
            return Ok(None);
        };
        let key = self.assertion_key.as_ref().ok_or_else(|| {
            Error::invalid_argument("client_auth is private_key_jwt but no client_private_key is set")
        })?;
        key.signer(log).map(Some)
    }

    /// A fresh signed assertion for one request (Keycloak accepts each `jti` once, so a retry
    /// needs a new one), or None without a signing key.
    pub(crate) fn assertion(&self, signer: Option<&SigningKey>, credentials: &Credentials) -> Result<Option<SecretString>> {
        let (Some(key), Some(id)) = (signer, credentials.client_id()) else {
            return Ok(None);
        };
        key.assertion(id, self.assertion_audience.as_deref().unwrap_or(&self.url)).map(Some)
    }
}

/// What the token endpoint granted. `Debug` redacts the tokens.
#[derive(Debug)]
pub struct Grant {
    pub access_token: SecretString,
    pub expires_in: Option<Duration>,
    pub refresh_token: Option<SecretString>,
    pub refresh_expires_in: Option<Duration>,
}

/// Which grant to send.
pub enum GrantRequest<'a> {
    Primary(&'a Credentials),
    Refresh { credentials: &'a Credentials, refresh_token: &'a SecretString },
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
    refresh_expires_in: Option<u64>,
    error: Option<String>,
    error_description: Option<String>,
}

impl TokenEndpoint {
    /// Sends the grant, retrying transport failures, 5xx and 429 within the retry policy.
    /// `on_attempt` is called once per HTTP request, so callers can count them.
    pub async fn request(
        &self,
        http: &reqwest::Client,
        log: &Logger,
        grant: GrantRequest<'_>,
        on_attempt: &(dyn Fn() + Sync),
    ) -> Result<Grant> {
        let credentials = match &grant {
            GrantRequest::Primary(c) | GrantRequest::Refresh { credentials: c, .. } => *c,
        };
        let mut redactor = credentials.redactor();
        if let GrantRequest::Refresh { refresh_token, .. } = &grant {
            redactor.add_secret(refresh_token.expose_secret());
        }
        let signer = self.signer(credentials, log)?;
        if let Some(passphrase) = signer.as_ref().and_then(|key| key.passphrase()) {
            redactor.add_secret(passphrase.expose_secret());
        }
        let signer = signer.as_deref();
        let redactor = &redactor;
        let grant = &grant;
        let who = match grant {
            GrantRequest::Primary(c) => c.describe(),
            GrantRequest::Refresh { credentials, .. } => format!("refresh_token grant for the {}", credentials.describe()),
        };
        let who = who.as_str();
        let url = reqwest::Url::parse(&self.url).ok();
        let fields = |r: crate::logging::Record, span: &trace::Span, number: u32| {
            let r = r.method("POST").attempt(number).span(span);
            match &url {
                Some(url) => r.url(url),
                None => r,
            }
        };
        let result = retry(self.retry, log, &format!("token request ({who})"), |number| async move {
            let assertion = self.assertion(signer, credentials).map_err(Failure::permanent)?;
            // The assertion is as good as a password for its minute: scrub it from whatever
            // the server says back.
            let mut redactor = redactor.clone();
            if let Some(assertion) = &assertion {
                redactor.add_secret(assertion.expose_secret());
            }
            let redactor = &redactor;
            let form = self.form(grant, assertion.as_ref());
            on_attempt();
            let span = trace::new_span();
            log.emit(LogLevel::Debug, "token.request", || format!("{who}: requesting a token"), |r| fields(r, &span, number).request_id(Some(span.request_id())));
            let started = std::time::Instant::now();
            let mut request = http
                .post(&self.url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ACCEPT, "application/json")
                .header(http::REQUEST_ID, span.request_id())
                .header(http::TRACEPARENT, span.traceparent())
                .body(form);
            if let Some((id, secret)) = self.basic(credentials) {
                request = request.basic_auth(id, secret);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    let error = http::transport(&e, &format!("token endpoint {}", self.url)).with_request_id(span.request_id());
                    log.emit(LogLevel::Warn, "token.failed", || format!("{who}: no answer: {error}"), |r| {
                        fields(r, &span, number).request_id(Some(span.request_id())).elapsed(started.elapsed())
                    });
                    return Err(Failure::transient(error, None));
                }
            };
            let status = response.status().as_u16();
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let retry_after = header(RETRY_AFTER.as_str()).as_deref().and_then(parse_retry_after);
            let request_id = http::request_id(&response, &span);
            let body = http::read_body(response, MAX_TOKEN_BODY, "token endpoint").await.map_err(|f| f.with_request_id(&request_id))?;
            let what = format!("token endpoint {}", self.url);
            let outcome = match http::client_certificate_refusal(status, &body, &what) {
                Some(error) => Err(error),
                None => interpret(status, &body, credentials, &self.url, redactor),
            };
            let done = |r| fields(r, &span, number).status(status).request_id(Some(&request_id)).elapsed(started.elapsed());
            let error = match outcome {
                Ok(grant) => {
                    log.emit(
                        LogLevel::Info,
                        "token.granted",
                        || {
                            let lifetime = grant.expires_in.map_or("no stated lifetime".to_owned(), |d| format!("lifetime {} s", d.as_secs()));
                            let refresh = if grant.refresh_token.is_some() { ", with a refresh token" } else { "" };
                            format!("{who}: token granted, {lifetime}{refresh}")
                        },
                        done,
                    );
                    return Ok(grant);
                }
                Err(error) => error.with_request_id(&request_id),
            };
            log.emit(LogLevel::Warn, "token.failed", || format!("{who}: {error}"), done);
            if error.status() == Status::Tls {
                return Err(Failure::permanent(error));
            }
            if error.status() == Status::Server {
                Err(Failure::transient(error, retry_after))
            } else {
                Err(Failure::permanent(error))
            }
        })
        .await;
        result.map_err(|e| e.redact(redactor))
    }

    fn form(&self, grant: &GrantRequest<'_>, assertion: Option<&SecretString>) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        let credentials = match grant {
            GrantRequest::Primary(credentials) => {
                match credentials {
                    Credentials::ClientCredentials { .. } => {
                        form.append_pair("grant_type", "client_credentials");
                    }
                    Credentials::Password { username, .. } => {
                        form.append_pair("grant_type", "password");
                        form.append_pair("username", username);
                        // Loaded by the token source before any request: never a file here.
                        let password = credentials.password().map(|p| p.expose_secret()).unwrap_or_default();
                        form.append_pair("password", password);
                        if let Some(audience) = &self.audience {
                            form.append_pair("audience", audience);
                        }
                    }
                    Credentials::Bearer(_) => unreachable!("bearer tokens are never exchanged"),
                }
                credentials
            }
            GrantRequest::Refresh { credentials, refresh_token } => {
                form.append_pair("grant_type", "refresh_token");
                form.append_pair("refresh_token", refresh_token.expose_secret());
                credentials
            }
        };
        if let Some(scope) = &self.scope {
            form.append_pair("scope", scope);
        }
        self.append_client_auth(&mut form, credentials, assertion);
        form.finish()
    }

    /// How the client proves who it is in a form: the part of every request to the realm's
    /// endpoints (token, revoke, logout) that is not about the grant. With Basic, the header
    /// carries it instead ([`TokenEndpoint::basic`]).
    pub(crate) fn append_client_auth(
        &self,
        form: &mut form_urlencoded::Serializer<'_, String>,
        credentials: &Credentials,
        assertion: Option<&SecretString>,
    ) {
        if let Some(id) = credentials.client_id() {
            match self.client_auth {
                ClientAuth::Post | ClientAuth::Basic => {
                    if self.client_auth == ClientAuth::Post || credentials.client_secret().is_none() {
                        form.append_pair("client_id", id);
                    }
                    if let (ClientAuth::Post, Some(secret)) = (self.client_auth, credentials.client_secret()) {
                        form.append_pair("client_secret", secret.expose_secret());
                    }
                }
                // A configured secret is never sent along with a key or certificate.
                ClientAuth::PrivateKeyJwt => {
                    form.append_pair("client_id", id);
                    if let Some(assertion) = assertion {
                        form.append_pair("client_assertion_type", ASSERTION_TYPE);
                        form.append_pair("client_assertion", assertion.expose_secret());
                    }
                }
                ClientAuth::TlsClientAuth => {
                    form.append_pair("client_id", id);
                }
            }
        }
    }

    /// The Basic credentials of a request, when the client authenticates that way.
    pub(crate) fn basic(&self, credentials: &Credentials) -> Option<(String, Option<String>)> {
        let (ClientAuth::Basic, Some(id)) = (self.client_auth, credentials.client_id()) else {
            return None;
        };
        Some((encode(id), credentials.client_secret().map(|s| encode(s.expose_secret()))))
    }
}

/// Visible ASCII only: RFC 6750's b64token and Keycloak's JWTs are a subset of it.
pub(crate) fn is_token_text(token: &str) -> bool {
    token.bytes().all(|b| b.is_ascii_graphic())
}

/// RFC 6749 §2.3.1: id and secret are form-URL-encoded before they go into Basic.
fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Turns a token endpoint answer into a grant or an error that names the cause. Everything
/// the server wrote is scrubbed by `redactor` before it is kept or cut.
pub(crate) fn interpret(status: u16, body: &[u8], credentials: &Credentials, url: &str, redactor: &Redactor) -> Result<Grant> {
    let parsed: Option<TokenBody> = serde_json::from_slice(body).ok();
    let who = credentials.describe();
    if status == 404 {
        // Keycloak answers an unknown realm with 404 and a body that may or may not look
        // like an OAuth error; either way the endpoint is not there.
        let (code, description) = match &parsed {
            Some(answer) => (
                answer.error.as_deref().map(|c| redactor.server_text(c, MAX_CODE)),
                answer.error_description.as_deref().map(|d| redactor.scrub(d)),
            ),
            None => (None, None),
        };
        return Err(Error::new(
            Status::NotFound,
            format!("token endpoint {url} not found (404): unknown realm or wrong auth URL"),
        )
        .with_http_status(status)
        .with_oauth(code, description));
    }
    if let Some(TokenBody { error: Some(code), error_description, .. }) = &parsed {
        return Err(oauth_error(status, code, error_description.as_deref(), &who, redactor));
    }
    match (status, parsed) {
        (200..=299, Some(answer)) => grant(answer, status, &who, redactor),
        (200..=299, None) => Err(Error::protocol(format!(
            "token endpoint {url} answered {status} with a body that is not a token response"
        ))
        .with_http_status(status)),
        (401 | 403, _) => Err(Error::new(Status::Auth, format!("{who} was rejected with HTTP {status}"))
            .with_http_status(status)),
        (429 | 500..=599, _) => Err(Error::new(
            Status::Server,
            format!("token endpoint {url} is failing or overloaded (HTTP {status})"),
        )
        .with_http_status(status)),
        _ => Err(Error::protocol(format!("token endpoint {url} answered unexpected HTTP {status}"))
            .with_http_status(status)),
    }
}

pub(crate) fn oauth_error(status: u16, code: &str, description: Option<&str>, who: &str, redactor: &Redactor) -> Error {
    let code = redactor.server_text(code, MAX_CODE);
    let code = code.as_str();
    let kind = match code {
        "invalid_scope" => Status::Forbidden,
        _ if status >= 500 || status == 429 => Status::Server,
        "invalid_client" | "unauthorized_client" | "invalid_grant" | "unsupported_grant_type"
        | "invalid_request" | "access_denied" => Status::Auth,
        _ => Status::Auth,
    };
    let hint = match code {
        "invalid_client" => "unknown client, or wrong client secret, key or certificate",
        "unauthorized_client" => {
            "wrong client secret, key or certificate, or the grant is not enabled for this client"
        }
        "invalid_grant" => "wrong user credentials, disabled account, or expired refresh token",
        "invalid_scope" => "a requested scope is not allowed for this client",
        "unsupported_grant_type" => "the grant type is not supported",
        _ => "Keycloak refused the request",
    };
    let detail = description.map(|d| format!(": {}", redactor.server_text(d, MAX_DETAIL))).unwrap_or_default();
    Error::new(kind, format!("{who} was rejected ({code}{detail}): {hint}"))
        .with_http_status(status)
        .with_oauth(Some(code.to_owned()), description.map(|d| redactor.scrub(d)))
}

fn grant(answer: TokenBody, status: u16, who: &str, redactor: &Redactor) -> Result<Grant> {
    let access_token = match answer.access_token {
        Some(token) if !token.is_empty() => token,
        _ => {
            return Err(Error::protocol(format!("token response for {who} has no access_token"))
                .with_http_status(status))
        }
    };
    if let Some(kind) = &answer.token_type {
        if !kind.eq_ignore_ascii_case("bearer") {
            let kind = redactor.server_text(kind, MAX_CODE);
            return Err(Error::protocol(format!("token response has unsupported token_type '{kind}'"))
                .with_http_status(status));
        }
    }
    // A token goes into an Authorization header and through C strings: a NUL, a control
    // character or a space (all legal in JSON) would be cut short or refused later, far from
    // the cause. Refuse it here, naming neither token.
    for (name, token) in [("access_token", Some(&access_token)), ("refresh_token", answer.refresh_token.as_ref())] {
        if token.is_some_and(|t| !is_token_text(t)) {
            return Err(Error::protocol(format!(
                "token response for {who} has a {name} with characters a token cannot contain"
            ))
            .with_http_status(status));
        }
    }
    Ok(Grant {
        access_token: access_token.into(),
        expires_in: answer.expires_in.map(Duration::from_secs),
        refresh_token: answer.refresh_token.filter(|t| !t.is_empty()).map(Into::into),
        refresh_expires_in: answer.refresh_expires_in.filter(|&s| s > 0).map(Duration::from_secs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::ClientCredentials { client_id: "api".into(), client_secret: Some("s3cr3t-value".to_owned().into()) }
    }

    fn endpoint(auth: ClientAuth) -> TokenEndpoint {
        TokenEndpoint {
            url: "http://kc/token".into(),
            client_auth: auth,
            audience: Some("hazy-hub-backend".into()),
            scope: None,
            retry: RetryPolicy { max_attempts: 1, base_delay: Duration::ZERO, max_elapsed: Duration::ZERO },
            assertion_key: None,
            assertion_audience: None,
        }
    }

    #[test]
    fn password_form_matches_the_tutorial() {
        let c = Credentials::Password {
            client_id: "api".into(),
            client_secret: Some("s3c:r&t".to_owned().into()),
            username: "ana lyst".into(),
            password: "p@ss".to_owned().into(),
        };
        let form = endpoint(ClientAuth::Post).form(&GrantRequest::Primary(&c), None);
        assert_eq!(
            form,
            "grant_type=password&username=ana+lyst&password=p%40ss&audience=hazy-hub-backend\
             &client_id=api&client_secret=s3c%3Ar%26t"
        );
        // With Basic, neither the id nor the secret goes into the body.
        let form = endpoint(ClientAuth::Basic).form(&GrantRequest::Primary(&c), None);
        assert!(!form.contains("client_secret") && !form.contains("client_id"), "{form}");
    }

    #[test]
    fn key_and_certificate_authentication_send_no_secret() {
        let c = Credentials::ClientCredentials { client_id: "api-jwt".into(), client_secret: Some("unused-s3cret".to_owned().into()) };
        let assertion: SecretString = "eyJh.eyJp.c2ln".to_owned().into();
        let form = endpoint(ClientAuth::PrivateKeyJwt).form(&GrantRequest::Primary(&c), Some(&assertion));
        assert_eq!(
            form,
            "grant_type=client_credentials&client_id=api-jwt&client_assertion_type=\
             urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJh.eyJp.c2ln"
        );
        let refresh: SecretString = "r-token".to_owned().into();
        let form = endpoint(ClientAuth::PrivateKeyJwt)
            .form(&GrantRequest::Refresh { credentials: &c, refresh_token: &refresh }, Some(&assertion));
        assert!(form.starts_with("grant_type=refresh_token&refresh_token=r-token&client_id=api-jwt&"), "{form}");
        assert!(form.contains("client_assertion=eyJh.eyJp.c2ln"), "{form}");
        let form = endpoint(ClientAuth::TlsClientAuth).form(&GrantRequest::Primary(&c), None);
        assert_eq!(form, "grant_type=client_credentials&client_id=api-jwt");
    }

    #[test]
    fn nginx_refusing_a_client_certificate_is_tls() {
        let page = b"<html><head><title>400 No required SSL certificate was sent</title></head></html>";
        let e = crate::http::client_certificate_refusal(400, page, "token endpoint x").unwrap();
        assert_eq!((e.status(), e.http_status()), (Status::Tls, 400));
        assert!(e.message().contains("client_cert"), "{e}");
        let page = b"<html><head><title>400 The SSL certificate error</title></head></html>";
        assert_eq!(crate::http::client_certificate_refusal(400, page, "x").unwrap().status(), Status::Tls);
        assert!(crate::http::client_certificate_refusal(400, br#"{"error":"invalid_request"}"#, "x").is_none());
        assert!(crate::http::client_certificate_refusal(500, page, "x").is_none());
    }

    #[test]
    fn keycloak_errors_map_to_statuses_without_secrets() {
        let c = creds();
        let cases: &[(u16, &str, Status)] = &[
            (401, r#"{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"#, Status::Auth),
            (401, r#"{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}"#, Status::Auth),
            (400, r#"{"error":"invalid_grant","error_description":"Account disabled"}"#, Status::Auth),
            (400, r#"{"error":"invalid_scope","error_description":"Invalid scopes: x"}"#, Status::Forbidden),
            (200, r#"{"error":"invalid_grant"}"#, Status::Auth),
            (404, "<html>Not Found</html>", Status::NotFound),
            (503, "busy", Status::Server),
            (200, "not json", Status::Protocol),
            (200, r#"{"token_type":"Bearer"}"#, Status::Protocol),
            (302, "", Status::Protocol),
        ];
        for (status, body, expected) in cases {
            let e = interpret(*status, body.as_bytes(), &c, "http://kc/token", &c.redactor()).unwrap_err();
            assert_eq!(e.status(), *expected, "{status} {body}: {e}");
            assert_eq!(e.http_status(), *status);
            assert!(!e.message().contains("s3cr3t-value"));
        }
        let e = interpret(401, br#"{"error":"invalid_client","error_description":"Invalid client"}"#, &c, "u", &c.redactor()).unwrap_err();
        assert_eq!(e.oauth_error(), Some("invalid_client"));
        assert!(e.message().contains("client 'api'"), "{}", e.message());
    }

    #[test]
    fn a_successful_response_is_parsed() {
        let body = br#"{"access_token":"abc","expires_in":300,"token_type":"Bearer","refresh_token":"r","refresh_expires_in":1800}"#;
        let g = interpret(200, body, &creds(), "u", &Redactor::new()).unwrap();
        assert_eq!(g.access_token.expose_secret(), "abc");
        assert_eq!(g.expires_in, Some(Duration::from_secs(300)));
        assert!(g.refresh_token.is_some());
        assert!(!format!("{g:?}").contains("abc"));
    }
}
