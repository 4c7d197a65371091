//! Probes for the Kotlin-boundary benchmark (`scripts/bench-kotlin.sh`): calls that do nothing,
//! so that what they cost from Kotlin is the boundary itself, and the listener events of a
//! payment timed from the Rust side, from each kind of thread they can come from. Only in the
//! benchmark's own build (feature `bench`), never in a shipped library.

use std::sync::Arc;
use std::time::Instant;

use crate::{runtime, PayRequest, PaymentEvent, PaymentListener};

/// Does nothing: a call with no arguments and no answer (only uniffi's call status crosses).
#[uniffi::export]
pub fn bench_noop() {}

/// Takes a record and answers one of its numbers: what lowering a record costs.
#[uniffi::export]
pub fn bench_pay_request(request: PayRequest) -> i64 {
    request.amount_fen
}

/// The thread a listener hears events on.
#[derive(Debug, Clone, Copy, uniffi::Enum)]
pub enum BenchThread {
    /// The thread that called in (a Kotlin thread, attached to the JVM).
    Caller,
    /// A worker of the library's runtime, where a payment's events come from.
    Runtime,
    /// A new native thread, never attached to the JVM before.
    NewThread,
}

/// Sends `events` `Poll` events to `listener` from `thread`, one after the other, and answers
/// the nanoseconds they took altogether, timed in Rust: the price the payment machine pays.
#[uniffi::export]
pub fn bench_listener_events(listener: Arc<dyn PaymentListener>, events: u32, thread: BenchThread) -> u64 {
    let send = move || {
        let order_no = "PG17953615641750000561".to_string();
        let started = Instant::now();
        for n in 0..events {
            let event = PaymentEvent::Poll { order_no: order_no.clone(), n: n as i32, of: 15 };
            let _ = listener.on_event(event);
        }
        started.elapsed().as_nanos() as u64
    };
    match thread {
        BenchThread::Caller => send(),
        BenchThread::Runtime => {
            let (tx, rx) = std::sync::mpsc::channel();
            runtime::get().spawn(async move {
                let _ = tx.send(send());
            });
            rx.recv().unwrap_or(0)
        }
        BenchThread::NewThread => std::thread::spawn(send).join().unwrap_or(0),
    }
}
