//! The form fields of a request, and the checks requests share.

use crate::error::{Error, Result};
use crate::ids::NumberRule;
use crate::money::Money;
use crate::sunmi::Credentials;
use crate::trade::RawFields;

/// The form fields of a request, checked as they are added.
#[derive(Default)]
pub(super) struct Form(RawFields);

impl Form {
    pub(super) fn put(mut self, k: &str, v: impl Into<String>) -> Form {
        self.0.insert(k.to_string(), v.into());
        self
    }

    /// Adds an optional field when given (absent fields are not sent; an empty value is).
    pub(super) fn opt(self, k: &str, v: Option<&str>) -> Form {
        match v {
            Some(v) => self.put(k, v),
            None => self,
        }
    }

    pub(super) fn done(self) -> RawFields {
        self.0
    }
}

// --- validation helpers

pub(super) fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// A required value of at most `max` characters, no whitespace inside.
pub(super) fn token(field: &str, v: &str, max: usize) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("at most {max} characters, got {n}")));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(field, "must not contain spaces or control characters"));
    }
    Ok(())
}

pub(super) fn opt_token(field: &str, v: &Option<String>, max: usize) -> Result<()> {
    match v {
        Some(s) => token(field, s, max),
        None => Ok(()),
    }
}

pub(super) fn number(rule: NumberRule, field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) => rule.check(field, s),
        None => Ok(()),
    }
}

pub(super) fn url(field: &str, v: &str, max: usize) -> Result<url::Url> {
    token(field, v, max)?;
    let u = url::Url::parse(v).map_err(|e| Error::invalid(field, e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(Error::invalid(field, "must be an http(s) URL"));
    }
    Ok(u)
}

/// An amount that moves money: at least 1 fen, at most Sunmi's single-payment maximum.
pub(super) fn positive(field: &str, m: Money) -> Result<()> {
    crate::rules::amount(crate::trade::GatewayId::Sunmi, field, m)
}

/// `tradeDate`: yyyyMMdd.
pub(super) fn trade_date(v: &Option<String>) -> Result<()> {
    let Some(d) = v else { return Ok(()) };
    let ok = d.len() == 8
        && d.bytes().all(|b| b.is_ascii_digit())
        && matches!(d[4..6].parse::<u32>(), Ok(1..=12))
        && matches!(d[6..8].parse::<u32>(), Ok(1..=31));
    if !ok {
        return Err(Error::invalid("tradeDate", "must be a date as yyyyMMdd"));
    }
    Ok(())
}

/// The merchant number of a request, or the credentials'.
pub(super) fn merchant_no(given: &Option<String>, creds: &Credentials) -> Result<String> {
    let m = given
        .clone()
        .or_else(|| creds.merchant_no.clone())
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| Error::invalid("merchantNo", "required: give it or set merchant_no in the credentials"))?;
    token("merchantNo", &m, 20)?;
    Ok(m)
}

/// Where query and refund look (4.3.3, 4.3.4): the device SN or the merchant number, one of them
/// required; with both Sunmi takes the SN. A request naming neither gets the credentials'
/// merchant number (orders not made on a device are only found by it), else their SN.
pub(super) fn device_or_merchant(
    msn: &Option<String>,
    merchant: &Option<String>,
    creds: &Credentials,
    merchant_max: usize,
) -> Result<(Option<String>, Option<String>)> {
    let (msn, merchant) = if blank(msn) && blank(merchant) {
        match (&creds.merchant_no, &creds.msn) {
            (Some(m), _) if !m.trim().is_empty() => (None, Some(m.clone())),
            (_, Some(s)) if !s.trim().is_empty() => (Some(s.clone()), None),
            _ => {
                return Err(Error::invalid(
                    "merchantNo",
                    "give msn or merchantNo (or set merchant_no / msn in the credentials)",
                ))
            }
        }
    } else {
        (msn.clone().filter(|s| !s.trim().is_empty()), merchant.clone().filter(|s| !s.trim().is_empty()))
    };
    opt_token("msn", &msn, 64)?;
    opt_token("merchantNo", &merchant, merchant_max)?;
    Ok((msn, merchant))
}
