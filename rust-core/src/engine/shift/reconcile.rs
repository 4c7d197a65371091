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
    /// Entries the gateway could not be asked about, or answered about without saying (a
    /// network error, a system error, an unknown state): check them again later.
    pub unanswered: Vec<String>,
    /// Entries the gateway cannot confirm: a reversed or refunded payment on a gateway whose
    /// orders still read paid after their money went back (TLinx, seed 4.7).
    pub unverifiable: Vec<String>,
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
    // This gateway's and this merchant's entries (a journal may hold several merchants; older
    // entries name none and are taken as this one's).
    let merchant = gw.merchant();
    let entries: Vec<Entry> = journal
        .begun_between(from_ms, to_ms)?
        .into_iter()
        .filter(|e| e.gateway == gw.id() && e.kind != EntryKind::Cancel)
        .filter(|e| e.origin.merchant.as_deref().is_none_or(|m| m == merchant))
        .collect();
    // What the journal knows was given back of each payment, for the gateway's refunded states.
    let mut given_back = BTreeMap::new();
    for e in entries.iter().filter(|e| e.kind == EntryKind::Payment) {
        given_back.insert(e.order_no.clone(), GivenBack::of(&journal.refunds_of(gw.id(), &e.order_no)?));
    }
    let listed = gw.payments_between(from_ms, to_ms).await?;
    let listed_payments = listed.iter().flat_map(|l| &l.payments);
    let by_order: BTreeMap<String, TradeResult> =
        listed_payments.clone().map(|t| (t.order_no.clone(), t.clone())).collect();
    let compare = Compare { gw: gw.clone(), given_back };
    let (mut differences, mut unanswered, mut unverifiable) = (Vec::new(), Vec::new(), Vec::new());

    // What the gateway says about each entry: from its list, else its own query.
    let mut to_ask = Vec::new();
    let mut answers = Vec::new();
    for e in entries.iter().cloned() {
        match (e.kind, by_order.get(&e.order_no)) {
            (EntryKind::Payment, Some(t)) => {
                let seen = compare.payment(&e, t);
                answers.push((e, Ok(seen)));
            }
            _ => to_ask.push(e),
        }
    }
    let asked: Vec<String> = to_ask.iter().map(|e| e.number.clone()).collect();
    answers.extend(ask_all(Arc::new(compare), to_ask, pace).await);
    // A question whose task ended without an answer (it panicked) is unanswered, never lost.
    let answered: std::collections::BTreeSet<&str> = answers.iter().map(|(e, _)| e.number.as_str()).collect();
    unanswered.extend(asked.iter().filter(|n| !answered.contains(n.as_str())).cloned());
    for (e, answer) in &answers {
        match answer {
            Err(err) if !gw_answered(&*gw, err) => unanswered.push(e.number.clone()),
            Ok(Seen::Unclear) => unanswered.push(e.number.clone()),
            Ok(Seen::Unverifiable) => unverifiable.push(e.number.clone()),
            answer => differences.extend(difference(e, answer)),
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
    // Ordered by kind, order, movement and number (a map, not a sort: the library's size).
    let differences: Vec<Difference> = differences
        .into_iter()
        .map(|d| ((d.kind, d.order_no.clone(), d.entry_kind.clone(), d.number.clone()), d))
        .collect::<BTreeMap<_, _>>()
        .into_values()
        .collect();
    let ordered = |v: Vec<String>| -> Vec<String> {
        v.into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect()
    };
    Ok(Reconciliation {
        gateway: gw.id().as_str().into(),
        from_ms,
        to_ms,
        checked: entries.len() as u64,
        listed: listed.map(|l| l.covers),
        unanswered: ordered(unanswered),
        unverifiable: ordered(unverifiable),
        differences,
    })
}

/// What the journal knows was given back of a payment: refunded in fen, and whether a refund
/// is still open (it may yet go through, or may have).
#[derive(Default, Clone, Copy)]
struct GivenBack {
    refunded_fen: u64,
    open: bool,
}

impl GivenBack {
    fn of(refunds: &[Entry]) -> GivenBack {
        let mut g = GivenBack::default();
        for r in refunds {
            match r.state {
                EntryState::Refunded => g.refunded_fen = g.refunded_fen.saturating_add(r.amount.fen()),
                EntryState::Failed => {}
                _ => g.open = true,
            }
        }
        g
    }
}

/// How the gateway's answers are held against the journal.
struct Compare {
    gw: Arc<dyn Gateway>,
    given_back: BTreeMap<String, GivenBack>,
}

impl Compare {
    /// A payment's state at the gateway against the journal's, and against the journal's refunds
    /// where the gateway says some of it went back.
    fn payment(&self, e: &Entry, t: &TradeResult) -> Seen {
        use TradeState as T;
        if t.state == T::Unknown {
            return Seen::Unclear;
        }
        let back = self.given_back.get(&e.order_no).copied().unwrap_or_default();
        let whole = e.amount.fen();
        let agrees = match (e.state, t.state) {
            // Refunded at the gateway: the journal's refunds must say so (or one be under way).
            (EntryState::Paid, T::Refunded) => back.open || back.refunded_fen >= whole,
            (EntryState::Paid, T::PartiallyRefunded) => {
                back.open || (back.refunded_fen > 0 && back.refunded_fen < whole)
            }
            (EntryState::Paid, T::Paid) => back.open || back.refunded_fen == 0 || !self.gw.refunds_show_on_order(),
            (EntryState::Reversed | EntryState::Refunded, T::Paid) if !self.gw.refunds_show_on_order() => {
                return Seen::Unverifiable;
            }
            (journal, gateway) => states_agree(journal, gateway),
        };
        Seen::Known { state: t.state.to_string(), agrees, amount: t.amount }
    }
}

/// What the gateway says about one entry, reduced to what reconciliation compares.
enum Seen {
    /// The gateway knows no such order, refund or payout.
    NotFound,
    /// It answered without saying (an unknown state): ask again later.
    Unclear,
    /// It cannot tell (see [`Reconciliation::unverifiable`]).
    Unverifiable,
    Known {
        /// The gateway's state, as posgate names it.
        state: String,
        /// Whether it agrees with the journal's state about where the money is.
        agrees: bool,
        amount: Option<Money>,
    },
}

/// Asks the gateway about each entry, paced.
async fn ask_all(compare: Arc<Compare>, entries: Vec<Entry>, pace: Pace) -> Vec<(Entry, Result<Seen>)> {
    let gate = Arc::new(tokio::sync::Semaphore::new(pace.parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut ticker = tokio::time::interval(pace.interval.max(Duration::from_millis(1)));
    for e in entries {
        ticker.tick().await;
        let permit = gate.clone().acquire_owned().await.expect("the semaphore is never closed");
        let compare = compare.clone();
        tasks.spawn(async move {
            // A card swipe is asked through the swipe lookup on its day: the ordinary query does
            // not know the terminal's card trades.
            let asked = match crate::engine::CardRecord::of(&e) {
                Some(card) => ask_swipe(&compare, &e, &card.trade_date).await,
                None => compare.ask(&e).await,
            };
            let answer = match asked {
                Err(err) if compare.gw.is_order_not_found(&err) => Ok(Seen::NotFound),
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

impl Compare {
    /// One entry's question: a payment's query, a refund's refund query, a payout's status.
    async fn ask(&self, e: &Entry) -> Result<Seen> {
        let gw = &*self.gw;
        Ok(match e.kind {
            EntryKind::Refund => {
                let r = gw.refund_query(&e.order_no, &e.number).await?;
                if r.state == RefundState::Unknown {
                    return Ok(Seen::Unclear);
                }
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
                    PayoutState::Unknown => Seen::Unclear,
                    // The payout query names no amount: only its state can differ.
                    state => Seen::Known { state: payout_state(state).into(), agrees, amount: None },
                }
            }
            _ => self.payment(e, &gw.query(&e.order_no).await?),
        })
    }
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

/// A refusal that is an answer (the gateway read the question and said no, for certain), not a
/// lost question or a system error.
fn gw_answered(gw: &dyn Gateway, err: &crate::error::Error) -> bool {
    use crate::error::Error;
    match err {
        Error::GatewayRejected { .. } => gw.is_definite(err),
        Error::InvalidInput { .. } => true,
        _ => false,
    }
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
fn difference(e: &Entry, answer: &Result<Seen>) -> Option<Difference> {
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
            Some(diff(DifferenceKind::StateDiffers, Some(state.clone()), *amount))
        }
        Ok(Seen::Known { state, amount: Some(a), .. }) if *a != e.amount => {
            Some(diff(DifferenceKind::AmountDiffers, Some(state.clone()), Some(*a)))
        }
        Ok(Seen::Known { .. } | Seen::Unclear | Seen::Unverifiable) => None,
    }
}

/// What the swipe lookup on `trade_date` says of card entry `e`. A card sale's refunds and voids
/// are swipes of their own that never show on it: a sale still paid agrees with a paid entry
/// whatever its refunds; otherwise it is held as any payment. A refund or void is held by
/// whether it went through (`refunded`) or not.
async fn ask_swipe(compare: &Compare, e: &Entry, trade_date: &str) -> Result<Seen> {
    let t = compare.gw.swipe(&e.number, Some(trade_date)).await?.trade;
    if t.state == TradeState::Unknown {
        return Ok(Seen::Unclear);
    }
    let agrees = match (e.kind, e.state) {
        (EntryKind::Payment, EntryState::Paid) if t.state == TradeState::Paid => true,
        (EntryKind::Payment, _) => return Ok(compare.payment(e, &t)),
        (_, EntryState::Refunded) => t.state == TradeState::Refunded,
        (_, EntryState::Failed) => t.state == TradeState::Failed,
        _ => !t.state.is_final(),
    };
    Ok(Seen::Known { state: t.state.to_string(), agrees, amount: t.amount })
}
