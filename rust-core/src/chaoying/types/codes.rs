//! The seed's code tables ("参数规定"), the wallets and trade types, the status every answer
//! carries and how it maps onto [`TradeState`] / [`RefundState`], and how each operation reads it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rules::CodeWallet;
use crate::trade::{RefundState, TradeState};
use crate::wire::code_table;

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
    #[cfg_attr(feature = "uniffi", uniffi(name = "ChaoyingTradeStatus"))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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

    /// The wallets whose payment codes barcode pay takes: every paytype's.
    pub const CODE_WALLETS: [CodeWallet; 6] = CodeWallet::ALL;

    /// The wallet a payment code belongs to, by the wallets' published formats
    /// ([`crate::rules`]). Barcode pay takes no paytype, but query, refund and cancel need one.
    pub fn from_auth_code(code: &str) -> Option<PayType> {
        Some(match crate::rules::wallet_of_code(code)? {
            CodeWallet::Wechat => PayType::Wechat,
            CodeWallet::Alipay => PayType::Alipay,
            CodeWallet::Unionpay => PayType::Unionpay,
            CodeWallet::Qq => PayType::Qq,
            CodeWallet::Jd => PayType::Jdpay,
            CodeWallet::Bestpay => PayType::Bestpay,
        })
    }
}

impl fmt::Display for PayType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `trade_type` of the pre-orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Status {
    pub state: CommState,
    pub code: Code,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msg: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: &str, code: &str, ts: Option<&str>) -> Status {
        Status {
            state: CommState::parse(state),
            code: Code::parse(code),
            msg: None,
            trade_state: ts.map(TradeStatus::parse),
        }
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
        assert_eq!(PayType::from_auth_code("134567890123450000"), Some(PayType::Wechat));
        assert_eq!(PayType::from_auth_code("286543210987654321"), Some(PayType::Alipay));
        assert_eq!(PayType::from_auth_code("6212345678901234567"), Some(PayType::Unionpay));
        assert_eq!(PayType::from_auth_code("914567890123450000"), Some(PayType::Qq));
        assert_eq!(PayType::from_auth_code("184567890123450000"), Some(PayType::Jdpay));
        assert_eq!(PayType::from_auth_code("514567890123450000"), Some(PayType::Bestpay));
        assert_eq!(PayType::from_auth_code("134567890120000"), None, "15 digits: no wallet's");
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
}
