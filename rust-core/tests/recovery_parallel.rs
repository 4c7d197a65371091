//! Recovery settles unsettled entries side by side (bounded, `RECOVERY_PARALLEL`), so a hundred
//! of them settle within one gateway deadline instead of one after another: every recovered
//! payment is queried before the first of them settles.

mod kit;

use std::sync::Arc;
use std::time::Duration;

use kit::{client_with, journal_path, pay_request, remove_journal, schedule, Doomed, Events};
use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::{GatewayId, PaymentEvent};
use posgate_sandbox::Sandbox;

const ENTRIES: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_unsettled_payments_recover_side_by_side() {
    let sb = Sandbox::start().await.unwrap();
    let g = GatewayId::Chaoying;
    // Paying for 2 s then paid, or paying for 9 s then failed (past the 3 s deadline: reversed).
    let poll = schedule(3000, 200);
    let path = journal_path("recovery-parallel");
    let doomed = Doomed::new(client_with(&sb, g, poll), &path);
    let mut orders = Vec::new();
    for n in 0..ENTRIES {
        let no = kit::new_no("RP");
        let scenario = if n % 2 == 0 { "1002" } else { "2009" };
        doomed.engine.start_payment(pay_request("recovery", &no, scenario, 100 + n as i64), None).unwrap();
        orders.push(no);
    }
    // Every payment sent and answered "paying", none settled: then the crash.
    let journal = Journal::open(&path).unwrap();
    while journal.list().unwrap().iter().any(|e| e.attempts == 0 || e.state.as_str() == "pending") {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    doomed.crash();
    assert_eq!(journal.unsettled().unwrap().len(), ENTRIES, "all open at the crash");

    let engine =
        Engine::on_current_runtime(client_with(&sb, g, poll), Arc::new(Journal::open(&path).unwrap())).unwrap();
    let events = Arc::new(Events::default());
    engine.set_reporter(Some(events.clone()));
    let recovered = engine.recover().await.unwrap();
    assert_eq!(recovered.len(), ENTRIES);
    assert!(recovered.iter().all(|r| r.state.is_settled()), "{recovered:?}");
    assert!(journal.unsettled().unwrap().is_empty());

    // Side by side: each payment's first query came before the first payment settled.
    let seen = events.0.lock().unwrap().clone();
    let first_final = seen.iter().position(|e| matches!(e, PaymentEvent::Final { .. })).unwrap();
    for no in &orders {
        let first_poll = seen.iter().position(|e| matches!(e, PaymentEvent::Poll { order_no, .. } if order_no == no));
        assert!(
            first_poll.is_some_and(|p| p < first_final),
            "{no} waited behind another entry: {first_poll:?} vs {first_final}"
        );
    }
    remove_journal(&path);
}
