//! MMSP's helpers that are not operations: the browser addresses of the seed's 10.1 and 10.2,
//! and the verification of a push or notification on a relay that holds only the key.

use std::collections::HashMap;

use posgate_core as core;
use posgate_core::mmsp::browser::MmspPayerIdKind;

use crate::error::PosGateError;
use crate::types::Notification;

/// The page that wakes WeChat for an H5 payment (the seed's 10.1), to open in a WebView:
/// `platform_url` is the platform's address from the operator, `return_url` where the payer
/// comes back.
#[uniffi::export]
pub fn mmsp_wechat_h5_wakeup_url(
    platform_url: String,
    merno: String,
    termno: String,
    return_url: String,
) -> Result<String, PosGateError> {
    Ok(core::mmsp::browser::wechat_h5_wakeup_url(&platform_url, &merno, &termno, &return_url)?)
}

/// Where to send the payer's browser for their WeChat OpenID or Alipay USER_ID (the seed's
/// 10.2): `auth_url` is the operator's address, `return_url` the merchant's page that receives
/// `?token_id=...` (read it with [`mmsp_token_id_of`]).
#[uniffi::export]
pub fn mmsp_payer_id_redirect_url(
    auth_url: String,
    return_url: String,
    merno: String,
    kind: MmspPayerIdKind,
) -> Result<String, PosGateError> {
    Ok(core::mmsp::browser::payer_id_redirect_url(&auth_url, &return_url, &merno, kind)?)
}

/// The payer's OpenID / USER_ID from the address the 10.2 redirect came back to.
#[uniffi::export]
pub fn mmsp_token_id_of(returned_url: String) -> Option<String> {
    core::mmsp::browser::token_id_of(&returned_url)
}

/// Verifies an MMSP push (scan code 2324) or quick-pay / gateway-pay notification given as the
/// raw POST body, with the MD5 key, for merchant `merno`. Answer the platform with `ack`
/// (`SUCCESS`) only once the result is stored.
#[uniffi::export]
pub fn verify_mmsp_notification(key: String, merno: String, body: String) -> Result<Notification, PosGateError> {
    let creds = core::mmsp::Credentials::new(merno, "", core::Secret::new(key));
    let fields: core::RawFields = HashMap::from([("body".to_string(), body)]).into_iter().collect();
    Ok(core::mmsp::verify_notification(&fields, &creds)?.into())
}
