//! The input rules every gateway shares, written once: which payment codes each wallet issues
//! (length and prefix), and each gateway's single-payment maximum. Every gateway's
//! `validate_pay`, its typed charges' and pre-orders' `validate`, its refunds and the QR rules
//! call these; the sandbox's simulators refuse by the same table, as the real gateways do.
//!
//! Payment codes (付款码, the code the payer's wallet shows; the wallets' published formats, none
//! of the five seeds gives one):
//!
//! | wallet | digits | starts with |
//! |---|---|---|
//! | WeChat | 18 | 10-15 |
//! | Alipay | 16-24 | 25-30 |
//! | UnionPay | 19 | 62 |
//! | QQ Wallet | 18 | 91 |
//! | JD Pay | 18 | 18 |
//! | Bestpay | 18 | 51 |
//!
//! Single-payment maximum: 2,147,483,647 fen (21,474,836.47 yuan) on every gateway, the largest
//! amount an `int` amount field carries (see [`max_amount`] for each gateway's source). It holds
//! for payments, QR payments, pre-orders and refunds.

use crate::error::{Error, Result};
use crate::money::Money;
use crate::trade::GatewayId;

/// A wallet that issues payment codes (the code the payer shows and the terminal scans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeWallet {
    Wechat,
    Alipay,
    Unionpay,
    Qq,
    Jd,
    Bestpay,
}

impl CodeWallet {
    pub const ALL: [CodeWallet; 6] = [
        CodeWallet::Wechat,
        CodeWallet::Alipay,
        CodeWallet::Unionpay,
        CodeWallet::Qq,
        CodeWallet::Jd,
        CodeWallet::Bestpay,
    ];

    /// The wallet's plain key, as the journal and the shift report name it.
    pub fn key(self) -> &'static str {
        match self {
            CodeWallet::Wechat => "wechat",
            CodeWallet::Alipay => "alipay",
            CodeWallet::Unionpay => "unionpay",
            CodeWallet::Qq => "qq",
            CodeWallet::Jd => "jd",
            CodeWallet::Bestpay => "bestpay",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CodeWallet::Wechat => "WeChat",
            CodeWallet::Alipay => "Alipay",
            CodeWallet::Unionpay => "UnionPay",
            CodeWallet::Qq => "QQ Wallet",
            CodeWallet::Jd => "JD Pay",
            CodeWallet::Bestpay => "Bestpay",
        }
    }

    /// The wallet's code format: (first two digits from, to), (length from, to).
    const fn format(self) -> ((u8, u8), (usize, usize)) {
        match self {
            CodeWallet::Wechat => ((10, 15), (18, 18)),
            CodeWallet::Alipay => ((25, 30), (16, 24)),
            CodeWallet::Unionpay => ((62, 62), (19, 19)),
            CodeWallet::Qq => ((91, 91), (18, 18)),
            CodeWallet::Jd => ((18, 18), (18, 18)),
            CodeWallet::Bestpay => ((51, 51), (18, 18)),
        }
    }

    /// "WeChat (18 digits from 10-15)".
    fn describe(self) -> String {
        let ((p0, p1), (l0, l1)) = self.format();
        let prefix = if p0 == p1 { format!("{p0}") } else { format!("{p0}-{p1}") };
        let len = if l0 == l1 { format!("{l0}") } else { format!("{l0}-{l1}") };
        format!("{} ({len} digits from {prefix})", self.name())
    }
}

impl std::fmt::Display for CodeWallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The wallet whose format `code` has; `None` when no wallet issues such a code.
pub fn wallet_of_code(code: &str) -> Option<CodeWallet> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = code.get(..2)?.parse().ok()?;
    CodeWallet::ALL.into_iter().find(|w| {
        let ((p0, p1), (l0, l1)) = w.format();
        (p0..=p1).contains(&prefix) && (l0..=l1).contains(&code.len())
    })
}

/// Checks that `code` is a payment code one of `takes` issues, naming `field`; answers its
/// wallet. The code itself is never repeated in the message (it is as good as the payer's
/// money for a minute).
pub fn payment_code(field: &str, code: &str, takes: &[CodeWallet]) -> Result<CodeWallet> {
    let taken = || takes.iter().map(|w| w.describe()).collect::<Vec<_>>().join(", ");
    if code.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(field, format!("a payment code is digits only: {}", taken())));
    }
    match wallet_of_code(code) {
        Some(w) if takes.contains(&w) => Ok(w),
        Some(w) => Err(Error::invalid(field, format!("a {w} code, not one this gateway takes: {}", taken()))),
        None => Err(Error::invalid(
            field,
            format!("no wallet issues a payment code of {} digits like this one: {}", code.len(), taken()),
        )),
    }
}

/// The largest amount one payment (barcode, QR, pre-order) or refund may have at `gw`.
///
/// Every gateway's amount field carries at most a 32-bit `int` of fen, 2,147,483,647 fen:
/// - TLinx: `original_amount` / `trade_amount` are `int` fen (seed 004, 4.4.1 payorder);
/// - Sunmi: the answers' `amount` is `Int` fen (seed 000, 4.x/5.x answer tables): a larger
///   order could not even be reported;
/// - Chaoying: `total_fee` "以分为单位,只能为整数" (seed 001, 2.x); WeChat's v2 rules apply
///   upstream (SPEC-NOTES), whose `total_fee` is an `Int`;
/// - Kuaishou and MMSP: the seeds are silent (yuan strings; `AMT` string(12)/(20)). Decision:
///   the wallets' own ceiling, the lowest of those they carry: WeChat's `Int` `total_fee`
///   (Alipay's `total_amount` goes to 100,000,000 yuan, UnionPay's to 12 digits).
///
/// MMSP's payouts keep their own rule (digest A27: no client-side cap).
pub const fn max_amount(gw: GatewayId) -> Money {
    match gw {
        GatewayId::Sunmi | GatewayId::Chaoying | GatewayId::Kuaishou | GatewayId::Mmsp | GatewayId::Tlinx => {
            Money::from_fen_u32(i32::MAX as u32)
        }
    }
}

/// Checks an amount that moves money at `gw` (a payment's, a pre-order's, a refund's): more than
/// zero and at most the gateway's single-payment maximum. Names `field`.
pub fn amount(gw: GatewayId, field: &str, m: Money) -> Result<()> {
    if m.is_zero() {
        return Err(Error::invalid(field, "must be greater than zero"));
    }
    let max = max_amount(gw);
    if m > max {
        return Err(Error::invalid(
            field,
            format!("{m} yuan is more than {gw} takes in one payment (at most {max} yuan, {} fen)", max.fen()),
        ));
    }
    Ok(())
}

/// Checks a refund's amounts at `gw`: each within [`amount`]'s bounds, and the refund no more
/// than the order's total when it is given.
pub fn refund_amounts(gw: GatewayId, refund: Money, total: Option<Money>) -> Result<()> {
    amount(gw, "refund_amount", refund)?;
    if let Some(total) = total {
        amount(gw, "total_amount", total)?;
        if refund > total {
            return Err(Error::invalid("refund_amount", format!("{refund} yuan exceeds the order's {total} yuan")));
        }
    }
    Ok(())
}

/// A trade date as the gateways write it (Sunmi's `tradeDate`): `yyyyMMdd`, a day that exists.
/// Names `field`.
pub fn compact_date(field: &str, text: &str) -> Result<()> {
    // Digits first, so the slicing below is on character boundaries.
    let exists = text.len() == 8
        && text.bytes().all(|b| b.is_ascii_digit())
        && crate::beijing::day(&format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]), field).is_ok();
    if !exists {
        return Err(Error::invalid(field, "must be a date as yyyyMMdd"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<CodeWallet>) -> String {
        match r {
            Err(Error::InvalidInput { field, reason }) => {
                assert!(!reason.starts_with(&format!("{field}:")), "{reason}");
                field
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn trade_dates_are_days_that_exist() {
        for ok in ["20190630", "20240229", "20261231"] {
            assert!(compact_date("trade_date", ok).is_ok(), "{ok}");
        }
        for bad in ["", "2019063", "201906300", "2019-06-3", "20191332", "20230229", "20190600", "２０１９０６３０"]
        {
            match compact_date("trade_date", bad) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "trade_date", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn codes_by_wallet() {
        assert_eq!(wallet_of_code("134567890123450000"), Some(CodeWallet::Wechat));
        assert_eq!(wallet_of_code("104567890123450000"), Some(CodeWallet::Wechat));
        assert_eq!(wallet_of_code("154567890123450000"), Some(CodeWallet::Wechat));
        assert_eq!(wallet_of_code("2845678901230000"), Some(CodeWallet::Alipay));
        assert_eq!(wallet_of_code("304567890123456789012345"), Some(CodeWallet::Alipay));
        assert_eq!(wallet_of_code("6245678901234567890"), Some(CodeWallet::Unionpay));
        assert_eq!(wallet_of_code("914567890123450000"), Some(CodeWallet::Qq));
        assert_eq!(wallet_of_code("184567890123450000"), Some(CodeWallet::Jd));
        assert_eq!(wallet_of_code("514567890123450000"), Some(CodeWallet::Bestpay));
        for bad in [
            "",
            "1",
            "abc",
            "13456789012345000",   // WeChat, 17 digits
            "1345678901234500000", // WeChat, 19 digits
            "164567890123450000",  // 16: nobody's
            "284567890123450",     // Alipay, 15 digits
            "2845678901234567890123456",
            "624567890123456789", // UnionPay, 18 digits
            "994567890123450000",
            "13456789012345000a",
            "１３４５６７８９０１２３４５００００",
        ] {
            assert_eq!(wallet_of_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn code_checks_name_the_field() {
        let takes = [CodeWallet::Wechat, CodeWallet::Alipay];
        assert_eq!(payment_code("auth_code", "134567890123450000", &takes).unwrap(), CodeWallet::Wechat);
        for bad in ["", " ", "abc", "13-45", "134567890123450", "914567890123450000", "994567890123450000"] {
            assert_eq!(field(payment_code("auth_code", bad, &takes)), "auth_code", "{bad:?}");
        }
        let e = payment_code("code", "914567890123450000", &takes).unwrap_err().to_string();
        assert!(e.contains("a QQ Wallet code") && e.contains("WeChat (18 digits from 10-15)"), "{e}");
        assert!(!e.contains("914567890123450000"), "the code is not repeated: {e}");
    }

    #[test]
    fn amounts_are_capped() {
        let m = |fen: u64| Money::from_fen(fen as i64, "a").unwrap();
        for gw in GatewayId::ALL {
            assert!(amount(gw, "amount", m(1)).is_ok());
            assert!(amount(gw, "amount", max_amount(gw)).is_ok());
            let over = amount(gw, "amount", m(max_amount(gw).fen() + 1)).unwrap_err();
            assert!(matches!(over, Error::InvalidInput { ref field, .. } if field == "amount"), "{over:?}");
            assert!(
                matches!(amount(gw, "total_fee", m(0)), Err(Error::InvalidInput { field, .. }) if field == "total_fee")
            );
        }
        assert_eq!(max_amount(GatewayId::Tlinx).fen(), 2_147_483_647);
        let e = amount(GatewayId::Chaoying, "amount", m(99_999_999_999_999_999)).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid input: amount: 999999999999999.99 yuan is more than chaoying takes in one payment \
             (at most 21474836.47 yuan, 2147483647 fen)"
        );
        assert!(refund_amounts(GatewayId::Mmsp, m(5), Some(m(5))).is_ok());
        assert!(
            matches!(refund_amounts(GatewayId::Mmsp, m(6), Some(m(5))), Err(Error::InvalidInput { field, .. }) if field == "refund_amount")
        );
        assert!(
            matches!(refund_amounts(GatewayId::Mmsp, m(5), Some(m(0))), Err(Error::InvalidInput { field, .. }) if field == "total_amount")
        );
    }
}
