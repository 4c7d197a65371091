//! The shared test kit: what the integration tests need in more than one test binary, in one
//! place. Each binary takes it with `mod kit;` and uses a subset.
//!
//! - here: amounts, numbers and barcodes, poll schedules, clients and engines on the sandbox,
//!   lookups in the sandbox's books and the journal, error fields, event recording, journal files
//!   and an engine whose process can be killed;
//! - [`ops`]: per gateway in one place, how to charge and pre-order on it by name, so a gateway
//!   added to the registry and the sandbox is held to the whole suite by adding its arms there;
//! - [`http`]: local HTTP endpoints (a merchant's notify URL, a fake gateway);
//! - [`requests`]: counting (and trapping) the requests that reach the sandbox.

#![allow(dead_code)]

pub mod books;
pub mod http;
pub mod ops;
pub mod requests;
pub mod storm;

// Each binary uses a subset: a part it leaves alone is not an unused import.
#[allow(unused_imports)]
pub use http::*;
#[allow(unused_imports)]
pub use ops::*;
#[allow(unused_imports)]
pub use requests::*;

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use posgate_core::engine::Engine;
use posgate_core::journal::{Entry, EntryKind, Journal};
use posgate_core::{
    Error, Gateway, GatewayConfig, GatewayId, Money, PayRequest, PaymentEvent, PaymentListener, PollSchedule,
    TradeState,
};
use posgate_sandbox::{OrderView, Sandbox};

/// Every gateway the sandbox simulates: the conformance suite runs over each.
pub const GATEWAYS: &[GatewayId] = posgate_sandbox::SIMULATED;

pub fn fen(n: i64) -> Money {
    Money::from_fen(n, "amount").unwrap()
}

/// A fresh order (or refund) number starting with `prefix`.
pub fn new_no(prefix: &str) -> String {
    posgate_core::ids::new_order_no(prefix)
}

/// A WeChat barcode (10-15 and 18 digits, as MMSP checks) ending in the sandbox scenario's four
/// digits.
pub fn barcode(last4: &str) -> String {
    format!("13456789012345{last4}")
}

/// A WeChat openId ending in the sandbox scenario's four digits (Sunmi's scenarios are keyed on
/// the payer).
pub fn open_id(last4: &str) -> String {
    format!("oG-NZ5LHRuFlGF7bKEbXtj{last4}")
}

/// A barcode payment of `amount` fen for the scenario `last4`, described as `subject`, with no
/// terminal or store.
pub fn pay_request(subject: &str, order_no: &str, last4: &str, amount: i64) -> PayRequest {
    PayRequest {
        order_no: order_no.into(),
        amount: fen(amount),
        auth_code: barcode(last4),
        subject: subject.into(),
        terminal_id: None,
        store_id: None,
    }
}

/// A quick schedule: first query after 200 ms, then every 200 ms, up to `deadline_ms`; no
/// reverse before `earliest_reverse_ms`.
pub const fn schedule(deadline_ms: u64, earliest_reverse_ms: u64) -> PollSchedule {
    schedule_every(200, deadline_ms, earliest_reverse_ms)
}

/// As [`schedule`], querying every `interval_ms` after the first.
pub const fn schedule_every(interval_ms: u64, deadline_ms: u64, earliest_reverse_ms: u64) -> PollSchedule {
    PollSchedule {
        first_query_after: Duration::from_millis(200),
        interval: Duration::from_millis(interval_ms),
        deadline: Duration::from_millis(deadline_ms),
        earliest_reverse: Duration::from_millis(earliest_reverse_ms),
    }
}

/// The sandbox's configuration of gateway `g`.
pub fn config(sb: &Sandbox, g: GatewayId) -> GatewayConfig {
    sb.config(g).unwrap_or_else(|| panic!("the sandbox simulates {g}"))
}

/// A fresh sandbox and a typed client of gateway `g` on it, made by `new` (e.g.
/// `chaoying::Client::new`).
pub async fn setup<C, E: Debug>(g: GatewayId, new: impl FnOnce(GatewayConfig) -> Result<C, E>) -> (Sandbox, C) {
    let sb = Sandbox::start().await.unwrap();
    let client = new(config(&sb, g)).unwrap();
    (sb, client)
}

/// A client of gateway `g` on the sandbox, polling on a quick schedule (3 s deadline).
pub fn client(sb: &Sandbox, g: GatewayId) -> Arc<dyn Gateway> {
    client_with(sb, g, schedule(3000, 200))
}

/// A client of gateway `g` on the sandbox, polling on `poll`.
pub fn client_with(sb: &Sandbox, g: GatewayId, poll: PollSchedule) -> Arc<dyn Gateway> {
    let mut cfg = config(sb, g);
    cfg.poll = Some(poll);
    posgate_core::connect(cfg).unwrap()
}

/// An engine on the current runtime with an in-memory journal.
pub fn engine(gw: Arc<dyn Gateway>) -> Arc<Engine> {
    engine_on(gw, Journal::in_memory().unwrap())
}

/// An engine on the current runtime writing to `journal`.
pub fn engine_on(gw: Arc<dyn Gateway>, journal: Journal) -> Arc<Engine> {
    Engine::on_current_runtime(gw, Arc::new(journal)).unwrap()
}

/// The sandbox's view of order `order_no` on gateway `g`, if it has one.
pub fn sim(sb: &Sandbox, g: GatewayId, order_no: &str) -> Option<OrderView> {
    sb.orders().into_iter().find(|o| o.gateway == g.as_str() && o.order_no == order_no)
}

/// The journal's payment entry of `order_no` on gateway `g`; panics if there is none.
pub fn payment(journal: &Journal, g: GatewayId, order_no: &str) -> Entry {
    journal.get(EntryKind::Payment, g, order_no).unwrap().expect("payment in the journal")
}

/// A notification's fields without its signature: every field whose name holds `sign` left out,
/// and a `Sign` / `sign` member taken out of a JSON body (MMSP signs inside its JSON envelope).
pub fn unsigned(fields: &posgate_core::RawFields) -> posgate_core::RawFields {
    let strip = |v: &String| match serde_json::from_str::<serde_json::Value>(v) {
        Ok(serde_json::Value::Object(mut m)) if m.contains_key("Sign") || m.contains_key("sign") => {
            m.remove("Sign");
            m.remove("sign");
            serde_json::Value::Object(m).to_string()
        }
        _ => v.clone(),
    };
    fields.iter().filter(|(k, _)| !k.contains("sign")).map(|(k, v)| (k.clone(), strip(v))).collect()
}

/// Every way to change one member of a notification's JSON envelope body (`body` holding
/// `{"Body": {..}}`, as MMSP posts it): each member of `Body` altered in turn. Empty for any
/// other notification.
pub fn body_member_changes(fields: &posgate_core::RawFields) -> Vec<(String, posgate_core::RawFields)> {
    let Some(Ok(serde_json::Value::Object(envelope))) = fields.get("body").map(|b| serde_json::from_str(b)) else {
        return Vec::new();
    };
    let Some(serde_json::Value::Object(body)) = envelope.get("Body") else { return Vec::new() };
    body.iter()
        .map(|(k, v)| {
            let changed = match v {
                serde_json::Value::Number(n) => serde_json::json!(n.as_u64().unwrap_or(0) + 1),
                other => serde_json::json!(format!("{}9", posgate_core::wire::json_text_of(other))),
            };
            let mut e = envelope.clone();
            e["Body"][k.as_str()] = changed;
            let mut f = fields.clone();
            f.insert("body".into(), serde_json::Value::Object(e).to_string());
            (k.clone(), f)
        })
        .collect()
}

/// The field an `InvalidInput` names; panics on any other error.
pub fn field_of(e: &Error) -> &str {
    match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// The gateway's code of a `GatewayRejected`; panics on any other error.
pub fn code_of(e: &Error) -> &str {
    match e {
        Error::GatewayRejected { code, .. } => code,
        other => panic!("expected GatewayRejected, got {other:?}"),
    }
}

/// Records every payment event it hears, as a listener or the engine's reporter.
#[derive(Default)]
pub struct Events(pub Mutex<Vec<PaymentEvent>>);

impl Events {
    /// How many polls it heard.
    pub fn polls(&self) -> usize {
        self.0.lock().unwrap().iter().filter(|e| matches!(e, PaymentEvent::Poll { .. })).count()
    }

    /// The events about `order_no`, in order.
    pub fn of(&self, order_no: &str) -> Vec<PaymentEvent> {
        self.0.lock().unwrap().iter().filter(|e| e.order_no() == order_no).cloned().collect()
    }

    /// How `order_no` ended, once it has.
    pub fn final_state(&self, order_no: &str) -> Option<TradeState> {
        self.of(order_no).iter().find_map(|e| match e {
            PaymentEvent::Final { state, .. } => Some(*state),
            _ => None,
        })
    }
}

impl PaymentListener for Events {
    fn on_event(&self, event: PaymentEvent) {
        self.0.lock().unwrap().push(event);
    }
}

/// A journal file in a fresh directory of its own, `posgate-{name}-…` in the temp directory.
pub fn journal_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("posgate-{name}-{}-{}", std::process::id(), new_no("")));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("journal.db")
}

/// Removes the directory [`journal_path`] made for `path`, if it is still there.
pub fn remove_journal(path: &Path) {
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

/// An engine on a runtime of its own, which the test kills (`shutdown_background`) mid-payment.
pub struct Doomed {
    pub rt: tokio::runtime::Runtime,
    pub engine: Arc<Engine>,
}

impl Doomed {
    pub fn new(gw: Arc<dyn Gateway>, path: &Path) -> Doomed {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let engine = Engine::new(gw, Arc::new(Journal::open(path).unwrap()), rt.handle().clone());
        Doomed { rt, engine }
    }

    /// The crash: every task of the runtime stops where it stands.
    pub fn crash(self) {
        drop(self.engine);
        self.rt.shutdown_background();
    }
}
