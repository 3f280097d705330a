//! The certificate in service. Every TLS handshake asks the store, so replacing what it holds
//! (a renewed ACME certificate, reloaded files) takes effect for the next connection while the
//! open ones carry on.
//!
//! It also answers TLS-ALPN-01 validation (RFC 8737): a handshake that offers only the
//! `acme-tls/1` protocol gets the challenge certificate made for the name it asks for.

use super::ACME_TLS_ALPN;
use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Where the certificate in service came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Made by Confab (no other yet).
    SelfSigned,
    /// The operator's files.
    Files,
    /// An ACME server.
    Acme,
}

/// The certificate in service and the challenge certificates.
#[derive(Debug)]
pub struct CertStore {
    current: ArcSwap<(Arc<CertifiedKey>, Source)>,
    /// Unix time the certificate in service expires at (0: unknown).
    expires: AtomicU64,
    /// TLS-ALPN-01 certificates by the name they prove.
    challenges: Mutex<HashMap<String, Arc<CertifiedKey>>>,
    /// Certificates replaced so far.
    replaced: AtomicU64,
}

impl CertStore {
    /// A store serving `key`.
    pub fn new(key: Arc<CertifiedKey>, source: Source, expires: Option<SystemTime>) -> Arc<Self> {
        let store = Arc::new(CertStore {
            current: ArcSwap::from_pointee((key, source)),
            expires: AtomicU64::new(0),
            challenges: Mutex::new(HashMap::new()),
            replaced: AtomicU64::new(0),
        });
        store.set_expiry(expires);
        store
    }

    /// Serves `key` from the next handshake on.
    pub fn replace(&self, key: Arc<CertifiedKey>, source: Source, expires: Option<SystemTime>) {
        self.current.store(Arc::new((key, source)));
        self.set_expiry(expires);
        self.replaced.fetch_add(1, Ordering::Relaxed);
    }

    /// Where the certificate in service came from.
    pub fn source(&self) -> Source {
        self.current.load().1
    }

    /// The certificate in service.
    pub fn current(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.current.load().0)
    }

    /// Unix time the certificate in service expires at, if known.
    pub fn expires(&self) -> Option<u64> {
        Some(self.expires.load(Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// How many times the certificate was replaced.
    pub fn replacements(&self) -> u64 {
        self.replaced.load(Ordering::Relaxed)
    }

    /// Answers TLS-ALPN-01 validation for `name` with `key` until [`CertStore::unchallenge`].
    pub fn challenge(&self, name: &str, key: Arc<CertifiedKey>) {
        crate::server::lock(&self.challenges).insert(name.to_ascii_lowercase(), key);
    }

    /// Stops answering validation for `name`.
    pub fn unchallenge(&self, name: &str) {
        crate::server::lock(&self.challenges).remove(&name.to_ascii_lowercase());
    }

    fn set_expiry(&self, expires: Option<SystemTime>) {
        let unix = expires
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        self.expires.store(unix, Ordering::Relaxed);
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let validating = hello
            .alpn()
            .is_some_and(|mut protocols| protocols.any(|p| p == ACME_TLS_ALPN));
        if validating {
            let name = hello.server_name()?.to_ascii_lowercase();
            return crate::server::lock(&self.challenges).get(&name).cloned();
        }
        Some(self.current())
    }
}
