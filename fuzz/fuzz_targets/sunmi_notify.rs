//! Sunmi payment and refund callbacks: form fields as received (`sunmi::verify_notification`
//! with the sandbox's public key, and the client's), their typed reading (`Callback::from_fields`),
//! and the same fields signed SHA256withRSA with the sandbox's private key so the mapping
//! behind the signature check runs (for one input in 16 whose fields read at all: an RSA-2048
//! signature is the slowest step of any target, and what it adds is the check that a callback
//! signed by the rule verifies by it; the reading behind it is called directly).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use posgate_core::sunmi::protocol::sign_callback;
use posgate_core::sunmi::{verify_notification, Callback, PrivateKey, PublicKey};
use posgate_core::GatewayId;
use posgate_fuzz::{form, gateway, signature_accepted, sometimes, text};
use posgate_sandbox::sunmi::{PRIVATE_KEY_PEM, PUBLIC_KEY_PEM};

fn keys() -> &'static (PrivateKey, PublicKey) {
    static KEYS: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            PrivateKey::parse(PRIVATE_KEY_PEM).expect("sandbox key"),
            PublicKey::parse(PUBLIC_KEY_PEM).expect("sandbox key"),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let fields = form(&text(data));
    let (private, public) = keys();
    let _ = verify_notification(&fields, public);
    let client = gateway(GatewayId::Sunmi);
    let _ = client.verify_notification(&fields);
    let Ok(cb) = Callback::from_fields(&fields) else { return };
    let _ = (cb.kind(), cb.subject_order_no(), cb.subject_trade_no(), cb.trade_state());
    if !sometimes(data, 16) {
        return;
    }

    let signed = sign_callback(&fields, private);
    let r = verify_notification(&signed, public);
    signature_accepted("sunmi", &r);
    signature_accepted("sunmi client", &client.verify_notification(&signed));
});
