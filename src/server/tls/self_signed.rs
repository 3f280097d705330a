//! The certificate Confab makes for itself when it has no other: self-signed, for `localhost`,
//! this machine's name and every address it has, kept in the data directory so that a browser
//! that accepted it once keeps working across restarts.

use super::{Certificate, TlsError};
use crate::server::data_dir;
use std::path::{Path, PathBuf};

/// File names inside the data directory.
pub const CERT_FILE: &str = "tls/self-signed-cert.pem";
const KEY_FILE: &str = "tls/self-signed-key.pem";
const NAMES_FILE: &str = "tls/self-signed-names.txt";

/// Whether the certificate was made now or kept from an earlier start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// Made now because none existed or the names changed.
    Generated(PathBuf),
    /// Reused from an earlier start.
    Reused(PathBuf),
}

/// Returns the self-signed certificate kept in `data_dir` if it covers exactly `names`,
/// otherwise makes, stores and returns a new one.
pub fn self_signed(data_dir: &Path, names: &[String]) -> Result<(Certificate, Made), TlsError> {
    let cert_path = data_dir.join(CERT_FILE);
    let key_path = data_dir.join(KEY_FILE);
    let names_path = data_dir.join(NAMES_FILE);
    let wanted = names.join("\n");

    let stored_names = std::fs::read_to_string(&names_path).ok();
    if stored_names.as_deref() == Some(wanted.as_str())
        && let (Ok(cert_pem), Ok(key_pem)) = (std::fs::read(&cert_path), std::fs::read(&key_path))
    {
        let certificate = Certificate { cert_pem, key_pem };
        if certificate.certified_key(&cert_path, &key_path).is_ok() {
            return Ok((certificate, Made::Reused(cert_path)));
        }
    }

    let generated = rcgen::generate_simple_self_signed(names.to_vec())?;
    let certificate = Certificate {
        cert_pem: generated.cert.pem().into_bytes(),
        key_pem: generated.signing_key.serialize_pem().into_bytes(),
    };
    data_dir::write(&cert_path, &certificate.cert_pem, false)?;
    data_dir::write(&key_path, &certificate.key_pem, true)?;
    data_dir::write(&names_path, wanted.as_bytes(), false)?;
    Ok((certificate, Made::Generated(cert_path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("confab-tls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    pub(crate) fn names(extra: &str) -> Vec<String> {
        vec![
            "localhost".into(),
            "127.0.0.1".into(),
            "::1".into(),
            extra.into(),
        ]
    }

    #[test]
    fn self_signed_certificate_is_made_once_and_reused() {
        let dir = temp_dir("reuse");
        let (first, made) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        assert!(matches!(made, Made::Generated(_)));
        let (second, made) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        assert!(matches!(made, Made::Reused(_)));
        assert_eq!(first.cert_pem, second.cert_pem);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn self_signed_certificate_is_remade_when_addresses_change() {
        let dir = temp_dir("remake");
        let (first, _) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        let (second, made) = self_signed(&dir, &names("10.9.9.9")).unwrap();
        assert!(matches!(made, Made::Generated(_)));
        assert_ne!(first.cert_pem, second.cert_pem);
        assert!(second.names().contains(&"localhost".to_owned()));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn generated_private_key_is_readable_by_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("mode");
        self_signed(&dir, &names("10.1.2.3")).unwrap();
        let mode = std::fs::metadata(dir.join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
