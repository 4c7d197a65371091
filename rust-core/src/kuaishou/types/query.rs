//! `query` (7.x): GET `/query/{code}/{busiCode}?serType=`; the order's `STATE` is the answer to
//! every open question (payment, cancel, refund). The seed shows no sign; it is sent as the
//! vendor SDK sends it, over the code alone (digest decision 5).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::{same_charge, Call, WithResult};
use super::codes::{ChannelType, State};
use super::records::*;
use crate::error::Result;
use crate::ids::require;
use crate::kuaishou::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::{TradeResult, TradeState};

/// What the path's code is (`serType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SerType {
    /// 0: the merchant's `CHARGE_CODE`.
    #[default]
    ChargeCode,
    /// 1: Kuaishou's `CHARGE_DOWN_CODE`.
    ChargeDownCode,
    /// 2: a redemption code (核销码).
    VerifyCode,
}

impl SerType {
    pub fn wire(self) -> &'static str {
        match self {
            SerType::ChargeCode => "0",
            SerType::ChargeDownCode => "1",
            SerType::VerifyCode => "2",
        }
    }
}

/// `query`: one order by one of its numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct TradeQueryRequest {
    /// The number named by `ser_type`.
    pub code: String,
    #[serde(default)]
    pub ser_type: SerType,
}

impl TradeQueryRequest {
    pub fn by_charge_code(code: impl Into<String>) -> TradeQueryRequest {
        TradeQueryRequest { code: code.into(), ser_type: SerType::ChargeCode }
    }
}

impl Operation for TradeQueryRequest {
    type Answer = QueryResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "trade_query",
        summary: "query: an order by its charge code (serType 0), Kuaishou number (1) or redemption code (2)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        match self.ser_type {
            SerType::VerifyCode => require("code", &self.code),
            _ => CHARGE_CODE.check("code", &self.code),
        }
    }
}

impl Call for TradeQueryRequest {
    const ROOT: &'static str = "QUERY_RESP";

    fn path(&self, creds: &Credentials) -> Vec<String> {
        vec!["query".into(), self.code.clone(), creds.busi_code.clone()]
    }

    fn query(&self, creds: &Credentials) -> Vec<(String, String)> {
        vec![("serType".into(), self.ser_type.wire().into()), ("BUSI_ID".into(), creds.busi_code.clone())]
    }

    fn body(&self, _: &Credentials) -> Option<serde_json::Map<String, Value>> {
        None
    }

    fn signed_text(&self, _: &Credentials) -> String {
        self.code.clone()
    }

    fn check(&self, a: &QueryResponse) -> Result<()> {
        match self.ser_type {
            SerType::ChargeCode => same_charge(&self.code, a.charge_code.as_deref()),
            SerType::ChargeDownCode => same_charge(&self.code, a.charge_down_code.as_deref()),
            SerType::VerifyCode => Ok(()),
        }
    }
}

/// `QUERY_RESP` (7.2). The table omits `CHARGE_DOWN_CODE`, the sample adds it, `DYNAMIC_ID`,
/// `realAMT` and `dynamic_ID_TYPE_STR`: every field is optional but `RESULT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "KuaishouQueryResponse"))]
pub struct QueryResponse {
    #[serde(rename = "RESULT")]
    pub result: ResultInfo,
    #[serde(rename = "BUSI_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub busi_id: Option<String>,
    #[serde(rename = "OPER_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub oper_id: Option<String>,
    #[serde(rename = "DEV_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dev_id: Option<String>,
    #[serde(rename = "MERCHANTPARA", default, deserialize_with = "opt_merchant_para")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_para: Option<MerchantPara>,
    /// `AMT`: fen.
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amt: Option<Money>,
    #[serde(rename = "CHANNEL_TYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_type: Option<ChannelType>,
    #[serde(rename = "CHARGE_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_code: Option<String>,
    #[serde(rename = "CHARGE_DOWN_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_down_code: Option<String>,
    #[serde(rename = "PAY_SUBJECT", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_subject: Option<String>,
    #[serde(rename = "STATE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<State>,
    #[serde(rename = "GOODS_DETAIL", default, deserialize_with = "goods_records")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods: Vec<GoodsRecord>,
    #[serde(rename = "BEGIN_TIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub begin_time: Option<String>,
    #[serde(rename = "END_TIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub end_time: Option<String>,
    #[serde(rename = "REGISTER_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub register_id: Option<String>,
    #[serde(rename = "FUND_BILL_LIST", default, deserialize_with = "fund_bills")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bills: Vec<FundBill>,
    /// The payer's code (masked in every copy).
    #[serde(rename = "DYNAMIC_ID", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dynamic_id: Option<Masked>,
    /// `realAMT`: yuan as a JSON number in the sample; fen here.
    #[serde(rename = "realAMT", default, deserialize_with = "opt_yuan")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub real_amt: Option<Money>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl QueryResponse {
    /// The order as the common vocabulary says it; `order_no` names it when the answer does not.
    pub fn trade_result(&self, order_no: &str) -> TradeResult {
        let state = self.state.as_ref().map(State::trade_state).unwrap_or(TradeState::Unknown);
        let mut r = TradeResult::new(self.charge_code.as_deref().unwrap_or(order_no), state);
        r.amount = self.amt;
        r.gateway_trade_no = self.charge_down_code.clone();
        r.channel = self.channel_type.as_ref().map(|c| c.description().to_string()).filter(|c| !c.is_empty());
        r.gateway_code = self.state.as_ref().map(|s| s.as_str().to_string());
        r.message = self.state.as_ref().map(|s| s.description().to_string()).filter(|m| !m.is_empty());
        r
    }
}

impl WithResult for QueryResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    #[test]
    fn seed_7_3_answer() {
        let a: QueryResponse = answer("7.3", "QUERY_RESP");
        assert_eq!(a.state, Some(State::Paid));
        assert_eq!(a.amt, Some(fen(1)));
        assert_eq!(a.real_amt, Some(fen(1)));
        assert_eq!(a.goods.len(), 2);
        assert_eq!(a.goods[0].price, Some(fen(200)));
        assert_eq!(a.goods[0].quantity, Some(5));
        assert_eq!(a.dynamic_id.as_ref().map(Masked::expose), Some("130730865806264036"));
        assert!(!serde_json::to_string(&a).unwrap().contains("130730865806264036"));
        assert_eq!(a.extra.get("dynamic_ID_TYPE_STR"), Some(&Value::String(String::new())));
        let t = a.trade_result("x");
        assert_eq!(t.order_no, "1FD7DA99-997C-4C27-99F9-40C1EC170D5C");
        assert_eq!((t.state, t.gateway_trade_no.as_deref()), (TradeState::Paid, Some("20151014100000000952")));
        let q = TradeQueryRequest::by_charge_code("1FD7DA99-997C-4C27-99F9-40C1EC170D5C");
        assert!(q.check(&a).is_ok());
        assert!(TradeQueryRequest::by_charge_code("OTHER").check(&a).is_err());
        assert_eq!(q.path(&creds()), ["query", "1FD7DA99-997C-4C27-99F9-40C1EC170D5C", "0010000001"]);
        assert_eq!(q.signed_text(&creds()), "1FD7DA99-997C-4C27-99F9-40C1EC170D5C");
    }

    #[test]
    fn codes_checked_by_kind() {
        assert_eq!(field_of(TradeQueryRequest::by_charge_code("a/b").validate().unwrap_err()), "code");
        let v = TradeQueryRequest { code: "核销 1".into(), ser_type: SerType::VerifyCode };
        assert!(v.validate().is_ok());
        assert_eq!(v.query(&creds())[0], ("serType".to_string(), "2".to_string()));
    }
}
