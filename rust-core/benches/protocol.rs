//! What a payment costs on the terminal besides the network: signing, encryption, money
//! conversion and a journal write. Run with `cargo bench -p posgate-core`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use posgate_core::journal::{EntryKind, Journal};
use posgate_core::{chaoying, sunmi, tlinx, GatewayId, Money, RawFields};

fn pay_fields() -> RawFields {
    [
        ("method", "pay"),
        ("mch_id", "10000001"),
        ("out_trade_no", "PG17953615641750000561"),
        ("total_fee", "1580"),
        ("auth_code", "134567890123451003"),
        ("body", "posgate 收银台"),
        ("pid", "posgate"),
        ("version", "1.0"),
        ("attach", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn signing(c: &mut Criterion) {
    let fields = pay_fields();
    c.bench_function("chaoying sign (md5 &key=)", |b| b.iter(|| chaoying::protocol::sign(black_box(&fields), "KEY")));
    c.bench_function("sunmi sign (md5, key appended)", |b| b.iter(|| sunmi::protocol::sign(black_box(&fields), "KEY")));
    c.bench_function("tlinx sign (sha1 then md5)", |b| {
        b.iter(|| tlinx::protocol::sign(black_box(&fields), "0828e83720fdbe3685a7b94214af04f9"))
    });
}

fn encryption(c: &mut Criterion) {
    let key = "0828e83720fdbe3685a7b94214af04f9";
    let data = r#"{"out_no":"PG17953615641750000561","pmt_tag":"Weixin","original_amount":1580,"trade_amount":1580,"auth_code":"134567890123451003"}"#;
    let hex = tlinx::protocol::encrypt(key, data).expect("valid key");
    c.bench_function("tlinx aes-256-ecb encrypt", |b| b.iter(|| tlinx::protocol::encrypt(key, black_box(data))));
    c.bench_function("tlinx aes-256-ecb decrypt", |b| b.iter(|| tlinx::protocol::decrypt(key, black_box(&hex))));
}

fn money(c: &mut Criterion) {
    c.bench_function("yuan string -> fen", |b| b.iter(|| Money::parse_yuan(black_box("158.00"), "amount")));
    let m = Money::from_fen(15800, "amount").expect("valid");
    c.bench_function("fen -> yuan string", |b| b.iter(|| black_box(m).to_yuan()));
}

fn journal(c: &mut Criterion) {
    // A file journal: WAL + synchronous=FULL is the durability every payment pays for.
    let dir = std::env::temp_dir().join(format!("posgate-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let j = Journal::open(dir.join("bench.db")).expect("journal");
    let amount = Money::from_fen(100, "amount").expect("valid");
    let mut n = 0u64;
    c.bench_function("journal begin (durable insert)", |b| {
        b.iter(|| {
            n += 1;
            let no = format!("B{n}");
            j.begin(EntryKind::Payment, GatewayId::Tlinx, &no, "order_no", &no, amount, "{}")
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, signing, encryption, money, journal);
criterion_main!(benches);
