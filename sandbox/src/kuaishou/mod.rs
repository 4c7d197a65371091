//! Kuaishou simulator (seed 002), mounted under `/kuaishou/openGateway`: preOrder, order (QR and
//! JSAPI), refund, query, cancelTrade and flowRecharge over the real wire protocol. Requests are
//! checked (merchant, 3DES, the body sign; the query's and cancelTrade's own signed texts),
//! answers go out as JSON or XML by `_type`, 3DES-encrypted when the request was. Refunds show in
//! the order's `STATE` only (4/5), as on the platform. Barcode outcomes follow
//! [`crate::scenario`]; a payer still confirming gets `FAIL` at once (the platform holds the call
//! up to 80 s instead; a client that times out takes the same path: unknown, query), and a
//! barcode order still unpaid at 80 s is cancelled (`STATE` 2).

use std::time::Instant;

use axum::http::{StatusCode, Uri};
use posgate_core::clock::now_unix;
use posgate_core::kuaishou::{protocol, Credentials, TimestampUnit};
use posgate_core::{GatewayId, RawFields, Secret};
use serde_json::{json, Map, Value};

use crate::reply::Reply;
use crate::sim::{Handled, Notification, Simulator};
use crate::{Ctx, SimOrder};

/// The sandbox merchant's number and key.
pub const BUSI_CODE: &str = "0010000001";
pub const KEY: &str = "sandbox0kuaishou0key000000000001";
/// Where the simulator's payment service lives below the sandbox root.
pub const SERVICE_PATH: &str = "/kuaishou/openGateway/openService";

const GW: &str = "kuaishou";

mod ops;
use ops::*;

/// Credentials of the sandbox merchant: 3DES on and millisecond timestamps (as the vendor's own
/// client sends), so every sandbox run exercises both.
pub fn test_credentials() -> Credentials {
    let mut c = Credentials::new(BUSI_CODE, Secret::new(KEY));
    c.encrypt = true;
    c.timestamp_unit = TimestampUnit::Millis;
    c
}

pub(crate) struct Kuaishou;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    PreOrder,
    Order,
    Refund,
    Query,
    Cancel,
    FlowRecharge,
}

/// A request once read and checked.
pub(crate) struct Request {
    fmt: Format,
    body: Map<String, Value>,
    query: RawFields,
    /// The path's code (query, cancelTrade).
    code: String,
}

/// How an answer goes out: the operation's root, JSON or XML, in clear or 3DES.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Format {
    root: &'static str,
    xml: bool,
    encrypt: bool,
}

/// An answer: its members, and how it goes on the wire.
pub(crate) struct Answer {
    members: Map<String, Value>,
    fmt: Format,
}

impl Simulator for Kuaishou {
    const GATEWAY: GatewayId = GatewayId::Kuaishou;
    const ROUTES: &'static [(&'static str, Op)] = &[
        ("/openGateway/openService/preOrder", Op::PreOrder),
        ("/openGateway/openService/order", Op::Order),
        ("/openGateway/openService/refund", Op::Refund),
        ("/openGateway/openService/query/{code}/{busi}", Op::Query),
        ("/openGateway/openService/cancelTrade/{code}/{busi}", Op::Cancel),
        ("/openGateway/platService/flowRecharge/{busi}", Op::FlowRecharge),
    ];
    type Op = Op;
    type Request = Request;
    type Answer = Answer;

    fn takes_get(op: Op) -> bool {
        matches!(op, Op::Query | Op::Cancel)
    }

    /// The query string, the path's segments (`_path`) and the raw body (`_body`).
    fn fields(uri: &Uri, body: &str) -> RawFields {
        let mut f: RawFields = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        f.insert("_path".into(), uri.path().to_string());
        f.insert("_body".into(), body.to_string());
        f
    }

    fn open(fields: RawFields) -> Result<Request, Answer> {
        open(fields)
    }

    fn handle(ctx: &Ctx, op: Op, req: Request) -> Handled<Answer> {
        match op {
            Op::PreOrder => return pre_order(ctx, &req),
            Op::Order => order(ctx, &req),
            Op::Refund => refund(ctx, &req),
            Op::Query => query(ctx, &req),
            Op::Cancel => cancel(ctx, &req),
            Op::FlowRecharge => flow_recharge(&req),
        }
        .into()
    }

    fn encode(a: Answer) -> Reply {
        let doc = if a.fmt.root.is_empty() { Value::Object(a.members) } else { json!({ a.fmt.root: a.members }) };
        let text = if a.fmt.xml { protocol::json_to_xml(&doc) } else { doc.to_string() };
        let body = if a.fmt.encrypt { protocol::encrypt(KEY, &text) } else { text };
        Reply::Answer { status: StatusCode::OK, content_type: "application/json;charset=UTF-8", body }
    }

    /// `PAY_NODIFY` to `NODIFY_URL` plus `sign`, as JSON or XML and in clear or 3DES as that
    /// URL's `_type` and `encrypt` ask (XML and clear by default); signed with the body rule over
    /// the plaintext (scenario 5001: with another key).
    fn notification(order: &SimOrder) -> Result<Notification, String> {
        if state_of(order, Instant::now()) != 1 {
            return Err(format!("order {} is not paid", order.order_no));
        }
        let url = url::Url::parse(order.notify_url.as_deref().unwrap_or_default()).map_err(|e| e.to_string())?;
        let param = |k: &str| url.query_pairs().find(|(n, _)| n.trim() == k).map(|(_, v)| v.trim().to_string());
        let fmt = Format {
            root: "PAY_NODIFY",
            xml: param("_type").is_none_or(|t| !t.eq_ignore_ascii_case("json")),
            encrypt: param("encrypt").is_some_and(|e| e.eq_ignore_ascii_case("3DES")),
        };
        let mut m = trade_members(order);
        m.insert("STATE".into(), json!(1));
        m.insert("PAY_SUBJECT".into(), json!(order.extra("subject")));
        let doc = json!({ "PAY_NODIFY": m });
        let text = if fmt.xml { protocol::json_to_xml(&doc) } else { doc.to_string() };
        let key = if order.scenario.signs_wrong() { "not the merchant key" } else { KEY };
        let sign = protocol::sign(&now_unix().to_string(), key, &text);
        let body = if fmt.encrypt { protocol::encrypt(KEY, &text) } else { text };
        Ok(Notification::Body {
            query: vec![("sign".into(), sign)],
            content_type: "application/json;charset=UTF-8",
            body,
        })
    }
}

pub(super) fn refusal(fmt: Format, code: &str, info: &str) -> Answer {
    answer(fmt, code, info, Map::new())
}

pub(super) fn answer(fmt: Format, code: &str, info: &str, mut members: Map<String, Value>) -> Answer {
    let result = if fmt.root.is_empty() { "result" } else { "RESULT" };
    members.insert(result.into(), json!({"CODE": code, "INFO": info}));
    Answer { members, fmt }
}

/// The answer root of the operation a path names.
fn root_of(op: Option<&&str>) -> &'static str {
    match op {
        Some(&"refund") => "REFUND_RESP",
        Some(&"query") => "QUERY_RESP",
        Some(&"cancelTrade") => "CANCELTRADE_RESP",
        Some(&"flowRecharge") => "",
        _ => "ORDER_RESP",
    }
}

/// The checks every call passes, in order: the merchant, the encryption, the body, the sign.
fn open(mut f: RawFields) -> Result<Request, Answer> {
    let path = f.remove("_path").unwrap_or_default();
    let raw = f.remove("_body").unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let op =
        segments.iter().position(|s| matches!(*s, "openService" | "platService")).and_then(|i| segments.get(i + 1));
    let root = root_of(op);
    let xml = !get("_type").eq_ignore_ascii_case("json");
    let encrypt = match get("encrypt").as_str() {
        "" => false,
        "3DES" => true,
        _ => return Err(refusal(Format { root, xml, encrypt: false }, "ILLEGAL_PARAMETER", "encrypt")),
    };
    let fmt = Format { root, xml, encrypt };
    // flowRecharge names the merchant in its path only.
    let busi = if segments.contains(&"platService") {
        segments.last().map(|s| s.to_string()).unwrap_or_default()
    } else {
        get("busiCode")
    };
    if busi != BUSI_CODE {
        return Err(refusal(fmt, "UNREGISTERED_BUSI", "未注册的商户"));
    }
    let code = segments.iter().rev().nth(1).map(|c| decode(c)).unwrap_or_default();
    let (body, signed) = if raw.trim().is_empty() {
        let signed = match op {
            Some(&"cancelTrade") => protocol::cancel_text(&code, BUSI_CODE),
            _ => code.clone(),
        };
        (Map::new(), signed)
    } else {
        let text = if encrypt {
            protocol::decrypt(KEY, &raw).map_err(|_| refusal(fmt, "ILLEGAL_PARAMETER", "3DES"))?
        } else {
            raw
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => (m, text),
            _ => return Err(refusal(fmt, "ILLEGAL_PARAMETER", "报文不是JSON")),
        }
    };
    if protocol::verify(&get("sign"), KEY, &signed).is_err() {
        return Err(refusal(fmt, "INVALID_SIGN", "签名错误"));
    }
    if body.get("BUSI_ID").and_then(Value::as_str).is_some_and(|b| b != BUSI_CODE) {
        return Err(refusal(fmt, "UNREGISTERED_BUSI", "未注册的商户"));
    }
    Ok(Request { fmt, body, query: f, code })
}

fn decode(segment: &str) -> String {
    form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, query: &[(&str, &str)], body: &str) -> RawFields {
        let q: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
        Kuaishou::fields(&format!("{path}?{q}").parse().unwrap(), body)
    }

    fn code_of(r: Result<Request, Answer>) -> String {
        match r {
            Ok(_) => "accepted".into(),
            Err(a) => a.members["RESULT"]["CODE"].as_str().unwrap_or_default().to_string(),
        }
    }

    #[test]
    fn requests_are_checked_in_order() {
        let path = "/openGateway/openService/preOrder";
        let body = r#"{"BUSI_ID":"0010000001","AMT":"1.00"}"#;
        let sign = protocol::sign("1", KEY, body);
        let ok = [("sign", sign.as_str()), ("_type", "json"), ("busiCode", BUSI_CODE)];
        assert_eq!(code_of(open(request(path, &ok, body))), "accepted");
        // 3DES both ways: the encrypted body opens, and the answer goes out encrypted.
        let enc = [("sign", sign.as_str()), ("_type", "json"), ("encrypt", "3DES"), ("busiCode", BUSI_CODE)];
        let req = open(request(path, &enc, &protocol::encrypt(KEY, body))).ok().unwrap();
        let Reply::Answer { body: out, .. } = Kuaishou::encode(answer(req.fmt, "SUCCESS", "ok", Map::new())) else {
            panic!("an answer")
        };
        assert!(protocol::decrypt(KEY, &out).unwrap().starts_with(r#"{"ORDER_RESP":"#));
        let other = [("sign", sign.as_str()), ("_type", "json"), ("busiCode", "0099")];
        assert_eq!(code_of(open(request(path, &other, body))), "UNREGISTERED_BUSI");
        let aes = [("sign", sign.as_str()), ("encrypt", "AES"), ("busiCode", BUSI_CODE)];
        assert_eq!(code_of(open(request(path, &aes, body))), "ILLEGAL_PARAMETER");
        assert_eq!(code_of(open(request(path, &ok, &body.replace("1.00", "2.00")))), "INVALID_SIGN");
        assert_eq!(code_of(open(request(path, &ok, "not json"))), "ILLEGAL_PARAMETER");
        // The GETs sign their own texts.
        let cancel = "/openGateway/openService/cancelTrade/C1/0010000001";
        let s = protocol::sign("1", KEY, &protocol::cancel_text("C1", BUSI_CODE));
        assert_eq!(code_of(open(request(cancel, &[("sign", &s), ("busiCode", BUSI_CODE)], ""))), "accepted");
        let s = protocol::sign("1", KEY, "C1");
        assert_eq!(code_of(open(request(cancel, &[("sign", &s), ("busiCode", BUSI_CODE)], ""))), "INVALID_SIGN");
        let query = "/openGateway/openService/query/C1/0010000001";
        assert_eq!(code_of(open(request(query, &[("sign", &s), ("busiCode", BUSI_CODE)], ""))), "accepted");
    }

    #[test]
    fn xml_unless_json_is_asked() {
        let fmt = Format { root: "QUERY_RESP", xml: true, encrypt: false };
        let Reply::Answer { body, .. } = Kuaishou::encode(answer(fmt, "CHARGE_NONEXISTENT", "无", Map::new())) else {
            panic!("an answer")
        };
        let doc = protocol::document(&body).unwrap();
        assert_eq!(protocol::member(&doc, "QUERY_RESP").unwrap()["RESULT"]["CODE"], "CHARGE_NONEXISTENT");
    }
}
