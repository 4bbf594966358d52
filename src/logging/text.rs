//! The one-line text form of a record, used by the standard-error and file sinks and the CLI:
//! a timestamp, the level, the event, the message, then `key=value` fields, so that a line
//! can be read by a person and cut by `grep`/`awk` alike.

use std::fmt::Write;
use std::time::SystemTime;

use super::Record;

/// `2026-12-07T13:01:02.345Z libhazy DEBUG http.exchange: GET /api/v1/jobs/j1 200 status=200 ...`
pub fn format_line(record: &Record, at: SystemTime) -> String {
    let mut line = format!(
        "{} libhazy {} {}: {}",
        humantime::format_rfc3339_millis(at),
        record.level().name().to_ascii_uppercase(),
        record.event,
        one_line(&record.message),
    );
    let mut field = |key: &str, value: &dyn std::fmt::Display| {
        let _ = write!(line, " {key}={value}");
    };
    if let Some(m) = &record.method {
        field("method", m);
    }
    if let Some(u) = &record.url {
        field("url", u);
    }
    if record.http_status != 0 {
        field("status", &record.http_status);
    }
    if record.attempt != 0 {
        field("attempt", &record.attempt);
    }
    if let Some(d) = record.delay_ms {
        field("delay_ms", &d);
    }
    if let Some(e) = record.elapsed_ms {
        field("elapsed_ms", &e);
    }
    if let Some(j) = &record.job_id {
        field("job_id", j);
    }
    if let Some(r) = &record.request_id {
        field("request_id", r);
    }
    if let Some(t) = &record.trace_id {
        field("trace_id", t);
    }
    if let Some(s) = &record.span_id {
        field("span_id", s);
    }
    line
}

/// Server text can hold line breaks; one event stays one line.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        text.replace(['\n', '\r'], " ").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::LogLevel;

    #[test]
    fn a_record_is_one_greppable_line() {
        let record = Record {
            level: Some(LogLevel::Warn),
            event: "retry",
            message: "HTTP 503\nfrom the Hub".into(),
            http_status: 503,
            attempt: 1,
            delay_ms: Some(1000),
            request_id: Some("r-1".into()),
            ..Record::default()
        };
        let line = format_line(&record, SystemTime::UNIX_EPOCH);
        assert_eq!(
            line,
            "1970-01-01T00:00:00.000Z libhazy WARN retry: HTTP 503 from the Hub status=503 attempt=1 delay_ms=1000 request_id=r-1"
        );
    }
}
