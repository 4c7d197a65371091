//! The pre-orders: `WECHAT_PreOrder` and `ALIPAY_PreOrder` (JSAPI, QR, APP).

use serde::{Deserialize, Serialize};

use super::call::{Call, Endpoint, WithStatus, ALIPAY_ORDER_NO, ORDER_NO};
use super::codes::{PayType, Read, Status, TradeType};
use super::de;
use super::form::{given, given_masked, goods, nonce, notify_url, positive, timestamp, Form};
use super::records::{AlipayPayInfoJson, GoodsDetail, WechatPayInfoJson};
use crate::chaoying::Credentials;
use crate::error::{Error, Result};
use crate::ids::require;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::RawFields;

// --- WECHAT_PreOrder (微信预下单)

/// `WECHAT_PreOrder`: official account / mini program (JSPAY), QR (NATIVE) or APP.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct WechatPreOrderRequest {
    /// Required for JSPAY, APP and APP_BANK.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_appid: Option<String>,
    /// Mini program (`true`) or official account (`false`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub is_minipg: Option<bool>,
    /// The payer's sub_openid under sub_appid; required for JSPAY.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_id: Option<Masked>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub device_info: Option<String>,
    pub body: String,
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: Money,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_create_ip: Option<String>,
    /// yyyyMMddHHmmss, GMT+8.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_start: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_expire: Option<String>,
    /// Where the result notification is posted; no query string allowed.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_user_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_shop_id: Option<String>,
    /// `no_credit`: no credit cards.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit_pay: Option<String>,
    pub trade_type: TradeType,
    /// Required for NATIVE.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_tag: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WechatPreOrderResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub appid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_openid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub token_id: Option<String>,
    /// JSPAY: the parameters that start WeChat Pay in the page.
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_info: Option<WechatPayInfoJson>,
    /// NATIVE: an image of the QR code.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code_img_url: Option<String>,
    /// NATIVE: the text to put in a QR code.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code_url: Option<String>,
    /// Supported trade types, `|`-separated.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub services: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_sub_mch_id: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for WechatPreOrderResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- ALIPAY_PreOrder (支付宝预下单)

/// `ALIPAY_PreOrder`: service window (JSPAY) or QR (NATIVE).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct AlipayPreOrderRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub device_info: Option<String>,
    pub body: String,
    /// Letters and digits only.
    pub out_trade_no: String,
    /// Fen.
    pub total_fee: Money,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_create_ip: Option<String>,
    /// Both or neither with `time_expire` (only together do they take effect).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_start: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_expire: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_tag: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_user_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_shop_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit_pay: Option<String>,
    pub trade_type: TradeType,
    /// The seed makes it required for JSPAY.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_id: Option<String>,
    /// For JSPAY, this or `buyer_id`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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
                return Err(Error::invalid("buyer_id", "required (or buyer_logon_id) for trade_type JSPAY"));
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AlipayPreOrderResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// JSPAY: what starts the Alipay wallet.
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_info: Option<AlipayPayInfoJson>,
    /// JSPAY: a reference payment page.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code_img_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for AlipayPreOrderResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::wire::JsonText;

    #[test]
    fn pay_info_of_the_seed() {
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
    fn validation_names_the_field() {
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
    }
}
