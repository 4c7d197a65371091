//! What the platform posts to a `NOTIFY_URL` (digest §9): scan code's push 2324 (10.8) and the
//! quick-pay (5.5) and gateway-pay (5.2) notifications. All three are a JSON envelope in the
//! raw POST body, its Body signed by the same MD5 rule as answers, over the Body as received
//! (numbers stay numbers: the vendor demo's push has `"AMT":1`). They are not gated on
//! `RetCode` (the demo's push carries 0) nor dispatched on `CommandID` (the examples contradict
//! the tables): the Body tells which it is (a push has `ORDERNO`, a notification `LIST_ID`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::Fields;
use super::scan_codes::MmspWallet;
use crate::error::{Error, Result};
use crate::gateway::Notification;
use crate::mmsp::{wire, Credentials, NOTIFY_ACK};
use crate::money::Money;
use crate::trade::{GatewayId, RawFields, TradeState};

/// The Body of a push or notification. Every field optional: which are present tells the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspNotification {
    /// `MERORDERID` (a number in the demo's push).
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    /// `ORDERNO`: the platform's order number (scan-code push).
    #[serde(rename = "ORDERNO", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_order_no: Option<String>,
    /// `LIST_ID`: the platform's order number (quick pay, gateway pay).
    #[serde(rename = "LIST_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    /// `STATUS`: 1 paid (the only state pushed); quick pay and gateway also 0 unpaid, 2
    /// failed, 3 refunded.
    #[serde(rename = "STATUS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// `AMT`, fen: a number (push, "int(20)") or a string (notifications).
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    /// `TRADETYPE` of a push: the payer's wallet.
    #[serde(rename = "TRADETYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wallet: Option<MmspWallet>,
    /// `TRDETIME` (10.8), `TRDTIME` (the demo), `TRADETIME` (the query): all read (digest A30).
    #[serde(rename = "TRDETIME", alias = "TRDTIME", alias = "TRADETIME", default)]
    #[serde(deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_time: Option<String>,
    /// `PAYTIME` (push) or `PAY_DATE` (notifications).
    #[serde(rename = "PAYTIME", alias = "PAY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_time: Option<String>,
    /// Fields of the quick-pay and gateway notifications (`NOTIFY_DATE`, `CARDNO`, `BANK_NAME`,
    /// `PAY_CHANNEL`, `PUSH_COUNT`, ...), and any the seed does not list, as received.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl MmspNotification {
    /// The Body read field by field (see [`Fields`]); the time fields under any of their names.
    pub fn from_body(body: Value) -> std::result::Result<Self, String> {
        let mut f = Fields::of(body)?;
        let trade_time = ["TRDETIME", "TRDTIME", "TRADETIME"].into_iter().find_map(|k| f.text(k));
        let pay_time = ["PAYTIME", "PAY_DATE"].into_iter().find_map(|k| f.text(k));
        Ok(MmspNotification {
            mer_order_id: f.text("MERORDERID"),
            platform_order_no: f.text("ORDERNO"),
            list_id: f.text("LIST_ID"),
            status: f.text("STATUS"),
            amount: f.fen("AMT")?,
            wallet: f.text("TRADETYPE").map(|w| MmspWallet::parse(&w)),
            trade_time,
            pay_time,
            extra: f.rest(),
        })
    }

    /// A quick-pay or gateway-pay notification (`LIST_ID`, no `ORDERNO`), not a scan push.
    pub fn is_list_notification(&self) -> bool {
        self.list_id.is_some() && self.platform_order_no.is_none()
    }

    /// Where the payment stands: `STATUS` 1 is paid for all three. Notifications also know 0
    /// (unpaid), 2 (failed) and 3 (refunded); a push is sent for payments only, so anything but 1
    /// there is unknown.
    pub fn trade_state(&self) -> TradeState {
        match (self.status.as_deref().map(str::trim), self.is_list_notification()) {
            (Some("1"), _) => TradeState::Paid,
            (Some("0"), true) => TradeState::Paying,
            (Some("2"), true) => TradeState::Failed,
            (Some("3"), true) => TradeState::Refunded,
            _ => TradeState::Unknown,
        }
    }
}

/// Verifies a push or notification and maps it.
///
/// `fields["body"]` is the raw POST body as received (the envelope's JSON text). The `Sign` (or
/// `sign`) is checked, constant-time, over the Body with its JSON types as received; a
/// `MERNO` in the (unsigned) header naming another merchant is refused too. Answer the
/// notification's `ack` ("SUCCESS") only once the result is stored (`Engine::check_notification`);
/// anything else makes the platform send it again.
pub fn verify_notification(fields: &RawFields, creds: &Credentials) -> Result<Notification> {
    let text = fields.get("body").ok_or_else(|| Error::invalid("body", "the notification's POST body is missing"))?;
    let envelope: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => return Err(Error::invalid("body", "not a JSON object")),
    };
    wire::verify(creds.php_json(), &envelope, creds.key.expose())
        .map_err(|e| Error::signature(format!("mmsp notification: {e}")))?;
    let body = wire::body_of(&envelope).map_err(|e| Error::invalid("Body", e.to_string()))?;
    if let Some(m) = envelope.get("MERNO").and_then(wire::text_of).filter(|m| !m.is_empty()) {
        if m != creds.merno {
            return Err(Error::invalid("MERNO", format!("notification is for merchant {m}, not {}", creds.merno)));
        }
    }
    let n = MmspNotification::from_body(Value::Object(body.clone())).map_err(|e| Error::invalid("Body", e))?;
    let order_no =
        n.mer_order_id.clone().ok_or_else(|| Error::invalid("MERORDERID", "missing from the notification"))?;
    // Every received field for the journal: the header's and the Body's members, as text.
    let mut raw: RawFields = fields.iter().filter(|(k, _)| *k != "body").map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in envelope.iter().filter(|(k, _)| *k != "Body").chain(body.iter()) {
        raw.insert(k.clone(), crate::wire::json_text_of(v));
    }
    Ok(Notification {
        gateway: GatewayId::Mmsp,
        order_no,
        state: n.trade_state(),
        amount: n.amount,
        gateway_trade_no: n.platform_order_no.clone().or_else(|| n.list_id.clone()),
        fields: raw,
        ack: NOTIFY_ACK.to_string(),
    })
}
