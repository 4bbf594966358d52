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

/// The level's lowercase name ("error" ... "trace", "off"); "unknown" otherwise. Static.
#[no_mangle]
pub extern "C" fn hazy_log_level_name(level: i32) -> *const c_char {
    static NAMES: [&std::ffi::CStr; 6] = [c"off", c"error", c"warn", c"info", c"debug", c"trace"];
    guard_value(c"unknown".as_ptr(), || LogLevel::from_i32(level).map_or(c"unknown".as_ptr(), |l| NAMES[l as usize].as_ptr()))
}

macro_rules! getter {
    ($(#[$doc:meta])* $name:ident -> $ty:ty, $fallback:expr, |$r:ident| $body:expr) => {
        $(#[$doc])*
        #[no_mangle]
        pub unsafe extern "C" fn $name(record: *const hazy_log_record_t) -> $ty {
            // SAFETY: NULL or the record passed to a callback that is still running (the header's contract).
            guard_value($fallback, || unsafe { record.as_ref() }.map_or($fallback, |$r| $body))
        }
    };
}

getter!(
    /// The record's level; HAZY_LOG_LEVEL_OFF for NULL.
    hazy_log_record_level -> LogLevel, LogLevel::Off, |r| r.level);
getter!(
    /// A stable dotted event name, e.g. "http.exchange", "retry", "token.granted"; see the
    /// README's "Logging and tracing". Never NULL ("" for NULL).
    hazy_log_record_event -> *const c_char, c"".as_ptr(), |r| r.event.as_ptr());
getter!(
    /// The human-readable message, scrubbed of secrets. Never NULL ("" for NULL).
    hazy_log_record_message -> *const c_char, c"".as_ptr(), |r| r.message.as_ptr());
getter!(
    /// The HTTP method of the exchange, e.g. "POST"; NULL when the event is not an exchange.
    hazy_log_record_method -> *const c_char, std::ptr::null(), |r| c_ptr(&r.method));
getter!(
    /// The URL of the exchange without query string or user info; NULL if none.
    hazy_log_record_url -> *const c_char, std::ptr::null(), |r| c_ptr(&r.url));
getter!(
    /// The HTTP status of the response; 0 when there was none.
    hazy_log_record_http_status -> u16, 0, |r| r.http_status);
getter!(
    /// The attempt number within the call's retries, from 1; 0 when not an attempt.
    hazy_log_record_attempt -> u32, 0, |r| r.attempt);
getter!(
    /// The delay before the next attempt in milliseconds (retry events); -1 if none.
    hazy_log_record_delay_ms -> i64, -1, |r| r.delay_ms.map_or(-1, |d| d.min(i64::MAX as u64) as i64));
getter!(
    /// How long the exchange (or wait) took in milliseconds; -1 if not measured.
    hazy_log_record_elapsed_ms -> i64, -1, |r| r.elapsed_ms.map_or(-1, |d| d.min(i64::MAX as u64) as i64));
getter!(
    /// The X-Request-ID of the exchange (the server's echo if it sent one); NULL if none.
    hazy_log_record_request_id -> *const c_char, std::ptr::null(), |r| c_ptr(&r.request_id));
getter!(
    /// The job the event is about; NULL if none.
    hazy_log_record_job_id -> *const c_char, std::ptr::null(), |r| c_ptr(&r.job_id));
getter!(
    /// The W3C trace id (32 hex digits) of the call the event belongs to; NULL outside a call.
    hazy_log_record_trace_id -> *const c_char, std::ptr::null(), |r| c_ptr(&r.trace_id));
getter!(
    /// The span id (16 hex digits) of the HTTP attempt, as sent in its traceparent; NULL if
    /// the event is not about one attempt.
    hazy_log_record_span_id -> *const c_char, std::ptr::null(), |r| c_ptr(&r.span_id));

