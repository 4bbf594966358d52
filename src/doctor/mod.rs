//! `hazy doctor`: walks the seed tutorial's setup ("Using Keycloak to authenticate
//! SynthAPI") against a live installation, and reports step by step what holds and, for what
//! does not, the tutorial's step that fixes it:
//!
//! | step | checks |
//! |---|---|
//! | `host` | the Hub host answers, through TLS with the configured CA and through the proxy |
//! | `keycloak` | where Keycloak is served (`/auth` or the root), by OpenID Connect discovery |
//! | `realm` | the realm exists |
//! | `client` | the client gets a token: "Client authentication" on, the right secret |
//! | `audience` | the token's `aud` holds `hazy-hub-backend` (the Audience mapper) |
//! | `scopes` | the token carries the scopes the operations need (`hazy/TrainJob:*`, ...) |
//! | `hub` | the Hub answers an authenticated call |
//! | `clock` | this host's and the Hub's clocks against Keycloak's (the token's `iat`) |
//! | `api` | the Hub's own API description against `contract/hub-api.yaml` |
//!
//! A step whose input an earlier failure took away is skipped, saying so. Nothing here prints
//! a secret or a token: findings quote errors (already redacted) and servers, and the whole
//! report is scrubbed once more with every secret and token the walk used.

mod api;
mod claims;
mod compare;
mod contract;
mod fixes;
mod host;
mod hub_call;
mod keycloak;
mod net;
mod report;
mod token;

use secrecy::ExposeSecret;

pub use api::PROBED_PATHS;
pub use report::{Outcome, Report, Step};

use crate::config::Config;
use crate::http::Http;
use crate::redact::Redactor;

/// The project whose jobs the `hub` step lists when none is given: the contract's Hub answers
/// an unknown project with an empty list.
pub const DEFAULT_PROJECT: &str = "hazy-doctor";

/// What the walk needs besides the client's configuration.
#[derive(Clone, Debug)]
pub struct Options {
    /// The project the `hub` step lists the jobs of.
    pub project: String,
}

impl Default for Options {
    fn default() -> Options {
        Options { project: DEFAULT_PROJECT.to_owned() }
    }
}

/// Walks every step against the installation `config` points at. Never fails: what goes
/// wrong is the report's content.
pub async fn run(config: &Config, options: &Options) -> Report {
    let mut report = Report { target: target(config), steps: Vec::new() };
    let mut redactor = secrets(config);
    walk(config, options, &mut report.steps, &mut redactor).await;
    report.scrub(&redactor);
    report
}

async fn walk(config: &Config, options: &Options, steps: &mut Vec<Step>, redactor: &mut Redactor) {
    let http = match Http::new(config) {
        Ok(http) => http,
        Err(e) => {
            // A CA bundle or client certificate libhazy cannot use: no request can be made.
            let (id, title) = host::STEP;
            steps.push(Step::fail(id, title, e.status(), e.message(), "correct the setting the message names"));
            let rest = [
                keycloak::LAYOUT,
                keycloak::REALM,
                token::CLIENT,
                token::AUDIENCE,
                token::SCOPES_STEP,
                hub_call::STEP,
                token::CLOCK,
                api::STEP,
            ];
            let why = "no request can be made (the host step failed)";
            steps.extend(rest.into_iter().map(|(id, title)| Step::skip(id, title, why)));
            return;
        }
    };
    let (host_step, hub) = host::check(&http, config).await;
    let host_failed = hub.is_none();
    steps.push(host_step);
    let kc = keycloak::check(&http, config, host::url(config).as_ref(), host_failed).await;
    let issuer = kc.issuer.clone();
    steps.push(kc.layout);
    steps.push(kc.realm);

    let token = match &kc.config {
        Some(token_config) => {
            let (step, token) = token::obtain(token_config).await;
            steps.push(step);
            token
        }
        None => {
            let (id, title) = token::CLIENT;
            steps.push(Step::skip(id, title, "no token endpoint to ask (the keycloak or realm step failed)"));
            None
        }
    };
    if let Some(token) = &token {
        redactor.add_secret(token.secret.expose_secret());
    }
    let no_token = "no token (the client step failed)";
    let (audience, scopes, clock) = match &token {
        Some(t) => (token::audience(t, config), token::scopes(t, config), token::clock(t, hub.as_ref().and_then(|h| h.clock))),
        None => {
            let skip = |(id, title): (&'static str, &'static str)| Step::skip(id, title, no_token);
            (skip(token::AUDIENCE), skip(token::SCOPES_STEP), skip(token::CLOCK))
        }
    };
    let audience_failed = audience.outcome == Outcome::Fail;
    steps.push(audience);
    steps.push(scopes);
    let (hub_id, hub_title) = hub_call::STEP;
    steps.push(match (&hub, &token) {
        (None, _) => Step::skip(hub_id, hub_title, "the Hub host did not answer (the host step failed)"),
        (_, None) => Step::skip(hub_id, hub_title, no_token),
        (Some(_), Some(token)) => {
            // The issuer the Hub sees is the token's; discovery's stands in for an opaque token.
            let issuer = token.claims.as_ref().and_then(|c| c.issuer.clone()).or(issuer);
            hub_call::check(token, &options.project, audience_failed, issuer.as_deref()).await
        }
    });
    steps.push(clock);
    let (api_id, api_title) = api::STEP;
    steps.push(match &hub {
        None => Step::skip(api_id, api_title, "the Hub host did not answer (the host step failed)"),
        Some(hub) => api::check(&http, &hub.url, token.as_ref().map(|t| &t.secret)).await,
    });
}

/// What the report is about: no secret, just where and who.
fn target(config: &Config) -> Vec<(&'static str, String)> {
    let mut target = vec![("host", config.host.clone().unwrap_or_else(|| "(not set)".to_owned()))];
    if let Some(url) = config.token_url.as_ref().or(config.auth_url.as_ref()) {
        target.push(("keycloak", url.clone()));
    }
    target.push(("realm", config.realm.clone()));
    if let Some(client) = &config.client_id {
        target.push(("client", client.clone()));
    }
    if let Some(user) = &config.username {
        target.push(("user", user.clone()));
    }
    target
}

/// Every secret of the configuration, in every encoding libhazy sends it.
fn secrets(config: &Config) -> Redactor {
    let mut redactor = Redactor::new();
    if let Some(secret) = &config.client_secret {
        redactor.add_basic(config.client_id.as_deref().unwrap_or(""), secret.expose_secret());
    }
    for secret in [&config.password, &config.access_token].into_iter().flatten() {
        redactor.add_secret(secret.expose_secret());
    }
    // A password in a URL's user info would be quoted with the URL.
    for url in [&config.host, &config.auth_url, &config.token_url].into_iter().flatten() {
        if let Some(password) = reqwest::Url::parse(url).ok().as_ref().and_then(reqwest::Url::password) {
            redactor.add_secret(password);
        }
    }
    redactor
}
