//! What every TLinx operation declares: its endpoint path ([`path`]), the number rules, the JSON
//! encrypted into `data` and the check of its answer ([`Call`]).

use crate::error::{Error, Result};
use crate::ids::NumberRule;
use crate::operation::Operation;

/// Endpoint paths under the base URL.
pub mod path {
    pub const PAYLIST: &str = "/mct1/paylist";
    pub const ORDER: &str = "/mct1/order";
    pub const ORDER_VIEW: &str = "/mct1/order/view";
    pub const PAYORDER: &str = "/mct1/payorder";
    pub const PAYSTATUS: &str = "/mct1/paystatus";
    pub const PAYCANCEL: &str = "/mct1/paycancel";
    pub const PAYREFUND: &str = "/mct1/payrefund";
}

/// `out_no` (4.4: up to 64, "digits and letters only") and `refund_out_no` (4.7: up to 64).
pub const OUT_NO_RULE: NumberRule = NumberRule::new(1, 64, "");
/// The platform's `ord_no` (25 digits since V1.0.2; 4.6 allows 32).
pub const ORD_NO_RULE: NumberRule = NumberRule::new(1, 32, "");

/// The wire half of an operation's declaration at TLinx: its path and the JSON encrypted into
/// `data`.
pub trait Call: Operation<Answer: serde::de::DeserializeOwned> {
    const PATH: &'static str;

    /// The JSON that goes, encrypted, into `data`.
    fn payload(&self, creds: &crate::tlinx::Credentials) -> Result<String> {
        let _ = creds;
        serde_json::to_string(self).map_err(|e| Error::internal(e.to_string()))
    }

    /// Checks the answer is about what was asked (a replayed answer is not trusted).
    fn check(&self, answer: &Self::Answer) -> Result<()> {
        let _ = answer;
        Ok(())
    }
}
