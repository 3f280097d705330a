//! The operator's certificate files (e.g. Let's Encrypt's `fullchain.pem` and `privkey.pem`
//! from certbot). They are read at start, and again on SIGHUP (what `systemctl reload` sends) and
//! whenever they change (certbot's renewal points the `live/` links at new files): a good new
//! pair replaces the certificate for new connections; a broken or mismatched one is refused with
//! a log line naming the file, and the old certificate stays in service.

use super::store::{CertStore, Source};
use super::{Certificate, TlsError, Validity};
use crate::server::data_dir;
use rustls::sign::CertifiedKey;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;

/// How often the files are looked at for changes.
pub const POLL_EVERY: Duration = Duration::from_secs(10);

/// The operator's certificate chain and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// What a file looks like from outside: where its links lead, when it was written, how long.
type Stamp = Vec<(Option<PathBuf>, Option<SystemTime>, u64)>;

impl CertFiles {
    /// Reads and checks the pair.
    pub fn load(&self) -> Result<(Arc<CertifiedKey>, Validity), TlsError> {
        let certificate = Certificate {
            cert_pem: data_dir::read(&self.cert)?,
            key_pem: data_dir::read(&self.key)?,
        };
        let key = certificate.certified_key(&self.cert, &self.key)?;
        let validity = certificate.validity(&self.cert)?;
        Ok((key, validity))
    }

    fn stamp(&self) -> Stamp {
        [&self.cert, &self.key]
            .into_iter()
            .map(|path| {
                let meta = std::fs::metadata(path).ok();
                (
                    std::fs::canonicalize(path).ok(),
                    meta.as_ref().and_then(|m| m.modified().ok()),
                    meta.map_or(0, |m| m.len()),
                )
            })
            .collect()
    }

    /// Reads the pair again into `store`; on failure says why and leaves the store as it is.
    /// Returns whether the certificate was replaced.
    pub fn reload(&self, store: &CertStore, why: &str) -> bool {
        match self.load() {
            Ok((key, validity)) => {
                store.replace(key, Source::Files, Some(validity.not_after));
                tracing::info!(
                    cert = %self.cert.display(),
                    %why,
                    valid_until = %humantime(validity.not_after),
                    "certificate reloaded"
                );
                true
            }
            Err(error) => {
                tracing::error!(%why, "{error}; the certificate in service stays");
                false
            }
        }
    }

    /// Reloads on every message from `reloads` (SIGHUP) and whenever the files change, until
    /// `reloads` closes.
    pub async fn watch(
        self,
        store: Arc<CertStore>,
        mut reloads: mpsc::Receiver<()>,
        poll_every: Duration,
    ) {
        let mut seen = self.stamp();
        let mut failed: Option<Stamp> = None;
        let mut polls = tokio::time::interval(poll_every);
        polls.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                signal = reloads.recv() => {
                    if signal.is_none() {
                        return;
                    }
                    seen = self.stamp();
                    self.reload(&store, "SIGHUP");
                }
                _ = polls.tick() => {
                    let now = self.stamp();
                    // A failed read is tried again at every poll while the files keep changing
                    // (certbot writes the pair one file at a time), but logged once per state.
                    if now == seen || failed.as_ref() == Some(&now) {
                        continue;
                    }
                    if self.reload(&store, "the files changed") {
                        seen = now;
                        failed = None;
                    } else {
                        failed = Some(now);
                    }
                }
            }
        }
    }
}

/// A time as an RFC 3339 UTC date, for log lines.
pub fn humantime(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    x509_parser::time::ASN1Time::from_timestamp(secs as i64)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("{secs} (Unix time)"))
}

/// Whether both files exist (for a start-up message).
pub fn exist(cert: &Path, key: &Path) -> bool {
    cert.exists() && key.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(dir: &Path, name: &str) -> Certificate {
        let generated = rcgen::generate_simple_self_signed(vec![name.to_owned()]).unwrap();
        let certificate = Certificate {
            cert_pem: generated.cert.pem().into_bytes(),
            key_pem: generated.signing_key.serialize_pem().into_bytes(),
        };
        std::fs::create_dir_all(dir).unwrap();
        certificate
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("confab-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(files: &CertFiles, certificate: &Certificate) {
        std::fs::write(&files.cert, &certificate.cert_pem).unwrap();
        std::fs::write(&files.key, &certificate.key_pem).unwrap();
    }

    fn files_in(dir: &Path) -> CertFiles {
        CertFiles {
            cert: dir.join("fullchain.pem"),
            key: dir.join("privkey.pem"),
        }
    }

    #[test]
    fn missing_files_give_an_error_naming_the_file() {
        let files = CertFiles {
            cert: "/nonexistent/fullchain.pem".into(),
            key: "/x".into(),
        };
        let error = files.load().unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/fullchain.pem"),
            "{error}"
        );
    }

    #[test]
    fn files_without_pem_give_clear_errors() {
        let dir = temp("garbage");
        let files = files_in(&dir);
        let good = pair(&dir, "a.example");
        std::fs::write(&files.cert, "hello").unwrap();
        std::fs::write(&files.key, &good.key_pem).unwrap();
        let error = files.load().unwrap_err().to_string();
        assert!(
            error.contains("fullchain.pem holds no PEM certificate"),
            "{error}"
        );
        std::fs::write(&files.cert, &good.cert_pem).unwrap();
        std::fs::write(&files.key, "hello").unwrap();
        let error = files.load().unwrap_err().to_string();
        assert!(
            error.contains("privkey.pem holds no PEM private key"),
            "{error}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_key_from_another_certificate_is_refused() {
        let dir = temp("mismatch");
        let files = files_in(&dir);
        let a = pair(&dir, "a.example");
        let b = pair(&dir, "b.example");
        std::fs::write(&files.cert, &a.cert_pem).unwrap();
        std::fs::write(&files.key, &b.key_pem).unwrap();
        assert!(matches!(files.load(), Err(TlsError::Mismatch(_))));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn new_files_replace_the_certificate_and_broken_ones_leave_it() {
        let dir = temp("reload");
        let files = files_in(&dir);
        let first = pair(&dir, "first.example");
        write(&files, &first);
        let (key, validity) = files.load().unwrap();
        let store = CertStore::new(key, Source::Files, Some(validity.not_after));
        let (tx, rx) = mpsc::channel(1);
        let watch = tokio::spawn(files.clone().watch(
            Arc::clone(&store),
            rx,
            Duration::from_millis(50),
        ));

        // A broken pair (a certificate without its key) is refused; the first one stays.
        let second = pair(&dir, "second.example");
        std::fs::write(&files.cert, &second.cert_pem).unwrap();
        tx.send(()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(store.replacements(), 0);

        // The key follows: the change is noticed without a signal.
        std::fs::write(&files.key, &second.key_pem).unwrap();
        for _ in 0..50 {
            if store.replacements() == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(store.replacements(), 1);
        let served = store.current();
        let expected = second.certified_key(&files.cert, &files.key).unwrap();
        assert_eq!(served.cert, expected.cert);
        drop(tx);
        watch.await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
