//! The nested JSON strings of the answers (`promotion_detail`, `refund_list`, `partner_list`,
//! `pay_info`) as typed records, and the `goods_detail` lines requests send.

use serde::{Deserialize, Serialize};

use super::codes::{PaymentChannel, RefundStatus};
use super::de;
use crate::money::Money;

use crate::wire::json_text;
pub use crate::wire::JsonText;

json_text!(
    /// `partner_list`: a JSON string in the answer.
    PartnerListJson(Vec<Partner>)
);
json_text!(
    /// `refund_list`: a JSON string in the answer.
    RefundListJson(Vec<RefundItem>)
);
json_text!(
    /// `promotion_detail`: a JSON string in the answer.
    PromotionDetailJson(PromotionDetail)
);
json_text!(
    /// `pay_info` of a WeChat pre-order: the parameters for the payer's WeChat.
    WechatPayInfoJson(WechatPayInfo)
);
json_text!(
    /// `pay_info` of an Alipay pre-order.
    AlipayPayInfoJson(AlipayPayInfo)
);

pub use crate::wire::{Extra, ExtraJson};

/// `promotion_detail`: `{"promotion_detail": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PromotionDetail {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub promotion_detail: Vec<Promotion>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Promotion {
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub promotion_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// SINGLE / GLOBAL.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub scope: Option<String>,
    /// DISCOUNT / COUPON.
    #[serde(rename = "type", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub activity_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wxpay_contribute: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_contribute: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub other_contribute: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_detail: Vec<PromotionGoods>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PromotionGoods {
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub quantity: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub price: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub discount_amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_remark: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

/// One entry of `refund_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RefundItem {
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub serial_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_refund_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_refund_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_channel: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub base_refund_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub coupon_refund_fee: Option<Money>,
    pub refund_status: RefundStatus,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_time: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

/// One entry of `partner_list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Partner {
    pub pay_channel: PaymentChannel,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub appid: Option<String>,
    /// WeChat sub-merchant number; empty until WeChat approved it.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub partner_id: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

/// `pay_info` of WECHAT_PreOrder: the parameters of the WeChat JSAPI `chooseWXPay` call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WechatPayInfo {
    #[serde(rename = "appId", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_id: Option<String>,
    #[serde(rename = "timeStamp", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_stamp: Option<String>,
    #[serde(rename = "nonceStr", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub package: Option<String>,
    #[serde(rename = "signType", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sign_type: Option<String>,
    #[serde(rename = "paySign", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_sign: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub callback_url: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

/// `pay_info` of ALIPAY_PreOrder (the seed only says "JSON字符串"): the trade number that
/// `AlipayJSBridge.call("tradePay")` takes, and whatever else comes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AlipayPayInfo {
    #[serde(rename = "tradeNO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: ExtraJson,
}

/// One line of `goods_detail` (pay, facepay, WECHAT_PreOrder), sent as a JSON array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct GoodsDetail {
    /// Letters, digits, `-` and `_`.
    pub goods_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_goods_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_name: Option<String>,
    pub quantity: u32,
    /// Unit price in fen.
    pub price: Money,
}
