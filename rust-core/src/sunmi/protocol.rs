//! Sunmi wire protocol (seed 000, chapter 2).
//!
//! Requests (2.1.2): drop `sign`, sort the fields by name (ASCII), join `k=v` with `&`, EMPTY
//! VALUES KEPT, append the app_key directly (no `&key=`), MD5, upper-case hex. The seed's worked
//! example (`03DB664F...`) does not reproduce under any reading of its key (SPEC-NOTES), so the
//! tests pin the rule with independently computed vectors instead.
//!
//! Callbacks (2.2, 4.3.5, chapter 6): SHA256withRSA, Base64, over every received field except
//! `sign`, sorted, `k=v&...`, empty values included (`businessId=`). The seed's sample callback
//! verifies with the 6.4 test key under exactly this rule and fails if empty fields are dropped:
//! it is the unit test below.
//!
//! Answers are JSON and unsigned: `code` 10000 only says the request was delivered; the result is
//! in `data` (`sub_code` / `sub_msg` for a refusal, `state` / `resultCode` for a trade).

use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use sha2::Sha256;

use super::types::{Callback, CallbackKind};
use super::ProtocolError;
use crate::crypto;
use crate::gateway::Notification;
use crate::trade::{GatewayId, RawFields};

/// The text a callback is acknowledged with (6.3): the 7 characters `success`.
pub const NOTIFY_ACK: &str = "success";

/// The `charset` every request carries ("默认utf8 不动").
pub const CHARSET: &str = "utf8";

/// The exact string that is MD5-hashed for a request: `k=v&...` over every field but `sign`,
/// sorted by name, empty values kept, then the app key appended directly.
pub fn canonical(fields: &RawFields, key: &str) -> String {
    let mut s = joined(fields);
    s.push_str(key);
    s
}

/// `k=v&...` over every field but `sign`, sorted by name (a `BTreeMap` iterates in byte order,
/// which is ASCII order), empty values kept.
fn joined(fields: &RawFields) -> String {
    let mut s = String::new();
    for (k, v) in fields.iter().filter(|(k, _)| k.as_str() != "sign") {
        if !s.is_empty() {
            s.push('&');
        }
        s.push_str(k);
        s.push('=');
        s.push_str(v);
    }
    s
}

/// Upper-case MD5 hex of [`canonical`].
pub fn sign(fields: &RawFields, key: &str) -> String {
    crypto::md5_upper_hex(canonical(fields, key).as_bytes())
}

/// Checks a request's `sign` in constant time (the simulator's side of [`signed_form`]).
pub fn verify(fields: &RawFields, key: &str) -> Result<(), ProtocolError> {
    let got = fields.get("sign").filter(|s| !s.is_empty()).ok_or(ProtocolError::Unsigned)?;
    if crypto::sign_eq(&sign(fields, key), got.trim()) {
        Ok(())
    } else {
        Err(ProtocolError::Mismatch)
    }
}

/// The form to POST: every field as given (empty values too: they are signed) plus `sign`.
pub fn signed_form(fields: &RawFields, key: &str) -> Vec<(String, String)> {
    let sig = sign(fields, key);
    let mut form: Vec<(String, String)> =
        fields.iter().filter(|(k, _)| k.as_str() != "sign").map(|(k, v)| (k.clone(), v.clone())).collect();
    form.push(("sign".to_string(), sig));
    form
}

/// The exact string a callback's SHA256withRSA signature covers.
pub fn callback_canonical(fields: &RawFields) -> String {
    joined(fields)
}

// ---------------------------------------------------------------------------------------------
// Keys

/// The DER inside a key text: PEM (any label; the label says which structure) or bare Base64.
/// Whitespace and line breaks anywhere are ignored.
fn key_der(text: &str) -> Result<(Vec<u8>, Option<String>), ProtocolError> {
    let text = text.trim();
    let (body, label) = match text.find("-----BEGIN ") {
        Some(start) => {
            let after = &text[start + "-----BEGIN ".len()..];
            let label_end = after.find("-----").ok_or_else(|| ProtocolError::BadKey("PEM header not closed".into()))?;
            let label = after[..label_end].to_string();
            let body = &after[label_end + "-----".len()..];
            let end = body.find("-----END").ok_or_else(|| ProtocolError::BadKey(format!("no END line for {label}")))?;
            (&body[..end], Some(label))
        }
        None => (text, None),
    };
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    if b64.is_empty() {
        return Err(ProtocolError::BadKey("empty".into()));
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|e| ProtocolError::BadKey(format!("not Base64: {e}")))?;
    Ok((der, label))
}

/// An RSA public key for callbacks: PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or bare Base64 of the
/// DER (X.509 SubjectPublicKeyInfo, as the seed's 6.4 key; PKCS#1 is accepted too).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(rsa::RsaPublicKey);

impl PublicKey {
    pub fn parse(text: &str) -> Result<PublicKey, ProtocolError> {
        let (der, label) = key_der(text)?;
        let key = match label.as_deref() {
            Some("RSA PUBLIC KEY") => rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(|e| e.to_string()),
            Some("PUBLIC KEY") | None => rsa::RsaPublicKey::from_public_key_der(&der)
                .or_else(|e| rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(|_| e))
                .map_err(|e| e.to_string()),
            Some(other) => Err(format!("a {other} is not a public key")),
        };
        key.map(PublicKey).map_err(|e| ProtocolError::BadKey(format!("not an RSA public key: {e}")))
    }

    /// Checks a Base64 SHA256withRSA (PKCS#1 v1.5) signature over `message`.
    pub fn verify(&self, message: &[u8], sign_b64: &str) -> Result<(), ProtocolError> {
        let sig = decode_sign(sign_b64)?;
        let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).map_err(|_| ProtocolError::SignEncoding)?;
        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(self.0.clone())
            .verify(message, &sig)
            .map_err(|_| ProtocolError::Mismatch)
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use rsa::traits::PublicKeyParts;
        write!(f, "PublicKey(RSA {} bits)", self.0.size() * 8)
    }
}

/// An RSA private key that signs callbacks: the simulator's, or a test's. PEM (`PRIVATE KEY` or
/// `RSA PRIVATE KEY`) or bare Base64 of the DER (PKCS#8 or PKCS#1).
#[derive(Clone)]
pub struct PrivateKey(rsa::RsaPrivateKey);

impl PrivateKey {
    pub fn parse(text: &str) -> Result<PrivateKey, ProtocolError> {
        let (der, label) = key_der(text)?;
        let key = match label.as_deref() {
            Some("RSA PRIVATE KEY") => rsa::RsaPrivateKey::from_pkcs1_der(&der).map_err(|e| e.to_string()),
            Some("PRIVATE KEY") | None => rsa::RsaPrivateKey::from_pkcs8_der(&der)
                .or_else(|e| rsa::RsaPrivateKey::from_pkcs1_der(&der).map_err(|_| e))
                .map_err(|e| e.to_string()),
            Some(other) => Err(format!("a {other} is not a private key")),
        };
        key.map(PrivateKey).map_err(|e| ProtocolError::BadKey(format!("not an RSA private key: {e}")))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.to_public_key())
    }

    /// Base64 SHA256withRSA (PKCS#1 v1.5, deterministic) of `message`.
    pub fn sign(&self, message: &[u8]) -> String {
        let sig = rsa::pkcs1v15::SigningKey::<Sha256>::new(self.0.clone()).sign(message);
        base64::engine::general_purpose::STANDARD.encode(sig.to_bytes())
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(***)")
    }
}

/// The signature bytes of a Base64 `sign`. A form decoder turns an unescaped `+` into a space;
/// Base64 never contains spaces, so spaces are read back as `+`.
fn decode_sign(sign_b64: &str) -> Result<Vec<u8>, ProtocolError> {
    let cleaned: String =
        sign_b64.trim().chars().filter(|c| !matches!(c, '\r' | '\n')).map(|c| if c == ' ' { '+' } else { c }).collect();
    base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()).map_err(|_| ProtocolError::SignEncoding)
}

// ---------------------------------------------------------------------------------------------
// Callbacks

/// Checks a callback's `sign` against every other received field.
pub fn verify_callback(fields: &RawFields, key: &PublicKey) -> Result<(), ProtocolError> {
    let got = fields.get("sign").filter(|s| !s.trim().is_empty()).ok_or(ProtocolError::Unsigned)?;
    key.verify(callback_canonical(fields).as_bytes(), got)
}

/// The fields of a callback with `sign` set by `key` (the simulator posts these).
pub fn sign_callback(fields: &RawFields, key: &PrivateKey) -> RawFields {
    let mut f = fields.clone();
    f.remove("sign");
    let sig = key.sign(callback_canonical(&f).as_bytes());
    f.insert("sign".into(), sig);
    f
}

/// Verifies a payment or refund callback (4.3.5, chapter 6) on the fields as received, and maps
/// it. Acknowledge with [`Notification::ack`] (`success`).
///
/// - A payment (orderType 0, 3, 4): `order_no` is `orderId`, the state follows `state` (3 paid,
///   less what `refunded` says went back; 1/2 paying; 4 ended; 5 failed), `amount` the order's.
/// - A refund (orderType 1) is about the original order: `order_no` is `origOrderId` and the
///   state is partially refunded (the callback does not say whether all of it went back: query
///   the order for that); `amount` is left out (the callback's is the refund's).
/// - A cancel (orderType 2, 5) reverses the original order (`origOrderId`).
///
/// Every received field is kept in [`Notification::fields`], the refund-only `orig*` included;
/// [`Callback::from_fields`] gives them typed.
pub fn verify_notification(fields: &RawFields, key: &PublicKey) -> crate::error::Result<Notification> {
    verify_callback(fields, key).map_err(|e| crate::error::Error::signature(format!("sunmi callback: {e}")))?;
    let cb = Callback::from_fields(fields)?;
    let order_no =
        cb.subject_order_no().ok_or_else(|| crate::error::Error::invalid("orderId", "missing from the callback"))?;
    let amount = match cb.kind() {
        CallbackKind::Payment => cb.amount,
        CallbackKind::Refund | CallbackKind::Cancel | CallbackKind::Other => None,
    };
    Ok(Notification {
        gateway: GatewayId::Sunmi,
        order_no,
        state: cb.trade_state(),
        amount,
        gateway_trade_no: cb.subject_trade_no(),
        fields: fields.clone(),
        ack: NOTIFY_ACK.to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// Answers

/// An answer as delivered: the system `code` and `msg`, and `data` as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub code: String,
    pub msg: String,
    pub data: serde_json::Value,
}

/// Reads a JSON answer. `code` may come as a string or a number; a missing `data` is `null`.
pub fn parse_answer(body: &str) -> Result<Envelope, ProtocolError> {
    let value: serde_json::Value = serde_json::from_str(body.trim_start_matches('\u{feff}').trim())
        .map_err(|e| ProtocolError::Malformed(format!("answer is not JSON: {e}")))?;
    let serde_json::Value::Object(mut map) = value else {
        return Err(ProtocolError::Malformed("answer is not a JSON object".into()));
    };
    let text = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let code = text(map.remove("code")).ok_or_else(|| ProtocolError::Malformed("answer has no code".into()))?;
    let msg = text(map.remove("msg")).unwrap_or_default();
    let data = map.remove("data").unwrap_or(serde_json::Value::Null);
    Ok(Envelope { code, msg, data })
}

/// The seed's sample callback (4.3.5 / 6.2), field by field as a form delivers it. It verifies
/// with [`TEST_PUBLIC_KEY`](super::TEST_PUBLIC_KEY) under the callback rule and with nothing else:
/// tests, the demo and integrators' self-checks use it.
pub const SEED_SAMPLE_CALLBACK: &[(&str, &str)] = &[
    ("amount", "1"),
    ("businessId", ""),
    ("buyerPayAmount", "1"),
    ("misId", "test_5F5EC7A54CDCC58BADC425"),
    ("msn", "D804P89V00033"),
    ("orderId", "15632714718760"),
    ("orderType", "0"),
    ("payTime", "1563271502"),
    ("platform", "alipay"),
    ("platformId", "2019071622001419071050445382"),
    ("refunded", "0"),
    ("resultCode", "T00"),
    ("resultMsg", "Success"),
    (
        "sign",
        "GW6jDdLQ1z+CFtLoKjmxtMiHeKjm2ZgMTq19gQisV/PpOPIBeDXhWEu5WSzxZwiJHVzCQrPhyZX6kdwQ9xGTyxbsKTZj31zUxtWq\
         qcmol7DpkGJRuG9wzqnNCZ7kmUrk8/XLs1TRxIusCQuojEZOdsE/EWqy/OlX4TrD0WqCeW9Kkk1IB5izAamv9BcEEPgYFLo0hBuj\
         o85GEjjzJrFs9ds59TYe0ElOZ6zdputanCJZuM6/SqQ4a1Xoy/MJFKhA6K0zc8ZPFiW0bBMhVFSwSwRY3IEsP0YWva7QcT9AjVW2\
         FFILghJ5vrjonAmhmKCIwtHMA8zwM9j6qgMEF0kCGg==",
    ),
    ("state", "3"),
];

/// [`SEED_SAMPLE_CALLBACK`] as received fields.
pub fn seed_sample_callback() -> RawFields {
    SEED_SAMPLE_CALLBACK.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// The sample callback of 4.3.5 / 6.2, as a form would deliver it.
    pub fn seed_callback() -> crate::trade::RawFields {
        super::seed_sample_callback()
    }

    /// A throwaway 2048-bit key generated for these tests with `openssl genpkey` (the sandbox has
    /// its own).
    pub const SANDBOX_TEST_PRIVATE_KEY: &str = include_str!("testdata/test_private_key.pem");
}

#[cfg(test)]
mod tests {
    use super::tests_support::{seed_callback, SANDBOX_TEST_PRIVATE_KEY};
    use super::*;
    use crate::trade::TradeState;

    fn fields(pairs: &[(&str, &str)]) -> RawFields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn test_key() -> PublicKey {
        PublicKey::parse(super::super::TEST_PUBLIC_KEY).unwrap()
    }

    #[test]
    fn seed_sample_callback_verifies_with_the_seed_test_key() {
        let key = test_key();
        assert_eq!(verify_callback(&seed_callback(), &key), Ok(()));
        let n = verify_notification(&seed_callback(), &key).unwrap();
        assert_eq!(n.gateway, GatewayId::Sunmi);
        assert_eq!(n.order_no, "15632714718760");
        assert_eq!(n.state, TradeState::Paid);
        assert_eq!(n.amount.map(|m| m.fen()), Some(1));
        assert_eq!(n.gateway_trade_no.as_deref(), Some("test_5F5EC7A54CDCC58BADC425"));
        assert_eq!(n.ack, "success");
        assert_eq!(n.fields, seed_callback());
    }

    #[test]
    fn seed_sample_callback_fails_when_any_field_changes() {
        let key = test_key();
        for (k, _) in seed_callback().iter().filter(|(k, _)| k.as_str() != "sign") {
            let mut f = seed_callback();
            let v = f.get_mut(k).unwrap();
            v.push('1');
            assert_eq!(verify_callback(&f, &key), Err(ProtocolError::Mismatch), "{k} changed");
            assert!(matches!(verify_notification(&f, &key), Err(crate::error::Error::SignatureInvalid { .. })), "{k}");
        }
        // A field added in transit, an empty field dropped, the sign removed or damaged.
        let mut added = seed_callback();
        added.insert("origOrderId".into(), String::new());
        assert_eq!(verify_callback(&added, &key), Err(ProtocolError::Mismatch));
        let mut dropped = seed_callback();
        dropped.remove("businessId");
        assert_eq!(verify_callback(&dropped, &key), Err(ProtocolError::Mismatch));
        let mut unsigned = seed_callback();
        unsigned.remove("sign");
        assert_eq!(verify_callback(&unsigned, &key), Err(ProtocolError::Unsigned));
        let mut garbled = seed_callback();
        garbled.insert("sign".into(), "%%%".into());
        assert_eq!(verify_callback(&garbled, &key), Err(ProtocolError::SignEncoding));
        // The sandbox's key is not Sunmi's.
        let other = PrivateKey::parse(SANDBOX_TEST_PRIVATE_KEY).unwrap().public_key();
        assert_eq!(verify_callback(&seed_callback(), &other), Err(ProtocolError::Mismatch));
    }

    #[test]
    fn callback_canonical_keeps_empty_values() {
        assert_eq!(
            callback_canonical(&seed_callback()),
            "amount=1&businessId=&buyerPayAmount=1&misId=test_5F5EC7A54CDCC58BADC425&msn=D804P89V00033\
             &orderId=15632714718760&orderType=0&payTime=1563271502&platform=alipay\
             &platformId=2019071622001419071050445382&refunded=0&resultCode=T00&resultMsg=Success&state=3"
        );
    }

    #[test]
    fn sign_with_spaces_for_plus_is_repaired() {
        let mut f = seed_callback();
        let spaced = f["sign"].replace('+', " ");
        f.insert("sign".into(), spaced);
        assert_eq!(verify_callback(&f, &test_key()), Ok(()));
    }

    #[test]
    fn keys_parse_as_pem_or_base64() {
        let b64 = super::super::TEST_PUBLIC_KEY;
        let lines: Vec<String> = b64.as_bytes().chunks(64).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"));
        assert_eq!(PublicKey::parse(&pem).unwrap(), test_key());
        assert_eq!(PublicKey::parse(&format!("  {}\n", lines.join("\r\n"))).unwrap(), test_key());
        assert_eq!(format!("{:?}", test_key()), "PublicKey(RSA 2048 bits)");
        for bad in [
            "",
            "not base64!",
            "AAAA",
            "-----BEGIN PUBLIC KEY-----\nAAAA",
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----",
        ] {
            assert!(matches!(PublicKey::parse(bad), Err(ProtocolError::BadKey(_))), "{bad:?}");
        }
        let private = PrivateKey::parse(SANDBOX_TEST_PRIVATE_KEY).unwrap();
        assert_eq!(format!("{private:?}"), "PrivateKey(***)");
        assert!(PublicKey::parse(SANDBOX_TEST_PRIVATE_KEY).is_err());
        assert!(PrivateKey::parse(b64).is_err());
    }

    #[test]
    fn callbacks_signed_and_verified_round_trip() {
        let private = PrivateKey::parse(SANDBOX_TEST_PRIVATE_KEY).unwrap();
        let mut f = seed_callback();
        f.insert("orderType".into(), "1".into());
        f.insert("origOrderId".into(), "15632714718700".into());
        f.insert("origBusinessId".into(), String::new());
        let signed = sign_callback(&f, &private);
        assert_eq!(verify_callback(&signed, &private.public_key()), Ok(()));
        let n = verify_notification(&signed, &private.public_key()).unwrap();
        assert_eq!(n.order_no, "15632714718700");
        assert_eq!(n.state, TradeState::PartiallyRefunded);
        assert_eq!(n.amount, None);
        assert_eq!(n.fields["origBusinessId"], "");
    }

    #[test]
    fn request_canonical_keeps_empty_values_and_appends_the_key() {
        // The field set of 2.1.2's example: the key goes right after the last value.
        let f = fields(&[
            ("amount", "1"),
            ("app_id", "sm5b9b4daef3463"),
            ("businessId", "453975342343"),
            ("charset", "utf8"),
            ("msn", "V206D88200036"),
            ("orderId", "sda1212"),
            ("oriOrderId", "148983452364238"),
            ("sign", "ignored"),
        ]);
        assert_eq!(
            canonical(&f, "d3ac24736589ae17d333e362859bf4c"),
            "amount=1&app_id=sm5b9b4daef3463&businessId=453975342343&charset=utf8&msn=V206D88200036\
             &orderId=sda1212&oriOrderId=148983452364238d3ac24736589ae17d333e362859bf4c"
        );
        // Computed independently: python3 hashlib.md5(canonical).hexdigest().upper().
        assert_eq!(sign(&f, "d3ac24736589ae17d333e362859bf4c"), "30EDE1FC879B74E330C31AF6FDC5825C");
        let g = fields(&[("b", ""), ("a", "1"), ("B", "x")]);
        assert_eq!(canonical(&g, "K"), "B=x&a=1&b=K");
        assert_eq!(sign(&g, "K"), crate::crypto::md5_upper_hex(b"B=x&a=1&b=K"));
    }

    #[test]
    fn request_sign_round_trip_and_tamper() {
        let mut f = fields(&[("app_id", "a"), ("charset", "utf8"), ("orderId", "A1"), ("empty", "")]);
        let form = signed_form(&f, "KEY");
        assert_eq!(form.len(), 5, "empty values are sent: they are signed");
        f.insert("sign".into(), form.last().unwrap().1.clone());
        assert_eq!(verify(&f, "KEY"), Ok(()));
        let mut lower = f.clone();
        lower.insert("sign".into(), f["sign"].to_ascii_lowercase());
        assert_eq!(verify(&lower, "KEY"), Ok(()));
        assert_eq!(verify(&f, "KEY2"), Err(ProtocolError::Mismatch));
        let mut t = f.clone();
        t.remove("empty");
        assert_eq!(verify(&t, "KEY"), Err(ProtocolError::Mismatch));
        t = f.clone();
        t.remove("sign");
        assert_eq!(verify(&t, "KEY"), Err(ProtocolError::Unsigned));
    }

    #[test]
    fn answers() {
        let e = parse_answer(r#"{"code":"10000","data":"Success","msg":""}"#).unwrap();
        assert_eq!((e.code.as_str(), e.data.as_str()), ("10000", Some("Success")));
        let e = parse_answer(r#"{"code":40002,"msg":"Invalid Sign"}"#).unwrap();
        assert_eq!((e.code.as_str(), e.msg.as_str(), e.data.is_null()), ("40002", "Invalid Sign", true));
        assert!(matches!(parse_answer("<html>"), Err(ProtocolError::Malformed(_))));
        assert!(matches!(parse_answer("[1]"), Err(ProtocolError::Malformed(_))));
        assert!(matches!(parse_answer(r#"{"msg":"x"}"#), Err(ProtocolError::Malformed(_))));
    }
}
