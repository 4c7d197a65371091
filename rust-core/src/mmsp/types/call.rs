//! What every MMSP operation declares: its sub-API, its CommandID (or payout `CMDID`), its Body
//! fields, and which Body `STATUS` values are answers rather than refusals. Everything else (the
//! envelope, the sign, RSA for payouts, the three-level result check) is the protocol's, compiled
//! once for every operation (`client.rs`).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::Operation;

/// The four sub-APIs, each with its own base URL (digest §1: the seed prints none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubApi {
    /// 扫码: the cashier's scan-code payments (the configuration's base URL).
    Scan,
    /// 快捷支付: card payments confirmed by SMS (`quick_pay_url`).
    QuickPay,
    /// 网关支付: online banking. Its pay request is not sent: it is a signed form the payer's
    /// browser posts (`gateway_url`); its queries are sent like the others.
    Gateway,
    /// The gateway's pay form: built and signed here, never sent by the library.
    GatewayForm,
    /// 代付 and balance: RSA-encrypted JSON signed SHA1withRSA (`payout_url`).
    Payout,
}

/// The wire half of an operation's declaration at MMSP.
pub trait Call: Operation<Answer: DeserializeOwned> {
    const SUB_API: SubApi;
    /// The request's `CommandID` (envelope) or `CMDID` (payout), decimal.
    const COMMAND: u32;
    /// Body `STATUS` values that are answers (anything else is a refusal carrying `ERRCODE` /
    /// `ERR_CODE`). Empty: the Body has no `STATUS` to check (payouts check `RETCODE`).
    const ANSWERS: &'static [&'static str] = &["1"];

    /// The CommandID sent: [`Call::COMMAND`], unless the credentials override it (QQ micropay,
    /// whose printed ID collides with quick pay's; digest A1).
    fn command(&self, creds: &Credentials) -> u32 {
        let _ = creds;
        Self::COMMAND
    }

    /// The Body (payout: the plaintext JSON) without `RANDSTR`, which the protocol adds to the
    /// envelope sub-APIs. Every value a string (digest §3.2); absent optional values left out.
    fn body(&self, creds: &Credentials) -> Result<Map<String, Value>>;

    /// Reads the answer's Body. Serde's by default; scan code's answers, which every cashier
    /// terminal ships, read themselves with [`Fields`] (a tenth of the code a derived
    /// `Deserialize` with unknown fields kept costs).
    fn decode(body: Value) -> std::result::Result<Self::Answer, String> {
        serde_json::from_value(body).map_err(|e| e.to_string())
    }

    /// Checks the answer is about what was asked (an answer about another order is not trusted).
    fn check(&self, answer: &Self::Answer) -> Result<()> {
        let _ = answer;
        Ok(())
    }

    /// The `LIST_ID` whose SMS code this request texts again (quick pay's 778): the protocol
    /// holds it to one resend per 60 s before sending. `None` for every other operation.
    fn sms_resend_of(&self) -> Option<&str> {
        None
    }
}

/// Builds a Body: every value a string; absent and blank optional values left out.
#[derive(Default)]
pub struct Body(Map<String, Value>);

impl Body {
    pub fn put(mut self, k: &str, v: impl Into<String>) -> Body {
        self.0.insert(k.into(), Value::String(v.into()));
        self
    }

    pub fn opt(self, k: &str, v: Option<&str>) -> Body {
        match v.filter(|v| !v.trim().is_empty()) {
            Some(v) => self.put(k, v),
            None => self,
        }
    }

    /// An amount: fen on MMSP's wire.
    pub fn fen(self, k: &str, amount: Money) -> Body {
        self.put(k, amount.to_fen_string())
    }

    pub fn done(self) -> Result<Map<String, Value>> {
        Ok(self.0)
    }
}

/// Reads a received Body field by field, as the wire helpers' serde readers do (a string or a
/// number as text, empty as absent), and keeps what no field took as the answer's extras.
pub struct Fields(Map<String, Value>);

impl Fields {
    pub fn of(body: Value) -> std::result::Result<Fields, String> {
        match body {
            Value::Object(m) => Ok(Fields(m)),
            other => Err(format!("the Body is not an object: {other}")),
        }
    }

    /// An optional value as text: absent, null and empty are `None`.
    pub fn text(&mut self, key: &str) -> Option<String> {
        match self.0.remove(key)? {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s),
            other => Some(crate::wire::json_text_of(&other)),
        }
    }

    /// A value that must be there (a code), as text.
    pub fn required(&mut self, key: &str) -> std::result::Result<String, String> {
        self.text(key).ok_or_else(|| format!("missing field `{key}`"))
    }

    /// An amount in fen, a number or a string of digits.
    pub fn fen(&mut self, key: &str) -> std::result::Result<Option<Money>, String> {
        match self.text(key) {
            None => Ok(None),
            Some(t) => Money::parse_fen(&t, "amount").map(Some).map_err(|_| format!("{t:?} is not an amount in fen")),
        }
    }

    /// Everything no field took, as received.
    pub fn rest(self) -> crate::wire::ExtraJson {
        crate::wire::ExtraJson(self.0.into_iter().collect())
    }
}
