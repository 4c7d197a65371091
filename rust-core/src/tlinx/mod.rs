//! Ping An Bank TLinx open platform (seed 004): form POST of open_id, timestamp, AES data, sha1-then-md5 sign.

mod client;
pub mod protocol;
pub mod types;

pub use client::Client;
pub use types::*;

use crate::secret::Secret;

/// Store credentials at TLinx.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// The store's open_id.
    pub open_id: String,
    /// The store's open_key: signing key and AES-256 key (32 ASCII characters).
    pub open_key: Secret,
    /// Supervisor password for refunds, in clear; sent as sha1 (`shop_pass`).
    #[serde(default)]
    pub shop_pass: Option<Secret>,
}
