//! The field checks requests share.

use crate::error::{Error, Result};
use crate::ids::require;
use crate::money::Money;

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

pub(super) fn check_positive(field: &str, m: Money) -> Result<()> {
    if m.is_zero() {
        return Err(Error::invalid(field, "amount must be greater than zero"));
    }
    Ok(())
}

/// An `auth_code` as scanned: "a string of digits" (4.4.2), at most 50.
pub fn check_auth_code(value: &str) -> Result<()> {
    require("auth_code", value)?;
    check_len("auth_code", value, 50)?;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("auth_code", "digits only"));
    }
    Ok(())
}
