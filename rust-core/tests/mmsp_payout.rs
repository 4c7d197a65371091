//! MMSP payouts (代付) and balance through the Engine, over HTTP on 127.0.0.1 against the
//! sandbox: RSA both ways, the journal written before sending, never sent twice under one
//! number, unsettled payouts followed by payout queries until paid or failed, recovery on a
//! restarted engine, and nothing secret in any log line.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use posgate_core::engine::{Engine, PayoutBackoff};
use posgate_core::journal::{Begin, Entry, EntryKind, EntryState, Journal};
use posgate_core::mmsp::{AccountType, BalanceQueryRequest, PayState, PayoutQueryRequest, PayoutRequest};
use posgate_core::{Error, Gateway, GatewayId, Masked, Money, PayoutState};
use posgate_sandbox::Sandbox;

// ---------------------------------------------------------------------------------------------
// Every log line of the process, at TRACE, from every thread.

#[derive(Default)]
struct Capture(Mutex<String>);

struct Visitor<'a>(&'a mut String);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

struct Subscriber(&'static Capture);

impl tracing::Subscriber for Subscriber {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = String::new();
        span.record(&mut Visitor(&mut line));
        self.0 .0.lock().unwrap().push_str(&format!("span {}{line}\n", span.metadata().name()));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = String::new();
        values.record(&mut Visitor(&mut line));
        self.0 .0.lock().unwrap().push_str(&format!("record{line}\n"));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = String::new();
        event.record(&mut Visitor(&mut line));
        self.0 .0.lock().unwrap().push_str(&format!(
            "{} {}{line}\n",
            event.metadata().level(),
            event.metadata().target()
        ));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn logs() -> &'static Capture {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let c: &'static Capture = Box::leak(Box::default());
        let _ = tracing::subscriber::set_global_default(Subscriber(c));
        c
    })
}

// ---------------------------------------------------------------------------------------------
// Helpers

const ID_CARD: &str = "440301199001011234";
const MOBILE: &str = "13912345678";

fn fen(n: i64) -> Money {
    Money::from_fen(n, "amount").unwrap()
}

/// A fresh payout number: digits only.
fn new_no() -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{}{:04}{:03}", posgate_core::clock::now_ms(), std::process::id() % 10_000, n)
}

/// An account number whose last four script the sandbox's outcome.
fn account(last4: &str) -> String {
    format!("62251234567{last4}")
}

fn payout(no: &str, last4: &str, amount: i64) -> PayoutRequest {
    PayoutRequest {
        order_no: no.into(),
        amount: fen(amount),
        busi_type: None,
        account_name: "张三".into(),
        account_no: Masked::new(account(last4)),
        account_type: AccountType::Debit,
        mobile: Masked::new(MOBILE),
        bank_name: "招商银行".into(),
        memo: "代付测试".into(),
        pay_type: None,
        cvv2: None,
        bank_settle_no: None,
        bank_branch_name: Some("104581006015".into()),
        bank_province: Some("广东省".into()),
        bank_city: Some("深圳市".into()),
        id_card: Some(Masked::new(ID_CARD)),
        channel_no: None,
        channel_merno: None,
        req_time: None,
    }
}

struct Setup {
    sb: Sandbox,
    gw: Arc<dyn Gateway>,
}

async fn setup() -> Setup {
    logs();
    let sb = Sandbox::start().await.unwrap();
    let cfg = sb.config(GatewayId::Mmsp).unwrap();
    let gw: Arc<dyn Gateway> = Arc::new(posgate_core::mmsp::Client::new(cfg).unwrap());
    Setup { sb, gw }
}

fn engine_on(gw: Arc<dyn Gateway>, journal: Journal) -> Arc<Engine> {
    Engine::on_current_runtime(gw, Arc::new(journal)).unwrap()
}

fn entry(engine: &Engine, no: &str) -> Entry {
    engine.journal().get(EntryKind::Payout, GatewayId::Mmsp, no).unwrap().expect("payout journalled")
}

/// Waits until the payout's journal entry is settled; answers it.
async fn settled(engine: &Engine, no: &str, limit: Duration) -> Entry {
    let start = Instant::now();
    loop {
        let e = entry(engine, no);
        if e.state.is_settled() {
            return e;
        }
        assert!(start.elapsed() < limit, "payout {no} still {} ({:?}) after {limit:?}", e.state, e.note);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn journal_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("posgate-mmsp-payout-{}-{}", std::process::id(), new_no()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}.db"))
}

// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_paid_at_once() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let no = new_no();
    let a = engine.call(payout(&no, "0000", 12_345)).await.unwrap();
    assert_eq!(a.pay_state, Some(PayState::Paid));
    assert_eq!(a.amount, Some(fen(12_345)));
    assert_eq!(a.order_no.as_deref(), Some(no.as_str()));
    let e = settled(&engine, &no, Duration::from_secs(10)).await;
    assert_eq!((e.state, e.amount, e.attempts), (EntryState::Paid, fen(12_345), 1));
    // The journal's copies carry no account number, ID card or mobile.
    for text in [&e.request, e.last_answer.as_ref().unwrap()] {
        for secret in [account("0000").as_str(), ID_CARD, MOBILE] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    drop(s.sb);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payout_pending_then_paid_is_settled_by_the_follow_up() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let no = new_no();
    let a = engine.call(payout(&no, "1002", 500)).await.unwrap();
    assert_eq!(a.pay_state, Some(PayState::Paying));
    assert!(!entry(&engine, &no).state.is_settled());
    assert!(engine.is_following_payout(&no));
    let e = settled(&engine, &no, Duration::from_secs(15)).await;
    assert_eq!(e.state, EntryState::Paid);
    assert!(e.last_answer.unwrap().contains("\"PAYSTATE\":1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_payouts() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    // Paying, then failed: PAYSTATE 3 settles it failed.
    let no = new_no();
    let a = engine.call(payout(&no, "2001", 500)).await.unwrap();
    assert_eq!(a.pay_state, Some(PayState::Paying));
    let e = settled(&engine, &no, Duration::from_secs(15)).await;
    assert_eq!(e.state, EntryState::Failed);
    // Refused 1031 (balance insufficient): a definite refusal, failed at once, nothing followed.
    let no = new_no();
    let err = engine.call(payout(&no, "3001", 500)).await.unwrap_err();
    assert_eq!(err, Error::rejected("1031", "商户余额不足"));
    let e = entry(&engine, &no);
    assert_eq!(e.state, EntryState::Failed);
    assert!(!engine.is_following_payout(&no));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retcode_0001_is_unknown_then_settled_by_query() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let no = new_no();
    let err = engine.call(payout(&no, "4001", 700)).await.unwrap_err();
    assert!(matches!(err, Error::GatewayRejected { ref code, .. } if code == "0001"), "{err:?}");
    assert!(!s.gw.is_definite(&err));
    assert_eq!(entry(&engine, &no).state, EntryState::Unknown);
    let e = settled(&engine, &no, Duration::from_secs(15)).await;
    assert_eq!(e.state, EntryState::Paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_signed_wrong_is_unknown_then_settled_by_query() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let no = new_no();
    let err = engine.call(payout(&no, "5001", 800)).await.unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(entry(&engine, &no).state, EntryState::Unknown);
    assert_eq!(settled(&engine, &no, Duration::from_secs(15)).await.state, EntryState::Paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_no_is_never_sent_twice() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    // One under way (paying), then again: refused before sending, naming order_no.
    let no = new_no();
    engine.call(payout(&no, "1003", 900)).await.unwrap();
    let err = engine.call(payout(&no, "1003", 900)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "order_no"), "{err:?}");
    // Settled, then again: still refused (the sandbox would have answered 1008 had it been sent).
    let done = new_no();
    engine.call(payout(&done, "0000", 900)).await.unwrap();
    settled(&engine, &done, Duration::from_secs(10)).await;
    let err = engine.call(payout(&done, "0000", 900)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "order_no"), "{err:?}");
    // Two at once: one is sent, the other refused.
    let twin = new_no();
    let (a, b) = tokio::join!(engine.call(payout(&twin, "0000", 100)), engine.call(payout(&twin, "0000", 100)));
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "{a:?} {b:?}");
    assert_eq!(entry(&engine, &twin).attempts, 1);
    // The sandbox saw each number once: sent directly, it answers 1008.
    let client = s.gw.clone().into_any().downcast::<posgate_core::mmsp::Client>().unwrap();
    let err = client.payout(&payout(&twin, "0000", 100)).await.unwrap_err();
    assert_eq!(err, Error::rejected("1008", "流水号重复"));
    assert!(!s.gw.is_definite(&err));
    assert_eq!(settled(&engine, &no, Duration::from_secs(15)).await.state, EntryState::Paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_settles_journalled_payouts_on_a_restarted_engine() {
    let s = setup().await;
    let path = journal_path("recovery");
    let client = s.gw.clone().into_any().downcast::<posgate_core::mmsp::Client>().unwrap();
    // A crash after sending: journalled and marked sending, sent, the answer lost.
    let (paid, pending, lost, accepted) = (new_no(), new_no(), new_no(), new_no());
    {
        let j = Journal::open(&path).unwrap();
        for (no, last4) in [(&paid, "0000"), (&pending, "1002"), (&lost, "0000"), (&accepted, "0000")] {
            let req = payout(no, last4, 300);
            let copy = serde_json::to_string(&req).unwrap();
            let Begin::New(e) =
                j.begin(EntryKind::Payout, GatewayId::Mmsp, no, "order_no", no, fen(300), &copy).unwrap()
            else {
                panic!("new entry expected")
            };
            j.mark_sending(e.id).unwrap();
            if no == &accepted {
                // The platform's answer accepted it (the journal kept it), yet its payout query
                // will never find it: it must not read "never arrived".
                let answer = r#"{"RETCODE":"0000","PAYSTATE":"5"}"#;
                j.update(e.id, EntryState::Paying, Some(answer), None).unwrap();
            } else if no != &lost {
                client.payout(&req).await.unwrap();
            }
        }
        // Written but never marked sending: nothing can have left.
        let never = new_no();
        j.begin(EntryKind::Payout, GatewayId::Mmsp, &never, "order_no", &never, fen(1), "{}").unwrap();
    }
    let engine = engine_on(s.gw.clone(), Journal::open(&path).unwrap());
    engine.set_payout_backoff(PayoutBackoff {
        steps: vec![Duration::from_millis(500)],
        then_every: Duration::from_millis(500),
        not_found_deadline: Duration::from_secs(2),
    });
    let recovered = engine.recover().await.unwrap();
    let state_of = |no: &str| recovered.iter().find(|r| r.number == no).map(|r| r.state);
    assert_eq!(state_of(&paid), Some(EntryState::Paid));
    assert_eq!(state_of(&pending), Some(EntryState::Paying));
    assert_eq!(recovered.iter().filter(|r| r.kind == EntryKind::Payout).count(), 5);
    assert!(recovered.iter().any(|r| r.state == EntryState::Failed && r.note.as_deref() == Some("not sent")));
    assert_eq!(settled(&engine, &pending, Duration::from_secs(15)).await.state, EntryState::Paid);
    // Never arrived: the platform still does not know it past the deadline, so nothing was paid
    // out: failed, and the number is never sent again.
    let e = settled(&engine, &lost, Duration::from_secs(15)).await;
    assert_eq!(e.state, EntryState::Failed);
    let note = e.note.unwrap();
    assert!(note.contains("1028") && note.contains("never reached"), "{note}");
    let again = engine.journal().get(EntryKind::Payout, GatewayId::Mmsp, &lost).unwrap().unwrap();
    assert_eq!(again.attempts, e.attempts, "not sent again");
    // Accepted once, then never found: a person checks the platform; it is neither failed nor
    // sent again.
    let e = settled(&engine, &accepted, Duration::from_secs(15)).await;
    assert_eq!(e.state, EntryState::NeedsAttention, "{e:?}");
    assert!(e.note.as_deref().is_some_and(|n| n.contains("accepted this payout")), "{e:?}");
    assert_eq!(e.attempts, 1, "not sent again");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balance_and_payout_queries() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let b = engine.call(BalanceQueryRequest::default()).await.unwrap();
    assert_eq!(b.accounts.len(), 2);
    assert_eq!(b.accounts[0].balance_pay, Some(fen(900_000)));
    assert_eq!(b.accounts[1].channel_no.as_deref(), Some("C002"));
    assert_eq!(b.message.as_deref(), Some("查询成功"));

    let no = new_no();
    let a = engine.call(payout(&no, "0000", 4_200)).await.unwrap();
    let q = engine
        .call(PayoutQueryRequest { order_no: Some(no.clone()), bs_order_no: None, req_time: None })
        .await
        .unwrap();
    assert_eq!((q.pay_state, q.amount), (Some(PayState::Paid), Some(fen(4_200))));
    assert_eq!(q.account_no.as_ref().map(|m| m.to_string()), Some("***0000".to_string()));
    let by_bs = engine
        .call(PayoutQueryRequest { order_no: None, bs_order_no: a.bs_order_no.clone(), req_time: None })
        .await
        .unwrap();
    assert_eq!(by_bs.order_no.as_deref(), Some(no.as_str()));
    // Unknown numbers: 1028 / 1029; neutrally, NotFound.
    let err = engine
        .call(PayoutQueryRequest { order_no: Some("1".into()), bs_order_no: None, req_time: None })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::GatewayRejected { ref code, .. } if code == "1028"), "{err:?}");
    let err = engine
        .call(PayoutQueryRequest { order_no: None, bs_order_no: Some("X1".into()), req_time: None })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::GatewayRejected { ref code, .. } if code == "1029"), "{err:?}");
    assert_eq!(engine.payout_status("1").await.unwrap().state, PayoutState::NotFound);
    assert_eq!(engine.payout_status(&no).await.unwrap().state, PayoutState::Paid);
    // Refused before sending, naming the field.
    let err = engine.call(payout("12AB", "0000", 1)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "order_no"), "{err:?}");
    let credit = PayoutRequest { account_type: AccountType::Credit, ..payout(&new_no(), "0000", 1) };
    let err = engine.call(credit).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "account_type"), "{err:?}");
}

/// Last: runs payouts of every kind, then reads every log line of the whole process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_account_number_or_id_card_in_any_log_line() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let nos: Vec<String> = (0..4).map(|_| new_no()).collect();
    for (no, last4) in nos.iter().zip(["0000", "1001", "4001", "3001"]) {
        let _ = engine.call(payout(no, last4, 100)).await;
    }
    for no in &nos[..3] {
        settled(&engine, no, Duration::from_secs(15)).await;
    }
    let _ = engine.call(BalanceQueryRequest::default()).await;
    let text = logs().0.lock().unwrap().clone();
    assert!(text.contains("posgate"), "the capture saw nothing: {text}");
    let creds = match s.sb.config(GatewayId::Mmsp).unwrap().credentials {
        posgate_core::Credentials::Mmsp(c) => c,
        _ => unreachable!(),
    };
    let private = creds.merchant_private_key.unwrap().expose().to_string();
    let private_body: String = private.lines().filter(|l| !l.starts_with("-----")).collect();
    let public = creds.platform_public_key.unwrap();
    let mut needles: Vec<String> =
        vec![ID_CARD.into(), MOBILE.into(), private_body[40..80].to_string(), public[40..80].to_string()];
    for last4 in ["0000", "1001", "4001", "3001"] {
        needles.push(account(last4));
    }
    for n in needles {
        assert!(!text.contains(&n), "a log line carries {n}");
    }
}

/// End of shift: the range's payouts held against the platform's payout query. A payout paid
/// here and there agrees; one the journal says paid that failed at the platform, and one the
/// journal sent that the platform never saw, are reported; nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payouts_are_reconciled_by_their_payout_query() {
    use posgate_core::engine::shift::reconcile::{DifferenceKind, Pace};
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let from = posgate_core::journal::now_ms() - 1;
    let paid = new_no();
    engine.call(payout(&paid, "0000", 12_345)).await.unwrap();
    settled(&engine, &paid, Duration::from_secs(10)).await;
    // Another device's payout that failed at the platform, journalled here as paid; and one
    // journalled as sent that never arrived.
    let other = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    let failed = new_no();
    other.call(payout(&failed, "2000", 700)).await.unwrap();
    assert_eq!(settled(&other, &failed, Duration::from_secs(10)).await.state, EntryState::Failed);
    let ghost = new_no();
    for (no, amount) in [(&failed, 700), (&ghost, 50)] {
        let Begin::New(e) =
            engine.journal().begin(EntryKind::Payout, GatewayId::Mmsp, no, "order_no", no, fen(amount), "{}").unwrap()
        else {
            panic!("new entry expected")
        };
        engine.journal().mark_sending(e.id).unwrap();
        engine.journal().update(e.id, EntryState::Paid, None, None).unwrap();
    }
    let quick = Pace { parallel: 4, interval: Duration::from_millis(5) };
    let r = engine.reconcile(from, posgate_core::journal::now_ms() + 1, quick).await.unwrap();
    assert_eq!(r.checked, 3, "{r:?}");
    let kinds: Vec<_> = r.differences.iter().map(|d| (d.kind, d.entry_kind.as_str(), d.number.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (DifferenceKind::StateDiffers, "payout", failed.as_str()),
            (DifferenceKind::UnknownToGateway, "payout", ghost.as_str())
        ],
        "{r:?}"
    );
    assert_eq!(r.differences[0].gateway_state.as_deref(), Some("failed"));
    assert!(r.unanswered.is_empty(), "{r:?}");
    assert_eq!(entry(&engine, &failed).state, EntryState::Paid, "reconciliation writes nothing");
    drop(s.sb);
}

/// A payout whose request never arrived, recovered long after its deadline: the first "no such
/// payout" after the restart is not enough on its own (it stays unknown); the next one, a query
/// later, settles it failed, its number never sent again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payout_is_failed_as_never_arrived_only_on_a_second_not_found() {
    let s = setup().await;
    let engine = engine_on(s.gw.clone(), Journal::in_memory().unwrap());
    engine.set_payout_backoff(PayoutBackoff {
        steps: vec![Duration::from_millis(500)],
        then_every: Duration::from_millis(500),
        not_found_deadline: Duration::from_millis(300),
    });
    let lost = new_no();
    let copy = serde_json::to_string(&payout(&lost, "0000", 300)).unwrap();
    let Begin::New(e) =
        engine.journal().begin(EntryKind::Payout, GatewayId::Mmsp, &lost, "order_no", &lost, fen(300), &copy).unwrap()
    else {
        panic!("new entry expected")
    };
    engine.journal().mark_sending(e.id).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let recovered = engine.recover().await.unwrap();
    let first = recovered.iter().find(|r| r.number == lost).unwrap();
    assert_eq!(first.state, EntryState::Unknown, "{first:?}");
    let e = settled(&engine, &lost, Duration::from_secs(10)).await;
    assert_eq!(e.state, EntryState::Failed);
    assert!(e.note.unwrap().contains("never reached"));
    drop(s.sb);
}
