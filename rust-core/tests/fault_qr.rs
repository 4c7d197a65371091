//! QR payments under a seeded storm: random faults on every gateway request (timeouts, resets,
//! 5xx, garbage, bad signatures, before and after the gateway commits) while QR payments are
//! started, paid by the payer at random moments (some never, some too late), cancelled by the
//! cashier, or killed with the runtime they run on; then the faults stop, a fresh engine recovers
//! the journal and follows what is open to its expiry, and the journal is held against the
//! gateway's books: no order charged while the journal says closed, none charged twice, nothing
//! left unsettled, every paid order paid in the journal.
//!
//! Reproduce a run with `POSGATE_FAULT_SEEDS=7 cargo test -p posgate-core --test fault_qr -- --nocapture`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod kit;

use kit::{fen, journal_path, remove_journal, schedule_every, Doomed};
use posgate_core::engine::Engine;
use posgate_core::journal::{now_ms, EntryKind, EntryState, Journal};
use posgate_core::{Gateway, GatewayId, QrPaymentRequest};
use posgate_sandbox::faults::{Fault, FaultPlan, RandomFaults};
use posgate_sandbox::{OrderView, Sandbox, SandboxOptions, SimState};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DEFAULT_SEEDS: &[u64] = &[20261202, 11];
const PAYMENTS: usize = 16;
const FAULT_RATE: f64 = 0.3;
const EXPIRE_SECONDS: u32 = 5;
const HANG: Duration = Duration::from_millis(800);
const REQUEST_TIMEOUT: Duration = Duration::from_millis(400);
const GATEWAYS: [GatewayId; 4] = [GatewayId::Chaoying, GatewayId::Tlinx, GatewayId::Kuaishou, GatewayId::Mmsp];

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
    cfg.poll = Some(schedule_every(400, 2000, 0));
    posgate_core::connect(cfg).unwrap()
}

/// What the payer and the cashier do with one QR payment.
#[derive(Debug, Clone, Copy)]
enum Plan {
    /// The payer pays after this many milliseconds (some after the expiry: too late).
    Pay(u64),
    Never,
    /// The cashier cancels after this many milliseconds.
    Cancel(u64),
}

async fn run_seed(gateway: GatewayId, seed: u64) -> Vec<String> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed ^ (gateway as u64 * 0x9E37));
    let sb = Arc::new(Sandbox::start_with(0, SandboxOptions { hang: HANG }).await.unwrap());
    let plan = Arc::new(RandomFaults::new(seed, FAULT_RATE, &Fault::ALL));
    sb.set_faults(Some(plan.clone() as Arc<dyn FaultPlan>));
    let path = journal_path(&format!("fault-qr-{gateway}-{seed}"));
    let engine = Engine::on_current_runtime(client(&sb, gateway), Arc::new(Journal::open(&path).unwrap())).unwrap();
    let doomed = Doomed::new(client(&sb, gateway), &path);
    let wallets = client(&sb, gateway).qr_rules().unwrap().wallets;
    // TLinx cannot close a QR order: a payer who pays after its code was withdrawn is caught by
    // the notification, not by the books of this test; its payers pay in time.
    let closable = client(&sb, gateway).qr_rules().unwrap().closable;
    let expiry_ms = u64::from(EXPIRE_SECONDS) * 1000;

    let mut problems = Vec::new();
    let mut tasks = Vec::new();
    let mut asked: HashMap<String, i64> = HashMap::new();
    for n in 0..PAYMENTS {
        let order_no = format!("FQ{}{n:02}", seed % 100_000);
        let amount = rng.random_range(1..=50_000i64);
        let wallet = wallets[rng.random_range(0..wallets.len())];
        let killed = rng.random_bool(0.25);
        let latest = if closable { expiry_ms + 1500 } else { expiry_ms - 1500 };
        let what = match rng.random_range(0..10) {
            0..=5 => Plan::Pay(rng.random_range(0..latest)),
            6 | 7 => Plan::Never,
            _ => Plan::Cancel(rng.random_range(0..expiry_ms)),
        };
        let req = QrPaymentRequest {
            order_no: order_no.clone(),
            amount: fen(amount),
            subject: "QR storm".into(),
            wallet: Some(wallet),
            expire_seconds: Some(EXPIRE_SECONDS),
            notify_url: Some(format!("{}/_sandbox/notify", sb.root_url())),
            terminal_id: None,
            store_id: None,
        };
        asked.insert(order_no.clone(), amount);
        let on = if killed { doomed.engine.clone() } else { engine.clone() };
        let sb = sb.clone();
        let run = async move {
            let qr = match on.start_qr_payment(req, None).await {
                Ok(qr) => qr,
                // Refused or lost: nobody has the code, the engine closes what may exist.
                Err(e) => return Ok(format!("start: {e}")),
            };
            match what {
                Plan::Pay(after) => {
                    tokio::time::sleep(Duration::from_millis(after)).await;
                    let _ = sb.pay_preorder(gateway, &qr.code.order_no).await;
                }
                Plan::Cancel(after) => {
                    tokio::time::sleep(Duration::from_millis(after)).await;
                    qr.handle.cancel();
                }
                Plan::Never => {}
            }
            match qr.handle.result().await {
                Ok(r) if r.state.is_final() => Ok(r.state.to_string()),
                other => Err(format!("{}: not settled: {other:?}", qr.code.order_no)),
            }
        };
        if killed {
            // Killed with its runtime: it must not be awaited here.
            doomed.rt.spawn(async move {
                let _ = run.await;
            });
        } else {
            tasks.push(tokio::spawn(run));
        }
    }
    // The crash, at a random moment of the wait.
    tokio::time::sleep(Duration::from_millis(rng.random_range(0..expiry_ms))).await;
    doomed.crash();
    let mut ends: BTreeMap<String, usize> = BTreeMap::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(end) => *ends.entry(end).or_default() += 1,
            Err(p) => problems.push(p),
        }
    }

    // The storm ends; a fresh engine recovers the journal and follows what is open.
    sb.set_faults(None);
    let recovery = Engine::on_current_runtime(client(&sb, gateway), Arc::new(Journal::open(&path).unwrap())).unwrap();
    let recovered = recovery.recover().await.unwrap();
    recovery.wait_idle().await;
    // Past every expiry: what is still open at the gateway has been closed.
    while now_ms() < started_ms(&path) + expiry_ms as i64 + 500 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let journal = Journal::open(&path).unwrap();
    let entries = journal.list().unwrap();
    let payments: HashMap<&str, _> =
        entries.iter().filter(|e| e.kind == EntryKind::Payment).map(|e| (e.order_no.as_str(), e)).collect();
    let orders: Vec<OrderView> = sb.orders().into_iter().filter(|o| o.gateway == gateway.as_str()).collect();
    for o in &orders {
        let e = payments.get(o.order_no.as_str());
        let state = e.map(|e| e.state);
        let holds = o.charges >= 1 && matches!(o.state, SimState::Paid | SimState::PartiallyRefunded);
        if o.charges > 1 {
            problems.push(format!("charged {} times: {}", o.charges, o.order_no));
        }
        if asked.get(&o.order_no).is_none_or(|&a| a as u64 != o.amount) {
            problems.push(format!("an order nobody asked for this amount: {o:?}"));
        }
        match state {
            Some(EntryState::Paid) if !holds => problems.push(format!("journal paid, gateway {:?}: {o:?}", o.state)),
            Some(EntryState::Paid | EntryState::NeedsAttention) => {}
            Some(EntryState::Refunded) if o.charges == 1 && o.refunded == o.amount => {}
            Some(s) if holds => problems.push(format!("journal {s}, the gateway holds the money: {o:?}")),
            Some(_) => {}
            None => problems.push(format!("an order the journal does not know: {o:?}")),
        }
    }
    for e in journal.unsettled().unwrap() {
        problems.push(format!("unsettled after recovery: {} {} {:?}", e.number, e.state, e.note));
    }
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    let mut needs_attention = 0;
    for e in payments.values() {
        *by_state.entry(e.state.as_str()).or_default() += 1;
        if e.state == EntryState::NeedsAttention {
            needs_attention += 1;
            println!("  needs attention: {} {:?}", e.order_no, e.note);
        }
    }
    kit::storm::summary("qr", gateway.as_str(), seed, asked.len(), &problems, needs_attention);
    if needs_attention > 0 {
        problems.push(format!("{needs_attention} QR payments need attention"));
    }
    println!(
        "{gateway} seed {seed}: {} QR payments, ends seen {ends:?}, journal {by_state:?}, {} recovered; \
         {} of {} requests faulted; {:.1}s",
        asked.len(),
        recovered.len(),
        plan.injected().len(),
        plan.calls(),
        started.elapsed().as_secs_f64()
    );
    if problems.is_empty() {
        remove_journal(&path);
    } else {
        println!("  journal kept at {}", path.display());
    }
    problems.into_iter().map(|p| format!("{gateway} seed {seed}: {p}")).collect()
}

/// When the last QR payment of the journal at `path` was sent.
fn started_ms(path: &std::path::Path) -> i64 {
    Journal::open(path).unwrap().list().unwrap().iter().filter_map(|e| e.first_sent_at_ms).max().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_payments_survive_the_storm() {
    let seeds = seeds();
    println!("QR fault storm seeds {seeds:?} (set POSGATE_FAULT_SEEDS to rerun some)");
    let mut problems = Vec::new();
    for seed in seeds {
        let tasks: Vec<_> = GATEWAYS.iter().map(|&g| (g, tokio::spawn(run_seed(g, seed)))).collect();
        for (g, t) in tasks {
            problems.extend(t.await.unwrap_or_else(|e| panic!("{g} seed {seed} panicked: {e}")));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
