//! "Never lose a payment", under a seeded storm: for every simulated gateway and a few seeds,
//! random faults on every gateway request (timeouts, resets, 5xx, garbage, bad signatures, before
//! and after the gateway commits), payments of random amounts and scenarios run concurrently,
//! some retried, some killed mid-flight with the runtime they run on; then the faults stop, a
//! fresh engine recovers the journal, and the journal is held against the gateway's books.
//!
//! Reproduce a run with `POSGATE_FAULT_SEEDS=7,8 cargo test -p posgate-core --test fault_random -- --nocapture`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod kit;

use kit::books::{Books, Found};
use kit::{journal_path, pay_request, remove_journal, schedule, Doomed};
use posgate_core::engine::{Engine, PaymentHandle};
use posgate_core::journal::{now_ms, Entry, EntryKind, EntryState, Journal};
use posgate_core::{Error, Gateway, GatewayId, Money, PayRequest, PollSchedule, RefundRequest, TradeState};
use posgate_sandbox::faults::{Fault, FaultPlan, RandomFaults};
use posgate_sandbox::{OrderView, Sandbox, SandboxOptions, GATEWAYS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DEFAULT_SEEDS: &[u64] = &[20240611, 7, 314159];
const PAYMENTS: usize = 25;
const BATCH: usize = 9;
const FAULT_RATE: f64 = 0.3;
const SCENARIOS: &[&str] = &["0000", "1001", "1002", "2001", "3001", "4001", "4002"];
/// Share of payments run on the runtime that is killed.
const KILL_SHARE: f64 = 0.25;
/// Share of payments retried (same number: attach; another amount: refused).
const RETRY_SHARE: f64 = 0.2;
/// Share of paid payments refunded during the storm.
const REFUND_SHARE: f64 = 0.35;

/// Longer than the client's timeout: a hung request is always given up by the client first.
const HANG: Duration = Duration::from_millis(800);
const REQUEST_TIMEOUT: Duration = Duration::from_millis(400);

/// The deadline falls right when `1002` turns paid, so some payments are charged just as they
/// are reversed.
const SCHEDULE: PollSchedule = schedule(2000, 500);

fn seeds() -> Vec<u64> {
    match std::env::var("POSGATE_FAULT_SEEDS") {
        Ok(s) if !s.trim().is_empty() => {
            s.split(',').map(|x| x.trim().parse().expect("POSGATE_FAULT_SEEDS: comma-separated u64")).collect()
        }
        _ => DEFAULT_SEEDS.to_vec(),
    }
}

fn client(sb: &Sandbox, gateway: GatewayId) -> Arc<dyn Gateway> {
    let mut cfg = sb.config(gateway).unwrap();
    cfg.request_timeout = REQUEST_TIMEOUT;
    cfg.connect_timeout = REQUEST_TIMEOUT;
    cfg.poll = Some(SCHEDULE);
    posgate_core::connect(cfg).unwrap()
}

fn pay_req(order_no: &str, last4: &str, amount: i64) -> PayRequest {
    pay_request("fault storm", order_no, last4, amount)
}

/// One payment the test asked for.
struct Planned {
    order_no: String,
    amount: i64,
    scenario: &'static str,
    killed: bool,
}

#[derive(Default)]
struct Outcome {
    lines: Vec<String>,
    needs_attention: usize,
    payments: usize,
}

/// Runs one seed against one gateway and checks the books. Returns problems found (empty: fine).
async fn run_seed(gateway: GatewayId, seed: u64) -> Outcome {
    let started = Instant::now();
    let salt = match gateway {
        GatewayId::Chaoying => 0x0C,
        GatewayId::Kuaishou => 0x4B,
        _ => 0x71,
    };
    let mut rng = StdRng::seed_from_u64(seed ^ salt);
    let sb = Sandbox::start_with(0, SandboxOptions { hang: HANG }).await.unwrap();
    let plan = Arc::new(RandomFaults::new(seed ^ salt, FAULT_RATE, &Fault::ALL));
    sb.set_faults(Some(plan.clone() as Arc<dyn FaultPlan>));
    let path = journal_path(&format!("fault-{gateway}-{seed}"));
    let engine = Engine::on_current_runtime(client(&sb, gateway), Arc::new(Journal::open(&path).unwrap())).unwrap();

    let mut out = Outcome::default();
    let mut problems = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let mut killed_retried = 0;
    let mut n = 0;
    while n < PAYMENTS {
        let batch = BATCH.min(PAYMENTS - n);
        let doomed = Doomed::new(client(&sb, gateway), &path);
        let mut survivors: Vec<(String, PaymentHandle, Option<PaymentHandle>)> = Vec::new();
        let mut killed_now = Vec::new();
        for _ in 0..batch {
            let order_no = format!("FR{seed}G{salt:x}N{n:03}");
            n += 1;
            let amount = rng.random_range(1..=50_000i64);
            let scenario = SCENARIOS[rng.random_range(0..SCENARIOS.len())];
            let killed = rng.random_bool(KILL_SHARE);
            let req = pay_req(&order_no, scenario, amount);
            if killed {
                doomed.engine.start_payment(req.clone(), None).unwrap();
                killed_now.push(req);
            } else {
                let handle = engine.start_payment(req.clone(), None).unwrap();
                let retry = if rng.random_bool(RETRY_SHARE) {
                    // The same number again attaches; with another amount it is refused unsent.
                    let again = engine.start_payment(req.clone(), None).unwrap();
                    match engine.start_payment(pay_req(&order_no, scenario, amount + 1), None) {
                        Err(Error::InvalidInput { field, .. }) if field == "order_no" => {}
                        Err(e) => problems.push(format!("{order_no}: other amount refused with {e:?}")),
                        Ok(_) => problems.push(format!("{order_no}: other amount accepted")),
                    }
                    Some(again)
                } else {
                    None
                };
                survivors.push((order_no.clone(), handle, retry));
            }
            planned.push(Planned { order_no, amount, scenario, killed });
        }
        // The crash, at a random moment of the batch.
        let kill_at = Duration::from_millis(rng.random_range(0..3000));
        let killer = tokio::spawn(async move {
            tokio::time::sleep(kill_at).await;
            doomed.crash();
        });
        let mut refunding = Vec::new();
        for (order_no, handle, retry) in survivors {
            match handle.result().await {
                Ok(r) => {
                    if !r.state.is_final() {
                        problems.push(format!("{order_no}: result not settled: {r:?}"));
                    }
                    if r.state == TradeState::Paid && rng.random_bool(REFUND_SHARE) {
                        // A refund (some in full), in the storm too, perhaps retried at once.
                        let amount = planned.iter().find(|p| p.order_no == order_no).map(|p| p.amount).unwrap();
                        let part = if rng.random_bool(0.3) { amount } else { rng.random_range(1..=amount) };
                        let req = RefundRequest {
                            order_no: order_no.clone(),
                            refund_no: format!("RF{order_no}"),
                            refund_amount: Money::from_fen(part, "refund_amount").unwrap(),
                            total_amount: Some(Money::from_fen(amount, "total_amount").unwrap()),
                            reason: None,
                        };
                        let (again, other) = (rng.random_bool(0.5), rng.random_bool(0.3));
                        let engine = engine.clone();
                        refunding.push(tokio::spawn(async move {
                            let mut seen = Vec::new();
                            seen.push(format!("{:?}", engine.refund(&req).await.map(|r| r.state)));
                            if again {
                                seen.push(format!("{:?}", engine.refund(&req).await.map(|r| r.state)));
                            }
                            if other {
                                let other = RefundRequest {
                                    refund_amount: Money::from_fen(part + 1, "refund_amount").unwrap(),
                                    ..req.clone()
                                };
                                match engine.refund(&other).await {
                                    Err(Error::InvalidInput { field, .. }) if field == "refund_no" => {}
                                    r => {
                                        return Err(format!(
                                            "{}: another amount under the same refund_no: {r:?}",
                                            req.refund_no
                                        ))
                                    }
                                }
                            }
                            Ok(seen)
                        }));
                    }
                    if let Some(retry) = retry {
                        match retry.result().await {
                            Ok(r2) if r2.state == r.state => {}
                            other => problems.push(format!("{order_no}: the attached retry got {other:?}, not {r:?}")),
                        }
                    }
                }
                Err(e) => problems.push(format!("{order_no}: result error {e:?}")),
            }
        }
        for t in refunding {
            if let Err(p) = t.await.unwrap() {
                problems.push(p);
            }
        }
        killer.await.unwrap();
        // Some killed payments are retried by the cashier on the live engine before any recovery:
        // they must be resumed (queried), never sent as new.
        for req in killed_now {
            if rng.random_bool(0.3) {
                killed_retried += 1;
                match engine.start_payment(req.clone(), None) {
                    Ok(h) => match h.result().await {
                        Ok(r) if r.state.is_final() => {}
                        other => problems.push(format!("{}: retry after the crash got {other:?}", req.order_no)),
                    },
                    Err(e) => problems.push(format!("{}: retry after the crash refused: {e:?}", req.order_no)),
                }
            }
        }
    }

    // The storm ends; a fresh engine recovers what the crashes left.
    sb.set_faults(None);
    let injected = plan.injected();
    let calls = plan.calls();
    let last_sent =
        Journal::open(&path).unwrap().list().unwrap().iter().filter_map(|e| e.first_sent_at_ms).max().unwrap_or(0);
    // Past every deadline, so recovery queries once and reverses what is still paying.
    while now_ms() < last_sent + SCHEDULE.deadline.as_millis() as i64 + 100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let unsettled_before = Journal::open(&path).unwrap().unsettled().unwrap().len();
    let recovery = Engine::on_current_runtime(client(&sb, gateway), Arc::new(Journal::open(&path).unwrap())).unwrap();
    let recovered = recovery.recover().await.unwrap();

    // The books.
    let journal = Journal::open(&path).unwrap();
    let entries = journal.list().unwrap();
    let payments: HashMap<&str, &Entry> =
        entries.iter().filter(|e| e.kind == EntryKind::Payment).map(|e| (e.order_no.as_str(), e)).collect();
    let orders: Vec<OrderView> = sb.orders().into_iter().filter(|o| o.gateway == gateway.as_str()).collect();
    let by_no: HashMap<&str, &OrderView> = orders.iter().map(|o| (o.order_no.as_str(), o)).collect();
    let wanted: HashMap<&str, &Planned> = planned.iter().map(|p| (p.order_no.as_str(), p)).collect();
    let describe = |no: &str| {
        let p =
            wanted.get(no).map(|p| format!("{} {} fen{}", p.scenario, p.amount, if p.killed { " killed" } else { "" }));
        let e = payments.get(no).map(|e| {
            format!("journal {} attempts {} note {:?} answer {:?}", e.state, e.attempts, e.note, e.last_answer)
        });
        let o = by_no.get(no).map(|o| format!("{:?} charges {} refunded {}", o.state, o.charges, o.refunded));
        format!("{no} [{}] [{}] [{}]", p.unwrap_or_default(), e.unwrap_or_default(), o.unwrap_or_default())
    };

    // (a) every charge is in the journal as paid, reversed or refunded.
    for o in &orders {
        if o.charges == 0 {
            continue;
        }
        match payments.get(o.order_no.as_str()).map(|e| e.state) {
            Some(EntryState::Paid | EntryState::Reversed | EntryState::Refunded) => {}
            Some(EntryState::NeedsAttention) => {}
            _ => problems.push(format!("(a) charge not accounted for: {}", describe(&o.order_no))),
        }
    }
    // (b) never charged twice; a number never carries two amounts.
    for o in &orders {
        if o.charges > 1 {
            problems.push(format!("(b) charged {} times: {}", o.charges, describe(&o.order_no)));
        }
        match wanted.get(o.order_no.as_str()) {
            Some(p) if p.amount as u64 == o.amount => {}
            Some(p) => problems.push(format!("(b) gateway has {} fen, asked {}: {}", o.amount, p.amount, o.order_no)),
            None => problems.push(format!("(b) an order nobody asked for: {}", describe(&o.order_no))),
        }
    }
    for p in &planned {
        match payments.get(p.order_no.as_str()) {
            Some(e) if e.amount.fen_i64() == p.amount => {}
            Some(e) => problems.push(format!("(b) journal has {} for {}: {}", e.amount, p.amount, p.order_no)),
            None => problems.push(format!("(b) payment missing from the journal: {}", p.order_no)),
        }
    }
    // (c), (d), (e): the storms' common checks (a reverse counts as the order's refund on TLinx).
    let common = Books { gateway, entries: &entries, orders: &orders, describe: &describe };
    let mut found = Found { problems, ..Found::default() };
    common.nothing_unsettled(&journal, &mut found);
    common.payments_match_money(&mut found);
    let reversed = |no: &str| payments.get(no).is_some_and(|p| p.state == EntryState::Reversed);
    common.refunds_match(&reversed, &mut found);
    let Found { problems, needs_attention, by_state } = found;
    out.needs_attention += needs_attention;
    let refunds = entries.iter().filter(|e| e.kind == EntryKind::Refund).count();
    let killed = planned.iter().filter(|p| p.killed).count();
    let mut fault_kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (_, f) in &injected {
        *fault_kinds.entry(format!("{f:?}")).or_default() += 1;
    }
    println!(
        "{gateway} seed {seed}: {} payments ({killed} killed, {killed_retried} retried after the crash), \
         final {:?}, {refunds} refunds, {} unsettled before recovery, {} recovered; \
         {} of {calls} requests faulted {:?}; {:.1}s",
        planned.len(),
        by_state,
        unsettled_before,
        recovered.len(),
        injected.len(),
        fault_kinds,
        started.elapsed().as_secs_f64()
    );
    for p in &problems {
        println!("  PROBLEM {gateway} seed {seed}: {p}");
    }
    if problems.is_empty() {
        remove_journal(&path);
    } else {
        println!("  journal kept at {}", path.display());
    }
    out.payments = planned.len();
    kit::storm::summary("barcode", gateway.as_str(), seed, planned.len(), &problems, out.needs_attention);
    out.lines = problems;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_never_lose_a_payment() {
    let seeds = seeds();
    println!("fault storm seeds {seeds:?} (set POSGATE_FAULT_SEEDS to rerun some)");
    let mut problems = Vec::new();
    let (mut attention, mut total) = (0, 0);
    for seed in seeds {
        // The gateways side by side, each on its own sandbox and journal.
        let tasks: Vec<_> = GATEWAYS.iter().map(|&g| (g, tokio::spawn(run_seed(g, seed)))).collect();
        for (g, t) in tasks {
            let o = t.await.unwrap_or_else(|e| panic!("{g} seed {seed} panicked: {e}"));
            attention += o.needs_attention;
            total += o.payments;
            problems.extend(o.lines.into_iter().map(|l| format!("{g} seed {seed}: {l}")));
        }
    }
    // A payment handed to a person is allowed, rarely: the storm is far worse than any network.
    assert!(attention * 50 <= total, "{attention} of {total} payments need attention");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
