//! MMSP quick pay (快捷支付) and gateway pay (网关支付) against the sandbox, over real HTTP on
//! 127.0.0.1: every operation of both sub-APIs (the ones not open at the platform too: the
//! sandbox simulates them), the SMS flow, the card scenarios, the notifications and their
//! signatures.
//!
//! The notifications are verified here with `wire::verify` on the raw envelope, as
//! `Gateway::verify_notification` will (it belongs to the scan-code branch, not yet on this one).

mod kit;

use kit::{code_of, fen, field_of, new_no, receiver, Received};
use posgate_core::mmsp::{self, wire, *};
use posgate_core::{Error, GatewayId, RawFields, Secret, TradeState};
use posgate_sandbox::mmsp::{KEY, SMS_CODE};
use posgate_sandbox::Sandbox;
use serde_json::{json, Map, Value};

async fn start() -> (Sandbox, mmsp::Client) {
    kit::setup(GatewayId::Mmsp, mmsp::Client::new).await
}

/// A card number of the sandbox scenario `last4`.
fn card(last4: &str) -> String {
    format!("622700001383{last4}")
}

/// A merchant's notify URL that verifies each notification's Sign over its raw Body and
/// answers SUCCESS, or `fail` when it does not verify.
async fn merchant() -> (String, Received) {
    receiver("/notify", |fields: &RawFields| {
        let verified = fields
            .get("body")
            .and_then(|b| serde_json::from_str::<Map<String, Value>>(b).ok())
            .is_some_and(|e| wire::verify(wire::PhpJson::default(), &e, KEY).is_ok());
        if verified {
            NOTIFY_ACK.to_string()
        } else {
            "fail".to_string()
        }
    })
    .await
}

/// The Body of the `n`th notification received, once its signature is checked.
async fn notification<T: serde::de::DeserializeOwned>(received: &Received, n: usize) -> T {
    let all = received.wait_for(n).await;
    let (fields, ack) = all.get(n - 1).unwrap_or_else(|| panic!("{n} notifications, got {}", all.len()));
    assert_eq!(ack, NOTIFY_ACK, "the notification verifies");
    let envelope: Map<String, Value> = serde_json::from_str(&fields["body"]).unwrap();
    assert!(wire::verify(wire::PhpJson::default(), &envelope, KEY).is_ok());
    // One changed value and the Sign no longer matches.
    let mut tampered = envelope.clone();
    tampered["Body"]["AMT"] = json!("1");
    assert!(wire::verify(wire::PhpJson::default(), &tampered, KEY).is_err());
    serde_json::from_value(envelope["Body"].clone()).unwrap()
}

fn quick_pay(no: &str, card_no: &str, amount: i64, notify_url: &str) -> MmspQuickPayRequest {
    serde_json::from_value(json!({
        "mer_order_id": no, "amount": amount, "card_no": card_no, "card_type": "1",
        "name": "张安", "id_no": "23210219820916601X", "phone": "18826570890", "notify_url": notify_url}))
    .unwrap()
}

fn confirm(list_id: &str, code: &str) -> MmspQuickPayConfirmRequest {
    MmspQuickPayConfirmRequest { list_id: list_id.into(), msg_code: Secret::new(code) }
}

fn query(no: &str) -> MmspQuickQueryRequest {
    MmspQuickQueryRequest { mer_order_id: no.into() }
}

fn today() -> String {
    posgate_core::clock::beijing(posgate_core::clock::now_unix()).date_compact()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_pay_confirmed_by_sms_then_queried_paid() {
    let (sb, client) = start().await;
    let (notify_url, received) = merchant().await;
    let no = new_no("Q");
    let placed = client.quick_pay(&quick_pay(&no, &card("0000"), 1234, &notify_url)).await.unwrap();
    assert_eq!(placed.status, Some(MmspTradeStatus::Pending), "order placed, waiting for the code");
    assert_eq!(placed.mer_order_id.as_deref(), Some(no.as_str()));
    assert_eq!(placed.card_no.as_ref().map(|c| c.to_string()).as_deref(), Some("***0000"));
    let list_id = placed.list_id.clone().unwrap();
    assert_eq!(client.quick_pay_query(&query(&no)).await.unwrap().trade_state(), TradeState::Paying);

    // A wrong code is refused; the order still waits.
    let e = client.quick_pay_confirm(&confirm(&list_id, "000000")).await.unwrap_err();
    assert_eq!(code_of(&e), "SMS01");
    // The SMS resend within 60 s of the pay call is refused before it is sent.
    let e = client.quick_pay_sms_resend(&MmspQuickSmsResendRequest { list_id: list_id.clone() }).await.unwrap_err();
    assert_eq!(field_of(&e), "list_id");
    assert!(e.to_string().contains("resent in"), "{e}");
    // A client that did not see the pay call sends it: the platform refuses it as well.
    let other = mmsp::Client::new(kit::config(&sb, GatewayId::Mmsp)).unwrap();
    let e = other.quick_pay_sms_resend(&MmspQuickSmsResendRequest { list_id: list_id.clone() }).await.unwrap_err();
    assert_eq!(code_of(&e), "SMS02");

    // The right code: the confirmation is taken; the query says paid (digest §8).
    let ack = client.quick_pay_confirm(&confirm(&list_id, SMS_CODE)).await.unwrap();
    assert_eq!((ack.status.as_deref(), ack.list_id.as_deref()), (Some("1"), Some(list_id.as_str())));
    let paid = client.quick_pay_query(&query(&no)).await.unwrap();
    let r = quick_trade_result(&no, &paid);
    assert_eq!(
        (r.state, r.amount, r.gateway_trade_no.as_deref()),
        (TradeState::Paid, Some(fen(1234)), Some(list_id.as_str()))
    );
    // Confirmed again (a retry): the same answer, no second charge.
    assert!(client.quick_pay_confirm(&confirm(&list_id, SMS_CODE)).await.is_ok());
    assert_eq!(kit::sim(&sb, GatewayId::Mmsp, &no).unwrap().charges, 1);

    // The signed notification.
    let n: MmspQuickNotification = notification(&received, 1).await;
    assert_eq!(
        (n.trade_state(), n.amt, n.list_id.as_deref()),
        (TradeState::Paid, Some(fen(1234)), Some(list_id.as_str()))
    );
    assert_eq!(n.push_count, Some(1));

    // The batch query lists it (paid orders only).
    let batch = client
        .quick_pay_batch_query(&MmspQuickBatchQueryRequest {
            start_date: today(),
            end_date: today(),
            per_page: 1000,
            page: 1,
        })
        .await
        .unwrap();
    assert!(batch.items.iter().any(|t| t.mer_order_id.as_deref() == Some(no.as_str()) && t.amt == Some(fen(1234))));
    // An order nobody made: the negative answer [-2002].
    let e = client.quick_pay_query(&query(&new_no("Q"))).await.unwrap_err();
    assert_eq!(code_of(&e), "-2002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_scenarios() {
    let (_sb, client) = start().await;
    let (notify_url, _) = merchant().await;
    // 3001: declined at confirmation; the order failed.
    let no = new_no("Q");
    let placed = client.quick_pay(&quick_pay(&no, &card("3001"), 100, &notify_url)).await.unwrap();
    let e = client.quick_pay_confirm(&confirm(placed.list_id.as_deref().unwrap(), SMS_CODE)).await.unwrap_err();
    assert_eq!(code_of(&e), "51");
    let q = client.quick_pay_query(&query(&no)).await.unwrap();
    assert_eq!((q.trade_state(), q.err_code.as_deref()), (TradeState::Failed, Some("51")));
    // 3002: the pay call is refused (要素不匹配).
    let e = client.quick_pay(&quick_pay(&new_no("Q"), &card("3002"), 100, &notify_url)).await.unwrap_err();
    assert_eq!(code_of(&e), "D4");
    // 4001: a system error (the negative answer), the order exists: query it.
    let no = new_no("Q");
    let e = client.quick_pay(&quick_pay(&no, &card("4001"), 100, &notify_url)).await.unwrap_err();
    assert_eq!(code_of(&e), "-9999");
    assert_eq!(client.quick_pay_query(&query(&no)).await.unwrap().trade_state(), TradeState::Paying);
    // 1005: paying for 5 s after the confirmation.
    let no = new_no("Q");
    let placed = client.quick_pay(&quick_pay(&no, &card("1005"), 100, &notify_url)).await.unwrap();
    client.quick_pay_confirm(&confirm(placed.list_id.as_deref().unwrap(), SMS_CODE)).await.unwrap();
    assert_eq!(client.quick_pay_query(&query(&no)).await.unwrap().trade_state(), TradeState::Paying);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unionpay_quick_order_paid_by_the_payer() {
    let (sb, client) = start().await;
    let (notify_url, received) = merchant().await;
    let no = new_no("U");
    let req: MmspUnionPayQuickOrderRequest = serde_json::from_value(json!({"mer_order_id": no, "amount": 1000,
        "jump_url": "https://merchant.example/return", "notify_url": notify_url, "trade_mode": 2}))
    .unwrap();
    let a = client.unionpay_quick_order(&req).await.unwrap();
    assert_eq!((a.status, a.amt), (Some(MmspTradeStatus::Pending), Some(fen(1000))));
    assert!(a.pay_url.as_deref().unwrap().ends_with(&no));
    assert!(a.html.is_some());
    sb.pay_preorder(GatewayId::Mmsp, &no).await.unwrap();
    let n: MmspQuickNotification = notification(&received, 1).await;
    assert_eq!(n.mer_order_id.as_deref(), Some(no.as_str()));
    assert_eq!(client.quick_pay_query(&query(&no)).await.unwrap().trade_state(), TradeState::Paid);
}

/// Binding and flow B: not open at the platform, simulated by the sandbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binding_and_bound_card_payment() {
    let (_sb, client) = start().await;
    let (notify_url, received) = merchant().await;
    let bind_no = new_no("B");
    let sms: MmspQuickBindSmsRequest = serde_json::from_value(json!({"mer_order_id": bind_no, "user_id": "U1",
        "card_no": card("0000"), "phone": "18826570890"}))
    .unwrap();
    let a = client.quick_bind_sms(&sms).await.unwrap();
    assert_eq!((a.status.as_deref(), a.user_id.as_deref()), (Some("1"), Some("U1")));
    let bind = |code: &str| -> MmspQuickBindRequest {
        serde_json::from_value(json!({"mer_order_id": bind_no, "user_id": "U1", "card_no": card("0000"),
            "card_type": "1", "name": "张安", "id_no": "23210219820916601X", "phone": "18826570890", "msg_code": code}))
        .unwrap()
    };
    assert_eq!(code_of(&client.quick_bind(&bind("654321")).await.unwrap_err()), "SMS01");
    let bound = client.quick_bind(&bind(SMS_CODE)).await.unwrap();
    let bind_id = bound.bind_id.clone().unwrap();
    let card_q = client.quick_bind_query(&MmspQuickBindQueryRequest { bind_id: bind_id.clone() }).await.unwrap();
    assert_eq!(
        (card_q.bind_id.as_deref(), card_q.card_type.clone()),
        (Some(bind_id.as_str()), Some(MmspCardType::Debit))
    );
    assert!(serde_json::to_string(&card_q).unwrap().contains("\"***\""), "the name is kept secret");

    let no = new_no("P");
    let sms: MmspBoundCardPaySmsRequest = serde_json::from_value(json!({"bind_id": bind_id, "mer_order_id": no,
        "user_id": "U1", "phone": "18826570890", "amount": 888}))
    .unwrap();
    client.bound_card_pay_sms(&sms).await.unwrap();
    let pay: MmspBoundCardPayRequest = serde_json::from_value(json!({"bind_id": bind_id, "mer_order_id": no,
        "user_id": "U1", "amount": 888, "msg_code": SMS_CODE, "notify_url": notify_url}))
    .unwrap();
    let a = client.bound_card_pay(&pay).await.unwrap();
    let settled = posgate_core::operation::Operation::settlement(&pay, &a).unwrap();
    assert_eq!((settled.state, settled.amount), (TradeState::Paid, Some(fen(888))));
    let n: MmspQuickNotification = notification(&received, 1).await;
    assert_eq!(n.bind_id.as_deref(), Some(bind_id.as_str()));

    client.quick_unbind(&MmspQuickUnbindRequest { bind_id: bind_id.clone() }).await.unwrap();
    let e = client.quick_bind_query(&MmspQuickBindQueryRequest { bind_id }).await.unwrap_err();
    assert_eq!(code_of(&e), "-2004");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_pay_form_bank_page_notification_and_queries() {
    let (sb, client) = start().await;
    let (notify_url, received) = merchant().await;
    let no = new_no("G");
    let req = MmspGatewayPayRequest {
        mer_order_id: no.clone(),
        amount: fen(666),
        notify_url,
        jump_url: "https://merchant.example/return".into(),
        pay_channel: bank_channel::YLBILL_NET_B2C.into(),
        goods_name: Some("product".into()),
        remark: Some("桌 7".into()),
    };
    let form = client.gateway_pay_form(&req).await.unwrap();
    assert!(form.action.ends_with("/mmsp/gateway?charset=UTF-8"), "{}", form.action);
    assert!(form.html.contains("name=\"web_api\""));
    // Nothing was sent: the platform has no such order until the payer's browser posts the form.
    let e = client.gateway_pay_query(&MmspGatewayQueryRequest { mer_order_id: no.clone() }).await.unwrap_err();
    assert_eq!(code_of(&e), "-2002");
    // The payer's browser posts it: the bank's page.
    let http = posgate_core::transport::Transport::new(posgate_core::transport::TransportConfig {
        allow_http: true,
        ..Default::default()
    })
    .unwrap();
    let page = http.post_form(&form.action, &[("web_api".into(), form.web_api.clone())]).await.unwrap();
    assert!(page.contains(&format!("/_sandbox/pay/mmsp/{no}")), "{page}");
    let q = client.gateway_pay_query(&MmspGatewayQueryRequest { mer_order_id: no.clone() }).await.unwrap();
    assert_eq!(q.trade_state(), TradeState::Paying);

    // The payer pays at the bank: the signed notification, then the query says paid.
    sb.pay_preorder(GatewayId::Mmsp, &no).await.unwrap();
    let n: MmspGatewayNotification = notification(&received, 1).await;
    assert_eq!((n.trade_state(), n.amt, n.remark.as_deref()), (TradeState::Paid, Some(fen(666)), Some("桌 7")));
    let q = client.gateway_pay_query(&MmspGatewayQueryRequest { mer_order_id: no.clone() }).await.unwrap();
    let r = gateway_trade_result(&no, &q);
    assert_eq!((r.state, r.amount, r.channel.as_deref()), (TradeState::Paid, Some(fen(666)), Some("YLBILL-NET-B2C")));
    let batch = client
        .gateway_pay_batch_query(&MmspGatewayBatchQueryRequest {
            start_date: today(),
            end_date: today(),
            per_page: 10,
            page: 1,
        })
        .await
        .unwrap();
    assert!(batch.items.iter().any(|t| t.mer_order_id.as_deref() == Some(no.as_str())));
    // Quick pay's orders are not gateway orders.
    assert!(batch.items.iter().all(|t| t.pay_channel.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_sending() {
    let (sb, client) = start().await;
    let before = sb.orders().len();
    let mut r = quick_pay(&new_no("Q"), &card("0000"), 100, "https://merchant.example/n");
    r.phone = "12345".into();
    assert_eq!(field_of(&client.quick_pay(&r).await.unwrap_err()), "phone");
    r.phone = "18826570890".into();
    r.card_type = MmspCardType::Credit;
    assert_eq!(field_of(&client.quick_pay(&r).await.unwrap_err()), "exp_date");
    let e = client.quick_pay_confirm(&confirm("L1", "")).await.unwrap_err();
    assert_eq!(field_of(&e), "msg_code");
    let e = client
        .gateway_pay_batch_query(&MmspGatewayBatchQueryRequest {
            start_date: "2024".into(),
            end_date: today(),
            per_page: 10,
            page: 1,
        })
        .await
        .unwrap_err();
    assert_eq!(field_of(&e), "start_date");
    assert!(matches!(
        client
            .gateway_pay_form(&MmspGatewayPayRequest {
                mer_order_id: "A1".into(),
                amount: fen(0),
                notify_url: "https://m/n".into(),
                jump_url: "https://m/r".into(),
                pay_channel: "YLBILL-NET-B2C".into(),
                goods_name: None,
                remark: None,
            })
            .await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(sb.orders().len(), before, "nothing reached the sandbox");
}
