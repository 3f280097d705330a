//! Opening a signaling WebSocket to any Confab URL: `ws://`, or `wss://` checked against the
//! system's certificate authorities, or (`insecure`) accepting any certificate, as a
//! self-signed server needs.

use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{self, ClientConfig, DigitallySignedStruct, RootCertStore};
use tokio_tungstenite::WebSocketStream;

/// Any byte stream a WebSocket can run over.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// An open signaling connection.
pub type Socket = WebSocketStream<Box<dyn Stream>>;

/// Where and how to connect.
#[derive(Clone)]
pub struct Target {
    /// `ws://host:port/signal` or `wss://…`.
    pub url: String,
    host: String,
    port: u16,
    tls: Option<TlsConnector>,
    insecure: bool,
}

/// Certificate bundle of Debian and most Linux distributions.
const SYSTEM_ROOTS: &str = "/etc/ssl/certs/ca-certificates.crt";

impl Target {
    /// Parses a Confab URL (`https://host[:port]`, `wss://…`, with or without the signaling
    /// path) into the signaling URL.
    pub fn new(url: &str, insecure: bool) -> Result<Self, String> {
        let (secure, rest) = if let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("wss://"))
        {
            (true, rest)
        } else if let Some(rest) = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("ws://"))
        {
            (false, rest)
        } else {
            return Err(format!(
                "{url}: expected https://, wss://, http:// or ws://"
            ));
        };
        let authority = rest.split('/').next().unwrap_or(rest);
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => (
                host.trim_matches(['[', ']']).to_owned(),
                port.parse().map_err(|_| format!("{url}: bad port"))?,
            ),
            _ => (authority.to_owned(), if secure { 443 } else { 80 }),
        };
        let scheme = if secure { "wss" } else { "ws" };
        let tls = secure
            .then(|| tls_connector(insecure, Vec::new()))
            .transpose()?;
        Ok(Target {
            url: format!("{scheme}://{authority}{}", confab::protocol::SIGNALING_PATH),
            host,
            port,
            tls,
            insecure,
        })
    }

    /// The same target, offering these ALPN protocols in the TLS handshake (`h2` for HTTP/2).
    pub fn with_alpn(mut self, protocols: &[&[u8]]) -> Result<Self, String> {
        if self.tls.is_some() {
            let protocols = protocols.iter().map(|p| p.to_vec()).collect();
            self.tls = Some(tls_connector(self.insecure, protocols)?);
        }
        Ok(self)
    }

    /// Opens the connection (TCP, and TLS for `https`) without speaking anything over it.
    pub async fn open(&self) -> Result<Box<dyn Stream>, String> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        self.secure(tcp).await
    }

    /// Opens one signaling connection from `socket` (bound by the caller, e.g. to a chosen
    /// local address).
    pub async fn connect_over(&self, socket: tokio::net::TcpSocket) -> Result<Socket, String> {
        let addr = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| format!("resolve: {e}"))?
            .next()
            .ok_or("no address")?;
        let tcp = socket
            .connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let stream = self.secure(tcp).await?;
        let (socket, _) = tokio_tungstenite::client_async(self.url.as_str(), stream)
            .await
            .map_err(|e| format!("websocket: {e}"))?;
        Ok(socket)
    }

    async fn secure(&self, tcp: TcpStream) -> Result<Box<dyn Stream>, String> {
        let _ = tcp.set_nodelay(true);
        Ok(match &self.tls {
            Some(tls) => {
                let name = ServerName::try_from(self.host.clone())
                    .map_err(|e| format!("server name: {e}"))?;
                Box::new(
                    tls.connect(name, tcp)
                        .await
                        .map_err(|e| format!("tls: {e}"))?,
                )
            }
            None => Box::new(tcp),
        })
    }

    /// Opens one signaling connection.
    pub async fn connect(&self) -> Result<Socket, String> {
        let stream = self.open().await?;
        let (socket, _) = tokio_tungstenite::client_async(self.url.as_str(), stream)
            .await
            .map_err(|e| format!("websocket: {e}"))?;
        Ok(socket)
    }
}

/// TLS as a browser's first visit: the cipher suites in Chromium's order of preference
/// (AES-128-GCM first), and no resumption, so every connection costs the server a full
/// handshake with a certificate signature.
fn tls_connector(insecure: bool, alpn: Vec<Vec<u8>>) -> Result<TlsConnector, String> {
    let provider = Arc::new(browser_like_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let mut config = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(SYSTEM_ROOTS)
            .map_err(|e| format!("{SYSTEM_ROOTS}: {e}"))?
            .flatten()
        {
            let _ = roots.add(cert);
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    config.resumption = rustls::client::Resumption::disabled();
    config.alpn_protocols = alpn;
    Ok(TlsConnector::from(Arc::new(config)))
}

/// The ring provider with TLS 1.3's AES-128-GCM suite first, as Chromium and Firefox offer it
/// (rustls' own order starts with AES-256-GCM).
fn browser_like_provider() -> rustls::crypto::CryptoProvider {
    let mut provider = rustls::crypto::ring::default_provider();
    provider
        .cipher_suites
        .sort_by_key(|suite| suite.suite() != rustls::CipherSuite::TLS13_AES_128_GCM_SHA256);
    provider
}

/// Accepts any server certificate (`--insecure`), still checking the handshake signatures.
#[derive(Debug)]
struct AcceptAny(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
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
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_signaling_urls() {
        let t = Target::new("http://127.0.0.1:3000", false).unwrap();
        assert_eq!(
            (t.url.as_str(), t.host.as_str(), t.port),
            ("ws://127.0.0.1:3000/signal", "127.0.0.1", 3000)
        );
        let t = Target::new("https://meet.example.org/room/x", true).unwrap();
        assert_eq!(
            (t.url.as_str(), t.port),
            ("wss://meet.example.org/signal", 443)
        );
        assert!(t.tls.is_some());
        let t = Target::new("ws://[::1]:8080", false).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 8080));
        assert!(Target::new("ftp://x", false).is_err());
        assert!(Target::new("http://x:port", false).is_err());
    }

    #[test]
    fn suites_are_offered_in_a_browsers_order() {
        let default = rustls::crypto::ring::default_provider().cipher_suites;
        let offered = browser_like_provider().cipher_suites;
        let names = |suites: &[rustls::SupportedCipherSuite]| {
            let mut names: Vec<_> = suites.iter().map(|s| format!("{:?}", s.suite())).collect();
            names.sort();
            names
        };
        assert_eq!(
            names(&offered),
            names(&default),
            "the same suites, reordered"
        );
        assert_eq!(
            offered[0].suite(),
            rustls::CipherSuite::TLS13_AES_128_GCM_SHA256
        );
    }
}
