//! TLS to the server with rustls (ring): libpq's `sslmode` meanings. `verify-full` checks
//! the certificate chain against the root certificates and the host name, `verify-ca` the
//! chain only, `require` encrypts without checking. The roots are `sslrootcert` (a PEM
//! file, or `system` for the operating system's store), else `~/.postgresql/root.crt` as
//! libpq has it; a missing root file is an error naming it, never a silent downgrade.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::ServerError;
use super::url::{ServerUrl, SslMode};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_err(url: &ServerUrl, zh: String, en: String) -> ServerError {
    ServerError::Url {
        url: url.to_string(),
        zh,
        en,
    }
}

fn roots(url: &ServerUrl) -> Result<RootCertStore, ServerError> {
    let mut store = RootCertStore::empty();
    if url.root_cert.as_deref() == Some("system") {
        let found = rustls_native_certs::load_native_certs();
        store.add_parsable_certificates(found.certs);
        if store.is_empty() {
            return Err(tls_err(
                url,
                "系统证书库中没有根证书（sslrootcert=system）".into(),
                "the system's certificate store has no root certificates (sslrootcert=system)"
                    .into(),
            ));
        }
        return Ok(store);
    }
    let path = match &url.root_cert {
        Some(p) => std::path::PathBuf::from(p),
        None => ServerUrl::default_root_cert().unwrap_or_default(),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&path)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| {
            tls_err(
                url,
                format!(
                    "无法读取根证书 {}（sslmode={} 需要它；用 sslrootcert= 指定文件）：{e}",
                    path.display(),
                    url.ssl.as_str()
                ),
                format!(
                    "cannot read the root certificate {} (sslmode={} needs it; name the file with sslrootcert=): {e}",
                    path.display(),
                    url.ssl.as_str()
                ),
            )
        })?;
    store.add_parsable_certificates(certs);
    if store.is_empty() {
        return Err(tls_err(
            url,
            format!("{} 中没有可用的根证书", path.display()),
            format!("{} holds no usable root certificate", path.display()),
        ));
    }
    Ok(store)
}

/// The rustls configuration for `url`'s `sslmode`; `None` for `disable`.
pub fn client_config(url: &ServerUrl) -> Result<Option<ClientConfig>, ServerError> {
    let p = provider();
    let builder = ClientConfig::builder_with_provider(p.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err(url, format!("TLS：{e}"), format!("TLS: {e}")))?;
    let config = match url.ssl {
        SslMode::Disable => return Ok(None),
        SslMode::VerifyFull => builder
            .with_root_certificates(roots(url)?)
            .with_no_client_auth(),
        SslMode::VerifyCa => {
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(url)?), p)
                .build()
                .map_err(|e| tls_err(url, format!("TLS：{e}"), format!("TLS: {e}")))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ChainOnly(inner)))
                .with_no_client_auth()
        }
        SslMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(
                p.signature_verification_algorithms,
            )))
            .with_no_client_auth(),
    };
    Ok(Some(config))
}

/// `verify-ca`: the chain must lead to a root; the name on the certificate is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            r => r,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `require`: encrypted, the certificate taken as it comes (the handshake's signatures are
/// still checked, so the link is the one the certificate's key made).
#[derive(Debug)]
struct Unchecked(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
