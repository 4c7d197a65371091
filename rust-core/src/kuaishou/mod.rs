//! Kuaishou (快收 / sosopay) open gateway (seed 002): JSON bodies signed
//! `md5(timestamp + key + body):timestamp` in the query string, optional 3DES both ways, answers
//! and notifications in JSON or XML. The digest `gateways/kuaishou.md` records the 32 decisions
//! taken where the seed is silent or contradicts itself; they are cited as "digest decision N".
//!
//! - [`protocol`]: signing, 3DES, reading JSON and XML documents.
//! - [`types`]: typed requests and answers of every operation, the dictionaries and the mapping
//!   of `RESULT.CODE` and `STATE` onto the common vocabulary.
//! - [`Client`]: the calls, one typed method per operation, and the [`crate::gateway::Gateway`].
//! - [`verify_notification`]: `PAY_NODIFY`, checked with the body rule over the decrypted text.

mod client;
#[cfg(feature = "fuzzing")]
pub(crate) use client::read_answer;
pub mod protocol;
mod qr;
pub mod types;

pub use client::{Client, Kuaishou};
pub use protocol::ProtocolError as Error;
pub use types::*;

use crate::gateway::Notification;
use crate::secret::Secret;
use crate::trade::{GatewayId, RawFields, TradeState};

/// What the merchant answers a notification with. Kuaishou only reads the HTTP status (200 stops
/// its 30 retries, 5 s apart); the seed specifies no body.
pub const NOTIFY_ACK: &str = "SUCCESS";

/// The unit of the timestamp in `sign`: the seed's example is in seconds, the vendor's own
/// Android SDK sends milliseconds. Either reproduces (the timestamp is opaque to the hash).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum TimestampUnit {
    #[default]
    Seconds,
    Millis,
}

/// Merchant credentials at Kuaishou.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Credentials {
    /// `BUSI_ID` / `busiCode`: the merchant number Kuaishou assigned.
    pub busi_code: String,
    /// The merchant key: the MD5 signing key and, first 24 bytes, the 3DES key.
    pub key: Secret,
    /// Encrypt bodies and answers with 3DES (`encrypt=3DES`).
    #[serde(default)]
    pub encrypt: bool,
    #[serde(default)]
    pub timestamp_unit: TimestampUnit,
    /// `OPER_ID` sent when an operation names none.
    #[serde(default = "default_oper_id")]
    pub oper_id: String,
    /// `DEV_ID` sent when an operation (or the payment's terminal) names none.
    #[serde(default = "default_dev_id")]
    pub dev_id: String,
}

fn default_oper_id() -> String {
    "posgate".into()
}

fn default_dev_id() -> String {
    "pos".into()
}

impl Credentials {
    /// Plain (no 3DES), timestamps in seconds, the default operator and device.
    pub fn new(busi_code: impl Into<String>, key: Secret) -> Credentials {
        Credentials {
            busi_code: busi_code.into(),
            key,
            encrypt: false,
            timestamp_unit: TimestampUnit::Seconds,
            oper_id: default_oper_id(),
            dev_id: default_dev_id(),
        }
    }

    /// The timestamp to sign with now.
    pub fn timestamp(&self) -> String {
        match self.timestamp_unit {
            TimestampUnit::Seconds => crate::clock::now_unix().to_string(),
            TimestampUnit::Millis => crate::clock::now_ms().to_string(),
        }
    }
}

/// Verifies a `PAY_NODIFY` notification and maps it.
///
/// `fields` are the notification as received: the query string's `sign` (and `_type`,
/// `encrypt`, as the merchant put them in `NODIFY_URL`) and the raw POST body under `body`.
/// The seed states no rule for the notification's sign: it is checked with the body rule over
/// the decrypted body (digest §4). The notification is only a trigger: the engine checks it
/// against the journal (`Engine::check_notification`: known order, same amount, duplicates
/// recognised), and the app answers HTTP 200 only once that has returned `Ok` (the result is
/// recorded); any other answer makes Kuaishou send it again (30 times, 5 s apart).
pub fn verify_notification(fields: &RawFields, key: &Secret) -> crate::error::Result<Notification> {
    use crate::error::Error as E;
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or("");
    let encrypted = match get("encrypt") {
        "" => false,
        e if e.eq_ignore_ascii_case("3DES") => true,
        other => return Err(E::invalid("encrypt", format!("{other:?} is neither empty nor 3DES"))),
    };
    if !matches!(get("_type").to_ascii_lowercase().as_str(), "" | "json" | "xml") {
        return Err(E::invalid("_type", "json, xml or empty"));
    }
    let sign =
        fields.get("sign").filter(|s| !s.is_empty()).ok_or_else(|| E::signature("kuaishou notification: no sign"))?;
    let body = fields.get("body").ok_or_else(|| E::invalid("body", "the notification's POST body is missing"))?;
    let text = protocol::plaintext(key.expose(), body, encrypted)
        .map_err(|e| E::signature(format!("kuaishou notification: body: {e}")))?;
    protocol::verify(sign, key.expose(), &text).map_err(|e| E::signature(format!("kuaishou notification: {e}")))?;
    let doc = protocol::document(&text).map_err(|e| E::invalid("body", e.to_string()))?;
    let root = protocol::member(&doc, "PAY_NODIFY").ok_or_else(|| E::invalid("body", "no PAY_NODIFY"))?;
    let n: PayNotification = serde_json::from_value(root.clone()).map_err(|e| E::invalid("body", e.to_string()))?;
    let order_no = n.charge_code.clone().ok_or_else(|| E::invalid("CHARGE_CODE", "missing from the notification"))?;
    let state = n.state.as_ref().map(State::trade_state).unwrap_or(TradeState::Unknown);
    // Every received field, the body's members flattened, for the journal.
    let mut raw: RawFields = fields.iter().filter(|(k, _)| *k != "body").map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Some(obj) = root.as_object() {
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            raw.insert(k.clone(), text);
        }
    }
    Ok(Notification {
        gateway: GatewayId::Kuaishou,
        order_no,
        state,
        amount: n.amt,
        gateway_trade_no: n.charge_down_code,
        fields: raw,
        ack: NOTIFY_ACK.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    const KEY: &str = "98SDKFUO432HNODS098EEE07U9DUOIUE";

    fn fields(body: &str, encrypt: bool, ts: &str) -> RawFields {
        let mut f = RawFields::new();
        f.insert("_type".into(), "json".into());
        f.insert("sign".into(), protocol::sign(ts, KEY, body));
        if encrypt {
            f.insert("encrypt".into(), "3DES".into());
            f.insert("body".into(), protocol::encrypt(KEY, body));
        } else {
            f.insert("body".into(), body.into());
        }
        f
    }

    fn seed_5_3() -> &'static str {
        include_str!("testdata/seed_5_3.json")
    }

    #[test]
    fn the_seeds_notification_signed_by_the_rule() {
        for encrypt in [false, true] {
            let n = verify_notification(&fields(seed_5_3(), encrypt, "1448262000"), &Secret::new(KEY)).unwrap();
            assert_eq!(n.order_no, "1C88FADB-75D2-4517-9C38-F273D423FFF3");
            assert_eq!(n.state, TradeState::Paid);
            assert_eq!(n.amount, Some(Money::from_fen(1, "a").unwrap()));
            assert_eq!(n.gateway_trade_no.as_deref(), Some("20151123100000095182"));
            assert_eq!(n.fields["BUSI_ID"], "0010000001");
            assert_eq!(n.fields["STATE"], "1");
            assert_eq!(n.ack, "SUCCESS");
        }
    }

    #[test]
    fn xml_notifications_verify_too() {
        let doc = protocol::document(seed_5_3()).unwrap();
        let xml = protocol::json_to_xml(&doc);
        let n = verify_notification(&fields(&xml, false, "1700000000000"), &Secret::new(KEY)).unwrap();
        assert_eq!((n.state, n.amount), (TradeState::Paid, Some(Money::from_fen(1, "a").unwrap())));
    }

    #[test]
    fn tampered_notifications_rejected() {
        let key = Secret::new(KEY);
        let genuine = fields(seed_5_3(), false, "1448262000");
        let mut t = genuine.clone();
        t.insert("body".into(), seed_5_3().replace("\"STATE\": 1", "\"STATE\": 2"));
        assert!(matches!(verify_notification(&t, &key), Err(crate::error::Error::SignatureInvalid { .. })));
        let mut t = genuine.clone();
        t.insert("body".into(), seed_5_3().replace("\"AMT\": 1", "\"AMT\": 100"));
        assert!(matches!(verify_notification(&t, &key), Err(crate::error::Error::SignatureInvalid { .. })));
        let mut t = genuine.clone();
        t.remove("sign");
        assert!(matches!(verify_notification(&t, &key), Err(crate::error::Error::SignatureInvalid { .. })));
        assert!(verify_notification(&genuine, &Secret::new("another key")).is_err());
        let mut t = genuine.clone();
        t.insert("encrypt".into(), "AES".into());
        assert!(
            matches!(verify_notification(&t, &key), Err(crate::error::Error::InvalidInput { field, .. }) if field == "encrypt")
        );
        let mut enc = fields(seed_5_3(), true, "1");
        enc.get_mut("body").unwrap().push('A');
        assert!(verify_notification(&enc, &key).is_err());
        // Whitespace is not signed: reformatting the body keeps it valid (the rule's design).
        let mut t = genuine;
        t.insert("body".into(), seed_5_3().replace('\n', "\r\n"));
        assert!(verify_notification(&t, &key).is_ok());
    }
}
