//! Order and refund numbers, checked against a gateway's rules before anything is sent.

use crate::error::Error;

/// A gateway's rule for merchant-side numbers (order, refund).
#[derive(Debug, Clone, Copy)]
pub struct NumberRule {
    pub min_len: usize,
    pub max_len: usize,
    /// Characters allowed besides ASCII letters and digits.
    pub extra_chars: &'static str,
}

impl NumberRule {
    pub const fn new(min_len: usize, max_len: usize, extra_chars: &'static str) -> NumberRule {
        NumberRule { min_len, max_len, extra_chars }
    }

    /// Checks `value` and names `field` in the error.
    pub fn check(&self, field: &str, value: &str) -> Result<(), Error> {
        let len = value.chars().count();
        if len < self.min_len || len > self.max_len {
            return Err(Error::invalid(
                field,
                format!("length must be {}..={} characters, got {len}", self.min_len, self.max_len),
            ));
        }
        if let Some(c) = value.chars().find(|c| !(c.is_ascii_alphanumeric() || self.extra_chars.contains(*c))) {
            let allowed = if self.extra_chars.is_empty() {
                "letters and digits".to_string()
            } else {
                format!("letters, digits and {:?}", self.extra_chars)
            };
            return Err(Error::invalid(field, format!("character {c:?} not allowed (only {allowed})")));
        }
        Ok(())
    }
}

/// Checks a required free-text field is present.
pub fn require(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

/// A payer's one-time code (barcode, Kuaishou's dynamic id): present, letters and digits only,
/// at most 64, as every gateway's seed allows.
pub fn payment_code(field: &str, value: &str) -> Result<(), Error> {
    require(field, value)?;
    if value.len() > 64 || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(field, "letters and digits only, at most 64"));
    }
    Ok(())
}

/// A fresh order number: time-ordered, unique per process and terminal. Letters and digits, at
/// most 20 characters for a prefix of up to 4: the shortest any gateway allows (MMSP's scan-code
/// `MERORDERID` and `REFUND_MERORDERID` are string(20)). Seconds, a per-process sequence and a
/// random part: within a process two numbers collide only past 1,000 numbers in one second, and
/// then 1 in 1,000. The sequence starts at a random point, so two processes (CLI commands on one
/// journal, an app restarted within the second) collide 1 in a million, not 1 in 1,000: both
/// started their sequences at 000 before, and the CLI's bad-input battery met such a twin.
pub fn new_order_no(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::OnceLock;
    static START: OnceLock<u32> = OnceLock::new();
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let now = crate::clock::now_unix();
    let start = *START.get_or_init(|| rand::random::<u32>() % 1_000);
    let seq = (start + SEQ.fetch_add(1, Ordering::Relaxed) % 1_000) % 1_000;
    let rnd: u32 = rand::random::<u32>() % 1_000;
    format!("{prefix}{now}{seq:03}{rnd:03}")
}

/// The refund number of a reversal made as a full refund, by default (see
/// [`crate::gateway::Gateway::reversal_refund_no`]): `RV` and the order number's last 28
/// characters, the same for one order every time.
pub fn reversal_refund_no(order_no: &str) -> String {
    let tail: String = order_no.chars().rev().take(28).collect::<Vec<_>>().into_iter().rev().collect();
    format!("RV{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversal_refund_numbers_fit_and_repeat() {
        let long = "PG1795361564175000056190123456789";
        let a = reversal_refund_no(long);
        assert_eq!(a, reversal_refund_no(long));
        assert!(a.len() <= 30 && a.starts_with("RV"));
        assert_eq!(reversal_refund_no("A1"), "RVA1");
    }

    #[test]
    fn rules() {
        let r = NumberRule::new(1, 32, "_-");
        assert!(r.check("order_no", "PG2026_01-a").is_ok());
        let e = r.check("order_no", "").unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "order_no"));
        assert!(r.check("order_no", &"a".repeat(33)).is_err());
        assert!(r.check("refund_no", "a b").is_err());
        assert!(r.check("refund_no", "订单").is_err());
        let a = new_order_no("PG");
        let b = new_order_no("PG");
        assert_ne!(a, b);
        assert!(r.check("order_no", &a).is_ok());
        assert!(a.len() <= 20 && new_order_no("PGRX").len() <= 20, "{a}");
    }
}
