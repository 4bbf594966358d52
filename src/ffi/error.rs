//! `hazy_error_t`, status names, version, and library-owned strings.

use std::ffi::{c_char, CString};
use std::ptr;

use zeroize::Zeroize;

use super::boundary::{c_ptr, c_string, catch, free_box, guard_value};
use crate::error::{Error, Result};
use crate::status::{JobState, Status};

/// Runs `body` (a panic becomes `Status::Panic`) and reports the outcome: on success `*error`
/// is set to NULL, on failure to a new error object (when `error` is not NULL).
pub(crate) fn guard(error: *mut *mut hazy_error_t, body: impl FnOnce() -> Result<()>) -> Status {
    match catch(body) {
        Ok(()) => {
            if !error.is_null() {
                // SAFETY: a non-NULL out-parameter is a writable slot (the header's contract).
                unsafe { *error = ptr::null_mut() };
            }
            Status::Ok
        }
        Err(e) => {
            let status = e.status();
            // The caller who passed NULL did not ask for detail: nothing is allocated.
            if !error.is_null() {
                // SAFETY: as above.
                unsafe { *error = Box::into_raw(Box::new(hazy_error_t::from(e))) };
            }
            status
        }
    }
}

/// Detail of a failed call: status, message, HTTP status, OAuth error, offending field.
/// Immutable; safe to read from any thread. Free with `hazy_error_free`.
pub struct hazy_error_t {
    status: Status,
    message: CString,
    http_status: u16,
    oauth_error: Option<CString>,
    oauth_description: Option<CString>,
    field: Option<CString>,
    idempotency_key: Option<CString>,
    request_id: Option<CString>,
}

impl From<Error> for hazy_error_t {
    fn from(e: Error) -> hazy_error_t {
        hazy_error_t {
            status: e.status(),
            message: c_string(e.message()),
            http_status: e.http_status(),
            oauth_error: e.oauth_error().map(c_string),
            oauth_description: e.oauth_description().map(c_string),
            field: e.field().map(c_string),
            idempotency_key: e.idempotency_key().map(c_string),
            request_id: e.request_id().map(c_string),
        }
    }
}

/// The status of the failed call. HAZY_STATUS_INVALID_ARGUMENT when `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_status(error: *const hazy_error_t) -> Status {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(Status::Panic, || unsafe { error.as_ref() }.map_or(Status::InvalidArgument, |e| e.status))
}

/// A human-readable message naming the cause; never contains secrets or tokens. Borrowed
/// from `error` (valid until hazy_error_free). Never NULL: "" when `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_message(error: *const hazy_error_t) -> *const c_char {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(c"".as_ptr(), || unsafe { error.as_ref() }.map_or(c"".as_ptr(), |e| e.message.as_ptr()))
}

/// The HTTP status of the response that caused the error; 0 when there was none (the call
/// failed before a response, e.g. a network error or a bad argument) or `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_http_status(error: *const hazy_error_t) -> u16 {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(0, || unsafe { error.as_ref() }.map_or(0, |e| e.http_status))
}

/// The machine-readable error code from the server: the OAuth `error` from Keycloak (e.g.
/// "invalid_client") or the Hub's problem `code` (e.g. "insufficient_scope"). NULL if none.
/// Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_oauth_error(error: *const hazy_error_t) -> *const c_char {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| c_ptr(&e.oauth_error)))
}

/// Keycloak's `error_description`; NULL if none. Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_oauth_description(error: *const hazy_error_t) -> *const c_char {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| c_ptr(&e.oauth_description)))
}

/// The offending field for HAZY_STATUS_VALIDATION (e.g. "data_schema"), or the missing
/// scope for HAZY_STATUS_FORBIDDEN (e.g. "hazy/TrainJob:create"); NULL if none. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_field(error: *const hazy_error_t) -> *const c_char {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| c_ptr(&e.field)))
}

/// The Idempotency-Key a failed hazy_train or hazy_generate (or their _with_key forms) used,
/// generated or given; NULL for other calls. The job may exist on the Hub even though the call
/// failed: resubmit with hazy_train_with_key and this key to get it rather than a second job.
/// Keep it (e.g. in a batch job's state) to do the same after a restart. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_idempotency_key(error: *const hazy_error_t) -> *const c_char {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| c_ptr(&e.idempotency_key)))
}

/// The X-Request-ID of the HTTP exchange that failed: the one the server echoed if it sent
/// one, else the one libhazy sent. Quote it to whoever runs the Hub or Keycloak: it finds the
/// request in their logs. NULL when the call failed before anything was sent (bad arguments,
/// a config refused locally). Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_request_id(error: *const hazy_error_t) -> *const c_char {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| c_ptr(&e.request_id)))
}

/// Frees an error. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_error_free(error: *mut hazy_error_t) {
    // SAFETY: NULL or an object this library handed out, freed once (the header's contract).
    guard_value((), || unsafe { free_box(error) })
}

/// The name of a `hazy_status` without its prefix, e.g. "AUTH" for HAZY_STATUS_AUTH: for
/// logs and messages. Static: never free it. "UNKNOWN" for a value that is not a status.
#[no_mangle]
pub extern "C" fn hazy_status_name(status: i32) -> *const c_char {
    guard_value(c"UNKNOWN".as_ptr(), || {
        Status::ALL.iter().find(|s| **s as i32 == status).map_or(c"UNKNOWN".as_ptr(), |s| s.c_name().as_ptr())
    })
}

/// The name of a `hazy_state` in lower case, e.g. "running" for HAZY_STATE_RUNNING;
/// "unknown" for a value that is not a state. Static: never free it.
#[no_mangle]
pub extern "C" fn hazy_state_name(state: i32) -> *const c_char {
    guard_value(c"unknown".as_ptr(), || {
        let state = JobState::ALL.iter().find(|s| **s as i32 == state).copied().unwrap_or(JobState::Unknown);
        state.c_name().as_ptr()
    })
}

/// The library version, e.g. "0.1.0"; equal to HAZY_VERSION of the header it was built
/// with. Static: never free it.
#[no_mangle]
pub extern "C" fn hazy_version() -> *const c_char {
    static VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => panic!("the version has no NUL"),
    };
    VERSION.as_ptr()
}

/// Frees a string returned by libhazy through a `char **` out-parameter. Its bytes are
/// overwritten first, since such strings can be access tokens. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_string_free(s: *mut c_char) {
    guard_value((), || {
        if !s.is_null() {
            // SAFETY: a non-NULL string came from CString::into_raw in this library and is freed once (the header's contract).
            let owned = unsafe { CString::from_raw(s) };
            // The whole allocation is wiped, then freed.
            owned.into_bytes().zeroize();
        }
    })
}
