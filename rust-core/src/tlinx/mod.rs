//! Ping An Bank TLinx open platform (seed 004): form POST of open_id, timestamp, AES data,
//! sha1-then-md5 sign; answers are JSON with AES `data` and a sign of their own.

mod client;
pub mod protocol;
mod qr;
pub mod types;

pub use client::{Client, Tlinx};
pub use protocol::ProtocolError as Error;
pub use types::*;

use crate::gateway::Notification;
use crate::secret::Secret;
use crate::trade::{GatewayId, RawFields, TradeState};

/// The text a merchant answers a notification with so the platform stops retrying (4.8.1).
pub const NOTIFY_ACK: &str = "notify_success";

/// Store credentials at TLinx.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// The store's open_id.
    pub open_id: String,
    /// The store's open_key: signing key and AES-256 key (32 ASCII characters).
    pub open_key: Secret,
    /// Supervisor password for refunds, in clear; sent as sha1 (`shop_pass`).
    #[serde(default)]
    pub shop_pass: Option<Secret>,
    /// `pmt_tag` used for barcode payments from WeChat codes (prefix 10-15). The store's real
    /// tags come from paylist (e.g. `WeixinBERL`); the seed's examples use `Weixin`.
    #[serde(default)]
    pub pmt_tag_wechat: Option<String>,
    /// `pmt_tag` for Alipay codes (prefix 25-30); default `Alipay`.
    #[serde(default)]
    pub pmt_tag_alipay: Option<String>,
    /// `pmt_tag` for UnionPay codes (prefix 62); no default: such codes are refused unless set.
    #[serde(default)]
    pub pmt_tag_unionpay: Option<String>,
}

impl Credentials {
    pub fn new(open_id: impl Into<String>, open_key: Secret) -> Credentials {
        Credentials {
            open_id: open_id.into(),
            open_key,
            shop_pass: None,
            pmt_tag_wechat: None,
            pmt_tag_alipay: None,
            pmt_tag_unionpay: None,
        }
    }

    /// The `pmt_tag` for a barcode, told by the wallet's code format ([`crate::rules`]): a
    /// WeChat, Alipay or (with `pmt_tag_unionpay` set) UnionPay code.
    pub fn pmt_tag_for(&self, auth_code: &str) -> crate::error::Result<String> {
        use crate::rules::CodeWallet;
        match crate::rules::payment_code("auth_code", auth_code, &CODE_WALLETS)? {
            CodeWallet::Wechat => Ok(self.pmt_tag_wechat.clone().unwrap_or_else(|| "Weixin".into())),
            CodeWallet::Alipay => Ok(self.pmt_tag_alipay.clone().unwrap_or_else(|| "Alipay".into())),
            _ => self.pmt_tag_unionpay.clone().ok_or_else(|| {
                crate::error::Error::invalid(
                    "auth_code",
                    "a UnionPay code: set the credentials' pmt_tag_unionpay (the store's UnionPay tag from \
                     paylist) to take it, or invoke payorder with an explicit pmt_tag",
                )
            }),
        }
    }
}

/// Verifies the back-end notification of 4.8.1 and maps it.
///
/// The platform calls notify_url with GET and the fields in the query string: ord_no,
/// timestamp, rand_str, out_no, status, sign. The sign follows 2.5: every field but `sign`,
/// plus open_key, sorted, sha1 then md5. Pass every received query field, as decoded.
///
/// The timestamp is not held to the 600 s window: the platform retries the same notification
/// for up to three hours, and a replay only repeats a fact about an order the merchant named.
pub fn verify_notification(fields: &RawFields, open_key: &Secret) -> crate::error::Result<Notification> {
    protocol::verify_sign(fields, open_key.expose())
        .map_err(|e| crate::error::Error::signature(format!("tlinx notification: {e}")))?;
    let out_no = fields
        .get("out_no")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| crate::error::Error::invalid("out_no", "missing from the notification"))?;
    let state = match fields.get("status").map(|s| s.trim()) {
        Some("1") => TradeState::Paid,
        // Only unpaid orders are ever cancelled (8012).
        Some("4") => TradeState::Closed,
        _ => TradeState::Unknown,
    };
    Ok(Notification {
        gateway: GatewayId::Tlinx,
        order_no: out_no.clone(),
        state,
        amount: None,
        gateway_trade_no: fields.get("ord_no").filter(|v| !v.is_empty()).cloned(),
        fields: fields.clone(),
        ack: NOTIFY_ACK.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0828e83720fdbe3685a7b94214af04f9";

    fn notification() -> RawFields {
        // Sign computed independently (python3 hashlib) over
        // open_key=...&ord_no=...&out_no=...&rand_str=abc123&status=1&timestamp=1499999999
        [
            ("ord_no", "9149870509258853878433528"),
            ("out_no", "1214987050997427"),
            ("rand_str", "abc123"),
            ("status", "1"),
            ("timestamp", "1499999999"),
            ("sign", "008a96d92419e63053ec726cb24a1c6d"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn notification_known_vector() {
        let n = verify_notification(&notification(), &Secret::new(KEY)).unwrap();
        assert_eq!(n.order_no, "1214987050997427");
        assert_eq!(n.state, TradeState::Paid);
        assert_eq!(n.gateway_trade_no.as_deref(), Some("9149870509258853878433528"));
        assert_eq!(n.ack, "notify_success");
        assert_eq!(n.gateway, GatewayId::Tlinx);
    }

    #[test]
    fn tampered_notification_rejected() {
        for (k, v) in [("status", "4"), ("out_no", "1214987050997428"), ("extra", "1"), ("sign", "")] {
            let mut f = notification();
            f.insert(k.into(), v.into());
            let e = verify_notification(&f, &Secret::new(KEY)).unwrap_err();
            assert!(matches!(e, crate::error::Error::SignatureInvalid { .. }), "{k}: {e:?}");
        }
        let mut f = notification();
        f.remove("sign");
        assert!(matches!(
            verify_notification(&f, &Secret::new(KEY)),
            Err(crate::error::Error::SignatureInvalid { .. })
        ));
        let e = verify_notification(&notification(), &Secret::new("vCfnB1SvPQqUDa7q0AFpqdiGOCICGT92")).unwrap_err();
        assert!(matches!(e, crate::error::Error::SignatureInvalid { .. }));
    }

    #[test]
    fn cancelled_notification_and_missing_order() {
        let key = Secret::new(KEY);
        let mut f = notification();
        f.insert("status".into(), "4".into());
        let s = protocol::sign(&f, KEY);
        f.insert("sign".into(), s);
        assert_eq!(verify_notification(&f, &key).unwrap().state, TradeState::Closed);
        f.remove("out_no");
        let s = protocol::sign(&f, KEY);
        f.insert("sign".into(), s);
        assert!(
            matches!(verify_notification(&f, &key), Err(crate::error::Error::InvalidInput { field, .. }) if field == "out_no")
        );
    }

    #[test]
    fn wallet_from_prefix() {
        let mut c = Credentials::new("oid", Secret::new(KEY));
        assert_eq!(c.pmt_tag_for("134567890123450000").unwrap(), "Weixin");
        assert_eq!(c.pmt_tag_for("284567890123450000").unwrap(), "Alipay");
        assert!(
            matches!(c.pmt_tag_for("6245678901234500000"), Err(crate::error::Error::InvalidInput { field, .. }) if field == "auth_code")
        );
        assert!(c.pmt_tag_for("9").is_err());
        assert!(c.pmt_tag_for("914567890123450000").is_err(), "QQ Wallet: not a TLinx wallet");
        c.pmt_tag_wechat = Some("WeixinBERL".into());
        c.pmt_tag_unionpay = Some("Unionpay".into());
        assert_eq!(c.pmt_tag_for("104567890123450000").unwrap(), "WeixinBERL");
        assert_eq!(c.pmt_tag_for("6245678901234500000").unwrap(), "Unionpay");
    }
}
