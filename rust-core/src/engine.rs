//! The engine the app holds: one gateway, one durable journal, payments that live on a runtime
//! task of their own. Dropping the caller's future (a cancelled Kotlin coroutine) never abandons
//! a payment: it carries on, its events still reach the listener and the reporter, and the
//! journal records how it ended. At start-up [`Engine::recover`] settles whatever a crash left.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::watch;

use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification};
use crate::journal::{now_ms, Begin, Entry, EntryKind, EntryState, Journal, NOT_SENT};
use crate::operation::Effect;
use crate::payment::{
    begin_payment, recorded_result, refund, settle_refund, trade_state, Control, Dispatch, Machine, PaymentEvent,
    PaymentListener,
};
use crate::trade::{PayRequest, RawFields, RefundRequest, RefundResult, RefundState, TradeResult, TradeState};

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
}

/// What recovery did with one journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub kind: EntryKind,
    pub number: String,
    pub order_no: String,
    pub state: EntryState,
    pub note: Option<String>,
}

/// A verified notification checked against the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationCheck {
    pub notification: Notification,
    /// Delivered before: nothing was changed this time. Answer with the ack all the same.
    pub duplicate: bool,
}

pub struct Engine {
    gw: Arc<dyn Gateway>,
    journal: Arc<Journal>,
    rt: tokio::runtime::Handle,
    running: Mutex<HashMap<String, Arc<Running>>>,
    reporter: Arc<RwLock<Option<Arc<dyn PaymentListener>>>>,
}

impl Engine {
    /// An engine whose payments run on `rt`.
    pub fn new(gw: Arc<dyn Gateway>, journal: Arc<Journal>, rt: tokio::runtime::Handle) -> Arc<Engine> {
        Arc::new(Engine { gw, journal, rt, running: Mutex::new(HashMap::new()), reporter: Arc::new(RwLock::new(None)) })
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
        let m =
            Machine { gw: self.gw.as_ref(), journal: &self.journal, listener, control, schedule: self.gw.schedule() };
        let dispatch = match &job {
            Some(Job::Pay(req)) => Some(Dispatch::Pay(req)),
            Some(Job::Invoke(op, params)) => Some(Dispatch::Invoke(op, params)),
            None => None,
        };
        m.run(entry, dispatch).await
    }

    /// Calls any operation by name; what it does to money decides how it is journalled, as its
    /// declaration says ([`crate::operation::Effect`]), with the request's masked copy:
    /// - a charge (face pay, a barcode payorder) runs through the payment machine, its own
    ///   answer settling it when final, and answers the settled trade result as JSON;
    /// - a pre-order is recorded as paying until paid or closed ([`Engine::follow_preorder`]);
    /// - a refund is recorded before it is sent and followed by refund queries until settled;
    /// - a cancel or close is recorded before it is sent and its outcome read back by a query;
    /// - reads and settings are sent as they are.
    pub async fn invoke(self: &Arc<Self>, name: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        let described = self.gw.describe(name, &params)?;
        let Some(m) = described.movement.clone() else {
            return Ok(self.gw.invoke(name, params).await?.answer);
        };
        let kind = match described.effect {
            Effect::Charge | Effect::PreOrder => EntryKind::Payment,
            Effect::Refund | Effect::Payout => EntryKind::Refund,
            Effect::Cancel | Effect::Close => EntryKind::Cancel,
            Effect::Read | Effect::Setup => return Ok(self.gw.invoke(name, params).await?.answer),
        };
        let amount = match kind {
            EntryKind::Cancel => self.journal.get(EntryKind::Payment, self.gw.id(), &m.order_no)?.map(|p| p.amount),
            _ => None,
        }
        .unwrap_or(m.amount);
        let field = if kind == EntryKind::Refund { "refund_no" } else { "order_no" };
        let begin =
            self.journal.begin(kind, self.gw.id(), &m.number, field, &m.order_no, amount, &described.journal_copy)?;
        if described.effect == Effect::Charge {
            let handle = self.launch(begin, Some(Job::Invoke(name.to_string(), params)), None)?;
            let r = handle.result().await?;
            return serde_json::to_value(r).map_err(|e| Error::internal(e.to_string()));
        }
        let entry = match begin {
            Begin::New(e) => e,
            Begin::Existing(e) if e.resendable() || kind != EntryKind::Payment => e,
            Begin::Existing(e) => {
                return Err(Error::invalid("order_no", format!("{} was already used ({})", e.order_no, e.state)))
            }
        };
        let entry = self.journal.mark_sending(entry.id)?;
        let sent = self.gw.invoke(name, params).await;
        match (&sent, kind) {
            (Ok(v), EntryKind::Payment) => {
                self.journal.update(entry.id, EntryState::Paying, Some(&v.answer.to_string()), Some(PREORDER))?;
            }
            (Ok(_), EntryKind::Refund) => {
                let pending = unknown_refund(&entry);
                settle_refund(self.gw.as_ref(), &self.journal, &entry, pending).await;
            }
            (Ok(_), _) => self.read_back_cancel(&entry).await?,
            (Err(e @ Error::GatewayRejected { .. }), _) => {
                self.journal.update(entry.id, EntryState::Failed, None, Some(&e.to_string()))?;
            }
            (Err(e), EntryKind::Payment) if e.outcome_unknown() => {
                self.journal.update(entry.id, EntryState::Paying, None, Some(PREORDER))?;
            }
            (Err(e), _) if e.outcome_unknown() => {
                self.journal.update(entry.id, EntryState::Unknown, None, Some(&e.to_string()))?;
            }
            (Err(_), _) => {
                self.journal.update(entry.id, EntryState::Failed, None, Some(NOT_SENT))?;
            }
        }
        sent.map(|v| v.answer)
    }

    /// A cancel or close sent by name answered: the order's state, read back by a query, is what
    /// the journal records (for the cancel and the payment it cancels).
    async fn read_back_cancel(&self, entry: &Entry) -> Result<()> {
        let payment = self.journal.get(EntryKind::Payment, self.gw.id(), &entry.order_no)?;
        match self.gw.query(&entry.order_no).await {
            Ok(r) if r.state.is_final() && !r.state.is_paid_like() => {
                let state = entry_state_of(r.state);
                let json = serde_json::to_string(&r).ok();
                self.journal.update(entry.id, state, json.as_deref(), None)?;
                if let Some(p) = payment.filter(|p| !p.state.is_settled() || p.state == EntryState::Paid) {
                    self.journal.update(p.id, state, json.as_deref(), Some("cancelled by the cashier"))?;
                }
            }
            Ok(r) => {
                let note = format!("answered; the order reads {}", r.state);
                self.journal.update(
                    entry.id,
                    EntryState::Unknown,
                    serde_json::to_string(&r).ok().as_deref(),
                    Some(&note),
                )?;
            }
            Err(e) => {
                self.journal.update(
                    entry.id,
                    EntryState::Unknown,
                    None,
                    Some(&format!("answered; query failed: {e}")),
                )?;
            }
        }
        Ok(())
    }

    /// Follows a pre-order the engine journalled (a QR, JSAPI or mini-program order, Sunmi's
    /// prepays) with the payment machine's poll loop: the first query no sooner than the
    /// gateway's schedule says after its answer (Sunmi: 10 s after "用户支付中"), then every
    /// interval until the order is settled or the deadline passes; every answer goes to the
    /// journal. At the deadline the machine reverses: a gateway without cancel has a paid order
    /// refunded in full and one still unpaid marked needs attention.
    ///
    /// Returns the settled result; a pre-order already settled is reported from the journal.
    pub async fn follow_preorder(
        self: &Arc<Self>,
        order_no: &str,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<TradeResult> {
        let entry = self
            .journal
            .get(EntryKind::Payment, self.gw.id(), order_no)?
            .ok_or_else(|| Error::invalid("order_no", format!("{order_no} is not in the journal")))?;
        if entry.state.is_settled() {
            return Ok(recorded_result(&entry));
        }
        if entry.attempts == 0 {
            return Err(Error::invalid("order_no", format!("{order_no} was never sent")));
        }
        self.launch(Begin::Existing(entry), None, listener)?.result().await
    }

    /// Queries an order; a final answer about a payment the journal has open settles it there
    /// (the journal hears every answer).
    pub async fn query(&self, order_no: &str) -> Result<TradeResult> {
        let r = self.gw.query(order_no).await?;
        let driving = self.running.lock().map(|m| m.contains_key(order_no)).unwrap_or(false);
        if let (Some(e), false) = (self.journal.get(EntryKind::Payment, self.gw.id(), order_no)?, driving) {
            if !e.state.is_settled() && r.state.is_final() {
                let json = serde_json::to_string(&r).ok();
                self.journal.update(e.id, entry_state_of(r.state), json.as_deref(), None)?;
            }
        }
        Ok(r)
    }

    /// A journalled refund (see [`crate::payment::refund`]).
    pub async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        refund(self.gw.as_ref(), &self.journal, req).await
    }

    /// Queries a refund; an answer about a refund the journal has open is recorded there.
    pub async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        let r = self.gw.refund_query(order_no, refund_no).await?;
        if let Some(e) = self.journal.get(EntryKind::Refund, self.gw.id(), refund_no)? {
            if !e.state.is_settled() {
                let state = match r.state {
                    RefundState::Success => EntryState::Refunded,
                    RefundState::Failed => EntryState::Failed,
                    _ => e.state,
                };
                self.journal.update(e.id, state, serde_json::to_string(&r).ok().as_deref(), None)?;
            }
        }
        Ok(r)
    }

    /// Closes an unpaid order, journalled like a cancel: recorded before it is sent, the answer
    /// recorded for the close and the payment it closes.
    pub async fn close(self: &Arc<Self>, order_no: &str) -> Result<TradeResult> {
        let payment = self.journal.get(EntryKind::Payment, self.gw.id(), order_no)?;
        let amount = payment.as_ref().map(|p| p.amount).unwrap_or_default();
        let entry =
            match self.journal.begin(EntryKind::Cancel, self.gw.id(), order_no, "order_no", order_no, amount, "{}")? {
                Begin::New(e) | Begin::Existing(e) => e,
            };
        let entry = self.journal.mark_sending(entry.id)?;
        let r = self.gw.close(order_no).await;
        self.record_cancel(&entry, payment.as_ref(), r)
    }

    /// The cashier cancels an order. A payment under way is reversed at once (after the
    /// gateway's earliest-reverse time) and this waits for it; a settled one is reversed now.
    pub async fn cancel(self: &Arc<Self>, order_no: &str) -> Result<TradeResult> {
        let running = self.running.lock().ok().and_then(|m| m.get(order_no).cloned());
        if let Some(running) = running {
            running.control.cancel();
            let handle =
                PaymentHandle { order_no: order_no.to_string(), running, watching: Arc::new(AtomicBool::new(false)) };
            let r = handle.result().await?;
            if !r.state.is_paid_like() {
                return Ok(r);
            }
            // Settled paid before the machine saw the cancel: reverse it like any settled order.
        }
        let payment = self.journal.get(EntryKind::Payment, self.gw.id(), order_no)?;
        let amount = payment.as_ref().map(|p| p.amount).unwrap_or_default();
        let entry =
            match self.journal.begin(EntryKind::Cancel, self.gw.id(), order_no, "order_no", order_no, amount, "{}")? {
                Begin::New(e) | Begin::Existing(e) => e,
            };
        if let Some(p) = &payment {
            // Never reverse sooner than the gateway allows after the pay call.
            let earliest =
                p.first_sent_at_ms.unwrap_or(p.created_at_ms) + self.gw.schedule().earliest_reverse.as_millis() as i64;
            let wait = (earliest - now_ms()).max(0) as u64;
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        }
        self.send_cancel(&entry, payment.as_ref()).await
    }

    async fn send_cancel(&self, entry: &Entry, payment: Option<&Entry>) -> Result<TradeResult> {
        let entry = self.journal.mark_sending(entry.id)?;
        let r = self.gw.cancel(&entry.order_no).await;
        self.record_cancel(&entry, payment, r)
    }

    /// Records a cancel's or close's answer for it and, when settled, for its payment.
    fn record_cancel(&self, entry: &Entry, payment: Option<&Entry>, r: Result<TradeResult>) -> Result<TradeResult> {
        match r {
            Ok(r) => {
                let state = match r.state {
                    TradeState::Reversed => EntryState::Reversed,
                    TradeState::Closed => EntryState::Closed,
                    TradeState::Refunded => EntryState::Refunded,
                    TradeState::Failed => EntryState::Failed,
                    _ => EntryState::Unknown,
                };
                let json = serde_json::to_string(&r).ok();
                self.journal.update(entry.id, state, json.as_deref(), None)?;
                if let Some(p) = payment {
                    if state.is_settled() {
                        self.journal.update(p.id, state, json.as_deref(), Some("cancelled by the cashier"))?;
                    }
                }
                Ok(r)
            }
            Err(e) => {
                let state = if e.outcome_unknown() { EntryState::Unknown } else { EntryState::Failed };
                self.journal.update(entry.id, state, None, Some(&e.to_string()))?;
                Err(e)
            }
        }
    }

    /// Settles every journal entry a crash (or a lost answer) left open: payments are queried,
    /// reversed past their deadline or marked needs attention; refunds and cancels are queried
    /// or resent under their own numbers. No charge is ever sent again.
    pub async fn recover(self: &Arc<Self>) -> Result<Vec<Recovered>> {
        let mut out = Vec::new();
        for e in self.journal.unsettled()? {
            if e.gateway != self.gw.id() {
                continue;
            }
            if self.running.lock().map(|m| m.contains_key(&e.order_no)).unwrap_or(false) && e.kind == EntryKind::Payment
            {
                continue;
            }
            let state = match e.kind {
                _ if e.attempts == 0 => {
                    // Written but never sent: nothing can have reached the gateway.
                    self.journal.update(e.id, EntryState::Failed, None, Some(NOT_SENT))?;
                    EntryState::Failed
                }
                EntryKind::Payment if e.note.as_deref() == Some(PREORDER) => self.recover_preorder(&e).await?,
                EntryKind::Payment => {
                    let handle = self.launch(Begin::Existing(e.clone()), None, None)?;
                    let _ = handle.result().await;
                    self.journal.by_id(e.id)?.state
                }
                EntryKind::Refund => {
                    let pending = unknown_refund(&e);
                    let mut r = settle_refund(self.gw.as_ref(), &self.journal, &e, pending).await;
                    if r.state == RefundState::Unknown {
                        r = self.resend_lost_refund(&e).await.unwrap_or(r);
                    }
                    let now = self.journal.by_id(e.id)?;
                    if !now.state.is_settled() {
                        let note = format!("refund still {} after recovery", r.state);
                        self.journal.update(e.id, EntryState::NeedsAttention, None, Some(&note))?;
                    }
                    self.journal.by_id(e.id)?.state
                }
                EntryKind::Cancel => {
                    let payment = self.journal.get(EntryKind::Payment, self.gw.id(), &e.order_no)?;
                    if let Err(err) = self.send_cancel(&e, payment.as_ref()).await {
                        let note = format!("cancel unanswered in recovery: {err}");
                        self.journal.update(e.id, EntryState::NeedsAttention, None, Some(&note))?;
                    }
                    let state = self.journal.by_id(e.id)?.state;
                    if !state.is_settled() {
                        self.journal.update(e.id, EntryState::NeedsAttention, None, Some("cancel outcome unknown"))?;
                    }
                    self.journal.by_id(e.id)?.state
                }
            };
            let after = self.journal.by_id(e.id)?;
            out.push(Recovered { kind: e.kind, number: e.number, order_no: e.order_no, state, note: after.note });
        }
        Ok(out)
    }

    /// A refund whose outcome is unknown and which the gateway says it does not have never
    /// arrived: it is sent again under its own number (as a retry by the cashier would be), which
    /// the gateway deduplicates, so a late original can never refund twice. `None` when the
    /// gateway's answer is anything but "no such refund".
    async fn resend_lost_refund(&self, e: &Entry) -> Option<RefundResult> {
        match self.gw.refund_query(&e.order_no, &e.number).await {
            Err(err) if self.gw.is_order_not_found(&err) => {}
            _ => return None,
        }
        let req = serde_json::from_str::<RefundRequest>(&e.request).ok()?;
        match refund(self.gw.as_ref(), &self.journal, &req).await {
            Ok(r) => Some(r),
            Err(err) => {
                tracing::warn!(refund_no = %e.number, "lost refund sent again in recovery: {err}");
                None
            }
        }
    }

    async fn recover_preorder(self: &Arc<Self>, e: &Entry) -> Result<EntryState> {
        match self.gw.query(&e.order_no).await {
            Ok(r) if r.state.is_final() => {
                let state = entry_state_of(r.state);
                self.journal.update(e.id, state, serde_json::to_string(&r).ok().as_deref(), None)?;
                Ok(state)
            }
            _ if now_ms() - e.created_at_ms > PREORDER_TTL_MS => {
                // Unpaid long past any QR's life: close it so a late scan cannot charge.
                let handle = self.launch(Begin::Existing(e.clone()), None, None)?;
                handle.cancel();
                let _ = handle.result().await;
                Ok(self.journal.by_id(e.id)?.state)
            }
            _ => Ok(EntryState::Paying),
        }
    }

    /// Verifies a notification on the raw fields, then checks it against the journal: the order
    /// must exist with the same amount. A duplicate delivery is recognised and changes nothing.
    /// A payment the journal settled as not paid that the gateway reports paid is marked needs
    /// attention (it must be refunded).
    pub fn check_notification(&self, fields: &RawFields) -> Result<NotificationCheck> {
        let n = self.gw.verify_notification(fields)?;
        let Some(entry) = self.journal.get(EntryKind::Payment, self.gw.id(), &n.order_no)? else {
            return Err(Error::invalid("order_no", format!("{} is not in the journal", n.order_no)));
        };
        if let Some(amount) = n.amount {
            if amount != entry.amount {
                return Err(Error::invalid(
                    "amount",
                    format!("notification says {amount} yuan, the journal {} yuan", entry.amount),
                ));
            }
        }
        let fields_json = serde_json::to_string(&n.fields).map_err(|e| Error::internal(e.to_string()))?;
        let fresh = self.journal.record_notification(self.gw.id(), &n.order_no, n.state.as_str(), &fields_json)?;
        // A payment this engine is driving right now settles through its own machine (which may
        // be reversing it); the notification is recorded, not applied over it.
        let driving = self.running.lock().map(|m| m.contains_key(&n.order_no)).unwrap_or(false);
        if fresh && !driving {
            let current = trade_state(entry.state);
            if !entry.state.is_settled() && n.state.is_final() {
                let state = entry_state_of(n.state);
                self.journal.update(entry.id, state, Some(&fields_json), None)?;
            } else if n.state.is_paid_like()
                && matches!(current, TradeState::Failed | TradeState::Closed | TradeState::Reversed)
            {
                let note = format!("gateway reports paid after posgate settled it {current}: refund it");
                self.journal.update(entry.id, EntryState::NeedsAttention, Some(&fields_json), Some(&note))?;
                tracing::warn!(order_no = %n.order_no, "{note}");
            }
        }
        Ok(NotificationCheck { notification: n, duplicate: !fresh })
    }
}

/// The journal state for a final trade state (a partly refunded payment is paid).
fn entry_state_of(s: TradeState) -> EntryState {
    match s {
        TradeState::PartiallyRefunded => EntryState::Paid,
        s => EntryState::parse(s.as_str()).unwrap_or(EntryState::Unknown),
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

enum Job {
    Pay(PayRequest),
    Invoke(String, serde_json::Value),
}

fn running_order_no(begin: &Begin) -> String {
    match begin {
        Begin::New(e) | Begin::Existing(e) => e.order_no.clone(),
    }
}
