//! Local HTTP endpoints on 127.0.0.1: a merchant's notify (callback) URL that records what the
//! sandbox sends it, and a fake gateway that gives every request the same answer.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use posgate_core::{Notification, RawFields};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Reads one HTTP request: its head, and as much body as its content-length says. `None` when
/// the peer stops before the request is whole.
pub async fn read_request(sock: &mut TcpStream) -> io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let len = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        if buf.len() >= end + 4 + len {
            return Ok(Some((head, buf[end + 4..end + 4 + len].to_vec())));
        }
    }
}

/// Answers `200 OK` with `body`, then closes the connection.
pub async fn write_response(sock: &mut TcpStream, content_type: &str, body: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let written = async {
        sock.write_all(head.as_bytes()).await?;
        sock.write_all(body.as_bytes()).await
    }
    .await;
    sock.shutdown().await.ok();
    written
}

/// What a [`receiver`] got, in order: each request's fields and the answer it gave.
#[derive(Clone, Default)]
pub struct Received(Arc<Mutex<Vec<(RawFields, String)>>>);

impl Received {
    /// Everything received so far, with the answers.
    pub fn all(&self) -> Vec<(RawFields, String)> {
        self.0.lock().unwrap().clone()
    }

    /// The fields of everything received so far.
    pub fn fields(&self) -> Vec<RawFields> {
        self.0.lock().unwrap().iter().map(|(f, _)| f.clone()).collect()
    }

    /// Waits (10 s at most) until `n` requests came; returns what came by then.
    pub async fn wait_for(&self, n: usize) -> Vec<(RawFields, String)> {
        let until = Instant::now() + Duration::from_secs(10);
        while self.0.lock().unwrap().len() < n && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.all()
    }
}

/// A local HTTP server at `path` that takes the fields of each request (query string and form
/// body), records them with `answer(fields)`, then answers that as text.
pub async fn receiver(path: &str, answer: impl Fn(&RawFields) -> String + Send + 'static) -> (String, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    let received = Received::default();
    let record = received.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let Ok(Some((head, body))) = read_request(&mut sock).await else { continue };
            let target = head.split_whitespace().nth(1).unwrap_or("");
            let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
            let mut fields: RawFields = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            // A form body is fields; any other body (Kuaishou's JSON, XML or 3DES text) is kept
            // whole under `body`, as a merchant's handler hands it to `verify_notification`.
            let form = head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("content-type:") && l.contains("x-www-form-urlencoded"));
            if form || body.is_empty() {
                fields.extend(form_urlencoded::parse(&body).into_owned());
            } else {
                fields.insert("body".into(), String::from_utf8_lossy(&body).into_owned());
            }
            let ack = answer(&fields);
            record.0.lock().unwrap().push((fields, ack.clone()));
            let _ = write_response(&mut sock, "text/plain", &ack).await;
        }
    });
    (url, received)
}

/// A merchant's notify URL at `path`: checks each notification with `verify` and answers its
/// ack, or `fail` when it does not verify.
pub async fn merchant_receiver(
    path: &str,
    verify: impl Fn(&RawFields) -> posgate_core::Result<Notification> + Send + 'static,
) -> (String, Received) {
    receiver(path, move |fields| match verify(fields) {
        Ok(n) => n.ack,
        Err(_) => "fail".to_string(),
    })
    .await
}

/// A local notify URL that records the notifications posted to it and answers `ack`.
pub async fn notify_server(ack: &'static str) -> (String, Received) {
    receiver("/notify", move |_| ack.to_string()).await
}

/// A fake gateway that answers every request with `body` (JSON).
pub async fn fake_gateway(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let _ = read_request(&mut sock).await;
            let _ = write_response(&mut sock, "application/json", &body).await;
        }
    });
    url
}
