//! What every Chaoying operation declares: its order number rules, where it is sent
//! ([`Endpoint`]), how its answer is read ([`Call`]) and decoded ([`WithStatus`], [`decode`]).

use serde::de::DeserializeOwned;

use super::codes::{PayType, Read, Status};
use crate::chaoying::Credentials;
use crate::ids::NumberRule;
use crate::operation::Operation;
use crate::trade::RawFields;

/// `out_trade_no` of pay, facepay, cancel and WECHAT_PreOrder: "5到32个字符、只能包含字母数字或者下划线".
pub const ORDER_NO: NumberRule = NumberRule::new(5, 32, "_");
/// `out_trade_no` of ALIPAY_PreOrder: "5到32个字符、只能包含字母数字" (no underscore).
pub const ALIPAY_ORDER_NO: NumberRule = NumberRule::new(5, 32, "");
/// `out_refund_no`: "32个字符内、可包含字母"; the seed's own example `TK-1497769914931-01` has dashes.
pub const REFUND_NO: NumberRule = NumberRule::new(1, 32, "-_");

/// Where an operation is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/UnifiedPay/Gateway` with `method=<name>`.
    Gateway(&'static str),
    /// A path of its own, e.g. `/Open/WECHAT_PreOrder`.
    Path(&'static str),
}

impl Endpoint {
    pub const GATEWAY_PATH: &'static str = "/UnifiedPay/Gateway";

    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Gateway(_) => Self::GATEWAY_PATH,
            Endpoint::Path(p) => p,
        }
    }

    pub fn method(self) -> Option<&'static str> {
        match self {
            Endpoint::Gateway(m) => Some(m),
            Endpoint::Path(_) => None,
        }
    }
}

/// The fields every call carries besides the operation's own. Operations may not set them.
pub const COMMON_FIELDS: &[&str] = &["agent_id", "version", "pid", "method", "sign"];

/// The wire half of an operation's declaration at Chaoying: where it goes, how its answer is
/// read, and its form fields.
pub trait Call: Operation<Answer: WithStatus> {
    const ENDPOINT: Endpoint;
    const READ: Read;
    /// Whether a SUCCESS answer must be signed. The seed's WXA_Code2Session example is not.
    const SIGNED_SUCCESS: bool = true;

    /// The order and wallet this call is about, remembered for the calls that need `paytype`
    /// but only carry an order number (query, refund, cancel).
    fn wallet(&self) -> Option<(&str, PayType)> {
        None
    }

    /// The operation's own fields; the client adds agent_id, version, pid, method and sign.
    fn fields(&self, creds: &Credentials) -> RawFields;
}

/// A typed answer: every Chaoying answer carries the same status.
pub trait WithStatus: DeserializeOwned {
    fn status(&self) -> &Status;

    /// Fills fields derived from others after decoding.
    fn complete(&mut self) {}
}

/// Decodes verified answer fields (`sign` and empty values left out) into a typed answer.
pub fn decode<T: WithStatus>(fields: &RawFields) -> std::result::Result<T, crate::chaoying::Error> {
    let map: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .filter(|(k, v)| k.as_str() != "sign" && !v.is_empty())
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let mut t: T = serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| crate::chaoying::Error::Malformed(format!("answer fields: {e}")))?;
    t.complete();
    Ok(t)
}
