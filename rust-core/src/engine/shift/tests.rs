use super::*;
use crate::journal::{Method, Origin};
use crate::trade::GatewayId;

const FROM: i64 = 1_796_140_800_000; // 2026-12-02 00:00 Beijing
const TO: i64 = FROM + 24 * 3_600_000;

struct E(Entry);

impl E {
    fn new(kind: EntryKind, gateway: GatewayId, number: &str, fen: i64, state: EntryState) -> E {
        E(Entry {
            id: 0,
            kind,
            gateway,
            number: number.into(),
            order_no: number.into(),
            amount: Money::from_fen(fen, "amount").unwrap(),
            state,
            attempts: 1,
            created_at_ms: FROM + 3_600_000,
            updated_at_ms: FROM + 3_600_000,
            first_sent_at_ms: Some(FROM + 3_600_000),
            last_answer: None,
            note: None,
            request: "{}".into(),
            origin: Origin { method: None, wallet: None, merchant: Some("M1".into()) },
        })
    }
    fn pay(number: &str, fen: i64, state: EntryState, method: Method, wallet: &str) -> E {
        let mut e = E::new(EntryKind::Payment, GatewayId::Chaoying, number, fen, state);
        e.0.origin.method = Some(method);
        e.0.origin.wallet = (!wallet.is_empty()).then(|| wallet.to_string());
        e
    }
    fn order(mut self, order_no: &str) -> E {
        self.0.order_no = order_no.into();
        self
    }
    fn at(mut self, ms: i64) -> E {
        self.0.created_at_ms = ms;
        self
    }
    fn answer(mut self, json: &str) -> E {
        self.0.last_answer = Some(json.into());
        self
    }
    fn note(mut self, note: &str) -> E {
        self.0.note = Some(note.into());
        self
    }
}

fn tally(ts: &[Tally], key: &str) -> (u64, u64) {
    ts.iter().find(|t| t.key == key).map_or((0, 0), |t| (t.count, t.amount.fen()))
}

/// A day at one Chaoying merchant: what each number must come to, worked out by hand.
fn day() -> Vec<Entry> {
    use EntryState::*;
    vec![
        E::pay("P1", 1000, Paid, Method::Barcode, "wechat").0,
        E::pay("P2", 2550, Paid, Method::Qr, "alipay").0,
        // Paid, then refunded in part (R1, 500).
        E::pay("P3", 3000, Paid, Method::Barcode, "wechat").0,
        E::new(EntryKind::Refund, GatewayId::Chaoying, "R1", 500, Refunded).order("P3").0,
        // Paid, refunded in full by its own refund (R2): returned once, not twice.
        E::pay("P4", 800, Refunded, Method::Face, "").answer(r#"{"channel":"WEIXIN"}"#).0,
        E::new(EntryKind::Refund, GatewayId::Chaoying, "R2", 800, Refunded).order("P4").0,
        // Paid and returned by its gateway without a refund entry (a reversal of a paid order).
        E::pay("P5", 1200, Refunded, Method::Barcode, "unionpay").0,
        // Reversed before it settled: nothing taken.
        E::pay("P6", 999, Reversed, Method::Barcode, "wechat").0,
        E::new(EntryKind::Cancel, GatewayId::Chaoying, "P6", 999, Reversed).0,
        E::pay("P7", 450, Closed, Method::Qr, "wechat").0,
        E::pay("P8", 100, Failed, Method::Barcode, "alipay").0,
        // A prepay whose wallet only its answer names.
        E::pay("P9", 700, Paid, Method::Prepay, "").answer(r#"{"channel":"ALIPAY"}"#).0,
        // Refund of an order of yesterday: counts today.
        E::new(EntryKind::Refund, GatewayId::Chaoying, "R3", 300, Refunded).order("OLD").0,
        // A failed refund returns nothing.
        E::new(EntryKind::Refund, GatewayId::Chaoying, "R4", 100, Failed).order("P1").0,
    ]
}

fn open() -> Vec<Entry> {
    vec![
        E::pay("P10", 5000, EntryState::NeedsAttention, Method::Barcode, "wechat")
            .note("the gateway refused both the reverse and the refund")
            .0,
        E::pay("P11", 60, EntryState::Unknown, Method::Barcode, "wechat").0,
        // Yesterday's, still open: handed over too.
        E::pay("Y1", 70, EntryState::Paying, Method::Qr, "wechat").at(FROM - 1000).0,
    ]
}

fn report(shift: &[Entry], open: &[Entry]) -> ShiftReport {
    ShiftReport::build(FROM, TO, shift, open, &[]).unwrap()
}

#[test]
fn a_day_adds_up_to_the_hand_worked_figures() {
    let mut shift = day();
    shift.extend(open().into_iter().filter(|e| e.created_at_ms >= FROM));
    let r = report(&shift, &open());
    assert_eq!(r.gateways.len(), 1);
    let g = &r.gateways[0];
    assert_eq!((g.gateway.as_str(), g.merchant.as_str()), ("chaoying", "M1"));
    // Taken: P1 1000 + P2 2550 + P3 3000 + P4 800 + P5 1200 + P9 700 = 9250 in 6.
    assert_eq!((g.taken.count, g.taken.amount.fen()), (6, 9250));
    assert_eq!(tally(&g.taken_by_wallet, "wechat"), (3, 4800)); // P1, P3, P4 (its answer: WEIXIN)
    assert_eq!(tally(&g.taken_by_wallet, "alipay"), (2, 3250)); // P2, P9 (its answer: ALIPAY)
    assert_eq!(tally(&g.taken_by_wallet, "unionpay"), (1, 1200));
    assert_eq!(tally(&g.taken_by_method, "barcode"), (3, 5200));
    assert_eq!(tally(&g.taken_by_method, "qr"), (1, 2550));
    assert_eq!(tally(&g.taken_by_method, "face"), (1, 800));
    assert_eq!(tally(&g.taken_by_method, "prepay"), (1, 700));
    // Refunded: R1 500 + R2 800 + R3 300 + P5 1200 (returned without a refund) = 2800 in 4.
    assert_eq!((g.refunded.count, g.refunded.amount.fen()), (4, 2800));
    assert_eq!((g.cancelled.count, g.cancelled.amount.fen()), (1, 999));
    assert_eq!(g.paid_out.count, 0);
    assert_eq!(g.net_fen, 9250 - 2800);
    // P3 is paid and refunded in part by R1; P4 by R2 in full, P5 by its gateway.
    assert_eq!(tally(&g.payments, "paid"), (3, 1000 + 2550 + 700));
    assert_eq!(tally(&g.payments, "partially_refunded"), (1, 3000));
    assert_eq!(tally(&g.payments, "refunded"), (2, 2000));
    assert_eq!(tally(&g.payments, "reversed"), (1, 999));
    assert_eq!(tally(&g.payments, "closed"), (1, 450));
    assert_eq!(tally(&g.payments, "failed"), (1, 100));
    assert_eq!(tally(&g.payments, "needs_attention"), (1, 5000));
    assert_eq!(tally(&g.payments, "unknown"), (1, 60));
    let open: Vec<_> = g.open.iter().map(|o| (o.number.as_str(), o.state.as_str())).collect();
    assert_eq!(open, [("P10", "needs_attention"), ("P11", "unknown"), ("Y1", "paying")]);
    assert_eq!(g.open[0].reason, "the gateway refused both the reverse and the refund");
    assert!(g.open[1].reason.contains("recovery"), "{}", g.open[1].reason);
}

#[test]
fn the_same_entries_in_any_order_give_the_same_report() {
    let shift = day();
    let open = open();
    let first = report(&shift, &open);
    // A deterministic shuffle: every rotation and the reverse.
    for k in 0..shift.len() {
        let mut s = shift.clone();
        s.rotate_left(k);
        let mut o = open.clone();
        let n = o.len();
        o.rotate_left(k % n);
        assert_eq!(report(&s, &o), first, "rotation {k}");
        s.reverse();
        assert_eq!(report(&s, &o), first, "reversed rotation {k}");
        assert_eq!(report(&s, &o).receipt, first.receipt);
    }
}

#[test]
fn gateways_and_merchants_are_reported_apart() {
    let mut other = E::new(EntryKind::Payment, GatewayId::Tlinx, "T1", 100, EntryState::Paid);
    other.0.origin.merchant = Some("M2".into());
    let mut second = E::pay("P1", 200, EntryState::Paid, Method::Barcode, "wechat");
    second.0.origin.merchant = Some("M9".into());
    second.0.number = "Q1".into();
    let mut unknown = E::pay("U1", 300, EntryState::Paid, Method::Barcode, "wechat");
    unknown.0.origin = Origin::default();
    let r = report(&[E::pay("P1", 100, EntryState::Paid, Method::Barcode, "").0, other.0, second.0, unknown.0], &[]);
    let keys: Vec<_> =
        r.gateways.iter().map(|g| (g.gateway.as_str(), g.merchant.as_str(), g.taken.amount.fen())).collect();
    assert_eq!(
        keys,
        [("chaoying", "M1", 100), ("chaoying", "M9", 200), ("chaoying", "unknown", 300), ("tlinx", "M2", 100)]
    );
    assert_eq!(tally(&r.gateways[0].taken_by_wallet, "unknown"), (1, 100));
}

#[test]
fn a_later_refund_is_not_counted_twice() {
    // P4 ended refunded today; its refund entry is tomorrow's: today counts nothing returned
    // for it (tomorrow's report counts the refund).
    let p = E::pay("P4", 800, EntryState::Refunded, Method::Barcode, "wechat").0;
    let later =
        E::new(EntryKind::Refund, GatewayId::Chaoying, "R9", 800, EntryState::Refunded).order("P4").at(TO + 5).0;
    let r = ShiftReport::build(FROM, TO, std::slice::from_ref(&p), &[], &[later]).unwrap();
    assert_eq!(r.gateways[0].refunded.count, 0);
    let r = ShiftReport::build(FROM, TO, &[p], &[], &[]).unwrap();
    assert_eq!(r.gateways[0].refunded.amount.fen(), 800);
}

/// A paid payment of today reversed by a cancel made tomorrow: today it was taken (and reads
/// so whenever today's report is printed); tomorrow gives the money back.
#[test]
fn a_reversal_counts_in_the_shift_of_its_cancel() {
    let p = E::pay("P1", 800, EntryState::Reversed, Method::Barcode, "wechat").0;
    let mut c = E::new(EntryKind::Cancel, GatewayId::Chaoying, "P1", 800, EntryState::Reversed).at(TO + 600_000).0;
    c.request = CANCELLED_PAID.into();
    let today = ShiftReport::build(FROM, TO, std::slice::from_ref(&p), &[], std::slice::from_ref(&c)).unwrap();
    let g = &today.gateways[0];
    assert_eq!(tally(&g.payments, "paid"), (1, 800));
    assert_eq!((g.taken.amount.fen(), g.refunded.count, g.net_fen), (800, 0, 800));
    let tomorrow =
        ShiftReport::build(TO, TO + 86_400_000, std::slice::from_ref(&c), &[], std::slice::from_ref(&p)).unwrap();
    let g = &tomorrow.gateways[0];
    assert_eq!((g.taken.count, g.refunded.amount.fen(), g.cancelled.count, g.net_fen), (0, 800, 1, -800));

    // Cancelled the same day: nothing taken, nothing given back.
    let same = E::new(EntryKind::Cancel, GatewayId::Chaoying, "P1", 800, EntryState::Reversed).0;
    let mut same_paid = same.clone();
    same_paid.request = CANCELLED_PAID.into();
    let r = report(&[p.clone(), same_paid], &[]);
    let g = &r.gateways[0];
    assert_eq!((g.taken.count, g.refunded.count, g.cancelled.count, g.net_fen), (0, 0, 1, 0));
    // Tomorrow's cancel stopped a payment still paying (its request says nothing was paid):
    // nothing was taken today, nothing is given back tomorrow.
    let stopped = same.clone();
    let stopped = E(stopped).at(TO + 600_000).0;
    let today = ShiftReport::build(FROM, TO, std::slice::from_ref(&p), &[], std::slice::from_ref(&stopped)).unwrap();
    assert_eq!((today.gateways[0].taken.count, today.gateways[0].net_fen), (0, 0));
    let tomorrow = ShiftReport::build(TO, TO + 86_400_000, &[stopped], &[], &[p]).unwrap();
    assert_eq!((tomorrow.gateways[0].refunded.count, tomorrow.gateways[0].net_fen), (0, 0));
}

#[test]
fn sums_of_a_corrupt_journal_saturate_instead_of_wrapping() {
    let big: Vec<Entry> =
        (0..3).map(|i| E::pay(&format!("B{i}"), i64::MAX, EntryState::Paid, Method::Barcode, "wechat").0).collect();
    let r = report(&big, &[]);
    assert_eq!(r.gateways[0].taken.count, 3);
    assert_eq!(r.gateways[0].taken.amount.fen(), i64::MAX as u64);
}

#[test]
fn an_entry_given_twice_counts_once_in_every_figure() {
    let p = E::pay("P1", 800, EntryState::Paid, Method::Barcode, "wechat").0;
    let r1 = E::new(EntryKind::Refund, GatewayId::Chaoying, "R1", 500, EntryState::Refunded).order("P1").0;
    let r = report(&[p.clone(), r1.clone(), r1.clone(), p], &[]);
    let g = &r.gateways[0];
    // Counted twice, R1 would make P1 read refunded (1000 of 800).
    assert_eq!(tally(&g.payments, "partially_refunded"), (1, 800));
    assert_eq!((g.refunded.count, g.refunded.amount.fen(), g.net_fen), (1, 500, 300));
}

#[test]
fn a_paid_payment_refunded_in_full_by_the_shift_reads_refunded() {
    let p = E::pay("P1", 800, EntryState::Paid, Method::Barcode, "wechat").0;
    let r1 = E::new(EntryKind::Refund, GatewayId::Chaoying, "R1", 300, EntryState::Refunded).order("P1").0;
    let r2 = E::new(EntryKind::Refund, GatewayId::Chaoying, "R2", 500, EntryState::Refunded).order("P1").0;
    let r = report(&[p, r1, r2], &[]);
    let g = &r.gateways[0];
    assert_eq!(tally(&g.payments, "refunded"), (1, 800));
    assert_eq!(tally(&g.payments, "paid"), (0, 0));
    assert_eq!((g.taken.amount.fen(), g.refunded.amount.fen(), g.net_fen), (800, 800, 0));
}

#[test]
fn payouts_count_against_the_net() {
    let mut out = E::new(EntryKind::Payout, GatewayId::Mmsp, "O1", 5000, EntryState::Paid);
    out.0.origin.merchant = Some("M3".into());
    let mut failed = E::new(EntryKind::Payout, GatewayId::Mmsp, "O2", 7000, EntryState::Failed);
    failed.0.origin.merchant = Some("M3".into());
    let r = report(&[out.0, failed.0], &[]);
    let g = &r.gateways[0];
    assert_eq!((g.paid_out.count, g.paid_out.amount.fen()), (1, 5000));
    assert_eq!(g.net_fen, -5000);
    assert!(r.receipt.contains("-50.00"), "{}", r.receipt);
}

#[test]
fn an_empty_shift_and_a_bad_range() {
    let r = report(&[], &[]);
    assert!(r.gateways.is_empty());
    assert!(r.receipt.contains("nothing in this shift"));
    for (from, to, field) in [(TO, FROM, "to"), (FROM, FROM, "to"), (-1, FROM, "from")] {
        match ShiftReport::build(from, to, &[], &[], &[]) {
            Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{from}..{to}: {other:?}"),
        }
    }
}

#[test]
fn the_receipt_shows_every_figure_on_32_columns() {
    let r = report(&day(), &open());
    let text = r.receipt;
    assert!(text.lines().all(|l| super::receipt_width(l) <= 32), "{text}");
    for needle in
        ["2026-12-02 00:00:00", "2026-12-03 00:00:00", "chaoying M1", "92.50", "28.00", "64.50", "OPEN: 3", "P10"]
    {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[test]
fn channel_names_map_to_wallets() {
    for (c, w) in [
        ("WEIXIN", "wechat"),
        ("wxpay", "wechat"),
        ("微信", "wechat"),
        ("ALIPAY", "alipay"),
        ("UPOP", "unionpay"),
        ("QQ", "qq"),
        ("", "unknown"),
        ("Other", "other"),
    ] {
        assert_eq!(wallet_key(c), w, "{c}");
    }
}

/// Card swipes of the terminal's payment app, as `Engine::record_swipe` journals them: a sale, a
/// refund of part of it, a declined card, and a sale found voided when recorded (returned whole
/// by itself while its void is not recorded).
#[test]
fn card_swipes_count_under_their_own_method() {
    use EntryState::*;
    let card = |no: &str, fen: i64, state: EntryState, wallet: &str| E::pay(no, fen, state, Method::Card, wallet);
    let mut refund = E::new(EntryKind::Refund, GatewayId::Chaoying, "SWIPE3", 1000, Refunded).order("SWIPE1");
    refund.0.origin.method = Some(Method::Card);
    let shift = vec![
        card("SWIPE1", 2580, Paid, "unionpay").0,
        card("SWIPE2", 990, Paid, "wechat").0,
        refund.0,
        card("SWIPE4", 500, Failed, "unionpay").0,
        card("SWIPE5", 1200, Refunded, "unionpay").0,
    ];
    let g = &report(&shift, &[]).gateways[0];
    assert_eq!(tally(&g.taken_by_method, "card"), (3, 2580 + 990 + 1200));
    assert_eq!(tally(&g.taken_by_wallet, "unionpay"), (2, 2580 + 1200));
    assert_eq!(tally(&g.taken_by_wallet, "wechat"), (1, 990));
    assert_eq!((g.refunded.count, g.refunded.amount.fen()), (2, 1000 + 1200));
    assert_eq!(tally(&g.payments, "failed"), (1, 500));
    assert_eq!(tally(&g.payments, "partially_refunded"), (1, 2580));
    assert_eq!(g.net_fen, 2580 + 990 - 1000);
    assert!(g.open.is_empty());
    let receipt = report(&shift, &[]).receipt;
    assert!(receipt.lines().any(|l| l.starts_with("  card") && l.ends_with("   3       47.70")), "{receipt}");
}
