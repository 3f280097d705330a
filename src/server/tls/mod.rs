//! HTTPS certificates: where the one in service comes from, and how it is replaced while the
//! server runs without dropping a connection.
//!
//! ## Layout
//! - this file: a certificate and its key ([`Certificate`]), the rustls configuration that serves
//!   whatever the [`store`] holds;
//! - [`store`]: the certificate in service, swapped atomically, and the TLS-ALPN-01 challenge
//!   certificates an ACME server asks for;
//! - [`self_signed`]: the certificate Confab makes and keeps when it has no other;
//! - [`files`]: the operator's PEM files, read again on SIGHUP and when they change;
//! - [`acme`]: certificates obtained and renewed from an ACME server (Let's Encrypt).

pub mod acme;
pub mod files;
pub mod self_signed;
pub mod store;

use super::data_dir::DataDirError;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use store::CertStore;

/// The ALPN protocol of TLS-ALPN-01 validation (RFC 8737).
pub const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

/// Why Confab cannot serve HTTPS with a certificate.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or written.
    #[error(transparent)]
    File(#[from] DataDirError),
    /// The certificate file holds no PEM certificate.
    #[error("{0} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")]
    NoCertificate(PathBuf),
    /// The key file holds no PEM private key.
    #[error("{0} holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or similar)")]
    NoKey(PathBuf),
    /// The certificate and key do not work together.
    #[error("the certificate and key cannot be used together: {0}")]
    Mismatch(rustls::Error),
    /// The certificate could not be read as X.509.
    #[error("{0} holds a certificate that cannot be read")]
    Unreadable(PathBuf),
    /// A certificate could not be made.
    #[error("cannot generate a certificate: {0}")]
    Generate(#[from] rcgen::Error),
}

/// A certificate chain and its private key, in PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// PEM certificate chain, leaf first.
    pub cert_pem: Vec<u8>,
    /// PEM private key.
    pub key_pem: Vec<u8>,
}

/// When a certificate is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// Not before.
    pub not_before: SystemTime,
    /// Not after.
    pub not_after: SystemTime,
}

impl Validity {
    /// When a certificate with this validity should be replaced: 30 days before it ends, or
    /// two thirds into its lifetime for one shorter than 90 days (Let's Encrypt's 90-day
    /// certificates are renewed on day 60 either way; a six-day one on day 4).
    pub fn renew_at(&self) -> SystemTime {
        const MONTH: Duration = Duration::from_secs(30 * 24 * 3600);
        let lifetime = self
            .not_after
            .duration_since(self.not_before)
            .unwrap_or_default();
        if lifetime >= 3 * MONTH {
            self.not_after - MONTH
        } else {
            self.not_before + lifetime * 2 / 3
        }
    }
}

impl Certificate {
    /// The certificate as rustls serves it, after checking that the key belongs to it. `cert`
    /// and `key` name the files in errors.
    pub fn certified_key(
        &self,
        cert: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
    ) -> Result<Arc<CertifiedKey>, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&self.cert_pem)
            .filter_map(Result::ok)
            .collect();
        if chain.is_empty() {
            return Err(TlsError::NoCertificate(cert.into()));
        }
        let private = PrivateKeyDer::from_pem_slice(&self.key_pem)
            .map_err(|_| TlsError::NoKey(key.into()))?;
        let provider = rustls::crypto::ring::default_provider();
        let certified =
            CertifiedKey::from_der(chain, private, &provider).map_err(TlsError::Mismatch)?;
        Ok(Arc::new(certified))
    }

    /// When the leaf certificate is valid.
    pub fn validity(&self, cert: impl Into<PathBuf>) -> Result<Validity, TlsError> {
        let cert: PathBuf = cert.into();
        let unreadable = || TlsError::Unreadable(cert.clone());
        let leaf = CertificateDer::pem_slice_iter(&self.cert_pem)
            .next()
            .and_then(Result::ok)
            .ok_or_else(unreadable)?;
        let (_, parsed) = x509_parser::parse_x509_certificate(&leaf).map_err(|_| unreadable())?;
        let time = |t: x509_parser::time::ASN1Time| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(t.timestamp().max(0) as u64)
        };
        Ok(Validity {
            not_before: time(parsed.validity().not_before),
            not_after: time(parsed.validity().not_after),
        })
    }

    /// The DNS names the leaf certificate is for.
    pub fn names(&self) -> Vec<String> {
        let Some(Ok(leaf)) = CertificateDer::pem_slice_iter(&self.cert_pem).next() else {
            return Vec::new();
        };
        let Ok((_, parsed)) = x509_parser::parse_x509_certificate(&leaf) else {
            return Vec::new();
        };
        let Ok(Some(names)) = parsed.subject_alternative_name() else {
            return Vec::new();
        };
        names
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                x509_parser::extensions::GeneralName::DNSName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect()
    }
}

/// The rustls configuration (HTTP/2 and HTTP/1.1, and TLS-ALPN-01 validation with `acme`) that
/// serves whatever certificate `store` holds at each handshake.
pub fn server_config(store: Arc<CertStore>, acme: bool) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Mismatch)?
        .with_no_client_auth()
        .with_cert_resolver(store);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    if acme {
        config.alpn_protocols.push(ACME_TLS_ALPN.to_vec());
    }
    // Resumption with stateless tickets (the session sealed under a key that rotates every few
    // hours) instead of a 256-entry server-side cache that a busy server churns through: a
    // browser coming back (a reload, a reconnect) skips the certificate signature however many
    // others connected meanwhile, and the server keeps nothing per ticket. One ticket per
    // connection is what a browser uses.
    config.ticketer = rustls::crypto::ring::Ticketer::new().map_err(TlsError::Mismatch)?;
    config.send_tls13_tickets = 1;
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests;
