//! swipeQuery: the card-swipe trades of the sandbox terminal, which are fixed data (the fixture
//! `fixtures/sunmi/swipe_trades.json`), not orders of the store.

use std::sync::LazyLock;

use posgate_core::clock::{now_unix, BEIJING_OFFSET_SECS};
use posgate_core::RawFields;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{refused, today, Answer, MSN};
use crate::fixtures::fixture;
use crate::sim::field;

/// The terminal's card-swipe trades (the fixture): each answer is `every` plus a trade's fields.
#[derive(Deserialize)]
struct SwipeTrades {
    every: Map<String, Value>,
    trades: Vec<SwipeTrade>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SwipeTrade {
    /// What the trade is for: documentation, not answered.
    #[serde(rename = "about")]
    _about: String,
    /// `yyyyMMdd`; `None`: today.
    trade_date: Option<String>,
    /// The trade's own time; `None`: an hour ago, but today.
    pay_time: Option<u64>,
    #[serde(flatten)]
    answer: Map<String, Value>,
}

impl SwipeTrade {
    fn field(&self, name: &str) -> &str {
        self.answer.get(name).and_then(Value::as_str).unwrap_or_default()
    }
}

static SWIPE_TRADES: LazyLock<SwipeTrades> = LazyLock::new(|| fixture!("sunmi/swipe_trades.json"));

pub(super) fn swipe_query(f: &RawFields) -> Answer {
    match field(f, "msn") {
        None => return refused("Q03", "参数异常: msn 不能为空"),
        Some(m) if m != MSN => return refused("E25", "商户不合法: 设备商户不合法"),
        Some(_) => {}
    }
    let (order_id, platform_id) = (field(f, "orderId"), field(f, "platformId"));
    if order_id.is_none() && platform_id.is_none() {
        return refused("E15", "订单号不能为空: orderId、platformId必传其中一个");
    }
    let today = today();
    let date = field(f, "tradeDate").unwrap_or(&today);
    let found = SWIPE_TRADES.trades.iter().find(|t| {
        t.trade_date.as_deref().unwrap_or(&today) == date
            && order_id.is_none_or(|o| o == t.field("orderId"))
            && platform_id.is_none_or(|p| p == t.field("platformId"))
    });
    let Some(t) = found else { return refused("E19", "订单不存在") };
    Answer::Data(swipe_data(&SWIPE_TRADES.every, t))
}

/// The terminal's books for its card trade `order_id` of today, in fen: what the trade leaves
/// with the merchant. A sale that went through (state 3) its amount; a refund that did, less its
/// amount; a sale ended by its void (4) nothing, and so its void (the void's money is the sale's);
/// anything else nothing. `None`: no such trade today.
pub fn swipe_held(order_id: &str) -> Option<i64> {
    let today = today();
    let t = SWIPE_TRADES
        .trades
        .iter()
        .find(|t| t.trade_date.as_deref().unwrap_or(&today) == today && t.field("orderId") == order_id)?;
    let number = |k: &str| t.answer.get(k).and_then(Value::as_i64).unwrap_or_default();
    Some(match (number("orderType"), number("state")) {
        (0, 3) => number("amount"),
        (1, 3) => -number("amount"),
        _ => 0,
    })
}

fn swipe_data(every: &Map<String, Value>, t: &SwipeTrade) -> Value {
    let pay_time = t.pay_time.unwrap_or_else(|| {
        let now = now_unix();
        let offset = BEIJING_OFFSET_SECS as u64;
        let midnight = (now + offset) / 86_400 * 86_400 - offset;
        now.saturating_sub(3600).max(midnight + 1)
    });
    let mut data = every.clone();
    data.extend(t.answer.clone());
    data.insert("cardHash".into(), posgate_core::crypto::sha1_hex(t.field("tradeRef").as_bytes()).into());
    data.insert("payTime".into(), pay_time.into());
    Value::Object(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use posgate_core::clock::beijing;
    use serde_json::json;

    #[test]
    fn swipe_trades_are_the_fixture() {
        let answer = |f: &[(&str, &str)]| {
            let fields: RawFields = f.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            match swipe_query(&fields) {
                Answer::Data(d) => d,
                Answer::Refused(code, _) | Answer::System(code, _) => json!(code),
            }
        };
        // The seed's example, on its own date and time.
        let seed = answer(&[("msn", MSN), ("orderId", "201906300600003"), ("tradeDate", "20190630")]);
        assert_eq!(seed["payTime"], 1_561_892_597);
        assert_eq!(seed["amount"], 19900);
        assert_eq!(seed["terminalNo"], "10040784");
        assert_eq!(seed["cardHash"], posgate_core::crypto::sha1_hex(b"454881473"));
        assert!(seed.get("tradeDate").is_none() && seed.get("about").is_none());
        assert_eq!(answer(&[("msn", MSN), ("orderId", "201906300600003")]), "E19");
        // Today's trades happened earlier today.
        let declined = answer(&[("msn", MSN), ("platformId", "331900004")]);
        assert_eq!(
            (declined["orderId"].as_str(), declined["resultCode"].as_str(), declined["state"].as_u64()),
            (Some("SWIPE0004"), Some("51"), Some(5))
        );
        let paid = declined["payTime"].as_u64().unwrap();
        assert!(paid <= now_unix() && beijing(paid).date_compact() == today());
        assert_eq!(SWIPE_TRADES.trades.len(), 8);
        let held: Vec<_> = (1..=8).map(|n| swipe_held(&format!("SWIPE000{n}"))).collect();
        assert_eq!(held, [Some(2580), Some(990), Some(-1000), Some(0), Some(0), Some(0), Some(0), None]);
        assert_eq!(swipe_held("201906300600003"), None, "not today's");
        assert!(SWIPE_TRADES.trades.iter().all(|t| t.answer.len() == 13), "every trade has the answer's 13 fields");
    }
}
