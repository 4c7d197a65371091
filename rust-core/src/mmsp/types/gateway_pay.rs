//! Gateway pay (网关支付, online banking B2C; digest §7): the pay form 2322, the single query
//! 2323, the batch query 782, the notification's Body, and the bank channel codes.
//!
//! The pay request is not sent by the library: it is a signed form the payer's browser posts
//! (`web_api`) to the platform, which answers the bank's page. The app opens the form's `html`
//! in a WebView. What the payer's browser is sent back to afterwards (a GET to `JUMP_URL`, 5.5)
//! is **never proof of payment** ("此接口不能作为支付成功的凭据"): it is unsigned and carries
//! whatever the browser says. Only the signed notification (5.2) or a query (2323) says an
//! order is paid; this module offers no reading of the return page.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, SubApi};
use super::quick_query::{batch_body, check_batch, one, ten, trade_state_of};
use super::quick_rules::*;
use crate::error::{Error, Result};
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::TradeResult;

/// The bank channel codes of `PAY_CHANNEL` (8.1.1). The test environment takes
/// [`YLBILL_NET_B2C`] only; production's are the operator's to say. `pay_channel` stays a free
/// string: the vendor's demo knows more (`HXB-NET-B2C`, `ALI-PAY`, `WEIXIN-PAY`).
pub mod bank_channel {
    /// 银联 (the test environment's).
    pub const YLBILL_NET_B2C: &str = "YLBILL-NET-B2C";
    /// 工商银行.
    pub const ICBC_NET_B2C: &str = "ICBC-NET-B2C";
    /// 招商银行.
    pub const CMBCHINA_NET_B2C: &str = "CMBCHINA-NET-B2C";
    /// 中国农业银行.
    pub const ABC_NET_B2C: &str = "ABC-NET-B2C";
    /// 建设银行.
    pub const CCB_NET_B2C: &str = "CCB-NET-B2C";
    /// 北京银行.
    pub const BCCB_NET_B2C: &str = "BCCB-NET-B2C";
    /// 交通银行.
    pub const BOCO_NET_B2C: &str = "BOCO-NET-B2C";
    /// 兴业银行.
    pub const CIB_NET_B2C: &str = "CIB-NET-B2C";
    /// 中国民生银行.
    pub const CMBC_NET_B2C: &str = "CMBC-NET-B2C";
    /// 光大银行.
    pub const CEB_NET_B2C: &str = "CEB-NET-B2C";
    /// 中国银行.
    pub const BOC_NET_B2C: &str = "BOC-NET-B2C";
    /// 平安银行.
    pub const PINGANBANK_NET_B2C: &str = "PINGANBANK-NET-B2C";
    /// 中信银行.
    pub const ECITIC_NET_B2C: &str = "ECITIC-NET-B2C";
    /// 深圳发展银行.
    pub const SDB_NET_B2C: &str = "SDB-NET-B2C";
    /// 广发银行.
    pub const GDB_NET_B2C: &str = "GDB-NET-B2C";
    /// 上海银行.
    pub const SHB_NET_B2C: &str = "SHB-NET-B2C";
    /// 上海浦东发展银行.
    pub const SPDB_NET_B2C: &str = "SPDB-NET-B2C";
    /// 中国邮政.
    pub const POST_NET_B2C: &str = "POST-NET-B2C";
    /// 北京农村商业银行.
    pub const BJRCB_NET_B2C: &str = "BJRCB-NET-B2C";

    /// The seed's 19 codes with their banks, in its order.
    pub const ALL: [(&str, &str); 19] = [
        (YLBILL_NET_B2C, "银联"),
        (ICBC_NET_B2C, "工商银行"),
        (CMBCHINA_NET_B2C, "招商银行"),
        (ABC_NET_B2C, "中国农业银行"),
        (CCB_NET_B2C, "建设银行"),
        (BCCB_NET_B2C, "北京银行"),
        (BOCO_NET_B2C, "交通银行"),
        (CIB_NET_B2C, "兴业银行"),
        (CMBC_NET_B2C, "中国民生银行"),
        (CEB_NET_B2C, "光大银行"),
        (BOC_NET_B2C, "中国银行"),
        (PINGANBANK_NET_B2C, "平安银行"),
        (ECITIC_NET_B2C, "中信银行"),
        (SDB_NET_B2C, "深圳发展银行"),
        (GDB_NET_B2C, "广发银行"),
        (SHB_NET_B2C, "上海银行"),
        (SPDB_NET_B2C, "上海浦东发展银行"),
        (POST_NET_B2C, "中国邮政"),
        (BJRCB_NET_B2C, "北京农村商业银行"),
    ];
}

/// 2322 `网关支付请求`: the signed form the payer's browser posts to the platform (field
/// `web_api`), which answers the bank's page. Nothing is sent by the library: the answer is the
/// form. A pre-order: the journal records it as waiting for the payer; the notification or a
/// query (2323) says when it is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspGatewayPayRequest {
    /// `MERORDERID`: the merchant's order number, unique, at most 32.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `NOTIFY_URL`: where the signed notification goes.
    pub notify_url: String,
    /// `JUMP_URL`: where the payer's browser returns. Display only, never proof of payment.
    pub jump_url: String,
    /// `PAY_CHANNEL`: a bank code, e.g. [`bank_channel::YLBILL_NET_B2C`].
    pub pay_channel: String,
    /// `GOODSNAME`, at most 32.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_name: Option<String>,
    /// `REMARK`, at most 255.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
}

impl Operation for MmspGatewayPayRequest {
    type Answer = MmspGatewayForm;
    const INFO: OperationInfo = OperationInfo {
        name: "gateway_pay_form",
        summary: "2322 网关支付: the signed online-banking form the payer's browser posts (open `html` in a WebView); the return page is no proof of payment",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        check_amount("amount", self.amount)?;
        check_url("notify_url", &self.notify_url)?;
        check_url("jump_url", &self.jump_url)?;
        crate::ids::NumberRule::new(1, 50, "-_").check("pay_channel", &self.pay_channel)?;
        check_len("goods_name", self.goods_name.as_deref(), 32)?;
        check_len("remark", self.remark.as_deref(), 255)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

/// An optional text of at most `max` characters.
fn check_len(field: &str, v: Option<&str>, max: usize) -> Result<()> {
    match v {
        Some(v) if v.chars().count() > max => Err(Error::invalid(field, format!("at most {max} characters"))),
        _ => Ok(()),
    }
}

impl Call for MmspGatewayPayRequest {
    const SUB_API: SubApi = SubApi::GatewayForm;
    const COMMAND: u32 = 2322;
    /// Not sent: there is no answer Body to check.
    const ANSWERS: &'static [&'static str] = &[];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("MERORDERID", self.mer_order_id.as_str())
            .fen("AMT", self.amount)
            .put("NOTIFY_URL", self.notify_url.as_str())
            .put("JUMP_URL", self.jump_url.as_str())
            .put("PAY_CHANNEL", self.pay_channel.as_str())
            .opt("GOODSNAME", self.goods_name.as_deref())
            .opt("REMARK", self.remark.as_deref())
            .done()
    }
}

/// The gateway pay form, signed: open `html` in a WebView (it posts itself), or post `web_api`
/// to `action` as a form field. It carries no key, only the signed envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspGatewayForm {
    /// The form's action: the gateway URL with `charset=UTF-8`.
    pub action: String,
    /// The form field `web_api`: the signed JSON envelope.
    pub web_api: String,
    /// An auto-submitting HTML page holding the form.
    pub html: String,
}

/// 2323 `网关支付结果单笔查询`: the state of a gateway payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspGatewayQueryRequest {
    /// `MERORDERID`.
    pub mer_order_id: String,
}

impl Operation for MmspGatewayQueryRequest {
    type Answer = MmspGatewayTrade;
    const INFO: OperationInfo = OperationInfo {
        name: "gateway_pay_query",
        summary:
            "2323 网关支付单笔查询: the state of an online-banking payment (0 paying, 1 paid, 2 failed, 3 refunded)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)
    }
}

impl Call for MmspGatewayQueryRequest {
    const SUB_API: SubApi = SubApi::Gateway;
    const COMMAND: u32 = 2323;
    const ANSWERS: &'static [&'static str] = &["0", "1", "2", "3"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default().put("MERORDERID", self.mer_order_id.as_str()).done()
    }

    fn check(&self, answer: &MmspGatewayTrade) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// A gateway payment as the platform reports it: the answer of 2323, each item of 782, and the
/// Body of the notification (5.2, sent only for a successful payment; verify it before reading
/// it). Every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspGatewayTrade {
    /// `STATUS`: 0 待支付, 1 成功, 2 失败, 3 已退款.
    #[serde(rename = "STATUS", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<MmspTradeStatus>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    /// `LIST_ID`: the platform's order number (the 5.3 example spells it `LIST ID`, A53).
    #[serde(rename = "LIST_ID", alias = "LIST ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    /// `AMT`, fen (a string or a number).
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amt: Option<Money>,
    #[serde(rename = "GOODSNAME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_name: Option<String>,
    /// `PAY_CHANNEL`: the bank code.
    #[serde(rename = "PAY_CHANNEL", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_channel: Option<String>,
    /// `YYYYMMDDHHmmss`, as received.
    #[serde(rename = "PAY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_date: Option<String>,
    #[serde(rename = "NOTIFY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_date: Option<String>,
    #[serde(rename = "REMARK", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    /// `CARDNO` (the batch items copy quick pay's fields, digest §7.2): masked.
    #[serde(rename = "CARDNO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_no: Option<Masked>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// The gateway notification's Body (5.2): a [`MmspGatewayTrade`] with `STATUS` 1.
pub type MmspGatewayNotification = MmspGatewayTrade;

impl MmspGatewayTrade {
    /// What this trade's `STATUS` says.
    pub fn trade_state(&self) -> crate::trade::TradeState {
        trade_state_of(self.status.as_ref())
    }
}

/// The trade result of a gateway query answer (2323) or notification: `Gateway::query` of
/// gateway orders. Non-generic.
pub fn gateway_trade_result(order_no: &str, t: &MmspGatewayTrade) -> TradeResult {
    let mut r = TradeResult::new(order_no, t.trade_state());
    r.amount = t.amt;
    r.gateway_trade_no = t.list_id.clone();
    r.channel = t.pay_channel.clone();
    r.gateway_code = t.err_code.clone().or_else(|| t.status.as_ref().map(|s| format!("STATUS_{s}")));
    r.message = t.err_msg.clone();
    r
}

/// 782 `网关支付结果多笔查询`: the paid gateway orders of a period, as quick pay's 777 (last 3
/// months, at most 1000 a page, paid orders only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspGatewayBatchQueryRequest {
    /// `START_DATE`: `YYYYMMDD`.
    pub start_date: String,
    /// `END_DATE`: `YYYYMMDD`.
    pub end_date: String,
    /// `PERPAGE`: 1 to 1000.
    #[serde(default = "ten")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 10))]
    pub per_page: u32,
    /// `PAGE`, from 1.
    #[serde(default = "one")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 1))]
    pub page: u32,
}

impl Operation for MmspGatewayBatchQueryRequest {
    type Answer = MmspGatewayBatch;
    const INFO: OperationInfo = OperationInfo {
        name: "gateway_pay_batch_query",
        summary: "782 网关支付多笔查询: paid online-banking payments of a period (last 3 months, paid orders only)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        check_batch(&self.start_date, &self.end_date, self.per_page, self.page)
    }
}

impl Call for MmspGatewayBatchQueryRequest {
    const SUB_API: SubApi = SubApi::Gateway;
    const COMMAND: u32 = 782;
    const ANSWERS: &'static [&'static str] = &["0", "1"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        batch_body(&self.start_date, &self.end_date, self.per_page, self.page)
    }
}

/// The answer of 782. `BIZ_CONTENT` is an array, or one object as in the seed's example (A36).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspGatewayBatch {
    /// `1` has data, `0` none.
    #[serde(rename = "STATUS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    #[serde(rename = "BIZ_CONTENT", default, deserialize_with = "items")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub items: Vec<MmspGatewayTrade>,
    #[serde(rename = "PERPAGE", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub per_page: Option<u32>,
    #[serde(rename = "PAGE", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page: Option<u32>,
    #[serde(rename = "TOTAL_NUM", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_num: Option<u64>,
    #[serde(rename = "TOTAL_PAGE", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_page: Option<u32>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}
