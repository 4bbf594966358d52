//! The log callback of the C API (`hazy_options_set_log_callback`) and the record it receives.

use std::cell::Cell;
use std::ffi::{c_char, c_void, CString};

use super::boundary::{c_ptr, c_string, guard_value, required_ptr};
use super::error::{guard, hazy_error_t};
use super::options::hazy_options_t;
use crate::error::{Error, Result};
use crate::logging::{LogLevel, Record, Sink};
use crate::status::Status;

/// One log event, valid only during the callback that receives it: copy what you keep. Every
/// string in it has been scrubbed of secrets and tokens.
pub struct hazy_log_record_t {
    level: LogLevel,
    event: CString,
    message: CString,
    method: Option<CString>,
    url: Option<CString>,
    http_status: u16,
    attempt: u32,
    delay_ms: Option<u64>,
    elapsed_ms: Option<u64>,
    request_id: Option<CString>,
    job_id: Option<CString>,
    trace_id: Option<CString>,
    span_id: Option<CString>,
}

impl From<&Record> for hazy_log_record_t {
    fn from(r: &Record) -> hazy_log_record_t {
        let opt = |s: &Option<String>| s.as_deref().map(c_string);
        hazy_log_record_t {
            level: r.level(),
            event: c_string(r.event),
            message: c_string(&r.message),
            method: opt(&r.method),
            url: opt(&r.url),
            http_status: r.http_status,
            attempt: r.attempt,
            delay_ms: r.delay_ms,
            elapsed_ms: r.elapsed_ms,
            request_id: opt(&r.request_id),
            job_id: opt(&r.job_id),
            trace_id: opt(&r.trace_id),
            span_id: opt(&r.span_id),
        }
    }
}

/// Receives log records: `record` is valid until the callback returns; `userdata` is what was
/// passed to hazy_options_set_log_callback.
///
/// It is called on the thread that made the event (the thread inside a hazy_* call, or the
/// one calling hazy_client_new), possibly on several threads at once, so it must be
/// thread-safe. It may use any function that does not take a hazy_client_t (record getters,
/// hazy_status_name, ...); functions that take a client return HAZY_STATUS_INVALID_STATE when
/// called from it, rather than deadlock. The call that made the event waits for the callback:
/// keep it short, or hand the record's contents to a queue.
pub type hazy_log_fn = Option<unsafe extern "C" fn(record: *const hazy_log_record_t, userdata: *mut c_void)>;

thread_local! {
    /// Set while this thread runs a log callback: calls into a client are refused then.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Refuses a client call made from inside a log callback on this thread.
pub(crate) fn check_not_in_callback() -> Result<()> {
    if IN_CALLBACK.with(Cell::get) {
        return Err(Error::new(
            Status::InvalidState,
            "a libhazy client function was called from inside a log callback; \
             log callbacks may only read the record (see hazy_log_fn)",
        ));
    }
    Ok(())
}

struct CallbackSink {
    callback: unsafe extern "C" fn(*const hazy_log_record_t, *mut c_void),
    userdata: *mut c_void,
    level: LogLevel,
}

// SAFETY: the header requires the callback and its userdata to be usable from any thread
// (hazy_log_fn's documentation); the library only passes the pointer back.
unsafe impl Send for CallbackSink {}
// SAFETY: as above.
unsafe impl Sync for CallbackSink {}

impl Sink for CallbackSink {
    fn level(&self) -> LogLevel {
        self.level
    }

    fn write(&self, record: &Record) {
        let c_record = hazy_log_record_t::from(record);
        let was = IN_CALLBACK.with(|f| f.replace(true));
        // SAFETY: a function pointer the caller registered, called with a record that lives
        // until it returns and the caller's own userdata.
        unsafe { (self.callback)(&c_record, self.userdata) };
        IN_CALLBACK.with(|f| f.set(was));
    }
}

/// Sends the log records of clients made from `options` to `callback`, for events at
/// `min_level` and more severe (HAZY_LOG_LEVEL_ERROR the least, HAZY_LOG_LEVEL_TRACE the
/// most). A NULL callback or HAZY_LOG_LEVEL_OFF removes it. See hazy_log_fn for the thread
/// and re-entry rules. Independent of HAZY_LOG and HAZY_LOG_FILE, which still apply.
///
/// Returns HAZY_STATUS_OK, or HAZY_STATUS_INVALID_ARGUMENT for NULL options or a level that
/// is not a hazy_log_level.
#[no_mangle]
pub unsafe extern "C" fn hazy_options_set_log_callback(
    options: *mut hazy_options_t,
    callback: hazy_log_fn,
    userdata: *mut c_void,
    min_level: i32,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        required_ptr(options, "options")?;
        let level = LogLevel::from_i32(min_level)
            .ok_or_else(|| Error::invalid_argument(format!("min_level {min_level} is not a hazy_log_level (0 to 5)")))?;
        // SAFETY: checked non-NULL above; options are filled from one thread (the header's contract).
        let options = unsafe { &mut *options };
        options.log_callback = match (callback, level > LogLevel::Off) {
            (Some(callback), true) => Some(std::sync::Arc::new(CallbackSink { callback, userdata, level })),
            _ => None,
        };
        Ok(())
    })
}

/// The name of a `hazy_log_level` in lower case: "off", "error", "warn", "info", "debug" or
/// "trace"; "unknown" for a value that is not a level. Static: never free it.
#[no_mangle]
pub extern "C" fn hazy_log_level_name(level: i32) -> *const c_char {
    static NAMES: [&std::ffi::CStr; 6] = [c"off", c"error", c"warn", c"info", c"debug", c"trace"];
    guard_value(c"unknown".as_ptr(), || LogLevel::from_i32(level).map_or(c"unknown".as_ptr(), |l| NAMES[l as usize].as_ptr()))
}

// Getters are written out, not made by a macro: cbindgen does not expand macros.

/// The record's level; HAZY_LOG_LEVEL_OFF for NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_level(record: *const hazy_log_record_t) -> LogLevel {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(LogLevel::Off, || unsafe { record.as_ref() }.map_or(LogLevel::Off, |r| r.level))
}

/// A stable dotted event name, e.g. "http.exchange", "retry", "token.granted"; see the
/// README's "Logging and tracing". Never NULL ("" for NULL).
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_event(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(c"".as_ptr(), || unsafe { record.as_ref() }.map_or(c"".as_ptr(), |r| r.event.as_ptr()))
}

/// The human-readable message, scrubbed of secrets. Never NULL ("" for NULL).
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_message(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(c"".as_ptr(), || unsafe { record.as_ref() }.map_or(c"".as_ptr(), |r| r.message.as_ptr()))
}

/// The HTTP method of the exchange, e.g. "POST"; NULL when the event is not an exchange.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_method(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(std::ptr::null(), || unsafe { record.as_ref() }.map_or(std::ptr::null(), |r| c_ptr(&r.method)))
}

/// The URL of the exchange without query string or user info; NULL if none.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_url(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(std::ptr::null(), || unsafe { record.as_ref() }.map_or(std::ptr::null(), |r| c_ptr(&r.url)))
}

/// The HTTP status of the response; 0 when there was none.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_http_status(record: *const hazy_log_record_t) -> u16 {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(0, || unsafe { record.as_ref() }.map_or(0, |r| r.http_status))
}

/// The attempt number within the call's retries, from 1; 0 when not an attempt.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_attempt(record: *const hazy_log_record_t) -> u32 {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(0, || unsafe { record.as_ref() }.map_or(0, |r| r.attempt))
}

/// The delay before the next attempt in milliseconds (retry events); -1 if none.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_delay_ms(record: *const hazy_log_record_t) -> i64 {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(-1, || unsafe { record.as_ref() }.map_or(-1, |r| r.delay_ms.map_or(-1, |d| d.min(i64::MAX as u64) as i64)))
}

/// How long the exchange (or wait) took in milliseconds; -1 if not measured.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_elapsed_ms(record: *const hazy_log_record_t) -> i64 {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(-1, || unsafe { record.as_ref() }.map_or(-1, |r| r.elapsed_ms.map_or(-1, |d| d.min(i64::MAX as u64) as i64)))
}

/// The X-Request-ID of the exchange (the server's echo if it sent one); NULL if none.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_request_id(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(std::ptr::null(), || unsafe { record.as_ref() }.map_or(std::ptr::null(), |r| c_ptr(&r.request_id)))
}

/// The job the event is about; NULL if none.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_job_id(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(std::ptr::null(), || unsafe { record.as_ref() }.map_or(std::ptr::null(), |r| c_ptr(&r.job_id)))
}

/// The W3C trace id (32 hex digits) of the call the event belongs to; NULL outside a call.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_trace_id(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(std::ptr::null(), || unsafe { record.as_ref() }.map_or(std::ptr::null(), |r| c_ptr(&r.trace_id)))
}

/// The span id (16 hex digits) of the HTTP attempt, as sent in its traceparent; NULL if
/// the event is not about one attempt.
#[no_mangle]
pub unsafe extern "C" fn hazy_log_record_span_id(record: *const hazy_log_record_t) -> *const c_char {
    // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
    guard_value(std::ptr::null(), || unsafe { record.as_ref() }.map_or(std::ptr::null(), |r| c_ptr(&r.span_id)))
}
