//! Kuaishou wire protocol (seed 002, 概述 and 2.2; SPEC-NOTES "002"): the body sign
//! `md5(timestamp + key + body without ASCII whitespace) ":" timestamp`, the optional 3DES of
//! bodies and answers, and the reading of answers and notifications, JSON or XML, into one JSON
//! tree. The client and the sandbox simulator both use these functions, so the two can only agree
//! by following the rule; the vectors in the tests were computed independently from it.

use base64::Engine as _;
use des::cipher::block_padding::Pkcs7;
use des::cipher::{BlockDecryptMut, BlockEncryptMut, KeyInit};
use serde_json::{Map, Value};

use crate::crypto::{md5_hex, sign_eq};

/// What went wrong reading or checking received data. Converted into the public
/// [`crate::error::Error`] at the module boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("sign is not `<md5 hex>:<timestamp>`")]
    BadSignFormat,
    #[error("signature does not match")]
    SignMismatch,
    #[error("not Base64")]
    NotBase64,
    #[error("3DES text does not decrypt (bad padding: wrong key or damaged text)")]
    Padding,
    #[error("decrypted text is not UTF-8")]
    NotUtf8,
    #[error("unreadable answer: {0}")]
    Malformed(String),
}

impl From<ProtocolError> for crate::error::Error {
    fn from(e: ProtocolError) -> crate::error::Error {
        match e {
            ProtocolError::BadSignFormat | ProtocolError::SignMismatch => {
                crate::error::Error::signature(format!("kuaishou: {e}"))
            }
            // Received and unreadable: nobody knows what happened.
            _ => crate::error::Error::Network { message: format!("kuaishou: {e}"), outcome_unknown: true },
        }
    }
}

/// The text with every ASCII whitespace character removed: the vendor SDK's Java `\s`
/// (space, `\t`, `\n`, `\x0B`, `\f`, `\r`), inside string values too. Full-width spaces stay.
pub fn strip(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')).collect()
}

/// The exact string that is hashed: timestamp, key, stripped text.
pub fn canonical(timestamp: &str, key: &str, text: &str) -> String {
    format!("{timestamp}{key}{}", strip(text))
}

/// `md5_lowerhex(timestamp + key + strip(text)) + ":" + timestamp`, the `sign` query parameter.
/// `text` is the body as sent (a POST), the charge code (query), or `chargeCode=..&busiCode=..`
/// (cancelTrade).
pub fn sign(timestamp: &str, key: &str, text: &str) -> String {
    format!("{}:{timestamp}", md5_hex(canonical(timestamp, key, text).as_bytes()))
}

/// The text cancelTrade signs in place of a body (8.1).
pub fn cancel_text(charge_code: &str, busi_code: &str) -> String {
    format!("chargeCode={charge_code}&busiCode={busi_code}")
}

/// Checks a received `sign` (`<hex>:<ts>`) over `text`, in constant time. Returns the timestamp.
/// No freshness window: the seed states none, and Kuaishou repeats a notification for 150 s.
pub fn verify(sign_param: &str, key: &str, text: &str) -> Result<String, ProtocolError> {
    let (hex, ts) = sign_param.trim().rsplit_once(':').ok_or(ProtocolError::BadSignFormat)?;
    if hex.len() != 32 || ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProtocolError::BadSignFormat);
    }
    let expected = md5_hex(canonical(ts, key, text).as_bytes());
    if sign_eq(hex, &expected) {
        Ok(ts.to_string())
    } else {
        Err(ProtocolError::SignMismatch)
    }
}

/// The 3DES key: the key's first 24 bytes, a shorter key padded with 0x00 (the vendor SDK fills a
/// 24-byte array with the key's characters, the rest staying zero).
pub fn des_key(key: &str) -> [u8; 24] {
    let mut k = [0u8; 24];
    for (slot, b) in k.iter_mut().zip(key.as_bytes()) {
        *slot = *b;
    }
    k
}

/// DESede/ECB/PKCS5Padding of the UTF-8 text, standard Base64 with padding, one line.
pub fn encrypt(key: &str, plaintext: &str) -> String {
    let ct = ecb::Encryptor::<des::TdesEde3>::new(&des_key(key).into())
        .encrypt_padded_vec_mut::<Pkcs7>(plaintext.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(ct)
}

/// The inverse of [`encrypt`]; whitespace in the Base64 (line breaks) is ignored.
pub fn decrypt(key: &str, text: &str) -> Result<String, ProtocolError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let ct = base64::engine::general_purpose::STANDARD.decode(compact).map_err(|_| ProtocolError::NotBase64)?;
    if ct.is_empty() || ct.len() % 8 != 0 {
        return Err(ProtocolError::Padding);
    }
    let pt = ecb::Decryptor::<des::TdesEde3>::new(&des_key(key).into())
        .decrypt_padded_vec_mut::<Pkcs7>(&ct)
        .map_err(|_| ProtocolError::Padding)?;
    String::from_utf8(pt).map_err(|_| ProtocolError::NotUtf8)
}

/// An answer or notification as plain text: decrypted when it is not JSON or XML already
/// (digest decision 7: with `encrypt=3DES` every answer may come encrypted).
pub fn plaintext(key: &str, body: &str, encrypted: bool) -> Result<String, ProtocolError> {
    let trimmed = body.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with('{') || trimmed.starts_with('<') {
        return Ok(trimmed.to_string());
    }
    if !encrypted {
        return Err(ProtocolError::Malformed("neither JSON nor XML".into()));
    }
    decrypt(key, trimmed)
}

/// Reads a JSON or XML document into a JSON tree. XML elements become members named as the
/// JSON keys (no XML sample exists: the digest's decision 8), repeated elements become arrays,
/// and every XML value is text (the typed readers take numbers as text or numbers alike).
pub fn document(text: &str) -> Result<Value, ProtocolError> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.starts_with('<') {
        return xml_to_json(text);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(ProtocolError::Malformed("not a JSON object".into())),
        Err(e) => Err(ProtocolError::Malformed(e.to_string())),
    }
}

/// The member `root` of a document (`ORDER_RESP`, `PAY_NODIFY`, ...), matched ignoring case
/// (flowRecharge answers `result` where its table says `RESULT`).
pub fn member<'a>(doc: &'a Value, root: &str) -> Option<&'a Value> {
    doc.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(root)).map(|(_, v)| v)
}

/// How deep XML elements may nest (the seed's documents are four deep). The tree is built
/// without recursion, but everything that reads, clones or drops it recurses once per level:
/// a 700 KB answer of nested `<a>` (100,000 levels) overflowed the stack (found while fuzzing,
/// reproduced with the `kuaishou_answer` target; its seed `crash-xml-depth` nests 200 deep).
/// serde_json refuses JSON past 128 levels.
const MAX_XML_DEPTH: usize = 128;

fn xml_to_json(text: &str) -> Result<Value, ProtocolError> {
    use quick_xml::events::Event;
    // JSON was asked for; an answer that is not JSON is read as XML, and may be neither.
    let bad = |e: &dyn std::fmt::Display| ProtocolError::Malformed(format!("not JSON, nor well-formed XML: {e}"));
    let mut reader = quick_xml::Reader::from_str(text);
    // One frame per open element: its name, child members, and text.
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut root: Option<Value> = None;
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Event::Start(e) => {
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(bad(&format!("elements nested more than {MAX_XML_DEPTH} deep")));
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                stack.push((name, Map::new(), String::new()));
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                close(&mut stack, &mut root, name, Value::String(String::new()))?;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&t.xml_content().map_err(|e| bad(&e))?);
                }
            }
            // `&amp;`, `&#20320;`: the predefined entities and character references only.
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| bad(&e))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| bad(&format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&resolved);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                let (name, children, text) = stack.pop().ok_or_else(|| bad(&"unbalanced end tag"))?;
                let value =
                    if children.is_empty() { Value::String(text.trim().to_string()) } else { Value::Object(children) };
                close(&mut stack, &mut root, name, value)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(bad(&"unclosed element"));
    }
    root.ok_or_else(|| bad(&"no element"))
}

/// Adds a finished element to its parent (a repeated name becomes an array), or makes it the
/// document's root.
fn close(
    stack: &mut [(String, Map<String, Value>, String)],
    root: &mut Option<Value>,
    name: String,
    value: Value,
) -> Result<(), ProtocolError> {
    let Some(parent) = stack.last_mut() else {
        if root.is_some() {
            return Err(ProtocolError::Malformed("xml: more than one root element".into()));
        }
        let mut doc = Map::new();
        doc.insert(name, value);
        *root = Some(Value::Object(doc));
        return Ok(());
    };
    match parent.1.get_mut(&name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            parent.1.insert(name, value);
        }
    }
    Ok(())
}

/// A JSON tree as XML (the simulator's answers when `_type` is not `json`): objects become
/// elements, arrays repeat their element, text is escaped.
pub fn json_to_xml(doc: &Value) -> String {
    fn write(out: &mut String, name: &str, v: &Value) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| write(out, name, i)),
            Value::Object(m) => {
                out.push_str(&format!("<{name}>"));
                m.iter().for_each(|(k, v)| write(out, k, v));
                out.push_str(&format!("</{name}>"));
            }
            Value::Null => out.push_str(&format!("<{name}/>")),
            Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", quick_xml::escape::escape(s.as_str()))),
            other => out.push_str(&format!("<{name}>{other}</{name}>")),
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    if let Value::Object(m) = doc {
        m.iter().for_each(|(k, v)| write(&mut out, k, v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The vendor's UAT test key (from the demo app next to the vendor SDK, see the digest).
    const UAT_KEY: &str = "98SDKFUO432HNODS098EEE07U9DUOIUE";

    #[test]
    fn whitespace_set_is_the_sdks() {
        assert_eq!(strip(" a\tb\nc\u{0B}d\u{0C}e\rf "), "abcdef");
        // Full-width and non-breaking spaces are not ASCII whitespace: kept.
        assert_eq!(strip("a\u{3000}b\u{a0}c"), "a\u{3000}b\u{a0}c");
        assert_eq!(strip(r#"{"DEV_ID": " dev1"}"#), r#"{"DEV_ID":"dev1"}"#);
    }

    // Vectors computed independently with python3:
    //   hashlib.md5((ts + key + re.sub(r'[ \t\n\x0b\x0c\r]', '', body)).encode()).hexdigest()
    #[test]
    fn body_sign_vectors() {
        let body = "{\n    \"AMT\": \"0.01\", \n    \"BUSI_ID\": \"0010000001\", \n    \"PAY_SUBJECT\": \"SOUSHOU product 2\"\n}";
        assert_eq!(
            canonical("1473431447", UAT_KEY, body),
            "147343144798SDKFUO432HNODS098EEE07U9DUOIUE{\"AMT\":\"0.01\",\"BUSI_ID\":\"0010000001\",\"PAY_SUBJECT\":\"SOUSHOUproduct2\"}"
        );
        assert_eq!(sign("1473431447", UAT_KEY, body), "e27910d4f69b55704914480d7ae97859:1473431447");
    }

    #[test]
    fn sign_round_trip_and_tampering() {
        let body = r#"{"CHARGE_CODE":"A1","AMT":"1.00"}"#;
        let s = sign("1700000000000", UAT_KEY, body);
        assert_eq!(verify(&s, UAT_KEY, body), Ok("1700000000000".into()));
        // Whitespace does not count; anything else does.
        assert!(verify(&s, UAT_KEY, &body.replace(',', ", ")).is_ok());
        assert_eq!(verify(&s, UAT_KEY, &body.replace("1.00", "1.01")), Err(ProtocolError::SignMismatch));
        assert_eq!(verify(&s, "other", body), Err(ProtocolError::SignMismatch));
        let other_ts = s.replace(":1700000000000", ":1700000000001");
        assert_eq!(verify(&other_ts, UAT_KEY, body), Err(ProtocolError::SignMismatch));
        assert_eq!(verify(&s.to_uppercase(), UAT_KEY, body), Ok("1700000000000".into()));
        for bad in ["", "abc", "abc:1", &format!("{}:", &s[..32]), &format!("{}:x1", &s[..32])] {
            assert_eq!(verify(bad, UAT_KEY, body), Err(ProtocolError::BadSignFormat), "{bad}");
        }
    }

    #[test]
    fn des3_vectors() {
        // Computed independently, agreeing: python3 `cryptography` TripleDES (key[:24], zero-padded),
        // ECB, PKCS7, Base64; and `openssl enc -des-ede3 -K <hex key> -nosalt -base64`.
        assert_eq!(des_key("abc")[..4], [b'a', b'b', b'c', 0]);
        assert_eq!(&des_key(UAT_KEY), b"98SDKFUO432HNODS098EEE07");
        let ct = encrypt(UAT_KEY, r#"{"AMT":"0.01"}"#);
        assert_eq!(ct, "xozvdrWljnEl+KwWLkgAqA==");
        assert_eq!(decrypt(UAT_KEY, &ct).unwrap(), r#"{"AMT":"0.01"}"#);
        assert_eq!(encrypt("0123456789", "快收"), "3E/1Bfx/vnk=");
        assert_eq!(decrypt(UAT_KEY, "not base64!"), Err(ProtocolError::NotBase64));
        assert_eq!(decrypt(UAT_KEY, "AAAA"), Err(ProtocolError::Padding));
        assert_eq!(decrypt("other key", &ct), Err(ProtocolError::Padding));
    }

    #[test]
    fn answers_read_as_plaintext() {
        assert_eq!(plaintext(UAT_KEY, " {\"a\":1} ", false).unwrap(), "{\"a\":1}");
        assert_eq!(plaintext(UAT_KEY, "<a/>", true).unwrap(), "<a/>");
        let ct = encrypt(UAT_KEY, "{\"a\":1}");
        assert_eq!(plaintext(UAT_KEY, &ct, true).unwrap(), "{\"a\":1}");
        assert!(matches!(plaintext(UAT_KEY, &ct, false), Err(ProtocolError::Malformed(_))));
        assert!(plaintext(UAT_KEY, "<html>", false).is_ok(), "read as XML (and refused there)");
    }

    #[test]
    fn xml_reads_like_json() {
        let xml = "<?xml version=\"1.0\"?><ORDER_RESP><RESULT><CODE>SUCCESS</CODE><INFO>请求成功&amp;!</INFO></RESULT>\
                   <AMT>1</AMT><FUND_BILL_LIST><TRADEFUNDBILL><AMOUNT>0.01</AMOUNT><FUND_CHANNEL>10</FUND_CHANNEL>\
                   </TRADEFUNDBILL><TRADEFUNDBILL><AMOUNT>0.02</AMOUNT><FUND_CHANNEL>11</FUND_CHANNEL></TRADEFUNDBILL>\
                   </FUND_BILL_LIST><MERCHANTPARA/></ORDER_RESP>";
        let doc = document(xml).unwrap();
        let r = member(&doc, "order_resp").unwrap();
        assert_eq!(r["RESULT"]["CODE"], "SUCCESS");
        assert_eq!(r["RESULT"]["INFO"], "请求成功&!");
        assert_eq!(r["AMT"], "1");
        assert_eq!(r["MERCHANTPARA"], "");
        assert_eq!(r["FUND_BILL_LIST"]["TRADEFUNDBILL"][1]["FUND_CHANNEL"], "11");
        for bad in ["<a>", "<a></b>", "<a/><b/>", "", "[1]", "{", "<<"] {
            assert!(document(bad).is_err(), "{bad:?}");
        }
        // And back: the simulator's XML reads as the JSON it came from (values as text).
        let json: Value =
            serde_json::json!({"PAY_NODIFY": {"STATE": "1", "S": "a<b", "L": {"T": [{"A": "1"}, {"A": "2"}]}}});
        assert_eq!(document(&json_to_xml(&json)).unwrap(), json);
    }

    /// Fuzzing: XML nested 100,000 deep overflowed the stack of whatever read the tree (the
    /// answer reader clones the root member, serde reads it, the tree is dropped). Refused, as
    /// serde_json refuses JSON nested past 128; 128 levels still read.
    #[test]
    fn deep_xml_is_refused_not_a_stack_overflow() {
        let nested = |n: usize| format!("<R>{}x{}</R>", "<a>".repeat(n), "</a>".repeat(n));
        for n in [MAX_XML_DEPTH, 100_000] {
            assert!(
                matches!(document(&nested(n)), Err(ProtocolError::Malformed(m)) if m.contains("nested")),
                "{n} levels"
            );
        }
        let doc = document(&nested(MAX_XML_DEPTH - 1)).unwrap();
        assert!(member(&doc, "R").is_some());
        // The reader the client runs, on a thread with a small stack like a runtime worker's.
        let deep = nested(100_000);
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || assert!(document(&deep).is_err()))
            .unwrap()
            .join()
            .unwrap();
    }

    proptest! {
        #[test]
        fn des3_round_trip(text in "\\PC{0,200}", key in "[ -~]{0,40}") {
            let ct = encrypt(&key, &text);
            prop_assert_eq!(ct.len() % 4, 0);
            prop_assert_eq!(decrypt(&key, &ct).unwrap(), text);
        }

        #[test]
        fn sign_ignores_whitespace_only(body in "[a-z0-9 \\n\\t]{0,60}") {
            let s = sign("1", UAT_KEY, &body);
            prop_assert!(verify(&s, UAT_KEY, &strip(&body)).is_ok());
        }

        #[test]
        fn readers_never_panic(text in "\\PC{0,120}") {
            let _ = document(&text);
            let _ = decrypt(UAT_KEY, &text);
            let _ = verify(&text, UAT_KEY, &text);
        }
    }
}
