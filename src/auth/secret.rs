//! A secret given as a value, or as a file that is read again for every grant, so that a
//! secret rotated on disk (Vault Agent, CyberArk, a Kubernetes Secret) is picked up without a
//! restart.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::error::{Error, Result};
use crate::logging::{LogLevel, Logger};

/// A client secret, password or bearer token: its value, or the file that holds it.
#[derive(Clone)]
pub enum Secret {
    Value(SecretString),
    /// Read at each grant; `option` is the option that named the file, for messages.
    File { option: &'static str, path: PathBuf },
    /// Run at each grant (`credential_command`); the token source runs it, as it may print an
    /// access token instead of this secret.
    Command(std::sync::Arc<super::CredentialCommand>),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Value(_) => f.write_str("Secret(<set>)"),
            Secret::File { option, path } => write!(f, "Secret({option}={})", path.display()),
            Secret::Command(_) => f.write_str("Secret(credential_command)"),
        }
    }
}

impl From<SecretString> for Secret {
    fn from(value: SecretString) -> Secret {
        Secret::Value(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::Value(value.into())
    }
}

impl Secret {
    /// The value when it is held here; None when it is in a file not read yet.
    pub fn value(&self) -> Option<&SecretString> {
        match self {
            Secret::Value(value) => Some(value),
            Secret::File { .. } | Secret::Command(_) => None,
        }
    }

    /// The value now: a file is read again. `warned` holds the files whose permissions have
    /// been warned about already, so that each is warned about once per client.
    pub(crate) fn load(&self, log: &Logger, warned: &mut HashSet<PathBuf>) -> Result<SecretString> {
        match self {
            Secret::Value(value) => Ok(value.clone()),
            Secret::File { option, path } => {
                if warned.insert(path.clone()) {
                    warn_if_shared(log, option, path);
                }
                read_secret_file(option, path)
            }
            // The token source runs the command before it loads the files.
            Secret::Command(_) => Err(Error::invalid_argument("option 'credential_command': the command has not been run")),
        }
    }
}

/// Reads a secret file: its trailing line endings (`\n`, `\r\n`) removed. A missing,
/// unreadable, non-UTF-8 or empty file is INVALID_ARGUMENT naming the option and the path,
/// never the content.
pub(crate) fn read_secret_file(option: &str, path: &Path) -> Result<SecretString> {
    let fail = |why: &str| Error::invalid_argument(format!("option '{option}': '{}' {why}", path.display()));
    let bytes = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| {
        Error::invalid_argument(format!("option '{option}': cannot read '{}': {}", path.display(), io_reason(&e)))
    })?);
    let text = std::str::from_utf8(&bytes).map_err(|_| fail("is not UTF-8 text"))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        return Err(fail("is empty"));
    }
    Ok(SecretString::from(secret.to_owned()))
}

/// The reason without the OS's text, which is all an `io::Error` holds here.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// A file readable by group or others gets a warning: through the log if anyone listens at
/// warn level, else on stderr. It is read all the same.
pub(crate) fn warn_if_shared(log: &Logger, option: &str, path: &Path) {
    let Some(mode) = shared_mode(path) else { return };
    let message = || {
        format!(
            "secret file '{}' ({option}) is readable by group or others (mode {mode:o}); restrict it to its owner (chmod 600)",
            path.display()
        )
    };
    if log.enabled(LogLevel::Warn) {
        log.emit(LogLevel::Warn, "secret_file.permissions", message, |r| r);
    } else {
        eprintln!("libhazy: WARNING: {}", message());
    }
}

/// The file's permission bits when group or others may read or write it.
#[cfg(unix)]
fn shared_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn shared_mode(_path: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::sync::{Arc, Mutex};

    struct Collect(Mutex<Vec<(String, String)>>);
    impl crate::logging::Sink for Collect {
        fn level(&self) -> LogLevel {
            LogLevel::Warn
        }
        fn write(&self, record: &crate::logging::Record) {
            self.0.lock().unwrap().push((record.event.to_owned(), record.message.clone()));
        }
    }

    fn file(dir: &Path, name: &str, content: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        path
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hazy-secret-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn trailing_newlines_are_trimmed_and_nothing_else() {
        let dir = tempdir();
        for (content, want) in [("s3cret\n", "s3cret"), ("s3cret\r\n", "s3cret"), ("s3cret\n\n", "s3cret"), ("s3cret", "s3cret"), (" sp ace \n", " sp ace ")] {
            let path = file(&dir, "trim", content, 0o600);
            assert_eq!(read_secret_file("client_secret_file", &path).unwrap().expose_secret(), want);
        }
    }

    #[test]
    fn a_missing_or_empty_file_names_the_path_and_not_the_content() {
        let dir = tempdir();
        let missing = dir.join("nope");
        let e = read_secret_file("password_file", &missing).unwrap_err();
        assert_eq!(e.status(), crate::status::Status::InvalidArgument);
        assert!(e.message().contains("password_file") && e.message().contains(&missing.display().to_string()), "{}", e.message());
        let empty = file(&dir, "empty", "\r\n", 0o600);
        let e = read_secret_file("password_file", &empty).unwrap_err();
        assert!(e.message().contains("is empty") && e.message().contains("password_file"), "{}", e.message());
        let binary = dir.join("binary");
        std::fs::write(&binary, b"CANARY-secret-file\xff\n").unwrap();
        let e = read_secret_file("access_token_file", &binary).unwrap_err();
        assert!(!e.message().contains("CANARY"), "{}", e.message());
    }

    #[test]
    fn a_file_others_can_read_is_warned_about_once_and_read_all_the_same() {
        let dir = tempdir();
        let sink = Arc::new(Collect(Mutex::new(Vec::new())));
        let log = Logger::new(vec![sink.clone()]);
        let mut warned = HashSet::new();
        let private = Secret::File { option: "client_secret_file", path: file(&dir, "private", "CANARY-private\n", 0o600) };
        assert_eq!(private.load(&log, &mut warned).unwrap().expose_secret(), "CANARY-private");
        assert!(sink.0.lock().unwrap().is_empty());
        let shared = Secret::File { option: "client_secret_file", path: file(&dir, "shared", "CANARY-shared\n", 0o644) };
        assert_eq!(shared.load(&log, &mut warned).unwrap().expose_secret(), "CANARY-shared");
        assert_eq!(shared.load(&log, &mut warned).unwrap().expose_secret(), "CANARY-shared");
        let records = sink.0.lock().unwrap().clone();
        if cfg!(unix) {
            assert_eq!(records.len(), 1, "{records:?}");
            assert_eq!(records[0].0, "secret_file.permissions");
            assert!(records[0].1.contains("shared") && records[0].1.contains("644"), "{}", records[0].1);
            assert!(!records[0].1.contains("CANARY"));
        }
    }
}
