//! MMSP payout answers (`mmsp::payout_wire::read_answer`): `RETCODE` outside or inside
//! `ENCRYPT`, the RSA-1024 blocks decrypted with the merchant key, `SIGN` (SHA1withRSA) checked
//! with the platform key, then typed for the payout, payout query and balance operations. The
//! input is read as the answer body, and as the plaintext the sandbox's merchant key is sent
//! encrypted: without `SIGN` (read), and (one input in 16: RSA private-key operations are slow
//! under the fuzzing build) signed by the wrong key, which is never trusted.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use posgate_core::mmsp::payout_wire::{self, PayoutKeys};
use posgate_core::mmsp::{BalanceQueryRequest, Call, PayoutQueryRequest, PayoutRequest};
use posgate_core::operation::Operation;
use posgate_fuzz::{sometimes, text, NOWHERE};
use serde_json::{json, Value};

struct Keys {
    keys: PayoutKeys,
    /// The merchant's key pair, as the sandbox made it: its public half encrypts answers.
    merchant: rsa::RsaPrivateKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let creds = posgate_sandbox::mmsp::test_credentials(NOWHERE);
        let pem = creds.merchant_private_key.clone().expect("the sandbox's merchant key");
        Keys {
            keys: PayoutKeys::from_credentials(&creds).expect("the sandbox's keys").expect("payout keys"),
            merchant: payout_wire::private_key("merchant_private_key", pem.expose()).expect("the sandbox's key"),
        }
    })
}

fn typed<O: Call>(v: &Value) {
    if let Ok(t) = O::decode(v.clone()) {
        let _ = serde_json::to_string(&t);
    }
}

fn read(text: &str) -> posgate_core::Result<Value> {
    let k = keys();
    let r = payout_wire::read_answer(&k.keys, PayoutRequest::INFO.name, text);
    if let Ok(v) = &r {
        typed::<PayoutRequest>(v);
        typed::<PayoutQueryRequest>(v);
        typed::<BalanceQueryRequest>(v);
        if let Ok(a) = PayoutRequest::decode(v.clone()) {
            let _ = a.payout_state();
        }
    }
    r
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let _ = read(&input);
    // Every 117 bytes are one RSA block to decrypt: keep inputs to a few blocks.
    if input.len() > 512 {
        return;
    }
    let k = keys();
    let encrypted = payout_wire::encrypt(&k.merchant.to_public_key(), input.as_bytes()).expect("encrypt");
    let _ = read(&json!({ "RETCODE": "0000", "ENCRYPT": encrypted }).to_string());
    if !sometimes(data, 16) {
        return;
    }
    let wrong = payout_wire::sign(&k.merchant, input.as_bytes()).expect("sign");
    let r = read(&json!({ "RETCODE": "0000", "ENCRYPT": encrypted, "SIGN": wrong }).to_string());
    assert!(r.is_err(), "an answer signed with the wrong key was read: {r:?}");
});
