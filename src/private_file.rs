//! Files that only their owner may read or replace: the token cache and its lock file. On Unix
//! that is a matter of owner and mode bits, checked here on the open file (no race between the
//! check and the read), and of `flock`, which the kernel releases when its holder dies, even by
//! `kill -9`. Elsewhere there is no equivalent that libhazy can check, so every function says
//! the platform is unsupported and the token cache is refused (docs/cli.md).

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

/// Why a file or a directory may not hold tokens, in words for a warning; None when it may.
/// A file must belong to this process's effective user and be closed to group and others; a
/// directory must belong to the user and be writable by nobody else, so that nobody else can
/// put a file of theirs (or a link) in the cache's place.
#[cfg(unix)]
pub(crate) fn refusal(meta: &Metadata, what: &str) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let mode = meta.mode() & 0o777;
    if meta.uid() != me {
        return Some(format!("{what} belongs to uid {}, not to this user (uid {me})", meta.uid()));
    }
    if meta.is_dir() && mode & 0o022 != 0 {
        return Some(format!("{what} can be written by group or others (mode {mode:o}); use a directory only you can write to (chmod 700)"));
    }
    if !meta.is_dir() && mode & 0o077 != 0 {
        return Some(format!("{what} can be read or written by group or others (mode {mode:o}); restrict it to its owner (chmod 600)"));
    }
    None
}

#[cfg(not(unix))]
pub(crate) fn refusal(_meta: &Metadata, what: &str) -> Option<String> {
    Some(format!("{what} cannot be checked for privacy on this platform"))
}

/// Opens an existing file for reading without following a symbolic link (a link in the
/// cache's place is refused, not followed).
#[cfg(unix)]
pub(crate) fn open_read(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32).open(path)
}

/// Opens the file, creating it with mode 0600 if it is missing, without following a link.
#[cfg(unix)]
pub(crate) fn open_or_create(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// Creates a new file with mode 0600; fails if anything exists at `path`.
#[cfg(unix)]
pub(crate) fn create_new(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

/// Takes the exclusive `flock` on `file` if nobody holds it: Ok(false) when another open file
/// description (another process, or another client in this one) holds it. Closing the file
/// releases it; the kernel closes it when the process dies.
#[cfg(unix)]
pub(crate) fn try_lock(file: &File) -> io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    loop {
        return match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => Err(e.into()),
        };
    }
}

#[cfg(not(unix))]
fn unsupported() -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, "not supported on this platform")
}

#[cfg(not(unix))]
pub(crate) fn open_read(_path: &Path) -> io::Result<File> {
    Err(unsupported())
}

#[cfg(not(unix))]
pub(crate) fn open_or_create(_path: &Path) -> io::Result<File> {
    Err(unsupported())
}

#[cfg(not(unix))]
pub(crate) fn create_new(_path: &Path) -> io::Result<File> {
    Err(unsupported())
}

#[cfg(not(unix))]
pub(crate) fn try_lock(_file: &File) -> io::Result<bool> {
    Err(unsupported())
}

/// Whether this platform can keep a token cache at all.
pub(crate) const SUPPORTED: bool = cfg!(unix);

/// The reason without the OS's wording where a shorter one says the same.
pub(crate) fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ if e.raw_os_error() == Some(eloop()) => "is a symbolic link".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(unix)]
fn eloop() -> i32 {
    rustix::io::Errno::LOOP.raw_os_error()
}

#[cfg(not(unix))]
fn eloop() -> i32 {
    -1
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("hazy-private-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
        d
    }

    #[test]
    fn modes_that_others_can_use_are_refused() {
        let d = dir("modes");
        let f = create_new(&d.join("f")).unwrap();
        assert_eq!(f.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        assert!(refusal(&f.metadata().unwrap(), "file").is_none());
        std::fs::set_permissions(d.join("f"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let why = refusal(&std::fs::metadata(d.join("f")).unwrap(), "the file").unwrap();
        assert!(why.contains("mode 644") && why.contains("chmod 600"), "{why}");
        assert!(refusal(&std::fs::metadata(&d).unwrap(), "dir").is_none());
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(refusal(&std::fs::metadata(&d).unwrap(), "dir").unwrap().contains("mode 777"));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn links_are_not_followed_and_locks_exclude_each_other() {
        let d = dir("links");
        std::fs::write(d.join("target"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("target"), d.join("link")).unwrap();
        let e = open_read(&d.join("link")).unwrap_err();
        assert_eq!(io_reason(&e), "is a symbolic link");
        assert!(open_or_create(&d.join("link")).is_err());
        let a = open_or_create(&d.join("lock")).unwrap();
        let b = open_or_create(&d.join("lock")).unwrap();
        assert!(try_lock(&a).unwrap());
        assert!(!try_lock(&b).unwrap(), "a second open file description must not get the lock");
        drop(a);
        assert!(try_lock(&b).unwrap(), "closing the holder releases the lock");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
