//! The TLS client identity of mutual TLS: `client_cert` and `client_key` (PEM, the key possibly
//! encrypted), or a `client_cert_p12` bundle. It is checked when the client is made and read
//! again whenever a new connection is made, so that a certificate rotated on disk is presented
//! without a restart; connections already open keep the certificate they were made with.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::{ClientSessionMemoryCache, ClientSessionStore, ResolvesClientCert, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::sign::CertifiedKey;
use rustls::{NamedGroup, SignatureScheme};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::key_file::{Digest, KeyFile, Loaded};
use crate::logging::{LogLevel, Logger};

/// Which files hold the identity.
#[derive(Debug, Clone)]
enum Files {
    Pem { cert: PathBuf, key: PathBuf, passphrase: Option<PathBuf> },
    Pkcs12 { bundle: PathBuf, passphrase: Option<PathBuf> },
}

/// What was last read: the digests that tell a rotation, and the identity built from it.
struct Current {
    cert: Digest,
    key: Digest,
    /// The key as read, kept so that a rotated certificate alone does not decrypt it again.
    key_der: PrivateKeyDer<'static>,
    certified: Arc<CertifiedKey>,
    /// The digests of files that failed to load, warned about once.
    failed: Option<(Digest, Digest)>,
}

/// Presents the client certificate to every server that asks: Keycloak, the Hub, or a TLS
/// proxy in front of them. rustls asks it at each handshake.
pub struct ClientIdentity {
    files: Files,
    provider: Arc<CryptoProvider>,
    log: Arc<Logger>,
    current: Mutex<Current>,
}

impl ClientIdentity {
    /// The identity of `config`, read now so that bad files are reported when the client is
    /// made: None without `client_cert`, `client_key` and `client_cert_p12`. Errors name the
    /// options and paths, never the files' content.
    pub fn from_config(config: &Config, provider: Arc<CryptoProvider>, log: Arc<Logger>) -> Result<Option<ClientIdentity>> {
        let path = |p: &Option<String>| p.as_deref().map(PathBuf::from);
        let files = match (&config.client_cert, &config.client_key, &config.client_cert_p12) {
            (None, None, None) => {
                for (key, set) in [
                    ("client_key_passphrase_file", config.client_key_passphrase_file.is_some()),
                    ("client_cert_p12_passphrase_file", config.client_cert_p12_passphrase_file.is_some()),
                ] {
                    if set {
                        return Err(Error::invalid_argument(format!("option '{key}' is set without the key it opens")));
                    }
                }
                return Ok(None);
            }
            (Some(cert), Some(key), None) => {
                if config.client_cert_p12_passphrase_file.is_some() {
                    return Err(Error::invalid_argument("option 'client_cert_p12_passphrase_file' is set without 'client_cert_p12'"));
                }
                Files::Pem { cert: cert.into(), key: key.into(), passphrase: path(&config.client_key_passphrase_file) }
            }
            (None, None, Some(bundle)) => {
                if config.client_key_passphrase_file.is_some() {
                    return Err(Error::invalid_argument(
                        "option 'client_key_passphrase_file' is for client_key; a client_cert_p12 bundle's passphrase is client_cert_p12_passphrase_file",
                    ));
                }
                Files::Pkcs12 { bundle: bundle.into(), passphrase: path(&config.client_cert_p12_passphrase_file) }
            }
            (Some(_), None, None) => return Err(Error::invalid_argument("client_cert is set without client_key")),
            (None, Some(_), None) => return Err(Error::invalid_argument("client_key is set without client_cert")),
            (_, _, Some(_)) => {
                return Err(Error::invalid_argument("client_cert_p12 replaces client_cert and client_key: set one or the other"))
            }
        };
        for (option, file) in files.secret_files() {
            crate::secret_file::warn_if_shared(&log, option, file);
        }
        let current = load(&files, &provider, None)?.expect("loaded when nothing is cached");
        Ok(Some(ClientIdentity { files, provider, log, current: Mutex::new(current) }))
    }

    /// Reads the files again and rebuilds the identity when they changed; true when it did.
    /// Files that became unusable are warned about (once per content) and the last good
    /// identity is kept: a half-written rotation must not cut the client off.
    fn refresh(&self) -> bool {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        match load(&self.files, &self.provider, Some(&current)) {
            Ok(Some(fresh)) => {
                self.log.emit(LogLevel::Info, "tls.client_cert.rotated", || format!("{} changed: presenting the new certificate on new connections", self.files), |r| r);
                *current = fresh;
                true
            }
            Ok(None) => false,
            Err(e) => {
                let stamp = self.files.digests();
                if current.failed != Some(stamp) {
                    current.failed = Some(stamp);
                    self.log.emit(LogLevel::Warn, "tls.client_cert.reload", || format!("{e}; still presenting the certificate read before"), |r| r);
                }
                false
            }
        }
    }

    /// The identity to present on a new connection, after a look at the files.
    fn present(&self) -> Arc<CertifiedKey> {
        self.refresh();
        self.current.lock().unwrap_or_else(|e| e.into_inner()).certified.clone()
    }
}

/// The TLS session cache of a client with an identity. A resumed session skips the client
/// certificate and keeps the one it was made with, so a rotated identity would never reach a
/// server that resumes. The files are therefore checked when a connection looks up a session
/// to resume, and the sessions are forgotten when the identity changed.
#[derive(Debug)]
pub struct Sessions {
    identity: Arc<ClientIdentity>,
    cache: Mutex<Arc<ClientSessionMemoryCache>>,
}

/// rustls' default size.
const SESSIONS: usize = 256;

impl Sessions {
    pub fn new(identity: Arc<ClientIdentity>) -> Sessions {
        Sessions { identity, cache: Mutex::new(Arc::new(ClientSessionMemoryCache::new(SESSIONS))) }
    }

    /// The cache to resume from: a new one when the identity rotated.
    fn checked(&self) -> Arc<ClientSessionMemoryCache> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if self.identity.refresh() {
            *cache = Arc::new(ClientSessionMemoryCache::new(SESSIONS));
        }
        cache.clone()
    }

    fn current(&self) -> Arc<ClientSessionMemoryCache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl ClientSessionStore for Sessions {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.current().set_kx_hint(server_name, group)
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.current().kx_hint(server_name)
    }

    fn set_tls12_session(&self, server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.current().set_tls12_session(server_name, value)
    }

    fn tls12_session(&self, server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.checked().tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.current().remove_tls12_session(server_name)
    }

    fn insert_tls13_ticket(&self, server_name: ServerName<'static>, value: Tls13ClientSessionValue) {
        self.current().insert_tls13_ticket(server_name, value)
    }

    fn take_tls13_ticket(&self, server_name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.checked().take_tls13_ticket(server_name)
    }
}

/// Reads the files; None when they are what `current` was built from.
fn load(files: &Files, provider: &CryptoProvider, current: Option<&Current>) -> Result<Option<Current>> {
    let (cert_digest, chain, key_file) = match files {
        Files::Pem { cert, key, passphrase } => {
            let bytes = zeroize::Zeroizing::new(std::fs::read(cert).map_err(|e| {
                Error::invalid_argument(format!("option 'client_cert' ('{}'): cannot read the file: {}", cert.display(), e.kind()))
            })?);
            let digest = sha256(&bytes);
            let chain = if current.is_some_and(|c| c.cert == digest) {
                None
            } else {
                Some(
                    CertificateDer::pem_slice_iter(&bytes)
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .ok()
                        .filter(|c| !c.is_empty())
                        .ok_or_else(|| {
                            Error::invalid_argument(format!(
                                "option 'client_cert' ('{}'): no certificate in PEM form (-----BEGIN CERTIFICATE-----)",
                                cert.display()
                            ))
                        })?,
                )
            };
            let key_file = KeyFile {
                option: "client_key",
                path: key,
                passphrase_option: "client_key_passphrase_file",
                passphrase_file: passphrase.as_deref(),
            };
            (digest, chain, key_file)
        }
        Files::Pkcs12 { bundle, passphrase } => {
            let key_file = KeyFile {
                option: "client_cert_p12",
                path: bundle,
                passphrase_option: "client_cert_p12_passphrase_file",
                passphrase_file: passphrase.as_deref(),
            };
            ([0; 32], None, key_file)
        }
    };
    let pkcs12 = matches!(files, Files::Pkcs12 { .. });
    let (key_digest, loaded) = key_file.read(current.map(|c| &c.key))?;
    // What did not change is taken from `current`, which exists whenever something is unchanged.
    let unchanged = || current.expect("only a file read before can be unchanged");
    let (key_der, chain) = match (loaded, chain) {
        (None, None) => return Ok(None),
        (Some(Loaded { key, chain: bundled, .. }), _) if pkcs12 => (key, bundled),
        (Some(Loaded { key, .. }), Some(chain)) => (key, chain),
        (Some(Loaded { key, .. }), None) => (key, unchanged().certified.cert.clone()),
        (None, Some(chain)) => (unchanged().key_der.clone_key(), chain),
    };
    if chain.is_empty() {
        return Err(Error::invalid_argument(format!("{files}: the PKCS#12 bundle holds no certificate for its key")));
    }
    // rustls checks that the key is usable and belongs to the certificate; its errors describe
    // the mismatch, not the key.
    let certified = CertifiedKey::from_der(chain, key_der.clone_key(), provider)
        .map_err(|e| Error::invalid_argument(format!("{files} are not a usable pair: {e}")))?;
    Ok(Some(Current { cert: cert_digest, key: key_digest, key_der, certified: Arc::new(certified), failed: None }))
}

fn sha256(bytes: &[u8]) -> Digest {
    let mut sum = [0u8; 32];
    sum.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    sum
}

impl Files {
    /// The files that hold a key or passphrase, for the permission warnings.
    fn secret_files(&self) -> Vec<(&'static str, &Path)> {
        let mut files = Vec::new();
        match self {
            Files::Pem { key, passphrase, .. } => {
                files.push(("client_key", key.as_path()));
                files.extend(passphrase.as_deref().map(|p| ("client_key_passphrase_file", p)));
            }
            Files::Pkcs12 { bundle, passphrase } => {
                files.push(("client_cert_p12", bundle.as_path()));
                files.extend(passphrase.as_deref().map(|p| ("client_cert_p12_passphrase_file", p)));
            }
        }
        files
    }

    /// A cheap fingerprint of the files' current content, to warn once per failed version.
    fn digests(&self) -> (Digest, Digest) {
        let read = |p: &Path| sha256(&std::fs::read(p).unwrap_or_default());
        match self {
            Files::Pem { cert, key, .. } => (read(cert), read(key)),
            Files::Pkcs12 { bundle, .. } => (read(bundle), [0; 32]),
        }
    }
}

impl fmt::Display for Files {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Files::Pem { cert, key, .. } => {
                write!(f, "options 'client_cert' ('{}') and 'client_key' ('{}')", cert.display(), key.display())
            }
            Files::Pkcs12 { bundle, .. } => write!(f, "option 'client_cert_p12' ('{}')", bundle.display()),
        }
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity").field("files", &self.files).finish_non_exhaustive()
    }
}

impl ResolvesClientCert for ClientIdentity {
    fn resolve(&self, _root_hint_subjects: &[&[u8]], _sigschemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        Some(self.present())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

impl fmt::Display for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.files.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logging::{Record, Sink};
    use std::process::Command;

    struct Capture(Mutex<Vec<Record>>);
    impl Sink for Capture {
        fn level(&self) -> LogLevel {
            LogLevel::Info
        }
        fn write(&self, record: &Record) {
            self.0.lock().unwrap().push(record.clone());
        }
    }

    /// A self-signed EC certificate and its key, `name.crt` and `name.key` in `dir`.
    fn cert(dir: &Path, name: &str) -> CertificateDer<'static> {
        let done = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
            .args(["-subj", &format!("/CN={name}"), "-keyout", &format!("{name}.key"), "-out", &format!("{name}.crt")])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        CertificateDer::from_pem_file(dir.join(format!("{name}.crt"))).unwrap()
    }

    #[test]
    fn a_rotated_certificate_is_presented_next_and_a_broken_rotation_keeps_the_last_good_one() {
        let dir = std::env::temp_dir().join(format!("hazy-identity-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (first, second) = (cert(&dir, "first"), cert(&dir, "second"));
        let (live_cert, live_key) = (dir.join("live.crt"), dir.join("live.key"));
        let install = |name: &str| {
            std::fs::copy(dir.join(format!("{name}.crt")), &live_cert).unwrap();
            std::fs::copy(dir.join(format!("{name}.key")), &live_key).unwrap();
        };
        install("first");
        let mut config = Config::default();
        config.client_cert = Some(live_cert.display().to_string());
        config.client_key = Some(live_key.display().to_string());
        let sink = Arc::new(Capture(Mutex::new(Vec::new())));
        let log = Arc::new(Logger::new(vec![sink.clone()]));
        let identity = ClientIdentity::from_config(&config, crate::tls::provider(), log).unwrap().unwrap();
        assert_eq!(identity.present().cert, vec![first.clone()]);
        assert_eq!(identity.present().cert, vec![first]);

        install("second");
        assert_eq!(identity.present().cert, vec![second.clone()]);

        // Half a rotation: the new certificate with the old key is not a pair.
        std::fs::copy(dir.join("first.crt"), &live_cert).unwrap();
        assert_eq!(identity.present().cert, vec![second.clone()]);
        assert_eq!(identity.present().cert, vec![second]);
        let warnings: Vec<String> = sink.0.lock().unwrap().iter()
            .filter(|r| r.event == "tls.client_cert.reload").map(|r| r.message.clone()).collect();
        assert_eq!(warnings.len(), 1, "one warning per broken version: {warnings:?}");
        assert!(warnings[0].contains("not a usable pair") && warnings[0].contains(&live_key.display().to_string()), "{warnings:?}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_options_come_in_pairs() {
        for (set, fragment) in [
            (vec![("client_cert", "c")], "client_cert is set without client_key"),
            (vec![("client_key", "k")], "client_key is set without client_cert"),
            (vec![("client_cert_p12", "b"), ("client_cert", "c")], "client_cert_p12 replaces client_cert and client_key"),
            (vec![("client_key_passphrase_file", "p")], "'client_key_passphrase_file' is set without"),
            (vec![("client_cert_p12_passphrase_file", "p")], "'client_cert_p12_passphrase_file' is set without"),
            (vec![("client_cert_p12", "b"), ("client_key_passphrase_file", "p")], "client_cert_p12_passphrase_file"),
        ] {
            let mut config = Config::default();
            for (key, value) in set {
                config.set(key, value).unwrap();
            }
            let e = ClientIdentity::from_config(&config, crate::tls::provider(), Arc::new(Logger::default())).unwrap_err();
            assert_eq!(e.status(), crate::Status::InvalidArgument);
            assert!(e.message().contains(fragment), "{e}");
        }
    }
}
