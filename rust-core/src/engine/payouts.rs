//! Payouts: money out of the merchant's account to a payee. A payout is journalled before it is
//! sent (as [`EntryKind::Payout`], keyed by its payout number) and never sent twice under that
//! number; whatever its answer, it is followed by the gateway's payout queries
//! ([`crate::gateway::Gateway::payout_status`]) on a backoff in a task of its own until it is paid
//! or failed. A payout the gateway still does not know long after it was sent (its not-found
//! deadline, far past any request's timeout) and never answered for never arrived: it ends
//! failed, nothing paid out, and its number is never sent again. One it answered for once is
//! never failed so: it ends needs attention.
//!
//! Gateway-neutral: the engine reads [`PayoutState`]s, never a gateway's codes.

use std::sync::Arc;
use std::time::Duration;

use super::Engine;
use crate::config::PollSchedule;
use crate::error::{Error, Result};
use crate::gateway::{PayoutState, PayoutStatus};
use crate::journal::{now_ms, Entry, EntryKind, EntryState};

/// The note of a payout the platform did not know at its last query (see `record_payout`).
const NOT_FOUND_YET: &str = "not found at the gateway yet";

/// When an unsettled payout is queried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutBackoff {
    /// The waits before the first queries of a payout whose outcome is unknown (an answered one is
    /// read back at once), each counted from the previous query.
    pub steps: Vec<Duration>,
    /// Then one query this often, until the payout is settled.
    pub then_every: Duration,
    /// A payout the gateway reports as not found this long after it was first sent, twice in a
    /// row, never arrived: it is marked failed, its number spent (digest §4.8: "keep querying
    /// until a configured deadline").
    pub not_found_deadline: Duration,
}

impl PayoutBackoff {
    /// Scaled from the gateway's poll schedule (or the configuration's override): a 5 s interval
    /// gives 10 s, 30 s, 1 min, then every 5 min, and "not found" is given up after ten times the
    /// payment deadline (10 min for a 60 s deadline). The sandbox's 0.5 s interval gives 1 s, 3 s,
    /// 6 s, then every 30 s.
    pub fn from_schedule(s: &PollSchedule) -> PayoutBackoff {
        let unit = s.interval.max(Duration::from_millis(10));
        PayoutBackoff {
            steps: vec![unit * 2, unit * 6, unit * 12],
            then_every: unit * 60,
            not_found_deadline: s.deadline.max(unit) * 10,
        }
    }

    /// The wait before query number `n` (from 0).
    pub fn delay(&self, n: usize) -> Duration {
        self.steps.get(n).copied().unwrap_or(self.then_every)
    }
}

/// Note of a payout refused because its number was used before.
fn already_journalled(e: &Entry) -> Error {
    Error::invalid(
        "order_no",
        format!(
            "payout {} is already in the journal ({}): it is never sent twice; read its outcome with \
             payout_status, or use a new number for a new payout",
            e.number, e.state
        ),
    )
}

impl Engine {
    /// How unsettled payouts are followed from now on (default: [`PayoutBackoff::from_schedule`]
    /// of the gateway's schedule).
    pub fn set_payout_backoff(&self, backoff: PayoutBackoff) {
        if let Ok(mut b) = self.payout_backoff.write() {
            *b = Some(backoff);
        }
    }

    pub fn payout_backoff(&self) -> PayoutBackoff {
        self.payout_backoff
            .read()
            .ok()
            .and_then(|b| b.clone())
            .unwrap_or_else(|| PayoutBackoff::from_schedule(&self.gw.schedule()))
    }

    /// Queries payout `payout_no` at the gateway; the answer about a payout the journal has open
    /// is recorded there (paid and failed settle it).
    pub async fn payout_status(&self, payout_no: &str) -> Result<PayoutStatus> {
        let s = self.gw.payout_status(payout_no).await?;
        if let Some(e) = self.journal.get(EntryKind::Payout, self.gw.id(), payout_no)? {
            self.record_payout(&e, &s)?;
        }
        Ok(s)
    }

    /// Whether a payout is being followed by a task of this engine.
    pub fn is_following_payout(&self, payout_no: &str) -> bool {
        self.payouts.lock().map(|p| p.contains(payout_no)).unwrap_or(false)
    }

    /// A payout whose number is journalled already: it is never sent again.
    pub(super) fn refuse_payout_again(&self, e: &Entry) -> Error {
        already_journalled(e)
    }

    /// Records what a payout query said about journal entry `e`; answers the entry's state now.
    pub(super) fn record_payout(&self, e: &Entry, s: &PayoutStatus) -> Result<EntryState> {
        let now = self.journal.by_id(e.id)?;
        if now.state.is_settled() {
            return Ok(now.state);
        }
        let said = || {
            let code = s.code.as_deref().unwrap_or("");
            let msg = s.message.as_deref().unwrap_or("");
            format!("{code} {msg}").trim().to_string()
        };
        let answer = s.answer.as_deref();
        let (state, note) = match s.state {
            PayoutState::Paid => (EntryState::Paid, None),
            PayoutState::Failed => (EntryState::Failed, Some(format!("payout failed: {}", said()))),
            PayoutState::Pending => (EntryState::Paying, None),
            // A query that cannot tell does not unlearn that the platform has it.
            PayoutState::Unknown if now.state == EntryState::Paying => {
                (EntryState::Paying, Some(format!("payout query: {}", said())))
            }
            PayoutState::Unknown => (EntryState::Unknown, Some(format!("payout query: {}", said()))),
            PayoutState::NotFound => {
                let since = now_ms() - now.first_sent_at_ms.unwrap_or(now.created_at_ms);
                let deadline = self.payout_backoff().not_found_deadline.as_millis() as i64;
                // The answer before this one said "no such payout" too (a recovery's first
                // query after a long stop is never enough on its own).
                let again = now.note.as_deref().is_some_and(|n| n.starts_with(NOT_FOUND_YET));
                // Paying: the platform answered for this payout before (its submission, or a
                // query that found it pending), so it arrived: a query that cannot find it now
                // says nothing about the money (the platform's lag, another merchant number),
                // and it is never failed for it; past the deadline a person checks.
                let accepted = now.state == EntryState::Paying;
                if accepted && since >= deadline && again {
                    let note = format!(
                        "the platform accepted this payout but its query has not found it for {} s ({}): \
                         check the platform's records; it is never sent again",
                        since / 1000,
                        said()
                    );
                    (EntryState::NeedsAttention, Some(note))
                } else if accepted {
                    (EntryState::Paying, Some(format!("{NOT_FOUND_YET} ({})", said())))
                } else if since >= deadline && again {
                    // Asked twice, far past any request's timeout: a request that reached the
                    // platform would be known by now, so this one never arrived (the app was
                    // killed before it left, or the network lost it). Nothing was paid out; the
                    // number is spent.
                    let note = format!(
                        "never reached the gateway: no such payout {} s after it was sent ({}); nothing \
                         was paid out and this number is never sent again; if it is still owed, check \
                         the platform's records before paying it under a new number",
                        since / 1000,
                        said()
                    );
                    (EntryState::Failed, Some(note))
                } else {
                    (EntryState::Unknown, Some(format!("{NOT_FOUND_YET} ({})", said())))
                }
            }
        };
        self.journal.update(e.id, state, answer, note.as_deref())?;
        Ok(state)
    }

    /// Follows an unsettled payout in a task of its own (at most one per payout in this process):
    /// the first query after `first`, then on the backoff, until settled.
    pub(super) fn follow_payout(self: &Arc<Self>, entry: &Entry, first: Duration) {
        let fresh = self.payouts.lock().map(|mut p| p.insert(entry.number.clone())).unwrap_or(false);
        if !fresh {
            return;
        }
        let engine = self.clone();
        let (id, number) = (entry.id, entry.number.clone());
        self.rt.spawn(async move {
            engine.follow_loop(id, &number, first).await;
            if let Ok(mut p) = engine.payouts.lock() {
                p.remove(&number);
            }
        });
    }

    async fn follow_loop(&self, id: i64, number: &str, first: Duration) {
        let mut delay = first;
        // A follow-up that waited its first step already starts on the second.
        let mut n = usize::from(!first.is_zero());
        loop {
            tokio::time::sleep(delay).await;
            match self.payout_step(id).await {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) => tracing::info!(target: "posgate::engine", payout_no = %number, "payout query: {e}"),
            }
            delay = self.payout_backoff().delay(n);
            n += 1;
        }
    }

    /// One payout query for journal entry `id`, recorded. `Ok(true)` once the entry is settled.
    async fn payout_step(&self, id: i64) -> Result<bool> {
        let e = self.journal.by_id(id)?;
        if e.state.is_settled() {
            return Ok(true);
        }
        match self.gw.payout_status(&e.number).await {
            Ok(s) => Ok(self.record_payout(&e, &s)?.is_settled()),
            Err(err @ Error::Unsupported { .. }) => {
                let note = format!("cannot follow the payout: {err}");
                self.journal.update(e.id, EntryState::NeedsAttention, None, Some(&note))?;
                Ok(true)
            }
            Err(err) => Err(err),
        }
    }

    /// Recovery of an unsettled payout that was (or may have been) sent: queried now; one still
    /// unsettled is followed in the background like any other.
    pub(super) async fn recover_payout(self: &Arc<Self>, e: &Entry) -> Result<EntryState> {
        if self.is_following_payout(&e.number) {
            return Ok(e.state);
        }
        match self.payout_step(e.id).await {
            Ok(true) => {}
            Ok(false) => self.follow_payout(e, self.payout_backoff().delay(0)),
            Err(err) => {
                tracing::info!(target: "posgate::engine", payout_no = %e.number, "payout query in recovery: {err}");
                self.follow_payout(e, self.payout_backoff().delay(0));
            }
        }
        Ok(self.journal.by_id(e.id)?.state)
    }
}
