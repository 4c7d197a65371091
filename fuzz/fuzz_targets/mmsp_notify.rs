//! MMSP pushes and notifications (`mmsp::verify_notification`, and the client's): the raw POST
//! body (an envelope) as received, its Body read directly (`MmspNotification::from_body`), and
//! the envelope re-signed with the sandbox's key so the mapping behind the signature runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::mmsp::{verify_notification, MmspNotification};
use posgate_core::trade::RawFields;
use posgate_core::GatewayId;
use posgate_fuzz::{gateway, resign, signature_accepted, text, NOWHERE};
use serde_json::Value;
use std::sync::OnceLock;

fn creds() -> &'static posgate_core::mmsp::Credentials {
    static CREDS: OnceLock<posgate_core::mmsp::Credentials> = OnceLock::new();
    CREDS.get_or_init(|| posgate_sandbox::mmsp::test_credentials(NOWHERE))
}

fn check(body: String, signed: bool) {
    let mut fields = RawFields::new();
    fields.insert("body".into(), body);
    let r = verify_notification(&fields, creds());
    let c = gateway(GatewayId::Mmsp).verify_notification(&fields);
    if signed {
        signature_accepted("mmsp", &r);
        signature_accepted("mmsp client", &c);
    }
    if let Ok(n) = &r {
        let _ = (n.state, n.amount);
    }
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    check(input.clone(), false);
    let Ok(Value::Object(envelope)) = serde_json::from_str::<Value>(&input) else { return };
    let Some(Value::Object(b)) = envelope.get("Body") else { return };
    if let Ok(n) = MmspNotification::from_body(Value::Object(b.clone())) {
        let _ = (n.is_list_notification(), n.trade_state());
    }
    if let Some((text, exact)) = resign(envelope) {
        check(text, exact);
    }
});
