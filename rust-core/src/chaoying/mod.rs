//! Chaoying aggregated pay v2.5.3 (seed 001): form POST, MD5 `&key=` sign on requests and responses.
//!
//! - [`protocol`]: the canonical string, signing, verification, answer parsing, notifications.
//! - [`types`]: typed requests and responses of every operation, the seed's code tables and their
//!   mapping onto [`crate::trade::TradeState`].
//! - [`Client`]: the HTTP calls, one typed method per operation, and the [`crate::gateway::Gateway`] impl.

mod client;
pub mod protocol;
mod qr;
pub mod types;

pub use client::{Chaoying, Client};
pub use protocol::verify_notification;
pub use types::*;

use crate::secret::Secret;

/// Merchant credentials at Chaoying.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// Chaoying merchant number (`mch_id`).
    pub mch_id: String,
    /// Caller product name (`pid`, e.g. `yunpos`), required on every call since v2.5.0.
    pub pid: String,
    /// MD5 signing key.
    pub key: Secret,
    /// Agent number (`agent_id`). The seed lists it on every call; it is sent whenever set.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// Caller version (`version`), required on every call since v2.5.0.
    #[serde(default = "default_version")]
    pub version: String,
}

fn default_version() -> String {
    "1.0".to_string()
}

impl Credentials {
    /// Credentials without an agent number, version `1.0`.
    pub fn new(mch_id: impl Into<String>, pid: impl Into<String>, key: Secret) -> Credentials {
        Credentials { mch_id: mch_id.into(), pid: pid.into(), key, agent_id: None, version: default_version() }
    }
}

/// What went wrong with an answer or notification at the protocol level. Converted into the
/// public [`crate::error::Error`] at the module boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No `sign` where one is required.
    #[error("not signed")]
    Unsigned,
    /// `sign` does not match the fields and the key.
    #[error("signature does not match")]
    Mismatch,
    /// The answer is not the JSON object the seed describes (or a field does not parse).
    #[error("malformed answer: {0}")]
    Malformed(String),
}

impl From<Error> for crate::error::Error {
    fn from(e: Error) -> crate::error::Error {
        match e {
            Error::Unsigned | Error::Mismatch => crate::error::Error::signature(format!("chaoying: {e}")),
            // The request was sent and the answer cannot be read: nobody knows what happened.
            Error::Malformed(m) => {
                crate::error::Error::Network { message: format!("chaoying: {m}"), outcome_unknown: true }
            }
        }
    }
}
