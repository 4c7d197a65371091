//! No cardholder data and no key in any log line or in the journal: quick payments through the
//! engine (journalled) and the client, against the sandbox, with every `tracing` event and span
//! field of every target captured at TRACE.
//!
//! The subscriber is written here (a few lines) rather than taken from a crate: it records each
//! event's and span's fields as `name=value` text, which is all a log line could show.

mod kit;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use kit::{fen, new_no};
use posgate_core::engine::Engine;
use posgate_core::journal::Journal;
use posgate_core::mmsp::{self, *};
use posgate_core::{Gateway, GatewayId, Secret, TradeState};
use posgate_sandbox::mmsp::{KEY, SMS_CODE};
use posgate_sandbox::Sandbox;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every line logged in this process, by every target, at every level.
static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture {
    next_span: AtomicU64,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

fn keep(meta: &Metadata<'_>, visit: impl FnOnce(&mut Line)) {
    let mut line = Line(format!("{} {}:", meta.level(), meta.target()));
    visit(&mut line);
    LINES.lock().unwrap().push(line.0);
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        keep(span.metadata(), |l| span.record(l));
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line("span record:".into());
        values.record(&mut line);
        LINES.lock().unwrap().push(line.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        keep(event.metadata(), |l| event.record(l));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Installs the capture once for the process (every thread, every task).
fn capture() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        tracing::subscriber::set_global_default(Capture { next_span: AtomicU64::new(1) }).expect("one subscriber");
    });
}

/// Whether `needle` occurs in `hay` as a token of its own: not inside a longer run of letters
/// and digits (a 3-digit CVN2 could otherwise be found inside any timestamp).
fn occurs(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

const CARD: &str = "6227000013830237349";
const CREDIT_CARD: &str = "4392250043817266";
const ID_NO: &str = "23210219820916601X";
const PHONE: &str = "18826570890";
const CVN2: &str = "937";
const EXP_DATE: &str = "1229";
const NAME: &str = "张安";

fn quick_pay(no: &str, credit: bool, notify_url: &str) -> MmspQuickPayRequest {
    let mut v = json!({"mer_order_id": no, "amount": 1234, "card_no": if credit { CREDIT_CARD } else { CARD },
        "card_type": if credit { "2" } else { "1" }, "name": NAME, "id_no": ID_NO, "phone": PHONE,
        "notify_url": notify_url});
    if credit {
        v["exp_date"] = json!(EXP_DATE);
        v["cvn2"] = json!(CVN2);
    }
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_card_data_or_key_in_logs_or_journal() {
    capture();
    let sb = Sandbox::start().await.unwrap();
    let client = Arc::new(mmsp::Client::new(kit::config(&sb, GatewayId::Mmsp)).unwrap());
    let gw: Arc<dyn Gateway> = client.clone();
    let journal = Arc::new(Journal::in_memory().unwrap());
    let engine = Engine::on_current_runtime(gw, journal.clone()).unwrap();
    // The notifications (which carry the masked card) go to a local merchant.
    let (notify_url, received) = kit::notify_server(NOTIFY_ACK).await;

    // Through the engine: the pay (a pre-order, journalled), the confirmation, the query.
    let mut paid = Vec::new();
    for credit in [false, true] {
        let no = new_no("L");
        let placed = engine.call(quick_pay(&no, credit, &notify_url)).await.unwrap();
        let list_id = placed.list_id.clone().unwrap();
        let confirm = MmspQuickPayConfirmRequest { list_id: list_id.clone(), msg_code: Secret::new(SMS_CODE) };
        // A wrong code and an early resend fail; their errors are logged too.
        let wrong = MmspQuickPayConfirmRequest { list_id: list_id.clone(), msg_code: Secret::new("654321") };
        assert!(engine.call(wrong).await.is_err());
        assert!(engine.call(MmspQuickSmsResendRequest { list_id: list_id.clone() }).await.is_err());
        engine.call(confirm).await.unwrap();
        let q = engine.call(MmspQuickQueryRequest { mer_order_id: no.clone() }).await.unwrap();
        assert_eq!((q.trade_state(), q.amt), (TradeState::Paid, Some(fen(1234))));
        paid.push(no);
    }
    // Through the client directly, and a request refused before sending.
    let no = new_no("L");
    client.quick_pay(&quick_pay(&no, true, &notify_url)).await.unwrap();
    let mut bad = quick_pay(&new_no("L"), true, &notify_url);
    bad.phone = "1882657089".into();
    assert!(client.quick_pay(&bad).await.is_err());
    // Binding: the 776 answer carries the cardholder's data.
    let sms: MmspQuickBindSmsRequest = serde_json::from_value(json!({"mer_order_id": new_no("B"), "user_id": "U1",
        "card_no": CARD, "phone": PHONE}))
    .unwrap();
    engine.call(sms).await.unwrap();

    assert_eq!(received.wait_for(2).await.len(), 2, "both confirmed payments notified");
    let lines = LINES.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l.contains("posgate")), "the capture sees posgate's own lines: {lines:?}");
    let entries = journal.list().unwrap();
    assert!(paid.iter().all(|no| entries.iter().any(|e| &e.order_no == no)), "the pre-orders are journalled");
    let journal_text: Vec<String> = entries.iter().map(|e| format!("{e:?}")).collect();
    for (what, value) in [
        ("card number", CARD),
        ("credit card number", CREDIT_CARD),
        ("ID number", ID_NO),
        ("phone", PHONE),
        ("CVN2", CVN2),
        ("expiry date", EXP_DATE),
        ("cardholder name", NAME),
        ("SMS code", SMS_CODE),
        ("MD5 key", KEY),
    ] {
        for line in lines.iter().chain(journal_text.iter()) {
            assert!(!occurs(line, value), "{what} {value:?} in {line}");
        }
    }
    // What the journal keeps instead: the last four of the card.
    assert!(journal_text.iter().any(|e| e.contains("***7349")), "{journal_text:?}");
}
