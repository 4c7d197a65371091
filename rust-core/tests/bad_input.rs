//! The battery of bad input (README "Bad input"): on every gateway, through the engine and the
//! sandbox, each case must be refused with a typed error naming the field (`InvalidInput`; for a
//! configuration, `Configuration` naming the key) before anything is sent or journalled: the
//! sandbox sees no request during the case and the journal gains no entry. No message names its
//! field twice (`amount: amount: ...`). The battery counts its cases and prints the count (the CLI
//! and Kotlin halves are in cli/tests/bad_input.rs and kotlin-sample's BadInputTest.kt).

mod kit;

use std::future::Future;
use std::sync::Arc;

use kit::*;
use posgate_core::engine::Engine;
use posgate_core::qr::{QrPaymentRequest, Wallet};
use posgate_core::rules::max_amount;
use posgate_core::{Credentials, Error, GatewayConfig, GatewayId, Money, RawFields, RefundRequest, Secret, TradeState};
use posgate_sandbox::Sandbox;
use serde_json::{json, Value};

/// More than any gateway takes in one payment.
fn over_cap(g: GatewayId) -> Money {
    Money::from_fen(max_amount(g).fen() as i64 + 1, "amount").unwrap()
}

/// Codes no wallet issues, each with what is wrong with it.
const NO_WALLETS_CODES: &[(&str, &str)] = &[
    ("letters", "abc"),
    ("empty", ""),
    ("blank", "   "),
    ("WeChat prefix, 17 digits", "13456789012345000"),
    ("WeChat prefix, 19 digits", "1345678901234500000"),
    ("WeChat prefix, 15 digits (the old fixtures)", "134567890120000"),
    ("prefix 99", "994567890123450000"),
    ("prefix 16", "164567890123450000"),
    ("Alipay prefix, 15 digits", "284567890123450"),
    ("Alipay prefix, 25 digits", "2845678901234567890123456"),
    ("UnionPay prefix, 18 digits", "624567890123450000"),
    ("a dash", "13456789-123450000"),
    ("a space", "134567890 23450000"),
    ("a letter at the end", "13456789012345000A"),
    ("full-width digits", "１３４５６７８９０１２３４５００００"),
    ("65 digits", "13456789012345678901234567890123456789012345678901234567890123456"),
    ("the seed's example", "123123123"),
];

/// Codes of wallets a gateway has no barcode payment for.
fn codes_not_taken(g: GatewayId) -> &'static [(&'static str, &'static str)] {
    const QQ: (&str, &str) = ("QQ Wallet", "914567890123450000");
    const JD: (&str, &str) = ("JD Pay", "184567890123450000");
    const UNIONPAY: (&str, &str) = ("UnionPay", "6245678901234500000");
    const BESTPAY: (&str, &str) = ("Bestpay", "514567890123450000");
    match g {
        GatewayId::Kuaishou => &[JD, UNIONPAY],
        GatewayId::Mmsp => &[JD, UNIONPAY, BESTPAY],
        // The sandbox's TLinx configuration has no pmt_tag_unionpay.
        GatewayId::Tlinx => &[QQ, JD, BESTPAY, UNIONPAY],
        _ => &[],
    }
}

/// One gateway on a sandbox of its own that counts what reaches it, with an engine on an
/// in-memory journal; and the tally of the cases run on it.
struct Bench {
    g: GatewayId,
    sb: Sandbox,
    seen: Arc<Requests>,
    engine: Arc<Engine>,
    cases: usize,
    problems: Vec<String>,
}

impl Bench {
    async fn new(g: GatewayId) -> Bench {
        let sb = Sandbox::start().await.unwrap();
        let seen = Requests::install(&sb);
        let engine = engine(client_with(&sb, g, schedule(3000, 200)));
        Bench { g, sb, seen, engine, cases: 0, problems: Vec::new() }
    }

    fn entries(&self) -> usize {
        self.engine.journal().list().unwrap().len()
    }

    /// One bad input: `run` must be refused with `InvalidInput` naming `field`, sending nothing
    /// and journalling nothing.
    async fn case<T, F: Future<Output = Result<T, Error>>>(&mut self, what: &str, field: &str, run: F) {
        let (sent, entries) = (self.seen.total(), self.entries());
        let r = run.await;
        self.cases += 1;
        let label = format!("{} {what}", self.g);
        match r {
            Err(e @ Error::InvalidInput { .. }) => {
                let Error::InvalidInput { field: named, .. } = &e else { unreachable!() };
                if named != field {
                    self.problems.push(format!("{label}: names {named:?}, not {field:?}: {e}"));
                }
                check_message(&mut self.problems, &label, named, &e.to_string());
            }
            Err(e) => self.problems.push(format!("{label}: expected InvalidInput({field}), got {e:?}")),
            Ok(_) => self.problems.push(format!("{label}: accepted, expected InvalidInput({field})")),
        }
        if self.seen.total() != sent {
            self.problems.push(format!("{label}: sent {} request(s)", self.seen.total() - sent));
        }
        if self.entries() != entries {
            self.problems.push(format!("{label}: journalled {} entr(ies)", self.entries() - entries));
        }
    }

    /// A paid order of `amount` fen in the journal (sent: set-up, not a case).
    async fn paid(&self, prefix: &str, amount: i64) -> String {
        let no = new_no(prefix);
        let r = match self.g {
            GatewayId::Sunmi => {
                let (op, params, _) = preorder(self.g, &no, amount, &format!("{}/_sandbox/notify", self.sb.root_url()));
                self.engine.invoke(op, params).await.unwrap();
                self.sb.pay_preorder(self.g, &no).await.unwrap();
                self.engine.follow_preorder(&no, None).await.unwrap()
            }
            _ => self.engine.pay(pay_request("bad input", &no, "0000", amount), None).await.unwrap(),
        };
        assert_eq!(r.state, TradeState::Paid, "{}: {r:?}", self.g);
        no
    }

    fn finish(self, total: &mut usize, problems: &mut Vec<String>) {
        *total += self.cases;
        problems.extend(self.problems);
    }
}

/// A message names its field once: `invalid input: amount: must be ...`, never
/// `amount: amount: ...`.
fn check_message(problems: &mut Vec<String>, label: &str, field: &str, message: &str) {
    if message.contains(&format!("{field}: {field}")) {
        problems.push(format!("{label}: the field twice: {message}"));
    }
    if !message.contains(field) {
        problems.push(format!("{label}: the field is not named: {message}"));
    }
}

fn refund(order_no: &str, refund_no: &str, amount: Money, total: Option<Money>) -> RefundRequest {
    RefundRequest {
        order_no: order_no.into(),
        refund_no: refund_no.into(),
        refund_amount: amount,
        total_amount: total,
        reason: None,
    }
}

fn qr(g: GatewayId, amount: Money) -> QrPaymentRequest {
    QrPaymentRequest {
        order_no: new_no("BQ"),
        amount,
        subject: "bad input".into(),
        wallet: Some(Wallet::Wechat),
        expire_seconds: None,
        notify_url: (g == GatewayId::Mmsp).then(|| "https://merchant.example/notify".to_string()),
        terminal_id: None,
        store_id: None,
    }
}

/// The field each gateway's barcode charge by name names for its code and its amount.
fn charge_fields(g: GatewayId) -> (&'static str, &'static str, &'static str) {
    match g {
        GatewayId::Chaoying => ("auth_code", "auth_code", "total_fee"),
        GatewayId::Tlinx => ("auth_code", "auth_code", "original_amount"),
        GatewayId::Kuaishou => ("dynamic_id", "dynamic_id", "amount"),
        GatewayId::Mmsp => ("code", "code", "amount"),
        GatewayId::Sunmi => ("", "", "totalAmount"),
    }
}

/// The amount members of a charge or pre-order by name.
fn set_amount(g: GatewayId, params: &mut Value, fen: u64) {
    match g {
        GatewayId::Chaoying => params["total_fee"] = json!(fen),
        GatewayId::Tlinx => {
            params["original_amount"] = json!(fen);
            params["trade_amount"] = json!(fen);
        }
        GatewayId::Sunmi => params["totalAmount"] = json!(fen),
        GatewayId::Kuaishou | GatewayId::Mmsp => params["amount"] = json!(fen),
    }
}

/// The barcode payments: the code, the amount, the order number, the subject.
async fn barcode_payments(b: &mut Bench) {
    let g = b.g;
    let base = pay_request("bad input", "PLACEHOLDER", "0000", 100);
    let engine = b.engine.clone();
    let pay = |f: &dyn Fn(&mut posgate_core::PayRequest)| {
        let mut req = base.clone();
        req.order_no = new_no("BP");
        f(&mut req);
        let engine = engine.clone();
        async move { engine.start_payment(req, None).map(|h| h.order_no) }
    };
    for (what, code) in NO_WALLETS_CODES {
        b.case(&format!("pay: auth_code {what}"), "auth_code", pay(&|r| r.auth_code = code.to_string())).await;
    }
    for (what, code) in codes_not_taken(g) {
        b.case(&format!("pay: a {what} code"), "auth_code", pay(&|r| r.auth_code = code.to_string())).await;
    }
    b.case("pay: amount 0", "amount", pay(&|r| r.amount = Money::ZERO)).await;
    b.case("pay: amount over the cap", "amount", pay(&|r| r.amount = over_cap(g))).await;
    let huge = Money::from_fen(99_999_999_999_999_999, "amount").unwrap();
    b.case("pay: amount 99999999999999999", "amount", pay(&|r| r.amount = huge)).await;
    let max = Money::from_fen(i64::MAX, "amount").unwrap();
    b.case("pay: amount i64::MAX", "amount", pay(&|r| r.amount = max)).await;
    b.case("pay: order_no empty", "order_no", pay(&|r| r.order_no = String::new())).await;
    b.case("pay: order_no with a space", "order_no", pay(&|r| r.order_no = "PG 1".into())).await;
    b.case("pay: order_no in Chinese", "order_no", pay(&|r| r.order_no = "订单一二三四五".into())).await;
    b.case("pay: order_no of 65 characters", "order_no", pay(&|r| r.order_no = "P".repeat(65))).await;
    b.case("pay: order_no with a slash", "order_no", pay(&|r| r.order_no = "PG/../1".into())).await;
    let subject = if g == GatewayId::Tlinx { "x".repeat(101) } else { " ".to_string() };
    b.case("pay: subject", "subject", pay(&|r| r.subject = subject.clone())).await;
}

/// The gateway's own barcode charge and pre-order by name (typed requests read from JSON).
async fn typed_charges(b: &mut Bench) {
    let g = b.g;
    let (code_field, _, amount_field) = charge_fields(g);
    let engine = b.engine.clone();
    let invoke = |op: &'static str, params: Value| {
        let engine = engine.clone();
        async move { engine.invoke(op, params).await }
    };
    if g != GatewayId::Sunmi {
        let (op, params) = barcode_charge(g, &new_no("BC"), "0000", 100, "bad input");
        let code_key = if g == GatewayId::Kuaishou {
            "dynamic_id"
        } else if g == GatewayId::Mmsp {
            "code"
        } else {
            "auth_code"
        };
        for (what, code) in [("letters", "abc"), ("15 digits", "134567890120000"), ("prefix 99", "994567890123450000")]
        {
            let mut p = params.clone();
            p["out_trade_no"] = p.get("out_trade_no").map(|_| json!(new_no("BC"))).unwrap_or(Value::Null);
            p[code_key] = json!(code);
            strip_nulls(&mut p);
            b.case(&format!("{op}: {code_key} {what}"), code_field, invoke(op, p)).await;
        }
        for (what, fen) in [("0", 0), ("over the cap", max_amount(g).fen() + 1)] {
            let mut p = params.clone();
            set_amount(g, &mut p, fen);
            b.case(&format!("{op}: amount {what}"), amount_field, invoke(op, p)).await;
        }
        let mut p = params.clone();
        set_amount(g, &mut p, 0);
        p[code_key] = json!(-1);
        b.case(&format!("{op}: malformed params"), &format!("{op}.params"), invoke(op, p)).await;
    }
    let (op, params, _) = preorder(g, &new_no("BO"), 100, "https://merchant.example/notify");
    let pre_field = if g == GatewayId::Tlinx { "original_amount" } else { amount_field };
    for (what, fen) in [("0", 0), ("over the cap", max_amount(g).fen() + 1)] {
        let mut p = params.clone();
        set_amount(g, &mut p, fen);
        b.case(&format!("{op}: amount {what}"), pre_field, invoke(op, p)).await;
    }
    let mut p = params.clone();
    set_amount(g, &mut p, 1);
    p.as_object_mut().unwrap().insert("no_such_member".into(), json!(1));
    if matches!(g, GatewayId::Chaoying | GatewayId::Mmsp) {
        // Their requests refuse members they do not name; Kuaishou's, TLinx's and Sunmi's keep
        // them (into `extra`).
        b.case(&format!("{op}: an unknown member"), &format!("{op}.params"), invoke(op, p)).await;
    }
}

fn strip_nulls(v: &mut Value) {
    if let Some(m) = v.as_object_mut() {
        m.retain(|_, v| !v.is_null());
    }
}

/// QR payments (the payer scans the merchant's code).
async fn qr_payments(b: &mut Bench) {
    let g = b.g;
    if g == GatewayId::Sunmi {
        return;
    }
    let engine = b.engine.clone();
    let start = |f: &dyn Fn(&mut QrPaymentRequest)| {
        let mut req = qr(g, Money::from_fen(100, "amount").unwrap());
        f(&mut req);
        let engine = engine.clone();
        async move { engine.start_qr_payment(req, None).await.map(|q| q.code) }
    };
    b.case("qr: amount 0", "amount", start(&|r| r.amount = Money::ZERO)).await;
    b.case("qr: amount over the cap", "amount", start(&|r| r.amount = over_cap(g))).await;
    b.case("qr: subject empty", "subject", start(&|r| r.subject = String::new())).await;
    b.case("qr: no wallet (no aggregated code)", "wallet", start(&|r| r.wallet = None)).await;
    if g != GatewayId::Mmsp {
        b.case("qr: a JD code", "wallet", start(&|r| r.wallet = Some(Wallet::Jd))).await;
    }
    b.case("qr: expire_seconds 4", "expire_seconds", start(&|r| r.expire_seconds = Some(4))).await;
    b.case("qr: expire_seconds 7201", "expire_seconds", start(&|r| r.expire_seconds = Some(7201))).await;
    b.case("qr: notify_url ftp", "notify_url", start(&|r| r.notify_url = Some("ftp://x/notify".into()))).await;
    b.case("qr: notify_url not a URL", "notify_url", start(&|r| r.notify_url = Some("notify me".into()))).await;
    b.case("qr: order_no empty", "order_no", start(&|r| r.order_no = String::new())).await;
    b.case("qr: order_no with a space", "order_no", start(&|r| r.order_no = "QR 1".into())).await;
    if g == GatewayId::Mmsp {
        b.case("qr: no notify_url", "notify_url", start(&|r| r.notify_url = None)).await;
    }
}

/// Refunds, refund queries, queries, cancels and closes with bad numbers and amounts, and the
/// refunds and cancels the journal refuses.
async fn orders(b: &mut Bench) {
    let g = b.g;
    let one = Money::from_fen(1, "amount").unwrap();
    let e = b.engine.clone();
    let numbers = e.gateway().numbers();
    let too_long = "P".repeat(numbers.order.max_len.max(numbers.refund.max_len) + 1);
    b.case("refund: refund_amount 0", "refund_amount", async {
        e.refund(&refund("PGBAD1", "PGR1", Money::ZERO, None)).await
    })
    .await;
    b.case("refund: refund_amount over the cap", "refund_amount", async {
        e.refund(&refund("PGBAD1", "PGR1", over_cap(g), None)).await
    })
    .await;
    b.case("refund: total_amount 0", "total_amount", async {
        e.refund(&refund("PGBAD1", "PGR1", one, Some(Money::ZERO))).await
    })
    .await;
    b.case("refund: total_amount over the cap", "total_amount", async {
        e.refund(&refund("PGBAD1", "PGR1", one, Some(over_cap(g)))).await
    })
    .await;
    b.case("refund: more than the total", "refund_amount", async {
        e.refund(&refund("PGBAD1", "PGR1", fen(101), Some(fen(100)))).await
    })
    .await;
    b.case("refund: order_no empty", "order_no", async { e.refund(&refund("", "PGR1", one, None)).await }).await;
    b.case("refund: order_no with a space", "order_no", async {
        e.refund(&refund("PG BAD1", "PGR1", one, None)).await
    })
    .await;
    b.case("refund: refund_no empty", "refund_no", async { e.refund(&refund("PGBAD1", "", one, None)).await }).await;
    b.case("refund: refund_no in Chinese", "refund_no", async {
        e.refund(&refund("PGBAD1", "退款一", one, None)).await
    })
    .await;
    b.case("refund: refund_no too long", "refund_no", async {
        e.refund(&refund("PGBAD1", &too_long, one, None)).await
    })
    .await;

    b.case("refund query: order_no empty", "order_no", async { e.refund_query("", "PGR1").await }).await;
    b.case("refund query: refund_no empty", "refund_no", async { e.refund_query("PGBAD1", "").await }).await;
    b.case("refund query: refund_no with a quote", "refund_no", async { e.refund_query("PGBAD1", "R'1").await }).await;

    b.case("query: order_no empty", "order_no", async { e.query("").await }).await;
    b.case("query: order_no with a space", "order_no", async { e.query("A 1").await }).await;
    b.case("query: order_no too long", "order_no", async { e.query(&too_long).await }).await;
    b.case("query: order_no with a newline", "order_no", async { e.query("A1\nA2").await }).await;

    b.case("cancel: order_no empty", "order_no", async { e.cancel("").await }).await;
    b.case("cancel: order_no with a space", "order_no", async { e.cancel("A 1").await }).await;
    b.case("close: order_no empty", "order_no", async { e.close("").await }).await;
    b.case("close: order_no with a percent", "order_no", async { e.close("A%1").await }).await;

    // What the journal knows is left of a paid order.
    let paid = b.paid("BR", 400).await;
    b.case("refund: more than the order", "refund_amount", async {
        e.refund(&refund(&paid, &new_no("R"), fen(401), None)).await
    })
    .await;
    let first = new_no("R");
    e.refund(&refund(&paid, &first, fen(100), None)).await.unwrap();
    b.case("refund: more than is left", "refund_amount", async {
        e.refund(&refund(&paid, &new_no("R"), fen(301), None)).await
    })
    .await;
    b.case("refund: a used refund_no, another amount", "refund_no", async {
        e.refund(&refund(&paid, &first, fen(200), None)).await
    })
    .await;
    if g != GatewayId::Sunmi {
        b.case("cancel: a partly refunded order", "order_no", async { e.cancel(&paid).await }).await;
    }
    e.refund(&refund(&paid, &new_no("R"), fen(300), None)).await.unwrap();
    b.case("refund: nothing left", "refund_amount", async {
        e.refund(&refund(&paid, &new_no("R"), fen(1), None)).await
    })
    .await;
    if g != GatewayId::Sunmi {
        b.case("cancel: a refunded order", "order_no", async { e.cancel(&paid).await }).await;
    }
    // A retry of the first refund is no new refund: not refused as more than is left.
    let again = e.refund(&refund(&paid, &first, fen(100), None)).await;
    assert!(again.is_ok(), "{g}: a retry of a refund: {again:?}");

    // The same through the gateway's own typed refund and cancel, by name.
    let paid = b.paid("BT", 400).await;
    e.refund(&refund(&paid, &new_no("R"), fen(100), None)).await.unwrap();
    let (op, params, field) = typed_refund(g, &paid, &new_no("R"), 301);
    b.case(&format!("{op}: more than is left"), field, async { e.invoke(op, params).await }).await;
    if let Some((op, params)) = typed_cancel(g, &paid) {
        b.case(&format!("{op}: a partly refunded order"), "order_no", async { e.invoke(op, params).await }).await;
    }
}

/// Each gateway's refund by name of `fen` from order `no` (total 400), and the field its cap
/// names.
fn typed_refund(g: GatewayId, no: &str, rno: &str, fen: u64) -> (&'static str, Value, &'static str) {
    match g {
        GatewayId::Chaoying => (
            "trade_refund",
            json!({"paytype": "WECHAT", "out_trade_no": no, "out_refund_no": rno, "total_fee": 400, "refund_fee": fen}),
            "refund_amount",
        ),
        GatewayId::Tlinx => (
            "payrefund",
            json!({"out_no": no, "refund_out_no": rno, "refund_amount": fen, "shop_pass": "123456"}),
            "refund_amount",
        ),
        GatewayId::Kuaishou => (
            "trade_refund",
            json!({"charge_code": no, "out_refund_no": rno, "refund_amount": fen, "subject": "x"}),
            "refund_amount",
        ),
        GatewayId::Mmsp => {
            ("scan_refund", json!({"mer_order_id": no, "refund_no": rno, "amount": fen}), "refund_amount")
        }
        GatewayId::Sunmi => (
            "trade_refund",
            json!({"oriOrderId": no, "orderId": rno, "businessId": rno, "amount": fen}),
            "refund_amount",
        ),
    }
}

fn typed_cancel(g: GatewayId, no: &str) -> Option<(&'static str, Value)> {
    match g {
        GatewayId::Chaoying => Some(("trade_cancel", json!({"paytype": "WECHAT", "out_trade_no": no}))),
        GatewayId::Kuaishou => Some(("cancel_trade", json!({"charge_code": no}))),
        GatewayId::Mmsp => Some(("scan_cancel", json!({"mer_order_id": no}))),
        _ => None,
    }
}

/// Relayed notifications (the app passes them in): validly signed, a member missing or wrong.
async fn notifications(b: &mut Bench) {
    let g = b.g;
    let cfg = config(&b.sb, g);
    let e = b.engine.clone();
    let fields =
        |pairs: &[(&str, &str)]| -> RawFields { pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
    match (g, &cfg.credentials) {
        (GatewayId::Chaoying, Credentials::Chaoying(c)) => {
            let key = c.key.expose().to_string();
            let signed = |mut f: RawFields| {
                let s = posgate_core::chaoying::protocol::sign(&f, &key);
                f.insert("sign".into(), s);
                f
            };
            let paid = b.paid("BN", 100).await;
            let base = [("state", "SUCCESS"), ("result_code", "SUCCESS"), ("pay_result", "0"), ("total_fee", "100")];
            let no_order = signed(fields(&base));
            b.case("notification: no out_trade_no", "out_trade_no", async { e.check_notification(&no_order) }).await;
            let mut f = fields(&base);
            f.insert("out_trade_no".into(), "NOTINTHEJOURNAL1".into());
            let unknown = signed(f);
            b.case("notification: an order not in the journal", "order_no", async { e.check_notification(&unknown) })
                .await;
            let mut f = fields(&base);
            f.insert("out_trade_no".into(), paid.clone());
            f.insert("total_fee".into(), "101".into());
            let other = signed(f);
            b.case("notification: another amount", "amount", async { e.check_notification(&other) }).await;
            let mut f = fields(&base);
            f.insert("out_trade_no".into(), paid.clone());
            f.insert("total_fee".into(), "1.00".into());
            let yuan = signed(f);
            b.case("notification: total_fee in yuan", "total_fee", async { e.check_notification(&yuan) }).await;
            let mut f = fields(&base);
            f.insert("out_trade_no".into(), paid);
            f.insert("mch_id".into(), "99999999".into());
            let other_merchant = signed(f);
            b.case("notification: another merchant", "mch_id", async { e.check_notification(&other_merchant) }).await;
        }
        (GatewayId::Tlinx, Credentials::Tlinx(c)) => {
            let key = c.open_key.expose().to_string();
            let signed = |mut f: RawFields| {
                let s = posgate_core::tlinx::protocol::sign(&f, &key);
                f.insert("sign".into(), s);
                f
            };
            let base = [("ord_no", "9100"), ("rand_str", "abc"), ("status", "1"), ("timestamp", "1499999999")];
            let no_order = signed(fields(&base));
            b.case("notification: no out_no", "out_no", async { e.check_notification(&no_order) }).await;
            let mut f = fields(&base);
            f.insert("out_no".into(), "NOTINTHEJOURNAL1".into());
            let unknown = signed(f);
            b.case("notification: an order not in the journal", "order_no", async { e.check_notification(&unknown) })
                .await;
        }
        (GatewayId::Kuaishou, Credentials::Kuaishou(c)) => {
            let key = c.key.expose().to_string();
            let signed = |body: &str| {
                fields(&[("sign", &posgate_core::kuaishou::protocol::sign("1700000000", &key, body)), ("body", body)])
            };
            let aes = fields(&[("encrypt", "AES"), ("sign", "x:1"), ("body", "{}")]);
            b.case("notification: encrypt AES", "encrypt", async { e.check_notification(&aes) }).await;
            let yaml = fields(&[("_type", "yaml"), ("sign", "x:1"), ("body", "{}")]);
            b.case("notification: _type yaml", "_type", async { e.check_notification(&yaml) }).await;
            let no_body = fields(&[("sign", "0123456789abcdef0123456789abcdef:1")]);
            b.case("notification: no body", "body", async { e.check_notification(&no_body) }).await;
            let no_root = signed(r#"{"OTHER":{}}"#);
            b.case("notification: no PAY_NODIFY", "body", async { e.check_notification(&no_root) }).await;
            let other = signed(r#"{"PAY_NODIFY":{"BUSI_ID":"9999999999","CHARGE_CODE":"PGBAD1","STATE":1,"AMT":1}}"#);
            b.case("notification: another merchant", "BUSI_ID", async { e.check_notification(&other) }).await;
            let unknown = signed(&format!(
                r#"{{"PAY_NODIFY":{{"BUSI_ID":"{}","CHARGE_CODE":"NOTINTHEJOURNAL1","STATE":1,"AMT":1}}}}"#,
                c.busi_code
            ));
            b.case("notification: an order not in the journal", "order_no", async { e.check_notification(&unknown) })
                .await;
        }
        _ => {}
    }
}

/// Configurations and credentials: each refused naming the key, before anything is sent.
fn configurations(g: GatewayId, sb: &Sandbox, cases: &mut usize, problems: &mut Vec<String>) {
    let base = config(sb, g);
    let mut variants: Vec<(&str, GatewayConfig)> = Vec::new();
    let with = |f: &dyn Fn(&mut Credentials)| {
        let mut c = base.clone();
        f(&mut c.credentials);
        c
    };
    match g {
        GatewayId::Chaoying => {
            variants.push((
                "key",
                with(&|c| {
                    if let Credentials::Chaoying(c) = c {
                        c.key = Secret::new("")
                    }
                }),
            ));
            variants.push((
                "mch_id",
                with(&|c| {
                    if let Credentials::Chaoying(c) = c {
                        c.mch_id = " ".into()
                    }
                }),
            ));
            variants.push((
                "pid",
                with(&|c| {
                    if let Credentials::Chaoying(c) = c {
                        c.pid = "".into()
                    }
                }),
            ));
        }
        GatewayId::Tlinx => {
            variants.push((
                "open_id",
                with(&|c| {
                    if let Credentials::Tlinx(c) = c {
                        c.open_id = "".into()
                    }
                }),
            ));
            variants.push((
                "open_key",
                with(&|c| {
                    if let Credentials::Tlinx(c) = c {
                        c.open_key = Secret::new("short")
                    }
                }),
            ));
        }
        GatewayId::Kuaishou => {
            variants.push((
                "key",
                with(&|c| {
                    if let Credentials::Kuaishou(c) = c {
                        c.key = Secret::new("")
                    }
                }),
            ));
            variants.push((
                "busi_code",
                with(&|c| {
                    if let Credentials::Kuaishou(c) = c {
                        c.busi_code = "00 1".into()
                    }
                }),
            ));
        }
        GatewayId::Mmsp => {
            variants.push((
                "key",
                with(&|c| {
                    if let Credentials::Mmsp(c) = c {
                        c.key = Secret::new("")
                    }
                }),
            ));
            variants.push((
                "merno",
                with(&|c| {
                    if let Credentials::Mmsp(c) = c {
                        c.merno = "".into()
                    }
                }),
            ));
            variants.push((
                "termno",
                with(&|c| {
                    if let Credentials::Mmsp(c) = c {
                        c.termno = "".into()
                    }
                }),
            ));
        }
        GatewayId::Sunmi => {
            variants.push((
                "app_id",
                with(&|c| {
                    if let Credentials::Sunmi(c) = c {
                        c.app_id = "".into()
                    }
                }),
            ));
            variants.push((
                "app_key",
                with(&|c| {
                    if let Credentials::Sunmi(c) = c {
                        c.app_key = Secret::new("")
                    }
                }),
            ));
        }
    }
    let mut insecure = base.clone();
    insecure.allow_http = false;
    variants.push(("base_url", insecure));
    let mut bad_url = base.clone();
    bad_url.base_url = "not a url".into();
    variants.push(("base_url", bad_url));
    let mut ftp = base.clone();
    ftp.base_url = "ftp://127.0.0.1/gateway".into();
    variants.push(("base_url", ftp));
    for (key, cfg) in variants {
        *cases += 1;
        let label = format!("{g} configuration: {key}");
        let r = posgate_core::connect(cfg).map(|gw| gw.id());
        match r {
            Err(Error::Configuration { detail }) if detail.contains(key) => {
                check_message(problems, &label, key, &detail);
            }
            // A configuration the client takes is refused at its first request, before sending.
            other => problems.push(format!("{label}: expected Configuration naming {key:?}, got {other:?}")),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_is_refused_naming_the_field_before_anything_is_sent() {
    // The repetition check itself catches what it is there for.
    let mut caught = Vec::new();
    check_message(&mut caught, "self-test", "amount", "invalid input: amount: amount: must not be negative");
    assert_eq!(caught.len(), 1, "{caught:?}");
    let mut total = 0;
    let mut problems = Vec::new();
    let mut per_gateway = Vec::new();
    for &g in posgate_sandbox::SIMULATED {
        let mut b = Bench::new(g).await;
        if g != GatewayId::Sunmi {
            barcode_payments(&mut b).await;
        }
        typed_charges(&mut b).await;
        qr_payments(&mut b).await;
        orders(&mut b).await;
        notifications(&mut b).await;
        let mut cases = b.cases;
        configurations(g, &b.sb, &mut cases, &mut b.problems);
        per_gateway.push(format!("{g} {cases}"));
        b.cases = cases;
        b.finish(&mut total, &mut problems);
    }
    println!("bad input battery (Rust): {total} cases ({})", per_gateway.join(", "));
    assert!(problems.is_empty(), "{} problems in {total} cases:\n{}", problems.len(), problems.join("\n"));
    assert!(total >= 150, "the Rust half of the battery has {total} cases");
}

/// A payment code no wallet issues never reaches a simulator's books, even when sent past the
/// client's checks (the simulators refuse such codes as the gateways do, each in its own codes):
/// both sides use the same rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulators_refuse_codes_no_wallet_issues() {
    use posgate_core::client::Calls;
    use posgate_core::{chaoying, kuaishou, mmsp, tlinx};

    async fn unchecked<O: posgate_core::Operation>(c: &impl Calls<O>, params: Value) -> Result<O::Answer, Error> {
        let req: O = serde_json::from_value(params).unwrap();
        c.send(&req).await
    }

    let sb = Sandbox::start().await.unwrap();
    for &g in posgate_sandbox::GATEWAYS {
        let cfg = config(&sb, g);
        for code in ["abc", "134567890120000", "994567890123450000", "184567890123450000x"] {
            let no = new_no("SIM");
            let (_, mut params) = barcode_charge(g, &no, "0000", 100, "bad input");
            let key = match g {
                GatewayId::Kuaishou => "dynamic_id",
                GatewayId::Mmsp => "code",
                _ => "auth_code",
            };
            params[key] = json!(code);
            let (r, expected): (Result<(), Error>, &[&str]) = match g {
                GatewayId::Chaoying => {
                    let c = chaoying::Client::new(cfg.clone()).unwrap();
                    (unchecked::<chaoying::BarcodePayRequest>(&c, params).await.map(drop), &["20004"])
                }
                GatewayId::Tlinx => {
                    let c = tlinx::Client::new(cfg.clone()).unwrap();
                    (unchecked::<tlinx::PayorderRequest>(&c, params).await.map(drop), &["8011"])
                }
                GatewayId::Kuaishou => {
                    let c = kuaishou::Client::new(cfg.clone()).unwrap();
                    (unchecked::<kuaishou::BarcodePreOrderRequest>(&c, params).await.map(drop), &["ILLEGAL_PARAMETER"])
                }
                GatewayId::Mmsp => {
                    let c = mmsp::Client::new(cfg.clone()).unwrap();
                    (unchecked::<mmsp::MmspWechatMicropayRequest>(&c, params).await.map(drop), &["AUTH_CODE_INVALID"])
                }
                other => panic!("{other}: no barcode pay"),
            };
            match r {
                Err(Error::GatewayRejected { code, .. }) if expected.contains(&code.as_str()) => {}
                other => panic!("{g} {code:?}: expected the gateway's refusal {expected:?}, got {other:?}"),
            }
            assert!(sim(&sb, g, &no).is_none(), "{g} {code:?}: the simulator ordered a code no wallet issues");
        }
    }
}
