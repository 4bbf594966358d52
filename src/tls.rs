//! The TLS configuration of a client, built once and shared by its per-thread connection
//! pools (crate::http): the certificate verifier, and the roots it loads on first use, are
//! then loaded once per client rather than once per thread.
//!
//! It is what reqwest would build from the same settings: the platform verifier (the system's
//! roots) plus a `ca_bundle`'s certificates, or no verification at all when the caller chose
//! `insecure_skip_tls_verify`.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::error::{Error, Result};

/// reqwest is built without a default rustls crypto provider (to avoid aws-lc's C build); we
/// use ring. A host process that installed its own provider keeps it.
fn provider() -> Arc<CryptoProvider> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    CryptoProvider::get_default().cloned().unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

/// A TLS client certificate chain and its key (`client_cert`, `client_key`), presented to
/// every server that asks for one: Keycloak, the Hub, or a TLS proxy in front of them.
pub struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_path: String,
    key_path: String,
}

impl ClientIdentity {
    /// Both options or neither. Errors name the option and path, never the file's content.
    pub fn from_paths(cert: Option<&str>, key: Option<&str>) -> Result<Option<ClientIdentity>> {
        let (cert_path, key_path) = match (cert, key) {
            (None, None) => return Ok(None),
            (Some(cert), Some(key)) => (cert, key),
            (Some(_), None) => return Err(Error::invalid_argument("client_cert is set without client_key")),
            (None, Some(_)) => return Err(Error::invalid_argument("client_key is set without client_cert")),
        };
        let read = |option: &str, path: &str| {
            std::fs::read(path).map(zeroize::Zeroizing::new).map_err(|e| {
                Error::invalid_argument(format!("option '{option}' ('{path}'): cannot read the file: {}", e.kind()))
            })
        };
        let chain = CertificateDer::pem_slice_iter(&read("client_cert", cert_path)?)
            .collect::<std::result::Result<Vec<_>, _>>()
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "option 'client_cert' ('{cert_path}'): no certificate in PEM form (-----BEGIN CERTIFICATE-----)"
                ))
            })?;
        let key = PrivateKeyDer::from_pem_slice(&read("client_key", key_path)?).map_err(|_| {
            Error::invalid_argument(format!(
                "option 'client_key' ('{key_path}'): no unencrypted private key in PEM form (PKCS#8, PKCS#1 or SEC1)"
            ))
        })?;
        Ok(Some(ClientIdentity { chain, key, cert_path: cert_path.to_owned(), key_path: key_path.to_owned() }))
    }
}

pub fn client_config(
    extra_roots: Vec<CertificateDer<'static>>,
    insecure: bool,
    identity: Option<ClientIdentity>,
) -> Result<ClientConfig> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid_argument(format!("cannot configure TLS: {e}")))?
        .dangerous();
    let verifier: Arc<dyn ServerCertVerifier> = if insecure {
        Arc::new(NoVerification(provider))
    } else {
        platform_verifier(extra_roots, provider)?
    };
    let builder = builder.with_custom_certificate_verifier(verifier);
    let mut config = match identity {
        None => builder.with_no_client_auth(),
        Some(ClientIdentity { chain, key, cert_path, key_path }) => {
            // rustls checks that the key is usable and belongs to the certificate; its errors
            // describe the mismatch, not the key.
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                Error::invalid_argument(format!(
                    "options 'client_cert' ('{cert_path}') and 'client_key' ('{key_path}') are not a usable pair: {e}"
                ))
            })?
        }
    };
    // reqwest is built for HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The system's roots through the platform verifier, plus a `ca_bundle`'s certificates.
#[cfg(not(windows))]
fn platform_verifier(
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>> {
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider)
    };
    Ok(Arc::new(verifier.map_err(|e| Error::invalid_argument(format!("cannot configure TLS: {e}")))?))
}

#[cfg(windows)]
#[path = "tls_windows.rs"]
mod windows;
#[cfg(windows)]
use windows::verifier as platform_verifier;

/// The certificates of a PEM bundle (the `ca_bundle` option).
pub fn read_ca_bundle(path: &str) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid_argument(format!("cannot read CA bundle '{path}': {e}")))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::invalid_argument(format!("CA bundle '{path}' is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::invalid_argument(format!("CA bundle '{path}' has no certificate")));
    }
    Ok(certs)
}

/// Accepts any certificate: `insecure_skip_tls_verify`, which warns when a client is made.
/// Signatures are still checked, so the handshake itself is sound.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
