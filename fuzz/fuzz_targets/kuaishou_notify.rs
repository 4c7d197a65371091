//! Kuaishou `PAY_NODIFY` notifications (`kuaishou::verify_notification`, and the client's, which
//! also checks `BUSI_ID`). The input is the notify URL's query string (`sign`, `_type`,
//! `encrypt`), a line break, and the raw POST body. It is checked as received, then signed with
//! the sandbox's key (plain, and 3DES-encrypted) so the reading behind the signature runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::kuaishou::{protocol, verify_notification};
use posgate_core::{GatewayId, Secret};
use posgate_fuzz::{form, gateway, query_and_body, signature_accepted, text};
use posgate_sandbox::kuaishou::KEY;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let (query, body) = query_and_body(&input);
    let key = Secret::new(KEY);
    let client = gateway(GatewayId::Kuaishou);
    let mut fields = form(query);
    fields.insert("body".into(), body.to_string());
    let _ = verify_notification(&fields, &key);
    let _ = client.verify_notification(&fields);

    // Signed as Kuaishou signs: over the body it sends (before encryption), here the body as the
    // reader takes it (byte order marks and surrounding whitespace off, until none is left).
    let mut body = body;
    while body.trim_start_matches('\u{feff}').trim() != body {
        body = body.trim_start_matches('\u{feff}').trim();
    }
    for encrypt in [false, true] {
        let mut signed = fields.clone();
        signed.insert("sign".into(), protocol::sign("1700000000000", KEY, body));
        if encrypt {
            signed.insert("encrypt".into(), "3DES".into());
            signed.insert("body".into(), protocol::encrypt(KEY, body));
        } else {
            signed.remove("encrypt");
            signed.insert("body".into(), body.to_string());
        }
        let r = verify_notification(&signed, &key);
        // A plain body must be JSON or XML to be read at all (that refusal is worded as a
        // signature error: it is about the body the sign covers).
        if encrypt || body.starts_with(['{', '<']) {
            signature_accepted("kuaishou", &r);
        }
        let _ = client.verify_notification(&signed);
    }
});
