//! Every operation through the engine, typed or by name, journalled as its declaration says
//! ([`Effect`]), with the request's masked copy:
//! - a charge (face pay, a barcode payorder) runs through the payment machine, its own answer
//!   settling it when final;
//! - a pre-order is recorded as paying until paid or closed ([`Engine::follow_preorder`]);
//! - a refund is recorded before it is sent and followed by refund queries;
//! - a payout is recorded before it is sent, never sent twice under one number, and followed by
//!   payout queries until paid or failed (`payouts.rs`);
//! - a cancel or close is recorded before it is sent and its outcome read back by a query;
//! - reads and settings are sent as they are.
//!
//! The common operations (query, refund query, cancel, close) record every answer too.

use std::sync::Arc;

use super::{unknown_refund, Engine, Job, PaymentHandle, PREORDER};
use crate::client::{Calls, Routed};
use crate::error::{Error, Result};
use crate::journal::{now_ms, Begin, Entry, EntryKind, EntryState, Method, NOT_SENT};
use crate::money::Money;
use crate::operation::{describe, Described, Effect};
use crate::payment::{
    ambiguous_refund_answer, entry_state, follow_refund, origin, recorded_result, refund, refund_needs_attention,
    PaymentListener,
};
use crate::trade::{RefundRequest, RefundResult, RefundState, TradeResult, TradeState};

/// An operation's typed answer on its way through the journal.
pub type AnyAnswer = Box<dyn std::any::Any + Send>;

/// The sending of an operation, answering its JSON for the journal and its typed answer.
type SendAny<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(String, AnyAnswer)>> + Send + 'a>>;

/// A typed operation validated and ready to send ([`Engine::prepare`]).
pub struct Prepared {
    described: Described,
    send: SendAny<'static>,
}

impl Engine {
    /// Calls any operation by name (the CLI's `call`, the bindings' escape hatch). A charge
    /// answers the settled trade result as JSON; anything else its typed answer as JSON.
    #[cfg(feature = "invoke")]
    pub async fn invoke(self: &Arc<Self>, name: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        let described = self.gw.describe(name, &params)?;
        if described.effect == Effect::Charge {
            let gw = self.gw.clone();
            let name = name.to_string();
            let job = Job::charge(async move { gw.invoke(&name, params).await.map(|i| i.trade) });
            let r = self.start_charge(&described, job, None)?.result().await?;
            return serde_json::to_value(r).map_err(|e| Error::internal(e.to_string()));
        }
        let gw = self.gw.clone();
        let name = name.to_string();
        self.journalled(
            &described,
            async move { gw.invoke(&name, params).await.map(|i| (i.answer.to_string(), i.answer)) },
        )
        .await
    }

    /// Sends a typed operation of this engine's gateway, journalled by its effect like
    /// [`Engine::invoke`]. A charge is started with [`Engine::charge`] instead (it is a payment,
    /// followed to a settled state).
    pub async fn call<O: Routed>(self: &Arc<Self>, req: O) -> Result<O::Answer> {
        let prepared = self.prepare(req)?;
        let answer = self.run(prepared).await?;
        answer.downcast::<O::Answer>().map(|a| *a).map_err(|_| Error::internal("call: the answer changed type"))
    }

    /// The generic half of [`Engine::call`]: validates and describes a typed operation, and boxes
    /// its sending. Everything after that ([`Engine::run`]: the journal, the runtime's task) is
    /// compiled once for every operation instead of once per operation (the library's size: see
    /// README "Library size"). Bad input is refused here, before anything is recorded or sent.
    pub fn prepare<O: Routed>(self: &Arc<Self>, req: O) -> Result<Prepared> {
        let client = self.client_for::<O>()?;
        let described = describe(&req)?;
        if described.effect == Effect::Charge {
            return Err(Error::invalid(
                O::INFO.name,
                "a charge is a payment: start it with charge() to follow it to a settled state",
            ));
        }
        let moves_money = described.effect.moves_money();
        let send: SendAny<'static> = Box::pin(async move {
            let answer = client.send(&req).await?;
            // As text, the way the journal keeps it, and only for what the journal records (see
            // `describe`: a read's answer serializer is not compiled in).
            let json = if moves_money && req.effect().moves_money() {
                serde_json::to_string(&answer).map_err(|e| Error::internal(e.to_string()))?
            } else {
                String::new()
            };
            Ok((json, Box::new(answer) as AnyAnswer))
        });
        Ok(Prepared { described, send })
    }

    /// Sends a prepared operation, journalled by its effect; answers the typed answer boxed (the
    /// caller knows its type).
    pub async fn run(self: &Arc<Self>, prepared: Prepared) -> Result<AnyAnswer> {
        self.journalled_erased(&prepared.described, prepared.send).await
    }

    /// Starts a typed charge (face pay, a barcode payorder) as a payment: validated and
    /// journalled before this returns, then sent once and followed by the payment machine; its
    /// own answer settles it when final. A retry with the same order number attaches to it.
    pub fn charge<O: Routed>(
        self: &Arc<Self>,
        req: O,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<PaymentHandle> {
        let client = self.client_for::<O>()?;
        let described = describe(&req)?;
        if described.effect != Effect::Charge {
            return Err(Error::invalid(O::INFO.name, format!("a {} is not a charge: use call()", described.effect)));
        }
        let job = Job::charge(async move {
            let answer = client.send(&req).await?;
            Ok(req.settlement(&answer))
        });
        self.start_charge(&described, job, listener)
    }

    /// This engine's client, when operation `O` is one of its gateway's.
    fn client_for<O: Routed>(&self) -> Result<Arc<O::Client>> {
        self.gw.clone().into_any().downcast::<O::Client>().map_err(|_| Error::Unsupported {
            what: format!("{} is not an operation of {}", O::INFO.name, self.gw.id()),
        })
    }

    fn start_charge(
        self: &Arc<Self>,
        described: &Described,
        job: Job,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<PaymentHandle> {
        let m = described.movement.as_ref().ok_or_else(|| Error::internal("a charge without a movement"))?;
        // A charge is the payer's code scanned, or their face.
        let method = if described.info.name.contains("face") { Method::Face } else { Method::Barcode };
        let begin = self.journal.begin_from(
            EntryKind::Payment,
            self.gw.id(),
            &m.order_no,
            "order_no",
            &m.order_no,
            m.amount,
            &described.journal_copy,
            &origin(&*self.gw, Some(method), described.wallet.map(str::to_string)),
        )?;
        self.launch(begin, Some(job), listener)
    }

    /// Journals what `described` moves, sends it with `send` (answering the answer as JSON for
    /// the journal and as the caller's type), and records what came back.
    #[cfg(feature = "invoke")]
    async fn journalled<T: Send + 'static>(
        self: &Arc<Self>,
        described: &Described,
        send: impl std::future::Future<Output = Result<(String, T)>> + Send,
    ) -> Result<T> {
        // The journal's part is compiled once, not once per operation (the library's size):
        // the answer crosses it as `Any`.
        let sent = Box::pin(async move { send.await.map(|(json, answer)| (json, Box::new(answer) as AnyAnswer)) });
        let answer = self.journalled_erased(described, sent).await?;
        answer.downcast::<T>().map(|a| *a).map_err(|_| Error::internal("journalled: the answer changed type"))
    }

    async fn journalled_erased(self: &Arc<Self>, described: &Described, send: SendAny<'_>) -> Result<AnyAnswer> {
        let (kind, m) = match (described.effect, &described.movement) {
            (Effect::PreOrder, Some(m)) => (EntryKind::Payment, m),
            (Effect::Refund, Some(m)) => (EntryKind::Refund, m),
            (Effect::Payout, Some(m)) => (EntryKind::Payout, m),
            (Effect::Cancel | Effect::Close, Some(m)) => (EntryKind::Cancel, m),
            _ => return send.await.map(|(_, answer)| answer),
        };
        let amount = match kind {
            EntryKind::Cancel => self.journal.get(EntryKind::Payment, self.gw.id(), &m.order_no)?.map(|p| p.amount),
            _ => None,
        }
        .unwrap_or(m.amount);
        match described.effect {
            Effect::Refund => self.check_refund_left(&m.order_no, &m.number, m.amount)?,
            Effect::Cancel => self.check_cancellable(&m.order_no)?,
            _ => {}
        }
        let field = if kind == EntryKind::Refund { "refund_no" } else { "order_no" };
        let method = (described.effect == Effect::PreOrder).then_some(Method::Prepay);
        let begin = self.journal.begin_from(
            kind,
            self.gw.id(),
            &m.number,
            field,
            &m.order_no,
            amount,
            &described.journal_copy,
            &origin(&*self.gw, method, described.wallet.map(str::to_string)),
        )?;
        let entry = match begin {
            Begin::New(e) => e,
            Begin::Existing(e) if e.resendable() || !matches!(kind, EntryKind::Payment | EntryKind::Payout) => e,
            // Money out is never sent twice under one number, whatever the first one came to.
            Begin::Existing(e) if kind == EntryKind::Payout => return Err(self.refuse_payout_again(&e)),
            Begin::Existing(e) => {
                return Err(Error::invalid("order_no", format!("{} was already used ({})", e.order_no, e.state)))
            }
        };
        let entry = self.journal.mark_sending(entry.id)?;
        let sent = send.await;
        match (&sent, kind) {
            (Ok((json, _)), EntryKind::Payment) => {
                self.journal.update(entry.id, EntryState::Paying, Some(json), Some(PREORDER))?;
            }
            (Ok((json, _)), EntryKind::Payout) => {
                // Its answer is the gateway's to read: the engine reads it back by a payout query
                // at once, and follows it from there.
                self.journal.update(entry.id, EntryState::Paying, Some(json), None)?;
                self.follow_payout(&entry, std::time::Duration::ZERO);
            }
            // A typed refund's or cancel's answer is the gateway's own: kept as it came, and the
            // state read back by a refund query or an order query.
            (Ok((json, _)), EntryKind::Refund) => {
                self.journal.update(entry.id, EntryState::Unknown, Some(json), None)?;
                follow_refund(self.gw.as_ref(), &self.journal, &entry, unknown_refund(&entry)).await;
            }
            (Ok((json, _)), _) => {
                self.journal.update(entry.id, EntryState::Unknown, Some(json), None)?;
                self.read_back_cancel(&entry).await?
            }
            (Err(e @ Error::GatewayRejected { .. }), _) if self.gw.is_definite(e) => {
                self.journal.update(entry.id, EntryState::Failed, None, Some(&e.to_string()))?;
            }
            // Sent, and nobody knows whether it took effect: a pre-order is followed like one
            // that answered; anything else is settled by recovery's queries.
            (Err(e), EntryKind::Payment) if may_have_taken_effect(e) => {
                self.journal.update(entry.id, EntryState::Paying, None, Some(PREORDER))?;
            }
            (Err(e), EntryKind::Payout) if may_have_taken_effect(e) => {
                self.journal.update(entry.id, EntryState::Unknown, None, Some(&e.to_string()))?;
                self.follow_payout(&entry, self.payout_backoff().delay(0));
            }
            (Err(e), _) if may_have_taken_effect(e) => {
                self.journal.update(entry.id, EntryState::Unknown, None, Some(&e.to_string()))?;
            }
            (Err(_), _) => {
                self.journal.update(entry.id, EntryState::Failed, None, Some(NOT_SENT))?;
            }
        }
        sent.map(|(_, answer)| answer)
    }

    /// A cancel or close sent by name answered: the order's state, read back by a query, is what
    /// the journal records (for the cancel and the payment it cancels).
    async fn read_back_cancel(&self, entry: &Entry) -> Result<()> {
        let payment = self.journal.get(EntryKind::Payment, self.gw.id(), &entry.order_no)?;
        match self.gw.query(&entry.order_no).await {
            Ok(r) if r.state.is_final() && !r.state.is_paid_like() => {
                let state = entry_state(r.state);
                let json = serde_json::to_string(&r).ok();
                self.journal.update(entry.id, state, json.as_deref(), None)?;
                if let Some(p) = payment.filter(|p| !p.state.is_settled() || p.state == EntryState::Paid) {
                    self.journal.update(p.id, state, json.as_deref(), Some("cancelled by the cashier"))?;
                }
            }
            Ok(r) => {
                let note = format!("answered; the order reads {}", r.state);
                let json = serde_json::to_string(&r).ok();
                self.journal.update(entry.id, EntryState::Unknown, json.as_deref(), Some(&note))?;
            }
            Err(e) => {
                let note = format!("answered; query failed: {e}");
                self.journal.update(entry.id, EntryState::Unknown, None, Some(&note))?;
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
            let json = serde_json::to_string(&r).ok();
            self.settle_undriven(&e, r.state, json.as_deref())?;
        }
        Ok(r)
    }

    /// Records a final answer (a query's, a notification's) about payment entry `e`, which no
    /// task of this engine is driving: it settles the entry, except a paid answer about a
    /// payment being reversed. Its reverse was decided (its deadline passed, or the cashier
    /// cancelled it), so the answer is kept and the entry left reversing: recovery's machine
    /// reverses it. Settled, it would stay paid while the cashier believes it cancelled.
    pub(super) fn settle_undriven(&self, e: &Entry, answer: TradeState, json: Option<&str>) -> Result<()> {
        if e.state.is_settled() || !answer.is_final() {
            return Ok(());
        }
        if e.state == EntryState::Reversing && answer.is_paid_like() {
            tracing::warn!(order_no = %e.order_no, "the gateway says {answer} while it is being reversed: left to recovery");
            return self.journal.update(e.id, EntryState::Reversing, json, None);
        }
        self.journal.update(e.id, entry_state(answer), json, None)
    }

    /// A journalled refund (see [`crate::payment::refund`]). Refused before anything is recorded
    /// or sent: bad numbers or amounts (the gateway's rules), and a refund larger than what the
    /// journal knows is left of the order ([`Engine::refund_left`]).
    pub async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        // The numbers first, then a number used before for another amount (the more telling
        // error), then the amounts.
        self.gw.validate_refund_query(&req.order_no, &req.refund_no)?;
        let (order_no, amount) = (&req.order_no, req.refund_amount);
        self.journal.check_reuse(EntryKind::Refund, self.gw.id(), &req.refund_no, "refund_no", order_no, amount)?;
        self.gw.validate_refund(req)?;
        self.check_refund_left(&req.order_no, &req.refund_no, req.refund_amount)?;
        refund(self.gw.as_ref(), &self.journal, req).await
    }

    /// What is left to refund of `order_no` as the journal knows it: its payment's amount, and
    /// what its refunds took: those refunded, those still unsettled (they may yet go through)
    /// and those needing attention (they may have), each counted once; refund `except` (a retry
    /// of that refund) is left out. `None` when the journal has no payment of the order: then
    /// the gateway decides.
    pub fn refund_left(&self, order_no: &str, except: Option<&str>) -> Result<Option<RefundLeft>> {
        let Some(payment) = self.journal.get(EntryKind::Payment, self.gw.id(), order_no)? else {
            return Ok(None);
        };
        let mut taken = Money::ZERO;
        for r in self.journal.refunds_of(self.gw.id(), order_no)? {
            let counts = matches!(r.state, EntryState::Refunded | EntryState::NeedsAttention) || !r.state.is_settled();
            if counts && Some(r.number.as_str()) != except {
                taken = taken.checked_add(r.amount).unwrap_or(payment.amount);
            }
        }
        Ok(Some(RefundLeft { paid: payment.amount, taken }))
    }

    /// Refuses a refund or cancel of a card sale: the terminal's payment app took the card and
    /// gives it back; posgate only records what it did ([`Engine::record_swipe`]).
    fn check_not_card(&self, order_no: &str) -> Result<()> {
        match self.journal.get(EntryKind::Payment, self.gw.id(), order_no)? {
            Some(p) if p.origin.method == Some(Method::Card) => Err(Error::invalid(
                "order_no",
                format!(
                    "{order_no} is a card sale of the terminal's payment app: refund or void it there, then record \
                     that with record_swipe"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Refuses a refund of `amount` larger than what the journal knows is left of `order_no`.
    fn check_refund_left(&self, order_no: &str, refund_no: &str, amount: Money) -> Result<()> {
        self.check_not_card(order_no)?;
        match self.refund_left(order_no, Some(refund_no))? {
            Some(left) if amount > left.left() => Err(Error::invalid(
                "refund_amount",
                format!(
                    "{amount} yuan is more than is left of order {order_no}: {} yuan of its {} ({} refunded or being \
                     refunded)",
                    left.left(),
                    left.paid,
                    left.taken
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Refuses the cancel of an order the journal knows has refunds: a cancel reverses the whole
    /// order, which the gateways refuse once part of it went back (TLinx's 8021, WeChat's and
    /// Alipay's reverse of a refunded order). What is left is refunded instead.
    fn check_cancellable(&self, order_no: &str) -> Result<()> {
        self.check_not_card(order_no)?;
        match self.refund_left(order_no, None)? {
            Some(left) if left.left().is_zero() && !left.taken.is_zero() => Err(Error::invalid(
                "order_no",
                format!("{order_no} is refunded in full ({} yuan): nothing is left to cancel", left.paid),
            )),
            Some(left) if !left.taken.is_zero() => Err(Error::invalid(
                "order_no",
                format!(
                    "{order_no} is partly refunded ({} of {} yuan): a cancel would reverse all of it; refund the \
                     remaining {} yuan instead",
                    left.taken,
                    left.paid,
                    left.left()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Queries a refund; an answer about a refund the journal has open is recorded there.
    pub async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        self.gw.validate_refund_query(order_no, refund_no)?;
        let r = self.gw.refund_query(order_no, refund_no).await?;
        if let Some(e) = self.journal.get(EntryKind::Refund, self.gw.id(), refund_no)? {
            if !e.state.is_settled() {
                if let Some(note) = ambiguous_refund_answer(self.gw.as_ref(), &self.journal, &e, &r) {
                    return Ok(refund_needs_attention(&self.journal, &e, r, note));
                }
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
        self.gw.validate_order_no(order_no)?;
        self.check_not_card(order_no)?;
        let payment = self.journal.get(EntryKind::Payment, self.gw.id(), order_no)?;
        let entry = self.begin_cancel(order_no, payment.as_ref())?;
        let entry = self.journal.mark_sending(entry.id)?;
        let r = self.gw.close(order_no).await;
        self.record_cancel(&entry, payment.as_ref(), r)
    }

    /// The cashier cancels an order. A payment under way is reversed at once (after the
    /// gateway's earliest-reverse time) and this waits for it; a settled one is reversed now.
    /// An order the journal knows has refunds is refused before anything is recorded or sent
    /// (a cancel would reverse all of it): refund what is left instead.
    pub async fn cancel(self: &Arc<Self>, order_no: &str) -> Result<TradeResult> {
        self.gw.validate_order_no(order_no)?;
        let running = self.running.lock().ok().and_then(|m| m.get(order_no).cloned());
        if let Some(running) = running {
            running.control.cancel();
            let handle = PaymentHandle::detached(order_no, running);
            let r = handle.result().await?;
            if !r.state.is_paid_like() {
                return Ok(r);
            }
            // Settled paid before the machine saw the cancel: reverse it like any settled order.
        }
        self.check_cancellable(order_no)?;
        let payment = self.journal.get(EntryKind::Payment, self.gw.id(), order_no)?;
        let entry = self.begin_cancel(order_no, payment.as_ref())?;
        if let Some(p) = &payment {
            // Never reverse sooner than the gateway allows after the pay call.
            let earliest =
                p.first_sent_at_ms.unwrap_or(p.created_at_ms) + self.gw.schedule().earliest_reverse.as_millis() as i64;
            let wait = (earliest - now_ms()).max(0) as u64;
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        }
        self.send_cancel(&entry, payment.as_ref()).await
    }

    fn begin_cancel(&self, order_no: &str, payment: Option<&Entry>) -> Result<Entry> {
        let amount = payment.map(|p| p.amount).unwrap_or_default();
        let origin = origin(&*self.gw, None, None);
        // Whether it gives money back or stops a payment: the shift report counts the first.
        let paid = payment.is_some_and(|p| p.state == EntryState::Paid);
        let request = if paid { super::shift::CANCELLED_PAID } else { "{}" };
        match self.journal.begin_from(
            EntryKind::Cancel,
            self.gw.id(),
            order_no,
            "order_no",
            order_no,
            amount,
            request,
            &origin,
        )? {
            Begin::New(e) | Begin::Existing(e) => Ok(e),
        }
    }

    pub(super) async fn send_cancel(&self, entry: &Entry, payment: Option<&Entry>) -> Result<TradeResult> {
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
}

/// What the journal knows of an order's money ([`Engine::refund_left`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundLeft {
    /// The payment's amount.
    pub paid: Money,
    /// What its refunds took or may take.
    pub taken: Money,
}

impl RefundLeft {
    /// What may still be refunded.
    pub fn left(&self) -> Money {
        self.paid.checked_sub(self.taken).unwrap_or(Money::ZERO)
    }
}

/// An error after sending that does not say whether the request took effect (a refusal the
/// gateway does not call definite is one of these: the engine checked definite ones first).
pub(super) fn may_have_taken_effect(e: &Error) -> bool {
    e.outcome_unknown() || matches!(e, Error::GatewayRejected { .. })
}
