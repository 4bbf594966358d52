//! Forwards `/auth/*` to Keycloak, reproducing a Hazy installation where
//! Keycloak is served under the Hub's host (`{hub}/auth/realms/...`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;
use crate::server::MAX_BODY_BYTES;

pub struct Proxy {
    /// Keycloak base including its relative path, e.g. `http://127.0.0.1:8080/auth`.
    base: String,
    http: reqwest::Client,
}

impl Proxy {
    pub fn new(base: &str) -> Self {
        let http = crate::http_client::builder()
            // Redirects belong to the browser, not to us.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .build()
            .expect("reqwest client");
        Proxy {
            base: base.trim_end_matches('/').to_owned(),
            http,
        }
    }

    fn target(&self, uri: &Uri) -> String {
        let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let rest = path_and_query
            .strip_prefix("/auth")
            .unwrap_or(path_and_query);
        format!("{}{}", self.base, rest)
    }
}

/// Hop-by-hop headers (RFC 9110 §7.6.1) plus those a proxy must recompute.
fn is_hop_by_hop(name: &HeaderName, connection: &HeaderMap) -> bool {
    const HOP: [&str; 9] = [
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
    ];
    let listed = connection
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(name.as_str()));
    HOP.contains(&name.as_str()) || listed || name == header::HOST || name == header::CONTENT_LENGTH
}

/// Passes a request under `/auth` on to Keycloak and its answer back.
pub async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body too large",
        )
        .into_response();
    };
    let mut out = HeaderMap::new();
    for (name, value) in &headers {
        if !is_hop_by_hop(name, &headers) {
            out.append(name.clone(), value.clone());
        }
    }
    let result = proxy
        .http
        .request(method, proxy.target(&uri))
        .headers(out)
        .body(body)
        .send()
        .await;
    let resp = match result {
        Ok(r) => r,
        Err(e) => {
            return Problem::new(
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                format!("Keycloak unreachable: {e}"),
            )
            .into_response()
        }
    };
    let status = resp.status();
    let upstream_headers = resp.headers().clone();
    let bytes = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => {
            return Problem::new(
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                format!("Keycloak response broken: {e}"),
            )
            .into_response()
        }
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &upstream_headers {
        if !is_hop_by_hop(name, &upstream_headers) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_keeps_path_and_query_below_auth() {
        let p = Proxy::new("http://127.0.0.1:8080/auth/");
        let uri: Uri = "/auth/realms/hazy/protocol/openid-connect/token?x=1"
            .parse()
            .unwrap();
        assert_eq!(
            p.target(&uri),
            "http://127.0.0.1:8080/auth/realms/hazy/protocol/openid-connect/token?x=1"
        );
    }

    #[test]
    fn strips_hop_by_hop_and_connection_listed_headers() {
        let mut h = HeaderMap::new();
        h.insert(header::CONNECTION, "close, x-private".parse().unwrap());
        assert!(is_hop_by_hop(&HeaderName::from_static("x-private"), &h));
        assert!(is_hop_by_hop(&header::HOST, &h));
        assert!(is_hop_by_hop(&header::TRANSFER_ENCODING, &h));
        assert!(!is_hop_by_hop(&header::AUTHORIZATION, &h));
        assert!(!is_hop_by_hop(&header::CONTENT_TYPE, &h));
    }
}
