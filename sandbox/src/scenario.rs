//! The scenario table, keyed by the last four digits of the barcode (or of the openId where a
//! gateway has no barcode), like a card network's test cards. The same table holds for every
//! gateway simulator, and it is read here only: a code names a [`Scenario`] (how the charge goes
//! over time, which the store follows), and the scenario names the [`Outcome`] of the call that
//! starts the charge, which each dialect only words in its own codes.

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

/// What the call that starts a charge (a barcode pay, Sunmi's prepay) comes to, whatever the
/// gateway. Where the order stands later is the store's business ([`crate::SimOrder::state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with the order as it stands: paid at once (`0000`, `5001`: the dialect signs the
    /// latter's answers wrong, see [`Scenario::signs_wrong`]).
    Paid,
    /// Answered "the payer is entering a password" (`1NNN`, `2NNN`).
    Paying,
    /// Declined: insufficient balance (`3001`).
    Declined,
    /// The code is refused as invalid or expired (`3002`).
    InvalidCode,
    /// Answered "system error" although the charge went through (`4001`).
    SystemError,
    /// Never answered although the charge went through (`4002`): the call is held, then
    /// dropped, as an injected timeout is.
    NoAnswer,
}

impl Scenario {
    /// The scenario of a code: its last four digits, [`Scenario::PaidAtOnce`] when they are not in
    /// the table or the code does not end in four digits.
    pub fn from_code(code: &str) -> Scenario {
        Scenario::lookup(code).unwrap_or(Scenario::PaidAtOnce)
    }

    /// The scenario the code's last four digits script; `None` when the code does not end in four
    /// digits (no script: Sunmi's payer then pays by hand, through `/_sandbox/pay`).
    pub fn lookup(code: &str) -> Option<Scenario> {
        let tail: String = code.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        if tail.len() < 4 || !tail.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let seconds = Duration::from_secs(tail[1..].parse().unwrap_or(0));
        Some(match tail.as_str() {
            "3001" => Scenario::Declined,
            "3002" => Scenario::InvalidCode,
            "4001" => Scenario::SystemErrorButCharged,
            "4002" => Scenario::NoAnswerButCharged,
            "5001" => Scenario::BadSignature,
            t if t.starts_with('1') => Scenario::PayingThenPaid(seconds),
            t if t.starts_with('2') => Scenario::PayingThenFailed(seconds),
            _ => Scenario::PaidAtOnce,
        })
    }

    /// What the call that starts the charge answers.
    pub fn outcome(self) -> Outcome {
        match self {
            Scenario::PaidAtOnce | Scenario::BadSignature => Outcome::Paid,
            Scenario::PayingThenPaid(_) | Scenario::PayingThenFailed(_) => Outcome::Paying,
            Scenario::Declined => Outcome::Declined,
            Scenario::InvalidCode => Outcome::InvalidCode,
            Scenario::SystemErrorButCharged => Outcome::SystemError,
            Scenario::NoAnswerButCharged => Outcome::NoAnswer,
        }
    }

    /// Whether the charge goes through at some point (now or after the paying phase).
    pub fn charges(self) -> bool {
        !matches!(self, Scenario::Declined | Scenario::InvalidCode | Scenario::PayingThenFailed(_))
    }

    /// Whether what the gateway says about the order (answers, or the notification where answers
    /// are unsigned) carries a wrong signature.
    pub fn signs_wrong(self) -> bool {
        self == Scenario::BadSignature
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
        // Codes not in the table are scripted (paid at once); codes without four digits are not.
        assert_eq!(Scenario::lookup("oSandbox9999"), Some(Scenario::PaidAtOnce));
        assert_eq!(Scenario::lookup("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), None);
        assert_eq!(Scenario::lookup("x0001"), Some(Scenario::PaidAtOnce));
        assert_eq!(Scenario::lookup("１２３４"), None);
    }

    /// Every scenario resolves to one outcome, here, for every gateway.
    #[test]
    fn outcomes() {
        let outcome = |code: &str| Scenario::from_code(code).outcome();
        assert_eq!(outcome("0000"), Outcome::Paid);
        assert_eq!(outcome("5001"), Outcome::Paid);
        assert_eq!(outcome("1005"), Outcome::Paying);
        assert_eq!(outcome("2005"), Outcome::Paying);
        assert_eq!(outcome("3001"), Outcome::Declined);
        assert_eq!(outcome("3002"), Outcome::InvalidCode);
        assert_eq!(outcome("4001"), Outcome::SystemError);
        assert_eq!(outcome("4002"), Outcome::NoAnswer);
        assert!(Scenario::from_code("5001").signs_wrong());
        assert!(!Scenario::from_code("0000").signs_wrong());
        let charged: Vec<bool> = ["0000", "1005", "2005", "3001", "3002", "4001", "4002", "5001"]
            .map(|c| Scenario::from_code(c).charges())
            .into();
        assert_eq!(charged, [true, true, false, false, false, true, true, true]);
    }
}
