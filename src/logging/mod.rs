//! What the library says about itself: leveled, structured events, scrubbed of secrets, handed
//! to the sinks a client was configured with (a C callback, `HAZY_LOG` on standard error,
//! `HAZY_LOG_FILE`).
//!
//! A client without sinks has a logger whose level is `Off`: every `emit` is one comparison and
//! builds nothing, so logging costs nothing unless someone listens.
//!
//! Sinks are called on the thread that made the event, with no lock of the library held, so a
//! slow sink delays only that thread's call. The one exception is the token endpoint: while one
//! thread fetches a token for a client, others that need one wait for it (the single flight),
//! and so wait on that thread's sink too.

mod env;
mod text;

use std::sync::{Arc, Mutex};

use crate::redact::Redactor;

pub use env::from_env;
pub use text::format_line;

/// How much a sink wants to hear. Part of the C ABI (`hazy_log_level`): never renumbered.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Nothing (only as a minimum level).
    Off = 0,
    /// A call failed: its status, message and request id.
    Error = 1,
    /// Something went wrong and the library coped: a retry, a rejected token, an unsafe setting.
    Warn = 2,
    /// What a call did: tokens granted, 401 replays, job state changes, TLS and proxy choices.
    Info = 3,
    /// Every HTTP exchange and token request.
    Debug = 4,
    /// Waits and decisions inside the token cache.
    Trace = 5,
}

impl LogLevel {
    pub const ALL: [LogLevel; 6] =
        [LogLevel::Off, LogLevel::Error, LogLevel::Warn, LogLevel::Info, LogLevel::Debug, LogLevel::Trace];

    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    pub fn parse(name: &str) -> Option<LogLevel> {
        let name = name.trim().to_ascii_lowercase();
        LogLevel::ALL.into_iter().find(|l| l.name() == name || (name == "warning" && *l == LogLevel::Warn))
    }

    pub fn from_i32(value: i32) -> Option<LogLevel> {
        LogLevel::ALL.into_iter().find(|l| *l as i32 == value)
    }
}

/// One event. Every string in it has been scrubbed by the logger's redactor before a sink sees
/// it; numbers are 0 (or None) when they do not apply.
#[derive(Clone, Debug, Default)]
pub struct Record {
    pub level: Option<LogLevel>,
    /// A stable dotted name, e.g. `http.exchange`, `retry`, `token.granted`.
    pub event: &'static str,
    pub message: String,
    pub method: Option<String>,
    /// Scheme, host, port and path: never the query string.
    pub url: Option<String>,
    pub http_status: u16,
    /// The attempt number within a call's retries, from 1; 0 when not an attempt.
    pub attempt: u32,
    pub delay_ms: Option<u64>,
    pub elapsed_ms: Option<u64>,
    pub request_id: Option<String>,
    pub job_id: Option<String>,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
}

impl Record {
    pub fn level(&self) -> LogLevel {
        self.level.unwrap_or(LogLevel::Info)
    }
    pub fn method(mut self, method: &str) -> Record {
        self.method = Some(method.to_owned());
        self
    }
    pub fn url(mut self, url: &reqwest::Url) -> Record {
        self.url = Some(without_query(url));
        self
    }
    pub fn status(mut self, status: u16) -> Record {
        self.http_status = status;
        self
    }
    pub fn attempt(mut self, attempt: u32) -> Record {
        self.attempt = attempt;
        self
    }
    pub fn delay(mut self, delay: std::time::Duration) -> Record {
        self.delay_ms = Some(delay.as_millis() as u64);
        self
    }
    pub fn elapsed(mut self, elapsed: std::time::Duration) -> Record {
        self.elapsed_ms = Some(elapsed.as_millis() as u64);
        self
    }
    pub fn request_id(mut self, id: Option<&str>) -> Record {
        self.request_id = id.map(str::to_owned);
        self
    }
    pub fn job_id(mut self, id: &str) -> Record {
        self.job_id = Some(id.to_owned());
        self
    }
    pub fn span(mut self, span: &crate::trace::Span) -> Record {
        self.trace_id = Some(span.trace_id());
        self.span_id = Some(span.span_id());
        self
    }

    fn scrub(mut self, redactor: &Redactor) -> Record {
        self.message = redactor.scrub(&self.message);
        // `method` is always reqwest's own method name: nothing to scrub.
        for field in [&mut self.url, &mut self.request_id, &mut self.job_id].into_iter().flatten() {
            *field = redactor.scrub(field);
        }
        self
    }
}

/// A URL as it may be logged: no query string (it may carry codes or keys), no user or
/// password.
pub fn without_query(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// Where records go.
pub trait Sink: Send + Sync {
    /// The most detailed level this sink wants.
    fn level(&self) -> LogLevel;
    /// Called on the thread that made the event; must not call back into the client.
    fn write(&self, record: &Record);
}

/// The sinks of one client, and the secrets to scrub from everything sent to them.
#[derive(Default)]
pub struct Logger {
    /// The most detailed level any sink wants: the one check on the hot path.
    level: Option<LogLevel>,
    sinks: Vec<Arc<dyn Sink>>,
    secrets: Mutex<Redactor>,
}

impl Logger {
    pub fn new(sinks: Vec<Arc<dyn Sink>>) -> Logger {
        let level = sinks.iter().map(|s| s.level()).max().filter(|l| *l > LogLevel::Off);
        Logger { level, sinks, secrets: Mutex::new(Redactor::new()) }
    }

    /// Whether an event at `level` would reach any sink.
    #[inline]
    pub fn enabled(&self, level: LogLevel) -> bool {
        self.level.is_some_and(|max| level <= max)
    }

    /// Replaces the secrets scrubbed from records (the credentials and current tokens), so
    /// that the set never grows over a long-running process's token refreshes.
    pub fn set_secrets(&self, redactor: Redactor) {
        if self.level.is_some() {
            *self.secrets.lock().unwrap_or_else(|p| p.into_inner()) = redactor;
        }
    }

    /// Builds the record only when some sink wants it. The message is made by `message`, so a
    /// disabled event formats nothing.
    #[inline]
    pub fn emit(
        &self,
        level: LogLevel,
        event: &'static str,
        message: impl FnOnce() -> String,
        fields: impl FnOnce(Record) -> Record,
    ) {
        if !self.enabled(level) {
            return;
        }
        self.deliver(fields(Record { level: Some(level), event, message: message(), ..Record::default() }));
    }

    #[cold]
    fn deliver(&self, record: Record) {
        let mut record = {
            let secrets = self.secrets.lock().unwrap_or_else(|p| p.into_inner());
            record.scrub(&secrets)
        };
        if record.trace_id.is_none() {
            if let Some(span) = crate::trace::current_call() {
                record.trace_id = Some(span.trace_id());
            }
        }
        let level = record.level();
        for sink in &self.sinks {
            if level <= sink.level() {
                sink.write(&record);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Capture(LogLevel, Mutex<Vec<Record>>, AtomicUsize);
    impl Sink for Capture {
        fn level(&self) -> LogLevel {
            self.0
        }
        fn write(&self, record: &Record) {
            self.2.fetch_add(1, Ordering::SeqCst);
            self.1.lock().unwrap().push(record.clone());
        }
    }

    #[test]
    fn without_sinks_nothing_is_built() {
        let logger = Logger::default();
        let mut built = false;
        logger.emit(LogLevel::Error, "x", || { built = true; String::new() }, |r| r);
        assert!(!built);
        assert!(!logger.enabled(LogLevel::Error));
    }

    #[test]
    fn each_sink_gets_its_levels_and_secrets_are_scrubbed() {
        let quiet = Arc::new(Capture(LogLevel::Warn, Mutex::default(), AtomicUsize::new(0)));
        let loud = Arc::new(Capture(LogLevel::Trace, Mutex::default(), AtomicUsize::new(0)));
        let logger = Logger::new(vec![quiet.clone(), loud.clone()]);
        let mut secrets = Redactor::new();
        secrets.add_secret("CANARY-42-secret");
        logger.set_secrets(secrets);
        logger.emit(LogLevel::Debug, "a", || "sent CANARY-42-secret and password=hunter2".into(), |r| r.job_id("CANARY-42-secret"));
        logger.emit(LogLevel::Warn, "b", || "retrying".into(), |r| r.attempt(2));
        assert_eq!(quiet.2.load(Ordering::SeqCst), 1);
        let all = loud.1.lock().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].message, "sent *** and password=***");
        assert_eq!(all[0].job_id.as_deref(), Some("***"));
        assert_eq!((all[1].event, all[1].attempt), ("b", 2));
    }

    #[test]
    fn logged_urls_lose_query_and_userinfo() {
        let url = reqwest::Url::parse("https://u:p@hub.example.com:8443/api/v1/jobs?page_token=abc#f").unwrap();
        assert_eq!(without_query(&url), "https://hub.example.com:8443/api/v1/jobs");
    }

    #[test]
    fn levels_parse_by_name() {
        assert_eq!(LogLevel::parse(" DEBUG "), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("warning"), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse("loud"), None);
    }
}
