//! The end-of-shift report (交班 / 日结) from the journal alone: what a shift took, per gateway
//! and merchant, by state, wallet and method; what it refunded, cancelled and paid out; the net;
//! and every entry it hands over unsettled or needing a person, with the reason.
//!
//! Money is counted in fen, exactly (sums are u64/i128, never floats). The report depends only
//! on the entries: the same journal gives the same report whatever order its rows come in
//! (everything is grouped in ordered maps and listed in key order).

mod receipt;
// Reconciliation asks the gateway about a whole range, a back office's (or an end-of-day
// manager's) work rather than the cashier's: the `back-office` feature (the library's size).
#[cfg(feature = "back-office")]
pub mod reconcile;

pub use crate::beijing;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::journal::{Entry, EntryKind, EntryState, Journal};
use crate::money::Money;

/// A count and a sum: how many movements under `key`, and their money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Tally {
    pub key: String,
    pub count: u64,
    pub amount: Money,
}

/// An entry the shift hands over: not settled yet, or waiting for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OpenEntry {
    pub gateway: String,
    /// payment, refund, cancel or payout.
    pub kind: String,
    pub number: String,
    pub order_no: String,
    pub amount: Money,
    pub state: String,
    /// Why it is open: the journal's note, or what the state means.
    pub reason: String,
    pub created_at_ms: i64,
}

/// One gateway and merchant's part of a shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GatewayShift {
    pub gateway: String,
    /// The merchant the gateway's configuration named ("unknown" for entries written before
    /// posgate recorded it).
    pub merchant: String,
    /// Payments begun in the shift, by their state now (paid, partially_refunded and refunded
    /// by the shift's refunds or their gateway, reversed, closed, failed, and the open ones).
    pub payments: Vec<Tally>,
    /// Payments that took money (paid, or paid and since refunded), in all.
    pub taken: Tally,
    /// The same, by wallet (wechat, alipay, unionpay, ...; "unknown" where neither the request
    /// nor the answer named it).
    pub taken_by_wallet: Vec<Tally>,
    /// The same, by method (barcode, qr, face, prepay, card: the swipes of the terminal's own
    /// payment app that were recorded).
    pub taken_by_method: Vec<Tally>,
    /// Money given back in the shift: refunds made in it, and payments of the shift returned in
    /// full by their gateway without a refund of their own (a reversal of a paid order).
    pub refunded: Tally,
    /// The cashier's cancels settled in the shift (reversed or closed orders).
    pub cancelled: Tally,
    /// Payouts paid in the shift.
    pub paid_out: Tally,
    /// taken − refunded − paid out, in fen (negative when more went out than came in).
    pub net_fen: i64,
    /// Entries of this gateway and merchant begun before the shift's end and still open.
    pub open: Vec<OpenEntry>,
}

/// The report of `[from_ms, to_ms)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ShiftReport {
    pub from_ms: i64,
    pub to_ms: i64,
    /// One per gateway and merchant with anything in the shift, ordered by gateway, merchant.
    pub gateways: Vec<GatewayShift>,
    /// The report as text for a 58 mm receipt printer (32 columns, Beijing time).
    pub receipt: String,
}

impl ShiftReport {
    /// Builds the report from the entries begun in `[from_ms, to_ms)` (`shift`), the entries
    /// begun before `to_ms` that are still open (`open`), as
    /// [`crate::journal::Journal::begun_between`] and [`crate::journal::Journal::open_before`]
    /// answer them, and the entries of other shifts the shift's entries are tied to (`related`,
    /// see [`report`]): the refunds of its payments that ended refunded, so a payment refunded
    /// by a later refund is not counted as returned twice; the cancels of its payments that
    /// ended unpaid, so a payment a later shift reversed counts as taken here (and as given
    /// back there); the payments of its cancels.
    ///
    /// Each movement counts in the shift it began in, as it stands now; a paid payment
    /// reversed by a cancel of a later shift is the one exception above, so a shift's report
    /// reads the same when printed at its end and when printed again later.
    pub fn build(from_ms: i64, to_ms: i64, shift: &[Entry], open: &[Entry], related: &[Entry]) -> Result<ShiftReport> {
        check_range(from_ms, to_ms)?;
        // Every map here is keyed by a String and every tally is (count, fen): few distinct map
        // types, each compiled once (the library's size).
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        // Per order: (refunds made against it whenever, fen the shift refunded of it). A payment
        // returned in full counts as refunded by its refund entries where it has them, by itself
        // where it has none; a paid payment refunded by the shift reads so among the states.
        // Each entry once, however often it is given (the shift's first, then the related).
        let mut seen = std::collections::BTreeSet::new();
        let shift: Vec<&Entry> = shift.iter().filter(|e| seen.insert(entry_key(e))).collect();
        let related: Vec<&Entry> = related.iter().filter(|e| seen.insert(entry_key(e))).collect();
        let mut of_order = Sums::default();
        for e in shift.iter().filter(|e| e.kind == EntryKind::Refund && e.state != EntryState::Failed) {
            let fen = if e.state == EntryState::Refunded { e.amount } else { Money::default() };
            of_order.add(&order_key(e), fen);
        }
        for e in related.iter().filter(|e| e.kind == EntryKind::Refund && e.state != EntryState::Failed) {
            of_order.add(&order_key(e), Money::default());
        }
        // Cancels and payments by order, to tie a reversal to the shift it happened in.
        let tied = |kind: EntryKind| -> BTreeMap<String, &Entry> {
            shift.iter().chain(&related).filter(|e| e.kind == kind).map(|e| (order_key(e), *e)).collect()
        };
        let (cancel_of, payment_of) = (tied(EntryKind::Cancel), tied(EntryKind::Payment));
        for e in shift {
            let g = groups.entry(group_key(e)).or_default();
            match e.kind {
                EntryKind::Payment => {
                    // Reversed by a later shift's cancel: paid when this shift ended.
                    let reversed_later =
                        cancel_of.get(&order_key(e)).is_some_and(|c| c.created_at_ms >= to_ms && returned_a_charge(c));
                    let (refunds_made, refunded_fen) = of_order.get(&order_key(e));
                    let state = match e.state {
                        _ if reversed_later => "paid",
                        EntryState::Paid if refunded_fen > 0 && refunded_fen >= e.amount.fen() => "refunded",
                        EntryState::Paid if refunded_fen > 0 => "partially_refunded",
                        s => s.as_str(),
                    };
                    g.payments.add(state, e.amount);
                    if matches!(e.state, EntryState::Paid | EntryState::Refunded) || reversed_later {
                        g.taken.add("taken", e.amount);
                        g.by_wallet.add(&wallet(e), e.amount);
                        g.by_method.add(e.origin.method.map_or("unknown", |m| m.as_str()), e.amount);
                    }
                    if e.state == EntryState::Refunded && refunds_made == 0 && !reversed_later {
                        g.refunded.add("refunded", e.amount);
                    }
                }
                EntryKind::Refund if e.state == EntryState::Refunded => g.refunded.add("refunded", e.amount),
                EntryKind::Cancel
                    if matches!(e.state, EntryState::Reversed | EntryState::Closed | EntryState::Refunded) =>
                {
                    g.cancelled.add("cancelled", e.amount);
                    // The reversal of an earlier shift's paid payment gives its money back now.
                    let earlier = payment_of.get(&order_key(e)).is_some_and(|p| p.created_at_ms < from_ms);
                    if earlier && returned_a_charge(e) {
                        g.refunded.add("refunded", e.amount);
                    }
                }
                EntryKind::Payout if e.state == EntryState::Paid => g.paid_out.add("paid_out", e.amount),
                _ => {}
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for e in open.iter().filter(|e| e.created_at_ms < to_ms && is_open(e.state)) {
            if seen.insert(entry_key(e)) {
                let g = groups.entry(group_key(e)).or_default();
                g.open.insert(format!("{}\u{0}{}", e.kind.as_str(), e.number), open_entry(e));
            }
        }
        let gateways = groups
            .into_iter()
            .map(|(key, g)| {
                let (gateway, merchant) = key.split_once('\u{0}').unwrap_or((&key, ""));
                g.finish(gateway.to_string(), merchant.to_string())
            })
            .collect();
        let mut report = ShiftReport { from_ms, to_ms, gateways, receipt: String::new() };
        report.receipt = receipt::render(&report);
        Ok(report)
    }
}

/// The report of the movements begun in `[from_ms, to_ms)` and of everything begun before
/// `to_ms` still open, from the journal alone (nothing is sent): every gateway and merchant the
/// journal holds.
pub fn report(journal: &Journal, from_ms: i64, to_ms: i64) -> Result<ShiftReport> {
    check_range(from_ms, to_ms)?;
    let shift = journal.begun_between(from_ms, to_ms)?;
    let open = journal.open_before(to_ms)?;
    // What ties the shift's entries to other shifts' (see `ShiftReport::build`).
    let mut related = Vec::new();
    for e in &shift {
        if (e.kind, e.state) == (EntryKind::Payment, EntryState::Refunded) {
            related.extend(journal.refunds_of(e.gateway, &e.order_no)?);
        }
        let other = match (e.kind, e.state) {
            (EntryKind::Payment, EntryState::Reversed | EntryState::Closed | EntryState::Refunded) => EntryKind::Cancel,
            (EntryKind::Cancel, _) => EntryKind::Payment,
            _ => continue,
        };
        related.extend(journal.get(other, e.gateway, &e.order_no)?);
    }
    ShiftReport::build(from_ms, to_ms, &shift, &open, &related)
}

/// `from` before `to`, both after 1970: a range the report can cover.
pub fn check_range(from_ms: i64, to_ms: i64) -> Result<()> {
    if from_ms < 0 {
        return Err(Error::invalid("from", "before 1970"));
    }
    if to_ms <= from_ms {
        return Err(Error::invalid("to", "must be after from"));
    }
    Ok(())
}

fn entry_key(e: &Entry) -> String {
    format!("{}\u{0}{}\u{0}{}", e.kind.as_str(), e.gateway.as_str(), e.number)
}

fn group_key(e: &Entry) -> String {
    format!("{}\u{0}{}", e.gateway.as_str(), merchant(e))
}

fn order_key(e: &Entry) -> String {
    format!("{}\u{0}{}", e.gateway.as_str(), e.order_no)
}

/// The cancel's request says so when it began: its order was paid then (see
/// [`CANCELLED_PAID`]); settled reversed or refunded, it gave that money back.
fn returned_a_charge(cancel: &Entry) -> bool {
    matches!(cancel.state, EntryState::Reversed | EntryState::Refunded) && cancel.request == CANCELLED_PAID
}

/// The request the engine journals for a cancel of an order it knows is paid (a cancel of an
/// order still paying is `{}`): the shift report tells a reversal that gave money back from one
/// that stopped a payment.
pub const CANCELLED_PAID: &str = r#"{"payment_state":"paid"}"#;

fn is_open(s: EntryState) -> bool {
    !s.is_settled() || s == EntryState::NeedsAttention
}

fn merchant(e: &Entry) -> String {
    e.origin.merchant.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| "unknown".into())
}

/// The payment's wallet: as begun (the code's format, the QR's wallet), else as its last answer
/// named the channel.
fn wallet(e: &Entry) -> String {
    if let Some(w) = e.origin.wallet.as_deref().filter(|w| !w.is_empty()) {
        return w.to_string();
    }
    let channel = e
        .last_answer
        .as_deref()
        .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .and_then(|v| v.get("channel").and_then(|c| c.as_str()).map(str::to_string));
    channel.map_or_else(|| "unknown".to_string(), |c| wallet_key(&c))
}

/// A gateway's channel name as a wallet key: WEIXIN, WECHAT, wxpay, 微信 are all "wechat".
pub fn wallet_key(channel: &str) -> String {
    let c = channel.trim().to_ascii_lowercase();
    let is = |names: &[&str]| names.iter().any(|n| c == *n || c.starts_with(n));
    if is(&["wechat", "weixin", "wx", "微信"]) {
        "wechat".into()
    } else if is(&["alipay", "ali", "zfb", "支付宝"]) {
        "alipay".into()
    } else if is(&["unionpay", "union", "upop", "yl", "ysf", "银联", "云闪付"]) {
        "unionpay".into()
    } else if is(&["qq"]) {
        "qq".into()
    } else if is(&["jd", "京东"]) {
        "jd".into()
    } else if is(&["bestpay", "yzf", "翼支付"]) {
        "bestpay".into()
    } else if c.is_empty() {
        "unknown".into()
    } else {
        c
    }
}

fn open_entry(e: &Entry) -> OpenEntry {
    let reason = e.note.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| {
        match e.state {
            EntryState::Pending => "journalled, not known to have been sent",
            EntryState::Paying => "the payer has not confirmed yet",
            EntryState::Unknown => "no answer yet: recovery will ask the gateway",
            EntryState::Reversing => "being reversed",
            EntryState::NeedsAttention => "a person must decide",
            _ => "open",
        }
        .to_string()
    });
    OpenEntry {
        gateway: e.gateway.as_str().into(),
        kind: e.kind.as_str().into(),
        number: e.number.clone(),
        order_no: e.order_no.clone(),
        amount: e.amount,
        state: e.state.as_str().into(),
        reason,
        created_at_ms: e.created_at_ms,
    }
}

/// Counts and sums by key, in fen.
#[derive(Default)]
struct Sums(BTreeMap<String, (u64, u64)>);

impl Sums {
    fn add(&mut self, key: &str, amount: Money) {
        let slot = self.0.entry(key.to_string()).or_default();
        // Saturating: a corrupt journal's amounts (up to i64::MAX fen each) must not wrap.
        slot.0 += 1;
        slot.1 = slot.1.saturating_add(amount.fen());
    }

    fn tallies(&self) -> Vec<Tally> {
        self.0.iter().map(|(k, &(count, fen))| Tally { key: k.clone(), count, amount: money(fen) }).collect()
    }

    fn get(&self, key: &str) -> (u64, u64) {
        self.0.get(key).copied().unwrap_or_default()
    }

    fn one(&self, key: &str) -> Tally {
        let (count, fen) = self.get(key);
        Tally { key: key.into(), count, amount: money(fen) }
    }
}

/// Sums of journal amounts, each at most i64::MAX fen: a shift cannot overflow them in practice;
/// saturating keeps a corrupt journal from panicking the report.
fn money(fen: u64) -> Money {
    Money::from_fen(fen.min(i64::MAX as u64) as i64, "amount").unwrap_or_default()
}

#[derive(Default)]
struct Group {
    payments: Sums,
    taken: Sums,
    by_wallet: Sums,
    by_method: Sums,
    refunded: Sums,
    cancelled: Sums,
    paid_out: Sums,
    /// Ordered by kind and number (an ordered map, not a sort: the library's size).
    open: BTreeMap<String, OpenEntry>,
}

impl Group {
    fn finish(self, gateway: String, merchant: String) -> GatewayShift {
        let (taken, refunded, paid_out) =
            (self.taken.one("taken"), self.refunded.one("refunded"), self.paid_out.one("paid_out"));
        let net = taken.amount.fen() as i128 - refunded.amount.fen() as i128 - paid_out.amount.fen() as i128;
        GatewayShift {
            gateway,
            merchant,
            payments: self.payments.tallies(),
            taken,
            taken_by_wallet: self.by_wallet.tallies(),
            taken_by_method: self.by_method.tallies(),
            refunded,
            cancelled: self.cancelled.one("cancelled"),
            paid_out,
            net_fen: net.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
            open: self.open.into_values().collect(),
        }
    }
}

#[cfg(test)]
fn receipt_width(line: &str) -> usize {
    receipt::width(line)
}

#[cfg(test)]
mod tests;
