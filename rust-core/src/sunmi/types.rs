//! Sunmi typed requests and responses of every operation of seed 000, the code tables of
//! chapter 7, the enums of chapter 3 (cardType, cardGov) and of the answers (orderType, platform,
//! state), and how they map onto [`TradeState`] / [`RefundState`] / [`Error`].
//!
//! Requests deserialize from `invoke` JSON under the seed's own field names (`orderId`,
//! `totalAmount`, ...), amounts as integer fen whatever the wire unit: `jsApiPay.totalAmount` goes
//! out in yuan ("0.01"), `miniPay.totalAmount` and `refund.amount` in fen (SPEC-NOTES "Money").
//! Every request is checked before anything is sent, the error naming the field. Responses are
//! read leniently (the seed mixes `"amount": 200` and `"amount": "200"`), amounts become
//! [`Money`], and fields the seed does not list are kept in `extra`.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Credentials;
use crate::error::{Error, Result};
use crate::ids::NumberRule;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::trade::{RawFields, RefundState, TradeState};
// Answers are read leniently with the shared readers; sunmi's amounts, numbers and codes are read
// with surrounding whitespace trimmed (`de::*_trimmed`, `trimmed` code tables).
use crate::wire::{code_table, de};

/// `orderId` of jsApiPay, query and refund (String(80)); the seed names no character set, so
/// letters, digits, `_` and `-` (every example fits) keep numbers safe in forms and signatures.
pub const ORDER_ID: NumberRule = NumberRule::new(1, 80, "_-");
/// `orderId` of miniPay: String(32).
pub const MINI_ORDER_ID: NumberRule = NumberRule::new(1, 32, "_-");

/// jsApiPay's `walletType` default ("默认：TX01").
pub const DEFAULT_WALLET_TYPE: &str = "TX01";

// ---------------------------------------------------------------------------------------------
// Code tables

code_table! {
    /// `code` (7.1): whether the request was delivered. 10000 says nothing about the business
    /// result, which is in `data`.
    SystemCode: trimmed text {
        Success = "10000" => "成功",
        Unavailable = "20000" => "不可用服务",
        InsufficientAuth = "20001" => "授权不足",
        MissingParam = "40001" => "缺少必需参数",
        InvalidParam = "40002" => "非法参数",
    }
}

code_table! {
    /// `data.sub_code` and `resultCode` (7.2). `00` is not in the table but is what card-swipe
    /// trades (3.3.1, "00 表示成功") and the seed's refund example answer for success.
    SubCode: trimmed text {
        Processing = "D01" => "处理中",
        Ended = "D04" => "交易结束",
        AlreadyPaid = "D05" => "订单已支付",
        Revoked = "D06" => "订单已撤销",
        UserPaying = "D07" => "用户支付中",
        NotPaid = "D08" => "订单未支付",
        PayFailed = "D09" => "订单支付失败",
        OrderAbnormal = "D10" => "订单异常",
        MerchantNotExist = "E01" => "商户不存在",
        InvalidAmount = "E02" => "无效金额",
        SignFailed = "E05" => "验签失败",
        OrderNoEmpty = "E15" => "订单号不能为空",
        CodeExpired = "E16" => "付款码已过期",
        CodeInvalid = "E17" => "付款码无效",
        OrderNotExist = "E19" => "订单不存在",
        UnsupportedTrade = "E20" => "不支持的交易【作废】",
        RefundAmountWrong = "E22" => "退款金额有误",
        DeviceNoAlipayAuth = "E23" => "交易设备未获取支付宝授权",
        NoAlipayAuth = "E24" => "未获取支付宝授权",
        MerchantIllegal = "E25" => "商户不合法",
        MissingParam = "E27" => "缺少必要参数【作废】",
        NotRefundOrder = "E28" => "非退款订单【作废】",
        Timeout = "F01" => "交易超时",
        SystemError = "F02" => "系统异常",
        AlipayRefundFailed = "F04" => "请求支付宝退款接口失败",
        ParamError = "Q03" => "参数异常",
        IllegalVendor = "R01" => "软件商（软件包、设备）不合法",
        IllegalIp = "R02" => "非法IP【作废】",
        TooFrequent = "R03" => "请求太频繁",
        SystemException = "S03" => "系统异常",
        ChannelNotOpen = "S04" => "设备商户未开通支付渠道",
        Success = "T00" => "成功",
        InvalidTrade = "T01" => "无效交易",
        InsufficientBalance = "T02" => "余额不足",
        AmountLimit = "T03" => "交易金额超限、参数错误",
        MerchantBalance = "T04" => "商户余额不足",
        WrongPassword = "T05" => "密码错误",
        Duplicate = "T06" => "重复交易",
        TradeFailed = "T07" => "交易失败",
        CheatSuspect = "T09" => "有作弊嫌疑",
        FraudSuspect = "T11" => "舞弊嫌疑",
        NoPartialRefundToday = "T13" => "当日交易不支持部分退款",
        Approved = "00" => "成功",
    }
}

code_table! {
    /// `cardType` (3.4).
    CardType: trimmed text {
        Credit = "CC" => "贷记卡",
        Debit = "DC" => "借记卡",
        SemiCredit = "SCC" => "准贷记卡",
        /// A scanned code: WeChat, Alipay, Shengpay.
        Scan = "OA" => "扫码：微信，支付宝，盛付通",
    }
}

code_table! {
    /// `cardGov`: the card organisation (3.5).
    CardGov: trimmed text {
        Wechat = "WX" => "微信",
        Alipay = "ZFB01" => "支付宝",
        Shengpay = "SFT01" => "盛付通",
        BankCard = "CUP" => "银行卡",
        UnionPayQr = "CUP01" => "银联扫码支付",
        UnionPayStaticQr = "CUP02" => "银联静态扫码支付",
        UnionPayDynamicQr = "CUP03" => "银联动态扫码支付",
    }
}

code_table! {
    /// `platform`: the wallet.
    Platform: trimmed text {
        Wxpay = "wxpay" => "微信支付",
        Alipay = "alipay" => "支付宝支付",
        Unionpay = "unionpay" => "银联钱包支付",
    }
}

code_table! {
    /// `orderType` (3.3.1, 6.1; query and refund answers list only 0 and 1).
    OrderType: trimmed number {
        Sale = "0" => "消费",
        Refund = "1" => "退款",
        Void = "2" => "撤单",
        PreAuth = "3" => "预授权",
        PreAuthComplete = "4" => "预授权完成",
        /// Revoked, for Shengpay usually a back-office void.
        Revoke = "5" => "撤销",
        Query = "6" => "订单查询",
    }
}

code_table! {
    /// `state`: the order state.
    TradeStatus: trimmed number {
        /// Submitted to the channel, waiting for the payer.
        Created = "1" => "交易创建，交易提交到支付通道，待付款",
        Unpaid = "2" => "订单未付款",
        /// Succeeded: a payment, a refund, ...
        Success = "3" => "交易成功，包含：收款、退款等成功",
        /// Ended, not refundable (e.g. the original order after a void).
        Finished = "4" => "交易结束，不可退款，如撤单后原订单即为此状态",
        Failed = "5" => "交易失败",
    }
}

code_table! {
    /// payBind `configType`.
    ConfigType: trimmed text {
        /// The payment directory (`payUrl`) of an official account: step 2 of 2.
        PayUrl = "1" => "授权目录",
        /// A mini program's appId (`miniAppId`).
        MiniAppId = "2" => "小程序appId",
        /// The official account's appId (`attentionAppId`): step 1 of 2.
        AttentionAppId = "3" => "关注公众号appId",
        /// A mini program to follow (`receiptAppId`).
        ReceiptAppId = "4" => "关注小程序appId",
        /// Read the configuration back.
        Query = "5" => "查询配置信息",
    }
}

/// What a chapter-7 business code says, whatever the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// T00, 00.
    Success,
    /// D01 处理中, D07 用户支付中, D08 订单未支付: not settled yet.
    Pending,
    /// D04 交易结束, D05 订单已支付, D06 订单已撤销, D09 订单支付失败: a settled trade state.
    Settled,
    /// D10, F01, F02, F04, S03, T06 and unlisted codes: nobody knows what happened. Query.
    Unknown,
    /// E19.
    NotFound,
    /// The payer's payment was refused (balance, password, risk, a bad code).
    Declined,
    /// The request itself was refused (merchant, parameters, signature, rights, limits).
    Refused,
}

impl SubCode {
    pub fn kind(&self) -> CodeKind {
        use SubCode::*;
        match self {
            Success | Approved => CodeKind::Success,
            Processing | UserPaying | NotPaid => CodeKind::Pending,
            Ended | AlreadyPaid | Revoked | PayFailed => CodeKind::Settled,
            OrderAbnormal | Timeout | SystemError | AlipayRefundFailed | SystemException | Duplicate | Other(_) => {
                CodeKind::Unknown
            }
            OrderNotExist => CodeKind::NotFound,
            CodeExpired | CodeInvalid | InvalidTrade | InsufficientBalance | WrongPassword | TradeFailed
            | CheatSuspect | FraudSuspect => CodeKind::Declined,
            MerchantNotExist | InvalidAmount | SignFailed | OrderNoEmpty | UnsupportedTrade | RefundAmountWrong
            | DeviceNoAlipayAuth | NoAlipayAuth | MerchantIllegal | MissingParam | NotRefundOrder | ParamError
            | IllegalVendor | IllegalIp | TooFrequent | ChannelNotOpen | AmountLimit | MerchantBalance
            | NoPartialRefundToday => CodeKind::Refused,
        }
    }

    /// The trade state a code alone stands for, for an answer that has no `state`.
    pub fn trade_state(&self) -> TradeState {
        match (self.kind(), self) {
            (CodeKind::Pending, _) => TradeState::Paying,
            (_, SubCode::AlreadyPaid) => TradeState::Paid,
            (_, SubCode::Revoked) => TradeState::Reversed,
            (_, SubCode::Ended) => TradeState::Closed,
            (_, SubCode::PayFailed) | (CodeKind::Declined, _) => TradeState::Failed,
            _ => TradeState::Unknown,
        }
    }
}

/// How an operation reads a business code in `data.sub_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// payBind: anything but success is a refusal (system errors are unknown).
    Bind,
    /// jsApiPay / miniPay: a pending, settled or unknown code is an answer about an order that
    /// may exist (keep it and query); a refusal or decline means no order.
    Prepay,
    /// query / swipeQuery: any trade state is an answer; not found and refusals are errors.
    Query,
    /// refund: success, processing (D01) and unknown codes are answers; anything else (the
    /// order unpaid D08, ended D04, amount wrong E22, ...) refuses the refund.
    Refund,
}

/// What the client does with an answer's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Decode `data` and hand it over (the code is in its `sub_code`).
    Accept,
    /// A definite refusal: `Err(GatewayRejected)`, nothing happened.
    Reject,
    /// Nobody knows whether it took effect: `Err(Network { outcome_unknown })`.
    Unknown,
}

impl Read {
    pub fn decide(self, code: &SubCode) -> Decision {
        let kind = code.kind();
        match (self, kind) {
            (_, CodeKind::Success) => Decision::Accept,
            (Read::Bind, CodeKind::Unknown) => Decision::Unknown,
            (Read::Bind, _) => Decision::Reject,
            (Read::Prepay, CodeKind::Pending | CodeKind::Settled | CodeKind::Unknown) => Decision::Accept,
            (Read::Prepay, _) => Decision::Reject,
            (Read::Query, CodeKind::NotFound | CodeKind::Refused) => Decision::Reject,
            (Read::Query, _) => Decision::Accept,
            (Read::Refund, CodeKind::Unknown) => Decision::Accept,
            (Read::Refund, _) if *code == SubCode::Processing => Decision::Accept,
            (Read::Refund, _) => Decision::Reject,
        }
    }
}

impl SystemCode {
    /// 10000 goes on to `data`; 20000 (service unavailable) and unlisted codes may hide an
    /// effect: unknown; the rest refuse the request.
    pub fn decide(&self) -> Decision {
        match self {
            SystemCode::Success => Decision::Accept,
            SystemCode::Unavailable | SystemCode::Other(_) => Decision::Unknown,
            SystemCode::InsufficientAuth | SystemCode::MissingParam | SystemCode::InvalidParam => Decision::Reject,
        }
    }
}

/// The public error for a code: `GatewayRejected` with the code, or an unknown outcome.
pub fn code_error(decision: Decision, code: &str, msg: &str, description: &str) -> Error {
    let message = if msg.trim().is_empty() { description.to_string() } else { msg.to_string() };
    match decision {
        Decision::Unknown | Decision::Accept => Error::Network {
            message: format!("sunmi answered {code} {message}: the outcome is unknown, query"),
            outcome_unknown: true,
        },
        Decision::Reject => Error::rejected(code, message),
    }
}

/// The state of a payment order (orderType 0, 3, 4) from `state`, or from the code when an
/// answer has no `state`. A successful order with refunds is (partially) refunded; an order
/// ended (4) with nothing refunded was voided.
pub fn payment_state(
    state: Option<&TradeStatus>,
    code: Option<&SubCode>,
    amount: Option<Money>,
    refunded: Option<Money>,
) -> TradeState {
    let refunded = refunded.unwrap_or_default();
    let all_back = amount.is_some_and(|a| !a.is_zero() && refunded >= a);
    match state {
        Some(TradeStatus::Created | TradeStatus::Unpaid) => TradeState::Paying,
        Some(TradeStatus::Success) if refunded.is_zero() => TradeState::Paid,
        Some(TradeStatus::Success | TradeStatus::Finished) if all_back => TradeState::Refunded,
        Some(TradeStatus::Success) => TradeState::PartiallyRefunded,
        Some(TradeStatus::Finished) if refunded.is_zero() => TradeState::Reversed,
        // Ended after a partial refund: the rest stays with the merchant.
        Some(TradeStatus::Finished) => TradeState::PartiallyRefunded,
        Some(TradeStatus::Failed) => TradeState::Failed,
        Some(TradeStatus::Other(_)) => TradeState::Unknown,
        None => code.map(SubCode::trade_state).unwrap_or(TradeState::Unknown),
    }
}

/// The state of a refund order (orderType 1) from `state`, or from the code.
pub fn refund_state(state: Option<&TradeStatus>, code: Option<&SubCode>) -> RefundState {
    match state {
        Some(TradeStatus::Success) => RefundState::Success,
        Some(TradeStatus::Created | TradeStatus::Unpaid) => RefundState::Processing,
        Some(TradeStatus::Failed) => RefundState::Failed,
        Some(TradeStatus::Finished | TradeStatus::Other(_)) => RefundState::Unknown,
        None => match code.map(SubCode::kind) {
            Some(CodeKind::Success) => RefundState::Success,
            Some(CodeKind::Pending) => RefundState::Processing,
            Some(CodeKind::Declined | CodeKind::Refused) => RefundState::Failed,
            _ => RefundState::Unknown,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Nested JSON

pub use crate::wire::JsonText;

/// Other fields of an answer, as received.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// `cloudPayInfo`: what the page (`WeixinJSBridge getBrandWCPayRequest`) or the mini program
/// (`wx.requestPayment`) needs to start WeChat Pay. `packageStr` is WeChat's `package`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudPayInfo {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub app_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub time_stamp: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub nonce_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub package_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub sign_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub pay_sign: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Operations

/// One operation of the seed: where it goes, how its codes are read, what it checks, its fields.
pub trait Call: Operation<Answer: FromData> {
    /// The path below the base URL, e.g. `/v1/trade/miniPay`.
    const PATH: &'static str;
    const READ: Read;

    /// The operation's own fields (the client adds app_id, charset and sign). Refuses bad input,
    /// naming the field, before anything is sent: these checks need the credentials (merchant
    /// number and device SN default to theirs), so they run here rather than in `validate`.
    fn fields(&self, creds: &Credentials) -> Result<RawFields>;

    /// Checks the answer is about what was asked (a replayed or crossed answer is not trusted).
    fn check(&self, answer: &Self::Answer) -> Result<()> {
        let _ = answer;
        Ok(())
    }
}

/// An answer about another order than the one asked about cannot be used.
pub(crate) fn same_order(asked: &str, got: &str) -> Result<()> {
    if got.is_empty() || got == asked {
        return Ok(());
    }
    Err(Error::Network { message: format!("sunmi: answer is about order {got}, not {asked}"), outcome_unknown: true })
}

/// A typed answer decoded from `data`.
pub trait FromData: Sized {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String>;
}

/// Decodes an object `data` with serde.
fn decode_object<T: DeserializeOwned>(data: serde_json::Value) -> std::result::Result<T, String> {
    match data {
        serde_json::Value::Object(_) => serde_json::from_value(data).map_err(|e| e.to_string()),
        other => Err(format!("data is not an object: {}", cut(&other.to_string()))),
    }
}

fn cut(s: &str) -> String {
    s.chars().take(80).collect()
}

/// The form fields of a request, checked as they are added.
#[derive(Default)]
struct Form(RawFields);

impl Form {
    fn put(mut self, k: &str, v: impl Into<String>) -> Form {
        self.0.insert(k.to_string(), v.into());
        self
    }

    /// Adds an optional field when given (absent fields are not sent; an empty value is).
    fn opt(self, k: &str, v: Option<&str>) -> Form {
        match v {
            Some(v) => self.put(k, v),
            None => self,
        }
    }

    fn done(self) -> RawFields {
        self.0
    }
}

// --- validation helpers

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// A required value of at most `max` characters, no whitespace inside.
fn token(field: &str, v: &str, max: usize) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("at most {max} characters, got {n}")));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(field, "must not contain spaces or control characters"));
    }
    Ok(())
}

fn opt_token(field: &str, v: &Option<String>, max: usize) -> Result<()> {
    match v {
        Some(s) => token(field, s, max),
        None => Ok(()),
    }
}

fn number(rule: NumberRule, field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) => rule.check(field, s),
        None => Ok(()),
    }
}

fn url(field: &str, v: &str, max: usize) -> Result<url::Url> {
    token(field, v, max)?;
    let u = url::Url::parse(v).map_err(|e| Error::invalid(field, e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(Error::invalid(field, "must be an http(s) URL"));
    }
    Ok(u)
}

fn positive(field: &str, m: Money) -> Result<()> {
    if m.is_zero() {
        return Err(Error::invalid(field, "must be greater than zero (at least 1 fen)"));
    }
    Ok(())
}

/// `tradeDate`: yyyyMMdd.
fn trade_date(v: &Option<String>) -> Result<()> {
    let Some(d) = v else { return Ok(()) };
    let ok = d.len() == 8
        && d.bytes().all(|b| b.is_ascii_digit())
        && matches!(d[4..6].parse::<u32>(), Ok(1..=12))
        && matches!(d[6..8].parse::<u32>(), Ok(1..=31));
    if !ok {
        return Err(Error::invalid("tradeDate", "must be a date as yyyyMMdd"));
    }
    Ok(())
}

/// The merchant number of a request, or the credentials'.
fn merchant_no(given: &Option<String>, creds: &Credentials) -> Result<String> {
    let m = given
        .clone()
        .or_else(|| creds.merchant_no.clone())
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| Error::invalid("merchantNo", "required: give it or set merchant_no in the credentials"))?;
    token("merchantNo", &m, 20)?;
    Ok(m)
}

/// Where query and refund look (4.3.3, 4.3.4): the device SN or the merchant number, one of them
/// required; with both Sunmi takes the SN. A request naming neither gets the credentials'
/// merchant number (orders not made on a device are only found by it), else their SN.
fn device_or_merchant(
    msn: &Option<String>,
    merchant: &Option<String>,
    creds: &Credentials,
    merchant_max: usize,
) -> Result<(Option<String>, Option<String>)> {
    let (msn, merchant) = if blank(msn) && blank(merchant) {
        match (&creds.merchant_no, &creds.msn) {
            (Some(m), _) if !m.trim().is_empty() => (None, Some(m.clone())),
            (_, Some(s)) if !s.trim().is_empty() => (Some(s.clone()), None),
            _ => {
                return Err(Error::invalid(
                    "merchantNo",
                    "give msn or merchantNo (or set merchant_no / msn in the credentials)",
                ))
            }
        }
    } else {
        (msn.clone().filter(|s| !s.trim().is_empty()), merchant.clone().filter(|s| !s.trim().is_empty()))
    };
    opt_token("msn", &msn, 64)?;
    opt_token("merchantNo", &merchant, merchant_max)?;
    Ok((msn, merchant))
}

// --- swipeQuery (3.3.1)

/// `swipeQuery`: a card-swipe trade of a Sunmi financial terminal, by `orderId` and/or
/// `platformId` (at least one), on `tradeDate` (today when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SwipeQueryRequest {
    /// The terminal's SN; the credentials' `msn` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msn: Option<String>,
    /// yyyyMMdd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_id: Option<String>,
}

impl Operation for SwipeQueryRequest {
    type Answer = SwipeTrade;
    const INFO: OperationInfo = OperationInfo {
        name: "swipe_query",
        summary: "A card-swipe trade of a Sunmi terminal by orderId / platformId (3.3.1)",
        effect: Effect::Read,
    };
}

impl Call for SwipeQueryRequest {
    const PATH: &'static str = "/v1/trade/swipeQuery";
    const READ: Read = Read::Query;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let msn = self.msn.clone().or_else(|| creds.msn.clone()).unwrap_or_default();
        if msn.trim().is_empty() {
            return Err(Error::invalid("msn", "required: give the terminal's SN or set msn in the credentials"));
        }
        token("msn", &msn, 64)?;
        trade_date(&self.trade_date)?;
        if blank(&self.order_id) && blank(&self.platform_id) {
            return Err(Error::invalid("orderId", "give orderId or platformId (or both)"));
        }
        opt_token("orderId", &self.order_id, 80)?;
        opt_token("platformId", &self.platform_id, 80)?;
        Ok(Form::default()
            .put("msn", msn)
            .opt("tradeDate", self.trade_date.as_deref())
            .opt("orderId", self.order_id.as_deref().filter(|s| !s.trim().is_empty()))
            .opt("platformId", self.platform_id.as_deref().filter(|s| !s.trim().is_empty()))
            .done())
    }

    fn check(&self, answer: &SwipeTrade) -> Result<()> {
        match (self.order_id.as_deref(), answer.order_id.as_deref()) {
            (Some(asked), Some(got)) => same_order(asked, got),
            _ => Ok(()),
        }
    }
}

/// A card-swipe trade (3.3.1's answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwipeTrade {
    /// e.g. CNY.
    #[serde(rename = "TransCurrency", default, deserialize_with = "de::opt_string")]
    pub trans_currency: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub batch_no: Option<String>,
    #[serde(default)]
    pub card_gov: Option<CardGov>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub card_hash: Option<String>,
    #[serde(default)]
    pub card_type: Option<CardType>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub merchant_no: Option<String>,
    #[serde(default)]
    pub order_type: Option<OrderType>,
    /// The original trade's reference number (refunds, voids).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ori_trade_ref: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub order_id: Option<String>,
    /// Unix seconds.
    #[serde(default, deserialize_with = "de::opt_whole_trimmed")]
    pub pay_time: Option<i64>,
    /// The channel's order number (e.g. Shengpay's).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub platform_id: Option<String>,
    /// "00" is success (the card networks' response code).
    #[serde(default)]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub result_msg: Option<String>,
    /// The card number's last 4 digits.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub short_card: Option<String>,
    #[serde(default)]
    pub state: Option<TradeStatus>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub terminal_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub trace_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub trade_ref: Option<String>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl FromData for SwipeTrade {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        decode_object(data)
    }
}

impl SwipeTrade {
    /// Where the trade stands: a sale by `state` (refunds and voids of a card trade are trades
    /// of their own, so a sale's state never says "refunded"), a refund or void as succeeded
    /// (paid-like: money moved) or not.
    pub fn trade_state(&self) -> TradeState {
        payment_state(self.state.as_ref(), self.sub_code.as_ref().or(self.result_code.as_ref()), self.amount, None)
    }
}

// --- payBind (4.3.1, 5.3.1)

/// `payBind`: binds what an official account or mini program needs to pay through Sunmi.
/// Official accounts take two calls in this order: configType 3 with `attentionAppId`, then
/// configType 1 with `payUrl` (see [`crate::sunmi::Client::bind_official_account`]); mini
/// programs one: configType 2 with `miniAppId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayBindRequest {
    /// The credentials' merchant number when absent.
    #[serde(default)]
    pub merchant_no: Option<String>,
    pub config_type: ConfigType,
    /// Required for configType 2.
    #[serde(default)]
    pub mini_app_id: Option<String>,
    /// The payment directory, required for configType 1: the directory of the paying page,
    /// ending in `/` (page `http://x.com/a/pay.php` -> `http://x.com/a/`).
    #[serde(default)]
    pub pay_url: Option<String>,
    /// Required for configType 4.
    #[serde(default)]
    pub receipt_app_id: Option<String>,
    /// Required for configType 3; sent with configType 1 too (the account the directory is for).
    #[serde(default)]
    pub attention_app_id: Option<String>,
}

impl PayBindRequest {
    pub fn new(config_type: ConfigType) -> PayBindRequest {
        PayBindRequest {
            merchant_no: None,
            config_type,
            mini_app_id: None,
            pay_url: None,
            receipt_app_id: None,
            attention_app_id: None,
        }
    }
}

impl Operation for PayBindRequest {
    type Answer = PayBindResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "pay_bind",
        summary: "Bind a payment directory or app id for WeChat prepays, any configType (4.3.1)",
        effect: Effect::Setup,
    };
}

impl Call for PayBindRequest {
    const PATH: &'static str = "/v1/trade/payBind";
    const READ: Read = Read::Bind;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let merchant = merchant_no(&self.merchant_no, creds)?;
        let need = |field: &str, v: &Option<String>| -> Result<()> {
            match v {
                Some(s) => token(field, s, 32),
                None => Err(Error::invalid(field, format!("required for configType {}", self.config_type))),
            }
        };
        match &self.config_type {
            ConfigType::PayUrl => {
                let u = url("payUrl", self.pay_url.as_deref().unwrap_or_default(), 255)?;
                if !u.path().ends_with('/') {
                    return Err(Error::invalid(
                        "payUrl",
                        "must be the directory of the paying page, ending in '/' (seed 4.3.1)",
                    ));
                }
            }
            ConfigType::MiniAppId => need("miniAppId", &self.mini_app_id)?,
            ConfigType::AttentionAppId => need("attentionAppId", &self.attention_app_id)?,
            ConfigType::ReceiptAppId => need("receiptAppId", &self.receipt_app_id)?,
            ConfigType::Query => {}
            ConfigType::Other(v) => {
                return Err(Error::invalid("configType", format!("{v:?} is not one of 1, 2, 3, 4, 5")));
            }
        }
        opt_token("miniAppId", &self.mini_app_id, 32)?;
        opt_token("receiptAppId", &self.receipt_app_id, 32)?;
        opt_token("attentionAppId", &self.attention_app_id, 32)?;
        Ok(Form::default()
            .put("merchantNo", merchant)
            .put("configType", self.config_type.as_str())
            .opt("miniAppId", self.mini_app_id.as_deref())
            .opt("payUrl", self.pay_url.as_deref())
            .opt("receiptAppId", self.receipt_app_id.as_deref())
            .opt("attentionAppId", self.attention_app_id.as_deref())
            .done())
    }
}

/// payBind's answer: `data` is the text `Success`, or (configType 5) the configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayBindResponse {
    /// The text answer ("Success").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// configType 5: the configuration as Sunmi gives it (the seed does not list its fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Extra>,
}

impl FromData for PayBindResponse {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        match data {
            serde_json::Value::String(s) => Ok(PayBindResponse { result: Some(s), config: None }),
            serde_json::Value::Object(map) => {
                Ok(PayBindResponse { result: None, config: Some(map.into_iter().collect()) })
            }
            serde_json::Value::Null => Ok(PayBindResponse { result: None, config: None }),
            other => Err(format!("unexpected data {}", cut(&other.to_string()))),
        }
    }
}

/// What the official account's two-step binding did, step by step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfficialAccountBinding {
    /// configType 3 (`attentionAppId`): bound now, or already bound before.
    pub account: BindStep,
    /// configType 1 (`payUrl`), sent only after step 1.
    pub pay_url: BindStep,
}

/// The official account's two-step binding (4.3.1) as one request: configType 3 with
/// `attentionAppId`, then configType 1 with `payUrl`, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficialAccountBindRequest {
    #[serde(default)]
    pub merchant_no: Option<String>,
    /// The official account's AppID.
    pub attention_app_id: String,
    /// The payment directory (ending in `/`).
    pub pay_url: String,
}

impl Operation for OfficialAccountBindRequest {
    type Answer = OfficialAccountBinding;
    const INFO: OperationInfo = OperationInfo {
        name: "bind_official_account",
        summary: "Both payBind steps of an official account in order: attentionAppId, then payUrl",
        effect: Effect::Setup,
    };
}

impl OfficialAccountBindRequest {
    /// The two payBind requests, in the order they must be sent.
    pub fn steps(&self) -> [PayBindRequest; 2] {
        let mut account = PayBindRequest::new(ConfigType::AttentionAppId);
        account.merchant_no = self.merchant_no.clone();
        account.attention_app_id = Some(self.attention_app_id.clone());
        let mut dir = PayBindRequest::new(ConfigType::PayUrl);
        dir.merchant_no = self.merchant_no.clone();
        dir.attention_app_id = Some(self.attention_app_id.clone());
        dir.pay_url = Some(self.pay_url.clone());
        [account, dir]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BindStep {
    Bound,
    /// Sunmi answered that it is configured already ("已配置，请勿重复配置").
    AlreadyBound,
}

// --- the prepays (4.3.2, 5.3.2)

/// `jsApiPay`: WeChat official-account prepay. `totalAmount` in fen here; yuan on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsApiPayRequest {
    /// The credentials' merchant number when absent.
    #[serde(default)]
    pub merchant_no: Option<String>,
    /// Fen (sent as yuan, "0.01").
    pub total_amount: Money,
    /// The official account's AppID.
    pub mini_app_id: String,
    /// The payer's openId under that account.
    pub open_id: String,
    pub order_id: String,
    /// `TX01` when absent.
    #[serde(default)]
    pub wallet_type: Option<String>,
    #[serde(default)]
    pub notify_url: Option<String>,
}

impl Operation for JsApiPayRequest {
    type Answer = PrepayResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "js_api_pay",
        summary: "WeChat official-account prepay, totalAmount in fen (4.3.2)",
        effect: Effect::PreOrder,
    };

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.order_id, self.total_amount))
    }
}

impl Call for JsApiPayRequest {
    const PATH: &'static str = "/v1/trade/jsApiPay";
    const READ: Read = Read::Prepay;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let merchant = merchant_no(&self.merchant_no, creds)?;
        positive("totalAmount", self.total_amount)?;
        token("miniAppId", &self.mini_app_id, 32)?;
        token("openId", &self.open_id, 128)?;
        ORDER_ID.check("orderId", &self.order_id)?;
        let wallet = self.wallet_type.clone().unwrap_or_else(|| DEFAULT_WALLET_TYPE.to_string());
        token("walletType", &wallet, 4)?;
        if let Some(u) = &self.notify_url {
            url("notifyUrl", u, 255)?;
        }
        Ok(Form::default()
            .put("merchantNo", merchant)
            .put("totalAmount", self.total_amount.to_yuan())
            .put("miniAppId", self.mini_app_id.as_str())
            .put("openId", self.open_id.as_str())
            .put("orderId", self.order_id.as_str())
            .put("walletType", wallet)
            .opt("notifyUrl", self.notify_url.as_deref())
            .done())
    }

    fn check(&self, answer: &PrepayResponse) -> Result<()> {
        answer.order_id.as_deref().map_or(Ok(()), |got| same_order(&self.order_id, got))
    }
}

/// `miniPay`: WeChat mini-program prepay. `totalAmount` in fen (also on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MiniPayRequest {
    #[serde(default)]
    pub merchant_no: Option<String>,
    /// Fen.
    pub total_amount: Money,
    /// The mini program's AppID.
    pub mini_app_id: String,
    /// The payer's openId in the mini program.
    pub open_id: String,
    /// At most 32 characters, unique.
    pub order_id: String,
    #[serde(default)]
    pub app_version: Option<String>,
    /// The seed types it String(32), too short for most URLs; checked against 255 like
    /// jsApiPay's.
    #[serde(default)]
    pub notify_url: Option<String>,
}

impl Operation for MiniPayRequest {
    type Answer = PrepayResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "mini_pay",
        summary: "WeChat mini-program prepay, totalAmount in fen (5.3.2)",
        effect: Effect::PreOrder,
    };

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.order_id, self.total_amount))
    }
}

impl Call for MiniPayRequest {
    const PATH: &'static str = "/v1/trade/miniPay";
    const READ: Read = Read::Prepay;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let merchant = merchant_no(&self.merchant_no, creds)?;
        positive("totalAmount", self.total_amount)?;
        token("miniAppId", &self.mini_app_id, 32)?;
        token("openId", &self.open_id, 128)?;
        MINI_ORDER_ID.check("orderId", &self.order_id)?;
        opt_token("appVersion", &self.app_version, 80)?;
        if let Some(u) = &self.notify_url {
            url("notifyUrl", u, 255)?;
        }
        Ok(Form::default()
            .put("merchantNo", merchant)
            .put("totalAmount", self.total_amount.to_fen_string())
            .put("miniAppId", self.mini_app_id.as_str())
            .put("openId", self.open_id.as_str())
            .put("orderId", self.order_id.as_str())
            .opt("appVersion", self.app_version.as_deref())
            .opt("notifyUrl", self.notify_url.as_deref())
            .done())
    }

    fn check(&self, answer: &PrepayResponse) -> Result<()> {
        answer.order_id.as_deref().map_or(Ok(()), |got| same_order(&self.order_id, got))
    }
}

/// The answer to jsApiPay and miniPay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrepayResponse {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub order_id: Option<String>,
    /// Sunmi's order number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mis_id: Option<String>,
    /// The channel's order number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub platform_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub merchant_no: Option<String>,
    /// Fen (both prepays answer in fen).
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub amount: Option<Money>,
    /// Unix seconds, or yyyyMMddHHmmss in jsApiPay's example: kept as given.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub pay_time: Option<String>,
    #[serde(default)]
    pub platform: Option<Platform>,
    /// wxpay: the openId; alipay: the userId.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub buyer_logon_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_json")]
    pub cloud_pay_info: Option<JsonText<CloudPayInfo>>,
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub buyer_pay_amount: Option<Money>,
    #[serde(default)]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub result_msg: Option<String>,
    #[serde(default)]
    pub state: Option<TradeStatus>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl FromData for PrepayResponse {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        decode_object(data)
    }
}

impl PrepayResponse {
    /// Where the order stands. "用户支付中" (state 1) is paying: query from 10 s later.
    pub fn trade_state(&self) -> TradeState {
        payment_state(self.state.as_ref(), self.sub_code.as_ref().or(self.result_code.as_ref()), self.amount, None)
    }
}

// --- query (4.3.3)

/// `query`: any order that is not a card swipe (prepays, scans, refunds), by `misId`, `orderId`
/// or `platformId` (one required), looked up by device SN or merchant number (one required).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryRequest {
    #[serde(default)]
    pub msn: Option<String>,
    #[serde(default)]
    pub merchant_no: Option<String>,
    #[serde(default)]
    pub mis_id: Option<String>,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
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
#[serde(rename_all = "camelCase")]
pub struct QueryResponse {
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub business_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub buyer_pay_amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub msn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub merchant_no: Option<String>,
    #[serde(default)]
    pub order_type: Option<OrderType>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole_trimmed")]
    pub pay_time: Option<i64>,
    #[serde(default)]
    pub platform: Option<Platform>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub buyer_logon_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub platform_id: Option<String>,
    /// The order's refunded total (fen).
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub refunded: Option<Money>,
    #[serde(default)]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub result_msg: Option<String>,
    #[serde(default)]
    pub state: Option<TradeStatus>,
    /// A refund's original order, under the callback's names (6.1), when the answer has them.
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub orig_order_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub orig_mis_id: Option<String>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TradeRefundRequest {
    #[serde(default)]
    pub msn: Option<String>,
    #[serde(default)]
    pub merchant_no: Option<String>,
    /// Fen (also on the wire; at least 1).
    pub amount: Money,
    #[serde(default)]
    pub ori_mis_id: Option<String>,
    #[serde(default)]
    pub ori_platform_id: Option<String>,
    #[serde(default)]
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
        positive("amount", self.amount)?;
        if blank(&self.ori_mis_id) && blank(&self.ori_platform_id) && blank(&self.ori_order_id) {
            return Err(Error::invalid("oriOrderId", "give oriMisId, oriPlatformId or oriOrderId"));
        }
        opt_token("oriMisId", &self.ori_mis_id, 80)?;
        opt_token("oriPlatformId", &self.ori_platform_id, 80)?;
        number(ORDER_ID, "oriOrderId", &self.ori_order_id)?;
        ORDER_ID.check("orderId", &self.order_id)?;
        token("businessId", &self.business_id, 80)?;
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
#[serde(rename_all = "camelCase")]
pub struct RefundResponse {
    /// The refunded amount (fen).
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub business_id: Option<String>,
    /// The refund's Sunmi number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mis_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub msn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub merchant_no: Option<String>,
    /// The refund number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub order_id: Option<String>,
    #[serde(default)]
    pub order_type: Option<OrderType>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ori_mis_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ori_order_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole_trimmed")]
    pub pay_time: Option<i64>,
    #[serde(default)]
    pub platform: Option<Platform>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub buyer_logon_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub platform_id: Option<String>,
    #[serde(default)]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub result_msg: Option<String>,
    #[serde(default)]
    pub state: Option<TradeStatus>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
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

// ---------------------------------------------------------------------------------------------
// Callbacks (4.3.5, chapter 6)

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
    pub extra: BTreeMap<String, String>,
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
    use super::*;
    use crate::secret::Secret;
    use serde_json::json;

    fn creds() -> Credentials {
        let mut c = Credentials::new("app", Secret::new("k"));
        c.merchant_no = Some("820291573790006".into());
        c.msn = Some("V206D88200036".into());
        c
    }

    fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("not invalid input: {other:?}"),
        }
    }

    #[test]
    fn every_chapter_7_code_is_mapped() {
        let system = [("10000", Decision::Accept), ("20000", Decision::Unknown), ("20001", Decision::Reject)];
        for (code, d) in system.into_iter().chain([("40001", Decision::Reject), ("40002", Decision::Reject)]) {
            let c = SystemCode::parse(code);
            assert!(!matches!(c, SystemCode::Other(_)), "{code}");
            assert_eq!(c.decide(), d, "{code}");
        }
        assert_eq!(SystemCode::parse("99999").decide(), Decision::Unknown);
        let business = [
            ("D01", CodeKind::Pending),
            ("D04", CodeKind::Settled),
            ("D05", CodeKind::Settled),
            ("D06", CodeKind::Settled),
            ("D07", CodeKind::Pending),
            ("D08", CodeKind::Pending),
            ("D09", CodeKind::Settled),
            ("D10", CodeKind::Unknown),
            ("E01", CodeKind::Refused),
            ("E02", CodeKind::Refused),
            ("E05", CodeKind::Refused),
            ("E15", CodeKind::Refused),
            ("E16", CodeKind::Declined),
            ("E17", CodeKind::Declined),
            ("E19", CodeKind::NotFound),
            ("E20", CodeKind::Refused),
            ("E22", CodeKind::Refused),
            ("E23", CodeKind::Refused),
            ("E24", CodeKind::Refused),
            ("E25", CodeKind::Refused),
            ("E27", CodeKind::Refused),
            ("E28", CodeKind::Refused),
            ("F01", CodeKind::Unknown),
            ("F02", CodeKind::Unknown),
            ("F04", CodeKind::Unknown),
            ("Q03", CodeKind::Refused),
            ("R01", CodeKind::Refused),
            ("R02", CodeKind::Refused),
            ("R03", CodeKind::Refused),
            ("S03", CodeKind::Unknown),
            ("S04", CodeKind::Refused),
            ("T00", CodeKind::Success),
            ("T01", CodeKind::Declined),
            ("T02", CodeKind::Declined),
            ("T03", CodeKind::Refused),
            ("T04", CodeKind::Refused),
            ("T05", CodeKind::Declined),
            ("T06", CodeKind::Unknown),
            ("T07", CodeKind::Declined),
            ("T09", CodeKind::Declined),
            ("T11", CodeKind::Declined),
            ("T13", CodeKind::Refused),
        ];
        assert_eq!(business.len(), 42, "every row of 7.2");
        for (code, kind) in business {
            let c = SubCode::parse(code);
            assert!(!matches!(c, SubCode::Other(_)), "{code}");
            assert!(!c.description().is_empty(), "{code}");
            assert_eq!(c.kind(), kind, "{code}");
            assert_eq!(c.as_str(), code);
        }
        assert_eq!(SubCode::parse("00").kind(), CodeKind::Success);
        assert_eq!(SubCode::parse("ZZ9").kind(), CodeKind::Unknown);
        assert_eq!(SubCode::parse("D07").trade_state(), TradeState::Paying);
        assert_eq!(SubCode::parse("D05").trade_state(), TradeState::Paid);
        assert_eq!(SubCode::parse("D06").trade_state(), TradeState::Reversed);
        assert_eq!(SubCode::parse("D09").trade_state(), TradeState::Failed);
        assert_eq!(SubCode::parse("T02").trade_state(), TradeState::Failed);
        assert_eq!(SubCode::parse("F02").trade_state(), TradeState::Unknown);
    }

    #[test]
    fn decisions_per_operation() {
        let d = |r: Read, c: &str| r.decide(&SubCode::parse(c));
        // A refused prepay created nothing; an unknown one may have.
        assert_eq!(d(Read::Prepay, "T00"), Decision::Accept);
        assert_eq!(d(Read::Prepay, "D07"), Decision::Accept);
        assert_eq!(d(Read::Prepay, "S03"), Decision::Accept);
        assert_eq!(d(Read::Prepay, "Q03"), Decision::Reject);
        assert_eq!(d(Read::Prepay, "T02"), Decision::Reject);
        // A query that finds a failed trade answered; one that finds nothing did not.
        assert_eq!(d(Read::Query, "T02"), Decision::Accept);
        assert_eq!(d(Read::Query, "D08"), Decision::Accept);
        assert_eq!(d(Read::Query, "E19"), Decision::Reject);
        assert_eq!(d(Read::Query, "E25"), Decision::Reject);
        // A refund of an unpaid order is refused; one in process or unknown is not.
        assert_eq!(d(Read::Refund, "D08"), Decision::Reject);
        assert_eq!(d(Read::Refund, "D04"), Decision::Reject);
        assert_eq!(d(Read::Refund, "E22"), Decision::Reject);
        assert_eq!(d(Read::Refund, "D01"), Decision::Accept);
        assert_eq!(d(Read::Refund, "F04"), Decision::Accept);
        assert_eq!(d(Read::Refund, "00"), Decision::Accept);
        assert_eq!(d(Read::Bind, "T00"), Decision::Accept);
        assert_eq!(d(Read::Bind, "Q03"), Decision::Reject);
        assert_eq!(d(Read::Bind, "F02"), Decision::Unknown);
        let e = code_error(Decision::Reject, "Q03", "", SubCode::ParamError.description());
        assert_eq!(e, Error::rejected("Q03", "参数异常"));
        assert!(code_error(Decision::Unknown, "20000", "x", "").outcome_unknown());
    }

    #[test]
    fn states() {
        let fen = |n: i64| Some(Money::from_fen(n, "a").unwrap());
        let s = |n: &str| Some(TradeStatus::parse(n));
        assert_eq!(payment_state(s("1").as_ref(), None, fen(200), None), TradeState::Paying);
        assert_eq!(payment_state(s("2").as_ref(), None, fen(200), None), TradeState::Paying);
        assert_eq!(payment_state(s("3").as_ref(), None, fen(200), fen(0)), TradeState::Paid);
        assert_eq!(payment_state(s("3").as_ref(), None, fen(200), fen(50)), TradeState::PartiallyRefunded);
        assert_eq!(payment_state(s("3").as_ref(), None, fen(200), fen(200)), TradeState::Refunded);
        assert_eq!(payment_state(s("4").as_ref(), None, fen(200), fen(200)), TradeState::Refunded);
        assert_eq!(payment_state(s("4").as_ref(), None, fen(200), None), TradeState::Reversed);
        assert_eq!(payment_state(s("5").as_ref(), None, fen(200), None), TradeState::Failed);
        assert_eq!(payment_state(s("9").as_ref(), None, fen(200), None), TradeState::Unknown);
        assert_eq!(payment_state(None, Some(&SubCode::UserPaying), None, None), TradeState::Paying);
        assert_eq!(payment_state(None, None, None, None), TradeState::Unknown);
        assert_eq!(refund_state(s("3").as_ref(), None), RefundState::Success);
        assert_eq!(refund_state(s("1").as_ref(), None), RefundState::Processing);
        assert_eq!(refund_state(s("5").as_ref(), None), RefundState::Failed);
        assert_eq!(refund_state(None, Some(&SubCode::Processing)), RefundState::Processing);
        assert_eq!(refund_state(None, Some(&SubCode::SystemError)), RefundState::Unknown);
    }

    #[test]
    fn enums_keep_unknown_values() {
        assert_eq!(CardType::parse("SCC"), CardType::SemiCredit);
        assert_eq!(CardType::parse("XX"), CardType::Other("XX".into()));
        for (code, gov) in [
            ("WX", CardGov::Wechat),
            ("ZFB01", CardGov::Alipay),
            ("SFT01", CardGov::Shengpay),
            ("CUP", CardGov::BankCard),
            ("CUP01", CardGov::UnionPayQr),
            ("CUP02", CardGov::UnionPayStaticQr),
            ("CUP03", CardGov::UnionPayDynamicQr),
        ] {
            assert_eq!(CardGov::parse(code), gov);
        }
        assert_eq!(Platform::parse("unionpay"), Platform::Unionpay);
        assert_eq!(Platform::parse("jdpay").as_str(), "jdpay");
        assert_eq!(OrderType::parse("5"), OrderType::Revoke);
        assert_eq!(serde_json::to_value(OrderType::Refund).unwrap(), json!(1));
        assert_eq!(serde_json::to_value(OrderType::Other("x".into())).unwrap(), json!("x"));
        assert_eq!(serde_json::to_value(CardGov::Alipay).unwrap(), json!("ZFB01"));
        assert_eq!(serde_json::from_value::<TradeStatus>(json!(3)).unwrap(), TradeStatus::Success);
        assert_eq!(serde_json::from_value::<TradeStatus>(json!("3")).unwrap(), TradeStatus::Success);
    }

    #[test]
    fn seed_answers_decode() {
        // 3.3.1's example.
        let swipe: SwipeTrade = decode_object(json!({
            "TransCurrency": "CNY", "amount": 19900, "batchNo": "000001", "cardGov": "CUP",
            "cardHash": "22005e1c89abc6c6b7090534c31180af38643346", "cardType": "SCC",
            "merchantNo": "820102179970017", "orderType": 0, "oriTradeRef": "", "orderId": "201906300600003",
            "payTime": 1561892597, "platformId": "331916913", "resultCode": "00", "resultMsg": "交易成功",
            "shortCard": "4402", "state": 3, "terminalNo": "10040784", "traceNo": "000293", "tradeRef": "454881473"
        }))
        .unwrap();
        assert_eq!(swipe.amount.map(Money::fen), Some(19900));
        assert_eq!(swipe.card_gov, Some(CardGov::BankCard));
        assert_eq!(swipe.card_type, Some(CardType::SemiCredit));
        assert_eq!(swipe.ori_trade_ref, None);
        assert_eq!(swipe.trade_state(), TradeState::Paid);
        assert!(swipe.extra.is_empty(), "{:?}", swipe.extra);
        let out = serde_json::to_value(&swipe).unwrap();
        assert_eq!(out["TransCurrency"], "CNY");
        assert_eq!(out["orderType"], 0);

        // 4.3.2's example: cloudPayInfo as an object, amounts as strings, "用户支付中".
        let jsapi: PrepayResponse = decode_object(json!({
            "cloudPayInfo": {"appId": "wx154f9a63aef2864f", "nonceStr": "W2Ex", "packageStr": "prepay_id=wx11",
                             "paySign": "rFlf", "signType": "RSA", "timeStamp": "1539224437"},
            "merchantNo": "82324238742", "orderId": "18092110499722771691", "misId": "18092110499722771691",
            "platformId": "18092110499722771691", "amount": "200", "payTime": "20180921104914",
            "platform": "wxpay", "buyerPayAmount": "200", "resultCode": "T00", "resultMsg": "用户支付中", "state": 1
        }))
        .unwrap();
        assert_eq!(jsapi.amount.map(Money::fen), Some(200));
        assert_eq!(jsapi.trade_state(), TradeState::Paying);
        let info = jsapi.cloud_pay_info.as_ref().and_then(JsonText::parsed).unwrap();
        assert_eq!(info.package_str.as_deref(), Some("prepay_id=wx11"));

        // 5.3.2's example: cloudPayInfo as a JSON string, amounts as numbers.
        let mini: PrepayResponse = decode_object(json!({
            "merchantNo": "8202915737",
            "cloudPayInfo": "{\"appId\":\"wx67c24b79715d258a\",\"nonceStr\":\"8113\",\"packageStr\":\"prepay_id=wx21\",\"paySign\":\"0xG7\",\"signType\":\"RSA\",\"timeStamp\":\"1537498155\"}",
            "orderId": "18092110499722771691", "misId": "18092110499722771691", "platformId": "18092110499722771691",
            "amount": 200, "payTime": 1565147632, "platform": "wxpay", "buyerPayAmount": 200, "resultCode": "T00",
            "resultMsg": "用户支付中", "state": 1
        }))
        .unwrap();
        assert_eq!(mini.pay_time.as_deref(), Some("1565147632"));
        assert_eq!(
            mini.cloud_pay_info.as_ref().and_then(JsonText::parsed).unwrap().app_id.as_deref(),
            Some("wx67c24b79715d258a")
        );
        let garbled: PrepayResponse = decode_object(json!({"cloudPayInfo": "{not json", "state": 1})).unwrap();
        assert_eq!(garbled.cloud_pay_info, Some(JsonText::Unparsed("{not json".into())));

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
        let b = PayBindResponse::from_data(json!("Success")).unwrap();
        assert_eq!(b.result.as_deref(), Some("Success"));
    }

    #[test]
    fn amounts_at_the_wire() {
        let c = creds();
        let js = JsApiPayRequest {
            merchant_no: None,
            total_amount: Money::from_fen(1, "a").unwrap(),
            mini_app_id: "wx2e5f6590644de622".into(),
            open_id: "oG-NZ5LHRuFlGF7bKEbXtjxkHS3s".into(),
            order_id: "SFD42343242364723482".into(),
            wallet_type: None,
            notify_url: None,
        };
        let f = js.fields(&c).unwrap();
        assert_eq!(f["totalAmount"], "0.01");
        assert_eq!(f["walletType"], "TX01");
        assert_eq!(f["merchantNo"], "820291573790006");
        let mini = MiniPayRequest {
            merchant_no: Some("8202915737".into()),
            total_amount: Money::from_fen(15800, "a").unwrap(),
            mini_app_id: "wx2e5f6590644de622".into(),
            open_id: "oG-NZ5LHRuFlGF7bKEbXtjxkHS3s".into(),
            order_id: "SFD42343242364723482".into(),
            app_version: None,
            notify_url: None,
        };
        let f = mini.fields(&c).unwrap();
        assert_eq!((f["totalAmount"].as_str(), f["merchantNo"].as_str()), ("15800", "8202915737"));
        let r: TradeRefundRequest = serde_json::from_value(json!({
            "amount": 1, "oriOrderId": "1489834523642384", "orderId": "sda1212", "businessId": "453975342343",
            "msn": "V206D88200036"
        }))
        .unwrap();
        let f = r.fields(&c).unwrap();
        assert_eq!((f["amount"].as_str(), f["msn"].as_str()), ("1", "V206D88200036"));
        assert!(!f.contains_key("merchantNo"), "the SN was given: the credentials' merchant is not added");
    }

    #[test]
    fn validation_names_the_field() {
        let c = creds();
        let mut js: JsApiPayRequest = serde_json::from_value(json!({
            "totalAmount": 100, "miniAppId": "wx1", "openId": "o1", "orderId": "A1"
        }))
        .unwrap();
        assert!(js.fields(&c).is_ok());
        js.total_amount = Money::ZERO;
        assert_eq!(field_of(js.fields(&c).unwrap_err()), "totalAmount");
        js.total_amount = Money::from_fen(1, "a").unwrap();
        js.order_id = "A 1".into();
        assert_eq!(field_of(js.fields(&c).unwrap_err()), "orderId");
        js.order_id = "A1".into();
        js.open_id = "o".repeat(129);
        assert_eq!(field_of(js.fields(&c).unwrap_err()), "openId");
        js.open_id = "o1".into();
        js.notify_url = Some("ftp://x/".into());
        assert_eq!(field_of(js.fields(&c).unwrap_err()), "notifyUrl");
        js.notify_url = None;
        let no_merchant = Credentials::new("app", Secret::new("k"));
        assert_eq!(field_of(js.fields(&no_merchant).unwrap_err()), "merchantNo");

        let mut mini: MiniPayRequest = serde_json::from_value(json!({
            "totalAmount": 1, "miniAppId": "wx1", "openId": "o1", "orderId": "A".repeat(32)
        }))
        .unwrap();
        assert!(mini.fields(&c).is_ok());
        mini.order_id = "A".repeat(33);
        assert_eq!(field_of(mini.fields(&c).unwrap_err()), "orderId");
        assert!(serde_json::from_value::<MiniPayRequest>(json!({"totalAmount": -1})).is_err());

        let q = QueryRequest::default();
        assert_eq!(field_of(q.fields(&c).unwrap_err()), "orderId");
        let q = QueryRequest::by_order_id("A1");
        let f = q.fields(&c).unwrap();
        assert_eq!(f.get("merchantNo").map(String::as_str), Some("820291573790006"));
        assert!(!f.contains_key("msn"));
        let mut device_only = Credentials::new("app", Secret::new("k"));
        device_only.msn = Some("V1".into());
        assert_eq!(q.fields(&device_only).unwrap()["msn"], "V1");
        assert_eq!(field_of(q.fields(&Credentials::new("app", Secret::new("k"))).unwrap_err()), "merchantNo");

        let s =
            SwipeQueryRequest { trade_date: Some("20191332".into()), order_id: Some("1".into()), ..Default::default() };
        assert_eq!(field_of(s.fields(&c).unwrap_err()), "tradeDate");
        let s = SwipeQueryRequest::default();
        assert_eq!(field_of(s.fields(&c).unwrap_err()), "orderId");
        let s = SwipeQueryRequest { order_id: Some("1".into()), ..Default::default() };
        assert_eq!(s.fields(&c).unwrap()["msn"], "V206D88200036");
        assert_eq!(field_of(s.fields(&Credentials::new("app", Secret::new("k"))).unwrap_err()), "msn");

        let r: TradeRefundRequest =
            serde_json::from_value(json!({"amount": 1, "orderId": "R1", "businessId": "B1"})).unwrap();
        assert_eq!(field_of(r.fields(&c).unwrap_err()), "oriOrderId");
        let r: TradeRefundRequest =
            serde_json::from_value(json!({"amount": 0, "oriMisId": "M1", "orderId": "R1", "businessId": "B1"}))
                .unwrap();
        assert_eq!(field_of(r.fields(&c).unwrap_err()), "amount");
        let r: TradeRefundRequest =
            serde_json::from_value(json!({"amount": 1, "oriMisId": "M1", "orderId": "R1", "businessId": " "})).unwrap();
        assert_eq!(field_of(r.fields(&c).unwrap_err()), "businessId");
    }

    #[test]
    fn pay_bind_rules() {
        let c = creds();
        let mut b = PayBindRequest::new(ConfigType::AttentionAppId);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "attentionAppId");
        b.attention_app_id = Some("wxhsdfk34".into());
        let f = b.fields(&c).unwrap();
        assert_eq!((f["configType"].as_str(), f["attentionAppId"].as_str()), ("3", "wxhsdfk34"));
        let mut b = PayBindRequest::new(ConfigType::PayUrl);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "payUrl");
        b.pay_url = Some("http://xxxx.com/xxx/xxx.php".into());
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "payUrl");
        b.pay_url = Some("http://xxxx.com/xxx/".into());
        assert!(b.fields(&c).is_ok());
        let mut b = PayBindRequest::new(ConfigType::MiniAppId);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "miniAppId");
        b.mini_app_id = Some("wxhsdfks24324534".into());
        assert!(b.fields(&c).is_ok());
        let b = PayBindRequest::new(ConfigType::ReceiptAppId);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "receiptAppId");
        assert!(PayBindRequest::new(ConfigType::Query).fields(&c).is_ok());
        let b: PayBindRequest = serde_json::from_value(json!({"configType": 7})).unwrap();
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "configType");
        let b: PayBindRequest = serde_json::from_value(json!({"configType": "2", "miniAppId": "wx1"})).unwrap();
        assert_eq!(b.config_type, ConfigType::MiniAppId);
    }

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
