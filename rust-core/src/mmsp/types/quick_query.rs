//! Quick pay's reads: the single query 773 (the only proof of a quick payment's state; digest
//! §5.2), the batch query 777 (paid orders only, digest A54), the trade they answer (also 771's
//! answer, each batch item and the notification's Body), and its mapping onto [`TradeResult`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, SubApi};
use super::quick_rules::*;
use crate::error::{Error, Result};
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::{TradeResult, TradeState};

/// A quick-pay trade as the platform reports it: the answer of 771 (pay), 773 (query) and 779
/// (bound-card confirm), each item of 777 (batch query), and the Body of the quick-pay
/// notification (5.5, sent only for a successful payment; verify it before reading it). Every
/// field is optional: the verification requires what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspQuickTrade {
    /// `STATUS`: 0 待支付 (771: order placed, waiting for the SMS code; 779: unknown, query),
    /// 1 成功, 2 失败, 3 已退款. The notification carries 1 only.
    #[serde(rename = "STATUS", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<MmspTradeStatus>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    /// `LIST_ID`: the platform's order number (772 and 778 name the order by it).
    #[serde(rename = "LIST_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    /// `YYYYMMDDHHmmss`, as received.
    #[serde(rename = "PAY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_date: Option<String>,
    #[serde(rename = "NOTIFY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_date: Option<String>,
    /// `AMT`, fen (a string or a number).
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amt: Option<Money>,
    #[serde(rename = "BANK_NAME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_name: Option<String>,
    /// `CARDNO`, masked here whatever the platform sent.
    #[serde(rename = "CARDNO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_no: Option<Masked>,
    #[serde(rename = "CARDTYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_type: Option<MmspCardType>,
    /// `BIND_ID`: when the pay request carried `USER_ID`.
    #[serde(rename = "BIND_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bind_id: Option<String>,
    #[serde(rename = "USER_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_id: Option<String>,
    /// `PUSH_COUNT` (notification): how many times it was pushed.
    #[serde(rename = "PUSH_COUNT", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub push_count: Option<u32>,
    /// Fields the seed does not list, as received.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// The quick-pay notification's Body (5.5): a [`MmspQuickTrade`] with `STATUS` 1.
pub type MmspQuickNotification = MmspQuickTrade;

/// What a trade `STATUS` (773, 2323, batch items, notifications) says: 0 paying, 1 paid, 2
/// failed, 3 refunded (paid, then refunded); absent or unlisted: unknown.
pub fn trade_state_of(status: Option<&MmspTradeStatus>) -> TradeState {
    match status {
        Some(MmspTradeStatus::Pending) => TradeState::Paying,
        Some(MmspTradeStatus::Success) => TradeState::Paid,
        Some(MmspTradeStatus::Failed) => TradeState::Failed,
        Some(MmspTradeStatus::Refunded) => TradeState::Refunded,
        Some(MmspTradeStatus::Other(_)) | None => TradeState::Unknown,
    }
}

/// The trade result of a quick-pay query answer (773) or notification: `Gateway::query` of
/// quick-pay orders. Non-generic.
pub fn quick_trade_result(order_no: &str, t: &MmspQuickTrade) -> TradeResult {
    trade_result(order_no, trade_state_of(t.status.as_ref()), t, t.bank_name.clone())
}

/// One mapping for a quick-pay trade with a state already read.
pub(crate) fn trade_result(
    order_no: &str,
    state: TradeState,
    t: &MmspQuickTrade,
    channel: Option<String>,
) -> TradeResult {
    let mut r = TradeResult::new(order_no, state);
    r.amount = t.amt;
    r.gateway_trade_no = t.list_id.clone();
    r.channel = channel;
    r.gateway_code = t.err_code.clone().or_else(|| t.status.as_ref().map(|s| format!("STATUS_{s}")));
    r.message = t.err_msg.clone();
    r
}

impl MmspQuickTrade {
    /// What this trade's `STATUS` says (see [`trade_state_of`]).
    pub fn trade_state(&self) -> TradeState {
        trade_state_of(self.status.as_ref())
    }
}

/// 773 `快捷单笔交易查询`: the state of a quick payment, by `MERORDERID` only (the seed's example
/// sends CommandID 775, the unbind: 773 is the table's, digest A3). A negative answer `[-2002]`
/// means no such order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickQueryRequest {
    /// `MERORDERID`.
    pub mer_order_id: String,
}

impl Operation for MmspQuickQueryRequest {
    type Answer = MmspQuickTrade;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_pay_query",
        summary: "773 快捷单笔交易查询: the state of a quick payment (0 paying, 1 paid, 2 failed, 3 refunded)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)
    }
}

impl Call for MmspQuickQueryRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 773;
    /// Every state is an answer.
    const ANSWERS: &'static [&'static str] = &["0", "1", "2", "3"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default().put("MERORDERID", self.mer_order_id.as_str()).done()
    }

    fn check(&self, answer: &MmspQuickTrade) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// Checks a batch query's period and page: dates `YYYYMMDD` (the seed says YYYYMMDDHH but shows
/// 8 digits, digest A37; up to 14 digits accepted), `per_page` 1..=1000, `page` from 1.
pub(crate) fn check_batch(start: &str, end: &str, per_page: u32, page: u32) -> Result<()> {
    check_digits("start_date", start, 8, 14)?;
    check_digits("end_date", end, 8, 14)?;
    if end.get(..8) < start.get(..8) {
        return Err(Error::invalid("end_date", "before start_date"));
    }
    if !(1..=1000).contains(&per_page) {
        return Err(Error::invalid("per_page", "1 to 1000"));
    }
    if page == 0 {
        return Err(Error::invalid("page", "counts from 1"));
    }
    Ok(())
}

/// The Body of a batch query (777, 782).
pub(crate) fn batch_body(start: &str, end: &str, per_page: u32, page: u32) -> Result<Map<String, Value>> {
    Body::default()
        .put("START_DATE", start)
        .put("END_DATE", end)
        .put("PERPAGE", per_page.to_string())
        .put("PAGE", page.to_string())
        .done()
}

/// 777 `快捷支付多笔批量查询`: the **paid** orders of a period within the last 3 months, at most
/// 1000 a page ("目前只查询状态为 1 且支付成功的订单"): it cannot find failed or pending orders
/// (digest A54). `STATUS` 0 (no data) answers an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickBatchQueryRequest {
    /// `START_DATE`: `YYYYMMDD`.
    pub start_date: String,
    /// `END_DATE`: `YYYYMMDD`.
    pub end_date: String,
    /// `PERPAGE`: 1 to 1000 (the platform's default is 10).
    #[serde(default = "ten")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 10))]
    pub per_page: u32,
    /// `PAGE`, from 1.
    #[serde(default = "one")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 1))]
    pub page: u32,
}

pub(crate) fn ten() -> u32 {
    10
}

pub(crate) fn one() -> u32 {
    1
}

impl Operation for MmspQuickBatchQueryRequest {
    type Answer = MmspQuickBatch;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_pay_batch_query",
        summary: "777 快捷支付批量查询: paid quick payments of a period (last 3 months, paid orders only)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        check_batch(&self.start_date, &self.end_date, self.per_page, self.page)
    }
}

impl Call for MmspQuickBatchQueryRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 777;
    /// `1` has data, `0` none.
    const ANSWERS: &'static [&'static str] = &["0", "1"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        batch_body(&self.start_date, &self.end_date, self.per_page, self.page)
    }
}

/// The answer of 777.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspQuickBatch {
    /// `1` has data, `0` none.
    #[serde(rename = "STATUS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// `BIZ_CONTENT`: an array, or one object (read as a list of one).
    #[serde(rename = "BIZ_CONTENT", default, deserialize_with = "items")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub items: Vec<MmspQuickTrade>,
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
