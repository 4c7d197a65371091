//! Chaoying typed requests and responses of every operation of seed 001, the seed's code tables,
//! and how the codes map onto [`TradeState`] / [`RefundState`].
//!
//! Requests deserialize from `invoke` JSON (amounts as integer fen) and are validated before
//! anything is sent. Responses are decoded from the verified answer fields; amounts become
//! [`Money`], the nested JSON strings (`promotion_detail`, `refund_list`, `partner_list`,
//! `pay_info`) become typed values, and every field the seed does not list is kept in `extra`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Credentials;
use crate::error::{Error, Result};
use crate::ids::{require, NumberRule};
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::{Masked, Secret};
use crate::trade::{RawFields, RefundState, TradeResult, TradeState};
use crate::wire::code_table;

/// `out_trade_no` of pay, facepay, cancel and WECHAT_PreOrder: "5到32个字符、只能包含字母数字或者下划线".
pub const ORDER_NO: NumberRule = NumberRule::new(5, 32, "_");
/// `out_trade_no` of ALIPAY_PreOrder: "5到32个字符、只能包含字母数字" (no underscore).
pub const ALIPAY_ORDER_NO: NumberRule = NumberRule::new(5, 32, "");
/// `out_refund_no`: "32个字符内、可包含字母"; the seed's own example `TK-1497769914931-01` has dashes.
pub const REFUND_NO: NumberRule = NumberRule::new(1, 32, "-_");

// ---------------------------------------------------------------------------------------------
// Code tables ("参数规定")

code_table! {
    /// `state`: whether the call itself went through.
    CommState: text {
        Success = "SUCCESS" => "成功",
        Fail = "FAIL" => "失败",
        /// The caller's `version` is too old.
        Ver = "VER" => "版本过低",
    }
}

code_table! {
    /// `code`: the status code of an answer.
    Code: text {
        Success = "10000" => "成功",
        Paying = "10001" => "支付中",
        Refund = "10002" => "转入退款",
        NotPay = "10003" => "未支付",
        Closed = "10004" => "已关闭",
        Revoked = "10005" => "已撤销",
        PayError = "10006" => "支付错误",
        SignError = "20002" => "签名错误",
        ResponseSignError = "20003" => "响应结果签名错误",
        ParamError = "20004" => "参数错误",
        MerchantError = "20005" => "商户错误",
        SystemError = "20006" => "系统错误",
        OrderNotExist = "20007" => "订单不存在",
        RefundError = "20008" => "退款错误",
        QueryError = "20009" => "交易查询错误",
        RefundQueryError = "20010" => "退款查询错误",
        CancelError = "20011" => "交易撤销错误",
        AgentError = "20012" => "代理商错误",
        MchTradeConfigError = "20013" => "商户交易配置错误",
        NetworkError = "30001" => "网络异常",
    }
}

code_table! {
    /// `trade_state`. The seed's table lists the first five; the WeChat names after them mirror
    /// codes 10001-10006 and are accepted too.
    TradeStatus: text {
        Success = "SUCCESS" => "成功",
        Fail = "FAIL" => "失败",
        Processing = "PROCESSING" => "处理中",
        NeedQuery = "NEED_QUERY" => "需要查询",
        Refund = "REFUND" => "转入退款",
        UserPaying = "USERPAYING" => "用户支付中",
        NotPay = "NOTPAY" => "未支付",
        Closed = "CLOSED" => "已关闭",
        Revoked = "REVOKED" => "已撤销",
        PayError = "PAYERROR" => "支付失败",
    }
}

code_table! {
    /// `scene`: payment scene.
    Scene: text {
        Micropay = "1" => "刷卡支付",
        Jsapi = "2" => "公众号/服务窗支付",
        App = "3" => "APP支付",
        Native = "4" => "原生扫码支付",
    }
}

code_table! {
    /// `refund_status` of a `refund_list` entry.
    RefundStatus: text {
        Success = "SUCCESS" => "退款成功",
        Fail = "FAIL" => "退款失败",
        Processing = "PROCESSING" => "退款处理中",
        /// Unsure: refund again with the same `out_refund_no`.
        NotSure = "NOTSURE" => "未确定，需要商户原退款单号重新发起",
        /// The payer's card was void: the money went back to the merchant, refund by hand.
        Change = "CHANGE" => "转入代发",
    }
}

code_table! {
    /// `pay_channel` (PaymentChannelId) in `partner_list`.
    PaymentChannel: text {
        Spdb = "SPDB" => "浦发",
        Ceb = "CEB" => "光大",
        Bestpay = "BESTPAY" => "翼支付",
        Ttg = "TTG" => "淘淘谷",
        Jdpay = "JDPAY" => "京东钱包",
        Unionpay = "UNIONPAY" => "银联钱包",
        Wechat = "WECHAT" => "微信",
        Alipay = "ALIPAY" => "支付宝",
        Munitedpass = "MUNITEDPASS" => "汇商通盈",
        Sand = "SAND" => "杉德",
    }
}

code_table! {
    /// `mch_state` of GetMchId.
    MchState: text {
        Pending = "0" => "待审核",
        Enabled = "20" => "启用",
        Disabled = "30" => "停用",
    }
}

/// `paytype`: the wallet. Requests take exactly these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PayType {
    Wechat,
    Alipay,
    Jdpay,
    Qq,
    Unionpay,
    Bestpay,
}

impl PayType {
    /// Every wallet, the common ones first.
    pub const ALL: [PayType; 6] =
        [PayType::Wechat, PayType::Alipay, PayType::Unionpay, PayType::Jdpay, PayType::Qq, PayType::Bestpay];

    pub fn as_str(self) -> &'static str {
        match self {
            PayType::Wechat => "WECHAT",
            PayType::Alipay => "ALIPAY",
            PayType::Jdpay => "JDPAY",
            PayType::Qq => "QQ",
            PayType::Unionpay => "UNIONPAY",
            PayType::Bestpay => "BESTPAY",
        }
    }

    /// The wallet a payment code belongs to, by the wallets' published prefixes. Barcode pay
    /// takes no paytype, but query, refund and cancel need one.
    pub fn from_auth_code(code: &str) -> Option<PayType> {
        if code.len() < 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match &code[..2] {
            "10" | "11" | "12" | "13" | "14" | "15" => Some(PayType::Wechat),
            "25" | "26" | "27" | "28" | "29" | "30" => Some(PayType::Alipay),
            "62" => Some(PayType::Unionpay),
            "91" => Some(PayType::Qq),
            "18" => Some(PayType::Jdpay),
            "51" => Some(PayType::Bestpay),
            _ => None,
        }
    }
}

impl fmt::Display for PayType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `trade_type` of the pre-orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TradeType {
    /// Official account / Alipay service window (JSAPI).
    Jspay,
    /// QR code the payer scans.
    Native,
    App,
    AppBank,
}

impl TradeType {
    pub fn as_str(self) -> &'static str {
        match self {
            TradeType::Jspay => "JSPAY",
            TradeType::Native => "NATIVE",
            TradeType::App => "APP",
            TradeType::AppBank => "APP_BANK",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Status and its mapping

/// The status part every answer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub state: CommState,
    pub code: Code,
    #[serde(default)]
    pub msg: Option<String>,
    #[serde(default)]
    pub trade_state: Option<TradeStatus>,
}

/// What an answer about a trade means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    State(TradeState),
    /// A definite refusal: nothing happened.
    Rejected,
}

impl Status {
    /// `state` SUCCESS, `code` 10000, and no `trade_state` other than SUCCESS.
    pub fn is_success(&self) -> bool {
        self.state == CommState::Success
            && self.code == Code::Success
            && matches!(self.trade_state, None | Some(TradeStatus::Success))
    }

    /// The request itself was refused before it was processed.
    fn refused_request(&self) -> bool {
        self.state == CommState::Ver
            || matches!(
                self.code,
                Code::SignError | Code::ParamError | Code::MerchantError | Code::AgentError | Code::MchTradeConfigError
            )
    }

    fn still_paying(&self) -> bool {
        matches!(self.code, Code::Paying | Code::NotPay)
            || matches!(
                self.trade_state,
                Some(TradeStatus::UserPaying | TradeStatus::NotPay | TradeStatus::Processing | TradeStatus::NeedQuery)
            )
    }

    /// The answer to `pay` / `facepay`. Only codes that say the charge cannot have happened are a
    /// refusal; system and network errors and anything unlisted may hide a charge: unknown.
    pub fn pay_verdict(&self) -> Verdict {
        if self.refused_request() {
            return Verdict::Rejected;
        }
        if self.state == CommState::Success
            && self.code == Code::Success
            && self.trade_state == Some(TradeStatus::Success)
        {
            return Verdict::State(TradeState::Paid);
        }
        if self.still_paying() {
            return Verdict::State(TradeState::Paying);
        }
        if matches!(self.code, Code::PayError | Code::Closed | Code::Revoked) {
            return Verdict::Rejected;
        }
        Verdict::State(TradeState::Unknown)
    }

    /// The answer to `orderquery`. `Refunded` here means "some refund": the client tells full
    /// from partial by the amounts when the answer has them.
    pub fn query_verdict(&self) -> Verdict {
        use TradeStatus as T;
        let ts = self.trade_state.as_ref();
        if self.refused_request() {
            return Verdict::Rejected;
        }
        let state = if self.state == CommState::Success && self.code == Code::Success && ts == Some(&T::Success) {
            TradeState::Paid
        } else if self.code == Code::Refund || ts == Some(&T::Refund) {
            TradeState::Refunded
        } else if self.still_paying() {
            TradeState::Paying
        } else if self.code == Code::Closed || ts == Some(&T::Closed) {
            TradeState::Closed
        } else if self.code == Code::Revoked || ts == Some(&T::Revoked) {
            TradeState::Reversed
        } else if self.code == Code::PayError || ts == Some(&T::PayError) {
            TradeState::Failed
        } else if self.code == Code::OrderNotExist {
            return Verdict::Rejected;
        } else {
            TradeState::Unknown
        };
        Verdict::State(state)
    }

    /// The answer to `cancel`: success means reversed (a paid order's money went back).
    pub fn cancel_verdict(&self) -> Verdict {
        if self.is_success() {
            Verdict::State(TradeState::Reversed)
        } else if self.refused_request() || matches!(self.code, Code::CancelError | Code::OrderNotExist) {
            Verdict::Rejected
        } else {
            Verdict::State(TradeState::Unknown)
        }
    }

    /// The answer to `refund`; `None` is a definite refusal.
    pub fn refund_verdict(&self) -> Option<RefundState> {
        if self.is_success() {
            Some(RefundState::Success)
        } else if self.refused_request() || matches!(self.code, Code::RefundError | Code::OrderNotExist) {
            None
        } else if self.still_paying() {
            Some(RefundState::Processing)
        } else {
            Some(RefundState::Unknown)
        }
    }

    /// The answer to `refundquery` when it is not a success; `None` is a definite refusal.
    pub fn refund_query_verdict(&self) -> Option<RefundState> {
        if self.refused_request() || self.code == Code::OrderNotExist {
            None
        } else {
            Some(RefundState::Unknown)
        }
    }

    /// The public error for a refusal, with the gateway's code and message.
    pub fn rejection(&self) -> Error {
        let code = if self.state == CommState::Ver { "VER" } else { self.code.as_str() };
        let message = match &self.msg {
            Some(m) if !m.is_empty() => m.clone(),
            _ if self.state == CommState::Ver => CommState::Ver.description().to_string(),
            _ => self.code.description().to_string(),
        };
        Error::rejected(code, message)
    }

    /// `Ok` for a success, else the refusal as an error (for callers that want no status).
    pub fn check(&self) -> Result<()> {
        if self.is_success() {
            Ok(())
        } else {
            Err(self.rejection())
        }
    }
}

impl RefundStatus {
    pub fn refund_state(&self) -> RefundState {
        match self {
            RefundStatus::Success => RefundState::Success,
            RefundStatus::Processing => RefundState::Processing,
            // CHANGE: the payer did not get the money back (it went to the merchant's account).
            RefundStatus::Fail | RefundStatus::Change => RefundState::Failed,
            RefundStatus::NotSure | RefundStatus::Other(_) => RefundState::Unknown,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Nested JSON strings

pub use crate::wire::JsonText;

/// Other fields of a nested object, as received.
pub type ExtraJson = BTreeMap<String, serde_json::Value>;

/// `promotion_detail`: `{"promotion_detail": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionDetail {
    #[serde(default)]
    pub promotion_detail: Vec<Promotion>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promotion {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub promotion_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// SINGLE / GLOBAL.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub scope: Option<String>,
    /// DISCOUNT / COUPON.
    #[serde(rename = "type", default, deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub activity_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub wxpay_contribute: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub merchant_contribute: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub other_contribute: Option<Money>,
    #[serde(default)]
    pub goods_detail: Vec<PromotionGoods>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionGoods {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub goods_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole")]
    pub quantity: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub price: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub discount_amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub goods_remark: Option<String>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

/// One entry of `refund_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundItem {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub serial_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub refund_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub out_refund_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub out_refund_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub refund_channel: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub base_refund_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub refund_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub coupon_refund_fee: Option<Money>,
    pub refund_status: RefundStatus,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub refund_time: Option<String>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

/// One entry of `partner_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub pay_channel: PaymentChannel,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub appid: Option<String>,
    /// WeChat sub-merchant number; empty until WeChat approved it.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub partner_id: Option<String>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

/// `pay_info` of WECHAT_PreOrder: the parameters of the WeChat JSAPI `chooseWXPay` call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WechatPayInfo {
    #[serde(rename = "appId", default, deserialize_with = "de::opt_string")]
    pub app_id: Option<String>,
    #[serde(rename = "timeStamp", default, deserialize_with = "de::opt_string")]
    pub time_stamp: Option<String>,
    #[serde(rename = "nonceStr", default, deserialize_with = "de::opt_string")]
    pub nonce_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub package: Option<String>,
    #[serde(rename = "signType", default, deserialize_with = "de::opt_string")]
    pub sign_type: Option<String>,
    #[serde(rename = "paySign", default, deserialize_with = "de::opt_string")]
    pub pay_sign: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub callback_url: Option<String>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

/// `pay_info` of ALIPAY_PreOrder (the seed only says "JSON字符串"): the trade number that
/// `AlipayJSBridge.call("tradePay")` takes, and whatever else comes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlipayPayInfo {
    #[serde(rename = "tradeNO", default, deserialize_with = "de::opt_string")]
    pub trade_no: Option<String>,
    #[serde(flatten)]
    pub extra: ExtraJson,
}

/// One line of `goods_detail` (pay, facepay, WECHAT_PreOrder), sent as a JSON array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsDetail {
    /// Letters, digits, `-` and `_`.
    pub goods_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_goods_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_name: Option<String>,
    pub quantity: u32,
    /// Unit price in fen.
    pub price: Money,
}

// ---------------------------------------------------------------------------------------------
// Operations

/// Where an operation is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/UnifiedPay/Gateway` with `method=<name>`.
    Gateway(&'static str),
    /// A path of its own, e.g. `/Open/WECHAT_PreOrder`.
    Path(&'static str),
}

impl Endpoint {
    pub const GATEWAY_PATH: &'static str = "/UnifiedPay/Gateway";

    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Gateway(_) => Self::GATEWAY_PATH,
            Endpoint::Path(p) => p,
        }
    }

    pub fn method(self) -> Option<&'static str> {
        match self {
            Endpoint::Gateway(m) => Some(m),
            Endpoint::Path(_) => None,
        }
    }
}

/// The fields every call carries besides the operation's own. Operations may not set them.
pub const COMMON_FIELDS: &[&str] = &["agent_id", "version", "pid", "method", "sign"];

/// How the client reads an answer's status: which answers are a refusal (`Err`) and which an
/// answer about an order (`Ok`, whatever state it reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// pay / facepay: see [`Status::pay_verdict`].
    Pay,
    /// orderquery: see [`Status::query_verdict`].
    Query,
    /// cancel: see [`Status::cancel_verdict`].
    Cancel,
    /// refund: see [`Status::refund_verdict`].
    Refund,
    /// refundquery: a success, or a failure that is not a definite refusal (unknown).
    RefundQuery,
    /// Everything else: anything but a success is a refusal.
    Plain,
    /// GetMchSMSValid: `state` SUCCESS is a success whatever `code` (it carries the minutes the
    /// texted code stays valid).
    StateOnly,
}

impl Read {
    /// Whether `status` refuses the request (nothing happened).
    pub fn refuses(self, status: &Status) -> bool {
        match self {
            Read::Pay => status.pay_verdict() == Verdict::Rejected,
            Read::Query => status.query_verdict() == Verdict::Rejected,
            Read::Cancel => status.cancel_verdict() == Verdict::Rejected,
            Read::Refund => status.refund_verdict().is_none(),
            Read::RefundQuery => !status.is_success() && status.refund_query_verdict().is_none(),
            Read::Plain => !status.is_success(),
            Read::StateOnly => status.state != CommState::Success,
        }
    }
}

/// The wire half of an operation's declaration at Chaoying: where it goes, how its answer is
/// read, and its form fields.
pub trait Call: Operation<Answer: WithStatus> {
    const ENDPOINT: Endpoint;
    const READ: Read;
    /// Whether a SUCCESS answer must be signed. The seed's WXA_Code2Session example is not.
    const SIGNED_SUCCESS: bool = true;

    /// The order and wallet this call is about, remembered for the calls that need `paytype`
    /// but only carry an order number (query, refund, cancel).
    fn wallet(&self) -> Option<(&str, PayType)> {
        None
    }

    /// The operation's own fields; the client adds agent_id, version, pid, method and sign.
    fn fields(&self, creds: &Credentials) -> RawFields;
}

/// A typed answer: every Chaoying answer carries the same status.
pub trait WithStatus: DeserializeOwned {
    fn status(&self) -> &Status;

    /// Fills fields derived from others after decoding.
    fn complete(&mut self) {}
}

/// Decodes verified answer fields (`sign` and empty values left out) into a typed answer.
pub fn decode<T: WithStatus>(fields: &RawFields) -> std::result::Result<T, super::Error> {
    let map: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .filter(|(k, v)| k.as_str() != "sign" && !v.is_empty())
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let mut t: T = serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| super::Error::Malformed(format!("answer fields: {e}")))?;
    t.complete();
    Ok(t)
}

#[derive(Default)]
struct Form(RawFields);

impl Form {
    fn put(mut self, k: &str, v: impl Into<String>) -> Form {
        let v = v.into();
        if !v.is_empty() {
            self.0.insert(k.to_string(), v);
        }
        self
    }

    fn opt(self, k: &str, v: &Option<String>) -> Form {
        match v {
            Some(v) => self.put(k, v.as_str()),
            None => self,
        }
    }

    fn fen(self, k: &str, m: Money) -> Form {
        self.put(k, m.to_fen_string())
    }

    fn goods(self, goods: &[GoodsDetail]) -> Form {
        if goods.is_empty() {
            return self;
        }
        // Serializing plain strings, integers and Money cannot fail.
        let text = serde_json::to_string(goods).unwrap_or_default();
        self.put("goods_detail", text)
    }

    fn done(self) -> RawFields {
        self.0
    }
}

fn nonce() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

// --- validation helpers

fn positive(field: &str, m: Money) -> Result<()> {
    if m.is_zero() {
        return Err(Error::invalid(field, "must be greater than zero"));
    }
    Ok(())
}

fn not_blank(field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) if s.trim().is_empty() => Err(Error::invalid(field, "must not be empty when given")),
        _ => Ok(()),
    }
}

fn given(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

fn given_masked(v: &Option<Masked>) -> bool {
    v.as_ref().is_some_and(|s| !s.expose().trim().is_empty())
}

fn timestamp(field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) => {
            Err(Error::invalid(field, "must be yyyyMMddHHmmss (14 digits)"))
        }
        _ => Ok(()),
    }
}

fn notify_url(v: &Option<String>) -> Result<()> {
    let Some(s) = v else { return Ok(()) };
    let u = url::Url::parse(s).map_err(|e| Error::invalid("notify_url", e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(Error::invalid("notify_url", "must be an http(s) URL"));
    }
    if u.query().is_some() {
        return Err(Error::invalid("notify_url", "must not carry parameters (the seed forbids a query string)"));
    }
    Ok(())
}

fn goods(goods: &[GoodsDetail]) -> Result<()> {
    for (i, g) in goods.iter().enumerate() {
        let id_ok =
            !g.goods_id.is_empty() && g.goods_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            return Err(Error::invalid(format!("goods_detail[{i}].goods_id"), "letters, digits, '-' and '_' only"));
        }
        if g.quantity == 0 {
            return Err(Error::invalid(format!("goods_detail[{i}].quantity"), "must be at least 1"));
        }
    }
    Ok(())
}

fn auth_code(field: &str, v: &str) -> Result<()> {
    require(field, v)?;
    if v.len() > 64 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid(field, "letters and digits only, at most 64"));
    }
    Ok(())
}

// --- pay (刷卡支付-提交支付)

/// `pay`: barcode payment (B scans C).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarcodePayRequest {
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: Money,
    /// The code scanned from the payer's phone.
    pub auth_code: Masked,
    /// Goods description.
    pub body: String,
    #[serde(default)]
    pub device_info: Option<String>,
    #[serde(default)]
    pub attach: Option<String>,
    #[serde(default)]
    pub mch_create_ip: Option<String>,
    #[serde(default)]
    pub op_user_id: Option<String>,
    #[serde(default)]
    pub op_shop_id: Option<String>,
    #[serde(default)]
    pub op_device_id: Option<String>,
    #[serde(default)]
    pub goods_tag: Option<String>,
    #[serde(default)]
    pub goods_detail: Vec<GoodsDetail>,
}

impl Operation for BarcodePayRequest {
    type Answer = TradeResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "barcode_pay",
        summary: "Barcode payment (B scans C) with the payer's auth_code",
        effect: Effect::Charge,
    };

    fn validate(&self) -> Result<()> {
        ORDER_NO.check("out_trade_no", &self.out_trade_no)?;
        positive("total_fee", self.total_fee)?;
        auth_code("auth_code", self.auth_code.expose())?;
        require("body", &self.body)?;
        goods(&self.goods_detail)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.out_trade_no, self.total_fee))
    }

    fn settlement(&self, answer: &TradeResponse) -> Option<TradeResult> {
        let paytype = PayType::from_auth_code(self.auth_code.expose()).unwrap_or(PayType::Wechat);
        Some(answer.trade_result(&self.out_trade_no, paytype))
    }
}

impl Call for BarcodePayRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("pay");
    const READ: Read = Read::Pay;

    fn wallet(&self) -> Option<(&str, PayType)> {
        Some((&self.out_trade_no, PayType::from_auth_code(self.auth_code.expose()).unwrap_or(PayType::Wechat)))
    }

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("mch_id", creds.mch_id.as_str())
            .put("out_trade_no", self.out_trade_no.as_str())
            .fen("total_fee", self.total_fee)
            .put("auth_code", self.auth_code.expose())
            .put("body", self.body.as_str())
            .opt("device_info", &self.device_info)
            .opt("attach", &self.attach)
            .opt("mch_create_ip", &self.mch_create_ip)
            .opt("op_user_id", &self.op_user_id)
            .opt("op_shop_id", &self.op_shop_id)
            .opt("op_device_id", &self.op_device_id)
            .opt("goods_tag", &self.goods_tag)
            .goods(&self.goods_detail)
            .done()
    }
}

// --- facepay (刷脸支付-提交支付)

/// `facepay`: WeChat face payment with the face SDK's `openid` and `face_code`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacePayRequest {
    pub paytype: PayType,
    pub openid: Masked,
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: Money,
    pub face_code: Masked,
    pub body: String,
    #[serde(default)]
    pub device_info: Option<String>,
    #[serde(default)]
    pub attach: Option<String>,
    #[serde(default)]
    pub mch_create_ip: Option<String>,
    #[serde(default)]
    pub op_user_id: Option<String>,
    #[serde(default)]
    pub op_shop_id: Option<String>,
    #[serde(default)]
    pub op_device_id: Option<String>,
    #[serde(default)]
    pub goods_tag: Option<String>,
    #[serde(default)]
    pub goods_detail: Vec<GoodsDetail>,
}

impl Operation for FacePayRequest {
    type Answer = TradeResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "face_pay",
        summary: "WeChat face payment with the face SDK's openid and face_code",
        effect: Effect::Charge,
    };

    fn validate(&self) -> Result<()> {
        require("openid", self.openid.expose())?;
        ORDER_NO.check("out_trade_no", &self.out_trade_no)?;
        positive("total_fee", self.total_fee)?;
        require("face_code", self.face_code.expose())?;
        require("body", &self.body)?;
        goods(&self.goods_detail)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.out_trade_no, self.total_fee))
    }

    fn settlement(&self, answer: &TradeResponse) -> Option<TradeResult> {
        Some(answer.trade_result(&self.out_trade_no, self.paytype))
    }
}

impl Call for FacePayRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("facepay");
    const READ: Read = Read::Pay;

    fn wallet(&self) -> Option<(&str, PayType)> {
        Some((&self.out_trade_no, self.paytype))
    }

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("paytype", self.paytype.as_str())
            .put("mch_id", creds.mch_id.as_str())
            .put("openid", self.openid.expose())
            .put("out_trade_no", self.out_trade_no.as_str())
            .fen("total_fee", self.total_fee)
            .put("face_code", self.face_code.expose())
            .put("body", self.body.as_str())
            .opt("device_info", &self.device_info)
            .opt("attach", &self.attach)
            .opt("mch_create_ip", &self.mch_create_ip)
            .opt("op_user_id", &self.op_user_id)
            .opt("op_shop_id", &self.op_shop_id)
            .opt("op_device_id", &self.op_device_id)
            .opt("goods_tag", &self.goods_tag)
            .goods(&self.goods_detail)
            .done()
    }
}

/// The answer to `pay`, `facepay` and `orderquery`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TradeResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub appid: Option<String>,
    #[serde(default)]
    pub is_subscribe: Option<String>,
    #[serde(default)]
    pub openid: Option<String>,
    #[serde(default)]
    pub sub_appid: Option<String>,
    #[serde(default)]
    pub sub_is_subscribe: Option<String>,
    #[serde(default)]
    pub sub_openid: Option<String>,
    /// Chaoying's trade number.
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// The wallet's trade number.
    #[serde(default)]
    pub out_transaction_id: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    /// Amount due (the order amount).
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub base_fee: Option<Money>,
    /// Amount actually paid (after promotions).
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub total_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub coupon_fee: Option<Money>,
    #[serde(default)]
    pub fee_type: Option<String>,
    #[serde(default)]
    pub attach: Option<String>,
    #[serde(default)]
    pub bank_type: Option<String>,
    #[serde(default)]
    pub bank_billno: Option<String>,
    /// yyyyMMddHHmmss, GMT+8.
    #[serde(default)]
    pub time_end: Option<String>,
    #[serde(default)]
    pub trade_type: Option<String>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    pub promotion_detail: Option<JsonText<PromotionDetail>>,
    #[serde(default)]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    pub wx_sub_mch_id: Option<String>,
    /// Fields the seed does not list, as received.
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl TradeResponse {
    /// What a pay / facepay answer says about the payment (a refusal never gets here: the
    /// client answers it as an error).
    pub fn trade_result(&self, order_no: &str, paytype: PayType) -> TradeResult {
        let state = match self.status.pay_verdict() {
            Verdict::State(s) => s,
            Verdict::Rejected => TradeState::Failed,
        };
        self.result_in(order_no, state, paytype)
    }

    /// The common result for this answer in `state`.
    pub fn result_in(&self, order_no: &str, state: TradeState, paytype: PayType) -> TradeResult {
        TradeResult {
            order_no: order_no.to_string(),
            state,
            // The order amount (base_fee); total_fee is what the payer paid after promotions.
            amount: self.base_fee.or(self.total_fee),
            gateway_trade_no: self.transaction_id.clone(),
            channel: Some(paytype.as_str().to_string()),
            gateway_code: Some(self.status.code.as_str().to_string()),
            message: self.status.msg.clone(),
        }
    }
}

impl WithStatus for TradeResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- getfaceauth (刷脸支付-获取SDK调用凭证)

/// `getfaceauth`: the face SDK's call credentials for `rawdata`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceAuthRequest {
    pub paytype: PayType,
    pub store_id: String,
    pub store_name: String,
    pub device_id: String,
    /// From the device face SDK's `getWxpayfaceRawdata`.
    pub rawdata: String,
}

impl Operation for FaceAuthRequest {
    type Answer = FaceAuthResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_face_auth",
        summary: "Face SDK call credentials (authinfo) for the device's rawdata",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        require("store_id", &self.store_id)?;
        require("store_name", &self.store_name)?;
        require("device_id", &self.device_id)?;
        require("rawdata", &self.rawdata)
    }
}

impl Call for FaceAuthRequest {
    const ENDPOINT: Endpoint = Endpoint::Gateway("getfaceauth");
    const READ: Read = Read::Plain;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("paytype", self.paytype.as_str())
            .put("mch_id", creds.mch_id.as_str())
            .put("store_id", self.store_id.as_str())
            .put("store_name", self.store_name.as_str())
            .put("device_id", self.device_id.as_str())
            .put("rawdata", self.rawdata.as_str())
            .done()
    }
}

/// The seed leaves this table empty; the fields are the vendor's public docs (SPEC-NOTES).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceAuthResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub appid: Option<String>,
    #[serde(default)]
    pub sub_appid: Option<String>,
    #[serde(default)]
    pub channel_mch_id: Option<String>,
    #[serde(default)]
    pub sub_mch_id: Option<String>,
    /// Passed to the face SDK's `getWxpayfaceCode`.
    #[serde(default)]
    pub authinfo: Option<String>,
    /// Seconds.
    #[serde(default, deserialize_with = "de::opt_whole")]
    pub expires_in: Option<u64>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for FaceAuthResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- orderquery (刷卡支付-订单查询)

/// `orderquery`: by `out_trade_no` or `transaction_id` (`out_trade_no` wins when both are given).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderQueryRequest {
    pub paytype: PayType,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    #[serde(default)]
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
            return Err(Error::invalid("out_trade_no", "out_trade_no or transaction_id is required"));
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

// --- refund (交易退款)

/// `refund`. Several partial refunds of one order take different `out_refund_no`s; a retry of a
/// failed refund takes the same one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeRefundRequest {
    pub paytype: PayType,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    /// Wins over `out_trade_no` when both are given.
    #[serde(default)]
    pub transaction_id: Option<String>,
    pub out_refund_no: String,
    /// The order's amount due (its `base_fee`), fen.
    pub total_fee: Money,
    /// Fen.
    pub refund_fee: Money,
    /// Operator; defaults to the merchant number as the seed says.
    #[serde(default)]
    pub op_user_id: Option<String>,
}

impl Operation for TradeRefundRequest {
    type Answer = TradeRefundResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "trade_refund", summary: "Refund all or part of a paid order", effect: Effect::Refund };

    fn validate(&self) -> Result<()> {
        if !given(&self.out_trade_no) && !given(&self.transaction_id) {
            return Err(Error::invalid("out_trade_no", "out_trade_no or transaction_id is required"));
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
pub struct TradeRefundResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// The wallet's refund number.
    #[serde(default)]
    pub out_transaction_id: Option<String>,
    #[serde(default)]
    pub out_refund_no: Option<String>,
    /// Chaoying's refund number.
    #[serde(default)]
    pub refund_id: Option<String>,
    /// ORIGINAL: back the way it came.
    #[serde(default)]
    pub refund_channel: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub base_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub total_fee: Option<Money>,
    /// Refund asked for.
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub base_refund_fee: Option<Money>,
    /// Refund actually paid back.
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub refund_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub coupon_refund_fee: Option<Money>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for TradeRefundResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- refundquery (退款查询)

/// `refundquery` (since v2.5.1 by refund number only): `refund_id` wins over `out_refund_no`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundQueryRequest {
    pub paytype: PayType,
    #[serde(default)]
    pub out_refund_no: Option<String>,
    #[serde(default)]
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
            return Err(Error::invalid("out_refund_no", "out_refund_no or refund_id is required"));
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
pub struct RefundQueryResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub appid: Option<String>,
    #[serde(default)]
    pub is_subscribe: Option<String>,
    #[serde(default)]
    pub openid: Option<String>,
    #[serde(default)]
    pub sub_appid: Option<String>,
    #[serde(default)]
    pub sub_is_subscribe: Option<String>,
    #[serde(default)]
    pub sub_openid: Option<String>,
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub out_transaction_id: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole")]
    pub refund_count: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub base_refund_fee_summary: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    pub refund_fee_summary: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    pub refund_list: Option<JsonText<Vec<RefundItem>>>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(default)]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    pub wx_sub_mch_id: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
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

// --- cancel (交易撤销)

/// `cancel`: closes an unpaid order, reverses a paid one. Only recent orders (the seed says
/// 5 minutes) and not sooner than 15 s after paying.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub paytype: PayType,
    pub out_trade_no: String,
    /// Operator; defaults to the merchant number.
    #[serde(default)]
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
pub struct CancelResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(default)]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    pub wx_sub_mch_id: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for CancelResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- WECHAT_PreOrder (微信预下单)

/// `WECHAT_PreOrder`: official account / mini program (JSPAY), QR (NATIVE) or APP.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WechatPreOrderRequest {
    /// Required for JSPAY, APP and APP_BANK.
    #[serde(default)]
    pub sub_appid: Option<String>,
    /// Mini program (`true`) or official account (`false`).
    #[serde(default)]
    pub is_minipg: Option<bool>,
    /// The payer's sub_openid under sub_appid; required for JSPAY.
    #[serde(default)]
    pub buyer_id: Option<Masked>,
    #[serde(default)]
    pub device_info: Option<String>,
    pub body: String,
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: Money,
    #[serde(default)]
    pub mch_create_ip: Option<String>,
    /// yyyyMMddHHmmss, GMT+8.
    #[serde(default)]
    pub time_start: Option<String>,
    #[serde(default)]
    pub time_expire: Option<String>,
    /// Where the result notification is posted; no query string allowed.
    #[serde(default)]
    pub notify_url: Option<String>,
    #[serde(default)]
    pub op_user_id: Option<String>,
    #[serde(default)]
    pub op_shop_id: Option<String>,
    /// `no_credit`: no credit cards.
    #[serde(default)]
    pub limit_pay: Option<String>,
    pub trade_type: TradeType,
    /// Required for NATIVE.
    #[serde(default)]
    pub product_id: Option<String>,
    #[serde(default)]
    pub goods_tag: Option<String>,
    #[serde(default)]
    pub goods_detail: Vec<GoodsDetail>,
}

impl Operation for WechatPreOrderRequest {
    type Answer = WechatPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "wechat_pre_order",
        summary: "WeChat pre-order: JSAPI pay_info or NATIVE QR code_url",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        require("body", &self.body)?;
        ORDER_NO.check("out_trade_no", &self.out_trade_no)?;
        positive("total_fee", self.total_fee)?;
        let tt = self.trade_type;
        if matches!(tt, TradeType::Jspay | TradeType::App | TradeType::AppBank) && !given(&self.sub_appid) {
            return Err(Error::invalid("sub_appid", format!("required for trade_type {}", tt.as_str())));
        }
        if tt == TradeType::Jspay && !given_masked(&self.buyer_id) {
            return Err(Error::invalid("buyer_id", "required for trade_type JSPAY"));
        }
        if tt == TradeType::Native && !given(&self.product_id) {
            return Err(Error::invalid("product_id", "required for trade_type NATIVE"));
        }
        timestamp("time_start", &self.time_start)?;
        timestamp("time_expire", &self.time_expire)?;
        notify_url(&self.notify_url)?;
        goods(&self.goods_detail)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.out_trade_no, self.total_fee))
    }
}

impl Call for WechatPreOrderRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/WECHAT_PreOrder");
    const READ: Read = Read::Plain;

    fn wallet(&self) -> Option<(&str, PayType)> {
        Some((&self.out_trade_no, PayType::Wechat))
    }

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("nonce_str", nonce())
            .put("mch_id", creds.mch_id.as_str())
            .opt("sub_appid", &self.sub_appid)
            .put("is_minipg", self.is_minipg.map(|m| if m { "1" } else { "0" }).unwrap_or_default())
            .opt("buyer_id", &self.buyer_id.as_ref().map(|b| b.expose().to_string()))
            .opt("device_info", &self.device_info)
            .put("body", self.body.as_str())
            .put("out_trade_no", self.out_trade_no.as_str())
            .fen("total_fee", self.total_fee)
            .opt("mch_create_ip", &self.mch_create_ip)
            .opt("time_start", &self.time_start)
            .opt("time_expire", &self.time_expire)
            .opt("notify_url", &self.notify_url)
            .opt("op_user_id", &self.op_user_id)
            .opt("op_shop_id", &self.op_shop_id)
            .opt("limit_pay", &self.limit_pay)
            .put("trade_type", self.trade_type.as_str())
            .opt("product_id", &self.product_id)
            .opt("goods_tag", &self.goods_tag)
            .goods(&self.goods_detail)
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WechatPreOrderResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub appid: Option<String>,
    #[serde(default)]
    pub sub_openid: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    pub token_id: Option<String>,
    /// JSPAY: the parameters that start WeChat Pay in the page.
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    pub pay_info: Option<JsonText<WechatPayInfo>>,
    /// NATIVE: an image of the QR code.
    #[serde(default)]
    pub code_img_url: Option<String>,
    /// NATIVE: the text to put in a QR code.
    #[serde(default)]
    pub code_url: Option<String>,
    /// Supported trade types, `|`-separated.
    #[serde(default)]
    pub services: Option<String>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(default)]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    pub wx_sub_mch_id: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for WechatPreOrderResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- ALIPAY_PreOrder (支付宝预下单)

/// `ALIPAY_PreOrder`: service window (JSPAY) or QR (NATIVE).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlipayPreOrderRequest {
    #[serde(default)]
    pub device_info: Option<String>,
    pub body: String,
    /// Letters and digits only.
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: Money,
    #[serde(default)]
    pub mch_create_ip: Option<String>,
    /// Both or neither with `time_expire` (only together do they take effect).
    #[serde(default)]
    pub time_start: Option<String>,
    #[serde(default)]
    pub time_expire: Option<String>,
    #[serde(default)]
    pub goods_tag: Option<String>,
    #[serde(default)]
    pub notify_url: Option<String>,
    #[serde(default)]
    pub op_user_id: Option<String>,
    #[serde(default)]
    pub op_shop_id: Option<String>,
    #[serde(default)]
    pub limit_pay: Option<String>,
    pub trade_type: TradeType,
    /// The seed makes it required for JSPAY.
    #[serde(default)]
    pub product_id: Option<String>,
    /// For JSPAY, this or `buyer_id`.
    #[serde(default)]
    pub buyer_logon_id: Option<String>,
    #[serde(default)]
    pub buyer_id: Option<Masked>,
}

impl Operation for AlipayPreOrderRequest {
    type Answer = AlipayPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "alipay_pre_order",
        summary: "Alipay pre-order: service window pay_info or NATIVE QR",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        require("body", &self.body)?;
        ALIPAY_ORDER_NO.check("out_trade_no", &self.out_trade_no)?;
        positive("total_fee", self.total_fee)?;
        if self.trade_type == TradeType::Jspay {
            if !given(&self.product_id) {
                return Err(Error::invalid("product_id", "required for trade_type JSPAY"));
            }
            if !given(&self.buyer_logon_id) && !given_masked(&self.buyer_id) {
                return Err(Error::invalid("buyer_id", "buyer_id or buyer_logon_id is required for trade_type JSPAY"));
            }
        }
        timestamp("time_start", &self.time_start)?;
        timestamp("time_expire", &self.time_expire)?;
        if given(&self.time_start) != given(&self.time_expire) {
            return Err(Error::invalid("time_expire", "time_start and time_expire take effect only together"));
        }
        notify_url(&self.notify_url)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.out_trade_no, self.total_fee))
    }
}

impl Call for AlipayPreOrderRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/ALIPAY_PreOrder");
    const READ: Read = Read::Plain;

    fn wallet(&self) -> Option<(&str, PayType)> {
        Some((&self.out_trade_no, PayType::Alipay))
    }

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default()
            .put("nonce_str", nonce())
            .put("mch_id", creds.mch_id.as_str())
            .opt("device_info", &self.device_info)
            .put("body", self.body.as_str())
            .put("out_trade_no", self.out_trade_no.as_str())
            .fen("total_fee", self.total_fee)
            .opt("mch_create_ip", &self.mch_create_ip)
            .opt("time_start", &self.time_start)
            .opt("time_expire", &self.time_expire)
            .opt("goods_tag", &self.goods_tag)
            .opt("notify_url", &self.notify_url)
            .opt("op_user_id", &self.op_user_id)
            .opt("op_shop_id", &self.op_shop_id)
            .opt("limit_pay", &self.limit_pay)
            .put("trade_type", self.trade_type.as_str())
            .opt("product_id", &self.product_id)
            .opt("buyer_logon_id", &self.buyer_logon_id)
            .opt("buyer_id", &self.buyer_id.as_ref().map(|b| b.expose().to_string()))
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlipayPreOrderResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    /// JSPAY: what starts the Alipay wallet.
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    pub pay_info: Option<JsonText<AlipayPayInfo>>,
    /// JSPAY: a reference payment page.
    #[serde(default)]
    pub pay_url: Option<String>,
    #[serde(default)]
    pub code_img_url: Option<String>,
    #[serde(default)]
    pub code_url: Option<String>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for AlipayPreOrderResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- Mch_Reg (注册超赢虚拟商户)

/// `Mch_Reg`: the seed says its fields come from Chaoying's support; they are passed as given.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MchRegRequest {
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

impl Operation for MchRegRequest {
    type Answer = MchRegResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "mch_reg", summary: "Register a Chaoying virtual merchant", effect: Effect::Setup };

    fn validate(&self) -> Result<()> {
        if self.fields.values().all(|v| v.is_empty()) {
            return Err(Error::invalid("fields", "the registration fields are missing"));
        }
        if let Some(k) = self.fields.keys().find(|k| COMMON_FIELDS.contains(&k.as_str()) || k.as_str() == "key") {
            return Err(Error::invalid(k.as_str(), "is set by the client, not by the request"));
        }
        Ok(())
    }
}

impl Call for MchRegRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/UnifiedPay/Mch_Reg");
    const READ: Read = Read::Plain;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        self.fields.iter().fold(Form::default(), |f, (k, v)| f.put(k, v.as_str())).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MchRegResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub nonce_str: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for MchRegResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- GetMchSMSValid (下发获取超赢商户号验证短信)

/// `GetMchSMSValid`: texts a verification code to `mobile`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MchSmsValidRequest {
    pub mobile: String,
}

fn mobile(field: &str, v: &str) -> Result<()> {
    if v.len() != 11 || !v.starts_with('1') || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(field, "must be an 11-digit mainland mobile number"));
    }
    Ok(())
}

impl Operation for MchSmsValidRequest {
    type Answer = MchSmsValidResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_mch_sms_valid",
        summary: "Text a verification code for get_mch_id to a mobile",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        mobile("mobile", &self.mobile)
    }
}

impl Call for MchSmsValidRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Mch/GetMchSMSValid");
    const READ: Read = Read::StateOnly;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        Form::default().put("mobile", self.mobile.as_str()).done()
    }
}

/// Here `code` is not a status code: it is how many minutes the texted code stays valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MchSmsValidResponse {
    #[serde(flatten)]
    pub status: Status,
    /// `code` read as minutes when `state` is SUCCESS.
    #[serde(skip_deserializing)]
    pub valid_minutes: Option<u32>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for MchSmsValidResponse {
    fn status(&self) -> &Status {
        &self.status
    }

    fn complete(&mut self) {
        if self.status.state == CommState::Success {
            self.valid_minutes = self.status.code.as_str().parse().ok();
        }
    }
}

// --- GetMchId (获取超赢商户号)

/// `GetMchId`: by mobile + texted code, or by user name + password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetMchIdRequest {
    #[serde(default)]
    pub mobile: Option<String>,
    /// The texted code.
    #[serde(default)]
    pub valid: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
}

impl Operation for GetMchIdRequest {
    type Answer = GetMchIdResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_mch_id",
        summary: "Get the merchant number by mobile + code or user name + password",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        let by_mobile = given(&self.mobile) || given(&self.valid);
        let has_password = self.password.as_ref().is_some_and(|p| !p.is_empty());
        let by_user = given(&self.username) || has_password;
        if by_mobile {
            if let Some(m) = &self.mobile {
                mobile("mobile", m)?;
            }
            if !given(&self.valid) {
                return Err(Error::invalid("valid", "the texted code is required with mobile"));
            }
            if !given(&self.mobile) {
                return Err(Error::invalid("mobile", "required with valid"));
            }
        } else if by_user {
            if !given(&self.username) {
                return Err(Error::invalid("username", "required with password"));
            }
            if !has_password {
                return Err(Error::invalid("password", "required with username"));
            }
        } else {
            return Err(Error::invalid("mobile", "mobile + valid, or username + password, is required"));
        }
        Ok(())
    }
}

impl Call for GetMchIdRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Mch/GetMchId");
    const READ: Read = Read::Plain;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        Form::default()
            .opt("mobile", &self.mobile)
            .opt("valid", &self.valid)
            .opt("username", &self.username)
            .put("password", self.password.as_ref().map(|p| p.expose()).unwrap_or_default())
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMchIdResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    /// Case-sensitive.
    #[serde(default)]
    pub mch_trade_code: Option<String>,
    #[serde(default)]
    pub mch_full_name: Option<String>,
    #[serde(default)]
    pub mch_short_name: Option<String>,
    #[serde(default)]
    pub mch_state: Option<MchState>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for GetMchIdResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- GetPartnerId (获取超赢商户微信子商户号)

/// `GetPartnerId`; `mch_id` defaults to the configured merchant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetPartnerIdRequest {
    #[serde(default)]
    pub mch_id: Option<String>,
}

impl Operation for GetPartnerIdRequest {
    type Answer = GetPartnerIdResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_partner_id",
        summary: "The merchant's WeChat sub-merchant numbers per channel",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        not_blank("mch_id", &self.mch_id)
    }
}

impl Call for GetPartnerIdRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/GetPartnerId");
    const READ: Read = Read::Plain;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default().put("mch_id", self.mch_id.clone().unwrap_or_else(|| creds.mch_id.clone())).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetPartnerIdResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    pub partner_list: Option<JsonText<Vec<Partner>>>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for GetPartnerIdResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- GetMchInfo (获取超赢商户基础信息)

/// `GetMchInfo`; `mch_id` defaults to the configured merchant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetMchInfoRequest {
    #[serde(default)]
    pub mch_id: Option<String>,
}

impl Operation for GetMchInfoRequest {
    type Answer = GetMchInfoResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "get_mch_info", summary: "The merchant's full and short names", effect: Effect::Read };

    fn validate(&self) -> Result<()> {
        not_blank("mch_id", &self.mch_id)
    }
}

impl Call for GetMchInfoRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/GetMchInfo");
    const READ: Read = Read::Plain;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default().put("mch_id", self.mch_id.clone().unwrap_or_else(|| creds.mch_id.clone())).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMchInfoResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(rename = "FullName", default)]
    pub full_name: Option<String>,
    #[serde(rename = "ShortName", default)]
    pub short_name: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for GetMchInfoResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- WXA_Code2Session (小程序用户code登录)

/// `WXA_Code2Session`: a mini program's login code to the user's openid.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code2SessionRequest {
    pub appid: String,
    pub js_code: String,
}

impl Operation for Code2SessionRequest {
    type Answer = Code2SessionResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "wxa_code2session",
        summary: "Mini program login code to openid and session key",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        require("appid", &self.appid)?;
        require("js_code", &self.js_code)
    }
}

impl Call for Code2SessionRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/WXA_Code2Session");
    const READ: Read = Read::Plain;
    const SIGNED_SUCCESS: bool = false;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        Form::default().put("appid", self.appid.as_str()).put("js_code", self.js_code.as_str()).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Code2SessionResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    pub openid: Option<String>,
    /// The mini program's session key: handle as a secret.
    #[serde(default)]
    pub session_key: Option<String>,
    /// Seconds.
    #[serde(default, deserialize_with = "de::opt_whole")]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub unionid: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl WithStatus for Code2SessionResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// ---------------------------------------------------------------------------------------------

/// Lenient readers for answer values (shared with sunmi in `crate::wire::de`): top-level
/// values arrive as text, nested JSON values as text or numbers; empty and null mean absent.
/// Chaoying reads amounts and numbers exactly (no whitespace trimming).
mod de {
    use serde::Deserializer;

    use super::JsonText;
    pub use crate::wire::de::{opt_fen, opt_string, opt_whole};

    /// A nested JSON string (`promotion_detail`, `refund_list`, ...). Unlike
    /// `crate::wire::de::opt_json`, blank text is kept (as unparsed) and a value that does not
    /// parse is logged under chaoying's target.
    pub fn opt_nested_json<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
        d: D,
    ) -> Result<Option<JsonText<T>>, D::Error> {
        Ok(opt_string(d)?.map(|text| match serde_json::from_str(&text) {
            Ok(v) => JsonText::Parsed(v),
            Err(e) => {
                tracing::warn!(target: "posgate::chaoying", "nested JSON field did not parse: {e}");
                JsonText::Unparsed(text)
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaoying::protocol;

    fn fen(n: i64) -> Money {
        Money::from_fen(n, "t").unwrap()
    }

    fn status(state: &str, code: &str, ts: Option<&str>) -> Status {
        Status {
            state: CommState::parse(state),
            code: Code::parse(code),
            msg: None,
            trade_state: ts.map(TradeStatus::parse),
        }
    }

    fn creds() -> Credentials {
        Credentials::new("00000001", "yunpos", Secret::new("k"))
    }

    #[test]
    fn code_tables() {
        assert_eq!(Code::parse("20006"), Code::SystemError);
        assert_eq!(Code::SystemError.description(), "系统错误");
        assert_eq!(Code::parse("99999"), Code::Other("99999".into()));
        assert_eq!(Code::Other("99999".into()).as_str(), "99999");
        assert_eq!(TradeStatus::parse("NEED_QUERY"), TradeStatus::NeedQuery);
        assert_eq!(CommState::parse("VER"), CommState::Ver);
        assert_eq!(Scene::parse("4"), Scene::Native);
        assert_eq!(PaymentChannel::parse("CEB").description(), "光大");
        assert_eq!(MchState::parse("20"), MchState::Enabled);
        assert_eq!(serde_json::to_string(&Code::Paying).unwrap(), "\"10001\"");
        assert_eq!(serde_json::from_str::<PayType>("\"UNIONPAY\"").unwrap(), PayType::Unionpay);
        assert!(serde_json::from_str::<PayType>("\"WEIXIN\"").is_err());
        assert_eq!(serde_json::from_str::<TradeType>("\"APP_BANK\"").unwrap(), TradeType::AppBank);
        assert_eq!(PayType::from_auth_code("134567890120000"), Some(PayType::Wechat));
        assert_eq!(PayType::from_auth_code("286543210987654321"), Some(PayType::Alipay));
        assert_eq!(PayType::from_auth_code("6212345678901234567"), Some(PayType::Unionpay));
        assert_eq!(PayType::from_auth_code("abc"), None);
    }

    #[test]
    fn pay_mapping() {
        use TradeState::*;
        let v = |s, c, t| status(s, c, t).pay_verdict();
        assert_eq!(v("SUCCESS", "10000", Some("SUCCESS")), Verdict::State(Paid));
        assert_eq!(v("SUCCESS", "10001", Some("PROCESSING")), Verdict::State(Paying));
        assert_eq!(v("SUCCESS", "10000", Some("NEED_QUERY")), Verdict::State(Paying));
        assert_eq!(v("SUCCESS", "10000", Some("USERPAYING")), Verdict::State(Paying));
        assert_eq!(v("FAIL", "20006", None), Verdict::State(Unknown));
        assert_eq!(v("FAIL", "30001", None), Verdict::State(Unknown));
        assert_eq!(v("FAIL", "20003", None), Verdict::State(Unknown));
        assert_eq!(v("FAIL", "29999", None), Verdict::State(Unknown));
        // Success without a trade_state says nothing about the charge.
        assert_eq!(v("SUCCESS", "10000", None), Verdict::State(Unknown));
        assert_eq!(v("SUCCESS", "10006", Some("FAIL")), Verdict::Rejected);
        assert_eq!(v("FAIL", "20004", None), Verdict::Rejected);
        assert_eq!(v("FAIL", "20002", None), Verdict::Rejected);
        assert_eq!(v("VER", "20004", None), Verdict::Rejected);
    }

    #[test]
    fn query_mapping() {
        use TradeState::*;
        let v = |s, c, t| status(s, c, t).query_verdict();
        assert_eq!(v("SUCCESS", "10000", Some("SUCCESS")), Verdict::State(Paid));
        assert_eq!(v("SUCCESS", "10002", Some("REFUND")), Verdict::State(Refunded));
        assert_eq!(v("SUCCESS", "10000", Some("REFUND")), Verdict::State(Refunded));
        assert_eq!(v("SUCCESS", "10003", Some("NOTPAY")), Verdict::State(Paying));
        assert_eq!(v("SUCCESS", "10001", Some("USERPAYING")), Verdict::State(Paying));
        assert_eq!(v("SUCCESS", "10004", Some("CLOSED")), Verdict::State(Closed));
        assert_eq!(v("SUCCESS", "10004", Some("FAIL")), Verdict::State(Closed));
        assert_eq!(v("SUCCESS", "10000", Some("CLOSED")), Verdict::State(Closed));
        assert_eq!(v("SUCCESS", "10005", Some("FAIL")), Verdict::State(Reversed));
        assert_eq!(v("SUCCESS", "10000", Some("REVOKED")), Verdict::State(Reversed));
        assert_eq!(v("SUCCESS", "10006", Some("FAIL")), Verdict::State(Failed));
        assert_eq!(v("SUCCESS", "10000", Some("PAYERROR")), Verdict::State(Failed));
        assert_eq!(v("SUCCESS", "10000", Some("SOMETHING_NEW")), Verdict::State(Unknown));
        assert_eq!(v("FAIL", "20009", None), Verdict::State(Unknown));
        assert_eq!(v("FAIL", "20006", None), Verdict::State(Unknown));
        assert_eq!(v("FAIL", "20007", None), Verdict::Rejected);
        assert_eq!(v("FAIL", "20005", None), Verdict::Rejected);
    }

    #[test]
    fn cancel_and_refund_mapping() {
        assert_eq!(status("SUCCESS", "10000", Some("SUCCESS")).cancel_verdict(), Verdict::State(TradeState::Reversed));
        assert_eq!(status("FAIL", "20011", None).cancel_verdict(), Verdict::Rejected);
        assert_eq!(status("FAIL", "20006", None).cancel_verdict(), Verdict::State(TradeState::Unknown));
        assert_eq!(status("SUCCESS", "10000", Some("SUCCESS")).refund_verdict(), Some(RefundState::Success));
        assert_eq!(status("FAIL", "20008", None).refund_verdict(), None);
        assert_eq!(status("FAIL", "30001", None).refund_verdict(), Some(RefundState::Unknown));
        assert_eq!(status("SUCCESS", "10000", Some("PROCESSING")).refund_verdict(), Some(RefundState::Processing));
        assert_eq!(RefundStatus::parse("NOTSURE").refund_state(), RefundState::Unknown);
        assert_eq!(RefundStatus::parse("CHANGE").refund_state(), RefundState::Failed);
        assert_eq!(RefundStatus::parse("PROCESSING").refund_state(), RefundState::Processing);
        let e = status("FAIL", "20008", None).rejection();
        assert_eq!(e, Error::rejected("20008", "退款错误"));
        let mut s = status("VER", "20004", None);
        assert_eq!(s.rejection(), Error::rejected("VER", "版本过低"));
        s.msg = Some("请升级".into());
        assert_eq!(s.rejection(), Error::rejected("VER", "请升级"));
    }

    fn answer<T: WithStatus>(json: &str) -> T {
        decode(&protocol::parse_answer(json).unwrap()).unwrap()
    }

    /// The seed's pay answer example ("刷卡支付-提交支付 响应结果示例").
    const PAY_ANSWER: &str = r#"{
      "state": "SUCCESS", "code": "10000", "trade_state": "SUCCESS", "msg": "SUCCESS",
      "mch_id": "00000001", "appid": "wx1f87d44db95cba7a", "is_subscribe": "N",
      "openid": "oywgtuCJFeGzT-QtF-8U7FHb1z3Q", "sub_appid": "wxce38685bc050ef82", "sub_is_subscribe": "N",
      "sub_openid": "oHmbktxFlpoEPo2015G0JniV2q-A", "transaction_id": "7551000001201706196281085687",
      "out_transaction_id": "4005572001201706196460269701", "out_trade_no": "1497862554883",
      "base_fee": "1", "total_fee": "1", "fee_type": "CNY", "bank_type": "CFT", "time_end": "20170619165616",
      "nonce_str": "a849df6660cb4354b6fe5b23120a73ce",
      "promotion_detail": "{\n\"promotion_detail\": [{\n\"promotion_id\": \"6348962444\", \"name\": \"维他减2分\", \"scope\": \"SINGLE\", \"type\": \"DISCOUNT\", \"amount\": 2, \"activity_id\": \"9447213\", \"wxpay_contribute\": 0, \"merchant_contribute\": 2, \"other_contribute\": 0, \"goods_detail\": [{\n\"goods_id\": \"CY0000000000\", \"quantity\": 1, \"price\": 2, \"discount_amount\": 1, \"goods_remark\": \"单品券活动No.002\"}, {\n\"goods_id\": \"CY0000000001\", \"quantity\": 1, \"price\": 2, \"discount_amount\": 1, \"goods_remark\": \"单品券活动No.002\"}]}]}",
      "wx_mch_id": "1264300000", "wx_sub_mch_id": "1266500000",
      "sign": "00000000000000000000000000000000"
    }"#;

    #[test]
    fn pay_answer_of_the_seed() {
        let r: TradeResponse = answer(PAY_ANSWER);
        assert_eq!(r.status.pay_verdict(), Verdict::State(TradeState::Paid));
        assert_eq!(r.base_fee, Some(fen(1)));
        assert_eq!(r.total_fee, Some(fen(1)));
        assert_eq!(r.transaction_id.as_deref(), Some("7551000001201706196281085687"));
        let p = r.promotion_detail.as_ref().and_then(JsonText::parsed).unwrap();
        assert_eq!(p.promotion_detail.len(), 1);
        let promo = &p.promotion_detail[0];
        assert_eq!(promo.promotion_id.as_deref(), Some("6348962444"));
        assert_eq!(promo.kind.as_deref(), Some("DISCOUNT"));
        assert_eq!(promo.amount, Some(fen(2)));
        assert_eq!(promo.merchant_contribute, Some(fen(2)));
        assert_eq!(promo.goods_detail.len(), 2);
        assert_eq!(promo.goods_detail[1].goods_id.as_deref(), Some("CY0000000001"));
        assert_eq!(promo.goods_detail[1].discount_amount, Some(fen(1)));
        assert_eq!(promo.goods_detail[1].goods_remark.as_deref(), Some("单品券活动No.002"));
        assert!(r.extra.is_empty(), "{:?}", r.extra);
        // The typed answer serializes for `invoke` with amounts in fen.
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["base_fee"], 1);
        assert_eq!(json["code"], "10000");
        assert_eq!(json["promotion_detail"]["promotion_detail"][0]["amount"], 2);
    }

    #[test]
    fn unknown_fields_are_kept_and_garbled_nested_json_too() {
        let r: TradeResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","trade_state":"SUCCESS","new_field":"x","promotion_detail":"{oops"}"#,
        );
        assert_eq!(r.extra.get("new_field").map(String::as_str), Some("x"));
        assert_eq!(r.promotion_detail, Some(JsonText::Unparsed("{oops".into())));
        let bad: std::result::Result<TradeResponse, _> =
            decode(&protocol::parse_answer(r#"{"state":"SUCCESS","code":"10000","total_fee":"1.00"}"#).unwrap());
        assert!(matches!(bad, Err(super::super::Error::Malformed(_))));
        let missing: std::result::Result<TradeResponse, _> =
            decode(&protocol::parse_answer(r#"{"msg":"no state"}"#).unwrap());
        assert!(missing.is_err());
    }

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
    fn partner_list_and_pay_info_of_the_seed() {
        // The seed's partner_list lost its backslashes in conversion; here they are restored.
        let r: GetPartnerIdResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","mch_id":"00000001",
            "partner_list":"[{\"pay_channel\": \"CEB\", \"partner_id\": \"257012345\", \"appid\": \"wx2a8d87e234100000\"}, {\"pay_channel\": \"CCB\", \"partner_id\": \"257012346\", \"appid\": \"wx2a8d87e234100000\"}]",
            "sign":"0"}"#,
        );
        let list = r.partner_list.as_ref().and_then(JsonText::parsed).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].pay_channel, PaymentChannel::Ceb);
        assert_eq!(list[0].partner_id.as_deref(), Some("257012345"));
        // CCB is not in the seed's channel table: kept as received.
        assert_eq!(list[1].pay_channel, PaymentChannel::Other("CCB".into()));

        let r: WechatPreOrderResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","trade_state":"SUCCESS","msg":"SUCCESS","mch_id":"3338102513618944",
            "out_trade_no":"1497769914931","token_id":"16c5f40274e084b123a08f1313d53da57",
            "pay_info":"{\"appId\":\"wxc3d2e734ae326831\",\"timeStamp\":\"1511947589427\",\"status\":\"0\",\"signType\":\"MD5\",\"package\":\"prepay_id=wx2017112917262941a3a33e980001282756\",\"callback_url\":\"\",\"nonceStr\":\"1511947589427\",\"paySign\":\"CD871BCD09B3D0C6339B2D0DE72DE7EE\"}",
            "wx_mch_id":"1264300000","wx_sub_mch_id":"1266500000","nonce_str":"00000000000000000000000000000000"}"#,
        );
        let info = r.pay_info.as_ref().and_then(JsonText::parsed).unwrap();
        assert_eq!(info.app_id.as_deref(), Some("wxc3d2e734ae326831"));
        assert_eq!(info.package.as_deref(), Some("prepay_id=wx2017112917262941a3a33e980001282756"));
        assert_eq!(info.pay_sign.as_deref(), Some("CD871BCD09B3D0C6339B2D0DE72DE7EE"));
        assert_eq!(info.callback_url, None);
        assert_eq!(r.token_id.as_deref(), Some("16c5f40274e084b123a08f1313d53da57"));

        let r: AlipayPreOrderResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","trade_state":"SUCCESS","out_trade_no":"1497769914931",
            "pay_info":"{\"tradeNO\":\"2018041721001004870537670226\"}","pay_url":"https://example.com/pay"}"#,
        );
        let info = r.pay_info.as_ref().and_then(JsonText::parsed).unwrap();
        assert_eq!(info.trade_no.as_deref(), Some("2018041721001004870537670226"));
    }

    #[test]
    fn merchant_answers_of_the_seed() {
        let r: MchSmsValidResponse = answer(r#"{"state":"SUCCESS","code":"20","msg":"短信验证码已发送","sign":"0"}"#);
        assert_eq!(r.valid_minutes, Some(20));
        let r: GetMchIdResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","mch_id":"f0000000000000001",
            "mch_trade_code":"f6742168cc","mch_full_name":"广州市超赢信息科技有限公司","mch_short_name":"超赢科技",
            "mch_state":"20","sign":"0"}"#,
        );
        assert_eq!(r.mch_state, Some(MchState::Enabled));
        assert_eq!(r.mch_trade_code.as_deref(), Some("f6742168cc"));
        let r: GetMchInfoResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","mch_id":"00000001","FullName":"测试商户全称",
            "ShortName":"测试商户简称","sign":"0"}"#,
        );
        assert_eq!(r.full_name.as_deref(), Some("测试商户全称"));
        assert_eq!(serde_json::to_value(&r).unwrap()["ShortName"], "测试商户简称");
        let r: Code2SessionResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","openid":"oDY_z00gEhAdLJ8cLTVd8nGCj-_M",
            "session_key":"+rL9Uq02dbP85itL0dz94w==","expires_in":7200}"#,
        );
        assert_eq!(r.expires_in, Some(7200));
        let r: FaceAuthResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","appid":"wx1","sub_appid":"wx2","channel_mch_id":"1","sub_mch_id":"2",
            "authinfo":"abc","expires_in":3600,"store_hint":"x"}"#,
        );
        assert_eq!(r.authinfo.as_deref(), Some("abc"));
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(r.extra.get("store_hint").map(String::as_str), Some("x"));
    }

    fn pay_request() -> BarcodePayRequest {
        BarcodePayRequest {
            out_trade_no: "1497769914931".into(),
            total_fee: fen(4),
            auth_code: "134567890120000".into(),
            body: "超赢支付".into(),
            goods_tag: Some("CY_PROMOTION_001".into()),
            goods_detail: vec![
                GoodsDetail {
                    goods_id: "CY000000".into(),
                    pay_goods_id: None,
                    goods_name: Some("促销单品-CY000000000000".into()),
                    quantity: 1,
                    price: fen(2),
                },
                GoodsDetail {
                    goods_id: "CY000001".into(),
                    pay_goods_id: None,
                    goods_name: Some("促销单品-CY000000000001".into()),
                    quantity: 1,
                    price: fen(2),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn pay_fields_follow_the_seed_example() {
        let f = pay_request().fields(&creds());
        assert_eq!(f["total_fee"], "4");
        assert_eq!(f["mch_id"], "00000001");
        assert_eq!(
            f["goods_detail"],
            r#"[{"goods_id":"CY000000","goods_name":"促销单品-CY000000000000","quantity":1,"price":2},{"goods_id":"CY000001","goods_name":"促销单品-CY000000000001","quantity":1,"price":2}]"#
        );
        assert!(!f.contains_key("attach"));
        // Canonical of the seed's pay example (its goods_detail, minus the stray bracket).
        let mut all = f.clone();
        all.insert("method".into(), "pay".into());
        all.insert("agent_id".into(), "13000000000000000".into());
        all.insert("version".into(), "1.0".into());
        all.insert("pid".into(), "yunpos".into());
        assert!(protocol::canonical(&all, "K").starts_with(
            "agent_id=13000000000000000&auth_code=134567890120000&body=超赢支付&goods_detail=[{\"goods_id\""
        ));
    }

    #[test]
    fn invoke_params_deserialize_with_fen() {
        let r: BarcodePayRequest = serde_json::from_value(serde_json::json!({
            "out_trade_no": "PG0001", "total_fee": 158, "auth_code": "134567890120000", "body": "x",
            "goods_detail": [{"goods_id": "G1", "quantity": 2, "price": 79}]
        }))
        .unwrap();
        assert_eq!(r.total_fee, fen(158));
        assert_eq!(r.goods_detail[0].price, fen(79));
        assert!(serde_json::from_value::<BarcodePayRequest>(serde_json::json!({
            "out_trade_no": "PG0001", "total_fee": -1, "auth_code": "1", "body": "x"
        }))
        .is_err());
        assert!(serde_json::from_value::<BarcodePayRequest>(serde_json::json!({
            "out_trade_no": "PG0001", "total_fee": 1, "auth_code": "1", "body": "x", "typo": 1
        }))
        .is_err());
        let reg: MchRegRequest = serde_json::from_value(serde_json::json!({"key1": "aaa", "key2": "bbb"})).unwrap();
        assert_eq!(reg.fields(&creds()).len(), 2);
    }

    fn field_of(r: Result<()>) -> String {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn validation_names_the_field() {
        assert!(pay_request().validate().is_ok());
        let bad = |f: fn(&mut BarcodePayRequest)| {
            let mut r = pay_request();
            f(&mut r);
            field_of(r.validate())
        };
        assert_eq!(bad(|r| r.out_trade_no = "1234".into()), "out_trade_no");
        assert_eq!(bad(|r| r.out_trade_no = "a".repeat(33)), "out_trade_no");
        assert_eq!(bad(|r| r.out_trade_no = "PG-0001".into()), "out_trade_no");
        assert_eq!(bad(|r| r.total_fee = Money::ZERO), "total_fee");
        assert_eq!(bad(|r| r.auth_code = Masked::default()), "auth_code");
        assert_eq!(bad(|r| r.auth_code = "1345 678".into()), "auth_code");
        assert_eq!(bad(|r| r.body = " ".into()), "body");
        assert_eq!(bad(|r| r.goods_detail[1].goods_id = "商品".into()), "goods_detail[1].goods_id");
        assert_eq!(bad(|r| r.goods_detail[0].quantity = 0), "goods_detail[0].quantity");

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

        let wx = WechatPreOrderRequest {
            sub_appid: None,
            is_minipg: None,
            buyer_id: None,
            device_info: None,
            body: "x".into(),
            out_trade_no: "1497769914931".into(),
            total_fee: fen(1),
            mch_create_ip: None,
            time_start: None,
            time_expire: None,
            notify_url: Some("http://example.com/notify".into()),
            op_user_id: None,
            op_shop_id: None,
            limit_pay: None,
            trade_type: TradeType::Jspay,
            product_id: None,
            goods_tag: None,
            goods_detail: vec![],
        };
        assert_eq!(field_of(wx.validate()), "sub_appid");
        let mut w = wx.clone();
        w.sub_appid = Some("wxaee08d155d9de0c5".into());
        assert_eq!(field_of(w.validate()), "buyer_id");
        w.buyer_id = Some("oRA5quGvJc1wwwjMW-tnpLLqD-FM".into());
        assert!(w.validate().is_ok());
        w.notify_url = Some("http://example.com/notify?a=1".into());
        assert_eq!(field_of(w.validate()), "notify_url");
        let mut w = wx.clone();
        w.trade_type = TradeType::Native;
        assert_eq!(field_of(w.validate()), "product_id");
        w.product_id = Some("1223541321407035645".into());
        w.time_start = Some("2009-12-25".into());
        assert_eq!(field_of(w.validate()), "time_start");

        let ali = AlipayPreOrderRequest {
            device_info: None,
            body: "x".into(),
            out_trade_no: "PG_0001".into(),
            total_fee: fen(1),
            mch_create_ip: None,
            time_start: Some("20091225091010".into()),
            time_expire: None,
            goods_tag: None,
            notify_url: None,
            op_user_id: None,
            op_shop_id: None,
            limit_pay: None,
            trade_type: TradeType::Native,
            product_id: None,
            buyer_logon_id: None,
            buyer_id: None,
        };
        // ALIPAY_PreOrder order numbers take no underscore.
        assert_eq!(field_of(ali.validate()), "out_trade_no");
        let mut a = ali.clone();
        a.out_trade_no = "PG0001".into();
        assert_eq!(field_of(a.validate()), "time_expire");

        assert_eq!(field_of(MchSmsValidRequest { mobile: "2380000000".into() }.validate()), "mobile");
        assert_eq!(field_of(GetMchIdRequest::default().validate()), "mobile");
        let by_user = GetMchIdRequest { username: Some("u".into()), ..Default::default() };
        assert_eq!(field_of(by_user.validate()), "password");
        let by_mobile = GetMchIdRequest { mobile: Some("13800000000".into()), ..Default::default() };
        assert_eq!(field_of(by_mobile.validate()), "valid");
        assert_eq!(field_of(MchRegRequest::default().validate()), "fields");
        let reg = MchRegRequest { fields: [("pid".to_string(), "x".to_string())].into() };
        assert_eq!(field_of(reg.validate()), "pid");
        let c2s = Code2SessionRequest { appid: "wx4da448cd29920000".into(), js_code: String::new() };
        assert_eq!(field_of(c2s.validate()), "js_code");
    }

    #[test]
    fn password_is_not_printed() {
        let r = GetMchIdRequest {
            username: Some("u".into()),
            password: Some(Secret::new("12345678")),
            ..Default::default()
        };
        assert!(!format!("{r:?}").contains("12345678"));
        assert_eq!(r.fields(&creds())["password"], "12345678");
    }
}
