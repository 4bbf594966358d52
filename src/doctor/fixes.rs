//! What to do about each failure, in the seed tutorial's own words ("Using Keycloak to
//! authenticate SynthAPI") where it has them, and otherwise by the libhazy option to set.

use reqwest::Url;

use super::net;
use crate::error::Error;
use crate::status::Status;

/// The Hub's resource server: the audience every Hub token must carry.
pub const HUB_AUDIENCE: &str = "hazy-hub-backend";

pub fn no_host() -> String {
    "set host (HAZY_HUB_HOST) to the Hub's base URL, the tutorial's HAZY_HUB_HOST (e.g. https://hub.example.com)".to_owned()
}

/// A request that got no HTTP answer: TLS, connection or timeout. `option` names the setting
/// that holds the URL.
pub fn transport(error: &Error, url: &Url, option: &str) -> String {
    let message = error.message();
    let host = url.host_str().unwrap_or("the server");
    match error.status() {
        Status::Tls if message.contains("UnknownIssuer") || message.contains("unknown issuer") => format!(
            "{host}'s certificate comes from a CA this host does not trust: set ca_bundle (HAZY_CA_BUNDLE) to a PEM file \
             of the CA that signed it (the private CA of your TLS proxy)"
        ),
        Status::Tls if message.contains("NotValidForName") || message.contains("not valid for name") => format!(
            "the certificate {host} presents is not issued for that name: set {option} to a name the certificate holds, \
             or have it reissued"
        ),
        Status::Tls if message.contains("Expired") => format!("{host}'s certificate has expired: have it renewed"),
        Status::Tls if message.contains("client_cert") => {
            "the server wants a TLS client certificate: set client_cert and client_key (HAZY_CLIENT_CERT, HAZY_CLIENT_KEY)".to_owned()
        }
        Status::Tls => format!(
            "check the TLS setup of {}: ca_bundle (HAZY_CA_BUNDLE) for a private CA, client_cert for mutual TLS",
            net::origin(url)
        ),
        Status::InvalidArgument => "correct the setting the message names".to_owned(),
        _ => {
            let route = net::route(url);
            if route.starts_with("through") {
                format!(
                    "requests go {route}: check that this proxy is up and reaches {}, or list {host} in NO_PROXY",
                    net::origin(url)
                )
            } else {
                format!(
                    "check {option}: is {} the right address, and reachable from this host? Set HTTPS_PROXY if this \
                     host reaches it through a proxy",
                    net::origin(url)
                )
            }
        }
    }
}

pub fn keycloak_base(option: &str, base: &str) -> String {
    format!("set {option} to {base}")
}

pub fn no_keycloak(host: Option<&str>) -> String {
    let hub = host.unwrap_or("https://your-hub");
    format!(
        "set auth_url (HAZY_AUTH_URL) to Keycloak's base URL: {}/auth in a Hazy installation (the tutorial's token URL \
         is {{HAZY_HUB_HOST}}/auth/realms/hazy/...), or the server root of a Keycloak (17 or later) on a host of its own",
        hub.trim_end_matches('/')
    )
}

pub fn realm(option: &str) -> String {
    format!(
        "set {option} to the realm's name as the Keycloak admin console's realm list shows it (the tutorial's \"Hazy\" \
         realm, named hazy in a Hazy installation)"
    )
}

pub fn no_credentials() -> String {
    "set client_id and client_secret (HAZY_CLIENT_ID, HAZY_CLIENT_SECRET): the tutorial's api client, and the \"Client \
     secret\" from its Credentials tab"
        .to_owned()
}

pub fn client_authentication(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Settings → Capability config: turn \"Client authentication\" On and tick \
         \"Service accounts roles\" (the tutorial: \"ensure Client authentication is enabled\"), then copy the \"Client \
         secret\" from the Credentials tab into client_secret"
    )
}

pub fn service_accounts(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Settings → Capability config: tick \"Service accounts roles\", which the \
         client credentials grant needs (or use the tutorial's password grant: set username and password)"
    )
}

pub fn direct_access(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Settings → Capability config: tick \"Direct access grants\", which the \
         password grant of the tutorial's code needs"
    )
}

pub fn secret(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Credentials: copy the \"Client secret\" (the tutorial's API key) into \
         client_secret (HAZY_CLIENT_SECRET)"
    )
}

pub fn unknown_client(client: &str, realm: &str) -> String {
    format!(
        "check client_id: Keycloak → Clients in realm {realm} must list {client} (the tutorial creates it as Client ID \
         api), with \"Client authentication\" On; then its secret (Credentials tab)"
    )
}

pub fn signed_jwt(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Keys: import the certificate of client_private_key (Client authenticator \
         \"Signed JWT\" on the Credentials tab)"
    )
}

pub fn x509(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Credentials: Client authenticator \"X509 certificate\" with the Subject DN of \
         client_cert"
    )
}

pub fn user(username: &str) -> String {
    format!("check username and password (HAZY_USERNAME, HAZY_PASSWORD): Keycloak → Users → {username} must be enabled, with every required profile field set")
}

pub fn scope_option() -> String {
    "the scope option (HAZY_SCOPE) asks for a scope this client was not given: add it under the client's Client scopes, \
     or leave scope unset"
        .to_owned()
}

pub fn audience_mapper(client: &str) -> String {
    format!(
        "Keycloak → Clients → {client} → Client scopes → {client}-dedicated → Configure a new mapper → Audience: \
         Included Client Audience {HUB_AUDIENCE}, \"Add to access token\" On (the tutorial's Audience mapper)"
    )
}

pub fn scopes(client: &str, missing: &[&str]) -> String {
    format!(
        "Keycloak → Clients → {client} → Client scopes → Add client scope, as Default: {} (the tutorial: \"ensure the \
         hazy/TrainJob:* scopes are present\")",
        missing.join(", ")
    )
}

pub fn issuer(issuer: Option<&str>) -> String {
    format!(
        "the Hub refused a token Keycloak issued for it: the Hub must trust this realm's issuer {} (its KEYCLOAK_URL and \
         KEYCLOAK_REALM), and the clocks must agree",
        issuer.unwrap_or("(the token names none)")
    )
}

pub fn clocks() -> String {
    "synchronise the clocks of this host, Keycloak and the Hub (NTP): tokens carry Keycloak's time, the Hub checks \
     them with a small leeway (the simulator allows 5 s), and signed client assertions carry this host's"
        .to_owned()
}

pub fn api_differences() -> String {
    "libhazy speaks contract/hub-api.yaml (every Hub path is in src/hub/paths.rs), so the calls listed fail \
     against this Hub: send this report to the libhazy maintainers"
        .to_owned()
}
