//! Sunmi cloud trade API (seed 000, `/v1/trade/*`): form POST signed with an MD5 over the sorted
//! fields with the app key appended; JSON answers (unsigned); payment and refund callbacks signed
//! SHA256withRSA with Sunmi's key.
//!
//! - [`protocol`]: the request canonical string and MD5 sign, the callback canonical string and
//!   its RSA verification, public key parsing (PEM or bare Base64), answer parsing, callbacks.
//! - [`types`]: typed requests and responses of every operation, the code tables of chapter 7
//!   and the enums of chapter 3, and how they map onto [`crate::trade::TradeState`] / [`crate::error::Error`].
//! - [`Client`]: the HTTP calls, one typed method per operation, and the [`crate::gateway::Gateway`] impl.
//!
//! Sunmi has no barcode payment, no cancel and no close: money comes in through card swipes on
//! Sunmi's financial terminals (looked up with `swipeQuery`; the engine's `record_swipe` journals
//! them) and WeChat prepays (`jsApiPay`, `miniPay`) the payer confirms on the phone. A prepay
//! answers "用户支付中" and the seed asks to query from 10 s later: the engine follows a
//! journalled prepay on the payment machine's poll loop (`Engine::follow_preorder`).

mod client;
pub mod protocol;
pub mod types;

pub use client::{Client, Sunmi};
pub use protocol::{verify_notification, PrivateKey, PublicKey};
pub use types::*;

use crate::error::Error;
use crate::secret::Secret;

/// Sunmi's public key for callbacks in the test environment (seed 6.4), X.509
/// SubjectPublicKeyInfo DER in Base64. Production keys are mailed to each integrator.
pub const TEST_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9KIGIdV5W1oDXGf/HgUPjBvxYzPZpTiywWuCZZsu/kR3bJXhTfRFZHJfT7xQRdPkqV4ZeviZfopGqyr5PJvHwgy4bA2DFmqo9cZ36SetfY1eyBw398wHmSl7yoDEt/j+eraFXonKq2nrHQwt0/AQE7fNh+6KAg7Io9D49MCw0v4yF/FkhOAque/550tpek0Vdg5pX828OCXVW+wxwSEJMWJYQm8c5NJEhj1R5lThQtSSXrZ+C8zEUNuUvYODy5YYA6X1LFmu4bm9SEBl6ioqW1rWwgoxx3RXR94lkax1T1mJx8KFYGbZg3W5s05lEPHR3/mcJnFgEMqmtImVZ4OIvwIDAQAB";

/// The seed's test host (plain http: the configuration must allow it).
pub const TEST_BASE_URL: &str = "http://openapi.test.sunmi.com";
pub const PRODUCTION_BASE_URL: &str = "https://openapi.sunmi.com";

/// An integrator's credentials at Sunmi (2.1.1) and the merchant it acts for.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// `app_id` assigned by Sunmi.
    pub app_id: String,
    /// `app_key`: the MD5 signing key.
    pub app_key: Secret,
    /// Sunmi merchant number (`merchantNo`): payBind, the prepays, and query/refund of cloud
    /// orders (orders not made on a device can only be found by merchant number).
    #[serde(default)]
    pub merchant_no: Option<String>,
    /// The device SN (`msn`): swipeQuery, and query/refund when no merchant number is set.
    #[serde(default)]
    pub msn: Option<String>,
    /// Sunmi's RSA public key for callbacks, PEM or bare Base64 (X.509 SubjectPublicKeyInfo).
    /// When absent the test environment uses the seed's key ([`TEST_PUBLIC_KEY`]); production
    /// then cannot verify callbacks.
    #[serde(default)]
    pub public_key: Option<String>,
}

impl Credentials {
    pub fn new(app_id: impl Into<String>, app_key: Secret) -> Credentials {
        Credentials { app_id: app_id.into(), app_key, merchant_no: None, msn: None, public_key: None }
    }
}

/// What went wrong with an answer, a key or a callback at the protocol level. Converted into the
/// public [`crate::error::Error`] at the module boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// No `sign` where one is required.
    #[error("not signed")]
    Unsigned,
    /// `sign` is not Base64 of an RSA signature.
    #[error("sign is not Base64")]
    SignEncoding,
    /// `sign` does not match the fields and the key.
    #[error("signature does not match")]
    Mismatch,
    /// A public or private key that does not parse.
    #[error("bad key: {0}")]
    BadKey(String),
    /// The answer is not the JSON the seed describes.
    #[error("malformed answer: {0}")]
    Malformed(String),
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Error {
        match e {
            ProtocolError::Unsigned | ProtocolError::SignEncoding | ProtocolError::Mismatch => {
                Error::signature(format!("sunmi: {e}"))
            }
            ProtocolError::BadKey(_) => Error::invalid("public_key", e.to_string()),
            // The request was sent and the answer cannot be read: nobody knows what happened.
            ProtocolError::Malformed(m) => Error::Network { message: format!("sunmi: {m}"), outcome_unknown: true },
        }
    }
}
