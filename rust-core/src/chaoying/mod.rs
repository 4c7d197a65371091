//! Chaoying aggregated pay v2.5.3 (seed 001): form POST, MD5 `&key=` sign on requests and responses.

mod client;
pub mod protocol;
pub mod types;

pub use client::Client;
pub use types::*;

use crate::secret::Secret;

/// Merchant credentials at Chaoying.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// Chaoying merchant number.
    pub mch_id: String,
    /// Partner (agent) id, required on every call since v2.5.0.
    pub pid: String,
    /// MD5 signing key.
    pub key: Secret,
}
