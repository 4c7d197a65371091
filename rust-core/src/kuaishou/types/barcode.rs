//! `preOrder` (2.x, 被扫): the merchant scans the payer's code. The server holds the call while
//! the payer confirms and cancels the order itself after 80 s; `SUCCESS` means paid ("请求并支付
//! 成功"), any code that is not a clear refusal means unknown: query.

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
use crate::rules::CodeWallet;
use crate::secret::Masked;
use crate::trade::{GatewayId, TradeResult, TradeState};

/// `preOrder`: a barcode payment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct BarcodePreOrderRequest {
    /// `CHARGE_CODE`: the merchant's order number, unique.
    pub charge_code: String,
    /// `AMT`, fen (sent as yuan).
    pub amount: Money,
    /// `DYNAMIC_ID`: the payer's code.
    pub dynamic_id: Masked,
    /// `PAY_SUBJECT`.
    pub subject: String,
    /// `CHANNEL_TYPE`; `0` (the default) lets the server tell the wallet from the code.
    #[serde(default = "auto")]
    pub channel_type: ChannelType,
    /// `DYNAMIC_ID_TYPE`: 1 barcode (default), 2 sound wave, 3 NFC.
    #[serde(default = "barcode")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 1))]
    pub dynamic_id_type: u8,
    /// `OPER_ID`; the credentials' when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub oper_id: Option<String>,
    /// `DEV_ID`; the credentials' when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dev_id: Option<String>,
    /// `REGISTER_ID`: the store.
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
    /// `verifyCodes`: one redemption code.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub verify_codes: Option<String>,
}

/// The wallets whose payment codes `preOrder` takes: appendix 2's channels that issue payment
/// codes, WeChat (2), Alipay (1), QQ Wallet (31) and Bestpay (27). (UnionPay's 32 is a card
/// payment, Baidu Wallet's 24 publishes no code format; JD is not a channel.)
pub const CODE_WALLETS: [CodeWallet; 4] = [CodeWallet::Wechat, CodeWallet::Alipay, CodeWallet::Qq, CodeWallet::Bestpay];

/// The `CHANNEL_TYPE` of a payment code's wallet; `None` for a code none of them issues.
pub fn channel_of_code(code: &str) -> Option<ChannelType> {
    match crate::rules::wallet_of_code(code)? {
        CodeWallet::Wechat => Some(ChannelType::Wechat),
        CodeWallet::Alipay => Some(ChannelType::Alipay),
        CodeWallet::Qq => Some(ChannelType::QqWallet),
        CodeWallet::Bestpay => Some(ChannelType::Bestpay),
        _ => None,
    }
}

fn auto() -> ChannelType {
    ChannelType::Auto
}

fn barcode() -> u8 {
    1
}

impl Operation for BarcodePreOrderRequest {
    type Answer = PreOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "barcode_pre_order",
        summary: "preOrder: barcode payment (merchant scans the payer's code); auto-cancelled at 80 s",
        effect: Effect::Charge,
    };

    fn payer_wallet(&self) -> Option<&'static str> {
        crate::operation::code_wallet(&self.dynamic_id)
    }

    fn validate(&self) -> Result<()> {
        CHARGE_CODE.check("charge_code", &self.charge_code)?;
        crate::rules::amount(GatewayId::Kuaishou, "amount", self.amount)?;
        match self.dynamic_id_type {
            // A barcode: a payment code one of the channels' wallets issues.
            1 => crate::rules::payment_code("dynamic_id", self.dynamic_id.expose(), &CODE_WALLETS).map(|_| ())?,
            2 | 3 => crate::ids::payment_code("dynamic_id", self.dynamic_id.expose())?,
            _ => return Err(Error::invalid("dynamic_id_type", "1 barcode, 2 sound wave or 3 NFC")),
        }
        require("subject", &self.subject)?;
        not_blank("oper_id", &self.oper_id)?;
        not_blank("dev_id", &self.dev_id)?;
        check_goods(&self.goods)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.charge_code, self.amount))
    }

    /// An answer is `SUCCESS` (refusals are errors): paid.
    fn settlement(&self, answer: &PreOrderResponse) -> Option<TradeResult> {
        let mut r = TradeResult::new(&self.charge_code, TradeState::Paid);
        r.amount = answer.amt.or(Some(self.amount));
        r.gateway_trade_no = answer.charge_down_code.clone();
        r.channel = answer.channel_type.as_ref().map(|c| c.description().to_string()).filter(|c| !c.is_empty());
        r.gateway_code = Some(answer.result.code.as_str().to_string());
        r.message = answer.result.info.clone();
        Some(r)
    }
}

impl Call for BarcodePreOrderRequest {
    const ROOT: &'static str = "ORDER_RESP";

    fn path(&self, _: &Credentials) -> Vec<String> {
        vec!["preOrder".into()]
    }

    /// `TIME_EXPIRE` is never sent: the server's 80 s auto-cancel governs a barcode order, and
    /// the field's "at least 120 s" would contradict it (digest decision 12).
    fn body(&self, creds: &Credentials) -> Option<serde_json::Map<String, Value>> {
        let goods = (!self.goods.is_empty()).then(|| Value::Array(self.goods.iter().map(GoodsItem::wire).collect()));
        let mut b = Body::default()
            .put("BUSI_ID", creds.busi_code.as_str())
            .put("OPER_ID", self.oper_id.clone().unwrap_or_else(|| creds.oper_id.clone()))
            .put("DEV_ID", self.dev_id.clone().unwrap_or_else(|| creds.dev_id.clone()))
            .opt("MERCHANTPARA", self.merchant_para.as_deref().map(encode_merchant_para).as_deref())
            .opt("REGISTER_ID", self.register_id.as_deref())
            .put("AMT", self.amount.to_yuan())
            .put("CHANNEL_TYPE", self.channel_type.as_str())
            .put("DYNAMIC_ID_TYPE", self.dynamic_id_type.to_string())
            .put("DYNAMIC_ID", self.dynamic_id.expose())
            .put("CHARGE_CODE", self.charge_code.as_str())
            .put("PAY_SUBJECT", self.subject.as_str())
            .opt("verifyCodes", self.verify_codes.as_deref());
        if let Some(g) = goods {
            b = b.value("GOODS_DETAIL", g);
        }
        b.done()
    }

    fn check(&self, answer: &PreOrderResponse) -> Result<()> {
        same_charge(&self.charge_code, answer.charge_code.as_deref())
    }
}

/// `ORDER_RESP` of preOrder (2.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PreOrderResponse {
    #[serde(rename = "RESULT")]
    pub result: ResultInfo,
    /// The wallet the server detected.
    #[serde(rename = "CHANNEL_TYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_type: Option<ChannelType>,
    #[serde(rename = "CHARGE_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_code: Option<String>,
    /// Kuaishou's trade number.
    #[serde(rename = "CHARGE_DOWN_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_down_code: Option<String>,
    /// The wallet's trade number.
    #[serde(rename = "CHARGE_THIRD_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_third_code: Option<String>,
    #[serde(rename = "MERCHANTPARA", default, deserialize_with = "opt_merchant_para")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_para: Option<MerchantPara>,
    #[serde(rename = "FUND_BILL_LIST", default, deserialize_with = "fund_bills")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bills: Vec<FundBill>,
    #[serde(rename = "OPER_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub oper_id: Option<String>,
    #[serde(rename = "DEV_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dev_id: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`, Beijing time, as received.
    #[serde(rename = "BEGIN_TIME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub begin_time: Option<String>,
    /// `AMT`: fen in answers (a number in the sample, a string in the table).
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amt: Option<Money>,
    /// Fields the seed does not list, as received.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl WithResult for PreOrderResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    #[test]
    fn seed_2_4_request_reads_and_sends_strings() {
        let r = BarcodePreOrderRequest {
            charge_code: "1FD7DA99-997C-4C27-99F9-40C1EC170D5C".into(),
            amount: fen(1),
            dynamic_id: "130730865806264036".into(),
            subject: "SOUSHOU product 2".into(),
            channel_type: ChannelType::Auto,
            dynamic_id_type: 1,
            oper_id: Some("test1".into()),
            dev_id: Some("Cash register 1".into()),
            register_id: Some("02016".into()),
            merchant_para: None,
            goods: vec![],
            verify_codes: Some("915346596237".into()),
        };
        assert!(r.validate().is_ok());
        let body = Value::Object(r.body(&creds()).unwrap());
        // The seed's 2.4 sample, field for field (its GOODS_DETAIL aside).
        let sample = seed_sample("2.4");
        for k in ["AMT", "CHANNEL_TYPE", "DYNAMIC_ID_TYPE", "DYNAMIC_ID", "PAY_SUBJECT", "OPER_ID", "CHARGE_CODE"] {
            assert_eq!(body[k], sample[k], "{k}");
        }
        for k in ["REGISTER_ID", "DEV_ID", "verifyCodes", "BUSI_ID"] {
            assert_eq!(body[k], sample[k], "{k}");
        }
        assert!(body.get("TIME_EXPIRE").is_none());
        // The journal's copy masks the code.
        assert!(!serde_json::to_string(&r).unwrap().contains("130730865806264036"));
    }

    #[test]
    fn bad_input_names_the_field() {
        let ok: BarcodePreOrderRequest = serde_json::from_value(serde_json::json!({
            "charge_code": "A1", "amount": 100, "dynamic_id": "134567890123450000", "subject": "x"}))
        .unwrap();
        assert!(ok.validate().is_ok());
        assert_eq!(ok.channel_type, ChannelType::Auto);
        let with = |f: &dyn Fn(&mut BarcodePreOrderRequest)| {
            let mut r = ok.clone();
            f(&mut r);
            field_of(r.validate().unwrap_err())
        };
        assert_eq!(with(&|r| r.charge_code = "A 1".into()), "charge_code");
        assert_eq!(with(&|r| r.amount = Money::ZERO), "amount");
        assert_eq!(with(&|r| r.dynamic_id = "".into()), "dynamic_id");
        assert_eq!(with(&|r| r.dynamic_id = "12-34".into()), "dynamic_id");
        assert_eq!(with(&|r| r.dynamic_id = "184567890123450000".into()), "dynamic_id", "JD: not a channel");
        assert_eq!(with(&|r| r.dynamic_id = "13456789012345".into()), "dynamic_id");
        assert_eq!(with(&|r| r.amount = Money::from_fen(i32::MAX as i64 + 1, "a").unwrap()), "amount");
        let mut sound = ok.clone();
        sound.dynamic_id_type = 2;
        sound.dynamic_id = "SW12345".into();
        assert!(sound.validate().is_ok(), "a sound-wave id is no wallet's barcode");
        assert_eq!(with(&|r| r.dynamic_id_type = 4), "dynamic_id_type");
        assert_eq!(with(&|r| r.subject = " ".into()), "subject");
        assert_eq!(with(&|r| r.dev_id = Some("".into())), "dev_id");
    }

    #[test]
    fn seed_2_6_answer() {
        let a: PreOrderResponse = answer("2.6", "ORDER_RESP");
        assert!(a.result.code.is_success());
        assert_eq!(a.result.info.as_deref(), Some("请求并支付成功!"));
        assert_eq!(a.channel_type, Some(ChannelType::Wechat));
        assert_eq!(a.charge_down_code.as_deref(), Some("20151014100000000953"));
        assert_eq!(a.charge_third_code.as_deref(), Some("2088110245121545154"));
        assert_eq!(a.amt, Some(fen(1)));
        assert_eq!(a.fund_bills[0].amount, Some(fen(1)));
        assert_eq!(a.dev_id.as_deref(), Some("收银机1"));
        let req: BarcodePreOrderRequest = serde_json::from_value(serde_json::json!({
            "charge_code": "E4E0D212-789B-4914-A4EB-19550F751066", "amount": 1,
            "dynamic_id": "134567890123450000", "subject": "x"}))
        .unwrap();
        assert!(req.check(&a).is_ok());
        let t = req.settlement(&a).unwrap();
        assert_eq!(
            (t.state, t.amount, t.gateway_trade_no.as_deref()),
            (TradeState::Paid, Some(fen(1)), Some("20151014100000000953"))
        );
        let other = BarcodePreOrderRequest { charge_code: "OTHER".into(), ..req };
        assert!(other.check(&a).unwrap_err().outcome_unknown());
    }
}
