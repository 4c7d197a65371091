//! What the engine sees of a gateway: the operations common to every gateway in the shared
//! vocabulary ([`Gateway`]: pay, query, refund, cancel, notifications), and every operation of
//! the gateway by name ([`Operations`], derived from the declarations by
//! `operation::operations!`). Each gateway module implements both on its `Client`.

use async_trait::async_trait;

use crate::config::PollSchedule;
use crate::error::{Error, Result};
use crate::ids::NumberRule;
use crate::money::Money;
use crate::operation::OperationInfo;
#[cfg(feature = "invoke")]
use crate::operation::{Described, Invoked};
use crate::qr::{QrPaymentRequest, QrRules};
use crate::trade::{GatewayId, PayRequest, RawFields, RefundRequest, RefundResult, Swipe, TradeResult, TradeState};
/// A gateway's rules for the merchant's numbers.
#[derive(Debug, Clone, Copy)]
pub struct Numbers {
    /// Order numbers (`out_trade_no`, `out_no`, `CHARGE_CODE`, `MERORDERID`, `orderId`).
    pub order: NumberRule,
    /// Refund numbers.
    pub refund: NumberRule,
}

impl Numbers {
    /// What any gateway takes at least: present, letters, digits, `-` and `_`, at most 64.
    pub const ANY: Numbers = Numbers { order: NumberRule::new(1, 64, "-_"), refund: NumberRule::new(1, 64, "-_") };

    /// One rule for both.
    pub const fn same(rule: NumberRule) -> Numbers {
        Numbers { order: rule, refund: rule }
    }
}

/// A verified notification (asynchronous payment result) from a gateway.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notification {
    pub gateway: GatewayId,
    pub order_no: String,
    pub state: TradeState,
    pub amount: Option<Money>,
    pub gateway_trade_no: Option<String>,
    /// Every received field, as received.
    pub fields: RawFields,
    /// The exact text to answer the gateway with so it stops retrying.
    pub ack: String,
}

/// What a gateway listed of its payments for a range, and which of its orders such a list
/// can show at all: MMSP lists only the paid orders of its quick-pay and gateway-pay
/// sub-APIs, never a cashier's scan-code payment, and reconciliation says so.
#[cfg(feature = "back-office")]
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Which orders the list covers, in words ("every payment (order list 4.2)").
    pub covers: String,
    pub payments: Vec<TradeResult>,
}

/// Where a payout (money out of the merchant's account to a payee) stands, as the gateway's
/// payout query reads it. Gateway-neutral: the engine follows payouts through
/// [`Gateway::payout_status`] without knowing whose they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    /// Paid out: final.
    Paid,
    /// Failed, nothing paid: final.
    Failed,
    /// Accepted and under way (or awaiting review): query again later.
    Pending,
    /// The gateway has no such payout. After a submit whose answer was lost this may mean it never
    /// arrived, or that it is not visible yet: query again until a deadline, then a person decides.
    NotFound,
    /// The answer does not say (a system error, an unlisted state): query again.
    Unknown,
}

impl PayoutState {
    pub fn is_final(self) -> bool {
        matches!(self, PayoutState::Paid | PayoutState::Failed)
    }
}

/// A payout query's outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PayoutStatus {
    /// The merchant's payout number.
    pub payout_no: String,
    pub state: PayoutState,
    /// The gateway's code (a refusal's code, or the state as the gateway spells it).
    pub code: Option<String>,
    pub message: Option<String>,
    /// The gateway's answer as JSON, for the journal (payee data masked).
    pub answer: Option<String>,
}

/// Every operation of a gateway by name, derived from its declarations (`operation::operations!`).
#[async_trait]
pub trait Operations: Send + Sync {
    /// Every operation of the gateway.
    fn operations(&self) -> &'static [OperationInfo];

    /// Calls operation `name` with its typed request given as JSON; answers the typed answer
    /// as JSON and, for a charge, what it says about the payment. Unknown names give
    /// `Unsupported`; malformed params give `InvalidInput` naming the field. Sends without
    /// journalling: the engine's `invoke` journals what moves money.
    #[cfg(feature = "invoke")]
    async fn invoke(&self, name: &str, params: serde_json::Value) -> Result<Invoked>;

    /// Reads and validates `params` for operation `name` without sending: its effect, the money
    /// it moves and the journal's copy of the request.
    #[cfg(feature = "invoke")]
    fn describe(&self, name: &str, params: &serde_json::Value) -> Result<Described>;

    /// The concrete client, for the engine's typed calls ([`crate::client::Routed`]).
    fn into_any(self: std::sync::Arc<Self>) -> std::sync::Arc<dyn std::any::Any + Send + Sync>;
}

#[async_trait]
pub trait Gateway: Operations {
    fn id(&self) -> GatewayId;

    /// The merchant this client's configuration names (merchant number, or the app id where the
    /// gateway has no other): what the shift report groups by beside the gateway.
    fn merchant(&self) -> String;

    /// The gateway's poll-after-paying schedule (or the configuration's override).
    fn schedule(&self) -> PollSchedule;

    /// Checks a barcode payment against the gateway's rules. Called before anything is sent.
    fn validate_pay(&self, req: &PayRequest) -> Result<()>;

    /// The gateway's rules for the merchant's order and refund numbers.
    fn numbers(&self) -> Numbers {
        Numbers::ANY
    }

    /// Checks an order number (a query's, a cancel's, a close's, a refund query's) against the
    /// gateway's rules, naming `order_no`. Called before anything is recorded or sent.
    fn validate_order_no(&self, order_no: &str) -> Result<()> {
        self.numbers().order.check("order_no", order_no)
    }

    /// Checks a refund against the gateway's rules: its numbers and amounts (more than zero, at
    /// most the gateway's single-payment maximum, no more than the order's total when given).
    /// Called before anything is recorded or sent.
    fn validate_refund(&self, req: &RefundRequest) -> Result<()> {
        let n = self.numbers();
        n.order.check("order_no", &req.order_no)?;
        n.refund.check("refund_no", &req.refund_no)?;
        crate::rules::refund_amounts(self.id(), req.refund_amount, req.total_amount)
    }

    /// Checks a refund query's numbers, naming the field.
    fn validate_refund_query(&self, order_no: &str, refund_no: &str) -> Result<()> {
        let n = self.numbers();
        n.order.check("order_no", order_no)?;
        n.refund.check("refund_no", refund_no)
    }

    /// Barcode (B scans C) payment. A system error or "paying" answer comes back as
    /// `Ok` with state `Unknown` / `Paying`; `Err(GatewayRejected)` means definitely not charged.
    async fn pay(&self, req: &PayRequest) -> Result<TradeResult>;

    async fn query(&self, order_no: &str) -> Result<TradeResult>;

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult>;

    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult>;

    /// Cancel / reverse the order (returns the money if it was charged).
    async fn cancel(&self, order_no: &str) -> Result<TradeResult>;

    /// Close an unpaid order, where the gateway distinguishes close from cancel.
    async fn close(&self, order_no: &str) -> Result<TradeResult> {
        let _ = order_no;
        Err(Error::Unsupported { what: format!("{}: close (use cancel)", self.id()) })
    }

    /// The merchant-presented code (the payer scans it): this gateway's rules, `None` when it
    /// has none (a QR payment then answers `Unsupported`).
    fn qr_rules(&self) -> Option<QrRules> {
        None
    }

    /// Checks a QR payment against the gateway-neutral rules and the gateway's own. Called
    /// before anything is recorded or sent.
    fn validate_qr(&self, req: &QrPaymentRequest) -> Result<()> {
        match self.qr_rules() {
            Some(rules) => rules.check(self.id(), req),
            None => Err(Error::Unsupported { what: format!("{}: QR payments (the payer scans a code)", self.id()) }),
        }
    }

    /// Creates the order of a QR payment and answers the code's content. The engine closes the
    /// order at `expiry` if it is still unpaid; the gateway's own expiry is set no sooner.
    async fn qr_order(&self, req: &QrPaymentRequest, expiry: std::time::Duration) -> Result<String> {
        let _ = expiry;
        self.validate_qr(req)?;
        Err(Error::Unsupported { what: format!("{}: QR payments (the payer scans a code)", self.id()) })
    }

    /// Verifies a notification on the raw received fields and maps it.
    fn verify_notification(&self, fields: &RawFields) -> Result<Notification>;

    /// How long after the pay call the gateway still takes a reverse (or a close, or a refund of
    /// a payment found paid after it): the payment machine retries an unanswered one with
    /// backoff until then. 24 hours by default: Alipay's cancel takes a payment for a day
    /// (WeChat's reverse a week), so a day is within every wallet's limit.
    fn reverse_window(&self) -> std::time::Duration {
        std::time::Duration::from_secs(24 * 60 * 60)
    }

    /// Whether a refusal `err` says for certain that nothing happened. A gateway whose refusals
    /// include system errors or "number used before" (which may hide a charge or a refund)
    /// answers false for those; the payment machine and the engine then treat them as unknown.
    fn is_definite(&self, err: &Error) -> bool {
        let _ = err;
        true
    }

    /// Looks up a card swipe (or a code scanned) that the terminal's own payment app took, by its
    /// order number, on `trade_date` (yyyyMMdd; the gateway's today when `None`). A read: nothing
    /// that moves money is sent. Gateways whose terminals take no cards answer `Unsupported`.
    async fn swipe(&self, order_id: &str, trade_date: Option<&str>) -> Result<Swipe> {
        let _ = (order_id, trade_date);
        Err(Error::Unsupported {
            what: format!("{}: card swipes (only Sunmi's financial terminals take them)", self.id()),
        })
    }

    /// Where payout `payout_no` stands (the engine's follow-up of an unsettled payout, and
    /// recovery). Gateways without payouts answer `Unsupported`.
    async fn payout_status(&self, payout_no: &str) -> Result<PayoutStatus> {
        let _ = payout_no;
        Err(Error::Unsupported { what: format!("{}: payouts", self.id()) })
    }

    #[cfg(feature = "back-office")]
    /// The gateway's payments of `[from_ms, to_ms)`, where it can list its orders:
    /// reconciliation finds there the payments the journal does not know. `None`: it cannot
    /// (reconciliation then asks order by order).
    async fn payments_between(&self, from_ms: i64, to_ms: i64) -> Result<Option<Listing>> {
        let _ = (from_ms, to_ms);
        Ok(None)
    }

    /// The refund number of a reversal made as a full refund (a paid order whose reverse was
    /// refused; a gateway whose cancel refunds a paid order): one number per order wherever the
    /// refund is made (the payment machine, the gateway's own cancel, a retry, a recovery), so
    /// the gateway's duplicate check keeps the order from being refunded twice.
    fn reversal_refund_no(&self, order_no: &str) -> String {
        crate::ids::reversal_refund_no(order_no)
    }

    /// Whether the refund query answers about the refund asked for. Kuaishou's reads the
    /// order's state (it has no refund lookup), which cannot tell one refund of an order from
    /// another: the engine then takes its answer only when the order has no other refund.
    fn refund_query_names_the_refund(&self) -> bool {
        true
    }

    /// Whether an order's query shows the refunds made of it (partly or wholly refunded).
    /// TLinx's does not: its orders read paid after their money went back (seed 4.7), so
    /// reconciliation cannot confirm a reversal or a refund there from the order.
    fn refunds_show_on_order(&self) -> bool {
        true
    }

    /// Whether `err` is the gateway saying it has no such order (so a request never arrived).
    fn is_order_not_found(&self, err: &Error) -> bool {
        let _ = err;
        false
    }
}
