//! MMSP scan code against the sandbox simulator, over real HTTP on 127.0.0.1: every scan-code
//! operation, every micropay scenario, the push 2324, and answers that do not verify.

mod kit;

use kit::{barcode, code_of, fen, field_of, merchant_receiver, new_no, sim, Events};
use posgate_core::mmsp::{self, wire, *};
use posgate_core::{pay_and_wait, Error, Gateway, GatewayId, PayRequest, RefundRequest, RefundState, TradeState};
use posgate_sandbox::{Sandbox, SimState};
use serde_json::json;

async fn start() -> (Sandbox, mmsp::Client) {
    kit::setup(GatewayId::Mmsp, mmsp::Client::new).await
}

fn pay_req(no: &str, code: &str, amount: i64) -> PayRequest {
    PayRequest {
        order_no: no.into(),
        amount: fen(amount),
        auth_code: code.into(),
        subject: "扫码测试的商品名称很长很长很长".into(),
        terminal_id: None,
        store_id: None,
    }
}

fn micropay(no: &str, code: &str, amount: i64) -> serde_json::Value {
    json!({"mer_order_id": no, "amount": amount, "goods_name": "micropay", "code": code})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_orders_push_and_manage() {
    let (sb, client) = start().await;
    let creds = client.credentials().clone();
    let (url, seen) = merchant_receiver("/push", move |f| mmsp::verify_notification(f, &creds)).await;

    // WeChat QR: created (not paid), paid by the payer, pushed, queried, refunded in two parts.
    let no = new_no("MS");
    let req: MmspWechatPreOrderRequest = serde_json::from_value(json!({"mer_order_id": no, "amount": 1000,
        "goods_name": "可乐", "notify_url": url}))
    .unwrap();
    let a = client.wechat_pre_order(&req).await.unwrap();
    assert_eq!((a.status.clone(), a.mer_order_id.as_deref()), (MmspStatus::Success, Some(no.as_str())));
    assert!(a.url.as_deref().unwrap().starts_with("weixin://"), "{a:?}");
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paying);
    assert_eq!(sb.pay_preorder(GatewayId::Mmsp, &no).await.unwrap().as_deref(), Some("SUCCESS"));
    let push = seen.fields().first().cloned().unwrap();
    let n = client.verify_notification(&push).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.amount), (no.as_str(), TradeState::Paid, Some(fen(1000))));
    assert!(push["body"].contains("\"AMT\":1000"), "AMT a number, as the demo's push: {}", push["body"]);
    let q = client.scan_query(&MmspScanQueryRequest::by_mer_order_id(&no)).await.unwrap();
    assert_eq!(
        (q.trade_state(), q.amount, q.wallet.clone()),
        (TradeState::Paid, Some(fen(1000)), Some(MmspWallet::Wechat))
    );
    let by_platform = MmspScanQueryRequest { mer_order_id: None, platform_order_no: q.platform_order_no.clone() };
    assert_eq!(client.scan_query(&by_platform).await.unwrap().mer_order_id.as_deref(), Some(no.as_str()));

    // A paid order is not closed.
    let e = client.close(&no).await.unwrap_err();
    assert_eq!(code_of(&e), "ORDERPAID");

    let refund_no = new_no("MR");
    let r = client
        .scan_refund(&MmspScanRefundRequest {
            mer_order_id: no.clone(),
            platform_order_no: None,
            refund_no: refund_no.clone(),
            amount: fen(300),
        })
        .await
        .unwrap();
    assert_eq!(
        (r.refund_state(), r.amount, r.refund_no.as_deref()),
        (RefundState::Success, Some(fen(300)), Some(refund_no.as_str()))
    );
    let rq = client
        .scan_refund_query(&MmspScanRefundQueryRequest { refund_no: Some(refund_no.clone()), platform_refund_no: None })
        .await
        .unwrap();
    assert_eq!((rq.refund_state(), rq.amount), (RefundState::Success, Some(fen(300))));
    let by_platform = MmspScanRefundQueryRequest { refund_no: None, platform_refund_no: rq.platform_refund_no.clone() };
    assert_eq!(client.scan_refund_query(&by_platform).await.unwrap().refund_no.as_deref(), Some(refund_no.as_str()));
    let rest = RefundRequest {
        order_no: no.clone(),
        refund_no: new_no("MR"),
        refund_amount: fen(700),
        total_amount: Some(fen(1000)),
        reason: None,
    };
    assert_eq!(client.refund(&rest).await.unwrap().state, RefundState::Success);
    assert_eq!(client.refund_query(&no, &rest.refund_no).await.unwrap().state, RefundState::Success);
    // Nothing left to refund: STATUS 2, a definite refusal; an unknown refund: not found.
    let more = RefundRequest { refund_no: new_no("MR"), refund_amount: fen(1), ..rest.clone() };
    let e = client.refund(&more).await.unwrap_err();
    assert!(client.is_definite(&e), "{e:?}");
    let e = client.refund_query(&no, &new_no("MR")).await.unwrap_err();
    assert!(client.is_order_not_found(&e), "{e:?}");
    assert_eq!(sim(&sb, GatewayId::Mmsp, &no).unwrap().refunded, 1000);

    // The other pre-orders and H5: each created, with its URL or in-app data.
    let mk = |extra: serde_json::Value| {
        let mut p = json!({"mer_order_id": new_no("MO"), "amount": 50, "goods_name": "x", "notify_url": url});
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        p
    };
    let mut made = Vec::new();
    let ali: MmspAlipayPreOrderRequest =
        serde_json::from_value(mk(json!({"trade_type": "in_app", "alipay_user_id": "2088102"}))).unwrap();
    let a = client.alipay_pre_order(&ali).await.unwrap();
    assert!(a.pay_info.is_some() && a.url.is_none(), "{a:?}");
    made.push(ali.mer_order_id.clone());
    let wx_app: MmspWechatPreOrderRequest =
        serde_json::from_value(mk(json!({"trade_type": "in_app", "openid": "oUpF8uMuAJO", "mini_program": true})))
            .unwrap();
    assert!(client.wechat_pre_order(&wx_app).await.unwrap().pay_info.is_some());
    made.push(wx_app.mer_order_id.clone());
    macro_rules! created {
        ($ty:ty, $method:ident, $extra:expr) => {{
            let req: $ty = serde_json::from_value(mk($extra)).unwrap();
            let a = client.$method(&req).await.unwrap();
            assert_eq!(a.status, MmspStatus::Success, "{}", stringify!($method));
            assert!(a.url.is_some(), "{}: {a:?}", stringify!($method));
            made.push(req.mer_order_id.clone());
        }};
    }
    created!(MmspQqPreOrderRequest, qq_pre_order, json!({}));
    created!(MmspJdQrOrderRequest, jd_qr_order, json!({}));
    created!(MmspUnionpayQrOrderRequest, unionpay_qr_order, json!({}));
    created!(MmspAlipayStaticCodeRequest, alipay_static_code, json!({}));
    created!(MmspAlipayDynamicCodeRequest, alipay_dynamic_code, json!({}));
    created!(MmspWechatH5Request, wechat_h5_pay, json!({"jump_url": "https://m.example/back"}));
    created!(MmspAlipayH5Request, alipay_h5_pay, json!({}));
    for no in &made {
        assert_eq!(client.query(no).await.unwrap().state, TradeState::Paying, "{no}");
    }
    // Close one unpaid (query: closed, D4), cancel another (reversed), both by name and typed.
    let c = client.scan_close(&MmspScanCloseRequest::of(&made[0])).await.unwrap();
    assert_eq!(c.status, MmspStatus::Success);
    let q = client.query(&made[0]).await.unwrap();
    assert_eq!((q.state, q.gateway_code.as_deref()), (TradeState::Closed, Some("D4")));
    assert_eq!(client.close(&made[1]).await.unwrap().state, TradeState::Closed);
    let c = client.scan_cancel(&MmspScanCancelRequest::of(&made[2])).await.unwrap();
    assert_eq!(c.status, MmspStatus::Success);
    assert_eq!(client.cancel(&made[3]).await.unwrap().state, TradeState::Reversed);
    assert_eq!(sim(&sb, GatewayId::Mmsp, &made[3]).unwrap().state, SimState::Reversed);

    // The same number again: the platform's duplicate refusal, which is not definite.
    let e = client.wechat_pre_order(&req).await.unwrap_err();
    assert_eq!(code_of(&e), "-2001");
    assert!(!client.is_definite(&e));
    // An order nobody made: [-2002], which says it never arrived.
    let e = client.query(&new_no("MS")).await.unwrap_err();
    assert_eq!(code_of(&e), "-2002");
    assert!(client.is_order_not_found(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_micropay_scenario() {
    let (sb, client) = start().await;
    let events = Events::default();
    // 0000: paid at once, no query.
    let no = new_no("M0");
    let r = client.pay(&pay_req(&no, &barcode("0000"), 500)).await.unwrap();
    assert_eq!((r.state, r.amount, r.channel.as_deref()), (TradeState::Paid, Some(fen(500)), None));
    assert!(r.gateway_trade_no.is_some());
    // 1NNN: paying (STATUS 3, AA), then paid by query.
    let no = new_no("M1");
    let first = client.pay(&pay_req(&no, &barcode("1001"), 500)).await.unwrap();
    assert_eq!((first.state, first.gateway_code.as_deref()), (TradeState::Paying, Some("AA")));
    let no = new_no("M1");
    assert_eq!(
        pay_and_wait(&client, &pay_req(&no, &barcode("1001"), 500), &events).await.unwrap().state,
        TradeState::Paid
    );
    assert!(events.polls() >= 1);
    // 2NNN: paying, then failed.
    let no = new_no("M2");
    assert_eq!(
        pay_and_wait(&client, &pay_req(&no, &barcode("2001"), 500), &events).await.unwrap().state,
        TradeState::Failed
    );
    // 3001 declined and 3002 invalid code: STATUS 2, definite refusals.
    for (last4, code) in [("3001", "NOTENOUGH"), ("3002", "AUTHCODEEXPIRE")] {
        let e = client.pay(&pay_req(&new_no("M3"), &barcode(last4), 500)).await.unwrap_err();
        assert_eq!(code_of(&e), code);
        assert!(client.is_definite(&e), "{last4}");
    }
    // 4001: a system error (the unsigned negative answer) although charged: queried once, paid.
    let no = new_no("M4");
    let r = client.pay(&pay_req(&no, &barcode("4001"), 500)).await.unwrap();
    assert_eq!(r.state, TradeState::Paid, "{r:?}");
    assert!(!client.is_definite(&Error::rejected("-9999", "系统繁忙")));
    // 4002: no answer although charged: unknown, the query finds it paid.
    let no = new_no("M4");
    let e = client.pay(&pay_req(&no, &barcode("4002"), 500)).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
    // 5001: every answer about the order signed with another key: a signature error, never paid.
    let no = new_no("M5");
    let e = client.pay(&pay_req(&no, &barcode("5001"), 500)).await.unwrap_err();
    assert!(matches!(e, Error::SignatureInvalid { .. }), "{e:?}");
    assert!(matches!(client.query(&no).await.unwrap_err(), Error::SignatureInvalid { .. }));
    assert_eq!(sim(&sb, GatewayId::Mmsp, &no).unwrap().charges, 1);

    // The other wallets by their codes: Alipay (25-30, 16-24 digits) and QQ (91, 18 digits).
    let no = new_no("MA");
    assert_eq!(client.pay(&pay_req(&no, "2845678901230000", 300)).await.unwrap().state, TradeState::Paid);
    assert_eq!(client.query(&no).await.unwrap().channel.as_deref(), Some("支付宝"));
    let no = new_no("MQ");
    assert_eq!(client.pay(&pay_req(&no, "914567890123450000", 300)).await.unwrap().state, TradeState::Paid);
    assert_eq!(client.query(&no).await.unwrap().channel.as_deref(), Some("QQ钱包"));
    // Typed, by name.
    let a: MmspAlipayMicropayRequest = serde_json::from_value(micropay(&new_no("MA"), "2845678901230000", 1)).unwrap();
    assert_eq!(client.alipay_micropay(&a).await.unwrap().trade_state(), TradeState::Paid);
    let w: MmspWechatMicropayRequest = serde_json::from_value(micropay(&new_no("MW"), &barcode("1001"), 1)).unwrap();
    assert_eq!(client.wechat_micropay(&w).await.unwrap().status, MmspStatus::Paying);
    // A code no wallet issues: refused before sending, naming the field.
    let e = client.pay(&pay_req(&new_no("MX"), "994567890123450000", 1)).await.unwrap_err();
    assert_eq!(field_of(&e), "auth_code");
    let e = client.validate_pay(&pay_req("M-1", &barcode("0000"), 1)).unwrap_err();
    assert_eq!(field_of(&e), "order_no");
    let e = client.validate_pay(&pay_req("M1", &barcode("0000"), 0)).unwrap_err();
    assert_eq!(field_of(&e), "amount");
}

/// QQ micropay's CommandID as configured (digest A1): 776 by default, 2326 when set; both reach
/// the simulator's QQ micropay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qq_micropay_command_as_configured() {
    let sb = Sandbox::start().await.unwrap();
    let seen = kit::Requests::install(&sb);
    let mut cfg = kit::config(&sb, GatewayId::Mmsp);
    if let posgate_core::Credentials::Mmsp(c) = &mut cfg.credentials {
        c.qq_micropay_command = 2326;
    }
    let client = mmsp::Client::new(cfg).unwrap();
    let q: MmspQqMicropayRequest = serde_json::from_value(micropay(&new_no("MQ"), "914567890123450000", 1)).unwrap();
    assert_eq!(client.qq_micropay(&q).await.unwrap().trade_state(), TradeState::Paid);
    assert_eq!(seen.count(&["mmsp/scan?CommandID=2326"]), 1);
}

/// The simulator refuses a code no wallet issues, as the platform does (the client never sends
/// one): STATUS 2.
#[tokio::test]
async fn the_simulator_refuses_codes_no_wallet_issues() {
    let sb = Sandbox::start().await.unwrap();
    let header = wire::Header {
        command: 2307,
        node_id: "openplat",
        agentno: "",
        merno: posgate_sandbox::mmsp::MERNO,
        termno: posgate_sandbox::mmsp::TERMNO,
    };
    let body = json!({"MERORDERID": "MX1", "AMT": "1", "CUR": "CNY", "GOODSNAME": "x", "CODE": "994567890123450000", "RANDSTR": "abcdefghij"});
    let e = wire::envelope(
        wire::PhpJson::default(),
        &header,
        body.as_object().unwrap().clone(),
        posgate_sandbox::mmsp::KEY,
    );
    let http = posgate_core::transport::Transport::new(posgate_core::transport::TransportConfig {
        allow_http: true,
        ..Default::default()
    })
    .unwrap();
    let url = format!("{}{}", sb.root_url(), posgate_sandbox::mmsp::SCAN_PATH);
    let text =
        http.post_text(&url, &[], mmsp::CONTENT_TYPE, serde_json::Value::Object(e).to_string(), None).await.unwrap();
    let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (answer["Body"]["STATUS"].as_str(), answer["Body"]["ERR_CODE"].as_str()),
        (Some("2"), Some("AUTH_CODE_INVALID"))
    );
    assert!(sb.orders().is_empty());
}

/// An answer whose Body was changed after signing, or whose Sign is gone, is not trusted.
#[tokio::test]
async fn tampered_answers_are_rejected() {
    let key = "ea21842eea24e448b991b1cb0a0294cf";
    let body = json!({"MERORDERID": "A1", "ORDERNO": "100000000013", "STATUS": "1", "AMT": "100"});
    let sign = wire::sign(wire::PhpJson::default(), body.as_object().unwrap(), key);
    let genuine = json!({"CommandID": 35078, "RetCode": 1, "ErrorMsg": "", "Body": body, "Sign": sign});
    let client_for = |url: String| {
        let mut cfg = posgate_core::GatewayConfig::new(
            url,
            posgate_core::Credentials::Mmsp(Credentials::new(
                "001440353999853",
                "84970001",
                posgate_core::Secret::new(key),
            )),
        );
        cfg.allow_http = true;
        mmsp::Client::new(cfg).unwrap()
    };
    let ok = client_for(kit::fake_gateway(genuine.to_string()).await);
    assert_eq!(ok.query("A1").await.unwrap().state, TradeState::Paid);
    let mut tampered = genuine.clone();
    tampered["Body"]["STATUS"] = json!("2");
    let c = client_for(kit::fake_gateway(tampered.to_string()).await);
    assert!(matches!(c.query("A1").await.unwrap_err(), Error::SignatureInvalid { .. }));
    let mut unsigned = genuine.clone();
    unsigned["Sign"] = json!("");
    let c = client_for(kit::fake_gateway(unsigned.to_string()).await);
    assert!(matches!(c.query("A1").await.unwrap_err(), Error::SignatureInvalid { .. }));
    // About another order: not trusted either.
    let c = client_for(kit::fake_gateway(genuine.to_string()).await);
    assert!(c.query("A2").await.unwrap_err().outcome_unknown());
}
