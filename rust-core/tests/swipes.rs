//! Card swipes of Sunmi's financial terminal recorded in the journal, over HTTP against the
//! sandbox (its fixture `swipe_trades.json`): each swipe looked up, journalled settled, counted
//! by the shift report under method `card` and held against the same lookup by reconciliation;
//! never sent, never queried by the ordinary query.

use std::sync::Arc;
use std::time::Duration;

mod kit;

use kit::{client, engine, engine_on, field_of, Requests, GATEWAYS};
use posgate_core::engine::shift::reconcile::{DifferenceKind, Pace};
use posgate_core::engine::{CardRecord, Engine};
use posgate_core::journal::{now_ms, Begin, EntryKind, EntryState, Journal, Method, NewEntry, Origin};
use posgate_core::{Error, GatewayId, Money, SwipeKind, TradeState};
use posgate_sandbox::Sandbox;

const QUICK: Pace = Pace { parallel: 4, interval: Duration::from_millis(5) };

/// The fixture's trades of today.
const SALE: &str = "SWIPE0001"; // a debit card, 2580 fen, paid
const WECHAT: &str = "SWIPE0002"; // a WeChat code scanned by the terminal, 990 fen
const REFUND: &str = "SWIPE0003"; // 1000 fen back of SWIPE0001
const DECLINED: &str = "SWIPE0004"; // a credit card, 500 fen, 51 insufficient funds
const VOIDED: &str = "SWIPE0005"; // 1200 fen, voided later the same day
const READING: &str = "SWIPE0006"; // 700 fen, the card still being read
const PRE_AUTH: &str = "SWIPE0007"; // a hold of 30000 fen

const LOOKUP: &str = "sunmi/v1/trade/swipeQuery";
const QUERY: &str = "sunmi/v1/trade/query";

fn sunmi(sb: &Sandbox) -> Arc<Engine> {
    engine(client(sb, GatewayId::Sunmi))
}

fn fen(n: i64) -> Money {
    kit::fen(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_swipes_is_journalled_reported_and_reconciled() {
    let sb = Sandbox::start().await.unwrap();
    let sent = Requests::install(&sb);
    let engine = sunmi(&sb);
    let from = now_ms() - 1;

    let sale = engine.record_swipe(SALE, None).await.unwrap();
    assert_eq!((sale.kind, sale.state, sale.amount), (SwipeKind::Sale, TradeState::Paid, fen(2580)));
    assert!(sale.journalled && !sale.recorded_before);
    assert_eq!((sale.wallet.as_deref(), sale.card_last4.as_deref()), (Some("unionpay"), Some("6217")));
    assert_eq!(
        (sale.trade_ref.as_deref(), sale.trade_date.clone()),
        (Some("454800001"), posgate_sandbox::sunmi::today())
    );
    let e = kit::payment(engine.journal(), GatewayId::Sunmi, SALE);
    assert_eq!((e.state, e.amount, e.origin.method), (EntryState::Paid, fen(2580), Some(Method::Card)));
    assert_eq!(e.origin.merchant, Some(engine.gateway().merchant()));
    let record = CardRecord::of(&e).expect("the swipe's record");
    assert_eq!(
        (record.trade_ref.as_deref(), record.trade_date.as_str()),
        (Some("454800001"), sale.trade_date.as_str())
    );
    assert!(!e.request.contains("cardHash") && !e.last_answer.clone().unwrap().contains("cardHash"));

    let refund = engine.record_swipe(REFUND, Some(posgate_sandbox::sunmi::today())).await.unwrap();
    assert_eq!((refund.kind, refund.state, refund.amount), (SwipeKind::Refund, TradeState::Refunded, fen(1000)));
    assert_eq!(refund.original_order_no.as_deref(), Some(SALE));
    let r = engine.journal().get(EntryKind::Refund, GatewayId::Sunmi, REFUND).unwrap().unwrap();
    assert_eq!((r.order_no.as_str(), r.state, r.origin.method), (SALE, EntryState::Refunded, Some(Method::Card)));

    let declined = engine.record_swipe(DECLINED, None).await.unwrap();
    assert_eq!((declined.state, declined.gateway_code.as_deref()), (TradeState::Failed, Some("51")));
    assert_eq!(kit::payment(engine.journal(), GatewayId::Sunmi, DECLINED).state, EntryState::Failed);

    // Recorded twice: the entry as it is, nothing looked up, never a second entry.
    let lookups = sent.count(&[LOOKUP]);
    let again = engine.record_swipe(SALE, None).await.unwrap();
    assert!(again.recorded_before && again.journalled);
    assert_eq!((again.state, again.amount, again.order_no.as_str()), (TradeState::Paid, fen(2580), SALE));
    assert!(engine.record_swipe(REFUND, None).await.unwrap().recorded_before);
    assert_eq!(sent.count(&[LOOKUP]), lookups, "nothing looked up again");
    assert_eq!(engine.journal().list().unwrap().len(), 3);

    let to = now_ms() + 1;
    let report = engine.shift_report(from, to).unwrap();
    let g = &report.gateways[0];
    let tally = |ts: &[posgate_core::engine::shift::Tally], key: &str| {
        ts.iter().find(|t| t.key == key).map_or((0, 0), |t| (t.count, t.amount.fen()))
    };
    assert_eq!(tally(&g.taken_by_method, "card"), (1, 2580));
    assert_eq!(tally(&g.taken_by_wallet, "unionpay"), (1, 2580));
    assert_eq!((g.taken.count, g.taken.amount.fen()), (1, 2580));
    assert_eq!((g.refunded.count, g.refunded.amount.fen()), (1, 1000));
    assert_eq!(tally(&g.payments, "failed"), (1, 500));
    assert_eq!(tally(&g.payments, "partially_refunded"), (1, 2580));
    assert_eq!(g.net_fen, 1580);
    assert!(g.open.is_empty(), "{:?}", g.open);

    let rec = engine.reconcile(from, to, QUICK).await.unwrap();
    assert_eq!(rec.checked, 3, "{rec:?}");
    assert!(rec.differences.is_empty() && rec.unanswered.is_empty() && rec.unverifiable.is_empty(), "{rec:?}");
    assert_eq!(sent.count(&[QUERY]), 0, "a card swipe is never asked through the ordinary query");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wechat_code_a_voided_sale_and_the_seeds_own_day() {
    let sb = Sandbox::start().await.unwrap();
    let engine = sunmi(&sb);
    let from = now_ms() - 1;
    let wechat = engine.record_swipe(WECHAT, None).await.unwrap();
    assert_eq!((wechat.wallet.as_deref(), wechat.card_last4), (Some("wechat"), None));
    // Found voided when recorded: taken and given back whole by itself until its void is recorded.
    let voided = engine.record_swipe(VOIDED, None).await.unwrap();
    assert_eq!(voided.state, TradeState::Refunded);
    // The seed's example, on its own day; not found on today's.
    let seed = engine.record_swipe("201906300600003", Some("20190630".into())).await.unwrap();
    assert_eq!((seed.state, seed.amount, seed.card_last4.as_deref()), (TradeState::Paid, fen(19900), Some("4402")));
    let e = engine.record_swipe("201906300600003", None).await.unwrap();
    assert!(e.recorded_before, "recorded: the journal answers, whatever the date");
    let err = sunmi(&sb).record_swipe("201906300600003", None).await.unwrap_err();
    assert_eq!(kit::code_of(&err), "E19");

    let to = now_ms() + 1;
    let g = &engine.shift_report(from, to).unwrap().gateways[0];
    assert_eq!((g.taken.count, g.taken.amount.fen()), (3, 990 + 1200 + 19900));
    assert_eq!((g.refunded.count, g.refunded.amount.fen()), (1, 1200));
    let rec = engine.reconcile(from, to, QUICK).await.unwrap();
    assert!(rec.differences.is_empty() && rec.unanswered.is_empty(), "the seed's asked on its day: {rec:?}");
    assert!(rec.unverifiable.is_empty(), "{rec:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_without_its_sale_a_lookup_not_final_and_a_hold_are_not_journalled() {
    let sb = Sandbox::start().await.unwrap();
    let engine = sunmi(&sb);
    let err = engine.record_swipe(REFUND, None).await.unwrap_err();
    assert_eq!(field_of(&err), "order_id");
    assert!(err.to_string().contains("record the original sale first"), "{err}");
    let reading = engine.record_swipe(READING, None).await.unwrap();
    assert_eq!((reading.state, reading.journalled), (TradeState::Paying, false));
    let err = engine.record_swipe(PRE_AUTH, None).await.unwrap_err();
    assert_eq!(field_of(&err), "order_id");
    assert!(engine.journal().list().unwrap().is_empty());
    // Once the sale is recorded, its refund is.
    engine.record_swipe(SALE, None).await.unwrap();
    assert!(engine.record_swipe(REFUND, None).await.unwrap().journalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_naming_the_field_before_anything_is_sent() {
    let sb = Sandbox::start().await.unwrap();
    let sent = Requests::install(&sb);
    let engine = sunmi(&sb);
    let long = "S".repeat(81);
    for (order_id, date, field) in [
        ("", None, "order_id"),
        ("   ", None, "order_id"),
        (long.as_str(), None, "order_id"),
        ("SWIPE 0001", None, "order_id"),
        ("SWIPE0001", Some("2026-01-01"), "trade_date"),
        ("SWIPE0001", Some("20261301"), "trade_date"),
        ("SWIPE0001", Some("2026010"), "trade_date"),
        ("SWIPE0001", Some(""), "trade_date"),
    ] {
        let err = engine.record_swipe(order_id, date.map(str::to_string)).await.unwrap_err();
        assert_eq!(field_of(&err), field, "{order_id:?} {date:?}");
    }
    assert_eq!(sent.total(), 0);
    assert!(engine.journal().list().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_gateways_take_no_card_swipes() {
    let sb = Sandbox::start().await.unwrap();
    for &g in GATEWAYS.iter().filter(|g| **g != GatewayId::Sunmi) {
        let engine = engine(client(&sb, g));
        let err = engine.record_swipe(SALE, None).await.unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{g}: {err:?}");
        assert!(engine.journal().list().unwrap().is_empty(), "{g}");
    }
}

/// Card entries that disagree with the terminal's books, written as a corrupted journal would
/// leave them: an amount the swipe does not have, a declined card recorded paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_reports_card_entries_the_lookup_contradicts() {
    let sb = Sandbox::start().await.unwrap();
    let engine = engine_on(client(&sb, GatewayId::Sunmi), Journal::in_memory().unwrap());
    let from = now_ms() - 1;
    engine.record_swipe(SALE, None).await.unwrap();
    write_card(engine.journal(), WECHAT, fen(1990), EntryState::Paid);
    write_card(engine.journal(), DECLINED, fen(500), EntryState::Paid);
    let r = engine.reconcile(from, now_ms() + 1, QUICK).await.unwrap();
    let kinds: Vec<_> = r.differences.iter().map(|d| (d.kind, d.order_no.as_str())).collect();
    assert_eq!(kinds, [(DifferenceKind::StateDiffers, DECLINED), (DifferenceKind::AmountDiffers, WECHAT)], "{r:?}");
    let amount = r.differences.iter().find(|d| d.kind == DifferenceKind::AmountDiffers).unwrap();
    assert_eq!((amount.journal_amount, amount.gateway_amount), (Some(fen(1990)), Some(fen(990))));
    assert_eq!(kit::payment(engine.journal(), GatewayId::Sunmi, WECHAT).amount, fen(1990), "nothing written");
}

/// A card payment written straight through the journal, settled in `state`.
fn write_card(journal: &Journal, order_no: &str, amount: Money, state: EntryState) {
    let request = card_request(order_no);
    let origin = Origin { method: Some(Method::Card), wallet: None, merchant: None };
    let new = NewEntry {
        kind: EntryKind::Payment,
        gateway: GatewayId::Sunmi,
        number: order_no,
        number_field: "order_id",
        order_no,
        amount,
        request: &request,
        origin: &origin,
    };
    let begin = journal.record_settled(&new, state, "{}").unwrap();
    assert!(matches!(begin, Begin::New(_)));
}

fn card_request(order_no: &str) -> String {
    let record = CardRecord {
        swipe: SwipeKind::Sale,
        trade_ref: Some(format!("45480{}", &order_no[order_no.len() - 4..])),
        trade_date: posgate_sandbox::sunmi::today(),
        original_trade_ref: None,
        card_last4: None,
        card_type: None,
        paid_at_ms: None,
    };
    serde_json::to_string(&record).unwrap()
}

/// A card entry found open (which `record_swipe` never leaves: a journal written otherwise) is
/// looked up again by recovery, never queried, sent or marked unsent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_looks_an_open_card_entry_up_and_never_queries_it() {
    let sb = Sandbox::start().await.unwrap();
    let sent = Requests::install(&sb);
    let engine = sunmi(&sb);
    let origin = Origin { method: Some(Method::Card), wallet: Some("unionpay".into()), merchant: None };
    let request = card_request(SALE);
    let journal = engine.journal();
    journal
        .begin_from(EntryKind::Payment, GatewayId::Sunmi, SALE, "order_id", SALE, fen(2580), &request, &origin)
        .unwrap();
    let recovered = engine.recover().await.unwrap();
    assert_eq!(recovered.len(), 1);
    assert_eq!(recovered[0].state, EntryState::Paid);
    assert_eq!(kit::payment(journal, GatewayId::Sunmi, SALE).state, EntryState::Paid);
    assert_eq!((sent.count(&[LOOKUP]), sent.count(&[QUERY]), sent.total()), (1, 0, 1));
}

/// A card sale is refunded or voided on the terminal's payment app, not through posgate: the
/// engine's refund, cancel and close refuse it naming the order, before anything is journalled
/// or sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_sale_is_not_refunded_or_cancelled_through_posgate() {
    let sb = Sandbox::start().await.unwrap();
    let engine = sunmi(&sb);
    engine.record_swipe(SALE, None).await.unwrap();
    let sent = Requests::install(&sb);
    let entries = engine.journal().list().unwrap().len();
    let refund = posgate_core::RefundRequest {
        order_no: SALE.into(),
        refund_no: kit::new_no("RC"),
        refund_amount: fen(100),
        total_amount: Some(fen(2580)),
        reason: None,
    };
    let refused = [
        engine.refund(&refund).await.unwrap_err(),
        engine.cancel(SALE).await.unwrap_err(),
        engine.close(SALE).await.unwrap_err(),
    ];
    for e in &refused {
        assert_eq!(field_of(e), "order_no", "{e:?}");
        assert!(e.to_string().contains("record_swipe"), "{e}");
    }
    assert_eq!(engine.journal().list().unwrap().len(), entries, "nothing journalled");
    assert_eq!(sent.total(), 0, "nothing sent");
}
