//! `swipeQuery` (3.3.1): the card-swipe trades of Sunmi's financial terminals.

use serde::{Deserialize, Serialize};

use super::call::{decode_object, same_order, Call, ExtraJson, FromData};
use super::codes::{payment_state, CardGov, CardType, OrderType, Read, SubCode, TradeStatus};
use super::form::{blank, opt_token, token, trade_date, Form};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::operation::{Effect, Operation, OperationInfo};
use crate::sunmi::Credentials;
use crate::trade::{RawFields, TradeState};
use crate::wire::de;

// --- swipeQuery (3.3.1)

/// `swipeQuery`: a card-swipe trade of a Sunmi financial terminal, by `orderId` and/or
/// `platformId` (at least one), on `tradeDate` (today when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SwipeQueryRequest {
    /// The terminal's SN; the credentials' `msn` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msn: Option<String>,
    /// yyyyMMdd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_id: Option<String>,
}

impl Operation for SwipeQueryRequest {
    type Answer = SwipeTrade;
    const INFO: OperationInfo = OperationInfo {
        name: "swipe_query",
        summary: "A card-swipe trade of a Sunmi terminal by orderId / platformId (3.3.1)",
        effect: Effect::Read,
    };
}

impl Call for SwipeQueryRequest {
    const PATH: &'static str = "/v1/trade/swipeQuery";
    const READ: Read = Read::Query;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let msn = self.msn.clone().or_else(|| creds.msn.clone()).unwrap_or_default();
        if msn.trim().is_empty() {
            return Err(Error::invalid("msn", "required: give the terminal's SN or set msn in the credentials"));
        }
        token("msn", &msn, 64)?;
        trade_date(&self.trade_date)?;
        if blank(&self.order_id) && blank(&self.platform_id) {
            return Err(Error::invalid("orderId", "give orderId or platformId (or both)"));
        }
        opt_token("orderId", &self.order_id, 80)?;
        opt_token("platformId", &self.platform_id, 80)?;
        Ok(Form::default()
            .put("msn", msn)
            .opt("tradeDate", self.trade_date.as_deref())
            .opt("orderId", self.order_id.as_deref().filter(|s| !s.trim().is_empty()))
            .opt("platformId", self.platform_id.as_deref().filter(|s| !s.trim().is_empty()))
            .done())
    }

    fn check(&self, answer: &SwipeTrade) -> Result<()> {
        match (self.order_id.as_deref(), answer.order_id.as_deref()) {
            (Some(asked), Some(got)) => same_order(asked, got),
            _ => Ok(()),
        }
    }
}

/// A card-swipe trade (3.3.1's answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct SwipeTrade {
    /// e.g. CNY.
    #[serde(rename = "TransCurrency", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trans_currency: Option<String>,
    #[serde(default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub batch_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_gov: Option<CardGov>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_hash: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_type: Option<CardType>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_type: Option<OrderType>,
    /// The original trade's reference number (refunds, voids).
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ori_trade_ref: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    /// Unix seconds.
    #[serde(default, deserialize_with = "de::opt_whole_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_time: Option<i64>,
    /// The channel's order number (e.g. Shengpay's).
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_id: Option<String>,
    /// "00" is success (the card networks' response code).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_code: Option<SubCode>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result_msg: Option<String>,
    /// The card number's last 4 digits.
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub short_card: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<TradeStatus>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub terminal_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trace_no: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_ref: Option<String>,
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

impl FromData for SwipeTrade {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        decode_object(data)
    }
}

impl SwipeTrade {
    /// Where the trade stands: a sale by `state` (refunds and voids of a card trade are trades
    /// of their own, so a sale's state never says "refunded"), a refund or void as succeeded
    /// (paid-like: money moved) or not.
    pub fn trade_state(&self) -> TradeState {
        payment_state(self.state.as_ref(), self.sub_code.as_ref().or(self.result_code.as_ref()), self.amount, None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::secret::Secret;
    use serde_json::json;

    #[test]
    fn seed_answers_decode() {
        // 3.3.1's example.
        let swipe: SwipeTrade = decode_object(json!({
            "TransCurrency": "CNY", "amount": 19900, "batchNo": "000001", "cardGov": "CUP",
            "cardHash": "22005e1c89abc6c6b7090534c31180af38643346", "cardType": "SCC",
            "merchantNo": "820102179970017", "orderType": 0, "oriTradeRef": "", "orderId": "201906300600003",
            "payTime": 1561892597, "platformId": "331916913", "resultCode": "00", "resultMsg": "交易成功",
            "shortCard": "4402", "state": 3, "terminalNo": "10040784", "traceNo": "000293", "tradeRef": "454881473"
        }))
        .unwrap();
        assert_eq!(swipe.amount.map(Money::fen), Some(19900));
        assert_eq!(swipe.card_gov, Some(CardGov::BankCard));
        assert_eq!(swipe.card_type, Some(CardType::SemiCredit));
        assert_eq!(swipe.ori_trade_ref, None);
        assert_eq!(swipe.trade_state(), TradeState::Paid);
        assert!(swipe.extra.is_empty(), "{:?}", swipe.extra);
        let out = serde_json::to_value(&swipe).unwrap();
        assert_eq!(out["TransCurrency"], "CNY");
        assert_eq!(out["orderType"], 0);
    }

    #[test]
    fn validation_names_the_field() {
        let c = creds();
        let s =
            SwipeQueryRequest { trade_date: Some("20191332".into()), order_id: Some("1".into()), ..Default::default() };
        assert_eq!(field_of(s.fields(&c).unwrap_err()), "tradeDate");
        let s = SwipeQueryRequest::default();
        assert_eq!(field_of(s.fields(&c).unwrap_err()), "orderId");
        let s = SwipeQueryRequest { order_id: Some("1".into()), ..Default::default() };
        assert_eq!(s.fields(&c).unwrap()["msn"], "V206D88200036");
        assert_eq!(field_of(s.fields(&Credentials::new("app", Secret::new("k"))).unwrap_err()), "msn");
    }
}
