//! Scan code's pay requests (digest §6.1-6.3): the pre-orders the payer pays later (WeChat
//! 2306, Alipay 2308, QQ 2325, JD 1031, UnionPay 1025, Alipay static 1026 and dynamic 1027), H5
//! (WeChat 2321, Alipay 1030) and the micropays that charge the payer's code now (WeChat 2307,
//! Alipay 2309, QQ 776). Each declares its Body only; the checks, the Body's shared fields and
//! the answers are `scan_codes`' (non-generic).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Call, SubApi};
use super::scan_codes::*;
use crate::error::{Error, Result};
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::TradeResult;

/// `0x0902` 微信公众号/正扫下预订单: a WeChat order shown as a QR code (`URL`), or paid inside
/// WeChat (公众号, or the mini program with `mini_program`; answered with `PAY_INFO`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspWechatPreOrderRequest {
    /// `MERORDERID`: the merchant's order number, unique, at most 20 letters and digits.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `GOODSNAME`: 1-15 characters.
    pub goods_name: String,
    /// `NOTIFY_URL`: where the platform pushes the payment (2324). string(50) in the seed.
    pub notify_url: String,
    /// `TRADETYPE`: 1 QR (default) or 2 in WeChat (公众号 / mini program).
    #[serde(default)]
    pub trade_type: MmspOrderMode,
    /// `OPENID`: the payer in the 公众号 or mini program; required for `in_app`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub openid: Option<Masked>,
    /// `IS_MINIPG` 1: a mini-program payment (with `in_app`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub mini_program: bool,
    /// `SUP_APPID`: the 公众号's or mini program's AppID.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sup_appid: Option<String>,
    /// `TIME_END`: expiry, "yyyy-mm-dd hh:mm:ss" (the platform's default: 5 minutes).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_end: Option<String>,
    /// `IP`: the payer's.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ip: Option<String>,
    /// `IS_RAW` 1: answer with the upstream's own data.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub raw: bool,
    /// T0 settlement (`IST0` 2; T1 when off).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub t0: bool,
    /// `LIMIT_PAY` 1: no credit cards.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub no_credit: bool,
}

impl Operation for MmspWechatPreOrderRequest {
    type Answer = MmspPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "wechat_pre_order",
        summary: "2306: WeChat pre-order, QR (正扫) or in WeChat (公众号 / mini program); paid later",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        let s = self;
        check_pay(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            true,
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )?;
        let in_app = s.trade_type == MmspOrderMode::InApp;
        if in_app && s.openid.as_ref().is_none_or(|o| o.expose().trim().is_empty()) {
            return Err(Error::invalid("openid", "required when trade_type is in_app"));
        }
        if s.mini_program && !in_app {
            return Err(Error::invalid("mini_program", "a mini-program payment is in_app"));
        }
        not_blank("sup_appid", s.sup_appid.as_deref())
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspWechatPreOrderRequest {
    fn decode(body: Value) -> std::result::Result<MmspPreOrderResponse, String> {
        MmspPreOrderResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2306;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let s = self;
        let b = pay_body(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )
        .put("TRADETYPE", s.trade_type.as_str())
        .opt("OPENID", s.openid.as_ref().map(Masked::expose))
        .opt("IS_MINIPG", s.mini_program.then_some("1"))
        .opt("SUP_APPID", s.sup_appid.as_deref());
        switches(b, s.raw, s.t0, s.no_credit).done()
    }

    fn check(&self, a: &MmspPreOrderResponse) -> Result<()> {
        same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
    }
}

/// `0x0904` 支付宝公众号/正扫下预订单: an Alipay order shown as a QR code, or paid in the
/// 服务窗 (the payer named by `alipay_user_id` or `alipay_account`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspAlipayPreOrderRequest {
    /// `MERORDERID`: unique, at most 20 letters and digits.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `GOODSNAME`: 1-15 characters.
    pub goods_name: String,
    /// `NOTIFY_URL`: where the platform pushes the payment (2324).
    pub notify_url: String,
    /// `TRADETYPE`: 1 QR (default) or 2 服务窗.
    #[serde(default)]
    pub trade_type: MmspOrderMode,
    /// `ALIPAY_USER_ID`: the payer (服务窗; this or `alipay_account`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_user_id: Option<Masked>,
    /// `ALIPAY_ACCOUNT`: the payer's account (服务窗; this or `alipay_user_id`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_account: Option<Masked>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_end: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ip: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub raw: bool,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub t0: bool,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub no_credit: bool,
}

impl Operation for MmspAlipayPreOrderRequest {
    type Answer = MmspPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "alipay_pre_order",
        summary: "2308: Alipay pre-order, QR (正扫) or in the 服务窗; paid later",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        let s = self;
        check_pay(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            true,
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )?;
        let given = |m: &Option<Masked>| m.as_ref().is_some_and(|v| !v.expose().trim().is_empty());
        if s.trade_type == MmspOrderMode::InApp && !given(&s.alipay_user_id) && !given(&s.alipay_account) {
            return Err(Error::invalid("alipay_user_id", "in_app needs alipay_user_id or alipay_account"));
        }
        Ok(())
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspAlipayPreOrderRequest {
    fn decode(body: Value) -> std::result::Result<MmspPreOrderResponse, String> {
        MmspPreOrderResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2308;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let s = self;
        let b = pay_body(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )
        .put("TRADETYPE", s.trade_type.as_str())
        .opt("ALIPAY_USER_ID", s.alipay_user_id.as_ref().map(Masked::expose))
        .opt("ALIPAY_ACCOUNT", s.alipay_account.as_ref().map(Masked::expose));
        switches(b, s.raw, s.t0, s.no_credit).done()
    }

    fn check(&self, a: &MmspPreOrderResponse) -> Result<()> {
        same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
    }
}

/// `0x0915` QQ正扫/钱包下预订单: a QQ Wallet order shown as a QR code, or paid in the wallet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQqPreOrderRequest {
    /// `MERORDERID`: unique, at most 20 letters and digits.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `GOODSNAME`: 1-15 characters.
    pub goods_name: String,
    /// `NOTIFY_URL`: where the platform pushes the payment (2324).
    pub notify_url: String,
    /// `TRADETYPE`: 1 QR (default) or 2 in the wallet.
    #[serde(default)]
    pub trade_type: MmspOrderMode,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_end: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ip: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub raw: bool,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub t0: bool,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub no_credit: bool,
}

impl Operation for MmspQqPreOrderRequest {
    type Answer = MmspPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "qq_pre_order",
        summary: "2325: QQ Wallet pre-order, QR (正扫) or in the wallet; paid later",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        let s = self;
        check_pay(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            true,
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspQqPreOrderRequest {
    fn decode(body: Value) -> std::result::Result<MmspPreOrderResponse, String> {
        MmspPreOrderResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2325;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let s = self;
        let b = pay_body(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )
        .put("TRADETYPE", s.trade_type.as_str());
        switches(b, s.raw, s.t0, s.no_credit).done()
    }

    fn check(&self, a: &MmspPreOrderResponse) -> Result<()> {
        same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
    }
}

/// The QR-only pre-orders (JD, UnionPay, Alipay static and dynamic code) share their fields
/// exactly: `TRADETYPE` 1 and the pay fields, nothing else (digest §6.2).
macro_rules! qr_order {
    ($(#[$doc:meta])* $name:ident, $command:literal, $op:literal, $summary:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// `MERORDERID`: unique, at most 20 letters and digits.
            pub mer_order_id: String,
            /// `AMT`, fen.
            pub amount: Money,
            /// `GOODSNAME`: 1-15 characters.
            pub goods_name: String,
            /// `NOTIFY_URL`: where the platform pushes the payment (2324).
            pub notify_url: String,
            /// `TIME_END`: expiry, "yyyy-mm-dd hh:mm:ss" (default 5 minutes).
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub time_end: Option<String>,
            /// `IP`: the payer's.
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub ip: Option<String>,
        }

        impl Operation for $name {
            type Answer = MmspPreOrderResponse;
            const INFO: OperationInfo = OperationInfo { name: $op, summary: $summary, effect: Effect::PreOrder };

            fn validate(&self) -> Result<()> {
                let s = self;
                check_pay(&s.mer_order_id, s.amount, &s.goods_name, Some(&s.notify_url), true, s.time_end.as_deref(), s.ip.as_deref())
            }

            fn movement(&self) -> Option<Movement> {
                Some(Movement::order(&self.mer_order_id, self.amount))
            }
        }

        impl Call for $name {
            fn decode(body: Value) -> std::result::Result<MmspPreOrderResponse, String> {
                MmspPreOrderResponse::from_body(body)
            }

            const SUB_API: SubApi = SubApi::Scan;
            const COMMAND: u32 = $command;

            fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
                let s = self;
                pay_body(&s.mer_order_id, s.amount, &s.goods_name, Some(&s.notify_url), s.time_end.as_deref(), s.ip.as_deref())
                    .put("TRADETYPE", "1")
                    .done()
            }

            fn check(&self, a: &MmspPreOrderResponse) -> Result<()> {
                same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
            }
        }
    };
}

qr_order!(
    /// `0x0407` 京东扫码支付: a JD Pay order shown as a QR code.
    MmspJdQrOrderRequest, 1031, "jd_qr_order", "1031: JD Pay QR order (正扫); paid later"
);
qr_order!(
    /// `0x0401` 银联钱包正扫: a UnionPay wallet order shown as a QR code.
    MmspUnionpayQrOrderRequest, 1025, "unionpay_qr_order", "1025: UnionPay wallet QR order (正扫); paid later"
);
qr_order!(
    /// `0x0402` 支付宝静态码支付: an Alipay static-code order.
    MmspAlipayStaticCodeRequest, 1026, "alipay_static_code", "1026: Alipay static-code order (正扫); paid later"
);
qr_order!(
    /// `0x0403` 支付宝动态码支付: an Alipay dynamic-code order.
    MmspAlipayDynamicCodeRequest, 1027, "alipay_dynamic_code", "1027: Alipay dynamic-code order (正扫); paid later"
);

/// `0x0911` 微信H5: a WeChat payment from a mobile browser: the answer's `URL` wakes WeChat
/// (opened outside WeChat). H5 payments may not be pushed (digest A51): query them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspWechatH5Request {
    /// `MERORDERID`: unique, at most 20 letters and digits.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `GOODSNAME`: 1-15 characters.
    pub goods_name: String,
    /// `NOTIFY_URL`.
    pub notify_url: String,
    /// `JUMP_URL`: where the browser goes after paying.
    pub jump_url: String,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_end: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ip: Option<String>,
    /// `LIMIT_PAY` 1: no credit cards.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub no_credit: bool,
}

impl Operation for MmspWechatH5Request {
    type Answer = MmspPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "wechat_h5_pay",
        summary: "2321: WeChat H5 payment from a mobile browser (URL wakes WeChat); query it, it may not be pushed",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        let s = self;
        check_pay(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            true,
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )?;
        check_url("jump_url", &s.jump_url)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspWechatH5Request {
    fn decode(body: Value) -> std::result::Result<MmspPreOrderResponse, String> {
        MmspPreOrderResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2321;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let s = self;
        let b = pay_body(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )
        .put("JUMP_URL", s.jump_url.as_str());
        switches(b, false, false, s.no_credit).done()
    }

    fn check(&self, a: &MmspPreOrderResponse) -> Result<()> {
        same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
    }
}

/// `0x0406` 支付宝H5: an Alipay payment from a mobile browser (`URL` wakes Alipay). Its
/// `JUMP_URL` is marked both 必须 and "暂不传": optional here. Query it; it may not be pushed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspAlipayH5Request {
    /// `MERORDERID`: unique, at most 20 letters and digits.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `GOODSNAME`: 1-15 characters.
    pub goods_name: String,
    /// `NOTIFY_URL`.
    pub notify_url: String,
    /// `JUMP_URL`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub jump_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_end: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ip: Option<String>,
}

impl Operation for MmspAlipayH5Request {
    type Answer = MmspPreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "alipay_h5_pay",
        summary: "1030: Alipay H5 payment from a mobile browser (URL wakes Alipay); query it, it may not be pushed",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        let s = self;
        check_pay(
            &s.mer_order_id,
            s.amount,
            &s.goods_name,
            Some(&s.notify_url),
            true,
            s.time_end.as_deref(),
            s.ip.as_deref(),
        )?;
        match &s.jump_url {
            Some(u) => check_url("jump_url", u),
            None => Ok(()),
        }
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspAlipayH5Request {
    fn decode(body: Value) -> std::result::Result<MmspPreOrderResponse, String> {
        MmspPreOrderResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 1030;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let s = self;
        pay_body(&s.mer_order_id, s.amount, &s.goods_name, Some(&s.notify_url), s.time_end.as_deref(), s.ip.as_deref())
            .opt("JUMP_URL", s.jump_url.as_deref())
            .done()
    }

    fn check(&self, a: &MmspPreOrderResponse) -> Result<()> {
        same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
    }
}

/// The micropays (刷卡, the merchant scans the payer's code) share their fields exactly; only
/// the wallet and the CommandID differ. `STATUS` 1 is paid (and no push follows), 3 (`ERR_CODE`
/// AA) paying: query; 2 is a refusal.
macro_rules! micropay {
    ($(#[$doc:meta])* $name:ident, $command:literal, $wallet:ident, $op:literal, $summary:literal,
     |$creds:ident| $sent:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// `MERORDERID`: unique, at most 20 letters and digits.
            pub mer_order_id: String,
            /// `AMT`, fen.
            pub amount: Money,
            /// `GOODSNAME`: 1-15 characters.
            pub goods_name: String,
            /// `CODE`: the payer's payment code (never logged or journalled in clear).
            pub code: Masked,
            /// `NOTIFY_URL`: where a payment answered "paying" is pushed. The seed marks it
            /// 必须; the cashier's flow queries instead, so it may be left out.
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub notify_url: Option<String>,
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub time_end: Option<String>,
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub ip: Option<String>,
            /// T0 settlement (`IST0` 2; T1 when off).
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default = false))]
            pub t0: bool,
            /// `LIMIT_PAY` 1: no credit cards.
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default = false))]
            pub no_credit: bool,
        }

        impl Operation for $name {
            type Answer = MmspScanOrderResponse;
            const INFO: OperationInfo = OperationInfo { name: $op, summary: $summary, effect: Effect::Charge };

            fn payer_wallet(&self) -> Option<&'static str> {
                crate::operation::code_wallet(&self.code)
            }

            fn validate(&self) -> Result<()> {
                let s = self;
                check_pay(&s.mer_order_id, s.amount, &s.goods_name, s.notify_url.as_deref(), false, s.time_end.as_deref(), s.ip.as_deref())?;
                check_code("code", s.code.expose(), Some(&MmspWallet::$wallet)).map(|_| ())
            }

            fn movement(&self) -> Option<Movement> {
                Some(Movement::order(&self.mer_order_id, self.amount))
            }

            fn settlement(&self, a: &MmspScanOrderResponse) -> Option<TradeResult> {
                Some(a.trade_result(&self.mer_order_id, Some(self.amount)))
            }
        }

        impl Call for $name {
            fn decode(body: Value) -> std::result::Result<MmspScanOrderResponse, String> {
                MmspScanOrderResponse::from_body(body)
            }

            const SUB_API: SubApi = SubApi::Scan;
            const COMMAND: u32 = $command;
            /// 1 paid, 3 paying (AA): both answers; 2 is a refusal.
            const ANSWERS: &'static [&'static str] = &["1", "3"];

            fn command(&self, $creds: &Credentials) -> u32 {
                $sent
            }

            fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
                let s = self;
                let b = pay_body(&s.mer_order_id, s.amount, &s.goods_name, s.notify_url.as_deref(), s.time_end.as_deref(), s.ip.as_deref())
                    .put("CODE", s.code.expose());
                switches(b, false, s.t0, s.no_credit).done()
            }

            fn check(&self, a: &MmspScanOrderResponse) -> Result<()> {
                same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
            }
        }
    };
}

micropay!(
    /// `0x0903` 微信刷卡支付: charges the payer's WeChat payment code.
    MmspWechatMicropayRequest, 2307, Wechat, "wechat_micropay",
    "2307: WeChat micropay (the merchant scans the payer's code): paid, paying (query) or refused",
    |_c| 2307
);
micropay!(
    /// `0x0905` 支付宝刷卡: charges the payer's Alipay payment code.
    MmspAlipayMicropayRequest, 2309, Alipay, "alipay_micropay",
    "2309: Alipay micropay (the merchant scans the payer's code): paid, paying (query) or refused",
    |_c| 2309
);
micropay!(
    /// QQ钱包反扫支付: charges the payer's QQ Wallet payment code. Its CommandID is 776 as the
    /// seed prints it, or the credentials' `qq_micropay_command` (digest A1).
    MmspQqMicropayRequest, 776, Qq, "qq_micropay",
    "776 (configurable): QQ Wallet micropay (the merchant scans the payer's code): paid, paying (query) or refused",
    |c| c.qq_micropay_command
);
