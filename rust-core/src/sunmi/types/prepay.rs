//! The prepays (4.3.2, 5.3.2): `jsApiPay` and `miniPay`, and the `cloudPayInfo` that starts
//! WeChat Pay.

use serde::{Deserialize, Serialize};

use super::call::{decode_object, same_order, Call, ExtraJson, FromData, MINI_ORDER_ID, ORDER_ID};
use super::codes::{payment_state, Platform, Read, SubCode, TradeStatus};
use super::form::{merchant_no, opt_token, positive, token, url, Form};
use crate::error::Result;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::sunmi::Credentials;
use crate::trade::{RawFields, TradeState};
use crate::wire::{de, json_text};

json_text!(
    /// `cloudPayInfo`: a JSON string in the answer.
    CloudPayInfoJson(CloudPayInfo)
);

/// jsApiPay's `walletType` default ("默认：TX01").
pub const DEFAULT_WALLET_TYPE: &str = "TX01";

/// `cloudPayInfo`: what the page (`WeixinJSBridge getBrandWCPayRequest`) or the mini program
/// (`wx.requestPayment`) needs to start WeChat Pay. `packageStr` is WeChat's `package`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct CloudPayInfo {
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_stamp: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub package_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sign_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_sign: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

// --- the prepays (4.3.2, 5.3.2)

/// `jsApiPay`: WeChat official-account prepay. `totalAmount` in fen here; yuan on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsApiPayRequest {
    /// The credentials' merchant number when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wallet_type: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
}

impl Operation for JsApiPayRequest {
    type Answer = PrepayResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "js_api_pay",
        summary: "WeChat official-account prepay, totalAmount in fen (4.3.2)",
        effect: Effect::PreOrder,
    };

    /// Sunmi's prepays are WeChat's (JSAPI and mini-program).
    fn payer_wallet(&self) -> Option<&'static str> {
        Some("wechat")
    }

    /// Checked before anything is journalled or sent (the merchant number, which may come from
    /// the credentials, when the request is encoded).
    fn validate(&self) -> Result<()> {
        positive("totalAmount", self.total_amount)?;
        token("miniAppId", &self.mini_app_id, 32)?;
        token("openId", &self.open_id, 128)?;
        ORDER_ID.check("orderId", &self.order_id)?;
        let wallet = self.wallet_type.clone().unwrap_or_else(|| DEFAULT_WALLET_TYPE.to_string());
        token("walletType", &wallet, 4)?;
        if let Some(u) = &self.notify_url {
            url("notifyUrl", u, 255)?;
        }
        Ok(())
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.order_id, self.total_amount))
    }
}

impl Call for JsApiPayRequest {
    const PATH: &'static str = "/v1/trade/jsApiPay";
    const READ: Read = Read::Prepay;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let merchant = merchant_no(&self.merchant_no, creds)?;
        Ok(Form::default()
            .put("merchantNo", merchant)
            .put("totalAmount", self.total_amount.to_yuan())
            .put("miniAppId", self.mini_app_id.as_str())
            .put("openId", self.open_id.as_str())
            .put("orderId", self.order_id.as_str())
            .put("walletType", self.wallet_type.clone().unwrap_or_else(|| DEFAULT_WALLET_TYPE.to_string()))
            .opt("notifyUrl", self.notify_url.as_deref())
            .done())
    }

    fn check(&self, answer: &PrepayResponse) -> Result<()> {
        answer.order_id.as_deref().map_or(Ok(()), |got| same_order(&self.order_id, got))
    }
}

/// `miniPay`: WeChat mini-program prepay. `totalAmount` in fen (also on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MiniPayRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_version: Option<String>,
    /// The seed types it String(32), too short for most URLs; checked against 255 like
    /// jsApiPay's.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
}

impl Operation for MiniPayRequest {
    type Answer = PrepayResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "mini_pay",
        summary: "WeChat mini-program prepay, totalAmount in fen (5.3.2)",
        effect: Effect::PreOrder,
    };

    /// Sunmi's prepays are WeChat's (JSAPI and mini-program).
    fn payer_wallet(&self) -> Option<&'static str> {
        Some("wechat")
    }

    /// Checked before anything is journalled or sent (the merchant number, which may come from
    /// the credentials, when the request is encoded).
    fn validate(&self) -> Result<()> {
        positive("totalAmount", self.total_amount)?;
        token("miniAppId", &self.mini_app_id, 32)?;
        token("openId", &self.open_id, 128)?;
        MINI_ORDER_ID.check("orderId", &self.order_id)?;
        opt_token("appVersion", &self.app_version, 80)?;
        if let Some(u) = &self.notify_url {
            url("notifyUrl", u, 255)?;
        }
        Ok(())
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.order_id, self.total_amount))
    }
}

impl Call for MiniPayRequest {
    const PATH: &'static str = "/v1/trade/miniPay";
    const READ: Read = Read::Prepay;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let merchant = merchant_no(&self.merchant_no, creds)?;
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PrepayResponse {
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    /// Sunmi's order number.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mis_id: Option<String>,
    /// The channel's order number.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    /// Fen (both prepays answer in fen).
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    /// Unix seconds, or yyyyMMddHHmmss in jsApiPay's example: kept as given.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_time: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform: Option<Platform>,
    /// wxpay: the openId; alipay: the userId.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_json")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cloud_pay_info: Option<CloudPayInfoJson>,
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_pay_amount: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_msg: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<TradeStatus>,
    #[serde(rename = "sub_code", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_code: Option<SubCode>,
    #[serde(rename = "sub_msg", default, deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_msg: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
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

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::secret::Secret;
    use crate::wire::JsonText;
    use serde_json::json;

    /// As the client does: validated, then encoded.
    fn checked<O: crate::operation::Operation + Call>(req: &O, creds: &Credentials) -> Result<RawFields> {
        req.validate()?;
        req.fields(creds)
    }

    #[test]
    fn seed_answers_decode() {
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
        assert_eq!(garbled.cloud_pay_info, Some(CloudPayInfoJson::Unparsed("{not json".into())));
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
        let f = checked(&js, &c).unwrap();
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
        let f = checked(&mini, &c).unwrap();
        assert_eq!((f["totalAmount"].as_str(), f["merchantNo"].as_str()), ("15800", "8202915737"));
    }

    #[test]
    fn validation_names_the_field() {
        let c = creds();
        let mut js: JsApiPayRequest = serde_json::from_value(json!({
            "totalAmount": 100, "miniAppId": "wx1", "openId": "o1", "orderId": "A1"
        }))
        .unwrap();
        assert!(checked(&js, &c).is_ok());
        js.total_amount = Money::ZERO;
        assert_eq!(field_of(checked(&js, &c).unwrap_err()), "totalAmount");
        js.total_amount = Money::from_fen(1, "a").unwrap();
        js.order_id = "A 1".into();
        assert_eq!(field_of(checked(&js, &c).unwrap_err()), "orderId");
        js.order_id = "A1".into();
        js.open_id = "o".repeat(129);
        assert_eq!(field_of(checked(&js, &c).unwrap_err()), "openId");
        js.open_id = "o1".into();
        js.notify_url = Some("ftp://x/".into());
        assert_eq!(field_of(checked(&js, &c).unwrap_err()), "notifyUrl");
        js.notify_url = None;
        let no_merchant = Credentials::new("app", Secret::new("k"));
        assert_eq!(field_of(checked(&js, &no_merchant).unwrap_err()), "merchantNo");

        let mut mini: MiniPayRequest = serde_json::from_value(json!({
            "totalAmount": 1, "miniAppId": "wx1", "openId": "o1", "orderId": "A".repeat(32)
        }))
        .unwrap();
        assert!(checked(&mini, &c).is_ok());
        mini.order_id = "A".repeat(33);
        assert_eq!(field_of(checked(&mini, &c).unwrap_err()), "orderId");
        assert!(serde_json::from_value::<MiniPayRequest>(json!({"totalAmount": -1})).is_err());
    }
}
