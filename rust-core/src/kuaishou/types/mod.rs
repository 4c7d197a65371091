//! Kuaishou typed requests and answers of every operation of seed 002, its dictionaries, and
//! their mapping onto [`TradeState`] / [`RefundState`].
//!
//! Requests deserialize from `invoke` JSON (amounts as integer fen, sent as yuan strings) and are
//! validated before anything is sent. Answers are read from JSON or XML; `AMT` arrives in fen,
//! `FUND_BILL_LIST.AMOUNT` and `realAMT` in yuan, and every field the seed does not list is kept
//! in `extra`.
//!
//! One file per concern, all re-exported here: `codes` (the dictionaries and the state mapping),
//! `records` (RESULT, fund bills, goods, MERCHANTPARA, readers), `call` (the wire declaration
//! [`Call`]), and the operations: `barcode` (preOrder), `order` (order NATIVE/APP and JSAPI),
//! `refund`, `query`, `cancel` (cancelTrade), `recharge` (flowRecharge) and `notify` (PAY_NODIFY).
//!
//! [`TradeState`]: crate::trade::TradeState
//! [`RefundState`]: crate::trade::RefundState

mod barcode;
mod call;
mod cancel;
mod codes;
mod notify;
mod order;
mod query;
mod recharge;
mod records;
mod refund;

pub use barcode::*;
pub use call::*;
pub use cancel::*;
pub use codes::*;
pub use notify::*;
pub use order::*;
pub use query::*;
pub use recharge::*;
pub use records::*;
pub use refund::*;

#[cfg(test)]
pub(crate) mod test_support {
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use crate::error::Error;
    use crate::kuaishou::{protocol, Credentials};
    use crate::money::Money;
    use crate::secret::Secret;

    pub fn fen(n: i64) -> Money {
        Money::from_fen(n, "t").unwrap()
    }

    /// The seed's sample merchant.
    pub fn creds() -> Credentials {
        Credentials::new("0010000001", Secret::new("98SDKFUO432HNODS098EEE07U9DUOIUE"))
    }

    /// The seed's JSON sample of section `sec` (e.g. "2.4"), as printed.
    pub fn seed_text(sec: &str) -> &'static str {
        match sec {
            "2.4" => include_str!("../testdata/seed_2_4.json"),
            "2.6" => include_str!("../testdata/seed_2_6.json"),
            "3.4" => include_str!("../testdata/seed_3_4.json"),
            "3.6" => include_str!("../testdata/seed_3_6.json"),
            "4.3" => include_str!("../testdata/seed_4_3.json"),
            "4.5" => include_str!("../testdata/seed_4_5.json"),
            "5.3" => include_str!("../testdata/seed_5_3.json"),
            "6.3" => include_str!("../testdata/seed_6_3.json"),
            "6.5" => include_str!("../testdata/seed_6_5.json"),
            "7.3" => include_str!("../testdata/seed_7_3.json"),
            "8.3" => include_str!("../testdata/seed_8_3.json"),
            "9.3" => include_str!("../testdata/seed_9_3.json"),
            "9.5" => include_str!("../testdata/seed_9_5.json"),
            other => panic!("no seed sample {other}"),
        }
    }

    pub fn seed_sample(sec: &str) -> Value {
        serde_json::from_str(seed_text(sec)).unwrap()
    }

    /// The seed's answer sample `sec`, read as the client reads answers (root `root`; empty:
    /// the document).
    pub fn answer<T: DeserializeOwned>(sec: &str, root: &str) -> T {
        let doc = protocol::document(seed_text(sec)).unwrap();
        let v = if root.is_empty() { doc } else { protocol::member(&doc, root).unwrap().clone() };
        serde_json::from_value(v).unwrap()
    }

    pub fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
}
