//! TLinx notifications (`tlinx::verify_notification`, and the client's): the notify URL's query
//! fields as received, then signed with the sandbox's open_key so the mapping runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::tlinx::{protocol, verify_notification};
use posgate_core::{GatewayId, Secret};
use posgate_fuzz::{form, gateway, signature_accepted, text};
use posgate_sandbox::tlinx::OPEN_KEY;

fuzz_target!(|data: &[u8]| {
    let fields = form(&text(data));
    let key = Secret::new(OPEN_KEY);
    let client = gateway(GatewayId::Tlinx);
    let _ = verify_notification(&fields, &key);
    let _ = client.verify_notification(&fields);

    let mut signed = fields.clone();
    signed.insert("sign".into(), protocol::sign(&fields, OPEN_KEY));
    signature_accepted("tlinx", &verify_notification(&signed, &key));
    signature_accepted("tlinx client", &client.verify_notification(&signed));
});
