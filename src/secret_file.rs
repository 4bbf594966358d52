//! Reading a secret from a file, as Vault Agent, CyberArk or a Kubernetes Secret write them:
//! the client secret, password and token files, key passphrases and the proxy password. Below
//! auth and http, which both read such files.

use std::path::Path;

use secrecy::SecretString;

use crate::error::{Error, Result};
use crate::logging::{LogLevel, Logger};

/// Reads a secret file: its trailing line endings (`\n`, `\r\n`) removed. A missing,
/// unreadable, non-UTF-8 or empty file is INVALID_ARGUMENT naming the option and the path,
/// never the content.
pub(crate) fn read(option: &str, path: &Path) -> Result<SecretString> {
    let fail = |why: &str| Error::invalid_argument(format!("option '{option}': '{}' {why}", path.display()));
    let bytes = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| {
        Error::invalid_argument(format!("option '{option}': cannot read '{}': {}", path.display(), crate::private_file::io_reason(&e)))
    })?);
    let text = std::str::from_utf8(&bytes).map_err(|_| fail("is not UTF-8 text"))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        return Err(fail("is empty"));
    }
    Ok(SecretString::from(secret.to_owned()))
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

/// Secret files for tests here and in auth: a file with given content and mode, in a folder
/// of this process and thread.
#[cfg(test)]
pub(crate) mod test_files {
    use std::path::{Path, PathBuf};

    pub(crate) fn file(dir: &Path, name: &str, content: &str, mode: u32) -> PathBuf {
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

    pub(crate) fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hazy-secret-file-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    use test_files::{file, tempdir};

    #[test]
    fn trailing_newlines_are_trimmed_and_nothing_else() {
        let dir = tempdir();
        for (content, want) in [("s3cret\n", "s3cret"), ("s3cret\r\n", "s3cret"), ("s3cret\n\n", "s3cret"), ("s3cret", "s3cret"), (" sp ace \n", " sp ace ")] {
            let path = file(&dir, "trim", content, 0o600);
            assert_eq!(read("client_secret_file", &path).unwrap().expose_secret(), want);
        }
    }

    #[test]
    fn a_missing_or_empty_file_names_the_path_and_not_the_content() {
        let dir = tempdir();
        let missing = dir.join("nope");
        let e = read("password_file", &missing).unwrap_err();
        assert_eq!(e.status(), crate::status::Status::InvalidArgument);
        assert!(e.message().contains("password_file") && e.message().contains(&missing.display().to_string()), "{}", e.message());
        let empty = file(&dir, "empty", "\r\n", 0o600);
        let e = read("password_file", &empty).unwrap_err();
        assert!(e.message().contains("is empty") && e.message().contains("password_file"), "{}", e.message());
        let binary = dir.join("binary");
        std::fs::write(&binary, b"CANARY-secret-file\xff\n").unwrap();
        let e = read("access_token_file", &binary).unwrap_err();
        assert!(!e.message().contains("CANARY"), "{}", e.message());
    }
}
