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
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::error::{Error, Result};

mod identity;
pub use identity::ClientIdentity;

/// reqwest is built without a default rustls crypto provider (to avoid aws-lc's C build); we
/// use ring. A host process that installed its own provider keeps it.
pub fn provider() -> Arc<CryptoProvider> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    CryptoProvider::get_default().cloned().unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

pub fn client_config(
    extra_roots: Vec<CertificateDer<'static>>,
    insecure: bool,
    identity: Option<Arc<ClientIdentity>>,
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
        Some(identity) => {
            let mut config = builder.with_client_cert_resolver(identity.clone());
            config.resumption = rustls::client::Resumption::store(Arc::new(identity::Sessions::new(identity)));
            config
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
