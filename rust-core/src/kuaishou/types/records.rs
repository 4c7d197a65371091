//! The records requests and answers share: `RESULT`, `FUND_BILL_LIST`, `GOODS_DETAIL` (appendix
//! 1), `MERCHANTPARA`; the request checks; and the lenient readers of answer values (integers
//! and amounts arrive as strings or numbers, lists as arrays or a single XML element).

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

use super::codes::{FundChannel, ResultCode};
use crate::error::{Error, Result};
use crate::ids::{require, NumberRule};
use crate::money::Money;

/// `CHARGE_CODE` and `OUT_REFUND_NO`: the seed gives no length; its samples are UUIDs (36
/// characters with dashes) and 20 digits. Letters, digits, `-` and `_`, up to 64.
pub const CHARGE_CODE: NumberRule = NumberRule::new(1, 64, "-_");

/// `RESULT`: `{CODE, INFO}`, on every answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ResultInfo {
    #[serde(rename = "CODE")]
    pub code: ResultCode,
    #[serde(rename = "INFO", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub info: Option<String>,
}

/// One `TRADEFUNDBILL`: how much of the payment (or refund) went through one fund channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FundBill {
    /// `AMOUNT`: yuan on the wire, fen here.
    #[serde(rename = "AMOUNT", default, deserialize_with = "opt_yuan")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    #[serde(rename = "FUND_CHANNEL", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_channel: Option<FundChannel>,
}

/// A goods line of `GOODS_DETAIL` (appendix 1), as a request sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct GoodsItem {
    pub id: String,
    pub name: String,
    pub class: String,
    /// Unit price in fen (sent as yuan).
    pub price: Money,
    pub subject: String,
    pub quantity: u32,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub show_url: Option<String>,
}

impl GoodsItem {
    fn check(&self, i: usize) -> Result<()> {
        for (name, v) in [("id", &self.id), ("name", &self.name), ("class", &self.class), ("subject", &self.subject)] {
            require(&format!("goods[{i}].{name}"), v)?;
        }
        if self.quantity == 0 {
            return Err(Error::invalid(format!("goods[{i}].quantity"), "must be at least 1"));
        }
        Ok(())
    }

    /// The wire object; every value a string, as the seed's samples send them.
    pub fn wire(&self) -> Value {
        let mut m = Map::new();
        m.insert("GOOD_ID".into(), json!(self.id));
        m.insert("GOOD_NAME".into(), json!(self.name));
        m.insert("GOOD_CLASS".into(), json!(self.class));
        m.insert("GOOD_PRICE".into(), json!(self.price.to_yuan()));
        m.insert("GOOD_SUBJECT".into(), json!(self.subject));
        m.insert("GOOD_QUANTITY".into(), json!(self.quantity.to_string()));
        if let Some(u) = self.show_url.as_deref().filter(|u| !u.is_empty()) {
            m.insert("GOOD_SHOWURL".into(), json!(u));
        }
        Value::Object(m)
    }
}

/// Checks every goods line, naming the line and field.
pub fn check_goods(goods: &[GoodsItem]) -> Result<()> {
    goods.iter().enumerate().try_for_each(|(i, g)| g.check(i))
}

/// A goods line as an answer returns it (the query sample sends price and quantity as numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoodsRecord {
    #[serde(rename = "GOOD_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
    #[serde(rename = "GOOD_NAME", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    #[serde(rename = "GOOD_CLASS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub class: Option<String>,
    /// Yuan on the wire, fen here.
    #[serde(rename = "GOOD_PRICE", default, deserialize_with = "opt_yuan")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub price: Option<Money>,
    #[serde(rename = "GOOD_SUBJECT", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub subject: Option<String>,
    #[serde(rename = "GOOD_QUANTITY", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub quantity: Option<u32>,
    #[serde(rename = "GOOD_SHOWURL", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub show_url: Option<String>,
}

/// `MERCHANTPARA` as echoed: the merchant's text when the Base64 decodes to UTF-8, and the
/// wire text always.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MerchantPara {
    pub raw: String,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub text: Option<String>,
}

/// The wire form of the merchant's text: Base64 (the seed: "采用base64编码").
pub fn encode_merchant_para(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

pub fn opt_merchant_para<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<MerchantPara>, D::Error> {
    let Some(raw) = crate::wire::de::opt_string(d)? else { return Ok(None) };
    let text =
        base64::engine::general_purpose::STANDARD.decode(raw.trim()).ok().and_then(|b| String::from_utf8(b).ok());
    Ok(Some(MerchantPara { raw, text }))
}

/// Yuan as a string (`"0.01"`) or a JSON number (`realAMT: 0.01`), exactly: the number's text
/// is read as decimal digits (serde_json prints the shortest text that reads back as the same
/// number, which is the sent text for any amount of up to 15 significant digits).
pub fn opt_yuan<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Money>, D::Error> {
    let Some(t) = crate::wire::de::opt_string(d)? else { return Ok(None) };
    Money::parse_yuan(t.trim(), "amount")
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("{t:?} is not an amount in yuan")))
}

/// A list: a JSON array, one XML element (an object), or a wrapper object holding the list
/// under `item` (`FUND_BILL_LIST.TRADEFUNDBILL`); blank or absent means empty.
fn list_of<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
    item: Option<&str>,
) -> std::result::Result<Vec<T>, D::Error> {
    let v = Option::<Value>::deserialize(d)?.unwrap_or(Value::Null);
    let v = match (v, item) {
        (Value::Object(mut m), Some(item)) if m.contains_key(item) => m.remove(item).unwrap_or(Value::Null),
        // An XML wrapper of one element kind (e.g. `<GOODS_DETAIL><GOOD>..</GOOD></GOODS_DETAIL>`).
        (Value::Object(m), None) if m.len() == 1 && m.values().all(|v| v.is_object() || v.is_array()) => {
            m.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null)
        }
        (v, _) => v,
    };
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::String(s) if s.trim().is_empty() => return Ok(Vec::new()),
        Value::Array(items) => items,
        one => vec![one],
    };
    items.into_iter().map(|i| serde_json::from_value(i).map_err(serde::de::Error::custom)).collect()
}

/// `FUND_BILL_LIST`: `{"TRADEFUNDBILL": [..]}` (every sample), or a bare list.
pub fn fund_bills<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<FundBill>, D::Error> {
    list_of(d, Some("TRADEFUNDBILL"))
}

/// `GOODS_DETAIL`: a list of goods lines.
pub fn goods_records<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<GoodsRecord>, D::Error> {
    list_of(d, None)
}

/// Checks an optional free-text field is not blank when given.
pub fn not_blank(field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) => require(field, s),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Row {
        #[serde(default, deserialize_with = "fund_bills")]
        bills: Vec<FundBill>,
        #[serde(default, deserialize_with = "goods_records")]
        goods: Vec<GoodsRecord>,
        #[serde(default, deserialize_with = "opt_merchant_para")]
        para: Option<MerchantPara>,
        #[serde(default, deserialize_with = "opt_yuan")]
        real: Option<Money>,
    }

    fn row(v: Value) -> Row {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn lists_in_every_shape() {
        let r = row(json!({"bills": {"TRADEFUNDBILL": [{"AMOUNT": "0.01", "FUND_CHANNEL": "11"}]}}));
        assert_eq!(
            r.bills,
            [FundBill { amount: Some(Money::from_fen(1, "a").unwrap()), fund_channel: Some(FundChannel::Wechat) }]
        );
        // One XML element is an object, not a list.
        let r = row(json!({"bills": {"TRADEFUNDBILL": {"AMOUNT": "2", "FUND_CHANNEL": "00"}}}));
        assert_eq!(r.bills[0].amount, Some(Money::from_fen(200, "a").unwrap()));
        assert_eq!(row(json!({"bills": [{"AMOUNT": "0.10"}]})).bills.len(), 1);
        assert!(row(json!({"bills": ""})).bills.is_empty());
        let r = row(
            json!({"goods": [{"GOOD_PRICE": 2, "GOOD_QUANTITY": 5}, {"GOOD_PRICE": "2.00", "GOOD_QUANTITY": "5"}]}),
        );
        assert_eq!(r.goods[0], r.goods[1]);
        assert_eq!(r.goods[0].price, Some(Money::from_fen(200, "a").unwrap()));
        let r = row(json!({"goods": {"GOOD": {"GOOD_ID": "1"}}}));
        assert_eq!(r.goods[0].id.as_deref(), Some("1"));
        assert!(serde_json::from_value::<Row>(json!({"bills": [{"AMOUNT": "0.001"}]})).is_err());
    }

    #[test]
    fn merchant_para_and_real_amounts() {
        assert_eq!(encode_merchant_para("table 7"), "dGFibGUgNw==");
        let r = row(json!({"para": "dGFibGUgNw==", "real": 0.01}));
        assert_eq!(r.para.unwrap().text.as_deref(), Some("table 7"));
        assert_eq!(r.real, Some(Money::from_fen(1, "a").unwrap()));
        // The seed's samples (`01000001`, 24 ones) are valid Base64 of bytes that are not text.
        let r = row(json!({"para": "111111111111111111111111", "real": 158.1}));
        assert_eq!(r.para.unwrap(), MerchantPara { raw: "111111111111111111111111".into(), text: None });
        assert_eq!(r.real, Some(Money::from_fen(15810, "a").unwrap()));
    }

    #[test]
    fn goods_checked_and_sent_in_yuan() {
        let g = GoodsItem {
            id: "2010".into(),
            name: "Iphone".into(),
            class: "手机".into(),
            price: Money::from_fen(499_900, "p").unwrap(),
            subject: "数码产品".into(),
            quantity: 1,
            show_url: None,
        };
        assert_eq!(g.wire()["GOOD_PRICE"], "4999.00");
        assert_eq!(g.wire()["GOOD_QUANTITY"], "1");
        assert!(check_goods(std::slice::from_ref(&g)).is_ok());
        let bad = GoodsItem { quantity: 0, ..g.clone() };
        assert!(
            matches!(check_goods(&[g, bad]), Err(Error::InvalidInput { field, .. }) if field == "goods[1].quantity")
        );
    }
}
