//! Payments the other way round: the terminal shows a QR code, the payer scans it with a wallet
//! and the cashier waits. The gateway-neutral request ([`QrPaymentRequest`]), what a gateway
//! answers ([`QrCode`]), each gateway's rules for it ([`QrRules`]), how the journal remembers a
//! QR payment's expiry ([`QrRecord`]) and the code's modules for drawing ([`qr_matrix`]).
//!
//! The notification of a QR order goes to the merchant's server, not to the terminal, so the
//! engine polls it until it is paid, its expiry passes (it is then closed), the cashier cancels
//! or the app relays the notification.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;
use crate::trade::GatewayId;

/// The wallet a QR code is for, where the gateway issues one code per wallet. `None` in a
/// request asks for the gateway's aggregated code (any wallet), where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum Wallet {
    Wechat,
    Alipay,
    Unionpay,
    Qq,
    Jd,
}

impl Wallet {
    pub const ALL: [Wallet; 5] = [Wallet::Wechat, Wallet::Alipay, Wallet::Unionpay, Wallet::Qq, Wallet::Jd];

    pub fn as_str(self) -> &'static str {
        match self {
            Wallet::Wechat => "wechat",
            Wallet::Alipay => "alipay",
            Wallet::Unionpay => "unionpay",
            Wallet::Qq => "qq",
            Wallet::Jd => "jd",
        }
    }

    pub fn parse(s: &str) -> Option<Wallet> {
        Wallet::ALL.into_iter().find(|w| w.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A QR payment: the order the payer scans and pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrPaymentRequest {
    pub order_no: String,
    pub amount: Money,
    /// Goods description shown to the payer.
    pub subject: String,
    /// The wallet the code is for; `None`: the gateway's aggregated code, where it has one.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wallet: Option<Wallet>,
    /// How long the code may be paid, in seconds; then the order is closed. Default: the
    /// gateway's ([`QrRules::default_expiry`]).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub expire_seconds: Option<u32>,
    /// The merchant server's address for the gateway's notification (required by MMSP).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub terminal_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_id: Option<String>,
}

/// A QR order the gateway created: what to show the payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrCode {
    pub order_no: String,
    /// The text to encode in the QR code (a wallet's URL).
    pub content: String,
    /// When the engine closes the order if it is still unpaid (Unix milliseconds).
    pub expires_at_ms: i64,
}

/// A gateway's rules for its merchant-presented code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrRules {
    /// The wallets it issues a code for.
    pub wallets: &'static [Wallet],
    /// Whether it has an aggregated code (a request without a wallet).
    pub aggregated: bool,
    /// The expiry when the request gives none.
    pub default_expiry: Duration,
    /// Whether the gateway can close (or cancel) an unpaid QR order. Where it cannot (TLinx),
    /// the engine withdraws the code at its expiry: a last query, then `closed` in the journal
    /// unless it was paid; a payment made later with a copy of the code reaches the journal by
    /// notification and is marked needs attention (refund it).
    pub closable: bool,
}

/// The shortest and longest expiry posgate accepts (the engine closes the order itself at its
/// expiry; the gateway's own expiry is set no sooner, within the gateway's limits).
pub const MIN_EXPIRY: Duration = Duration::from_secs(5);
pub const MAX_EXPIRY: Duration = Duration::from_secs(2 * 60 * 60);

impl QrRules {
    /// Checks the gateway-neutral fields of `req` (the gateway's own module checks the rest).
    pub fn check(&self, gw: GatewayId, req: &QrPaymentRequest) -> Result<()> {
        crate::ids::require("order_no", &req.order_no)?;
        crate::rules::amount(gw, "amount", req.amount)?;
        crate::ids::require("subject", &req.subject)?;
        match req.wallet {
            None if !self.aggregated => {
                return Err(Error::invalid(
                    "wallet",
                    format!("{gw} has no aggregated code: name the wallet ({})", self.names()),
                ))
            }
            Some(w) if !self.wallets.contains(&w) => {
                return Err(Error::invalid("wallet", format!("{gw} has no {w} QR code ({})", self.names())))
            }
            _ => {}
        }
        if let Some(s) = req.expire_seconds {
            let d = Duration::from_secs(s.into());
            if d < MIN_EXPIRY || d > MAX_EXPIRY {
                return Err(Error::invalid(
                    "expire_seconds",
                    format!("between {} and {} seconds", MIN_EXPIRY.as_secs(), MAX_EXPIRY.as_secs()),
                ));
            }
        }
        if let Some(url) = &req.notify_url {
            match url::Url::parse(url.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return Err(Error::invalid("notify_url", "an http(s) URL")),
            }
        }
        Ok(())
    }

    /// How long the order of `req` may be paid.
    pub fn expiry(&self, req: &QrPaymentRequest) -> Duration {
        req.expire_seconds.map(|s| Duration::from_secs(s.into())).unwrap_or(self.default_expiry)
    }

    fn names(&self) -> String {
        self.wallets.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// The gateway's own expiry for an order the engine closes after `expiry`: no sooner than the
/// engine's, and at least the gateway's minimum.
pub fn wire_expiry(expiry: Duration, gateway_min: Duration) -> Duration {
    expiry.max(gateway_min)
}

/// The journal's copy of a QR payment: the request (nothing secret in it) and its expiry, written
/// before the order is sent, so a recovery after a crash follows it until that expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrRecord {
    /// First, so [`QrRecord::expiry_of`] reads it without parsing the rest.
    pub expires_at_ms: i64,
    pub qr_payment: QrPaymentRequest,
}

impl QrRecord {
    const PREFIX: &'static str = "{\"expires_at_ms\":";

    /// The expiry of the QR payment whose journal copy is `request`; `None` when the entry is
    /// not a QR payment. The engine reads it for every payment it drives or recovers, so it is
    /// read by hand from the record's first field (written by this module), not deserialized.
    pub fn expiry_of(request: &str) -> Option<i64> {
        let rest = request.strip_prefix(Self::PREFIX)?;
        let digits = rest.find(|c: char| !c.is_ascii_digit()).map_or(rest, |end| &rest[..end]);
        digits.parse().ok()
    }
}

/// A QR code's modules, for drawing: `size` x `size`, row by row, `true` for dark. Draw it with
/// a quiet zone of four modules around it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrMatrix {
    pub size: u32,
    pub modules: Vec<bool>,
}

impl QrMatrix {
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        x < self.size && y < self.size && self.modules[(y * self.size + x) as usize]
    }
}

/// Encodes `content` as a QR code (error correction level M, the smallest version that holds
/// it), so an app needs no QR library of its own.
pub fn qr_matrix(content: &str) -> Result<QrMatrix> {
    if content.is_empty() {
        return Err(Error::invalid("content", "is empty"));
    }
    let qr = qrcodegen::QrCode::encode_text(content, qrcodegen::QrCodeEcc::Medium)
        .map_err(|_| Error::invalid("content", format!("too long for a QR code ({} bytes)", content.len())))?;
    let size = qr.size();
    let modules = (0..size).flat_map(|y| (0..size).map(move |x| (x, y))).map(|(x, y)| qr.get_module(x, y)).collect();
    Ok(QrMatrix { size: size as u32, modules })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> QrPaymentRequest {
        QrPaymentRequest {
            order_no: "QR1".into(),
            amount: Money::from_fen(100, "amount").unwrap(),
            subject: "coffee".into(),
            wallet: Some(Wallet::Wechat),
            expire_seconds: None,
            notify_url: None,
            terminal_id: None,
            store_id: None,
        }
    }

    const RULES: QrRules = QrRules {
        wallets: &[Wallet::Wechat, Wallet::Alipay],
        aggregated: false,
        default_expiry: Duration::from_secs(120),
        closable: true,
    };

    fn field(r: Result<()>) -> String {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn checks_name_the_field() {
        assert!(RULES.check(GatewayId::Chaoying, &req()).is_ok());
        assert_eq!(field(RULES.check(GatewayId::Chaoying, &QrPaymentRequest { wallet: None, ..req() })), "wallet");
        assert_eq!(
            field(RULES.check(GatewayId::Chaoying, &QrPaymentRequest { wallet: Some(Wallet::Jd), ..req() })),
            "wallet"
        );
        let zero = QrPaymentRequest { amount: Money::from_fen(0, "amount").unwrap(), ..req() };
        assert_eq!(field(RULES.check(GatewayId::Chaoying, &zero)), "amount");
        assert_eq!(
            field(RULES.check(GatewayId::Chaoying, &QrPaymentRequest { subject: " ".into(), ..req() })),
            "subject"
        );
        for bad in [0, 4, 7201] {
            let r = QrPaymentRequest { expire_seconds: Some(bad), ..req() };
            assert_eq!(field(RULES.check(GatewayId::Chaoying, &r)), "expire_seconds", "{bad}");
        }
        let huge = QrPaymentRequest { amount: Money::from_fen(i32::MAX as i64 + 1, "amount").unwrap(), ..req() };
        assert_eq!(field(RULES.check(GatewayId::Chaoying, &huge)), "amount");
        let url = QrPaymentRequest { notify_url: Some("ftp://x".into()), ..req() };
        assert_eq!(field(RULES.check(GatewayId::Chaoying, &url)), "notify_url");
        let agg = QrRules { aggregated: true, ..RULES };
        assert!(agg.check(GatewayId::Tlinx, &QrPaymentRequest { wallet: None, ..req() }).is_ok());
    }

    #[test]
    fn expiry_and_wire_expiry() {
        assert_eq!(RULES.expiry(&req()), Duration::from_secs(120));
        assert_eq!(RULES.expiry(&QrPaymentRequest { expire_seconds: Some(30), ..req() }), Duration::from_secs(30));
        assert_eq!(wire_expiry(Duration::from_secs(30), Duration::from_secs(120)), Duration::from_secs(120));
        assert_eq!(wire_expiry(Duration::from_secs(300), Duration::from_secs(120)), Duration::from_secs(300));
    }

    #[test]
    fn journal_record_round_trips() {
        let r = QrRecord { expires_at_ms: 1_700_000_000_000, qr_payment: req() };
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.starts_with(r#"{"expires_at_ms":1700000000000,"qr_payment":{"order_no":"QR1""#), "{json}");
        assert_eq!(QrRecord::expiry_of(&json), Some(1_700_000_000_000));
        assert_eq!(QrRecord::expiry_of(r#"{"order_no":"A"}"#), None);
        assert_eq!(QrRecord::expiry_of(r#"{"expires_at_ms":x}"#), None);
    }

    #[test]
    fn matrix_of_a_wallet_url() {
        let m = qr_matrix("weixin://wxpay/bizpayurl?pr=abc123").unwrap();
        assert_eq!(m.size, 29, "version 3 at level M");
        assert_eq!(m.modules.len(), 29 * 29);
        // The three finder patterns: dark corners, light separators.
        for (x, y) in [(0, 0), (28, 0), (0, 28), (6, 6), (22, 0)] {
            assert!(m.is_dark(x, y), "({x},{y})");
        }
        assert!(!m.is_dark(7, 7) && !m.is_dark(1, 1) && !m.is_dark(29, 0));
        assert!(matches!(qr_matrix(""), Err(Error::InvalidInput { .. })));
        assert!(matches!(qr_matrix(&"x".repeat(3000)), Err(Error::InvalidInput { .. })));
    }
}
