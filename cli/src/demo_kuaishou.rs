//! The Kuaishou part of `posgate demo` beyond the barcode day: a QR order the payer pays through
//! `POST /_sandbox/pay/kuaishou/<order>`, whose `PAY_NODIFY` reaches a local notify URL, is
//! verified and checked against the journal, and only then answered with HTTP 200.

use std::sync::Arc;

use posgate_core::engine::Engine;
use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::{ids, RawFields, TradeState};
use posgate_sandbox::Sandbox;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::tally::Tally;

/// One notification as a merchant's handler sees it: the query string's fields and the raw body
/// under `body`; the handler's answer goes back through `answer`.
pub(crate) struct Delivery {
    pub(crate) fields: RawFields,
    pub(crate) answer: oneshot::Sender<String>,
}

/// A notify URL on 127.0.0.1 that takes one notification and answers it as told (200 with the
/// text, or 500 when the handler drops the answer: Kuaishou then retries).
pub(crate) async fn notify_url() -> std::io::Result<(String, oneshot::Receiver<Delivery>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/notify", listener.local_addr()?);
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else { return };
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head, body) = loop {
            let Ok(n) = sock.read(&mut chunk).await else { return };
            if n == 0 {
                return;
            }
            buf.extend_from_slice(&chunk[..n]);
            let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len = head
                .lines()
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                break (head, String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned());
            }
        };
        let target = head.split_whitespace().nth(1).unwrap_or("");
        let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
        let mut fields: RawFields = form_urlencoded_pairs(query);
        fields.insert("body".into(), body);
        let (answer_tx, answer_rx) = oneshot::channel();
        if tx.send(Delivery { fields, answer: answer_tx }).is_err() {
            return;
        }
        let (status, text) = match answer_rx.await {
            Ok(text) => ("200 OK", text),
            Err(_) => ("500 Internal Server Error", String::new()),
        };
        let reply = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}", text.len());
        let _ = sock.write_all(reply.as_bytes()).await;
        let _ = sock.shutdown().await;
    });
    Ok((url, rx))
}

fn form_urlencoded_pairs(query: &str) -> RawFields {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// The QR order, paid by the sandbox's payer, its notification verified against the journal.
pub async fn qr_order(engine: &Arc<Engine>, sandbox: &Sandbox, tally: &mut Tally) {
    let g = engine.gateway().id();
    let outcome = async {
        let (url, delivered) = notify_url().await.map_err(|e| format!("notify URL: {e}"))?;
        let no = ids::new_order_no("PGQ");
        let order = json!({"charge_code": no, "amount": 1880, "subject": "demo QR order", "channel_type": "2",
                           "notify_url": url});
        let answer = engine.invoke("order", order).await.map_err(|e| e.to_string())?;
        let link = answer["BAR_CODE"].as_str().unwrap_or_default().to_string();
        println!("[{g}]      {no}: QR link {link}");
        // The payer pays: the sandbox posts PAY_NODIFY to the notify URL.
        let http =
            Transport::new(TransportConfig { allow_http: true, ..Default::default() }).map_err(|e| e.to_string())?;
        let pay_url = format!("{}/_sandbox/pay/{g}/{no}", sandbox.root_url());
        let paying = tokio::spawn(async move { http.post_form(&pay_url, &[]).await });
        let delivery = delivered.await.map_err(|_| "no notification arrived".to_string())?;
        // Verified, checked against the journal and recorded: only then the 200.
        let check = engine.check_notification(&delivery.fields).map_err(|e| e.to_string())?;
        let _ = delivery.answer.send(check.notification.ack.clone());
        paying.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
        let n = &check.notification;
        if n.order_no != no || n.state != TradeState::Paid {
            return Err(format!("notification says {} {}", n.order_no, n.state));
        }
        let q = engine.query(&no).await.map_err(|e| e.to_string())?;
        if q.state != TradeState::Paid {
            return Err(format!("query says {}", q.state));
        }
        Ok(format!(
            "{no} paid by QR, notification verified ({} fen), query {}",
            n.amount.map(|a| a.fen()).unwrap_or(0),
            q.state
        ))
    }
    .await;
    tally.check(g, "QR order paid, notification verified", outcome);
}
