//! `posgate demo`: a cashier's day on every implemented gateway, against the embedded sandbox.
//! The barcode gateways share one day; Sunmi, which has no barcode payment, has its own (WeChat
//! prepays followed on the journalled poll loop, refunds, a card swipe recorded, a callback). Every
//! gateway with a merchant-presented code also takes a QR payment the payer pays, and the first
//! of them one left to expire ([`crate::demo_qr`]).

use std::sync::Arc;

use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::{
    connect, ids, sunmi, GatewayId, Money, PayRequest, PaymentEvent, PaymentListener, RefundRequest, RefundState,
    TradeState,
};
use posgate_sandbox::Sandbox;
use serde_json::json;

use crate::tally::Tally;

/// Barcodes whose last four digits pick the sandbox scenario.
const PAYING_THEN_PAID: &str = "134567890123451003";
const PAID_AT_ONCE: &str = "134567890123450000";
const DECLINED: &str = "134567890123453001";

pub async fn run(only: &[GatewayId]) -> Result<bool, String> {
    let sandbox = Sandbox::start().await.map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!("sandbox running at {}", sandbox.root_url());
    let mut tally = Tally::default();
    let mut expiry_shown = false;
    for &g in posgate_sandbox::GATEWAYS.iter().filter(|g| only.is_empty() || only.contains(g)) {
        let cfg = sandbox.config(g).ok_or_else(|| format!("{g}: no sandbox configuration"))?;
        let gw = connect(cfg).map_err(|e| format!("{g}: {e}"))?;
        let journal = Arc::new(Journal::in_memory().map_err(|e| e.to_string())?);
        let engine = Engine::on_current_runtime(gw, journal).map_err(|e| e.to_string())?;
        let day_started = posgate_core::journal::now_ms();
        cashier_day(engine.clone(), &mut tally).await;
        if g == GatewayId::Kuaishou {
            crate::demo_kuaishou::qr_order(&engine, &sandbox, &mut tally).await;
        }
        if g == GatewayId::Mmsp {
            crate::demo_mmsp::extras(&engine, &sandbox, &mut tally).await;
        }
        if engine.gateway().qr_rules().is_some() {
            crate::demo_qr::paid(&engine, &sandbox, &mut tally, progress(g)).await;
            if !expiry_shown {
                crate::demo_qr::expired(&engine, &sandbox, &mut tally, progress(g)).await;
                expiry_shown = true;
            }
        }
        crate::report::demo_day(&engine, &sandbox, day_started, &mut tally);
    }
    if only.is_empty() || only.contains(&GatewayId::Sunmi) {
        let g = GatewayId::Sunmi;
        let cfg = sandbox.config(g).ok_or_else(|| format!("{g}: no sandbox configuration"))?;
        let gw = connect(cfg).map_err(|e| format!("{g}: {e}"))?;
        let journal = Arc::new(Journal::in_memory().map_err(|e| e.to_string())?);
        let engine = Engine::on_current_runtime(gw, journal).map_err(|e| e.to_string())?;
        let day_started = posgate_core::journal::now_ms();
        sunmi_day(engine.clone(), &mut tally).await;
        crate::report::demo_day(&engine, &sandbox, day_started, &mut tally);
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

pub(crate) fn progress(gw: GatewayId) -> Arc<dyn PaymentListener> {
    Arc::new(move |e: PaymentEvent| match e {
        PaymentEvent::Submitted { order_no } => println!("[{gw}]      {order_no}: submitted"),
        PaymentEvent::Paying { order_no } => println!("[{gw}]      {order_no}: paying, waiting for the payer"),
        PaymentEvent::Poll { order_no, n, of } => println!("[{gw}]      {order_no}: query {n} of {of}"),
        PaymentEvent::Reversing { order_no } => println!("[{gw}]      {order_no}: reversing"),
        PaymentEvent::WaitingForScan { order_no, expires_at_ms } => println!(
            "[{gw}]      {order_no}: waiting for the scan, {} s left",
            ((expires_at_ms - posgate_core::journal::now_ms()).max(0) as u64).div_ceil(1000)
        ),
        PaymentEvent::Closing { order_no } => println!("[{gw}]      {order_no}: closing"),
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
    let q = engine.query(&first.order_no).await;
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
    let rq = engine.refund_query(&refund.order_no, &refund.refund_no).await;
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

/// openIds whose last four digits pick the sandbox scenario (Sunmi has no barcode).
const SUNMI_PAYING_THEN_PAID: &str = "oG-NZ5LHRuFlGF7bKEbXtjx1003";
const SUNMI_PAID_AT_ONCE: &str = "oG-NZ5LHRuFlGF7bKEbXtjx0000";
const SUNMI_DECLINED: &str = "oG-NZ5LHRuFlGF7bKEbXtjx3001";

fn fen(n: i64) -> Money {
    Money::from_fen(n, "amount").expect("demo amounts are valid")
}

/// A Sunmi prepay through the engine (journalled as a pre-order), then the journalled poll loop:
/// the first query waits as long as the schedule says after "用户支付中" (Sunmi's own: 10 s; the
/// sandbox configuration's quick one here).
async fn sunmi_prepay(
    engine: &Arc<Engine>,
    op: &str,
    params: serde_json::Value,
    listener: &Arc<dyn PaymentListener>,
) -> Result<(String, posgate_core::TradeResult), String> {
    let answer = engine.invoke(op, params).await.map_err(|e| e.to_string())?;
    let no = answer["orderId"].as_str().unwrap_or_default().to_string();
    let said = answer["resultMsg"].as_str().unwrap_or_default().to_string();
    let r = engine.follow_preorder(&no, Some(listener.clone())).await.map_err(|e| e.to_string())?;
    Ok((said, r))
}

async fn sunmi_day(engine: Arc<Engine>, tally: &mut Tally) {
    let g = engine.gateway().id();
    let listener = progress(g);
    let mini_app = posgate_sandbox::sunmi::MINI_APP_ID;

    // 1. A mini-program prepay the payer confirms after a few seconds ("用户支付中").
    let first = ids::new_order_no("PGS");
    let params =
        json!({"totalAmount": 2580, "miniAppId": mini_app, "openId": SUNMI_PAYING_THEN_PAID, "orderId": first});
    let paid = match sunmi_prepay(&engine, "mini_pay", params, &listener).await {
        Ok((said, r)) if r.state == TradeState::Paid => {
            Ok(format!("{first} {} yuan: {said}, then {}", fen(2580), r.state))
        }
        Ok((_, r)) => Err(format!("{first} ended {}", r.state)),
        Err(e) => Err(e),
    };
    let first_paid = paid.is_ok();
    tally.check(g, "miniPay prepay, polled from the first-query time", paid);

    // 2. Query it.
    tally.check(
        g,
        "query",
        match engine.query(&first).await {
            Ok(r) if r.state == TradeState::Paid => {
                Ok(format!("{first} {} (Sunmi order {})", r.state, r.gateway_trade_no.unwrap_or_default()))
            }
            Ok(r) => Err(format!("state {}", r.state)),
            Err(e) => Err(e.to_string()),
        },
    );

    // 3. Refund part of it (journalled), then 4. the query shows it.
    let refund = RefundRequest {
        order_no: first.clone(),
        refund_no: ids::new_order_no("PGSR"),
        refund_amount: fen(1000),
        total_amount: Some(fen(2580)),
        reason: Some("demo partial refund".into()),
    };
    let r =
        if first_paid { engine.refund(&refund).await } else { Err(posgate_core::Error::internal("payment not paid")) };
    tally.check(
        g,
        "partial refund",
        match r {
            Ok(r) if r.state == RefundState::Success => {
                Ok(format!("{} {} {}", r.refund_no, refund.refund_amount, r.state))
            }
            Ok(r) => Err(format!("refund {}", r.state)),
            Err(e) => Err(e.to_string()),
        },
    );
    let shown = match (engine.query(&first).await, engine.refund_query(&first, &refund.refund_no).await) {
        (Ok(q), Ok(rq)) if q.state == TradeState::PartiallyRefunded && rq.state == RefundState::Success => {
            Ok(format!("{first} {}; refund {} {}", q.state, rq.refund_no, rq.state))
        }
        (Ok(q), Ok(rq)) => Err(format!("order {}, refund {}", q.state, rq.state)),
        (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
    };
    tally.check(g, "query shows the refund", shown);

    // 5. An official-account prepay (yuan on the wire), paid, then refunded in full: Sunmi has
    //    no close or cancel.
    let second = ids::new_order_no("PGS");
    let params = json!({"totalAmount": 990, "miniAppId": posgate_sandbox::sunmi::OA_APP_ID,
                        "openId": SUNMI_PAID_AT_ONCE, "orderId": second, "walletType": "TX01"});
    let full = match sunmi_prepay(&engine, "js_api_pay", params, &listener).await {
        Ok((_, r)) if r.state == TradeState::Paid => {
            let req = RefundRequest {
                order_no: second.clone(),
                refund_no: ids::new_order_no("PGSR"),
                refund_amount: fen(990),
                total_amount: Some(fen(990)),
                reason: Some("demo full refund".into()),
            };
            match (engine.refund(&req).await, engine.query(&second).await) {
                (Ok(rr), Ok(q)) if rr.state == RefundState::Success && q.state == TradeState::Refunded => {
                    Ok(format!("{second} {} yuan {}", req.refund_amount, q.state))
                }
                (Ok(rr), Ok(q)) => Err(format!("refund {}, order {}", rr.state, q.state)),
                (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
            }
        }
        Ok((_, r)) => Err(format!("{second} ended {}", r.state)),
        Err(e) => Err(e),
    };
    tally.check(g, "jsApiPay prepay refunded in full", full);

    // 6. A declined payer: failed, with Sunmi's code.
    let third = ids::new_order_no("PGS");
    let params = json!({"totalAmount": 500, "miniAppId": mini_app, "openId": SUNMI_DECLINED, "orderId": third});
    tally.check(
        g,
        "declined payer",
        match sunmi_prepay(&engine, "mini_pay", params, &listener).await {
            Ok((_, r)) if r.state == TradeState::Failed => {
                Ok(format!("{third} failed: {} {}", r.gateway_code.unwrap_or_default(), r.message.unwrap_or_default()))
            }
            Ok((_, r)) => Err(format!("ended {}", r.state)),
            Err(e) => Err(e),
        },
    );

    // 7. A card swiped in the terminal's own payment app, which hands back its order number:
    //    looked up and recorded in the journal (the end of shift counts it under "card").
    tally.check(
        g,
        "card swipe recorded",
        match engine.record_swipe("SWIPE0001", None).await {
            Ok(r) if r.journalled && r.state == TradeState::Paid => Ok(format!(
                "{} {} yuan, {} card ****{}, journalled {}",
                r.order_no,
                r.amount,
                r.wallet.unwrap_or_default(),
                r.card_last4.unwrap_or_default(),
                r.state
            )),
            Ok(r) => Err(format!("{} {}, journalled: {}", r.order_no, r.state, r.journalled)),
            Err(e) => Err(e.to_string()),
        },
    );

    // 8. The seed's sample callback, verified with Sunmi's test key (SHA256withRSA, 6.4).
    tally.check(g, "callback verified (seed sample, test key)", seed_callback_check());
}

fn seed_callback_check() -> Result<String, String> {
    let fields = sunmi::protocol::seed_sample_callback();
    let key = sunmi::PublicKey::parse(sunmi::TEST_PUBLIC_KEY).map_err(|e| e.to_string())?;
    let n = sunmi::verify_notification(&fields, &key).map_err(|e| e.to_string())?;
    let mut tampered = fields.clone();
    tampered.insert("amount".into(), "100".into());
    if sunmi::verify_notification(&tampered, &key).is_ok() {
        return Err("a tampered callback verified".into());
    }
    Ok(format!(
        "{} {} {} yuan, ack {:?}; tampered copy refused",
        n.order_no,
        n.state,
        n.amount.unwrap_or_default(),
        n.ack
    ))
}
