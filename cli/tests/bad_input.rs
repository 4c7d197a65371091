//! The command line's half of the bad-input battery (README "Bad input"): `pay`, `qr-pay`,
//! `refund`, `refund-query`, `query`, `cancel`, `close` and `record-swipe` with bad flags exit 2
//! with one line on stderr naming the field, print nothing on stdout, and send nothing. Most
//! cases run against a sandbox root where nothing listens: anything sent would fail as a network
//! error, not as the invalid input expected. The refunds and cancels the journal refuses run
//! against a served sandbox, whose books and the journal are checked unchanged.

mod common;

use common::{posgate, serve_root as serve};

/// Nothing listens here: a request sent would be a network error.
const DEAD: &str = "http://127.0.0.1:9";
const BARCODE_GATEWAYS: [&str; 4] = ["chaoying", "kuaishou", "tlinx", "mmsp"];
const ALL_GATEWAYS: [&str; 5] = ["chaoying", "kuaishou", "tlinx", "mmsp", "sunmi"];
const CODE: &str = "134567890123450000";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The tally of the cases run and what went wrong.
#[derive(Default)]
struct Battery {
    cases: usize,
    problems: Vec<String>,
}

impl Battery {
    /// One bad command: exit 2, nothing on stdout, one stderr line `error: <kind>: <field>: ...`
    /// naming the field once.
    fn case(&mut self, what: &str, args: &[&str], kind: &str, field: &str) {
        self.cases += 1;
        let o = posgate(args);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        let label = format!("{what} ({})", args.join(" "));
        if o.status.code() != Some(2) {
            self.problems.push(format!("{label}: exit {:?}, expected 2: {err}", o.status.code()));
        }
        if !out.is_empty() {
            self.problems.push(format!("{label}: printed {out:?}"));
        }
        if err.trim_end().lines().count() != 1 || err.contains("panicked") {
            self.problems.push(format!("{label}: one stderr line expected: {err:?}"));
        }
        let expected = format!("error: {kind}: {field}");
        if !err.starts_with(&expected) {
            self.problems.push(format!("{label}: expected {expected:?}: {err:?}"));
        }
        if err.contains(&format!("{field}: {field}")) {
            self.problems.push(format!("{label}: the field twice: {err:?}"));
        }
    }

    fn invalid(&mut self, what: &str, args: &[&str], field: &str) {
        self.case(what, args, "invalid input", field);
    }
}

/// `--sandbox <dead> <command> --gateway <g> <args>`.
fn dead(command: &str, g: &str, rest: &[&str]) -> Vec<String> {
    let mut v = vec!["--sandbox".to_string(), DEAD.into(), command.into(), "--gateway".into(), g.into()];
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The flags each command's cases try, with the field they must name.
fn cases_on_a_dead_sandbox(b: &mut Battery) {
    for g in BARCODE_GATEWAYS {
        let pay = |amount: &str, code: &str, extra: &[&str]| {
            let mut rest = vec!["--amount", amount, "--auth-code", code];
            rest.extend_from_slice(extra);
            dead("pay", g, &rest)
        };
        let not_taken: &[&str] = match g {
            "kuaishou" => &["184567890123450000", "6245678901234500000"],
            "mmsp" => &["184567890123450000", "514567890123450000"],
            "tlinx" => &["914567890123450000", "514567890123450000"],
            _ => &[],
        };
        let mut codes =
            vec!["abc", "", "134567890120000", "1345678901234500000", "994567890123450000", "13-4567890123450000"];
        codes.extend_from_slice(not_taken);
        for code in codes {
            b.invalid(&format!("{g} pay: code {code:?}"), &strs(&pay("100", code, &[])), "auth_code");
        }
        for amount in ["99999999999999999", "2147483648", "0", "-5", "1.50", "abc", "99999999999999999999", ""] {
            b.invalid(&format!("{g} pay: amount {amount:?}"), &strs(&pay(amount, CODE, &[])), "amount");
        }
        b.invalid(&format!("{g} pay: order number"), &strs(&pay("100", CODE, &["--order-no", "PG 1"])), "order_no");
        b.invalid(
            &format!("{g} pay: order number, Chinese"),
            &strs(&pay("100", CODE, &["--order-no", "订单一二三"])),
            "order_no",
        );
        let subject = if g == "tlinx" { "x".repeat(101) } else { " ".into() };
        b.invalid(&format!("{g} pay: subject"), &strs(&pay("100", CODE, &["--subject", &subject])), "subject");

        let qr = |rest: &[&str]| dead("qr-pay", g, rest);
        for amount in ["0", "-1", "2147483648"] {
            b.invalid(&format!("{g} qr-pay: amount {amount}"), &strs(&qr(&["--amount", amount])), "amount");
        }
        if g != "mmsp" {
            b.invalid(&format!("{g} qr-pay: wallet jd"), &strs(&qr(&["--amount", "100", "--wallet", "jd"])), "wallet");
        }
        b.invalid(
            &format!("{g} qr-pay: expire 4"),
            &strs(&qr(&["--amount", "100", "--expire", "4"])),
            "expire_seconds",
        );
        b.invalid(
            &format!("{g} qr-pay: notify url"),
            &strs(&qr(&["--amount", "100", "--notify-url", "ftp://x/n"])),
            "notify_url",
        );
    }
    for g in ALL_GATEWAYS {
        let refund = |rest: &[&str]| dead("refund", g, rest);
        let order = ["--order-no", "PGBAD0001"];
        for amount in ["0", "-1", "abc", "2147483648", "1.5"] {
            let field = if amount == "2147483648" { "refund_amount" } else { "amount" };
            b.invalid(
                &format!("{g} refund: amount {amount}"),
                &strs(&refund(&[&order[..], &["--amount", amount]].concat())),
                field,
            );
        }
        b.invalid(
            &format!("{g} refund: total 0"),
            &strs(&refund(&[&order[..], &["--amount", "1", "--total", "0"]].concat())),
            "total",
        );
        b.invalid(
            &format!("{g} refund: more than the total"),
            &strs(&refund(&[&order[..], &["--amount", "101", "--total", "100"]].concat())),
            "refund_amount",
        );
        b.invalid(
            &format!("{g} refund: order number"),
            &strs(&refund(&["--order-no", "PG 1", "--amount", "1"])),
            "order_no",
        );
        b.invalid(
            &format!("{g} refund: refund number"),
            &strs(&refund(&[&order[..], &["--amount", "1", "--refund-no", "R 1"]].concat())),
            "refund_no",
        );
        b.invalid(
            &format!("{g} refund-query: order number"),
            &strs(&dead("refund-query", g, &["--order-no", "", "--refund-no", "PGR1"])),
            "order_no",
        );
        b.invalid(
            &format!("{g} refund-query: refund number"),
            &strs(&dead("refund-query", g, &["--order-no", "PGBAD0001", "--refund-no", "退款"])),
            "refund_no",
        );
        for no in ["", "PG 1", "PG/1"] {
            b.invalid(&format!("{g} query: {no:?}"), &strs(&dead("query", g, &["--order-no", no])), "order_no");
            b.invalid(&format!("{g} cancel: {no:?}"), &strs(&dead("cancel", g, &["--order-no", no])), "order_no");
        }
        b.invalid(&format!("{g} close: order number"), &strs(&dead("close", g, &["--order-no", "PG%1"])), "order_no");
    }
    let long = "S".repeat(81);
    for (order_id, date, field) in [
        ("", None, "order_id"),
        ("SWIPE 1", None, "order_id"),
        (long.as_str(), None, "order_id"),
        ("SWIPE0001", Some("2026-01-01"), "trade_date"),
        ("SWIPE0001", Some("20261301"), "trade_date"),
    ] {
        let mut rest = vec!["--order-id", order_id];
        rest.extend(date.map(|d| ["--trade-date", d]).iter().flatten());
        b.invalid(
            &format!("sunmi record-swipe: {field} {order_id:?} {date:?}"),
            &strs(&dead("record-swipe", "sunmi", &rest)),
            field,
        );
    }
}

/// A merchant configuration missing a key: one line naming it, exit 2, nothing sent.
fn configurations(b: &mut Battery, dir: &std::path::Path) {
    let files = [
        ("chaoying", "mch_id", "[credentials]\nmch_id = \"\"\npid = \"p\"\nkey = \"k\"\n"),
        ("chaoying", "key", "[credentials]\nmch_id = \"m1\"\npid = \"p\"\nkey = \"\"\n"),
        ("tlinx", "open_key", "[credentials]\nopen_id = \"o\"\nopen_key = \"short\"\n"),
        ("tlinx", "open_id", "[credentials]\nopen_id = \"\"\nopen_key = \"0828e83720fdbe3685a7b94214af04f9\"\n"),
        ("kuaishou", "key", "[credentials]\nbusi_code = \"0010000001\"\nkey = \"\"\n"),
        ("mmsp", "merno", "[credentials]\nmerno = \"\"\ntermno = \"t\"\nkey = \"k\"\n"),
        ("sunmi", "app_id", "[credentials]\napp_id = \"\"\napp_key = \"k\"\n"),
    ];
    for (i, (g, key, creds)) in files.iter().enumerate() {
        let path = dir.join(format!("merchant{i}.toml"));
        std::fs::write(&path, format!("gateway = \"{g}\"\nbase_url = \"https://127.0.0.1:9\"\n{creds}")).unwrap();
        let p = path.to_str().unwrap();
        b.cases += 1;
        let o = posgate(&["--config", p, "query", "--order-no", "PGBAD0001"]);
        let err = text(&o.stderr);
        if o.status.code() != Some(2) || err.trim_end().lines().count() != 1 || !err.contains(key) {
            b.problems.push(format!("{g} configuration {key}: {o:?}"));
        }
    }
    let path = dir.join("http.toml");
    std::fs::write(
        &path,
        "gateway = \"tlinx\"\nbase_url = \"http://127.0.0.1:9\"\n[credentials]\nopen_id = \"o\"\n\
         open_key = \"0828e83720fdbe3685a7b94214af04f9\"\n",
    )
    .unwrap();
    b.case(
        "plain http without allow_http",
        &["--config", path.to_str().unwrap(), "query", "--order-no", "PGBAD0001"],
        "configuration error",
        "base_url",
    );
}

/// `GET /_sandbox/orders` of the served sandbox.
fn books(root: &str) -> String {
    use std::io::{Read, Write};
    let host = root.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET /_sandbox/orders HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

/// The refunds and cancels the journal refuses, against a served sandbox: a paid order of 4.00
/// with 1.00 refunded.
fn cases_the_journal_refuses(b: &mut Battery, dir: &std::path::Path) {
    let (_server, root) = serve();
    for g in BARCODE_GATEWAYS {
        let journal = dir.join(format!("{g}.db"));
        let j = journal.to_str().unwrap();
        let no = format!("PGBADJ{}{}", g.len(), std::process::id());
        let pay = posgate(&[
            "--sandbox",
            &root,
            "pay",
            "--gateway",
            g,
            "--amount",
            "400",
            "--auth-code",
            CODE,
            "--order-no",
            &no,
            "--journal",
            j,
        ]);
        assert_eq!(pay.status.code(), Some(0), "{g}: {pay:?}");
        let refund = posgate(&[
            "--sandbox",
            &root,
            "refund",
            "--gateway",
            g,
            "--order-no",
            &no,
            "--amount",
            "100",
            "--journal",
            j,
        ]);
        assert_eq!(refund.status.code(), Some(0), "{g}: {refund:?}");
        let (before, listed) = (books(&root), text(&posgate(&["journal", "list", "--journal", j]).stdout));
        let live = |cmd: &str, rest: &[&str]| {
            let mut v =
                vec!["--sandbox", root.as_str(), cmd, "--gateway", g, "--order-no", no.as_str(), "--journal", j];
            v.extend_from_slice(rest);
            v.into_iter().map(str::to_string).collect::<Vec<_>>()
        };
        b.invalid(
            &format!("{g} refund: more than is left"),
            &strs(&live("refund", &["--amount", "301"])),
            "refund_amount",
        );
        b.invalid(
            &format!("{g} refund: more than the order"),
            &strs(&live("refund", &["--amount", "401"])),
            "refund_amount",
        );
        b.invalid(&format!("{g} cancel: partly refunded"), &strs(&live("cancel", &[])), "order_no");
        assert_eq!(books(&root), before, "{g}: the sandbox's books changed");
        assert_eq!(text(&posgate(&["journal", "list", "--journal", j]).stdout), listed, "{g}: the journal changed");
    }
}

#[test]
fn bad_flags_exit_2_with_one_line_naming_the_field_and_send_nothing() {
    let dir = std::env::temp_dir().join(format!("posgate-cli-bad-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut b = Battery::default();
    cases_on_a_dead_sandbox(&mut b);
    configurations(&mut b, &dir);
    cases_the_journal_refuses(&mut b, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    println!("bad input battery (CLI): {} cases", b.cases);
    assert!(b.problems.is_empty(), "{} problems in {} cases:\n{}", b.problems.len(), b.cases, b.problems.join("\n"));
    assert!(b.cases >= 100, "the CLI half of the battery has {} cases", b.cases);
}
