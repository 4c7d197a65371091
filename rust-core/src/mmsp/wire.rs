//! The envelope shared by quick pay, scan code and gateway pay (digest §2) and its MD5 Body sign
//! (digest §3): a JSON header (`CommandID` in decimal, `SeqID`, `NodeType`, `NodeID`, `Version`,
//! `AGENTNO`, `MERNO`, `TERMNO`), a `Body` object and `Sign` = upper-case MD5 of PHP
//! `json_encode` of the key-sorted Body with `&key=KEY` appended.
//!
//! Everything here is non-generic: one operation differs from the next only by its CommandID and
//! the fields of its Body (the library's size, see README "Library size").

use serde_json::{Map, Value};

use crate::crypto::{md5_upper_hex, sign_eq};

/// The answer to every request is its CommandID + 0x8000; this one is the generic refusal.
pub const NEGATIVE_ANSWER: u64 = 0x8000;

/// The protocol version every request carries.
pub const VERSION: &str = "1.0.0";

/// How strings are written for the sign (digest §3.2): PHP `json_encode` with
/// `JSON_UNESCAPED_UNICODE` writes `/` as `\/`. The one switch: a platform that signs with
/// `JSON_UNESCAPED_SLASHES` as well is matched with `escape_slashes = false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhpJson {
    pub escape_slashes: bool,
}

impl Default for PhpJson {
    fn default() -> PhpJson {
        PhpJson { escape_slashes: true }
    }
}

impl PhpJson {
    /// `json_encode($value, JSON_UNESCAPED_UNICODE)`: no whitespace, non-ASCII as raw UTF-8,
    /// `/` as `\/` (by default), `"` and `\` escaped, `\b \f \n \r \t`, other control characters
    /// and U+2028/U+2029 as `\u00xx` / `\u2028`. Objects keep the order they have (sort first).
    pub fn encode(self, value: &Value) -> String {
        let mut out = String::new();
        self.write(value, &mut out);
        out
    }

    fn write(self, value: &Value, out: &mut String) {
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            // serde_json writes integers as PHP does; floats never occur in MMSP's fields.
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::String(s) => self.write_str(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write(v, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write_str(k, out);
                    out.push(':');
                    self.write(v, out);
                }
                out.push('}');
            }
        }
    }

    fn write_str(self, s: &str, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' if self.escape_slashes => out.push_str("\\/"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

/// The text the sign covers: the Body's top-level keys sorted by byte (PHP `ksort`), encoded by
/// `json`, then `&key=KEY`. Nested values keep their received order (ksort is top-level only);
/// a `Sign` key inside the Body (seed damage, decision A15) is left out.
pub fn sign_text(json: PhpJson, body: &Map<String, Value>, key: &str) -> String {
    let mut keys: Vec<&String> = body.keys().filter(|k| k.as_str() != "Sign").collect();
    keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    let mut sorted = Map::new();
    for k in keys {
        sorted.insert(k.clone(), body[k.as_str()].clone());
    }
    let mut text = json.encode(&Value::Object(sorted));
    text.push_str("&key=");
    text.push_str(key);
    text
}

/// `Sign` over a Body, as sent or as received (with the JSON types as received).
pub fn sign(json: PhpJson, body: &Map<String, Value>, key: &str) -> String {
    md5_upper_hex(sign_text(json, body, key).as_bytes())
}

/// Checks `Sign` (or `sign`) of a received envelope over its Body, constant-time.
pub fn verify(json: PhpJson, envelope: &Map<String, Value>, key: &str) -> Result<(), WireError> {
    let given = envelope
        .get("Sign")
        .or_else(|| envelope.get("sign"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(WireError::Unsigned)?;
    let body = body_of(envelope)?;
    if sign_eq(&sign(json, body, key), given) {
        Ok(())
    } else {
        Err(WireError::BadSign)
    }
}

/// The `Body` object of an envelope.
pub fn body_of(envelope: &Map<String, Value>) -> Result<&Map<String, Value>, WireError> {
    match envelope.get("Body") {
        Some(Value::Object(b)) => Ok(b),
        _ => Err(WireError::NoBody),
    }
}

/// The header of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    pub command: u32,
    pub node_id: &'a str,
    pub agentno: &'a str,
    pub merno: &'a str,
    pub termno: &'a str,
}

/// A signed request envelope: `SeqID` 1 and `NodeType` 3 as integers (digest A6), `AGENTNO` `""`
/// unless in agent mode, no `RetCode`, `Attach` or `Extends` (A38, A39).
pub fn envelope(json: PhpJson, header: &Header<'_>, body: Map<String, Value>, key: &str) -> Map<String, Value> {
    let sign = sign(json, &body, key);
    let mut e = Map::new();
    e.insert("CommandID".into(), Value::from(header.command));
    e.insert("SeqID".into(), Value::from(1));
    e.insert("NodeType".into(), Value::from(3));
    e.insert("NodeID".into(), Value::from(header.node_id));
    e.insert("Version".into(), Value::from(VERSION));
    e.insert("AGENTNO".into(), Value::from(header.agentno));
    e.insert("MERNO".into(), Value::from(header.merno));
    e.insert("TERMNO".into(), Value::from(header.termno));
    e.insert("Body".into(), Value::Object(body));
    e.insert("Sign".into(), Value::from(sign));
    e
}

/// What the header of an answer says (the first of the three levels: `RetCode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `RetCode` 1: go on to the Body (signed).
    Proceed,
    /// A refusal: `RetCode` not 1 or the generic negative answer 32768, unsigned. `code` is the
    /// bracketed `[-NNNN]` of `ErrorMsg` when there is one, else the `RetCode`.
    Refused { code: String, message: String },
}

/// Reads an answer's header: `RetCode` (number or string), `ErrorMsg` or `ErrMsg` (A5).
pub fn verdict(envelope: &Map<String, Value>) -> Result<Verdict, WireError> {
    let ret = envelope.get("RetCode").and_then(number_of).ok_or(WireError::NoRetCode)?;
    let command = envelope.get("CommandID").and_then(number_of);
    if ret == 1 && command != Some(NEGATIVE_ANSWER) {
        return Ok(Verdict::Proceed);
    }
    let message =
        envelope.get("ErrorMsg").or_else(|| envelope.get("ErrMsg")).and_then(Value::as_str).unwrap_or("").to_string();
    let code = bracketed_code(&message).unwrap_or_else(|| ret.to_string());
    Ok(Verdict::Refused { code, message })
}

/// `[-2002] 没有该订单` → `-2002`.
pub fn bracketed_code(message: &str) -> Option<String> {
    let rest = message.trim_start().strip_prefix('[')?;
    let (code, _) = rest.split_once(']')?;
    let code = code.trim();
    (code.len() > 1 && code.starts_with('-') && code[1..].bytes().all(|b| b.is_ascii_digit())).then(|| code.to_string())
}

/// A number sent as a number or as a string of digits (the examples mix both, A6/A19).
pub fn number_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A Body value as text, whatever JSON type it arrived as (`"STATUS":1` and `"STATUS":"1"`).
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `RANDSTR`: 10 characters of [0-9A-Za-z], which fits every sub-API's limit (decision A34).
pub fn randstr() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    (0..10).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the answer has no RetCode")]
    NoRetCode,
    #[error("the answer has no Body object")]
    NoBody,
    #[error("the message is not signed")]
    Unsigned,
    #[error("the Sign does not match the Body")]
    BadSign,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The seed's test key (digest §11): a fixture key, not an oracle (no seed example was signed
    /// with it; digest §3.5).
    const KEY: &str = "ea21842eea24e448b991b1cb0a0294cf";

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn php_json_encode_rules() {
        let php = PhpJson::default();
        // Checked on PHP 8.2 (digest §3.2): json_encode(["X"=>"a\u{2028}b/é"], JSON_UNESCAPED_UNICODE).
        assert_eq!(php.encode(&json!({"X": "a\u{2028}b/é"})), r#"{"X":"a\u2028b\/é"}"#);
        assert_eq!(
            php.encode(&json!({"A": "q\"\\\u{1}\n\t\r\u{8}\u{c}", "B": 1, "C": [1, "x"], "D": null, "E": true})),
            r#"{"A":"q\"\\\u0001\n\t\r\b\f","B":1,"C":[1,"x"],"D":null,"E":true}"#
        );
        assert_eq!(PhpJson { escape_slashes: false }.encode(&json!("http://a/b")), r#""http://a/b""#);
        assert_eq!(php.encode(&json!("http://a/b")), r#""http:\/\/a\/b""#);
        assert_eq!(php.encode(&json!("招商银行\u{2029}")), "\"招商银行\\u2029\"");
    }

    #[test]
    fn sign_text_sorts_by_byte_and_appends_the_key() {
        // 'O' (0x4F) sorts before '_' (0x5F): MERORDERID before MER_ID (digest §3.2).
        let body = obj(json!({"MER_ID": "1", "AMT": "100", "MERORDERID": "A1", "NOTIFY_URL": "https://x/n"}));
        assert_eq!(
            sign_text(PhpJson::default(), &body, KEY),
            r#"{"AMT":"100","MERORDERID":"A1","MER_ID":"1","NOTIFY_URL":"https:\/\/x\/n"}&key=ea21842eea24e448b991b1cb0a0294cf"#
        );
    }

    /// Vectors computed from the rule with the seed's test key, independently of this code:
    /// `printf '%s' '<sign text>' | md5sum`, upper-cased.
    #[test]
    fn sign_vectors() {
        let body = obj(json!({"MER_ID": "1", "AMT": "100", "MERORDERID": "A1", "NOTIFY_URL": "https://x/n"}));
        assert_eq!(sign(PhpJson::default(), &body, KEY), "C496298992697C1F7F2AD10C18577F45");
        // The [demo] push Body (digest §6.4), numbers unquoted, signed with the test key.
        let push = obj(json!({"AMT": 1, "ORDERNO": "100000000013", "TRDTIME": "2017-05-17 16:11:24",
            "PAYTIME": "2017-05-17 16:11:38", "STATUS": "1", "MERORDERID": 18294677, "TRADETYPE": "1"}));
        assert_eq!(sign(PhpJson::default(), &push, KEY), "D9040E187761E91774D0B46BED0723FF");
    }

    #[test]
    fn envelope_round_trip_and_tamper() {
        let header =
            Header { command: 2310, node_id: "openplat", agentno: "", merno: "001440353999853", termno: "84970001" };
        let body = obj(json!({"MERORDERID": "A1", "RANDSTR": "abcdefghij"}));
        let e = envelope(PhpJson::default(), &header, body, KEY);
        assert_eq!(e["CommandID"], json!(2310));
        assert_eq!(e["SeqID"], json!(1));
        assert_eq!(e["NodeType"], json!(3));
        assert!(verify(PhpJson::default(), &e, KEY).is_ok());
        let mut tampered = e.clone();
        tampered["Body"]["MERORDERID"] = json!("A2");
        assert_eq!(verify(PhpJson::default(), &tampered, KEY), Err(WireError::BadSign));
        assert_eq!(verify(PhpJson::default(), &e, "other"), Err(WireError::BadSign));
        let mut unsigned = e;
        unsigned.remove("Sign");
        assert_eq!(verify(PhpJson::default(), &unsigned, KEY), Err(WireError::Unsigned));
    }

    /// Received values are verified with their JSON types as received: the [demo] push has
    /// `"AMT":1` and `"MERORDERID":18294677`.
    #[test]
    fn verifies_numbers_as_received() {
        let body = obj(json!({"AMT": 1, "MERORDERID": 18294677, "STATUS": "1"}));
        let s = sign(PhpJson::default(), &body, KEY);
        let text = sign_text(PhpJson::default(), &body, KEY);
        assert!(text.starts_with(r#"{"AMT":1,"MERORDERID":18294677,"STATUS":"1"}"#));
        let e = obj(json!({"CommandID": 2324, "RetCode": 0, "Body": body, "Sign": s}));
        assert!(verify(PhpJson::default(), &e, KEY).is_ok());
        // The same values as strings sign differently.
        let strings = obj(json!({"AMT": "1", "MERORDERID": "18294677", "STATUS": "1"}));
        assert_ne!(sign(PhpJson::default(), &strings, KEY), s);
    }

    #[test]
    fn verdicts() {
        // The seed's negative answers (quick pay L845-858, scan code L1663-1676).
        let neg =
            obj(json!({"CommandID": 32768, "RetCode": 0, "ErrorMsg": "[-2002] 没有该订单", "Body": "", "Sign": ""}));
        assert_eq!(
            verdict(&neg).unwrap(),
            Verdict::Refused { code: "-2002".into(), message: "[-2002] 没有该订单".into() }
        );
        let scan = obj(json!({"CommandID": "32768", "RetCode": 39999, "ErrMsg": "支付失败"}));
        assert_eq!(verdict(&scan).unwrap(), Verdict::Refused { code: "39999".into(), message: "支付失败".into() });
        let ok = obj(json!({"CommandID": 35078, "RetCode": "1", "Body": {}}));
        assert_eq!(verdict(&ok).unwrap(), Verdict::Proceed);
        assert_eq!(verdict(&obj(json!({"Body": {}}))), Err(WireError::NoRetCode));
        assert_eq!(bracketed_code("[-3005]：交易金额不符"), Some("-3005".into()));
        assert_eq!(bracketed_code("支付失败"), None);
    }

    #[test]
    fn randstr_is_ten_alphanumerics() {
        let r = randstr();
        assert_eq!(r.len(), 10);
        assert!(r.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
