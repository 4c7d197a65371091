//! Detection delay: how long after the payer confirms does the engine report `paid`, and how
//! many queries did it spend, on each gateway's poll schedule, before and after issue 13's
//! tuning (BENCHMARKS.md).
//!
//! Payers confirm at random moments, uniformly between 1 s and `--max-confirm` seconds after
//! the pay call (a password typed on the phone; the same seeded moments for every schedule, so
//! the comparison is paired). The engine runs unchanged against the embedded sandbox over real
//! HTTP, each gateway's flow as the cashier's app runs it:
//!
//! - barcode (Chaoying, Kuaishou, TLinx, MMSP): the pay call is answered "paying"; the payer's
//!   moment is scripted on the sandbox's order (its scenario: paying until then, paid after);
//! - prepay (Sunmi, which has no barcode pay): a mini-program prepay followed by the engine; the
//!   payer pays it through the sandbox at the moment;
//! - QR (Chaoying, Kuaishou, TLinx, MMSP): the payer scans and pays the code at the moment.
//!
//! It runs in real time: the engine schedules its queries on the wall clock (`now_ms`) and the
//! sandbox ages its orders on `std::time::Instant`, so tokio's paused clock would not move
//! them. Every payment runs at once, so a run takes about `--max-confirm` plus one interval
//! (under a minute). `--scale K` divides every schedule and moment by K for a quicker look
//! (figures are scaled back; loopback latency is then magnified K times).
//!
//!     cargo run --release -p posgate-core --example detection [-- --payers 100 --seed 7 --max-confirm 30 --scale 1]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::{
    Gateway, GatewayId, Money, PayRequest, PaymentEvent, PaymentListener, PollSchedule, QrPaymentRequest, TradeState,
    Wallet,
};
use posgate_sandbox::{Sandbox, Scenario};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The QR codes' expiry: a QR payment's wait ends there, not at the schedule's deadline.
const QR_EXPIRY_SECONDS: u32 = 120;

/// The default schedules before issue 13 tuned them (what `fn schedule()` of each gateway's
/// client returned).
fn before(g: GatewayId) -> PollSchedule {
    let (first, every, deadline, reverse) = match g {
        GatewayId::Chaoying => (5, 5, 45, 15),
        GatewayId::Kuaishou => (5, 5, 90, 5),
        GatewayId::Tlinx => (3, 3, 60, 15),
        GatewayId::Mmsp => (5, 5, 60, 15),
        GatewayId::Sunmi => (10, 5, 180, 10),
    };
    let s = Duration::from_secs;
    PollSchedule {
        first_query_after: s(first),
        interval: s(every),
        deadline: s(deadline),
        earliest_reverse: s(reverse),
    }
}

/// The gateway's default schedule now (no `poll` override in its configuration).
fn now_default(sb: &Sandbox, g: GatewayId) -> PollSchedule {
    let mut cfg = sb.config(g).unwrap();
    cfg.poll = None;
    posgate_core::connect(cfg).unwrap().schedule()
}

fn scaled(s: PollSchedule, k: u32) -> PollSchedule {
    PollSchedule {
        first_query_after: s.first_query_after / k,
        interval: s.interval / k,
        deadline: s.deadline / k,
        earliest_reverse: s.earliest_reverse / k,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flow {
    Barcode,
    Prepay,
    Qr,
}

impl Flow {
    fn name(self) -> &'static str {
        match self {
            Flow::Barcode => "barcode",
            Flow::Prepay => "prepay",
            Flow::Qr => "QR",
        }
    }
}

/// Counts the queries and notes when the engine reported the end.
#[derive(Default)]
struct Probe {
    polls: AtomicU32,
    ended: Mutex<Option<(Instant, TradeState)>>,
}

impl PaymentListener for Probe {
    fn on_event(&self, event: PaymentEvent) {
        match event {
            PaymentEvent::Poll { .. } => {
                self.polls.fetch_add(1, Ordering::SeqCst);
            }
            PaymentEvent::Final { state, .. } => *self.ended.lock().unwrap() = Some((Instant::now(), state)),
            _ => {}
        }
    }
}

/// One payer's payment: the delay from the payer's confirmation to the engine's `paid`, and the
/// queries spent; `None` when it did not end paid.
async fn one(sb: Arc<Sandbox>, engine: Arc<Engine>, flow: Flow, confirm_after: Duration) -> Option<(Duration, u32)> {
    let g = engine.gateway().id();
    let probe = Arc::new(Probe::default());
    let listener = Some(probe.clone() as Arc<dyn PaymentListener>);
    let order_no = posgate_core::ids::new_order_no("PG");
    let amount = Money::from_fen(1580, "amount").unwrap();
    let started = Instant::now();
    let confirm_at = started + confirm_after;
    match flow {
        Flow::Barcode => {
            // `1999`: paying for 999 s; the payer's real moment is set on the order once it exists.
            let req = PayRequest {
                order_no: order_no.clone(),
                amount,
                auth_code: "134567890123451999".into(),
                subject: "detection".into(),
                terminal_id: None,
                store_id: None,
            };
            let handle = engine.start_payment(req, listener).unwrap();
            let store = &sb.context().store;
            while store.get(g.as_str(), &order_no).is_none() {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            store.update(g.as_str(), &order_no, |o| {
                o.scenario = Scenario::PayingThenPaid(confirm_at.saturating_duration_since(o.created))
            });
            handle.result().await.ok()?;
        }
        Flow::Prepay => {
            // An openId without the scenario digits: the prepay waits for its payer.
            let params = serde_json::json!({"totalAmount": 1580, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
                "openId": "oSandboxDetectionPayer", "orderId": order_no});
            engine.invoke("mini_pay", params).await.ok()?;
            let follow = {
                let (engine, no) = (engine.clone(), order_no.clone());
                tokio::spawn(async move { engine.follow_preorder(&no, listener).await })
            };
            tokio::time::sleep_until(confirm_at.into()).await;
            sb.pay_preorder(g, &order_no).await.ok()?;
            follow.await.ok()?.ok()?;
        }
        Flow::Qr => {
            let req = QrPaymentRequest {
                order_no: order_no.clone(),
                amount,
                subject: "detection".into(),
                wallet: Some(Wallet::Wechat),
                expire_seconds: Some(QR_EXPIRY_SECONDS),
                notify_url: Some(format!("{}/_sandbox/notify", sb.root_url())),
                terminal_id: None,
                store_id: None,
            };
            let qr = engine.start_qr_payment(req, listener).await.ok()?;
            tokio::time::sleep_until(confirm_at.into()).await;
            sb.pay_preorder(g, &order_no).await.ok()?;
            qr.handle.result().await.ok()?;
        }
    }
    let ended = *probe.ended.lock().unwrap();
    match ended {
        Some((at, TradeState::Paid)) => {
            Some((at.saturating_duration_since(confirm_at), probe.polls.load(Ordering::SeqCst)))
        }
        _ => None,
    }
}

struct Args {
    payers: usize,
    seed: u64,
    max_confirm: u64,
    scale: u32,
}

fn args() -> Args {
    let mut a = Args { payers: 100, seed: 7, max_confirm: 30, scale: 1 };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or_else(|| panic!("{}: a number", pair[0]));
        match pair[0].as_str() {
            "--payers" => a.payers = value as usize,
            "--seed" => a.seed = value,
            "--max-confirm" => a.max_confirm = value,
            "--scale" => a.scale = value.max(1) as u32,
            other => panic!("unknown option {other}"),
        }
    }
    a
}

/// One row: a flow on one gateway under one schedule.
struct Row {
    flow: Flow,
    gateway: GatewayId,
    label: &'static str,
    schedule: PollSchedule,
    runs: Vec<tokio::task::JoinHandle<Option<(Duration, u32)>>>,
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

#[tokio::main]
async fn main() {
    let a = args();
    let sb = Arc::new(Sandbox::start().await.unwrap());
    let mut rng = StdRng::seed_from_u64(a.seed);
    // The same payers (moments) for every row: paired before/after.
    let moments: Vec<Duration> =
        (0..a.payers).map(|_| Duration::from_millis(rng.random_range(1000..=a.max_confirm * 1000))).collect();
    let flows: &[(Flow, &[GatewayId])] = &[
        (Flow::Barcode, &[GatewayId::Chaoying, GatewayId::Kuaishou, GatewayId::Tlinx, GatewayId::Mmsp]),
        (Flow::Prepay, &[GatewayId::Sunmi]),
        (Flow::Qr, &[GatewayId::Chaoying, GatewayId::Kuaishou, GatewayId::Tlinx, GatewayId::Mmsp]),
    ];
    let mut rows = Vec::new();
    for &(flow, gateways) in flows {
        for &g in gateways {
            let variants = [("before", before(g)), ("after", now_default(&sb, g))];
            for (label, schedule) in variants {
                if label == "after" && schedule == before(g) {
                    continue;
                }
                let mut cfg = sb.config(g).unwrap();
                cfg.poll = Some(scaled(schedule, a.scale));
                let gw: Arc<dyn Gateway> = posgate_core::connect(cfg).unwrap();
                let engine = Engine::on_current_runtime(gw, Arc::new(Journal::in_memory().unwrap())).unwrap();
                let runs = moments
                    .iter()
                    .map(|&m| {
                        // Staggered starts, so the queries of a row do not all leave at one instant.
                        let stagger = Duration::from_millis(rng.random_range(0..2000)) / a.scale;
                        let (sb, engine) = (sb.clone(), engine.clone());
                        tokio::spawn(async move {
                            tokio::time::sleep(stagger).await;
                            one(sb, engine, flow, m / a.scale).await
                        })
                    })
                    .collect();
                rows.push(Row { flow, gateway: g, label, schedule, runs });
            }
        }
    }
    println!(
        "{} payers per row, confirming uniformly 1-{} s after the pay call (seed {}), scale 1/{}\n",
        a.payers, a.max_confirm, a.seed, a.scale
    );
    println!("| flow | gateway | schedule | first / every / deadline (s) | paid | mean delay (s) | p50 | p90 | max | queries, mean | max | queries/min while waiting |");
    println!("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let mut got = Vec::new();
        for r in row.runs {
            if let Ok(Some(x)) = r.await {
                got.push(x);
            }
        }
        let mut delays: Vec<Duration> = got.iter().map(|(d, _)| *d * a.scale).collect();
        delays.sort();
        let n = delays.len().max(1);
        let mean = delays.iter().sum::<Duration>() / n as u32;
        let pct = |p: usize| {
            delays.get((delays.len() * p / 100).min(delays.len().saturating_sub(1))).copied().unwrap_or_default()
        };
        let queries: u32 = got.iter().map(|(_, q)| q).sum();
        let s = row.schedule;
        println!(
            "| {} | {} | {} | {} / {} / {} | {}/{} | {} | {} | {} | {} | {:.1} | {} | {:.0} |",
            row.flow.name(),
            row.gateway,
            row.label,
            s.first_query_after.as_secs_f64(),
            s.interval.as_secs_f64(),
            match row.flow {
                Flow::Qr => format!("{QR_EXPIRY_SECONDS} (expiry)"),
                _ => s.deadline.as_secs_f64().to_string(),
            },
            delays.len(),
            a.payers,
            secs(mean),
            secs(pct(50)),
            secs(pct(90)),
            secs(delays.last().copied().unwrap_or_default()),
            f64::from(queries) / n as f64,
            got.iter().map(|(_, q)| *q).max().unwrap_or(0),
            60.0 / s.interval.as_secs_f64(),
        );
    }
}
