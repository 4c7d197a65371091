//! The records several operations share: [`OrderRef`], which names one order, and [`OrderInfo`],
//! an order as the order list, order/view and paystatus describe it.

use serde::{Deserialize, Serialize};

use super::call::{ORD_NO_RULE, OUT_NO_RULE};
use super::codes::trade_state;
use super::flex;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::trade::TradeState;

/// Names one order by the platform's `ord_no` or the merchant's `out_no` (at least one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct OrderRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_no: Option<String>,
}

impl OrderRef {
    pub fn out_no(out_no: impl Into<String>) -> OrderRef {
        OrderRef { ord_no: None, out_no: Some(out_no.into()) }
    }

    pub fn ord_no(ord_no: impl Into<String>) -> OrderRef {
        OrderRef { ord_no: Some(ord_no.into()), out_no: None }
    }

    pub fn validate(&self) -> Result<()> {
        match (&self.ord_no, &self.out_no) {
            (None, None) => Err(Error::invalid("out_no", "give out_no or ord_no")),
            (ord, out) => {
                if let Some(v) = ord {
                    ORD_NO_RULE.check("ord_no", v)?;
                }
                if let Some(v) = out {
                    OUT_NO_RULE.check("out_no", v)?;
                }
                Ok(())
            }
        }
    }
}

/// An order as order list, order/view and paystatus describe it (their fields overlap; each
/// answer fills a subset).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct OrderInfo {
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_no: Option<String>,
    /// 1 payment, 2 refund.
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_type: Option<i64>,
    /// See [`status`](super::status).
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<i64>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_tag: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_mct_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_shop_id: Option<String>,
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub original_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub discount_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ignore_amount: Option<Money>,
    /// Amount actually paid (or refunded, for a refund order), fen.
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_amount: Option<Money>,
    /// Channel discount (the seed's spelling).
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_discout_amount: Option<Money>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_account: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_qrcode: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub add_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_pay_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    /// For a refund order: the platform number of the order it refunds.
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub original_ord_no: Option<String>,
    /// The channel's raw result, as the platform passes it on.
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_result: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl OrderInfo {
    pub fn trade_state(&self) -> TradeState {
        trade_state(self.status)
    }
}

/// A verified answer about another order than the one asked about (a replayed answer) is not
/// trusted.
pub fn same_order(asked: &OrderRef, out_no: Option<&str>, ord_no: Option<&str>) -> Result<()> {
    let differs = |a: &Option<String>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) if !b.is_empty() => a != b,
        _ => false,
    };
    if differs(&asked.out_no, out_no) || differs(&asked.ord_no, ord_no) {
        return Err(Error::signature(format!(
            "tlinx answer is about order {} / {}, not the one asked for",
            out_no.unwrap_or("-"),
            ord_no.unwrap_or("-")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn order_ref_validates() {
        assert_eq!(field_of(OrderRef::default().validate().unwrap_err()), "out_no");
        assert_eq!(field_of(OrderRef::out_no("a b").validate().unwrap_err()), "out_no");
        assert_eq!(field_of(OrderRef::ord_no("1".repeat(33)).validate().unwrap_err()), "ord_no");
        assert!(OrderRef::ord_no("9149870539009977236294766").validate().is_ok());
    }
}
