//! Sunmi answers: the JSON envelope (`sunmi::protocol::parse_answer`), its system code and
//! `data.sub_code` decided as the client decides them, and `data` decoded into every operation's
//! answer (`FromData`) and serialised as the caller gets it. Sunmi's answers are unsigned.
#![no_main]

use std::marker::PhantomData;

use libfuzzer_sys::fuzz_target;
use posgate_core::sunmi::protocol::{self, Envelope};
use posgate_core::sunmi::{code_error, Call, Decision, FromData, SubCode, SystemCode};
use posgate_fuzz::text;

/// One operation's reading of the answer, as `Sunmi::send` does it.
fn answer<O: Call>(env: &Envelope) {
    let system = SystemCode::parse(&env.code);
    let decision = system.decide();
    if decision != Decision::Accept {
        let _ = code_error(decision, system.as_str(), &env.msg, system.description());
    }
    let text = |k: &str| match env.data.get(k) {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let sub = text("sub_code");
    if !sub.is_empty() {
        let code = SubCode::parse(&sub);
        let decision = O::READ.decide(&code);
        let _ = (code.kind(), code.trade_state(), code.description());
        if decision != Decision::Accept {
            let _ = code_error(decision, code.as_str(), &text("sub_msg"), code.description());
        }
    }
    if let Ok(typed) = <O::Answer as FromData>::from_data(env.data.clone()) {
        let _ = serde_json::to_string(&typed);
    }
}

/// Every listed operation that reads one answer (`Call`): the official account's binding is two
/// payBind calls, read as payBind's (autoref picks `Reads` where `Call` holds, else `Skips`).
struct Op<O>(PhantomData<O>);

trait Reads {
    fn read(&self, env: &Envelope);
}

impl<O: Call> Reads for Op<O> {
    fn read(&self, env: &Envelope) {
        answer::<O>(env)
    }
}

trait Skips {
    fn read(&self, env: &Envelope);
}

impl<O> Skips for &Op<O> {
    fn read(&self, _: &Envelope) {}
}

macro_rules! every_answer {
    ($env:ident calls { $($c:path => $cm:ident,)* } charges { $($h:path => $hm:ident,)* }) => {
        $((&Op::<$c>(PhantomData)).read($env);)*
        $((&Op::<$h>(PhantomData)).read($env);)*
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(env) = protocol::parse_answer(&text(data)) else { return };
    let env = &env;
    posgate_core::sunmi_operations!(every_answer(env));
});
