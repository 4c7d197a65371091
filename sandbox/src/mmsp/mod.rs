//! MMSP simulator (seed 003), mounted under `/mmsp`: one path per sub-API, as the platform's
//! operator would hand out one URL each (digest §1): `/mmsp/scan` (scan code, the configuration's
//! base URL), `/mmsp/quick` (quick pay), `/mmsp/gateway` (gateway pay's queries; its form posts
//! here too) and `/mmsp/payout` (payout and balance). The three envelope sub-APIs are checked
//! (merchant, terminal, the MD5 Body sign) and dispatched on `CommandID`; answers are signed, a
//! refusal is the unsigned negative answer (CommandID 32768). Payouts are RSA both ways.
//!
//! What each sub-API does lives in its own file: [`scan`], [`quick`], [`gateway`], [`payout`].

// The sub-APIs are being filled in (issue 11); until then parts of the skeleton are unused.
#![allow(dead_code)]

mod gateway;
mod payout;
mod quick;
mod scan;

pub use quick::SMS_CODE;

use axum::http::{StatusCode, Uri};
use posgate_core::mmsp::{wire, Credentials};
use posgate_core::{GatewayId, RawFields, Secret};
use serde_json::{json, Map, Value};

use crate::reply::Reply;
use crate::sim::{Handled, Notification, Simulator};
use crate::{Ctx, SimOrder};

/// The sandbox merchant, terminal and MD5 key.
pub const MERNO: &str = "001440353999853";
pub const TERMNO: &str = "84970001";
pub const KEY: &str = "sandbox0mmsp0key0000000000000001";

pub(crate) const GW: &str = "mmsp";

/// The sub-APIs' paths below the sandbox root.
pub const SCAN_PATH: &str = "/mmsp/scan";
pub const QUICK_PATH: &str = "/mmsp/quick";
pub const GATEWAY_PATH: &str = "/mmsp/gateway";
pub const PAYOUT_PATH: &str = "/mmsp/payout";

/// Credentials of the sandbox merchant for a sandbox at `root_url`: every sub-API's URL, and the
/// payout keys the simulator made for this process.
pub fn test_credentials(root_url: &str) -> Credentials {
    let root = root_url.trim_end_matches('/');
    let mut c = Credentials::new(MERNO, TERMNO, Secret::new(KEY));
    c.quick_pay_url = Some(format!("{root}{QUICK_PATH}"));
    c.gateway_url = Some(format!("{root}{GATEWAY_PATH}"));
    c.payout_url = Some(format!("{root}{PAYOUT_PATH}"));
    payout::configure(&mut c);
    c
}

pub(crate) struct Mmsp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sub {
    Scan,
    Quick,
    Gateway,
    Payout,
}

/// A request once read and checked: its CommandID and Body (payout: `CMDID` and the decrypted
/// plaintext).
pub(crate) struct Request {
    pub command: u64,
    pub body: Map<String, Value>,
}

/// An answer before it is signed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// A signed envelope answering `command` (the answer's CommandID is `command` + 0x8000).
    Body { command: u64, body: Map<String, Value> },
    /// The unsigned negative answer: CommandID 32768, `RetCode` 0, `[-NNNN]` in `ErrorMsg`.
    Negative { code: i64, message: String },
    /// A payout answer, already encrypted and signed (its whole JSON).
    Payout(Value),
    /// A gateway pay form received by the platform (`web_api`): the bank's page. (Built by
    /// gateway pay's simulator, not yet on this branch: allowed unused until then.)
    #[allow(dead_code)]
    Page(String),
}

impl Simulator for Mmsp {
    const GATEWAY: GatewayId = GatewayId::Mmsp;
    const ROUTES: &'static [(&'static str, Sub)] =
        &[("/scan", Sub::Scan), ("/quick", Sub::Quick), ("/gateway", Sub::Gateway), ("/payout", Sub::Payout)];
    type Op = Sub;
    type Request = (Sub, Map<String, Value>);
    type Answer = Answer;

    /// The raw body (`_body`): JSON, or a gateway form's `web_api` field.
    fn fields(_uri: &Uri, body: &str) -> RawFields {
        let mut f = RawFields::new();
        f.insert("_body".into(), body.to_string());
        f
    }

    /// Reads the JSON (or the form's `web_api`); which sub-API it is for is known once routed.
    fn open(mut fields: RawFields) -> Result<(Sub, Map<String, Value>), Answer> {
        let raw = fields.remove("_body").unwrap_or_default();
        let web_api = form_urlencoded::parse(raw.as_bytes()).find(|(k, _)| k == "web_api").map(|(_, v)| v.into_owned());
        let text = web_api.unwrap_or(raw);
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => Ok((Sub::Scan, m)),
            _ => Err(negative(-1001, "报文格式错误")),
        }
    }

    fn handle(ctx: &Ctx, sub: Sub, (_, message): (Sub, Map<String, Value>)) -> Handled<Answer> {
        if sub == Sub::Payout {
            return payout::handle(ctx, message);
        }
        let req = match check(&message) {
            Ok(r) => r,
            Err(a) => return a.into(),
        };
        match sub {
            Sub::Scan => scan::handle(ctx, req),
            Sub::Quick => quick::handle(ctx, req),
            Sub::Gateway => gateway::handle(ctx, req),
            Sub::Payout => unreachable!("answered above"),
        }
    }

    fn encode(answer: Answer) -> Reply {
        match answer {
            Answer::Body { command, body } => {
                Reply::json(Value::Object(signed(command + wire::NEGATIVE_ANSWER, 1, body, KEY)).to_string())
            }
            Answer::Negative { code, message } => Reply::json(
                json!({"CommandID": wire::NEGATIVE_ANSWER, "SeqID": 1, "NodeType": 3, "NodeID": "openplat",
                       "Version": wire::VERSION, "AGENTNO": null, "MERNO": MERNO, "TERMNO": TERMNO,
                       "RetCode": 0, "ErrorMsg": format!("[{code}] {message}"), "Body": "", "Sign": ""})
                .to_string(),
            ),
            Answer::Payout(v) => Reply::json(v.to_string()),
            Answer::Page(html) => {
                Reply::Answer { status: StatusCode::OK, content_type: "text/html; charset=utf-8", body: html }
            }
        }
    }

    /// The push (scan code, 2324) or notification (quick pay, gateway pay) of a paid order, by
    /// the sub-API the order was made on.
    fn notification(order: &SimOrder) -> Result<Notification, String> {
        let envelope = match order.extra("sub") {
            "quick" => quick::notification(order)?,
            "gateway" => gateway::notification(order)?,
            _ => scan::push(order)?,
        };
        Ok(Notification::Body {
            query: Vec::new(),
            content_type: "application/json",
            body: Value::Object(envelope).to_string(),
        })
    }
}

/// The checks every envelope request passes, in order: merchant and terminal, then the sign.
fn check(message: &Map<String, Value>) -> Result<Request, Answer> {
    let text = |k: &str| message.get(k).and_then(wire::text_of).unwrap_or_default();
    if text("MERNO") != MERNO || text("TERMNO") != TERMNO {
        return Err(negative(-1002, "商户或终端不存在"));
    }
    let command = message.get("CommandID").and_then(wire::number_of).ok_or_else(|| negative(-1001, "CommandID"))?;
    if wire::verify(wire::PhpJson::default(), message, KEY).is_err() {
        return Err(negative(-1006, "签名错误"));
    }
    let body = wire::body_of(message).map_err(|_| negative(-1001, "Body"))?.clone();
    Ok(Request { command, body })
}

pub(crate) fn negative(code: i64, message: &str) -> Answer {
    Answer::Negative { code, message: message.into() }
}

/// A signed envelope from the platform: `command` as given, the Body signed with `key`.
pub(crate) fn signed(command: u64, ret_code: i64, body: Map<String, Value>, key: &str) -> Map<String, Value> {
    let sign = wire::sign(wire::PhpJson::default(), &body, key);
    let mut e = Map::new();
    e.insert("CommandID".into(), json!(command));
    e.insert("SeqID".into(), json!(1));
    e.insert("NodeType".into(), json!(3));
    e.insert("NodeID".into(), json!("openplat"));
    e.insert("Version".into(), json!(wire::VERSION));
    e.insert("AGENTNO".into(), Value::Null);
    e.insert("MERNO".into(), json!(MERNO));
    e.insert("TERMNO".into(), json!(TERMNO));
    e.insert("RetCode".into(), json!(ret_code));
    e.insert("ErrorMsg".into(), json!(""));
    e.insert("Body".into(), Value::Object(body));
    e.insert("Sign".into(), json!(sign));
    e
}

/// A Body field as text (strings as sent; numbers too).
pub(crate) fn text(body: &Map<String, Value>, k: &str) -> Option<String> {
    body.get(k).and_then(wire::text_of).filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked() {
        let header = wire::Header { command: 2310, node_id: "openplat", agentno: "", merno: MERNO, termno: TERMNO };
        let body = json!({"MERORDERID": "A1", "RANDSTR": "abcdefghij"}).as_object().unwrap().clone();
        let e = wire::envelope(wire::PhpJson::default(), &header, body.clone(), KEY);
        let r = check(&e).ok().unwrap();
        assert_eq!((r.command, r.body["MERORDERID"].as_str()), (2310, Some("A1")));
        let other = wire::envelope(wire::PhpJson::default(), &header, body.clone(), "not the key");
        assert_eq!(check(&other).err(), Some(negative(-1006, "签名错误")));
        let stranger = wire::Header { merno: "001100000000000", ..header };
        let e = wire::envelope(wire::PhpJson::default(), &stranger, body, KEY);
        assert_eq!(check(&e).err(), Some(negative(-1002, "商户或终端不存在")));
    }
}
