//! QR payments (the payer scans the merchant's code) on every gateway that has one, against the
//! sandbox over HTTP: paid by the payer, never scanned (closed at its expiry, nothing charged),
//! cancelled by the cashier, ended early by a relayed notification, killed mid-wait and settled
//! by recovery; Sunmi answers `Unsupported`; bad input is refused naming the field before
//! anything is sent.

mod kit;

use std::sync::Arc;
use std::time::{Duration, Instant};

use kit::{config, fen, field_of, merchant_receiver, new_no, payment, schedule_every, sim, Doomed, Events};
use posgate_core::engine::Engine;
use posgate_core::journal::{EntryState, Journal};
use posgate_core::{Error, Gateway, GatewayId, PaymentEvent, QrPaymentRequest, TradeState, Wallet};
use posgate_sandbox::Sandbox;

/// Every gateway with a merchant-presented code, each with every wallet it offers.
fn qr_gateways(sb: &Sandbox) -> Vec<(GatewayId, Wallet)> {
    let mut out = Vec::new();
    for &g in kit::GATEWAYS {
        if let Some(rules) = connect(sb, g, 200).qr_rules() {
            out.extend(rules.wallets.iter().map(|&w| (g, w)));
        }
    }
    out
}

/// A client of `g` on the sandbox querying every `interval_ms`.
fn connect(sb: &Sandbox, g: GatewayId, interval_ms: u64) -> Arc<dyn Gateway> {
    let mut cfg = config(sb, g);
    cfg.poll = Some(schedule_every(interval_ms, 3000, 0));
    posgate_core::connect(cfg).unwrap()
}

fn request(sb: &Sandbox, wallet: Wallet, amount: i64, expire_seconds: Option<u32>) -> QrPaymentRequest {
    QrPaymentRequest {
        order_no: new_no("QR"),
        amount: fen(amount),
        subject: "QR coffee".into(),
        wallet: Some(wallet),
        expire_seconds,
        notify_url: Some(format!("{}/_sandbox/notify", sb.root_url())),
        terminal_id: Some("T1".into()),
        store_id: None,
    }
}

fn sim_state(sb: &Sandbox, g: GatewayId, order_no: &str) -> String {
    sim(sb, g, order_no)
        .map(|o| serde_json::to_value(o.state).unwrap().as_str().unwrap().to_string())
        .unwrap_or_else(|| "absent".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_by_the_payer_on_every_gateway_and_wallet() {
    let sb = Sandbox::start().await.unwrap();
    let cases = qr_gateways(&sb);
    assert_eq!(
        cases.iter().map(|c| c.0).collect::<std::collections::BTreeSet<_>>().len(),
        4,
        "Chaoying, TLinx, Kuaishou, MMSP: {cases:?}"
    );
    for (g, wallet) in cases {
        let engine = kit::engine(connect(&sb, g, 200));
        let events = Arc::new(Events::default());
        let req = request(&sb, wallet, 1234, Some(60));
        let started = engine.start_qr_payment(req.clone(), Some(events.clone())).await.unwrap();
        assert_eq!(started.code.order_no, req.order_no);
        assert!(!started.code.content.is_empty(), "{g} {wallet}");
        assert!(posgate_core::qr_matrix(&started.code.content).is_ok());
        let e = payment(engine.journal(), g, &req.order_no);
        assert_eq!(e.state, EntryState::Paying, "{g} {wallet}: journalled as paying");
        assert!(e.request.contains("\"expires_at_ms\""), "the expiry is in the journal: {}", e.request);

        tokio::time::sleep(Duration::from_millis(300)).await;
        sb.pay_preorder(g, &req.order_no).await.unwrap();
        let r = started.handle.result().await.unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g} {wallet}: {r:?}");
        assert_eq!(payment(engine.journal(), g, &req.order_no).state, EntryState::Paid);
        assert_eq!(sim_state(&sb, g, &req.order_no), "paid", "{g} {wallet}");
        let seen = events.of(&req.order_no);
        assert!(matches!(seen.first(), Some(PaymentEvent::WaitingForScan { .. })), "{g}: {seen:?}");
        assert!(seen.iter().any(|e| matches!(e, PaymentEvent::Poll { .. })), "{g}: polled: {seen:?}");
        assert_eq!(events.final_state(&req.order_no), Some(TradeState::Paid));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_scanned_closes_at_its_expiry_with_nothing_charged() {
    let sb = Sandbox::start().await.unwrap();
    let mut runs = Vec::new();
    for g in [GatewayId::Chaoying, GatewayId::Tlinx, GatewayId::Kuaishou, GatewayId::Mmsp] {
        let engine = kit::engine(connect(&sb, g, 1000));
        let events = Arc::new(Events::default());
        let req = request(&sb, Wallet::Alipay, 500, Some(5));
        let started = engine.start_qr_payment(req.clone(), Some(events.clone())).await.unwrap();
        runs.push((g, engine, events, req, started, Instant::now()));
    }
    for (g, engine, events, req, started, at) in runs {
        let r = started.handle.result().await.unwrap();
        assert_eq!(r.state, TradeState::Closed, "{g}: {r:?}");
        assert!(at.elapsed() >= Duration::from_millis(4500), "{g}: closed at its expiry, not before: {r:?}");
        assert_eq!(payment(engine.journal(), g, &req.order_no).state, EntryState::Closed);
        assert_ne!(sim_state(&sb, g, &req.order_no), "paid", "{g}: nothing charged");
        let seen = events.of(&req.order_no);
        assert!(seen.iter().any(|e| matches!(e, PaymentEvent::Closing { .. })), "{g}: {seen:?}");
        // A late scan cannot charge a closed order (TLinx cannot close one: its code is
        // withdrawn, see QrRules::closable).
        if engine.gateway().qr_rules().unwrap().closable {
            let late = sb.pay_preorder(g, &req.order_no).await;
            assert_ne!(sim_state(&sb, g, &req.order_no), "paid", "{g}: a late scan charged: {late:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_by_the_cashier_reads_closed() {
    let sb = Sandbox::start().await.unwrap();
    for g in [GatewayId::Chaoying, GatewayId::Tlinx, GatewayId::Kuaishou, GatewayId::Mmsp] {
        let engine = kit::engine(connect(&sb, g, 200));
        let req = request(&sb, Wallet::Wechat, 700, Some(120));
        let started = engine.start_qr_payment(req.clone(), None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        started.handle.cancel();
        let r = started.handle.result().await.unwrap();
        assert_eq!(r.state, TradeState::Closed, "{g}: {r:?}");
        assert_eq!(payment(engine.journal(), g, &req.order_no).state, EntryState::Closed);
        assert_ne!(sim_state(&sb, g, &req.order_no), "paid");

        // The engine's cancel by order number does the same.
        let req = request(&sb, Wallet::Wechat, 700, Some(120));
        let started = engine.start_qr_payment(req.clone(), None).await.unwrap();
        let r = engine.cancel(&req.order_no).await.unwrap();
        assert_eq!(r.state, TradeState::Closed, "{g}: {r:?}");
        assert_eq!(started.handle.result().await.unwrap().state, TradeState::Closed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relayed_notification_ends_the_wait() {
    let sb = Sandbox::start().await.unwrap();
    for g in [GatewayId::Chaoying, GatewayId::Tlinx, GatewayId::Kuaishou, GatewayId::Mmsp] {
        // Queries every 60 s: only the notification can end it within the test.
        let gw = connect(&sb, g, 60_000);
        let verify = gw.clone();
        let (url, received) = merchant_receiver("/notify", move |f| verify.verify_notification(f)).await;
        let engine = kit::engine(gw);
        let mut req = request(&sb, Wallet::Alipay, 880, Some(300));
        req.notify_url = Some(url);
        let started = engine.start_qr_payment(req.clone(), None).await.unwrap();
        let at = Instant::now();
        sb.pay_preorder(g, &req.order_no).await.unwrap();
        let (fields, _) = received.wait_for(1).await.remove(0);
        let check = engine.check_notification(&fields).unwrap();
        assert_eq!(check.notification.state, TradeState::Paid, "{g}");
        let r = tokio::time::timeout(Duration::from_secs(20), started.handle.result()).await.unwrap().unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g}: {r:?}");
        assert!(at.elapsed() < Duration::from_secs(30), "{g}: ended by the notification");
        assert_eq!(payment(engine.journal(), g, &req.order_no).state, EntryState::Paid);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_wait_is_settled_by_recovery() {
    let sb = Sandbox::start().await.unwrap();
    for (g, pay_while_down) in [(GatewayId::Chaoying, true), (GatewayId::Mmsp, false), (GatewayId::Kuaishou, true)] {
        let path = kit::journal_path("qr-recover");
        let doomed = Doomed::new(connect(&sb, g, 300), &path);
        let engine = doomed.engine.clone();
        let req = request(&sb, Wallet::Wechat, 990, Some(6));
        let started = doomed.rt.spawn(async move { engine.start_qr_payment(req, None).await.map(|s| s.code) });
        let code = started.await.unwrap().unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        doomed.crash();
        if pay_while_down {
            sb.pay_preorder(g, &code.order_no).await.unwrap();
        }
        let engine = Engine::on_current_runtime(connect(&sb, g, 300), Arc::new(Journal::open(&path).unwrap())).unwrap();
        let recovered = engine.recover().await.unwrap();
        assert!(recovered.iter().any(|r| r.order_no == code.order_no), "{g}: {recovered:?}");
        let r = engine.follow_preorder(&code.order_no, None).await.unwrap();
        let want = if pay_while_down { TradeState::Paid } else { TradeState::Closed };
        assert_eq!(r.state, want, "{g}: {r:?}");
        engine.wait_idle().await;
        let e = payment(engine.journal(), g, &code.order_no);
        assert!(e.state.is_settled(), "{g}: {e:?}");
        assert_eq!(sim_state(&sb, g, &code.order_no) == "paid", pay_while_down, "{g}");
        kit::remove_journal(&path);
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_sending_and_sunmi_has_no_qr() {
    let sb = Sandbox::start().await.unwrap();
    let sunmi = kit::engine(connect(&sb, GatewayId::Sunmi, 200));
    let e = sunmi.start_qr_payment(request(&sb, Wallet::Wechat, 100, None), None).await.err().unwrap();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");

    type Spoil = Box<dyn Fn(&mut QrPaymentRequest)>;
    let cases: Vec<(GatewayId, Spoil, &str)> = vec![
        (GatewayId::Chaoying, Box::new(|r| r.amount = fen(0)), "amount"),
        (GatewayId::Chaoying, Box::new(|r| r.wallet = Some(Wallet::Jd)), "wallet"),
        (GatewayId::Chaoying, Box::new(|r| r.wallet = None), "wallet"),
        (GatewayId::Chaoying, Box::new(|r| r.order_no = "A_1234".into()), "order_no"),
        (GatewayId::Tlinx, Box::new(|r| r.wallet = Some(Wallet::Qq)), "wallet"),
        (GatewayId::Tlinx, Box::new(|r| r.wallet = Some(Wallet::Unionpay)), "wallet"),
        (GatewayId::Kuaishou, Box::new(|r| r.subject = "".into()), "subject"),
        (GatewayId::Kuaishou, Box::new(|r| r.expire_seconds = Some(2)), "expire_seconds"),
        (GatewayId::Mmsp, Box::new(|r| r.notify_url = None), "notify_url"),
        (GatewayId::Mmsp, Box::new(|r| r.order_no = "QR123456789012345678901".into()), "order_no"),
        (GatewayId::Mmsp, Box::new(|r| r.notify_url = Some("not a url".into())), "notify_url"),
    ];
    for (g, spoil, field) in cases {
        let engine = kit::engine(connect(&sb, g, 200));
        let mut req = request(&sb, Wallet::Alipay, 100, None);
        spoil(&mut req);
        let e = engine.start_qr_payment(req.clone(), None).await.err().unwrap();
        assert_eq!(field_of(&e), field, "{g}: {e:?}");
        assert!(engine.journal().list().unwrap().is_empty(), "{g}: nothing journalled");
        assert_eq!(sim_state(&sb, g, &req.order_no), "absent", "{g}: nothing sent");
    }

    // An order number used before is refused, whatever became of it.
    let engine = kit::engine(connect(&sb, GatewayId::Chaoying, 200));
    let req = request(&sb, Wallet::Wechat, 100, Some(30));
    let started = engine.start_qr_payment(req.clone(), None).await.unwrap();
    let e = engine.start_qr_payment(req.clone(), None).await.err().unwrap();
    assert_eq!(field_of(&e), "order_no", "{e:?}");
    started.handle.cancel();
    assert_eq!(started.handle.result().await.unwrap().state, TradeState::Closed);
}
