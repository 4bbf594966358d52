//! Requests to the Hub: bearer token from the token source, one replay after a 401 with a
//! fresh token, bounded retries of transient failures, and error mapping.

use std::sync::Arc;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Method, Url};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::paths::{self, HubPath};
use super::problem::hub_error;
use super::types::{Page, WireJob};
use super::{Job, Model};
use crate::auth::TokenSource;
use crate::error::{Error, Result};
use crate::http;
use crate::logging::LogLevel;
use crate::retry::{parse_retry_after, retry, Failure, RetryPolicy};
use crate::trace;

/// Lists are paged by the Hub; a few MiB per page is far more than any real page.
const MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;
/// A Hub that keeps handing out page tokens is broken; stop rather than loop for ever.
const MAX_PAGES: usize = 10_000;

pub struct Hub {
    http: Arc<http::Http>,
    base: Url,
    tokens: Arc<TokenSource>,
    retry: RetryPolicy,
}

impl Hub {
    pub fn new(http: Arc<http::Http>, host: &str, tokens: Arc<TokenSource>, retry: RetryPolicy) -> Result<Hub> {
        let base = Url::parse(host)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                let shown = crate::error::truncate(host, 200);
                Error::invalid_argument(format!("host '{shown}' is not an http(s) URL"))
            })?;
        Ok(Hub { http, base, tokens, retry })
    }

    fn url(&self, path: &HubPath) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked in Hub::new: an http(s) URL with a host has path segments")
            .pop_if_empty()
            .extend(&path.segments);
        if !path.query.is_empty() {
            url.query_pairs_mut().extend_pairs(path.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    pub async fn submit_train_job(&self, project: &str, config_json: &str, key: Option<&str>) -> Result<Job> {
        let what = format!("submit a training job for project '{project}'");
        let path = paths::submit_train_job(project);
        self.submit(&path, config_json.as_bytes().to_vec(), key, &what).await
    }

    pub async fn submit_generation_job(
        &self,
        project: &str,
        model_id: &str,
        num_rows: Option<u64>,
        config: Option<serde_json::Value>,
        key: Option<&str>,
    ) -> Result<Job> {
        let what = format!("submit a generation job for model '{model_id}' in project '{project}'");
        let mut request = json!({ "model_id": model_id });
        if let Some(rows) = num_rows {
            request["num_rows"] = json!(rows);
        }
        if let Some(config) = config {
            request["config"] = config;
        }
        let request_body = serde_json::to_vec(&request).expect("a JSON value always serializes");
        self.submit(&paths::submit_generation_job(project), request_body, key, &what).await
    }

    /// A submission carries one `Idempotency-Key` for all of its retries, so a retry after a
    /// lost response returns the job the first attempt created instead of a second one. The
    /// caller may supply the key, so that a rerun in a new process does the same; a failure
    /// carries the key either way, since the Hub may have created the job after all.
    async fn submit(&self, path: &HubPath, request_body: Vec<u8>, key: Option<&str>, what: &str) -> Result<Job> {
        let key = match key {
            Some(key) => check_idempotency_key(key)?.to_owned(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        let result = self.call(Method::POST, path, Some(request_body), Some(&key), what).await;
        result
            .and_then(|response_body| parse::<WireJob>(&response_body, what).map(Job::from))
            .map_err(|e| e.with_idempotency_key(&key))
    }

    pub async fn job(&self, job_id: &str) -> Result<Job> {
        let what = format!("get job '{job_id}'");
        let response_body = self.call(Method::GET, &paths::job(job_id), None, None, &what).await?;
        parse::<WireJob>(&response_body, &what).map(Job::from)
    }

    pub async fn cancel_job(&self, job_id: &str) -> Result<Job> {
        let what = format!("cancel job '{job_id}'");
        let response_body = self.call(Method::POST, &paths::cancel_job(job_id), None, None, &what).await?;
        parse::<WireJob>(&response_body, &what).map(Job::from)
    }

    pub async fn list_jobs(&self, project: &str) -> Result<Vec<Job>> {
        let what = format!("list the jobs of project '{project}'");
        let jobs: Vec<WireJob> = self.all_pages(|token| paths::list_jobs(project, token), &what).await?;
        Ok(jobs.into_iter().map(Job::from).collect())
    }

    pub async fn list_models(&self, project: &str) -> Result<Vec<Model>> {
        let what = format!("list the models of project '{project}'");
        self.all_pages(|token| paths::list_models(project, token), &what).await
    }

    pub async fn health(&self) -> Result<serde_json::Value> {
        let what = "check the Hub's health";
        let response_body = self.call(Method::GET, &paths::health(), None, None, what).await?;
        parse(&response_body, what)
    }

    async fn all_pages<T: DeserializeOwned>(
        &self,
        page: impl Fn(Option<&str>) -> HubPath,
        what: &str,
    ) -> Result<Vec<T>> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let response_body = self.call(Method::GET, &page(token.as_deref()), None, None, what).await?;
            let next: Page<T> = parse(&response_body, what)?;
            items.extend(next.items);
            match next.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) if Some(&t) == token.as_ref() => {
                    return Err(Error::protocol(format!("{what}: the Hub repeated a page token")))
                }
                Some(t) => token = Some(t),
                None => return Ok(items),
            }
        }
        Err(Error::protocol(format!("{what}: more than {MAX_PAGES} pages")))
    }

    /// Every operation of the contract is safe to repeat (reads, the idempotent cancel, and
    /// submissions under an `Idempotency-Key`), so all of them retry transient failures.
    async fn call(
        &self,
        method: Method,
        path: &HubPath,
        request_body: Option<Vec<u8>>,
        idempotency_key: Option<&str>,
        what: &str,
    ) -> Result<Vec<u8>> {
        let url = self.url(path);
        let attempt = |number| self.attempt(number, &method, &url, path.scope, request_body.as_deref(), idempotency_key, what);
        let result = Box::pin(retry(self.retry, self.http.log(), what, attempt)).await;
        result.map_err(|e| self.http.name_proxy(e, url.as_str()).redact(&self.tokens.redactor()))
    }

    /// One attempt, including the single replay after a 401 with a freshly fetched token.
    /// Each HTTP request is a span of the call's trace with its own request id.
    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        number: u32,
        method: &Method,
        url: &Url,
        scope: &str,
        request_body: Option<&[u8]>,
        idempotency_key: Option<&str>,
        what: &str,
    ) -> std::result::Result<Vec<u8>, Failure> {
        let log = self.http.log();
        let mut replayed = false;
        loop {
            let bearer = self.tokens.authorization().await?;
            let span = trace::new_span();
            let mut request = self
                .http
                .client()?
                .request(method.clone(), url.clone())
                .header(AUTHORIZATION, bearer.clone())
                .header(ACCEPT, "application/json")
                .header(http::REQUEST_ID, span.request_id())
                .header(http::TRACEPARENT, span.traceparent());
            if let Some(key) = idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if let Some(request_body) = request_body {
                request = request.header(CONTENT_TYPE, "application/json").body(request_body.to_vec());
            }
            let started = std::time::Instant::now();
            let exchange = |r: crate::logging::Record, status: u16, request_id: &str| {
                r.method(method.as_str()).url(url).status(status).attempt(number).elapsed(started.elapsed()).request_id(Some(request_id)).span(&span)
            };
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    let error = http::transport(&e, &format!("cannot {what}")).with_request_id(span.request_id());
                    log.emit(LogLevel::Debug, "http.exchange", || format!("{method} {}: no response: {error}", url.path()), |r| exchange(r, 0, span.request_id()));
                    return Err(Failure::transient(error, None));
                }
            };
            let status = response.status().as_u16();
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let retry_after = header(RETRY_AFTER.as_str()).as_deref().and_then(parse_retry_after);
            let challenge = header(WWW_AUTHENTICATE.as_str());
            // A Hub behind a gateway may answer with its own id: that is the one its logs know.
            let request_id = http::request_id(&response, &span);
            let response_body = http::read_body(response, MAX_RESPONSE_BODY, what).await.map_err(|f| f.with_request_id(&request_id))?;
            log.emit(LogLevel::Debug, "http.exchange", || format!("{method} {} {status}", url.path()), |r| exchange(r, status, &request_id));
            if status == 401 && !replayed && self.tokens.invalidate_authorization(&bearer) {
                log.emit(
                    LogLevel::Info,
                    "auth.replay",
                    || format!("{what}: the Hub refused the token (HTTP 401); fetching a new one and replaying once"),
                    |r| exchange(r, status, &request_id),
                );
                replayed = true;
                continue;
            }
            if (200..300).contains(&status) {
                return Ok(response_body);
            }
            if let Some(error) = http::client_certificate_refusal(status, &response_body, &format!("cannot {what}")) {
                return Err(Failure::permanent(error.with_request_id(&request_id)));
            }
            let mut redactor = self.tokens.redactor();
            if let Some(token) = crate::auth::token_of(&bearer) {
                redactor.add_secret(token.expose_secret());
            }
            let error = hub_error(status, challenge.as_deref(), &response_body, what, scope, &redactor).with_request_id(&request_id);
            return Err(if status == 429 || status >= 500 {
                Failure::transient(error, retry_after)
            } else {
                Failure::permanent(error)
            });
        }
    }
}

/// Keys travel in a header and are compared byte for byte by the Hub: printable ASCII, no
/// spaces, and short enough for any proxy. A UUID fits, and so do most job-scheduler ids.
const MAX_KEY_LEN: usize = 255;

fn check_idempotency_key(key: &str) -> Result<&str> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        let shown = crate::error::truncate(key, 64);
        return Err(Error::invalid_argument(format!(
            "idempotency key '{}' must be 1 to {MAX_KEY_LEN} printable ASCII characters without spaces",
            shown.escape_default()
        )));
    }
    Ok(key)
}

pub(crate) fn parse<T: DeserializeOwned>(response_body: &[u8], what: &str) -> Result<T> {
    // Every answer of the contract is a JSON object; serde's derived structs would also read
    // an array, field by field, as one (found by the hub_response fuzz target).
    if response_body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::protocol(format!("{what}: the Hub's answer is not a JSON object")));
    }
    serde_json::from_slice(response_body)
        .map_err(|e| Error::protocol(format!("{what}: the Hub's answer is not the expected JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::SystemClock;
    use std::time::Duration;

    fn hub(host: &str) -> Result<Hub> {
        let http = Arc::new(crate::http::Http::new(&crate::Config::default()).unwrap());
        let tokens = Arc::new(TokenSource::new(http.clone(), None, Arc::new(SystemClock), Duration::ZERO, None, None));
        let retry = RetryPolicy { max_attempts: 1, base_delay: Duration::ZERO, max_elapsed: Duration::ZERO };
        Hub::new(http, host, tokens, retry)
    }

    #[test]
    fn ids_are_encoded_as_single_path_segments() {
        let hub = hub("https://hub.example.com/prefix/").unwrap();
        let url = hub.url(&paths::job("../a b/c?d"));
        assert_eq!(url.as_str(), "https://hub.example.com/prefix/api/v1/jobs/..%2Fa%20b%2Fc%3Fd");
        let url = hub.url(&paths::list_models("p1", Some("t&x")));
        assert_eq!(url.as_str(), "https://hub.example.com/prefix/api/v1/projects/p1/models?page_size=100&page_token=t%26x");
    }

    #[test]
    fn answers_must_be_json_objects() {
        let job = parse::<crate::hub::types::WireJob>(br#"["j1","p1","train","succeeded"]"#, "get a job");
        assert_eq!(job.err().map(|e| e.status()), Some(crate::Status::Protocol));
    }

    #[test]
    fn hosts_must_be_http_urls() {
        assert!(hub("hub.example.com").is_err());
        assert!(hub("ftp://hub").is_err());
        assert!(hub("http://127.0.0.1:4000").is_ok());
    }
}
