//! Money is integer fen. Conversion to and from the gateways' yuan strings is exact, done on the
//! decimal text itself: a float never touches an amount.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an amount was refused. Carries the field name so the cashier app can point at it; the
/// message (its `Display`) is the reason only: whoever shows it names the field once
/// ([`crate::Error::InvalidInput`] shows `invalid input: {field}: {reason}`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must not be negative")]
    Negative { field: String },
    #[error("must be greater than zero")]
    Zero { field: String },
    #[error("is too large")]
    Overflow { field: String },
    #[error("at most two decimals are allowed (got {text:?})")]
    TooManyDecimals { field: String, text: String },
    #[error("not a number: {text:?}")]
    NotNumeric { field: String, text: String },
}

impl MoneyError {
    pub fn field(&self) -> &str {
        match self {
            MoneyError::Negative { field }
            | MoneyError::Zero { field }
            | MoneyError::Overflow { field }
            | MoneyError::TooManyDecimals { field, .. }
            | MoneyError::NotNumeric { field, .. } => field,
        }
    }
}

/// A non-negative amount in fen (1/100 yuan).
///
/// The upper bound is `i64::MAX` fen so the value always fits Kotlin's signed `Long`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(u64);

impl Money {
    pub const ZERO: Money = Money(0);
    pub const MAX_FEN: u64 = i64::MAX as u64;

    /// An amount from fen; `field` names the input for the error.
    pub fn from_fen(fen: i64, field: &str) -> Result<Money, MoneyError> {
        if fen < 0 {
            return Err(MoneyError::Negative { field: field.into() });
        }
        Ok(Money(fen as u64))
    }

    /// Like [`Money::from_fen`], but zero is refused too (charges and refunds must move money).
    pub fn positive(fen: i64, field: &str) -> Result<Money, MoneyError> {
        let m = Money::from_fen(fen, field)?;
        if m.0 == 0 {
            return Err(MoneyError::Zero { field: field.into() });
        }
        Ok(m)
    }

    /// An amount known at compile time (a limit).
    pub const fn from_fen_u32(fen: u32) -> Money {
        Money(fen as u64)
    }

    pub fn fen(self) -> u64 {
        self.0
    }

    /// The amount as signed fen, for FFI and SQL (always fits: see `MAX_FEN`).
    pub fn fen_i64(self) -> i64 {
        self.0 as i64
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).filter(|v| *v <= Self::MAX_FEN).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Yuan with exactly two decimals: 15800 fen -> "158.00", 1 -> "0.01".
    pub fn to_yuan(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// Fen as a decimal string, for gateways whose wire unit is fen.
    pub fn to_fen_string(self) -> String {
        self.0.to_string()
    }

    /// Parse a yuan string ("158", "158.0", "158.00", "0.01"). Refuses signs, exponents,
    /// whitespace, more than two decimals and overflow.
    pub fn parse_yuan(text: &str, field: &str) -> Result<Money, MoneyError> {
        let not_numeric = || MoneyError::NotNumeric { field: field.into(), text: text.into() };
        if let Some(rest) = text.strip_prefix('-') {
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(MoneyError::Negative { field: field.into() });
            }
            return Err(not_numeric());
        }
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_numeric());
        }
        let frac = match frac_part {
            None => 0,
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return Err(not_numeric()),
            Some(f) if f.len() > 2 => {
                return Err(MoneyError::TooManyDecimals { field: field.into(), text: text.into() })
            }
            Some(f) if f.len() == 1 => f.parse::<u64>().map_err(|_| not_numeric())? * 10,
            Some(f) => f.parse::<u64>().map_err(|_| not_numeric())?,
        };
        let overflow = || MoneyError::Overflow { field: field.into() };
        let yuan: u64 = int_part.parse().map_err(|_| overflow())?;
        let fen = yuan.checked_mul(100).and_then(|v| v.checked_add(frac)).ok_or_else(overflow)?;
        if fen > Self::MAX_FEN {
            return Err(overflow());
        }
        Ok(Money(fen))
    }

    /// Parse a fen string as gateways send it ("15800"). Digits only.
    pub fn parse_fen(text: &str, field: &str) -> Result<Money, MoneyError> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            if text.starts_with('-') {
                return Err(MoneyError::Negative { field: field.into() });
            }
            return Err(MoneyError::NotNumeric { field: field.into(), text: text.into() });
        }
        let fen: u64 = text.parse().map_err(|_| MoneyError::Overflow { field: field.into() })?;
        if fen > Self::MAX_FEN {
            return Err(MoneyError::Overflow { field: field.into() });
        }
        Ok(Money(fen))
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} fen)", self.0)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_yuan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn yuan_strings() {
        assert_eq!(Money::from_fen(15800, "a").unwrap().to_yuan(), "158.00");
        assert_eq!(Money::from_fen(1, "a").unwrap().to_yuan(), "0.01");
        assert_eq!(Money::from_fen(0, "a").unwrap().to_yuan(), "0.00");
        assert_eq!(Money::parse_yuan("158.00", "a").unwrap().fen(), 15800);
        assert_eq!(Money::parse_yuan("0.01", "a").unwrap().fen(), 1);
        assert_eq!(Money::parse_yuan("0.1", "a").unwrap().fen(), 10);
        assert_eq!(Money::parse_yuan("12", "a").unwrap().fen(), 1200);
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(Money::from_fen(-1, "amount"), Err(MoneyError::Negative { field: "amount".into() }));
        assert_eq!(Money::positive(0, "amount"), Err(MoneyError::Zero { field: "amount".into() }));
        assert!(
            matches!(Money::parse_yuan("1.001", "total"), Err(MoneyError::TooManyDecimals { field, .. }) if field == "total")
        );
        for bad in ["", "abc", "1.", ".5", "1e3", " 1", "1,00", "+1", "0x10", "1.2.3", "-"] {
            let e = Money::parse_yuan(bad, "total").unwrap_err();
            assert_eq!(e.field(), "total", "{bad:?}");
            assert!(matches!(e, MoneyError::NotNumeric { .. }), "{bad:?} gave {e:?}");
        }
        assert!(matches!(Money::parse_yuan("-1.00", "t"), Err(MoneyError::Negative { .. })));
        assert!(matches!(Money::parse_yuan("99999999999999999999", "t"), Err(MoneyError::Overflow { .. })));
        assert!(matches!(Money::parse_yuan("92233720368547758.08", "t"), Err(MoneyError::Overflow { .. })));
        assert_eq!(Money::parse_yuan("92233720368547758.07", "t").unwrap().fen(), i64::MAX as u64);
        assert!(matches!(Money::parse_fen("12a", "t"), Err(MoneyError::NotNumeric { .. })));
        assert!(matches!(Money::parse_fen("-5", "t"), Err(MoneyError::Negative { .. })));
    }

    #[test]
    fn checked_arithmetic() {
        let a = Money::from_fen(i64::MAX, "a").unwrap();
        assert!(a.checked_add(Money::from_fen(1, "b").unwrap()).is_none());
        assert!(Money::ZERO.checked_sub(Money::from_fen(1, "b").unwrap()).is_none());
        assert_eq!(Money::from_fen(5, "a").unwrap().checked_sub(Money::from_fen(3, "b").unwrap()).unwrap().fen(), 2);
    }

    proptest! {
        #[test]
        fn yuan_round_trip(fen in 0i64..=i64::MAX) {
            let m = Money::from_fen(fen, "a").unwrap();
            prop_assert_eq!(Money::parse_yuan(&m.to_yuan(), "a").unwrap(), m);
            prop_assert_eq!(Money::parse_fen(&m.to_fen_string(), "a").unwrap(), m);
        }

        #[test]
        fn yuan_text_matches_integer_math(yuan in 0u64..1_000_000_000, cents in 0u64..100) {
            let text = format!("{yuan}.{cents:02}");
            prop_assert_eq!(Money::parse_yuan(&text, "a").unwrap().fen(), yuan * 100 + cents);
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,24}") {
            let _ = Money::parse_yuan(&s, "a");
            let _ = Money::parse_fen(&s, "a");
        }
    }
}
