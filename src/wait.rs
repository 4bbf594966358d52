//! Following a job to its end: polling with a timeout, a progress callback, and cancellation
//! from another thread.
//!
//! The loop runs on the caller's thread and leaves the runtime between polls, so the progress
//! callback runs outside any async context and may call back into the library.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::hub::Job;
use crate::logging::LogLevel;
use crate::runtime;
use crate::status::{JobState, Status};

#[derive(Clone, Debug, Default)]
pub struct WaitOptions {
    /// None waits without limit.
    pub timeout: Option<Duration>,
    pub cancel: Option<CancellationToken>,
}

enum Step<T> {
    Done(T),
    Cancelled,
    TimedOut,
    Closed,
}

/// Polls `job_id` until it ends. Returns the succeeded job; JOB_FAILED with the Hub's reason,
/// CANCELLED (the job was cancelled, or `cancel` fired, or `progress` returned false), or
/// TIMEOUT otherwise; CLOSED when the client is closed meanwhile. `progress` sees every
/// polled snapshot.
pub fn wait_for_job(
    client: &Client,
    job_id: &str,
    options: &WaitOptions,
    progress: impl FnMut(&Job) -> bool,
) -> Result<Job> {
    let mut polled = false;
    let result = wait(client, job_id, options, progress, &mut polled);
    // A failed poll was logged by the poll itself; the wait's own endings are logged here.
    if let (Err(e), true) = (&result, polled) {
        client.log().emit(LogLevel::Error, "call.failed", || format!("wait for job {job_id}: {e}"), |r| r.job_id(job_id));
    }
    result
}

fn wait(
    client: &Client,
    job_id: &str,
    options: &WaitOptions,
    mut progress: impl FnMut(&Job) -> bool,
    polled: &mut bool,
) -> Result<Job> {
    let deadline = options.timeout.map(|t| Instant::now() + t);
    let poll = client.config().poll_interval;
    let unknown_limit = client.config().unknown_state_timeout;
    // Since when the job has been in states this version does not know (None: it is not).
    let mut unknown_since: Option<Instant> = None;
    let mut last: Option<Job> = None;
    loop {
        let job = match step(client, options, deadline, client.job(job_id))? {
            Step::Done(job) => job?,
            Step::Cancelled => {
                *polled = true;
                return Err(cancelled(job_id));
            }
            Step::TimedOut => return Err(timed_out(job_id, last.as_ref(), options)),
            Step::Closed => return Err(Error::closed()),
        };
        *polled = true;
        let log = client.log();
        let changed = last.as_ref().is_none_or(|l| l.raw_state != job.raw_state);
        let level = if changed { LogLevel::Info } else { LogLevel::Debug };
        log.emit(
            level,
            "job.state",
            || format!("job {job_id}: {} {:.0}% (the Hub says '{}')", job.state.name(), job.progress * 100.0, job.raw_state),
            |r| r.job_id(job_id),
        );
        if job.state == JobState::Unknown {
            let since = *unknown_since.get_or_insert_with(Instant::now);
            if changed {
                log.emit(
                    LogLevel::Warn,
                    "job.state_unknown",
                    || format!("job {job_id} is in state '{}', which this version of libhazy does not know; waiting at most {} ms more for a state it knows", job.raw_state, unknown_limit.as_millis()),
                    |r| r.job_id(job_id),
                );
            }
            // Checked after the progress callback, which sees every snapshot, unknown or not.
            if since.elapsed() >= unknown_limit {
                progress(&job);
                return Err(unknown_state(job_id, &job.raw_state, unknown_limit));
            }
        } else {
            unknown_since = None;
        }
        if !progress(&job) {
            return Err(Error::new(Status::Cancelled, format!("waiting for job '{job_id}' stopped by the progress callback")));
        }
        match job.state {
            JobState::Succeeded => return Ok(job),
            JobState::Failed => {
                let reason = job.failure_reason.as_deref().unwrap_or("no reason given");
                return Err(Error::new(Status::JobFailed, format!("job '{job_id}' failed: {reason}")));
            }
            JobState::Cancelled => {
                return Err(Error::new(Status::Cancelled, format!("job '{job_id}' was cancelled on the Hub")))
            }
            _ => {}
        }
        last = Some(job);
        // The sleep is created inside the async block: a tokio timer must be made on the runtime.
        match step(client, options, deadline, async { tokio::time::sleep(poll).await })? {
            Step::Done(()) => {}
            Step::Cancelled => return Err(cancelled(job_id)),
            Step::TimedOut => return Err(timed_out(job_id, last.as_ref(), options)),
            Step::Closed => return Err(Error::closed()),
        }
    }
}

/// Runs one future on the runtime, racing it against closing, cancellation and the deadline.
fn step<F: std::future::Future>(
    client: &Client,
    options: &WaitOptions,
    deadline: Option<Instant>,
    work: F,
) -> Result<Step<F::Output>> {
    runtime::block_on(async {
        let cancel = async {
            match &options.cancel {
                Some(token) => token.cancelled().await,
                None => std::future::pending().await,
            }
        };
        let timeout = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = client.closed() => Step::Closed,
            _ = cancel => Step::Cancelled,
            _ = timeout => Step::TimedOut,
            out = work => Step::Done(out),
        }
    })
}

/// The documented rule: a job that stays in states libhazy does not know for
/// `unknown_state_timeout_ms` ends the wait rather than have it poll to its timeout, or for
/// ever without one. PROTOCOL: the Hub said something this version does not understand.
fn unknown_state(job_id: &str, raw: &str, limit: Duration) -> Error {
    let raw = crate::error::truncate(raw, 64);
    Error::new(
        Status::Protocol,
        format!(
            "job '{job_id}' is in state '{raw}', which this version of libhazy does not know, and stayed in unknown \
             states for {} ms (unknown_state_timeout_ms); the job may still be running on the Hub: check it there",
            limit.as_millis()
        ),
    )
    .with_field(Some("state".to_owned()))
}

fn cancelled(job_id: &str) -> Error {
    Error::new(Status::Cancelled, format!("waiting for job '{job_id}' was cancelled by the caller"))
}

fn timed_out(job_id: &str, last: Option<&Job>, options: &WaitOptions) -> Error {
    let waited = options.timeout.unwrap_or_default();
    let state = last
        .map(|j| format!(" (last seen {} at {:.0}%)", j.state.name(), j.progress * 100.0))
        .unwrap_or_default();
    Error::new(Status::Timeout, format!("job '{job_id}' did not finish within {} ms{state}", waited.as_millis()))
}
