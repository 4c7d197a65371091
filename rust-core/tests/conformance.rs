//! The conformance suite every gateway joins: run over each gateway the sandbox simulates
//! (`kit::GATEWAYS`), so a gateway added to the registry and the sandbox is held to all of it by
//! giving the kit its charge.

mod kit;

use std::collections::BTreeSet;

use kit::*;
use posgate_core::journal::{EntryKind, EntryState};
use posgate_core::{Effect, Error, RefundRequest, TradeState};
use posgate_sandbox::Sandbox;

/// Every operation has one snake_case name, a summary and an effect; unknown names are
/// `Unsupported` from `invoke` and `describe` alike.
#[tokio::test]
async fn operations_are_listed_once_with_their_effect() {
    let sb = Sandbox::start().await.unwrap();
    for &g in GATEWAYS {
        let gw = client(&sb, g);
        let ops = gw.operations();
        assert!(!ops.is_empty(), "{g}");
        let names: BTreeSet<_> = ops.iter().map(|o| o.name).collect();
        assert_eq!(names.len(), ops.len(), "{g}: names are unique");
        for o in ops {
            let snake = o.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            assert!(snake && !o.name.starts_with('_'), "{g}: {} is not snake_case", o.name);
            assert!(!o.summary.is_empty(), "{g}: {} has no summary", o.name);
            // No operation shadows a common operation's name.
            assert!(
                !["pay", "query", "refund", "refund_query", "cancel", "close"].contains(&o.name),
                "{g}: {}",
                o.name
            );
        }
        assert!(ops.iter().any(|o| o.effect.moves_money()), "{g}: some operation moves money");
        assert!(matches!(gw.invoke("no_such_op", serde_json::json!({})).await, Err(Error::Unsupported { .. })));
        assert!(matches!(gw.describe("no_such_op", &serde_json::json!({})), Err(Error::Unsupported { .. })));
    }
}

/// Bad input is refused with the field named before anything is sent, on every operation.
#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let sb = Sandbox::start().await.unwrap();
    let seen = Requests::install(&sb);
    for &g in GATEWAYS {
        let gw = client(&sb, g);
        let engine = engine(gw.clone());
        for o in gw.operations() {
            // Not an object of the request's shape: refused naming the operation's params.
            let e = gw.invoke(o.name, serde_json::json!("not a request")).await.unwrap_err();
            assert_eq!(field_of(&e), format!("{}.params", o.name), "{g}");
            let e = engine.invoke(o.name, serde_json::json!(42)).await.unwrap_err();
            assert_eq!(field_of(&e), format!("{}.params", o.name), "{g}");
        }
        assert_eq!(field_of(&gw.query("bad order no!").await.unwrap_err()), "order_no", "{g}");
        let zero = RefundRequest {
            order_no: new_no("CF"),
            refund_no: new_no("CFR"),
            refund_amount: posgate_core::Money::ZERO,
            total_amount: Some(fen(100)),
            reason: None,
        };
        assert_eq!(field_of(&engine.refund(&zero).await.unwrap_err()), "refund_amount", "{g}");
        // A charge with a zero amount: refused by the declaration, never journalled as sent.
        let no = new_no("CF");
        let (op, mut params, _) = charge(g, &no, "0000", 100);
        for k in ["total_fee", "trade_amount", "totalAmount", "amount"] {
            if params.get(k).is_some() {
                params[k] = 0.into();
            }
        }
        let e = engine.invoke(op, params).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{g}: {e:?}");
        let sent = engine.journal().get(EntryKind::Payment, g, &no).unwrap();
        assert!(sent.as_ref().is_none_or(|e| e.attempts == 0 || e.state == EntryState::Failed), "{g}: {sent:?}");
    }
    assert_eq!(seen.total(), 0, "nothing reached any gateway");
}

/// The sandbox's scenario table holds on every gateway: paid at once, paying then paid,
/// declined. Each charge is journalled by its declared effect and ends settled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_table_holds_on_every_gateway() {
    let sb = Sandbox::start().await.unwrap();
    for &g in GATEWAYS {
        let engine = engine(client(&sb, g));
        for (last4, expected) in [("0000", TradeState::Paid), ("1001", TradeState::Paid), ("3001", TradeState::Failed)]
        {
            let no = new_no("CF");
            let (op, params, preorder) = charge(g, &no, last4, 250);
            let described = engine.gateway().describe(op, &params).unwrap();
            let r = if preorder {
                assert_eq!(described.effect, Effect::PreOrder, "{g}");
                match engine.invoke(op, params).await {
                    Ok(_) => engine.follow_preorder(&no, None).await.unwrap(),
                    // A declined payer refuses the prepay itself.
                    Err(Error::GatewayRejected { .. }) => posgate_core::TradeResult::new(&no, TradeState::Failed),
                    Err(e) => panic!("{g} {last4}: {e}"),
                }
            } else {
                assert_eq!(described.effect, Effect::Charge, "{g}");
                let v = engine.invoke(op, params).await.unwrap();
                serde_json::from_value(v).unwrap()
            };
            assert_eq!(r.state, expected, "{g} {last4}: {r:?}");
            let entry = engine.journal().get(EntryKind::Payment, g, &no).unwrap().expect("journalled");
            assert!(entry.state.is_settled(), "{g} {last4}: {entry:?}");
            assert_eq!(entry.amount, fen(250), "{g}");
        }
    }
}

/// Notifications are verified on the raw received fields: a genuine one passes, any changed
/// field or a missing signature is rejected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_notifications_are_rejected() {
    let sb = Sandbox::start().await.unwrap();
    for &g in GATEWAYS {
        let gw = client(&sb, g);
        let no = new_no("CF");
        let (_, _, ack) = preorder(g, &no, 100, "");
        let (url, seen) = notify_server(ack).await;
        let (op, params, _) = preorder(g, &no, 100, &url);
        gw.invoke(op, params).await.unwrap();
        sb.pay_preorder(g, &no).await.unwrap();
        let genuine = seen.fields().first().cloned().expect("the sandbox posted a notification");
        assert!(gw.verify_notification(&genuine).is_ok(), "{g}: the genuine notification verifies");
        for key in genuine.keys().filter(|k| !k.contains("sign")) {
            let mut t = genuine.clone();
            let v = t.get_mut(key).unwrap();
            v.push('9');
            assert!(gw.verify_notification(&t).is_err(), "{g}: {key} changed, still verified");
        }
        // A JSON envelope body (MMSP): each member of its Body changed, under the same Sign.
        for (member, t) in body_member_changes(&genuine) {
            assert!(gw.verify_notification(&t).is_err(), "{g}: Body member {member} changed, still verified");
        }
        assert!(gw.verify_notification(&unsigned(&genuine)).is_err(), "{g}: unsigned, still verified");
    }
}
