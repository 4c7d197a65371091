//! MMSP open platform (seed 003): four sub-APIs on two protocols. The digest
//! `gateways/mmsp.md` records the 54 decisions taken where the seed is silent or contradicts
//! itself; they are cited as "digest A<n>" (ambiguities) or "digest §<n>" (sections).
//!
//! - [`wire`]: the envelope of quick pay, scan code and gateway pay, its PHP-`json_encode` MD5
//!   Body sign and the header's `RetCode` (the first of the three result levels).
//! - [`payout_wire`]: payout and balance: RSA-encrypted JSON signed SHA1withRSA.
//! - [`types`]: every operation's typed request and answer, declared once.
//! - [`Client`]: one typed method per operation, and the [`crate::gateway::Gateway`] of scan code
//!   (the cashier's barcode payments).
//! - [`browser`]: scan code's two browser helpers (the WeChat H5 wake-up page, the OpenID /
//!   USER_ID redirect).

pub mod browser;
mod client;
#[cfg(feature = "fuzzing")]
pub(crate) use client::read_answer;
mod gateway;
#[cfg(feature = "back-office")]
mod listing;
mod operations;
mod qr;
// Without `back-office` nothing sends a payout: the keys type stays, its exchange is unused.
#[cfg_attr(not(feature = "back-office"), allow(dead_code))]
pub mod payout_wire;
pub mod types;
pub mod wire;

pub use client::{Client, Mmsp};
pub use types::*;

use crate::secret::Secret;

/// What the merchant answers a push or notification with (digest §9): the platform stops
/// retrying on a reply that begins with `SUCCESS`.
pub const NOTIFY_ACK: &str = "SUCCESS";

/// Content-Type of the envelope sub-APIs. The seed names none; the vendor demo sends raw JSON
/// (digest §1): one constant, to switch if the platform objects.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Merchant credentials at MMSP. The scan-code sub-API is sent to the configuration's base URL;
/// each other sub-API has its own URL here (the seed prints none; digest §1): a sub-API whose URL
/// is not configured is refused with a configuration error naming the key.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// `MERNO`: the merchant number the platform issued.
    pub merno: String,
    /// `TERMNO`: the terminal number the platform issued.
    pub termno: String,
    /// `AGENTNO`: the agent number in agent mode; empty otherwise (sent as `""`).
    #[serde(default)]
    pub agentno: String,
    /// The MD5 key: the agent's in agent mode, the merchant's otherwise (digest §3.1).
    pub key: Secret,
    /// `NodeID` of scan-code requests: `openplat` (the seed's POS value is cut off; digest A7).
    #[serde(default = "default_scan_node_id")]
    pub scan_node_id: String,
    /// `NodeID` of quick-pay and gateway requests: `openapi`.
    #[serde(default = "default_node_id")]
    pub node_id: String,
    /// Write `/` as `\/` in the text the MD5 sign covers, as PHP `json_encode` does by default
    /// (digest §3.2, A10). Off only for a platform that signs with `JSON_UNESCAPED_SLASHES`.
    #[serde(default = "yes")]
    pub escape_slashes: bool,
    /// The quick-pay sub-API's URL.
    #[serde(default)]
    pub quick_pay_url: Option<String>,
    /// The gateway-pay sub-API's URL (queries, and the form's action).
    #[serde(default)]
    pub gateway_url: Option<String>,
    /// The payout and balance sub-API's URL.
    #[serde(default)]
    pub payout_url: Option<String>,
    /// Payout `MERNO` when it differs from `merno`.
    #[serde(default)]
    pub payout_merno: Option<String>,
    /// The platform's RSA public key (PEM or Base64 SPKI): encrypts payout requests, verifies
    /// their answers' `SIGN`.
    #[serde(default)]
    pub platform_public_key: Option<String>,
    /// The merchant's RSA private key (PEM or Base64, PKCS#8 or PKCS#1): signs payout requests,
    /// decrypts their answers.
    #[serde(default)]
    pub merchant_private_key: Option<Secret>,
    /// QQ micropay's CommandID: 776 as the seed prints it (digest A1); 2326 is the only other
    /// candidate.
    #[serde(default = "default_qq_micropay")]
    pub qq_micropay_command: u32,
}

fn default_scan_node_id() -> String {
    "openplat".into()
}

fn default_node_id() -> String {
    "openapi".into()
}

fn yes() -> bool {
    true
}

fn default_qq_micropay() -> u32 {
    types::QQ_MICROPAY
}

impl Credentials {
    /// Scan code only (no quick pay, gateway or payout URL), the default node ids.
    pub fn new(merno: impl Into<String>, termno: impl Into<String>, key: Secret) -> Credentials {
        Credentials {
            merno: merno.into(),
            termno: termno.into(),
            agentno: String::new(),
            key,
            scan_node_id: default_scan_node_id(),
            node_id: default_node_id(),
            escape_slashes: true,
            quick_pay_url: None,
            gateway_url: None,
            payout_url: None,
            payout_merno: None,
            platform_public_key: None,
            merchant_private_key: None,
            qq_micropay_command: types::QQ_MICROPAY,
        }
    }

    pub fn php_json(&self) -> wire::PhpJson {
        wire::PhpJson { escape_slashes: self.escape_slashes }
    }
}
