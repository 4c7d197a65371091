//! What the fuzz targets share: how raw bytes become what a gateway client or a notify endpoint
//! receives, the sandbox's test keys, and one connected client per gateway (made once).
//!
//! Every target answers one question: can bytes from the network make posgate panic (or break
//! an invariant the target asserts)? A panic here is a bug in the core: untrusted input must be
//! answered by a typed error.

use std::sync::{Arc, OnceLock};

use posgate_core::mmsp::wire;
use posgate_core::trade::RawFields;
use posgate_core::{Gateway, GatewayId};

/// A sandbox root nothing listens on: the clients are only ever asked to read, never to send.
pub const NOWHERE: &str = "http://127.0.0.1:9";

/// The body as the transport hands it over (reqwest's `text()`: UTF-8, invalid sequences
/// replaced).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Form or query-string fields as a notify endpoint decodes them (a repeated name: the last wins).
pub fn form(text: &str) -> RawFields {
    form_urlencoded::parse(text.as_bytes()).into_owned().collect()
}

/// The input split at its first line break: the notification's query string (or form fields)
/// before it, the raw POST body after it. No line break: all of it is the body.
pub fn query_and_body(text: &str) -> (&str, &str) {
    match text.split_once('\n') {
        Some((q, b)) => (q, b),
        None => ("", text),
    }
}

/// Whether this input takes a slow path (an RSA private-key operation costs a hundred
/// milliseconds under the fuzzing build's sanitizer and coverage instrumentation): for about
/// one input in `one_in`, the same inputs every time (a hash of the bytes).
pub fn sometimes(data: &[u8], one_in: u32) -> bool {
    let hash = data.iter().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193));
    hash % one_in == 0
}

/// The client of `gateway` configured with the sandbox's test credentials, made once per process.
pub fn gateway(gateway: GatewayId) -> &'static Arc<dyn Gateway> {
    static CLIENTS: OnceLock<Vec<(GatewayId, Arc<dyn Gateway>)>> = OnceLock::new();
    let clients = CLIENTS.get_or_init(|| {
        posgate_sandbox::SIMULATED
            .iter()
            .map(|g| {
                let cfg = posgate_sandbox::test_config(*g, NOWHERE).expect("a sandbox configuration");
                (*g, posgate_core::connect(cfg).expect("the sandbox's test configuration connects"))
            })
            .collect()
    });
    &clients.iter().find(|(g, _)| *g == gateway).expect("a simulated gateway").1
}

/// A notification the target signed with the right key must pass the signature check: any
/// error it gets is about its content, never `SignatureInvalid`.
pub fn signature_accepted(what: &str, r: &posgate_core::Result<posgate_core::Notification>) {
    if let Err(e @ posgate_core::Error::SignatureInvalid { .. }) = r {
        panic!("{what}: a notification signed with the right key was refused: {e:?}");
    }
}

/// An MMSP envelope with its Body signed by the sandbox's key (`Sign`; a `sign` dropped), as
/// text, or `None` when it has no Body object. The flag says whether the text reads back as the
/// very Body that was signed: serde_json (without `float_roundtrip`) may read a float back one
/// unit off, and a Body that changed on the way cannot verify.
pub fn resign(mut envelope: serde_json::Map<String, serde_json::Value>) -> Option<(String, bool)> {
    use serde_json::Value;
    let body = match envelope.get("Body") {
        Some(Value::Object(b)) => b.clone(),
        _ => return None,
    };
    let json = wire::PhpJson { escape_slashes: true };
    envelope.remove("sign");
    envelope.insert("Sign".into(), Value::String(wire::sign(json, &body, posgate_sandbox::mmsp::KEY)));
    let text = Value::Object(envelope).to_string();
    let exact = matches!(serde_json::from_str::<Value>(&text), Ok(v) if v.get("Body") == Some(&Value::Object(body)));
    Some((text, exact))
}
