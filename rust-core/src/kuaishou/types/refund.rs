//! `refund` (6.x). The answer carries no refund number and no refund status: a refund whose
//! outcome is unknown is settled by the order's `STATE` (4/5 done, 8 pending, 9 failed), and a
//! retry must reuse the same `OUT_REFUND_NO`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::{Body, Call, WithResult};
use super::codes::ChannelType;
use super::records::*;
use crate::error::Result;
use crate::ids::require;
use crate::kuaishou::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};

/// `refund`: part or all of a paid order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "KuaishouTradeRefundRequest"))]
#[serde(deny_unknown_fields)]
pub struct TradeRefundRequest {
    /// `CHARGE_CODE`: the original payment's number (always sent, digest decision 14).
    pub charge_code: String,
    /// `CHARGE_DOWN_CODE`: Kuaishou's number of the payment; takes precedence when given.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_down_code: Option<String>,
    /// `OUT_REFUND_NO`: the refund's own number, unique; the only handle on a retry.
    pub out_refund_no: String,
    /// `CHARGE_REFUND_FEE`, fen (sent as yuan); at most the payment's amount.
    pub refund_amount: Money,
    /// `REFUND_SUBJECT`: the reason.
    pub subject: String,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub oper_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dev_id: Option<String>,
}

impl Operation for TradeRefundRequest {
    type Answer = RefundResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "trade_refund",
        summary: "refund: part or all of a paid order; its state is read from the order's STATE",
        effect: Effect::Refund,
    };

    fn validate(&self) -> Result<()> {
        CHARGE_CODE.check("charge_code", &self.charge_code)?;
        if let Some(d) = &self.charge_down_code {
            CHARGE_CODE.check("charge_down_code", d)?;
        }
        CHARGE_CODE.check("out_refund_no", &self.out_refund_no)?;
        crate::rules::amount(crate::trade::GatewayId::Kuaishou, "refund_amount", self.refund_amount)?;
        require("subject", &self.subject)?;
        not_blank("oper_id", &self.oper_id)?;
        not_blank("dev_id", &self.dev_id)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::numbered(&self.charge_code, &self.out_refund_no, self.refund_amount))
    }
}

impl Call for TradeRefundRequest {
    const ROOT: &'static str = "REFUND_RESP";

    fn path(&self, _: &Credentials) -> Vec<String> {
        vec!["refund".into()]
    }

    fn body(&self, creds: &Credentials) -> Option<serde_json::Map<String, Value>> {
        Body::default()
            .put("BUSI_ID", creds.busi_code.as_str())
            .put("OPER_ID", self.oper_id.clone().unwrap_or_else(|| creds.oper_id.clone()))
            .put("DEV_ID", self.dev_id.clone().unwrap_or_else(|| creds.dev_id.clone()))
            .put("CHARGE_REFUND_FEE", self.refund_amount.to_yuan())
            .put("REFUND_SUBJECT", self.subject.as_str())
            .put("CHARGE_CODE", self.charge_code.as_str())
            .opt("CHARGE_DOWN_CODE", self.charge_down_code.as_deref())
            .put("OUT_REFUND_NO", self.out_refund_no.as_str())
            .done()
    }
}

/// `REFUND_RESP` (6.4). `RESULT` is the usual `{CODE, INFO}` object whatever its table says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "KuaishouRefundResponse"))]
pub struct RefundResponse {
    #[serde(rename = "RESULT")]
    pub result: ResultInfo,
    /// The refund per fund channel (yuan on the wire, fen here).
    #[serde(rename = "FUND_BILL_LIST", default, deserialize_with = "fund_bills")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bills: Vec<FundBill>,
    #[serde(rename = "CHANNEL_TYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_type: Option<ChannelType>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl RefundResponse {
    /// The refunded amount, when the answer lists it.
    pub fn amount(&self) -> Option<Money> {
        self.fund_bills.iter().try_fold(Money::ZERO, |sum, b| sum.checked_add(b.amount?)).filter(|m| !m.is_zero())
    }
}

impl WithResult for RefundResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    #[test]
    fn seed_6_3_request() {
        let r = TradeRefundRequest {
            charge_code: "B67B2AEF-058B-45D1-9397-85DD9B1BD84E".into(),
            charge_down_code: None,
            out_refund_no: "BBB10898-4D12-4109-8AFD-D0EB1C37C998".into(),
            refund_amount: fen(1),
            subject: "退款".into(),
            oper_id: Some("oper01".into()),
            dev_id: Some("dev01".into()),
        };
        assert!(r.validate().is_ok());
        assert_eq!(Value::Object(r.body(&creds()).unwrap()), seed_sample("6.3"));
        assert_eq!(r.movement().unwrap(), Movement::numbered(&r.charge_code, &r.out_refund_no, fen(1)));
        let zero = TradeRefundRequest { refund_amount: Money::ZERO, ..r.clone() };
        assert_eq!(field_of(zero.validate().unwrap_err()), "refund_amount");
        let blank = TradeRefundRequest { out_refund_no: "".into(), ..r };
        assert_eq!(field_of(blank.validate().unwrap_err()), "out_refund_no");
    }

    #[test]
    fn seed_6_5_answer() {
        let a: RefundResponse = answer("6.5", "REFUND_RESP");
        assert!(a.result.code.is_success());
        assert_eq!(a.result.info.as_deref(), Some("退款成功!"));
        assert_eq!(a.amount(), Some(fen(1)));
        assert_eq!(a.channel_type, Some(ChannelType::Alipay));
    }
}
