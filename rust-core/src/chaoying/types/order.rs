//! What follows a payment: `orderquery`, `refund`, `refundquery` and `cancel`.

use serde::{Deserialize, Serialize};

use super::call::{Call, Endpoint, WithStatus, ORDER_NO, REFUND_NO};
use super::codes::{PayType, Read, Status};
use super::de;
use super::form::{given, not_blank, positive, Form};
use super::pay::TradeResponse;
use super::records::{JsonText, RefundItem, RefundListJson};
use crate::chaoying::Credentials;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::trade::RawFields;

// --- orderquery (刷卡支付-订单查询)

/// `orderquery`: by `out_trade_no` or `transaction_id` (`out_trade_no` wins when both are given).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct OrderQueryRequest {
    pub paytype: PayType,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub transaction_id: Option<String>,
}

impl Operation for OrderQueryRequest {
    type Answer = TradeResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "order_query",
        summary: "Query an order by out_trade_no or transaction_id",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        if !given(&self.out_trade_no) && !given(&self.transaction_id) {
            return Err(Error::invalid("out_trade_no", "required (or transaction_id)"));
        }
        not_blank("transaction_id", &self.transaction_id)?;
        if let Some(no) = &self.out_trade_no {
            ORDER_NO.check("out_trade_no", no)?;
        }
        Ok(())
    }
}

impl Call for OrderQueryRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("orderquery");
    const READ: Read = Read::Query;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("paytype", self.paytype.as_str())
            .put("mch_id", creds.mch_id.as_str())
            .opt("out_trade_no", &self.out_trade_no)
            .opt("transaction_id", &self.transaction_id)
            .done()
    }
}

// --- cancel (交易撤销)

/// `cancel`: closes an unpaid order, reverses a paid one. Only recent orders (the seed says
/// 5 minutes) and not sooner than 15 s after paying.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub paytype: PayType,
    pub out_trade_no: String,
    /// Operator; defaults to the merchant number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_user_id: Option<String>,
}

impl Operation for CancelRequest {
    type Answer = CancelResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "trade_cancel",
        summary: "Cancel an order: close it if unpaid, reverse it if paid",
        effect: Effect::Cancel,
    };

    fn validate(&self) -> Result<()> {
        ORDER_NO.check("out_trade_no", &self.out_trade_no)?;
        not_blank("op_user_id", &self.op_user_id)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.out_trade_no, Money::default()))
    }
}

impl Call for CancelRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("cancel");
    const READ: Read = Read::Cancel;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("paytype", self.paytype.as_str())
            .put("mch_id", creds.mch_id.as_str())
            .put("out_trade_no", self.out_trade_no.as_str())
            .put("op_user_id", self.op_user_id.clone().unwrap_or_else(|| creds.mch_id.clone()))
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CancelResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_sub_mch_id: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for CancelResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- refund (交易退款)

/// `refund`. Several partial refunds of one order take different `out_refund_no`s; a retry of a
/// failed refund takes the same one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "ChaoyingTradeRefundRequest"))]
#[serde(deny_unknown_fields)]
pub struct TradeRefundRequest {
    pub paytype: PayType,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Wins over `out_trade_no` when both are given.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub transaction_id: Option<String>,
    pub out_refund_no: String,
    /// The order's amount due (its `base_fee`), fen.
    pub total_fee: Money,
    /// Fen.
    pub refund_fee: Money,
    /// Operator; defaults to the merchant number as the seed says.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_user_id: Option<String>,
}

impl Operation for TradeRefundRequest {
    type Answer = TradeRefundResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "trade_refund", summary: "Refund all or part of a paid order", effect: Effect::Refund };

    fn validate(&self) -> Result<()> {
        if !given(&self.out_trade_no) && !given(&self.transaction_id) {
            return Err(Error::invalid("out_trade_no", "required (or transaction_id)"));
        }
        not_blank("transaction_id", &self.transaction_id)?;
        if let Some(no) = &self.out_trade_no {
            ORDER_NO.check("out_trade_no", no)?;
        }
        REFUND_NO.check("out_refund_no", &self.out_refund_no)?;
        positive("total_fee", self.total_fee)?;
        positive("refund_fee", self.refund_fee)?;
        if self.refund_fee > self.total_fee {
            return Err(Error::invalid("refund_fee", "must not exceed total_fee"));
        }
        not_blank("op_user_id", &self.op_user_id)
    }

    fn movement(&self) -> Option<Movement> {
        let order_no = self.out_trade_no.clone().or_else(|| self.transaction_id.clone()).unwrap_or_default();
        Some(Movement::numbered(order_no, &self.out_refund_no, self.refund_fee))
    }
}

impl Call for TradeRefundRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("refund");
    const READ: Read = Read::Refund;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("paytype", self.paytype.as_str())
            .put("mch_id", creds.mch_id.as_str())
            .opt("out_trade_no", &self.out_trade_no)
            .opt("transaction_id", &self.transaction_id)
            .put("out_refund_no", self.out_refund_no.as_str())
            .fen("total_fee", self.total_fee)
            .fen("refund_fee", self.refund_fee)
            .put("op_user_id", self.op_user_id.clone().unwrap_or_else(|| creds.mch_id.clone()))
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TradeRefundResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub transaction_id: Option<String>,
    /// The wallet's refund number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_transaction_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_refund_no: Option<String>,
    /// Chaoying's refund number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_id: Option<String>,
    /// ORIGINAL: back the way it came.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_channel: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub base_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_fee: Option<Money>,
    /// Refund asked for.
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub base_refund_fee: Option<Money>,
    /// Refund actually paid back.
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub coupon_refund_fee: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for TradeRefundResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- refundquery (退款查询)

/// `refundquery` (since v2.5.1 by refund number only): `refund_id` wins over `out_refund_no`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct RefundQueryRequest {
    pub paytype: PayType,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_refund_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_id: Option<String>,
}

impl Operation for RefundQueryRequest {
    type Answer = RefundQueryResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "trade_refund_query",
        summary: "Query refunds by out_refund_no or refund_id",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        if !given(&self.out_refund_no) && !given(&self.refund_id) {
            return Err(Error::invalid("out_refund_no", "required (or refund_id)"));
        }
        not_blank("refund_id", &self.refund_id)?;
        if let Some(no) = &self.out_refund_no {
            REFUND_NO.check("out_refund_no", no)?;
        }
        Ok(())
    }
}

impl Call for RefundQueryRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("refundquery");
    const READ: Read = Read::RefundQuery;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("paytype", self.paytype.as_str())
            .put("mch_id", creds.mch_id.as_str())
            .opt("out_refund_no", &self.out_refund_no)
            .opt("refund_id", &self.refund_id)
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RefundQueryResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub appid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub is_subscribe: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub openid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_appid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_is_subscribe: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_openid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub transaction_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_transaction_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_count: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub base_refund_fee_summary: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_fee_summary: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_list: Option<RefundListJson>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_sub_mch_id: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for RefundQueryResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

impl RefundQueryResponse {
    /// The refunds, when `refund_list` parsed.
    pub fn refunds(&self) -> &[RefundItem] {
        self.refund_list.as_ref().and_then(JsonText::parsed).map(Vec::as_slice).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::chaoying::types::RefundStatus;

    #[test]
    fn refund_list_of_the_seed() {
        let r: RefundQueryResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","trade_state":"SUCCESS","msg":"SUCCESS","mch_id":"00000001",
            "appid":"wx4da448cd29920000","transaction_id":"4200000334201905246610520000",
            "out_transaction_id":"4200000334201905246610520000","out_trade_no":"T0020190524102840000",
            "base_refund_fee_summary":"4","refund_fee_summary":"2","refund_count":"1",
            "refund_list":"[{\"serial_no\": \"0\", \"refund_id\": \"50000000482019052409653860000\", \"out_refund_id\": \"50000000482019052409653860000\", \"out_refund_no\": \"TKT0020190524102840000\", \"base_refund_fee\": \"4\", \"refund_fee\": \"2\", \"coupon_refund_fee\": \"2\", \"refund_status\": \"SUCCESS\", \"refund_channel\": \"ORIGINAL\", \"refund_time\": \"2019-05-24 11:11:33\"}]",
            "nonce_str":"DjRzpkdtpM0S16HW","wx_mch_id":"1264300000","wx_sub_mch_id":"1266500000","sign":"0"}"#,
        );
        assert_eq!(r.refund_count, Some(1));
        assert_eq!(r.base_refund_fee_summary, Some(fen(4)));
        assert_eq!(r.refund_fee_summary, Some(fen(2)));
        let items = r.refunds();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].out_refund_no.as_deref(), Some("TKT0020190524102840000"));
        assert_eq!(items[0].refund_status, RefundStatus::Success);
        assert_eq!(items[0].base_refund_fee, Some(fen(4)));
        assert_eq!(items[0].refund_fee, Some(fen(2)));
        assert_eq!(items[0].refund_time.as_deref(), Some("2019-05-24 11:11:33"));
    }

    #[test]
    fn validation_names_the_field() {
        let refund = TradeRefundRequest {
            paytype: PayType::Wechat,
            out_trade_no: Some("1497769914931".into()),
            transaction_id: None,
            out_refund_no: "TK-1497769914931-01".into(),
            total_fee: fen(10),
            refund_fee: fen(3),
            op_user_id: None,
        };
        assert!(refund.validate().is_ok());
        assert_eq!(refund.fields(&creds())["op_user_id"], "00000001");
        let mut r = refund.clone();
        r.refund_fee = fen(11);
        assert_eq!(field_of(r.validate()), "refund_fee");
        let mut r = refund.clone();
        r.out_refund_no = "TK 1".into();
        assert_eq!(field_of(r.validate()), "out_refund_no");
        let mut r = refund.clone();
        r.out_trade_no = None;
        assert_eq!(field_of(r.validate()), "out_trade_no");
        r.transaction_id = Some("7551000001201706166172780576".into());
        assert!(r.validate().is_ok());

        let q = OrderQueryRequest { paytype: PayType::Wechat, out_trade_no: None, transaction_id: None };
        assert_eq!(field_of(q.validate()), "out_trade_no");
        let rq = RefundQueryRequest { paytype: PayType::Wechat, out_refund_no: None, refund_id: Some(" ".into()) };
        assert_eq!(field_of(rq.validate()), "out_refund_no");
    }
}
