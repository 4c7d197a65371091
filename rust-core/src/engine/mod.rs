//! The engine the app holds: one gateway, one durable journal, payments that live on a runtime
//! task of their own. Dropping the caller's future (a cancelled Kotlin coroutine) never abandons
//! a payment: it carries on, its events still reach the listener and the reporter, and the
//! journal records how it ended. At start-up [`Engine::recover`] settles whatever a crash left.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::watch;

mod notifications;
mod operations;
mod payouts;
mod qr;
mod recovery;
mod report;
pub mod shift;
mod swipes;

pub use notifications::NotificationCheck;
pub use operations::{AnyAnswer, Prepared, RefundLeft};
pub use payouts::PayoutBackoff;
pub use qr::QrPayment;
pub use recovery::Recovered;
pub use swipes::{CardRecord, RecordedSwipe};

use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::journal::{Begin, Entry, EntryState, Journal};
use crate::payment::{
    begin_payment, recorded_result, Charge, Control, Dispatch, Machine, PaymentEvent, PaymentListener,
};
use crate::qr::QrRecord;
use crate::trade::{PayRequest, RefundResult, RefundState, TradeResult};

/// A pre-order (QR, JSAPI) unpaid this long after it was created is closed by recovery.
pub const PREORDER_TTL_MS: i64 = 2 * 60 * 60 * 1000;
const PREORDER: &str = "preorder";

struct Watcher {
    listener: Arc<dyn PaymentListener>,
    watching: Arc<AtomicBool>,
}

/// A payment under way in this process.
struct Running {
    control: Control,
    result: watch::Receiver<Option<Result<TradeResult>>>,
    watchers: Mutex<Vec<Watcher>>,
}

/// Fans events out to the watchers still watching and to the engine's reporter.
struct Fanout {
    running: Arc<Running>,
    /// The engine's reporter slot, read at each event: a reporter set after a payment started
    /// still hears how it ends.
    reporter: Arc<RwLock<Option<Arc<dyn PaymentListener>>>>,
}

impl PaymentListener for Fanout {
    fn on_event(&self, event: PaymentEvent) {
        if let Ok(ws) = self.running.watchers.lock() {
            for w in ws.iter().filter(|w| w.watching.load(Ordering::SeqCst)) {
                w.listener.on_event(event.clone());
            }
        }
        let reporter = self.reporter.read().ok().and_then(|r| r.clone());
        if let Some(r) = reporter {
            r.on_event(event);
        }
    }
}

/// The caller's view of one payment: its result, a way to stop watching (the payment goes on)
/// and the cashier's cancel (reverse at once).
pub struct PaymentHandle {
    pub order_no: String,
    running: Arc<Running>,
    watching: Arc<AtomicBool>,
}

impl PaymentHandle {
    /// Waits for the settled result. Dropping this future does not stop the payment.
    pub async fn result(&self) -> Result<TradeResult> {
        let mut rx = self.running.result.clone();
        let out = match rx.wait_for(|r| r.is_some()).await {
            Ok(r) => r.clone().unwrap_or_else(|| Err(Error::internal("payment result missing"))),
            Err(_) => Err(Error::internal("payment task ended without a result")),
        };
        out
    }

    /// Stops this handle's listener from receiving events; the payment carries on.
    pub fn stop_watching(&self) {
        self.watching.store(false, Ordering::SeqCst);
    }

    /// The cashier cancels: reverse now (after the gateway's earliest-reverse time).
    pub fn cancel(&self) {
        self.running.control.cancel();
    }

    /// A handle on a running payment for the engine's own waiting (it hears no events).
    fn detached(order_no: &str, running: Arc<Running>) -> PaymentHandle {
        PaymentHandle { order_no: order_no.to_string(), running, watching: Arc::new(AtomicBool::new(false)) }
    }
}

pub struct Engine {
    gw: Arc<dyn Gateway>,
    journal: Arc<Journal>,
    rt: tokio::runtime::Handle,
    running: Mutex<HashMap<String, Arc<Running>>>,
    reporter: Arc<RwLock<Option<Arc<dyn PaymentListener>>>>,
    /// Payouts followed by a task of this engine (by payout number): one follower each.
    payouts: Mutex<HashSet<String>>,
    /// How unsettled payouts are queried; `None`: derived from the gateway's schedule.
    payout_backoff: RwLock<Option<PayoutBackoff>>,
}

impl Engine {
    /// An engine whose payments run on `rt`.
    pub fn new(gw: Arc<dyn Gateway>, journal: Arc<Journal>, rt: tokio::runtime::Handle) -> Arc<Engine> {
        Arc::new(Engine {
            gw,
            journal,
            rt,
            running: Mutex::new(HashMap::new()),
            reporter: Arc::new(RwLock::new(None)),
            payouts: Mutex::new(HashSet::new()),
            payout_backoff: RwLock::new(None),
        })
    }

    /// An engine on the current tokio runtime.
    pub fn on_current_runtime(gw: Arc<dyn Gateway>, journal: Arc<Journal>) -> Result<Arc<Engine>> {
        let rt =
            tokio::runtime::Handle::try_current().map_err(|e| Error::internal(format!("no tokio runtime: {e}")))?;
        Ok(Engine::new(gw, journal, rt))
    }

    pub fn gateway(&self) -> &Arc<dyn Gateway> {
        &self.gw
    }

    pub fn journal(&self) -> &Arc<Journal> {
        &self.journal
    }

    /// Receives the events of every payment, including those nobody watches any more and those
    /// resumed by recovery ("reported").
    pub fn set_reporter(&self, reporter: Option<Arc<dyn PaymentListener>>) {
        if let Ok(mut r) = self.reporter.write() {
            *r = reporter;
        }
    }

    /// Starts a barcode payment and returns at once. It is validated and journalled before this
    /// returns; a retry with the same order number attaches to the payment or reports its
    /// recorded result, never charging again.
    pub fn start_payment(
        self: &Arc<Self>,
        req: PayRequest,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<PaymentHandle> {
        self.gw.validate_pay(&req)?;
        let begin = begin_payment(&self.journal, self.gw.as_ref(), &req)?;
        self.launch(begin, Some(Job::Pay(req)), listener)
    }

    /// Waits until no payment of this engine is under way in this process (those resumed by
    /// [`Engine::recover`] included): a command-line tool's last step before it exits.
    pub async fn wait_idle(&self) {
        loop {
            let Some(running) = self.running.lock().ok().and_then(|m| m.values().next().cloned()) else {
                return;
            };
            let mut rx = running.result.clone();
            let _ = rx.wait_for(|r| r.is_some()).await;
            // The task leaves the running set just before it publishes its result.
            tokio::task::yield_now().await;
        }
    }

    /// Pays and waits. Dropping the returned future leaves the payment running.
    pub async fn pay(
        self: &Arc<Self>,
        req: PayRequest,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<TradeResult> {
        self.start_payment(req, listener)?.result().await
    }

    fn launch(
        self: &Arc<Self>,
        begin: Begin,
        job: Option<Job>,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<PaymentHandle> {
        let entry = match &begin {
            Begin::New(e) | Begin::Existing(e) => e.clone(),
        };
        let watching = Arc::new(AtomicBool::new(true));
        let mut map = self.running.lock().map_err(|_| Error::internal("engine lock poisoned"))?;
        if let Some(running) = map.get(&entry.order_no) {
            // Already under way in this process: watch it, never start a second one.
            if let Some(l) = listener {
                if let Ok(mut ws) = running.watchers.lock() {
                    ws.push(Watcher { listener: l, watching: watching.clone() });
                }
            }
            return Ok(PaymentHandle { order_no: entry.order_no, running: running.clone(), watching });
        }
        let (tx, rx) = watch::channel(None);
        let running = Arc::new(Running {
            control: Control::default(),
            result: rx,
            watchers: Mutex::new(
                listener.map(|l| Watcher { listener: l, watching: watching.clone() }).into_iter().collect(),
            ),
        });
        // Not under way here: decide on what the journal says now, under the lock. `begin` may
        // have read the entry while a task was still driving it, which has since settled it.
        let entry = self.journal.by_id(entry.id)?;
        if entry.state.is_settled() && !entry.resendable() {
            // Settled before: report what the journal says, send nothing.
            let _ = tx.send(Some(Ok(recorded_result(&entry))));
            return Ok(PaymentHandle { order_no: entry.order_no, running, watching });
        }
        // Send only what was never sent (never marked sending, or provably not sent); anything
        // that may have left is resumed by querying.
        let never_sent = entry.state == EntryState::Pending && entry.attempts == 0;
        let job = if never_sent || entry.resendable() { job } else { None };
        map.insert(entry.order_no.clone(), running.clone());
        drop(map);
        let engine = self.clone();
        let fan = Fanout { running: running.clone(), reporter: self.reporter.clone() };
        let order_no = entry.order_no.clone();
        self.rt.spawn(async move {
            let r = engine.drive(entry, job, &fan).await;
            // Leave the running set before anyone can see the result, so a cancel or a retry
            // that follows the result finds the settled journal entry, not a finished task.
            if let Ok(mut map) = engine.running.lock() {
                map.remove(&order_no);
            }
            let _ = tx.send(Some(r));
        });
        Ok(PaymentHandle { order_no: running_order_no(&begin), running, watching })
    }

    async fn drive(&self, entry: Entry, job: Option<Job>, listener: &dyn PaymentListener) -> Result<TradeResult> {
        let running = self.running.lock().ok().and_then(|m| m.get(&entry.order_no).cloned());
        let own = Control::default();
        let control = running.as_ref().map(|r| &r.control).unwrap_or(&own);
        let m = Machine {
            gw: self.gw.as_ref(),
            journal: &self.journal,
            listener,
            control,
            schedule: self.gw.schedule(),
            qr_expiry: QrRecord::expiry_of(&entry.request),
        };
        let dispatch = match job {
            Some(Job::Pay(req)) => Some(Dispatch::Pay(req)),
            Some(Job::Charge(send)) => Some(Dispatch::Charge(send)),
            None => None,
        };
        m.run(entry, dispatch).await
    }
}

/// A refund whose outcome is not known yet, for the refund queries that settle it.
fn unknown_refund(e: &Entry) -> RefundResult {
    RefundResult {
        order_no: e.order_no.clone(),
        refund_no: e.number.clone(),
        state: RefundState::Unknown,
        amount: Some(e.amount),
        gateway_refund_no: None,
        gateway_code: None,
        message: None,
    }
}

/// What a payment's task sends first.
enum Job {
    Pay(PayRequest),
    /// A charge (typed or by name): answers what its declaration says about the payment.
    Charge(Charge),
}

impl Job {
    fn charge(send: impl std::future::Future<Output = Result<Option<TradeResult>>> + Send + 'static) -> Job {
        Job::Charge(Box::pin(send))
    }
}

fn running_order_no(begin: &Begin) -> String {
    match begin {
        Begin::New(e) | Begin::Existing(e) => e.order_no.clone(),
    }
}
