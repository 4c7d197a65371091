//! The nested JSON strings of the answers (`promotion_detail`, `refund_list`, `partner_list`,
//! `pay_info`) as typed records, and the `goods_detail` lines requests send.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codes::{PaymentChannel, RefundStatus};
use super::de;
use crate::money::Money;

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
