//! Payout and balance (代付, digest §4): a flat JSON plaintext with `CMDID`, RSA-encrypted with
//! the platform public key (PKCS#1 v1.5, 117-byte blocks) into `ENCRYPT` and signed SHA1withRSA
//! with the merchant private key into `SIGN`; answers decrypted with the merchant key and, when
//! signed, verified with the platform key.

use serde_json::{Map, Value};

use super::Credentials;
use crate::error::{Error, Result};
use crate::transport::Transport;

/// The keys payouts need, parsed once from the credentials.
pub struct PayoutKeys {}

impl PayoutKeys {
    /// `None` when the credentials configure no payout keys.
    pub fn from_credentials(creds: &Credentials) -> Result<Option<PayoutKeys>> {
        let _ = creds;
        Ok(None)
    }
}

/// Sends one payout-sub-API request and answers its decrypted, verified plaintext.
pub(crate) async fn exchange(
    http: &Transport,
    url: &str,
    keys: &PayoutKeys,
    command: u32,
    op: &'static str,
    plaintext: Map<String, Value>,
) -> Result<Value> {
    let _ = (http, url, keys, command, plaintext);
    Err(Error::Unsupported { what: format!("mmsp {op}: payouts are not built yet") })
}
