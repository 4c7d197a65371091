//! The `posgate` command as other tools see it: exact output of the debug tools, exit codes,
//! one-line errors, and payments against a `posgate sandbox serve` process.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use common::{posgate, serve, stderr, stdout, temp_journal};

fn last_line(o: &Output) -> String {
    stdout(o).lines().last().unwrap_or_default().to_string()
}

/// Bad input: non-zero exit, one line on stderr, never a panic.
fn assert_clean_error(o: &Output, needle: &str) {
    assert!(!o.status.success(), "expected failure, got {o:?}");
    let err = stderr(o);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one-line error expected: {err:?}");
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
}

#[test]
fn sign_tlinx_seed_vector() {
    let o = posgate(&[
        "debug",
        "sign",
        "--gateway",
        "tlinx",
        "--key",
        "0828e83720fdbe3685a7b94214af04f9",
        "--timestamp",
        "1497957842",
        "--params",
        r#"{"open_id":"87f46f5db1b65f0ac195285f49ee6958","data":"3304A5EC2CDEB4D12ED3338B5C01BF6B"}"#,
    ]);
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        stdout(&o),
        "canonical: data=3304A5EC2CDEB4D12ED3338B5C01BF6B&open_id=87f46f5db1b65f0ac195285f49ee6958\
         &open_key=0828e83720fdbe3685a7b94214af04f9&timestamp=1497957842\n\
         sign: 915be5aff09f2686870e1d17e93b3542\n"
    );
}

#[test]
fn sign_chaoying_numbers_as_written_empty_dropped() {
    let o = posgate(&[
        "debug",
        "sign",
        "--gateway",
        "chaoying",
        "--key",
        "KEY",
        "--params",
        r#"{"method":"pay","mch_id":"00000001","total_fee":100,"attach":""}"#,
    ]);
    assert!(o.status.success(), "{o:?}");
    // Expected values computed independently (python3 hashlib).
    assert_eq!(
        stdout(&o),
        "canonical: mch_id=00000001&method=pay&total_fee=100&key=KEY\nsign: 7F2E1BC959E5AA4E4E133B6C38045318\n"
    );
}

#[test]
fn sign_sunmi_key_appended_empty_values_kept() {
    let o = posgate(&[
        "debug",
        "sign",
        "--gateway",
        "sunmi",
        "--key",
        "d3ac24736589ae17d333e362859bf4c",
        "--params",
        r#"{"amount":1,"app_id":"sm5b9b4daef3463","businessId":"","charset":"utf8","msn":"V206D88200036","orderId":"sda1212","oriOrderId":"148983452364238"}"#,
    ]);
    assert!(o.status.success(), "{o:?}");
    // Expected values computed independently (python3 hashlib).
    assert_eq!(
        stdout(&o),
        "canonical: amount=1&app_id=sm5b9b4daef3463&businessId=&charset=utf8&msn=V206D88200036&orderId=sda1212\
         &oriOrderId=148983452364238d3ac24736589ae17d333e362859bf4c\n\
         sign: 8C54894BAB211EF8E860B0BCFBCDD1D5\n"
    );
}

/// The seed's test public key (6.4) and its sample callback (4.3.5 / 6.2), as the seed prints it.
const SUNMI_TEST_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9KIGIdV5W1oDXGf/HgUPjBvxYzPZpTiywWuCZZsu/kR3bJXhTfRFZHJfT7xQRdPkqV4ZeviZfopGqyr5PJvHwgy4bA2DFmqo9cZ36SetfY1eyBw398wHmSl7yoDEt/j+eraFXonKq2nrHQwt0/AQE7fNh+6KAg7Io9D49MCw0v4yF/FkhOAque/550tpek0Vdg5pX828OCXVW+wxwSEJMWJYQm8c5NJEhj1R5lThQtSSXrZ+C8zEUNuUvYODy5YYA6X1LFmu4bm9SEBl6ioqW1rWwgoxx3RXR94lkax1T1mJx8KFYGbZg3W5s05lEPHR3/mcJnFgEMqmtImVZ4OIvwIDAQAB";
const SUNMI_SAMPLE_CALLBACK: &str = r#"{
    "amount":1,
    "businessId":"",
    "buyerPayAmount":1,
    "misId":"test_5F5EC7A54CDCC58BADC425",
    "msn":"D804P89V00033",
    "orderId":"15632714718760",
    "orderType":0,
    "payTime":1563271502,
    "platform":"alipay",
    "platformId":"2019071622001419071050445382",
    "refunded":"0",
    "resultCode":"T00",
    "resultMsg":"Success",
   "sign":"GW6jDdLQ1z+CFtLoKjmxtMiHeKjm2ZgMTq19gQisV/PpOPIBeDXhWEu5WSzxZwiJHVzCQrPhyZX6kdwQ9xGTyxbsKTZj31zUxtWqqcmol7DpkGJRuG9wzqnNCZ7kmUrk8/XLs1TRxIusCQuojEZOdsE/EWqy/OlX4TrD0WqCeW9Kkk1IB5izAamv9BcEEPgYFLo0hBujo85GEjjzJrFs9ds59TYe0ElOZ6zdputanCJZuM6/SqQ4a1Xoy/MJFKhA6K0zc8ZPFiW0bBMhVFSwSwRY3IEsP0YWva7QcT9AjVW2FFILghJ5vrjonAmhmKCIwtHMA8zwM9j6qgMEF0kCGg==",
    "state":3
}"#;

#[test]
fn verify_notify_sunmi_seed_sample_with_the_seed_key() {
    // `--public-key=...`: a PEM starts with dashes, which a separate argument cannot.
    let verify = |key: &str, params: &str| {
        posgate(&["debug", "verify-notify", "--gateway", "sunmi", &format!("--public-key={key}"), "--params", params])
    };
    let ok = verify(SUNMI_TEST_KEY, SUNMI_SAMPLE_CALLBACK);
    assert_eq!(stdout(&ok), "valid\n", "{ok:?}");
    assert!(ok.status.success());

    // The same key as PEM.
    let lines: Vec<&str> = SUNMI_TEST_KEY.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"));
    let ok = verify(&pem, SUNMI_SAMPLE_CALLBACK);
    assert_eq!(stdout(&ok), "valid\n", "{ok:?}");

    // Any field changed: invalid, exit 1.
    for (from, to) in [
        (r#""amount":1"#, r#""amount":2"#),
        (r#""state":3"#, r#""state":5"#),
        (r#""businessId":"""#, r#""businessId":"x""#),
    ] {
        let changed = SUNMI_SAMPLE_CALLBACK.replacen(from, to, 1);
        assert_ne!(changed, SUNMI_SAMPLE_CALLBACK);
        let bad = verify(SUNMI_TEST_KEY, &changed);
        assert_eq!(bad.status.code(), Some(1), "{from}: {bad:?}");
        assert!(stdout(&bad).starts_with("invalid: "), "{from}: {bad:?}");
    }

    // A key that is not one, or none: bad input, one line.
    assert_clean_error(&verify("not-a-key", SUNMI_SAMPLE_CALLBACK), "public_key");
    assert_clean_error(
        &posgate(&["debug", "verify-notify", "--gateway", "sunmi", "--key", "K", "--params", SUNMI_SAMPLE_CALLBACK]),
        "public_key",
    );
}

#[test]
fn encrypt_decrypt_round_trip_and_bad_input() {
    let key = "vCfnB1SvPQqUDa7q0AFpqdiGOCICGT92";
    let e = posgate(&["debug", "encrypt", "--gateway", "tlinx", "--key", key, "--data", r#"{"out_no":"A1"}"#]);
    assert!(e.status.success(), "{e:?}");
    let hex = last_line(&e);
    assert!(hex.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()), "{hex}");
    let d = posgate(&["debug", "decrypt", "--gateway", "tlinx", "--key", key, "--data", &hex]);
    assert!(d.status.success(), "{d:?}");
    assert_eq!(last_line(&d), r#"{"out_no":"A1"}"#);

    assert_clean_error(&posgate(&["debug", "encrypt", "--gateway", "tlinx", "--key", "short", "--data", "x"]), "key");
    assert_clean_error(&posgate(&["debug", "decrypt", "--gateway", "tlinx", "--key", key, "--data", "XYZ1"]), "error");
    assert_clean_error(
        &posgate(&[
            "debug",
            "decrypt",
            "--gateway",
            "tlinx",
            "--key",
            key,
            "--data",
            "00112233445566778899AABBCCDDEEFF",
        ]),
        "error",
    );
}

#[test]
fn malformed_input_is_a_one_line_error() {
    assert_clean_error(
        &posgate(&["debug", "sign", "--gateway", "chaoying", "--key", "K", "--params", "{not json"]),
        "params",
    );
    assert_clean_error(&posgate(&["debug", "sign", "--gateway", "paypal", "--key", "K", "--params", "{}"]), "gateway");
    assert_clean_error(
        &posgate(&["debug", "sign", "--gateway", "kuaishou", "--key", "K", "--params", "{}"]),
        "timestamp",
    );
    assert_clean_error(&posgate(&["debug", "sign", "--gateway", "mmsp", "--key", "K", "--params", "[1]"]), "params");
    assert_clean_error(
        &posgate(&["debug", "verify-notify", "--gateway", "mmsp", "--key", "K", "--params", "{not json"]),
        "params",
    );
    assert_clean_error(
        &posgate(&[
            "--sandbox",
            "http://127.0.0.1:9",
            "pay",
            "--gateway",
            "tlinx",
            "--amount",
            "-5",
            "--auth-code",
            "1",
        ]),
        "amount",
    );
}

#[test]
fn verify_notify_valid_and_tampered() {
    use posgate_core::chaoying::protocol;
    let mut fields = posgate_core::RawFields::new();
    for (k, v) in [
        ("state", "SUCCESS"),
        ("code", "10000"),
        ("trade_state", "SUCCESS"),
        ("mch_id", "10000001"),
        ("out_trade_no", "PG20261122001"),
        ("transaction_id", "4200000001"),
        ("total_fee", "100"),
    ] {
        fields.insert(k.into(), v.into());
    }
    let key = "chaoying-test-key";
    let sign = protocol::sign(&fields, key);
    fields.insert("sign".into(), sign);
    let json = serde_json::to_string(&fields).unwrap();
    let ok = posgate(&["debug", "verify-notify", "--gateway", "chaoying", "--key", key, "--params", &json]);
    assert_eq!(stdout(&ok), "valid\n", "{ok:?}");
    assert!(ok.status.success());

    fields.insert("total_fee".into(), "1".into());
    let json = serde_json::to_string(&fields).unwrap();
    let bad = posgate(&["debug", "verify-notify", "--gateway", "chaoying", "--key", key, "--params", &json]);
    assert_eq!(bad.status.code(), Some(1), "{bad:?}");
    assert!(stdout(&bad).starts_with("invalid: "), "{bad:?}");
}

#[test]
fn pay_query_refund_cancel_against_a_served_sandbox() {
    let (_server, urls) = serve();
    assert_eq!(
        urls.iter().map(|(g, _)| g.as_str()).collect::<Vec<_>>(),
        ["chaoying", "kuaishou", "tlinx", "mmsp", "sunmi"]
    );
    for (g, url) in barcode(&urls) {
        assert!(url.ends_with(&format!("/{g}")), "{url}");
        let root = url.trim_end_matches(&format!("/{g}")).to_string();
        let order = format!("CLI{}{}", g.len(), std::process::id());
        let pay = posgate(&[
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            g,
            "--amount",
            "1500",
            "--auth-code",
            "134567890123451001",
            "--order-no",
            &order,
        ]);
        assert_eq!(last_line(&pay), format!("final: {order} paid"), "{g}: {pay:?}");
        assert!(pay.status.success());
        assert!(stdout(&pay).contains("poll 1/"), "{g}: progress expected: {}", stdout(&pay));

        let q = posgate(&["--sandbox", &root, "query", "--gateway", g, "--order-no", &order]);
        assert_eq!(last_line(&q), format!("state: {order} paid"), "{g}: {q:?}");

        let r = posgate(&[
            "--sandbox",
            &root,
            "refund",
            "--gateway",
            g,
            "--order-no",
            &order,
            "--amount",
            "500",
            "--total",
            "1500",
        ]);
        assert!(r.status.success(), "{g}: {r:?}");

        let declined = posgate(&[
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            g,
            "--amount",
            "100",
            "--auth-code",
            "134567890123453001",
        ]);
        assert!(last_line(&declined).ends_with(" failed"), "{g}: {declined:?}");
        assert_eq!(declined.status.code(), Some(1));

        let order2 = format!("CLX{}{}", g.len(), std::process::id());
        let p2 = posgate(&[
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            g,
            "--amount",
            "100",
            "--auth-code",
            "134567890123450000",
            "--order-no",
            &order2,
        ]);
        assert!(p2.status.success(), "{g}: {p2:?}");
        let c = posgate(&["--sandbox", &root, "cancel", "--gateway", g, "--order-no", &order2]);
        assert_eq!(last_line(&c), format!("final: {order2} reversed"), "{g}: {c:?}");

        let ops = posgate(&["--sandbox", &root, "operations", "--gateway", g]);
        assert!(ops.status.success() && stdout(&ops).lines().count() >= 7, "{g}: {ops:?}");

        // Any operation by name, JSON in and out.
        let (op, params, needle) = match g.as_str() {
            "chaoying" => ("get_mch_info", "{}", "\"FullName\""),
            "kuaishou" => ("flow_recharge", r#"{"phone_no":"13812345678","flow_val":100}"#, "\"orderID\""),
            "mmsp" => ("balance_query", "{}", "\"ACCINFO\""),
            _ => ("paylist", r#"{"pmt_type":"2,3"}"#, "\"pmt_tag\""),
        };
        let call = posgate(&["--sandbox", &root, "call", "--gateway", g, op, "--params", params]);
        assert!(call.status.success() && stdout(&call).contains(needle), "{g}: {call:?}");
        assert_clean_error(&posgate(&["--sandbox", &root, "call", "--gateway", g, op, "--params", "{x"]), "params");
        assert_clean_error(&posgate(&["--sandbox", &root, "call", "--gateway", g, "nope", "--params", "{}"]), "nope");
    }
}

#[test]
fn demo_passes() {
    let o = posgate(&["demo"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let last = last_line(&o);
    let n: u32 = last
        .strip_prefix("demo: ")
        .and_then(|s| s.strip_suffix(" passed, 0 failed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad last line {last:?}"));
    // Six flows per barcode gateway, Kuaishou's QR order, MMSP's four (QR pre-order, quick
    // payment, payout, balance), Sunmi's eight (prepays have no barcode), the ledger; a QR
    // payment paid on each of the four gateways with a code (all but Sunmi) and one expired;
    // each of the five gateways' day ends with its shift report held against the sandbox's books.
    assert_eq!(n, 6 * posgate_sandbox::GATEWAYS.len() as u32 + 1 + 4 + 8 + 1 + 4 + 1 + 5);
    for g in ["chaoying", "kuaishou", "tlinx", "mmsp", "sunmi"] {
        let line = stdout(&o)
            .lines()
            .find(|l| l.starts_with(&format!("[{g}] ok   end of shift report: ")))
            .map(str::to_string);
        assert!(line.is_some_and(|l| l.ends_with("the sandbox's books agree")), "{g}: {}", stdout(&o));
    }
    assert!(stdout(&o).contains("[kuaishou] ok   QR order paid, notification verified"), "{}", stdout(&o));
    for g in ["chaoying", "kuaishou", "tlinx", "mmsp"] {
        assert!(stdout(&o).contains(&format!("[{g}] ok   QR payment paid: ")), "{g}: {}", stdout(&o));
    }
    let expired = stdout(&o)
        .lines()
        .find(|l| l.starts_with("[chaoying] ok   QR code expired unpaid, closed: "))
        .map(str::to_string);
    assert!(
        expired.is_some_and(|l| l.ends_with(" closed after 5 s; the sandbox's books: reversed, nothing charged")),
        "{}",
        stdout(&o)
    );
    for flow in [
        "QR pre-order paid, push verified",
        "quick payment confirmed by SMS",
        "payout pending, then paid",
        "balance query",
    ] {
        assert!(stdout(&o).contains(&format!("[mmsp] ok   {flow}")), "{}", stdout(&o));
    }
    assert!(stdout(&o).contains("[sunmi] ok   miniPay prepay"), "{}", stdout(&o));
    assert!(stdout(&o).contains("[sunmi] ok   card swipe recorded: SWIPE0001 25.80 yuan"), "{}", stdout(&o));
    assert!(stdout(&o).contains("    method card                 1          25.80"), "{}", stdout(&o));
}

/// The served gateways that take barcode payments (Sunmi has none).
fn barcode(urls: &[(String, String)]) -> impl Iterator<Item = &(String, String)> {
    urls.iter().filter(|(g, _)| posgate_sandbox::GATEWAYS.iter().any(|b| b.as_str() == g))
}

#[test]
fn killed_mid_poll_then_recovered() {
    let (_server, urls) = serve();
    for (g, url) in barcode(&urls) {
        let root = url.trim_end_matches(&format!("/{g}")).to_string();
        let journal = temp_journal(g);
        let journal_s = journal.to_str().unwrap();
        let order = format!("KILL{}{}", g.len(), std::process::id());
        let mut child = Command::new(env!("CARGO_BIN_EXE_posgate"))
            .args(["--sandbox", &root, "pay", "--gateway", g, "--amount", "700", "--auth-code", "134567890123451006"])
            .args(["--order-no", &order, "--journal", journal_s])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("the payment polls before it ends").unwrap();
            if line.starts_with("poll 1/") {
                break;
            }
            assert!(!line.starts_with("final:"), "{g}: ended before the kill: {line}");
        }
        child.kill().unwrap(); // SIGKILL: no chance to clean up
        child.wait().unwrap();

        let list = posgate(&["journal", "list", "--journal", journal_s]);
        assert!(list.status.success(), "{list:?}");
        let row = stdout(&list).lines().find(|l| l.contains(&order)).map(str::to_string);
        let row = row.unwrap_or_else(|| panic!("{g}: no journal row: {}", stdout(&list)));
        assert!(row.contains("paying") || row.contains("unknown"), "{g}: unsettled row expected: {row}");

        let rec = posgate(&["--sandbox", &root, "recover", "--journal", journal_s]);
        assert!(rec.status.success(), "{g}: {rec:?}");
        assert!(stdout(&rec).lines().any(|l| l == format!("final: {order} paid")), "{g}: {}", stdout(&rec));

        let list = posgate(&["journal", "list", "--journal", journal_s]);
        let row = stdout(&list).lines().find(|l| l.contains(&order)).map(str::to_string).unwrap();
        assert!(row.contains(" paid "), "{g}: {row}");
        // Recovered by querying, never re-sent: one attempt, one charge.
        let q = posgate(&["--sandbox", &root, "query", "--gateway", g, "--order-no", &order]);
        assert_eq!(last_line(&q), format!("state: {order} paid"), "{g}: {q:?}");
        assert!(row.split_whitespace().any(|w| w == "1"), "{g}: one attempt: {row}");

        // Nothing left: a second recovery settles nothing.
        let again = posgate(&["--sandbox", &root, "recover", "--journal", journal_s]);
        assert!(again.status.success() && stdout(&again).is_empty(), "{g}: {again:?}");
    }
}

#[test]
fn journal_refuses_a_reused_order_number_with_another_amount() {
    let (_server, urls) = serve();
    let (g, url) = barcode(&urls).next().unwrap();
    let root = url.trim_end_matches(&format!("/{g}")).to_string();
    let journal = temp_journal("reuse");
    let journal_s = journal.to_str().unwrap();
    let order = format!("REUSE{}", std::process::id());
    let pay = |amount: &str| {
        posgate(&[
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            g,
            "--amount",
            amount,
            "--auth-code",
            "134567890123450000",
            "--order-no",
            &order,
            "--journal",
            journal_s,
        ])
    };
    assert_eq!(last_line(&pay("300")), format!("final: {order} paid"));
    // A retry with the same number reports the recorded result.
    assert_eq!(last_line(&pay("300")), format!("final: {order} paid"));
    assert_clean_error(&pay("301"), "order_no");
}

/// `-vv` shows the HTTP traffic (URLs, field names, statuses, sizes) and never a value: not the
/// payer's barcode, not a key, not a signature.
#[test]
fn debug_log_names_fields_never_values() {
    let (_server, urls) = serve();
    for (g, url) in barcode(&urls) {
        let root = url.trim_end_matches(&format!("/{g}")).to_string();
        let order = format!("CLIV{}{}", g.len(), std::process::id());
        let code = "134567890123450000";
        let pay = posgate(&[
            "-vv",
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            g,
            "--amount",
            "100",
            "--auth-code",
            code,
            "--order-no",
            &order,
        ]);
        assert_eq!(last_line(&pay), format!("final: {order} paid"), "{g}: {pay:?}");
        let log = stderr(&pay);
        assert!(log.contains("POST ") && log.contains("fields ["), "{g}: the traffic is logged: {log}");
        assert!(!log.contains(code) && !log.contains(&code[code.len() - 8..]), "{g}: barcode in the log: {log}");
        let cfg = posgate_sandbox::test_config(posgate_core::GatewayId::parse(g).unwrap(), "http://x").unwrap();
        let creds = match cfg.credentials {
            posgate_core::Credentials::Chaoying(c) => c.key.expose().to_string(),
            posgate_core::Credentials::Tlinx(c) => c.open_key.expose().to_string(),
            posgate_core::Credentials::Sunmi(c) => c.app_key.expose().to_string(),
            posgate_core::Credentials::Kuaishou(c) => c.key.expose().to_string(),
            posgate_core::Credentials::Mmsp(c) => c.key.expose().to_string(),
        };
        assert!(!log.contains(&creds), "{g}: key in the log");
        assert!(!log.to_ascii_lowercase().contains("sign="), "{g}: a signature value in the log: {log}");
    }
}

/// A merchant's notify endpoint on 127.0.0.1 that answers every request `SUCCESS`; its URL.
fn merchant_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 65536];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nSUCCESS");
        }
    });
    url
}

/// POSTs to the served sandbox's `/_sandbox/pay/<gateway>/<order>` (the payer pays a pre-order).
fn sandbox_pays(root: &str, gateway: &str, order: &str) {
    use std::io::{Read, Write};
    let host = root.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "POST /_sandbox/pay/{gateway}/{order} HTTP/1.1\r\nhost: {host}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// Query and close from the CLI go through the engine: with `--journal`, the journal hears their
/// answers (a paid pre-order settles; a close is written before it is sent, its refusal recorded).
#[test]
fn query_and_close_reach_the_journal() {
    let (_server, urls) = serve();
    // MMSP pre-orders name a notify URL: the merchant's server, answering SUCCESS.
    let notify = merchant_server();
    for (g, url) in barcode(&urls) {
        let root = url.trim_end_matches(&format!("/{g}")).to_string();
        let journal = temp_journal(&format!("qc-{g}"));
        let journal_s = journal.to_str().unwrap();
        let order = format!("CLIQ{}{}", g.len(), std::process::id());
        let (op, params) = match g.as_str() {
            "chaoying" => (
                "wechat_pre_order",
                format!(
                    r#"{{"body":"x","out_trade_no":"{order}","total_fee":300,"trade_type":"NATIVE","product_id":"p1"}}"#
                ),
            ),
            "kuaishou" => {
                ("order", format!(r#"{{"charge_code":"{order}","amount":300,"subject":"x","channel_type":"2"}}"#))
            }
            "mmsp" => (
                "wechat_pre_order",
                format!(r#"{{"mer_order_id":"{order}","amount":300,"goods_name":"x","notify_url":"{notify}"}}"#),
            ),
            _ => (
                "payorder",
                format!(
                    r#"{{"scenario":"qr","out_no":"{order}","pmt_tag":"Weixin","original_amount":300,"trade_amount":300}}"#
                ),
            ),
        };
        let call =
            posgate(&["--sandbox", &root, "call", "--gateway", g, op, "--params", &params, "--journal", journal_s]);
        assert!(call.status.success(), "{g}: {call:?}");
        let row = |kind: &str| {
            let list = posgate(&["journal", "list", "--journal", journal_s]);
            stdout(&list).lines().find(|l| l.contains(&order) && l.contains(kind)).map(str::to_string)
        };
        assert!(row("payment").unwrap().contains("paying"), "{g}");
        sandbox_pays(&root, g, &order);
        let q = posgate(&["--sandbox", &root, "query", "--gateway", g, "--order-no", &order, "--journal", journal_s]);
        assert_eq!(last_line(&q), format!("state: {order} paid"), "{g}: {q:?}");
        assert!(row("payment").unwrap().contains(" paid "), "{g}: the query's answer reached the journal");
        let c = posgate(&["--sandbox", &root, "close", "--gateway", g, "--order-no", &order, "--journal", journal_s]);
        // None of these closes a paid order (most have no close at all; MMSP refuses it).
        assert!(!c.status.success(), "{g}: a paid order was closed: {c:?}");
        let close = row("cancel").unwrap_or_else(|| panic!("{g}: the close is journalled"));
        assert!(close.contains("failed"), "{g}: {close}");
    }
}

#[test]
fn kuaishou_debug_tools() {
    const KEY: &str = "98SDKFUO432HNODS098EEE07U9DUOIUE";
    // The text is signed exactly as given; the expected sign computed independently (python3).
    let out = posgate(&[
        "debug",
        "sign",
        "--gateway",
        "kuaishou",
        "--key",
        KEY,
        "--timestamp",
        "1473431447",
        "--params",
        r#"{"AMT": "0.01"}"#,
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        stdout(&out),
        "canonical: 147343144798SDKFUO432HNODS098EEE07U9DUOIUE{\"AMT\":\"0.01\"}\nsign: 4652fc7595401efec1b7d76a73bf9572:1473431447\n"
    );
    let enc = posgate(&["debug", "encrypt", "--gateway", "kuaishou", "--key", KEY, "--data", r#"{"AMT":"0.01"}"#]);
    assert_eq!(stdout(&enc).lines().last(), Some("xozvdrWljnEl+KwWLkgAqA=="), "{enc:?}");
    let dec =
        posgate(&["debug", "decrypt", "--gateway", "kuaishou", "--key", KEY, "--data", "xozvdrWljnEl+KwWLkgAqA=="]);
    assert_eq!(stdout(&dec).lines().last(), Some(r#"{"AMT":"0.01"}"#), "{dec:?}");

    let body = r#"{"PAY_NODIFY":{"CHARGE_CODE":"A1","STATE":1,"AMT":1}}"#;
    let sign = posgate_core::kuaishou::protocol::sign("1700000000", KEY, body);
    let params = serde_json::json!({"sign": sign, "body": body}).to_string();
    let ok = posgate(&["debug", "verify-notify", "--gateway", "kuaishou", "--key", KEY, "--params", &params]);
    assert_eq!(stdout(&ok), "valid\n", "{ok:?}");
    let tampered = serde_json::json!({"sign": sign, "body": body.replace("\"STATE\":1", "\"STATE\":2")}).to_string();
    let bad = posgate(&["debug", "verify-notify", "--gateway", "kuaishou", "--key", KEY, "--params", &tampered]);
    assert!(stdout(&bad).starts_with("invalid: "), "{bad:?}");
    assert_eq!(bad.status.code(), Some(1));
}

/// `GET <root><path>` on the served sandbox; the answer's body.
fn sandbox_get(root: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let host = root.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
}

/// The sandbox's books on one order: (state, charges, refunded fen); `None` when it has none.
fn sandbox_order(root: &str, gateway: &str, order: &str) -> Option<(String, u64, u64)> {
    let orders: serde_json::Value = serde_json::from_str(&sandbox_get(root, "/_sandbox/orders")).unwrap();
    orders.as_array().unwrap().iter().find(|o| o["gateway"] == gateway && o["order_no"] == order).map(|o| {
        (o["state"].as_str().unwrap().to_string(), o["charges"].as_u64().unwrap(), o["refunded"].as_u64().unwrap())
    })
}

fn spawn_posgate(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_posgate"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn posgate")
}

/// The sandbox root of a served gateway's URL.
fn root_of(g: &str, url: &str) -> String {
    url.trim_end_matches(&format!("/{g}")).to_string()
}

/// The code `qr-pay` drew: the lines of half blocks right after its `qr:` line.
fn drawn_code(out: &str) -> Vec<String> {
    out.lines()
        .skip_while(|l| !l.starts_with("qr: "))
        .skip(1)
        .take_while(|l| !l.is_empty() && l.chars().all(|c| matches!(c, ' ' | '▀' | '▄' | '█')))
        .map(str::to_string)
        .collect()
}

/// The drawing expected of `content`, made here from the modules: a light module (and the
/// four-module quiet zone) is a glyph's half, a dark one the terminal's dark background, two
/// module rows per line.
fn expected_drawing(content: &str) -> Vec<String> {
    let m = posgate_core::qr_matrix(content).unwrap();
    let side = m.size as i64 + 8;
    let glyph = |x: i64, y: i64| {
        let (cx, cy) = (x - 4, y - 4);
        let inside = (0..m.size as i64).contains(&cx) && (0..m.size as i64).contains(&cy);
        y < side && !(inside && m.is_dark(cx as u32, cy as u32))
    };
    (0..side)
        .step_by(2)
        .map(|y| {
            (0..side)
                .map(|x| match (glyph(x, y), glyph(x, y + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                })
                .collect()
        })
        .collect()
}

/// `qr-pay` with the sandbox's simulated payer: the code's content and its drawing, the wait,
/// the payer, and `final: <no> paid`, exit 0, on every gateway with a merchant-presented code
/// (all at once: each waits about a second for its payer).
#[test]
fn qr_pay_paid_by_the_simulated_payer() {
    let (_server, urls) = serve();
    let runs: Vec<(String, String, String, Child)> = barcode(&urls)
        .map(|(g, url)| {
            let root = root_of(g, url);
            let order = format!("QRP{}{}", g.len(), std::process::id());
            let child = spawn_posgate(&[
                "--sandbox",
                &root,
                "qr-pay",
                "--gateway",
                g,
                "--amount",
                "1280",
                "--order-no",
                &order,
                "--pay-after",
                "1",
            ]);
            (g.clone(), root, order, child)
        })
        .collect();
    assert_eq!(runs.len(), 4);
    for (g, root, order, child) in runs {
        let o = child.wait_with_output().unwrap();
        let out = stdout(&o);
        assert_eq!(last_line(&o), format!("final: {order} paid"), "{g}: {out}\n{}", stderr(&o));
        assert_eq!(o.status.code(), Some(0), "{g}: {o:?}");
        // The gateway's first wallet: WeChat on all four.
        assert!(out.lines().any(|l| l == format!("order: {order} 12.80 yuan wechat")), "{g}: {out}");
        let content = out.lines().find_map(|l| l.strip_prefix("qr: ")).unwrap_or_else(|| panic!("{g}: no qr: {out}"));
        assert!(content.starts_with("weixin://"), "{g}: {content}");
        assert_eq!(drawn_code(&out), expected_drawing(content), "{g}: the drawing is not the code:\n{out}");
        let waiting = format!("waiting for the scan: {order}, the code expires in ");
        assert!(out.lines().any(|l| l.starts_with(&waiting)), "{g}: {out}");
        assert!(out.lines().any(|l| l == format!("payer: paid {order} through the sandbox")), "{g}: {out}");
        assert!(out.contains("poll 1/"), "{g}: {out}");
        assert_eq!(sandbox_order(&root, &g, &order), Some(("paid".into(), 1, 0)), "{g}");
    }
}

/// Nobody scans: at `--expire 5` the order is closed, `final: <no> closed`, exit 1 as a payment
/// that did not pay, and the sandbox's books show nothing charged.
#[test]
fn qr_pay_unpaid_expires_closed() {
    let (_server, urls) = serve();
    // TLinx is left out: see `tlinx_qr_pay_unpaid_expires_closed`.
    let runs: Vec<(String, String, String, Child)> = barcode(&urls)
        .filter(|(g, _)| g != "tlinx")
        .map(|(g, url)| {
            let root = root_of(g, url);
            let order = format!("QRX{}{}", g.len(), std::process::id());
            let child = spawn_posgate(&[
                "--sandbox",
                &root,
                "qr-pay",
                "--gateway",
                g,
                "--amount",
                "660",
                "--order-no",
                &order,
                "--expire",
                "5",
            ]);
            (g.clone(), root, order, child)
        })
        .collect();
    assert_eq!(runs.len(), 3);
    for (g, root, order, child) in runs {
        let o = child.wait_with_output().unwrap();
        let out = stdout(&o);
        assert_eq!(last_line(&o), format!("final: {order} closed"), "{g}: {out}\n{}", stderr(&o));
        assert_eq!(o.status.code(), Some(1), "{g}: {o:?}");
        assert!(out.lines().any(|l| l == format!("closing: {order}")), "{g}: {out}");
        let (state, charges, refunded) = sandbox_order(&root, &g, &order).unwrap();
        assert!(state == "closed" || state == "reversed", "{g}: {state}");
        assert_eq!((charges, refunded), (0, 0), "{g}: nothing charged");
    }
}

/// The same on TLinx, which cannot close a QR order (paycancel is for barcode orders only, 8013):
/// its code is withdrawn at the expiry and the order reads closed after a last query.
#[test]
fn tlinx_qr_pay_unpaid_expires_closed() {
    let (_server, urls) = serve();
    let (g, url) = urls.iter().find(|(g, _)| g == "tlinx").unwrap();
    let root = root_of(g, url);
    let order = format!("QRXT{}", std::process::id());
    let o = posgate(&[
        "--sandbox",
        &root,
        "qr-pay",
        "--gateway",
        g,
        "--amount",
        "660",
        "--order-no",
        &order,
        "--expire",
        "5",
    ]);
    assert_eq!(last_line(&o), format!("final: {order} closed"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(1));
}

/// Bad input is refused before anything is journalled or sent: one line naming the field, exit 2
/// (as `pay`'s bad input).
#[test]
fn qr_pay_bad_input_is_refused_before_sending() {
    let (_server, urls) = serve();
    let (_, url) = urls.iter().find(|(g, _)| g == "chaoying").unwrap();
    let root = root_of("chaoying", url);
    let journal = temp_journal("qr-bad");
    let journal_s = journal.to_str().unwrap();
    let config = journal.with_file_name("merchant.toml");
    std::fs::write(
        &config,
        "gateway = \"tlinx\"\nbase_url = \"http://127.0.0.1:9\"\nallow_http = true\n[credentials]\nopen_id = \"a\"\n\
         open_key = \"0828e83720fdbe3685a7b94214af04f9\"\n",
    )
    .unwrap();
    let config_s = config.to_str().unwrap();
    let cases: &[(&str, &[&str], &str)] = &[
        ("zero", &["--sandbox", &root, "qr-pay", "--gateway", "chaoying", "--amount", "0"], "amount"),
        ("negative", &["--sandbox", &root, "qr-pay", "--gateway", "chaoying", "--amount", "-5"], "amount"),
        ("jd", &["--sandbox", &root, "qr-pay", "--gateway", "chaoying", "--amount", "100", "--wallet", "jd"], "wallet"),
        (
            "paypal",
            &["--sandbox", &root, "qr-pay", "--gateway", "kuaishou", "--amount", "100", "--wallet", "paypal"],
            "wallet",
        ),
        ("sunmi", &["--sandbox", &root, "qr-pay", "--gateway", "sunmi", "--amount", "100"], "gateway"),
        (
            "expire",
            &["--sandbox", &root, "qr-pay", "--gateway", "mmsp", "--amount", "100", "--expire", "3"],
            "expire_seconds",
        ),
        (
            "notify",
            &["--sandbox", &root, "qr-pay", "--gateway", "kuaishou", "--amount", "100", "--notify-url", "ftp://x"],
            "notify_url",
        ),
        ("payer", &["--config", config_s, "qr-pay", "--amount", "100", "--pay-after", "1"], "pay_after"),
    ];
    for (name, args, field) in cases {
        let order = format!("QRBAD{name}{}", std::process::id());
        let mut args = args.to_vec();
        args.extend(["--order-no", &order, "--journal", journal_s]);
        let o = posgate(&args);
        assert_clean_error(&o, &format!("invalid input: {field}: "));
        assert_eq!(o.status.code(), Some(2), "{name}: {o:?}");
        assert!(stdout(&o).is_empty(), "{name}: nothing printed: {o:?}");
        for g in ["chaoying", "kuaishou", "mmsp", "sunmi", "tlinx"] {
            assert_eq!(sandbox_order(&root, g, &order), None, "{name}: sent to {g}");
        }
    }
    let sunmi = posgate(&["--sandbox", &root, "qr-pay", "--gateway", "sunmi", "--amount", "100"]);
    assert_clean_error(&sunmi, "sunmi has no QR payments");
    assert!(stderr(&sunmi).contains("chaoying, kuaishou, mmsp, tlinx have"), "{sunmi:?}");
    let list = posgate(&["journal", "list", "--journal", journal_s]);
    assert!(list.status.success(), "{list:?}");
    assert_eq!(stdout(&list).lines().count(), 1, "only the header: nothing journalled: {}", stdout(&list));
}

/// Ctrl-C while waiting for the scan closes the order, waits for its final state and exits as a
/// payment that did not pay.
#[cfg(unix)]
#[test]
fn qr_pay_ctrl_c_closes_the_order() {
    let (_server, urls) = serve();
    let (g, url) = urls.iter().find(|(g, _)| g == "mmsp").unwrap();
    let root = root_of(g, url);
    let order = format!("QRINT{}", std::process::id());
    let mut child =
        spawn_posgate(&["--sandbox", &root, "qr-pay", "--gateway", g, "--amount", "300", "--order-no", &order]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    loop {
        let line = lines.next().expect("it waits for the scan").unwrap();
        let waiting = line.starts_with("waiting for the scan: ");
        seen.push(line);
        if waiting {
            break;
        }
    }
    let int = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(int.success());
    seen.extend(lines.map(Result::unwrap));
    let status = child.wait().unwrap();
    let out = seen.join("\n");
    assert!(seen.iter().any(|l| l == &format!("interrupted: closing {order}")), "{out}");
    assert!(seen.iter().any(|l| l == &format!("closing: {order}")), "{out}");
    assert_eq!(seen.last().unwrap(), &format!("final: {order} closed"), "{out}");
    assert_eq!(status.code(), Some(1), "{out}");
    assert_eq!(sandbox_order(&root, g, &order), Some(("closed".into(), 0, 0)));
}

/// A QR payment whose process was killed while it waited for the scan: `recover` follows it in
/// the background and waits for it before it exits, printing how it ended: one paid by the payer
/// meanwhile is found paid, one nobody pays is closed at its expiry.
#[test]
fn recover_waits_for_an_open_qr_payment() {
    let (_server, urls) = serve();
    let journal = temp_journal("qr-recover");
    let journal_s = journal.to_str().unwrap();
    let root = root_of("chaoying", &urls.iter().find(|(g, _)| g == "chaoying").unwrap().1);
    let pid = std::process::id();
    // (gateway, order, expiry): paid after the kill, and left to expire.
    let orders = [("chaoying", format!("QRRP{pid}"), "60"), ("kuaishou", format!("QRRX{pid}"), "8")];
    for (g, order, expire) in &orders {
        let mut child = Command::new(env!("CARGO_BIN_EXE_posgate"))
            .args(["--sandbox", &root, "qr-pay", "--gateway", g, "--amount", "450", "--order-no", order])
            .args(["--expire", expire, "--journal", journal_s])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("it waits for the scan").unwrap();
            if line.starts_with("waiting for the scan: ") {
                break;
            }
            assert!(!line.starts_with("final:"), "{g}: ended before the kill: {line}");
        }
        child.kill().unwrap(); // SIGKILL: the order stays open, its journal entry paying
        child.wait().unwrap();
    }
    let list = posgate(&["journal", "list", "--journal", journal_s]);
    for (g, order, _) in &orders {
        let row = stdout(&list).lines().find(|l| l.contains(order.as_str())).map(str::to_string);
        assert!(row.unwrap_or_default().contains(" paying "), "{g}: {}", stdout(&list));
    }
    sandbox_pays(&root, "chaoying", &orders[0].1);

    let started = std::time::Instant::now();
    let rec = posgate(&["--sandbox", &root, "recover", "--journal", journal_s]);
    let out = stdout(&rec);
    assert!(rec.status.success(), "{rec:?}");
    assert!(out.lines().any(|l| l == format!("final: {} paid", orders[0].1)), "{out}");
    assert!(out.lines().any(|l| l == format!("final: {} closed", orders[1].1)), "{out}");
    assert!(out.lines().any(|l| l.starts_with(&format!("waiting for the scan: {}", orders[1].1))), "{out}");
    assert!(out.lines().any(|l| l == format!("closing: {}", orders[1].1)), "{out}");
    // It waited for the code to expire (8 s after it was made) rather than print it open.
    assert!(started.elapsed() >= std::time::Duration::from_secs(3), "{:?}: {out}", started.elapsed());
    assert_eq!(sandbox_order(&root, "chaoying", &orders[0].1), Some(("paid".into(), 1, 0)));
    let (state, charges, _) = sandbox_order(&root, "kuaishou", &orders[1].1).unwrap();
    assert!((state == "reversed" || state == "closed") && charges == 0, "{state} {charges}");

    let list = posgate(&["journal", "list", "--journal", journal_s]);
    let row = |order: &str| stdout(&list).lines().find(|l| l.contains(order)).map(str::to_string).unwrap();
    assert!(row(&orders[0].1).contains(" paid "), "{}", stdout(&list));
    assert!(row(&orders[1].1).contains(" closed "), "{}", stdout(&list));
    let again = posgate(&["--sandbox", &root, "recover", "--journal", journal_s]);
    assert!(again.status.success() && stdout(&again).is_empty(), "{again:?}");
}
