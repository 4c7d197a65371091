//! Reconciliation: a range's journal entries held against the gateway, and the gateway's orders
//! of the range that the journal does not know (a payment made on another terminal, or before a
//! crash lost the journal). Differences are reported, typed, never fixed: the journal is not
//! written (recovery and the cashier settle entries; a person decides about the rest).
//!
//! Where the gateway lists its orders ([`Gateway::payments_between`]) the list is read once;
//! every payment it does not show, every refund and every payout is asked for by its own query
//! (a payout by the gateway's payout query, which names no amount), at most
//! [`Pace::parallel`] at a time and [`Pace::interval`] apart, so a day's worth of queries stays
//! within the gateway's query rate.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::error::Result;
use crate::gateway::{Gateway, PayoutState};
use crate::journal::{Entry, EntryKind, EntryState, Journal, NOT_SENT};
use crate::money::Money;
use crate::trade::{RefundState, TradeResult, TradeState};

/// How fast reconciliation may ask the gateway.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Queries in flight at once.
    pub parallel: usize,
    /// Between the starts of two queries.
    pub interval: Duration,
}

impl Default for Pace {
    /// 4 at a time, 10 a second at most: far under every gateway's documented query limits.
    fn default() -> Pace {
        Pace { parallel: 4, interval: Duration::from_millis(100) }
    }
}

/// What kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// Both know the movement; their states disagree about the money.
    StateDiffers,
    /// Both know it; the amounts differ.
    AmountDiffers,
    /// The gateway has a payment of the range that the journal does not know.
    UnknownToJournal,
    /// The journal has a movement that may have been sent; the gateway knows no such order.
    UnknownToGateway,
}

/// One difference between the journal and the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Difference {
    pub kind: DifferenceKind,
    /// payment, refund or payout.
    pub entry_kind: String,
    pub order_no: String,
    /// The refund number for a refund, else the order number.
    pub number: String,
    pub journal_state: Option<String>,
    pub gateway_state: Option<String>,
    pub journal_amount: Option<Money>,
    pub gateway_amount: Option<Money>,
}

/// The outcome of reconciling `[from_ms, to_ms)` on one gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Reconciliation {
    pub gateway: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// Journal entries held against the gateway.
    pub checked: u64,
    /// What the gateway listed of its orders, where it lists any (payments unknown to the
    /// journal were looked for among those); `None`: it cannot list, only entries were checked.
    pub listed: Option<String>,
    /// Entries the gateway could not be asked about (a network error): check them again later.
    pub unanswered: Vec<String>,
    /// Ordered by kind, then order and number.
    pub differences: Vec<Difference>,
}

/// Reconciles the entries of `gw`'s gateway begun in `[from_ms, to_ms)` against it.
pub async fn reconcile(
    gw: Arc<dyn Gateway>,
    journal: &Journal,
    from_ms: i64,
    to_ms: i64,
    pace: Pace,
) -> Result<Reconciliation> {
    super::check_range(from_ms, to_ms)?;
    let entries: Vec<Entry> = journal
        .begun_between(from_ms, to_ms)?
        .into_iter()
        .filter(|e| e.gateway == gw.id() && e.kind != EntryKind::Cancel)
        .collect();
    let listed = gw.payments_between(from_ms, to_ms).await?;
    let listed_payments = listed.iter().flat_map(|l| &l.payments);
    let by_order: BTreeMap<String, TradeResult> =
        listed_payments.clone().map(|t| (t.order_no.clone(), t.clone())).collect();
    let mut differences = Vec::new();
    let mut unanswered = Vec::new();

    // What the gateway says about each entry: from its list, else its own query.
    let mut to_ask = Vec::new();
    for e in &entries {
        match (e.kind, by_order.get(&e.order_no)) {
            (EntryKind::Payment, Some(t)) => differences.extend(difference(e, Ok(payment_seen(e, t)))),
            _ => to_ask.push(e.clone()),
        }
    }
    for (e, answer) in ask_all(gw.clone(), to_ask, pace).await {
        match answer {
            Err(err) if !definite(&err) => unanswered.push(e.number.clone()),
            answer => differences.extend(difference(&e, answer)),
        }
    }

    // The gateway's payments of the range the journal has never heard of, under any date.
    for t in listed_payments {
        if journal.get(EntryKind::Payment, gw.id(), &t.order_no)?.is_none() {
            differences.push(Difference {
                kind: DifferenceKind::UnknownToJournal,
                entry_kind: "payment".into(),
                order_no: t.order_no.clone(),
                number: t.order_no.clone(),
                journal_state: None,
                gateway_state: Some(t.state.to_string()),
                journal_amount: None,
                gateway_amount: t.amount,
            });
        }
    }
    // Ordered by kind, order and number (a map, not a sort: the library's size).
    let differences: Vec<Difference> = differences
        .into_iter()
        .map(|d| ((d.kind, d.order_no.clone(), d.number.clone()), d))
        .collect::<BTreeMap<_, _>>()
        .into_values()
        .collect();
    let unanswered: Vec<String> =
        unanswered.into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    Ok(Reconciliation {
        gateway: gw.id().as_str().into(),
        from_ms,
        to_ms,
        checked: entries.len() as u64,
        listed: listed.map(|l| l.covers),
        unanswered,
        differences,
    })
}

/// What the gateway says about one entry, reduced to what reconciliation compares.
enum Seen {
    /// The gateway knows no such order, refund or payout.
    NotFound,
    Known {
        /// The gateway's state, as posgate names it.
        state: String,
        /// Whether it agrees with the journal's state about where the money is.
        agrees: bool,
        amount: Option<Money>,
    },
}

/// Asks the gateway about each entry, paced.
async fn ask_all(gw: Arc<dyn Gateway>, entries: Vec<Entry>, pace: Pace) -> Vec<(Entry, Result<Seen>)> {
    let gate = Arc::new(tokio::sync::Semaphore::new(pace.parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut ticker = tokio::time::interval(pace.interval.max(Duration::from_millis(1)));
    for e in entries {
        ticker.tick().await;
        let permit = gate.clone().acquire_owned().await.expect("the semaphore is never closed");
        let gw = gw.clone();
        tasks.spawn(async move {
            let answer = match ask(&*gw, &e).await {
                Err(err) if gw.is_order_not_found(&err) => Ok(Seen::NotFound),
                other => other,
            };
            drop(permit);
            (e, answer)
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(pair) = done {
            out.push(pair);
        }
    }
    out
}

/// One entry's question: a payment's query, a refund's refund query, a payout's status.
async fn ask(gw: &dyn Gateway, e: &Entry) -> Result<Seen> {
    Ok(match e.kind {
        EntryKind::Refund => {
            let r = gw.refund_query(&e.order_no, &e.number).await?;
            let agrees = match e.state {
                EntryState::Refunded => r.state == RefundState::Success,
                EntryState::Failed => r.state == RefundState::Failed,
                _ => !matches!(r.state, RefundState::Success | RefundState::Failed),
            };
            Seen::Known { state: r.state.to_string(), agrees, amount: r.amount }
        }
        EntryKind::Payout => {
            let p = gw.payout_status(&e.number).await?;
            let agrees = match e.state {
                EntryState::Paid => p.state == PayoutState::Paid,
                EntryState::Failed => matches!(p.state, PayoutState::Failed | PayoutState::NotFound),
                _ => !p.state.is_final(),
            };
            match p.state {
                PayoutState::NotFound => Seen::NotFound,
                // The payout query names no amount: only its state can differ.
                state => Seen::Known { state: payout_state(state).into(), agrees, amount: None },
            }
        }
        _ => payment_seen(e, &gw.query(&e.order_no).await?),
    })
}

fn payment_seen(e: &Entry, t: &TradeResult) -> Seen {
    Seen::Known { state: t.state.to_string(), agrees: states_agree(e.state, t.state), amount: t.amount }
}

fn payout_state(s: PayoutState) -> &'static str {
    match s {
        PayoutState::Paid => "paid",
        PayoutState::Failed => "failed",
        PayoutState::Pending => "pending",
        PayoutState::NotFound => "not_found",
        PayoutState::Unknown => "unknown",
    }
}

/// A refusal that is an answer (the gateway read the question and said no), not a lost question.
fn definite(err: &crate::error::Error) -> bool {
    matches!(err, crate::error::Error::GatewayRejected { .. } | crate::error::Error::InvalidInput { .. })
}

/// Whether the journal's state and the gateway's agree about where the money is.
fn states_agree(journal: EntryState, gateway: TradeState) -> bool {
    use TradeState as T;
    match journal {
        // Refunds are entries of their own: a paid payment may read partly or wholly refunded.
        EntryState::Paid => matches!(gateway, T::Paid | T::PartiallyRefunded | T::Refunded),
        EntryState::Refunded => matches!(gateway, T::Refunded | T::Reversed | T::Closed),
        EntryState::Reversed | EntryState::Closed | EntryState::Failed => {
            matches!(gateway, T::Reversed | T::Closed | T::Failed | T::Refunded)
        }
        // Open on the terminal: only a final answer of the gateway is a difference (recovery will
        // settle it; until then the report shows it open).
        _ => !gateway.is_final(),
    }
}

/// The difference, if any, between entry `e` and what the gateway answered about it (a lost
/// question never reaches here: it is listed unanswered).
fn difference(e: &Entry, answer: Result<Seen>) -> Option<Difference> {
    let diff = |kind, gateway_state: Option<String>, gateway_amount| Difference {
        kind,
        entry_kind: e.kind.as_str().into(),
        order_no: e.order_no.clone(),
        number: e.number.clone(),
        journal_state: Some(e.state.as_str().into()),
        gateway_state,
        journal_amount: Some(e.amount),
        gateway_amount,
    };
    match answer {
        Ok(Seen::NotFound) => {
            // Never sent (or failed before it could be): the gateway rightly knows nothing.
            let never_sent = e.note.as_deref() == Some(NOT_SENT) || e.first_sent_at_ms.is_none();
            (!never_sent && e.state != EntryState::Failed).then(|| diff(DifferenceKind::UnknownToGateway, None, None))
        }
        // A definite refusal of the question itself (a bad number): the gateway has no such
        // movement as far as it will say; the state check cannot run.
        Err(err) => Some(diff(DifferenceKind::StateDiffers, Some(format!("refused: {err}")), None)),
        Ok(Seen::Known { state, agrees: false, amount }) => {
            Some(diff(DifferenceKind::StateDiffers, Some(state), amount))
        }
        Ok(Seen::Known { state, amount: Some(a), .. }) if a != e.amount => {
            Some(diff(DifferenceKind::AmountDiffers, Some(state), Some(a)))
        }
        Ok(Seen::Known { .. }) => None,
    }
}
