//! The one payment state machine every gateway shares, on the gateway's own numbers
//! ([`PollSchedule`]): send once; while the answer is paying or unknown, query on schedule; at the
//! deadline (or when the cashier cancels) reverse, retrying until the gateway answers; a payment
//! found paid after a refused reverse is refunded, or marked needs attention.
//!
//! Every step is written to the [`Journal`] before it is taken. A transport error after the
//! request was sent, a system error, or an answer with a bad signature all mean the outcome is
//! unknown: they are queried, never reported as failed, and a charge is never sent twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

use crate::config::PollSchedule;
use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::journal::{now_ms, Begin, Entry, EntryKind, EntryState, Journal, Method, Origin, NOT_SENT};
use crate::money::Money;
use crate::trade::{PayRequest, RefundRequest, RefundResult, RefundState, TradeResult, TradeState};

/// Progress of one payment, for the cashier's screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    Submitted {
        order_no: String,
    },
    Paying {
        order_no: String,
    },
    /// Query number `n`; `of` is how many the schedule allows before the deadline.
    Poll {
        order_no: String,
        n: u32,
        of: u32,
    },
    /// The deadline passed (or the cashier cancelled): the order is being reversed.
    Reversing {
        order_no: String,
    },
    /// A QR payment's order is open: waiting for the payer to scan and pay it until
    /// `expires_at_ms` (Unix milliseconds).
    WaitingForScan {
        order_no: String,
        expires_at_ms: i64,
    },
    /// A QR payment's code expired (or the cashier cancelled): its order is being closed.
    Closing {
        order_no: String,
    },
    /// The machine could not settle the payment; `reason` says what a person must check.
    NeedsAttention {
        order_no: String,
        reason: String,
    },
    Final {
        order_no: String,
        state: TradeState,
    },
}

impl PaymentEvent {
    pub fn order_no(&self) -> &str {
        match self {
            PaymentEvent::Submitted { order_no }
            | PaymentEvent::Paying { order_no }
            | PaymentEvent::Poll { order_no, .. }
            | PaymentEvent::Reversing { order_no }
            | PaymentEvent::WaitingForScan { order_no, .. }
            | PaymentEvent::Closing { order_no }
            | PaymentEvent::NeedsAttention { order_no, .. }
            | PaymentEvent::Final { order_no, .. } => order_no,
        }
    }
}

pub trait PaymentListener: Send + Sync {
    fn on_event(&self, event: PaymentEvent);
}

/// A listener that ignores events.
pub struct NoListener;

impl PaymentListener for NoListener {
    fn on_event(&self, _event: PaymentEvent) {}
}

impl<F: Fn(PaymentEvent) + Send + Sync> PaymentListener for F {
    fn on_event(&self, event: PaymentEvent) {
        self(event)
    }
}

/// How many answers in a row that cannot be trusted (a bad signature: not the network, but a
/// wrong key or someone in the middle) a reverse, close, query or refund meets before the
/// payment is handed to a person. An unanswered one (the network) is retried with backoff for
/// as long as the gateway takes it ([`Gateway::reverse_window`]).
pub const UNTRUSTED_TRIES: u32 = 8;
/// How many refund queries settle an unknown refund before it needs attention.
const REFUND_QUERY_TRIES: u32 = 3;

/// Lets the cashier cancel a payment in flight (the machine reverses at once, after the
/// gateway's earliest-reverse time), and hands the machine a verified notification's result
/// so it ends without waiting for its next query.
#[derive(Default)]
pub struct Control {
    cancelled: AtomicBool,
    told: std::sync::Mutex<Option<TradeResult>>,
    notify: Notify,
}

impl Control {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// A final result from a verified notification (the engine checked it against the journal).
    pub fn tell(&self, r: TradeResult) {
        if let Ok(mut told) = self.told.lock() {
            *told = Some(r);
        }
        self.notify.notify_waiters();
    }

    fn take_told(&self) -> Option<TradeResult> {
        self.told.lock().ok().and_then(|mut t| t.take())
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Sleeps until `deadline_ms` (wall clock) or a cancel; true when cancelled.
    async fn sleep_until(&self, deadline_ms: i64) -> bool {
        let wait = Duration::from_millis((deadline_ms - now_ms()).max(0) as u64);
        let notified = self.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_cancelled() || self.told.lock().map(|t| t.is_some()).unwrap_or(false) {
            return self.is_cancelled();
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => self.is_cancelled(),
            _ = notified => true,
        }
    }
}

/// A charge's send: answers what its declaration says about the payment (`None`: nothing
/// final, poll).
pub type Charge = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<TradeResult>>> + Send>>;

/// What the first step sends, if anything (a resumed payment sends nothing).
pub enum Dispatch {
    Pay(PayRequest),
    /// A charging operation (face pay, a barcode payorder), typed or by name; its declared
    /// settlement reads the answer, so one paid at once ends at once.
    Charge(Charge),
}

/// The journal state for a trade state (a partly refunded payment is paid).
pub fn entry_state(s: TradeState) -> EntryState {
    match s {
        TradeState::Paying => EntryState::Paying,
        TradeState::Paid | TradeState::PartiallyRefunded => EntryState::Paid,
        TradeState::Failed => EntryState::Failed,
        TradeState::Closed => EntryState::Closed,
        TradeState::Reversed => EntryState::Reversed,
        TradeState::Refunded => EntryState::Refunded,
        TradeState::Unknown => EntryState::Unknown,
        TradeState::NeedsAttention => EntryState::NeedsAttention,
    }
}

/// The trade state a journal entry reports.
pub fn trade_state(s: EntryState) -> TradeState {
    match s {
        EntryState::Pending | EntryState::Unknown | EntryState::Reversing => TradeState::Unknown,
        EntryState::Paying => TradeState::Paying,
        EntryState::Paid => TradeState::Paid,
        EntryState::Failed => TradeState::Failed,
        EntryState::Closed => TradeState::Closed,
        EntryState::Reversed => TradeState::Reversed,
        EntryState::Refunded => TradeState::Refunded,
        EntryState::NeedsAttention => TradeState::NeedsAttention,
    }
}

/// The retries of one reverse, close, query or refund.
#[derive(Default)]
struct Retries {
    attempts: u32,
    untrusted_in_a_row: u32,
}

/// The result recorded for a settled entry (its last answer when it was a trade result).
pub fn recorded_result(e: &Entry) -> TradeResult {
    let mut r = e
        .last_answer
        .as_deref()
        .and_then(|a| serde_json::from_str::<TradeResult>(a).ok())
        .unwrap_or_else(|| TradeResult::new(&e.order_no, trade_state(e.state)));
    r.state = trade_state(e.state);
    if r.message.is_none() {
        r.message = e.note.clone();
    }
    r
}

/// One payment through the machine. Borrowed pieces so the same code runs inline
/// ([`pay_and_wait`]) and on a spawned task (`Engine`).
pub struct Machine<'a> {
    pub gw: &'a dyn Gateway,
    pub journal: &'a Journal,
    pub listener: &'a dyn PaymentListener,
    pub control: &'a Control,
    pub schedule: PollSchedule,
    /// A QR payment's expiry (Unix milliseconds): the machine then waits for the payer until
    /// it and closes the order after it, instead of reversing at the schedule's deadline. Read
    /// from the journal's copy of the request ([`crate::qr::QrRecord`]).
    pub qr_expiry: Option<i64>,
}

impl Machine<'_> {
    fn emit(&self, e: PaymentEvent) {
        self.listener.on_event(e);
    }

    fn record(&self, entry: &Entry, state: EntryState, answer: Option<&TradeResult>, note: Option<&str>) {
        let json = answer.and_then(|r| serde_json::to_string(r).ok());
        if let Err(e) = self.journal.update(entry.id, state, json.as_deref(), note) {
            // The journal is the safety net: losing a write is logged loudly, the payment goes on.
            tracing::error!(order_no = %entry.order_no, "journal update failed: {e}");
        }
    }

    fn settle(&self, entry: &Entry, mut r: TradeResult) -> TradeResult {
        if r.state == TradeState::PartiallyRefunded {
            r.state = TradeState::Paid;
        }
        self.record(entry, entry_state(r.state), Some(&r), None);
        self.emit(PaymentEvent::Final { order_no: entry.order_no.clone(), state: r.state });
        r
    }

    /// A final answer to the pay call or a query. A payment the cashier cancelled is never left
    /// paid: one that turns out paid (the answer crossed the cancel) is reversed instead.
    async fn conclude(&self, entry: &Entry, r: TradeResult) -> TradeResult {
        if r.state.is_paid_like() && self.control.is_cancelled() {
            self.record(entry, EntryState::Reversing, Some(&r), Some("paid, but the cashier cancelled"));
            return self.reverse(entry).await;
        }
        self.settle(entry, r)
    }

    fn needs_attention(&self, entry: &Entry, reason: String, last: Option<TradeResult>) -> TradeResult {
        let mut r = last.unwrap_or_else(|| TradeResult::new(&entry.order_no, TradeState::NeedsAttention));
        r.state = TradeState::NeedsAttention;
        r.message = Some(reason.clone());
        self.record(entry, EntryState::NeedsAttention, Some(&r), Some(&reason));
        tracing::warn!(order_no = %entry.order_no, "needs attention: {reason}");
        self.emit(PaymentEvent::NeedsAttention { order_no: entry.order_no.clone(), reason });
        self.emit(PaymentEvent::Final { order_no: entry.order_no.clone(), state: TradeState::NeedsAttention });
        r
    }

    /// Runs the payment in `entry` to a settled state. With `send`, sends it first (the entry
    /// must be new or resendable); without, resumes from the journal (recovery, a retry).
    /// `Err` only when the request provably never left (the entry is then `failed`, not sent).
    pub async fn run(&self, entry: Entry, send: Option<Dispatch>) -> Result<TradeResult> {
        let order_no = entry.order_no.clone();
        let mut entry = entry;
        if let Some(send) = send {
            entry = self.journal.mark_sending(entry.id)?;
            self.emit(PaymentEvent::Submitted { order_no: order_no.clone() });
            let answer = match send {
                Dispatch::Pay(req) => self.gw.pay(&req).await.map(Some),
                Dispatch::Charge(send) => send.await,
            };
            match answer {
                Ok(Some(r)) if r.state.is_final() => return Ok(self.conclude(&entry, r).await),
                Ok(Some(r)) => self.record(&entry, entry_state(r.state), Some(&r), None),
                Ok(None) => self.record(&entry, EntryState::Unknown, None, None),
                Err(e @ Error::GatewayRejected { .. }) if !self.gw.is_definite(&e) => {
                    // A refusal that does not say nothing happened (a system error, a number
                    // used before): unknown, settled by query.
                    self.record(&entry, EntryState::Unknown, None, Some(&e.to_string()));
                }
                Err(Error::GatewayRejected { code, message }) => {
                    let mut r = TradeResult::new(&order_no, TradeState::Failed);
                    r.gateway_code = Some(code);
                    r.message = Some(message);
                    return Ok(self.settle(&entry, r));
                }
                Err(e) if e.outcome_unknown() => {
                    self.record(&entry, EntryState::Unknown, None, Some(&e.to_string()));
                }
                Err(e) => {
                    // Refused before it left (bad input, configuration, no connection): the same
                    // number may be sent again.
                    self.record(&entry, EntryState::Failed, None, Some(NOT_SENT));
                    self.emit(PaymentEvent::Final { order_no, state: TradeState::Failed });
                    return Err(e);
                }
            }
        }
        if entry.state == EntryState::Reversing {
            return Ok(self.reverse(&entry).await);
        }
        self.poll(&entry).await
    }

    async fn poll(&self, entry: &Entry) -> Result<TradeResult> {
        let s = self.schedule;
        let sent_at = entry.first_sent_at_ms.unwrap_or(entry.created_at_ms);
        let interval = s.interval.as_millis().max(1) as i64;
        // The first query waits from the "paying" answer (its journal write), not from the send:
        // gateways count from the answer they gave (Sunmi: no sooner than 10 s after 用户支付中).
        let answered_at = self.journal.by_id(entry.id).map(|e| e.updated_at_ms).unwrap_or(sent_at).max(sent_at);
        let first = answered_at + s.first_query_after.as_millis() as i64;
        let (deadline, mut next) = match self.qr_expiry {
            Some(expiry) => {
                self.emit(PaymentEvent::WaitingForScan { order_no: entry.order_no.clone(), expires_at_ms: expiry });
                // At least one query before the close, at the expiry at the latest (a payment
                // made while the terminal was down is found, not closed over).
                (expiry, first.min(expiry).max(now_ms().min(expiry)))
            }
            None => {
                self.emit(PaymentEvent::Paying { order_no: entry.order_no.clone() });
                let deadline = sent_at + s.deadline.as_millis() as i64;
                (deadline, first.max(now_ms().min(deadline)))
            }
        };
        let of = match self.qr_expiry {
            Some(_) if next <= deadline => {
                ((deadline - next + interval - 1) / interval + 1).min(u32::MAX as i64) as u32
            }
            Some(_) => 0,
            None => planned_polls(s.first_query_after, s.interval, s.deadline),
        };
        let mut n = 0;
        while next <= deadline {
            let cancelled = self.control.sleep_until(next).await;
            if let Some(r) = self.control.take_told() {
                return Ok(self.conclude(entry, r).await);
            }
            if cancelled {
                break;
            }
            n += 1;
            self.emit(PaymentEvent::Poll { order_no: entry.order_no.clone(), n, of: of.max(n) });
            match self.gw.query(&entry.order_no).await {
                Ok(r) if r.state.is_final() => return Ok(self.conclude(entry, r).await),
                Ok(r) => self.record(entry, entry_state(r.state), Some(&r), None),
                // Untrusted or unanswered, or not arrived yet: ask again.
                Err(e) => tracing::info!(order_no = %entry.order_no, "query {n} gave no usable answer: {e}"),
            }
            // A QR payment's last query is at its expiry: it is closed then, not sooner.
            next = match self.qr_expiry {
                Some(_) if next < deadline => (next + interval).min(deadline),
                _ => next + interval,
            };
        }
        Ok(self.reverse(entry).await)
    }

    /// Reverses the order (deadline passed or the cashier cancelled), retrying until the
    /// gateway answers. A QR payment's order is closed instead (cancelled where the gateway has
    /// no close), and one that ends unpaid reads `closed` whatever the gateway calls it.
    async fn reverse(&self, entry: &Entry) -> TradeResult {
        let s = self.schedule;
        let order_no = entry.order_no.clone();
        self.record(entry, EntryState::Reversing, None, None);
        if self.qr_expiry.is_some() {
            self.emit(PaymentEvent::Closing { order_no: order_no.clone() });
        } else {
            self.emit(PaymentEvent::Reversing { order_no: order_no.clone() });
            let sent_at = entry.first_sent_at_ms.unwrap_or(entry.created_at_ms);
            // Never reverse sooner than the gateway allows after the pay call; a cancel during
            // the wait changes nothing (we are already reversing).
            let earliest = sent_at + s.earliest_reverse.as_millis() as i64;
            tokio::time::sleep(Duration::from_millis((earliest - now_ms()).max(0) as u64)).await;
        }
        if self.qr_expiry.is_some() && !self.gw.qr_rules().is_some_and(|r| r.closable) {
            return self.withdraw(entry).await;
        }
        let mut last_err: String;
        let mut retries = Retries::default();
        loop {
            match self.undo(&order_no).await {
                Ok(r) if matches!(r.state, TradeState::Reversed | TradeState::Closed | TradeState::Failed) => {
                    return self.settle(entry, self.unpaid_end(r));
                }
                Ok(r) if r.state.is_paid_like() || r.state == TradeState::Refunded => {
                    return self.after_refused_reverse(entry, format!("cancel answered {}", r.state)).await;
                }
                Ok(r) => {
                    retries.untrusted_in_a_row = 0;
                    last_err = format!("cancel answered {}", r.state);
                }
                Err(Error::GatewayRejected { code, message }) => {
                    return self.after_refused_reverse(entry, format!("reverse refused: {code} {message}")).await;
                }
                Err(e @ Error::Unsupported { .. }) => {
                    return self.after_refused_reverse(entry, e.to_string()).await;
                }
                Err(e) => {
                    retries.untrusted_in_a_row =
                        if matches!(e, Error::SignatureInvalid { .. }) { retries.untrusted_in_a_row + 1 } else { 0 };
                    last_err = e.to_string();
                }
            }
            match self.next_retry(entry, &mut retries) {
                Ok(wait) => {
                    tracing::info!(order_no = %order_no, "reverse attempt {} unanswered: {last_err}", retries.attempts);
                    tokio::time::sleep(wait).await;
                }
                Err(why) => return self.needs_attention(entry, format!("reverse {why}: {last_err}"), None),
            }
        }
    }

    /// The wait before the next try of an unanswered reverse, close, query or refund: doubling
    /// from the schedule's interval up to 16 times it, for as long as the gateway takes a
    /// reverse after the pay call ([`Gateway::reverse_window`]); `Err` (why) once that window
    /// has passed, or after [`UNTRUSTED_TRIES`] untrusted answers in a row.
    fn next_retry(&self, entry: &Entry, r: &mut Retries) -> std::result::Result<Duration, String> {
        r.attempts += 1;
        if r.untrusted_in_a_row >= UNTRUSTED_TRIES {
            return Err(format!("answered {UNTRUSTED_TRIES} times in a row with a signature that does not verify"));
        }
        let sent_at = entry.first_sent_at_ms.unwrap_or(entry.created_at_ms);
        if now_ms() >= sent_at + self.gw.reverse_window().as_millis() as i64 {
            return Err(format!("unanswered for the gateway's whole reverse window ({} tries)", r.attempts));
        }
        let unit = self.schedule.interval.max(Duration::from_millis(10));
        Ok(unit.saturating_mul(1 << r.attempts.saturating_sub(1).min(4)))
    }

    /// Ends a QR payment whose gateway cannot close its order (see `QrRules::closable`): the
    /// code is withdrawn; a last query says whether it was paid (a payment that crossed the
    /// withdrawal is refunded, as one that crosses a close is); unpaid, the journal says closed.
    async fn withdraw(&self, entry: &Entry) -> TradeResult {
        match self.query_answered(entry).await {
            Ok(r) if r.state.is_paid_like() => {
                self.after_refused_reverse(entry, "paid as its code was withdrawn".into()).await
            }
            Ok(r) if r.state.is_final() => self.settle(entry, self.unpaid_end(r)),
            Ok(mut r) => {
                r.state = TradeState::Closed;
                r.message = Some(format!("{} cannot close a QR order: its code was withdrawn unpaid", self.gw.id()));
                self.settle(entry, r)
            }
            Err(e) if self.gw.is_order_not_found(&e) => {
                self.settle(entry, TradeResult::new(&entry.order_no, TradeState::Closed))
            }
            Err(e) => self.needs_attention(entry, format!("QR code withdrawn; its last query failed: {e}"), None),
        }
    }

    /// Cancels the order; a QR payment's order is closed where the gateway closes orders.
    async fn undo(&self, order_no: &str) -> Result<TradeResult> {
        if self.qr_expiry.is_some() {
            match self.gw.close(order_no).await {
                Err(Error::Unsupported { .. }) => {}
                closed => return closed,
            }
        }
        self.gw.cancel(order_no).await
    }

    /// How an order ends unpaid: a QR payment's reads `closed` on every gateway (a cancel of an
    /// unpaid order is a close to the payer, whatever the gateway calls it).
    fn unpaid_end(&self, mut r: TradeResult) -> TradeResult {
        if self.qr_expiry.is_some() && matches!(r.state, TradeState::Reversed | TradeState::Failed) {
            r.state = TradeState::Closed;
        }
        r
    }

    /// The gateway refused to reverse: find out where the order stands and undo a charge.
    async fn after_refused_reverse(&self, entry: &Entry, why: String) -> TradeResult {
        match self.query_answered(entry).await {
            Ok(r) if r.state.is_paid_like() => {
                let req = RefundRequest {
                    order_no: entry.order_no.clone(),
                    refund_no: self.gw.reversal_refund_no(&entry.order_no),
                    refund_amount: entry.amount,
                    total_amount: Some(entry.amount),
                    reason: Some("payment found paid after its reverse was refused".into()),
                };
                match self.refund_answered(entry, &req).await {
                    Ok(rr) if rr.state == RefundState::Success => {
                        let mut out = r;
                        out.state = TradeState::Refunded;
                        out.message = Some(format!("{why}; refunded in full ({})", req.refund_no));
                        self.settle(entry, out)
                    }
                    Ok(rr) => self.needs_attention(
                        entry,
                        format!("{why}; paid; refund {} is {}", req.refund_no, rr.state),
                        Some(r),
                    ),
                    Err(e) => self.needs_attention(entry, format!("{why}; paid; refund failed: {e}"), Some(r)),
                }
            }
            Ok(r) if r.state.is_final() => self.settle(entry, self.unpaid_end(r)),
            Ok(r) => self.needs_attention(entry, format!("{why}; order still {}", r.state), Some(r)),
            Err(e) if self.gw.is_order_not_found(&e) => {
                // The gateway has no such order: the charge never arrived.
                let mut r = TradeResult::new(&entry.order_no, TradeState::Failed);
                r.message = Some(format!("{why}; the gateway has no such order"));
                self.settle(entry, self.unpaid_end(r))
            }
            Err(e) => self.needs_attention(entry, format!("{why}; query failed: {e}"), None),
        }
    }

    /// Queries until the gateway gives an answer it can be trusted for: a lost, garbled or
    /// untrusted answer (or an unknown state) is asked again with backoff ([`Machine::next_retry`]),
    /// so a network that fails for a while never hands a settled order to a person.
    async fn query_answered(&self, entry: &Entry) -> Result<TradeResult> {
        let mut retries = Retries::default();
        loop {
            let r = self.gw.query(&entry.order_no).await;
            let retry = match &r {
                Ok(t) => t.state == TradeState::Unknown,
                Err(e) => matches!(e, Error::Network { .. } | Error::SignatureInvalid { .. }),
            };
            retries.untrusted_in_a_row =
                if matches!(r, Err(Error::SignatureInvalid { .. })) { retries.untrusted_in_a_row + 1 } else { 0 };
            if !retry {
                return r;
            }
            match self.next_retry(entry, &mut retries) {
                Ok(wait) => {
                    let n = retries.attempts;
                    tracing::info!(order_no = %entry.order_no, "query {n} after a refused reverse gave no usable answer: {r:?}");
                    tokio::time::sleep(wait).await;
                }
                Err(_) => return r,
            }
        }
    }

    /// Refunds in full under `req`'s number until the gateway answers it settled: an unknown or
    /// processing outcome is sent again under the same number (the gateway deduplicates on it,
    /// so it can never refund twice) with backoff ([`Machine::next_retry`]).
    async fn refund_answered(&self, entry: &Entry, req: &RefundRequest) -> Result<RefundResult> {
        let mut retries = Retries::default();
        loop {
            let r = refund(self.gw, self.journal, req).await;
            let retry = match &r {
                Ok(rr) => matches!(rr.state, RefundState::Processing | RefundState::Unknown),
                Err(e) => e.outcome_unknown() || matches!(e, Error::Network { .. }),
            };
            retries.untrusted_in_a_row =
                if matches!(r, Err(Error::SignatureInvalid { .. })) { retries.untrusted_in_a_row + 1 } else { 0 };
            if !retry {
                return r;
            }
            match self.next_retry(entry, &mut retries) {
                Ok(wait) => tokio::time::sleep(wait).await,
                Err(_) => return r,
            }
        }
    }
}

/// A refund through the journal: written before it is sent; a retry with the same refund number
/// resends it (the gateway deduplicates on that number) or reports its recorded result; the same
/// number with another amount is refused before sending.
pub async fn refund(gw: &dyn Gateway, journal: &Journal, req: &RefundRequest) -> Result<RefundResult> {
    let json = serde_json::to_string(req).map_err(|e| Error::internal(e.to_string()))?;
    let entry = match journal.begin_from(
        EntryKind::Refund,
        gw.id(),
        &req.refund_no,
        "refund_no",
        &req.order_no,
        req.refund_amount,
        &json,
        &origin(gw, None, None),
    )? {
        Begin::New(e) => e,
        Begin::Existing(e) if e.state.is_settled() && !e.resendable() => {
            if let Some(r) = e.last_answer.as_deref().and_then(|a| serde_json::from_str::<RefundResult>(a).ok()) {
                return Ok(r);
            }
            e
        }
        Begin::Existing(e) => e,
    };
    let entry = journal.mark_sending(entry.id)?;
    let record = |state: EntryState, r: Option<&RefundResult>, note: Option<&str>| {
        let json = r.and_then(|r| serde_json::to_string(r).ok());
        if let Err(e) = journal.update(entry.id, state, json.as_deref(), note) {
            tracing::error!(refund_no = %req.refund_no, "journal update failed: {e}");
        }
    };
    let first = match gw.refund(req).await {
        Ok(r) => r,
        Err(Error::GatewayRejected { code, message }) if gw.is_definite(&Error::rejected(&code, &message)) => {
            record(EntryState::Failed, None, Some(&format!("{code} {message}")));
            return Err(Error::GatewayRejected { code, message });
        }
        Err(e) if e.outcome_unknown() || matches!(e, Error::GatewayRejected { .. }) => {
            record(EntryState::Unknown, None, Some(&e.to_string()));
            let mut r = RefundResult { message: Some(e.to_string()), ..RefundResult::unknown_for(req) };
            r = settle_refund(gw, journal, &entry, r).await;
            return Ok(r);
        }
        Err(e) => {
            record(EntryState::Failed, None, Some(NOT_SENT));
            return Err(e);
        }
    };
    Ok(settle_refund(gw, journal, &entry, first).await)
}

fn refund_entry_state(s: RefundState) -> EntryState {
    match s {
        RefundState::Success => EntryState::Refunded,
        RefundState::Failed => EntryState::Failed,
        RefundState::Processing => EntryState::Paying,
        RefundState::Unknown => EntryState::Unknown,
    }
}

/// Records refund result `r` and follows a refund that is processing or unknown with refund
/// queries.
pub async fn settle_refund(gw: &dyn Gateway, journal: &Journal, entry: &Entry, r: RefundResult) -> RefundResult {
    record_refund(journal, entry, &r);
    follow_refund(gw, journal, entry, r).await
}

fn record_refund(journal: &Journal, entry: &Entry, r: &RefundResult) {
    let json = serde_json::to_string(r).ok();
    if let Err(e) = journal.update(entry.id, refund_entry_state(r.state), json.as_deref(), None) {
        tracing::error!(refund_no = %entry.number, "journal update failed: {e}");
    }
}

/// Follows a refund whose state `r` is processing or unknown with refund queries, each answer
/// recorded (`r` itself is not: it is what the journal holds already).
pub async fn follow_refund(gw: &dyn Gateway, journal: &Journal, entry: &Entry, mut r: RefundResult) -> RefundResult {
    let record = |r: &RefundResult| record_refund(journal, entry, r);
    let mut tries = 0;
    while matches!(r.state, RefundState::Processing | RefundState::Unknown) && tries < REFUND_QUERY_TRIES {
        tries += 1;
        tokio::time::sleep(Duration::from_millis(300 * tries as u64)).await;
        match gw.refund_query(&entry.order_no, &entry.number).await {
            Ok(q) => {
                if let Some(note) = ambiguous_refund_answer(gw, journal, entry, &q) {
                    return refund_needs_attention(journal, entry, q, note);
                }
                r = q;
                record(&r);
            }
            Err(e) => tracing::info!(refund_no = %entry.number, "refund query {tries}: {e}"),
        }
    }
    r
}

/// Why a refund query's answer `r` about refund `entry` settles nothing, if it does not: the
/// gateway's refund query reads the order's state, not the refund's
/// ([`Gateway::refund_query_names_the_refund`]), and the journal has another refund of the order
/// (one not failed). "Partly refunded" may be the other refund's doing, "refund failed" too:
/// taken as this refund's answer, a refund that never went through would read refunded (the
/// payer never paid back), or one that did would read failed (and be made again).
pub(crate) fn ambiguous_refund_answer(
    gw: &dyn Gateway,
    journal: &Journal,
    entry: &Entry,
    r: &RefundResult,
) -> Option<String> {
    if gw.refund_query_names_the_refund() || !matches!(r.state, RefundState::Success | RefundState::Failed) {
        return None;
    }
    let others = match journal.refunds_of(gw.id(), &entry.order_no) {
        Ok(all) => all.iter().filter(|o| o.id != entry.id && o.state != EntryState::Failed).count(),
        // Unreadable: as if there were others (settling it wrongly is the worse mistake).
        Err(_) => 1,
    };
    (others > 0).then(|| {
        format!(
            "the gateway's refund query reads the order's state ({}), which cannot tell this refund from \
             the order's other refunds: check it on the merchant platform",
            r.gateway_code.as_deref().unwrap_or("?")
        )
    })
}

/// Records refund `entry` as needing a person (`note`) with the answer `r`, which is reported
/// as unknown.
pub(crate) fn refund_needs_attention(journal: &Journal, entry: &Entry, r: RefundResult, note: String) -> RefundResult {
    let json = serde_json::to_string(&r).ok();
    if let Err(e) = journal.update(entry.id, EntryState::NeedsAttention, json.as_deref(), Some(&note)) {
        tracing::error!(refund_no = %entry.number, "journal update failed: {e}");
    }
    RefundResult { state: RefundState::Unknown, message: Some(note), ..r }
}

/// Pays and waits for a settled state on a journal that lives for this call only (use `Engine`
/// for a durable journal, recovery and background completion). `Err` only for input refused
/// before sending, or a request that provably never left.
pub async fn pay_and_wait(gw: &dyn Gateway, req: &PayRequest, listener: &dyn PaymentListener) -> Result<TradeResult> {
    gw.validate_pay(req)?;
    let journal = Journal::in_memory()?;
    let entry = match begin_payment(&journal, gw, req)? {
        Begin::New(e) => e,
        Begin::Existing(_) => return Err(Error::internal("fresh journal already holds the order")),
    };
    let control = Control::default();
    let m = Machine { gw, journal: &journal, listener, control: &control, schedule: gw.schedule(), qr_expiry: None };
    m.run(entry, Some(Dispatch::Pay(req.clone()))).await
}

/// Journals a barcode payment before it is sent (barcode masked: a journal never re-charges).
pub fn begin_payment(journal: &Journal, gw: &dyn Gateway, req: &PayRequest) -> Result<Begin> {
    let mut masked = req.clone();
    let n = masked.auth_code.chars().count();
    masked.auth_code = format!("***{}", masked.auth_code.chars().skip(n.saturating_sub(4)).collect::<String>());
    let json = serde_json::to_string(&masked).map_err(|e| Error::internal(e.to_string()))?;
    let wallet = crate::rules::wallet_of_code(&req.auth_code).map(|w| w.key().to_string());
    let origin = origin(gw, Some(Method::Barcode), wallet);
    journal.begin_from(
        EntryKind::Payment,
        gw.id(),
        &req.order_no,
        "order_no",
        &req.order_no,
        req.amount,
        &json,
        &origin,
    )
}

/// Where a journal entry comes from: `method` and `wallet` where known, and the gateway's
/// merchant.
pub fn origin(gw: &dyn Gateway, method: Option<Method>, wallet: Option<String>) -> Origin {
    Origin { method, wallet, merchant: Some(gw.merchant()) }
}

pub(crate) fn planned_polls(first: Duration, interval: Duration, deadline: Duration) -> u32 {
    if first > deadline {
        return 0;
    }
    let rest = (deadline - first).as_millis() / interval.as_millis().max(1);
    (rest + 1).min(u32::MAX as u128) as u32
}

/// Amount check for callers holding a [`Money`] from elsewhere (notifications).
pub fn same_amount(a: Option<Money>, b: Money) -> bool {
    a.is_none_or(|a| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_count() {
        assert_eq!(planned_polls(Duration::from_secs(5), Duration::from_secs(5), Duration::from_secs(45)), 9);
        assert_eq!(planned_polls(Duration::from_secs(10), Duration::from_secs(5), Duration::from_secs(5)), 0);
    }

    #[test]
    fn states_round_trip() {
        for s in [TradeState::Paid, TradeState::Failed, TradeState::Closed, TradeState::Reversed, TradeState::Refunded]
        {
            assert_eq!(trade_state(entry_state(s)), s);
        }
        assert_eq!(trade_state(EntryState::Reversing), TradeState::Unknown);
    }
}
