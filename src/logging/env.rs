//! Logging without code changes, for hosts where nobody can change the program: `HAZY_LOG=LEVEL`
//! writes to standard error, `HAZY_LOG_FILE=PATH` to a file (created with mode 0600, appended
//! to). Read when each client is made, whatever options the program passed.

use std::fs::File;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::{format_line, LogLevel, Record, Sink};

/// Standard error, or an open file: one `write` per line, so that processes and clients
/// appending to the same file do not interleave within a line.
struct TextSink {
    level: LogLevel,
    file: Option<Mutex<File>>,
}

impl Sink for TextSink {
    fn level(&self) -> LogLevel {
        self.level
    }

    fn write(&self, record: &Record) {
        let mut line = format_line(record, SystemTime::now());
        line.push('\n');
        // A log that cannot be written must never fail the call it describes.
        match &self.file {
            Some(file) => {
                let _ = file.lock().unwrap_or_else(|p| p.into_inner()).write_all(line.as_bytes());
            }
            None => {
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
        }
    }
}

/// The sinks `HAZY_LOG` and `HAZY_LOG_FILE` ask for. `HAZY_LOG_FILE` alone logs at `info`;
/// with both, the file gets the level and standard error nothing. A bad value is reported on
/// standard error once per client and otherwise ignored: a typo in a logging variable must not
/// stop a night's batch.
pub fn from_env() -> Vec<Arc<dyn Sink>> {
    let level = match std::env::var("HAZY_LOG") {
        Ok(v) if v.trim().is_empty() => None,
        Ok(v) => match LogLevel::parse(&v) {
            Some(level) => Some(level),
            None => {
                eprintln!("libhazy: ignoring HAZY_LOG={v:?}: expected off, error, warn, info, debug or trace");
                None
            }
        },
        Err(_) => None,
    };
    let file = std::env::var_os("HAZY_LOG_FILE").filter(|p| !p.is_empty());
    match (level, file) {
        (Some(LogLevel::Off), _) => Vec::new(),
        (level, Some(path)) => match open_private(&path) {
            Ok(file) => vec![Arc::new(TextSink { level: level.unwrap_or(LogLevel::Info), file: Some(Mutex::new(file)) })],
            Err(e) => {
                eprintln!("libhazy: cannot open HAZY_LOG_FILE {}: {e}; logging to standard error", path.to_string_lossy());
                vec![Arc::new(TextSink { level: level.unwrap_or(LogLevel::Info), file: None })]
            }
        },
        (Some(level), None) => vec![Arc::new(TextSink { level, file: None })],
        (None, None) => Vec::new(),
    }
}

/// Log lines name hosts, users and job ids: only the owner may read the file we create.
fn open_private(path: &std::ffi::OsStr) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
