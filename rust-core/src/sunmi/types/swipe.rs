//! `swipeQuery` (3.3.1): the card-swipe trades of Sunmi's financial terminals.

use serde::{Deserialize, Serialize};

use super::call::{decode_object, same_order, Call, ExtraJson, FromData};
use super::codes::{CardGov, CardType, CodeKind, OrderType, Read, SubCode, TradeStatus};
use super::form::{blank, opt_token, token, trade_date, Form};
use crate::clock::{beijing, now_unix};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::operation::{Effect, Operation, OperationInfo};
use crate::sunmi::Credentials;
use crate::trade::{RawFields, Swipe, SwipeKind, TradeResult, TradeState};
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
    /// What the trade did, by `orderType`: a sale (or a pre-authorisation's completion) took
    /// money, a refund gave part back, a void (撤单) or revoke (撤销) all of it; a
    /// pre-authorisation's hold or a query record moved none.
    pub fn kind(&self) -> SwipeKind {
        match &self.order_type {
            Some(OrderType::Sale | OrderType::PreAuthComplete) => SwipeKind::Sale,
            Some(OrderType::Refund) => SwipeKind::Refund,
            Some(OrderType::Void | OrderType::Revoke) => SwipeKind::Void,
            _ => SwipeKind::Other,
        }
    }

    /// Where the trade stands, by `state` with `resultCode`. A sale: paid (3), failed (5), paying
    /// (1, 2), or refunded once ended (4): the seed's one reading of 4 is "the original order
    /// after a void", and the void is a trade of its own that gave all of it back. A refund or
    /// void: refunded when it went through (3), failed (5), paying (1, 2). Anything else (a
    /// success whose `resultCode` says otherwise, a refund "ended", a state or code posgate does
    /// not know, no state at all, which 3.3.1 makes mandatory) is unknown: not final.
    pub fn trade_state(&self) -> TradeState {
        let code = self.sub_code.as_ref().or(self.result_code.as_ref());
        let approved = code.is_none_or(|c| c.kind() == CodeKind::Success);
        let kind = self.kind();
        match &self.state {
            Some(TradeStatus::Success) if !approved => TradeState::Unknown,
            Some(TradeStatus::Success) if kind.is_return() => TradeState::Refunded,
            Some(TradeStatus::Success) => TradeState::Paid,
            Some(TradeStatus::Finished) if kind == SwipeKind::Sale => TradeState::Refunded,
            Some(TradeStatus::Created | TradeStatus::Unpaid) => TradeState::Paying,
            Some(TradeStatus::Failed) => TradeState::Failed,
            Some(TradeStatus::Finished | TradeStatus::Other(_)) | None => TradeState::Unknown,
        }
    }

    /// The wallet's plain name, from the card organisation (3.5): a bank card (CUP, or a card
    /// type with no organisation) clears through UnionPay in China; a scanned code names its
    /// wallet; an organisation posgate does not know keeps Sunmi's spelling.
    pub fn wallet(&self) -> Option<String> {
        let named = match &self.card_gov {
            Some(CardGov::Wechat) => "wechat",
            Some(CardGov::Alipay) => "alipay",
            Some(CardGov::Shengpay) => "shengpay",
            Some(CardGov::BankCard | CardGov::UnionPayQr | CardGov::UnionPayStaticQr | CardGov::UnionPayDynamicQr) => {
                "unionpay"
            }
            Some(CardGov::Other(other)) => return Some(other.to_ascii_lowercase()),
            None => match self.card_type {
                Some(CardType::Credit | CardType::Debit | CardType::SemiCredit) => "unionpay",
                _ => return None,
            },
        };
        Some(named.to_string())
    }

    /// The card number's last four digits, only: whatever else `shortCard` may carry is dropped,
    /// so no card number can reach the journal or a log.
    pub fn card_last4(&self) -> Option<String> {
        let digits: Vec<char> = self.short_card.as_deref()?.chars().filter(char::is_ascii_digit).collect();
        (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
    }

    /// The gateway-neutral swipe that `order_id` asked for on `asked_date` (`None`: Sunmi's
    /// today). The trade's day is the one asked for, else its payment time's Beijing date, else
    /// today's: a later lookup must name it (without `tradeDate` Sunmi looks at today only).
    /// `cardHash` is left out: nothing downstream needs it.
    pub fn to_swipe(&self, order_id: &str, asked_date: Option<&str>) -> Swipe {
        let trade_date = asked_date
            .map(str::to_string)
            .or_else(|| self.pay_time.and_then(|t| u64::try_from(t).ok()).map(|t| beijing(t).date_compact()))
            .unwrap_or_else(|| beijing(now_unix()).date_compact());
        let code = self.sub_code.as_ref().or(self.result_code.as_ref());
        Swipe {
            kind: self.kind(),
            trade: TradeResult {
                order_no: order_id.to_string(),
                state: self.trade_state(),
                amount: self.amount,
                gateway_trade_no: self.platform_id.clone(),
                channel: self.wallet(),
                gateway_code: code.map(|c| c.as_str().to_string()),
                message: self.sub_msg.clone().or_else(|| self.result_msg.clone()),
            },
            trade_ref: self.trade_ref.clone(),
            original_trade_ref: self.ori_trade_ref.clone(),
            trade_date,
            paid_at_ms: self.pay_time.and_then(|t| t.checked_mul(1000)),
            card_last4: self.card_last4(),
            card_type: self.card_type.as_ref().map(|t| {
                match t {
                    CardType::Credit => "credit",
                    CardType::Debit => "debit",
                    CardType::SemiCredit => "semi_credit",
                    CardType::Scan => "scan",
                    CardType::Other(other) => other,
                }
                .to_string()
            }),
        }
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

    /// 3.3.1's example (the sandbox fixture's first trade, "4.2.3"): a semi-credit bank card's sale.
    fn seed_example() -> serde_json::Value {
        json!({
            "TransCurrency": "CNY", "amount": 19900, "batchNo": "000001", "cardGov": "CUP",
            "cardHash": "22005e1c89abc6c6b7090534c31180af38643346", "cardType": "SCC",
            "merchantNo": "820102179970017", "orderType": 0, "oriTradeRef": "", "orderId": "201906300600003",
            "payTime": 1561892597, "platformId": "331916913", "resultCode": "00", "resultMsg": "交易成功",
            "shortCard": "4402", "state": 3, "terminalNo": "10040784", "traceNo": "000293", "tradeRef": "454881473"
        })
    }

    fn with(changes: serde_json::Value) -> SwipeTrade {
        let mut v = seed_example();
        for (k, x) in changes.as_object().unwrap() {
            v[k.as_str()] = x.clone();
        }
        decode_object(v).unwrap()
    }

    #[test]
    fn the_seed_example_maps_to_a_paid_bank_card_sale() {
        let trade: SwipeTrade = decode_object(seed_example()).unwrap();
        let s = trade.to_swipe("201906300600003", None);
        assert_eq!(s.kind, SwipeKind::Sale);
        let t = &s.trade;
        assert_eq!(
            (t.order_no.as_str(), t.state, t.amount.map(Money::fen)),
            ("201906300600003", TradeState::Paid, Some(19900))
        );
        assert_eq!(t.gateway_trade_no.as_deref(), Some("331916913"));
        assert_eq!(t.channel.as_deref(), Some("unionpay"), "CUP: a bank card");
        assert_eq!((t.gateway_code.as_deref(), t.message.as_deref()), (Some("00"), Some("交易成功")));
        assert_eq!((s.trade_ref.as_deref(), s.original_trade_ref.as_deref()), (Some("454881473"), None));
        // payTime 1561892597 is 2019-06-30 19:03:17 in Beijing: the day a later lookup names.
        assert_eq!((s.trade_date.as_str(), s.paid_at_ms), ("20190630", Some(1_561_892_597_000)));
        assert_eq!((s.card_last4.as_deref(), s.card_type.as_deref()), (Some("4402"), Some("semi_credit")));
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("22005e1c") && !json.contains("cardHash"), "no card hash: {json}");
        // The date asked for is the trade's day.
        assert_eq!(trade.to_swipe("201906300600003", Some("20190701")).trade_date, "20190701");
    }

    #[test]
    fn kinds_and_states() {
        let case = |changes| {
            let t = with(changes);
            (t.kind(), t.trade_state())
        };
        // A refund and a void that went through gave money back; a voided sale ended with all
        // of it back.
        assert_eq!(
            case(json!({"orderType": 1, "oriTradeRef": "454881470"})),
            (SwipeKind::Refund, TradeState::Refunded)
        );
        assert_eq!(case(json!({"orderType": 2})), (SwipeKind::Void, TradeState::Refunded));
        assert_eq!(case(json!({"orderType": 5})), (SwipeKind::Void, TradeState::Refunded));
        assert_eq!(case(json!({"state": 4})), (SwipeKind::Sale, TradeState::Refunded));
        assert_eq!(case(json!({"orderType": 4})), (SwipeKind::Sale, TradeState::Paid), "pre-auth completed");
        // Declined by the card network (51: insufficient funds).
        assert_eq!(case(json!({"state": 5, "resultCode": "51"})), (SwipeKind::Sale, TradeState::Failed));
        assert_eq!(case(json!({"state": 1})).1, TradeState::Paying);
        assert_eq!(case(json!({"state": "2"})).1, TradeState::Paying);
        // Not final: a success the code contradicts, a refund "ended", an unknown state, none.
        assert_eq!(case(json!({"resultCode": "51"})).1, TradeState::Unknown);
        assert_eq!(case(json!({"orderType": 1, "state": 4})).1, TradeState::Unknown);
        assert_eq!(case(json!({"state": 9})).1, TradeState::Unknown);
        assert_eq!(case(json!({"state": null})).1, TradeState::Unknown);
        // Nothing of money moved, or a type posgate does not know.
        assert_eq!(case(json!({"orderType": 3})).0, SwipeKind::Other);
        assert_eq!(case(json!({"orderType": 6})).0, SwipeKind::Other);
        assert_eq!(case(json!({"orderType": 9})).0, SwipeKind::Other);
    }

    #[test]
    fn wallets_and_the_cards_last_four_only() {
        let wallet = |changes| with(changes).wallet();
        assert_eq!(wallet(json!({"cardGov": "WX", "cardType": "OA"})).as_deref(), Some("wechat"));
        assert_eq!(wallet(json!({"cardGov": "ZFB01", "cardType": "OA"})).as_deref(), Some("alipay"));
        assert_eq!(wallet(json!({"cardGov": "CUP03", "cardType": "OA"})).as_deref(), Some("unionpay"));
        assert_eq!(wallet(json!({"cardGov": "SFT01"})).as_deref(), Some("shengpay"));
        assert_eq!(wallet(json!({"cardGov": "VISA"})).as_deref(), Some("visa"));
        assert_eq!(wallet(json!({"cardGov": null, "cardType": "DC"})).as_deref(), Some("unionpay"));
        assert_eq!(wallet(json!({"cardGov": null, "cardType": "OA"})), None);
        let last4 = |short: serde_json::Value| with(json!({ "shortCard": short })).card_last4();
        assert_eq!(last4(json!("6217000011112222")).as_deref(), Some("2222"), "never more than four");
        assert_eq!(last4(json!("6217 **** 4402")).as_deref(), Some("4402"));
        assert_eq!(last4(json!("")), None);
        assert_eq!(last4(json!("12")), None);
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
