//! `-v`/`-vv`/`-vvv` and `--log-file`: libhazy's log records as text lines, on standard error
//! or appended to a file only the owner can read. The lines are the library's own format
//! (`hazy::logging::format_line`), so they read like those of `HAZY_LOG`/`HAZY_LOG_FILE`.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use hazy::{Error, LogLevel, Record, Sink};

use crate::progress;

enum Target {
    /// Above the progress bar when one is drawn.
    Stderr,
    File(Mutex<File>),
}

struct TextSink {
    level: LogLevel,
    target: Target,
}

impl Sink for TextSink {
    fn level(&self) -> LogLevel {
        self.level
    }

    fn write(&self, record: &Record) {
        let mut line = hazy::logging::format_line(record, SystemTime::now());
        line.push('\n');
        // One write per line; a log that cannot be written never fails the command.
        match &self.target {
            Target::Stderr => progress::above_bar(|| {
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }),
            Target::File(file) => {
                let _ = file.lock().unwrap_or_else(|p| p.into_inner()).write_all(line.as_bytes());
            }
        }
    }
}

/// The level of `-v` repeated `count` times: info, debug, then trace.
fn level(count: u8) -> LogLevel {
    match count {
        0 | 1 => LogLevel::Info,
        2 => LogLevel::Debug,
        _ => LogLevel::Trace,
    }
}

/// The sink the flags ask for: the file if one is given (at the `-v` level, info without
/// one), else standard error when `-v` is given, else none.
pub fn sink(verbose: u8, log_file: Option<&Path>) -> Result<Option<Arc<dyn Sink>>, Error> {
    let target = match log_file {
        Some(path) => Target::File(Mutex::new(open_private(path).map_err(|e| {
            Error::invalid_argument(format!("--log-file: cannot open '{}': {e}", path.display()))
        })?)),
        None if verbose > 0 => Target::Stderr,
        None => return Ok(None),
    };
    Ok(Some(Arc::new(TextSink { level: level(verbose), target })))
}

/// Log lines name hosts, clients and job ids: a file we create is the owner's only (0600).
/// An existing file is appended to, as `HAZY_LOG_FILE` does, keeping its mode.
fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
