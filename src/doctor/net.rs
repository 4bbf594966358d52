//! The doctor's own requests: plain GETs through the client's connection settings (its CA
//! bundle, client certificate and proxies, crate::http), keeping what a diagnosis needs from
//! the answer. Redirects are not followed, as libhazy follows none.

use std::time::SystemTime;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

use crate::error::Result;
use crate::http::{self, Http};

/// Discovery documents and API descriptions are far smaller; more is not one of them.
const MAX_BODY: usize = 8 * 1024 * 1024;

pub struct Answer {
    pub status: u16,
    pub content_type: String,
    /// The server's clock, from its `Date` header.
    pub date: Option<SystemTime>,
    /// Our clock when the answer arrived.
    pub received: SystemTime,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// GET `url`; any HTTP answer is Ok, a transport failure (TLS, connection, timeout) is the
/// library's error for it.
pub async fn get(http: &Http, url: &Url, accept: &str, bearer: Option<&SecretString>) -> Result<Answer> {
    let what = format!("GET {}", crate::logging::without_query(url));
    let mut request = http.client()?.get(url.clone()).header(ACCEPT, accept);
    if let Some(token) = bearer {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| crate::error::Error::protocol("the access token contains characters not allowed in a header"))?;
        value.set_sensitive(true);
        request = request.header(AUTHORIZATION, value);
    }
    let response = request.send().await.map_err(|e| http.name_proxy(http::transport(&e, &what), url.as_str()))?;
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let status = response.status().as_u16();
    let content_type = header(CONTENT_TYPE).unwrap_or_default();
    let date = header(DATE).and_then(|d| httpdate::parse_http_date(&d).ok());
    let location = header(reqwest::header::LOCATION);
    let body = http::read_body(response, MAX_BODY, &what).await.map_err(|f| http.name_proxy(f.error, url.as_str()))?;
    if let Some(refused) = http::client_certificate_refusal(status, &body, &what) {
        return Err(refused);
    }
    Ok(Answer { status, content_type, date, received: SystemTime::now(), location, body })
}

/// How requests to `url` travel: through which proxy (without its user and password) and
/// from which setting, or directly. The same matcher and environment reqwest uses.
pub fn route(url: &Url) -> String {
    let Ok(uri) = crate::logging::without_query(url).parse::<::http::Uri>() else {
        return "directly".to_owned();
    };
    let Some(intercept) = hyper_util::client::proxy::matcher::Matcher::from_system().intercept(&uri) else {
        return "directly, no proxy variable applies".to_owned();
    };
    let proxy = intercept.uri();
    let shown = format!(
        "{}://{}",
        proxy.scheme_str().unwrap_or("http"),
        proxy.authority().map_or("", |a| a.as_str().rsplit('@').next().unwrap_or(""))
    );
    let names: &[&str] = if url.scheme() == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let from = names
        .iter()
        .find(|n| std::env::var(n).is_ok_and(|v| !v.is_empty()))
        .map_or("the system's proxy settings".to_owned(), |n| (*n).to_owned());
    format!("through the proxy {shown}, from {from}")
}

/// scheme://host:port, to tell whether two URLs reach the same server.
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}
