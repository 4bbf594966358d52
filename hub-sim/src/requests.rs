//! A bounded log of the requests received, with the correlation headers they carried
//! (`X-Request-ID`, `traceparent`), so tests can assert what a client really sent: counts
//! alone cannot show that every attempt of a retried call carried its own id but the same
//! trace. Of the headers only those two and `User-Agent` are kept: a log that tests read
//! back over unauthenticated HTTP must never hold a token.

use std::collections::{HashMap, VecDeque};

use axum::http::{header, HeaderMap, HeaderName};
use serde::{Serialize, Serializer};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// How a request ended, as the stderr access log puts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered(u16),
    /// The connection went away instead of an answer: a `drop` fault, or the client hung up.
    Dropped,
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Outcome::Answered(status) => s.serialize_u16(*status),
            Outcome::Dropped => s.serialize_str("dropped"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub route: String,
    /// None while the request is still being processed (e.g. held by a `latency` fault).
    pub status: Option<Outcome>,
    pub request_id: Option<String>,
    pub traceparent: Option<String>,
    pub user_agent: Option<String>,
    pub project_id: Option<String>,
}

/// The first value of a header, as text. Lossy rather than absent for non-UTF-8 bytes, so
/// that a test can see a client sent something malformed.
pub fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Which entries a listing returns; the conditions given must all hold.
#[derive(Debug, Default)]
pub struct Filter {
    user_agent: Option<String>,
    project_id: Option<String>,
    trace_id: Option<String>,
}

impl Filter {
    /// Unknown parameters are refused: a misspelt filter would otherwise list everything
    /// and let an assertion pass or fail for the wrong reason.
    pub fn from_query(q: &HashMap<String, String>) -> Result<Filter, String> {
        let mut f = Filter::default();
        for (name, value) in q {
            match name.as_str() {
                "user_agent" => f.user_agent = Some(value.clone()),
                "project_id" => f.project_id = Some(value.clone()),
                "trace_id" => {
                    // W3C trace context allows lowercase hex only.
                    let valid = value.len() == 32
                        && value
                            .bytes()
                            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                    if !valid {
                        return Err("trace_id must be 32 lowercase hex digits".into());
                    }
                    f.trace_id = Some(value.clone());
                }
                other => {
                    return Err(format!(
                        "unknown parameter {other}; filters are user_agent, project_id, trace_id"
                    ))
                }
            }
        }
        Ok(f)
    }

    fn matches(&self, e: &Entry) -> bool {
        let same = |want: &Option<String>, have: &Option<String>| {
            want.is_none() || want.as_deref() == have.as_deref()
        };
        let trace = self.trace_id.as_deref().is_none_or(|want| {
            // traceparent is version-traceid-parentid-flags.
            e.traceparent.as_deref().and_then(|tp| tp.split('-').nth(1)) == Some(want)
        });
        same(&self.user_agent, &e.user_agent) && same(&self.project_id, &e.project_id) && trace
    }
}

/// The last `capacity` entries, oldest first. Sequence numbers keep counting across
/// `clear`, so a request still in flight during a reset cannot complete a newer entry.
#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    next_seq: u64,
    entries: VecDeque<Entry>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        RequestLog {
            capacity,
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    /// Records a request on arrival and returns its sequence number, to `finish` it with.
    pub fn begin(
        &mut self,
        method: &str,
        path: &str,
        route: &str,
        headers: &HeaderMap,
        project_id: Option<&str>,
    ) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push_back(Entry {
            seq,
            method: method.to_owned(),
            path: path.to_owned(),
            route: route.to_owned(),
            status: None,
            request_id: header_text(headers, &REQUEST_ID),
            traceparent: header_text(headers, &TRACEPARENT),
            user_agent: header_text(headers, &header::USER_AGENT),
            project_id: project_id.map(str::to_owned),
        });
        while self.entries.len() > self.capacity {
            self.entries.pop_front();
        }
        seq
    }

    /// Sets the outcome of an entry still in the log; the first outcome set stays.
    pub fn finish(&mut self, seq: u64, outcome: Outcome) {
        // Entries are pushed in sequence order and only ever leave from the front or all
        // at once, so their sequence numbers are contiguous.
        let Some(first) = self.entries.front().map(|e| e.seq) else {
            return;
        };
        let Some(i) = seq.checked_sub(first) else {
            return;
        };
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.status.get_or_insert(outcome);
        }
    }

    pub fn list(&self, filter: &Filter) -> Vec<Entry> {
        self.entries
            .iter()
            .filter(|e| filter.matches(e))
            .cloned()
            .collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// The log sequence number of the request being processed, for a `drop` fault to record
/// its outcome before it resets the connection.
#[derive(Debug, Clone, Copy)]
pub struct Seq(pub u64);

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    #[test]
    fn keeps_only_correlation_headers_and_the_user_agent() {
        let mut log = RequestLog::new(10);
        let h = headers(&[
            ("authorization", "Bearer secret"),
            ("x-request-id", "r1"),
            ("traceparent", &format!("00-{TRACE}-00f067aa0ba902b7-01")),
            ("user-agent", "ua"),
            ("idempotency-key", "k"),
        ]);
        let seq = log.begin("POST", "/api/v1/x", "POST /api/v1/x", &h, Some("p"));
        log.finish(seq, Outcome::Answered(201));
        let json = serde_json::to_value(log.list(&Filter::default())).unwrap();
        let entry = json[0].as_object().unwrap();
        let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "method",
                "path",
                "project_id",
                "request_id",
                "route",
                "seq",
                "status",
                "traceparent",
                "user_agent"
            ]
        );
        assert!(!json.to_string().contains("secret"));
        assert_eq!(entry["status"], 201);
        assert_eq!(entry["request_id"], "r1");
    }

    #[test]
    fn first_outcome_stays_and_dropped_serializes_as_text() {
        let mut log = RequestLog::new(10);
        let seq = log.begin("GET", "/a", "GET /a", &HeaderMap::new(), None);
        log.finish(seq, Outcome::Dropped);
        log.finish(seq, Outcome::Answered(200));
        let json = serde_json::to_value(log.list(&Filter::default())).unwrap();
        assert_eq!(json[0]["status"], "dropped");
        assert!(json[0]["request_id"].is_null());
    }

    #[test]
    fn bounded_and_sequence_survives_clear() {
        let mut log = RequestLog::new(3);
        let seqs: Vec<u64> = (0..5)
            .map(|_| log.begin("GET", "/a", "GET /a", &HeaderMap::new(), None))
            .collect();
        let kept: Vec<u64> = log.list(&Filter::default()).iter().map(|e| e.seq).collect();
        assert_eq!(kept, [3, 4, 5]);
        // Evicted: nothing to finish, and no other entry is touched.
        log.finish(seqs[0], Outcome::Answered(200));
        assert!(log
            .list(&Filter::default())
            .iter()
            .all(|e| e.status.is_none()));
        log.clear();
        log.finish(seqs[4], Outcome::Answered(200));
        let seq = log.begin("GET", "/a", "GET /a", &HeaderMap::new(), None);
        assert_eq!(seq, 6);
        assert!(log.list(&Filter::default())[0].status.is_none());
    }

    #[test]
    fn filters() {
        let mut log = RequestLog::new(10);
        let tp = format!("00-{TRACE}-00f067aa0ba902b7-01");
        log.begin(
            "GET",
            "/a",
            "GET /a",
            &headers(&[("traceparent", &tp), ("user-agent", "a")]),
            Some("p1"),
        );
        log.begin(
            "GET",
            "/a",
            "GET /a",
            &headers(&[("user-agent", "a")]),
            Some("p2"),
        );
        log.begin(
            "GET",
            "/a",
            "GET /a",
            &headers(&[("traceparent", "garbage")]),
            None,
        );
        let count = |pairs: &[(&str, &str)]| {
            let q = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Filter::from_query(&q).map(|f| log.list(&f).len())
        };
        assert_eq!(count(&[]), Ok(3));
        assert_eq!(count(&[("trace_id", TRACE)]), Ok(1));
        assert_eq!(count(&[("user_agent", "a")]), Ok(2));
        assert_eq!(count(&[("user_agent", "a"), ("project_id", "p2")]), Ok(1));
        assert_eq!(count(&[("trace_id", TRACE), ("project_id", "p2")]), Ok(0));
        assert!(count(&[("trace_id", &TRACE.to_uppercase())]).is_err());
        assert!(count(&[("trace_id", "abc")]).is_err());
        assert!(count(&[("traceid", TRACE)]).is_err());
    }
}
