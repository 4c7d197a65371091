//! Chaoying answers: the JSON body (`protocol::parse_answer`), its MD5 `sign` (`protocol::verify`),
//! and the verified fields decoded (`types::call::decode`) into every operation's answer, whose
//! status is then read as the client reads it. Also signs the fields with the sandbox's key and
//! checks that they verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::chaoying::{decode, protocol, Call, PayType, TradeResponse, WithStatus};
use posgate_core::trade::RawFields;
use posgate_fuzz::text;
use posgate_sandbox::chaoying::KEY;

/// One operation's answer: decoded, its status read as `Chaoying::send` reads it, then as the
/// typed answer the caller gets (serialised, as `invoke` and the bindings do).
fn answer<O: Call>(fields: &RawFields) {
    let Ok(typed) = decode::<O::Answer>(fields) else { return };
    let status = typed.status();
    if O::READ.refuses(status) {
        let _ = status.rejection();
    }
    let _ = (status.pay_verdict(), status.query_verdict(), status.cancel_verdict());
    let _ = (status.refund_verdict(), status.refund_query_verdict(), status.check());
    let _ = serde_json::to_string(&typed);
}

macro_rules! every_answer {
    ($fields:ident calls { $($c:path => $cm:ident,)* } charges { $($h:path => $hm:ident,)* }) => {
        $(answer::<$c>($fields);)*
        $(answer::<$h>($fields);)*
    };
}

fuzz_target!(|data: &[u8]| {
    let body = text(data);
    let Ok(fields) = protocol::parse_answer(&body) else { return };
    let _ = protocol::verify(&fields, KEY);
    let fields = &fields;
    posgate_core::chaoying_operations!(every_answer(fields));
    if let Ok(t) = decode::<TradeResponse>(fields) {
        for p in PayType::ALL {
            let _ = t.trade_result("PG0001", p);
        }
    }
    // Signed with the sandbox's key, the same fields verify.
    let mut signed = fields.clone();
    signed.insert("sign".into(), protocol::sign(fields, KEY));
    assert_eq!(protocol::verify(&signed, KEY), Ok(()), "fields signed with the key do not verify");
});
