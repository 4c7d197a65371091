//! The Engine over real HTTP against the sandbox, for every simulated gateway: background
//! completion, attach-on-retry, cashier cancel, crash recovery and journal-checked notifications.
//! Every test runs once per gateway in `posgate_sandbox::GATEWAYS`, the gateways concurrently.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod kit;

use kit::{
    barcode, barcode_charge, client_with, engine_on, fen, field_of, journal_path, new_no, notify_server, pay_request,
    payment, preorder, remove_journal, schedule, sim, Doomed, Events, Requests, REFUND_CALLS, REFUND_QUERIES,
};
use posgate_core::engine::Engine;
use posgate_core::journal::{Begin, EntryKind, EntryState, Journal, NOT_SENT};
use posgate_core::payment::begin_payment;
use posgate_core::{
    Error, GatewayId, PayRequest, PaymentEvent, PollSchedule, RawFields, RefundRequest, RefundState, TradeState,
};
use posgate_sandbox::faults::{Fault, ScriptedFaults};
use posgate_sandbox::{OrderView, Sandbox, SandboxOptions, SimState, GATEWAYS};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Helpers

fn pay_req(order_no: &str, last4: &str, amount: i64) -> PayRequest {
    pay_request("engine test", order_no, last4, amount)
}

/// Runs `case` for every simulated gateway, concurrently; a panic in any fails the test.
async fn each_gateway<F, Fut>(case: F)
where
    F: Fn(GatewayId) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let tasks: Vec<_> = GATEWAYS.iter().map(|&g| (g, tokio::spawn(case(g)))).collect();
    let mut failed = Vec::new();
    for (g, t) in tasks {
        if let Err(e) = t.await {
            failed.push((g, e));
        }
    }
    if let Some((g, e)) = failed.into_iter().next() {
        eprintln!("{g} failed");
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Polls `cond` every 20 ms until it holds; panics with `what` after `limit`.
async fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What a cancel of a still-paying order ends as: Chaoying reverses it, TLinx closes it.
fn unpaid_cancel_states() -> [TradeState; 2] {
    [TradeState::Reversed, TradeState::Closed]
}

fn holds_no_money(o: &OrderView) -> bool {
    o.charges == 0 || o.refunded >= o.amount || matches!(o.state, SimState::Reversed | SimState::Closed)
}

// ---------------------------------------------------------------------------------------------
// 1. Paying, then paid

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_then_paid_is_polled_in_order() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(3000, 500)), journal.clone()).unwrap();
        let no = new_no("E");
        let events = Arc::new(Events::default());
        let r = engine.pay(pay_req(&no, "1001", 1234), Some(events.clone())).await.unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g}: {r:?}");

        let ev = events.of(&no);
        assert_eq!(ev.first(), Some(&PaymentEvent::Submitted { order_no: no.clone() }), "{g}: {ev:?}");
        assert_eq!(ev.get(1), Some(&PaymentEvent::Paying { order_no: no.clone() }), "{g}: {ev:?}");
        assert_eq!(ev.last(), Some(&PaymentEvent::Final { order_no: no.clone(), state: TradeState::Paid }), "{g}");
        let polls: Vec<u32> = ev[2..ev.len() - 1]
            .iter()
            .map(|e| match e {
                PaymentEvent::Poll { n, of, .. } => {
                    assert!(n <= of, "{g}: {e:?}");
                    *n
                }
                other => panic!("{g}: only polls between Paying and Final, got {other:?} in {ev:?}"),
            })
            .collect();
        // Paid after 1 s, first query after 200 ms, then every 200 ms: a few queries, counted 1..n.
        assert!(polls.len() >= 2, "{g}: {ev:?}");
        assert_eq!(polls, (1..=polls.len() as u32).collect::<Vec<_>>(), "{g}");

        let e = payment(&journal, g, &no);
        assert_eq!((e.state, e.attempts, e.amount), (EntryState::Paid, 1, fen(1234)), "{g}: {e:?}");
        assert!(e.first_sent_at_ms.is_some());
        assert!(!e.request.contains(&barcode("1001")), "{g}: the barcode is masked: {}", e.request);
        let o = sim(&sb, g, &no).unwrap();
        assert_eq!((o.charges, o.state), (1, SimState::Paid), "{g}: {o:?}");
        assert_eq!(sent.pays(), 1, "{g}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 2. Paying past the deadline: reversed

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_past_the_deadline_is_reversed() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(1500, 500)), journal.clone()).unwrap();
        let no = new_no("E");
        let events = Arc::new(Events::default());
        let started = Instant::now();
        let r = engine.pay(pay_req(&no, "1060", 800), Some(events.clone())).await.unwrap();
        assert!(unpaid_cancel_states().contains(&r.state), "{g}: {r:?}");
        assert!(started.elapsed() >= Duration::from_millis(1400), "{g}: reversed before the deadline");
        let ev = events.of(&no);
        let reversing = ev.iter().position(|e| matches!(e, PaymentEvent::Reversing { .. })).expect("Reversing");
        assert!(ev[..reversing].iter().filter(|e| matches!(e, PaymentEvent::Poll { .. })).count() >= 3, "{ev:?}");
        assert_eq!(ev.last(), Some(&PaymentEvent::Final { order_no: no.clone(), state: r.state }), "{g}");

        let e = payment(&journal, g, &no);
        assert!(matches!(e.state, EntryState::Reversed | EntryState::Closed), "{g}: {e:?}");
        assert_eq!(e.attempts, 1);
        let o = sim(&sb, g, &no).unwrap();
        assert!(!matches!(o.state, SimState::Paid | SimState::Paying), "{g}: {o:?}");
        assert_eq!(o.charges, 0, "{g}: {o:?}");
        assert!(holds_no_money(&o), "{g}: {o:?}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 3. and 4. No answer / system error although charged: resolved by query

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_although_charged_is_paid_once() {
    each_gateway(|g| async move {
        let sb = Sandbox::start_with(0, SandboxOptions { hang: Duration::from_secs(3) }).await.unwrap();
        let sent = Requests::install(&sb);
        let mut cfg = sb.config(g).unwrap();
        cfg.request_timeout = Duration::from_millis(500);
        cfg.poll = Some(schedule(3000, 500));
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(posgate_core::connect(cfg).unwrap(), journal.clone()).unwrap();
        let no = new_no("E");
        let events = Arc::new(Events::default());
        let r = engine.pay(pay_req(&no, "4002", 900), Some(events.clone())).await.unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g}: {r:?}");
        assert!(events.of(&no).iter().any(|e| matches!(e, PaymentEvent::Poll { .. })), "{g}");
        let e = payment(&journal, g, &no);
        assert_eq!((e.state, e.attempts), (EntryState::Paid, 1), "{g}: {e:?}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");
        assert_eq!(sent.pays(), 1, "{g}: never sent twice");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_error_although_charged_is_paid_by_query() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(3000, 500)), journal.clone()).unwrap();
        let no = new_no("E");
        let r = engine.pay(pay_req(&no, "4001", 700), None).await.unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g}: {r:?}");
        assert_eq!(payment(&journal, g, &no).state, EntryState::Paid, "{g}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");
        assert_eq!(sent.pays(), 1, "{g}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 5. Retries: attach, recorded result, a different amount refused; refund retries

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_never_charge_or_refund_twice() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(4000, 500)), journal.clone()).unwrap();
        let no = new_no("E");

        // In flight: the retry attaches to the running payment.
        let first = engine.start_payment(pay_req(&no, "1001", 1000), None).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let second_events = Arc::new(Events::default());
        let second = engine.start_payment(pay_req(&no, "1001", 1000), Some(second_events.clone())).unwrap();
        let (a, b) = (first.result().await.unwrap(), second.result().await.unwrap());
        assert_eq!(a.state, TradeState::Paid, "{g}: {a:?}");
        assert_eq!(a, b, "{g}: the same result");
        assert_eq!(second_events.final_state(&no), Some(TradeState::Paid), "{g}: the attached listener hears the end");
        assert!(
            !second_events.of(&no).iter().any(|e| matches!(e, PaymentEvent::Submitted { .. })),
            "{g}: nothing submitted again"
        );
        assert_eq!(sent.pays(), 1, "{g}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1);

        // Settled: the recorded result, nothing sent.
        let third = engine.start_payment(pay_req(&no, "1001", 1000), None).unwrap();
        let c = third.result().await.unwrap();
        assert_eq!((c.state, c.gateway_trade_no.as_deref()), (TradeState::Paid, a.gateway_trade_no.as_deref()), "{g}");
        assert_eq!(engine.pay(pay_req(&no, "1001", 1000), None).await.unwrap().state, TradeState::Paid);
        assert_eq!(sent.pays(), 1, "{g}: a settled payment is never sent again");

        // The same number with another amount: refused before anything is sent.
        let e = engine.start_payment(pay_req(&no, "1001", 1001), None).err().expect("refused");
        assert_eq!(field_of(&e), "order_no", "{g}: {e:?}");
        let e = engine.pay(pay_req(&no, "0000", 999), None).await.unwrap_err();
        assert_eq!(field_of(&e), "order_no", "{g}: {e:?}");
        assert_eq!(sent.pays(), 1, "{g}");
        let e = payment(&journal, g, &no);
        assert_eq!((e.state, e.attempts, e.amount), (EntryState::Paid, 1, fen(1000)), "{g}");

        // Many tills retrying at the same instant (threads racing into the journal and the
        // running set): one send, one result.
        let racing = new_no("E");
        let handles: Vec<_> = std::thread::scope(|s| {
            let spawned: Vec<_> = (0..4)
                .map(|_| s.spawn(|| engine.start_payment(pay_req(&racing, "1001", 777), None).unwrap()))
                .collect();
            spawned.into_iter().map(|t| t.join().unwrap()).collect()
        });
        let mut results = Vec::new();
        for h in &handles {
            results.push(h.result().await.unwrap());
        }
        assert!(results.iter().all(|r| *r == results[0] && r.state == TradeState::Paid), "{g}: {results:?}");
        assert_eq!(sent.pays(), 2, "{g}: one send for four racing starts");
        assert_eq!(payment(&journal, g, &racing).attempts, 1, "{g}");

        // Refund retries.
        let refund_no = posgate_core::ids::new_order_no("R");
        let req = RefundRequest {
            order_no: no.clone(),
            refund_no: refund_no.clone(),
            refund_amount: fen(300),
            total_amount: Some(fen(1000)),
            reason: Some("retry test".into()),
        };
        let r1 = engine.refund(&req).await.unwrap();
        assert_eq!(r1.state, RefundState::Success, "{g}: {r1:?}");
        assert_eq!(sent.refunds(), 1, "{g}");
        let r2 = engine.refund(&req).await.unwrap();
        assert_eq!((r2.state, r2.amount), (RefundState::Success, r1.amount), "{g}: {r2:?}");
        assert_eq!(sent.refunds(), 1, "{g}: a settled refund is reported, not sent again");
        let o = sim(&sb, g, &no).unwrap();
        assert_eq!((o.refunded, o.state), (300, SimState::PartiallyRefunded), "{g}: {o:?}");
        let other = RefundRequest { refund_amount: fen(301), ..req.clone() };
        let e = engine.refund(&other).await.unwrap_err();
        assert_eq!(field_of(&e), "refund_no", "{g}: {e:?}");
        assert_eq!(sent.refunds(), 1, "{g}");
        assert_eq!(sim(&sb, g, &no).unwrap().refunded, 300, "{g}");
        let entry = journal.get(EntryKind::Refund, g, &refund_no).unwrap().unwrap();
        assert_eq!((entry.state, entry.attempts, entry.amount), (EntryState::Refunded, 1, fen(300)), "{g}");
        assert_eq!(journal.refunds_of(g, &no).unwrap().len(), 1);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 6. The caller gives up: the payment goes on

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_caller_never_abandons_the_payment() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(4000, 500)), journal.clone()).unwrap();
        let reporter = Arc::new(Events::default());
        engine.set_reporter(Some(reporter.clone()));

        let no = new_no("E");
        let listener = Arc::new(Events::default());
        let gave_up = tokio::time::timeout(
            Duration::from_millis(300),
            engine.pay(pay_req(&no, "1002", 500), Some(listener.clone())),
        )
        .await;
        assert!(gave_up.is_err(), "{g}: the caller gave up mid-poll: {gave_up:?}");
        assert_ne!(payment(&journal, g, &no).state, EntryState::Paid, "{g}: still under way");
        wait_for("the reporter's Final", Duration::from_secs(10), || reporter.final_state(&no).is_some()).await;
        assert_eq!(reporter.final_state(&no), Some(TradeState::Paid), "{g}");
        wait_for("the listener's Final", Duration::from_secs(2), || listener.final_state(&no).is_some()).await;
        assert_eq!(listener.final_state(&no), Some(TradeState::Paid), "{g}");
        assert_eq!(listener.of(&no), reporter.of(&no), "{g}: both heard everything");
        assert_eq!(payment(&journal, g, &no).state, EntryState::Paid, "{g}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");

        // stop_watching: no more events to that listener; the payment still ends paid.
        let no = new_no("E");
        let listener = Arc::new(Events::default());
        let handle = engine.start_payment(pay_req(&no, "1002", 600), Some(listener.clone())).unwrap();
        wait_for("a first poll", Duration::from_secs(5), || {
            listener.of(&no).iter().any(|e| matches!(e, PaymentEvent::Poll { .. }))
        })
        .await;
        handle.stop_watching();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let seen = listener.of(&no).len();
        let r = handle.result().await.unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g}: {r:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(listener.of(&no).len(), seen, "{g}: events after stop_watching: {:?}", listener.of(&no));
        assert_eq!(listener.final_state(&no), None, "{g}");
        assert_eq!(reporter.final_state(&no), Some(TradeState::Paid), "{g}: the reporter still hears it");
        assert_eq!(payment(&journal, g, &no).state, EntryState::Paid, "{g}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");
        assert_eq!(sent.pays(), 2, "{g}");

        // A reporter set after the payment started still hears how it ends.
        let late = Arc::new(Events::default());
        let no = new_no("E");
        let handle = engine.start_payment(pay_req(&no, "1001", 700), None).unwrap();
        engine.set_reporter(Some(late.clone()));
        assert_eq!(handle.result().await.unwrap().state, TradeState::Paid, "{g}");
        wait_for("the late reporter's Final", Duration::from_secs(2), || late.final_state(&no).is_some()).await;
        assert_eq!(late.final_state(&no), Some(TradeState::Paid), "{g}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 7. The cashier cancels mid-poll

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashier_cancel_reverses_after_earliest_reverse() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let journal = Arc::new(Journal::in_memory().unwrap());
        let earliest = Duration::from_millis(1500);
        let deadline = 20_000;
        let engine = Engine::on_current_runtime(
            client_with(&sb, g, schedule(deadline, earliest.as_millis() as u64)),
            journal.clone(),
        )
        .unwrap();
        let no = new_no("E");
        let events = Arc::new(Events::default());
        let started = Instant::now();
        let handle = engine.start_payment(pay_req(&no, "1030", 300), Some(events.clone())).unwrap();
        wait_for("a first poll", Duration::from_secs(5), || {
            events.of(&no).iter().any(|e| matches!(e, PaymentEvent::Poll { .. }))
        })
        .await;
        handle.cancel();
        let r = handle.result().await.unwrap();
        let took = started.elapsed();
        assert!(unpaid_cancel_states().contains(&r.state), "{g}: {r:?}");
        let ev = events.of(&no);
        assert!(ev.iter().any(|e| matches!(e, PaymentEvent::Reversing { .. })), "{g}: {ev:?}");
        assert_eq!(ev.last(), Some(&PaymentEvent::Final { order_no: no.clone(), state: r.state }), "{g}");
        // Not before the earliest reverse, and long before the deadline.
        assert!(took >= earliest - Duration::from_millis(100), "{g}: reversed after {took:?}");
        assert!(took < Duration::from_millis(deadline / 2), "{g}: the cancel was not acted on: {took:?}");
        let e = payment(&journal, g, &no);
        assert!(matches!(e.state, EntryState::Reversed | EntryState::Closed), "{g}: {e:?}");
        let since_sent = e.updated_at_ms - e.first_sent_at_ms.unwrap();
        assert!(since_sent >= earliest.as_millis() as i64 - 20, "{g}: settled {since_sent} ms after sending");
        let o = sim(&sb, g, &no).unwrap();
        assert!(matches!(o.state, SimState::Reversed | SimState::Closed), "{g}: {o:?}");
        assert_eq!(o.charges, 0, "{g}: {o:?}");

        // Engine::cancel of a settled, paid order reverses it (TLinx: by a full refund).
        let paid = new_no("E");
        assert_eq!(engine.pay(pay_req(&paid, "0000", 250), None).await.unwrap().state, TradeState::Paid);
        let c = engine.cancel(&paid).await.unwrap();
        assert_eq!(c.state, TradeState::Reversed, "{g}: {c:?}");
        let e = payment(&journal, g, &paid);
        assert_eq!(e.state, EntryState::Reversed, "{g}: {e:?}");
        let o = sim(&sb, g, &paid).unwrap();
        assert!(holds_no_money(&o), "{g}: {o:?}");

        // The cashier cancels while the pay call is still out, and it comes back paid: the
        // cancel still stands (reversed), through the handle and through Engine::cancel.
        for via_engine in [false, true] {
            let no = new_no("E");
            let handle = engine.start_payment(pay_req(&no, "0000", 260), None).unwrap();
            let r = if via_engine {
                engine.cancel(&no).await.unwrap()
            } else {
                handle.cancel();
                handle.result().await.unwrap()
            };
            assert_eq!(r.state, TradeState::Reversed, "{g} via_engine={via_engine}: {r:?}");
            let e = payment(&journal, g, &no);
            assert_eq!(e.state, EntryState::Reversed, "{g} via_engine={via_engine}: {e:?}");
            assert!(e.updated_at_ms - e.first_sent_at_ms.unwrap() >= earliest.as_millis() as i64 - 20, "{g}");
            let o = sim(&sb, g, &no).unwrap();
            assert!(holds_no_money(&o), "{g} via_engine={via_engine}: {o:?}");
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 8. Recovery after a crash

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_after_a_crash() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let path = journal_path(&format!("engine-{g}"));

        // (1) Paying when the process dies; recovered while still paying: ends paid, never re-sent.
        let slow = schedule(8000, 500);
        let doomed = Doomed::new(client_with(&sb, g, slow), &path);
        let no = new_no("E");
        doomed.engine.start_payment(pay_req(&no, "1003", 1500), None).unwrap();
        let watch = Journal::open(&path).unwrap();
        wait_for("the journal to show paying", Duration::from_secs(5), || {
            watch.get(EntryKind::Payment, g, &no).unwrap().is_some_and(|e| e.state == EntryState::Paying)
        })
        .await;
        doomed.crash();
        let after = Journal::open(&path).unwrap();
        let open: Vec<_> = after.unsettled().unwrap().into_iter().map(|e| e.number).collect();
        assert_eq!(open, vec![no.clone()], "{g}: the crash left it unsettled");
        let recovering = engine_on(client_with(&sb, g, slow), Journal::open(&path).unwrap());
        let reporter = Arc::new(Events::default());
        recovering.set_reporter(Some(reporter.clone()));
        let rec = recovering.recover().await.unwrap();
        assert_eq!(rec.len(), 1, "{g}: {rec:?}");
        assert_eq!((rec[0].number.as_str(), rec[0].state), (no.as_str(), EntryState::Paid), "{g}: {rec:?}");
        assert_eq!(reporter.final_state(&no), Some(TradeState::Paid), "{g}: recovery reports");
        let e = payment(&after, g, &no);
        assert_eq!((e.state, e.attempts), (EntryState::Paid, 1), "{g}: {e:?}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");
        assert_eq!(sent.pays(), 1, "{g}: never re-sent");
        assert!(after.unsettled().unwrap().is_empty());

        // (2) Paying when the process dies; recovered after its deadline: reversed.
        let short = schedule(1500, 500);
        let doomed = Doomed::new(client_with(&sb, g, short), &path);
        let late = new_no("E");
        doomed.engine.start_payment(pay_req(&late, "1060", 2500), None).unwrap();
        wait_for("the journal to show paying", Duration::from_secs(5), || {
            watch.get(EntryKind::Payment, g, &late).unwrap().is_some_and(|e| e.state == EntryState::Paying)
        })
        .await;
        doomed.crash();
        let e = payment(&after, g, &late);
        assert_eq!(e.state, EntryState::Paying, "{g}");
        let past = e.first_sent_at_ms.unwrap() + short.deadline.as_millis() as i64 + 200;
        while posgate_core::journal::now_ms() < past {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let recovering = engine_on(client_with(&sb, g, short), Journal::open(&path).unwrap());
        let rec = recovering.recover().await.unwrap();
        assert_eq!(rec.len(), 1, "{g}: {rec:?}");
        assert!(matches!(rec[0].state, EntryState::Reversed | EntryState::Closed), "{g}: {rec:?}");
        let o = sim(&sb, g, &late).unwrap();
        assert!(holds_no_money(&o) && o.state != SimState::Paid, "{g}: {o:?}");
        assert_eq!(payment(&after, g, &late).attempts, 1, "{g}");
        assert_eq!(sent.pays(), 2, "{g}");

        // (2b) Dead while waiting to reverse (the journal says reversing): recovery reverses it.
        let slow_reverse = schedule(800, 3000);
        let doomed = Doomed::new(client_with(&sb, g, slow_reverse), &path);
        let reversing = new_no("E");
        doomed.engine.start_payment(pay_req(&reversing, "1060", 2600), None).unwrap();
        wait_for("the journal to show reversing", Duration::from_secs(5), || {
            watch.get(EntryKind::Payment, g, &reversing).unwrap().is_some_and(|e| e.state == EntryState::Reversing)
        })
        .await;
        doomed.crash();
        let recovering = engine_on(client_with(&sb, g, slow_reverse), Journal::open(&path).unwrap());
        let rec = recovering.recover().await.unwrap();
        assert_eq!(rec.len(), 1, "{g}: {rec:?}");
        assert!(matches!(rec[0].state, EntryState::Reversed | EntryState::Closed), "{g}: {rec:?}");
        let e = payment(&after, g, &reversing);
        assert!(e.updated_at_ms - e.first_sent_at_ms.unwrap() >= 3000 - 20, "{g}: reversed too early: {e:?}");
        let o = sim(&sb, g, &reversing).unwrap();
        assert!(holds_no_money(&o) && o.state != SimState::Paid, "{g}: {o:?}");
        assert_eq!(sent.pays(), 3, "{g}");

        // (3) Journalled, never sent: recovered as failed (not sent), and may then be sent.
        let gw = client_with(&sb, g, short);
        let unsent = new_no("E");
        let req = pay_req(&unsent, "0000", 100);
        assert!(matches!(begin_payment(&after, gw.as_ref(), &req).unwrap(), Begin::New(_)));
        let recovering = engine_on(gw, Journal::open(&path).unwrap());
        let rec = recovering.recover().await.unwrap();
        assert_eq!(rec.len(), 1, "{g}: {rec:?}");
        assert_eq!((rec[0].state, rec[0].note.as_deref()), (EntryState::Failed, Some(NOT_SENT)), "{g}: {rec:?}");
        assert!(sim(&sb, g, &unsent).is_none(), "{g}: nothing reached the gateway");
        assert_eq!(sent.pays(), 3, "{g}");
        assert!(payment(&after, g, &unsent).resendable());
        assert_eq!(recovering.pay(req, None).await.unwrap().state, TradeState::Paid, "{g}");
        assert_eq!(sim(&sb, g, &unsent).unwrap().charges, 1, "{g}");
        assert_eq!(sent.pays(), 4, "{g}");

        // (4) Journalled, never sent, and the cashier retries before any recovery: it is sent
        // (once), not polled as if it might have left.
        let gw = client_with(&sb, g, short);
        let retried = new_no("E");
        let req = pay_req(&retried, "0000", 120);
        assert!(matches!(begin_payment(&after, gw.as_ref(), &req).unwrap(), Begin::New(_)));
        let live = engine_on(gw, Journal::open(&path).unwrap());
        assert_eq!(live.pay(req, None).await.unwrap().state, TradeState::Paid, "{g}");
        let e = payment(&after, g, &retried);
        assert_eq!((e.state, e.attempts), (EntryState::Paid, 1), "{g}: {e:?}");
        assert_eq!(sim(&sb, g, &retried).unwrap().charges, 1, "{g}");
        assert_eq!(sent.pays(), 5, "{g}");

        assert!(after.unsettled().unwrap().is_empty(), "{g}");
        remove_journal(&path);
    })
    .await;
}

/// A pre-order sent with its outcome unknown that never reached the gateway (its connection
/// reset before the gateway read it): recovery past its deadline finds no such order and ends it
/// failed, instead of leaving it paying for a payer who cannot come. One that did arrive is
/// recovered by its state (still unpaid: left open for its payer). On all five gateways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_ends_a_preorder_that_never_arrived() {
    let tasks: Vec<_> = posgate_sandbox::SIMULATED
        .iter()
        .map(|&g| {
            (
                g,
                tokio::spawn(async move {
                    let sb = Sandbox::start().await.unwrap();
                    let (url, _seen) = notify_server(preorder(g, "X", 0, "").2).await;
                    let short = schedule(600, 100);
                    let journal = Arc::new(Journal::in_memory().unwrap());
                    let engine = Engine::on_current_runtime(client_with(&sb, g, short), journal.clone()).unwrap();
                    let reset = ScriptedFaults::new(vec![Some(Fault::ResetBeforeCommit)]);
                    sb.set_faults(Some(Arc::new(reset)));
                    let lost = new_no("E");
                    let (op, params, _) = preorder(g, &lost, 300, &url);
                    let e = engine.invoke(op, params).await.unwrap_err();
                    assert!(e.outcome_unknown(), "{g}: {e:?}");
                    assert_eq!(payment(&journal, g, &lost).state, EntryState::Paying, "{g}");
                    assert!(sim(&sb, g, &lost).is_none(), "{g}: never reached the gateway");
                    let arrived = new_no("E");
                    let (op, params, _) = preorder(g, &arrived, 300, &url);
                    engine.invoke(op, params).await.unwrap();

                    tokio::time::sleep(short.deadline + Duration::from_millis(200)).await;
                    let rec = engine.recover().await.unwrap();
                    let e = payment(&journal, g, &lost);
                    assert_eq!(e.state, EntryState::Failed, "{g}: {e:?} ({rec:?})");
                    assert!(e.note.as_deref().is_some_and(|n| n.contains("never arrived")), "{g}: {e:?}");
                    assert!(!e.resendable(), "{g}: it was sent; its number is not sent again");
                    // Sunmi's sandbox payer of the kit's prepay pays at once; the others wait.
                    let e = payment(&journal, g, &arrived);
                    assert!(matches!(e.state, EntryState::Paying | EntryState::Paid), "{g}: {e:?}");
                    let o = sim(&sb, g, &arrived).unwrap();
                    assert_eq!(e.state == EntryState::Paid, o.state == SimState::Paid, "{g}: {o:?}");
                }),
            )
        })
        .collect();
    for (g, t) in tasks {
        t.await.unwrap_or_else(|e| panic!("{g}: {e}"));
    }
}

/// A pre-order the gateway answered, which it then says it does not have (as Alipay's precreate
/// does until its code is scanned): recovery never ends it failed, however late; its payer may
/// still come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_never_fails_a_preorder_the_gateway_answered() {
    let sb = Sandbox::start().await.unwrap();
    let g = GatewayId::Chaoying;
    let short = schedule(300, 100);
    let journal = Arc::new(Journal::in_memory().unwrap());
    let engine = Engine::on_current_runtime(client_with(&sb, g, short), journal.clone()).unwrap();
    // Journalled, sent and answered (as the engine records an answered pre-order); the
    // sandbox never heard of it, so every query answers "no such order".
    let no = new_no("E");
    let Begin::New(e) = journal.begin(EntryKind::Payment, g, &no, "order_no", &no, kit::fen(300), "{}").unwrap() else {
        panic!("new")
    };
    journal.mark_sending(e.id).unwrap();
    journal.update(e.id, EntryState::Paying, Some(r#"{"code_url":"weixin://x"}"#), Some("preorder")).unwrap();
    tokio::time::sleep(short.deadline + Duration::from_millis(200)).await;
    engine.recover().await.unwrap();
    let e = payment(&journal, g, &no);
    assert_eq!(e.state, EntryState::Paying, "{e:?}");
}

/// The app died while reversing a paid payment (its deadline passed, or the cashier cancelled
/// it). A paid answer that comes before recovery (a query from the screen; a notification takes
/// the same path) is kept, but never settles it paid: recovery still reverses it, on every
/// barcode gateway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_answer_never_settles_a_payment_being_reversed() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let journal = Arc::new(Journal::in_memory().unwrap());
        let gw = client_with(&sb, g, schedule(600, 100));
        let engine = Engine::on_current_runtime(gw.clone(), journal.clone()).unwrap();
        let no = new_no("E");
        let req = pay_req(&no, "0000", 450);
        let Begin::New(e) = journal.begin(EntryKind::Payment, g, &no, "order_no", &no, kit::fen(450), "{}").unwrap()
        else {
            panic!("new")
        };
        journal.mark_sending(e.id).unwrap();
        assert_eq!(gw.pay(&req).await.unwrap().state, TradeState::Paid, "{g}");
        journal.update(e.id, EntryState::Reversing, None, Some("paid, but the cashier cancelled")).unwrap();

        let r = engine.query(&no).await.unwrap();
        assert_eq!(r.state, TradeState::Paid, "{g}");
        let e = payment(&journal, g, &no);
        assert_eq!(e.state, EntryState::Reversing, "{g}: {e:?}");
        assert!(e.last_answer.is_some(), "{g}: the answer reached the journal");

        engine.recover().await.unwrap();
        let e = payment(&journal, g, &no);
        assert!(matches!(e.state, EntryState::Reversed | EntryState::Closed | EntryState::Refunded), "{g}: {e:?}");
        let o = sim(&sb, g, &no).unwrap();
        assert!(holds_no_money(&o), "{g}: {o:?}");
    })
    .await;
}

/// A cancel sent before a crash, of an order the gateway does not have (its payment never
/// arrived): recovery sends it again and the gateway answers "no such order" (Sunmi: no cancel at
/// all). That is an answer: the cancel ends failed, not unknown for every later recovery to ask
/// again. On all five gateways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_takes_a_cancel_refused_for_good_as_its_answer() {
    let tasks: Vec<_> = posgate_sandbox::SIMULATED
        .iter()
        .map(|&g| {
            (
                g,
                tokio::spawn(async move {
                    let sb = Sandbox::start().await.unwrap();
                    let journal = Arc::new(Journal::in_memory().unwrap());
                    let engine =
                        Engine::on_current_runtime(client_with(&sb, g, schedule(600, 100)), journal.clone()).unwrap();
                    let no = new_no("E");
                    let entry = match journal.begin(EntryKind::Cancel, g, &no, "order_no", &no, fen(100), "{}").unwrap()
                    {
                        Begin::New(e) => e,
                        Begin::Existing(e) => panic!("{g}: {e:?}"),
                    };
                    journal.mark_sending(entry.id).unwrap();
                    let rec = engine.recover().await.unwrap();
                    let e = journal.by_id(entry.id).unwrap();
                    assert_eq!(e.state, EntryState::Failed, "{g}: {e:?} ({rec:?})");
                    assert!(journal.unsettled().unwrap().is_empty(), "{g}");
                    assert!(sim(&sb, g, &no).is_none(), "{g}");
                    // A later recovery has nothing left to ask.
                    assert!(engine.recover().await.unwrap().is_empty(), "{g}");
                }),
            )
        })
        .collect();
    for (g, t) in tasks {
        t.await.unwrap_or_else(|e| panic!("{g}: {e}"));
    }
}

/// A gateway whose query answers arrive late: each is the order's state when the query reached
/// the gateway, handed over `delay` later (a slow network on the way back).
struct LateQueries {
    inner: Arc<dyn posgate_core::Gateway>,
    delay: Duration,
}

#[async_trait::async_trait]
impl posgate_core::Operations for LateQueries {
    fn operations(&self) -> &'static [posgate_core::OperationInfo] {
        self.inner.operations()
    }
    async fn invoke(
        &self,
        name: &str,
        params: serde_json::Value,
    ) -> posgate_core::Result<posgate_core::operation::Invoked> {
        self.inner.invoke(name, params).await
    }
    fn describe(
        &self,
        name: &str,
        params: &serde_json::Value,
    ) -> posgate_core::Result<posgate_core::operation::Described> {
        self.inner.describe(name, params)
    }
    fn into_any(self: Arc<Self>) -> Arc<dyn std::any::Any + Send + Sync> {
        self
    }
}

#[async_trait::async_trait]
impl posgate_core::Gateway for LateQueries {
    fn id(&self) -> GatewayId {
        self.inner.id()
    }
    fn merchant(&self) -> String {
        self.inner.merchant()
    }
    fn schedule(&self) -> PollSchedule {
        self.inner.schedule()
    }
    fn validate_pay(&self, req: &PayRequest) -> posgate_core::Result<()> {
        self.inner.validate_pay(req)
    }
    fn numbers(&self) -> posgate_core::gateway::Numbers {
        self.inner.numbers()
    }
    async fn pay(&self, req: &PayRequest) -> posgate_core::Result<posgate_core::TradeResult> {
        self.inner.pay(req).await
    }
    async fn query(&self, order_no: &str) -> posgate_core::Result<posgate_core::TradeResult> {
        let r = self.inner.query(order_no).await;
        tokio::time::sleep(self.delay).await;
        r
    }
    async fn refund(&self, req: &RefundRequest) -> posgate_core::Result<posgate_core::RefundResult> {
        self.inner.refund(req).await
    }
    async fn refund_query(&self, order_no: &str, refund_no: &str) -> posgate_core::Result<posgate_core::RefundResult> {
        self.inner.refund_query(order_no, refund_no).await
    }
    async fn cancel(&self, order_no: &str) -> posgate_core::Result<posgate_core::TradeResult> {
        self.inner.cancel(order_no).await
    }
    fn verify_notification(&self, fields: &RawFields) -> posgate_core::Result<posgate_core::Notification> {
        self.inner.verify_notification(fields)
    }
    fn is_definite(&self, err: &Error) -> bool {
        self.inner.is_definite(err)
    }
    fn is_order_not_found(&self, err: &Error) -> bool {
        self.inner.is_order_not_found(err)
    }
}

/// A crash left a payment unsettled (sent, paid at the gateway, no answer recorded) and the
/// cashier's cancel of it unsettled (sent, no answer recorded). Recovery settles the cancel
/// first and the payment by what the cancel did: side by side, a query sent before the cancel
/// took effect (its answer late) recorded the payment paid after the cancel had recorded it
/// reversed, and the journal said paid while the gateway had given the money back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_settles_a_cancel_before_the_payment_it_cancels() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let journal = Arc::new(Journal::in_memory().unwrap());
        let gw = client_with(&sb, g, schedule(3000, 0));
        let no = new_no("E");
        let req = pay_req(&no, "0000", 700);
        let paying = match begin_payment(&journal, gw.as_ref(), &req).unwrap() {
            Begin::New(e) => e,
            Begin::Existing(e) => panic!("{g}: {e:?}"),
        };
        journal.mark_sending(paying.id).unwrap();
        assert_eq!(gw.pay(&req).await.unwrap().state, TradeState::Paid, "{g}");
        let cancel = match journal.begin(EntryKind::Cancel, g, &no, "order_no", &no, fen(700), "{}").unwrap() {
            Begin::New(e) => e,
            Begin::Existing(e) => panic!("{g}: {e:?}"),
        };
        journal.mark_sending(cancel.id).unwrap();

        let late = Arc::new(LateQueries { inner: gw, delay: Duration::from_millis(1500) });
        let engine = Engine::on_current_runtime(late, journal.clone()).unwrap();
        let rec = engine.recover().await.unwrap();
        let o = sim(&sb, g, &no).unwrap();
        assert!(holds_no_money(&o), "{g}: the cancel went through: {o:?}");
        let c = journal.by_id(cancel.id).unwrap();
        assert!(matches!(c.state, EntryState::Reversed | EntryState::Closed | EntryState::Refunded), "{g}: {c:?}");
        let p = payment(&journal, g, &no);
        assert_eq!(p.state, c.state, "{g}: the payment is what its cancel made it: {p:?} ({rec:?})");
        assert!(journal.unsettled().unwrap().is_empty(), "{g}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// A charge by name through invoke runs through the journal and the machine too

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_charges_are_journalled_and_settled() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(3000, 500)), journal.clone()).unwrap();
        let no = new_no("E");
        let (op, params) = barcode_charge(g, &no, "1001", 640, "engine test");
        let v = engine.invoke(op, params.clone()).await.unwrap();
        assert_eq!(v["state"], "paid", "{g}: {v}");
        let e = payment(&journal, g, &no);
        assert_eq!((e.state, e.attempts, e.amount), (EntryState::Paid, 1, fen(640)), "{g}: {e:?}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");
        // Again: the recorded result, nothing sent.
        assert_eq!(engine.invoke(op, params).await.unwrap()["state"], "paid", "{g}");
        assert_eq!(sent.pays(), 1, "{g}");
        // Another amount under the same number: refused unsent.
        let (op, params) = barcode_charge(g, &no, "1001", 641, "engine test");
        assert_eq!(field_of(&engine.invoke(op, params).await.unwrap_err()), "order_no", "{g}");
        assert_eq!(sent.pays(), 1, "{g}");
    })
    .await;
}

/// A refund whose outcome stayed unknown is settled by recovery: found done, or (the gateway has
/// no such refund) sent again under its own number, never refunded twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_settles_unknown_refunds() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let path = journal_path(&format!("engine-refund-{g}"));
        let engine = engine_on(client_with(&sb, g, schedule(3000, 500)), Journal::open(&path).unwrap());
        let journal = Journal::open(&path).unwrap();
        let refund = |order_no: &str, amount: i64| RefundRequest {
            order_no: order_no.into(),
            refund_no: posgate_core::ids::new_order_no("R"),
            refund_amount: fen(amount),
            total_amount: Some(fen(1000)),
            reason: None,
        };

        // (1) The refund never reached the gateway, and its queries find nothing.
        let lost = new_no("E");
        assert_eq!(engine.pay(pay_req(&lost, "0000", 1000), None).await.unwrap().state, TradeState::Paid);
        sent.trap(REFUND_CALLS, Fault::ResetBeforeCommit);
        let req = refund(&lost, 400);
        let r = engine.refund(&req).await.unwrap();
        assert_eq!(r.state, RefundState::Unknown, "{g}: {r:?}");
        assert_eq!(sim(&sb, g, &lost).unwrap().refunded, 0, "{g}");
        assert_eq!(journal.unsettled().unwrap().len(), 1, "{g}");

        // (2) The refund went through, but its answer and every query of it were lost.
        let done = new_no("E");
        assert_eq!(engine.pay(pay_req(&done, "0000", 1000), None).await.unwrap().state, TradeState::Paid);
        sent.trap(REFUND_CALLS, Fault::ResetAfterCommit);
        for _ in 0..3 {
            sent.trap(REFUND_QUERIES, Fault::ServerErrorBeforeCommit);
        }
        let req2 = refund(&done, 300);
        let r = engine.refund(&req2).await.unwrap();
        assert_eq!(r.state, RefundState::Unknown, "{g}: {r:?}");
        assert_eq!(sim(&sb, g, &done).unwrap().refunded, 300, "{g}");
        assert_eq!(journal.unsettled().unwrap().len(), 2, "{g}");
        let before = sent.refunds();

        let rec = engine.recover().await.unwrap();
        let state_of = |no: &str| rec.iter().find(|x| x.number == no).map(|x| x.state);
        assert_eq!(state_of(&req.refund_no), Some(EntryState::Refunded), "{g}: {rec:?}");
        assert_eq!(state_of(&req2.refund_no), Some(EntryState::Refunded), "{g}: {rec:?}");
        assert_eq!(sent.refunds(), before + 1, "{g}: only the lost refund is sent again");
        assert_eq!(sim(&sb, g, &lost).unwrap().refunded, 400, "{g}");
        assert_eq!(sim(&sb, g, &done).unwrap().refunded, 300, "{g}: never refunded twice");
        assert!(journal.unsettled().unwrap().is_empty(), "{g}");
        remove_journal(&path);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 9. Notifications checked against the journal

/// `fields` with `changes` applied and signed again with the sandbox's key (a notification the
/// gateway could have sent).
fn resigned(g: GatewayId, fields: &RawFields, changes: &[(&str, &str)]) -> RawFields {
    let mut f = fields.clone();
    for (k, v) in changes {
        f.insert(k.to_string(), v.to_string());
    }
    let sign = match g {
        GatewayId::Chaoying => {
            posgate_core::chaoying::protocol::sign(&f, posgate_sandbox::chaoying::test_credentials().key.expose())
        }
        GatewayId::Tlinx => {
            posgate_core::tlinx::protocol::sign(&f, posgate_sandbox::tlinx::test_credentials().open_key.expose())
        }
        GatewayId::Kuaishou => return kuaishou_notification(fields, changes, true),
        GatewayId::Mmsp => return mmsp_notification(fields, changes, true),
        other => panic!("{other}: add its notification signing to resigned"),
    };
    f.insert("sign".into(), sign);
    f
}

/// A Kuaishou notification with `changes` made to the members of its (3DES, JSON) body, signed
/// again with the sandbox's key when `sign`, else under the original sign.
fn kuaishou_notification(fields: &RawFields, changes: &[(&str, &str)], sign: bool) -> RawFields {
    use posgate_core::kuaishou::protocol;
    let key = posgate_sandbox::kuaishou::KEY;
    let encrypted = fields.get("encrypt").is_some_and(|e| e == "3DES");
    let text = protocol::plaintext(key, &fields["body"], encrypted).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (k, v) in changes {
        doc["PAY_NODIFY"][*k] = json!(v);
    }
    let text = doc.to_string();
    let mut f = fields.clone();
    if sign {
        f.insert("sign".into(), protocol::sign("1700000000", key, &text));
    }
    f.insert("body".into(), if encrypted { protocol::encrypt(key, &text) } else { text });
    f
}

/// An MMSP push with `changes` made to the members of its envelope's Body, signed again with the
/// sandbox's key when `sign`, else under the original Sign.
fn mmsp_notification(fields: &RawFields, changes: &[(&str, &str)], sign: bool) -> RawFields {
    use posgate_core::mmsp::wire;
    let mut doc: serde_json::Value = serde_json::from_str(&fields["body"]).unwrap();
    for (k, v) in changes {
        doc["Body"][*k] = json!(v);
    }
    if sign {
        let body = doc["Body"].as_object().unwrap().clone();
        doc["Sign"] = json!(wire::sign(wire::PhpJson::default(), &body, posgate_sandbox::mmsp::KEY));
    }
    let mut f = fields.clone();
    f.insert("body".into(), doc.to_string());
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_checked_against_the_journal() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let journal = Arc::new(Journal::in_memory().unwrap());
        let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(3000, 500)), journal.clone()).unwrap();
        let no = new_no("E");
        let ack = preorder(g, &no, 0, "").2;
        let (url, seen) = notify_server(ack).await;
        let (op, params, _) = preorder(g, &no, 480, &url);

        let v = engine.invoke(op, params.clone()).await.unwrap();
        assert!(!v.is_null(), "{g}");
        let e = payment(&journal, g, &no);
        assert_eq!((e.state, e.amount, e.attempts), (EntryState::Paying, fen(480), 1), "{g}: {e:?}");
        // A pre-order number is never used twice.
        let again = engine.invoke(op, params).await.unwrap_err();
        assert_eq!(field_of(&again), "order_no", "{g}: {again:?}");

        assert_eq!(sb.pay_preorder(g, &no).await.unwrap().as_deref(), Some(ack), "{g}");
        let fields = seen.fields().first().cloned().expect("a notification");
        let check = engine.check_notification(&fields).unwrap();
        assert!(!check.duplicate, "{g}");
        assert_eq!((check.notification.order_no.as_str(), check.notification.state), (no.as_str(), TradeState::Paid));
        assert_eq!(check.notification.ack, ack);
        assert_eq!(payment(&journal, g, &no).state, EntryState::Paid, "{g}");
        assert_eq!(sim(&sb, g, &no).unwrap().charges, 1, "{g}");

        // Delivered again: recognised, nothing changed.
        let before = payment(&journal, g, &no);
        let dup = engine.check_notification(&fields).unwrap();
        assert!(dup.duplicate, "{g}");
        assert_eq!(payment(&journal, g, &no), before, "{g}");

        // Signed correctly but for another amount.
        match g {
            GatewayId::Chaoying | GatewayId::Kuaishou | GatewayId::Mmsp => {
                let amount = if g == GatewayId::Chaoying { "total_fee" } else { "AMT" };
                let other = resigned(g, &fields, &[(amount, "481")]);
                let e = engine.check_notification(&other).unwrap_err();
                assert_eq!(field_of(&e), "amount", "{g}: {e:?}");
            }
            // TLinx notifications carry no amount (4.8.1: ord_no, out_no, status, timestamp,
            // rand_str): there is nothing to compare.
            _ => assert_eq!(check.notification.amount, None, "{g}"),
        }
        // Signed correctly for an order the journal does not know.
        let order_field = match g {
            GatewayId::Chaoying => "out_trade_no",
            GatewayId::Kuaishou => "CHARGE_CODE",
            GatewayId::Mmsp => "MERORDERID",
            _ => "out_no",
        };
        let stranger = new_no("E");
        let e = engine.check_notification(&resigned(g, &fields, &[(order_field, &stranger)])).unwrap_err();
        assert_eq!(field_of(&e), "order_no", "{g}: {e:?}");
        // Tampered.
        let tampered = if g == GatewayId::Kuaishou {
            kuaishou_notification(&fields, &[(order_field, &stranger)], false)
        } else if g == GatewayId::Mmsp {
            mmsp_notification(&fields, &[(order_field, &stranger)], false)
        } else {
            let mut tampered = fields.clone();
            tampered.insert(order_field.into(), stranger);
            tampered
        };
        let e = engine.check_notification(&tampered).unwrap_err();
        assert!(matches!(e, Error::SignatureInvalid { .. }), "{g}: {e:?}");
        assert_eq!(payment(&journal, g, &no), before, "{g}: nothing changed");
    })
    .await;
}

/// A face payment (or a barcode payorder by name) the gateway answers paid at once is settled by
/// its own answer: the journal says paid and no query is ever sent, whatever the poll schedule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charge_paid_at_once_settles_without_a_query() {
    const QUERIES: &[&str] = &[
        "chaoying/UnifiedPay/Gateway?method=orderquery",
        "tlinx/mct1/paystatus",
        "kuaishou/openGateway/openService/query",
        "mmsp/scan?CommandID=2310",
    ];
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let sent = Requests::install(&sb);
        let journal = Arc::new(Journal::in_memory().unwrap());
        // A first query a minute away: a charge waiting for it would hang the test.
        let slow = PollSchedule {
            first_query_after: Duration::from_secs(60),
            interval: Duration::from_secs(60),
            deadline: Duration::from_secs(120),
            earliest_reverse: Duration::from_secs(15),
        };
        let engine = Engine::on_current_runtime(client_with(&sb, g, slow), journal.clone()).unwrap();
        let no = new_no("E");
        let (op, params) = match g {
            GatewayId::Chaoying => (
                "face_pay",
                json!({"paytype": "WECHAT", "openid": "oFacePayer", "out_trade_no": no, "total_fee": 880,
                       "face_code": "1200610988280000", "body": "face test"}),
            ),
            _ => barcode_charge(g, &no, "0000", 880, "engine test"),
        };
        let v =
            tokio::time::timeout(Duration::from_secs(20), engine.invoke(op, params)).await.expect("settled at once");
        let v = v.unwrap();
        assert_eq!(v["state"], "paid", "{g}: {v}");
        let e = payment(&journal, g, &no);
        assert_eq!((e.state, e.amount), (EntryState::Paid, fen(880)), "{g}: {e:?}");
        assert_eq!(sent.count(QUERIES), 0, "{g}: no query for a charge its answer settled");
        // The journal's copy of the request is masked: no face code, openid or barcode in it.
        for secret in ["1200610988280000", "oFacePayer", &barcode("0000")] {
            assert!(!e.request.contains(secret), "{g}: journal holds {secret}: {}", e.request);
        }
    })
    .await;
}

/// Query, refund query, cancel and close from the app go through the engine: the journal hears
/// every answer (a paid pre-order settles, an unknown refund settles, a cancel or close by name
/// is written before it is sent and its outcome recorded for the order).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_refund_query_cancel_and_close_reach_the_journal() {
    each_gateway(|g| async move {
        let sb = Sandbox::start().await.unwrap();
        let journal = Arc::new(Journal::in_memory().unwrap());
        let gw = client_with(&sb, g, schedule(3000, 500));
        let engine = Engine::on_current_runtime(gw.clone(), journal.clone()).unwrap();
        let (url, _seen) = notify_server(preorder(g, "X", 0, "").2).await;

        // A pre-order the payer pays: the app's query settles the journal's open entry.
        let no = new_no("E");
        let (op, params, _) = preorder(g, &no, 500, &url);
        engine.invoke(op, params).await.unwrap();
        assert_eq!(payment(&journal, g, &no).state, EntryState::Paying, "{g}");
        sb.pay_preorder(g, &no).await.unwrap();
        assert_eq!(engine.query(&no).await.unwrap().state, TradeState::Paid, "{g}");
        assert_eq!(payment(&journal, g, &no).state, EntryState::Paid, "{g}: the query's answer reached the journal");

        // A refund a crash left unknown (journalled and sent, no answer recorded): the app's
        // refund query settles it.
        let refund_no = new_no("E");
        let req = RefundRequest {
            order_no: no.clone(),
            refund_no: refund_no.clone(),
            refund_amount: fen(200),
            total_amount: Some(fen(500)),
            reason: None,
        };
        let entry = match journal
            .begin(EntryKind::Refund, g, &refund_no, "refund_no", &no, fen(200), &serde_json::to_string(&req).unwrap())
            .unwrap()
        {
            Begin::New(e) => e,
            Begin::Existing(e) => panic!("{g}: fresh refund number exists: {e:?}"),
        };
        journal.mark_sending(entry.id).unwrap();
        gw.refund(&req).await.unwrap();
        assert!(!journal.by_id(entry.id).unwrap().state.is_settled(), "{g}");
        engine.refund_query(&no, &refund_no).await.unwrap();
        assert_eq!(
            journal.by_id(entry.id).unwrap().state,
            EntryState::Refunded,
            "{g}: refund query reached the journal"
        );

        // An unpaid pre-order cancelled by name: journalled as a cancel, the order closed.
        let open = new_no("E");
        let (op, params, _) = preorder(g, &open, 300, &url);
        engine.invoke(op, params).await.unwrap();
        let (op, params) = match g {
            GatewayId::Chaoying => ("trade_cancel", json!({"paytype": "WECHAT", "out_trade_no": open})),
            GatewayId::Kuaishou => ("cancel_trade", json!({"charge_code": open})),
            GatewayId::Mmsp => ("scan_cancel", json!({"mer_order_id": open})),
            _ => ("paycancel", json!({"out_no": open})),
        };
        let answer = engine.invoke(op, params).await;
        let cancel = journal.get(EntryKind::Cancel, g, &open).unwrap().expect("cancel journalled");
        assert!(cancel.attempts >= 1, "{g}: {cancel:?}");
        match answer {
            Ok(_) => {
                assert!(cancel.state.is_settled(), "{g}: {cancel:?}");
                let p = payment(&journal, g, &open);
                assert!(matches!(p.state, EntryState::Closed | EntryState::Reversed), "{g}: {p:?}");
            }
            // TLinx cancels barcode orders only (8013): the refusal is recorded.
            Err(Error::GatewayRejected { .. }) => assert_eq!(cancel.state, EntryState::Failed, "{g}: {cancel:?}"),
            Err(e) => panic!("{g}: {e}"),
        }

        // Close: journalled before it is sent; a gateway without close records the refusal.
        let closed = engine.close(&no).await;
        let entry = journal.get(EntryKind::Cancel, g, &no).unwrap().expect("close journalled");
        assert!(entry.attempts >= 1, "{g}: {entry:?}");
        match closed {
            Ok(r) => assert!(entry.state.is_settled(), "{g}: {r:?} {entry:?}"),
            Err(e) => assert_eq!(entry.state, EntryState::Failed, "{g}: {e} {entry:?}"),
        }
    })
    .await;
}

/// A typed refund sent by name is answered, then no refund query gets through: the gateway's own
/// answer is what the journal keeps (not a made-up "unknown"), and the refund stays unknown for
/// recovery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_refunds_answer_reaches_the_journal() {
    let sb = Sandbox::start().await.unwrap();
    let g = GatewayId::Chaoying;
    let journal = Arc::new(Journal::in_memory().unwrap());
    let engine = Engine::on_current_runtime(client_with(&sb, g, schedule(3000, 500)), journal.clone()).unwrap();
    let no = new_no("E");
    assert_eq!(engine.pay(pay_req(&no, "0000", 800), None).await.unwrap().state, TradeState::Paid);
    let refund_no = new_no("E");
    // The refund goes through; each of its refund queries is reset before it is read.
    let reset = Some(Fault::ResetBeforeCommit);
    sb.set_faults(Some(Arc::new(ScriptedFaults::new(vec![None, reset, reset, reset, reset]))));
    let params = json!({"paytype": "WECHAT", "out_trade_no": no, "out_refund_no": refund_no, "total_fee": 800, "refund_fee": 300});
    engine.invoke("trade_refund", params).await.unwrap();
    let e = journal.get(EntryKind::Refund, g, &refund_no).unwrap().expect("refund journalled");
    assert_eq!(e.state, EntryState::Unknown, "{e:?}");
    let answer = e.last_answer.expect("the refund's answer in the journal");
    assert!(answer.contains("refund_id") && answer.contains(&refund_no), "{answer}");
    assert_eq!(sim(&sb, g, &no).unwrap().refunded, 300);
}

/// Typed operations through the engine: a typed charge is a payment on the machine (settled by
/// its own answer), a typed pre-order is journalled as one, an operation of another gateway or
/// a charge sent as a plain call is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_operations_are_journalled_by_their_effect() {
    use posgate_core::chaoying::{FacePayRequest, PayType, WechatPreOrderRequest};
    let sb = Sandbox::start().await.unwrap();
    let sent = Requests::install(&sb);
    let journal = Arc::new(Journal::in_memory().unwrap());
    let engine =
        Engine::on_current_runtime(client_with(&sb, GatewayId::Chaoying, schedule(3000, 500)), journal.clone())
            .unwrap();
    let no = new_no("E");
    let face = FacePayRequest {
        paytype: PayType::Wechat,
        openid: "oTypedPayer".into(),
        out_trade_no: no.clone(),
        total_fee: fen(1200),
        face_code: "1200610988281001".into(),
        body: "typed".into(),
        device_info: None,
        attach: None,
        mch_create_ip: None,
        op_user_id: None,
        op_shop_id: None,
        op_device_id: None,
        goods_tag: None,
        goods_detail: vec![],
    };
    // A charge is not a plain call.
    let e = engine.call(face.clone()).await.unwrap_err();
    assert_eq!(field_of(&e), "face_pay");
    let r = engine.charge(face.clone(), None).unwrap().result().await.unwrap();
    assert_eq!(r.state, TradeState::Paid, "{r:?}");
    let p = payment(&journal, GatewayId::Chaoying, &no);
    assert_eq!((p.state, p.amount), (EntryState::Paid, fen(1200)));
    assert!(!p.request.contains("1200610988281001") && !p.request.contains("oTypedPayer"), "{}", p.request);
    // Again: the recorded result, nothing charged twice.
    assert_eq!(engine.charge(face, None).unwrap().result().await.unwrap().state, TradeState::Paid);
    assert_eq!(sim(&sb, GatewayId::Chaoying, &no).unwrap().charges, 1);

    let pre = new_no("E");
    let req: WechatPreOrderRequest = serde_json::from_value(json!({"body": "typed", "out_trade_no": pre,
        "total_fee": 300, "trade_type": "NATIVE", "product_id": "p1"}))
    .unwrap();
    let answer = engine.call(req).await.unwrap();
    assert!(answer.code_url.is_some(), "{answer:?}");
    assert_eq!(payment(&journal, GatewayId::Chaoying, &pre).state, EntryState::Paying);

    // An operation of another gateway: refused, nothing sent.
    let before = sent.count(&["tlinx/mct1/paylist"]);
    let e = engine.call(posgate_core::tlinx::PaylistRequest { pmt_type: "2,3".into() }).await.unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
    assert_eq!(sent.count(&["tlinx/mct1/paylist"]), before);
}

/// A charge by name that the gateway answers with a refusal that may hide a charge (TLinx: a
/// system error although the charge went through) is unknown, found paid by query, never failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_indefinite_refusal_of_a_charge_is_queried_not_failed() {
    let sb = Sandbox::start().await.unwrap();
    let journal = Arc::new(Journal::in_memory().unwrap());
    let engine =
        Engine::on_current_runtime(client_with(&sb, GatewayId::Tlinx, schedule(3000, 500)), journal.clone()).unwrap();
    let no = new_no("E");
    let (op, params) = barcode_charge(GatewayId::Tlinx, &no, "4001", 450, "engine test");
    let v = engine.invoke(op, params).await.unwrap();
    assert_eq!(v["state"], "paid", "{v}");
    assert_eq!(payment(&journal, GatewayId::Tlinx, &no).state, EntryState::Paid);
    assert_eq!(sim(&sb, GatewayId::Tlinx, &no).unwrap().charges, 1);
}
