//! Jobs: submit (train, generate), get, cancel, wait, and the `hazy_job_t` snapshot.

use std::ffi::{c_char, c_void, CString};
use std::future::Future;

use super::boundary::{c_ptr, c_string, free_box, guard_value, optional_str, required_ptr, required_str, write_box};
use super::cancel::hazy_cancel_token_t;
use super::client::hazy_client_t;
use super::error::{guard, hazy_error_t};
use crate::client::Client;
use crate::error::Result;
use crate::hub::Job;
use crate::runtime;
use crate::status::{JobState, Status};
use crate::wait::{wait_for_job, WaitOptions};

/// An immutable snapshot of a job on the Hub. Getters borrow from it. Free with
/// hazy_job_free. Safe to read from any thread.
pub struct hazy_job_t {
    job: Job,
    id: CString,
    project_id: CString,
    kind: CString,
    raw_state: CString,
    model_id: Option<CString>,
    failure_reason: Option<CString>,
    output_location: Option<CString>,
}

impl From<Job> for hazy_job_t {
    fn from(job: Job) -> hazy_job_t {
        hazy_job_t {
            id: c_string(&job.id),
            project_id: c_string(&job.project_id),
            kind: c_string(job.kind.name()),
            raw_state: c_string(&job.raw_state),
            model_id: job.model_id.as_deref().map(c_string),
            failure_reason: job.failure_reason.as_deref().map(c_string),
            output_location: job.output_location.as_deref().map(c_string),
            job,
        }
    }
}

/// Called by hazy_job_wait after every poll with the latest snapshot (borrowed for the
/// duration of the call), on the thread that called hazy_job_wait, with no library lock held:
/// it may call other libhazy functions. Return 0 to keep waiting, non-zero to stop (the wait
/// returns HAZY_STATUS_CANCELLED). It must not unwind (no C++ exception, no longjmp) through
/// the library.
pub type hazy_progress_fn = Option<unsafe extern "C" fn(job: *const hazy_job_t, userdata: *mut c_void) -> i32>;

/// The body shared by the calls that return one job: check the arguments (`request` parses
/// the rest and makes the request), run it, hand over the snapshot. `job_out` may be NULL only
/// when `out_required` is false.
///
/// # Safety
/// As for the exported functions: pointers are NULL or valid.
unsafe fn fetch_job<Fut>(
    client: *mut hazy_client_t,
    job_out: *mut *mut hazy_job_t,
    out_required: bool,
    error: *mut *mut hazy_error_t,
    // The client by value (a cheap clone): the future may not borrow the call's reference.
    request: impl FnOnce(Client) -> Result<Fut>,
) -> Status
where
    Fut: Future<Output = Result<Job>>,
{
    guard(error, || {
        if out_required {
            required_ptr(job_out, "job_out")?;
        }
        let c = hazy_client_t::get(client)?;
        let job = runtime::block_on_with(|| {
            let client = Client::clone(&c);
            async move { request(client)?.await }
        })??;
        if !job_out.is_null() {
            // SAFETY: the out-parameter was checked non-NULL; it is writable (the header's contract).
            unsafe { write_box(job_out, hazy_job_t::from(job)) };
        }
        Ok(())
    })
}

/// Submits a training job for `project_id`. `config_json` is a Hazy TrainingConfig as JSON;
/// it is checked locally first (well-formed, an object, with `data_schema` holding `tables`,
/// and a `data_input` list) and nothing is sent if the check fails. The submission carries an
/// Idempotency-Key and is retried on network errors, 5xx and 429, so it creates exactly one
/// job. On success writes the new job to `*job_out` (free it with hazy_job_free). A failed
/// submission's error carries the key it used (hazy_error_idempotency_key): the Hub may have
/// created the job before the connection was lost, and hazy_train_with_key with that key
/// returns it instead of training twice.
///
/// Returns HAZY_STATUS_OK; HAZY_STATUS_INVALID_ARGUMENT; HAZY_STATUS_VALIDATION (the error's
/// field names the offending field); HAZY_STATUS_AUTH; HAZY_STATUS_FORBIDDEN (the error's
/// field names the missing scope); HAZY_STATUS_NOT_FOUND; HAZY_STATUS_NETWORK,
/// HAZY_STATUS_TIMEOUT, HAZY_STATUS_TLS, HAZY_STATUS_SERVER, HAZY_STATUS_PROTOCOL;
/// HAZY_STATUS_INVALID_STATE.
#[no_mangle]
pub unsafe extern "C" fn hazy_train(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    config_json: *const c_char,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    hazy_train_with_key(client, project_id, config_json, std::ptr::null(), job_out, error)
}

/// As hazy_train, under the caller's Idempotency-Key: 1 to 255 printable ASCII characters
/// without spaces, e.g. a batch scheduler's run id or a UUID kept across restarts. NULL
/// generates one. Submitting again with the same key and the same config, from this or any
/// other process, returns the job the first submission created; a different config under
/// the same key is refused with HAZY_STATUS_VALIDATION (HTTP 409). Statuses as for
/// hazy_train; HAZY_STATUS_INVALID_ARGUMENT for a malformed key.
#[no_mangle]
pub unsafe extern "C" fn hazy_train_with_key(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    config_json: *const c_char,
    idempotency_key: *const c_char,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    fetch_job(client, job_out, true, error, |c| {
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let project = unsafe { required_str(project_id, "project_id")? };
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let config = unsafe { required_str(config_json, "config_json")? };
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let key = unsafe { optional_str(idempotency_key, "idempotency_key")? };
        Ok(async move { c.train_with_key(project, config, key).await })
    })
}

/// Submits a generation job from trained model `model_id`: `num_rows` rows (0 = not given)
/// and/or `config_json`, a generation config as a JSON object (NULL = not given); at least
/// one of them. Idempotent and retried like hazy_train. Writes the job to `*job_out` (free it
/// with hazy_job_free); hazy_job_wait waits for the rows.
/// Statuses as for hazy_train; HAZY_STATUS_NOT_FOUND for an unknown model.
#[no_mangle]
pub unsafe extern "C" fn hazy_generate(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    model_id: *const c_char,
    num_rows: u64,
    config_json: *const c_char,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    hazy_generate_with_key(client, project_id, model_id, num_rows, config_json, std::ptr::null(), job_out, error)
}

/// As hazy_generate, under the caller's Idempotency-Key (NULL generates one); see
/// hazy_train_with_key.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn hazy_generate_with_key(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    model_id: *const c_char,
    num_rows: u64,
    config_json: *const c_char,
    idempotency_key: *const c_char,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    fetch_job(client, job_out, true, error, |c| {
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let project = unsafe { required_str(project_id, "project_id")? };
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let model = unsafe { required_str(model_id, "model_id")? };
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let config = unsafe { optional_str(config_json, "config_json")? };
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let key = unsafe { optional_str(idempotency_key, "idempotency_key")? };
        Ok(async move { c.generate_with_key(project, model, (num_rows > 0).then_some(num_rows), config, key).await })
    })
}

/// Fetches the current state of job `job_id` into `*job_out` (a snapshot: it does not change
/// as the job runs; free it with hazy_job_free). Statuses as for hazy_train;
/// HAZY_STATUS_NOT_FOUND for an unknown job.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_get(
    client: *mut hazy_client_t,
    job_id: *const c_char,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    fetch_job(client, job_out, true, error, |c| {
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let id = unsafe { required_str(job_id, "job_id")? };
        Ok(async move { c.job(id).await })
    })
}

/// Cancels job `job_id`. Idempotent: a job that already finished is left as it is. When
/// `job_out` is not NULL, the job's resulting state is written there. Statuses as for
/// hazy_job_get.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_cancel(
    client: *mut hazy_client_t,
    job_id: *const c_char,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    fetch_job(client, job_out, false, error, |c| {
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let id = unsafe { required_str(job_id, "job_id")? };
        Ok(async move { c.cancel_job(id).await })
    })
}

/// Waits until job `job_id` finishes, polling every `poll_interval_ms` (an option). Blocks the
/// calling thread.
///  - `timeout_ms`: give up after this long; 0 waits without limit.
///  - `progress` (may be NULL): called after every poll; see hazy_progress_fn.
///  - `cancel` (may be NULL): cancelling it from another thread ends the wait promptly.
///  - `job_out` (may be NULL): receives the succeeded job.
///
/// Returns HAZY_STATUS_OK when the job succeeded; HAZY_STATUS_JOB_FAILED with the Hub's
/// reason in the message; HAZY_STATUS_CANCELLED when the job was cancelled, the token was
/// cancelled or the callback asked to stop; HAZY_STATUS_TIMEOUT; or any status of
/// hazy_job_get. Leaving the wait never cancels the job on the Hub: use hazy_job_cancel.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_wait(
    client: *mut hazy_client_t,
    job_id: *const c_char,
    timeout_ms: u64,
    progress: hazy_progress_fn,
    userdata: *mut c_void,
    cancel: *const hazy_cancel_token_t,
    job_out: *mut *mut hazy_job_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        let c = hazy_client_t::get(client)?;
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let id = unsafe { required_str(job_id, "job_id")? };
        let options = WaitOptions {
            timeout: (timeout_ms > 0).then(|| std::time::Duration::from_millis(timeout_ms)),
            // SAFETY: NULL or a live object this library handed out (the header's contract).
            cancel: unsafe { cancel.as_ref() }.map(|t| t.token.clone()),
        };
        let job = wait_for_job(&c, id, &options, |job| match progress {
            Some(callback) => {
                let snapshot = hazy_job_t::from(job.clone());
                // SAFETY: the caller's callback, given a snapshot that lives for the call and its own userdata.
                unsafe { callback(&snapshot, userdata) == 0 }
            }
            None => true,
        })?;
        if !job_out.is_null() {
            // SAFETY: the out-parameter was checked non-NULL; it is writable (the header's contract).
            unsafe { write_box(job_out, hazy_job_t::from(job)) };
        }
        Ok(())
    })
}

fn job<'a>(p: *const hazy_job_t) -> Option<&'a hazy_job_t> {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    unsafe { p.as_ref() }
}

/// The job's id. Borrowed from `job`; "" when `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_id(job: *const hazy_job_t) -> *const c_char {
    guard_value(c"".as_ptr(), || self::job(job).map_or(c"".as_ptr(), |j| j.id.as_ptr()))
}

/// The job's project id. Borrowed from `job`; "" when `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_project_id(job: *const hazy_job_t) -> *const c_char {
    guard_value(c"".as_ptr(), || self::job(job).map_or(c"".as_ptr(), |j| j.project_id.as_ptr()))
}

/// The job's kind: "train" or "generate" ("other" for a kind this version does not know).
/// Borrowed; "" when `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_kind(job: *const hazy_job_t) -> *const c_char {
    guard_value(c"".as_ptr(), || self::job(job).map_or(c"".as_ptr(), |j| j.kind.as_ptr()))
}

/// The job's state; HAZY_STATE_UNKNOWN when `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_state(job: *const hazy_job_t) -> JobState {
    guard_value(JobState::Unknown, || self::job(job).map_or(JobState::Unknown, |j| j.job.state))
}

/// The state exactly as the Hub sent it, e.g. "SUCCEEDED" or "archived": what
/// hazy_job_state made of it is HAZY_STATE_UNKNOWN when this version of libhazy does not know
/// the word. Borrowed from `job`; "" when `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_raw_state(job: *const hazy_job_t) -> *const c_char {
    guard_value(c"".as_ptr(), || self::job(job).map_or(c"".as_ptr(), |j| j.raw_state.as_ptr()))
}

/// Progress from 0.0 to 1.0; 0.0 when `job` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_progress(job: *const hazy_job_t) -> f64 {
    guard_value(0.0, || self::job(job).map_or(0.0, |j| j.job.progress))
}

/// For a succeeded train job, the id of the trained model; for a generation job, its
/// source model; otherwise NULL. Borrowed from `job`.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_model_id(job: *const hazy_job_t) -> *const c_char {
    guard_value(std::ptr::null(), || self::job(job).map_or(std::ptr::null(), |j| c_ptr(&j.model_id)))
}

/// For a failed job, the Hub's reason; otherwise NULL. Borrowed from `job`.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_failure_reason(job: *const hazy_job_t) -> *const c_char {
    guard_value(std::ptr::null(), || self::job(job).map_or(std::ptr::null(), |j| c_ptr(&j.failure_reason)))
}

/// For a generation job, where the Hub writes the generated rows (a URI such as
/// `s3://bucket/synthetic/` or `file:///data/out/`): the generation config's
/// `output_location`, or the Hub's default place when the config names none. NULL for a
/// train job, for a Hub that does not say, and when `job` is NULL. Borrowed from `job`.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_output_location(job: *const hazy_job_t) -> *const c_char {
    guard_value(std::ptr::null(), || self::job(job).map_or(std::ptr::null(), |j| c_ptr(&j.output_location)))
}

/// Frees a job snapshot. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_free(job: *mut hazy_job_t) {
    // SAFETY: NULL or an object this library handed out, freed once (the header's contract).
    guard_value((), || unsafe { free_box(job) })
}
