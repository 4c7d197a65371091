//! What every Sunmi operation declares: the order number rules, where it goes and how its codes
//! are read ([`Call`]), and how its answer is decoded from `data` ([`FromData`]).

use serde::de::DeserializeOwned;

use super::codes::Read;
use crate::error::{Error, Result};
use crate::ids::NumberRule;
use crate::operation::Operation;
use crate::sunmi::Credentials;
use crate::trade::RawFields;

/// `orderId` of jsApiPay, query and refund (String(80)); the seed names no character set, so
/// letters, digits, `_` and `-` (every example fits) keep numbers safe in forms and signatures.
pub const ORDER_ID: NumberRule = NumberRule::new(1, 80, "_-");
/// `orderId` of miniPay: String(32).
pub const MINI_ORDER_ID: NumberRule = NumberRule::new(1, 32, "_-");

pub use crate::wire::JsonText;

pub use crate::wire::ExtraJson;

/// One operation of the seed: where it goes, how its codes are read, what it checks, its fields.
pub trait Call: Operation<Answer: FromData> {
    /// The path below the base URL, e.g. `/v1/trade/miniPay`.
    const PATH: &'static str;
    const READ: Read;

    /// The operation's own fields (the client adds app_id, charset and sign). Refuses bad input,
    /// naming the field, before anything is sent: these checks need the credentials (merchant
    /// number and device SN default to theirs), so they run here rather than in `validate`.
    fn fields(&self, creds: &Credentials) -> Result<RawFields>;

    /// Checks the answer is about what was asked (a replayed or crossed answer is not trusted).
    fn check(&self, answer: &Self::Answer) -> Result<()> {
        let _ = answer;
        Ok(())
    }
}

/// An answer about another order than the one asked about cannot be used.
pub(crate) fn same_order(asked: &str, got: &str) -> Result<()> {
    if got.is_empty() || got == asked {
        return Ok(());
    }
    Err(Error::Network { message: format!("sunmi: answer is about order {got}, not {asked}"), outcome_unknown: true })
}

/// A typed answer decoded from `data`.
pub trait FromData: Sized {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String>;
}

/// Decodes an object `data` with serde.
pub(super) fn decode_object<T: DeserializeOwned>(data: serde_json::Value) -> std::result::Result<T, String> {
    match data {
        serde_json::Value::Object(_) => serde_json::from_value(data).map_err(|e| e.to_string()),
        other => Err(format!("data is not an object: {}", cut(&other.to_string()))),
    }
}

pub(super) fn cut(s: &str) -> String {
    s.chars().take(80).collect()
}
