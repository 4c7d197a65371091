//! Card swipes of Sunmi's financial terminal in the journal. The terminal's own payment app takes
//! the card (or a code it scans), not posgate; the cashier app only gets the swipe's order number
//! back. [`Engine::record_swipe`] looks the swipe up (a read: nothing that moves money is sent) and
//! journals it settled at once, so the shift report counts it (method `card`) and reconciliation
//! can ask about it again (through the same lookup, on the day kept in the entry's request).
//!
//! A sale is a payment entry; a refund or void is a refund entry against its sale, found in the
//! journal by the sale's reference number (`tradeRef`). Entries are written settled in one
//! statement ([`crate::journal::Journal::record_settled`]): none is ever pending, so recovery
//! never sends, queries or marks unsent a swipe it could not have sent.

use serde::{Deserialize, Serialize};

use super::Engine;
use crate::error::{Error, Result};
use crate::journal::{Begin, Entry, EntryKind, EntryState, Method, NewEntry};
use crate::money::Money;
use crate::payment::{entry_state, origin, recorded_result};
use crate::trade::{Swipe, SwipeKind, TradeState};

/// What the journal keeps of a card swipe in its entry's request: enough to look it up again
/// (its order number is the entry's number; its day) and to find a refund's sale (the sale's
/// reference number). Of the card, its last four digits only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRecord {
    pub swipe: SwipeKind,
    pub trade_ref: Option<String>,
    /// yyyyMMdd: without it the gateway looks at today's swipes only.
    pub trade_date: String,
    pub original_trade_ref: Option<String>,
    pub card_last4: Option<String>,
    pub card_type: Option<String>,
    pub paid_at_ms: Option<i64>,
}

impl CardRecord {
    fn new(s: &Swipe) -> CardRecord {
        CardRecord {
            swipe: s.kind,
            trade_ref: s.trade_ref.clone(),
            trade_date: s.trade_date.clone(),
            original_trade_ref: s.original_trade_ref.clone(),
            card_last4: s.card_last4.clone(),
            card_type: s.card_type.clone(),
            paid_at_ms: s.paid_at_ms,
        }
    }

    /// The record of a card entry; `None` for any other entry.
    pub fn of(e: &Entry) -> Option<CardRecord> {
        (e.origin.method == Some(Method::Card)).then(|| serde_json::from_str(&e.request).ok()).flatten()
    }
}

/// What [`Engine::record_swipe`] answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedSwipe {
    pub kind: SwipeKind,
    /// The swipe's order number: its journal entry's number.
    pub order_no: String,
    /// A refund's or void's sale, by its order number; `None` for a sale.
    pub original_order_no: Option<String>,
    pub amount: Money,
    /// Where it stands: as the journal has it, or as the lookup said when not journalled.
    pub state: TradeState,
    /// Whether it is in the journal. `false`: the lookup was not final (the card still being
    /// read, or an answer that does not say); nothing was written: record it again later.
    pub journalled: bool,
    /// It was in the journal before this call: nothing was looked up or written.
    pub recorded_before: bool,
    pub wallet: Option<String>,
    pub card_last4: Option<String>,
    pub trade_ref: Option<String>,
    pub trade_date: String,
    /// The channel's order number.
    pub gateway_trade_no: Option<String>,
    pub gateway_code: Option<String>,
    pub message: Option<String>,
}

impl RecordedSwipe {
    /// A journalled swipe, as its entry says.
    fn journalled(e: &Entry, c: CardRecord, recorded_before: bool) -> RecordedSwipe {
        let answer = recorded_result(e);
        RecordedSwipe {
            kind: c.swipe,
            order_no: e.number.clone(),
            original_order_no: (e.kind == EntryKind::Refund).then(|| e.order_no.clone()),
            amount: e.amount,
            state: answer.state,
            journalled: true,
            recorded_before,
            wallet: e.origin.wallet.clone(),
            card_last4: c.card_last4,
            trade_ref: c.trade_ref,
            trade_date: c.trade_date,
            gateway_trade_no: answer.gateway_trade_no,
            gateway_code: answer.gateway_code,
            message: answer.message,
        }
    }

    /// A swipe looked up but not journalled (not final yet).
    fn looked_up(s: Swipe, wallet: Option<String>) -> RecordedSwipe {
        RecordedSwipe {
            kind: s.kind,
            order_no: s.trade.order_no,
            original_order_no: None,
            amount: s.trade.amount.unwrap_or_default(),
            state: s.trade.state,
            journalled: false,
            recorded_before: false,
            wallet,
            card_last4: s.card_last4,
            trade_ref: s.trade_ref,
            trade_date: s.trade_date,
            gateway_trade_no: s.trade.gateway_trade_no,
            gateway_code: s.trade.gateway_code,
            message: s.trade.message,
        }
    }
}

impl Engine {
    /// Records card swipe `order_id` of the terminal's payment app on `trade_date` (yyyyMMdd;
    /// today when `None`): looks it up, then journals a sale as a payment (method `card`, its
    /// wallet from the card organisation) or a refund or void as a refund of its sale, settled at
    /// once to the looked-up state with the answer. A swipe recorded before answers its entry
    /// (nothing looked up, never a second entry). A lookup that is not final journals nothing
    /// (`journalled` false). Refused before anything is sent, naming the field: a bad
    /// `order_id` or `trade_date`; after the lookup: a swipe that moved no money (a
    /// pre-authorisation's hold), and a refund or void whose sale is not in the journal
    /// (`order_id`: record the sale first). Gateways whose terminals take no cards: `Unsupported`.
    pub async fn record_swipe(&self, order_id: &str, trade_date: Option<String>) -> Result<RecordedSwipe> {
        self.gw.numbers().order.check("order_id", order_id)?;
        if let Some(date) = trade_date.as_deref() {
            crate::rules::compact_date("trade_date", date)?;
        }
        if let Some(recorded) = self.recorded_swipe(order_id)? {
            return Ok(recorded);
        }
        let swipe = self.gw.swipe(order_id, trade_date.as_deref()).await?;
        let wallet = swipe.trade.channel.as_deref().map(super::shift::wallet_key);
        if swipe.kind == SwipeKind::Other {
            return Err(Error::invalid(
                "order_id",
                format!("{order_id} moved no money (a pre-authorisation or a query record): nothing to record"),
            ));
        }
        if !swipe.trade.state.is_final() {
            return Ok(RecordedSwipe::looked_up(swipe, wallet));
        }
        let amount = swipe.trade.amount.filter(|a| !a.is_zero()).ok_or_else(|| Error::Network {
            message: format!("{}: the lookup of {order_id} gave no amount: look it up again", self.gw.id()),
            outcome_unknown: true,
        })?;
        let (kind, order_no) = match swipe.kind {
            SwipeKind::Sale => (EntryKind::Payment, order_id.to_string()),
            _ => (EntryKind::Refund, self.card_sale_of(order_id, &swipe)?.order_no),
        };
        let record = CardRecord::new(&swipe);
        let request = serde_json::to_string(&record).map_err(|e| Error::internal(e.to_string()))?;
        let answer = serde_json::to_string(&swipe.trade).map_err(|e| Error::internal(e.to_string()))?;
        let origin = origin(&*self.gw, Some(Method::Card), wallet);
        let new = NewEntry {
            kind,
            gateway: self.gw.id(),
            number: order_id,
            number_field: "order_id",
            order_no: &order_no,
            amount,
            request: &request,
            origin: &origin,
        };
        let begin = self.journal.record_settled(&new, entry_state(swipe.trade.state), &answer)?;
        let (entry, before) = match begin {
            Begin::New(e) => (e, false),
            Begin::Existing(e) => (e, true),
        };
        tracing::info!(target: "posgate::engine", order_no = %entry.number, kind = swipe.kind.as_str(),
            state = %entry.state, "card swipe recorded");
        let record = CardRecord::of(&entry).unwrap_or(record);
        Ok(RecordedSwipe::journalled(&entry, record, before))
    }

    /// The journal's card entry of swipe `order_id`, if recorded; an entry under that number
    /// that is not a card swipe refuses it.
    fn recorded_swipe(&self, order_id: &str) -> Result<Option<RecordedSwipe>> {
        for kind in [EntryKind::Payment, EntryKind::Refund] {
            let Some(e) = self.journal.get(kind, self.gw.id(), order_id)? else { continue };
            let Some(record) = CardRecord::of(&e) else {
                return Err(Error::invalid(
                    "order_id",
                    format!("{order_id} is in the journal as a {} that is not a card swipe", kind.as_str()),
                ));
            };
            return Ok(Some(RecordedSwipe::journalled(&e, record, true)));
        }
        Ok(None)
    }

    /// The card sale that refund or void `order_id` gives money back of: the journal's card
    /// payment with the swipe's original reference number (the newest, and with the same card
    /// where both know it: reference numbers repeat over the years).
    fn card_sale_of(&self, order_id: &str, swipe: &Swipe) -> Result<Entry> {
        let kind = swipe.kind.as_str();
        let Some(original) = swipe.original_trade_ref.as_deref() else {
            let reason = format!(
                "{order_id} is a card {kind} that names no sale (no oriTradeRef): nothing to record it against"
            );
            return Err(Error::invalid("order_id", reason));
        };
        let needle = format!("\"trade_ref\":{}", serde_json::Value::from(original));
        let sales = self.journal.payments_with(self.gw.id(), Method::Card, &needle)?;
        let same_ref = |e: &&Entry| CardRecord::of(e).is_some_and(|c| c.trade_ref.as_deref() == Some(original));
        let same_card = |e: &&Entry| {
            CardRecord::of(e).is_some_and(|c| {
                c.card_last4.is_none() || swipe.card_last4.is_none() || c.card_last4 == swipe.card_last4
            })
        };
        let found = sales.iter().filter(same_ref).find(same_card).or_else(|| sales.iter().find(same_ref));
        found.cloned().ok_or_else(|| {
            let reason = format!(
                "{order_id} is a card {kind} of sale {original} (its reference number), which is not in the journal: \
                 record the original sale first"
            );
            Error::invalid("order_id", reason)
        })
    }

    /// Recovery's way with a card entry found open (never one [`Engine::record_swipe`] wrote:
    /// those are settled when written): looked up again on its day, never queried, sent or
    /// marked unsent; left as it is while the lookup is not final.
    pub(super) async fn recover_swipe(&self, e: &Entry, c: &CardRecord) -> Result<EntryState> {
        match self.gw.swipe(&e.number, Some(&c.trade_date)).await {
            Ok(s) if s.trade.state.is_final() => {
                let state = entry_state(s.trade.state);
                let answer = serde_json::to_string(&s.trade).ok();
                self.journal.update(e.id, state, answer.as_deref(), None)?;
                Ok(state)
            }
            Ok(_) => Ok(e.state),
            Err(err) => {
                tracing::warn!(target: "posgate::engine", order_no = %e.number, "card swipe lookup in recovery: {err}");
                Ok(e.state)
            }
        }
    }
}
