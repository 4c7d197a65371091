//! The fault storms' common checks of a journal against the sandbox's books, after recovery:
//! (c) nothing is left unsettled, (d) the journal's word about each payment matches where the
//! money is, (e) every refund the gateway made is journalled as refunded, and nothing else is.
//! Each storm adds its own checks ((a) and (b): what it asked for) around these.

use std::collections::{BTreeMap, HashMap};

use posgate_core::journal::{Entry, EntryKind, EntryState, Journal};
use posgate_core::GatewayId;
use posgate_sandbox::{OrderView, SimState};

/// What the checks found: problem lines, the entries handed to a person (allowed, counted),
/// and the payments by final state.
#[derive(Default)]
pub struct Found {
    pub problems: Vec<String>,
    pub needs_attention: usize,
    pub by_state: BTreeMap<&'static str, usize>,
}

/// The journal's entries and the gateway's orders of one storm.
pub struct Books<'a> {
    pub gateway: GatewayId,
    pub entries: &'a [Entry],
    pub orders: &'a [OrderView],
    /// An order's whole story, for the problem lines.
    pub describe: &'a dyn Fn(&str) -> String,
}

/// Whether the gateway holds money of the order: charged, not given back in full.
pub fn holds_money(o: &OrderView) -> bool {
    o.charges >= 1 && matches!(o.state, SimState::Paid | SimState::PartiallyRefunded) && o.refunded < o.amount
}

impl Books<'_> {
    pub fn payments(&self) -> HashMap<&str, &Entry> {
        self.entries.iter().filter(|e| e.kind == EntryKind::Payment).map(|e| (e.order_no.as_str(), e)).collect()
    }

    fn order(&self, no: &str) -> Option<&OrderView> {
        self.orders.iter().find(|o| o.order_no == no)
    }

    /// (c) nothing left unsettled.
    pub fn nothing_unsettled(&self, journal: &Journal, found: &mut Found) {
        for e in journal.unsettled().unwrap() {
            found.problems.push(format!(
                "(c) unsettled after recovery: {} {} {} ({:?}): {}",
                e.kind.as_str(),
                e.number,
                e.state,
                e.note,
                (self.describe)(&e.order_no)
            ));
        }
    }

    /// (d) the journal's word matches the money: paid where the gateway charged once and holds
    /// it (or refunded it since); unpaid where it holds nothing.
    pub fn payments_match_money(&self, found: &mut Found) {
        for e in self.payments().values() {
            *found.by_state.entry(e.state.as_str()).or_default() += 1;
            let o = self.order(&e.order_no);
            let paid_there = o.is_some_and(|o| {
                o.charges == 1 && matches!(o.state, SimState::Paid | SimState::PartiallyRefunded | SimState::Refunded)
            });
            let money_there = o.is_some_and(holds_money);
            let unpaid = matches!(
                e.state,
                EntryState::Reversed | EntryState::Failed | EntryState::Closed | EntryState::Refunded
            );
            match e.state {
                EntryState::Paid if !paid_there => {
                    found.problems.push(format!("(d) journal paid, gateway not: {}", (self.describe)(&e.order_no)));
                }
                _ if unpaid && money_there => found.problems.push(format!(
                    "(d) journal {}, gateway holds the money: {}",
                    e.state,
                    (self.describe)(&e.order_no)
                )),
                EntryState::NeedsAttention => {
                    found.needs_attention += 1;
                    println!("  needs attention (allowed, counted): {}", (self.describe)(&e.order_no));
                }
                _ => {}
            }
        }
    }

    /// (e) every refund the gateway made is in the journal as refunded, and nothing else is.
    /// `reversed(order_no)`: whether the journal says the order was reversed (on TLinx a reverse
    /// of a paid order is a full refund the client makes itself).
    pub fn refunds_match(&self, reversed: &dyn Fn(&str) -> bool, found: &mut Found) {
        let payments = self.payments();
        for o in self.orders {
            if payments.get(o.order_no.as_str()).is_some_and(|p| p.state == EntryState::NeedsAttention) {
                continue; // counted by (d): a person checks the whole order
            }
            let refunds: Vec<&Entry> =
                self.entries.iter().filter(|e| e.kind == EntryKind::Refund && e.order_no == o.order_no).collect();
            if let Some(e) = refunds.iter().find(|e| e.state == EntryState::NeedsAttention) {
                found.needs_attention += 1;
                println!("  refund needs attention (allowed, counted): {} {:?}", e.number, e.note);
                continue;
            }
            let journalled: u64 =
                refunds.iter().filter(|e| e.state == EntryState::Refunded).map(|e| e.amount.fen_i64() as u64).sum();
            let reversal = if self.gateway == GatewayId::Tlinx && reversed(&o.order_no) { o.amount } else { 0 };
            if o.refunded != journalled + reversal && !(reversal > 0 && o.refunded == reversal) {
                let list: Vec<_> = refunds.iter().map(|e| format!("{} {} {}", e.number, e.amount, e.state)).collect();
                found.problems.push(format!(
                    "(e) gateway refunded {} fen, journal says {journalled} (+{reversal} reversal) {list:?}: {}",
                    o.refunded,
                    (self.describe)(&o.order_no)
                ));
            }
        }
    }
}
