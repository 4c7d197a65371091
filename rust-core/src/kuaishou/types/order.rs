//! `order` (3.x, 主扫): a QR code or payment link the payer opens (`TRADE_TYPE` NATIVE, the
//! default, or APP), and the same path with `TRADE_TYPE=JSAPI` (4.x, WeChat official-account
//! pay, `subOpenid` required), which answers the six JS-API parameters. `SUCCESS` only means the
//! order was created: the payment arrives by notification (`PAY_NODIFY`) or query.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::{same_charge, Body, Call, WithResult};
use super::codes::ChannelType;
use super::records::*;
use crate::error::{Error, Result};
use crate::ids::require;
use crate::kuaishou::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Masked;

/// The fields `order` takes in every trade type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "KuaishouOrderCommon"))]
pub struct OrderCommon {
    /// `CHARGE_CODE`: the merchant's order number, unique.
    pub charge_code: String,
    /// `AMT`, fen (sent as yuan).
    pub amount: Money,
    /// `PAY_SUBJECT`.
    pub subject: String,
    /// `NODIFY_URL` (spelled so on the wire): where Kuaishou posts `PAY_NODIFY`. `_type=json`
    /// is added to its query unless it names a format, so notifications arrive as JSON (and
    /// `encrypt=3DES` when the credentials encrypt).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
    /// `TIME_EXPIRE`: seconds, at least 120.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_expire: Option<u32>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub oper_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dev_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub register_id: Option<String>,
    /// `MERCHANTPARA`: the merchant's text, sent Base64-encoded and echoed back.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_para: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods: Vec<GoodsItem>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub verify_codes: Option<String>,
}

impl OrderCommon {
    fn validate(&self) -> Result<()> {
        CHARGE_CODE.check("charge_code", &self.charge_code)?;
        crate::rules::amount(crate::trade::GatewayId::Kuaishou, "amount", self.amount)?;
        require("subject", &self.subject)?;
        if let Some(url) = &self.notify_url {
            match url::Url::parse(url.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return Err(Error::invalid("notify_url", "an http(s) URL")),
            }
        }
        if self.time_expire.is_some_and(|t| t < 120) {
            return Err(Error::invalid("time_expire", "at least 120 seconds"));
        }
        not_blank("oper_id", &self.oper_id)?;
        not_blank("dev_id", &self.dev_id)?;
        check_goods(&self.goods)
    }

    fn body(&self, creds: &Credentials, channel: &str, trade_type: &str) -> Body {
        let mut b = Body::default()
            .put("BUSI_ID", creds.busi_code.as_str())
            .put("OPER_ID", self.oper_id.clone().unwrap_or_else(|| creds.oper_id.clone()))
            .put("DEV_ID", self.dev_id.clone().unwrap_or_else(|| creds.dev_id.clone()))
            .opt("MERCHANTPARA", self.merchant_para.as_deref().map(encode_merchant_para).as_deref())
            .opt("REGISTER_ID", self.register_id.as_deref())
            .put("AMT", self.amount.to_yuan())
            .opt("TIME_EXPIRE", self.time_expire.map(|t| t.to_string()).as_deref())
            .put("CHANNEL_TYPE", channel)
            .put("CHARGE_CODE", self.charge_code.as_str())
            .opt("NODIFY_URL", self.notify_url.as_deref().map(|u| notify_url(u, creds.encrypt)).as_deref())
            .put("PAY_SUBJECT", self.subject.as_str())
            .put("TRADE_TYPE", trade_type)
            .opt("verifyCodes", self.verify_codes.as_deref());
        if !self.goods.is_empty() {
            b = b.value("GOODS_DETAIL", Value::Array(self.goods.iter().map(GoodsItem::wire).collect()));
        }
        b
    }
}

/// The notify URL with `_type=json` (and `encrypt=3DES` when encrypting) unless it says
/// otherwise: the seed's default is XML and plain (digest §4).
pub fn notify_url(url: &str, encrypt: bool) -> String {
    let Ok(mut u) = url::Url::parse(url.trim()) else { return url.to_string() };
    let has = |k: &str| u.query_pairs().any(|(n, _)| n.trim() == k);
    let (has_type, has_encrypt) = (has("_type"), has("encrypt"));
    if !has_type {
        u.query_pairs_mut().append_pair("_type", "json");
    }
    if encrypt && !has_encrypt {
        u.query_pairs_mut().append_pair("encrypt", "3DES");
    }
    u.to_string()
}

/// `TRADE_TYPE` of a QR order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "UPPERCASE")]
pub enum QrTradeType {
    /// A QR code or payment link (`BAR_CODE`).
    #[default]
    Native,
    /// In-app payment: the seed documents no answer fields for it; unknown fields are kept.
    App,
}

/// `order`: a QR / payment-link order. (Not `deny_unknown_fields`: serde does not support it
/// with `flatten`.)
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrOrderRequest {
    #[serde(flatten)]
    pub order: OrderCommon,
    /// `CHANNEL_TYPE`: the wallet (0, auto, is for barcodes only).
    pub channel_type: ChannelType,
    #[serde(default)]
    pub trade_type: QrTradeType,
}

impl Operation for QrOrderRequest {
    type Answer = QrOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "order",
        summary: "order NATIVE/APP: a QR code or payment link the payer opens; paid by notification or query",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        self.order.validate()?;
        match &self.channel_type {
            ChannelType::Auto => Err(Error::invalid("channel_type", "0 (auto) is for barcodes only: name the wallet")),
            ChannelType::Other(c) if c.parse::<u32>().is_err() => Err(Error::invalid("channel_type", "a number")),
            _ => Ok(()),
        }
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.order.charge_code, self.order.amount))
    }
}

impl Call for QrOrderRequest {
    const ROOT: &'static str = "ORDER_RESP";

    fn path(&self, _: &Credentials) -> Vec<String> {
        vec!["order".into()]
    }

    fn body(&self, creds: &Credentials) -> Option<serde_json::Map<String, Value>> {
        let trade_type = match self.trade_type {
            QrTradeType::Native => "NATIVE",
            QrTradeType::App => "APP",
        };
        self.order.body(creds, self.channel_type.as_str(), trade_type).done()
    }

    fn check(&self, a: &QrOrderResponse) -> Result<()> {
        same_charge(&self.order.charge_code, a.charge_code.as_deref())
    }
}

/// `ORDER_RESP` of a QR order (3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrOrderResponse {
    #[serde(rename = "RESULT")]
    pub result: ResultInfo,
    #[serde(rename = "CHARGE_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_code: Option<String>,
    #[serde(rename = "CHARGE_DOWN_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_down_code: Option<String>,
    #[serde(rename = "MERCHANTPARA", default, deserialize_with = "opt_merchant_para")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_para: Option<MerchantPara>,
    /// The payment link: render it as a QR code, or redirect to it.
    #[serde(rename = "BAR_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bar_code: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl WithResult for QrOrderResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

/// `order` with `TRADE_TYPE=JSAPI`: WeChat official-account pay (`CHANNEL_TYPE` 2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct JsapiOrderRequest {
    #[serde(flatten)]
    pub order: OrderCommon,
    /// `subAppid`: the sub-merchant's official-account appid.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_appid: Option<String>,
    /// `subOpenid`: the payer under that appid; required for JSAPI (4.2).
    pub sub_openid: Masked,
}

impl Operation for JsapiOrderRequest {
    type Answer = JsapiOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "jsapi_order",
        summary: "order JSAPI: WeChat official-account pay; answers the six WeChat JS-API parameters",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        self.order.validate()?;
        require("sub_openid", self.sub_openid.expose())?;
        not_blank("sub_appid", &self.sub_appid)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.order.charge_code, self.order.amount))
    }
}

impl Call for JsapiOrderRequest {
    const ROOT: &'static str = "ORDER_RESP";

    fn path(&self, _: &Credentials) -> Vec<String> {
        vec!["order".into()]
    }

    fn body(&self, creds: &Credentials) -> Option<serde_json::Map<String, Value>> {
        self.order
            .body(creds, ChannelType::Wechat.as_str(), "JSAPI")
            .opt("subAppid", self.sub_appid.as_deref())
            .put("subOpenid", self.sub_openid.expose())
            .done()
    }

    fn check(&self, a: &JsapiOrderResponse) -> Result<()> {
        same_charge(&self.order.charge_code, a.charge_code.as_deref())
    }
}

/// `ORDER_RESP` of a JSAPI order (4.4): the parameters of WeChat's `chooseWXPay` /
/// `getBrandWCPayRequest`. `time_stamp` is passed through as received (the sample's is in
/// milliseconds where WeChat documents seconds: not ours to change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct JsapiOrderResponse {
    #[serde(rename = "RESULT")]
    pub result: ResultInfo,
    #[serde(rename = "CHARGE_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_code: Option<String>,
    #[serde(rename = "CHARGE_DOWN_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_down_code: Option<String>,
    #[serde(rename = "appId", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_id: Option<String>,
    #[serde(rename = "timeStamp", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_stamp: Option<String>,
    #[serde(rename = "nonceStr", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    /// WeChat's `package` (`prepay_id=...`).
    #[serde(rename = "packageData", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub package_data: Option<String>,
    #[serde(rename = "signType", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sign_type: Option<String>,
    /// WeChat's `paySign` (signed by WeChat's key, not Kuaishou's: passed through).
    #[serde(rename = "sign", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_sign: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl JsapiOrderResponse {
    /// The six parameters under WeChat's names (4.6: `packageData` is `package`, `sign` is
    /// `paySign`).
    pub fn wechat_params(&self) -> BTreeMap<&'static str, String> {
        [
            ("appId", &self.app_id),
            ("timeStamp", &self.time_stamp),
            ("nonceStr", &self.nonce_str),
            ("package", &self.package_data),
            ("signType", &self.sign_type),
            ("paySign", &self.pay_sign),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect()
    }
}

impl WithResult for JsapiOrderResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    fn common() -> OrderCommon {
        serde_json::from_value(serde_json::json!({"charge_code": "D3820833-F310-4658-BF98-52959454FCA0",
            "amount": 10, "subject": "嗖嗖产品1", "notify_url": "HTTP://221.12.11.172:8081/SOSOPAYWEB/SOSOPAYTEST",
            "oper_id": " oper1", "dev_id": " dev1", "register_id": "02016", "verify_codes": "915346596237"}))
        .unwrap()
    }

    #[test]
    fn seed_3_4_and_4_3_requests() {
        let qr = QrOrderRequest { order: common(), channel_type: ChannelType::Wechat, trade_type: QrTradeType::Native };
        assert!(qr.validate().is_ok());
        let body = Value::Object(qr.body(&creds()).unwrap());
        let sample = seed_sample("3.4");
        for k in ["CHANNEL_TYPE", "DEV_ID", "OPER_ID", "PAY_SUBJECT", "REGISTER_ID", "CHARGE_CODE", "verifyCodes"] {
            assert_eq!(body[k], sample[k], "{k}");
        }
        assert_eq!(body["AMT"], "0.10", "the sample's 0.1, with two decimals");
        assert_eq!(body["NODIFY_URL"], "http://221.12.11.172:8081/SOSOPAYWEB/SOSOPAYTEST?_type=json");
        assert_eq!(body["TRADE_TYPE"], "NATIVE");
        let js = JsapiOrderRequest {
            order: common(),
            sub_appid: Some("wxb1c959c78e070e58".into()),
            sub_openid: "oa58kwTYbuSGryFQKk8SOu-VMi-M".into(),
        };
        assert!(js.validate().is_ok());
        let body = Value::Object(js.body(&creds()).unwrap());
        let sample = seed_sample("4.3");
        for k in ["CHANNEL_TYPE", "TRADE_TYPE", "subAppid", "subOpenid"] {
            assert_eq!(body[k], sample[k], "{k}");
        }
        assert!(!serde_json::to_string(&js).unwrap().contains("oa58kwTYbuSGryFQKk8SOu"));
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut qr = QrOrderRequest { order: common(), channel_type: ChannelType::Auto, trade_type: QrTradeType::App };
        assert_eq!(field_of(qr.validate().unwrap_err()), "channel_type");
        qr.channel_type = ChannelType::Alipay;
        qr.order.time_expire = Some(60);
        assert_eq!(field_of(qr.validate().unwrap_err()), "time_expire");
        qr.order.time_expire = None;
        qr.order.notify_url = Some("ftp://x".into());
        assert_eq!(field_of(qr.validate().unwrap_err()), "notify_url");
        let js = JsapiOrderRequest { order: common(), sub_appid: None, sub_openid: "".into() };
        assert_eq!(field_of(js.validate().unwrap_err()), "sub_openid");
        let e = serde_json::from_value::<JsapiOrderRequest>(
            serde_json::json!({"charge_code": "A", "amount": 1, "subject": "x"}),
        );
        assert!(e.is_err(), "sub_openid is required");
    }

    #[test]
    fn notify_urls_ask_for_json() {
        assert_eq!(notify_url("http://m/n", false), "http://m/n?_type=json");
        assert_eq!(notify_url("http://m/n?a=1", true), "http://m/n?a=1&_type=json&encrypt=3DES");
        assert_eq!(notify_url("http://m/n?_type=xml", false), "http://m/n?_type=xml");
    }

    #[test]
    fn seed_3_6_and_4_5_answers() {
        let a: QrOrderResponse = answer("3.6", "ORDER_RESP");
        assert_eq!(a.bar_code.as_deref(), Some("weixin://wxpay/bizpayurl?pr=59tFp8e"));
        assert_eq!(a.charge_down_code.as_deref(), Some("20151014100000000950"));
        let a: JsapiOrderResponse = answer("4.5", "ORDER_RESP");
        let p = a.wechat_params();
        assert_eq!(p["package"], "prepay_id=wx2016061210212283e40a2ca90319983999");
        assert_eq!(p["paySign"], "1C082A5DD99475AEED5938887F8AAC4D");
        assert_eq!(p["timeStamp"], "1465698073386");
        assert_eq!(p.len(), 6);
    }
}
