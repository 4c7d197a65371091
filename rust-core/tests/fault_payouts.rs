//! "Never pay out twice, never lose a payout", under a seeded storm: MMSP payouts (代付) of random
//! amounts and scenarios sent concurrently while random faults spoil the payout sub-API's
//! requests (timeouts, resets, 5xx, garbage, bad signatures, before and after the platform
//! commits), some sent on an engine whose runtime is killed mid-flight, some sent again under the
//! same number (alone or two at once); then the faults stop, a fresh engine recovers the journal,
//! its payout follower settles what is open, and the journal is held against the sandbox's books.
//!
//! The rules the journal is held to: a payout is executed at most once under its number and the
//! engine never sends a number twice; paid and failed agree with the books both ways; nothing is
//! left open; a payout the platform never saw after an unanswered submit ends failed once its
//! not-found deadline has passed (shortened here); none needs attention.
//!
//! Reproduce a run with `POSGATE_PAYOUT_FAULT_SEEDS=7,8 cargo test -p posgate-core --test fault_payouts -- --nocapture`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

mod kit;

use kit::{fen, journal_path, remove_journal, Doomed};
use posgate_core::engine::PayoutBackoff;
use posgate_core::journal::{Entry, EntryKind, EntryState, Journal};
use posgate_core::mmsp::{AccountType, PayoutAnswer, PayoutRequest};
use posgate_core::{Error, Gateway, GatewayId, Masked};
use posgate_sandbox::faults::{Fault, FaultPlan, OnlyPaths, RandomFaults, ScriptedFaults};
use posgate_sandbox::{OrderView, Sandbox, SandboxOptions, SimState};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::task::JoinHandle;

const DEFAULT_SEEDS: &[u64] = &[20240611, 7, 314159];
const PAYOUTS: usize = 32;
const BATCH: usize = 8;
const FAULT_RATE: f64 = 0.3;
/// The account number's last four digits script the payout (`sandbox/src/mmsp/payout.rs`):
/// paid at once (twice as likely); paying 1 or 4 s then paid (4 s outlasts the storm's tail: the
/// recovered engine's follower settles it); paying then failed; refused 1031; answered 0001
/// although paid; paid but its answer signed with the wrong key.
const SCENARIOS: &[&str] = &["0000", "0000", "1001", "1004", "2001", "2004", "3001", "4001", "5001"];
/// Share of payouts sent on the runtime that is killed.
const KILL_SHARE: f64 = 0.25;
/// Share of the others sent again under the same number once answered.
const RETRY_SHARE: f64 = 0.25;
/// Share of the others sent twice at once under one number.
const TWIN_SHARE: f64 = 0.15;
/// Share of killed payouts the cashier sends again on the live engine before any recovery.
const KILLED_RETRY_SHARE: f64 = 0.5;

/// Longer than the client's timeout: a hung request is always given up by the client first.
const HANG: Duration = Duration::from_millis(800);
const REQUEST_TIMEOUT: Duration = Duration::from_millis(400);
/// The latest moment in a batch at which its runtime is killed (a batch's calls take from a few
/// milliseconds to the request timeout, then its followers query).
const KILL_WITHIN_MS: u64 = 700;
/// Half the batches are killed this early instead, while their payouts are being journalled and
/// sent.
const KILL_EARLY_MS: u64 = 40;
/// How long the storm goes on after the last batch, so the live engine's followers query under
/// faults too (a `1001` payout pays within it).
const STORM_TAIL: Duration = Duration::from_millis(1000);
/// How long an unanswered payout the platform does not know waits before a person is asked:
/// longer than the storm's tail, so the last batch's are still waiting when recovery starts.
const NOT_FOUND_DEADLINE: Duration = Duration::from_millis(3000);
/// How long recovery and the follow-up get to settle everything once the faults stop.
const SETTLE_LIMIT: Duration = Duration::from_secs(20);
/// The payout sub-API's path below `/mmsp`, as the fault layer names it (payouts and payout
/// queries share it; it is `posgate_sandbox::mmsp::PAYOUT_PATH` without the gateway).
const PAYOUT_PATH: &str = "/payout";
/// The store's gateway name for payouts.
const BOOKS: &str = "mmsp_payout";

fn seeds() -> Vec<u64> {
    match std::env::var("POSGATE_PAYOUT_FAULT_SEEDS") {
        Ok(s) if !s.trim().is_empty() => {
            s.split(',').map(|x| x.trim().parse().expect("POSGATE_PAYOUT_FAULT_SEEDS: comma-separated u64")).collect()
        }
        _ => DEFAULT_SEEDS.to_vec(),
    }
}

fn backoff() -> PayoutBackoff {
    PayoutBackoff {
        steps: vec![Duration::from_millis(300), Duration::from_millis(300)],
        then_every: Duration::from_millis(400),
        not_found_deadline: NOT_FOUND_DEADLINE,
    }
}

fn client(sb: &Sandbox) -> Arc<dyn Gateway> {
    let mut cfg = sb.config(GatewayId::Mmsp).unwrap();
    cfg.request_timeout = REQUEST_TIMEOUT;
    cfg.connect_timeout = REQUEST_TIMEOUT;
    Arc::new(posgate_core::mmsp::Client::new(cfg).unwrap())
}

/// An engine on a runtime of its own (the payout followers run there too), on the journal at
/// `path`, following payouts on the test's short backoff. Killed with [`Doomed::crash`].
fn process(sb: &Sandbox, path: &std::path::Path) -> Doomed {
    let p = Doomed::new(client(sb), path);
    p.engine.set_payout_backoff(backoff());
    p
}

/// Sends a payout on `p`'s runtime.
fn send(p: &Doomed, req: PayoutRequest) -> JoinHandle<Result<PayoutAnswer, Error>> {
    let engine = p.engine.clone();
    p.rt.spawn(async move { engine.call(req).await })
}

fn payout(no: &str, last4: &str, amount: i64) -> PayoutRequest {
    PayoutRequest {
        order_no: no.into(),
        amount: fen(amount),
        busi_type: None,
        account_name: "张三".into(),
        account_no: Masked::new(format!("62251234567{last4}")),
        account_type: AccountType::Debit,
        mobile: Masked::new("13912345678"),
        bank_name: "招商银行".into(),
        memo: "代付风暴".into(),
        pay_type: None,
        cvv2: None,
        bank_settle_no: None,
        bank_branch_name: Some("104581006015".into()),
        bank_province: Some("广东省".into()),
        bank_city: Some("深圳市".into()),
        id_card: Some(Masked::new("440301199001011234")),
        channel_no: None,
        channel_merno: None,
        req_time: None,
    }
}

/// Whether `r` is the engine's refusal of a number it has journalled already (sent nothing).
fn refused_again(r: &Result<PayoutAnswer, Error>) -> bool {
    matches!(r, Err(Error::InvalidInput { field, .. }) if field == "order_no")
}

/// Whether `r` is the platform's 流水号重复: the same number reached it twice.
fn duplicate_at_gateway(r: &Result<PayoutAnswer, Error>) -> bool {
    matches!(r, Err(Error::GatewayRejected { code, .. }) if code == "1008")
}

// ---------------------------------------------------------------------------------------------
// Every 1008 (流水号重复) a payout answer carried, whoever sent it (also on a killed runtime, and
// answers whose result nobody awaited): the client logs each refusal's RETCODE.

static DUPLICATES: AtomicUsize = AtomicUsize::new(0);

struct RetcodeVisitor {
    op: String,
    retcode: String,
}

impl tracing::field::Visit for RetcodeVisitor {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "op" => self.op = value.to_string(),
            "retcode" => self.retcode = value.to_string(),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, format!("{value:?}").trim_matches('"'));
    }
}

/// Counts the MMSP client's "payout answer refused" events whose RETCODE is 1008.
struct DuplicateCounter;

impl tracing::Subscriber for DuplicateCounter {
    fn enabled(&self, meta: &tracing::Metadata<'_>) -> bool {
        meta.target() == "posgate::mmsp"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut v = RetcodeVisitor { op: String::new(), retcode: String::new() };
        event.record(&mut v);
        if v.op == "payout" && v.retcode == "1008" {
            DUPLICATES.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn count_duplicates() {
    static SET: OnceLock<()> = OnceLock::new();
    SET.get_or_init(|| {
        tracing::subscriber::set_global_default(DuplicateCounter).expect("the only subscriber of this test binary");
    });
}

// ---------------------------------------------------------------------------------------------

/// One payout the test asked for.
struct Planned {
    order_no: String,
    amount: i64,
    scenario: &'static str,
    killed: bool,
}

#[derive(Default)]
struct Outcome {
    problems: Vec<String>,
    needs_attention: usize,
    payouts: usize,
}

/// Runs one seed and checks the books.
async fn run_seed(seed: u64) -> Outcome {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0D_F0);
    let sb = Sandbox::start_with(0, SandboxOptions { hang: HANG }).await.unwrap();
    let plan = Arc::new(OnlyPaths::new(&[PAYOUT_PATH], RandomFaults::new(seed, FAULT_RATE, &Fault::ALL)));
    sb.set_faults(Some(plan.clone() as Arc<dyn FaultPlan>));
    let path = journal_path(&format!("payout-storm-{seed}"));
    let journal = Journal::open(&path).unwrap();
    // The cashier's app during the storm: its followers run on its runtime until it closes.
    let storm = process(&sb, &path);
    let entry = |no: &str| journal.get(EntryKind::Payout, GatewayId::Mmsp, no).unwrap();

    let mut problems = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let (mut retried, mut twins, mut killed_retried, mut answered) = (0, 0, 0, 0);
    let mut n = 0;
    while n < PAYOUTS {
        let batch = BATCH.min(PAYOUTS - n);
        let doomed = process(&sb, &path);
        let mut live: Vec<(String, PayoutRequest, JoinHandle<_>, Option<JoinHandle<_>>, bool)> = Vec::new();
        let mut killed_now = Vec::new();
        for _ in 0..batch {
            // Digits only, at most 32 (ORDERNO): unique within the seed's sandbox and journal.
            let order_no = format!("{seed}{n:04}");
            n += 1;
            let amount = rng.random_range(1..=500_000i64);
            let scenario = SCENARIOS[rng.random_range(0..SCENARIOS.len())];
            let killed = rng.random_bool(KILL_SHARE);
            let req = payout(&order_no, scenario, amount);
            if killed {
                // Never awaited: the runtime dies under it.
                drop(send(&doomed, req.clone()));
                killed_now.push(req);
            } else {
                let first = send(&storm, req.clone());
                let twin = rng.random_bool(TWIN_SHARE).then(|| send(&storm, req.clone()));
                let again = twin.is_none() && rng.random_bool(RETRY_SHARE);
                live.push((order_no.clone(), req, first, twin, again));
            }
            planned.push(Planned { order_no, amount, scenario, killed });
        }
        // The crash, at a random moment of the batch.
        let within = if rng.random_bool(0.5) { KILL_EARLY_MS } else { KILL_WITHIN_MS };
        let kill_at = Duration::from_millis(rng.random_range(0..within));
        let killer = tokio::spawn(async move {
            tokio::time::sleep(kill_at).await;
            doomed.crash();
        });
        for (no, req, first, twin, again) in live {
            let r = first.await.unwrap();
            if duplicate_at_gateway(&r) {
                problems.push(format!("{no}: the platform saw the number twice: {r:?}"));
            }
            match twin {
                Some(twin) => {
                    twins += 1;
                    let r2 = twin.await.unwrap();
                    // One of the two is sent, the other refused unsent.
                    if usize::from(refused_again(&r)) + usize::from(refused_again(&r2)) != 1 {
                        problems.push(format!("{no}: two at once: {r:?} and {r2:?}, not one sent and one refused"));
                    }
                    if duplicate_at_gateway(&r2) {
                        problems.push(format!("{no}: the platform saw the twin: {r2:?}"));
                    }
                    if refused_again(&r2) {
                        answered += usize::from(r.is_ok());
                    } else {
                        answered += usize::from(r2.is_ok());
                    }
                }
                None => {
                    if refused_again(&r) {
                        problems.push(format!("{no}: a fresh number refused as used: {r:?}"));
                    }
                    answered += usize::from(r.is_ok());
                }
            }
            if again {
                // The cashier presses again once answered: refused unsent, whatever the first
                // came to (a payout whose request provably never left may go now).
                retried += 1;
                let before = entry(&no);
                let r3 = send(&storm, req).await.unwrap();
                let may_send = before.as_ref().is_none_or(Entry::resendable);
                if !refused_again(&r3) && !may_send {
                    problems.push(format!("{no}: sent again after {:?}: {r3:?}", before.map(|e| e.state)));
                }
                if duplicate_at_gateway(&r3) {
                    problems.push(format!("{no}: the platform saw the retry: {r3:?}"));
                }
            }
        }
        killer.await.unwrap();
        // Some killed payouts are sent again by the cashier on the live engine before any
        // recovery: refused (the journal has the number), unless the killed engine never
        // journalled it or provably never sent it. Then the cashier asks where it stands.
        for req in killed_now {
            if !rng.random_bool(KILLED_RETRY_SHARE) {
                continue;
            }
            killed_retried += 1;
            let no = req.order_no.clone();
            let before = entry(&no);
            let r = send(&storm, req).await.unwrap();
            let may_send = before.as_ref().is_none_or(Entry::resendable);
            if !refused_again(&r) && !may_send {
                problems.push(format!("{no}: sent again after the crash ({:?}): {r:?}", before.map(|e| e.state)));
            }
            if duplicate_at_gateway(&r) {
                problems.push(format!("{no}: the platform saw the number twice: {r:?}"));
            }
            let engine = storm.engine.clone();
            // In the storm the query may fail; an answer is recorded in the journal by the engine.
            let _ = storm.rt.spawn(async move { engine.payout_status(&no).await }).await.unwrap();
        }
    }

    tokio::time::sleep(STORM_TAIL).await;
    // Where the killed payouts stood when recovery began.
    let mut at_crash: BTreeMap<&str, usize> = BTreeMap::new();
    for p in planned.iter().filter(|p| p.killed) {
        let stood = match entry(&p.order_no) {
            None => "never journalled",
            Some(e) if e.attempts == 0 => "journalled, unsent",
            Some(e) if e.state.is_settled() => "settled",
            Some(e) if e.last_answer.is_none() => "sent, unanswered",
            Some(_) => "answered, open",
        };
        *at_crash.entry(stood).or_default() += 1;
    }
    // The storm ends: the app is closed (its followers with it), the faults stop, and a fresh
    // engine recovers what is open, its follower settling the rest.
    storm.crash();
    sb.set_faults(None);
    let injected = plan.inner().injected();
    let calls = plan.inner().calls();
    let unsettled_before = journal.unsettled().unwrap().len();
    let recovery = process(&sb, &path);
    let recovered = match recovery.engine.recover().await {
        Ok(r) => r,
        Err(e) => {
            problems.push(format!("recovery failed: {e:?}"));
            Vec::new()
        }
    };
    let followed = recovered.iter().filter(|r| !r.state.is_settled()).count();
    let settle_start = Instant::now();
    while !journal.unsettled().unwrap().is_empty() && settle_start.elapsed() < SETTLE_LIMIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let settle_time = settle_start.elapsed();
    recovery.crash();

    // The books.
    let entries: Vec<Entry> = journal.list().unwrap().into_iter().filter(|e| e.kind == EntryKind::Payout).collect();
    let payouts: HashMap<&str, &Entry> = entries.iter().map(|e| (e.number.as_str(), e)).collect();
    let orders: Vec<OrderView> = sb.orders().into_iter().filter(|o| o.gateway == BOOKS).collect();
    let mut by_no: HashMap<&str, Vec<&OrderView>> = HashMap::new();
    for o in &orders {
        by_no.entry(o.order_no.as_str()).or_default().push(o);
    }
    let wanted: HashMap<&str, &Planned> = planned.iter().map(|p| (p.order_no.as_str(), p)).collect();
    let describe = |no: &str| {
        let p =
            wanted.get(no).map(|p| format!("{} {} fen{}", p.scenario, p.amount, if p.killed { " killed" } else { "" }));
        let e = payouts.get(no).map(|e| {
            format!("journal {} attempts {} note {:?} answer {:?}", e.state, e.attempts, e.note, e.last_answer)
        });
        let o = by_no
            .get(no)
            .map(|os| os.iter().map(|o| format!("{:?} charges {}", o.state, o.charges)).collect::<Vec<_>>());
        format!("{no} [{}] [{}] [{:?}]", p.unwrap_or_default(), e.unwrap_or_default(), o.unwrap_or_default())
    };

    // (a) executed at most once: one order per number in the books, never charged twice, of the
    // amount asked; every one of them in the journal.
    for (no, os) in &by_no {
        if os.len() > 1 {
            problems.push(format!("(a) {} payouts in the books under one number: {}", os.len(), describe(no)));
        }
        for o in os {
            if o.charges > 1 {
                problems.push(format!("(a) paid out {} times: {}", o.charges, describe(no)));
            }
            match wanted.get(no) {
                Some(p) if p.amount as u64 == o.amount => {}
                Some(p) => problems.push(format!("(a) the books have {} fen, asked {}: {no}", o.amount, p.amount)),
                None => problems.push(format!("(a) a payout nobody asked for: {}", describe(no))),
            }
        }
        if !payouts.contains_key(no) {
            problems.push(format!("(a) executed but not in the journal: {}", describe(no)));
        }
    }
    // (b) the engine never sent a number twice (nor did anyone hear the platform say so).
    for e in &entries {
        if e.attempts > 1 {
            problems.push(format!("(b) sent {} times: {}", e.attempts, describe(&e.number)));
        }
    }
    for p in &planned {
        match payouts.get(p.order_no.as_str()) {
            Some(e) if e.amount.fen_i64() == p.amount => {}
            Some(e) => problems.push(format!("(b) journal has {} for {}: {}", e.amount, p.amount, p.order_no)),
            // A killed engine may die before journalling; then it sent nothing either.
            None if p.killed => {}
            None => problems.push(format!("(b) payout missing from the journal: {}", p.order_no)),
        }
    }
    // (c) nothing left open; (d) the journal's word matches the books, both ways.
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    let mut needs_attention = 0;
    let mut never_arrived = 0;
    for e in &entries {
        *by_state.entry(e.state.as_str()).or_default() += 1;
        let books = by_no.get(e.number.as_str()).and_then(|os| os.first()).copied();
        let paid_there = books.is_some_and(|o| o.charges == 1 && o.state == SimState::Paid);
        let failed_there = books.is_some_and(|o| o.charges == 0 && o.state == SimState::Failed);
        match e.state {
            EntryState::Paid if !paid_there => {
                problems.push(format!("(d) journal paid, the books not: {}", describe(&e.number)))
            }
            EntryState::Failed if books.is_some() && !failed_there => {
                problems.push(format!("(d) journal failed, the books not: {}", describe(&e.number)))
            }
            EntryState::Failed if books.is_none() && e.note.as_deref().is_some_and(|n| n.contains("never reached")) => {
                // A payout the platform never saw, failed after its not-found deadline.
                let waited = e.updated_at_ms - e.first_sent_at_ms.unwrap_or(e.created_at_ms);
                never_arrived += 1;
                if waited < NOT_FOUND_DEADLINE.as_millis() as i64 {
                    problems
                        .push(format!("(d) failed as never arrived after only {waited} ms: {}", describe(&e.number)));
                }
            }
            EntryState::Paid | EntryState::Failed => {}
            EntryState::NeedsAttention => {
                needs_attention += 1;
                problems.push(format!("(d) needs attention: {}", describe(&e.number)));
            }
            s if !s.is_settled() => {
                problems.push(format!("(c) unsettled after recovery and follow-up: {}", describe(&e.number)))
            }
            _ => problems.push(format!("(d) a payout can not end {}: {}", e.state, describe(&e.number))),
        }
    }
    for o in &orders {
        let state = payouts.get(o.order_no.as_str()).map(|e| e.state);
        match o.state {
            SimState::Paid if state != Some(EntryState::Paid) => {
                problems.push(format!("(d) paid in the books, journal not: {}", describe(&o.order_no)))
            }
            SimState::Failed if state != Some(EntryState::Failed) => {
                problems.push(format!("(d) failed in the books, journal not: {}", describe(&o.order_no)))
            }
            SimState::Paid | SimState::Failed => {}
            other => problems.push(format!("(d) the books have a payout {other:?}: {}", describe(&o.order_no))),
        }
    }

    let killed = planned.iter().filter(|p| p.killed).count();
    let never_arrived_killed = planned
        .iter()
        .filter(|p| {
            p.killed
                && payouts
                    .get(p.order_no.as_str())
                    .is_some_and(|e| e.note.as_deref().is_some_and(|n| n.contains("never reached")))
        })
        .count();
    let mut fault_kinds: BTreeMap<String, usize> = BTreeMap::new();
    for (_, f) in &injected {
        *fault_kinds.entry(format!("{f:?}")).or_default() += 1;
    }
    let mut books: BTreeMap<String, usize> = BTreeMap::new();
    for o in &orders {
        *books.entry(format!("{:?}", o.state)).or_default() += 1;
    }
    println!(
        "mmsp payouts seed {seed}: {} payouts ({killed} killed {at_crash:?}, {killed_retried} retried after the crash, \
         {retried} retried, {twins} twins, {answered} answered), journal {by_state:?}, books {books:?}, \
         {unsettled_before} unsettled before recovery, {} recovered ({followed} left to the follower), settled in {:.1}s, \
         {never_arrived} failed as never arrived ({never_arrived_killed} of them killed in flight), {needs_attention} need attention; {} of {calls} requests faulted \
         {fault_kinds:?}; {:.1}s",
        planned.len(),
        recovered.len(),
        settle_time.as_secs_f64(),
        injected.len(),
        started.elapsed().as_secs_f64()
    );
    for p in &problems {
        println!("  PROBLEM seed {seed}: {p}");
    }
    if problems.is_empty() {
        remove_journal(&path);
    } else {
        println!("  journal kept at {}", path.display());
    }
    kit::storm::summary("payout", "mmsp", seed, planned.len(), &problems, needs_attention);
    Outcome { problems, needs_attention, payouts: planned.len() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_never_pay_out_twice_nor_lose_a_payout() {
    count_duplicates();
    let seeds = seeds();
    println!("payout fault storm seeds {seeds:?} (set POSGATE_PAYOUT_FAULT_SEEDS to rerun some)");
    let started = Instant::now();
    let mut problems = Vec::new();
    let (mut attention, mut total) = (0, 0);
    for seed in seeds {
        let o = tokio::spawn(run_seed(seed)).await.unwrap_or_else(|e| panic!("seed {seed} panicked: {e}"));
        attention += o.needs_attention;
        total += o.payouts;
        problems.extend(o.problems.into_iter().map(|l| format!("seed {seed}: {l}")));
    }
    let duplicates = DUPLICATES.load(Ordering::SeqCst);
    println!(
        "payout fault storm: {total} payouts, {attention} need attention, {duplicates} answered 1008; {:.1}s",
        started.elapsed().as_secs_f64()
    );
    if duplicates > 0 {
        problems.push(format!("the platform answered 流水号重复 (1008) {duplicates} times: a number was sent twice"));
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The storm's `BadSignatureAfterCommit` on a payout's answer: the payout was made but its answer
/// can not be trusted, so its outcome is unknown (never a success read from a forged answer) until
/// the follow-up's query settles it paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spoiled_signature_on_a_payout_answer_leaves_it_unknown() {
    count_duplicates();
    let sb = Sandbox::start().await.unwrap();
    let plan = Arc::new(ScriptedFaults::new(vec![Some(Fault::BadSignatureAfterCommit)]));
    sb.set_faults(Some(plan.clone() as Arc<dyn FaultPlan>));
    let engine = kit::engine(client(&sb));
    engine.set_payout_backoff(backoff());
    let no = format!("{}", posgate_core::journal::now_ms());
    let r = engine.call(payout(&no, "0000", 4_321)).await;
    assert_eq!(plan.injected().len(), 1);
    let err = r.expect_err("the answer's SIGN was spoiled");
    assert!(err.outcome_unknown(), "{err:?}");
    let started = Instant::now();
    let e = loop {
        let e = engine.journal().get(EntryKind::Payout, GatewayId::Mmsp, &no).unwrap().unwrap();
        if e.state.is_settled() || started.elapsed() > Duration::from_secs(10) {
            break e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((e.state, e.attempts), (EntryState::Paid, 1), "{e:?}");
}
