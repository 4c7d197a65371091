//! Fault injection over real HTTP: each fault against each simulated gateway, with the posgate
//! client on the other end.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::{Error, Gateway, GatewayId, Money, PayRequest, TradeState};
use posgate_sandbox::faults::{Fault, FaultPlan, OnlyPaths, RandomFaults, ScriptedFaults, PAY_PATHS};
use posgate_sandbox::{OrderView, Sandbox, SandboxOptions, GATEWAYS};

/// Longer than the client's request timeout, so the client always gives up first.
const HANG: Duration = Duration::from_millis(1500);
const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);

async fn start() -> Sandbox {
    Sandbox::start_with(0, SandboxOptions { hang: HANG }).await.unwrap()
}

fn client(sandbox: &Sandbox, gateway: GatewayId) -> Arc<dyn Gateway> {
    let mut cfg = sandbox.config(gateway).unwrap();
    cfg.request_timeout = REQUEST_TIMEOUT;
    posgate_core::connect(cfg).unwrap()
}

fn pay_req(order_no: &str) -> PayRequest {
    PayRequest {
        order_no: order_no.into(),
        amount: Money::from_fen(100, "amount").unwrap(),
        auth_code: "134567890123450000".into(),
        subject: "fault test".into(),
        terminal_id: None,
        store_id: None,
    }
}

fn order(sandbox: &Sandbox, gateway: GatewayId, order_no: &str) -> Option<OrderView> {
    sandbox.orders().into_iter().find(|o| o.gateway == gateway.as_str() && o.order_no == order_no)
}

fn plan(p: impl FaultPlan + 'static) -> Option<Arc<dyn FaultPlan>> {
    Some(Arc::new(p))
}

/// A bad-signature fault on a gateway whose answers carry no signature (Kuaishou): inert.
fn unsigned_answer(gateway: GatewayId, fault: Fault) -> bool {
    gateway == GatewayId::Kuaishou && fault == Fault::BadSignatureAfterCommit
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_the_pay_call() {
    let sandbox = start().await;
    for &gateway in GATEWAYS {
        let gw = client(&sandbox, gateway);
        for fault in Fault::ALL {
            let case = format!("{gateway} {fault:?}");
            let order_no = posgate_core::ids::new_order_no("F");
            let script = Arc::new(ScriptedFaults::new(vec![Some(fault)]));
            sandbox.set_faults(plan(script.clone()));

            let started = Instant::now();
            if unsigned_answer(gateway, fault) {
                // Kuaishou signs no answers: the fault has nothing to spoil, the answer stands.
                assert_eq!(gw.pay(&pay_req(&order_no)).await.unwrap().state, TradeState::Paid, "{case}");
                continue;
            }
            let e = gw.pay(&pay_req(&order_no)).await.expect_err(&case);
            let took = started.elapsed();
            assert!(e.outcome_unknown(), "{case}: {e:?}");
            match fault {
                Fault::BadSignatureAfterCommit => assert!(matches!(e, Error::SignatureInvalid { .. }), "{case}: {e:?}"),
                _ => assert!(matches!(e, Error::Network { outcome_unknown: true, .. }), "{case}: {e:?}"),
            }
            // How the transport saw it: a timeout, a broken connection, an HTTP status.
            let seen = match fault {
                Fault::TimeoutBeforeCommit | Fault::TimeoutAfterCommit => "timed out after sending",
                Fault::ResetBeforeCommit | Fault::ResetAfterCommit => "connection failed after sending",
                Fault::ServerErrorBeforeCommit => "HTTP status 502",
                Fault::ServerErrorAfterCommit => "HTTP status 500",
                Fault::GarbageAfterCommit => "not a JSON",
                Fault::BadSignatureAfterCommit => "signature does not match",
            };
            let text = e.to_string().replace("not JSON", "not a JSON");
            assert!(text.contains(seen), "{case}: {e}");
            if matches!(fault, Fault::TimeoutBeforeCommit | Fault::TimeoutAfterCommit) {
                assert!(took >= REQUEST_TIMEOUT && took < HANG, "{case}: {took:?}");
            } else {
                assert!(took < REQUEST_TIMEOUT, "{case}: {took:?}");
            }
            assert_eq!(script.calls(), 1, "{case}");
            assert_eq!(script.injected().len(), 1, "{case}");

            // The store shows the order iff the fault let the gateway process the call.
            match order(&sandbox, gateway, &order_no) {
                Some(o) => {
                    assert!(fault.commits(), "{case}: {o:?}");
                    assert_eq!((o.charges, o.amount), (1, 100), "{case}: {o:?}");
                }
                None => assert!(!fault.commits(), "{case}: no order"),
            }

            // Past the script: a query tells the same story.
            match gw.query(&order_no).await {
                Ok(r) => {
                    assert!(fault.commits(), "{case}: {r:?}");
                    assert_eq!(r.state, TradeState::Paid, "{case}: {r:?}");
                }
                Err(e) => {
                    assert!(!fault.commits(), "{case}: {e:?}");
                    assert!(matches!(e, Error::GatewayRejected { .. }), "{case}: {e:?}");
                }
            }
            // MMSP's query asks quick pay and gateway pay too when scan code has no such order
            // (the journal does not say which sub-API an order was made on).
            let queries = if gateway == GatewayId::Mmsp && !fault.commits() { 3 } else { 1 };
            assert_eq!(script.calls(), 1 + queries, "{case}");
        }
    }
    sandbox.set_faults(None);
    // Every committing fault leaves an order (Kuaishou's inert bad-signature one included).
    assert_eq!(sandbox.orders().len(), GATEWAYS.len() * Fault::ALL.iter().filter(|f| f.commits()).count());
}

/// Paying again with the same order number after an after-commit fault never charges twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_commit_is_not_a_second_charge() {
    let sandbox = start().await;
    for &gateway in GATEWAYS {
        let gw = client(&sandbox, gateway);
        let order_no = posgate_core::ids::new_order_no("R");
        sandbox.set_faults(plan(ScriptedFaults::new(vec![Some(Fault::ResetAfterCommit)])));
        assert!(gw.pay(&pay_req(&order_no)).await.unwrap_err().outcome_unknown());
        // Chaoying answers with where the order stands; TLinx refuses a used number, which the
        // client reports as unknown (query it).
        let r = gw.pay(&pay_req(&order_no)).await.unwrap();
        assert!(matches!(r.state, TradeState::Paid | TradeState::Unknown), "{gateway}: {r:?}");
        assert_eq!(gw.query(&order_no).await.unwrap().state, TradeState::Paid, "{gateway}");
        assert_eq!(order(&sandbox, gateway, &order_no).unwrap().charges, 1, "{gateway}");
    }
}

/// The plan sees each gateway request once, named by gateway and path (chaoying's method
/// appended), and `OnlyPaths` shows it only the pay calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_see_gateway_and_path() {
    #[derive(Default)]
    struct Record(Mutex<Vec<(String, String)>>);
    impl FaultPlan for Record {
        fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
            self.0.lock().unwrap().push((gateway.into(), path.into()));
            None
        }
    }

    let sandbox = start().await;
    let record = Arc::new(Record::default());
    sandbox.set_faults(plan(record.clone()));
    for &gateway in GATEWAYS {
        let gw = client(&sandbox, gateway);
        let order_no = posgate_core::ids::new_order_no("P");
        gw.pay(&pay_req(&order_no)).await.unwrap();
        gw.query(&order_no).await.unwrap();
    }
    let seen = record.0.lock().unwrap().clone();
    let expected = [
        ("chaoying", "/UnifiedPay/Gateway?method=pay"),
        ("chaoying", "/UnifiedPay/Gateway?method=orderquery"),
        ("kuaishou", "/openGateway/openService/preOrder"),
        ("kuaishou", "/openGateway/openService/query"),
        ("tlinx", "/mct1/payorder"),
        ("tlinx", "/mct1/paystatus"),
        ("mmsp", "/scan?CommandID=2307"),
        ("mmsp", "/scan?CommandID=2310"),
    ];
    assert_eq!(seen, expected.map(|(g, p)| (g.to_string(), p.to_string())));

    // Every pay call faulted, queries never.
    let only_pay = Arc::new(OnlyPaths::new(PAY_PATHS, RandomFaults::new(7, 1.0, &[Fault::ServerErrorAfterCommit])));
    sandbox.set_faults(plan(only_pay.clone()));
    for &gateway in GATEWAYS {
        let gw = client(&sandbox, gateway);
        let order_no = posgate_core::ids::new_order_no("Q");
        let e = gw.pay(&pay_req(&order_no)).await.unwrap_err();
        assert!(e.outcome_unknown(), "{gateway}: {e:?}");
        assert_eq!(gw.query(&order_no).await.unwrap().state, TradeState::Paid, "{gateway}");
    }
    let injected = only_pay.inner().injected();
    assert_eq!(only_pay.inner().calls(), 4);
    assert_eq!(
        injected,
        vec![
            ("chaoying/UnifiedPay/Gateway?method=pay".to_string(), Fault::ServerErrorAfterCommit),
            ("kuaishou/openGateway/openService/preOrder".to_string(), Fault::ServerErrorAfterCommit),
            ("tlinx/mct1/payorder".to_string(), Fault::ServerErrorAfterCommit),
            ("mmsp/scan?CommandID=2307".to_string(), Fault::ServerErrorAfterCommit),
        ]
    );
}

#[test]
fn random_faults_are_deterministic() {
    let draw = |p: &RandomFaults| (0..2000).map(|i| p.next("tlinx", &format!("/mct1/{i}"))).collect::<Vec<_>>();
    let a = RandomFaults::new(42, 0.3, &Fault::ALL);
    let b = RandomFaults::new(42, 0.3, &Fault::ALL);
    let c = RandomFaults::new(43, 0.3, &Fault::ALL);
    let (sa, sb, sc) = (draw(&a), draw(&b), draw(&c));
    assert_eq!(sa, sb);
    assert_ne!(sa, sc);
    assert_eq!(a.injected(), b.injected());
    assert_eq!(a.calls(), 2000);

    // The n-th draw is the same however it is reached.
    let fresh = RandomFaults::new(42, 0.3, &Fault::ALL);
    assert_eq!((0..2000).map(|n| fresh.fault_at(n)).collect::<Vec<_>>(), sa);
    assert_eq!(fresh.calls(), 0);

    // About `rate` of the requests faulted, every kind drawn.
    let faulted = sa.iter().flatten().count();
    assert!((450..750).contains(&faulted), "{faulted}");
    for kind in Fault::ALL {
        assert!(sa.contains(&Some(kind)), "{kind:?} never drawn");
    }
    let log = a.injected();
    assert_eq!(log.len(), faulted);
    assert!(log.iter().all(|(req, _)| req.starts_with("tlinx/mct1/")), "{log:?}");

    let only = [Fault::ResetBeforeCommit, Fault::GarbageAfterCommit];
    let some = RandomFaults::new(1, 0.5, &only);
    assert!(draw(&some).iter().flatten().all(|f| only.contains(f)));
    assert!(draw(&RandomFaults::new(1, 0.0, &Fault::ALL)).iter().all(Option::is_none));
    assert!(draw(&RandomFaults::new(1, 1.0, &Fault::ALL)).iter().all(Option::is_some));
    assert!(draw(&RandomFaults::new(1, 1.0, &[])).iter().all(Option::is_none));
}

#[test]
fn scripted_faults_then_none() {
    let s = ScriptedFaults::new(vec![None, Some(Fault::GarbageAfterCommit), None, Some(Fault::ResetAfterCommit)]);
    let got: Vec<_> = (0..6).map(|_| s.next("chaoying", "/x")).collect();
    assert_eq!(got, [None, Some(Fault::GarbageAfterCommit), None, Some(Fault::ResetAfterCommit), None, None]);
    assert_eq!(s.calls(), 6);
    assert_eq!(s.injected().len(), 2);
    assert!(Fault::ALL.iter().filter(|f| !f.commits()).count() == 3);
}

/// `/_sandbox/*` is never shown to the plan, never faulted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_routes_never_faulted() {
    let sandbox = start().await;
    let gw = client(&sandbox, GatewayId::Tlinx);
    let order_no = posgate_core::ids::new_order_no("S");
    gw.pay(&pay_req(&order_no)).await.unwrap();

    let every = Arc::new(RandomFaults::new(3, 1.0, &[Fault::ResetBeforeCommit, Fault::ServerErrorBeforeCommit]));
    sandbox.set_faults(plan(every.clone()));
    let http = Transport::new(TransportConfig { allow_http: true, ..Default::default() }).unwrap();
    for _ in 0..5 {
        let list = http.get(&format!("{}/_sandbox/orders", sandbox.root_url()), &[]).await.unwrap();
        assert!(list.contains(&order_no), "{list}");
    }
    // The payer's pay endpoint answers too (409: no such order).
    let url = format!("{}/_sandbox/pay/tlinx/NO-SUCH-ORDER", sandbox.root_url());
    match http.post_form(&url, &[]).await {
        Err(posgate_core::transport::TransportError::Status { status: 409 }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(every.calls(), 0);

    // While a gateway request is faulted.
    assert!(gw.query(&order_no).await.unwrap_err().outcome_unknown());
    assert_eq!(every.calls(), 1);
}

/// A seeded random schedule on the pay calls: every faulted pay is outcome-unknown and leaves an
/// order iff its fault commits; every other pay is paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_schedule_on_pay_calls() {
    let sandbox = start().await;
    let schedule = Arc::new(OnlyPaths::new(PAY_PATHS, RandomFaults::new(2024, 0.5, &Fault::ALL)));
    sandbox.set_faults(plan(schedule.clone()));
    let clients: Vec<_> = GATEWAYS.iter().map(|&g| (g, client(&sandbox, g))).collect();
    for i in 0..24 {
        let (gateway, gw) = &clients[i % clients.len()];
        let order_no = posgate_core::ids::new_order_no("X");
        let before = schedule.inner().injected().len();
        let result = gw.pay(&pay_req(&order_no)).await;
        let injected = schedule.inner().injected();
        let stored = order(&sandbox, *gateway, &order_no).map(|o| o.charges);
        match injected.get(before) {
            Some((_, fault)) if unsigned_answer(*gateway, *fault) => {
                assert_eq!(result.unwrap().state, TradeState::Paid, "#{i} {gateway}");
                assert_eq!(stored, Some(1), "#{i} {gateway}");
            }
            Some((req, fault)) => {
                let e = result.expect_err(req);
                assert!(e.outcome_unknown(), "#{i} {req} {fault:?}: {e:?}");
                assert_eq!(stored, fault.commits().then_some(1), "#{i} {req} {fault:?}");
            }
            None => {
                assert_eq!(result.unwrap().state, TradeState::Paid, "#{i} {gateway}");
                assert_eq!(stored, Some(1), "#{i} {gateway}");
            }
        }
    }
    assert_eq!(schedule.inner().calls(), 24);
    let faulted: Vec<_> = (0..24).filter_map(|n| schedule.inner().fault_at(n)).collect();
    assert_eq!(faulted, schedule.inner().injected().into_iter().map(|(_, f)| f).collect::<Vec<_>>());
    assert!(!faulted.is_empty() && faulted.len() < 24, "{faulted:?}");
}
