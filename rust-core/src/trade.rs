//! The unified vocabulary every gateway module maps onto: operations, trade states, and the
//! gateway-neutral requests and results of the common operations.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The five gateways posgate speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayId {
    Sunmi,
    Chaoying,
    Kuaishou,
    Mmsp,
    Tlinx,
}

impl GatewayId {
    pub const ALL: [GatewayId; 5] =
        [GatewayId::Sunmi, GatewayId::Chaoying, GatewayId::Kuaishou, GatewayId::Mmsp, GatewayId::Tlinx];

    pub fn as_str(self) -> &'static str {
        match self {
            GatewayId::Sunmi => "sunmi",
            GatewayId::Chaoying => "chaoying",
            GatewayId::Kuaishou => "kuaishou",
            GatewayId::Mmsp => "mmsp",
            GatewayId::Tlinx => "tlinx",
        }
    }

    pub fn parse(s: &str) -> Option<GatewayId> {
        GatewayId::ALL.into_iter().find(|g| g.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for GatewayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a trade stands. Every gateway code is mapped onto one of these by its module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradeState {
    /// Created or waiting for the payer (password, confirmation): keep querying.
    Paying,
    Paid,
    /// Definitely not paid (declined, payer cancelled, payment error).
    Failed,
    /// Closed unpaid by the gateway or the merchant.
    Closed,
    /// Cancelled/reversed after the pay call; any charge was returned.
    Reversed,
    Refunded,
    PartiallyRefunded,
    /// No trustworthy answer: the trade may or may not have happened. Query; never retry as new.
    Unknown,
    /// The state machine could not settle it (e.g. a reverse refused and no refund possible):
    /// a person must look at it. Final for the machine.
    NeedsAttention,
}

impl TradeState {
    /// Final states end the poll loop. `Paying` and `Unknown` do not.
    pub fn is_final(self) -> bool {
        !matches!(self, TradeState::Paying | TradeState::Unknown)
    }

    /// Money moved to the merchant (and perhaps partly back).
    pub fn is_paid_like(self) -> bool {
        matches!(self, TradeState::Paid | TradeState::Refunded | TradeState::PartiallyRefunded)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TradeState::Paying => "paying",
            TradeState::Paid => "paid",
            TradeState::Failed => "failed",
            TradeState::Closed => "closed",
            TradeState::Reversed => "reversed",
            TradeState::Refunded => "refunded",
            TradeState::PartiallyRefunded => "partially_refunded",
            TradeState::Unknown => "unknown",
            TradeState::NeedsAttention => "needs_attention",
        }
    }
}

impl fmt::Display for TradeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    Processing,
    Success,
    Failed,
    Unknown,
}

impl RefundState {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundState::Processing => "processing",
            RefundState::Success => "success",
            RefundState::Failed => "failed",
            RefundState::Unknown => "unknown",
        }
    }
}

impl fmt::Display for RefundState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A barcode (B scans C) payment. Its Debug masks the payer's code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRequest {
    pub order_no: String,
    pub amount: Money,
    /// The code scanned from the payer's phone.
    pub auth_code: String,
    /// Goods description shown to the payer.
    pub subject: String,
    #[serde(default)]
    pub terminal_id: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
}

/// The payer's code is a one-time bearer token: a request printed into a log (`{req:?}`) shows
/// `***` and its last four characters only.
impl fmt::Debug for PayRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayRequest")
            .field("order_no", &self.order_no)
            .field("amount", &self.amount)
            .field("auth_code", &crate::secret::Masked::new(self.auth_code.as_str()))
            .field("subject", &self.subject)
            .field("terminal_id", &self.terminal_id)
            .field("store_id", &self.store_id)
            .finish()
    }
}

/// The gateway-neutral result of pay, query, cancel and close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeResult {
    pub order_no: String,
    pub state: TradeState,
    /// Amount the gateway reports, when it reports one.
    pub amount: Option<Money>,
    /// The gateway's (or the wallet's) trade number.
    pub gateway_trade_no: Option<String>,
    /// Wallet / channel name as the gateway gives it (e.g. WEIXIN, ALIPAY).
    pub channel: Option<String>,
    /// The gateway's own code and message for this state, for receipts and support.
    pub gateway_code: Option<String>,
    pub message: Option<String>,
}

impl TradeResult {
    pub fn new(order_no: impl Into<String>, state: TradeState) -> TradeResult {
        TradeResult {
            order_no: order_no.into(),
            state,
            amount: None,
            gateway_trade_no: None,
            channel: None,
            gateway_code: None,
            message: None,
        }
    }

    /// A refusal that settles nothing (a system error, a code the gateway does not call
    /// definite): the outcome is unknown, to be settled by a query.
    pub fn unsettled(order_no: &str, code: String, message: String) -> TradeResult {
        let mut r = TradeResult::new(order_no, TradeState::Unknown);
        r.gateway_code = Some(code);
        r.message = Some(message);
        r
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    pub order_no: String,
    pub refund_no: String,
    pub refund_amount: Money,
    /// The original order's amount (some gateways require it).
    pub total_amount: Option<Money>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundResult {
    pub order_no: String,
    pub refund_no: String,
    pub state: RefundState,
    pub amount: Option<Money>,
    pub gateway_refund_no: Option<String>,
    pub gateway_code: Option<String>,
    pub message: Option<String>,
}

impl RefundResult {
    /// Refund `req` before anything is known of it: state unknown, its requested amount.
    pub fn unknown_for(req: &RefundRequest) -> RefundResult {
        RefundResult {
            order_no: req.order_no.clone(),
            refund_no: req.refund_no.clone(),
            state: RefundState::Unknown,
            amount: Some(req.refund_amount),
            gateway_refund_no: None,
            gateway_code: None,
            message: None,
        }
    }
}

/// What a card swipe of the terminal's own payment app did (Sunmi's `orderType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SwipeKind {
    /// Money taken: a sale, or a pre-authorisation's completion.
    Sale,
    /// Money given back of an earlier sale.
    Refund,
    /// A sale cancelled the same day (a void, or the channel's back-office revoke): all of it
    /// given back.
    Void,
    /// Nothing moved yet or nothing of money (a pre-authorisation's hold, a query record, a type
    /// posgate does not know): never journalled.
    Other,
}

impl SwipeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SwipeKind::Sale => "sale",
            SwipeKind::Refund => "refund",
            SwipeKind::Void => "void",
            SwipeKind::Other => "other",
        }
    }

    /// Whether it gives money back of an earlier sale.
    pub fn is_return(self) -> bool {
        matches!(self, SwipeKind::Refund | SwipeKind::Void)
    }
}

/// A card swipe (or a code scanned) taken by the terminal's own payment app, as the gateway's
/// lookup answers it, gateway-neutral. The card's number never appears: only its last four.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swipe {
    pub kind: SwipeKind,
    /// `order_no`: the swipe's order number; `state`: for a sale where its money is (paid,
    /// failed, paying while not final, refunded once a void gave all of it back), for a refund
    /// or void whether it went through (`refunded`) or not (`failed`; `paying` while not final);
    /// `gateway_trade_no`: the channel's order number; `channel`: the wallet's plain name
    /// ("unionpay" for a bank card, "wechat", "alipay", ...); the gateway's result code and
    /// message.
    pub trade: TradeResult,
    /// The trade's reference number (交易参考号): what a refund or void names its sale by.
    pub trade_ref: Option<String>,
    /// A refund's or void's sale, by its reference number.
    pub original_trade_ref: Option<String>,
    /// The day the gateway keeps it under (yyyyMMdd, Beijing): what a later lookup must give.
    pub trade_date: String,
    /// When it was paid, Unix milliseconds, where the gateway says.
    pub paid_at_ms: Option<i64>,
    /// The card number's last four digits, where a card was used.
    pub card_last4: Option<String>,
    /// credit, debit, semi_credit or scan (a code), where the gateway says.
    pub card_type: Option<String>,
}

/// Fields of an answer or notification as received, kept for verification and the journal.
pub type RawFields = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pay_request_never_prints_its_code() {
        let req = PayRequest {
            order_no: "PG1".into(),
            amount: Money::from_fen(100, "amount").unwrap(),
            auth_code: "134567890123456789".into(),
            subject: "coffee".into(),
            terminal_id: None,
            store_id: None,
        };
        let shown = format!("{req:?} {req:#?}");
        assert!(!shown.contains("134567890123456789") && !shown.contains("13456789012345"), "{shown}");
        assert!(shown.contains("***6789") && shown.contains("PG1") && shown.contains("coffee"), "{shown}");
    }
}
