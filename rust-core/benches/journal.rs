//! The journal's share of a payment: how many durable writes each money movement makes, and
//! what one costs, on a file journal in a temp dir as production has it (WAL, synchronous=FULL:
//! every write is one SQLite transaction and one fsync of the WAL).
//!
//! The writes are counted from the outside, in the WAL file: each commit ends with a frame whose
//! "database size after commit" field is set, so the commit frames added during a flow are its
//! transactions. Nothing in the library is instrumented for it.
//!
//! Run with `cargo bench -p posgate-core --bench journal`; the counts print first.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use posgate_core::engine::Engine;
use posgate_core::journal::{EntryKind, EntryState, Journal};
use posgate_core::{GatewayId, Money, PayRequest, PollSchedule, QrPaymentRequest, RefundRequest, Wallet};
use posgate_sandbox::Sandbox;
use tokio::runtime::Runtime;

/// Commit frames in the WAL of the database at `db` (frames of the WAL's current generation:
/// those whose salts match its header; SQLite overwrites the file after a checkpoint).
fn wal_commits(db: &Path) -> usize {
    let wal = std::fs::read(format!("{}-wal", db.display())).unwrap_or_default();
    if wal.len() < 32 {
        return 0;
    }
    let be = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let page = be(&wal, 8) as usize;
    let salts = &wal[16..24];
    let mut commits = 0;
    let mut at = 32;
    while at + 24 + page <= wal.len() && &wal[at + 8..at + 16] == salts {
        commits += usize::from(be(&wal, at + 4) != 0);
        at += 24 + page;
    }
    commits
}

fn temp_journal(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("posgate-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("journal.db")
}

fn fen(n: i64) -> Money {
    Money::from_fen(n, "amount").unwrap()
}

/// First query 1.5 s after "paying", then every second: a `1001` payer (paying for 1 s) is
/// found paid by the first query, so the payment has exactly one paying phase and one query.
const ONE_QUERY: PollSchedule = PollSchedule {
    first_query_after: Duration::from_millis(1500),
    interval: Duration::from_secs(1),
    deadline: Duration::from_secs(10),
    earliest_reverse: Duration::from_secs(1),
};

/// What one flow did to the journal.
struct Count {
    flow: &'static str,
    gateway: GatewayId,
    writes: usize,
}

/// Runs each money movement on gateway `g` against its own file journal and counts the commits
/// each adds.
async fn count_flows(sb: &Sandbox, g: GatewayId) -> Vec<Count> {
    let path = temp_journal(g.as_str());
    let mut cfg = sb.config(g).unwrap();
    cfg.poll = Some(ONE_QUERY);
    let engine =
        Engine::on_current_runtime(posgate_core::connect(cfg).unwrap(), Arc::new(Journal::open(&path).unwrap()))
            .unwrap();
    let mut out = Vec::new();
    let mut count = |flow, before: usize| out.push(Count { flow, gateway: g, writes: wal_commits(&path) - before });
    let pay = |last4: &str| PayRequest {
        order_no: posgate_core::ids::new_order_no("PG"),
        amount: fen(1000),
        auth_code: format!("13456789012345{last4}"),
        subject: "journal".into(),
        terminal_id: None,
        store_id: None,
    };

    let paid_no = if g == GatewayId::Sunmi {
        // No barcode pay: a mini-program prepay, its payer (`1001` in the openId) paying for 1 s.
        let before = wal_commits(&path);
        let no = posgate_core::ids::new_order_no("PG");
        let params = serde_json::json!({"totalAmount": 1000, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
            "openId": "oG-NZ5LHRuFlGF7bKEbXtj1001", "orderId": no});
        engine.invoke("mini_pay", params).await.unwrap();
        let r = engine.follow_preorder(&no, None).await.unwrap();
        assert!(r.state.is_paid_like(), "{g}: {r:?}");
        count("prepay, one paying phase (one query)", before);
        no
    } else {
        let before = wal_commits(&path);
        let paid = engine.pay(pay("0000"), None).await.unwrap();
        count("barcode, paid at once", before);

        let before = wal_commits(&path);
        let r = engine.pay(pay("1001"), None).await.unwrap();
        assert!(r.state.is_paid_like(), "{g}: {r:?}");
        count("barcode, one paying phase (one query)", before);

        // Each further query still answered "paying" is one more write: `1003` stays paying 3 s.
        let before = wal_commits(&path);
        engine.pay(pay("1003"), None).await.unwrap();
        count("barcode, paying 3 s (three queries)", before);
        paid.order_no
    };

    let before = wal_commits(&path);
    let refund = RefundRequest {
        order_no: paid_no,
        refund_no: posgate_core::ids::new_order_no("RF"),
        refund_amount: fen(400),
        total_amount: Some(fen(1000)),
        reason: None,
    };
    engine.refund(&refund).await.unwrap();
    count("refund (partial)", before);

    if engine.gateway().qr_rules().is_some() {
        let before = wal_commits(&path);
        let req = QrPaymentRequest {
            order_no: posgate_core::ids::new_order_no("PG"),
            amount: fen(1000),
            subject: "journal".into(),
            wallet: Some(Wallet::Wechat),
            expire_seconds: Some(60),
            notify_url: Some(format!("{}/_sandbox/notify", sb.root_url())),
            terminal_id: None,
            store_id: None,
        };
        let qr = engine.start_qr_payment(req, None).await.unwrap();
        sb.pay_preorder(g, &qr.code.order_no).await.unwrap();
        qr.handle.result().await.unwrap();
        count("QR, paid before the first query", before);
    }
    drop(engine);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
    out
}

fn print_counts(rt: &Runtime) {
    let sb = rt.block_on(Sandbox::start()).unwrap();
    let counts: Vec<Count> =
        posgate_sandbox::SIMULATED.iter().flat_map(|&g| rt.block_on(count_flows(&sb, g))).collect();
    println!("journal writes (durable SQLite transactions) per flow:");
    for c in &counts {
        println!("  {:<9} {:<40} {}", c.gateway.as_str(), c.flow, c.writes);
    }
}

/// An answer as the machine records it after a query (a TradeResult's JSON).
const ANSWER: &str = r#"{"order_no":"PG17953615641750000561","state":"paid","amount":1580,"trade_no":"C1764689000123456","wallet":"wechat","paid_at":"2026-12-02 21:15:00","gateway_code":null,"message":null}"#;

fn write_costs(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    print_counts(&rt);

    let path = temp_journal("writes");
    let j = Journal::open(&path).unwrap();
    let mut n = 0u64;
    let mut new_entry = |j: &Journal| {
        n += 1;
        let no = format!("PGW{n}");
        match j.begin(EntryKind::Payment, GatewayId::Tlinx, &no, "order_no", &no, fen(1580), "{}").unwrap() {
            posgate_core::journal::Begin::New(e) | posgate_core::journal::Begin::Existing(e) => e,
        }
    };
    let entry = new_entry(&j);
    let mut group = c.benchmark_group("journal write (file, WAL, synchronous=FULL)");
    group.bench_function("begin: insert a payment", |b| b.iter(|| new_entry(&j)));
    group.bench_function("mark_sending", |b| b.iter(|| j.mark_sending(entry.id).unwrap()));
    group.bench_function("update: record an answer", |b| {
        b.iter(|| j.update(entry.id, EntryState::Paid, Some(ANSWER), None).unwrap())
    });
    let mut k = 0u64;
    group.bench_function("record_notification", |b| {
        b.iter(|| {
            k += 1;
            j.record_notification(GatewayId::Tlinx, &entry.order_no, &format!("paid{k}"), ANSWER).unwrap()
        })
    });
    group.bench_function("by_id: read an entry (no write)", |b| b.iter(|| j.by_id(entry.id).unwrap()));
    group.finish();

    // The same update without a file: what the fsync and the WAL cost.
    let mem = Journal::in_memory().unwrap();
    let e = match mem.begin(EntryKind::Payment, GatewayId::Tlinx, "PGM1", "order_no", "PGM1", fen(1), "{}").unwrap() {
        posgate_core::journal::Begin::New(e) | posgate_core::journal::Begin::Existing(e) => e,
    };
    c.bench_function("journal write (in memory)/update: record an answer", |b| {
        b.iter(|| mem.update(e.id, EntryState::Paid, Some(ANSWER), None).unwrap())
    });
    drop(j);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

criterion_group!(benches, write_costs);
criterion_main!(benches);
