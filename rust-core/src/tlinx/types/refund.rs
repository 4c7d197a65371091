//! 4.7 payrefund: a refund, booked by the platform as a refund order of its own.

use serde::{Deserialize, Serialize};

use super::call::{path, Call, OUT_NO_RULE};
use super::checks::{check_opt_len, check_positive};
use super::codes::refund_state;
use super::flex;
use super::records::OrderRef;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Secret;
use crate::trade::RefundState;

/// A refund, which the platform books as a new order (ord_type 2) of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PayrefundRequest {
    /// The original order, by merchant number (or give `ord_no`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    /// The refund's own merchant number, unique in the store.
    pub refund_out_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_ord_name: Option<String>,
    pub refund_amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    /// The supervisor password IN CLEAR (sent as its sha1). Defaults to the credentials'.
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub shop_pass: Option<Secret>,
}

impl PayrefundRequest {
    pub fn validate(&self) -> Result<()> {
        OrderRef { ord_no: self.ord_no.clone(), out_no: self.out_no.clone() }.validate()?;
        OUT_NO_RULE.check("refund_out_no", &self.refund_out_no)?;
        check_opt_len("refund_ord_name", &self.refund_ord_name, 50)?;
        check_positive("refund_amount", self.refund_amount)?;
        check_opt_len("remark", &self.remark, 100)?;
        if self.shop_pass.as_ref().is_some_and(Secret::is_empty) {
            return Err(Error::invalid("shop_pass", "must not be empty"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct PayrefundResponse {
    /// The refund order's platform number.
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub original_ord_no: Option<String>,
    /// 1 success; anything else not (yet) successful.
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<i64>,
    /// Amount refunded, fen.
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_discout_amount: Option<Money>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_shop_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_mct_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_currency: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub currency_sign: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl PayrefundResponse {
    pub fn refund_state(&self) -> RefundState {
        refund_state(self.status)
    }
}

impl Operation for PayrefundRequest {
    type Answer = PayrefundResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "payrefund",
        summary: "refund (part of) a paid order as a new refund order (4.7)",
        effect: Effect::Refund,
    };

    fn validate(&self) -> Result<()> {
        PayrefundRequest::validate(self)
    }

    fn movement(&self) -> Option<Movement> {
        let order_no = self.out_no.clone().or_else(|| self.ord_no.clone()).unwrap_or_default();
        Some(Movement::numbered(order_no, &self.refund_out_no, self.refund_amount))
    }
}

impl Call for PayrefundRequest {
    const PATH: &'static str = path::PAYREFUND;

    /// The supervisor password comes from the request or, failing that, the credentials; it is
    /// sent as its sha1.
    fn payload(&self, creds: &crate::tlinx::Credentials) -> Result<String> {
        let pass =
            self.shop_pass.as_ref().or(creds.shop_pass.as_ref()).filter(|p| !p.is_empty()).ok_or_else(|| {
                Error::invalid("shop_pass", "no supervisor password in the request or the credentials")
            })?;
        let mut payload = serde_json::to_value(self).map_err(|e| Error::internal(e.to_string()))?;
        if let Some(obj) = payload.as_object_mut() {
            obj.insert("shop_pass".into(), crate::crypto::sha1_hex(pass.expose().as_bytes()).into());
        }
        Ok(payload.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn payrefund_validates() {
        let refund = PayrefundRequest {
            out_no: Some("A1".into()),
            ord_no: None,
            refund_out_no: "R1".into(),
            refund_ord_name: None,
            refund_amount: fen(1),
            remark: None,
            shop_pass: None,
        };
        assert!(refund.validate().is_ok());
        let mut r = refund.clone();
        r.refund_amount = Money::ZERO;
        assert_eq!(field_of(r.validate().unwrap_err()), "refund_amount");
        let mut r = refund.clone();
        r.refund_out_no = "R_1".into();
        assert_eq!(field_of(r.validate().unwrap_err()), "refund_out_no");
        let mut r = refund;
        r.out_no = None;
        assert_eq!(field_of(r.validate().unwrap_err()), "out_no");
    }
}
