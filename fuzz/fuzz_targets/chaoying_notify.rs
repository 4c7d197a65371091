//! Chaoying pre-order notifications (`chaoying::verify_notification`, and the client's, which
//! also checks the merchant): form fields as received, then the same fields signed with the
//! sandbox's key so the mapping behind the signature check runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::chaoying::{protocol, verify_notification};
use posgate_core::{GatewayId, Secret};
use posgate_fuzz::{form, gateway, signature_accepted, text};
use posgate_sandbox::chaoying::KEY;

fuzz_target!(|data: &[u8]| {
    let fields = form(&text(data));
    let key = Secret::new(KEY);
    let _ = verify_notification(&fields, &key);
    let client = gateway(GatewayId::Chaoying);
    let _ = client.verify_notification(&fields);

    let mut signed = fields.clone();
    signed.insert("sign".into(), protocol::sign(&fields, KEY));
    let r = verify_notification(&signed, &key);
    signature_accepted("chaoying", &r);
    if let Ok(n) = &r {
        assert!(!n.order_no.is_empty(), "a notification without an order number verified");
    }
    signature_accepted("chaoying client", &client.verify_notification(&signed));
});
