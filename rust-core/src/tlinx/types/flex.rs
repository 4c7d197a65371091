use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::money::Money;

pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    })
}

pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
        Value::Number(n) => {
            n.as_i64().map(Some).ok_or_else(|| serde::de::Error::custom(format!("not an integer: {n}")))
        }
        other => Err(serde::de::Error::custom(format!("expected an integer, got {other}"))),
    }
}

/// Fen as a JSON integer or a digit string; never a fraction.
pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
    let text = match Value::deserialize(d)? {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        other => return Err(serde::de::Error::custom(format!("expected fen, got {other}"))),
    };
    Money::parse_fen(&text, "amount").map(Some).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{OrderInfo, OrderListResponse, PaycancelResponse, PayorderResponse};
    use crate::trade::TradeState;

    #[test]
    fn responses_accept_both_spellings() {
        // From the seed's 4.4.2 / 4.5 / 4.6 examples: numbers as strings and as numbers, nulls.
        let r: PayorderResponse = serde_json::from_str(
            r#"{"ord_no":"9149870539009977236294766","trade_amount":"1","trade_qrcode":null,"status":"1",
                "out_no":"1214987053965760","trade_discout_amount":"0","appId":" wx","tml_no":"8"}"#,
        )
        .unwrap();
        assert_eq!(r.trade_amount, Some(fen(1)));
        assert_eq!(r.trade_state(), TradeState::Paid);
        assert_eq!(r.app_id.as_deref(), Some(" wx"));
        assert_eq!(r.extra["tml_no"], "8");
        let s: OrderInfo = serde_json::from_str(r#"{"ord_shop_id":"178","trade_amount":"300","status":2}"#).unwrap();
        assert_eq!(s.trade_amount, Some(fen(300)));
        assert_eq!(s.trade_state(), TradeState::Paying);
        let c: PaycancelResponse = serde_json::from_str(r#"{"ord_no":"123456","ord_stautus":4}"#).unwrap();
        assert_eq!(c.ord_status, Some(4));
        let l: OrderListResponse = serde_json::from_str(
            r#"{"pages":{"totalnum":"176","totalpage":18,"pagesize":10,"page":1},"list":[{"ord_type":"2"}]}"#,
        )
        .unwrap();
        assert_eq!(l.pages.totalnum, Some(176));
        assert_eq!(l.list[0].ord_type, Some(2));
        // Fractions and negatives are never amounts.
        assert!(serde_json::from_str::<OrderInfo>(r#"{"trade_amount":"1.00"}"#).is_err());
        assert!(serde_json::from_str::<OrderInfo>(r#"{"trade_amount":-1}"#).is_err());
        assert!(serde_json::from_str::<OrderInfo>(r#"{"trade_amount":1.5}"#).is_err());
    }
}
