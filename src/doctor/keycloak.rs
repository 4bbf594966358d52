//! Steps `keycloak` and `realm`: where Keycloak is served (under `/auth`, a Hazy
//! installation's layout, or at the root, Keycloak 17's default) and whether the realm exists,
//! found by OpenID Connect discovery (`{base}/realms/{realm}/.well-known/openid-configuration`).
//! Keycloak is recognised by its own answers: the realm's discovery document, its 404
//! "Realm does not exist", or the `master` realm's discovery.

use reqwest::Url;
use serde_json::Value;

use super::report::Step;
use super::{fixes, host, net};
use crate::config::Config;
use crate::http::Http;
use crate::status::Status;

pub const LAYOUT: (&str, &str) = ("keycloak", "Keycloak");
pub const REALM: (&str, &str) = ("realm", "Realm");

/// The option that placed Keycloak, which is also the one to correct.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    TokenUrl,
    AuthUrl,
    Host,
}

impl Source {
    fn option(self) -> &'static str {
        match self {
            Source::TokenUrl => "token_url (HAZY_TOKEN_URL)",
            Source::AuthUrl | Source::Host => "auth_url (HAZY_AUTH_URL)",
        }
    }
}

pub struct Located {
    pub layout: Step,
    pub realm: Step,
    /// The configuration for the token request: with the Keycloak base that answered when
    /// the configured one did not, as configured when only an explicit token_url is known;
    /// None when there is no realm to ask.
    pub config: Option<Config>,
    /// The realm's issuer, from its discovery document.
    pub issuer: Option<String>,
}

/// Keycloak answered discovery: with the realm's document, or saying the realm is not there.
enum Answered {
    Found { issuer: String, token_endpoint: String },
    RealmMissing(String),
}

/// No Keycloak at that base: something else answered, or nothing did.
enum Missed {
    NotKeycloak(String),
    Unreachable(crate::error::Error),
}

struct Place {
    source: Source,
    realm: String,
    configured: Url,
    alternate: Url,
}

pub async fn check(http: &Http, config: &Config, host: Option<&Url>, host_failed: bool) -> Located {
    let (layout_id, layout_title) = LAYOUT;
    let (realm_id, realm_title) = REALM;
    let place = match place(config) {
        Ok(place) => place,
        Err(step) => {
            // An explicit token URL of another shape: no discovery, but the grant can be tried.
            let usable = config.token_url.is_some();
            return Located {
                layout: step,
                realm: Step::skip(realm_id, realm_title, "the token URL does not name a Keycloak realm"),
                config: usable.then(|| config.clone()),
                issuer: None,
            };
        }
    };
    if host_failed && host.is_some_and(|h| net::origin(h) == net::origin(&place.configured)) {
        let why = "Keycloak is on the Hub's host, which did not answer (the host step failed)";
        return Located {
            layout: Step::skip(layout_id, layout_title, why),
            realm: Step::skip(realm_id, realm_title, why),
            config: None,
            issuer: None,
        };
    }
    let (base, answer, moved) = match probe(http, &place.configured, &place.realm).await {
        Ok(answered) => (place.configured.clone(), answered, None),
        Err(Missed::NotKeycloak(detail)) => match probe(http, &place.alternate, &place.realm).await {
            Ok(answered) => (place.alternate.clone(), answered, Some(detail)),
            Err(missed) => {
                let elsewhere = match missed {
                    Missed::Unreachable(e) => e.message().to_owned(),
                    Missed::NotKeycloak(d) => d,
                };
                let finding = format!(
                    "no Keycloak answers discovery at {} ({detail}) nor at {} ({elsewhere})",
                    discovery(&place.configured, &place.realm),
                    discovery(&place.alternate, &place.realm)
                );
                return Located {
                    layout: Step::fail(layout_id, layout_title, Status::NotFound, finding, fixes::no_keycloak(config.host.as_deref())),
                    realm: Step::skip(realm_id, realm_title, "Keycloak was not found (the keycloak step failed)"),
                    config: None,
                    issuer: None,
                };
            }
        },
        Err(Missed::Unreachable(e)) => {
            let fix = fixes::transport(&e, &place.configured, place.source.option());
            let finding = format!("{}; reached {}", e.message(), net::route(&place.configured));
            return Located {
                layout: Step::fail(layout_id, layout_title, e.status(), finding, fix),
                realm: Step::skip(realm_id, realm_title, "Keycloak did not answer (the keycloak step failed)"),
                config: None,
                issuer: None,
            };
        }
    };
    let corrected = corrected(config, &place, &base);
    let token_url = corrected.token_endpoint().unwrap_or_default();
    let served = layout(&base);
    let at = base.as_str().trim_end_matches('/');
    let layout_step = match (&moved, &answer) {
        (Some(detail), _) => {
            let to = match place.source {
                Source::TokenUrl => token_url.clone(),
                _ => at.to_owned(),
            };
            Step::fail(
                layout_id,
                layout_title,
                Status::NotFound,
                format!("no discovery at {} ({detail}): Keycloak is served {served}, at {at}", discovery(&place.configured, &place.realm)),
                fixes::keycloak_base(place.source.option(), &to),
            )
        }
        (None, Answered::Found { token_endpoint, .. }) if *token_endpoint == token_url => Step::pass(
            layout_id,
            layout_title,
            format!("served {served} at {at}; discovery names the token endpoint libhazy uses"),
        ),
        // Keycloak names itself by its hostname setting; through a proxy (the Hub's /auth)
        // the same realm has another address, which works.
        (None, Answered::Found { token_endpoint, .. }) => Step::pass(layout_id, layout_title, format!("served {served} at {at}"))
            .with_details(vec![format!(
                "discovery names the token endpoint {token_endpoint} (Keycloak's hostname setting); libhazy sends to \
                 {token_url}, the same realm by another address"
            )]),
        (None, _) => Step::pass(layout_id, layout_title, format!("served {served} at {at}")),
    };
    let realm_option = match place.source {
        Source::TokenUrl => "token_url (HAZY_TOKEN_URL)'s realm",
        _ => "realm (HAZY_REALM)",
    };
    let (realm_step, issuer) = match answer {
        Answered::Found { issuer, .. } => {
            (Step::pass(realm_id, realm_title, format!("realm '{}' exists (issuer {issuer})", place.realm)), Some(issuer))
        }
        Answered::RealmMissing(detail) => (
            Step::fail(
                realm_id,
                realm_title,
                Status::NotFound,
                format!("Keycloak has no realm '{}' ({detail})", place.realm),
                fixes::realm(realm_option),
            ),
            None,
        ),
    };
    Located { layout: layout_step, realm: realm_step, config: issuer.is_some().then_some(corrected), issuer }
}

fn layout(base: &Url) -> String {
    match base.path().trim_end_matches('/') {
        "" => "at the server root (Keycloak 17 and later by default)".to_owned(),
        "/auth" => "under /auth (a Hazy installation's layout)".to_owned(),
        other => format!("under {other}"),
    }
}

/// Where the configuration says Keycloak is, and the other layout of the same server.
fn place(config: &Config) -> Result<Place, Step> {
    let (id, title) = LAYOUT;
    let bad = |what: String| Step::fail(id, title, Status::InvalidArgument, what, fixes::no_keycloak(config.host.as_deref()));
    let parse = |text: &str, option: &str| {
        Url::parse(text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| bad(format!("{option} '{}' is not an http(s) URL", crate::error::truncate(text, 200))))
    };
    let (source, realm, configured) = if let Some(token_url) = &config.token_url {
        let mut url = parse(token_url, "token_url")?;
        url.set_query(None);
        let segments: Vec<String> = url.path_segments().into_iter().flatten().map(str::to_owned).collect();
        let tail = ["protocol", "openid-connect", "token"];
        let n = segments.len();
        if n < 5 || segments[n - 5] != "realms" || segments[n - 3..] != tail {
            return Err(Step::fail(
                id,
                title,
                Status::InvalidArgument,
                format!("token_url {url} is not a Keycloak token endpoint ({{base}}/realms/{{realm}}/protocol/openid-connect/token)"),
                "set auth_url (HAZY_AUTH_URL) and realm instead of token_url, or a token_url of that shape",
            ));
        }
        let realm = percent_encoding::percent_decode_str(&segments[n - 4]).decode_utf8_lossy().into_owned();
        if let Ok(mut path) = url.path_segments_mut() {
            for _ in 0..5 {
                path.pop();
            }
        }
        (Source::TokenUrl, realm, url)
    } else if let Some(auth_url) = &config.auth_url {
        (Source::AuthUrl, config.realm.clone(), parse(auth_url, "auth_url")?)
    } else if config.host.is_some() {
        let host = host::url(config).ok_or_else(|| bad("host is not an http(s) URL".to_owned()))?;
        (Source::Host, config.realm.clone(), host::join(&host, &["auth"]))
    } else {
        return Err(bad("neither host, auth_url nor token_url is configured".to_owned()));
    };
    let mut alternate = configured.clone();
    if let Ok(mut path) = alternate.path_segments_mut() {
        path.pop_if_empty();
        if configured.path().trim_end_matches('/').ends_with("/auth") {
            path.pop();
        } else {
            path.push("auth");
        }
    }
    Ok(Place { source, realm, configured, alternate })
}

/// The configuration with Keycloak at `base`.
fn corrected(config: &Config, place: &Place, base: &Url) -> Config {
    let mut corrected = config.clone();
    let base_text = base.as_str().trim_end_matches('/').to_owned();
    match place.source {
        Source::TokenUrl if *base != place.configured => {
            let url = host::join(base, &["realms", &place.realm, "protocol", "openid-connect", "token"]);
            corrected.token_url = Some(url.into());
        }
        Source::TokenUrl => {}
        Source::AuthUrl | Source::Host => corrected.auth_url = Some(base_text),
    }
    corrected
}

fn discovery(base: &Url, realm: &str) -> Url {
    host::join(base, &["realms", realm, ".well-known", "openid-configuration"])
}

async fn probe(http: &Http, base: &Url, realm: &str) -> Result<Answered, Missed> {
    let answer = match net::get(http, &discovery(base, realm), "application/json", None).await {
        Ok(answer) => answer,
        Err(e) => return Err(Missed::Unreachable(e)),
    };
    let json = answer.json();
    let text = |k: &str| json.as_ref().and_then(|j| j.get(k)).and_then(Value::as_str).map(str::to_owned);
    if answer.status == 200 {
        if let (Some(issuer), Some(token_endpoint)) = (text("issuer"), text("token_endpoint")) {
            return Ok(Answered::Found { issuer, token_endpoint });
        }
    }
    let detail = match (&answer.location, text("error")) {
        (Some(location), _) if (300..400).contains(&answer.status) => format!("HTTP {} to {location}", answer.status),
        (_, Some(error)) => format!("HTTP {}: {error}", answer.status),
        _ => format!("HTTP {}", answer.status),
    };
    if answer.status == 404 && text("error").is_some_and(|e| e.contains("Realm does not exist")) {
        return Ok(Answered::RealmMissing(detail));
    }
    match net::get(http, &discovery(base, "master"), "application/json", None).await {
        Ok(master) if master.status == 200 && master.json().is_some_and(|j| j.get("token_endpoint").is_some()) => {
            Ok(Answered::RealmMissing(detail))
        }
        _ => Err(Missed::NotKeycloak(detail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(pairs: &[(&str, &str)]) -> Result<Place, Step> {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, v).unwrap();
        }
        place(&c)
    }

    #[test]
    fn each_layout_has_the_other_as_alternate() {
        let p = place_of(&[("host", "https://hub.example.com")]).ok().unwrap();
        assert_eq!((p.configured.as_str(), p.alternate.as_str()), ("https://hub.example.com/auth", "https://hub.example.com/"));
        let p = place_of(&[("auth_url", "https://sso.example.com/")]).ok().unwrap();
        assert_eq!(p.alternate.as_str(), "https://sso.example.com/auth");
        let p = place_of(&[("token_url", "https://kc/auth/realms/my%20realm/protocol/openid-connect/token")]).ok().unwrap();
        assert_eq!((p.configured.as_str(), p.alternate.as_str(), p.realm.as_str()), ("https://kc/auth", "https://kc/", "my realm"));
        assert!(place_of(&[("token_url", "https://idp.example.com/oauth2/token")]).is_err());
        assert!(place_of(&[]).is_err());
    }

    #[test]
    fn a_corrected_configuration_points_where_keycloak_answered() {
        let mut c = Config::default();
        c.set("host", "https://hub.example.com").unwrap();
        let p = place(&c).ok().unwrap();
        let fixed = corrected(&c, &p, &p.alternate);
        assert_eq!(fixed.token_endpoint().unwrap(), "https://hub.example.com/realms/hazy/protocol/openid-connect/token");
        c.set("token_url", "https://kc/realms/hazy/protocol/openid-connect/token").unwrap();
        let p = place(&c).ok().unwrap();
        let fixed = corrected(&c, &p, &p.alternate);
        assert_eq!(fixed.token_endpoint().unwrap(), "https://kc/auth/realms/hazy/protocol/openid-connect/token");
    }
}
