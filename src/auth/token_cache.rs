//! The token cache that processes share (option `token_cache`): one JSON file of access and
//! refresh tokens with their expiry times, keyed by token endpoint, client, user, scope and
//! audience, so that many short processes started together make one token request.
//!
//! Readers never lock: writers replace the file by rename, so a reader sees the old file or
//! the new one, never a torn one. Writers, and the process making the token request that the
//! others wait for, hold an `flock` on a separate lock file; the kernel releases it when its
//! holder dies. Nothing here trusts the file: one that others could have written is refused,
//! and one that does not parse is treated as empty and rebuilt at the next write.
//!
//! The file holds tokens only, never a client secret, password or key. Whoever can read it can
//! use the tokens, which is why only its owner may.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::logging::{LogLevel, Logger};
use crate::private_file;

/// What the file says it is, so that another program's JSON is never read as tokens.
const FORMAT: &str = "libhazy-token-cache";
const VERSION: u32 = 1;
/// A few entries take a few kilobytes; a file far larger was not written by libhazy.
const MAX_FILE: u64 = 1 << 20;
const MAX_ENTRIES: usize = 64;
const MAX_TOKEN: usize = 64 * 1024;
/// A temporary file older than this was left by a writer that died before its rename.
const STALE_TEMP: Duration = Duration::from_secs(60);

/// Whose token an entry holds. Two configurations share an entry only when all of these are
/// equal, so a token never crosses principals, realms or scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CacheKey {
    pub token_endpoint: String,
    pub client_id: String,
    pub username: Option<String>,
    pub scope: Option<String>,
    pub audience: Option<String>,
}

/// One principal's tokens, with wall-clock times (processes share no monotonic clock).
/// `Debug` shows no token (secrecy redacts them).
#[derive(Debug)]
pub(crate) struct Entry {
    pub key: CacheKey,
    pub access_token: SecretString,
    pub obtained_at: SystemTime,
    pub expires_at: SystemTime,
    pub refresh_token: Option<SecretString>,
    pub refresh_expires_at: Option<SystemTime>,
}

impl Entry {
    /// The refresh token while it is still worth sending.
    pub fn usable_refresh_token(&self, now: SystemTime) -> Option<&SecretString> {
        let usable = self.refresh_expires_at.is_none_or(|at| now < at);
        self.refresh_token.as_ref().filter(|_| usable)
    }

    /// When a refresh falls due: `margin` before expiry, at most half the lifetime, the rule
    /// of the in-process cache (each process applies its own margin).
    pub fn refresh_at(&self, margin: Duration) -> SystemTime {
        let lifetime = self.expires_at.duration_since(self.obtained_at).unwrap_or(Duration::ZERO);
        self.expires_at - margin.min(lifetime / 2)
    }

    fn useless(&self, now: SystemTime) -> bool {
        self.expires_at <= now && self.usable_refresh_token(now).is_none()
    }
}

/// The file's shape. Tokens are plain strings only while being parsed or written: the
/// buffers that hold them are wiped when dropped.
#[derive(Serialize, Deserialize)]
struct FileBody {
    format: String,
    version: u32,
    entries: Vec<FileEntry>,
}

#[derive(Serialize, Deserialize)]
struct FileEntry {
    token_endpoint: String,
    client_id: String,
    username: Option<String>,
    scope: Option<String>,
    audience: Option<String>,
    access_token: String,
    /// Unix seconds.
    obtained_at: u64,
    expires_at: u64,
    refresh_token: Option<String>,
    refresh_expires_at: Option<u64>,
}

impl Drop for FileEntry {
    fn drop(&mut self) {
        self.access_token.zeroize();
        if let Some(refresh) = &mut self.refresh_token {
            refresh.zeroize();
        }
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn from_unix(s: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(s)
}

fn token_ok(token: &str) -> bool {
    !token.is_empty() && token.len() <= MAX_TOKEN && super::token_endpoint::is_token_text(token)
}

impl FileEntry {
    fn from_entry(e: &Entry) -> FileEntry {
        FileEntry {
            token_endpoint: e.key.token_endpoint.clone(),
            client_id: e.key.client_id.clone(),
            username: e.key.username.clone(),
            scope: e.key.scope.clone(),
            audience: e.key.audience.clone(),
            access_token: e.access_token.expose_secret().to_owned(),
            obtained_at: unix(e.obtained_at),
            expires_at: unix(e.expires_at),
            refresh_token: e.refresh_token.as_ref().map(|t| t.expose_secret().to_owned()),
            refresh_expires_at: e.refresh_expires_at.map(unix),
        }
    }

    /// None for an entry that cannot be trusted to hold tokens: it is dropped.
    fn to_entry(&self) -> Option<Entry> {
        let tokens_ok = token_ok(&self.access_token) && self.refresh_token.as_deref().is_none_or(token_ok);
        if !tokens_ok || self.obtained_at > self.expires_at || self.client_id.is_empty() || self.token_endpoint.is_empty() {
            return None;
        }
        Some(Entry {
            key: CacheKey {
                token_endpoint: self.token_endpoint.clone(),
                client_id: self.client_id.clone(),
                username: self.username.clone(),
                scope: self.scope.clone(),
                audience: self.audience.clone(),
            },
            access_token: SecretString::from(self.access_token.clone()),
            obtained_at: from_unix(self.obtained_at),
            expires_at: from_unix(self.expires_at),
            refresh_token: self.refresh_token.clone().map(SecretString::from),
            refresh_expires_at: self.refresh_expires_at.map(from_unix),
        })
    }
}

/// The entries of a file's bytes; None when they are not a libhazy token cache.
fn parse(bytes: &[u8]) -> Option<Vec<Entry>> {
    let body: FileBody = serde_json::from_slice(bytes).ok()?;
    if body.format != FORMAT || body.version != VERSION {
        return None;
    }
    Some(body.entries.iter().filter_map(FileEntry::to_entry).collect())
}

fn render(entries: &[Entry]) -> Zeroizing<Vec<u8>> {
    let body = FileBody { format: FORMAT.to_owned(), version: VERSION, entries: entries.iter().map(FileEntry::from_entry).collect() };
    let mut out = Zeroizing::new(Vec::with_capacity(4096));
    // Serialising strings and numbers into memory cannot fail.
    let _ = serde_json::to_writer_pretty(&mut *out, &body);
    out.push(b'\n');
    out
}

/// A cache file, as one client uses it.
pub(crate) struct TokenCache {
    path: PathBuf,
    lock_path: PathBuf,
    /// How long a process waits for another's token request before making its own.
    lock_wait: Duration,
    /// Set when the file, its lock or its directory was refused: the client goes on without
    /// the cache, and says so once.
    off: AtomicBool,
    warned_damaged: AtomicBool,
}

/// The lock on the cache: whoever holds it may write the file, and is the one process making
/// the token request the others wait for. Dropping it (or dying) releases it.
pub(crate) struct Locked {
    _file: File,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("path", &self.path).finish_non_exhaustive()
    }
}

fn bad(path: &Path, why: &str) -> Error {
    Error::invalid_argument(format!("option 'token_cache': '{}' {why}", path.display()))
}

/// A warning the operator must see: through the log when a sink listens at warn level, else
/// on stderr (as secret_file.rs warns about shared secret files).
fn warn(log: &Logger, event: &'static str, message: String) {
    if log.enabled(LogLevel::Warn) {
        log.emit(LogLevel::Warn, event, || message, |r| r);
    } else {
        eprintln!("libhazy: WARNING: {message}");
    }
}

impl TokenCache {
    /// Checks what can be checked before any token exists: a path that can never be a cache
    /// file (its directory missing, a directory in its place, an unsupported platform) is
    /// INVALID_ARGUMENT. A directory that others could write to is refused with a warning,
    /// and the client works without the cache.
    pub fn open(path: &str, lock_wait: Duration, log: &Logger) -> Result<TokenCache> {
        let path = PathBuf::from(path);
        if !private_file::SUPPORTED {
            return Err(bad(&path, "cannot be used: a token cache needs Unix file ownership and flock, which this platform lacks; unset token_cache (HAZY_TOKEN_CACHE)"));
        }
        let Some(name) = path.file_name().map(|n| n.to_os_string()) else {
            return Err(bad(&path, "does not name a file"));
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let meta = std::fs::metadata(&dir)
            .map_err(|e| bad(&path, &format!("is in a directory that cannot be used: {}", private_file::io_reason(&e))))?;
        if !meta.is_dir() {
            return Err(bad(&path, "is not in a directory"));
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(bad(&path, "is a directory, not a file"));
        }
        let mut lock_name = name;
        lock_name.push(".lock");
        let cache = TokenCache { lock_path: dir.join(lock_name), path, lock_wait, off: AtomicBool::new(false), warned_damaged: AtomicBool::new(false) };
        if let Some(why) = private_file::refusal(&meta, &format!("its directory '{}'", dir.display())) {
            cache.refuse(log, &why);
        }
        Ok(cache)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn dir(&self) -> &Path {
        self.lock_path.parent().unwrap_or(Path::new("."))
    }

    fn is_off(&self) -> bool {
        self.off.load(Ordering::Relaxed)
    }

    fn refuse(&self, log: &Logger, why: &str) {
        if !self.off.swap(true, Ordering::Relaxed) {
            let path = self.path.display();
            warn(log, "token_cache.refused", format!("token cache '{path}' refused: {why}; working without it"));
        }
    }

    /// The entry for `key`, if the file has one. Nothing is locked: the file is only ever
    /// replaced whole.
    pub fn lookup(&self, log: &Logger, key: &CacheKey) -> Option<Entry> {
        let entry = self.read(log)?.into_iter().find(|e| &e.key == key);
        log.emit(LogLevel::Trace, if entry.is_some() { "token_cache.found" } else { "token_cache.missing" },
            || format!("token cache '{}': {} for client '{}'", self.path.display(), if entry.is_some() { "an entry" } else { "no entry" }, key.client_id),
            |r| r);
        entry
    }

    /// Every trusted entry of the file: empty when it does not exist or is damaged, None when
    /// the cache is off or the file cannot be read now.
    fn read(&self, log: &Logger) -> Option<Vec<Entry>> {
        if self.is_off() {
            return None;
        }
        let file = match private_file::open_read(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(Vec::new()),
            Err(e) => {
                self.refuse(log, &format!("it cannot be opened: {}", private_file::io_reason(&e)));
                return None;
            }
        };
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            self.refuse(log, "it is not a regular file");
            return None;
        }
        if let Some(why) = private_file::refusal(&meta, "the file") {
            self.refuse(log, &why);
            return None;
        }
        let mut bytes = Zeroizing::new(Vec::new());
        if file.take(MAX_FILE + 1).read_to_end(&mut bytes).is_err() {
            return None;
        }
        let entries = if bytes.len() as u64 > MAX_FILE { None } else { parse(&bytes) };
        match entries {
            Some(entries) => Some(entries),
            None => {
                if !self.warned_damaged.swap(true, Ordering::Relaxed) {
                    let path = self.path.display();
                    warn(log, "token_cache.damaged", format!("token cache '{path}' is damaged or not a libhazy token cache: not used; it is rebuilt at the next write"));
                }
                Some(Vec::new())
            }
        }
    }

    /// The lock, waiting at most `lock_wait` for another process's token request. None when
    /// the wait ran out or the lock file cannot be used; the caller then goes on alone.
    pub async fn lock(&self, log: &Logger) -> Option<Locked> {
        if self.is_off() {
            return None;
        }
        let file = match private_file::open_or_create(&self.lock_path) {
            Ok(file) => file,
            Err(e) => {
                let why = format!("its lock file '{}' cannot be opened: {}", self.lock_path.display(), private_file::io_reason(&e));
                self.refuse(log, &why);
                return None;
            }
        };
        if let Some(why) = file.metadata().ok().and_then(|m| private_file::refusal(&m, &format!("its lock file '{}'", self.lock_path.display()))) {
            self.refuse(log, &why);
            return None;
        }
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            match private_file::try_lock(&file) {
                Ok(true) => {
                    log.emit(LogLevel::Trace, "token_cache.locked", || format!("token cache '{}' locked", self.path.display()), |r| r.elapsed(started.elapsed()));
                    return Some(Locked { _file: file });
                }
                Ok(false) => {}
                Err(e) => {
                    self.refuse(log, &format!("its lock file cannot be locked: {}", private_file::io_reason(&e)));
                    return None;
                }
            }
            if started.elapsed() >= self.lock_wait {
                let path = self.path.display();
                let waited = self.lock_wait.as_millis();
                warn(log, "token_cache.lock_timeout", format!("token cache '{path}': another process held its lock for {waited} ms (request_timeout_ms); getting a token without it"));
                return None;
            }
            if started.elapsed() < Duration::from_millis(10) {
                log.emit(LogLevel::Debug, "token_cache.wait", || format!("token cache '{}': another process is getting a token; waiting for it", self.path.display()), |r| r);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    /// Puts `entry` in place of any entry with its key, drops entries nobody can use any more,
    /// and writes the file. A failure is warned about and otherwise ignored: the token is
    /// good, only the sharing failed.
    pub fn store(&self, log: &Logger, entry: Entry, _locked: &Locked) {
        let Some(mut entries) = self.read(log) else { return };
        let now = SystemTime::now();
        entries.retain(|e| e.key != entry.key && !e.useless(now));
        entries.insert(0, entry);
        entries.truncate(MAX_ENTRIES);
        self.write(log, &entries);
    }

    /// Removes the entry of `key`; whether there was one.
    pub fn remove(&self, log: &Logger, key: &CacheKey, _locked: &Locked) -> bool {
        let Some(mut entries) = self.read(log) else { return false };
        let before = entries.len();
        entries.retain(|e| &e.key != key);
        let removed = entries.len() != before;
        if removed {
            self.write(log, &entries);
        }
        removed
    }

    /// Writes a new file beside the old one and renames it into place: a writer killed at any
    /// moment leaves the old file or the new one. Only called with the lock held.
    fn write(&self, log: &Logger, entries: &[Entry]) {
        let dir = self.dir();
        if let Some(why) = std::fs::metadata(dir).ok().and_then(|m| private_file::refusal(&m, &format!("its directory '{}'", dir.display()))) {
            self.refuse(log, &why);
            return;
        }
        self.remove_stale_temporaries();
        let temp = dir.join(format!("{}{}.{:016x}.tmp", self.temp_prefix(), std::process::id(), fastrand::u64(..)));
        let written = private_file::create_new(&temp).and_then(|mut file| {
            file.write_all(&render(entries))?;
            // On disk before the rename, so that a crash of the machine cannot leave the new
            // name on an empty file.
            file.sync_all()
        });
        let result = written.and_then(|()| std::fs::rename(&temp, &self.path));
        match result {
            Ok(()) => log.emit(LogLevel::Debug, "token_cache.stored", || format!("token cache '{}' written ({} entries)", self.path.display(), entries.len()), |r| r),
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                let path = self.path.display();
                warn(log, "token_cache.write_failed", format!("token cache '{path}' could not be written: {}; the token is used without being shared", private_file::io_reason(&e)));
            }
        }
    }

    fn temp_prefix(&self) -> String {
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!(".{name}.")
    }

    fn remove_stale_temporaries(&self) {
        let prefix = self.temp_prefix();
        let Ok(listing) = std::fs::read_dir(self.dir()) else { return };
        for item in listing.flatten() {
            let name = item.file_name();
            let name = name.to_string_lossy();
            if !(name.starts_with(&prefix) && name.ends_with(".tmp")) {
                continue;
            }
            let old = item.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| t.elapsed().ok()).is_some_and(|age| age > STALE_TEMP);
            if old {
                let _ = std::fs::remove_file(item.path());
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::{Arc, Mutex};

    use crate::logging::{Record, Sink};

    struct Capture(Mutex<Vec<String>>);
    impl Sink for Capture {
        fn level(&self) -> LogLevel {
            LogLevel::Trace
        }
        fn write(&self, record: &Record) {
            self.0.lock().unwrap().push(format!("{} {}", record.event, record.message));
        }
    }

    fn logger() -> (Logger, Arc<Capture>) {
        let capture = Arc::new(Capture(Mutex::new(Vec::new())));
        (Logger::new(vec![capture.clone()]), capture)
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("hazy-token-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
        d
    }

    fn key(client: &str, user: Option<&str>) -> CacheKey {
        CacheKey {
            token_endpoint: "http://kc/realms/hazy/protocol/openid-connect/token".into(),
            client_id: client.into(),
            username: user.map(Into::into),
            scope: None,
            audience: None,
        }
    }

    fn entry(key: CacheKey, access: &str, lifetime: u64) -> Entry {
        let now = SystemTime::now();
        Entry {
            key,
            access_token: access.to_owned().into(),
            obtained_at: now,
            expires_at: now + Duration::from_secs(lifetime),
            refresh_token: Some(format!("refresh-{access}").into()),
            refresh_expires_at: Some(now + Duration::from_secs(lifetime * 6)),
        }
    }

    fn locked(cache: &TokenCache, log: &Logger) -> Locked {
        crate::runtime::block_on(cache.lock(log)).unwrap().expect("the lock")
    }

    #[test]
    fn entries_are_found_by_their_whole_key_only() {
        let (log, _) = logger();
        let d = dir("keys");
        let cache = TokenCache::open(d.join("tokens.json").to_str().unwrap(), Duration::from_secs(1), &log).unwrap();
        let l = locked(&cache, &log);
        cache.store(&log, entry(key("api", None), "tok-api", 300), &l);
        cache.store(&log, entry(key("api", Some("analyst")), "tok-analyst", 300), &l);
        assert_eq!(cache.lookup(&log, &key("api", None)).unwrap().access_token.expose_secret(), "tok-api");
        assert_eq!(cache.lookup(&log, &key("api", Some("analyst"))).unwrap().access_token.expose_secret(), "tok-analyst");
        for other in [
            key("api-other", None),
            key("api", Some("someone")),
            CacheKey { token_endpoint: "http://kc/realms/other/protocol/openid-connect/token".into(), ..key("api", None) },
            CacheKey { scope: Some("openid".into()), ..key("api", None) },
            CacheKey { audience: Some("x".into()), ..key("api", None) },
        ] {
            assert!(cache.lookup(&log, &other).is_none(), "{other:?} must not match");
        }
        let meta = std::fs::metadata(cache.path()).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert!(cache.remove(&log, &key("api", None), &l));
        assert!(cache.lookup(&log, &key("api", None)).is_none());
        assert!(cache.lookup(&log, &key("api", Some("analyst"))).is_some());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn damaged_files_are_not_trusted_and_are_rebuilt() {
        let (log, capture) = logger();
        let d = dir("damaged");
        let path = d.join("tokens.json");
        let cache = TokenCache::open(path.to_str().unwrap(), Duration::from_secs(1), &log).unwrap();
        let l = locked(&cache, &log);
        cache.store(&log, entry(key("api", None), "tok-api", 300), &l);
        let whole = std::fs::read(&path).unwrap();
        let damaged: Vec<Vec<u8>> = vec![
            whole[..whole.len() / 2].to_vec(),
            Vec::new(),
            b"{\"format\":\"something-else\",\"version\":1,\"entries\":[]}".to_vec(),
            String::from_utf8(whole.clone()).unwrap().replace("\"version\": 1", "\"version\": 99").into_bytes(),
            String::from_utf8(whole.clone()).unwrap().replace("tok-api", "tok api\u{1}").into_bytes(),
            vec![b' '; (MAX_FILE + 10) as usize],
        ];
        for bytes in damaged {
            std::fs::write(&path, &bytes).unwrap();
            assert!(cache.lookup(&log, &key("api", None)).is_none(), "a damaged file was trusted");
            cache.store(&log, entry(key("api", None), "tok-new", 300), &l);
            assert_eq!(cache.lookup(&log, &key("api", None)).unwrap().access_token.expose_secret(), "tok-new", "not rebuilt");
        }
        let records = capture.0.lock().unwrap();
        assert_eq!(records.iter().filter(|r| r.starts_with("token_cache.damaged")).count(), 1, "warned once per client: {records:?}");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn files_others_can_read_or_own_are_refused_with_a_warning() {
        let (log, capture) = logger();
        let d = dir("refused");
        let path = d.join("tokens.json");
        let cache = TokenCache::open(path.to_str().unwrap(), Duration::from_secs(1), &log).unwrap();
        let l = locked(&cache, &log);
        cache.store(&log, entry(key("api", None), "tok-api", 300), &l);
        drop(l);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(cache.lookup(&log, &key("api", None)).is_none());
        assert!(crate::runtime::block_on(cache.lock(&log)).unwrap().is_none(), "a refused cache is off for this client");
        let records = capture.0.lock().unwrap().clone();
        let refused: Vec<_> = records.iter().filter(|r| r.starts_with("token_cache.refused")).collect();
        assert_eq!(refused.len(), 1, "{records:?}");
        assert!(refused[0].contains("mode 644") && refused[0].contains(path.to_str().unwrap()), "{}", refused[0]);
        // A directory others can write to is refused when the client is made.
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777)).unwrap();
        let (log, capture) = logger();
        let cache = TokenCache::open(path.to_str().unwrap(), Duration::from_secs(1), &log).unwrap();
        assert!(cache.lookup(&log, &key("api", None)).is_none());
        assert!(capture.0.lock().unwrap()[0].contains("mode 777"));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn paths_that_cannot_be_a_cache_are_invalid_arguments() {
        let (log, _) = logger();
        let d = dir("paths");
        for (path, why) in [
            (d.join("missing/tokens.json"), "cannot be used: no such file"),
            (d.clone(), "is a directory"),
        ] {
            let e = TokenCache::open(path.to_str().unwrap(), Duration::from_secs(1), &log).unwrap_err();
            assert_eq!(e.status(), crate::status::Status::InvalidArgument);
            assert!(e.message().contains("token_cache") && e.message().contains(why), "{}", e.message());
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_held_lock_makes_others_wait_a_bounded_time_and_a_dead_writers_temp_file_goes() {
        let (log, capture) = logger();
        let d = dir("lock");
        let path = d.join("tokens.json");
        let a = TokenCache::open(path.to_str().unwrap(), Duration::from_secs(5), &log).unwrap();
        let b = TokenCache::open(path.to_str().unwrap(), Duration::from_millis(300), &log).unwrap();
        let held = locked(&a, &log);
        let started = Instant::now();
        assert!(crate::runtime::block_on(b.lock(&log)).unwrap().is_none());
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(3), "{waited:?}");
        assert!(capture.0.lock().unwrap().iter().any(|r| r.starts_with("token_cache.lock_timeout")));
        drop(held);
        let l = locked(&b, &log);
        // What a writer killed between its create and its rename leaves behind.
        let temp = d.join(".tokens.json.4242.00000000000000ff.tmp");
        std::fs::write(&temp, "{\"format\":\"libha").unwrap();
        let old = SystemTime::now() - Duration::from_secs(600);
        File::options().write(true).open(&temp).unwrap().set_modified(old).unwrap();
        b.store(&log, entry(key("api", None), "tok-api", 300), &l);
        assert!(!temp.exists(), "a stale temporary file stays");
        let names: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, ["tokens.json", "tokens.json.lock"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn the_file_holds_tokens_and_times_only() {
        let (log, _) = logger();
        let d = dir("format");
        let path = d.join("tokens.json");
        let cache = TokenCache::open(path.to_str().unwrap(), Duration::from_secs(1), &log).unwrap();
        let l = locked(&cache, &log);
        cache.store(&log, entry(key("api", Some("analyst")), "tok-api", 300), &l);
        let body: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(body["format"], FORMAT);
        let fields: Vec<_> = body["entries"][0].as_object().unwrap().keys().cloned().collect();
        let mut fields = fields;
        fields.sort();
        assert_eq!(fields, ["access_token", "audience", "client_id", "expires_at", "obtained_at", "refresh_expires_at", "refresh_token", "scope", "token_endpoint", "username"]);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
