//! The scenario table, keyed by the last four digits of the barcode (or of the openId where a
//! gateway has no barcode), like a card network's test cards. The same table holds for every
//! gateway simulator.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `0000` (and any code not in the table): paid at once.
    PaidAtOnce,
    /// `1NNN`: paying for NNN seconds, then paid.
    PayingThenPaid(Duration),
    /// `2NNN`: paying for NNN seconds, then failed (payer cancelled).
    PayingThenFailed(Duration),
    /// `3001`: declined, insufficient balance.
    Declined,
    /// `3002`: invalid or expired barcode.
    InvalidCode,
    /// `4001`: the pay call answers "system error" although the charge went through.
    SystemErrorButCharged,
    /// `4002`: the pay call never answers (the client times out) although the charge went through.
    NoAnswerButCharged,
    /// `5001`: answers about this order carry a wrong signature (the charge went through).
    BadSignature,
}

impl Scenario {
    pub fn from_code(code: &str) -> Scenario {
        let digits: String = code.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Scenario::PaidAtOnce;
        }
        let n: u64 = digits[1..].parse().unwrap_or(0);
        match (digits.as_bytes()[0], digits.as_str()) {
            (_, "3001") => Scenario::Declined,
            (_, "3002") => Scenario::InvalidCode,
            (_, "4001") => Scenario::SystemErrorButCharged,
            (_, "4002") => Scenario::NoAnswerButCharged,
            (_, "5001") => Scenario::BadSignature,
            (b'1', _) => Scenario::PayingThenPaid(Duration::from_secs(n)),
            (b'2', _) => Scenario::PayingThenFailed(Duration::from_secs(n)),
            _ => Scenario::PaidAtOnce,
        }
    }

    /// Whether the charge goes through at some point (now or after the paying phase).
    pub fn charges(self) -> bool {
        !matches!(self, Scenario::Declined | Scenario::InvalidCode | Scenario::PayingThenFailed(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(Scenario::from_code("134567890120000"), Scenario::PaidAtOnce);
        assert_eq!(Scenario::from_code("134567890121005"), Scenario::PayingThenPaid(Duration::from_secs(5)));
        assert_eq!(Scenario::from_code("134567890122120"), Scenario::PayingThenFailed(Duration::from_secs(120)));
        assert_eq!(Scenario::from_code("134567890123001"), Scenario::Declined);
        assert_eq!(Scenario::from_code("134567890123002"), Scenario::InvalidCode);
        assert_eq!(Scenario::from_code("134567890124001"), Scenario::SystemErrorButCharged);
        assert_eq!(Scenario::from_code("134567890124002"), Scenario::NoAnswerButCharged);
        assert_eq!(Scenario::from_code("134567890125001"), Scenario::BadSignature);
        assert_eq!(Scenario::from_code("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), Scenario::PaidAtOnce);
        assert_eq!(Scenario::from_code("12"), Scenario::PaidAtOnce);
    }
}
