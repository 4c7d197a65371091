//! The field checks requests share.

use crate::error::{Error, Result};
use crate::money::Money;
use crate::rules::CodeWallet;

pub(super) fn check_len(field: &str, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("at most {max} characters, got {n}")));
    }
    Ok(())
}

pub(super) fn check_opt_len(field: &str, value: &Option<String>, max: usize) -> Result<()> {
    value.as_deref().map_or(Ok(()), |v| check_len(field, v, max))
}

pub(super) fn check_url(field: &str, value: &Option<String>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    check_len(field, v, 200)?;
    match url::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        _ => Err(Error::invalid(field, "must be an http(s) URL")),
    }
}

/// An amount that moves money: more than zero, at most TLinx's single-payment maximum.
pub(super) fn check_positive(field: &str, m: Money) -> Result<()> {
    crate::rules::amount(crate::trade::GatewayId::Tlinx, field, m)
}

/// The wallets whose payment codes TLinx's barcode payorder takes: WeChat, Alipay and UnionPay
/// (the seed's channels; UnionPay needs the store's tag, see `Credentials::pmt_tag_unionpay`).
pub const CODE_WALLETS: [CodeWallet; 3] = [CodeWallet::Wechat, CodeWallet::Alipay, CodeWallet::Unionpay];

/// An `auth_code` as scanned: "a string of digits" (4.4.2), in the format of a wallet TLinx
/// takes ([`crate::rules`]).
pub fn check_auth_code(value: &str) -> Result<()> {
    crate::rules::payment_code("auth_code", value, &CODE_WALLETS).map(|_| ())
}
