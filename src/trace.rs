//! Request correlation: every HTTP request carries an `X-Request-ID` and a W3C `traceparent`
//! (https://www.w3.org/TR/trace-context/). One public call (a `hazy_train` with its retries
//! and the token request it needed) is one trace; each HTTP attempt is a span of it with its
//! own request id, so the Hub's, Keycloak's and the caller's logs can be joined.
//!
//! The call's trace lives in a tokio task-local for the length of the call: the token source
//! and the Hub code below it need no extra parameters, and a call on another thread never sees
//! it.

use std::future::Future;

use crate::error::{Error, Result};

/// A caller's own trace context, from the `traceparent` option or a per-call parent: the
/// library's calls become children of it (same trace id, the caller's flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    trace: [u8; 16],
    flags: u8,
}

impl TraceParent {
    /// Parses version 00 of the header (`00-<32 hex>-<16 hex>-<2 hex>`), lowercase as the
    /// specification requires; an all-zero trace or parent id is invalid.
    pub fn parse(value: &str) -> Result<TraceParent> {
        let bad = || Error::invalid_argument(format!(
            "traceparent '{}' is not a W3C trace context (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>)",
            value.chars().take(80).collect::<String>().escape_default()
        ));
        let parts: Vec<&str> = value.trim().split('-').collect();
        let [version, trace, parent, flags] = parts[..] else { return Err(bad()) };
        let lower_hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if version != "00" || !lower_hex(trace, 32) || !lower_hex(parent, 16) || !lower_hex(flags, 2) {
            return Err(bad());
        }
        let mut out = TraceParent { trace: [0; 16], flags: u8::from_str_radix(flags, 16).map_err(|_| bad())? };
        for (i, byte) in out.trace.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&trace[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        if out.trace == [0; 16] || parent.bytes().all(|b| b == b'0') {
            return Err(bad());
        }
        Ok(out)
    }
}

/// The trace of one public call.
#[derive(Clone, Copy, Debug)]
pub struct CallTrace {
    trace: [u8; 16],
    flags: u8,
}

/// Sampled: the library records nothing itself, but a Hub or gateway that traces should keep
/// these requests so that they can be found.
const SAMPLED: u8 = 0x01;

impl CallTrace {
    fn new(parent: Option<&TraceParent>) -> CallTrace {
        match parent {
            Some(p) => CallTrace { trace: p.trace, flags: p.flags },
            None => CallTrace { trace: nonzero_random(), flags: SAMPLED },
        }
    }

    pub fn trace_id(&self) -> String {
        hex(&self.trace)
    }
}

/// One HTTP attempt: a span of the call's trace and the request id sent with it.
#[derive(Clone, Debug)]
pub struct Span {
    call: CallTrace,
    span: [u8; 8],
    request_id: String,
}

impl Span {
    pub fn trace_id(&self) -> String {
        self.call.trace_id()
    }
    pub fn span_id(&self) -> String {
        hex(&self.span)
    }
    pub fn request_id(&self) -> &str {
        &self.request_id
    }
    pub fn traceparent(&self) -> String {
        // Made on every request: one allocation, no formatting machinery.
        let mut out = String::with_capacity(55);
        out.push_str("00-");
        push_hex(&mut out, &self.call.trace);
        out.push('-');
        push_hex(&mut out, &self.span);
        out.push('-');
        push_hex(&mut out, &[self.call.flags]);
        out
    }
}

tokio::task_local! {
    static CALL: CallTrace;
}

/// The trace of the call in progress on this task, if any.
pub fn current_call() -> Option<CallTrace> {
    CALL.try_with(|c| *c).ok()
}

/// Runs `future` as one call: a new trace (a child of `parent` when given), or the enclosing
/// call's when calls nest (made inside another call's poll).
///
/// Not an `async fn`: one that took `future` by value would hold it twice, as its argument and
/// as what it awaits, and each wrapper layer doubled a call's future (to 19 KB, copied on
/// every call and touching a new thread's stack: docs/performance.md).
pub fn in_call<F: Future>(parent: Option<&TraceParent>, future: F) -> impl Future<Output = F::Output> {
    CALL.scope(current_call().unwrap_or_else(|| CallTrace::new(parent)), future)
}

/// A new span for one HTTP attempt, in the current call's trace (or a trace of its own).
pub fn new_span() -> Span {
    let call = current_call().unwrap_or_else(|| CallTrace::new(None));
    // A version 4 UUID from the thread's fast generator, not the OS's: a request id must be
    // unique, not secret, and `Uuid::new_v4` cost a getrandom system call per request.
    let request_id = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid();
    Span { call, span: nonzero_random(), request_id: request_id.to_string() }
}

fn nonzero_random<const N: usize>() -> [u8; N] {
    loop {
        let mut bytes = [0u8; N];
        bytes.iter_mut().for_each(|b| *b = fastrand::u8(..));
        if bytes != [0; N] {
            return bytes;
        }
    }
}

/// Lowercase hex, as the trace-context header requires; made on every request, so without a
/// `format!` per byte.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trips_and_refuses_the_invalid() {
        let p = TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!(CallTrace::new(Some(&p)).trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(TraceParent::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn spans_of_one_call_share_its_trace() {
        let parent = TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").unwrap();
        let (a, b) = in_call(Some(&parent), async { (new_span(), in_call(None, async { new_span() }).await) }).await;
        assert_eq!(a.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(b.trace_id(), a.trace_id(), "a nested call stays in the trace");
        assert_ne!(a.span_id(), b.span_id());
        assert_ne!(a.request_id(), b.request_id());
        assert!(a.traceparent().starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-") && a.traceparent().ends_with("-00"));
        let outside = new_span();
        assert_ne!(outside.trace_id(), a.trace_id());
        assert!(outside.traceparent().ends_with("-01"));
        for span in [&a, &b, &outside] {
            let id = uuid::Uuid::parse_str(span.request_id()).unwrap();
            assert_eq!((id.get_version_num(), id.get_variant()), (4, uuid::Variant::RFC4122), "{id}");
        }
    }

    #[test]
    fn request_ids_do_not_repeat_across_threads() {
        let ids: Vec<String> = (0..8)
            .map(|_| std::thread::spawn(|| (0..1000).map(|_| new_span().request_id().to_owned()).collect::<Vec<_>>()))
            .flat_map(|t| t.join().unwrap())
            .collect();
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }
}
