//! Recovery at start-up: every journal entry a crash (or a lost answer) left open is settled.
//! No charge is ever sent again.

use std::sync::Arc;

use super::{unknown_refund, Engine, PREORDER, PREORDER_TTL_MS};
use crate::error::{Error, Result};
use crate::journal::{now_ms, Begin, Entry, EntryKind, EntryState, NOT_SENT};
use crate::payment::{entry_state, refund, settle_refund};
use crate::qr::QrRecord;
use crate::trade::{RefundRequest, RefundResult, RefundState};

/// How many unsettled entries recovery settles at once.
pub const RECOVERY_PARALLEL: usize = 128;

/// Note on a pre-order recovery found the gateway does not have, past its deadline.
const NEVER_ARRIVED: &str = "the gateway has no such order: the pre-order never arrived";

/// When a pre-order's schedule ends: past it, a pre-order the gateway does not know never
/// arrived (a request is given up far sooner than any schedule's deadline).
fn preorder_deadline(e: &Entry, schedule: &crate::config::PollSchedule) -> i64 {
    e.first_sent_at_ms.unwrap_or(e.created_at_ms) + schedule.deadline.as_millis() as i64
}

/// Unsettled entries (with their places in the journal's order) in the groups recovery settles
/// side by side: each entry alone, but a payment together with the cashier's cancel of it, the
/// cancel first. Side by side, the payment's query could reach the gateway before the cancel took
/// effect and its answer the journal after the cancel recorded the payment reversed: the journal
/// would say paid while the gateway gave the money back. In order, the cancel's answer settles
/// the payment too, or (unanswered) leaves it to the payment machine.
fn in_order(entries: Vec<(usize, Entry)>) -> Vec<Vec<(usize, Entry)>> {
    let cancelled: std::collections::HashSet<String> =
        entries.iter().filter(|(_, e)| e.kind == EntryKind::Cancel).map(|(_, e)| e.order_no.clone()).collect();
    let (mut payments, rest): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|(_, e)| e.kind == EntryKind::Payment && cancelled.contains(&e.order_no));
    let mut groups: Vec<Vec<(usize, Entry)>> = rest.into_iter().map(|x| vec![x]).collect();
    for group in groups.iter_mut().filter(|g| g[0].1.kind == EntryKind::Cancel) {
        if let Some(at) = payments.iter().position(|(_, p)| p.order_no == group[0].1.order_no) {
            group.push(payments.swap_remove(at));
        }
    }
    groups.extend(payments.into_iter().map(|x| vec![x]));
    groups
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

impl Engine {
    /// Settles every journal entry a crash (or a lost answer) left open: payments are queried,
    /// reversed past their deadline or marked needs attention; refunds and cancels are queried
    /// or resent under their own numbers; payouts are queried, and followed in the background
    /// while still unsettled (never sent again); an open QR payment is followed in the
    /// background until its expiry ([`Engine::wait_idle`] waits for those); a pre-order is
    /// queried (one the gateway does not have past its deadline never arrived: failed). No
    /// charge is ever sent again.
    pub async fn recover(self: &Arc<Self>) -> Result<Vec<Recovered>> {
        // In parallel, bounded: a hundred entries settle within one gateway deadline, not one
        // after another (a resumed payment mostly waits for its next query).
        let limit = Arc::new(tokio::sync::Semaphore::new(RECOVERY_PARALLEL));
        let mut tasks = tokio::task::JoinSet::new();
        let mine = self.journal.unsettled()?.into_iter().filter(|e| e.gateway == self.gw.id());
        for group in in_order(mine.enumerate().collect()) {
            let permit = limit.clone().acquire_owned().await.map_err(|e| Error::internal(e.to_string()))?;
            let engine = self.clone();
            tasks.spawn_on(
                async move {
                    let _permit = permit;
                    let mut done = Vec::new();
                    for (i, e) in group {
                        let r = engine.clone().recover_entry(e).await;
                        let failed = r.is_err();
                        done.push((i, r));
                        if failed {
                            break;
                        }
                    }
                    done
                },
                &self.rt,
            );
        }
        let mut out = Vec::new();
        while let Some(done) = tasks.join_next().await {
            for (i, r) in done.map_err(|e| Error::internal(format!("recovery task: {e}")))? {
                if let Some(r) = r? {
                    out.push((i, r));
                }
            }
        }
        out.sort_by_key(|(i, _)| *i);
        Ok(out.into_iter().map(|(_, r)| r).collect())
    }

    /// Settles one unsettled entry; `None` when this engine is driving it already.
    async fn recover_entry(self: Arc<Self>, e: Entry) -> Result<Option<Recovered>> {
        if self.running.lock().map(|m| m.contains_key(&e.order_no)).unwrap_or(false) && e.kind == EntryKind::Payment {
            return Ok(None);
        }
        // As the journal says now: settled meanwhile (a payment by the cancel recovered before
        // it), it is reported as it stands.
        let e = self.journal.by_id(e.id)?;
        if e.state.is_settled() {
            return Ok(Some(Recovered {
                kind: e.kind,
                number: e.number,
                order_no: e.order_no,
                state: e.state,
                note: e.note,
            }));
        }
        // Before the never-sent rule: a card swipe was never sent by posgate at all, and the
        // ordinary query does not know the terminal's card trades.
        let state = match (e.kind, super::CardRecord::of(&e)) {
            (_, Some(card)) => self.recover_swipe(&e, &card).await?,
            _ if e.attempts == 0 => {
                // Written but never sent: nothing can have reached the gateway.
                self.journal.update(e.id, EntryState::Failed, None, Some(NOT_SENT))?;
                EntryState::Failed
            }
            (EntryKind::Payment, None) if QrRecord::expiry_of(&e.request).is_some() => {
                // Followed in the background until it is paid or its expiry passes (then
                // closed): recovery does not wait minutes for a payer.
                self.launch(Begin::Existing(e.clone()), None, None)?;
                self.journal.by_id(e.id)?.state
            }
            (EntryKind::Payment, None) if e.note.as_deref() == Some(PREORDER) => self.recover_preorder(&e).await?,
            (EntryKind::Payment, None) => {
                let handle = self.launch(Begin::Existing(e.clone()), None, None)?;
                let _ = handle.result().await;
                self.journal.by_id(e.id)?.state
            }
            (EntryKind::Refund, None) => {
                let pending = unknown_refund(&e);
                let mut r = settle_refund(self.gw.as_ref(), &self.journal, &e, pending).await;
                if r.state == RefundState::Unknown {
                    r = self.resend_lost_refund(&e).await.unwrap_or(r);
                }
                let now = self.journal.by_id(e.id)?;
                if !now.state.is_settled() {
                    // Unanswered: the next recovery asks again (nothing a person could decide).
                    let note = format!("refund still {} after recovery: recovery asks again", r.state);
                    self.journal.update(e.id, EntryState::Unknown, None, Some(&note))?;
                }
                self.journal.by_id(e.id)?.state
            }
            (EntryKind::Payout, None) => self.recover_payout(&e).await?,
            (EntryKind::Cancel, None) => {
                let payment = self.journal.get(EntryKind::Payment, self.gw.id(), &e.order_no)?;
                match self.send_cancel(&e, payment.as_ref()).await {
                    // Unanswered (or a refusal that may hide a reverse): the next recovery asks
                    // again. A definite refusal (no such order, a gateway without cancel) is an
                    // answer: the cancel stays failed, as recorded.
                    Err(err) if !self.answered(&err) => {
                        let note = format!("cancel unanswered in recovery ({err}): recovery asks again");
                        self.journal.update(e.id, EntryState::Unknown, None, Some(&note))?;
                    }
                    _ => {}
                }
                self.journal.by_id(e.id)?.state
            }
        };
        let after = self.journal.by_id(e.id)?;
        Ok(Some(Recovered { kind: e.kind, number: e.number, order_no: e.order_no, state, note: after.note }))
    }

    /// Whether `err` is the gateway's answer (a definite refusal: nothing happened, and asking
    /// again changes nothing) rather than a request left unanswered or an outcome left unknown.
    fn answered(&self, err: &Error) -> bool {
        match err {
            Error::GatewayRejected { .. } => self.gw.is_definite(err),
            Error::Unsupported { .. } | Error::InvalidInput { .. } => true,
            _ => false,
        }
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
                let state = entry_state(r.state);
                self.journal.update(e.id, state, serde_json::to_string(&r).ok().as_deref(), None)?;
                Ok(state)
            }
            Err(err)
                if self.gw.is_order_not_found(&err)
                    && e.last_answer.is_none()
                    && now_ms() > preorder_deadline(e, &self.gw.schedule()) =>
            {
                // Sent, never answered, and past its deadline the gateway has no such order: it
                // never arrived, and nobody can pay an order the gateway does not have (the
                // payment machine ends a payment so after a refused reverse). Left paying, it
                // would wait for a payer until the pre-order's time to live. A pre-order the
                // gateway answered is not ended so: some gateways know a pre-order only once its
                // code is scanned (Alipay's precreate), and its payer may still come.
                let note = format!("{NEVER_ARRIVED}: {err}");
                self.journal.update(e.id, EntryState::Failed, None, Some(&note))?;
                Ok(EntryState::Failed)
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
}
