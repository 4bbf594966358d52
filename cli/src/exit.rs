//! The exit codes: one fixed number per class of outcome, so that a scheduler can decide
//! between "retry", "fix the input" and "page someone" without reading messages.
//!
//! This table is the single list: the mapping from library statuses, `hazy --help` and the
//! README's table all come from it (tests/cli checks the README against the binary).

use hazy::Status;

/// One exit code: its number, a short name, the library statuses it covers, and what it means.
pub struct ExitCode {
    pub code: u8,
    pub name: &'static str,
    pub statuses: &'static [Status],
    pub meaning: &'static str,
}

pub const SUCCESS: u8 = 0;
pub const USAGE: u8 = 2;
pub const CANCELLED: u8 = 10;
pub const INTERRUPTED: u8 = 11;

pub const TABLE: &[ExitCode] = &[
    ExitCode { code: SUCCESS, name: "success", statuses: &[Status::Ok], meaning: "done; a waited job succeeded" },
    ExitCode {
        code: 1,
        name: "internal",
        statuses: &[Status::Protocol, Status::Panic, Status::InvalidState, Status::Closed],
        meaning: "an answer hazy does not understand, or a bug",
    },
    ExitCode {
        code: USAGE,
        name: "usage",
        statuses: &[Status::InvalidArgument],
        meaning: "bad flags or input: unknown option, unreadable file, no credentials",
    },
    ExitCode {
        code: 3,
        name: "auth",
        statuses: &[Status::Auth, Status::ProxyAuth],
        meaning: "credentials or token rejected (by Keycloak, the Hub, or a proxy: 407)",
    },
    ExitCode { code: 4, name: "forbidden", statuses: &[Status::Forbidden], meaning: "the token lacks a scope" },
    ExitCode { code: 5, name: "not-found", statuses: &[Status::NotFound], meaning: "no such project, job or model" },
    ExitCode { code: 6, name: "validation", statuses: &[Status::Validation], meaning: "config or request refused" },
    ExitCode {
        code: 7,
        name: "retryable",
        statuses: &[Status::Network, Status::Timeout],
        meaning: "network failure or deadline passed: worth retrying",
    },
    ExitCode { code: 8, name: "server", statuses: &[Status::Server], meaning: "the Hub failed (5xx, 429) after retries" },
    ExitCode { code: 9, name: "job-failed", statuses: &[Status::JobFailed], meaning: "the job ended in state failed" },
    ExitCode { code: CANCELLED, name: "cancelled", statuses: &[Status::Cancelled], meaning: "the job was cancelled" },
    ExitCode {
        code: INTERRUPTED,
        name: "interrupted",
        statuses: &[],
        meaning: "SIGINT/SIGTERM stopped the wait; the job runs on (hazy job wait ID)",
    },
    ExitCode { code: 12, name: "tls", statuses: &[Status::Tls], meaning: "TLS handshake or certificate failed" },
];

/// The exit code for a library status.
pub fn for_status(status: Status) -> u8 {
    TABLE
        .iter()
        .find(|e| e.statuses.contains(&status))
        .map(|e| e.code)
        .expect("every status has an exit code (checked by a test)")
}

/// The table as `hazy --help` shows it.
pub fn help_text() -> String {
    let mut out = String::from("Exit codes:\n");
    for e in TABLE {
        let statuses: Vec<&str> = e.statuses.iter().map(|s| s.name()).collect();
        let statuses = if statuses.is_empty() { "-".to_owned() } else { statuses.join(", ") };
        out.push_str(&format!("  {:>2}  {:<12} {:<39} {}\n", e.code, e.name, statuses, e.meaning));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_exactly_one_code_and_codes_are_unique() {
        for status in Status::ALL {
            let n = TABLE.iter().filter(|e| e.statuses.contains(&status)).count();
            assert_eq!(n, 1, "{} is in {n} rows", status.name());
        }
        for (i, a) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|b| b.code != a.code && b.name != a.name), "{} repeats", a.name);
        }
        // Clap's own usage errors exit with 2; they must share the usage row.
        assert_eq!(for_status(Status::InvalidArgument), 2);
    }
}
