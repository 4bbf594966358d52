//! Status codes shared by the Rust and C APIs.
//!
//! The numbers are part of the ABI: they are never renumbered or reused. New codes are
//! appended with a fresh number.

use std::ffi::CStr;

/// The outcome of a libhazy call.
///
/// `HAZY_STATUS_OK` is 0; every other value is an error whose detail (message, HTTP status,
/// OAuth error) is in the `hazy_error_t` written to the call's `error` out-parameter.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Success.
    Ok = 0,
    /// A required pointer was NULL, a string was not UTF-8 or was empty, an option was
    /// unknown or malformed, or the client has no credentials to authenticate with (from
    /// an authenticate call or a Hub call alike). Nothing was sent.
    InvalidArgument = 1,
    /// Keycloak rejected the credentials (wrong client secret, unknown client, wrong password,
    /// disabled user, grant not allowed for the client), or the Hub still rejected the token
    /// (HTTP 401: expired, or not meant for the Hub, e.g. without the `hazy-hub-backend`
    /// audience) after one refresh and replay.
    Auth = 2,
    /// The token is valid for the Hub but lacks a scope the operation needs (HTTP 403), or
    /// Keycloak refused a requested scope (`invalid_scope`).
    Forbidden = 3,
    /// The project, job, model or realm does not exist (HTTP 404).
    NotFound = 4,
    /// The request content was refused: a training config that is not valid JSON or lacks a
    /// required field (checked locally before any request), or HTTP 400/422 from the Hub.
    Validation = 5,
    /// The server could not be reached or the connection broke (DNS, refused, reset).
    Network = 6,
    /// A connect, request or wait deadline passed.
    Timeout = 7,
    /// The TLS handshake failed (untrusted certificate, name mismatch, protocol), or a server
    /// that requires a TLS client certificate (mutual TLS) got none or refused it: in the
    /// handshake, or, as nginx with `ssl_verify_client on` does, with an HTTP 400 saying so
    /// (hazy_error_http_status is then 400). Set client_cert and client_key.
    Tls = 8,
    /// The server failed or refused service (HTTP 5xx or 429) after retries ran out.
    Server = 9,
    /// The server answered something this library does not understand: an unexpected status,
    /// a body that is not the expected JSON, or a body over the size limit.
    Protocol = 10,
    /// The caller cancelled the call (a cancel token or a progress callback), or the job was
    /// cancelled on the Hub.
    Cancelled = 11,
    /// The job ended in state `failed`; the message carries the Hub's reason.
    JobFailed = 12,
    /// A bug inside libhazy was caught at the boundary (a Rust panic). The call had no effect
    /// that can be relied on; the process is intact.
    Panic = 13,
    /// The call cannot be made in this context: from inside a libhazy runtime thread, or with
    /// a client created before `fork()` in the child process.
    InvalidState = 14,
    /// The client was closed (hazy_client_close or hazy_free): waits in progress end with it,
    /// and so does every later call on the client.
    Closed = 15,
    /// A proxy refused the request with HTTP 407 Proxy Authentication Required (on the CONNECT
    /// of an https URL, or as the answer to an http one): no credentials were set
    /// (proxy_username and proxy_password_file), or the proxy refused them, or it asks for a
    /// scheme other than Basic. The message names the proxy (scheme://host:port, never its
    /// credentials); hazy_error_http_status is 407. Not retried.
    ProxyAuth = 16,
}

impl Status {
    /// Every status, in numeric order.
    pub const ALL: [Status; 17] = [
        Status::Ok, Status::InvalidArgument, Status::Auth, Status::Forbidden, Status::NotFound,
        Status::Validation, Status::Network, Status::Timeout, Status::Tls, Status::Server,
        Status::Protocol, Status::Cancelled, Status::JobFailed, Status::Panic, Status::InvalidState,
        Status::Closed, Status::ProxyAuth,
    ];

    /// A stable, upper-case name such as `"AUTH"`, for logs and for bindings.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().expect("names are ASCII")
    }

    /// [`Status::name`] as a C string, for the C API.
    pub const fn c_name(self) -> &'static CStr {
        match self {
            Status::Ok => c"OK",
            Status::InvalidArgument => c"INVALID_ARGUMENT",
            Status::Auth => c"AUTH",
            Status::Forbidden => c"FORBIDDEN",
            Status::NotFound => c"NOT_FOUND",
            Status::Validation => c"VALIDATION",
            Status::Network => c"NETWORK",
            Status::Timeout => c"TIMEOUT",
            Status::Tls => c"TLS",
            Status::Server => c"SERVER",
            Status::Protocol => c"PROTOCOL",
            Status::Cancelled => c"CANCELLED",
            Status::JobFailed => c"JOB_FAILED",
            Status::Panic => c"PANIC",
            Status::InvalidState => c"INVALID_STATE",
            Status::Closed => c"CLOSED",
            Status::ProxyAuth => c"PROXY_AUTH",
        }
    }
}

/// The state of a job on the Hub, as libhazy understands it (`hazy_job_raw_state` has the
/// Hub's own word).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobState {
    /// The Hub reported a state this version of the library does not know.
    Unknown = 0,
    /// Accepted, not started.
    Queued = 1,
    /// Running; progress grows from 0 to 1.
    Running = 2,
    /// Finished; a train job has a model id.
    Succeeded = 3,
    /// Finished with an error; the job carries the Hub's failure reason.
    Failed = 4,
    /// Cancelled before it finished.
    Cancelled = 5,
}

impl JobState {
    /// Every state, in numeric order.
    pub const ALL: [JobState; 6] = [
        JobState::Unknown, JobState::Queued, JobState::Running,
        JobState::Succeeded, JobState::Failed, JobState::Cancelled,
    ];

    /// Parses the Hub's wire name. The Hub's states are not published, so any case is
    /// accepted, `-` and spaces count as `_`, and the usual synonyms of each state are known
    /// (`completed`, `canceled`, `error`, `pending`, `in_progress`, ...). Anything else is
    /// `Unknown`, so that a newer Hub does not break an older client; the job keeps the raw
    /// name, and `hazy_job_wait` does not wait on it for ever (crate::wait).
    pub fn from_wire(s: &str) -> JobState {
        // Normalised on the stack: read on every job the Hub returns. No known name is longer.
        let trimmed = s.trim().as_bytes();
        let mut buf = [0u8; 16];
        let Some(name) = buf.get_mut(..trimmed.len()) else { return JobState::Unknown };
        for (d, b) in name.iter_mut().zip(trimmed) {
            *d = match b {
                b'-' | b' ' => b'_',
                _ => b.to_ascii_lowercase(),
            };
        }
        match std::str::from_utf8(name).unwrap_or("") {
            "queued" | "pending" | "created" | "submitted" | "waiting" | "scheduled" | "new" | "accepted" => {
                JobState::Queued
            }
            // Cancellation requested but not done: still in progress.
            "running" | "in_progress" | "started" | "processing" | "active" | "training" | "generating"
            | "cancelling" | "canceling" => JobState::Running,
            "succeeded" | "success" | "successful" | "completed" | "complete" | "done" | "finished" => {
                JobState::Succeeded
            }
            "failed" | "failure" | "error" | "errored" => JobState::Failed,
            "cancelled" | "canceled" | "aborted" => JobState::Cancelled,
            _ => JobState::Unknown,
        }
    }

    /// The Hub's wire name (`"queued"`, ...), or `"unknown"`.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().expect("names are ASCII")
    }

    /// [`JobState::name`] as a C string, for the C API.
    pub const fn c_name(self) -> &'static CStr {
        match self {
            JobState::Unknown => c"unknown",
            JobState::Queued => c"queued",
            JobState::Running => c"running",
            JobState::Succeeded => c"succeeded",
            JobState::Failed => c"failed",
            JobState::Cancelled => c"cancelled",
        }
    }

    /// True for succeeded, failed and cancelled.
    pub const fn is_terminal(self) -> bool {
        matches!(self, JobState::Succeeded | JobState::Failed | JobState::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::JobState;

    #[test]
    fn states_parse_in_any_case_with_their_synonyms() {
        let cases = [
            ("SUCCEEDED", JobState::Succeeded),
            ("completed", JobState::Succeeded),
            (" Done ", JobState::Succeeded),
            ("canceled", JobState::Cancelled),
            ("CANCELLED", JobState::Cancelled),
            ("in-progress", JobState::Running),
            ("In Progress", JobState::Running),
            ("cancelling", JobState::Running),
            ("pending", JobState::Queued),
            ("error", JobState::Failed),
            ("archived", JobState::Unknown),
            ("", JobState::Unknown),
            // Longer than any known name, non-ASCII, and a known name with a suffix.
            ("succeeded_but_much_longer_than_any_name", JobState::Unknown),
            ("Zäh", JobState::Unknown),
            ("done\u{e9}", JobState::Unknown),
        ];
        for (wire, want) in cases {
            assert_eq!(JobState::from_wire(wire), want, "{wire:?}");
        }
    }
}
