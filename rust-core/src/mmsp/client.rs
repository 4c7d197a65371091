//! The MMSP protocol on the generic client. Each operation's generic code is only its Body and
//! the decoding of its answer; the exchange (envelope, sign, post, verify, the three result
//! levels, or payout's RSA) is [`Mmsp::exchange`], compiled once for every operation.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

#[cfg(feature = "back-office")]
use super::payout_wire;
use super::payout_wire::PayoutKeys;
use super::types::*;
use super::{wire, Credentials, CONTENT_TYPE};
use crate::client::{Protocol, Sends};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::trade::GatewayId;
use crate::transport::Transport;

/// The MMSP protocol: the merchant's credentials and, when payouts are configured, its keys.
pub struct Mmsp {
    pub(crate) creds: Credentials,
    pub(crate) payout: Option<PayoutKeys>,
    /// Quick pay's SMS resend limit (778).
    pub(crate) sms: SmsResends,
}

/// The MMSP client.
pub type Client = crate::client::Client<Mmsp>;

impl Protocol for Mmsp {
    const GATEWAY: GatewayId = GatewayId::Mmsp;
    type Credentials = Credentials;

    fn new(config: &Config<Credentials>) -> Result<Mmsp> {
        let creds = config.credentials.clone();
        if creds.key.is_empty() {
            return Err(Error::config("mmsp: the MD5 key is empty"));
        }
        for (name, v) in [("merno", &creds.merno), ("termno", &creds.termno)] {
            if v.trim().is_empty() {
                return Err(Error::config(format!("mmsp: credentials {name} is empty")));
            }
        }
        for (name, url) in [
            ("quick_pay_url", &creds.quick_pay_url),
            ("gateway_url", &creds.gateway_url),
            ("payout_url", &creds.payout_url),
        ] {
            if let Some(u) = url {
                url::Url::parse(u).map_err(|e| Error::config(format!("mmsp: credentials {name} {u:?}: {e}")))?;
            }
        }
        #[cfg(feature = "back-office")]
        let payout = PayoutKeys::from_credentials(&creds)?;
        // Payouts are not in this build: their keys are not read (nor their parser linked).
        #[cfg(not(feature = "back-office"))]
        let payout = None;
        Ok(Mmsp { creds, payout, sms: SmsResends::default() })
    }
}

/// The exchange of one request, boxed: every operation's future holds a pointer to it, so the
/// code that polls, moves and drops it is compiled once, not once per operation.
type Exchange<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Value>> + Send + 'a>>;

impl<O: Call> Sends<O> for Mmsp {
    /// Per operation only its Body and the decoding of its answer; the rest is [`Mmsp::start`].
    async fn send(&self, http: &Transport, base_url: &str, req: &O) -> Result<O::Answer> {
        let exchange = match req.body(&self.creds) {
            Ok(body) => self.start(
                http,
                base_url,
                O::SUB_API,
                req.command(&self.creds),
                O::INFO.name,
                O::ANSWERS,
                body,
                req.sms_resend_of(),
            ),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        };
        let answer = exchange.await?;
        let typed: O::Answer = O::decode(answer).map_err(|e| unreadable(O::INFO.name, &e))?;
        req.check(&typed)?;
        Ok(typed)
    }
}

/// An answer that passed every check but does not read as the operation's answer: received
/// after sending, so its outcome is unknown.
#[inline(never)]
fn unreadable(op: &str, e: &str) -> Error {
    Error::Network { message: format!("mmsp {op}: unreadable answer: {e}"), outcome_unknown: true }
}

impl Mmsp {
    /// Starts one request: the SMS resend limit checked before anything is sent, then the
    /// exchange, and the limit told of an SMS the answer says was sent.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn start<'a>(
        &'a self,
        http: &'a Transport,
        base_url: &'a str,
        sub: SubApi,
        command: u32,
        op: &'static str,
        answers: &'static [&'static str],
        body: Map<String, Value>,
        sms_resend_of: Option<&str>,
    ) -> Exchange<'a> {
        if let Err(e) = self.sms.check(sms_resend_of, Instant::now()) {
            return Box::pin(std::future::ready(Err(e)));
        }
        Box::pin(async move {
            let answer = self.exchange(http, base_url, sub, command, op, answers, body).await?;
            self.sms.sent(command, &answer, Instant::now());
            Ok(answer)
        })
    }

    /// The URL of a sub-API.
    pub fn url(&self, sub: SubApi, base_url: &str) -> Result<String> {
        let (name, url) = match sub {
            SubApi::Scan => return Ok(base_url.to_string()),
            SubApi::QuickPay => ("quick_pay_url", &self.creds.quick_pay_url),
            SubApi::Gateway | SubApi::GatewayForm => ("gateway_url", &self.creds.gateway_url),
            SubApi::Payout => ("payout_url", &self.creds.payout_url),
        };
        url.clone().ok_or_else(|| Error::config(format!("mmsp: credentials {name} is not configured")))
    }

    /// Sends one request and answers its Body (payout: its decrypted plaintext) once all three
    /// levels passed: `RetCode` 1 (else a refusal, coded by the `[-NNNN]` of `ErrorMsg`), a valid
    /// `Sign`, and a Body `STATUS` among `answers` (else a refusal coded by `ERR_CODE`/`ERRCODE`).
    /// An answer that cannot be read or trusted after sending leaves the outcome unknown.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn exchange(
        &self,
        http: &Transport,
        base_url: &str,
        sub: SubApi,
        command: u32,
        op: &'static str,
        answers: &[&str],
        mut body: Map<String, Value>,
    ) -> Result<Value> {
        let url = self.url(sub, base_url)?;
        if sub == SubApi::Payout {
            let keys = self.payout.as_ref().ok_or_else(|| {
                Error::config("mmsp: payouts need platform_public_key and merchant_private_key in the credentials")
            })?;
            #[cfg(feature = "back-office")]
            return payout_wire::exchange(http, &url, keys, command, op, body).await;
            #[cfg(not(feature = "back-office"))]
            return Err(Error::Unsupported { what: format!("mmsp {op}: payouts are not in this build ({keys:p})") });
        }
        if matches!(sub, SubApi::Scan | SubApi::QuickPay) {
            body.insert("RANDSTR".into(), Value::String(wire::randstr()));
        }
        let creds = &self.creds;
        let header = wire::Header {
            command,
            node_id: if sub == SubApi::Scan { &creds.scan_node_id } else { &creds.node_id },
            agentno: &creds.agentno,
            merno: &creds.merno,
            termno: &creds.termno,
        };
        let envelope = Value::Object(wire::envelope(creds.php_json(), &header, body, creds.key.expose()));
        if sub == SubApi::GatewayForm {
            return Ok(gateway_form(&url, &envelope.to_string()));
        }
        let text = http.post_text(&url, &[], CONTENT_TYPE, envelope.to_string(), None).await?;
        read_answer(creds, command, op, answers, &text)
    }
}

/// The gateway pay form (digest §7.2): an auto-submitting HTML form that posts `web_api` (the
/// signed envelope) to `gateway_url?charset=UTF-8`, as the vendor's demo does.
fn gateway_form(url: &str, web_api: &str) -> Value {
    let action = if url.contains('?') { format!("{url}&charset=UTF-8") } else { format!("{url}?charset=UTF-8") };
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body onload=\"document.forms[0].submit()\">\
         <form action=\"{}\" method=\"POST\"><input type=\"hidden\" name=\"web_api\" value=\"{}\"></form></body></html>",
        html_escape(&action),
        html_escape(web_api)
    );
    serde_json::json!({ "action": action, "web_api": web_api, "html": html })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&#39;")
}

/// The three levels of an envelope answer, read and verified.
pub(crate) fn read_answer(creds: &Credentials, command: u32, op: &str, answers: &[&str], text: &str) -> Result<Value> {
    let unknown = |m: String| Error::Network { message: format!("mmsp {op}: {m}"), outcome_unknown: true };
    let envelope: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => return Err(unknown("the answer is not a JSON object".into())),
    };
    match wire::verdict(&envelope).map_err(|e| unknown(e.to_string()))? {
        wire::Verdict::Refused { code, message } => return Err(Error::rejected(code, message)),
        wire::Verdict::Proceed => {}
    }
    let answered = envelope.get("CommandID").and_then(wire::number_of);
    if answered != Some(u64::from(command) + wire::NEGATIVE_ANSWER) {
        // The seed's own examples answer with other CommandIDs (digest A2): noted, not refused.
        log_command_mismatch(op, command, answered);
    }
    // A Sign that does not match is an untrusted answer: a signature error (outcome unknown).
    wire::verify(creds.php_json(), &envelope, creds.key.expose()).map_err(|e| match e {
        wire::WireError::BadSign | wire::WireError::Unsigned => {
            Error::signature(format!("mmsp {op}: the answer's signature does not match its Body ({e})"))
        }
        other => unknown(other.to_string()),
    })?;
    let body = wire::body_of(&envelope).map_err(|e| unknown(e.to_string()))?;
    if !answers.is_empty() {
        let status = body.get("STATUS").and_then(wire::text_of).unwrap_or_default();
        if !answers.contains(&status.as_str()) {
            let field = |names: &[&str]| {
                names.iter().find_map(|n| body.get(*n).and_then(wire::text_of)).filter(|s| !s.is_empty())
            };
            let code = field(&["ERR_CODE", "ERRCODE"]).unwrap_or_else(|| format!("STATUS_{status}"));
            let message = field(&["ERR_CODE_MSG", "ERRMSG", "ERR_MSG"]).unwrap_or_else(|| format!("STATUS {status}"));
            return Err(Error::rejected(code, message));
        }
    }
    Ok(Value::Object(body.clone()))
}

#[inline(never)]
fn log_command_mismatch(op: &str, command: u32, answered: Option<u64>) {
    tracing::debug!(target: "posgate::mmsp", op, command, ?answered, "answer CommandID is not request + 0x8000");
}

/// Quick pay's "60秒可以重发一次" (5.11): at most one SMS resend (778) per `LIST_ID` per 60 s,
/// counted from the pay call whose answer named the `LIST_ID` (771 texts the first code) or the
/// previous accepted resend. Checked before sending, so an early resend never reaches the
/// platform.
///
/// Limits: it lives in memory, in this client: another client (or this app restarted) does not
/// know what this one sent, and a pay answer that was lost leaves nothing to count from. The
/// platform's own limit stays the authority; this only spares the payer a refused call.
#[derive(Default)]
pub(crate) struct SmsResends(Mutex<HashMap<String, Instant>>);

/// "60秒可以重发一次".
pub(crate) const SMS_RESEND_INTERVAL: Duration = Duration::from_secs(60);

impl SmsResends {
    /// Refuses a resend of `list_id` within 60 s of the last code texted for it.
    pub(crate) fn check(&self, list_id: Option<&str>, now: Instant) -> Result<()> {
        let Some(list_id) = list_id else { return Ok(()) };
        let last = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(list_id).copied();
        match last.map(|at| now.saturating_duration_since(at)) {
            Some(since) if since < SMS_RESEND_INTERVAL => {
                let wait = (SMS_RESEND_INTERVAL - since).as_secs().max(1);
                Err(Error::invalid(
                    "list_id",
                    format!(
                        "an SMS code was texted for {list_id} {} s ago: it may be resent in {wait} s (at most once per 60 s)",
                        since.as_secs()
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Notes that a code was texted: by a pay (771) answer or an accepted resend (778), keyed
    /// by the answer's `LIST_ID`. Entries older than the interval are dropped, so the map stays
    /// as small as the orders of the last minute.
    pub(crate) fn sent(&self, command: u32, answer: &Value, now: Instant) {
        if !matches!(command, 771 | 778) {
            return;
        }
        let Some(list_id) = answer.get("LIST_ID").and_then(wire::text_of).filter(|s| !s.is_empty()) else { return };
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, at| now.saturating_duration_since(*at) < SMS_RESEND_INTERVAL);
        map.insert(list_id, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn one_sms_resend_per_minute_per_list_id() {
        let sms = SmsResends::default();
        let t0 = Instant::now();
        // Nothing texted yet (or the pay answer was lost): nothing to hold against.
        assert!(sms.check(Some("L1"), t0).is_ok());
        assert!(sms.check(None, t0).is_ok());
        sms.sent(771, &serde_json::json!({"LIST_ID": "L1", "STATUS": "0"}), t0);
        let e = sms.check(Some("L1"), t0 + Duration::from_secs(20)).unwrap_err();
        match e {
            Error::InvalidInput { field, reason } => {
                assert_eq!(field, "list_id");
                assert!(reason.contains("resent in 40 s"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // Another order is not held; other commands do not count.
        assert!(sms.check(Some("L2"), t0).is_ok());
        sms.sent(773, &serde_json::json!({"LIST_ID": "L2"}), t0);
        assert!(sms.check(Some("L2"), t0).is_ok());
        // 60 s after the pay call: allowed; then the resend starts a new minute.
        let t1 = t0 + Duration::from_secs(60);
        assert!(sms.check(Some("L1"), t1).is_ok());
        sms.sent(778, &serde_json::json!({"LIST_ID": "L1", "STATUS": "1"}), t1);
        assert!(sms.check(Some("L1"), t1 + Duration::from_secs(59)).is_err());
        assert!(sms.check(Some("L1"), t1 + Duration::from_secs(60)).is_ok());
        // Old entries are dropped as new ones come.
        sms.sent(771, &serde_json::json!({"LIST_ID": 42}), t1 + Duration::from_secs(120));
        assert_eq!(sms.0.lock().unwrap().len(), 1);
    }
}
