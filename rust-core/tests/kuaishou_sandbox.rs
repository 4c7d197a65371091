//! Kuaishou client against the sandbox simulator, over real HTTP on 127.0.0.1: every operation,
//! the scenario table, 3DES both ways (the sandbox merchant encrypts), plain credentials, XML
//! answers and notifications.

mod kit;

use kit::{barcode, code_of, config, fen, field_of, merchant_receiver, new_no, sim, Events};
use posgate_core::kuaishou::{self, protocol, *};
use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::{pay_and_wait, Gateway, GatewayId, PayRequest, RefundRequest, RefundState, Secret, TradeState};
use posgate_sandbox::kuaishou::{BUSI_CODE, KEY};
use posgate_sandbox::{Sandbox, SimState};
use serde_json::json;

fn pay_req(order_no: &str, last4: &str, amount: i64) -> PayRequest {
    kit::pay_request("快收测试", order_no, last4, amount)
}

async fn start() -> (Sandbox, kuaishou::Client) {
    kit::setup(GatewayId::Kuaishou, kuaishou::Client::new).await
}

fn barcode_order(no: &str, last4: &str, amount: i64) -> BarcodePreOrderRequest {
    serde_json::from_value(json!({"charge_code": no, "amount": amount, "dynamic_id": barcode(last4),
        "subject": "快收测试", "verify_codes": format!("V{no}"), "merchant_para": "table 7"}))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn barcode_paid_then_every_lookup() {
    let (sb, client) = start().await;
    let no = new_no("K0");
    let a = client.barcode_pre_order(&barcode_order(&no, "0000", 1234)).await.unwrap();
    assert!(a.result.code.is_success());
    assert_eq!((a.amt, a.channel_type.clone()), (Some(fen(1234)), Some(ChannelType::Wechat)));
    assert_eq!(a.fund_bills[0].amount, Some(fen(1234)), "FUND_BILL_LIST in yuan, read as fen");
    assert_eq!(a.merchant_para.as_ref().and_then(|p| p.text.as_deref()), Some("table 7"));
    let down = a.charge_down_code.clone().unwrap();

    let q = client.query(&no).await.unwrap();
    assert_eq!(
        (q.state, q.amount, q.gateway_trade_no.as_deref()),
        (TradeState::Paid, Some(fen(1234)), Some(down.as_str()))
    );
    let by_down =
        client.trade_query(&TradeQueryRequest { code: down.clone(), ser_type: SerType::ChargeDownCode }).await.unwrap();
    assert_eq!(by_down.charge_code.as_deref(), Some(no.as_str()));
    let by_verify =
        client.trade_query(&TradeQueryRequest { code: format!("V{no}"), ser_type: SerType::VerifyCode }).await.unwrap();
    assert_eq!((by_verify.state, by_verify.real_amt), (Some(State::Paid), Some(fen(1234))));
    // An order nobody made: CHARGE_NONEXISTENT, which says the order never arrived.
    let e = client.query(&new_no("K0")).await.unwrap_err();
    assert_eq!(code_of(&e), "CHARGE_NONEXISTENT");
    assert!(client.is_order_not_found(&e));
    assert_eq!(sim(&sb, GatewayId::Kuaishou, &no).unwrap().charges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_table() {
    let (sb, client) = start().await;
    let events = Events::default();
    // 1NNN: FAIL while the payer confirms (unknown), then paid by query.
    let no = new_no("K1");
    let r = pay_and_wait(&client, &pay_req(&no, "1001", 500), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 1, "queried after the unknown answer");
    // 3001 declined: FAIL is unknown, the query's STATE 6 settles it failed.
    let no = new_no("K3");
    let first = client.pay(&pay_req(&no, "3001", 500)).await.unwrap();
    assert_eq!((first.state, first.gateway_code.as_deref()), (TradeState::Unknown, Some("FAIL")));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Failed);
    // 3002 invalid code: a definite refusal.
    let e = client.pay(&pay_req(&new_no("K3"), "3002", 500)).await.unwrap_err();
    assert_eq!(code_of(&e), "ILLEGAL_PARAMETER");
    assert!(client.is_definite(&e));
    // 4001 system error although charged: unknown, and the query finds it paid.
    let no = new_no("K4");
    let r = client.pay(&pay_req(&no, "4001", 500)).await.unwrap();
    assert_eq!((r.state, r.gateway_code.as_deref()), (TradeState::Unknown, Some("SERVICE_UNAVAILABLE")));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
    // The same charge code again: SERIAL_REPEAT, unknown (never a new number); the query tells.
    let again = client.pay(&pay_req(&no, "0000", 500)).await.unwrap();
    assert_eq!((again.state, again.gateway_code.as_deref()), (TradeState::Unknown, Some("SERIAL_REPEAT")));
    assert_eq!(sim(&sb, GatewayId::Kuaishou, &no).unwrap().charges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_by_state_and_cancels() {
    let (sb, client) = start().await;
    let no = new_no("KR");
    assert_eq!(client.pay(&pay_req(&no, "0000", 1000)).await.unwrap().state, TradeState::Paid);
    let refund = |refund_no: &str, fen_: i64| RefundRequest {
        order_no: no.clone(),
        refund_no: refund_no.into(),
        refund_amount: fen(fen_),
        total_amount: Some(fen(1000)),
        reason: None,
    };
    let r1 = new_no("KRR");
    assert_eq!(client.refund(&refund(&r1, 300)).await.unwrap().state, RefundState::Success);
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::PartiallyRefunded);
    assert_eq!(client.refund_query(&no, &r1).await.unwrap().state, RefundState::Success);
    // The same refund number with another amount: SERIAL_REPEAT, unknown (not failed).
    let r = client.refund(&refund(&r1, 301)).await.unwrap();
    assert_eq!((r.state, r.gateway_code.as_deref()), (RefundState::Unknown, Some("SERIAL_REPEAT")));
    // More than is left: AMT_ERROR, definite.
    let e = client.refund(&refund(&new_no("KRR"), 800)).await.unwrap_err();
    assert_eq!(code_of(&e), "AMT_ERROR");
    assert_eq!(client.refund(&refund(&new_no("KRR"), 700)).await.unwrap().state, RefundState::Success);
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Refunded);
    assert_eq!(sim(&sb, GatewayId::Kuaishou, &no).unwrap().refunded, 1000);

    // A paid order with no refund: a refund of it never arrived.
    let paid = new_no("KC");
    client.pay(&pay_req(&paid, "0000", 200)).await.unwrap();
    let e = client.refund_query(&paid, "KRX1").await.unwrap_err();
    assert!(client.is_order_not_found(&e), "{e:?}");
    // Cancelled in real time (a paid order is reversed), confirmed by query; again: already done.
    assert_eq!(client.cancel(&paid).await.unwrap().state, TradeState::Reversed);
    assert_eq!(sim(&sb, GatewayId::Kuaishou, &paid).unwrap().state, SimState::Reversed);
    let again = client.cancel_trade(&CancelTradeRequest::real_time(&paid)).await.unwrap();
    assert_eq!(again.result.code, ResultCode::AreadyRevoked);
    // Applied for (ACO).
    let aco = new_no("KC");
    client.pay(&pay_req(&aco, "1060", 200)).await.unwrap();
    let a = client.cancel_trade(&CancelTradeRequest { charge_code: aco.clone(), apply: true }).await.unwrap();
    assert!(a.cancelled());
    assert_eq!(client.query(&aco).await.unwrap().state, TradeState::Reversed);
    let e = client.cancel(&new_no("KC")).await.unwrap_err();
    assert_eq!(code_of(&e), "CHARGE_NONEXISTENT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_and_jsapi_orders_with_notifications() {
    let (sb, client) = start().await;
    let key = Secret::new(KEY);
    let (url, seen) = merchant_receiver("/notify", move |f| kuaishou::verify_notification(f, &key)).await;
    // A QR order notified as JSON (the client adds `_type=json`), 3DES (the merchant encrypts).
    let no = new_no("KQ");
    let qr: QrOrderRequest = serde_json::from_value(json!({"charge_code": no, "amount": 880, "subject": "QR",
        "channel_type": "2", "notify_url": url, "time_expire": 300}))
    .unwrap();
    let a = client.order(&qr).await.unwrap();
    assert!(a.bar_code.unwrap().starts_with("weixin://wxpay/bizpayurl?pr="));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paying);
    assert_eq!(sb.pay_preorder(GatewayId::Kuaishou, &no).await.unwrap().as_deref(), Some(NOTIFY_ACK));
    let (fields, ack) = seen.wait_for(1).await.remove(0);
    assert_eq!((fields["_type"].as_str(), fields["encrypt"].as_str(), ack.as_str()), ("json", "3DES", NOTIFY_ACK));
    let n = client.verify_notification(&fields).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.amount), (no.as_str(), TradeState::Paid, Some(fen(880))));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);

    // A JSAPI order whose notify URL asks for XML: notified as XML (3DES), verified the same.
    let js_no = new_no("KJ");
    let js: JsapiOrderRequest = serde_json::from_value(json!({"charge_code": js_no, "amount": 990, "subject": "JS",
        "notify_url": format!("{url}?_type=xml"), "sub_appid": "wxb1c959c78e070e58",
        "sub_openid": "oa58kwTYbuSGryFQKk8SOu-VMi-M"}))
    .unwrap();
    let a = client.jsapi_order(&js).await.unwrap();
    assert_eq!(a.wechat_params().len(), 6);
    sb.pay_preorder(GatewayId::Kuaishou, &js_no).await.unwrap();
    let (fields, ack) = seen.wait_for(2).await.remove(1);
    assert_eq!((fields["_type"].as_str(), ack.as_str()), ("xml", NOTIFY_ACK));
    let text = protocol::decrypt(KEY, &fields["body"]).unwrap();
    assert!(text.starts_with("<?xml") && text.contains("<PAY_NODIFY>"), "{text}");
    assert_eq!(client.verify_notification(&fields).unwrap().order_no, js_no);
    // Refused before sending: no openid.
    let bad: JsapiOrderRequest = serde_json::from_value(json!({"charge_code": new_no("KJ"), "amount": 1,
        "subject": "x", "sub_openid": ""}))
    .unwrap();
    assert_eq!(field_of(&client.jsapi_order(&bad).await.unwrap_err()), "sub_openid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_credentials_xml_answers_bad_keys_and_flow_recharge() {
    let sb = Sandbox::start().await.unwrap();
    // In clear, timestamps in seconds.
    let mut cfg = config(&sb, GatewayId::Kuaishou);
    cfg.credentials = posgate_core::Credentials::Kuaishou(Credentials::new(BUSI_CODE, Secret::new(KEY)));
    let plain = kuaishou::Client::new(cfg.clone()).unwrap();
    let no = new_no("KP");
    assert_eq!(plain.pay(&pay_req(&no, "0000", 100)).await.unwrap().state, TradeState::Paid);
    // The simulator answers XML when `_type` is not json: a raw signed GET of the query.
    let http = Transport::new(TransportConfig { allow_http: true, ..Default::default() }).unwrap();
    let url = format!("{}/query/{no}/{BUSI_CODE}", cfg.base_url);
    let q = [("sign", protocol::sign("1", KEY, &no)), ("_type", "xml".into()), ("busiCode", BUSI_CODE.into())]
        .map(|(k, v)| (k.to_string(), v));
    let xml = http.get(&url, &q).await.unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    let doc = protocol::document(&xml).unwrap();
    assert_eq!(protocol::member(&doc, "QUERY_RESP").unwrap()["STATE"], "1");
    // A wrong key: INVALID_SIGN, definite.
    let mut wrong = cfg.clone();
    wrong.credentials = posgate_core::Credentials::Kuaishou(Credentials::new(BUSI_CODE, Secret::new("not the key")));
    let wrong = kuaishou::Client::new(wrong).unwrap();
    let e = wrong.query(&no).await.unwrap_err();
    assert_eq!(code_of(&e), "INVALID_SIGN");
    // Another merchant: UNREGISTERED_BUSI.
    let mut other = cfg.clone();
    other.credentials = posgate_core::Credentials::Kuaishou(Credentials::new("0099", Secret::new(KEY)));
    assert_eq!(code_of(&kuaishou::Client::new(other).unwrap().query(&no).await.unwrap_err()), "UNREGISTERED_BUSI");
    // flowRecharge on its own service: not a payment, accepted and recharging.
    let f = plain
        .flow_recharge(&FlowRechargeRequest {
            phone_no: "13812345678".into(),
            flow_val: 100,
            flow_type: None,
            notify_url: None,
        })
        .await
        .unwrap();
    assert_eq!(f.flow.unwrap().status, Some(FlowStatus::Recharging));
}

/// Kuaishou's refund query reads the order's state: with a refund of the order already through,
/// "partly refunded" cannot tell whether a second refund, whose request was lost, went through.
/// The engine takes it as neither refunded nor failed: the refund needs a person.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_refund_is_not_settled_by_the_order_state_of_the_first() {
    use posgate_core::engine::Engine;
    use posgate_core::journal::{EntryKind, EntryState, Journal};
    use posgate_sandbox::faults::{Fault, ScriptedFaults};
    use std::sync::Arc;

    let sb = Sandbox::start().await.unwrap();
    let g = GatewayId::Kuaishou;
    let journal = Arc::new(Journal::in_memory().unwrap());
    let engine =
        Engine::on_current_runtime(kit::client_with(&sb, g, kit::schedule(3000, 500)), journal.clone()).unwrap();
    let no = new_no("KS");
    assert_eq!(engine.pay(pay_req(&no, "0000", 500), None).await.unwrap().state, TradeState::Paid);
    let refund = |refund_no: &str, fen_: i64| RefundRequest {
        order_no: no.clone(),
        refund_no: refund_no.to_string(),
        refund_amount: fen(fen_),
        total_amount: Some(fen(500)),
        reason: None,
    };
    let (first, second) = (new_no("KR"), new_no("KR"));
    assert_eq!(engine.refund(&refund(&first, 200)).await.unwrap().state, RefundState::Success);
    // The second refund's request is reset before the gateway reads it: it never went through.
    sb.set_faults(Some(Arc::new(ScriptedFaults::new(vec![Some(Fault::ResetBeforeCommit)]))));
    let r = engine.refund(&refund(&second, 100)).await.unwrap();
    assert_eq!(r.state, RefundState::Unknown, "{r:?}");
    assert_eq!(sim(&sb, g, &no).unwrap().refunded, 200, "only the first went through");
    let e = journal.get(EntryKind::Refund, g, &second).unwrap().unwrap();
    assert_eq!(e.state, EntryState::NeedsAttention, "{e:?}");
    assert!(e.note.as_deref().is_some_and(|n| n.contains("cannot tell this refund")), "{e:?}");
    let first_entry = journal.get(EntryKind::Refund, g, &first).unwrap().unwrap();
    assert_eq!(first_entry.state, EntryState::Refunded);
}
