//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): the client
//! proves who it is with a short-lived JWT signed by its private key, which Keycloak checks
//! against the certificate or JWKS registered for the client ("Signed JWT").
//!
//! jsonwebtoken builds and signs the JWT. It is used without a crypto backend feature (its
//! choices are aws-lc, a C build, or RustCrypto's `rsa`, with its timing advisory), so this
//! module hands it a provider backed by ring, which rustls already links.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::signature::{self, Signer};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, EcdsaKeyPair, RsaKeyPair};
use rustls::pki_types::PrivateKeyDer;
use secrecy::SecretString;
use serde::Serialize;

use crate::key_file::{KeyFile, Loaded};
use crate::secret_file::warn_if_shared;
use crate::config::{ClientAuth, Config};
use crate::error::{truncate, Error, Result};
use crate::logging::Logger;

/// How long an assertion is valid. Keycloak accepts each `jti` once, so an assertion is made
/// per request and only has to outlive the request's trip.
const LIFETIME_S: u64 = 60;

/// The `client_assertion_type` of RFC 7523.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The option that names the passphrase file of an encrypted `client_private_key`.
const PASSPHRASE_OPTION: &str = "client_private_key_passphrase_file";

/// A client's signing key: the file `client_private_key` (and the passphrase file of an
/// encrypted key), checked when the client is made and read again for every grant
/// ([`AssertionKey::signer`]), so that a key rotated on disk is used without a restart. The
/// parsed key is kept while neither file changes. `Debug` shows the paths, never the key.
pub struct AssertionKey {
    path: String,
    passphrase_file: Option<PathBuf>,
    /// The configured `client_assertion_alg`, checked against each key read.
    requested: Option<String>,
    key_id: Option<String>,
    /// The key last read, with the digest of the bytes it was made from.
    current: Mutex<([u8; 32], Arc<SigningKey>)>,
    /// Files already warned about for their permissions: once per client.
    warned: Mutex<HashSet<PathBuf>>,
}

/// One key as read from its file: signs assertions until the file changes.
pub struct SigningKey {
    key: EncodingKey,
    algorithm: Algorithm,
    key_id: Option<String>,
    path: String,
    /// The passphrase that decrypted the key, for the redactors.
    passphrase: Option<SecretString>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: u64,
    exp: u64,
}

impl AssertionKey {
    /// The private_key_jwt signing key of `config`, read and checked now so that a bad key is
    /// reported when the client is made. None unless `client_auth` is `private_key_jwt`, which
    /// needs `client_private_key`.
    pub fn from_config(config: &Config) -> Result<Option<AssertionKey>> {
        match (config.client_auth, &config.client_private_key, &config.client_private_key_passphrase_file) {
            (ClientAuth::PrivateKeyJwt, Some(path), passphrase_file) => AssertionKey::open(
                path,
                passphrase_file.as_deref().map(Path::new),
                config.client_assertion_alg.as_deref(),
                config.client_key_id.clone(),
            )
            .map(Some),
            (ClientAuth::PrivateKeyJwt, None, _) => Err(Error::invalid_argument(
                "client_auth is private_key_jwt but no client_private_key (HAZY_CLIENT_PRIVATE_KEY) is set",
            )),
            (auth, Some(_), _) => Err(Error::invalid_argument(format!(
                "client_private_key is set but client_auth is {auth:?}: set client_auth to private_key_jwt"
            ))),
            (_, None, Some(_)) => Err(Error::invalid_argument(format!(
                "{PASSPHRASE_OPTION} is set but client_private_key is not: the passphrase is for an encrypted client_private_key"
            ))),
            (_, None, None) => Ok(None),
        }
    }

    /// [`AssertionKey::open`] for an unencrypted key.
    pub fn load(path: &str, algorithm: Option<&str>, key_id: Option<String>) -> Result<AssertionKey> {
        AssertionKey::open(path, None, algorithm, key_id)
    }

    /// Reads a PEM private key: RSA (PKCS#1 or PKCS#8, 2048 bits or more) or EC P-256/P-384
    /// (PKCS#8), or an encrypted PKCS#8 key (PBES2) whose passphrase is in `passphrase_file`.
    /// `algorithm` is a JWS name (RS256, PS256, ES256, ...); None picks RS256 for RSA and the
    /// curve's ES algorithm for EC. Errors name the option and path, never the file's content
    /// nor the passphrase.
    pub fn open(path: &str, passphrase_file: Option<&Path>, algorithm: Option<&str>, key_id: Option<String>) -> Result<AssertionKey> {
        let passphrase_file = passphrase_file.map(Path::to_path_buf);
        let (digest, key) = read_key(path, passphrase_file.as_deref(), algorithm, &key_id, None)?;
        let key = key.expect("parsed when nothing is cached");
        Ok(AssertionKey {
            path: path.to_owned(),
            passphrase_file,
            requested: algorithm.map(str::to_owned),
            key_id,
            current: Mutex::new((digest, Arc::new(key))),
            warned: Mutex::new(HashSet::new()),
        })
    }

    /// The key to sign one grant's assertions with: the files are read again, and parsed
    /// again when they changed. A file that went missing or became unusable is
    /// INVALID_ARGUMENT naming the option and path. A key or passphrase file that group or
    /// others can read is warned about through `log`, once per client.
    pub fn signer(&self, log: &Logger) -> Result<Arc<SigningKey>> {
        {
            let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
            let key_path = PathBuf::from(&self.path);
            if warned.insert(key_path.clone()) {
                warn_if_shared(log, "client_private_key", &key_path);
            }
            if let Some(file) = &self.passphrase_file {
                if warned.insert(file.clone()) {
                    warn_if_shared(log, PASSPHRASE_OPTION, file);
                }
            }
        }
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let (digest, key) =
            read_key(&self.path, self.passphrase_file.as_deref(), self.requested.as_deref(), &self.key_id, Some(&current.0))?;
        if let Some(key) = key {
            *current = (digest, Arc::new(key));
        }
        Ok(current.1.clone())
    }

    /// The algorithm of the key last read.
    pub fn algorithm(&self) -> Algorithm {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).1.algorithm
    }

    /// A new assertion signed with the key last read (tests; grants use [`AssertionKey::signer`]).
    pub fn assertion(&self, client_id: &str, audience: &str) -> Result<SecretString> {
        let key = self.current.lock().unwrap_or_else(|e| e.into_inner()).1.clone();
        key.assertion(client_id, audience)
    }
}

impl SigningKey {
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The passphrase that decrypted the key, which the redactors scrub.
    pub fn passphrase(&self) -> Option<&SecretString> {
        self.passphrase.as_ref()
    }

    /// A new assertion for one token request: `iss` = `sub` = the client id, `aud` = the
    /// token endpoint (or the configured audience), a fresh `jti`, valid for a minute.
    pub fn assertion(&self, client_id: &str, audience: &str) -> Result<SecretString> {
        install_provider();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let claims = Claims {
            iss: client_id,
            sub: client_id,
            aud: audience,
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            exp: now + LIFETIME_S,
        };
        let mut header = Header::new(self.algorithm);
        header.kid = self.key_id.clone();
        jsonwebtoken::encode(&header, &claims, &self.key).map(SecretString::from).map_err(|e| {
            // jsonwebtoken's errors name the failure kind, never key material.
            Error::invalid_argument(format!(
                "cannot sign the client assertion with the key in '{}' ({:?}): {e}",
                self.path, self.algorithm
            ))
        })
    }
}

/// Reads the key file (and the passphrase file), and parses the key unless the digest of what
/// was read equals `unchanged` (then None: the caller keeps the key it has).
fn read_key(
    path: &str,
    passphrase_file: Option<&Path>,
    algorithm: Option<&str>,
    key_id: &Option<String>,
    unchanged: Option<&[u8; 32]>,
) -> Result<([u8; 32], Option<SigningKey>)> {
    let bad = |why: &str| Error::invalid_argument(format!("option 'client_private_key' ('{path}'): {why}"));
    let file = KeyFile { option: "client_private_key", path: Path::new(path), passphrase_option: PASSPHRASE_OPTION, passphrase_file };
    let (sum, loaded) = file.read(unchanged)?;
    let Some(Loaded { key: der, passphrase, .. }) = loaded else { return Ok((sum, None)) };
    // A wrong passphrase can get past the padding check now and then; the key then fails to parse.
    let unusable = |why: String| match &passphrase {
        Some(_) => bad(&format!("{why}, or the passphrase ({PASSPHRASE_OPTION}) is wrong")),
        None => bad(&why),
    };
    let (family, natural) = match &der {
        PrivateKeyDer::Pkcs1(k) => {
            RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(|e| unusable(format!("not a usable RSA key ({e})")))?;
            (AlgorithmFamily::Rsa, Algorithm::RS256)
        }
        PrivateKeyDer::Pkcs8(k) => pkcs8_kind(k.secret_pkcs8_der())
            .ok_or_else(|| unusable("not an RSA key of 2048 bits or more, nor an EC key on P-256 or P-384".to_owned()))?,
        PrivateKeyDer::Sec1(_) => {
            return Err(bad(
                "an EC key in SEC1 form (BEGIN EC PRIVATE KEY); convert it to PKCS#8 with \
                 `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`",
            ))
        }
        _ => return Err(bad("unsupported private key format")),
    };
    let algorithm = match algorithm {
        None => natural,
        Some(name) => parse_algorithm(name)?,
    };
    let fits = match family {
        AlgorithmFamily::Rsa => family.algorithms().contains(&algorithm),
        _ => algorithm == natural,
    };
    if !fits {
        return Err(Error::invalid_argument(format!(
            "option 'client_assertion_alg': {algorithm:?} does not fit the key in '{path}' (use {})",
            match family {
                AlgorithmFamily::Rsa => "RS256, RS384, RS512, PS256, PS384 or PS512".to_owned(),
                _ => format!("{natural:?}"),
            }
        )));
    }
    let secret = match &der {
        PrivateKeyDer::Pkcs1(k) => k.secret_pkcs1_der(),
        PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der(),
        _ => unreachable!("refused above"),
    };
    let key = match family {
        AlgorithmFamily::Rsa => EncodingKey::from_rsa_der(secret),
        _ => EncodingKey::from_ec_der(secret),
    };
    Ok((sum, Some(SigningKey { key, algorithm, key_id: key_id.clone(), path: path.to_owned(), passphrase })))
}

impl fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssertionKey")
            .field("path", &self.path)
            .field("passphrase_file", &self.passphrase_file)
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("path", &self.path)
            .field("algorithm", &self.algorithm)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

fn parse_algorithm(name: &str) -> Result<Algorithm> {
    let algorithm = match name.to_ascii_uppercase().as_str() {
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        _ => {
            return Err(Error::invalid_argument(format!(
                "option 'client_assertion_alg': '{}' is not one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384",
                truncate(name, 16)
            )))
        }
    };
    Ok(algorithm)
}

/// Which family a PKCS#8 key belongs to, and its natural algorithm, by asking ring.
fn pkcs8_kind(der: &[u8]) -> Option<(AlgorithmFamily, Algorithm)> {
    let rng = SystemRandom::new();
    if RsaKeyPair::from_pkcs8(der).is_ok() {
        Some((AlgorithmFamily::Rsa, Algorithm::RS256))
    } else if EcdsaKeyPair::from_pkcs8(&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, der, &rng).is_ok() {
        Some((AlgorithmFamily::Ec, Algorithm::ES256))
    } else if EcdsaKeyPair::from_pkcs8(&ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING, der, &rng).is_ok() {
        Some((AlgorithmFamily::Ec, Algorithm::ES384))
    } else {
        None
    }
}

// ---------------------------------------------------------------- the ring provider

/// Installed on first use. A process that installed a provider of its own keeps it; the keys
/// this module loads are DER that the built-in providers read too (PKCS#1 RSA excepted for
/// aws-lc, which wants PKCS#8: see the README).
fn install_provider() {
    static ONCE: Once = Once::new();
    static RING: CryptoProvider = CryptoProvider {
        signer_factory: ring_signer,
        verifier_factory: no_verifier,
        key_utils: KeyUtils::new_unimplemented(),
    };
    ONCE.call_once(|| {
        let _ = RING.install_default();
    });
}

struct RingSigner {
    algorithm: Algorithm,
    key: EncodingKey,
}

fn ring_signer(algorithm: &Algorithm, key: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
    if !key.family().algorithms().contains(algorithm) || key.family() == AlgorithmFamily::Hmac {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(RingSigner { algorithm: *algorithm, key: key.clone() }))
}

/// libhazy signs and never verifies: Keycloak checks the assertion.
fn no_verifier(_: &Algorithm, _: &DecodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtVerifier>> {
    Err(ErrorKind::Provider("libhazy's provider only signs".to_owned()).into())
}

impl Signer<Vec<u8>> for RingSigner {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let der = self.key.as_bytes();
        let rng = SystemRandom::new();
        let rsa: Option<&'static dyn ring_sig::RsaEncoding> = match self.algorithm {
            Algorithm::RS256 => Some(&ring_sig::RSA_PKCS1_SHA256),
            Algorithm::RS384 => Some(&ring_sig::RSA_PKCS1_SHA384),
            Algorithm::RS512 => Some(&ring_sig::RSA_PKCS1_SHA512),
            Algorithm::PS256 => Some(&ring_sig::RSA_PSS_SHA256),
            Algorithm::PS384 => Some(&ring_sig::RSA_PSS_SHA384),
            Algorithm::PS512 => Some(&ring_sig::RSA_PSS_SHA512),
            _ => None,
        };
        if let Some(encoding) = rsa {
            let pair = RsaKeyPair::from_pkcs8(der).or_else(|_| RsaKeyPair::from_der(der)).map_err(|_| signature::Error::new())?;
            let mut out = vec![0; pair.public().modulus_len()];
            pair.sign(encoding, &rng, message, &mut out).map_err(|_| signature::Error::new())?;
            return Ok(out);
        }
        let curve = match self.algorithm {
            Algorithm::ES256 => &ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING,
            Algorithm::ES384 => &ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING,
            _ => return Err(signature::Error::new()),
        };
        let pair = EcdsaKeyPair::from_pkcs8(curve, der, &rng).map_err(|_| signature::Error::new())?;
        pair.sign(&rng, message).map(|s| s.as_ref().to_vec()).map_err(|_| signature::Error::new())
    }
}

impl JwtSigner for RingSigner {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rustls::pki_types::pem::PemObject;
    use secrecy::ExposeSecret;

    /// A key made by ring at test time (no key material in the repository), as PEM.
    fn ec_key_file(dir: &std::path::Path) -> String {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n");
        let path = dir.join("ec.pem");
        std::fs::write(&path, pem).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn tempdir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hazy-assertion-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_ec_assertion_carries_the_rfc7523_claims_and_verifies() {
        let dir = tempdir("ec");
        let path = ec_key_file(&dir);
        let key = AssertionKey::load(&path, None, Some("kid-1".into())).unwrap();
        assert_eq!(key.algorithm(), Algorithm::ES256);
        let a = key.assertion("jwt-client", "http://kc/token").unwrap();
        let b = key.assertion("jwt-client", "http://kc/token").unwrap();
        let parts: Vec<&str> = a.expose_secret().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], "kid-1");
        assert_eq!(claims["iss"], "jwt-client");
        assert_eq!(claims["sub"], "jwt-client");
        assert_eq!(claims["aud"], "http://kc/token");
        assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), LIFETIME_S);
        let claims_b: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(b.expose_secret().split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert_ne!(claims["jti"], claims_b["jti"], "every assertion needs its own jti");
        // Verify with ring against the public key of the same pair.
        let pem = std::fs::read(&path).unwrap();
        let der = PrivateKeyDer::from_pem_slice(&pem).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, der.secret_der(), &SystemRandom::new()).unwrap();
        let public = ring_sig::UnparsedPublicKey::new(&ring_sig::ECDSA_P256_SHA256_FIXED, ring::signature::KeyPair::public_key(&pair).as_ref().to_vec());
        let signed = format!("{}.{}", parts[0], parts[1]);
        public.verify(signed.as_bytes(), &URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn bad_key_files_name_the_option_and_path_never_the_content() {
        let dir = tempdir("bad");
        let canary = "CANARY-KEY-BYTES-5f0e";
        let garbage = dir.join("garbage.pem");
        std::fs::write(&garbage, format!("-----BEGIN PRIVATE KEY-----\n{canary}\n-----END PRIVATE KEY-----\n")).unwrap();
        let missing = dir.join("missing.pem");
        let ec = ec_key_file(&dir);
        for (path, alg, fragment) in [
            (garbage.to_string_lossy().into_owned(), None, "client_private_key"),
            (missing.to_string_lossy().into_owned(), None, "no such file"),
            (ec.clone(), Some("RS256"), "client_assertion_alg"),
            (ec.clone(), Some("HS256"), "client_assertion_alg"),
        ] {
            let e = AssertionKey::load(&path, alg, None).unwrap_err();
            assert_eq!(e.status(), crate::Status::InvalidArgument, "{e}");
            assert!(e.message().contains(fragment), "{e}");
            // An unknown algorithm name is refused before the key is looked at.
            if alg != Some("HS256") {
                assert!(e.message().contains(&path), "{e}");
            }
            assert!(!e.message().contains(canary), "{e}");
        }
        let key = AssertionKey::load(&ec, None, None).unwrap();
        assert!(!format!("{key:?}").contains("PRIVATE"));
        std::fs::remove_dir_all(dir).ok();
    }

    /// `openssl genpkey` with `args`, encrypted by `openssl pkcs8 -topk8 -v2 aes-256-cbc` with
    /// the passphrase in `pass`; returns the plain and the encrypted key files.
    fn openssl_key(dir: &std::path::Path, name: &str, args: &[&str], pass: &std::path::Path) -> (String, String) {
        let plain = dir.join(format!("{name}.pem"));
        let encrypted = dir.join(format!("{name}.p8"));
        let run = |cmd: &mut std::process::Command| {
            let out = cmd.output().expect("openssl runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        run(std::process::Command::new("openssl").arg("genpkey").args(args).arg("-out").arg(&plain));
        run(std::process::Command::new("openssl")
            .args(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in"])
            .arg(&plain)
            .arg("-passout")
            .arg(format!("file:{}", pass.display()))
            .arg("-out")
            .arg(&encrypted));
        (plain.to_string_lossy().into_owned(), encrypted.to_string_lossy().into_owned())
    }

    /// Whether `assertion` was signed by the private key in the unencrypted PKCS#8 file `plain`.
    fn signed_by(assertion: &SecretString, plain: &str) -> bool {
        let der = PrivateKeyDer::from_pem_file(plain).unwrap();
        let parts: Vec<&str> = assertion.expose_secret().split('.').collect();
        let message = format!("{}.{}", parts[0], parts[1]);
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        let (algorithm, public): (&'static dyn ring_sig::VerificationAlgorithm, Vec<u8>) =
            if let Ok(pair) = RsaKeyPair::from_pkcs8(der.secret_der()) {
                (&ring_sig::RSA_PKCS1_2048_8192_SHA256, ring_sig::KeyPair::public_key(&pair).as_ref().to_vec())
            } else {
                let pair = EcdsaKeyPair::from_pkcs8(&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, der.secret_der(), &SystemRandom::new()).unwrap();
                (&ring_sig::ECDSA_P256_SHA256_FIXED, ring_sig::KeyPair::public_key(&pair).as_ref().to_vec())
            };
        ring_sig::UnparsedPublicKey::new(algorithm, public).verify(message.as_bytes(), &signature).is_ok()
    }

    #[test]
    fn encrypted_pkcs8_rsa_and_ec_keys_sign_with_the_passphrase_from_its_file() {
        let dir = tempdir("encrypted");
        let passphrase = "CANARY-passphrase-7c1d";
        let pass = dir.join("pass");
        std::fs::write(&pass, format!("{passphrase}\n")).unwrap();
        let (rsa_plain, rsa) = openssl_key(&dir, "rsa", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], &pass);
        let (ec_plain, ec) = openssl_key(&dir, "ec", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], &pass);
        for (plain, encrypted, algorithm) in [(&rsa_plain, &rsa, Algorithm::RS256), (&ec_plain, &ec, Algorithm::ES256)] {
            assert!(std::fs::read_to_string(encrypted).unwrap().contains("BEGIN ENCRYPTED PRIVATE KEY"));
            let key = AssertionKey::open(encrypted, Some(&pass), None, None).unwrap();
            assert_eq!(key.algorithm(), algorithm);
            let signer = key.signer(&Logger::new(Vec::new())).unwrap();
            assert_eq!(signer.passphrase().unwrap().expose_secret(), passphrase, "the redactors get the passphrase");
            assert!(signed_by(&signer.assertion("jwt-client", "http://kc/token").unwrap(), plain));
            assert!(!format!("{key:?}{signer:?}").contains(passphrase));
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_wrong_or_missing_passphrase_names_the_path_and_never_the_passphrase() {
        let dir = tempdir("passphrase");
        let pass = dir.join("pass");
        std::fs::write(&pass, "CANARY-right-passphrase-91ab\n").unwrap();
        let (_, ec) = openssl_key(&dir, "ec", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], &pass);
        let wrong = dir.join("wrong");
        std::fs::write(&wrong, "CANARY-wrong-passphrase-22cd\n").unwrap();
        let e = AssertionKey::open(&ec, Some(&wrong), None, None).unwrap_err();
        assert_eq!(e.status(), crate::Status::InvalidArgument, "{e}");
        assert!(e.message().contains(&ec) && e.message().contains(&*wrong.to_string_lossy()), "{e}");
        assert!(e.message().contains("passphrase"), "{e}");
        assert!(!e.message().contains("CANARY"), "{e}");
        let e = AssertionKey::open(&ec, None, None, None).unwrap_err();
        assert_eq!(e.status(), crate::Status::InvalidArgument, "{e}");
        assert!(e.message().contains(&ec) && e.message().contains("needs a passphrase"), "{e}");
        assert!(e.message().contains("client_private_key_passphrase_file"), "{e}");
        let e = AssertionKey::open(&ec, Some(&dir.join("absent")), None, None).unwrap_err();
        assert!(e.message().contains("client_private_key_passphrase_file") && e.message().contains("no such file"), "{e}");
        // A passphrase for a key that is not encrypted is not needed, and not read.
        let plain = ec_key_file(&dir);
        assert!(AssertionKey::open(&plain, Some(&dir.join("absent")), None, None).is_ok());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_key_file_is_read_again_for_each_signer_and_kept_while_unchanged() {
        let dir = tempdir("rotate");
        let path = ec_key_file(&dir);
        let first = std::fs::read(&path).unwrap();
        let log = Logger::new(Vec::new());
        let key = AssertionKey::load(&path, None, None).unwrap();
        let a = key.signer(&log).unwrap();
        assert!(Arc::ptr_eq(&a, &key.signer(&log).unwrap()), "an unchanged file is not parsed again");
        let old = dir.join("old.pem");
        std::fs::write(&old, &first).unwrap();
        ec_key_file(&dir); // a new key in the same file
        let b = key.signer(&log).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        let assertion = b.assertion("c", "aud").unwrap();
        assert!(signed_by(&assertion, &path) && !signed_by(&assertion, &old.to_string_lossy()));
        std::fs::write(&path, "-----BEGIN PRIVATE KEY-----\nCANARY-rotated-garbage\n-----END PRIVATE KEY-----\n").unwrap();
        let e = key.signer(&log).unwrap_err();
        assert!(e.message().contains(&path) && !e.message().contains("CANARY"), "{e}");
        std::fs::remove_file(&path).unwrap();
        let e = key.signer(&log).unwrap_err();
        assert_eq!(e.status(), crate::Status::InvalidArgument);
        assert!(e.message().contains(&path) && e.message().contains("no such file"), "{e}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_pbes2_schemes_openssl_writes_are_read_and_legacy_encryption_is_refused_with_a_fix() {
        let dir = tempdir("schemes");
        let pass = dir.join("pass");
        std::fs::write(&pass, "CANARY-scheme-passphrase\n").unwrap();
        let plain = ec_key_file(&dir);
        let passin = format!("file:{}", pass.display());
        let convert = |name: &str, args: &[&str]| {
            let out_path = dir.join(name);
            let out = std::process::Command::new("openssl")
                .args(args)
                .args(["-in", &plain, "-passout", &passin, "-out"])
                .arg(&out_path)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
            out_path.to_string_lossy().into_owned()
        };
        for (name, args) in [
            ("aes128", &["pkcs8", "-topk8", "-v2", "aes-128-cbc"][..]),
            ("des3", &["pkcs8", "-topk8", "-v2", "des3"][..]),
            ("sha1prf", &["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA1"][..]),
            ("scrypt", &["pkcs8", "-topk8", "-scrypt"][..]),
        ] {
            let path = convert(name, args);
            let key = AssertionKey::open(&path, Some(&pass), None, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(key.algorithm(), Algorithm::ES256, "{name}");
        }
        for (name, args, fragment) in [
            ("pbes1", &["pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES"][..], "openssl pkcs8 -topk8 -v2 aes-256-cbc"),
            ("legacy", &["ec", "-aes256"][..], "Proc-Type"),
        ] {
            let path = convert(name, args);
            let e = AssertionKey::open(&path, Some(&pass), None, None).unwrap_err();
            assert_eq!(e.status(), crate::Status::InvalidArgument, "{name}: {e}");
            assert!(e.message().contains(fragment) && e.message().contains(&path), "{name}: {e}");
            assert!(!e.message().contains("CANARY"), "{e}");
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_passphrase_file_needs_a_private_key() {
        let mut c = Config::default();
        c.set("client_private_key_passphrase_file", "/p").unwrap();
        let e = AssertionKey::from_config(&c).unwrap_err();
        assert!(e.message().contains("client_private_key_passphrase_file"), "{e}");
    }

    #[test]
    fn private_key_jwt_needs_its_key_and_the_key_needs_private_key_jwt() {
        let mut c = Config::default();
        c.set("client_auth", "private_key_jwt").unwrap();
        let e = AssertionKey::from_config(&c).unwrap_err();
        assert!(e.message().contains("client_private_key"), "{e}");
        c.set("client_auth", "tls_client_auth").unwrap();
        assert!(AssertionKey::from_config(&c).unwrap().is_none());
        c.set("client_private_key", "/k.pem").unwrap();
        let e = AssertionKey::from_config(&c).unwrap_err();
        assert!(e.message().contains("set client_auth to private_key_jwt"), "{e}");
    }
}
