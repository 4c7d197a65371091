//! The payment and refund callbacks (4.3.5, chapter 6), typed.

use serde::Serialize;

use super::codes::{payment_state, refund_state, OrderType, Platform, SubCode, TradeStatus};
use crate::error::Result;
use crate::money::Money;
use crate::trade::{RawFields, RefundState, TradeState};

/// A payment or refund callback, typed. Every received field but `sign` is kept: the listed
/// ones below (the refund-only `orig*` included), any other in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    pub amount: Option<Money>,
    pub business_id: Option<String>,
    pub buyer_pay_amount: Option<Money>,
    pub mis_id: Option<String>,
    pub msn: Option<String>,
    pub order_id: Option<String>,
    pub order_type: Option<OrderType>,
    pub pay_time: Option<String>,
    pub platform: Option<Platform>,
    pub buyer_logon_id: Option<String>,
    pub platform_id: Option<String>,
    pub refunded: Option<Money>,
    pub result_code: Option<SubCode>,
    pub result_msg: Option<String>,
    pub state: Option<TradeStatus>,
    /// Refunds only: the original order.
    pub orig_mis_id: Option<String>,
    pub orig_order_id: Option<String>,
    pub orig_platform_id: Option<String>,
    pub orig_business_id: Option<String>,
    pub extra: crate::wire::Extra,
}

/// What a callback is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackKind {
    /// orderType 0, 3, 4 (or absent).
    Payment,
    /// orderType 1.
    Refund,
    /// orderType 2, 5.
    Cancel,
    /// orderType 6 or unlisted.
    Other,
}

const CALLBACK_FIELDS: &[&str] = &[
    "amount",
    "businessId",
    "buyerPayAmount",
    "misId",
    "msn",
    "orderId",
    "orderType",
    "payTime",
    "platform",
    "buyerLogonId",
    "platformId",
    "refunded",
    "resultCode",
    "resultMsg",
    "state",
    "origMisId",
    "origOrderId",
    "origPlatformId",
    "origBusinessId",
    "sign",
];

impl Callback {
    /// Reads the received fields (empty values as absent). A bad amount is an error naming it.
    pub fn from_fields(f: &RawFields) -> Result<Callback> {
        let text = |k: &str| f.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::to_string);
        let fen = |k: &str| text(k).map(|t| Money::parse_fen(&t, k)).transpose();
        Ok(Callback {
            amount: fen("amount")?,
            business_id: text("businessId"),
            buyer_pay_amount: fen("buyerPayAmount")?,
            mis_id: text("misId"),
            msn: text("msn"),
            order_id: text("orderId"),
            order_type: text("orderType").map(|t| OrderType::parse(&t)),
            pay_time: text("payTime"),
            platform: text("platform").map(|t| Platform::parse(&t)),
            buyer_logon_id: text("buyerLogonId"),
            platform_id: text("platformId"),
            refunded: fen("refunded")?,
            result_code: text("resultCode").map(|t| SubCode::parse(&t)),
            result_msg: text("resultMsg"),
            state: text("state").map(|t| TradeStatus::parse(&t)),
            orig_mis_id: text("origMisId"),
            orig_order_id: text("origOrderId"),
            orig_platform_id: text("origPlatformId"),
            orig_business_id: text("origBusinessId"),
            extra: f
                .iter()
                .filter(|(k, _)| !CALLBACK_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }

    pub fn kind(&self) -> CallbackKind {
        match self.order_type {
            None | Some(OrderType::Sale | OrderType::PreAuth | OrderType::PreAuthComplete) => CallbackKind::Payment,
            Some(OrderType::Refund) => CallbackKind::Refund,
            Some(OrderType::Void | OrderType::Revoke) => CallbackKind::Cancel,
            Some(OrderType::Query | OrderType::Other(_)) => CallbackKind::Other,
        }
    }

    /// The merchant order the callback is about: the payment's `orderId`, or for a refund or
    /// cancel the original's `origOrderId` (its own `orderId` when the original is not named).
    /// Card-swipe trades may come without `orderId`: then Sunmi's `misId`.
    pub fn subject_order_no(&self) -> Option<String> {
        let own = self.order_id.clone().or_else(|| self.mis_id.clone());
        match self.kind() {
            CallbackKind::Refund | CallbackKind::Cancel => self.orig_order_id.clone().or(own),
            _ => own,
        }
    }

    /// Sunmi's number of the order the callback is about (the channel's when Sunmi's is absent).
    pub fn subject_trade_no(&self) -> Option<String> {
        let own = self.mis_id.clone().or_else(|| self.platform_id.clone());
        match self.kind() {
            CallbackKind::Refund | CallbackKind::Cancel => {
                self.orig_mis_id.clone().or_else(|| self.orig_platform_id.clone()).or(own)
            }
            _ => own,
        }
    }

    /// The state of the order the callback is about. A successful refund says some money went
    /// back (the callback alone cannot tell whether all of it); a successful cancel reversed the
    /// original; a failed refund or cancel changes nothing known (unknown).
    pub fn trade_state(&self) -> TradeState {
        let code = self.result_code.as_ref();
        match self.kind() {
            CallbackKind::Payment => payment_state(self.state.as_ref(), code, self.amount, self.refunded),
            CallbackKind::Refund => match refund_state(self.state.as_ref(), code) {
                RefundState::Success => TradeState::PartiallyRefunded,
                _ => TradeState::Unknown,
            },
            CallbackKind::Cancel => match refund_state(self.state.as_ref(), code) {
                RefundState::Success => TradeState::Reversed,
                _ => TradeState::Unknown,
            },
            CallbackKind::Other => TradeState::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn callbacks_keep_every_field() {
        let mut f: RawFields = [
            ("amount", "50"),
            ("businessId", "B1"),
            ("misId", "R-MIS"),
            ("orderId", "R1"),
            ("orderType", "1"),
            ("state", "3"),
            ("resultCode", "T00"),
            ("origMisId", "MIS1"),
            ("origOrderId", "A1"),
            ("origPlatformId", "P1"),
            ("origBusinessId", ""),
            ("newField", "x"),
            ("sign", "s"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let cb = Callback::from_fields(&f).unwrap();
        assert_eq!(cb.kind(), CallbackKind::Refund);
        assert_eq!(cb.subject_order_no().as_deref(), Some("A1"));
        assert_eq!(cb.subject_trade_no().as_deref(), Some("MIS1"));
        assert_eq!(cb.trade_state(), TradeState::PartiallyRefunded);
        assert_eq!(cb.orig_platform_id.as_deref(), Some("P1"));
        assert_eq!(cb.orig_business_id, None);
        assert_eq!(cb.extra.get("newField").map(String::as_str), Some("x"));
        assert!(!cb.extra.contains_key("sign"));
        f.insert("orderType".into(), "2".into());
        assert_eq!(Callback::from_fields(&f).unwrap().trade_state(), TradeState::Reversed);
        f.insert("amount".into(), "1.5".into());
        assert_eq!(field_of(Callback::from_fields(&f).unwrap_err()), "amount");
    }
}
