use super::self_signed::self_signed;
use super::store::{CertStore, Source};
use super::*;
use std::path::Path;

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

/// Runs a TLS handshake in memory, and delivers what follows it (the session ticket); returns
/// the client's and the server's side.
fn connect(
    client: &Arc<rustls::ClientConfig>,
    server: &Arc<ServerConfig>,
) -> (rustls::Connection, rustls::Connection) {
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
    (client, server)
}

fn client_config(roots: &rustls::RootCertStore, resume: bool) -> Arc<rustls::ClientConfig> {
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
}

fn trusting(certificate: &Certificate) -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&certificate.cert_pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    roots
}

fn store_serving(certificate: &Certificate) -> Arc<CertStore> {
    let key = certificate.certified_key("cert", "key").unwrap();
    CertStore::new(key, Source::SelfSigned, None)
}

#[test]
fn a_returning_browser_resumes_its_session_however_many_connected_meanwhile() {
    let dir = temp_dir("tickets");
    let (certificate, _) = self_signed(&dir, &names("10.1.2.3")).unwrap();
    let server = server_config(store_serving(&certificate), false).unwrap();
    let roots = trusting(&certificate);
    let (browser, others) = (client_config(&roots, true), client_config(&roots, false));
    let (_, first) = connect(&browser, &server);
    assert_eq!(first.handshake_kind(), Some(rustls::HandshakeKind::Full));
    // More than a server-side session cache of 256 would remember.
    for _ in 0..300 {
        connect(&others, &server);
    }
    let (_, again) = connect(&browser, &server);
    assert_eq!(again.handshake_kind(), Some(rustls::HandshakeKind::Resumed));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_replaced_certificate_serves_new_handshakes() {
    let (one, _) = self_signed(&temp_dir("swap-a"), &names("10.1.2.3")).unwrap();
    let (two, _) = self_signed(&temp_dir("swap-b"), &names("10.1.2.3")).unwrap();
    let store = store_serving(&one);
    let server = server_config(Arc::clone(&store), false).unwrap();
    let (mut client, _) = connect(&client_config(&trusting(&one), false), &server);
    let served = |client: &mut rustls::Connection| client.peer_certificates().unwrap()[0].clone();
    assert_eq!(served(&mut client), store.current().cert[0]);
    store.replace(
        two.certified_key("cert", "key").unwrap(),
        Source::Files,
        None,
    );
    let (mut client, _) = connect(&client_config(&trusting(&two), false), &server);
    assert_eq!(
        served(&mut client),
        two.certified_key("c", "k").unwrap().cert[0]
    );
    assert_eq!(store.replacements(), 1);
}

#[test]
fn renewal_is_two_thirds_into_a_certificates_life_and_at_the_latest_a_month_before_its_end() {
    let day = Duration::from_secs(24 * 3600);
    let start = SystemTime::UNIX_EPOCH + 1000 * day;
    let validity = |days: u32| Validity {
        not_before: start,
        not_after: start + day * days,
    };
    assert_eq!(validity(90).renew_at(), start + day * 60, "Let's Encrypt");
    assert_eq!(validity(6).renew_at(), start + day * 4, "short-lived");
    assert_eq!(validity(365).renew_at(), start + day * 335, "a year");
    let minute = Validity {
        not_before: start,
        not_after: start + Duration::from_secs(60),
    };
    assert_eq!(minute.renew_at(), start + Duration::from_secs(40));
}

#[test]
fn validity_and_names_are_read_from_the_leaf() {
    let dir = temp_dir("validity");
    let (certificate, _) = self_signed(&dir, &names("10.1.2.3")).unwrap();
    let validity = certificate.validity(Path::new("x")).unwrap();
    assert!(validity.not_before < validity.not_after);
    assert!(certificate.names().contains(&"localhost".to_owned()));
    let junk = Certificate {
        cert_pem: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
        key_pem: certificate.key_pem.clone(),
    };
    assert!(matches!(
        junk.validity(Path::new("x")),
        Err(TlsError::Unreadable(_))
    ));
    std::fs::remove_dir_all(dir).unwrap();
}
