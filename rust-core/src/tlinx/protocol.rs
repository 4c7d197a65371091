//! TLinx wire protocol (seed 004, sections 2.2-2.5): the canonical string and its sha1-then-md5
//! signature, AES-256-ECB of the `data` field, answer verification and the timestamp window.
//!
//! Both the client and the sandbox simulator use these functions, so the two can only agree by
//! following the seed; the seed's own 2.4 example and independently computed AES vectors pin
//! them down in the tests below.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyInit};

use crate::crypto::{md5_hex, sha1_hex, sign_eq};
use crate::trade::RawFields;

/// Requests (and answers) more than this many seconds off the server clock are refused (2.2.9).
pub const TIMESTAMP_WINDOW_SECS: u64 = 600;

/// What went wrong in the protocol layer. Converted into the public [`crate::error::Error`] at the
/// module boundary; the client turns failures on *received* data into `SignatureInvalid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("open_key must be exactly 32 ASCII characters (the AES-256 key), got {len} bytes")]
    KeyLength { len: usize },
    #[error("data is not hex")]
    NotHex,
    #[error("data is {len} bytes, not a whole number of 16-byte AES blocks")]
    BlockLength { len: usize },
    #[error("data does not decrypt (bad padding: wrong key or damaged data)")]
    Padding,
    #[error("decrypted data is not UTF-8")]
    NotUtf8,
    #[error("answer is not a JSON object: {0}")]
    Malformed(String),
    #[error("answer carries data but no sign")]
    MissingSign,
    #[error("signature does not match")]
    SignMismatch,
    #[error("timestamp {0:?} is not Unix seconds")]
    BadTimestamp(String),
    #[error("timestamp {ts} is {skew} s away from now ({now}); at most {TIMESTAMP_WINDOW_SECS} s allowed")]
    TimestampSkew { ts: u64, now: u64, skew: u64 },
}

impl From<ProtocolError> for crate::error::Error {
    fn from(e: ProtocolError) -> crate::error::Error {
        match e {
            ProtocolError::KeyLength { .. } => crate::error::Error::invalid("open_key", e.to_string()),
            ProtocolError::NotHex
            | ProtocolError::BlockLength { .. }
            | ProtocolError::Padding
            | ProtocolError::NotUtf8 => crate::error::Error::invalid("data", e.to_string()),
            ProtocolError::BadTimestamp(_) | ProtocolError::TimestampSkew { .. } => {
                crate::error::Error::invalid("timestamp", e.to_string())
            }
            ProtocolError::Malformed(_) => {
                crate::error::Error::Network { message: format!("unreadable answer: {e}"), outcome_unknown: true }
            }
            ProtocolError::MissingSign | ProtocolError::SignMismatch => crate::error::Error::signature(e.to_string()),
        }
    }
}

/// The exact string that is sha1-hashed (2.4): every field except `sign`, plus `open_key` (the
/// argument: an `open_key` among the fields is ignored, never signed twice),
/// sorted by name in byte order, joined as `k=v&...`; empty values stay as `k=`; nothing is
/// URL-encoded.
pub fn canonical(fields: &RawFields, open_key: &str) -> String {
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "sign" | "open_key"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    all.push(("open_key", open_key));
    all.sort_unstable();
    all.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// md5(sha1(canonical)), both lower-case hex.
pub fn sign(fields: &RawFields, open_key: &str) -> String {
    md5_hex(sha1_hex(canonical(fields, open_key).as_bytes()).as_bytes())
}

/// Checks `fields["sign"]` in constant time. Used for answers (2.5) and notifications (4.8.1).
pub fn verify_sign(fields: &RawFields, open_key: &str) -> Result<(), ProtocolError> {
    let received = fields.get("sign").filter(|s| !s.is_empty()).ok_or(ProtocolError::MissingSign)?;
    if sign_eq(received, &sign(fields, open_key)) {
        Ok(())
    } else {
        Err(ProtocolError::SignMismatch)
    }
}

fn aes_key(open_key: &str) -> Result<[u8; 32], ProtocolError> {
    let bytes = open_key.as_bytes();
    if bytes.len() != 32 || !bytes.is_ascii() {
        return Err(ProtocolError::KeyLength { len: bytes.len() });
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(bytes);
    Ok(key)
}

pub(crate) fn aes_encrypt(open_key: &str, plaintext: &str) -> Result<String, ProtocolError> {
    let key = aes_key(open_key)?;
    let ct = ecb::Encryptor::<aes::Aes256>::new(&key.into()).encrypt_padded_vec_mut::<Pkcs7>(plaintext.as_bytes());
    Ok(hex::encode_upper(ct))
}

pub(crate) fn aes_decrypt(open_key: &str, data: &str) -> Result<String, ProtocolError> {
    let key = aes_key(open_key)?;
    let ct = hex::decode(data.trim()).map_err(|_| ProtocolError::NotHex)?;
    if ct.is_empty() || ct.len() % 16 != 0 {
        return Err(ProtocolError::BlockLength { len: ct.len() });
    }
    let pt = ecb::Decryptor::<aes::Aes256>::new(&key.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&ct)
        .map_err(|_| ProtocolError::Padding)?;
    String::from_utf8(pt).map_err(|_| ProtocolError::NotUtf8)
}

/// AES-256-ECB with PKCS5 padding, key = the 32 ASCII bytes of `open_key`, upper-case hex (2.3).
pub fn encrypt(open_key: &str, plaintext: &str) -> crate::error::Result<String> {
    Ok(aes_encrypt(open_key, plaintext)?)
}

/// The inverse of [`encrypt`]; accepts either hex case. Bad hex, a length that is not whole
/// blocks, bad padding (the usual sign of a wrong key) and non-UTF-8 text are errors naming `data`.
pub fn decrypt(open_key: &str, data: &str) -> crate::error::Result<String> {
    Ok(aes_decrypt(open_key, data)?)
}

/// Refuses a timestamp more than [`TIMESTAMP_WINDOW_SECS`] away from `now`, either way.
pub fn check_timestamp(ts: &str, now: u64) -> Result<u64, ProtocolError> {
    if ts.is_empty() || ts.len() > 12 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProtocolError::BadTimestamp(ts.to_string()));
    }
    let t: u64 = ts.parse().map_err(|_| ProtocolError::BadTimestamp(ts.to_string()))?;
    let skew = t.abs_diff(now);
    if skew > TIMESTAMP_WINDOW_SECS {
        return Err(ProtocolError::TimestampSkew { ts: t, now, skew });
    }
    Ok(t)
}

/// Unix seconds now.
pub use crate::clock::now_unix;

/// The four form fields of a request (2.2.6): `data` is the AES of the JSON payload, `sign`
/// covers open_id, timestamp and data.
pub fn build_request(
    open_id: &str,
    open_key: &str,
    payload_json: &str,
    timestamp: u64,
) -> Result<Vec<(String, String)>, ProtocolError> {
    let data = aes_encrypt(open_key, payload_json)?;
    let mut fields = RawFields::new();
    fields.insert("open_id".into(), open_id.into());
    fields.insert("timestamp".into(), timestamp.to_string());
    fields.insert("data".into(), data);
    let sign = sign(&fields, open_key);
    let mut out: Vec<(String, String)> = fields.into_iter().collect();
    out.push(("sign".into(), sign));
    Ok(out)
}

/// A request as the server sees it: signature checked, timestamp within the window, data
/// decrypted. Returns the decrypted JSON text. (The simulator's side of [`build_request`].)
pub fn open_request(fields: &RawFields, open_key: &str, now: u64) -> Result<String, ProtocolError> {
    verify_sign(fields, open_key)?;
    check_timestamp(fields.get("timestamp").map(String::as_str).unwrap_or(""), now)?;
    aes_decrypt(open_key, fields.get("data").map(String::as_str).unwrap_or(""))
}

/// The JSON text of an answer: `errcode` and `timestamp` as JSON numbers, `msg` as a string, and
/// when there is a payload, `data` (AES hex) and `sign` over all of them plus open_key (2.5).
pub fn build_answer(
    open_key: &str,
    errcode: i64,
    msg: &str,
    payload_json: Option<&str>,
    timestamp: u64,
) -> Result<String, ProtocolError> {
    let mut obj = serde_json::Map::new();
    obj.insert("errcode".into(), errcode.into());
    obj.insert("msg".into(), msg.into());
    obj.insert("timestamp".into(), timestamp.into());
    if let Some(p) = payload_json {
        let data = aes_encrypt(open_key, p)?;
        let mut fields = RawFields::new();
        fields.insert("errcode".into(), errcode.to_string());
        fields.insert("msg".into(), msg.into());
        fields.insert("timestamp".into(), timestamp.to_string());
        fields.insert("data".into(), data.clone());
        obj.insert("data".into(), data.into());
        obj.insert("sign".into(), sign(&fields, open_key).into());
    }
    Ok(serde_json::Value::Object(obj).to_string())
}

/// The top-level members of a JSON object, each rendered as the signer sees it: a string as
/// its decoded text, a number EXACTLY as written (`0`, `1.50`), `null`/`false` as empty, `true`
/// as `1` (how the platform's PHP casts them), and an object or array as its JSON text.
/// Duplicate names are refused: which of two values was signed would be ambiguous.
pub fn answer_fields(body: &str) -> Result<RawFields, ProtocolError> {
    use serde_json::Value;
    // PHP pages are sometimes saved with a UTF-8 byte order mark, which ends up in the answer.
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);
    let bad = |m: &str| ProtocolError::Malformed(m.to_string());
    let bytes = body.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    // One JSON value starting at `i`: its raw text and the offset after it.
    let value_at = |i: usize| -> Result<(&str, usize), ProtocolError> {
        let rest = body.get(i..).ok_or_else(|| bad("truncated"))?;
        let mut it = serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
        match it.next() {
            Some(Ok(_)) => {
                let end = i + it.byte_offset();
                Ok((body[i..end].trim(), end))
            }
            Some(Err(e)) => Err(ProtocolError::Malformed(e.to_string())),
            None => Err(bad("truncated")),
        }
    };
    let mut i = skip_ws(0);
    if bytes.get(i) != Some(&b'{') {
        return Err(bad("expected an object"));
    }
    i = skip_ws(i + 1);
    let mut fields = RawFields::new();
    if bytes.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if bytes.get(i) != Some(&b'"') {
                return Err(bad("expected a member name"));
            }
            let (raw_key, end) = value_at(i)?;
            let key: String = serde_json::from_str(raw_key).map_err(|e| ProtocolError::Malformed(e.to_string()))?;
            i = skip_ws(end);
            if bytes.get(i) != Some(&b':') {
                return Err(bad("expected ':'"));
            }
            let (raw, end) = value_at(skip_ws(i + 1))?;
            let rendered = match raw.as_bytes().first() {
                Some(b'"') => {
                    serde_json::from_str::<String>(raw).map_err(|e| ProtocolError::Malformed(e.to_string()))?
                }
                Some(b'n') | Some(b'f') => String::new(),
                Some(b't') => "1".to_string(),
                Some(b'{') | Some(b'[') => {
                    serde_json::from_str::<Value>(raw).map_err(|e| ProtocolError::Malformed(e.to_string()))?.to_string()
                }
                _ => raw.to_string(),
            };
            if fields.insert(key.clone(), rendered).is_some() {
                return Err(ProtocolError::Malformed(format!("member {key:?} appears twice")));
            }
            i = skip_ws(end);
            match bytes.get(i) {
                Some(b',') => i = skip_ws(i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return Err(bad("expected ',' or '}'")),
            }
        }
    }
    if skip_ws(i) != bytes.len() {
        return Err(bad("trailing characters after the object"));
    }
    Ok(fields)
}

/// A received answer, verified and decrypted.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `errcode` exactly as received (`"0"` is success).
    pub errcode: String,
    pub msg: String,
    /// The decrypted `data` payload, when the answer carried one.
    pub data: Option<serde_json::Value>,
    /// Every top-level field as rendered for the signature.
    pub fields: RawFields,
}

impl Envelope {
    pub fn is_ok(&self) -> bool {
        self.errcode == "0"
    }
}

/// Parses an answer, verifies its signature (2.5) and decrypts `data`.
///
/// The seed requires a signature only on answers that carry `data`; error answers come without
/// one and are taken as they are. An answer that does carry a `sign` is always checked.
pub fn parse_answer(body: &str, open_key: &str) -> Result<Envelope, ProtocolError> {
    let fields = answer_fields(body)?;
    let has_data = fields.get("data").is_some_and(|d| !d.is_empty());
    if has_data || fields.contains_key("sign") {
        verify_sign(&fields, open_key)?;
    }
    let errcode = fields.get("errcode").cloned().ok_or_else(|| ProtocolError::Malformed("no errcode".into()))?;
    let msg = fields.get("msg").cloned().unwrap_or_default();
    let data = if has_data {
        let text = aes_decrypt(open_key, &fields["data"])?;
        Some(serde_json::from_str(&text).map_err(|e| ProtocolError::Malformed(format!("data: {e}")))?)
    } else {
        None
    };
    Ok(Envelope { errcode, msg, data, fields })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SEED_KEY: &str = "0828e83720fdbe3685a7b94214af04f9";

    fn fields(pairs: &[(&str, &str)]) -> RawFields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn seed_2_4_vector() {
        let f = fields(&[
            ("open_id", "87f46f5db1b65f0ac195285f49ee6958"),
            ("timestamp", "1497957842"),
            ("data", "3304A5EC2CDEB4D12ED3338B5C01BF6B"),
        ]);
        let c = canonical(&f, SEED_KEY);
        assert_eq!(
            c,
            "data=3304A5EC2CDEB4D12ED3338B5C01BF6B&open_id=87f46f5db1b65f0ac195285f49ee6958\
             &open_key=0828e83720fdbe3685a7b94214af04f9&timestamp=1497957842"
        );
        assert_eq!(sha1_hex(c.as_bytes()), "013030c4532c00c14ad8b9e47f3382f9ea4a8ed1");
        assert_eq!(sign(&f, SEED_KEY), "915be5aff09f2686870e1d17e93b3542");
        // A `sign` already among the fields does not take part.
        let mut with_sign = f.clone();
        with_sign.insert("sign".into(), "915be5aff09f2686870e1d17e93b3542".into());
        assert_eq!(sign(&with_sign, SEED_KEY), "915be5aff09f2686870e1d17e93b3542");
        assert!(verify_sign(&with_sign, SEED_KEY).is_ok());
    }

    #[test]
    fn empty_values_are_kept() {
        let f = fields(&[("b", ""), ("a", "1")]);
        assert_eq!(canonical(&f, "K"), "a=1&b=&open_key=K");
    }

    #[test]
    fn seed_2_5_canonical_shape() {
        // The 2.5 example's sign and data are damaged in the seed; its canonical string is not.
        let body = r#"{"errcode":0,"msg":"ok","timestamp":1461644997,"data":"BE493732102064876B89862824DF8B0B779","sign": "406571b4852680d8463e653f669fe449"}"#;
        let f = answer_fields(body).unwrap();
        assert_eq!(
            canonical(&f, "vCfnB1SvPQqUDa7q0AFpqdiGOCICGT92"),
            "data=BE493732102064876B89862824DF8B0B779&errcode=0&msg=ok\
             &open_key=vCfnB1SvPQqUDa7q0AFpqdiGOCICGT92&timestamp=1461644997"
        );
    }

    #[test]
    fn answer_known_vector_and_tampering() {
        // Sign computed independently (python3 hashlib) over
        // data=E7E67BCE&errcode=0&msg=成功&open_key=...&timestamp=1461642890
        let body = r#"{"errcode":0,"msg":"\u6210\u529f","timestamp":1461642890,"data":"E7E67BCE","sign":"58eb85393d8a1a5fd071ef073b35666f"}"#;
        let f = answer_fields(body).unwrap();
        assert_eq!(f["errcode"], "0");
        assert_eq!(f["msg"], "成功");
        assert!(verify_sign(&f, SEED_KEY).is_ok());
        // Any changed field, the errcode rendered differently, or a missing sign all fail.
        for tampered in [
            body.replace("\"errcode\":0", "\"errcode\":1"),
            body.replace("\"errcode\":0", "\"errcode\":0.0"),
            body.replace("1461642890", "1461642891"),
            body.replace("\\u6210\\u529f", "ok"),
            body.replace("E7E67BCE", "E7E67BCF"),
            body.replace("58eb85393d8a1a5fd071ef073b35666f", "58eb85393d8a1a5fd071ef073b35666e"),
        ] {
            let f = answer_fields(&tampered).unwrap();
            assert_eq!(verify_sign(&f, SEED_KEY), Err(ProtocolError::SignMismatch), "{tampered}");
        }
        let no_sign = r#"{"errcode":0,"msg":"ok","data":"E7E67BCE"}"#;
        assert_eq!(parse_answer(no_sign, SEED_KEY), Err(ProtocolError::MissingSign));
        // An extra member added by a middlebox breaks the signature too.
        let extra = body.replacen('{', r#"{"status":1,"#, 1);
        assert_eq!(parse_answer(&extra, SEED_KEY), Err(ProtocolError::SignMismatch));
    }

    #[test]
    fn answer_rendering() {
        let f = answer_fields(r#" { "a" : 1.50 , "b":null,"c":true,"d":false,"e":[1, 2],"f":{"x": "y"},"g":-3 } "#)
            .unwrap();
        assert_eq!(f["a"], "1.50");
        assert_eq!(f["b"], "");
        assert_eq!(f["c"], "1");
        assert_eq!(f["d"], "");
        assert_eq!(f["e"], "[1,2]");
        assert_eq!(f["f"], r#"{"x":"y"}"#);
        assert_eq!(f["g"], "-3");
        assert_eq!(answer_fields("{}").unwrap().len(), 0);
        assert_eq!(answer_fields("\u{feff}{\"errcode\":0}").unwrap()["errcode"], "0");
        for bad in ["", "[]", "{", r#"{"a":1,"a":2}"#, r#"{"a":1} x"#, r#"{"a" 1}"#, r#"{"a":1,}"#, "<html>", "{a:1}"] {
            assert!(matches!(answer_fields(bad), Err(ProtocolError::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn error_answers_need_no_sign() {
        let a = parse_answer(r#"{"errcode":8002,"msg":"订单不存在"}"#, SEED_KEY).unwrap();
        assert_eq!(a.errcode, "8002");
        assert_eq!(a.msg, "订单不存在");
        assert!(!a.is_ok() && a.data.is_none());
        // But a sign that is present is checked.
        let e = parse_answer(r#"{"errcode":8002,"msg":"x","sign":"00"}"#, SEED_KEY).unwrap_err();
        assert_eq!(e, ProtocolError::SignMismatch);
    }

    #[test]
    fn answer_round_trip() {
        let body = build_answer(SEED_KEY, 0, "ok", Some(r#"{"status":"1","out_no":"A1"}"#), 1_700_000_000).unwrap();
        let a = parse_answer(&body, SEED_KEY).unwrap();
        assert!(a.is_ok());
        assert_eq!(a.data.unwrap()["out_no"], "A1");
        // Wrong key: signature fails before any decryption.
        assert_eq!(parse_answer(&body, "vCfnB1SvPQqUDa7q0AFpqdiGOCICGT92"), Err(ProtocolError::SignMismatch));
    }

    #[test]
    fn aes_known_answers() {
        // Computed independently with python3 `cryptography` and `openssl enc -aes-256-ecb`.
        assert_eq!(
            encrypt(SEED_KEY, r#"{"pmt_type":"2,3"}"#).unwrap(),
            "8D4634E1527F1C94D26B17959E603C4F1F3E02FE8D1E13B6D1BB727F32B8BD47"
        );
        assert_eq!(
            encrypt(SEED_KEY, r#"{"out_no":"A1","ord_name":"香烟"}"#).unwrap(),
            "38104CD10169ED441D29493532C61DEA7E1FE9921C6CD4D87776411AE2A1731A\
             002DD31ED45432E8F2106F58D7EE14DE"
        );
        assert_eq!(encrypt(SEED_KEY, "").unwrap(), "02023CE249C75BE725BE868940315DB1");
        assert_eq!(
            decrypt(SEED_KEY, "8d4634e1527f1c94d26b17959e603c4f1f3e02fe8d1e13b6d1bb727f32b8bd47").unwrap(),
            r#"{"pmt_type":"2,3"}"#
        );
    }

    #[test]
    fn aes_refusals() {
        for key in ["short", "", "0828e83720fdbe3685a7b94214af04f9x", "0828e83720fdbe3685a7b94214af04f香"] {
            let e = encrypt(key, "x").unwrap_err();
            assert!(matches!(e, crate::error::Error::InvalidInput { ref field, .. } if field == "open_key"), "{e:?}");
            assert!(decrypt(key, "00").is_err());
        }
        assert_eq!(aes_decrypt(SEED_KEY, "XYZ1"), Err(ProtocolError::NotHex));
        assert_eq!(aes_decrypt(SEED_KEY, "ABC"), Err(ProtocolError::NotHex));
        assert_eq!(aes_decrypt(SEED_KEY, ""), Err(ProtocolError::BlockLength { len: 0 }));
        assert_eq!(aes_decrypt(SEED_KEY, "0011"), Err(ProtocolError::BlockLength { len: 2 }));
        assert_eq!(aes_decrypt(SEED_KEY, "00112233445566778899AABBCCDDEEFF"), Err(ProtocolError::Padding));
        // Valid padding over bytes that are not UTF-8.
        let ct = ecb::Encryptor::<aes::Aes256>::new(&aes_key(SEED_KEY).unwrap().into())
            .encrypt_padded_vec_mut::<Pkcs7>(&[0xff, 0xfe]);
        assert_eq!(aes_decrypt(SEED_KEY, &hex::encode(ct)), Err(ProtocolError::NotUtf8));
        let e = decrypt(SEED_KEY, "XYZ1").unwrap_err();
        assert!(matches!(e, crate::error::Error::InvalidInput { ref field, .. } if field == "data"));
    }

    #[test]
    fn timestamp_window() {
        let now = 1_700_000_000;
        assert_eq!(check_timestamp("1700000000", now), Ok(now));
        assert!(check_timestamp("1699999400", now).is_ok());
        assert!(check_timestamp("1700000600", now).is_ok());
        assert_eq!(
            check_timestamp("1699999399", now),
            Err(ProtocolError::TimestampSkew { ts: 1_699_999_399, now, skew: 601 })
        );
        assert!(matches!(check_timestamp("1700000601", now), Err(ProtocolError::TimestampSkew { .. })));
        for bad in ["", "-1", "1.5", "abc", "99999999999999999999"] {
            assert!(matches!(check_timestamp(bad, now), Err(ProtocolError::BadTimestamp(_))), "{bad}");
        }
    }

    #[test]
    fn request_round_trip() {
        let now = 1_700_000_000;
        let form = build_request("oid", SEED_KEY, r#"{"out_no":"A1"}"#, now).unwrap();
        let mut f: RawFields = form.into_iter().collect();
        assert_eq!(open_request(&f, SEED_KEY, now + 10).unwrap(), r#"{"out_no":"A1"}"#);
        assert!(matches!(open_request(&f, SEED_KEY, now + 601), Err(ProtocolError::TimestampSkew { .. })));
        f.insert("open_id".into(), "other".into());
        assert_eq!(open_request(&f, SEED_KEY, now), Err(ProtocolError::SignMismatch));
    }

    proptest! {
        #[test]
        fn aes_round_trip(text in "\\PC{0,200}") {
            let ct = encrypt(SEED_KEY, &text).unwrap();
            prop_assert!(ct.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
            prop_assert_eq!(ct.len() % 32, 0);
            prop_assert_eq!(decrypt(SEED_KEY, &ct).unwrap(), text);
        }

        #[test]
        fn decrypt_never_panics(data in "[0-9A-Fa-fxyz]{0,96}") {
            let _ = decrypt(SEED_KEY, &data);
        }

        #[test]
        fn sign_round_trip(map in proptest::collection::btree_map("[a-z_]{1,12}", "\\PC{0,40}", 0..8)) {
            let mut f: RawFields = map;
            f.remove("sign");
            let s = sign(&f, SEED_KEY);
            prop_assert_eq!(s.len(), 32);
            f.insert("sign".into(), s.clone());
            prop_assert!(verify_sign(&f, SEED_KEY).is_ok());
            f.insert("zz_extra".into(), "1".into());
            prop_assert_eq!(verify_sign(&f, SEED_KEY), Err(ProtocolError::SignMismatch));
        }

        #[test]
        fn answers_round_trip(msg in "\\PC{0,40}", code in -10_000i64..10_000, payload in "\\PC{0,60}") {
            let json = serde_json::Value::String(payload).to_string();
            let body = build_answer(SEED_KEY, code, &msg, Some(&json), 1_700_000_000).unwrap();
            let a = parse_answer(&body, SEED_KEY).unwrap();
            prop_assert_eq!(a.errcode, code.to_string());
            prop_assert_eq!(a.msg, msg);
        }

        #[test]
        fn answer_parsing_never_panics(body in "\\PC{0,80}") {
            let _ = parse_answer(&body, SEED_KEY);
        }
    }
}
