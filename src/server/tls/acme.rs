//! Certificates from an ACME server (Let's Encrypt by default), obtained and renewed by Confab
//! itself with the `instant-acme` client: no certbot, no cron.
//!
//! At start the certificate kept in the data directory is served if it is still good;
//! otherwise the self-signed one serves (and the log says so) until the first certificate
//! arrives. The account and the certificates are kept in `<data-dir>/acme/` (keys 0600). A
//! certificate is renewed two thirds into its lifetime, at the latest 30 days before it ends
//! ([`super::Validity::renew_at`]), and swapped in for new connections without dropping any.
//! Failures are logged with the server's answer and tried again with a growing delay.
//!
//! Challenges: HTTP-01 when the plain HTTP listener is on ([`HttpChallenges`]), TLS-ALPN-01 on
//! the HTTPS port otherwise (answered by the [`CertStore`]).

use super::store::{CertStore, Source};
use super::{Certificate, TlsError};
use crate::server::data_dir;
use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, ChallengeType, Identifier, NewAccount,
    NewOrder, OrderStatus, RetryPolicy,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Let's Encrypt's production directory.
pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// Let's Encrypt's staging directory (untrusted certificates, generous rate limits).
pub const LETS_ENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";

/// The first wait after a failure; it doubles with every failure in a row, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(30);

/// The longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// How an ACME certificate is obtained.
#[derive(Clone, Debug)]
pub struct AcmeOptions {
    /// The names the certificate is for.
    pub domains: Vec<String>,
    /// An email address for the account (the ACME server's expiry warnings).
    pub email: Option<String>,
    /// The directory URL.
    pub directory: String,
    /// A CA certificate (PEM) to trust for the directory's HTTPS, for a test server (Pebble);
    /// without it, the system's roots.
    pub directory_root: Option<PathBuf>,
    /// Where account and certificates are kept.
    pub data_dir: PathBuf,
    /// The plain HTTP listener answers HTTP-01 challenges.
    pub http01: bool,
}

/// HTTP-01 answers: key authorizations by token, served at
/// `/.well-known/acme-challenge/<token>`.
#[derive(Debug, Default)]
pub struct HttpChallenges(Mutex<HashMap<String, String>>);

impl HttpChallenges {
    /// The answer for `token`, if one is being asked for.
    pub fn answer(&self, token: &str) -> Option<String> {
        crate::server::lock(&self.0).get(token).cloned()
    }

    fn insert(&self, token: String, answer: String) {
        crate::server::lock(&self.0).insert(token, answer);
    }

    fn remove(&self, token: &str) {
        crate::server::lock(&self.0).remove(token);
    }
}

/// Why getting a certificate failed.
#[derive(Debug, thiserror::Error)]
pub enum AcmeError {
    /// The ACME server refused or could not be reached.
    #[error("{0}")]
    Acme(#[from] instant_acme::Error),
    /// The order did not become ready.
    #[error("the order for {names} ended {status:?}")]
    Order {
        /// The names.
        names: String,
        /// Its last status.
        status: OrderStatus,
    },
    /// No challenge Confab can answer was offered.
    #[error(
        "the ACME server offers no challenge Confab can answer for {0} (TLS-ALPN-01, or HTTP-01 with --http-port)"
    )]
    NoChallenge(String),
    /// Keeping or making a certificate failed.
    #[error("{0}")]
    Tls(#[from] TlsError),
    /// The stored account could not be read.
    #[error("the ACME account in {0} cannot be read; remove it to make a new one")]
    Account(PathBuf),
}

impl AcmeOptions {
    fn dir(&self) -> PathBuf {
        self.data_dir.join("acme")
    }

    fn account_file(&self) -> PathBuf {
        self.dir().join("account.json")
    }

    fn cert_file(&self) -> PathBuf {
        self.dir().join(format!("{}.cert.pem", self.domains[0]))
    }

    fn key_file(&self) -> PathBuf {
        self.dir().join(format!("{}.key.pem", self.domains[0]))
    }

    /// The kept certificate, if it covers every name and is a good pair.
    pub fn stored(&self) -> Option<Certificate> {
        let certificate = Certificate {
            cert_pem: std::fs::read(self.cert_file()).ok()?,
            key_pem: std::fs::read(self.key_file()).ok()?,
        };
        certificate
            .certified_key(self.cert_file(), self.key_file())
            .ok()?;
        let names = certificate.names();
        self.domains
            .iter()
            .all(|d| names.iter().any(|n| n.eq_ignore_ascii_case(d)))
            .then_some(certificate)
    }

    fn keep(&self, certificate: &Certificate) -> Result<(), TlsError> {
        data_dir::write(&self.cert_file(), &certificate.cert_pem, false)?;
        data_dir::write(&self.key_file(), &certificate.key_pem, true)?;
        Ok(())
    }

    async fn account(&self) -> Result<Account, AcmeError> {
        let builder = || match &self.directory_root {
            Some(root) => Account::builder_with_root(root),
            None => Account::builder(),
        };
        let file = self.account_file();
        if let Ok(text) = std::fs::read(&file) {
            let credentials: AccountCredentials =
                serde_json::from_slice(&text).map_err(|_| AcmeError::Account(file.clone()))?;
            return Ok(builder()?.from_credentials(credentials).await?);
        }
        let contact: Vec<String> = self.email.iter().map(|e| format!("mailto:{e}")).collect();
        let contact: Vec<&str> = contact.iter().map(String::as_str).collect();
        let (account, credentials) = builder()?
            .create(
                &NewAccount {
                    contact: &contact,
                    terms_of_service_agreed: true,
                    only_return_existing: false,
                },
                self.directory.clone(),
                None,
            )
            .await?;
        let text = serde_json::to_vec_pretty(&credentials).expect("credentials serialise");
        data_dir::write(&file, &text, true).map_err(TlsError::from)?;
        tracing::info!(directory = %self.directory, "ACME account created");
        Ok(account)
    }
}

/// Serves, obtains and renews the ACME certificate for as long as the server runs.
pub async fn run(options: AcmeOptions, store: Arc<CertStore>, http: Arc<HttpChallenges>) {
    let mut failures = 0u32;
    loop {
        let now = SystemTime::now();
        if let Some(certificate) = options.stored()
            && let Ok(validity) = certificate.validity(options.cert_file())
            && validity.not_after > now
        {
            if store.source() != Source::Acme
                && let Ok(key) = certificate.certified_key(options.cert_file(), options.key_file())
            {
                store.replace(key, Source::Acme, Some(validity.not_after));
                tracing::info!(
                    names = %options.domains.join(", "),
                    valid_until = %super::files::humantime(validity.not_after),
                    "serving the kept ACME certificate"
                );
            }
            let renew_at = validity.renew_at();
            if let Ok(wait) = renew_at.duration_since(now) {
                // Looked at again at least daily, in case the clock jumped.
                tokio::time::sleep(wait.min(Duration::from_secs(24 * 3600))).await;
                continue;
            }
        }
        match obtain(&options, &store, &http).await {
            Ok(certificate) => {
                failures = 0;
                if let Err(error) = options.keep(&certificate) {
                    tracing::error!(%error, "cannot keep the new certificate; it is served but will be asked for again at the next start");
                }
                match (
                    certificate.certified_key(options.cert_file(), options.key_file()),
                    certificate.validity(options.cert_file()),
                ) {
                    (Ok(key), Ok(validity)) => {
                        store.replace(key, Source::Acme, Some(validity.not_after));
                        tracing::info!(
                            names = %options.domains.join(", "),
                            valid_until = %super::files::humantime(validity.not_after),
                            "new ACME certificate in service"
                        );
                    }
                    (Err(error), _) | (_, Err(error)) => {
                        tracing::error!(%error, "the ACME server's certificate cannot be served");
                    }
                }
            }
            Err(error) => {
                failures += 1;
                let wait = backoff(failures);
                let serving = match store.source() {
                    Source::SelfSigned => "the self-signed certificate stays in service",
                    _ => "the current certificate stays in service",
                };
                tracing::error!(
                    directory = %options.directory,
                    "could not get a certificate for {}: {error}; {serving}; trying again in {} s",
                    options.domains.join(", "),
                    wait.as_secs()
                );
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// The wait after `failures` failures in a row.
pub fn backoff(failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    FIRST_BACKOFF.saturating_mul(factor).min(MAX_BACKOFF)
}

/// Challenges set up for one order, taken down when dropped.
struct Answering<'a> {
    store: &'a CertStore,
    http: &'a HttpChallenges,
    names: Vec<String>,
    tokens: Vec<String>,
}

impl Drop for Answering<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            self.store.unchallenge(name);
        }
        for token in &self.tokens {
            self.http.remove(token);
        }
    }
}

/// Orders a certificate and answers its challenges.
async fn obtain(
    options: &AcmeOptions,
    store: &CertStore,
    http: &HttpChallenges,
) -> Result<Certificate, AcmeError> {
    let account = options.account().await?;
    let identifiers: Vec<Identifier> = options
        .domains
        .iter()
        .map(|d| Identifier::Dns(d.clone()))
        .collect();
    let mut order = account.new_order(&NewOrder::new(&identifiers)).await?;
    let mut answering = Answering {
        store,
        http,
        names: Vec::new(),
        tokens: Vec::new(),
    };
    let mut authorizations = order.authorizations();
    while let Some(authorization) = authorizations.next().await {
        let mut authorization = authorization?;
        if authorization.status == AuthorizationStatus::Valid {
            continue;
        }
        let name = authorization.identifier().to_string();
        // HTTP-01 when the plain listener is on (port 80 is what most set-ups already open),
        // TLS-ALPN-01 on the HTTPS port otherwise.
        let offered =
            |kind: &ChallengeType| authorization.challenges.iter().any(|c| c.r#type == *kind);
        let kind = if options.http01 && offered(&ChallengeType::Http01) {
            ChallengeType::Http01
        } else if offered(&ChallengeType::TlsAlpn01) {
            ChallengeType::TlsAlpn01
        } else {
            return Err(AcmeError::NoChallenge(name));
        };
        let mut challenge = authorization
            .challenge(kind.clone())
            .expect("offered, checked above");
        let key_authorization = challenge.key_authorization();
        match kind {
            ChallengeType::TlsAlpn01 => {
                let key = validation_certificate(&name, key_authorization.digest().as_ref())?;
                store.challenge(&name, key);
                answering.names.push(name);
            }
            _ => {
                let token = challenge.token.clone();
                http.insert(token.clone(), key_authorization.as_str().to_owned());
                answering.tokens.push(token);
            }
        }
        challenge.set_ready().await?;
    }
    let patience = RetryPolicy::new()
        .initial_delay(Duration::from_millis(250))
        .timeout(Duration::from_secs(120));
    let status = order.poll_ready(&patience).await?;
    if status != OrderStatus::Ready {
        return Err(AcmeError::Order {
            names: options.domains.join(", "),
            status,
        });
    }
    let key_pem = order.finalize().await?;
    let chain = order.poll_certificate(&patience).await?;
    drop(answering);
    Ok(Certificate {
        cert_pem: chain.into_bytes(),
        key_pem: key_pem.into_bytes(),
    })
}

/// The self-signed certificate that proves control of `name` for TLS-ALPN-01: it carries the
/// SHA-256 digest of the key authorization in the `acmeIdentifier` extension (RFC 8737).
pub fn validation_certificate(
    name: &str,
    digest: &[u8],
) -> Result<Arc<rustls::sign::CertifiedKey>, TlsError> {
    let mut params = rcgen::CertificateParams::new(vec![name.to_owned()])?;
    params.custom_extensions = vec![rcgen::CustomExtension::new_acme_identifier(digest)];
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    // Not through `Certificate::certified_key`: rustls refuses to load a certificate with a
    // critical extension it does not know, and acmeIdentifier is one (the validating server
    // knows it).
    let private = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let signer = rustls::crypto::ring::default_provider()
        .key_provider
        .load_private_key(private)
        .map_err(TlsError::Mismatch)?;
    Ok(Arc::new(rustls::sign::CertifiedKey::new(
        vec![cert.der().clone()],
        signer,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_wait_longer_each_time_up_to_a_limit() {
        assert_eq!(backoff(1), FIRST_BACKOFF);
        assert_eq!(backoff(2), FIRST_BACKOFF * 2);
        assert_eq!(backoff(5), FIRST_BACKOFF * 16);
        assert_eq!(backoff(100), MAX_BACKOFF);
    }

    #[test]
    fn a_validation_certificate_carries_the_digest_for_the_name() {
        let key = validation_certificate("meet.example.org", &[7; 32]).unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(&key.cert[0]).unwrap();
        let extension = parsed
            .extensions()
            .iter()
            .find(|e| e.oid.to_id_string() == "1.3.6.1.5.5.7.1.31")
            .expect("an acmeIdentifier extension");
        assert!(extension.critical);
        // DER: OCTET STRING of 32 bytes.
        assert_eq!(&extension.value[..2], &[0x04, 0x20]);
        assert_eq!(&extension.value[2..], &[7; 32]);
    }
}
