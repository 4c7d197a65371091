//! The form fields of a request, and the checks several requests share.

use super::records::GoodsDetail;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::secret::Masked;
use crate::trade::RawFields;

#[derive(Default)]
pub(super) struct Form(RawFields);

impl Form {
    pub(super) fn put(mut self, k: &str, v: impl Into<String>) -> Form {
        let v = v.into();
        if !v.is_empty() {
            self.0.insert(k.to_string(), v);
        }
        self
    }

    pub(super) fn opt(self, k: &str, v: &Option<String>) -> Form {
        match v {
            Some(v) => self.put(k, v.as_str()),
            None => self,
        }
    }

    pub(super) fn fen(self, k: &str, m: Money) -> Form {
        self.put(k, m.to_fen_string())
    }

    pub(super) fn goods(self, goods: &[GoodsDetail]) -> Form {
        if goods.is_empty() {
            return self;
        }
        // Serializing plain strings, integers and Money cannot fail.
        let text = serde_json::to_string(goods).unwrap_or_default();
        self.put("goods_detail", text)
    }

    pub(super) fn done(self) -> RawFields {
        self.0
    }
}

pub(super) fn nonce() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

// --- validation helpers

/// An amount that moves money: more than zero, at most Chaoying's single-payment maximum.
pub(super) fn positive(field: &str, m: Money) -> Result<()> {
    crate::rules::amount(crate::trade::GatewayId::Chaoying, field, m)
}

pub(super) fn not_blank(field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) if s.trim().is_empty() => Err(Error::invalid(field, "must not be empty when given")),
        _ => Ok(()),
    }
}

pub(super) fn given(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

pub(super) fn given_masked(v: &Option<Masked>) -> bool {
    v.as_ref().is_some_and(|s| !s.expose().trim().is_empty())
}

pub(super) fn timestamp(field: &str, v: &Option<String>) -> Result<()> {
    match v {
        Some(s) if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) => {
            Err(Error::invalid(field, "must be yyyyMMddHHmmss (14 digits)"))
        }
        _ => Ok(()),
    }
}

pub(super) fn notify_url(v: &Option<String>) -> Result<()> {
    let Some(s) = v else { return Ok(()) };
    let u = url::Url::parse(s).map_err(|e| Error::invalid("notify_url", e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(Error::invalid("notify_url", "must be an http(s) URL"));
    }
    if u.query().is_some() {
        return Err(Error::invalid("notify_url", "must not carry parameters (the seed forbids a query string)"));
    }
    Ok(())
}

pub(super) fn goods(goods: &[GoodsDetail]) -> Result<()> {
    for (i, g) in goods.iter().enumerate() {
        let id_ok =
            !g.goods_id.is_empty() && g.goods_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            return Err(Error::invalid(format!("goods_detail[{i}].goods_id"), "letters, digits, '-' and '_' only"));
        }
        if g.quantity == 0 {
            return Err(Error::invalid(format!("goods_detail[{i}].quantity"), "must be at least 1"));
        }
    }
    Ok(())
}

/// A payer's code one of Chaoying's wallets issues.
pub(super) fn auth_code(field: &str, code: &str) -> Result<()> {
    crate::rules::payment_code(field, code, &super::codes::PayType::CODE_WALLETS).map(|_| ())
}
