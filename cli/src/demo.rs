//! `posgate demo`: a cashier's day on every implemented gateway, against the embedded sandbox.

use std::sync::Arc;

use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::{
    connect, ids, GatewayId, Money, PayRequest, PaymentEvent, PaymentListener, RefundRequest, RefundState, TradeState,
};
use posgate_sandbox::Sandbox;

/// Barcodes whose last four digits pick the sandbox scenario.
const PAYING_THEN_PAID: &str = "134567890123451003";
const PAID_AT_ONCE: &str = "134567890123450000";
const DECLINED: &str = "134567890123453001";

struct Tally {
    passed: u32,
    failed: u32,
}

impl Tally {
    fn check(&mut self, gw: impl std::fmt::Display, flow: &str, outcome: Result<String, String>) {
        match outcome {
            Ok(detail) => {
                self.passed += 1;
                println!("[{gw}] ok   {flow}: {detail}");
            }
            Err(why) => {
                self.failed += 1;
                println!("[{gw}] FAIL {flow}: {why}");
            }
        }
    }
}

pub async fn run(only: &[GatewayId]) -> Result<bool, String> {
    let sandbox = Sandbox::start().await.map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!("sandbox running at {}", sandbox.root_url());
    let mut tally = Tally { passed: 0, failed: 0 };
    for &g in posgate_sandbox::GATEWAYS.iter().filter(|g| only.is_empty() || only.contains(g)) {
        let cfg = sandbox.config(g).ok_or_else(|| format!("{g}: no sandbox configuration"))?;
        let gw = connect(cfg).map_err(|e| format!("{g}: {e}"))?;
        let journal = Arc::new(Journal::in_memory().map_err(|e| e.to_string())?);
        let engine = Engine::on_current_runtime(gw, journal).map_err(|e| e.to_string())?;
        cashier_day(engine, &mut tally).await;
    }
    let orders = sandbox.orders();
    let double = orders.iter().filter(|o| o.charges > 1).count();
    tally.check(
        "sandbox",
        "ledger",
        if double == 0 {
            Ok(format!("{} orders, none charged twice", orders.len()))
        } else {
            Err(format!("{double} orders charged more than once"))
        },
    );
    println!("demo: {} passed, {} failed", tally.passed, tally.failed);
    Ok(tally.failed == 0)
}

fn progress(gw: GatewayId) -> Arc<dyn PaymentListener> {
    Arc::new(move |e: PaymentEvent| match e {
        PaymentEvent::Submitted { order_no } => println!("[{gw}]      {order_no}: submitted"),
        PaymentEvent::Paying { order_no } => println!("[{gw}]      {order_no}: paying, waiting for the payer"),
        PaymentEvent::Poll { order_no, n, of } => println!("[{gw}]      {order_no}: query {n} of {of}"),
        PaymentEvent::Reversing { order_no } => println!("[{gw}]      {order_no}: reversing"),
        PaymentEvent::NeedsAttention { order_no, reason } => {
            println!("[{gw}]      {order_no}: needs attention: {reason}")
        }
        PaymentEvent::Final { order_no, state } => println!("[{gw}]      {order_no}: {state}"),
    })
}

fn pay_request(code: &str, fen: i64) -> PayRequest {
    PayRequest {
        order_no: ids::new_order_no("PGD"),
        amount: Money::from_fen(fen, "amount").expect("demo amounts are valid"),
        auth_code: code.into(),
        subject: "posgate demo".into(),
        terminal_id: Some("T0001".into()),
        store_id: None,
    }
}

async fn cashier_day(engine: Arc<Engine>, tally: &mut Tally) {
    let g = engine.gateway().id();
    let gw = engine.gateway().clone();
    let listener = progress(g);

    // 1. A barcode payment that is "paying" for a few seconds (the payer types a password).
    let first = pay_request(PAYING_THEN_PAID, 2580);
    let paid = match engine.pay(first.clone(), Some(listener.clone())).await {
        Ok(r) if r.state == TradeState::Paid => Ok(format!("{} {} yuan {}", r.order_no, first.amount, r.state)),
        Ok(r) => Err(format!("{} ended {}", r.order_no, r.state)),
        Err(e) => Err(e.to_string()),
    };
    let first_paid = paid.is_ok();
    tally.check(g, "barcode pay with paying phase", paid);

    // 2. Query it.
    let q = gw.query(&first.order_no).await;
    tally.check(
        g,
        "query",
        match q {
            Ok(r) if r.state == TradeState::Paid => Ok(format!("{} {}", r.order_no, r.state)),
            Ok(r) => Err(format!("state {}", r.state)),
            Err(e) => Err(e.to_string()),
        },
    );

    // 3. Refund part of it, then 4. look the refund up.
    let refund = RefundRequest {
        order_no: first.order_no.clone(),
        refund_no: ids::new_order_no("PGR"),
        refund_amount: Money::from_fen(1000, "refund_amount").expect("valid"),
        total_amount: Some(first.amount),
        reason: Some("demo partial refund".into()),
    };
    let r =
        if first_paid { engine.refund(&refund).await } else { Err(posgate_core::Error::internal("payment not paid")) };
    tally.check(
        g,
        "partial refund",
        match r {
            Ok(r) if matches!(r.state, RefundState::Success | RefundState::Processing) => {
                Ok(format!("{} {} {}", r.refund_no, refund.refund_amount, r.state))
            }
            Ok(r) => Err(format!("refund {}", r.state)),
            Err(e) => Err(e.to_string()),
        },
    );
    let rq = gw.refund_query(&refund.order_no, &refund.refund_no).await;
    tally.check(
        g,
        "refund query",
        match rq {
            Ok(r) if r.state == RefundState::Success => Ok(format!("{} {}", r.refund_no, r.state)),
            Ok(r) => Err(format!("refund {}", r.state)),
            Err(e) => Err(e.to_string()),
        },
    );

    // 5. A second order, paid and then cancelled at the till.
    let second = pay_request(PAID_AT_ONCE, 990);
    let cancelled = match engine.pay(second.clone(), Some(listener.clone())).await {
        Ok(r) if r.state == TradeState::Paid => match engine.cancel(&second.order_no).await {
            Ok(c) if matches!(c.state, TradeState::Reversed | TradeState::Closed) => {
                Ok(format!("{} {}", c.order_no, c.state))
            }
            Ok(c) => Err(format!("cancel gave {}", c.state)),
            Err(e) => Err(e.to_string()),
        },
        Ok(r) => Err(format!("payment ended {}", r.state)),
        Err(e) => Err(e.to_string()),
    };
    tally.check(g, "second order cancelled", cancelled);

    // 6. A declined barcode: failed, with the gateway's reason.
    let third = pay_request(DECLINED, 500);
    tally.check(
        g,
        "declined barcode",
        match engine.pay(third.clone(), Some(listener.clone())).await {
            Ok(r) if r.state == TradeState::Failed => Ok(format!(
                "{} failed: {} {}",
                r.order_no,
                r.gateway_code.unwrap_or_default(),
                r.message.unwrap_or_default()
            )),
            Ok(r) => Err(format!("ended {}", r.state)),
            Err(e) => Err(e.to_string()),
        },
    );
}
