//! `posgate report`: the shift report of a journal file written by `posgate pay` and `refund`
//! against a served sandbox, as a table, JSON and a receipt; bad ranges refused naming the flag.

mod common;

use common::{posgate, serve_root as serve, stdout, temp_journal};

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn the_report_of_a_journal_written_by_pay_and_refund() {
    let (_server, root) = serve();
    let journal = temp_journal("report");
    let dir = journal.parent().unwrap().to_path_buf();
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

/// `posgate record-swipe`: card swipes of the sandbox terminal recorded in a journal file, then
/// counted by the report under method `card` and held against the swipe lookup.
#[test]
fn card_swipes_recorded_then_reported_and_reconciled() {
    let (_server, root) = serve();
    let journal = temp_journal("swipes");
    let dir = journal.parent().unwrap().to_path_buf();
    let journal_s = journal.to_str().unwrap();
    let from = (now_ms() - 1).to_string();
    let record = |order_id: &str, rest: &[&str]| {
        let mut args = vec!["--sandbox", &root, "record-swipe", "--gateway", "sunmi", "--order-id", order_id];
        args.extend_from_slice(rest);
        args.extend_from_slice(&["--journal", journal_s]);
        posgate(&args)
    };
    let last = |o: &std::process::Output| stdout(o).lines().last().unwrap_or_default().to_string();

    // A refund before its sale is refused, naming the flag's field: exit 2, one line.
    let early = record("SWIPE0003", &[]);
    assert_eq!(early.status.code(), Some(2), "{early:?}");
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(
        err.contains("order_id") && err.contains("record the original sale first") && err.lines().count() == 1,
        "{err}"
    );

    let sale = record("SWIPE0001", &[]);
    assert!(sale.status.success(), "{sale:?}");
    assert_eq!(last(&sale), "swipe: SWIPE0001 sale paid");
    let json: serde_json::Value = serde_json::from_str(stdout(&sale).rsplit_once("\nswipe:").unwrap().0).unwrap();
    assert_eq!((json["amount"].as_u64(), json["card_last4"].as_str()), (Some(2580), Some("6217")), "{json}");
    let today = json["trade_date"].as_str().unwrap().to_string();
    assert_eq!(last(&record("SWIPE0003", &["--trade-date", &today])), "swipe: SWIPE0003 refund refunded");
    assert_eq!(last(&record("SWIPE0004", &[])), "swipe: SWIPE0004 sale failed");
    let again = record("SWIPE0001", &[]);
    assert!(stdout(&again).contains("\"recorded_before\": true"), "{again:?}");
    let reading = record("SWIPE0006", &[]);
    assert!(reading.status.success(), "{reading:?}");
    assert_eq!(last(&reading), "swipe: SWIPE0006 sale paying (not final: not journalled, record it again later)");
    let to = (now_ms() + 1).to_string();

    let report = posgate(&["report", "--journal", journal_s, "--from", &from, "--to", &to, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&report)).unwrap();
    let g = &v["gateways"][0];
    let card = g["taken_by_method"].as_array().unwrap().iter().find(|t| t["key"] == "card").cloned();
    assert_eq!(card.map(|t| (t["count"].as_u64(), t["amount"].as_u64())), Some((Some(1), Some(2580))), "{g}");
    assert_eq!(g["refunded"]["amount"].as_u64(), Some(1000));
    assert!(g["payments"].as_array().unwrap().iter().any(|t| t["key"] == "failed" && t["amount"] == 500), "{g}");
    let rec =
        posgate(&["--sandbox", &root, "report", "--journal", journal_s, "--from", &from, "--to", &to, "--reconcile"]);
    assert!(rec.status.success(), "{rec:?}");
    let text = stdout(&rec);
    assert!(text.contains("reconciliation sunmi: 3 entries checked") && text.contains("no differences"), "{text}");
    assert!(text.contains("method card"), "{text}");

    // Other gateways' terminals take no cards.
    let other = posgate(&["--sandbox", &root, "record-swipe", "--gateway", "chaoying", "--order-id", "SWIPE0001"]);
    assert_eq!(other.status.code(), Some(2), "{other:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
