//! The transport trusts the platform's roots and nothing else: a loopback https server with a
//! self-signed certificate is refused during the handshake, before any request is sent, and
//! the error says why.

use std::sync::Arc;

use posgate_core::transport::{Transport, TransportConfig, TransportError};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one TLS connection with the untrusted certificate; answers any request with 200.
async fn untrusted_server() -> (String, tokio::task::JoinHandle<bool>) {
    let cert = CertificateDer::from_pem_file("tests/fixtures/untrusted-cert.pem").unwrap();
    let key = PrivateKeyDer::from_pem_file("tests/fixtures/untrusted-key.pem").unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://127.0.0.1:{}/pay", listener.local_addr().unwrap().port());
    let served = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        // true when a request got through the handshake (it must not).
        let Ok(mut tls) = acceptor.accept(tcp).await else { return false };
        let mut buf = [0u8; 1024];
        let n = tls.read(&mut buf).await.unwrap_or(0);
        let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
        n > 0
    });
    (url, served)
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_before_anything_is_sent() {
    let (url, served) = untrusted_server().await;
    let transport = Transport::new(TransportConfig::default()).unwrap();
    let err = transport.post_form(&url, &[("amount".into(), "1".into())]).await.unwrap_err();
    assert!(matches!(err, TransportError::Connect(_)), "{err:?}");
    assert!(!err.sent(), "a refused handshake sent nothing: {err:?}");
    let text = err.to_string().to_lowercase();
    assert!(text.contains("certificate") || text.contains("no ca certificates"), "{text}");
    // A machine without any roots fails before it connects at all: the server then never sees a
    // connection, which is as refused; a bounded wait keeps that from hanging the test.
    let reached = tokio::time::timeout(std::time::Duration::from_secs(5), served).await;
    assert!(!reached.map(|r| r.unwrap()).unwrap_or(false), "the request reached the server");
}
