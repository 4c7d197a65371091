//! Payout and balance (代付, digest §4): a flat JSON plaintext with `CMDID`, RSA-encrypted with
//! the platform public key (PKCS#1 v1.5, 117-byte blocks) into `ENCRYPT` and signed SHA1withRSA
//! with the merchant private key into `SIGN`; answers decrypted with the merchant key and, when
//! signed, verified with the platform key.
//!
//! The seed names neither padding nor chunking (digest A45): PKCS#1 v1.5 is the default of Java's
//! `RSA` and PHP's `openssl_public_encrypt`, and blocks of k−11 bytes are what both accept.
//! Nothing here is generic: every payout operation goes through the same few functions.

use std::collections::BTreeMap;

use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use super::{Credentials, CONTENT_TYPE};
use crate::error::{Error, Result};
use crate::transport::Transport;

/// `VERSION` of every payout request ("默认填1.0").
pub const VERSION: &str = "1.0";

/// `RETCODE` of an answer to look at (`PAYSTATE` then decides, digest §4.8).
pub const RETCODE_OK: &str = "0000";

/// `RETCODE` "系统异常，需要发起订单查询": query again whatever `PAYSTATE` says.
pub const RETCODE_QUERY_AGAIN: &str = "0001";

/// `RETCODE`s of a payout query that finds no such order (merchant number / platform number).
pub const RETCODE_NOT_FOUND: [&str; 2] = ["1028", "1029"];

/// DigestInfo prefix of SHA-1 (RFC 8017 §9.2 note 1). Spelled out so the `rsa` crate needs no
/// `sha1` feature (and `sha1` no `oid` feature) for SHA1withRSA.
const SHA1_DIGEST_INFO: [u8; 15] =
    [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14];

/// The smallest key accepted: the seed's keys are 1024-bit; anything shorter is broken.
const MIN_KEY_BITS: usize = 1024;

/// The keys payouts need, parsed once from the credentials.
pub struct PayoutKeys {
    /// Encrypts requests, verifies answers' `SIGN`.
    pub(crate) platform: RsaPublicKey,
    /// Signs requests, decrypts answers.
    pub(crate) merchant: RsaPrivateKey,
    /// Payout `MERNO` (`payout_merno`, else `merno`).
    pub(crate) merno: String,
}

impl std::fmt::Debug for PayoutKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PayoutKeys(***)")
    }
}

impl PayoutKeys {
    /// `None` when the credentials configure no payout keys; a configuration error naming the
    /// key when only one is there or one does not parse.
    pub fn from_credentials(creds: &Credentials) -> Result<Option<PayoutKeys>> {
        let public = creds.platform_public_key.as_deref().filter(|k| !k.trim().is_empty());
        let private = creds.merchant_private_key.as_ref().filter(|k| !k.expose().trim().is_empty());
        let (public, private) = match (public, private) {
            (None, None) => return Ok(None),
            (Some(p), Some(k)) => (p, k),
            (None, Some(_)) => {
                return Err(Error::config(
                    "mmsp: credentials platform_public_key is not configured (payouts need both keys)",
                ))
            }
            (Some(_), None) => {
                return Err(Error::config(
                    "mmsp: credentials merchant_private_key is not configured (payouts need both keys)",
                ))
            }
        };
        let merno = creds.payout_merno.clone().filter(|m| !m.trim().is_empty()).unwrap_or_else(|| creds.merno.clone());
        Ok(Some(PayoutKeys {
            platform: public_key("platform_public_key", public)?,
            merchant: private_key("merchant_private_key", private.expose())?,
            merno,
        }))
    }
}

/// The DER inside PEM armour or bare Base64 (whitespace and line breaks ignored), and the PEM
/// label when there is one. Never echoes the text: it may be a private key.
fn der_of(name: &str, text: &str) -> Result<(Option<String>, zeroize::Zeroizing<Vec<u8>>)> {
    let text = text.trim();
    let (label, body) = match text.strip_prefix("-----BEGIN ") {
        Some(rest) => {
            let (label, rest) = rest.split_once("-----").ok_or_else(|| bad_key(name, "unterminated PEM header"))?;
            let end = rest.find("-----END").ok_or_else(|| bad_key(name, "no PEM END line"))?;
            (Some(label.trim().to_string()), &rest[..end])
        }
        None => (None, text),
    };
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der =
        base64::engine::general_purpose::STANDARD.decode(b64.as_bytes()).map_err(|_| bad_key(name, "not Base64"))?;
    Ok((label, zeroize::Zeroizing::new(der)))
}

fn bad_key(name: &str, why: &str) -> Error {
    Error::config(format!("mmsp: credentials {name}: {why}"))
}

fn check_size(name: &str, n: usize) -> Result<()> {
    if n < MIN_KEY_BITS {
        return Err(bad_key(name, &format!("{n}-bit key; at least {MIN_KEY_BITS} bits are needed")));
    }
    Ok(())
}

/// An RSA private key from PEM or bare Base64, PKCS#8 or PKCS#1. A configuration error names
/// `name` (the credential key) and never the key's text.
pub fn private_key(name: &str, text: &str) -> Result<RsaPrivateKey> {
    let (label, der) = der_of(name, text)?;
    let key = match label.as_deref() {
        Some("RSA PRIVATE KEY") => RsaPrivateKey::from_pkcs1_der(&der).ok(),
        Some("PRIVATE KEY") | None => {
            RsaPrivateKey::from_pkcs8_der(&der).ok().or_else(|| RsaPrivateKey::from_pkcs1_der(&der).ok())
        }
        Some(_) => return Err(bad_key(name, "PEM label is neither PRIVATE KEY nor RSA PRIVATE KEY")),
    }
    .ok_or_else(|| bad_key(name, "not an RSA private key (PKCS#8 or PKCS#1)"))?;
    check_size(name, key.n().bits())?;
    Ok(key)
}

/// An RSA public key from PEM or bare Base64, SubjectPublicKeyInfo or PKCS#1.
pub fn public_key(name: &str, text: &str) -> Result<RsaPublicKey> {
    let (label, der) = der_of(name, text)?;
    let key = match label.as_deref() {
        Some("RSA PUBLIC KEY") => RsaPublicKey::from_pkcs1_der(&der).ok(),
        Some("PUBLIC KEY") | None => {
            RsaPublicKey::from_public_key_der(&der).ok().or_else(|| RsaPublicKey::from_pkcs1_der(&der).ok())
        }
        Some(_) => return Err(bad_key(name, "PEM label is neither PUBLIC KEY nor RSA PUBLIC KEY")),
    }
    .ok_or_else(|| bad_key(name, "not an RSA public key (SubjectPublicKeyInfo or PKCS#1)"))?;
    check_size(name, key.n().bits())?;
    Ok(key)
}

/// rand 0.9's thread RNG (a CSPRNG seeded from the OS) behind the rand_core 0.6 traits the `rsa`
/// crate takes: the padding of PKCS#1 v1.5 encryption and RSA blinding when signing and
/// decrypting (so a timing of the private-key operation tells nothing about the key).
struct Rng;

impl rsa::rand_core::RngCore for Rng {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut rand::rng())
    }

    fn next_u64(&mut self) -> u64 {
        rand::RngCore::next_u64(&mut rand::rng())
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut rand::rng(), dest)
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> std::result::Result<(), rsa::rand_core::Error> {
        rand::RngCore::fill_bytes(&mut rand::rng(), dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for Rng {}

/// `ENCRYPT`: `plaintext` in blocks of at most k−11 bytes (117 for a 1024-bit key), each
/// encrypted RSAES-PKCS1-v1_5 with `key`, the k-byte cipher blocks concatenated, Base64.
pub fn encrypt(key: &RsaPublicKey, plaintext: &[u8]) -> Result<String> {
    let block = key.size().saturating_sub(11).max(1);
    let mut out = Vec::with_capacity(plaintext.len().div_ceil(block) * key.size());
    for chunk in plaintext.chunks(block) {
        let c = key
            .encrypt(&mut Rng, Pkcs1v15Encrypt, chunk)
            .map_err(|e| Error::internal(format!("mmsp: RSA encrypt: {e}")))?;
        out.extend_from_slice(&c);
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// The inverse of [`encrypt`] with the private key: Base64 (whitespace ignored), k-byte blocks
/// decrypted one by one and concatenated. `Err` names what is wrong, never the content.
pub fn decrypt(key: &RsaPrivateKey, text: &str) -> std::result::Result<zeroize::Zeroizing<Vec<u8>>, String> {
    let b64: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| "ENCRYPT is not Base64".to_string())?;
    let k = key.size();
    if raw.is_empty() || raw.len() % k != 0 {
        return Err(format!("ENCRYPT is {} bytes, not a whole number of {k}-byte blocks", raw.len()));
    }
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(raw.len()));
    for block in raw.chunks(k) {
        let p = key
            .decrypt_blinded(&mut Rng, Pkcs1v15Encrypt, block)
            .map_err(|_| "ENCRYPT does not decrypt with the merchant key".to_string())?;
        out.extend_from_slice(&p);
    }
    Ok(out)
}

fn sha1_padding() -> Pkcs1v15Sign {
    Pkcs1v15Sign { hash_len: Some(20), prefix: SHA1_DIGEST_INFO.to_vec().into_boxed_slice() }
}

/// `SIGN`: RSASSA-PKCS1-v1_5 with SHA-1 over `data`, Base64 (172 characters for 1024 bits).
pub fn sign(key: &RsaPrivateKey, data: &[u8]) -> Result<String> {
    let digest = Sha1::digest(data);
    let sig = key
        .sign_with_rng(&mut Rng, sha1_padding(), &digest)
        .map_err(|e| Error::internal(format!("mmsp: RSA sign: {e}")))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sig))
}

/// Verifies a `SIGN` over `data`. The `rsa` crate compares the decoded padding and digest in
/// constant time (`subtle`), so a forger learns nothing from how long a refusal takes.
pub fn verify(key: &RsaPublicKey, data: &[u8], sign: &str) -> std::result::Result<(), String> {
    let b64: String = sign.chars().filter(|c| !c.is_whitespace()).collect();
    let sig = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| "SIGN is not Base64".to_string())?;
    key.verify(sha1_padding(), &Sha1::digest(data), &sig)
        .map_err(|_| "SIGN does not verify with the platform key".to_string())
}

/// The plaintext of a request: keys sorted A-Z (the seed's example, which it says to follow
/// "strictly"), compact, UTF-8. Sorted here, not by the map, so a serde_json built with
/// `preserve_order` elsewhere in the app cannot change the order.
pub fn plaintext(fields: &Map<String, Value>) -> String {
    let sorted: BTreeMap<&String, &Value> = fields.iter().collect();
    serde_json::to_string(&sorted).unwrap_or_default()
}

/// The request body `{"ENCRYPT":…,"SIGN":…}` for `plaintext`: encrypted with the platform key,
/// signed with the merchant key, over the same bytes.
pub fn seal(keys: &PayoutKeys, plaintext: &str) -> Result<String> {
    let encrypted = encrypt(&keys.platform, plaintext.as_bytes())?;
    let signature = sign(&keys.merchant, plaintext.as_bytes())?;
    Ok(serde_json::json!({ "ENCRYPT": encrypted, "SIGN": signature }).to_string())
}

/// Whether a refusal's `RETCODE` says for certain that the request had no effect (digest §4.8,
/// class F). `0001` (query again), `1008` (流水号重复: an order with this number exists),
/// `1009`, `1037`, `1038`, `1040`, `1046`, `1047` (system, channel and booking faults, the
/// conservative reading for money going out) and every code the table does not list (it
/// "会不定期更新") are not: the payout may have been made, query it.
pub fn retcode_is_definite(code: &str) -> bool {
    matches!(
        code.trim(),
        "0002"
            | "1001"
            | "1002"
            | "1003"
            | "1004"
            | "1005"
            | "1006"
            | "1007"
            | "1010"
            | "1011"
            | "1012"
            | "1013"
            | "1014"
            | "1015"
            | "1017"
            | "1018"
            | "1019"
            | "1020"
            | "1021"
            | "1022"
            | "1023"
            | "1024"
            | "1025"
            | "1026"
            | "1027"
            | "1028"
            | "1029"
            | "1030"
            | "1031"
            | "1032"
            | "1033"
            | "1034"
            | "1035"
            | "1036"
            | "1039"
            | "1045"
            | "1048"
            | "1049"
    )
}

/// Whether a payout query's refusal says the platform has no such payout (1028/1029).
pub fn retcode_is_not_found(code: &str) -> bool {
    RETCODE_NOT_FOUND.contains(&code.trim())
}

/// Sends one payout-sub-API request and answers its decrypted, verified plaintext. `CMDID`,
/// `VERSION`, `MERNO` and `REQTIME` are added here when the operation's body leaves them out.
pub(crate) async fn exchange(
    http: &Transport,
    url: &str,
    keys: &PayoutKeys,
    command: u32,
    op: &'static str,
    mut fields: Map<String, Value>,
) -> Result<Value> {
    // The seed types CMDID as int but its example sends "4097" (digest A19): a string.
    fields.insert("CMDID".into(), Value::String(command.to_string()));
    fields.entry("VERSION").or_insert_with(|| Value::String(VERSION.into()));
    fields.entry("MERNO").or_insert_with(|| Value::String(keys.merno.clone()));
    fields.entry("REQTIME").or_insert_with(|| Value::String(reqtime()));
    let text = zeroize::Zeroizing::new(plaintext(&fields));
    drop(fields);
    let body = seal(keys, &text)?;
    let answer = http.post_text(url, &[], CONTENT_TYPE, body, None).await?;
    read_answer(keys, op, &answer)
}

/// `REQTIME` now: `YYYYMMDDhhmmss`, Beijing time.
pub fn reqtime() -> String {
    crate::clock::beijing(crate::clock::now_unix()).compact()
}

/// A field as text, whatever JSON type it came as (`PAYSTATE` 2 or "2", digest A19).
fn text_field(m: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match m.get(*n)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(x) => Some(x.to_string()),
        _ => None,
    })
}

/// The message of an answer: `RETMSG`, `REMSG` or `RETMMSG` (the three answers' spellings, A20).
const MESSAGE: [&str; 3] = ["RETMSG", "REMSG", "RETMMSG"];

/// Reads an answer: `RETCODE`/`RETMSG` outside or inside `ENCRYPT`, the plaintext decrypted with
/// the merchant key and, when `SIGN` is present, verified with the platform key. `RETCODE` 0000
/// answers the plaintext (its `PAYSTATE` decides); any other code is a refusal carrying it
/// (whether it is definite is [`retcode_is_definite`]'s to say). Anything unreadable or
/// unverifiable after sending leaves the outcome unknown: never a success.
pub fn read_answer(keys: &PayoutKeys, op: &str, text: &str) -> Result<Value> {
    let unknown = |m: String| Error::Network { message: format!("mmsp {op}: {m}"), outcome_unknown: true };
    let outer: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => return Err(unknown("the answer is not a JSON object".into())),
    };
    let encrypted = outer.get("ENCRYPT").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let mut answer = match encrypted {
        Some(enc) => {
            let plain = decrypt(&keys.merchant, enc).map_err(unknown)?;
            if let Some(sign) = outer.get("SIGN").and_then(Value::as_str).filter(|s| !s.trim().is_empty()) {
                verify(&keys.platform, &plain, sign).map_err(unknown)?;
            }
            match serde_json::from_slice(&plain) {
                Ok(Value::Object(m)) => m,
                _ => return Err(unknown("the decrypted ENCRYPT is not a JSON object".into())),
            }
        }
        None => Map::new(),
    };
    // RETCODE and RETMSG may be outside ENCRYPT (digest §4.1): inside wins when both are there.
    if let (false, Some(v)) = (answer.contains_key("RETCODE"), outer.get("RETCODE")) {
        answer.insert("RETCODE".into(), v.clone());
    }
    // The message under one name, `RETMSG`, whichever of the three spellings carried it (inside
    // first): two spellings at once must not make the answer unreadable.
    let message = MESSAGE
        .iter()
        .find_map(|k| answer.get(*k).filter(|v| !v.is_null()).cloned())
        .or_else(|| MESSAGE.iter().find_map(|k| outer.get(*k).filter(|v| !v.is_null()).cloned()));
    for k in MESSAGE {
        answer.remove(k);
    }
    if let Some(m) = message {
        answer.insert("RETMSG".into(), m);
    }
    let code = text_field(&answer, &["RETCODE"]).ok_or_else(|| unknown("the answer has no RETCODE".into()))?;
    if code == RETCODE_OK {
        if encrypted.is_none() {
            // A success must come encrypted: plain HTTP carries it (digest A41), and a plaintext
            // "0000" could have been written by anyone on the way.
            return Err(unknown("RETCODE 0000 without ENCRYPT".into()));
        }
        return Ok(Value::Object(answer));
    }
    // Refusals come in plaintext ("错误信息描述"): taken as the platform's word, as the protocol
    // has it. A code the table does not call final is not definite (retcode_is_definite).
    let message = text_field(&answer, &MESSAGE).unwrap_or_default();
    log_retcode(op, &code);
    Err(Error::rejected(code, message))
}

#[inline(never)]
fn log_retcode(op: &str, code: &str) {
    tracing::debug!(target: "posgate::mmsp", op, retcode = code, "payout answer refused");
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::OnceLock;

    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    use super::*;

    /// Two generated 1024-bit pairs (platform, merchant), once per test process.
    pub(crate) fn pairs() -> &'static (RsaPrivateKey, RsaPrivateKey) {
        static PAIRS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
        PAIRS.get_or_init(|| {
            let gen = || RsaPrivateKey::new(&mut Rng, 1024).expect("keygen");
            (gen(), gen())
        })
    }

    /// The merchant's keys as a client holds them.
    pub(crate) fn keys() -> PayoutKeys {
        let (platform, merchant) = pairs();
        PayoutKeys { platform: platform.to_public_key(), merchant: merchant.clone(), merno: "001440353999853".into() }
    }

    /// What the platform answers: `plain` encrypted for the merchant, signed by the platform.
    pub(crate) fn platform_answer(plain: &str) -> String {
        let (platform, merchant) = pairs();
        let enc = encrypt(&merchant.to_public_key(), plain.as_bytes()).unwrap();
        let sig = sign(platform, plain.as_bytes()).unwrap();
        serde_json::json!({"RETCODE": "0000", "RETMSG": "ok", "ENCRYPT": enc, "SIGN": sig}).to_string()
    }

    fn b64_body(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().join("")
    }

    /// The seed's example request (L418-438), keys sorted, compact: 399 bytes (digest §4.1).
    const SEED_EXAMPLE: &str = r#"{"ACCNAME":"姓名","ACCNO":"卡号","ACCTYPE":"0","AMT":"100","BANKBRANCHNAME":"支行名称","BANKCITY":"开户市","BANKNAME":"银行名称","BANKPROV":"开户省","BANKSETTLENO":"支行联行号","BUSIYPE":"001","CMDID":"4097","IDCARD":"身份证","MEMO":"代付","MERNO":"001100052346700","MOBILE":"手机号","ORDERNO":"20171121170001","PAYTYPE":"1","REQTIME":"20171123181110","VERSION":"1.0"}"#;

    #[test]
    fn round_trip_across_blocks() {
        let k = keys();
        let (_, merchant) = pairs();
        let (platform, _) = pairs();
        // 399 bytes of plaintext: 4 blocks of ≤117, 512 cipher bytes, 684 Base64 characters.
        let plain = "x".repeat(399);
        let enc = encrypt(&k.platform, plain.as_bytes()).unwrap();
        assert_eq!(enc.len(), 684);
        assert_eq!(&decrypt(platform, &enc).unwrap()[..], plain.as_bytes());
        // Block edges: 0, 1, 116, 117, 118, 234 bytes; non-ASCII split across blocks.
        for n in [1usize, 116, 117, 118, 234, 235] {
            let p: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let e = encrypt(&merchant.to_public_key(), &p).unwrap();
            assert_eq!(base64::engine::general_purpose::STANDARD.decode(&e).unwrap().len(), n.div_ceil(117) * 128);
            assert_eq!(&decrypt(merchant, &e).unwrap()[..], &p[..]);
        }
        let s = sign(&k.merchant, plain.as_bytes()).unwrap();
        assert_eq!(s.len(), 172);
        assert!(verify(&merchant.to_public_key(), plain.as_bytes(), &s).is_ok());
        assert!(verify(&merchant.to_public_key(), b"other", &s).is_err());
        assert!(verify(&platform.to_public_key(), plain.as_bytes(), &s).is_err());
    }

    #[test]
    fn the_seed_example_is_four_blocks() {
        assert_eq!(SEED_EXAMPLE.len(), 399);
        let fields: Map<String, Value> = serde_json::from_str(SEED_EXAMPLE).unwrap();
        assert_eq!(plaintext(&fields), SEED_EXAMPLE, "sorted A-Z, compact, UTF-8");
        let k = keys();
        let sealed: Value = serde_json::from_str(&seal(&k, SEED_EXAMPLE).unwrap()).unwrap();
        let enc = sealed["ENCRYPT"].as_str().unwrap();
        assert_eq!(enc.len(), 684);
        let (platform, merchant) = pairs();
        assert_eq!(&decrypt(platform, enc).unwrap()[..], SEED_EXAMPLE.as_bytes());
        assert!(verify(&merchant.to_public_key(), SEED_EXAMPLE.as_bytes(), sealed["SIGN"].as_str().unwrap()).is_ok());
    }

    #[test]
    fn keys_parse_from_pem_or_base64_pkcs8_or_pkcs1() {
        let (_, merchant) = pairs();
        let pk8 = merchant.to_pkcs8_pem(LineEnding::LF).unwrap();
        let pk1 = merchant.to_pkcs1_pem(LineEnding::CRLF).unwrap();
        for text in [pk8.to_string(), pk1.to_string(), b64_body(&pk8), b64_body(&pk1)] {
            assert_eq!(&private_key("merchant_private_key", &text).unwrap(), merchant);
        }
        let public = merchant.to_public_key();
        let spki = public.to_public_key_pem(LineEnding::LF).unwrap();
        let p1 = public.to_pkcs1_pem(LineEnding::LF).unwrap();
        for text in [spki.clone(), p1.clone(), b64_body(&spki), b64_body(&p1), format!("  {}\n", b64_body(&spki))] {
            assert_eq!(public_key("platform_public_key", &text).unwrap(), public);
        }
    }

    #[test]
    fn bad_keys_are_configuration_errors_naming_the_key() {
        // The seed's platform key (digest §11): 215 characters, a damaged header.
        let seed = "MIGfMA0GCsQGSib3DQEBAQUAA4GNADCBiQKBgQDfCEEXAn1RpnSO0rWix3VLBoBfrPpdxoVkosuW1f52Yv/1ENBIKnoefLJPDwbsR5F0OcDhiBojbhx5fU8Gv52csJB4r7yjWvp7OhsrXrh7UhuIUdA0Rs8gOF8gWQIEsClw8LRwdPAKENeqvdnSJeq5+qjPP5knoWH32bB1C9vcIwDAQAB";
        let (_, merchant) = pairs();
        let pk8 = b64_body(&merchant.to_pkcs8_pem(LineEnding::LF).unwrap());
        let cut = &pk8[..pk8.len() - 12];
        for (name, text, public) in [
            ("platform_public_key", seed, true),
            ("platform_public_key", "not a key", true),
            ("platform_public_key", pk8.as_str(), true),
            ("merchant_private_key", cut, false),
            ("merchant_private_key", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", false),
        ] {
            let e = if public { public_key(name, text).unwrap_err() } else { private_key(name, text).unwrap_err() };
            let Error::Configuration { detail } = &e else { panic!("{e:?}") };
            assert!(detail.contains(name), "{detail}");
            assert!(!detail.contains(&text[..text.len().min(20)]) || text.len() < 12, "{detail} echoes the key");
        }
        // A short key is refused too.
        let small = RsaPrivateKey::new(&mut Rng, 512).unwrap();
        let e = private_key("merchant_private_key", &small.to_pkcs8_pem(LineEnding::LF).unwrap()).unwrap_err();
        assert!(matches!(e, Error::Configuration { ref detail } if detail.contains("512-bit")), "{e:?}");
    }

    #[test]
    fn one_key_alone_is_a_configuration_error() {
        let (_, merchant) = pairs();
        let mut c = Credentials::new("001440353999853", "84970001", crate::secret::Secret::new("k"));
        assert!(PayoutKeys::from_credentials(&c).unwrap().is_none());
        c.merchant_private_key =
            Some(crate::secret::Secret::new(merchant.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()));
        let e = PayoutKeys::from_credentials(&c).unwrap_err();
        assert!(e.to_string().contains("platform_public_key"), "{e}");
        c.platform_public_key = Some(merchant.to_public_key().to_public_key_pem(LineEnding::LF).unwrap());
        c.payout_merno = Some("001100052346700".into());
        let k = PayoutKeys::from_credentials(&c).unwrap().unwrap();
        assert_eq!(k.merno, "001100052346700");
        assert_eq!(format!("{k:?}"), "PayoutKeys(***)");
    }

    #[test]
    fn answers_are_decrypted_and_verified() {
        let k = keys();
        let plain = r#"{"ORDERNO":"1","PAYSTATE":"2","RETCODE":"0000","RETMSG":"成功"}"#;
        let a = read_answer(&k, "payout", &platform_answer(plain)).unwrap();
        assert_eq!(a["PAYSTATE"], "2");
        // Unsigned but encrypted: read (the seed says nothing of a SIGN on answers).
        let (_, merchant) = pairs();
        let enc = encrypt(&merchant.to_public_key(), plain.as_bytes()).unwrap();
        let a = read_answer(&k, "payout", &serde_json::json!({"ENCRYPT": enc}).to_string()).unwrap();
        assert_eq!(a["ORDERNO"], "1");
    }

    #[test]
    fn tampered_answers_leave_the_outcome_unknown() {
        let k = keys();
        let (platform, merchant) = pairs();
        let plain = r#"{"ORDERNO":"1","PAYSTATE":"1","RETCODE":"0000"}"#;
        let enc = encrypt(&merchant.to_public_key(), plain.as_bytes()).unwrap();
        // Signed by someone else (the merchant's own key), or over other text.
        let wrong = sign(merchant, plain.as_bytes()).unwrap();
        let other = sign(platform, b"{\"PAYSTATE\":\"3\"}").unwrap();
        let garbage = base64::engine::general_purpose::STANDARD.encode([7u8; 128]);
        let for_someone_else = encrypt(&platform.to_public_key(), plain.as_bytes()).unwrap();
        for text in [
            serde_json::json!({"RETCODE": "0000", "ENCRYPT": enc, "SIGN": wrong}).to_string(),
            serde_json::json!({"RETCODE": "0000", "ENCRYPT": enc, "SIGN": other}).to_string(),
            serde_json::json!({"RETCODE": "0000", "ENCRYPT": garbage}).to_string(),
            serde_json::json!({"RETCODE": "0000", "ENCRYPT": "%%%"}).to_string(),
            serde_json::json!({"RETCODE": "0000", "ENCRYPT": &enc[..100]}).to_string(),
            serde_json::json!({"RETCODE": "0000", "ENCRYPT": for_someone_else}).to_string(),
            serde_json::json!({"RETCODE": "0000", "PAYSTATE": "1"}).to_string(),
            serde_json::json!({"ENCRYPT": encrypt(&merchant.to_public_key(), b"[1,2]").unwrap()}).to_string(),
            "<html>502</html>".to_string(),
        ] {
            let e = read_answer(&k, "payout", &text).unwrap_err();
            assert!(matches!(e, Error::Network { outcome_unknown: true, .. }), "{text}: {e:?}");
        }
    }

    #[test]
    fn retcodes_are_classified() {
        let k = keys();
        for (code, definite) in [
            ("1031", true),
            ("1006", true),
            ("0002", true),
            ("1028", true),
            ("0001", false),
            ("1008", false),
            ("1009", false),
            ("1037", false),
            ("1038", false),
            ("1040", false),
            ("1046", false),
            ("1047", false),
            ("1016", false),
            ("9999", false),
        ] {
            assert_eq!(retcode_is_definite(code), definite, "{code}");
            for msg in ["RETMSG", "REMSG", "RETMMSG"] {
                let text = serde_json::json!({"RETCODE": code, msg: "说明"}).to_string();
                let e = read_answer(&k, "payout", &text).unwrap_err();
                assert_eq!(e, Error::rejected(code, "说明"));
            }
        }
        // RETCODE as a number, and inside ENCRYPT.
        let e = read_answer(&k, "payout", r#"{"RETCODE": 1031, "RETMSG": "余额不足"}"#).unwrap_err();
        assert_eq!(e, Error::rejected("1031", "余额不足"));
        let inside = platform_answer(r#"{"RETCODE":"0001","RETMSG":"系统异常"}"#);
        assert_eq!(read_answer(&k, "payout", &inside).unwrap_err(), Error::rejected("0001", "系统异常"));
        assert!(retcode_is_not_found("1028") && retcode_is_not_found("1029") && !retcode_is_not_found("1031"));
        // The query's REMSG inside and RETMSG outside: one message, inside first.
        let two = platform_answer(r#"{"RETCODE":"0000","REMSG":"查询成功","PAYSTATE":1}"#);
        let a = read_answer(&k, "payout_query", &two).unwrap();
        assert_eq!((a["RETMSG"].as_str(), a.get("REMSG")), (Some("查询成功"), None));
    }
}
