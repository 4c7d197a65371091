//! The charges: `pay` (barcode), `facepay` and its SDK credentials (`getfaceauth`), and the
//! answer they share with `orderquery`.

use serde::{Deserialize, Serialize};

use super::call::{Call, Endpoint, WithStatus, ORDER_NO};
use super::codes::{PayType, Read, Status, Verdict};
use super::de;
use super::form::{auth_code, goods, positive, Form};
use super::records::{GoodsDetail, PromotionDetailJson};
use crate::chaoying::Credentials;
use crate::error::Result;
use crate::ids::require;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::Masked;
use crate::trade::{RawFields, TradeResult, TradeState};

// --- pay (刷卡支付-提交支付)

/// `pay`: barcode payment (B scans C).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub device_info: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub attach: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_create_ip: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_user_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_shop_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_device_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_tag: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_detail: Vec<GoodsDetail>,
}

impl Operation for BarcodePayRequest {
    type Answer = TradeResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "barcode_pay",
        summary: "Barcode payment (B scans C) with the payer's auth_code",
        effect: Effect::Charge,
    };

    fn payer_wallet(&self) -> Option<&'static str> {
        crate::operation::code_wallet(&self.auth_code)
    }

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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub device_info: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub attach: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_create_ip: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_user_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_shop_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub op_device_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_tag: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_detail: Vec<GoodsDetail>,
}

impl Operation for FacePayRequest {
    type Answer = TradeResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "face_pay",
        summary: "WeChat face payment with the face SDK's openid and face_code",
        effect: Effect::Charge,
    };

    /// WeChat's face payment.
    fn payer_wallet(&self) -> Option<&'static str> {
        Some("wechat")
    }

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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TradeResponse {
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
    pub is_subscribe: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub openid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_appid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_is_subscribe: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_openid: Option<String>,
    /// Chaoying's trade number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub transaction_id: Option<String>,
    /// The wallet's trade number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_transaction_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Amount due (the order amount).
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub base_fee: Option<Money>,
    /// Amount actually paid (after promotions).
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_fee: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub coupon_fee: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fee_type: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub attach: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_type: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_billno: Option<String>,
    /// yyyyMMddHHmmss, GMT+8.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_end: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_type: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub promotion_detail: Option<PromotionDetailJson>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wx_sub_mch_id: Option<String>,
    /// Fields the seed does not list, as received.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FaceAuthResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub appid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_appid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_mch_id: Option<String>,
    /// Passed to the face SDK's `getWxpayfaceCode`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub authinfo: Option<String>,
    /// Seconds.
    #[serde(default, deserialize_with = "de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub expires_in: Option<u64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for FaceAuthResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::chaoying::protocol;
    use crate::chaoying::types::decode;
    use crate::wire::JsonText;

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
        assert_eq!(r.promotion_detail, Some(PromotionDetailJson::Unparsed("{oops".into())));
        let bad: std::result::Result<TradeResponse, _> =
            decode(&protocol::parse_answer(r#"{"state":"SUCCESS","code":"10000","total_fee":"1.00"}"#).unwrap());
        assert!(matches!(bad, Err(crate::chaoying::Error::Malformed(_))));
        let missing: std::result::Result<TradeResponse, _> =
            decode(&protocol::parse_answer(r#"{"msg":"no state"}"#).unwrap());
        assert!(missing.is_err());
    }

    #[test]
    fn face_auth_answer_of_the_vendor_docs() {
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
            auth_code: "134567890123450000".into(),
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
            "agent_id=13000000000000000&auth_code=134567890123450000&body=超赢支付&goods_detail=[{\"goods_id\""
        ));
    }

    #[test]
    fn invoke_params_deserialize_with_fen() {
        let r: BarcodePayRequest = serde_json::from_value(serde_json::json!({
            "out_trade_no": "PG0001", "total_fee": 158, "auth_code": "134567890123450000", "body": "x",
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
        assert_eq!(bad(|r| r.auth_code = "abc".into()), "auth_code");
        assert_eq!(bad(|r| r.auth_code = "123123123".into()), "auth_code", "the seed's example: no wallet's");
        assert_eq!(bad(|r| r.total_fee = Money::from_fen(i32::MAX as i64 + 1, "a").unwrap()), "total_fee");
        assert_eq!(bad(|r| r.body = " ".into()), "body");
        assert_eq!(bad(|r| r.goods_detail[1].goods_id = "商品".into()), "goods_detail[1].goods_id");
        assert_eq!(bad(|r| r.goods_detail[0].quantity = 0), "goods_detail[0].quantity");
    }
}
