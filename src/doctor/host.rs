//! Step `host`: the Hub's host answers HTTP, through TLS with the configured CA and through
//! whatever proxy the environment names.

use std::time::SystemTime;

use reqwest::Url;

use super::report::Step;
use super::{fixes, net};
use crate::config::Config;
use crate::http::Http;
use crate::status::Status;

pub const STEP: (&str, &str) = ("host", "Hub host");
const ID: &str = STEP.0;
const TITLE: &str = STEP.1;

/// What the host's answer tells later steps.
pub struct Host {
    pub url: Url,
    /// The Hub's clock (its `Date` header) and ours when the answer came.
    pub clock: Option<(SystemTime, SystemTime)>,
}

/// The Hub's base URL, when `host` is set and an http(s) URL.
pub fn url(config: &Config) -> Option<Url> {
    let host = config.host.as_deref()?;
    Url::parse(host).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// `base` with `path` (segments, unencoded) below it.
pub fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

pub async fn check(http: &Http, config: &Config) -> (Step, Option<Host>) {
    let Some(host) = config.host.as_deref() else {
        return (Step::fail(ID, TITLE, Status::InvalidArgument, "no Hub host is configured", fixes::no_host()), None);
    };
    let Some(base) = url(config) else {
        let shown = crate::error::truncate(host, 200);
        return (Step::fail(ID, TITLE, Status::InvalidArgument, format!("host '{shown}' is not an http(s) URL"), fixes::no_host()), None);
    };
    let health = join(&base, &["api", "v1", "health"]);
    let route = net::route(&health);
    match net::get(http, &health, "application/json", None).await {
        Ok(answer) => {
            let tls = match (base.scheme(), config.insecure_skip_tls_verify, config.ca_bundle.as_deref()) {
                ("https", true, _) => ", TLS certificate NOT verified (insecure_skip_tls_verify)".to_owned(),
                ("https", false, Some(bundle)) => format!(", TLS verified with the system roots and ca_bundle {bundle}"),
                ("https", false, None) => ", TLS verified with the system roots".to_owned(),
                _ => ", plain HTTP".to_owned(),
            };
            let finding = format!("{} answers (GET {}: HTTP {}), reached {route}{tls}", net::origin(&base), health.path(), answer.status);
            let clock = answer.date.map(|date| (date, answer.received));
            (Step::pass(ID, TITLE, finding), Some(Host { url: base, clock }))
        }
        Err(e) => {
            let fix = fixes::transport(&e, &base, "host (HAZY_HUB_HOST)");
            (Step::fail(ID, TITLE, e.status(), format!("{}; reached {route}", e.message()), fix), None)
        }
    }
}
