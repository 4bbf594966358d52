//! Windows: the server certificate is checked by Windows itself first (rustls-platform-verifier:
//! the certificate chain engine and the Windows certificate store, with the machine's and the
//! enterprise's trusted roots), and only if that fails, and a `ca_bundle` is set, by rustls'
//! webpki against the bundle's CAs alone: the bundle adds trust anchors, as on Linux, and a
//! chain is accepted when either check accepts it.
//!
//! Why not the platform verifier's own extra roots: on Windows it builds a second chain engine
//! from a Windows 8+ structure (`hExclusiveRoot` with `dwExclusiveFlags`), which Wine rejects
//! (E_INVALIDARG), so that path could not be tested here; this one is the one the Wine suite
//! runs (tests/windows/services.py), and it checks the bundle the way Linux does.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, Result};

pub fn verifier(
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>> {
    let system = Arc::new(
        rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|e| Error::invalid_argument(format!("cannot configure TLS: {e}")))?,
    );
    if extra_roots.is_empty() {
        return Ok(system);
    }
    let mut roots = RootCertStore::empty();
    for cert in extra_roots {
        roots
            .add(cert)
            .map_err(|e| Error::invalid_argument(format!("CA bundle: unusable certificate: {e}")))?;
    }
    let bundle = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| Error::invalid_argument(format!("cannot configure TLS: {e}")))?;
    Ok(Arc::new(SystemThenBundle { system, bundle }))
}

#[derive(Debug)]
struct SystemThenBundle {
    system: Arc<rustls_platform_verifier::Verifier>,
    bundle: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for SystemThenBundle {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let system_error =
            match self.system.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
                Ok(verified) => return Ok(verified),
                Err(e) => e,
            };
        match self.bundle.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Ok(verified) => Ok(verified),
            // Windows not knowing the issuer is expected when the bundle is what trusts it: the
            // bundle's verdict then says more (a wrong name, an expired certificate, ...).
            Err(bundle_error) if is_unknown_issuer(&system_error) => Err(bundle_error),
            Err(_) => Err(system_error),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.system.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.system.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.system.supported_verify_schemes()
    }
}

/// Windows did not find a trusted root. The platform verifier maps CERT_E_UNTRUSTEDROOT to
/// UnknownIssuer; other chain-building failures (a partial chain, as Wine reports an unknown
/// root) come as an OS error in `Other`.
fn is_unknown_issuer(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer | CertificateError::Other(_))
    )
}
