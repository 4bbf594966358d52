//! A secret given as a value, or as a file that is read again for every grant, so that a
//! secret rotated on disk (Vault Agent, CyberArk, a Kubernetes Secret) is picked up without a
//! restart.

use std::collections::HashSet;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::error::{Error, Result};
use crate::logging::Logger;
use crate::secret_file;

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
                    secret_file::warn_if_shared(log, option, path);
                }
                secret_file::read(option, path)
            }
            // The token source runs the command before it loads the files.
            Secret::Command(_) => Err(Error::invalid_argument("option 'credential_command': the command has not been run")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::LogLevel;
    use std::collections::HashSet;
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

    use crate::secret_file::test_files::{file, tempdir};

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
