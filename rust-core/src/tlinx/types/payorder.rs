//! 4.4 payorder: every scenario (QR, barcode, WeChat JSAPI, Alipay JSAPI, mini program), its
//! checks and wire payload, and the answer they share.

use serde::{Deserialize, Serialize};

use super::call::{path, Call, OUT_NO_RULE};
use super::checks::{check_auth_code, check_len, check_opt_len, check_positive, check_url};
use super::codes::trade_state;
use super::flex;
use super::records::same_order;
use super::records::OrderRef;
use crate::error::{Error, Result};
use crate::ids::require;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::{TradeResult, TradeState};

/// Fields every payorder scenario shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OrderCommon {
    /// Merchant order number, unique, letters and digits, at most 64.
    pub out_no: String,
    /// Payment method tag from paylist (`Weixin`, `Alipay`, `Diy`...).
    pub pmt_tag: String,
    /// Required when `pmt_tag` is `Diy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_name: Option<String>,
    /// Goods description shown to the payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_name: Option<String>,
    pub original_amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub discount_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ignore_amount: Option<Money>,
    /// Must equal `original_amount - discount_amount - ignore_amount`.
    pub trade_amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tag: Option<String>,
    /// Where the platform sends the result (4.8.1); without it there is no notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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
            .ok_or_else(|| Error::invalid("discount_amount", "with ignore_amount, exceeds original_amount"))?;
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
}

/// 4.4.2: the store scans the payer's barcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BarcodeOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    pub auth_code: Masked,
}

/// 4.4.3: WeChat official account. Either `jump_url` (the platform's payment page) or the native
/// JSAPI pair `sub_appid` + `sub_openid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WechatJsapiOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub jump_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_openid: Option<String>,
}

/// 4.4.4: Alipay service window. Either `jump_url` or the native JSAPI `buyer_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AlipayJsapiOrder {
    #[serde(flatten)]
    pub common: OrderCommon,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub jump_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_id: Option<String>,
}

/// 4.4.5: WeChat mini program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct PayorderResponse {
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_no: Option<String>,
    /// See [`status`](super::status).
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<i64>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_tag: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_mct_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_shop_id: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_currency: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub currency_sign: Option<String>,
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_amount: Option<Money>,
    #[serde(deserialize_with = "flex::money")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_discout_amount: Option<Money>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_account: Option<String>,
    /// QR content for C-scans-B orders.
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_qrcode: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_pay_time: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_result: Option<String>,
    /// Payment page for `jump_url` orders.
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub jsapi_pay_url: Option<String>,
    /// Native JSAPI / mini-program parameters for the wallet's JS bridge.
    #[serde(rename = "appId", deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_id: Option<String>,
    #[serde(rename = "timeStamp", deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_stamp: Option<String>,
    #[serde(rename = "nonceStr", deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(rename = "signType", deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sign_type: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub package: Option<String>,
    #[serde(rename = "paySign", deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_sign: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl PayorderResponse {
    pub fn trade_state(&self) -> TradeState {
        trade_state(self.status)
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

    fn payer_wallet(&self) -> Option<&'static str> {
        match self {
            PayorderRequest::Barcode(o) => crate::operation::code_wallet(&o.auth_code),
            PayorderRequest::WechatJsapi(_) | PayorderRequest::MiniProgram(_) => Some("wechat"),
            PayorderRequest::AlipayJsapi(_) => Some("alipay"),
            PayorderRequest::Qr(_) => None,
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

    fn payload(&self, _creds: &crate::tlinx::Credentials) -> Result<String> {
        self.wire_payload()
    }

    fn check(&self, resp: &PayorderResponse) -> Result<()> {
        same_order(&OrderRef::out_no(self.common().out_no.clone()), resp.out_no.as_deref(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

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
        assert!(barcode("134567890123450000").is_ok());
        assert_eq!(field_of(barcode("").unwrap_err()), "auth_code");
        assert_eq!(field_of(barcode("12ab").unwrap_err()), "auth_code");
        assert_eq!(field_of(barcode("914567890123450000").unwrap_err()), "auth_code", "QQ Wallet: not a TLinx channel");
        assert!(barcode("6245678901234500000").is_ok(), "UnionPay, with an explicit pmt_tag");
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
