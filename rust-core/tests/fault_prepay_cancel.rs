//! Prepays and cancels under a seeded storm: random faults on every gateway request (timeouts,
//! resets, 5xx, garbage, bad signatures, before and after the gateway commits), then the faults
//! stop, a fresh engine recovers the journal, and the journal is held against the gateway's books.
//!
//! - **prepay**, on all five gateways: pre-orders the payer pays later, journalled by their
//!   declared effect (`PreOrder`) through `Engine::invoke` and followed with
//!   `Engine::follow_preorder`: Sunmi's WeChat prepays (`mini_pay`, `js_api_pay`; its payers
//!   scripted by their openId, or paying by hand at a random moment), and the other gateways' QR
//!   and JSAPI / mini-program pre-orders (the sandbox's payer pays at a random moment, or on the
//!   gateways that close an order, never). Each is followed by the payment machine, by two
//!   machines at once (the second attaches) or by the app's own queries; half of the gateways'
//!   notifications are relayed to the engine (checked against the journal). Some prepays are
//!   sent again (refused unsent) or with another amount (refused); paid ones are refunded
//!   (some in full, some retried, some under the same refund number with another amount); some
//!   run on a runtime killed mid-flight and are followed again by the cashier after the crash.
//! - **cancel**, on the four barcode gateways: barcode payments the cashier cancels while they
//!   are paying (through the payment's handle or `Engine::cancel`), cancels of payments that
//!   ended paid (some retried, some sent twice at once; some through the gateway's own cancel
//!   operation by name), cancels of partly refunded orders (refused unsent), and kills
//!   mid-payment and mid-cancel; after the crash the cashier cancels
//!   some of the killed payments on a live engine.
//!
//! The books: (a) every charge is in the journal; (b) nothing is charged twice, no number
//! carries two amounts; (c) nothing is unsettled after recovery; (d) the journal's state agrees
//! with where the money is (paid: the gateway holds it; reversed, closed, failed or refunded: it
//! does not; a cancel that went through leaves no money at the gateway and no payment paid in the
//! journal); (e) every refund the gateway made is in the journal and nothing else is; (f) an order
//! the cashier cancelled (the cancel answered, or its outcome unknown) holds no money once
//! recovery has run.
//!
//! Reproduce a run with `POSGATE_FAULT_SEEDS=7 cargo test -p posgate-core --test fault_prepay_cancel -- --nocapture`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod kit;

use kit::books::{holds_money, Books, Found};
use kit::{journal_path, open_id, pay_request, remove_journal, schedule, schedule_every, Doomed};
use posgate_core::engine::Engine;
use posgate_core::journal::{now_ms, Entry, EntryKind, EntryState, Journal};
use posgate_core::{Error, Gateway, GatewayId, Money, PollSchedule, RefundRequest, TradeResult, TradeState};
use posgate_sandbox::faults::{Fault, FaultPlan, RandomFaults};
use posgate_sandbox::{OrderView, Sandbox, SandboxOptions, GATEWAYS, SIMULATED};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

const DEFAULT_SEEDS: &[u64] = &[20250314, 9, 161803];
const FAULT_RATE: f64 = 0.3;
/// Longer than the client's timeout: a hung request is always given up by the client first.
const HANG: Duration = Duration::from_millis(800);
const REQUEST_TIMEOUT: Duration = Duration::from_millis(400);
/// Share of movements run on the runtime that is killed.
const KILL_SHARE: f64 = 0.25;
/// Share of paid movements refunded during the storm.
const REFUND_SHARE: f64 = 0.4;

/// Prepays: the payer pays within [`PAY_WITHIN_MS`] of the prepay's answer, well before the
/// deadline, so a paid prepay is found paid (or, its queries all lost, refunded at the deadline).
const PREPAYS: usize = 14;
const PREPAY_SCHEDULE: PollSchedule = schedule_every(300, 3000, 500);
const PAY_WITHIN_MS: u64 = 1500;
/// Sunmi's scripted payers (the openId's last four digits): paid at once, paying then paid,
/// paying then cancelled by the payer, declined, a system error or no answer though charged.
const SUNMI_SCRIPTS: &[&str] = &["0000", "1001", "2001", "3001", "4001", "4002"];

/// Cancels: barcode payments, in batches, each batch with its own killed runtime.
const PAYMENTS: usize = 20;
const BATCH: usize = 10;
const SCENARIOS: &[&str] = &["0000", "1001", "1002", "2001", "3001", "4001", "4002"];
/// The deadline falls right when `1002` turns paid, as in `fault_random`.
const CANCEL_SCHEDULE: PollSchedule = schedule(2000, 500);

fn seeds() -> Vec<u64> {
    match std::env::var("POSGATE_FAULT_SEEDS") {
        Ok(s) if !s.trim().is_empty() => {
            s.split(',').map(|x| x.trim().parse().expect("POSGATE_FAULT_SEEDS: comma-separated u64")).collect()
        }
        _ => DEFAULT_SEEDS.to_vec(),
    }
}

fn client(sb: &Sandbox, gateway: GatewayId, poll: PollSchedule) -> Arc<dyn Gateway> {
    let mut cfg = sb.config(gateway).unwrap();
    cfg.request_timeout = REQUEST_TIMEOUT;
    cfg.connect_timeout = REQUEST_TIMEOUT;
    cfg.poll = Some(poll);
    posgate_core::connect(cfg).unwrap()
}

async fn storm_sandbox(seed: u64) -> (Arc<Sandbox>, Arc<RandomFaults>) {
    let sb = Arc::new(Sandbox::start_with(0, SandboxOptions { hang: HANG }).await.unwrap());
    let plan = Arc::new(RandomFaults::new(seed, FAULT_RATE, &Fault::ALL));
    sb.set_faults(Some(plan.clone() as Arc<dyn FaultPlan>));
    (sb, plan)
}

fn is_field(r: &Result<impl std::fmt::Debug, Error>, name: &str) -> bool {
    matches!(r, Err(Error::InvalidInput { field, .. }) if field == name)
}

/// What the storm asked for on one order number.
#[derive(Debug, Clone)]
struct Asked {
    amount: i64,
    killed: bool,
    /// What was done with it, for the problem lines.
    what: String,
}

/// What the storm's own calls saw, to be held against the books afterwards.
#[derive(Default)]
struct Seen {
    problems: Vec<String>,
    /// Orders the cashier cancelled (the cancel answered, or its outcome is unknown): once
    /// recovery has run, none of them holds money.
    cancelled: HashSet<String>,
    /// How the cashier's cancels ended, by kind of answer.
    cancel_ends: BTreeMap<String, usize>,
}

type Shared = Arc<Mutex<Seen>>;

fn problem(seen: &Shared, p: String) {
    seen.lock().unwrap().problems.push(p);
}

/// The cashier cancels `order_no` on `engine` and the storm remembers what it came to. `paid`:
/// the payment is known to have ended paid (or is still paying), so the cancel must reverse it.
async fn cashier_cancel(engine: &Arc<Engine>, order_no: &str, seen: &Shared) -> Result<TradeResult, Error> {
    let r = engine.cancel(order_no).await;
    let end = match &r {
        Ok(t) => format!("ok {}", t.state),
        Err(Error::InvalidInput { field, .. }) => format!("refused ({field})"),
        Err(e) if e.outcome_unknown() => "unknown".into(),
        Err(Error::GatewayRejected { code, .. }) => format!("rejected {code}"),
        Err(_) => "error".into(),
    };
    let mut s = seen.lock().unwrap();
    *s.cancel_ends.entry(end).or_default() += 1;
    match &r {
        Ok(t) if t.state.is_paid_like() => {
            s.problems.push(format!("{order_no}: the cashier's cancel answered {}", t.state));
        }
        Ok(_) => {
            s.cancelled.insert(order_no.to_string());
        }
        Err(e) if e.outcome_unknown() => {
            s.cancelled.insert(order_no.to_string());
        }
        Err(_) => {}
    }
    r
}

/// A refund of a paid order during the storm (some in full, some retried at once, some under
/// the same number with another amount, which is refused unsent).
async fn storm_refund(engine: &Arc<Engine>, order_no: &str, amount: i64, rng: &mut StdRng) -> Result<(), String> {
    let part = if rng.random_bool(0.3) { amount } else { rng.random_range(1..=amount) };
    let req = RefundRequest {
        order_no: order_no.to_string(),
        refund_no: format!("RF{order_no}"),
        refund_amount: Money::from_fen(part, "refund_amount").unwrap(),
        total_amount: Some(Money::from_fen(amount, "total_amount").unwrap()),
        reason: None,
    };
    let (again, other) = (rng.random_bool(0.5), rng.random_bool(0.3));
    let _ = engine.refund(&req).await;
    if again {
        let _ = engine.refund(&req).await;
    }
    if other {
        let other = RefundRequest { refund_amount: Money::from_fen(part + 1, "refund_amount").unwrap(), ..req.clone() };
        let r = engine.refund(&other).await;
        if !is_field(&r, "refund_no") {
            return Err(format!("{}: another amount under the same refund_no: {r:?}", req.refund_no));
        }
    }
    Ok(())
}

/// Waits until every deadline of the journal at `path` has passed, so recovery queries once and
/// reverses (or refunds) what is still open.
async fn past_every_deadline(path: &std::path::Path, deadline: Duration) {
    let last_sent =
        Journal::open(path).unwrap().list().unwrap().iter().filter_map(|e| e.first_sent_at_ms).max().unwrap_or(0);
    while now_ms() < last_sent + deadline.as_millis() as i64 + 100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Holds the journal against the gateway's books; returns the problems and how many entries
/// need attention.
fn books(
    gateway: GatewayId,
    journal: &Journal,
    orders: &[OrderView],
    asked: &HashMap<String, Asked>,
    cancelled: &HashSet<String>,
) -> (Vec<String>, usize, BTreeMap<&'static str, usize>) {
    let mut problems = Vec::new();
    let needs_attention = 0;
    let entries = journal.list().unwrap();
    let payments: HashMap<&str, &Entry> =
        entries.iter().filter(|e| e.kind == EntryKind::Payment).map(|e| (e.order_no.as_str(), e)).collect();
    let cancels: HashMap<&str, &Entry> =
        entries.iter().filter(|e| e.kind == EntryKind::Cancel).map(|e| (e.order_no.as_str(), e)).collect();
    let by_no: HashMap<&str, &OrderView> = orders.iter().map(|o| (o.order_no.as_str(), o)).collect();
    let describe = |no: &str| {
        let a = asked.get(no).map(|a| format!("{} fen {}{}", a.amount, a.what, if a.killed { " killed" } else { "" }));
        let p = payments.get(no).map(|e| {
            format!("journal {} attempts {} note {:?} answer {:?}", e.state, e.attempts, e.note, e.last_answer)
        });
        let c = cancels.get(no).map(|e| format!("cancel {} attempts {} note {:?}", e.state, e.attempts, e.note));
        let o = by_no.get(no).map(|o| format!("{:?} charges {} refunded {}", o.state, o.charges, o.refunded));
        format!(
            "{no} [{}] [{}] [{}] [{}]",
            a.unwrap_or_default(),
            p.unwrap_or_default(),
            c.unwrap_or_default(),
            o.unwrap_or_default()
        )
    };

    // (a) every charge is in the journal as paid, reversed, closed, refunded (or handed to a person).
    for o in orders.iter().filter(|o| o.charges > 0) {
        match payments.get(o.order_no.as_str()).map(|e| e.state) {
            Some(
                EntryState::Paid
                | EntryState::Reversed
                | EntryState::Closed
                | EntryState::Refunded
                | EntryState::NeedsAttention,
            ) => {}
            _ => problems.push(format!("(a) charge not accounted for: {}", describe(&o.order_no))),
        }
    }
    // (b) never charged twice; a number never carries two amounts; every order was asked for.
    for o in orders {
        if o.charges > 1 {
            problems.push(format!("(b) charged {} times: {}", o.charges, describe(&o.order_no)));
        }
        match asked.get(o.order_no.as_str()) {
            Some(a) if a.amount as u64 == o.amount => {}
            Some(a) => problems.push(format!("(b) gateway has {} fen, asked {}: {}", o.amount, a.amount, o.order_no)),
            None => problems.push(format!("(b) an order nobody asked for: {}", describe(&o.order_no))),
        }
    }
    for (no, a) in asked {
        match payments.get(no.as_str()) {
            Some(e) if e.amount.fen_i64() == a.amount => {}
            Some(e) => problems.push(format!("(b) journal has {} for {}: {no}", e.amount, a.amount)),
            // Killed before its entry was written: then nothing can have reached the gateway.
            None if a.killed && !by_no.contains_key(no.as_str()) => {}
            None => problems.push(format!("(b) payment missing from the journal: {}", describe(no))),
        }
    }
    // (c), (d), (e): the storms' common checks.
    let common = Books { gateway, entries: &entries, orders, describe: &describe };
    let mut found = Found { problems, needs_attention, ..Found::default() };
    common.nothing_unsettled(journal, &mut found);
    common.payments_match_money(&mut found);
    let Found { mut problems, mut needs_attention, by_state } = found;
    for c in cancels.values() {
        if !matches!(c.state, EntryState::Reversed | EntryState::Closed | EntryState::Refunded) {
            continue;
        }
        if by_no.get(c.order_no.as_str()).is_some_and(|o| holds_money(o)) {
            problems.push(format!("(d) cancel {}, gateway holds the money: {}", c.state, describe(&c.order_no)));
        }
        if payments.get(c.order_no.as_str()).is_some_and(|p| p.state == EntryState::Paid) {
            problems.push(format!("(d) cancel {}, journal paid, gateway not: {}", c.state, describe(&c.order_no)));
        }
    }
    // (e), a cancel's reversal counting as the order's (TLinx).
    let reversed = |no: &str| {
        payments.get(no).is_some_and(|p| p.state == EntryState::Reversed)
            || cancels.get(no).is_some_and(|c| c.state == EntryState::Reversed)
    };
    let mut found = Found { problems, needs_attention, ..Found::default() };
    common.refunds_match(&reversed, &mut found);
    (problems, needs_attention) = (found.problems, found.needs_attention);
    // (f) what the cashier cancelled holds no money.
    for no in cancelled {
        if by_no.get(no.as_str()).is_some_and(|o| holds_money(o)) {
            problems.push(format!("(f) cancelled by the cashier, the gateway holds the money: {}", describe(no)));
        }
    }
    (problems, needs_attention, by_state)
}

struct Outcome {
    problems: Vec<String>,
    needs_attention: usize,
    movements: usize,
}

/// Prints one run's problems, detail and `storm-summary` line (`run`: kind, gateway, seed);
/// keeps its journal when it had problems.
fn report(
    (kind, gateway, seed): (&str, GatewayId, u64),
    path: &std::path::Path,
    asked: &HashMap<String, Asked>,
    mut problems: Vec<String>,
    needs_attention: usize,
    detail: String,
) -> Outcome {
    for p in &problems {
        println!("  PROBLEM {kind} {gateway} seed {seed}: {p}");
    }
    if problems.is_empty() {
        remove_journal(path);
    } else {
        println!("  journal kept at {}", path.display());
    }
    println!("{kind} {gateway} seed {seed}: {detail}");
    kit::storm::summary(kind, gateway.as_str(), seed, asked.len(), &problems, needs_attention);
    problems = problems.into_iter().map(|p| format!("{kind} {gateway} seed {seed}: {p}")).collect();
    Outcome { problems, needs_attention, movements: asked.len() }
}

fn fault_line(plan: &RandomFaults) -> String {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (_, f) in plan.injected() {
        *kinds.entry(format!("{f:?}")).or_default() += 1;
    }
    format!("{} of {} requests faulted {kinds:?}", plan.injected().len(), plan.calls())
}

// ---------------------------------------------------------------------------------------------
// Prepays

/// Who pays a prepay, and when.
#[derive(Debug, Clone, Copy)]
enum Payer {
    /// Sunmi: the payer's openId scripts the outcome (its last four digits).
    Scripted(&'static str),
    /// The sandbox's payer pays this many milliseconds after the prepay call returned (the
    /// order at the gateway, if the call created one), also when the call's answer was lost:
    /// an order nobody pays ends needs attention on Sunmi and TLinx, which cannot close it, and
    /// stays open after recovery on the others (both by design, see [`Payer::Never`]).
    Pays(u64),
    /// Nobody pays: the engine cancels the order at the deadline. Only on gateways that close
    /// an order (Sunmi and TLinx cannot: an unpaid prepay there is handed to a person), and never
    /// on the killed runtime (recovery leaves an unpaid pre-order open for its payer, README
    /// "What posgate guarantees").
    Never,
}

/// The pre-order that takes `amount` fen from `payer` on gateway `g`: a QR order, or (`jsapi`)
/// one paid inside WeChat (official account or mini program). Sunmi: `mini_pay`, or
/// `js_api_pay`.
fn prepay_call(g: GatewayId, no: &str, amount: i64, payer: &str, jsapi: bool, notify: &str) -> (&'static str, Value) {
    match (g, jsapi) {
        (GatewayId::Sunmi, false) => ("mini_pay", kit::mini_pay_json(no, amount, payer)),
        (GatewayId::Sunmi, true) => (
            "js_api_pay",
            json!({"totalAmount": amount, "miniAppId": posgate_sandbox::sunmi::OA_APP_ID, "openId": payer,
                   "orderId": no}),
        ),
        (GatewayId::Chaoying, true) => (
            "wechat_pre_order",
            json!({"body": "prepay storm", "out_trade_no": no, "total_fee": amount, "trade_type": "JSPAY",
                   "sub_appid": "wxaee08d155d9de0c5", "buyer_id": payer, "notify_url": notify}),
        ),
        (GatewayId::Kuaishou, true) => (
            "jsapi_order",
            json!({"charge_code": no, "amount": amount, "subject": "prepay storm", "notify_url": notify,
                   "sub_appid": "wxb1c959c78e070e58", "sub_openid": payer}),
        ),
        (GatewayId::Tlinx, true) => (
            "payorder",
            json!({"scenario": "mini_program", "out_no": no, "pmt_tag": "Weixin", "original_amount": amount,
                   "trade_amount": amount, "sub_appid": "wxsandboxmini", "sub_openid": payer,
                   "notify_url": notify}),
        ),
        (GatewayId::Mmsp, true) => (
            "wechat_pre_order",
            json!({"mer_order_id": no, "amount": amount, "goods_name": "prepay storm", "notify_url": notify,
                   "trade_type": "in_app", "openid": payer, "mini_program": true}),
        ),
        (g, false) => {
            let (op, params, _) = kit::preorder(g, no, amount, notify);
            (op, params)
        }
    }
}

/// How the cashier follows a prepay to its end.
#[derive(Debug, Clone, Copy)]
enum Follow {
    /// `Engine::follow_preorder`: the payment machine.
    Machine,
    /// `Engine::follow_preorder` twice at once: the second attaches to the first.
    Twice,
    /// The app's own `Engine::query` until it says final (the journal hears every answer), then
    /// `follow_preorder` for what is still open at the deadline.
    Queries,
}

/// Whether gateway `g` can end an unpaid pre-order at its deadline (cancel or close it).
fn closes_preorders(g: GatewayId) -> bool {
    !matches!(g, GatewayId::Sunmi | GatewayId::Tlinx)
}

async fn prepay_seed(gateway: GatewayId, seed: u64) -> Outcome {
    let started = Instant::now();
    let salt = 0x5EED ^ (gateway as u64).wrapping_mul(0x9E37_79B9);
    let mut rng = StdRng::seed_from_u64(seed ^ salt);
    let (sb, plan) = storm_sandbox(seed ^ salt).await;
    let path = journal_path(&format!("fault-prepay-{gateway}-{seed}"));
    let engine =
        Engine::on_current_runtime(client(&sb, gateway, PREPAY_SCHEDULE), Arc::new(Journal::open(&path).unwrap()))
            .unwrap();
    let doomed = Doomed::new(client(&sb, gateway, PREPAY_SCHEDULE), &path);
    let notify = format!("{}/_sandbox/notify", sb.root_url());
    let seen: Shared = Arc::default();
    let relay = (engine.clone(), seen.clone());
    let (relay_url, notifications) = kit::receiver("/notify", move |fields| match relay.0.check_notification(fields) {
        Ok(c) => c.notification.ack,
        Err(e) => {
            problem(&relay.1, format!("a relayed notification refused: {e} {fields:?}"));
            "fail".into()
        }
    })
    .await;
    let mut asked: HashMap<String, Asked> = HashMap::new();
    let mut live = Vec::new();
    let mut payers = Vec::new();
    let mut killed_nos = Vec::new();
    for n in 0..PREPAYS {
        let no = format!("PP{}{}N{n:02}", seed % 1_000_000, gateway as u8);
        let amount = rng.random_range(1..=50_000i64);
        let killed = rng.random_bool(KILL_SHARE);
        let payer = match gateway {
            GatewayId::Sunmi if rng.random_bool(0.5) => Payer::Scripted(SUNMI_SCRIPTS[rng.random_range(0..6)]),
            g if closes_preorders(g) && !killed && rng.random_bool(0.15) => Payer::Never,
            _ => Payer::Pays(rng.random_range(0..PAY_WITHIN_MS)),
        };
        let payer_id = match payer {
            Payer::Scripted(last4) => open_id(last4),
            // No four digits at the end: Sunmi's simulator waits for the payer.
            _ => "oG-NZ5LHRuFlGF7bKEbXtjPayer".to_string(),
        };
        let jsapi = rng.random_bool(0.5);
        // Some notifications are relayed to the live engine, as the merchant's server would.
        let relayed = rng.random_bool(0.5);
        let (op, mut params) =
            prepay_call(gateway, &no, amount, &payer_id, jsapi, if relayed { &relay_url } else { &notify });
        if gateway == GatewayId::Sunmi && relayed {
            params["notifyUrl"] = json!(relay_url);
        }
        let (again, other) = (rng.random_bool(0.2), rng.random_bool(0.2));
        let follow = match rng.random_range(0..10) {
            0..=5 => Follow::Machine,
            6 | 7 => Follow::Twice,
            _ => Follow::Queries,
        };
        let refund = rng.random_bool(REFUND_SHARE).then(|| StdRng::seed_from_u64(rng.random()));
        let stagger = Duration::from_millis(rng.random_range(0..800));
        asked.insert(
            no.clone(),
            Asked {
                amount,
                killed,
                what: format!(
                    "{op}{} {payer:?} {follow:?}{}",
                    if jsapi { " in-app" } else { "" },
                    if relayed { " relayed" } else { "" }
                ),
            },
        );
        let on = if killed { doomed.engine.clone() } else { engine.clone() };
        let (called_tx, called_rx) = tokio::sync::oneshot::channel::<()>();
        let seen2 = seen.clone();
        if killed {
            killed_nos.push(no.clone());
        }
        let payer_no = no.clone();
        let run = async move {
            tokio::time::sleep(stagger).await;
            let first = on.invoke(op, params.clone()).await;
            let _ = called_tx.send(());
            if let Err(e @ Error::InvalidInput { .. }) = &first {
                problem(&seen2, format!("{no}: prepay refused as bad input: {e}"));
            }
            if again {
                // The same prepay again: never sent twice under one number.
                let resendable = on
                    .journal()
                    .get(EntryKind::Payment, on.gateway().id(), &no)
                    .unwrap()
                    .is_some_and(|e| e.resendable());
                let r = on.invoke(op, params.clone()).await;
                if !resendable && !is_field(&r, "order_no") {
                    problem(&seen2, format!("{no}: the same prepay again was not refused: {r:?}"));
                }
            }
            if other {
                let mut more = params.clone();
                for k in ["totalAmount", "total_fee", "amount", "trade_amount"] {
                    if let Some(v) = more.get(k).and_then(Value::as_i64) {
                        more[k] = json!(v + 1);
                    }
                }
                if more.get("original_amount").is_some() {
                    more["original_amount"] = more["trade_amount"].clone();
                }
                let r = on.invoke(op, more).await;
                if !is_field(&r, "order_no") {
                    problem(&seen2, format!("{no}: the prepay with another amount was not refused: {r:?}"));
                }
            }
            let r = match follow {
                Follow::Machine => on.follow_preorder(&no, None).await,
                Follow::Twice => {
                    let (a, b) = tokio::join!(on.follow_preorder(&no, None), on.follow_preorder(&no, None));
                    match (&a, &b) {
                        (Ok(x), Ok(y)) if x.state == y.state => {}
                        _ => problem(&seen2, format!("{no}: followed twice, two answers: {a:?} / {b:?}")),
                    }
                    a
                }
                Follow::Queries => {
                    let until = Instant::now() + PREPAY_SCHEDULE.deadline;
                    while Instant::now() < until {
                        match on.query(&no).await {
                            Ok(t) if t.state.is_final() => break,
                            _ => tokio::time::sleep(PREPAY_SCHEDULE.interval).await,
                        }
                    }
                    on.follow_preorder(&no, None).await
                }
            };
            match &r {
                Ok(t) if !t.state.is_final() => problem(&seen2, format!("{no}: follow ended {t:?}")),
                Ok(t) if t.state == TradeState::Paid => {
                    if let Some(mut rng) = refund {
                        if let Err(p) = storm_refund(&on, &no, amount, &mut rng).await {
                            problem(&seen2, p);
                        }
                    }
                }
                Ok(_) => {}
                // Never sent (refused before sending): nothing to follow.
                Err(Error::InvalidInput { field, .. }) if field == "order_no" && first.is_err() => {}
                Err(e) => problem(&seen2, format!("{no}: follow failed: {e:?} (prepay answered {first:?})")),
            }
        };
        if killed {
            doomed.rt.spawn(run);
        } else {
            live.push(tokio::spawn(run));
        }
        // The payer, who does not crash with the terminal.
        let sb = sb.clone();
        payers.push(tokio::spawn(async move {
            let _ = called_rx.await;
            if let Payer::Pays(after) = payer {
                tokio::time::sleep(Duration::from_millis(after)).await;
                // No order (never created, or already closed): nothing to pay.
                let _ = sb.pay_preorder(gateway, &payer_no).await;
            }
        }));
    }
    // The crash, at a random moment.
    tokio::time::sleep(Duration::from_millis(rng.random_range(0..2500))).await;
    doomed.crash();
    for t in live {
        t.await.unwrap();
    }
    for p in payers {
        p.await.unwrap();
    }
    // Some killed prepays are followed again by the cashier on the live engine before any
    // recovery: resumed (queried), never sent again.
    let mut followed_again = 0;
    for no in &killed_nos {
        if rng.random_bool(0.3) {
            followed_again += 1;
            match engine.follow_preorder(no, None).await {
                Ok(r) if r.state.is_final() => {}
                // Killed before it was sent, or before it was written: nothing to follow.
                Err(Error::InvalidInput { field, .. }) if field == "order_no" => {}
                other => problem(&seen, format!("{no}: followed again after the crash: {other:?}")),
            }
        }
    }

    // The storm ends; a fresh engine recovers what the crash left.
    sb.set_faults(None);
    past_every_deadline(&path, PREPAY_SCHEDULE.deadline).await;
    let unsettled_before = Journal::open(&path).unwrap().unsettled().unwrap().len();
    let recovery =
        Engine::on_current_runtime(client(&sb, gateway, PREPAY_SCHEDULE), Arc::new(Journal::open(&path).unwrap()))
            .unwrap();
    let recovered = recovery.recover().await.unwrap();
    recovery.wait_idle().await;

    let orders: Vec<OrderView> = sb.orders().into_iter().filter(|o| o.gateway == gateway.as_str()).collect();
    let journal = Journal::open(&path).unwrap();
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let (mut problems, needs_attention, by_state) = books(gateway, &journal, &orders, &asked, &seen.cancelled);
    problems.extend(seen.problems);
    let refunds = journal.list().unwrap().iter().filter(|e| e.kind == EntryKind::Refund).count();
    let killed = asked.values().filter(|a| a.killed).count();
    let detail = format!(
        "{} prepays ({killed} killed, {followed_again} followed again after the crash), final {by_state:?}, \
         {refunds} refunds, {} notifications relayed, {unsettled_before} unsettled before recovery, {} recovered; \
         {}; {:.1}s",
        asked.len(),
        notifications.all().len(),
        recovered.len(),
        fault_line(&plan),
        started.elapsed().as_secs_f64()
    );
    report(("prepay", gateway, seed), &path, &asked, problems, needs_attention, detail)
}

// ---------------------------------------------------------------------------------------------
// Cancels

/// What the cashier does with one barcode payment.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// Nothing: the payment runs its course (refunded, sometimes, when paid).
    Keep,
    /// Cancels after this many milliseconds, while it may still be paying: through the
    /// payment's handle (`true`) or `Engine::cancel`.
    WhilePaying(u64, bool),
    /// Cancels once it ended paid (or, sometimes, whatever it ended): `Some(concurrent)` sends
    /// the cancel twice, at once or one after the other.
    WhenEnded(Option<bool>),
    /// Refunds part of it once paid, then cancels: refused before anything is sent.
    RefundThenCancel,
    /// Cancels it once paid through the gateway's own cancel operation, by name (journalled by
    /// its declared effect, `Cancel`; TLinx's paycancel refuses a paid order: 8012).
    ByName,
}

/// Gateway `g`'s own cancel of order `no`, by name.
fn cancel_by_name(g: GatewayId, no: &str) -> (&'static str, Value) {
    match g {
        GatewayId::Chaoying => ("trade_cancel", json!({"paytype": "WECHAT", "out_trade_no": no})),
        GatewayId::Kuaishou => ("cancel_trade", json!({"charge_code": no})),
        GatewayId::Mmsp => ("scan_cancel", json!({"mer_order_id": no})),
        GatewayId::Tlinx => ("paycancel", json!({"out_no": no})),
        other => panic!("{other} has no barcode payment to cancel"),
    }
}

async fn cancel_seed(gateway: GatewayId, seed: u64) -> Outcome {
    let started = Instant::now();
    let salt = 0xCA4C ^ (gateway as u64).wrapping_mul(0x9E37_79B9);
    let mut rng = StdRng::seed_from_u64(seed ^ salt);
    let (sb, plan) = storm_sandbox(seed ^ salt).await;
    let path = journal_path(&format!("fault-cancel-{gateway}-{seed}"));
    let engine =
        Engine::on_current_runtime(client(&sb, gateway, CANCEL_SCHEDULE), Arc::new(Journal::open(&path).unwrap()))
            .unwrap();
    let seen: Shared = Arc::default();
    let mut asked: HashMap<String, Asked> = HashMap::new();
    let mut cancelled_after_crash = 0;
    let mut n = 0;
    while n < PAYMENTS {
        let batch = BATCH.min(PAYMENTS - n);
        let doomed = Doomed::new(client(&sb, gateway, CANCEL_SCHEDULE), &path);
        let mut live = Vec::new();
        let mut killed_now = Vec::new();
        for _ in 0..batch {
            let no = format!("PC{}{}N{n:03}", seed % 1_000_000, gateway as u8);
            n += 1;
            let amount = rng.random_range(2..=50_000i64);
            let scenario = SCENARIOS[rng.random_range(0..SCENARIOS.len())];
            let killed = rng.random_bool(KILL_SHARE);
            let act = match rng.random_range(0..20) {
                0..=2 => Act::Keep,
                3..=9 => Act::WhilePaying(rng.random_range(0..1500), rng.random_bool(0.5)),
                10..=15 => Act::WhenEnded(rng.random_bool(0.3).then(|| rng.random_bool(0.5))),
                16 | 17 => Act::ByName,
                _ => Act::RefundThenCancel,
            };
            let refund = rng.random_bool(REFUND_SHARE).then(|| StdRng::seed_from_u64(rng.random()));
            asked.insert(no.clone(), Asked { amount, killed, what: format!("{scenario} {act:?}") });
            let req = pay_request("cancel storm", &no, scenario, amount);
            let on = if killed { doomed.engine.clone() } else { engine.clone() };
            let handle = on.start_payment(req, None).unwrap();
            let seen = seen.clone();
            if killed {
                killed_now.push(no.clone());
            }
            let run = async move {
                match act {
                    Act::Keep => {
                        let r = handle.result().await;
                        if let (Ok(TradeState::Paid), Some(mut rng)) = (r.as_ref().map(|r| r.state), refund) {
                            if let Err(p) = storm_refund(&on, &no, amount, &mut rng).await {
                                problem(&seen, p);
                            }
                        }
                        check_ended(&no, &r, &seen);
                    }
                    Act::WhilePaying(after, by_handle) => {
                        tokio::time::sleep(Duration::from_millis(after)).await;
                        if by_handle {
                            handle.cancel();
                            let r = handle.result().await;
                            // Too late (already paid) is an answer too; anything else is not paid.
                            check_ended(&no, &r, &seen);
                        } else {
                            let _ = cashier_cancel(&on, &no, &seen).await;
                            check_ended(&no, &handle.result().await, &seen);
                        }
                    }
                    Act::WhenEnded(twice) => {
                        let r = handle.result().await;
                        check_ended(&no, &r, &seen);
                        let paid = matches!(&r, Ok(t) if t.state == TradeState::Paid);
                        // A payment that did not end paid is sometimes cancelled all the same.
                        if paid || twice.is_some() {
                            match twice {
                                Some(true) => {
                                    let _ =
                                        tokio::join!(cashier_cancel(&on, &no, &seen), cashier_cancel(&on, &no, &seen));
                                }
                                Some(false) => {
                                    let first = cashier_cancel(&on, &no, &seen).await;
                                    let again = cashier_cancel(&on, &no, &seen).await;
                                    if let (Ok(a), Ok(b)) = (&first, &again) {
                                        if a.state.is_paid_like() != b.state.is_paid_like() {
                                            problem(&seen, format!("{no}: cancelled twice: {a:?} then {b:?}"));
                                        }
                                    }
                                }
                                None => {
                                    // Retried by the cashier when its outcome is unknown.
                                    if let Err(e) = cashier_cancel(&on, &no, &seen).await {
                                        if e.outcome_unknown() {
                                            let _ = cashier_cancel(&on, &no, &seen).await;
                                        }
                                    }
                                }
                            }
                        }
                    }
                    Act::ByName => {
                        let r = handle.result().await;
                        check_ended(&no, &r, &seen);
                        if matches!(&r, Ok(t) if t.state == TradeState::Paid) {
                            let (op, params) = cancel_by_name(gateway, &no);
                            let c = on.invoke(op, params).await;
                            let mut s = seen.lock().unwrap();
                            let end = match &c {
                                Ok(_) => "by name: ok".to_string(),
                                Err(e) if e.outcome_unknown() => "by name: unknown".into(),
                                Err(Error::GatewayRejected { code, .. }) => format!("by name: rejected {code}"),
                                Err(e) => {
                                    s.problems.push(format!("{no}: {op} by name: {e:?}"));
                                    "by name: error".into()
                                }
                            };
                            *s.cancel_ends.entry(end).or_default() += 1;
                            if c.is_ok() || c.as_ref().is_err_and(|e| e.outcome_unknown()) {
                                s.cancelled.insert(no.clone());
                            }
                        }
                    }
                    Act::RefundThenCancel => {
                        let r = handle.result().await;
                        check_ended(&no, &r, &seen);
                        if matches!(&r, Ok(t) if t.state == TradeState::Paid) {
                            let req = RefundRequest {
                                order_no: no.clone(),
                                refund_no: format!("RP{no}"),
                                refund_amount: Money::from_fen(amount / 2, "refund_amount").unwrap(),
                                total_amount: Some(Money::from_fen(amount, "total_amount").unwrap()),
                                reason: None,
                            };
                            let _ = on.refund(&req).await;
                            let taken = on.refund_left(&no, None).unwrap().is_some_and(|l| !l.taken.is_zero());
                            let c = on.cancel(&no).await;
                            if taken && !is_field(&c, "order_no") {
                                problem(&seen, format!("{no}: cancel of a partly refunded order: {c:?}"));
                            }
                            if !taken {
                                // The refund provably failed: the cancel was the cashier's to make.
                                if c.is_ok() || c.as_ref().is_err_and(|e| e.outcome_unknown()) {
                                    seen.lock().unwrap().cancelled.insert(no.clone());
                                }
                            }
                        }
                    }
                }
            };
            if killed {
                doomed.rt.spawn(run);
            } else {
                live.push(tokio::spawn(run));
            }
        }
        // The crash, at a random moment of the batch.
        let kill_at = Duration::from_millis(rng.random_range(0..3000));
        let killer = tokio::spawn(async move {
            tokio::time::sleep(kill_at).await;
            doomed.crash();
        });
        for t in live {
            t.await.unwrap();
        }
        killer.await.unwrap();
        // The terminal crashed mid-payment: the cashier cancels some of them on a live engine.
        for no in killed_now {
            if rng.random_bool(0.3) {
                cancelled_after_crash += 1;
                let _ = cashier_cancel(&engine, &no, &seen).await;
            }
        }
    }

    // The storm ends; a fresh engine recovers what the crashes left.
    sb.set_faults(None);
    past_every_deadline(&path, CANCEL_SCHEDULE.deadline).await;
    let unsettled_before = Journal::open(&path).unwrap().unsettled().unwrap().len();
    let recovery =
        Engine::on_current_runtime(client(&sb, gateway, CANCEL_SCHEDULE), Arc::new(Journal::open(&path).unwrap()))
            .unwrap();
    let recovered = recovery.recover().await.unwrap();

    let orders: Vec<OrderView> = sb.orders().into_iter().filter(|o| o.gateway == gateway.as_str()).collect();
    let journal = Journal::open(&path).unwrap();
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let (mut problems, needs_attention, by_state) = books(gateway, &journal, &orders, &asked, &seen.cancelled);
    problems.extend(seen.problems);
    let entries = journal.list().unwrap();
    let count = |k: EntryKind| entries.iter().filter(|e| e.kind == k).count();
    let killed = asked.values().filter(|a| a.killed).count();
    let detail = format!(
        "{} payments ({killed} killed, {cancelled_after_crash} cancelled after the crash), final {by_state:?}, \
         {} cancels {:?}, {} refunds, {unsettled_before} unsettled before recovery, {} recovered; {}; {:.1}s",
        asked.len(),
        count(EntryKind::Cancel),
        seen.cancel_ends,
        count(EntryKind::Refund),
        recovered.len(),
        fault_line(&plan),
        started.elapsed().as_secs_f64()
    );
    report(("cancel", gateway, seed), &path, &asked, problems, needs_attention, detail)
}

/// A payment's result as the handle reports it: settled, or refused before it was sent.
fn check_ended(no: &str, r: &Result<TradeResult, Error>, seen: &Shared) {
    match r {
        Ok(t) if t.state.is_final() => {}
        other => problem(seen, format!("{no}: result not settled: {other:?}")),
    }
}

// ---------------------------------------------------------------------------------------------

async fn storm<F, Fut>(kind: &str, gateways: &[GatewayId], run: F)
where
    F: Fn(GatewayId, u64) -> Fut,
    Fut: std::future::Future<Output = Outcome> + Send + 'static,
{
    let seeds = seeds();
    println!("{kind} fault storm seeds {seeds:?} (set POSGATE_FAULT_SEEDS to rerun some)");
    let mut problems = Vec::new();
    let (mut attention, mut total) = (0, 0);
    for seed in seeds {
        // The gateways side by side, each on its own sandbox and journal.
        let tasks: Vec<_> = gateways.iter().map(|&g| (g, tokio::spawn(run(g, seed)))).collect();
        for (g, t) in tasks {
            let o = t.await.unwrap_or_else(|e| panic!("{kind} {g} seed {seed} panicked: {e}"));
            attention += o.needs_attention;
            total += o.movements;
            problems.extend(o.problems);
        }
    }
    // Handed to a person is allowed, rarely (as in `fault_random`): the storm is far worse than
    // any network.
    assert!(attention * 50 <= total, "{kind}: {attention} of {total} need attention");
    assert!(problems.is_empty(), "{kind}: {} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepays_survive_the_storm() {
    storm("prepay", SIMULATED, prepay_seed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancels_survive_the_storm() {
    storm("cancel", GATEWAYS, cancel_seed).await;
}

/// Every simulated gateway takes part in the prepay storm, in both its forms, each journalled as
/// a pre-order of its amount.
#[test]
fn every_gateway_has_a_prepay() {
    for &g in SIMULATED {
        let gw = posgate_core::connect(posgate_sandbox::test_config(g, "http://127.0.0.1:1").unwrap()).unwrap();
        for jsapi in [false, true] {
            let (op, params) = prepay_call(g, "PPX12345", 100, "oPayer", jsapi, "http://127.0.0.1:1/_sandbox/notify");
            let d = gw.describe(op, &params).unwrap_or_else(|e| panic!("{g} {op}: {e}"));
            assert_eq!(d.effect, posgate_core::Effect::PreOrder, "{g} {op}");
            assert_eq!(
                d.movement.map(|m| (m.order_no, m.amount.fen_i64())),
                Some(("PPX12345".into(), 100)),
                "{g} {op}"
            );
        }
    }
}
