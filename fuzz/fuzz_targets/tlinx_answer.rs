//! TLinx answers (`tlinx::protocol::parse_answer`): the JSON object read member by member as
//! the signer saw it, its sha1-md5 `sign`, the AES-256 hex `data` decrypted, then `data` typed
//! for every operation. The input is read as the answer body, and as the `data` payload of an
//! answer the sandbox's key signs and encrypts (so the JSON behind the AES is the fuzzer's).
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::tlinx::protocol::{self, Envelope};
use posgate_core::tlinx::{errcode_message, Call};
use posgate_fuzz::text;
use posgate_sandbox::tlinx::OPEN_KEY;

fn answer<O: Call>(env: &Envelope) {
    let _ = errcode_message(&env.errcode);
    let data = env.data.clone().unwrap_or(serde_json::Value::Null);
    if let Ok(typed) = serde_json::from_value::<O::Answer>(data) {
        let _ = serde_json::to_string(&typed);
    }
}

macro_rules! every_answer {
    ($env:ident calls { $($c:path => $cm:ident,)* } charges { $($h:path => $hm:ident,)* }) => {
        $(answer::<$c>($env);)*
        $(answer::<$h>($env);)*
    };
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    if let Ok(env) = protocol::parse_answer(&input, OPEN_KEY) {
        let env = &env;
        posgate_core::tlinx_operations!(every_answer(env));
    }
    let answer = protocol::build_answer(OPEN_KEY, 0, "ok", Some(&input), 1_700_000_000).expect("the sandbox key");
    match protocol::parse_answer(&answer, OPEN_KEY) {
        Ok(env) => {
            let env = &env;
            posgate_core::tlinx_operations!(every_answer(env));
        }
        // The only way an answer signed and encrypted with the key fails: its data is not JSON.
        Err(protocol::ProtocolError::Malformed(m)) => {
            assert!(serde_json::from_str::<serde_json::Value>(&input).is_err(), "{m}: refused JSON data")
        }
        Err(e) => panic!("an answer signed with the key was refused: {e}"),
    }
});
