//! The shared test kit: what every gateway's conformance case needs, per gateway in one place
//! (how to charge, pre-order and refund on it), so a gateway added to the registry and the
//! sandbox is held to the whole suite by adding its arms here.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::{Error, Gateway, GatewayId, Money, PollSchedule, RawFields};
use posgate_sandbox::faults::{Fault, FaultPlan};
use posgate_sandbox::Sandbox;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every gateway the sandbox simulates: the conformance suite runs over each.
pub const GATEWAYS: &[GatewayId] = posgate_sandbox::SIMULATED;

pub fn fen(n: i64) -> Money {
    Money::from_fen(n, "amount").unwrap()
}

pub fn new_no(prefix: &str) -> String {
    posgate_core::ids::new_order_no(prefix)
}

/// A quick schedule: first query after 200 ms, then every 200 ms, up to `deadline_ms`.
pub fn schedule(deadline_ms: u64) -> PollSchedule {
    PollSchedule {
        first_query_after: Duration::from_millis(200),
        interval: Duration::from_millis(200),
        deadline: Duration::from_millis(deadline_ms),
        earliest_reverse: Duration::from_millis(200),
    }
}

pub fn client(sb: &Sandbox, g: GatewayId) -> Arc<dyn Gateway> {
    let mut cfg = sb.config(g).unwrap();
    cfg.poll = Some(schedule(3000));
    posgate_core::connect(cfg).unwrap()
}

pub fn engine(gw: Arc<dyn Gateway>) -> Arc<Engine> {
    Engine::on_current_runtime(gw, Arc::new(Journal::in_memory().unwrap())).unwrap()
}

/// The field an `InvalidInput` names; panics on any other error.
pub fn field_of(e: &Error) -> String {
    match e {
        Error::InvalidInput { field, .. } => field.clone(),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// The operation (and its params) that takes money from the payer on gateway `g` for the
/// sandbox's scenario `last4`: a barcode charge, or (Sunmi, which has none) a prepay whose
/// payer is the scenario's openId. The boolean says whether it is a pre-order to follow.
pub fn charge(g: GatewayId, no: &str, last4: &str, amount: i64) -> (&'static str, serde_json::Value, bool) {
    let barcode = format!("13456789012{last4}");
    match g {
        GatewayId::Chaoying => (
            "barcode_pay",
            json!({"out_trade_no": no, "total_fee": amount, "auth_code": barcode, "body": "conformance"}),
            false,
        ),
        GatewayId::Tlinx => (
            "payorder",
            json!({"scenario": "barcode", "out_no": no, "pmt_tag": "Weixin", "original_amount": amount,
                   "trade_amount": amount, "auth_code": barcode}),
            false,
        ),
        GatewayId::Sunmi => (
            "mini_pay",
            json!({"totalAmount": amount, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
                   "openId": format!("oG-NZ5LHRuFlGF7bKEbXtj{last4}"), "orderId": no}),
            true,
        ),
        other => panic!("{other}: add its charge to the test kit"),
    }
}

/// A pre-order on gateway `g` that notifies `notify_url` when paid, and the text the merchant
/// answers the notification with.
pub fn preorder(
    g: GatewayId,
    no: &str,
    amount: i64,
    notify_url: &str,
) -> (&'static str, serde_json::Value, &'static str) {
    match g {
        GatewayId::Chaoying => (
            "wechat_pre_order",
            json!({"body": "conformance", "out_trade_no": no, "total_fee": amount, "trade_type": "NATIVE",
                   "product_id": "p1", "notify_url": notify_url}),
            "success",
        ),
        GatewayId::Tlinx => (
            "payorder",
            json!({"scenario": "qr", "out_no": no, "pmt_tag": "Weixin", "original_amount": amount,
                   "trade_amount": amount, "notify_url": notify_url}),
            "notify_success",
        ),
        GatewayId::Sunmi => (
            "mini_pay",
            json!({"totalAmount": amount, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
                   "openId": "oG-NZ5LHRuFlGF7bKEbXtj9999", "orderId": no, "notifyUrl": notify_url}),
            "success",
        ),
        other => panic!("{other}: add its pre-order to the test kit"),
    }
}

/// Counts every request that reaches the sandbox's simulators.
#[derive(Default)]
pub struct Seen(Mutex<Vec<String>>);

impl Seen {
    pub fn install(sb: &Sandbox) -> Arc<Seen> {
        let s = Arc::new(Seen::default());
        sb.set_faults(Some(s.clone() as Arc<dyn FaultPlan>));
        s
    }

    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

impl FaultPlan for Seen {
    fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
        self.0.lock().unwrap().push(format!("{gateway}{path}"));
        None
    }
}

/// A local HTTP server that records the notifications posted to it and answers `ack`.
pub async fn notify_server(ack: &'static str) -> (String, Arc<Mutex<Vec<RawFields>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body = loop {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
                let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                let len = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if buf.len() >= end + 4 + len {
                    break Some((head, buf[end + 4..end + 4 + len].to_vec()));
                }
            };
            let Some((head, body)) = body else { continue };
            let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
            let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
            let mut fields: RawFields = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            fields.extend(form_urlencoded::parse(&body).into_owned());
            record.lock().unwrap().push(fields);
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ack}",
                ack.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (url, seen)
}
