//! `posgate report`: the shift report of a journal file written by `posgate pay` and `refund`
//! against a served sandbox, as a table, JSON and a receipt; bad ranges refused naming the flag.

mod common;

use common::{posgate, serve_root as serve, stdout};

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn the_report_of_a_journal_written_by_pay_and_refund() {
    let (_server, root) = serve();
    let dir = std::env::temp_dir().join(format!("posgate-cli-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let journal = dir.join("journal.db");
    let journal_s = journal.to_str().unwrap();
    let from = (now_ms() - 1).to_string();
    let pid = std::process::id();
    let pay = |order: &str, amount: &str, code: &str| {
        let o = posgate(&[
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            "chaoying",
            "--amount",
            amount,
            "--auth-code",
            code,
            "--order-no",
            order,
            "--journal",
            journal_s,
        ]);
        assert!(stdout(&o).lines().last().unwrap_or("").starts_with(&format!("final: {order}")), "{o:?}");
    };
    pay(&format!("RA{pid}"), "1500", "134567890123450000"); // WeChat, paid
    pay(&format!("RB{pid}"), "2600", "284567890123450000"); // Alipay, paid
    pay(&format!("RC{pid}"), "300", "134567890123453001"); // declined
    let refund = posgate(&[
        "--sandbox",
        &root,
        "refund",
        "--gateway",
        "chaoying",
        "--order-no",
        &format!("RA{pid}"),
        "--refund-no",
        &format!("RR{pid}"),
        "--amount",
        "500",
        "--journal",
        journal_s,
    ]);
    assert!(refund.status.success(), "{refund:?}");
    let to = (now_ms() + 1).to_string();

    let json = posgate(&["report", "--journal", journal_s, "--from", &from, "--to", &to, "--json"]);
    assert!(json.status.success(), "{json:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let g = &v["gateways"][0];
    assert_eq!(g["gateway"], "chaoying");
    assert_eq!((g["taken"]["count"].as_u64(), g["taken"]["amount"].as_u64()), (Some(2), Some(4100)), "{g}");
    assert_eq!(g["refunded"]["amount"].as_u64(), Some(500));
    assert_eq!(g["net_fen"].as_i64(), Some(3600));
    let wallets: Vec<_> = g["taken_by_wallet"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(wallets, ["alipay", "wechat"]);
    assert!(g["payments"].as_array().unwrap().iter().any(|t| t["key"] == "failed" && t["amount"] == 300), "{g}");

    let table = posgate(&["report", "--journal", journal_s, "--from", &from, "--to", &to]);
    let text = stdout(&table);
    for needle in ["chaoying merchant", "taken", "41.00", "refunded", "5.00", "net", "36.00", "wallet wechat"] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let receipt = posgate(&["report", "--journal", journal_s, "--from", &from, "--to", &to, "--receipt"]);
    assert!(stdout(&receipt).contains("SHIFT REPORT"), "{receipt:?}");
    assert!(stdout(&receipt).lines().all(|l| l.chars().count() <= 32), "{}", stdout(&receipt));

    // Held against the gateway: the three payments and the refund agree.
    let rec =
        posgate(&["--sandbox", &root, "report", "--journal", journal_s, "--from", &from, "--to", &to, "--reconcile"]);
    assert!(rec.status.success(), "{rec:?}");
    let text = stdout(&rec);
    assert!(text.contains("reconciliation chaoying: 4 entries checked") && text.contains("no differences"), "{text}");
    assert!(text.contains("through a query per entry (it lists no orders)"), "{text}");

    // Another day is empty; a bad range names its flag.
    let empty = posgate(&["report", "--journal", journal_s, "--from", "2020-01-01", "--to", "2020-01-02"]);
    assert!(stdout(&empty).contains("nothing in this shift"), "{empty:?}");
    for (args, flag) in [
        (vec!["--from", "2026-13-01"], "from"),
        (vec!["--from", "2026-12-02", "--to", "2026-12-01"], "to"),
        (vec!["--to", "yesterday"], "to"),
    ] {
        let mut all = vec!["report", "--journal", journal_s];
        all.extend(args);
        let o = posgate(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(flag) && err.lines().count() == 1, "{all:?}: {err}");
    }
    let missing = posgate(&["report", "--journal", dir.join("none.db").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
