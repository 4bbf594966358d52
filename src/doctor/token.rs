//! Steps `client`, `audience`, `scopes` and `clock`: the client gets a token from Keycloak,
//! and the token holds what the Hub checks. The token is read, never shown.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use super::claims::Claims;
use super::contract::{grants, SCOPES};
use super::fixes::{self, HUB_AUDIENCE};
use super::report::Step;
use crate::auth::Credentials;
use crate::client::Client;
use crate::config::{ClientAuth, Config};
use crate::error::Error;
use crate::status::Status;

pub const CLIENT: (&str, &str) = ("client", "Client");
pub const AUDIENCE: (&str, &str) = ("audience", "Audience");
pub const SCOPES_STEP: (&str, &str) = ("scopes", "Scopes");
pub const CLOCK: (&str, &str) = ("clock", "Clocks");

/// Clocks further apart than this fail the clock step. A token's `iat` has whole seconds and
/// the answer takes its time to arrive, so hosts in step read a second or two; a Hub checks
/// tokens with a leeway of a few seconds (the simulator's is 5 s).
pub const MAX_SKEW: Duration = Duration::from_secs(10);

pub struct Token {
    pub client: Client,
    pub secret: SecretString,
    pub claims: Option<Claims>,
    /// When it arrived, for a token granted now; None for a configured bearer token.
    pub granted_at: Option<SystemTime>,
}

/// The client step: a grant with the configured credentials (or the configured bearer token).
pub async fn obtain(config: &Config) -> (Step, Option<Token>) {
    let (id, title) = CLIENT;
    let Some(credentials) = Credentials::from_config(config) else {
        return (Step::fail(id, title, Status::InvalidArgument, "no credentials are configured", fixes::no_credentials()), None);
    };
    let client = match Client::new(config.clone()) {
        Ok(client) => client,
        Err(e) => return (Step::fail(id, title, e.status(), e.message(), "correct the setting the message names"), None),
    };
    if let Err(e) = client.authenticate(None).await {
        return (refused(&e, &credentials, config), None);
    }
    let secret = match client.access_token().await {
        Ok(secret) => secret,
        Err(e) => return (refused(&e, &credentials, config), None),
    };
    let granted_at = SystemTime::now();
    let claims = Claims::read(secret.expose_secret());
    let expires_in = claims.as_ref().and_then(|c| c.expires_at).map(|exp| exp - unix(granted_at));
    let step = match (&credentials, expires_in) {
        (Credentials::Bearer(_), Some(left)) if left <= 0 => {
            return (
                Step::fail(
                    id,
                    title,
                    Status::Auth,
                    format!("the configured access_token expired {} s ago", -left),
                    "get a new token, or configure client_id and client_secret so that libhazy fetches and renews its own",
                ),
                None,
            )
        }
        (Credentials::Bearer(_), _) => {
            let left = expires_in.map_or("no stated expiry".to_owned(), |s| format!("expires in {s} s"));
            Step::pass(id, title, format!("a bearer token is configured (access_token), no grant to make; it {left}"))
        }
        (granted, _) => {
            let lifetime = claims
                .as_ref()
                .and_then(|c| Some(c.expires_at? - c.issued_at?))
                .map_or(String::new(), |s| format!(", lifetime {s} s"));
            Step::pass(id, title, format!("{}: token granted{lifetime}", granted.describe()))
        }
    };
    let granted_at = (!matches!(credentials, Credentials::Bearer(_))).then_some(granted_at);
    (step, Some(Token { client, secret, claims, granted_at }))
}

/// A refused grant, explained by what Keycloak said.
fn refused(e: &Error, credentials: &Credentials, config: &Config) -> Step {
    let (id, title) = CLIENT;
    let client = credentials.client_id().unwrap_or("(none)");
    let code = e.oauth_error().unwrap_or("");
    let description = e.oauth_description().unwrap_or("");
    let finding = if code.is_empty() {
        e.message().to_owned()
    } else {
        let described = if description.is_empty() { String::new() } else { format!(": {description}") };
        format!("Keycloak refused the {} (HTTP {} {code}{described})", credentials.describe(), e.http_status())
    };
    let finding = match e.request_id() {
        Some(request_id) => format!("{finding} (request id {request_id})"),
        None => finding,
    };
    let lower = description.to_ascii_lowercase();
    let fix = match (code, config.client_auth) {
        ("unauthorized_client", _) if lower.contains("public client") => fixes::client_authentication(client),
        ("unauthorized_client", _) if lower.contains("service account") => fixes::service_accounts(client),
        ("unauthorized_client", _) if lower.contains("direct access") => fixes::direct_access(client),
        ("unauthorized_client" | "invalid_client", ClientAuth::PrivateKeyJwt) => fixes::signed_jwt(client),
        ("unauthorized_client" | "invalid_client", ClientAuth::TlsClientAuth) => fixes::x509(client),
        // Keycloak answers a wrong secret with unauthorized_client, and a client it does not
        // know with invalid_client; both say "Invalid client or Invalid client credentials".
        ("unauthorized_client", _) => fixes::secret(client),
        ("invalid_client", _) => fixes::unknown_client(client, &config.realm),
        ("invalid_grant", _) => fixes::user(config.username.as_deref().unwrap_or("(the user)")),
        ("invalid_scope", _) => fixes::scope_option(),
        _ => match e.status() {
            Status::Tls | Status::Network | Status::Timeout => match config.token_endpoint().ok().and_then(|u| reqwest::Url::parse(&u).ok()) {
                Some(url) => fixes::transport(e, &url, "auth_url (HAZY_AUTH_URL)"),
                None => "check auth_url (HAZY_AUTH_URL)".to_owned(),
            },
            Status::NotFound => "the token endpoint is not there: see the keycloak and realm steps".to_owned(),
            Status::InvalidArgument => "correct the setting the message names".to_owned(),
            _ => "Keycloak's log has the request under the request id above".to_owned(),
        },
    };
    Step::fail(id, title, e.status(), finding, fix)
}

fn client_name(token: &Token, config: &Config) -> String {
    config
        .client_id
        .clone()
        .or_else(|| token.claims.as_ref().and_then(|c| c.authorized_party.clone()))
        .unwrap_or_else(|| "<your client>".to_owned())
}

/// The audience step: the Audience mapper put `hazy-hub-backend` into `aud`.
pub fn audience(token: &Token, config: &Config) -> Step {
    let (id, title) = AUDIENCE;
    let Some(claims) = &token.claims else {
        return Step::skip(id, title, "the token is not a JWT, so its audience cannot be read here (the Hub call step tests it)");
    };
    if claims.audience.iter().any(|a| a == HUB_AUDIENCE) {
        let others = claims.audience.len() - 1;
        let also = if others == 0 { String::new() } else { format!(" (and {others} other)") };
        return Step::pass(id, title, format!("the token's aud holds {HUB_AUDIENCE}{also}"));
    }
    let finding = match claims.audience.as_slice() {
        [] => format!("the token has no aud, so the Hub ({HUB_AUDIENCE}) refuses it"),
        audience => format!("the token's aud is {}, without {HUB_AUDIENCE}: the Hub refuses it", audience.join(", ")),
    };
    Step::fail(id, title, Status::Auth, finding, fixes::audience_mapper(&client_name(token, config)))
}

/// The scopes step: every scope libhazy's operations need, granted by name or by its
/// resource's wildcard.
pub fn scopes(token: &Token, config: &Config) -> Step {
    let (id, title) = SCOPES_STEP;
    let Some(claims) = &token.claims else {
        return Step::skip(id, title, "the token is not a JWT, so its scopes cannot be read here");
    };
    let missing: Vec<(&str, &str)> =
        SCOPES.iter().copied().filter(|(needed, _)| !claims.scopes.iter().any(|g| grants(g, needed))).collect();
    let hazy: Vec<&str> = claims.scopes.iter().map(String::as_str).filter(|s| s.starts_with("hazy/")).collect();
    if missing.is_empty() {
        return Step::pass(id, title, format!("the token carries every scope libhazy's operations need: {}", hazy.join(" ")));
    }
    let names: Vec<&str> = missing.iter().map(|(s, _)| *s).collect();
    let blocked: Vec<String> = missing.iter().map(|(s, what)| format!("{s} ({what})")).collect();
    let has = if hazy.is_empty() { "no hazy/ scope".to_owned() } else { hazy.join(" ") };
    Step::fail(
        id,
        title,
        Status::Forbidden,
        format!("the token lacks {}; it has {has}", blocked.join(", ")),
        fixes::scopes(&client_name(token, config), &names),
    )
}

/// The clock step: this host's clock and the Hub's against Keycloak's, read from a token
/// granted just now (`iat`) and the Hub's `Date` header.
pub fn clock(token: &Token, hub_clock: Option<(SystemTime, SystemTime)>) -> Step {
    let (id, title) = CLOCK;
    let Some(granted_at) = token.granted_at else {
        return Step::skip(id, title, "a configured token was not issued just now, so its iat says nothing about the clocks");
    };
    let Some(issued_at) = token.claims.as_ref().and_then(|c| c.issued_at) else {
        return Step::skip(id, title, "the token carries no iat to compare with");
    };
    // Offsets from this host's clock: positive when the other clock is ahead.
    let keycloak = issued_at - unix(granted_at);
    let mut finding = format!("Keycloak's clock (the token's iat) is {} this host's", offset(keycloak));
    let mut worst = keycloak.abs();
    if let Some((date, received)) = hub_clock {
        let hub = unix(date) - unix(received);
        finding.push_str(&format!("; the Hub's (its Date header) is {} Keycloak's", offset(hub - keycloak)));
        worst = worst.max((hub - keycloak).abs());
    }
    if worst as u64 > MAX_SKEW.as_secs() {
        return Step::fail(id, title, Status::Auth, format!("{finding}: more than {} s apart", MAX_SKEW.as_secs()), fixes::clocks());
    }
    Step::pass(id, title, finding)
}

fn offset(seconds: i64) -> String {
    match seconds {
        0 => "within a second of".to_owned(),
        s if s > 0 => format!("{s} s ahead of"),
        s => format!("{} s behind", -s),
    }
}

fn unix(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn token(payload: serde_json::Value, granted_at: Option<SystemTime>) -> Token {
        let jwt = format!("eyJhbGciOiJub25lIn0.{}.c2ln", URL_SAFE_NO_PAD.encode(payload.to_string()));
        let mut config = Config::default();
        config.set("host", "http://127.0.0.1:9").unwrap();
        Token {
            client: Client::new(config).unwrap(),
            claims: Claims::read(&jwt),
            secret: jwt.into(),
            granted_at,
        }
    }

    fn config() -> Config {
        let mut c = Config::default();
        c.set("client_id", "api").unwrap();
        c
    }

    #[test]
    fn audience_and_scopes_name_the_tutorial_fix() {
        let t = token(serde_json::json!({"aud": "account", "scope": "profile hazy/Model:read"}), None);
        let a = audience(&t, &config());
        assert_eq!((a.outcome, a.status), (super::super::Outcome::Fail, Some(Status::Auth)));
        assert!(a.fix.as_deref().unwrap().contains("Audience: Included Client Audience hazy-hub-backend"), "{a:?}");
        let s = scopes(&t, &config());
        assert_eq!(s.status, Some(Status::Forbidden));
        assert!(s.finding.contains("hazy/TrainJob:create (train)"), "{s:?}");
        assert!(!s.finding.contains("hazy/Model:read ("), "{s:?}");
        assert!(s.fix.as_deref().unwrap().contains("Clients → api → Client scopes"), "{s:?}");
        let t = token(
            serde_json::json!({"aud": ["hazy-hub-backend"], "scope": "hazy/TrainJob:* hazy/GenerationJob:* hazy/Model:read"}),
            None,
        );
        assert_eq!(audience(&t, &config()).outcome, super::super::Outcome::Pass);
        assert_eq!(scopes(&t, &config()).outcome, super::super::Outcome::Pass);
    }

    #[test]
    fn clocks_apart_fail() {
        let now = SystemTime::now();
        let iat = unix(now);
        let t = token(serde_json::json!({"iat": iat}), Some(now));
        assert_eq!(clock(&t, Some((now, now))).outcome, super::super::Outcome::Pass);
        let hub_ahead = now + Duration::from_secs(60);
        let c = clock(&t, Some((hub_ahead, now)));
        assert_eq!(c.outcome, super::super::Outcome::Fail);
        assert!(c.finding.contains("the Hub's (its Date header) is 60 s ahead of Keycloak's"), "{c:?}");
        let t = token(serde_json::json!({"iat": iat - 30}), Some(now));
        assert!(clock(&t, None).finding.contains("30 s behind this host's"));
        let t = token(serde_json::json!({"iat": iat}), None);
        assert_eq!(clock(&t, None).outcome, super::super::Outcome::Skipped);
    }
}
