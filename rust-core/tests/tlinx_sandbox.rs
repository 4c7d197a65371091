//! TLinx client against the sandbox simulator, over real HTTP on 127.0.0.1.

use std::time::Duration;

mod kit;

use kit::{barcode, code_of, config, fen, merchant_receiver, new_no, schedule_every, sim, Events, Received};
use posgate_core::tlinx::{self, protocol, OrderListRequest, OrderRef, PaylistRequest, PayrefundRequest};
use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::Operations as _;
use posgate_core::{
    pay_and_wait, Error, Gateway, GatewayId, Money, PayRequest, PaymentEvent, RefundRequest, RefundState, Secret,
    TradeState,
};
use posgate_sandbox::{Sandbox, SandboxOptions, SimState};
use serde_json::json;

fn pay_req(order_no: &str, last4: &str, amount: i64) -> PayRequest {
    kit::pay_request("香烟啤酒饮料", order_no, last4, amount)
}

async fn start() -> (Sandbox, tlinx::Client) {
    kit::setup(GatewayId::Tlinx, tlinx::Client::new).await
}

fn charges(sandbox: &Sandbox, order_no: &str) -> (u32, SimState, u64) {
    let o = sim(sandbox, GatewayId::Tlinx, order_no).unwrap();
    (o.charges, o.state, o.refunded)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_at_once_then_every_lookup() {
    let (sandbox, client) = start().await;
    let no = new_no("T0");
    let r = pay_and_wait(&client, &pay_req(&no, "0000", 1234), &Events::default()).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert_eq!(r.amount, Some(fen(1234)));
    assert_eq!(r.channel.as_deref(), Some("Weixin"));
    let ord_no = r.gateway_trade_no.clone().unwrap();
    assert_eq!(ord_no.len(), 25);
    assert_eq!(charges(&sandbox, &no).0, 1);

    let q = client.query(&no).await.unwrap();
    assert_eq!((q.state, q.amount), (TradeState::Paid, Some(fen(1234))));

    let s = client.paystatus(&OrderRef::ord_no(&ord_no).into()).await.unwrap();
    assert_eq!(s.out_no.as_deref(), Some(no.as_str()));
    assert_eq!(s.status, Some(1));

    let v = client.order_view(&OrderRef::out_no(&no).into()).await.unwrap();
    assert_eq!(v.ord_no.as_deref(), Some(ord_no.as_str()));
    assert_eq!(v.ord_type, Some(1));
    assert_eq!(v.ord_name.as_deref(), Some("香烟啤酒饮料"));
    assert_eq!(v.original_amount, Some(fen(1234)));
    assert!(v.trade_result.unwrap().contains("SUCCESS"));

    let l = client.order(&OrderListRequest { out_no: Some(no.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(l.pages.totalnum, Some(1));
    assert_eq!(l.list[0].ord_no.as_deref(), Some(ord_no.as_str()));

    // Not found is the gateway's definite answer.
    let e = client.query("NOSUCHORDER1").await.unwrap_err();
    assert_eq!(code_of(&e), "8002");
    // The same out_no again is refused by the platform and never charged twice; `pay` cannot
    // call it failed (the first attempt may be the one that charged).
    let again = client.pay(&pay_req(&no, "0000", 1234)).await.unwrap();
    assert_eq!(again.state, TradeState::Unknown);
    assert_eq!(again.gateway_code.as_deref(), Some("8045"));
    assert_eq!(charges(&sandbox, &no).0, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paylist_and_paged_order_list() {
    let (_sandbox, client) = start().await;
    let methods = client.paylist(&PaylistRequest { pmt_type: "3".into() }).await.unwrap();
    let tags: Vec<_> = methods.iter().filter_map(|m| m.pmt_tag.as_deref()).collect();
    assert_eq!(tags, ["Weixin", "Alipay"]);
    assert_eq!(methods[0].pmt_split_refund.as_deref(), Some("1"));
    let cash = client.paylist(&PaylistRequest { pmt_type: "0".into() }).await.unwrap();
    assert_eq!(cash.len(), 1);

    let mut nos = Vec::new();
    for _ in 0..3 {
        let no = new_no("TL");
        client.pay(&pay_req(&no, "0000", 10)).await.unwrap();
        nos.push(no);
    }
    let page = |page, pagesize| OrderListRequest {
        page: Some(page),
        pagesize: Some(pagesize),
        ord_type: Some(1),
        status: Some(1),
        pmt_tag: Some("Weixin".into()),
        sdate: Some("2000-01-01".into()),
        edate: Some("2999-12-31 23:59:59".into()),
        ..Default::default()
    };
    let first = client.order(&page(1, 2)).await.unwrap();
    assert_eq!((first.pages.totalnum, first.pages.totalpage, first.list.len()), (Some(3), Some(2), 2));
    let second = client.order(&page(2, 2)).await.unwrap();
    assert_eq!(second.list.len(), 1);
    let mut seen: Vec<_> = first.list.iter().chain(&second.list).filter_map(|o| o.out_no.clone()).collect();
    seen.sort();
    nos.sort();
    assert_eq!(seen, nos);
    let none = client.order(&OrderListRequest { status: Some(4), ..Default::default() }).await.unwrap();
    assert!(none.list.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_then_paid_is_polled() {
    let (sandbox, client) = start().await;
    let no = new_no("T1");
    let first = client.pay(&pay_req(&no, "1002", 500)).await.unwrap();
    assert_eq!(first.state, TradeState::Paying);
    assert_eq!(first.gateway_code.as_deref(), Some("9"));

    let no = new_no("T1");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_req(&no, "1002", 500), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 2, "{:?}", events.0.lock().unwrap());
    assert!(events.0.lock().unwrap().contains(&PaymentEvent::Paying { order_no: no.clone() }));
    assert_eq!(charges(&sandbox, &no).0, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_then_failed_ends_cancelled() {
    let (sandbox, client) = start().await;
    let no = new_no("T2");
    let r = pay_and_wait(&client, &pay_req(&no, "2002", 500), &Events::default()).await.unwrap();
    // TLinx has no "failed" status: the payer's cancel leaves the order cancelled (4).
    assert_eq!(r.state, TradeState::Closed);
    assert_eq!(r.gateway_code.as_deref(), Some("4"));
    assert!(!r.state.is_paid_like());
    assert_eq!(charges(&sandbox, &no).0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declined_and_invalid_code_fail_with_the_gateway_code() {
    let (sandbox, client) = start().await;
    for (last4, needle) in [("3001", "NOTENOUGH"), ("3002", "AUTH_CODE_INVALID")] {
        let no = new_no("T3");
        let e = client.pay(&pay_req(&no, last4, 100)).await.unwrap_err();
        assert_eq!(code_of(&e), "8011");
        let no = new_no("T3");
        let events = Events::default();
        let r = pay_and_wait(&client, &pay_req(&no, last4, 100), &events).await.unwrap();
        assert_eq!(r.state, TradeState::Failed);
        assert_eq!(r.gateway_code.as_deref(), Some("8011"));
        assert!(r.message.unwrap().contains(needle));
        assert_eq!(events.polls(), 0);
        assert_eq!(charges(&sandbox, &no).0, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_error_is_resolved_by_query() {
    let (sandbox, client) = start().await;
    let no = new_no("T4");
    let first = client.pay(&pay_req(&no, "4001", 700)).await.unwrap();
    assert_eq!(first.state, TradeState::Unknown);
    assert_eq!(first.gateway_code.as_deref(), Some("-1"));

    let no = new_no("T4");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_req(&no, "4001", 700), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 1);
    assert_eq!(charges(&sandbox, &no).0, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_is_resolved_by_query() {
    let sandbox = Sandbox::start_with(0, SandboxOptions { hang: Duration::from_secs(3) }).await.unwrap();
    let mut cfg = config(&sandbox, GatewayId::Tlinx);
    cfg.request_timeout = Duration::from_millis(800);
    let client = tlinx::Client::new(cfg).unwrap();
    let no = new_no("T5");
    let e = client.pay(&pay_req(&no, "4002", 900)).await.unwrap_err();
    assert!(matches!(e, Error::Network { outcome_unknown: true, .. }), "{e:?}");

    let no = new_no("T5");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_req(&no, "4002", 900), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 1);
    assert_eq!(charges(&sandbox, &no).0, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_signature_is_never_trusted() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut cfg = config(&sandbox, GatewayId::Tlinx);
    cfg.poll = Some(schedule_every(300, 1200, 100));
    let client = tlinx::Client::new(cfg).unwrap();
    let no = new_no("T6");
    let e = client.pay(&pay_req(&no, "5001", 100)).await.unwrap_err();
    assert!(matches!(e, Error::SignatureInvalid { .. }), "{e:?}");
    assert!(matches!(client.query(&no).await, Err(Error::SignatureInvalid { .. })));
    let e = client.order(&OrderListRequest { out_no: Some(no.clone()), ..Default::default() }).await.unwrap_err();
    assert!(matches!(e, Error::SignatureInvalid { .. }));

    let no = new_no("T6");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_req(&no, "5001", 100), &events).await.unwrap();
    // Nothing about this order can be trusted, not even the reverse's answer: a person must look.
    assert_eq!(r.state, TradeState::NeedsAttention);
    assert!(events.polls() >= 2);
    assert_eq!(charges(&sandbox, &no).0, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_refunds_and_refund_query() {
    let (sandbox, client) = start().await;
    let no = new_no("TR");
    assert_eq!(client.pay(&pay_req(&no, "0000", 1000)).await.unwrap().state, TradeState::Paid);

    let refund_no = new_no("R");
    let req = RefundRequest {
        order_no: no.clone(),
        refund_no: refund_no.clone(),
        refund_amount: fen(300),
        total_amount: Some(fen(1000)),
        reason: Some("退货".into()),
    };
    let r = client.refund(&req).await.unwrap();
    assert_eq!((r.state, r.amount), (RefundState::Success, Some(fen(300))));
    let gateway_refund_no = r.gateway_refund_no.clone().unwrap();

    let q = client.refund_query(&no, &refund_no).await.unwrap();
    assert_eq!((q.state, q.amount), (RefundState::Success, Some(fen(300))));
    assert_eq!(q.gateway_refund_no.as_deref(), Some(gateway_refund_no.as_str()));
    // The refund is an order of its own; the original keeps status 1.
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
    let status = client.paystatus(&OrderRef::out_no(&refund_no).into()).await.unwrap();
    assert_eq!((status.ord_type, status.status), (Some(2), Some(1)));
    assert_eq!(charges(&sandbox, &no), (1, SimState::PartiallyRefunded, 300));

    // Same refund number again (a retry): nothing refunded twice, and since the first attempt
    // may be the one that went through, the outcome is for refund_query to tell.
    let again = client.refund(&req).await.unwrap();
    assert_eq!((again.state, again.gateway_code.as_deref()), (RefundState::Unknown, Some("8020")));
    assert_eq!(
        code_of(
            &client
                .payrefund(&PayrefundRequest {
                    out_no: Some(no.clone()),
                    ord_no: None,
                    refund_out_no: refund_no.clone(),
                    refund_ord_name: None,
                    refund_amount: fen(300),
                    remark: None,
                    shop_pass: None,
                })
                .await
                .unwrap_err()
        ),
        "8020"
    );
    // More than what is left after the first refund.
    let over = RefundRequest { refund_no: new_no("R"), refund_amount: fen(701), ..req.clone() };
    assert_eq!(code_of(&client.refund(&over).await.unwrap_err()), "8021");
    // Wrong supervisor password given in the request.
    let wrong = PayrefundRequest {
        out_no: Some(no.clone()),
        ord_no: None,
        refund_out_no: new_no("R"),
        refund_ord_name: None,
        refund_amount: fen(1),
        remark: None,
        shop_pass: Some(Secret::new("654321")),
    };
    assert_eq!(code_of(&client.payrefund(&wrong).await.unwrap_err()), "8017");
    // The rest, by the platform's order number, through invoke.
    let ord_no = client.query(&no).await.unwrap().gateway_trade_no.unwrap();
    let rest_no = new_no("R");
    let v = client
        .invoke(
            "payrefund",
            json!({"ord_no": ord_no, "refund_out_no": rest_no, "refund_amount": 700, "shop_pass": "123456"}),
        )
        .await
        .unwrap()
        .answer;
    assert_eq!(v["status"], 1);
    assert_eq!(v["trade_amount"], 700);
    assert_eq!(v["original_ord_no"], ord_no.as_str());
    assert_eq!(charges(&sandbox, &no), (1, SimState::Refunded, 1000));
    let refunds = client.order(&OrderListRequest { ord_type: Some(2), ..Default::default() }).await.unwrap();
    assert_eq!(refunds.list.len(), 2);

    // A refund number that belongs to another order is not this order's refund.
    let other = new_no("TR");
    client.pay(&pay_req(&other, "0000", 50)).await.unwrap();
    let e = client.refund_query(&other, &refund_no).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "refund_no"), "{e:?}");
    // A payment order's number is not a refund.
    let e = client.refund_query(&no, &other).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "refund_no"), "{e:?}");
    // More than was paid at all.
    let over = RefundRequest { order_no: other.clone(), refund_no: new_no("R"), refund_amount: fen(51), ..req };
    assert_eq!(code_of(&client.refund(&over).await.unwrap_err()), "8022");
    // Nothing to refund on an unpaid order.
    let unpaid = new_no("TR");
    client.pay(&pay_req(&unpaid, "1100", 50)).await.unwrap();
    let e = client
        .refund(&RefundRequest {
            order_no: unpaid,
            refund_no: new_no("R"),
            refund_amount: fen(1),
            total_amount: None,
            reason: None,
        })
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "8019");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paycancel_unpaid_barcode_order() {
    let (sandbox, client) = start().await;
    let no = new_no("TC");
    assert_eq!(client.pay(&pay_req(&no, "1100", 400)).await.unwrap().state, TradeState::Paying);
    let c = client.cancel(&no).await.unwrap();
    assert_eq!(c.state, TradeState::Closed);
    assert_eq!(c.gateway_trade_no.as_deref().map(str::len), Some(25));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Closed);
    assert_eq!(charges(&sandbox, &no), (0, SimState::Closed, 0));
    // Cancelling again is a no-op; paycancel itself refuses (8012).
    assert_eq!(client.cancel(&no).await.unwrap().state, TradeState::Closed);
    assert_eq!(code_of(&client.paycancel(&OrderRef::out_no(&no).into()).await.unwrap_err()), "8012");
    // A paid order cannot be cancelled at TLinx: cancel reverses it with a full refund, once.
    let paid = new_no("TC");
    client.pay(&pay_req(&paid, "0000", 400)).await.unwrap();
    assert_eq!(code_of(&client.paycancel(&OrderRef::out_no(&paid).into()).await.unwrap_err()), "8012");
    let r = client.cancel(&paid).await.unwrap();
    assert_eq!(r.state, TradeState::Reversed);
    assert_eq!(charges(&sandbox, &paid), (1, SimState::Refunded, 400));
    assert_eq!(client.cancel(&paid).await.unwrap().state, TradeState::Reversed);
    assert_eq!(charges(&sandbox, &paid), (1, SimState::Refunded, 400));
    // A partly refunded order is not silently refunded again in full.
    let partly = new_no("TC");
    client.pay(&pay_req(&partly, "0000", 400)).await.unwrap();
    let refund = RefundRequest {
        order_no: partly.clone(),
        refund_no: new_no("R"),
        refund_amount: fen(100),
        total_amount: None,
        reason: None,
    };
    client.refund(&refund).await.unwrap();
    assert_eq!(code_of(&client.cancel(&partly).await.unwrap_err()), "8021");
    assert_eq!(charges(&sandbox, &partly), (1, SimState::PartiallyRefunded, 100));
    // By ord_no through invoke.
    let no = new_no("TC");
    let ord_no = client.pay(&pay_req(&no, "1100", 400)).await.unwrap().gateway_trade_no.unwrap();
    let v = client.invoke("paycancel", json!({"ord_no": ord_no})).await.unwrap().answer;
    assert_eq!(v["ord_status"], 4);
}

/// A merchant's notify endpoint: answers each request with the verification's ack and records
/// what it received.
async fn merchant_server(key: Secret) -> (String, Received) {
    merchant_receiver("/notify", move |fields| tlinx::verify_notification(fields, &key)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_preorder_paid_and_notified() {
    let (sandbox, client) = start().await;
    let creds = posgate_sandbox::tlinx::test_credentials();
    let (notify_url, seen) = merchant_server(creds.open_key.clone()).await;
    let no = new_no("TQ");
    let v = client
        .invoke(
            "payorder",
            json!({
                "scenario": "qr", "out_no": no, "pmt_tag": "Alipay", "ord_name": "咖啡",
                "original_amount": 1000, "discount_amount": 60, "ignore_amount": 5, "trade_amount": 935,
                "notify_url": notify_url, "remark": "桌号 7", "tag": "t1"
            }),
        )
        .await
        .unwrap()
        .answer;
    assert_eq!(v["status"], 2);
    assert_eq!(v["trade_amount"], 935);
    assert!(v["trade_qrcode"].as_str().unwrap().starts_with("https://qr.alipay.com/"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paying);
    assert_eq!(charges(&sandbox, &no).0, 0);

    // The payer pays through the sandbox's HTTP hook, which delivers the notification.
    let http = Transport::new(TransportConfig { allow_http: true, ..Default::default() }).unwrap();
    let ack = http.post_form(&format!("{}/_sandbox/pay/tlinx/{no}", sandbox.root_url()), &[]).await.unwrap();
    assert_eq!(ack, "notify_success");
    let received = seen.fields();
    assert_eq!(received.len(), 1);
    let fields = &received[0];
    for name in ["ord_no", "timestamp", "rand_str", "out_no", "status", "sign"] {
        assert!(fields.contains_key(name), "{name} missing from {fields:?}");
    }
    let n = client.verify_notification(fields).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.ack.as_str()), (no.as_str(), TradeState::Paid, "notify_success"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
    assert_eq!(client.query(&no).await.unwrap().amount, Some(fen(935)));
    assert_eq!(charges(&sandbox, &no).0, 1);

    // A tampered notification is refused.
    let mut forged = fields.clone();
    forged.insert("out_no".into(), new_no("TQ"));
    assert!(matches!(client.verify_notification(&forged), Err(Error::SignatureInvalid { .. })));

    // A QR pre-order cannot be cancelled through paycancel (barcode orders only: 8013).
    let other = new_no("TQ");
    client
        .invoke(
            "payorder",
            json!({"scenario": "qr", "out_no": other, "pmt_tag": "Weixin", "original_amount": 1, "trade_amount": 1}),
        )
        .await
        .unwrap();
    assert_eq!(code_of(&client.cancel(&other).await.unwrap_err()), "8013");
    // Without notify_url there is no notification.
    assert_eq!(sandbox.pay_preorder(GatewayId::Tlinx, &other).await, Ok(None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsapi_and_mini_program_orders() {
    let (_sandbox, client) = start().await;
    let base = |scenario: &str, tag: &str| json!({"scenario": scenario, "out_no": new_no("TJ"), "pmt_tag": tag, "original_amount": 100, "trade_amount": 100});
    let with = |mut v: serde_json::Value, extra: serde_json::Value| {
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    let native = client
        .invoke("payorder", with(base("wechat_jsapi", "Weixin"), json!({"sub_appid": "wxapp1", "sub_openid": "o1"})))
        .await
        .unwrap()
        .answer;
    assert_eq!(native["appId"], "wxapp1");
    assert!(native["package"].as_str().unwrap().starts_with("prepay_id="));
    assert_eq!(native["signType"], "MD5");
    assert_eq!(native["paySign"].as_str().unwrap().len(), 32);
    assert_eq!(native["status"], 2);

    let jump = client
        .invoke("payorder", with(base("wechat_jsapi", "Weixin"), json!({"jump_url": "https://shop.example/done"})))
        .await
        .unwrap()
        .answer;
    assert!(jump["jsapi_pay_url"].as_str().unwrap().starts_with("https://"));

    let ali = client
        .invoke("payorder", with(base("alipay_jsapi", "Alipay"), json!({"buyer_id": "2088202642306951"})))
        .await
        .unwrap()
        .answer;
    assert_eq!(ali["pmt_tag"], "Alipay");
    let ali_jump = client
        .invoke("payorder", with(base("alipay_jsapi", "Alipay"), json!({"jump_url": "https://shop.example/a"})))
        .await
        .unwrap()
        .answer;
    assert!(ali_jump["jsapi_pay_url"].as_str().unwrap().contains("/pay/"));

    let mini = client
        .invoke("payorder", with(base("mini_program", "Weixin"), json!({"sub_appid": "wxmini", "sub_openid": "o2"})))
        .await
        .unwrap()
        .answer;
    assert_eq!(mini["appId"], "wxmini");
    assert_eq!(mini["status"], 2);

    // A barcode through invoke, with a Diy method name.
    let bar = client
        .invoke("payorder", with(base("barcode", "Weixin"), json!({"auth_code": barcode("0000")})))
        .await
        .unwrap()
        .answer;
    assert_eq!(bar["status"], 1);
    let e = client.invoke("payorder", with(base("qr", "Unionpay"), json!({}))).await.unwrap_err();
    assert_eq!(code_of(&e), "8007");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_reaches_every_operation() {
    let (_sandbox, client) = start().await;
    let no = new_no("TI");
    client.pay(&pay_req(&no, "0000", 100)).await.unwrap();
    let calls = [
        ("paylist", json!({"pmt_type": "2,3"})),
        ("order", json!({"out_no": no, "page": 1, "pagesize": 10})),
        ("order_view", json!({"out_no": no})),
        (
            "payorder",
            json!({"scenario": "qr", "out_no": new_no("TI"), "pmt_tag": "Weixin", "original_amount": 1, "trade_amount": 1}),
        ),
        ("paystatus", json!({"out_no": no})),
        ("paycancel", json!({"out_no": no})),
        ("payrefund", json!({"out_no": no, "refund_out_no": new_no("R"), "refund_amount": 1})),
    ];
    let names: Vec<_> = posgate_core::Operations::operations(&client).iter().map(|o| o.name).collect();
    assert_eq!(names, calls.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    for (name, params) in calls {
        match client.invoke(name, params).await {
            Ok(v) => assert!(!v.answer.is_null(), "{name}"),
            // paycancel on a paid order is the platform's refusal, which proves the call went out.
            Err(e) => assert_eq!((name, code_of(&e)), ("paycancel", "8012")),
        }
    }
    assert_eq!(client.invoke("order_view", json!({"out_no": no})).await.unwrap().answer["out_no"], no.as_str());
    assert!(matches!(client.invoke("nope", json!({})).await, Err(Error::Unsupported { .. })));
    let e = client.invoke("payorder", json!({"scenario": "nfc"})).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "payorder.params"), "{e:?}");
    let e = client.invoke("paystatus", json!({})).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "out_no"), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_timestamp_bad_sign_and_unknown_store_are_refused() {
    let (sandbox, _client) = start().await;
    let creds = posgate_sandbox::tlinx::test_credentials();
    let key = creds.open_key.expose();
    let http = Transport::new(TransportConfig { allow_http: true, ..Default::default() }).unwrap();
    let url = format!("{}/mct1/paylist", sandbox.base_url(GatewayId::Tlinx));
    let payload = r#"{"pmt_type":"2,3"}"#;
    let send = |form: Vec<(String, String)>| {
        let http = http.clone();
        let url = url.clone();
        async move { protocol::parse_answer(&http.post_form(&url, &form).await.unwrap(), key).unwrap() }
    };
    let now = protocol::now_unix();
    // Within the window: answered, signed and decrypted.
    let ok = send(protocol::build_request(&creds.open_id, key, payload, now - 590).unwrap()).await;
    assert!(ok.is_ok() && ok.data.is_some());
    for ts in [now - 601, now + 601] {
        let a = send(protocol::build_request(&creds.open_id, key, payload, ts).unwrap()).await;
        assert_eq!((a.errcode.as_str(), a.data.is_none()), ("9", true));
    }
    let mut forged = protocol::build_request(&creds.open_id, key, payload, now).unwrap();
    forged.retain(|(k, _)| k != "sign");
    forged.push(("sign".into(), "0".repeat(32)));
    assert_eq!(send(forged).await.errcode, "5");
    assert_eq!(send(protocol::build_request("nobody", key, payload, now).unwrap()).await.errcode, "3002");
    assert_eq!(send(vec![("timestamp".into(), now.to_string())]).await.errcode, "8");

    // A client with the wrong key is refused by the platform (signature error 5).
    let mut cfg = config(&sandbox, GatewayId::Tlinx);
    let mut wrong = creds.clone();
    wrong.open_key = Secret::new("0828e83720fdbe3685a7b94214af04f9");
    cfg.credentials = posgate_core::Credentials::Tlinx(wrong);
    let client = tlinx::Client::new(cfg).unwrap();
    let e = client.paylist(&PaylistRequest { pmt_type: "2".into() }).await.unwrap_err();
    assert_eq!(code_of(&e), "5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_sending() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut cfg = config(&sandbox, GatewayId::Tlinx);
    // A closed port: anything that is sent fails with Network, so InvalidInput proves nothing was.
    cfg.base_url = "http://127.0.0.1:9/tlinx".into();
    let client = tlinx::Client::new(cfg).unwrap();
    let field_of = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let mut req = pay_req("A1", "0000", 100);
    req.amount = Money::ZERO;
    assert_eq!(field_of(client.pay(&req).await.unwrap_err()), "amount");
    assert_eq!(field_of(pay_and_wait(&client, &req, &Events::default()).await.unwrap_err()), "amount");
    assert_eq!(field_of(client.pay(&pay_req("A-1", "0000", 100)).await.unwrap_err()), "order_no");
    assert_eq!(field_of(client.pay(&pay_req(&"A".repeat(65), "0000", 100)).await.unwrap_err()), "order_no");
    let mut req = pay_req("A1", "0000", 100);
    req.auth_code = "abc".into();
    assert_eq!(field_of(client.pay(&req).await.unwrap_err()), "auth_code");
    req.auth_code = "994567890120000".into();
    assert_eq!(field_of(client.pay(&req).await.unwrap_err()), "auth_code");
    assert_eq!(field_of(client.query("").await.unwrap_err()), "order_no");
    assert_eq!(field_of(client.cancel("x y").await.unwrap_err()), "order_no");
    let refund = RefundRequest {
        order_no: "A1".into(),
        refund_no: "R1".into(),
        refund_amount: Money::ZERO,
        total_amount: None,
        reason: None,
    };
    assert_eq!(field_of(client.refund(&refund).await.unwrap_err()), "refund_amount");
    let refund = RefundRequest { refund_no: "R_1".into(), refund_amount: fen(1), ..refund };
    assert_eq!(field_of(client.refund(&refund).await.unwrap_err()), "refund_no");
    assert_eq!(field_of(client.refund_query("A1", "").await.unwrap_err()), "refund_no");
    let mismatch = json!({"scenario": "qr", "out_no": "A1", "pmt_tag": "Weixin", "original_amount": 100,
                          "discount_amount": 10, "trade_amount": 100});
    assert_eq!(field_of(client.invoke("payorder", mismatch).await.unwrap_err()), "trade_amount");
    let diy = json!({"scenario": "qr", "out_no": "A1", "pmt_tag": "Diy", "original_amount": 1, "trade_amount": 1});
    assert_eq!(field_of(client.invoke("payorder", diy).await.unwrap_err()), "pmt_name");
    let no_openid = json!({"scenario": "mini_program", "out_no": "A1", "pmt_tag": "Weixin", "original_amount": 1,
                           "trade_amount": 1, "sub_appid": "wx", "sub_openid": ""});
    assert_eq!(field_of(client.invoke("payorder", no_openid).await.unwrap_err()), "sub_openid");
    assert_eq!(field_of(client.paylist(&PaylistRequest { pmt_type: "".into() }).await.unwrap_err()), "pmt_type");
    let list = OrderListRequest { pagesize: Some(500), ..Default::default() };
    assert_eq!(field_of(client.order(&list).await.unwrap_err()), "pagesize");
    assert_eq!(field_of(client.order_view(&OrderRef::default().into()).await.unwrap_err()), "out_no");

    // And a valid request does go out (and fails on the closed port, before anything was sent).
    let e = client.query("A1").await.unwrap_err();
    assert!(matches!(e, Error::Network { outcome_unknown: false, .. }), "{e:?}");
}
