//! Sunmi cloud trade API (seed 000, `/v1/trade/*`): form POST signed with an MD5 over the sorted
//! fields with the app key appended; JSON answers (unsigned); payment and refund callbacks signed
//! SHA256withRSA with Sunmi's key.
//!
//! - [`protocol`]: the request canonical string and MD5 sign, the callback canonical string and
//!   its RSA verification, public key parsing (PEM or bare Base64), answer parsing, callbacks.
//! - [`types`]: typed requests and responses of every operation, the code tables of chapter 7
//!   and the enums of chapter 3, and how they map onto [`crate::TradeState`] / [`crate::Error`].
//! - [`Client`]: the HTTP calls, one typed method per operation, and the [`crate::Gateway`] impl.
//!
//! Sunmi has no barcode payment, no cancel and no close: money comes in through card swipes on
//! Sunmi's financial terminals (looked up with `swipeQuery`) and WeChat prepays (`jsApiPay`,
//! `miniPay`) the payer confirms on the phone. A prepay answers "用户支付中" and the seed asks to
//! query from 10 s later: [`await_prepay`] runs the journalled poll loop on a prepay the engine
//! recorded.

mod client;
pub mod protocol;
pub mod types;

use std::sync::Arc;

pub use client::Client;
pub use protocol::{verify_notification, PrivateKey, PublicKey};
pub use types::*;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::journal::EntryKind;
use crate::payment::{Control, Machine, NoListener, PaymentListener};
use crate::secret::Secret;
use crate::trade::TradeResult;

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
/// public [`crate::Error`] at the module boundary.
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

/// Follows a prepay the engine journalled (`engine.invoke("minipay" | "jsapipay", ..)`) with the
/// payment state machine's poll loop: the first query no sooner than the gateway's schedule says
/// after the prepay was sent (Sunmi: 10 s after "用户支付中", 4.3.2 / 5.3.2), then every interval
/// until the order is settled or the deadline passes; every answer goes to the journal. At the
/// deadline the machine tries to reverse: Sunmi has no cancel, so a paid order is refunded in
/// full and one still unpaid is marked needs attention (a person checks it).
///
/// Returns the settled result; a prepay already settled is reported from the journal.
pub async fn await_prepay(
    engine: &Arc<Engine>,
    order_no: &str,
    listener: Option<Arc<dyn PaymentListener>>,
) -> Result<TradeResult> {
    let gw = engine.gateway().clone();
    let journal = engine.journal().clone();
    let entry = journal
        .get(EntryKind::Payment, gw.id(), order_no)?
        .ok_or_else(|| Error::invalid("order_no", format!("{order_no} is not in the journal")))?;
    if entry.state.is_settled() {
        return Ok(crate::payment::recorded_result(&entry));
    }
    if entry.attempts == 0 {
        return Err(Error::invalid("order_no", format!("{order_no} was never sent")));
    }
    let control = Control::default();
    let m = Machine {
        gw: gw.as_ref(),
        journal: &journal,
        listener: listener.as_deref().unwrap_or(&NoListener),
        control: &control,
        schedule: gw.schedule(),
    };
    m.run(entry, None).await
}
