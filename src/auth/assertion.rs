//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): the client
//! proves who it is with a short-lived JWT signed by its private key, which Keycloak checks
//! against the certificate or JWKS registered for the client ("Signed JWT").
//!
//! jsonwebtoken builds and signs the JWT. It is used without a crypto backend feature (its
//! choices are aws-lc, a C build, or RustCrypto's `rsa`, with its timing advisory), so this
//! module hands it a provider backed by ring, which rustls already links.

use std::fmt;
use std::sync::Once;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::signature::{self, Signer};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, EcdsaKeyPair, RsaKeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::PrivateKeyDer;
use secrecy::SecretString;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::config::{ClientAuth, Config};
use crate::error::{truncate, Error, Result};

/// How long an assertion is valid. Keycloak accepts each `jti` once, so an assertion is made
/// per request and only has to outlive the request's trip.
const LIFETIME_S: u64 = 60;

/// The `client_assertion_type` of RFC 7523.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A client's signing key, loaded once from `client_private_key`. `Debug` shows the path and
/// algorithm, never the key.
pub struct AssertionKey {
    key: EncodingKey,
    algorithm: Algorithm,
    key_id: Option<String>,
    path: String,
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
    /// The private_key_jwt signing key of `config`, loaded and checked once when the client is
    /// made. None unless `client_auth` is `private_key_jwt`, which needs `client_private_key`.
    pub fn from_config(config: &Config) -> Result<Option<AssertionKey>> {
        match (config.client_auth, &config.client_private_key) {
            (ClientAuth::PrivateKeyJwt, Some(path)) => {
                AssertionKey::load(path, config.client_assertion_alg.as_deref(), config.client_key_id.clone()).map(Some)
            }
            (ClientAuth::PrivateKeyJwt, None) => Err(Error::invalid_argument(
                "client_auth is private_key_jwt but no client_private_key (HAZY_CLIENT_PRIVATE_KEY) is set",
            )),
            (auth, Some(_)) => Err(Error::invalid_argument(format!(
                "client_private_key is set but client_auth is {auth:?}: set client_auth to private_key_jwt"
            ))),
            (_, None) => Ok(None),
        }
    }

    /// Reads a PEM private key: RSA (PKCS#1 or PKCS#8, 2048 bits or more) or EC P-256/P-384
    /// (PKCS#8). `algorithm` is a JWS name (RS256, PS256, ES256, ...); None picks RS256 for
    /// RSA and the curve's ES algorithm for EC. Errors name the option and path, never the
    /// file's content.
    pub fn load(path: &str, algorithm: Option<&str>, key_id: Option<String>) -> Result<AssertionKey> {
        let bad = |why: &str| Error::invalid_argument(format!("option 'client_private_key' ('{path}'): {why}"));
        let pem = Zeroizing::new(std::fs::read(path).map_err(|e| bad(&format!("cannot read the file: {}", io_reason(&e))))?);
        let der = PrivateKeyDer::from_pem_slice(&pem).map_err(|_| {
            bad("no unencrypted private key in PEM form (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)")
        })?;
        let (family, natural) = match &der {
            PrivateKeyDer::Pkcs1(k) => {
                RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(|e| bad(&format!("not a usable RSA key ({e})")))?;
                (AlgorithmFamily::Rsa, Algorithm::RS256)
            }
            PrivateKeyDer::Pkcs8(k) => pkcs8_kind(k.secret_pkcs8_der()).ok_or_else(|| {
                bad("not an RSA key of 2048 bits or more, nor an EC key on P-256 or P-384")
            })?,
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
        Ok(AssertionKey { key, algorithm, key_id, path: path.to_owned() })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
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

impl fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssertionKey")
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

/// The reason of an I/O error without the path, which the caller names.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
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
