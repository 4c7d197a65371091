//! TLinx typed requests and responses (seed 004, section 4), the errcode table (5.1) and the
//! mapping of order status onto [`TradeState`].
//!
//! Requests serialize to the JSON that is AES-encrypted into `data`; amounts are integer fen, the
//! wire unit. Responses are lenient where the seed's own examples are inconsistent (`"1"` and
//! `1` for the same field) and keep every field they do not name in `extra`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{require, NumberRule};
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::{Masked, Secret};
use crate::trade::{RefundState, TradeResult, TradeState};

/// Endpoint paths under the base URL.
pub mod path {
    pub const PAYLIST: &str = "/mct1/paylist";
    pub const ORDER: &str = "/mct1/order";
    pub const ORDER_VIEW: &str = "/mct1/order/view";
    pub const PAYORDER: &str = "/mct1/payorder";
    pub const PAYSTATUS: &str = "/mct1/paystatus";
    pub const PAYCANCEL: &str = "/mct1/paycancel";
    pub const PAYREFUND: &str = "/mct1/payrefund";
}

/// `out_no` (4.4: up to 64, "digits and letters only") and `refund_out_no` (4.7: up to 64).
pub const OUT_NO_RULE: NumberRule = NumberRule::new(1, 64, "");
/// The platform's `ord_no` (25 digits since V1.0.2; 4.6 allows 32).
pub const ORD_NO_RULE: NumberRule = NumberRule::new(1, 32, "");

/// The errcode table of section 5.1. Codes outside it (system errors) mean nothing definite.
pub const ERRCODES: &[(i64, &str)] = &[
    (0, "ok"),
    (3002, "门店不存在 (store not found: check open_id and the server address)"),
    (5, "验证签名错误 (signature invalid: check the signing and open_key)"),
    (8, "token不能为空 (open_id missing: post a form, not JSON)"),
    (8001, "订单号不能为空 (order number missing)"),
    (8002, "订单不存在 (order not found)"),
    (8003, "订单名称不能为空 (order name missing)"),
    (8004, "付款方式不能为空 (payment method missing)"),
    (8005, "订单号已经存在，请勿重复提交 (order number already used)"),
    (8006, "收款金额有误 (amount wrong)"),
    (8007, "付款方式未开通 (payment method not enabled: take pmt_tag from paylist)"),
    (8008, "创建订单失败 (order creation failed)"),
    (8009, "交易号不能为空 (trade number missing)"),
    (8010, "银行卡号不能为空 (card number missing)"),
    (8011, "支付失败 (payment failed; msg carries the channel's reason)"),
    (8012, "当前订单不能取消，如果已经付款，请使用退款功能 (order cannot be cancelled: refund it if paid)"),
    (8013, "订单取消失败 (cancel failed: query the order; only barcode orders can be cancelled)"),
    (8014, "原始付款单号不能为空 (original order number missing)"),
    (8015, "退款金额不能为空 (refund amount missing)"),
    (8016, "主管密码不能为空 (supervisor password missing)"),
    (8017, "主管密码错误 (supervisor password wrong)"),
    (8018, "原始订单不存在 (original order not found)"),
    (8019, "当前订单不允许退款，状态异常 (order not refundable: only paid orders)"),
    (8020, "退款单号已经存在，请勿重复提交 (refund number already used)"),
    (8021, "退款金额大于支付金额，当前订单有其它退款记录 (refund exceeds what is left after earlier refunds)"),
    (8022, "退款金额大于支付金额 (refund exceeds the paid amount)"),
    (8023, "退款失败 (refund failed)"),
    (8040, "当前退款金额大于商户今日交易总额 (refund exceeds today's takings on that channel)"),
    (8044, "out_no不能为空 (out_no missing, or data not decryptable: check the key)"),
    (8045, "out_no已经存在，请勿重复发起支付 (out_no already used)"),
    (8046, "交易已被系统拒绝，请联系您的服务商 (trade refused by the platform)"),
    (9, "timestamp error (clock more than 600 s off)"),
];

/// What an errcode tells about the request's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrKind {
    Ok,
    /// Credentials, signature or clock: the request was refused unprocessed.
    Configuration,
    /// A missing or wrong request field: refused unprocessed.
    Input,
    NotFound,
    /// The number was used before: THIS request did nothing, but the earlier one may have
    /// (a payment retried after a timeout). Query; never treat as failed.
    Duplicate,
    /// The channel or platform refused the payment (declined, bad barcode, risk control).
    Declined,
    /// The operation is not allowed in the order's state (cancel a paid order, over-refund).
    NotAllowed,
    /// The operation failed at the platform (order creation, cancel, refund).
    Failed,
    /// Not in the table (system errors): the outcome is unknown.
    Unknown,
}

impl ErrKind {
    /// True when the request definitely had no effect (nothing charged, nothing refunded).
    pub fn is_definite(self) -> bool {
        !matches!(self, ErrKind::Duplicate | ErrKind::Unknown)
    }
}

/// The table's explanation of `code`, if it is in the table.
pub fn errcode_message(code: &str) -> Option<&'static str> {
    let n: i64 = code.trim().parse().ok()?;
    ERRCODES.iter().find(|(c, _)| *c == n).map(|(_, m)| *m)
}

/// Classifies an errcode as received (text of a JSON number, e.g. `"8011"`).
pub fn errcode_kind(code: &str) -> ErrKind {
    match code.trim().parse::<i64>() {
        Ok(0) => ErrKind::Ok,
        Ok(3002 | 5 | 8 | 9) => ErrKind::Configuration,
        Ok(8001 | 8003 | 8004 | 8006 | 8007 | 8009 | 8010 | 8014 | 8015 | 8016 | 8017 | 8044) => ErrKind::Input,
        Ok(8002 | 8018) => ErrKind::NotFound,
        Ok(8005 | 8020 | 8045) => ErrKind::Duplicate,
        Ok(8011 | 8046) => ErrKind::Declined,
        Ok(8012 | 8019 | 8021 | 8022 | 8040) => ErrKind::NotAllowed,
        Ok(8008 | 8013 | 8023) => ErrKind::Failed,
        _ => ErrKind::Unknown,
    }
}

/// Order status (4.2-4.5): 1 paid, 2 waiting for payment, 4 cancelled, 9 waiting for the
/// payer's password.
pub mod status {
    pub const PAID: i64 = 1;
    pub const PENDING: i64 = 2;
    pub const CANCELLED: i64 = 4;
    pub const AWAITING_PASSWORD: i64 = 9;
}

/// Order type: 1 payment, 2 refund (撤单).
pub mod ord_type {
    pub const PAYMENT: i64 = 1;
    pub const REFUND: i64 = 2;
}

/// Maps a payment order's status.
///
/// Status 4 becomes `Closed`: the platform only cancels orders that were never paid (8012:
/// a paid order cannot be cancelled, it is refunded instead), so nothing was charged. The wire
/// does not distinguish a payer who gave up from a merchant cancel. Refunds are separate orders
/// (4.7) and never change the original's status, so a refunded order still reads `Paid`.
pub fn trade_state(status: Option<i64>) -> TradeState {
    match status {
        Some(status::PAID) => TradeState::Paid,
        Some(status::PENDING | status::AWAITING_PASSWORD) => TradeState::Paying,
        Some(status::CANCELLED) => TradeState::Closed,
        _ => TradeState::Unknown,
    }
}

/// Maps a refund order's status (4.7: "1 success, any other value not successful").
pub fn refund_state(status: Option<i64>) -> RefundState {
    match status {
        Some(status::PAID) => RefundState::Success,
        Some(status::PENDING | status::AWAITING_PASSWORD) => RefundState::Processing,
        Some(status::CANCELLED) => RefundState::Failed,
        _ => RefundState::Unknown,
    }
}

/// Deserializers for fields the seed shows both as strings and as numbers.
mod flex {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    use crate::money::Money;

    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        })
    }

    pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
            Value::Number(n) => {
                n.as_i64().map(Some).ok_or_else(|| serde::de::Error::custom(format!("not an integer: {n}")))
            }
            other => Err(serde::de::Error::custom(format!("expected an integer, got {other}"))),
        }
    }

    /// Fen as a JSON integer or a digit string; never a fraction.
    pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        let text = match Value::deserialize(d)? {
            Value::Null => return Ok(None),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            other => return Err(serde::de::Error::custom(format!("expected fen, got {other}"))),
        };
        Money::parse_fen(&text, "amount").map(Some).map_err(serde::de::Error::custom)
    }
}

fn check_len(field: &str, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("at most {max} characters, got {n}")));
    }
    Ok(())
}

fn check_opt_len(field: &str, value: &Option<String>, max: usize) -> Result<()> {
    value.as_deref().map_or(Ok(()), |v| check_len(field, v, max))
}

fn check_url(field: &str, value: &Option<String>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    check_len(field, v, 200)?;
    match url::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        _ => Err(Error::invalid(field, "must be an http(s) URL")),
    }
}

fn check_positive(field: &str, m: Money) -> Result<()> {
    if m.is_zero() {
        return Err(Error::invalid(field, "amount must be greater than zero"));
    }
    Ok(())
}

/// An `auth_code` as scanned: "a string of digits" (4.4.2), at most 50.
pub fn check_auth_code(value: &str) -> Result<()> {
    require("auth_code", value)?;
    check_len("auth_code", value, 50)?;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("auth_code", "digits only"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4.1 paylist

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaylistRequest {
    /// Payment types, comma separated: 2 (C scans B), 3 (B scans C), 4 (JSAPI); e.g. `"2,3,4"`.
    pub pmt_type: String,
}

impl PaylistRequest {
    pub fn validate(&self) -> Result<()> {
        require("pmt_type", &self.pmt_type)?;
        check_len("pmt_type", &self.pmt_type, 10)?;
        if !self.pmt_type.split(',').all(|t| t.len() == 1 && t.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::invalid("pmt_type", "single digits separated by commas, e.g. \"2,3,4\""));
        }
        Ok(())
    }
}

/// One payment method of the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayMethod {
    #[serde(deserialize_with = "flex::string")]
    pub pmt_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_internal_name: Option<String>,
    /// The tag to pass as `pmt_tag` to payorder (e.g. `Weixin`, `AlipayCS`).
    #[serde(deserialize_with = "flex::string")]
    pub pmt_tag: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_type: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_icon: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_ticket_icon: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_currency: Option<String>,
    /// `1` when one order may be refunded in several parts.
    #[serde(deserialize_with = "flex::string")]
    pub pmt_split_refund: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ticket_name: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// 4.2 order (paged list), 4.3 order/view, 4.5 paystatus, 4.6 paycancel

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderListRequest {
    /// Page number from 1 (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Rows per page, 1..=100 (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagesize: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trade_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmt_tag: Option<String>,
    /// 1 payments, 2 refunds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_type: Option<u8>,
    /// 1 paid, 2 pending, 4 cancelled, 9 waiting for password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u8>,
    /// Start, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (default: the last 90 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edate: Option<String>,
}

fn check_date(field: &str, value: &Option<String>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let date_ok = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10);
    let ok = match b.len() {
        10 => date_ok,
        19 => {
            date_ok
                && b[10] == b' '
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
        }
        _ => false,
    };
    if !ok {
        return Err(Error::invalid(field, "expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS"));
    }
    Ok(())
}

impl OrderListRequest {
    pub fn validate(&self) -> Result<()> {
        if self.page == Some(0) {
            return Err(Error::invalid("page", "pages count from 1"));
        }
        if let Some(n) = self.pagesize {
            if !(1..=100).contains(&n) {
                return Err(Error::invalid("pagesize", "1..=100"));
            }
        }
        if let Some(v) = &self.out_no {
            OUT_NO_RULE.check("out_no", v)?;
        }
        if let Some(v) = &self.ord_no {
            ORD_NO_RULE.check("ord_no", v)?;
        }
        check_opt_len("trade_no", &self.trade_no, 50)?;
        check_opt_len("pmt_tag", &self.pmt_tag, 20)?;
        if self.ord_type.is_some_and(|t| !matches!(t, 1 | 2)) {
            return Err(Error::invalid("ord_type", "1 (payment) or 2 (refund)"));
        }
        if self.status.is_some_and(|s| !matches!(s, 1 | 2 | 4 | 9)) {
            return Err(Error::invalid("status", "1, 2, 4 or 9"));
        }
        check_date("sdate", &self.sdate)?;
        check_date("edate", &self.edate)
    }
}

/// Names one order by the platform's `ord_no` or the merchant's `out_no` (at least one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
#[serde(default)]
pub struct OrderInfo {
    #[serde(deserialize_with = "flex::string")]
    pub ord_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub out_no: Option<String>,
    /// 1 payment, 2 refund.
    #[serde(deserialize_with = "flex::int")]
    pub ord_type: Option<i64>,
    /// See [`status`].
    #[serde(deserialize_with = "flex::int")]
    pub status: Option<i64>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_tag: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_mct_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_shop_id: Option<String>,
    #[serde(deserialize_with = "flex::money")]
    pub original_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    pub discount_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    pub ignore_amount: Option<Money>,
    /// Amount actually paid (or refunded, for a refund order), fen.
    #[serde(deserialize_with = "flex::money")]
    pub trade_amount: Option<Money>,
    /// Channel discount (the seed's spelling).
    #[serde(deserialize_with = "flex::money")]
    pub trade_discout_amount: Option<Money>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_account: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_qrcode: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub add_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_pay_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub remark: Option<String>,
    /// For a refund order: the platform number of the order it refunds.
    #[serde(deserialize_with = "flex::string")]
    pub original_ord_no: Option<String>,
    /// The channel's raw result, as the platform passes it on.
    #[serde(deserialize_with = "flex::string")]
    pub trade_result: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl OrderInfo {
    pub fn trade_state(&self) -> TradeState {
        trade_state(self.status)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pages {
    #[serde(deserialize_with = "flex::int")]
    pub totalnum: Option<i64>,
    #[serde(deserialize_with = "flex::int")]
    pub totalpage: Option<i64>,
    #[serde(deserialize_with = "flex::int")]
    pub pagesize: Option<i64>,
    #[serde(deserialize_with = "flex::int")]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderListResponse {
    /// The seed's table calls it `page`, its example `pages`.
    #[serde(alias = "page")]
    pub pages: Pages,
    pub list: Vec<OrderInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaycancelResponse {
    #[serde(deserialize_with = "flex::string")]
    pub ord_no: Option<String>,
    /// 4 once cancelled. (The seed's example spells it `ord_stautus`.)
    #[serde(alias = "ord_stautus", deserialize_with = "flex::int")]
    pub ord_status: Option<i64>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// 4.4 payorder

/// Fields every payorder scenario shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCommon {
    /// Merchant order number, unique, letters and digits, at most 64.
    pub out_no: String,
    /// Payment method tag from paylist (`Weixin`, `Alipay`, `Diy`...).
    pub pmt_tag: String,
    /// Required when `pmt_tag` is `Diy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmt_name: Option<String>,
    /// Goods description shown to the payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ord_name: Option<String>,
    pub original_amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_amount: Option<Money>,
    /// Must equal `original_amount - discount_amount - ignore_amount`.
    pub trade_amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Where the platform sends the result (4.8.1); without it there is no notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
}

impl OrderCommon {
    /// A plain order: no discount, `trade_amount == original_amount`.
    pub fn new(out_no: impl Into<String>, pmt_tag: impl Into<String>, amount: Money) -> OrderCommon {
        OrderCommon {
            out_no: out_no.into(),
            pmt_tag: pmt_tag.into(),
            pmt_name: None,
            ord_name: None,
            original_amount: amount,
            discount_amount: None,
            ignore_amount: None,
            trade_amount: amount,
            trade_account: None,
            trade_no: None,
            remark: None,
            tag: None,
            notify_url: None,
        }
    }

    pub fn validate(&self) -> Result<()> {
        OUT_NO_RULE.check("out_no", &self.out_no)?;
        require("pmt_tag", &self.pmt_tag)?;
        check_len("pmt_tag", &self.pmt_tag, 20)?;
        if self.pmt_tag == "Diy" && self.pmt_name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(Error::invalid("pmt_name", "required when pmt_tag is Diy"));
        }
        check_opt_len("pmt_name", &self.pmt_name, 20)?;
        check_opt_len("ord_name", &self.ord_name, 100)?;
        check_positive("original_amount", self.original_amount)?;
        check_positive("trade_amount", self.trade_amount)?;
        let expected = self
            .original_amount
            .checked_sub(self.discount_amount.unwrap_or(Money::ZERO))
            .and_then(|m| m.checked_sub(self.ignore_amount.unwrap_or(Money::ZERO)))
            .ok_or_else(|| {
                Error::invalid("discount_amount", "discount_amount + ignore_amount exceed original_amount")
            })?;
        if expected != self.trade_amount {
            return Err(Error::invalid(
                "trade_amount",
                format!(
                    "must equal original_amount - discount_amount - ignore_amount = {} fen, got {} fen",
                    expected.fen(),
                    self.trade_amount.fen()
                ),
            ));
        }
        check_opt_len("trade_account", &self.trade_account, 100)?;
        check_opt_len("trade_no", &self.trade_no, 128)?;
        check_opt_len("remark", &self.remark, 200)?;
        check_opt_len("tag", &self.tag, 50)?;
        check_url("notify_url", &self.notify_url)
    }
}

/// 4.4.1: the payer scans the store's QR code (`trade_qrcode` in the answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
}

/// 4.4.2: the store scans the payer's barcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarcodeOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    pub auth_code: Masked,
}

/// 4.4.3: WeChat official account. Either `jump_url` (the platform's payment page) or the native
/// JSAPI pair `sub_appid` + `sub_openid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WechatJsapiOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jump_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_openid: Option<String>,
}

/// 4.4.4: Alipay service window. Either `jump_url` or the native JSAPI `buyer_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlipayJsapiOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jump_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
}

/// 4.4.5: WeChat mini program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiniProgramOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    /// The mini program's appid.
    pub sub_appid: String,
    /// The payer's openid under that appid.
    pub sub_openid: String,
}

/// One payorder call. For `invoke`, the scenario is the `scenario` field of the params:
/// `qr`, `barcode`, `wechat_jsapi`, `alipay_jsapi` or `mini_program`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scenario", rename_all = "snake_case")]
pub enum PayorderRequest {
    Qr(QrOrder),
    Barcode(BarcodeOrder),
    WechatJsapi(WechatJsapiOrder),
    AlipayJsapi(AlipayJsapiOrder),
    MiniProgram(MiniProgramOrder),
}

fn either_or(field_a: &str, a: bool, field_b: &str, b: bool) -> Result<()> {
    match (a, b) {
        (true, true) => Err(Error::invalid(field_a, format!("give either {field_a} or {field_b}, not both"))),
        (false, false) => Err(Error::invalid(field_a, format!("give {field_a} or {field_b}"))),
        _ => Ok(()),
    }
}

fn present(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

impl PayorderRequest {
    pub fn common(&self) -> &OrderCommon {
        match self {
            PayorderRequest::Qr(o) => &o.common,
            PayorderRequest::Barcode(o) => &o.common,
            PayorderRequest::WechatJsapi(o) => &o.common,
            PayorderRequest::AlipayJsapi(o) => &o.common,
            PayorderRequest::MiniProgram(o) => &o.common,
        }
    }

    pub fn scenario(&self) -> &'static str {
        match self {
            PayorderRequest::Qr(_) => "qr",
            PayorderRequest::Barcode(_) => "barcode",
            PayorderRequest::WechatJsapi(_) => "wechat_jsapi",
            PayorderRequest::AlipayJsapi(_) => "alipay_jsapi",
            PayorderRequest::MiniProgram(_) => "mini_program",
        }
    }

    pub fn validate(&self) -> Result<()> {
        self.common().validate()?;
        match self {
            PayorderRequest::Qr(_) => Ok(()),
            PayorderRequest::Barcode(o) => check_auth_code(o.auth_code.expose()),
            PayorderRequest::WechatJsapi(o) => {
                check_url("jump_url", &o.jump_url)?;
                let native = present(&o.sub_appid) || present(&o.sub_openid);
                either_or("jump_url", present(&o.jump_url), "sub_appid", native)?;
                if native {
                    require("sub_appid", o.sub_appid.as_deref().unwrap_or(""))?;
                    require("sub_openid", o.sub_openid.as_deref().unwrap_or(""))?;
                }
                check_opt_len("sub_appid", &o.sub_appid, 50)?;
                check_opt_len("sub_openid", &o.sub_openid, 50)
            }
            PayorderRequest::AlipayJsapi(o) => {
                check_url("jump_url", &o.jump_url)?;
                either_or("jump_url", present(&o.jump_url), "buyer_id", present(&o.buyer_id))?;
                check_opt_len("buyer_id", &o.buyer_id, 50)
            }
            PayorderRequest::MiniProgram(o) => {
                require("sub_appid", &o.sub_appid)?;
                require("sub_openid", &o.sub_openid)?;
                check_len("sub_appid", &o.sub_appid, 128)?;
                check_len("sub_openid", &o.sub_openid, 128)
            }
        }
    }

    /// The JSON that goes, encrypted, into `data`. Native JSAPI and mini-program orders carry
    /// `JSAPI: 1`; the scenario tag itself is not a wire field.
    pub fn wire_payload(&self) -> Result<String> {
        let (value, jsapi) = match self {
            PayorderRequest::Qr(o) => (serde_json::to_value(o), false),
            PayorderRequest::Barcode(o) => (serde_json::to_value(o), false),
            PayorderRequest::WechatJsapi(o) => (serde_json::to_value(o), o.jump_url.is_none()),
            PayorderRequest::AlipayJsapi(o) => (serde_json::to_value(o), o.jump_url.is_none()),
            PayorderRequest::MiniProgram(o) => (serde_json::to_value(o), true),
        };
        let mut value = value.map_err(|e| Error::internal(e.to_string()))?;
        if let Some(obj) = value.as_object_mut() {
            if jsapi {
                obj.insert("JSAPI".into(), 1.into());
            }
            // Masked values serialise masked (the journal's copy); the wire takes them plain.
            if let PayorderRequest::Barcode(o) = self {
                obj.insert("auth_code".into(), o.auth_code.expose().into());
            }
        }
        Ok(value.to_string())
    }
}

/// The answer to every payorder scenario (each fills a subset).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayorderResponse {
    #[serde(deserialize_with = "flex::string")]
    pub ord_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub out_no: Option<String>,
    /// See [`status`].
    #[serde(deserialize_with = "flex::int")]
    pub status: Option<i64>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_tag: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub pmt_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_mct_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_shop_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_currency: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub currency_sign: Option<String>,
    #[serde(deserialize_with = "flex::money")]
    pub trade_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    pub trade_discout_amount: Option<Money>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_account: Option<String>,
    /// QR content for C-scans-B orders.
    #[serde(deserialize_with = "flex::string")]
    pub trade_qrcode: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_pay_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_result: Option<String>,
    /// Payment page for `jump_url` orders.
    #[serde(deserialize_with = "flex::string")]
    pub jsapi_pay_url: Option<String>,
    /// Native JSAPI / mini-program parameters for the wallet's JS bridge.
    #[serde(rename = "appId", deserialize_with = "flex::string")]
    pub app_id: Option<String>,
    #[serde(rename = "timeStamp", deserialize_with = "flex::string")]
    pub time_stamp: Option<String>,
    #[serde(rename = "nonceStr", deserialize_with = "flex::string")]
    pub nonce_str: Option<String>,
    #[serde(rename = "signType", deserialize_with = "flex::string")]
    pub sign_type: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub package: Option<String>,
    #[serde(rename = "paySign", deserialize_with = "flex::string")]
    pub pay_sign: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl PayorderResponse {
    pub fn trade_state(&self) -> TradeState {
        trade_state(self.status)
    }
}

// ---------------------------------------------------------------------------------------------
// 4.7 payrefund

/// A refund, which the platform books as a new order (ord_type 2) of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrefundRequest {
    /// The original order, by merchant number (or give `ord_no`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ord_no: Option<String>,
    /// The refund's own merchant number, unique in the store.
    pub refund_out_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_ord_name: Option<String>,
    pub refund_amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// The supervisor password IN CLEAR (sent as its sha1). Defaults to the credentials'.
    #[serde(default, skip_serializing)]
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
#[serde(default)]
pub struct PayrefundResponse {
    /// The refund order's platform number.
    #[serde(deserialize_with = "flex::string")]
    pub ord_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub original_ord_no: Option<String>,
    /// 1 success; anything else not (yet) successful.
    #[serde(deserialize_with = "flex::int")]
    pub status: Option<i64>,
    /// Amount refunded, fen.
    #[serde(deserialize_with = "flex::money")]
    pub trade_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    pub trade_discout_amount: Option<Money>,
    #[serde(deserialize_with = "flex::string")]
    pub trade_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_shop_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_mct_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub ord_currency: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    pub currency_sign: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl PayrefundResponse {
    pub fn refund_state(&self) -> RefundState {
        refund_state(self.status)
    }
}

// ---------------------------------------------------------------------------------------------
// The operations, declared once

/// The wire half of an operation's declaration at TLinx: its path and the JSON encrypted into
/// `data`.
pub trait Call: Operation<Answer: serde::de::DeserializeOwned> {
    const PATH: &'static str;

    /// The JSON that goes, encrypted, into `data`.
    fn payload(&self, creds: &super::Credentials) -> Result<String> {
        let _ = creds;
        serde_json::to_string(self).map_err(|e| Error::internal(e.to_string()))
    }

    /// Checks the answer is about what was asked (a replayed answer is not trusted).
    fn check(&self, answer: &Self::Answer) -> Result<()> {
        let _ = answer;
        Ok(())
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

impl Operation for PaylistRequest {
    type Answer = Vec<PayMethod>;
    const INFO: OperationInfo = OperationInfo {
        name: "paylist",
        summary: "payment methods of the store (4.1); params {pmt_type: \"2,3,4\"}",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        PaylistRequest::validate(self)
    }
}

impl Call for PaylistRequest {
    const PATH: &'static str = path::PAYLIST;
}

impl Operation for OrderListRequest {
    type Answer = OrderListResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "order", summary: "paged order list with filters (4.2)", effect: Effect::Read };

    fn validate(&self) -> Result<()> {
        OrderListRequest::validate(self)
    }
}

impl Call for OrderListRequest {
    const PATH: &'static str = path::ORDER;
}

/// Declares an operation whose request names one order (order/view, paystatus, paycancel).
macro_rules! order_ref_operation {
    ($(#[$doc:meta])* $name:ident, $op:literal, $summary:literal, $effect:ident, $path:expr, $answer:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub OrderRef);

        impl From<OrderRef> for $name {
            fn from(r: OrderRef) -> $name {
                $name(r)
            }
        }

        impl std::ops::Deref for $name {
            type Target = OrderRef;

            fn deref(&self) -> &OrderRef {
                &self.0
            }
        }

        impl Operation for $name {
            type Answer = $answer;
            const INFO: OperationInfo = OperationInfo { name: $op, summary: $summary, effect: Effect::$effect };

            fn validate(&self) -> Result<()> {
                self.0.validate()
            }

            fn movement(&self) -> Option<Movement> {
                if !Effect::$effect.moves_money() {
                    return None;
                }
                let order_no = self.0.out_no.clone().or_else(|| self.0.ord_no.clone()).unwrap_or_default();
                Some(Movement::order(order_no, Money::default()))
            }
        }
    };
}

order_ref_operation!(
    /// 4.3 order/view: one order (payment or refund) in detail.
    OrderViewRequest,
    "order_view",
    "one order in detail, by out_no or ord_no (4.3)",
    Read,
    path::ORDER_VIEW,
    OrderInfo
);

impl Call for OrderViewRequest {
    const PATH: &'static str = path::ORDER_VIEW;

    fn check(&self, info: &OrderInfo) -> Result<()> {
        same_order(self, info.out_no.as_deref(), info.ord_no.as_deref())
    }
}

order_ref_operation!(
    /// 4.5 paystatus: the status of a payment or refund order.
    PaystatusRequest,
    "paystatus",
    "payment or refund order status, by out_no or ord_no (4.5)",
    Read,
    path::PAYSTATUS,
    OrderInfo
);

impl Call for PaystatusRequest {
    const PATH: &'static str = path::PAYSTATUS;

    fn check(&self, info: &OrderInfo) -> Result<()> {
        same_order(self, info.out_no.as_deref(), info.ord_no.as_deref())
    }
}

order_ref_operation!(
    /// 4.6 paycancel: cancels an unpaid (barcode) order.
    PaycancelRequest,
    "paycancel",
    "cancel an unpaid barcode order (4.6)",
    Cancel,
    path::PAYCANCEL,
    PaycancelResponse
);

impl Call for PaycancelRequest {
    const PATH: &'static str = path::PAYCANCEL;

    fn check(&self, resp: &PaycancelResponse) -> Result<()> {
        if self.out_no.is_none() {
            same_order(self, None, resp.ord_no.as_deref())?;
        }
        Ok(())
    }
}

impl Operation for PayorderRequest {
    type Answer = PayorderResponse;
    /// Listed as a pre-order; the barcode scenario charges at once (see [`Operation::effect`]).
    const INFO: OperationInfo = OperationInfo {
        name: "payorder",
        summary: "place an order (4.4); params.scenario: qr, barcode, wechat_jsapi, alipay_jsapi, mini_program",
        effect: Effect::PreOrder,
    };

    fn effect(&self) -> Effect {
        match self {
            PayorderRequest::Barcode(_) => Effect::Charge,
            _ => Effect::PreOrder,
        }
    }

    fn validate(&self) -> Result<()> {
        PayorderRequest::validate(self)
    }

    fn movement(&self) -> Option<Movement> {
        let c = self.common();
        Some(Movement::order(&c.out_no, c.trade_amount))
    }

    fn settlement(&self, resp: &PayorderResponse) -> Option<TradeResult> {
        let PayorderRequest::Barcode(_) = self else { return None };
        let mut r = TradeResult::new(&self.common().out_no, resp.trade_state());
        r.amount = resp.trade_amount;
        r.gateway_trade_no = resp.ord_no.clone().or_else(|| resp.trade_no.clone());
        r.channel = resp.pmt_tag.clone();
        r.gateway_code = resp.status.map(|s| s.to_string());
        Some(r)
    }
}

impl Call for PayorderRequest {
    const PATH: &'static str = path::PAYORDER;

    fn payload(&self, _creds: &super::Credentials) -> Result<String> {
        self.wire_payload()
    }

    fn check(&self, resp: &PayorderResponse) -> Result<()> {
        same_order(&OrderRef::out_no(self.common().out_no.clone()), resp.out_no.as_deref(), None)
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
    fn payload(&self, creds: &super::Credentials) -> Result<String> {
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
    use super::*;

    fn fen(n: i64) -> Money {
        Money::from_fen(n, "t").unwrap()
    }

    fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn errcode_table() {
        assert_eq!(ERRCODES.len(), 32);
        for (code, _) in ERRCODES {
            let kind = errcode_kind(&code.to_string());
            assert_ne!(kind, ErrKind::Unknown, "{code} is in the table");
            assert!(errcode_message(&code.to_string()).is_some());
        }
        assert_eq!(errcode_kind("0"), ErrKind::Ok);
        assert_eq!(errcode_kind("8011"), ErrKind::Declined);
        assert!(errcode_kind("8011").is_definite());
        assert_eq!(errcode_kind("8045"), ErrKind::Duplicate);
        assert!(!errcode_kind("8045").is_definite());
        assert!(!errcode_kind("8005").is_definite());
        assert_eq!(errcode_kind("-1"), ErrKind::Unknown);
        assert_eq!(errcode_kind("500"), ErrKind::Unknown);
        assert_eq!(errcode_kind("x"), ErrKind::Unknown);
        assert!(!errcode_kind("-1").is_definite());
        assert_eq!(errcode_kind("9"), ErrKind::Configuration);
        assert_eq!(errcode_kind("8017"), ErrKind::Input);
        assert_eq!(errcode_kind("8012"), ErrKind::NotAllowed);
        assert_eq!(errcode_kind("8002"), ErrKind::NotFound);
        assert_eq!(errcode_kind("8023"), ErrKind::Failed);
        assert!(errcode_message("9").unwrap().contains("timestamp"));
        assert_eq!(errcode_message("-1"), None);
    }

    #[test]
    fn status_mapping() {
        assert_eq!(trade_state(Some(1)), TradeState::Paid);
        assert_eq!(trade_state(Some(2)), TradeState::Paying);
        assert_eq!(trade_state(Some(9)), TradeState::Paying);
        assert_eq!(trade_state(Some(4)), TradeState::Closed);
        assert_eq!(trade_state(Some(3)), TradeState::Unknown);
        assert_eq!(trade_state(None), TradeState::Unknown);
        assert_eq!(refund_state(Some(1)), RefundState::Success);
        assert_eq!(refund_state(Some(9)), RefundState::Processing);
        assert_eq!(refund_state(Some(4)), RefundState::Failed);
        assert_eq!(refund_state(None), RefundState::Unknown);
    }

    #[test]
    fn responses_accept_both_spellings() {
        // From the seed's 4.4.2 / 4.5 / 4.6 examples: numbers as strings and as numbers, nulls.
        let r: PayorderResponse = serde_json::from_str(
            r#"{"ord_no":"9149870539009977236294766","trade_amount":"1","trade_qrcode":null,"status":"1",
                "out_no":"1214987053965760","trade_discout_amount":"0","appId":" wx","tml_no":"8"}"#,
        )
        .unwrap();
        assert_eq!(r.trade_amount, Some(fen(1)));
        assert_eq!(r.trade_state(), TradeState::Paid);
        assert_eq!(r.app_id.as_deref(), Some(" wx"));
        assert_eq!(r.extra["tml_no"], "8");
        let s: OrderInfo = serde_json::from_str(r#"{"ord_shop_id":"178","trade_amount":"300","status":2}"#).unwrap();
        assert_eq!(s.trade_amount, Some(fen(300)));
        assert_eq!(s.trade_state(), TradeState::Paying);
        let c: PaycancelResponse = serde_json::from_str(r#"{"ord_no":"123456","ord_stautus":4}"#).unwrap();
        assert_eq!(c.ord_status, Some(4));
        let l: OrderListResponse = serde_json::from_str(
            r#"{"pages":{"totalnum":"176","totalpage":18,"pagesize":10,"page":1},"list":[{"ord_type":"2"}]}"#,
        )
        .unwrap();
        assert_eq!(l.pages.totalnum, Some(176));
        assert_eq!(l.list[0].ord_type, Some(2));
        // Fractions and negatives are never amounts.
        assert!(serde_json::from_str::<OrderInfo>(r#"{"trade_amount":"1.00"}"#).is_err());
        assert!(serde_json::from_str::<OrderInfo>(r#"{"trade_amount":-1}"#).is_err());
        assert!(serde_json::from_str::<OrderInfo>(r#"{"trade_amount":1.5}"#).is_err());
    }

    #[test]
    fn payorder_validation_names_the_field() {
        let ok = OrderCommon::new("A1", "Weixin", fen(100));
        assert!(ok.validate().is_ok());
        let bad = |f: &dyn Fn(&mut OrderCommon)| {
            let mut c = ok.clone();
            f(&mut c);
            field_of(c.validate().unwrap_err())
        };
        assert_eq!(bad(&|c| c.out_no = String::new()), "out_no");
        assert_eq!(bad(&|c| c.out_no = "A-1".into()), "out_no");
        assert_eq!(bad(&|c| c.out_no = "a".repeat(65)), "out_no");
        assert_eq!(bad(&|c| c.pmt_tag = " ".into()), "pmt_tag");
        assert_eq!(bad(&|c| c.pmt_tag = "Diy".into()), "pmt_name");
        assert_eq!(bad(&|c| c.original_amount = Money::ZERO), "original_amount");
        assert_eq!(bad(&|c| c.trade_amount = Money::ZERO), "trade_amount");
        assert_eq!(bad(&|c| c.trade_amount = fen(99)), "trade_amount");
        assert_eq!(bad(&|c| c.discount_amount = Some(fen(101))), "discount_amount");
        assert_eq!(bad(&|c| c.notify_url = Some("ftp://x".into())), "notify_url");
        assert_eq!(bad(&|c| c.ord_name = Some("x".repeat(101))), "ord_name");
        let mut d = ok.clone();
        d.discount_amount = Some(fen(60));
        d.ignore_amount = Some(fen(5));
        d.trade_amount = fen(35);
        assert!(d.validate().is_ok());

        let barcode = |code: &str| {
            PayorderRequest::Barcode(BarcodeOrder { common: ok.clone(), auth_code: code.into() }).validate()
        };
        assert!(barcode("134567890120000").is_ok());
        assert_eq!(field_of(barcode("").unwrap_err()), "auth_code");
        assert_eq!(field_of(barcode("12ab").unwrap_err()), "auth_code");
        let wx = |jump: Option<&str>, appid: Option<&str>, openid: Option<&str>| {
            PayorderRequest::WechatJsapi(WechatJsapiOrder {
                common: ok.clone(),
                jump_url: jump.map(Into::into),
                sub_appid: appid.map(Into::into),
                sub_openid: openid.map(Into::into),
            })
            .validate()
        };
        assert!(wx(Some("https://shop.example/done"), None, None).is_ok());
        assert!(wx(None, Some("wx1"), Some("o1")).is_ok());
        assert_eq!(field_of(wx(None, None, None).unwrap_err()), "jump_url");
        assert_eq!(field_of(wx(Some("https://a.b/"), Some("wx1"), Some("o1")).unwrap_err()), "jump_url");
        assert_eq!(field_of(wx(None, Some("wx1"), None).unwrap_err()), "sub_openid");
        let mini = PayorderRequest::MiniProgram(MiniProgramOrder {
            common: ok,
            sub_appid: "wx".into(),
            sub_openid: "".into(),
        });
        assert_eq!(field_of(mini.validate().unwrap_err()), "sub_openid");
    }

    #[test]
    fn other_requests_validate() {
        assert_eq!(field_of(OrderRef::default().validate().unwrap_err()), "out_no");
        assert_eq!(field_of(OrderRef::out_no("a b").validate().unwrap_err()), "out_no");
        assert_eq!(field_of(OrderRef::ord_no("1".repeat(33)).validate().unwrap_err()), "ord_no");
        assert!(OrderRef::ord_no("9149870539009977236294766").validate().is_ok());
        assert_eq!(field_of(PaylistRequest { pmt_type: "2;3".into() }.validate().unwrap_err()), "pmt_type");
        assert!(PaylistRequest { pmt_type: "2,3,4".into() }.validate().is_ok());
        let list = |f: &dyn Fn(&mut OrderListRequest)| {
            let mut r = OrderListRequest::default();
            f(&mut r);
            r.validate().map_err(field_of)
        };
        assert_eq!(list(&|_| {}), Ok(()));
        assert_eq!(list(&|r| r.pagesize = Some(101)), Err("pagesize".into()));
        assert_eq!(list(&|r| r.page = Some(0)), Err("page".into()));
        assert_eq!(list(&|r| r.status = Some(3)), Err("status".into()));
        assert_eq!(list(&|r| r.ord_type = Some(3)), Err("ord_type".into()));
        assert_eq!(list(&|r| r.sdate = Some("2017-06-20 17:05".into())), Err("sdate".into()));
        assert_eq!(list(&|r| r.edate = Some("2017-06-20".into())), Ok(()));
        assert_eq!(list(&|r| r.edate = Some("2017-06-20 17:05:50".into())), Ok(()));
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

    #[test]
    fn payorder_params_and_wire() {
        let req: PayorderRequest = serde_json::from_value(serde_json::json!({
            "scenario": "wechat_jsapi", "out_no": "A1", "pmt_tag": "Weixin",
            "original_amount": 100, "trade_amount": 100, "sub_appid": "wx1", "sub_openid": "o1"
        }))
        .unwrap();
        assert_eq!(req.scenario(), "wechat_jsapi");
        let wire: serde_json::Value = serde_json::from_str(&req.wire_payload().unwrap()).unwrap();
        assert_eq!(
            wire,
            serde_json::json!({"out_no": "A1", "pmt_tag": "Weixin", "original_amount": 100, "trade_amount": 100,
                               "sub_appid": "wx1", "sub_openid": "o1", "JSAPI": 1})
        );
        let qr: PayorderRequest = serde_json::from_value(serde_json::json!({
            "scenario": "qr", "out_no": "A2", "pmt_tag": "Alipay", "original_amount": 5, "trade_amount": 5
        }))
        .unwrap();
        assert!(!qr.wire_payload().unwrap().contains("scenario"));
        assert!(serde_json::from_value::<PayorderRequest>(serde_json::json!({"scenario": "nfc"})).is_err());
        assert!(serde_json::from_value::<PayorderRequest>(serde_json::json!({
            "scenario": "qr", "out_no": "A2", "pmt_tag": "Alipay", "original_amount": -5, "trade_amount": 5
        }))
        .is_err());
    }
}
