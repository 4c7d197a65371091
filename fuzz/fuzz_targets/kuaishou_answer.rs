//! Kuaishou answers (`posgate_core::fuzzing::kuaishou_read_answer`, the client's reader): JSON or
//! XML, plain or 3DES (Base64), the root member typed for every operation, its `RESULT` read as
//! the client reads it. The input is read three ways: as the answer body, as a body that claims
//! to be encrypted, and encrypted with the sandbox's key first (so the text behind the 3DES is
//! what the fuzzer controls).
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::fuzzing::kuaishou_read_answer;
use posgate_core::kuaishou::{protocol, Call, QueryResponse, WithResult};
use posgate_fuzz::text;
use posgate_sandbox::kuaishou::KEY;

fn answer<O: Call>(body: &str, encrypted: bool) {
    let Ok(typed) = kuaishou_read_answer::<O>(KEY, body, encrypted) else { return };
    let code = &typed.result().code;
    let _ = (O::answers(code), code.is_success(), code.is_definite(), code.description());
    let _ = serde_json::to_string(&typed);
}

macro_rules! every_answer {
    ($body:ident, $enc:expr; calls { $($c:path => $cm:ident,)* } charges { $($h:path => $hm:ident,)* }) => {
        $(answer::<$c>($body, $enc);)*
        $(answer::<$h>($body, $enc);)*
    };
}

fuzz_target!(|data: &[u8]| {
    let plain = text(data);
    let body = plain.as_str();
    posgate_core::kuaishou_operations!(every_answer(body, false;));
    posgate_core::kuaishou_operations!(every_answer(body, true;));
    let sealed = protocol::encrypt(KEY, body);
    let sealed = sealed.as_str();
    posgate_core::kuaishou_operations!(every_answer(sealed, true;));
    if let Ok(q) = kuaishou_read_answer::<posgate_core::kuaishou::TradeQueryRequest>(KEY, sealed, true) {
        let q: QueryResponse = q;
        let _ = q.trade_result("PG0001");
    }
    // What the sandbox's key encrypts, it decrypts.
    assert_eq!(protocol::decrypt(KEY, sealed).as_deref(), Ok(body), "3DES does not round-trip");
});
