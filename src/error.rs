//! The error type of the Rust API, mirrored one-to-one by the C `hazy_error_t`.

use std::fmt;

use crate::redact::Redactor;
use crate::status::Status;

/// An error with everything a caller needs to decide what to do next.
///
/// Messages never contain secrets or tokens: they are built from identifiers (client id,
/// user name, URL) and from server-provided text, which is scrubbed by a
/// [`Redactor`](crate::redact::Redactor) as it comes in, before anything cuts it to length.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
    http_status: u16,
    /// Boxed: most errors have none of it, and a small error keeps `Result`s small.
    detail: Box<Detail>,
}

#[derive(Clone, Default, PartialEq, Eq)]
struct Detail {
    oauth_error: Option<String>,
    oauth_description: Option<String>,
    field: Option<String>,
    /// The `Idempotency-Key` of a failed submission: resubmitting with it cannot create a
    /// second job, even from another process.
    idempotency_key: Option<String>,
    /// The `X-Request-ID` of the exchange that failed: the server's echo if it sent one, else
    /// ours. Quote it to whoever runs the Hub or Keycloak to find the request in their logs.
    request_id: Option<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

/// Cuts caller-provided text before echoing it in a message, on a char boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

const MAX_MESSAGE: usize = 2048;

impl Error {
    /// What every call of a closed client returns, whichever layer notices the close first.
    pub(crate) fn closed() -> Error {
        Error::new(Status::Closed, "the client was closed")
    }

    pub fn new(status: Status, message: impl Into<String>) -> Error {
        let mut message = message.into();
        // Messages quote caller input (ids, URLs); a megabyte-long id must not make a
        // megabyte-long message. Server text in them was scrubbed and cut before.
        if let Some((end, _)) = message.char_indices().nth(MAX_MESSAGE) {
            message.truncate(end);
            message.push_str("...");
        }
        Error {
            status,
            message,
            http_status: 0,
            detail: Box::default(),
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(Status::InvalidArgument, message)
    }

    pub fn protocol(message: impl Into<String>) -> Error {
        Error::new(Status::Protocol, message)
    }

    pub fn with_http_status(mut self, status: u16) -> Error {
        self.http_status = status;
        self
    }

    /// The same error with its message rewritten by `f`.
    pub(crate) fn with_message(mut self, f: impl FnOnce(&str) -> String) -> Error {
        self.message = f(&self.message);
        self
    }

    pub fn with_oauth(mut self, error: Option<String>, description: Option<String>) -> Error {
        self.detail.oauth_error = error;
        self.detail.oauth_description = description;
        self
    }

    pub fn with_field(mut self, field: Option<String>) -> Error {
        self.detail.field = field;
        self
    }

    pub fn with_idempotency_key(mut self, key: &str) -> Error {
        self.detail.idempotency_key = Some(key.to_owned());
        self
    }

    /// Sets the request id unless a deeper layer already did (a token request's id stays on
    /// the error of the Hub call that needed the token).
    pub fn with_request_id(mut self, id: &str) -> Error {
        if self.detail.request_id.is_none() {
            self.detail.request_id = Some(id.to_owned());
        }
        self
    }

    /// Scrubs every text field once more, as a last line of defence: server text was
    /// already scrubbed whole when it came in.
    pub(crate) fn redact(mut self, redactor: &Redactor) -> Error {
        self.message = redactor.scrub(&self.message);
        for s in [&mut self.detail.oauth_error, &mut self.detail.oauth_description, &mut self.detail.field, &mut self.detail.request_id].into_iter().flatten() {
            *s = redactor.scrub(s);
        }
        self
    }

    pub fn status(&self) -> Status {
        self.status
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The HTTP status of the response that caused the error, 0 when there was none.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
    /// The OAuth `error` code from Keycloak, e.g. `invalid_client`.
    pub fn oauth_error(&self) -> Option<&str> {
        self.detail.oauth_error.as_deref()
    }
    /// The OAuth `error_description` from Keycloak.
    pub fn oauth_description(&self) -> Option<&str> {
        self.detail.oauth_description.as_deref()
    }
    /// The offending field (validation) or the missing scope (forbidden).
    pub fn field(&self) -> Option<&str> {
        self.detail.field.as_deref()
    }
    /// The `Idempotency-Key` a failed submission used (generated or given); None for other
    /// calls. Resubmit with it to get the job the Hub may have created after all.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.detail.idempotency_key.as_deref()
    }
    /// The request id of the failed exchange (see `with_request_id`); None when the call
    /// failed before anything was sent.
    pub fn request_id(&self) -> Option<&str> {
        self.detail.request_id.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.name(), self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("status", &self.status).field("message", &self.message);
        if self.http_status != 0 {
            d.field("http_status", &self.http_status);
        }
        if let Some(e) = &self.detail.oauth_error {
            d.field("oauth_error", e);
        }
        if let Some(e) = &self.detail.field {
            d.field("field", e);
        }
        if let Some(k) = &self.detail.idempotency_key {
            d.field("idempotency_key", k);
        }
        if let Some(r) = &self.detail.request_id {
            d.field("request_id", r);
        }
        d.finish()
    }
}

impl std::error::Error for Error {}
