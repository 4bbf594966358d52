//! Bounded retries with jittered exponential backoff that honours `Retry-After`.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use crate::config::Config;
use crate::error::Error;
use crate::logging::{LogLevel, Logger};

#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_elapsed: Duration,
}

impl RetryPolicy {
    pub fn from_config(config: &Config) -> RetryPolicy {
        RetryPolicy {
            max_attempts: config.retry_max_attempts.max(1),
            base_delay: config.retry_base_delay,
            max_elapsed: config.retry_max_elapsed,
        }
    }
}

/// Why one attempt failed, and whether trying again may help.
pub struct Failure {
    pub error: Error,
    pub retryable: bool,
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn permanent(error: Error) -> Failure {
        Failure { error, retryable: false, retry_after: None }
    }
    /// A failure worth a retry, except a proxy's 407 (PROXY_AUTH): the same credentials
    /// would be refused again.
    pub fn transient(error: Error, retry_after: Option<Duration>) -> Failure {
        let retryable = error.status() != crate::status::Status::ProxyAuth;
        Failure { error, retryable, retry_after }
    }
    /// Tags the error with the request id of the exchange that failed.
    pub fn with_request_id(mut self, id: &str) -> Failure {
        self.error = self.error.with_request_id(id);
        self
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::permanent(error)
    }
}

/// Runs `attempt` (given its number, from 1) until it succeeds, fails permanently, or the
/// policy's count or time budget is spent; returns the last error then. Each retry is logged
/// with its reason and delay; `what` names the operation.
pub async fn retry<T, F, Fut>(policy: RetryPolicy, log: &Logger, what: &str, mut attempt: F) -> Result<T, Error>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let started = Instant::now();
    let mut number = 1;
    loop {
        let failure = match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(failure) => failure,
        };
        if !failure.retryable || number >= policy.max_attempts {
            return Err(failure.error);
        }
        let backoff = jittered(policy.base_delay.saturating_mul(1 << (number - 1).min(16)));
        let delay = failure.retry_after.map_or(backoff, |after| after.max(backoff));
        if started.elapsed() + delay > policy.max_elapsed {
            log.emit(
                LogLevel::Warn,
                "retry.budget",
                || format!("{what}: not retrying: the next attempt would start after retry_max_elapsed ({} ms): {}", policy.max_elapsed.as_millis(), failure.error),
                |r| r.attempt(number).delay(delay).status(failure.error.http_status()).request_id(failure.error.request_id()),
            );
            return Err(failure.error);
        }
        log.emit(
            LogLevel::Warn,
            "retry",
            || {
                let after = failure.retry_after.map(|a| format!(", Retry-After {} s honoured", a.as_secs())).unwrap_or_default();
                format!("{what}: attempt {number} failed ({}); retrying in {} ms{after}", failure.error, delay.as_millis())
            },
            |r| r.attempt(number).delay(delay).status(failure.error.http_status()).request_id(failure.error.request_id()),
        );
        tokio::time::sleep(delay).await;
        number += 1;
    }
}

/// "Equal jitter": half the delay fixed, half random, so that many clients retrying after the
/// same outage spread out without any of them retrying immediately.
fn jittered(delay: Duration) -> Duration {
    let half = delay / 2;
    half + half.mul_f64(fastrand::f64())
}

/// Parses `Retry-After` as delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn policy(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_elapsed: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn retries_transient_failures_up_to_the_limit() {
        let calls = AtomicU32::new(0);
        let result: Result<(), Error> = retry(policy(3), &Logger::default(), "test", |_| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(Failure::transient(Error::new(Status::Server, "503"), None))
        })
        .await;
        assert_eq!(result.unwrap_err().status(), Status::Server);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn permanent_failures_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), Error> = retry(policy(5), &Logger::default(), "test", |_| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(Failure::permanent(Error::new(Status::Auth, "no")))
        })
        .await;
        assert_eq!(result.unwrap_err().status(), Status::Auth);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_retry_after_beyond_the_budget_gives_up_at_once() {
        let started = Instant::now();
        let calls = AtomicU32::new(0);
        let result: Result<(), Error> = retry(policy(5), &Logger::default(), "test", |_| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(Failure::transient(Error::new(Status::Server, "429"), Some(Duration::from_secs(60))))
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
