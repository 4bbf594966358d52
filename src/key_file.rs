//! Private keys as an enterprise PKI hands them out: PEM (PKCS#8, PKCS#1, SEC1), encrypted
//! PKCS#8 (PBES2), and PKCS#12 bundles (`.p12`, `.pfx`) with their certificates. Read by the
//! private_key_jwt signer (crate::auth::assertion) and the TLS client identity (crate::tls).
//!
//! Errors name the option and the path, never the file's content nor the passphrase.

use std::path::Path;

use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use pkcs8::der::pem::PemLabel;
use pkcs8::EncryptedPrivateKeyInfoRef;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret_file;

/// Where a key is: its option and file, and the option and file of its passphrase.
pub struct KeyFile<'a> {
    pub option: &'static str,
    pub path: &'a Path,
    pub passphrase_option: &'static str,
    pub passphrase_file: Option<&'a Path>,
}

/// A key as read from its file.
pub struct Loaded {
    pub key: PrivateKeyDer<'static>,
    /// The certificates of a PKCS#12 bundle, the key's own first; empty for a PEM key.
    pub chain: Vec<CertificateDer<'static>>,
    /// The passphrase that opened the key, for the redactors.
    pub passphrase: Option<SecretString>,
}

/// The SHA-256 of a key file's bytes and its passphrase: what tells a rotated key apart.
pub type Digest = [u8; 32];

/// A fix for keys in a scheme that is not read.
const REENCRYPT: &str = "re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY.p8`";

impl KeyFile<'_> {
    fn bad(&self, why: &str) -> Error {
        Error::invalid_argument(format!("option '{}' ('{}'): {why}", self.option, self.path.display()))
    }

    /// Reads the key file (and its passphrase file when the key needs one) and parses the key,
    /// unless the digest of what was read equals `unchanged`: then None, and the caller keeps
    /// the key it has (a rotation check costs a read, not a key derivation).
    pub fn read(&self, unchanged: Option<&Digest>) -> Result<(Digest, Option<Loaded>)> {
        let bytes = Zeroizing::new(
            std::fs::read(self.path).map_err(|e| self.bad(&format!("cannot read the file: {}", crate::private_file::io_reason(&e))))?,
        );
        let pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
        let encrypted = if pem { find_encrypted(&bytes) } else { None };
        // A PKCS#12 bundle always has a password, possibly empty; a PEM key only when encrypted.
        let passphrase = match (pem, encrypted.is_some(), self.passphrase_file) {
            (false, _, Some(file)) | (true, true, Some(file)) => Some(secret_file::read(self.passphrase_option, file)?),
            (true, true, None) => {
                return Err(self.bad(&format!(
                    "the key is encrypted (BEGIN ENCRYPTED PRIVATE KEY) and needs a passphrase: set {} ({}) to a file holding it",
                    self.passphrase_option,
                    env_name(self.passphrase_option)
                )))
            }
            _ => None,
        };
        let sum = digest(&bytes, passphrase.as_ref());
        if unchanged == Some(&sum) {
            return Ok((sum, None));
        }
        let loaded = match (pem, &encrypted) {
            (false, _) => self.pkcs12(&bytes, passphrase)?,
            (true, Some(range)) => {
                let passphrase = passphrase.expect("read above for an encrypted key");
                Loaded { key: self.decrypt(&bytes[range.clone()], &passphrase)?, chain: Vec::new(), passphrase: Some(passphrase) }
            }
            (true, None) => Loaded { key: self.plain(&bytes)?, chain: Vec::new(), passphrase: None },
        };
        Ok((sum, Some(loaded)))
    }

    fn plain(&self, pem: &[u8]) -> Result<PrivateKeyDer<'static>> {
        if pem.windows(20).any(|w| w == b"Proc-Type: 4,ENCRYPT") {
            return Err(self.bad(&format!(
                "an OpenSSL legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED), which is not supported; {REENCRYPT}"
            )));
        }
        PrivateKeyDer::from_pem_slice(pem).map_err(|_| {
            self.bad("no private key in PEM form (-----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----), nor a PKCS#12 bundle")
        })
    }

    fn decrypt(&self, block: &[u8], passphrase: &SecretString) -> Result<PrivateKeyDer<'static>> {
        let damaged = || self.bad("the ENCRYPTED PRIVATE KEY block is not valid PEM");
        let (label, document) =
            pkcs8::der::SecretDocument::from_pem(std::str::from_utf8(block).map_err(|_| damaged())?).map_err(|_| damaged())?;
        if label != EncryptedPrivateKeyInfoRef::PEM_LABEL {
            return Err(damaged());
        }
        let info = EncryptedPrivateKeyInfoRef::try_from(document.as_bytes()).map_err(|_| {
            self.bad(&format!(
                "the ENCRYPTED PRIVATE KEY block is damaged or not encrypted with PBES2 (PBES1 schemes are not supported): {REENCRYPT}"
            ))
        })?;
        let decrypted = info.decrypt(passphrase.expose_secret().as_bytes()).map_err(|e| match e {
            pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm { oid }) => self.bad(&format!(
                "the key is encrypted with an unsupported scheme ({oid}); PBES2 with PBKDF2 (HMAC-SHA1 or SHA-2) or scrypt \
                 and AES-CBC or 3DES-CBC is supported: {REENCRYPT}"
            )),
            _ => self.wrong_passphrase(),
        })?;
        Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(decrypted.as_bytes().to_vec())))
    }

    fn wrong_passphrase(&self) -> Error {
        match self.passphrase_file {
            Some(file) => self.bad(&format!(
                "cannot decrypt it with the passphrase in '{}' ({}): wrong passphrase?",
                file.display(),
                self.passphrase_option
            )),
            None => self.bad(&format!(
                "cannot open it without a passphrase: set {} ({}) to a file holding it",
                self.passphrase_option,
                env_name(self.passphrase_option)
            )),
        }
    }

    /// A PKCS#12 bundle: its first private key and that key's certificate chain.
    fn pkcs12(&self, der: &[u8], passphrase: Option<SecretString>) -> Result<Loaded> {
        let password = passphrase.as_ref().map(|p| p.expose_secret()).unwrap_or("");
        // Relaxed: a bundle whose certificate is not linked to its key by a local key id (as
        // some Windows exports are) still yields the key; rustls then checks that they match.
        let store = KeyStore::from_pkcs12(der, password, Pkcs12ImportPolicy::Relaxed).map_err(|e| {
            use p12_keystore::error::Error as P12;
            match e {
                P12::MacError(_) | P12::Pkcs5Error(_) | P12::UnpadError | P12::InvalidPrivateKey => self.wrong_passphrase(),
                P12::UnsupportedEncryptionScheme | P12::UnsupportedMacAlgorithm => self.bad(
                    "a PKCS#12 bundle in an unsupported scheme (MD5-based ones are not read): re-export it with \
                     `openssl pkcs12 -export` (OpenSSL 3's default, AES-256 and SHA-256)",
                ),
                P12::InvalidParameters => self.bad("a PKCS#12 bundle whose work factors exceed the limits (iterations above 1,000,000)"),
                _ => self.bad("neither a PEM private key nor a PKCS#12 bundle"),
            }
        })?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| self.bad("the PKCS#12 bundle holds no private key"))?;
        Ok(Loaded {
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec())),
            chain: chain.certs().iter().map(|c| CertificateDer::from(c.as_der().to_vec())).collect(),
            passphrase,
        })
    }
}

fn digest(bytes: &[u8], passphrase: Option<&SecretString>) -> Digest {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    context.update(bytes);
    if let Some(passphrase) = passphrase {
        context.update(&[0]);
        context.update(passphrase.expose_secret().as_bytes());
    }
    let mut sum = [0u8; 32];
    sum.copy_from_slice(context.finish().as_ref());
    sum
}

/// The environment variable of an option, for the fixes that errors suggest.
fn env_name(option: &str) -> &'static str {
    crate::config::OPTIONS.iter().find(|(key, _, _)| *key == option).map_or("", |(_, var, _)| var)
}

/// Where the `ENCRYPTED PRIVATE KEY` PEM block of `pem` is, if it has one.
fn find_encrypted(pem: &[u8]) -> Option<std::ops::Range<usize>> {
    const BEGIN: &[u8] = b"-----BEGIN ENCRYPTED PRIVATE KEY-----";
    const END: &[u8] = b"-----END ENCRYPTED PRIVATE KEY-----";
    let start = pem.windows(BEGIN.len()).position(|w| w == BEGIN)?;
    let end = start + pem[start..].windows(END.len()).position(|w| w == END)? + END.len();
    Some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;

    fn openssl(dir: &Path, args: &[&str]) {
        let done = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
        assert!(done.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&done.stderr));
    }

    /// A directory with an RSA key, its self-signed certificate and a passphrase file.
    fn material(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hazy-key-file-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        openssl(&dir, &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem"]);
        openssl(&dir, &["req", "-x509", "-key", "key.pem", "-subj", "/CN=libhazy key_file test", "-days", "1", "-out", "cert.pem"]);
        std::fs::write(dir.join("pass"), "P12CANARY-pass-7c1d\n").unwrap();
        dir
    }

    fn bundle<'a>(dir: &'a Path, p12: &'a Path, passphrase: Option<&'a Path>) -> KeyFile<'a> {
        let _ = dir;
        KeyFile { option: "client_cert_p12", path: p12, passphrase_option: "client_cert_p12_passphrase_file", passphrase_file: passphrase }
    }

    #[test]
    fn pkcs12_bundles_as_openssl_writes_them_yield_the_key_and_its_certificate() {
        let dir = material("p12");
        let pem_key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
        let cert = CertificateDer::from_pem_file(dir.join("cert.pem")).unwrap();
        let expected = ring::signature::RsaKeyPair::from_pkcs8(pem_key.secret_der()).unwrap();
        for (name, extra) in [
            ("default.p12", vec![]),                    // OpenSSL 3: PBES2 AES-256-CBC, HMAC-SHA256
            ("legacy.p12", vec!["-legacy"]),            // RC2-40 certificates, 3DES key, SHA-1 MAC
            ("3des.p12", vec!["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"]),
        ] {
            let mut args = vec!["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-passout", "file:pass", "-out", name];
            args.extend(extra);
            openssl(&dir, &args);
            let (p12, pass) = (dir.join(name), dir.join("pass"));
            let (digest, loaded) = bundle(&dir, &p12, Some(&pass)).read(None).unwrap();
            let loaded = loaded.unwrap();
            assert_eq!(loaded.chain, vec![cert.clone()], "{name}");
            let key = ring::signature::RsaKeyPair::from_pkcs8(loaded.key.secret_der()).unwrap();
            assert_eq!(ring::signature::KeyPair::public_key(&key).as_ref(), ring::signature::KeyPair::public_key(&expected).as_ref(), "{name}");
            assert!(loaded.passphrase.is_some());
            // Unchanged files are not parsed again.
            assert!(bundle(&dir, &p12, Some(&pass)).read(Some(&digest)).unwrap().1.is_none());
        }
        // An empty password needs no passphrase file.
        openssl(&dir, &["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-passout", "pass:", "-out", "empty.p12"]);
        let empty = dir.join("empty.p12");
        assert_eq!(bundle(&dir, &empty, None).read(None).unwrap().1.unwrap().chain, vec![cert]);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_wrong_or_missing_passphrase_names_the_paths_and_never_the_passphrase_nor_the_bytes() {
        let dir = material("p12-wrong");
        openssl(&dir, &["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-passout", "file:pass", "-out", "b.p12"]);
        let (p12, wrong) = (dir.join("b.p12"), dir.join("wrong"));
        std::fs::write(&wrong, "P12CANARY-wrong-91aa\n").unwrap();
        let garbage = dir.join("garbage.p12");
        std::fs::write(&garbage, b"\x30\x82P12CANARY-bytes-not-a-bundle").unwrap();
        let bytes = std::fs::read(&p12).unwrap();
        for (path, passphrase, fragments) in [
            (&p12, Some(&wrong), vec!["wrong passphrase?", "client_cert_p12_passphrase_file"]),
            (&p12, None, vec!["without a passphrase", "HAZY_CLIENT_CERT_P12_PASSPHRASE_FILE"]),
            (&garbage, Some(&wrong), vec!["neither a PEM private key nor a PKCS#12 bundle"]),
        ] {
            let e = bundle(&dir, path, passphrase.map(|p| p.as_path())).read(None).err().expect("refused");
            assert_eq!(e.status(), crate::Status::InvalidArgument, "{e}");
            assert!(e.message().contains(&path.display().to_string()), "{e}");
            for fragment in fragments {
                assert!(e.message().contains(fragment), "{e}");
            }
            assert!(!e.message().contains("P12CANARY"), "{e}");
            assert!(!e.message().contains(&String::from_utf8_lossy(&bytes[40..60]).into_owned()), "{e}");
        }
        std::fs::remove_dir_all(dir).ok();
    }
}
