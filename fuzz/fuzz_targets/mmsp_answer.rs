//! MMSP envelope answers (scan code, quick pay, gateway pay queries), read by the client's own
//! reader (`posgate_core::fuzzing::mmsp_read_answer`: `RetCode`, the PHP-json_encode MD5 `Sign`
//! over the Body, the Body's `STATUS`) for every operation of those sub-APIs, then decoded as
//! that operation's answer. The input is read as received, and re-signed with the sandbox's key
//! (an envelope whose Body is an object) so the decoding behind the signature runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::fuzzing::mmsp_read_answer;
use posgate_core::mmsp::{Call, Credentials, SubApi};
use posgate_fuzz::{resign, text, NOWHERE};
use serde_json::Value;
use std::sync::OnceLock;

fn creds() -> &'static Credentials {
    static CREDS: OnceLock<Credentials> = OnceLock::new();
    CREDS.get_or_init(|| posgate_sandbox::mmsp::test_credentials(NOWHERE))
}

fn answer<O: Call>(body: &str, signed: bool) {
    if matches!(O::SUB_API, SubApi::Payout | SubApi::GatewayForm) {
        return;
    }
    let r = mmsp_read_answer(creds(), O::COMMAND, O::INFO.name, O::ANSWERS, body);
    if signed {
        if let Err(e @ posgate_core::Error::SignatureInvalid { .. }) = &r {
            panic!("{}: an envelope signed with the key was refused: {e:?}", O::INFO.name);
        }
    }
    let Ok(b) = r else { return };
    if let Ok(typed) = O::decode(b) {
        let _ = serde_json::to_string(&typed);
    }
}

macro_rules! every_answer {
    ($body:ident, $signed:expr; calls { $($c:path => $cm:ident,)* } charges { $($h:path => $hm:ident,)* }) => {
        $(answer::<$c>($body, $signed);)*
        $(answer::<$h>($body, $signed);)*
    };
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let body = input.as_str();
    posgate_core::mmsp_operations!(every_answer(body, false;));

    let Ok(Value::Object(envelope)) = serde_json::from_str::<Value>(body) else { return };
    let Some((resigned, exact)) = resign(envelope) else { return };
    let body = resigned.as_str();
    posgate_core::mmsp_operations!(every_answer(body, exact;));
});
