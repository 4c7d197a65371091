//! What posgate adds to a query's round trip, per gateway, over real HTTP on 127.0.0.1 against
//! the embedded sandbox. Three measurements per gateway:
//!
//! - `posgate`: `Gateway::query` of a paid order (build and sign the request, encrypt where the
//!   gateway does, send, read, verify the answer's signature, decrypt, parse into a TradeResult);
//! - `replay`: the very bytes posgate sent for that query, captured once, POSTed again by a bare
//!   reqwest client and the answer read as text. The sandbox does exactly the same work (verify,
//!   look up, sign the answer), so `posgate / replay` is the client's own overhead;
//! - `floor`: a request of the same method and size (request line and body) to
//!   `/_sandbox/notify`, which answers `SUCCESS` and does nothing: loopback HTTP alone.
//!   `replay - floor` is the simulator's work.
//!
//! Run with `cargo bench -p posgate-core --bench round_trip`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::{Gateway, GatewayId, Money, PayRequest};
use posgate_sandbox::Sandbox;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

/// One HTTP request as it left posgate (Kuaishou's query is a GET with no body).
#[derive(Debug, Clone)]
struct Captured {
    method: String,
    /// Path and query string, e.g. `/tlinx/mct1/paystatus`.
    target: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (posgate always sends a Content-Length, or no body).
async fn read_request(s: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.lines();
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < head_end + length {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Captured { method, target, content_type: header("content-type"), body: buf[head_end..].to_vec() })
}

/// The request gateway `g`'s client sends for `query(order_no)`: its configuration pointed at
/// a listener that records what arrives (the answers are empty, so the query itself fails). The
/// last request is the query's: a Chaoying client that does not know the order's wallet yet asks
/// each wallet first, once (the measured client has learnt it in the warm-up).
async fn capture_query(g: GatewayId, order_no: &str) -> Captured {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let server = tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            if let Some(c) = read_request(&mut s).await {
                // Kept before the answer goes out: the client gives up as soon as it reads it.
                sink.lock().unwrap().push(c);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
            }
        }
    });
    let mut cfg = posgate_sandbox::test_config(g, &root).unwrap();
    cfg.request_timeout = Duration::from_secs(2);
    let _ = posgate_core::connect(cfg).unwrap().query(order_no).await;
    server.abort();
    let last = seen.lock().unwrap().pop();
    last.unwrap_or_else(|| panic!("{g}: the query sent nothing"))
}

/// A paid order on gateway `g` in the sandbox: a barcode paid at once, or (Sunmi, which has no
/// barcode pay) a mini-program prepay whose payer's scenario is "paid at once".
async fn paid_order(sb: &Sandbox, g: GatewayId) -> String {
    let engine = Engine::on_current_runtime(client(sb, g), Arc::new(Journal::in_memory().unwrap())).unwrap();
    let order_no = posgate_core::ids::new_order_no("PG");
    if g == GatewayId::Sunmi {
        let params = serde_json::json!({"totalAmount": 1580, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
            "openId": "oG-NZ5LHRuFlGF7bKEbXtj0000", "orderId": order_no});
        engine.invoke("mini_pay", params).await.unwrap();
    } else {
        let req = PayRequest {
            order_no: order_no.clone(),
            amount: Money::from_fen(1580, "amount").unwrap(),
            auth_code: "134567890123450000".into(),
            subject: "bench".into(),
            terminal_id: None,
            store_id: None,
        };
        let r = engine.pay(req, None).await.unwrap();
        assert!(r.state.is_paid_like(), "{g}: {r:?}");
    }
    order_no
}

fn client(sb: &Sandbox, g: GatewayId) -> Arc<dyn Gateway> {
    posgate_core::connect(sb.config(g).unwrap()).unwrap()
}

/// A bare reqwest client: no TLS on loopback, default pool (keep-alive, as posgate's).
fn bare_client() -> reqwest::Client {
    // reqwest is built without a default TLS provider (see transport.rs); any client needs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn send(http: &reqwest::Client, url: String, c: &Captured, body: Vec<u8>) -> String {
    let method = reqwest::Method::from_bytes(c.method.as_bytes()).unwrap();
    let mut req = http.request(method, url).body(body);
    if let Some(ct) = &c.content_type {
        req = req.header("content-type", ct);
    }
    req.send().await.unwrap().text().await.unwrap()
}

/// `/_sandbox/notify` with a query string padding its request line to the captured one's length
/// (Kuaishou queries by GET, its parameters in the path and query string).
fn floor_url(sb: &Sandbox, c: &Captured) -> String {
    let path = "/_sandbox/notify?pad=";
    format!("{}{path}{}", sb.root_url(), "x".repeat(c.target.len().saturating_sub(path.len())))
}

/// One gateway's query, and the same bytes for the bare client.
struct Case {
    g: GatewayId,
    gw: Arc<dyn Gateway>,
    order_no: String,
    captured: Captured,
    replay_url: String,
    floor_url: String,
}

impl Case {
    async fn new(sb: &Sandbox, http: &reqwest::Client, g: GatewayId) -> Case {
        let order_no = paid_order(sb, g).await;
        let captured = capture_query(g, &order_no).await;
        let case = Case {
            g,
            gw: client(sb, g),
            replay_url: format!("{}{}", sb.root_url(), captured.target),
            floor_url: floor_url(sb, &captured),
            order_no,
            captured,
        };
        // The replayed answer must be the order's own, as posgate reads it, or the comparison is
        // off: the same bytes posgate gets (Kuaishou's and TLinx's are encrypted).
        let answer = case.replay(http).await;
        assert!(case.gw.query(&case.order_no).await.unwrap().state.is_paid_like(), "{g}");
        let c = &case.captured;
        println!(
            "{g}: the query is {} with a {}-byte target and a {}-byte body; its answer is {} bytes",
            c.method,
            c.target.len(),
            c.body.len(),
            answer.len()
        );
        case
    }

    async fn posgate(&self) {
        let r = self.gw.query(&self.order_no).await.unwrap();
        assert!(r.state.is_paid_like());
    }

    async fn replay(&self, http: &reqwest::Client) -> String {
        send(http, self.replay_url.clone(), &self.captured, self.captured.body.clone()).await
    }

    async fn floor(&self, http: &reqwest::Client) -> String {
        send(http, self.floor_url.clone(), &self.captured, vec![b'x'; self.captured.body.len()]).await
    }

    /// Medians of the three, run in turn round after round, so that load from elsewhere on the
    /// machine falls on all three alike (criterion measures them one after the other).
    async fn paired(&self, http: &reqwest::Client, rounds: usize) -> [Duration; 3] {
        let mut times: [Vec<Duration>; 3] = Default::default();
        for round in 0..rounds + rounds / 10 {
            let t = Instant::now();
            self.posgate().await;
            let p = t.elapsed();
            let t = Instant::now();
            self.replay(http).await;
            let r = t.elapsed();
            let t = Instant::now();
            self.floor(http).await;
            let f = t.elapsed();
            // The first tenth warms the connections and caches up.
            if round >= rounds / 10 {
                for (i, d) in [p, r, f].into_iter().enumerate() {
                    times[i].push(d);
                }
            }
        }
        times.map(|mut v| {
            v.sort();
            v[v.len() / 2]
        })
    }
}

fn round_trips(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let sb = rt.block_on(Sandbox::start()).unwrap();
    let http = bare_client();
    let cases: Vec<Case> = posgate_sandbox::SIMULATED.iter().map(|&g| rt.block_on(Case::new(&sb, &http, g))).collect();

    println!("\npaired medians of 3,000 rounds (µs):\n");
    println!("| gateway | posgate | replay | floor | posgate / replay | posgate / floor |");
    println!("|---|---:|---:|---:|---:|---:|");
    for case in &cases {
        let [p, r, f] = rt.block_on(case.paired(&http, 3000));
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
            case.g,
            us(p),
            us(r),
            us(f),
            us(p) / us(r),
            us(p) / us(f)
        );
    }
    println!();

    for case in &cases {
        let mut group = c.benchmark_group(format!("query round trip/{}", case.g));
        group.bench_function("posgate", |b| b.to_async(&rt).iter(|| case.posgate()));
        group.bench_function("replay", |b| b.to_async(&rt).iter(|| case.replay(&http)));
        group.bench_function("floor", |b| b.to_async(&rt).iter(|| case.floor(&http)));
        group.finish();
    }
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
