//! The end-of-shift report over a cashier's day on every gateway against the sandbox: its
//! figures equal the sums over the sandbox's books, and the journal alone produced them.

use std::collections::HashMap;

mod kit;

use kit::ops::charge;
use kit::{client, engine, fen, new_no, GATEWAYS};
use posgate_core::engine::shift::{self, GatewayShift, Tally};
use posgate_core::journal::{now_ms, EntryKind, EntryState, Method};
use posgate_core::qr::{QrPaymentRequest, Wallet};
use posgate_core::{Error, GatewayId, Money, RefundRequest, TradeState};
use posgate_sandbox::faults::{Fault, FaultPlan, RandomFaults};
use posgate_sandbox::{Sandbox, SimState};

fn tally(ts: &[Tally], key: &str) -> (u64, u64) {
    ts.iter().find(|t| t.key == key).map_or((0, 0), |t| (t.count, t.amount.fen()))
}

fn refund(order_no: &str, part: i64, total: i64) -> RefundRequest {
    RefundRequest {
        order_no: order_no.into(),
        refund_no: new_no("RF"),
        refund_amount: Money::from_fen(part, "refund_amount").unwrap(),
        total_amount: Some(Money::from_fen(total, "total_amount").unwrap()),
        reason: None,
    }
}

/// One gateway's day: charges paid at once, after a paying phase, declined; a partial and a
/// full refund; a cancel of a paid order where the gateway has one; a QR payment paid where the
/// gateway has QR payments. Returns the engine's journal report for the day.
async fn day(sb: &Sandbox, g: GatewayId) -> GatewayShift {
    let engine = engine(client(sb, g));
    let from = now_ms() - 1;
    let mut paid = Vec::new();
    for (last4, amount) in [("0000", 1000), ("1001", 2000), ("3001", 300), ("0000", 4000), ("0000", 500), ("0000", 700)]
    {
        let no = new_no("SR");
        let (op, params, preorder) = charge(g, &no, last4, amount);
        let state = if preorder {
            match engine.invoke(op, params).await {
                Ok(_) => engine.follow_preorder(&no, None).await.unwrap().state,
                Err(Error::GatewayRejected { .. }) => TradeState::Failed,
                Err(e) => panic!("{g} {last4}: {e}"),
            }
        } else {
            serde_json::from_value::<posgate_core::TradeResult>(engine.invoke(op, params).await.unwrap()).unwrap().state
        };
        if state == TradeState::Paid {
            paid.push((no, amount));
        }
    }
    assert_eq!(paid.len(), 5, "{g}: {paid:?}");
    let (part_no, part_amount) = &paid[2];
    engine.refund(&refund(part_no, 1500, *part_amount)).await.unwrap();
    let (full_no, full_amount) = &paid[3];
    engine.refund(&refund(full_no, *full_amount, *full_amount)).await.unwrap();
    if g != GatewayId::Sunmi {
        let r = engine.cancel(&paid[4].0).await.unwrap();
        assert!(matches!(r.state, TradeState::Reversed | TradeState::Refunded), "{g}: {r:?}");
    }
    if engine.gateway().qr_rules().is_some() {
        let req = QrPaymentRequest {
            order_no: new_no("SQ"),
            amount: fen(1234),
            subject: "shift".into(),
            wallet: Some(Wallet::Alipay).filter(|_| g != GatewayId::Tlinx).or(Some(Wallet::Wechat)),
            expire_seconds: None,
            notify_url: Some(format!("{}/_sandbox/notify", sb.root_url())),
            terminal_id: None,
            store_id: None,
        };
        let started = engine.start_qr_payment(req.clone(), None).await.unwrap();
        sb.pay_preorder(g, &req.order_no).await.unwrap();
        assert_eq!(started.handle.result().await.unwrap().state, TradeState::Paid, "{g}");
    }
    let to = now_ms() + 1;
    let report = engine.shift_report(from, to).unwrap();
    assert_eq!(report, engine.shift_report(from, to).unwrap(), "{g}: the same journal, the same report");
    assert_eq!(report.gateways.len(), 1, "{g}: {report:?}");
    let journal = engine.journal();
    let states: HashMap<String, EntryState> = journal
        .list()
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EntryKind::Payment)
        .map(|e| (e.order_no.clone(), e.state))
        .collect();
    let g_report = report.gateways.into_iter().next().unwrap();
    check_against_books(sb, g, &g_report, &states);
    g_report
}

/// The report against the sandbox's books of gateway `g`.
fn check_against_books(sb: &Sandbox, g: GatewayId, r: &GatewayShift, journal: &HashMap<String, EntryState>) {
    let orders: Vec<_> = sb.orders().into_iter().filter(|o| o.gateway == g.as_str()).collect();
    let charged = |s: SimState| matches!(s, SimState::Paid | SimState::PartiallyRefunded | SimState::Refunded);
    // What the payers paid and was not reversed by the cashier's cancel (on TLinx a cancel of
    // a paid order is a refund at the gateway: the journal knows it as reversed).
    let kept: Vec<_> = orders
        .iter()
        .filter(|o| o.charges >= 1 && charged(o.state) && journal.get(&o.order_no) != Some(&EntryState::Reversed))
        .collect();
    let taken: u64 = kept.iter().map(|o| o.amount).sum();
    let refunded: u64 = kept.iter().map(|o| o.refunded).sum();
    let held: u64 = orders.iter().filter(|o| o.charges >= 1 && charged(o.state)).map(|o| o.amount - o.refunded).sum();
    assert_eq!((r.taken.count, r.taken.amount.fen()), (kept.len() as u64, taken), "{g}: taken");
    assert_eq!(r.refunded.amount.fen(), refunded, "{g}: refunded");
    assert_eq!(r.net_fen, held as i64, "{g}: net = what the gateway holds");
    let wallets: u64 = r.taken_by_wallet.iter().map(|t| t.amount.fen()).sum();
    let methods: u64 = r.taken_by_method.iter().map(|t| t.amount.fen()).sum();
    assert_eq!((wallets, methods), (taken, taken), "{g}: every fen taken has a wallet and a method");
    assert_eq!(tally(&r.taken_by_wallet, "unknown"), (0, 0), "{g}: {:?}", r.taken_by_wallet);
    let reversed: Vec<_> = journal.iter().filter(|(_, s)| **s == EntryState::Reversed).collect();
    assert_eq!(r.cancelled.count, reversed.len() as u64, "{g}: cancelled");
    let failed = orders.iter().filter(|o| o.state == SimState::Failed).count() as u64;
    assert_eq!(tally(&r.payments, "failed").0, failed, "{g}: failed");
    assert!(r.open.is_empty(), "{g}: nothing open after a clean day: {:?}", r.open);
    assert_eq!(r.merchant, kit::client(sb, g).merchant(), "{g}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_days_report_equals_the_sandboxs_books_on_every_gateway() {
    let sb = Sandbox::start().await.unwrap();
    for &g in GATEWAYS {
        let r = day(&sb, g).await;
        let method = if g == GatewayId::Sunmi { Method::Prepay } else { Method::Barcode };
        assert!(tally(&r.taken_by_method, method.as_str()).0 >= 3, "{g}: {:?}", r.taken_by_method);
        if g != GatewayId::Sunmi {
            assert_eq!(tally(&r.taken_by_method, "qr"), (1, 1234), "{g}");
            assert!(tally(&r.taken_by_wallet, "wechat").0 >= 4, "{g}: {:?}", r.taken_by_wallet);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsettled_payment_is_handed_over_with_its_reason() {
    let sb = Sandbox::start().await.unwrap();
    let g = GatewayId::Chaoying;
    let engine = engine(client(&sb, g));
    let from = now_ms() - 1;
    // Every answer is lost after the gateway acted: the payment is open when the shift ends
    // (its machine keeps asking in the background).
    let lost = RandomFaults::new(1, 1.0, &[Fault::ResetAfterCommit]);
    sb.set_faults(Some(std::sync::Arc::new(lost) as std::sync::Arc<dyn FaultPlan>));
    let no = new_no("SU");
    let _handle = engine.start_payment(kit::pay_request("shift", &no, "0000", 880), None).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let r = shift::report(engine.journal(), from, now_ms() + 1).unwrap();
    let g_report = &r.gateways[0];
    assert_eq!(g_report.taken.count, 0);
    assert_eq!(g_report.open.len(), 1, "{r:?}");
    assert_eq!((g_report.open[0].number.as_str(), g_report.open[0].amount), (no.as_str(), fen(880)));
    assert!(!g_report.open[0].reason.is_empty());
    sb.set_faults(None);
}

/// A paid payment cancelled after the shift changed: the first shift took it, the second gave
/// it back; the two reports add up to what the gateway holds (nothing), and the first reads the
/// same after the cancel as before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_after_the_shift_change_gives_back_in_the_later_shift() {
    let sb = Sandbox::start().await.unwrap();
    for g in [GatewayId::Chaoying, GatewayId::Tlinx] {
        let engine = engine(client(&sb, g));
        let from = now_ms() - 1;
        let no = new_no("SX");
        let (op, params, _) = charge(g, &no, "0000", 2600);
        engine.invoke(op, params).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let change = now_ms();
        let first = engine.shift_report(from, change).unwrap();
        let r = engine.cancel(&no).await.unwrap();
        assert!(matches!(r.state, TradeState::Reversed | TradeState::Refunded), "{g}: {r:?}");
        let to = now_ms() + 1;
        assert_eq!(engine.shift_report(from, change).unwrap(), first, "{g}: the first shift reads the same");
        let a = &first.gateways[0];
        assert_eq!((a.taken.amount.fen(), a.net_fen, tally(&a.payments, "paid").0), (2600, 2600, 1), "{g}");
        let second = engine.shift_report(change, to).unwrap();
        let b = &second.gateways[0];
        assert_eq!((b.taken.count, b.refunded.amount.fen(), b.cancelled.count, b.net_fen), (0, 2600, 1, -2600), "{g}");
        // One report over both shifts: nothing taken, nothing given back.
        let whole = &engine.shift_report(from, to).unwrap().gateways[0];
        assert_eq!((whole.taken.count, whole.refunded.count, whole.net_fen), (0, 0, 0), "{g}");
        let o = sb.orders().into_iter().find(|o| o.order_no == no).unwrap();
        let holds = matches!(o.state, SimState::Paid | SimState::PartiallyRefunded) && o.refunded < o.amount;
        assert!(o.charges == 1 && !holds, "{g}: the gateway gave the money back: {o:?}");
    }
}
