//! `query` (4.3.3) and `refund` (4.3.4): any order that is not a card swipe, and refunds.

use serde::{Deserialize, Serialize};

use super::call::{decode_object, same_order, Call, ExtraJson, FromData, ORDER_ID};
use super::codes::{payment_state, refund_state, OrderType, Platform, Read, SubCode, TradeStatus};
use super::form::{blank, device_or_merchant, number, opt_token, positive, token, Form};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::sunmi::Credentials;
use crate::trade::{RawFields, RefundState, TradeState};
use crate::wire::de;

// --- query (4.3.3)

/// `query`: any order that is not a card swipe (prepays, scans, refunds), by `misId`, `orderId`
/// or `platformId` (one required), looked up by device SN or merchant number (one required).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msn: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mis_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_id: Option<String>,
}

impl QueryRequest {
    pub fn by_order_id(order_id: impl Into<String>) -> QueryRequest {
        QueryRequest { order_id: Some(order_id.into()), ..Default::default() }
    }
}

impl Operation for QueryRequest {
    type Answer = QueryResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "trade_query",
        summary: "An order (payment or refund) by misId / orderId / platformId (4.3.3)",
        effect: Effect::Read,
    };
}

impl Call for QueryRequest {
    const PATH: &'static str = "/v1/trade/query";
    const READ: Read = Read::Query;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let (msn, merchant) = device_or_merchant(&self.msn, &self.merchant_no, creds, 20)?;
        if blank(&self.mis_id) && blank(&self.order_id) && blank(&self.platform_id) {
            return Err(Error::invalid("orderId", "give misId, orderId or platformId"));
        }
        opt_token("misId", &self.mis_id, 80)?;
        number(ORDER_ID, "orderId", &self.order_id)?;
        opt_token("platformId", &self.platform_id, 80)?;
        Ok(Form::default()
            .opt("msn", msn.as_deref())
            .opt("merchantNo", merchant.as_deref())
            .opt("misId", self.mis_id.as_deref())
            .opt("orderId", self.order_id.as_deref())
            .opt("platformId", self.platform_id.as_deref())
            .done())
    }

    fn check(&self, answer: &QueryResponse) -> Result<()> {
        if let (Some(asked), Some(got)) = (self.order_id.as_deref(), answer.order_id.as_deref()) {
            same_order(asked, got)?;
        }
        if let (Some(asked), Some(got)) = (self.mis_id.as_deref(), answer.mis_id.as_deref()) {
            same_order(asked, got)?;
        }
        Ok(())
    }
}

/// The answer to query: a payment (orderType 0) or a refund (orderType 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct QueryResponse {
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub business_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_pay_amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_type: Option<OrderType>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_time: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform: Option<Platform>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_id: Option<String>,
    /// The order's refunded total (fen).
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refunded: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_msg: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<TradeStatus>,
    /// A refund's original order, under the callback's names (6.1), when the answer has them.
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub orig_order_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub orig_mis_id: Option<String>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

impl FromData for QueryResponse {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        decode_object(data)
    }
}

impl QueryResponse {
    fn code(&self) -> Option<&SubCode> {
        self.sub_code.as_ref().or(self.result_code.as_ref())
    }

    pub fn is_refund(&self) -> bool {
        self.order_type == Some(OrderType::Refund)
    }

    /// A payment's state (refunds counted through `refunded`).
    pub fn trade_state(&self) -> TradeState {
        payment_state(self.state.as_ref(), self.code(), self.amount, self.refunded)
    }

    /// A refund order's state.
    pub fn refund_state(&self) -> RefundState {
        refund_state(self.state.as_ref(), self.code())
    }
}

// --- refund (4.3.4)

/// `refund`: refunds all or part of an order, found by `oriMisId`, `oriPlatformId` or
/// `oriOrderId` (one required), through the device SN or the merchant number (one required).
/// `orderId` is the refund's own number: the same number again is the same refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "SunmiTradeRefundRequest"))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TradeRefundRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msn: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    /// Fen (also on the wire; at least 1).
    pub amount: Money,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ori_mis_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ori_platform_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ori_order_id: Option<String>,
    /// The refund number.
    pub order_id: String,
    /// The SaaS business number of the refund.
    pub business_id: String,
}

impl Operation for TradeRefundRequest {
    type Answer = RefundResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "trade_refund",
        summary: "Refund all or part of an order; orderId is the refund number (4.3.4)",
        effect: Effect::Refund,
    };

    /// Checked before anything is journalled or sent (the merchant number, which may come from
    /// the credentials, when the request is encoded).
    fn validate(&self) -> Result<()> {
        positive("amount", self.amount)?;
        if blank(&self.ori_mis_id) && blank(&self.ori_platform_id) && blank(&self.ori_order_id) {
            return Err(Error::invalid("oriOrderId", "give oriMisId, oriPlatformId or oriOrderId"));
        }
        opt_token("oriMisId", &self.ori_mis_id, 80)?;
        opt_token("oriPlatformId", &self.ori_platform_id, 80)?;
        number(ORDER_ID, "oriOrderId", &self.ori_order_id)?;
        ORDER_ID.check("orderId", &self.order_id)?;
        token("businessId", &self.business_id, 80)?;
        Ok(())
    }

    fn movement(&self) -> Option<Movement> {
        let order_no = [&self.ori_order_id, &self.ori_mis_id, &self.ori_platform_id]
            .into_iter()
            .find_map(|n| n.clone().filter(|n| !n.trim().is_empty()))
            .unwrap_or_default();
        Some(Movement::numbered(order_no, &self.order_id, self.amount))
    }
}

impl Call for TradeRefundRequest {
    const PATH: &'static str = "/v1/trade/refund";
    const READ: Read = Read::Refund;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let (msn, merchant) = device_or_merchant(&self.msn, &self.merchant_no, creds, 80)?;
        Ok(Form::default()
            .opt("msn", msn.as_deref())
            .opt("merchantNo", merchant.as_deref())
            .put("amount", self.amount.to_fen_string())
            .opt("oriMisId", self.ori_mis_id.as_deref())
            .opt("oriPlatformId", self.ori_platform_id.as_deref())
            .opt("oriOrderId", self.ori_order_id.as_deref())
            .put("orderId", self.order_id.as_str())
            .put("businessId", self.business_id.as_str())
            .done())
    }

    fn check(&self, answer: &RefundResponse) -> Result<()> {
        if let Some(got) = answer.order_id.as_deref() {
            same_order(&self.order_id, got)?;
        }
        if let (Some(asked), Some(got)) = (self.ori_order_id.as_deref(), answer.ori_order_id.as_deref()) {
            same_order(asked, got)?;
        }
        Ok(())
    }
}

/// The answer to refund: the refund order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct RefundResponse {
    /// The refunded amount (fen).
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub business_id: Option<String>,
    /// The refund's Sunmi number.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    /// The refund number.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_type: Option<OrderType>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ori_mis_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ori_order_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_time: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform: Option<Platform>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_msg: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<TradeStatus>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

impl FromData for RefundResponse {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        decode_object(data)
    }
}

impl RefundResponse {
    pub fn refund_state(&self) -> RefundState {
        refund_state(self.state.as_ref(), self.sub_code.as_ref().or(self.result_code.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::secret::Secret;
    use serde_json::json;

    /// As the client does: validated, then encoded.
    fn checked<O: crate::operation::Operation + Call>(req: &O, creds: &Credentials) -> Result<RawFields> {
        req.validate()?;
        req.fields(creds)
    }

    #[test]
    fn seed_answers_decode() {
        // 4.3.3's example: "refunded" as a string.
        let q: QueryResponse = decode_object(json!({
            "amount": 2, "businessId": "", "buyerPayAmount": 2, "misId": "wqwqqqwwwwww78", "msn": "TL05D91940002",
            "merchantNo": "", "orderType": 0, "orderId": "", "payTime": 1561454238, "platform": "alipay",
            "platformId": "SDPPDS434890114", "refunded": "2", "resultCode": "T00", "resultMsg": "Success", "state": 3
        }))
        .unwrap();
        assert_eq!(q.trade_state(), TradeState::Refunded);
        assert_eq!(q.order_id, None);

        // 4.3.4's example: resultCode "00".
        let r: RefundResponse = decode_object(json!({
            "amount": 1, "businessId": "", "misId": "F96BDF328214623929EC91", "msn": "TL05D91940002",
            "merchantNo": "34789374374", "orderId": "PS201905221509421", "orderType": 1,
            "oriMisId": "wqwqqqwwwwwwweqwhhh", "oriOrderId": "", "payTime": 1561460091, "platform": "alipay",
            "platformId": "SDPPDS434916053", "resultCode": "00", "resultMsg": "成功", "state": 3
        }))
        .unwrap();
        assert_eq!(r.refund_state(), RefundState::Success);
        assert_eq!(r.order_type, Some(OrderType::Refund));

        assert!(decode_object::<QueryResponse>(json!({"amount": "2.00"})).is_err());
        assert!(decode_object::<QueryResponse>(json!("Success")).is_err());
    }

    #[test]
    fn amounts_at_the_wire() {
        let c = creds();
        let r: TradeRefundRequest = serde_json::from_value(json!({
            "amount": 1, "oriOrderId": "1489834523642384", "orderId": "sda1212", "businessId": "453975342343",
            "msn": "V206D88200036"
        }))
        .unwrap();
        let f = checked(&r, &c).unwrap();
        assert_eq!((f["amount"].as_str(), f["msn"].as_str()), ("1", "V206D88200036"));
        assert!(!f.contains_key("merchantNo"), "the SN was given: the credentials' merchant is not added");
    }

    #[test]
    fn validation_names_the_field() {
        let c = creds();
        let q = QueryRequest::default();
        assert_eq!(field_of(checked(&q, &c).unwrap_err()), "orderId");
        let q = QueryRequest::by_order_id("A1");
        let f = checked(&q, &c).unwrap();
        assert_eq!(f.get("merchantNo").map(String::as_str), Some("820291573790006"));
        assert!(!f.contains_key("msn"));
        let mut device_only = Credentials::new("app", Secret::new("k"));
        device_only.msn = Some("V1".into());
        assert_eq!(checked(&q, &device_only).unwrap()["msn"], "V1");
        assert_eq!(field_of(q.fields(&Credentials::new("app", Secret::new("k"))).unwrap_err()), "merchantNo");
        let r: TradeRefundRequest =
            serde_json::from_value(json!({"amount": 1, "orderId": "R1", "businessId": "B1"})).unwrap();
        assert_eq!(field_of(checked(&r, &c).unwrap_err()), "oriOrderId");
        let r: TradeRefundRequest =
            serde_json::from_value(json!({"amount": 0, "oriMisId": "M1", "orderId": "R1", "businessId": "B1"}))
                .unwrap();
        assert_eq!(field_of(checked(&r, &c).unwrap_err()), "amount");
        let r: TradeRefundRequest =
            serde_json::from_value(json!({"amount": 1, "oriMisId": "M1", "orderId": "R1", "businessId": " "})).unwrap();
        assert_eq!(field_of(checked(&r, &c).unwrap_err()), "businessId");
    }
}
