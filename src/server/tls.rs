//! HTTPS certificates: the operator's PEM files, or a self-signed certificate Confab makes once
//! and keeps, so a browser that accepted it keeps working across restarts.

use super::data_dir::{self, DataDirError};
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why Confab cannot serve HTTPS.
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
    /// The self-signed certificate could not be made.
    #[error("cannot generate a certificate: {0}")]
    Generate(#[from] rcgen::Error),
}

/// A certificate chain and its private key, in PEM.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// PEM certificate chain, leaf first.
    pub cert_pem: Vec<u8>,
    /// PEM private key.
    pub key_pem: Vec<u8>,
}

/// How the certificate in use was obtained, for the start-up message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Given by the operator.
    Provided(PathBuf),
    /// Self-signed, made now because none existed or the names changed.
    Generated(PathBuf),
    /// Self-signed, reused from an earlier start.
    Reused(PathBuf),
}

/// Reads the operator's certificate chain and key.
pub fn load_files(cert: &Path, key: &Path) -> Result<Certificate, TlsError> {
    Ok(Certificate {
        cert_pem: read(cert)?,
        key_pem: read(key)?,
    })
}

/// File names inside the data directory.
const CERT_FILE: &str = "tls/self-signed-cert.pem";
const KEY_FILE: &str = "tls/self-signed-key.pem";
const NAMES_FILE: &str = "tls/self-signed-names.txt";

/// Returns the self-signed certificate kept in `data_dir` if it covers exactly `names`,
/// otherwise makes, stores and returns a new one.
pub fn self_signed(data_dir: &Path, names: &[String]) -> Result<(Certificate, Origin), TlsError> {
    let cert_path = data_dir.join(CERT_FILE);
    let key_path = data_dir.join(KEY_FILE);
    let names_path = data_dir.join(NAMES_FILE);
    let wanted = names.join("\n");

    let stored_names = std::fs::read_to_string(&names_path).ok();
    if stored_names.as_deref() == Some(wanted.as_str())
        && let (Ok(cert_pem), Ok(key_pem)) = (std::fs::read(&cert_path), std::fs::read(&key_path))
    {
        let certificate = Certificate { cert_pem, key_pem };
        if server_config(&certificate).is_ok() {
            return Ok((certificate, Origin::Reused(cert_path)));
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
    Ok((certificate, Origin::Generated(cert_path)))
}

/// Builds the rustls server configuration (HTTP/2 and HTTP/1.1) for a certificate.
pub fn server_config(certificate: &Certificate) -> Result<Arc<ServerConfig>, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&certificate.cert_pem)
        .filter_map(Result::ok)
        .collect();
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(PathBuf::from("the certificate")));
    }
    let key = PrivateKeyDer::from_pem_slice(&certificate.key_pem)
        .map_err(|_| TlsError::NoKey(PathBuf::from("the key")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Mismatch)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsError::Mismatch)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // Resumption with stateless tickets (the session sealed under a key that rotates every few
    // hours) instead of a 256-entry server-side cache that a busy server churns through: a
    // browser coming back (a reload, a reconnect) skips the certificate signature however many
    // others connected meanwhile, and the server keeps nothing per ticket. One ticket per
    // connection is what a browser uses.
    config.ticketer = rustls::crypto::ring::Ticketer::new().map_err(TlsError::Mismatch)?;
    config.send_tls13_tickets = 1;
    Ok(Arc::new(config))
}

/// Like [`server_config`], but names the operator's files in its errors.
pub fn server_config_for_files(
    certificate: &Certificate,
    cert: &Path,
    key: &Path,
) -> Result<Arc<ServerConfig>, TlsError> {
    server_config(certificate).map_err(|error| match error {
        TlsError::NoCertificate(_) => TlsError::NoCertificate(cert.to_owned()),
        TlsError::NoKey(_) => TlsError::NoKey(key.to_owned()),
        other => other,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    Ok(data_dir::read(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("confab-tls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn names(extra: &str) -> Vec<String> {
        vec![
            "localhost".into(),
            "127.0.0.1".into(),
            "::1".into(),
            extra.into(),
        ]
    }

    /// Moves what `from` has to send into `to`; whether there was anything.
    fn pass(from: &mut rustls::Connection, to: &mut rustls::Connection) -> bool {
        let mut bytes = Vec::new();
        while from.wants_write() {
            from.write_tls(&mut bytes).unwrap();
        }
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            to.read_tls(&mut rest).unwrap();
            to.process_new_packets().unwrap();
        }
        !bytes.is_empty()
    }

    /// Runs a TLS handshake in memory, and delivers what follows it (the session ticket);
    /// returns the server's side.
    fn connect(
        client: &Arc<rustls::ClientConfig>,
        server: &Arc<ServerConfig>,
    ) -> rustls::Connection {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut client = rustls::ClientConnection::new(client.clone(), name)
            .unwrap()
            .into();
        let mut server = rustls::ServerConnection::new(server.clone())
            .unwrap()
            .into();
        // Both directions each round (`|`, not `||`), until neither has anything to send.
        while pass(&mut client, &mut server) | pass(&mut server, &mut client) {}
        assert!(!client.is_handshaking() && !server.is_handshaking());
        server
    }

    #[test]
    fn a_returning_browser_resumes_its_session_however_many_connected_meanwhile() {
        let dir = temp_dir("tickets");
        let (certificate, _) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        let server = server_config(&certificate).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&certificate.cert_pem) {
            roots.add(cert.unwrap()).unwrap();
        }
        let client_config = |resume: bool| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots.clone())
                .with_no_client_auth();
            if !resume {
                config.resumption = rustls::client::Resumption::disabled();
            }
            Arc::new(config)
        };
        let (browser, others) = (client_config(true), client_config(false));
        let first = connect(&browser, &server);
        assert_eq!(first.handshake_kind(), Some(rustls::HandshakeKind::Full));
        // More than a server-side session cache of 256 would remember.
        for _ in 0..300 {
            connect(&others, &server);
        }
        let again = connect(&browser, &server);
        assert_eq!(again.handshake_kind(), Some(rustls::HandshakeKind::Resumed));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn self_signed_certificate_is_made_once_and_reused() {
        let dir = temp_dir("reuse");
        let (first, origin) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        assert!(matches!(origin, Origin::Generated(_)));
        let (second, origin) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        assert!(matches!(origin, Origin::Reused(_)));
        assert_eq!(first.cert_pem, second.cert_pem);
        assert!(server_config(&second).is_ok());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn self_signed_certificate_is_remade_when_addresses_change() {
        let dir = temp_dir("remake");
        let (first, _) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        let (second, origin) = self_signed(&dir, &names("10.9.9.9")).unwrap();
        assert!(matches!(origin, Origin::Generated(_)));
        assert_ne!(first.cert_pem, second.cert_pem);
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

    #[test]
    fn missing_files_give_an_error_naming_the_file() {
        let error =
            load_files(Path::new("/nonexistent/fullchain.pem"), Path::new("/x")).unwrap_err();
        assert!(matches!(error, TlsError::File(DataDirError::Read { .. })));
        assert!(
            error.to_string().contains("/nonexistent/fullchain.pem"),
            "{error}"
        );
    }

    #[test]
    fn files_without_pem_give_clear_errors() {
        let dir = temp_dir("garbage");
        std::fs::create_dir_all(&dir).unwrap();
        let (good, _) = self_signed(&dir, &names("10.1.2.3")).unwrap();
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        let garbage = Certificate {
            cert_pem: b"hello".to_vec(),
            key_pem: good.key_pem.clone(),
        };
        let error = server_config_for_files(&garbage, &cert, &key).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("cert.pem holds no PEM certificate"),
            "{error}"
        );
        let garbage = Certificate {
            cert_pem: good.cert_pem.clone(),
            key_pem: b"hello".to_vec(),
        };
        let error = server_config_for_files(&garbage, &cert, &key).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("key.pem holds no PEM private key"),
            "{error}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_key_from_another_certificate_is_refused() {
        let dir_a = temp_dir("mismatch-a");
        let dir_b = temp_dir("mismatch-b");
        let (a, _) = self_signed(&dir_a, &names("10.1.2.3")).unwrap();
        let (b, _) = self_signed(&dir_b, &names("10.1.2.3")).unwrap();
        let mixed = Certificate {
            cert_pem: a.cert_pem,
            key_pem: b.key_pem,
        };
        assert!(matches!(server_config(&mixed), Err(TlsError::Mismatch(_))));
        std::fs::remove_dir_all(dir_a).unwrap();
        std::fs::remove_dir_all(dir_b).unwrap();
    }
}
