//! Scan code's shared vocabulary (digest §6): the number and text rules every request checks,
//! the `STATUS` / `ERR_CODE` / `TRADETYPE` tables, the three answers every scan-code operation
//! reads into, and their mapping onto [`TradeState`] / [`RefundState`]. Everything here is
//! non-generic: the operations differ only by their Body (the library's size).

use serde::{Deserialize, Serialize};

use serde_json::Value;

use super::call::{Body, Fields};
use crate::error::{Error, Result};
use crate::ids::{require, NumberRule};
use crate::money::Money;
use crate::rules::CodeWallet;
use crate::trade::{RefundState, TradeResult, TradeState};
use crate::wire::code_table;

/// `MERORDERID`, `ORDERNO`, `REFUND_MERORDERID`, `REFUND_ORDERNO`: string(20), letters and
/// digits (the seed says only "必须唯一"; every example is alphanumeric).
pub const SCAN_NUMBER: NumberRule = NumberRule::new(1, 20, "");

/// `GOODSNAME`: "长度限制 1~15个字符串" (characters, not bytes: the examples are Chinese).
pub const GOODS_NAME_MAX: usize = 15;

/// `ERR_CODE` "用户支付中": the payer is still confirming (digest §8).
pub const PAYING: &str = "AA";

/// `ERR_CODE` "订单已关闭" (the table's reading; digest A17).
pub const CLOSED: &str = "D4";

/// The refusal code the platform's negative answer carries for "没有该订单" (digest §8).
pub const ORDER_NOT_FOUND: &str = "-2002";

code_table! {
    /// Body `STATUS` of scan-code answers. One table for every operation; what 1 and 2 mean is
    /// the operation's (created / paid / cancelled / closed / refund accepted; and their
    /// failure), 3 is "paying" (micropay, query).
    MmspStatus: trimmed text {
        Success = "1" => "成功",
        Failed = "2" => "失败",
        Paying = "3" => "支付中",
    }
}

code_table! {
    /// `TRADETYPE` of the query answer and the push: the payer's wallet. Not the request's
    /// `TRADETYPE` (QR or in-app; [`MmspOrderMode`]), digest A31.
    MmspWallet: trimmed text {
        Wechat = "1" => "微信",
        Alipay = "2" => "支付宝",
        Qq = "3" => "QQ钱包",
    }
}

/// The request's `TRADETYPE` of a pre-order: the payer scans a code (正扫) or pays inside the
/// wallet (公众号 / 服务窗, WeChat's mini program with `IS_MINIPG`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum MmspOrderMode {
    /// `1` 正扫: answered with the `URL` to show as a QR code.
    #[default]
    Qr,
    /// `2` 公众号 / 服务窗: answered with `PAY_INFO` for the wallet's in-app pay call.
    InApp,
}

impl MmspOrderMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MmspOrderMode::Qr => "1",
            MmspOrderMode::InApp => "2",
        }
    }
}

/// The wallets with a micropay: WeChat, Alipay and QQ Wallet.
pub const MICROPAY_WALLETS: [CodeWallet; 3] = [CodeWallet::Wechat, CodeWallet::Alipay, CodeWallet::Qq];

/// The micropay wallet a payment code belongs to, by the wallets' formats ([`crate::rules`]:
/// WeChat 10-15 and 18 digits, Alipay 25-30 and 16-24 digits, QQ 91 and 18 digits). `None`: no
/// wallet with a micropay issues such a code (the platform refuses it too).
pub fn wallet_of_code(code: &str) -> Option<MmspWallet> {
    match crate::rules::wallet_of_code(code)? {
        CodeWallet::Wechat => Some(MmspWallet::Wechat),
        CodeWallet::Alipay => Some(MmspWallet::Alipay),
        CodeWallet::Qq => Some(MmspWallet::Qq),
        _ => None,
    }
}

/// Checks a payer's code is one `wallet` issues (any micropay wallet when `None`), naming
/// `field`.
pub fn check_code(field: &str, code: &str, wallet: Option<&MmspWallet>) -> Result<MmspWallet> {
    let takes: &[CodeWallet] = match wallet {
        None => &MICROPAY_WALLETS,
        Some(MmspWallet::Wechat) => &[CodeWallet::Wechat],
        Some(MmspWallet::Alipay) => &[CodeWallet::Alipay],
        Some(MmspWallet::Qq) => &[CodeWallet::Qq],
        Some(MmspWallet::Other(_)) => &[],
    };
    crate::rules::payment_code(field, code, takes)?;
    wallet_of_code(code).ok_or_else(|| Error::invalid(field, "no micropay for this wallet"))
}

/// The checks every pay request shares: the order number, a positive amount, `GOODSNAME`
/// 1-15 characters, the notify URL (required where the seed says 必须), the expiry's format and
/// the payer's IP.
pub fn check_pay(
    mer_order_id: &str,
    amount: Money,
    goods_name: &str,
    notify_url: Option<&str>,
    notify_required: bool,
    time_end: Option<&str>,
    ip: Option<&str>,
) -> Result<()> {
    SCAN_NUMBER.check("mer_order_id", mer_order_id)?;
    crate::rules::amount(crate::trade::GatewayId::Mmsp, "amount", amount)?;
    require("goods_name", goods_name)?;
    if goods_name.chars().count() > GOODS_NAME_MAX {
        return Err(Error::invalid("goods_name", format!("at most {GOODS_NAME_MAX} characters")));
    }
    match notify_url {
        Some(u) => check_url("notify_url", u)?,
        None if notify_required => return Err(Error::invalid("notify_url", "must not be empty")),
        None => {}
    }
    if let Some(t) = time_end {
        check_time("time_end", t)?;
    }
    if let Some(ip) = ip {
        if ip.parse::<std::net::IpAddr>().is_err() || ip.len() > 18 {
            return Err(Error::invalid("ip", "an IPv4 address (string(18))"));
        }
    }
    Ok(())
}

/// An http(s) URL, as the platform calls or redirects to it.
pub fn check_url(field: &str, value: &str) -> Result<()> {
    require(field, value)?;
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        _ => Err(Error::invalid(field, "an http or https URL")),
    }
}

/// `TIME_END`: "yyyy-mm-dd hh24:mi:ss".
pub fn check_time(field: &str, value: &str) -> Result<()> {
    let ok = value.len() == 19
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(field, "yyyy-mm-dd hh:mm:ss"))
    }
}

/// An optional value that, when given, is not blank.
pub fn not_blank(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.trim().is_empty() => Err(Error::invalid(field, "must not be empty when given")),
        _ => Ok(()),
    }
}

/// The Body fields every pay request shares. `CUR` is always `CNY` ("默认人民币，上送CNY"; the
/// micropays and H5 require it).
pub fn pay_body(
    mer_order_id: &str,
    amount: Money,
    goods_name: &str,
    notify_url: Option<&str>,
    time_end: Option<&str>,
    ip: Option<&str>,
) -> Body {
    Body::default()
        .put("MERORDERID", mer_order_id)
        .fen("AMT", amount)
        .put("CUR", "CNY")
        .put("GOODSNAME", goods_name)
        .opt("NOTIFY_URL", notify_url)
        .opt("TIME_END", time_end)
        .opt("IP", ip)
}

/// The optional switches of the pre-orders and micropays, sent only when set (each has the
/// platform's default otherwise): `IS_RAW` 1 (the upstream's own answer), `IST0` 2 (T0
/// settlement; the demo's spelling of the seed's `ISTO`, digest A29: confirm with the operator),
/// `LIMIT_PAY` 1 (no credit cards).
pub fn switches(body: Body, raw: bool, t0: bool, no_credit: bool) -> Body {
    let flag = |on: bool, v: &'static str| on.then_some(v);
    body.opt("IS_RAW", flag(raw, "1")).opt("IST0", flag(t0, "2")).opt("LIMIT_PAY", flag(no_credit, "1"))
}

/// An answer about another order than the one asked about is not trusted: the outcome of what
/// was sent is unknown.
pub fn same_number(field: &str, asked: &str, answered: Option<&str>) -> Result<()> {
    match answered {
        Some(a) if a != asked => Err(Error::Network {
            message: format!("mmsp: the answer is about {field} {a}, not {asked}"),
            outcome_unknown: true,
        }),
        _ => Ok(()),
    }
}

/// Answer of the pre-orders (2306, 2308, 2325, 1025, 1026, 1027, 1031) and of H5 (2321, 1030):
/// `STATUS` 1 means the order was created, not paid (wait for the push, or query).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspPreOrderResponse {
    /// `ORDERNO`: the platform's order number.
    #[serde(rename = "ORDERNO", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_order_no: Option<String>,
    /// `MERORDERID`.
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    #[serde(rename = "STATUS")]
    pub status: MmspStatus,
    /// `URL`: the address to show as a QR code (正扫), or that wakes the wallet (H5; WeChat's
    /// must be opened outside WeChat).
    #[serde(rename = "URL", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url: Option<String>,
    /// `PAY_INFO`: the in-app order's own data (JSON text) for the wallet's pay call.
    #[serde(rename = "PAY_INFO", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_info: Option<String>,
    /// `TRADETYPE` as echoed (the request's mode).
    #[serde(rename = "TRADETYPE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_type: Option<String>,
    /// `TRADETIME`: "YYYY-MM-DD 24H:i:s", as received.
    #[serde(rename = "TRADETIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_time: Option<String>,
    #[serde(rename = "ERR_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERR_CODE_MSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code_msg: Option<String>,
    /// Fields the seed does not list, as received.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// Answer of the micropays (2307, 2309, 776), the query (2310), cancel (2311) and close (2314):
/// the order as it stands. The micropays carry no `AMT`, `PAYTIME` or `TRADETYPE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspScanOrderResponse {
    /// `ORDERNO`: the platform's order number.
    #[serde(rename = "ORDERNO", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_order_no: Option<String>,
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    /// `STATUS`: 1 paid (cancel: cancelled; close: closed), 2 failed, 3 paying (`ERR_CODE` AA).
    #[serde(rename = "STATUS")]
    pub status: MmspStatus,
    /// `AMT`, fen.
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    /// `TRADETYPE`: the payer's wallet (1 WeChat, 2 Alipay, 3 QQ).
    #[serde(rename = "TRADETYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wallet: Option<MmspWallet>,
    #[serde(rename = "TRADETIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_time: Option<String>,
    #[serde(rename = "PAYTIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_time: Option<String>,
    #[serde(rename = "ERR_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERR_CODE_MSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code_msg: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl MmspScanOrderResponse {
    /// Where the payment stands by this answer (a query's or a micropay's).
    pub fn trade_state(&self) -> TradeState {
        trade_state(&self.status, self.err_code.as_deref())
    }

    /// The answer in the common vocabulary; `amount` when the answer names none.
    pub fn trade_result(&self, order_no: &str, amount: Option<Money>) -> TradeResult {
        let mut r = TradeResult::new(order_no, self.trade_state());
        r.amount = self.amount.or(amount);
        r.gateway_trade_no = self.platform_order_no.clone();
        r.channel = self.wallet.as_ref().map(|w| w.description().to_string()).filter(|c| !c.is_empty());
        r.gateway_code = Some(self.err_code.clone().unwrap_or_else(|| format!("STATUS_{}", self.status)));
        r.message = self.err_code_msg.clone();
        r
    }
}

/// `STATUS` (and `ERR_CODE`) of a micropay or query as a payment state (digest §8): 1 paid;
/// 3, or `AA` whatever the status, paying; 2 failed, or closed with `D4`; anything else unknown.
pub fn trade_state(status: &MmspStatus, err_code: Option<&str>) -> TradeState {
    let err = err_code.map(str::trim);
    match status {
        MmspStatus::Success => TradeState::Paid,
        _ if err == Some(PAYING) => TradeState::Paying,
        MmspStatus::Paying => TradeState::Paying,
        MmspStatus::Failed if err == Some(CLOSED) => TradeState::Closed,
        MmspStatus::Failed => TradeState::Failed,
        MmspStatus::Other(_) => TradeState::Unknown,
    }
}

/// Answer of the refund (2312) and the refund query (2313). `STATUS` 1 "受理成功" is the only
/// success the platform has: no later "refunded" state exists (digest §6.3), so it is the
/// refund's success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspScanRefundResponse {
    /// `REFUND_ORDERNO`: the platform's refund number.
    #[serde(rename = "REFUND_ORDERNO", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_refund_no: Option<String>,
    /// `REFUND_MERORDERID`: the merchant's refund number.
    #[serde(rename = "REFUND_MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_no: Option<String>,
    /// `STATUS`: 1 accepted, 2 refund failed.
    #[serde(rename = "STATUS")]
    pub status: MmspStatus,
    /// `AMT`: the refunded amount, fen.
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    /// `REFUND_TIME`: when the refund was applied for.
    #[serde(rename = "REFUND_TIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_time: Option<String>,
    #[serde(rename = "ERR_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERR_CODE_MSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code_msg: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl MmspPreOrderResponse {
    /// The Body read field by field (see [`Fields`]).
    pub fn from_body(body: Value) -> std::result::Result<Self, String> {
        let mut f = Fields::of(body)?;
        Ok(MmspPreOrderResponse {
            platform_order_no: f.text("ORDERNO"),
            mer_order_id: f.text("MERORDERID"),
            status: MmspStatus::parse(&f.required("STATUS")?),
            url: f.text("URL"),
            pay_info: f.text("PAY_INFO"),
            trade_type: f.text("TRADETYPE"),
            trade_time: f.text("TRADETIME"),
            err_code: f.text("ERR_CODE"),
            err_code_msg: f.text("ERR_CODE_MSG"),
            extra: f.rest(),
        })
    }
}

impl MmspScanOrderResponse {
    /// The Body read field by field (see [`Fields`]).
    pub fn from_body(body: Value) -> std::result::Result<Self, String> {
        let mut f = Fields::of(body)?;
        Ok(MmspScanOrderResponse {
            platform_order_no: f.text("ORDERNO"),
            mer_order_id: f.text("MERORDERID"),
            status: MmspStatus::parse(&f.required("STATUS")?),
            amount: f.fen("AMT")?,
            wallet: f.text("TRADETYPE").map(|w| MmspWallet::parse(&w)),
            trade_time: f.text("TRADETIME"),
            pay_time: f.text("PAYTIME"),
            err_code: f.text("ERR_CODE"),
            err_code_msg: f.text("ERR_CODE_MSG"),
            extra: f.rest(),
        })
    }
}

impl MmspScanRefundResponse {
    /// The Body read field by field (see [`Fields`]).
    pub fn from_body(body: Value) -> std::result::Result<Self, String> {
        let mut f = Fields::of(body)?;
        Ok(MmspScanRefundResponse {
            platform_refund_no: f.text("REFUND_ORDERNO"),
            refund_no: f.text("REFUND_MERORDERID"),
            status: MmspStatus::parse(&f.required("STATUS")?),
            amount: f.fen("AMT")?,
            refund_time: f.text("REFUND_TIME"),
            err_code: f.text("ERR_CODE"),
            err_code_msg: f.text("ERR_CODE_MSG"),
            extra: f.rest(),
        })
    }

    /// 1 success (accepted: the platform's only success), 2 failed, else unknown.
    pub fn refund_state(&self) -> RefundState {
        match self.status {
            MmspStatus::Success => RefundState::Success,
            MmspStatus::Failed => RefundState::Failed,
            _ => RefundState::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallets_by_prefix() {
        assert_eq!(wallet_of_code("134567890123450000"), Some(MmspWallet::Wechat));
        assert_eq!(wallet_of_code("2845678901234567"), Some(MmspWallet::Alipay));
        assert_eq!(wallet_of_code("284567890123456789012345"), Some(MmspWallet::Alipay));
        assert_eq!(wallet_of_code("914567890123450000"), Some(MmspWallet::Qq));
        for bad in [
            "",
            "13456789012345000",
            "1345678901234500001",
            "164567890123450000",
            "28456789012345",
            "9145",
            "13456789012345000A",
        ] {
            assert_eq!(wallet_of_code(bad), None, "{bad}");
        }
        assert!(check_code("code", "134567890123450000", Some(&MmspWallet::Wechat)).is_ok());
        let e = check_code("code", "284567890123450000", Some(&MmspWallet::Wechat)).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "code"));
        let e = check_code("auth_code", "99", None).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "auth_code"));
    }

    #[test]
    fn states() {
        let s = |st: &str, e: Option<&str>| trade_state(&MmspStatus::parse(st), e);
        assert_eq!(s("1", None), TradeState::Paid);
        assert_eq!(s("3", Some("AA")), TradeState::Paying);
        assert_eq!(s("2", Some("AA")), TradeState::Paying);
        assert_eq!(s("2", Some("NOTENOUGH")), TradeState::Failed);
        assert_eq!(s("2", Some("D4")), TradeState::Closed);
        assert_eq!(s("0", None), TradeState::Unknown);
    }

    #[test]
    fn field_rules() {
        let fen = |n| Money::from_fen(n, "a").unwrap();
        assert!(check_pay("A1", fen(1), "可乐", Some("https://m.example/n"), true, None, Some("10.0.0.1")).is_ok());
        let field = |r: Result<()>| match r.unwrap_err() {
            Error::InvalidInput { field, .. } => field,
            e => panic!("{e:?}"),
        };
        assert_eq!(field(check_pay(&"1".repeat(21), fen(1), "x", None, false, None, None)), "mer_order_id");
        assert_eq!(field(check_pay("A_1", fen(1), "x", None, false, None, None)), "mer_order_id");
        assert_eq!(field(check_pay("A1", Money::ZERO, "x", None, false, None, None)), "amount");
        assert_eq!(field(check_pay("A1", fen(1), "", None, false, None, None)), "goods_name");
        assert_eq!(field(check_pay("A1", fen(1), &"货".repeat(16), None, false, None, None)), "goods_name");
        assert!(check_pay("A1", fen(1), &"货".repeat(15), None, false, None, None).is_ok());
        assert_eq!(field(check_pay("A1", fen(1), "x", None, true, None, None)), "notify_url");
        assert_eq!(field(check_pay("A1", fen(1), "x", Some("ftp://x"), true, None, None)), "notify_url");
        assert_eq!(field(check_pay("A1", fen(1), "x", None, false, Some("2024-01-01"), None)), "time_end");
        assert!(check_time("t", "2024-01-01 23:59:59").is_ok());
        assert_eq!(field(check_pay("A1", fen(1), "x", None, false, None, Some("host"))), "ip");
    }
}
