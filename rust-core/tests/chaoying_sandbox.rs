//! Chaoying over real HTTP against the sandbox simulator: every operation, every scenario of the
//! table through `pay_and_wait`, notifications, tampered answers, and input refused before sending.

use std::sync::Arc;
use std::time::Duration;

mod kit;

use kit::{barcode, config, fake_gateway, fen, merchant_receiver, new_no, schedule, sim, Events, Received};
use posgate_core::chaoying::{self, *};
use posgate_core::Operations as _;
use posgate_core::{
    pay_and_wait, Error, Gateway, GatewayConfig, GatewayId, PayRequest, PaymentEvent, RawFields, RefundRequest,
    RefundState, Secret, TradeState,
};
use posgate_sandbox::faults::{Fault, ScriptedFaults};
use posgate_sandbox::{Sandbox, SandboxOptions};

fn pay_request(order_no: &str, amount: i64, tail: &str) -> PayRequest {
    PayRequest {
        terminal_id: Some("T01".into()),
        store_id: Some("S01".into()),
        ..kit::pay_request("posgate test", order_no, tail, amount)
    }
}

async fn setup() -> (Sandbox, chaoying::Client) {
    kit::setup(GatewayId::Chaoying, chaoying::Client::new).await
}

fn charges(sb: &Sandbox, order_no: &str) -> u32 {
    sim(sb, GatewayId::Chaoying, order_no).map(|o| o.charges).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The scenario table through pay_and_wait

#[tokio::test]
async fn scenario_0000_paid_at_once() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_request(&no, 1580, "0000"), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert_eq!(r.amount, Some(fen(1580)));
    assert_eq!(r.channel.as_deref(), Some("WECHAT"));
    assert_eq!(r.gateway_code.as_deref(), Some("10000"));
    assert!(r.gateway_trade_no.is_some());
    assert_eq!(events.polls(), 0);
    assert_eq!(charges(&sb, &no), 1);
}

#[tokio::test]
async fn scenario_1002_paying_then_paid() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    let first = client.pay(&pay_request(&no, 100, "1002")).await.unwrap();
    assert_eq!(first.state, TradeState::Paying);
    assert_eq!(first.gateway_code.as_deref(), Some("10001"));

    let no = new_no("CY");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_request(&no, 100, "1002"), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 2, "{:?}", events.0.lock().unwrap());
    assert!(events.0.lock().unwrap().iter().any(|e| matches!(e, PaymentEvent::Paying { .. })));
    assert_eq!(charges(&sb, &no), 1);
}

#[tokio::test]
async fn scenario_2002_paying_then_failed() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_request(&no, 100, "2002"), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Failed);
    assert_eq!(r.gateway_code.as_deref(), Some("10006"));
    assert!(events.polls() >= 2);
    assert_eq!(charges(&sb, &no), 0);
}

#[tokio::test]
async fn scenario_3001_declined_and_3002_invalid_code() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    let e = client.pay(&pay_request(&no, 100, "3001")).await.unwrap_err();
    assert!(matches!(&e, Error::GatewayRejected { code, message } if code == "10006" && message.contains("余额不足")));

    let no = new_no("CY");
    let r = pay_and_wait(&client, &pay_request(&no, 100, "3001"), &posgate_core::payment::NoListener).await.unwrap();
    assert_eq!(r.state, TradeState::Failed);
    assert_eq!(r.gateway_code.as_deref(), Some("10006"));
    assert_eq!(charges(&sb, &no), 0);

    let no = new_no("CY");
    let r = pay_and_wait(&client, &pay_request(&no, 100, "3002"), &posgate_core::payment::NoListener).await.unwrap();
    assert_eq!(r.state, TradeState::Failed);
    assert_eq!(r.gateway_code.as_deref(), Some("20004"));
    assert_eq!(charges(&sb, &no), 0);
}

#[tokio::test]
async fn scenario_4001_system_error_resolved_by_query() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    let first = client.pay(&pay_request(&no, 100, "4001")).await.unwrap();
    assert_eq!(first.state, TradeState::Unknown);
    assert_eq!(first.gateway_code.as_deref(), Some("20006"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);

    let no = new_no("CY");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_request(&no, 100, "4001"), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 1);
    assert_eq!(charges(&sb, &no), 1);
}

#[tokio::test]
async fn scenario_4002_no_answer_resolved_by_query() {
    let sb = Sandbox::start_with(0, SandboxOptions { hang: Duration::from_secs(3) }).await.unwrap();
    let mut cfg = config(&sb, GatewayId::Chaoying);
    cfg.request_timeout = Duration::from_secs(1);
    let client = chaoying::Client::new(cfg).unwrap();

    let no = new_no("CY");
    let e = client.pay(&pay_request(&no, 100, "4002")).await.unwrap_err();
    assert!(matches!(e, Error::Network { outcome_unknown: true, .. }), "{e:?}");

    let no = new_no("CY");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_request(&no, 100, "4002"), &events).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 1);
    assert_eq!(charges(&sb, &no), 1);
}

#[tokio::test]
async fn scenario_5001_bad_signature_needs_attention() {
    let sb = Sandbox::start().await.unwrap();
    let mut cfg = config(&sb, GatewayId::Chaoying);
    cfg.poll = Some(schedule(1000, 1000));
    let client = chaoying::Client::new(cfg).unwrap();

    let no = new_no("CY");
    let e = client.pay(&pay_request(&no, 100, "5001")).await.unwrap_err();
    assert!(matches!(e, Error::SignatureInvalid { .. }), "{e:?}");
    assert!(matches!(client.query(&no).await, Err(Error::SignatureInvalid { .. })));

    let no = new_no("CY");
    let events = Events::default();
    let r = pay_and_wait(&client, &pay_request(&no, 100, "5001"), &events).await.unwrap();
    // Nothing about this order can be trusted, not even the reverse's answer: a person must look.
    assert_eq!(r.state, TradeState::NeedsAttention);
    assert!(events.polls() >= 2);
    assert_eq!(charges(&sb, &no), 1);
}

// ---------------------------------------------------------------------------------------------
// Every operation

fn goods() -> Vec<GoodsDetail> {
    vec![
        GoodsDetail {
            goods_id: "CY000000".into(),
            pay_goods_id: None,
            goods_name: Some("促销单品".into()),
            quantity: 1,
            price: fen(600),
        },
        GoodsDetail { goods_id: "CY000001".into(), pay_goods_id: None, goods_name: None, quantity: 2, price: fen(200) },
    ]
}

#[tokio::test]
async fn typed_pay_with_goods_and_orderquery() {
    let (_sb, client) = setup().await;
    let no = new_no("CY");
    let req = BarcodePayRequest {
        out_trade_no: no.clone(),
        total_fee: fen(1000),
        auth_code: barcode("0000").into(),
        body: "超赢支付".into(),
        attach: Some("till 3".into()),
        goods_tag: Some("CY_PROMOTION_001".into()),
        goods_detail: goods(),
        ..Default::default()
    };
    let r = client.barcode_pay(&req).await.unwrap();
    assert!(r.status.is_success());
    assert_eq!(r.status.pay_verdict(), Verdict::State(TradeState::Paid));
    assert_eq!(r.base_fee, Some(fen(1000)));
    assert_eq!(r.total_fee, Some(fen(1000)));
    assert_eq!(r.attach.as_deref(), Some("till 3"));
    assert_eq!(r.trade_type.as_deref(), Some("MICROPAY"));
    assert_eq!(r.wx_mch_id.as_deref(), Some("1264300000"));
    let promo = r.promotion_detail.as_ref().and_then(JsonText::parsed).expect("promotion_detail parsed");
    let goods_ids: Vec<_> = promo.promotion_detail[0].goods_detail.iter().map(|g| g.goods_id.clone()).collect();
    assert_eq!(goods_ids, vec![Some("CY000000".to_string()), Some("CY000001".to_string())]);
    assert_eq!(promo.promotion_detail[0].goods_detail[1].quantity, Some(2));

    let tid = r.transaction_id.clone().unwrap();
    let q = client
        .order_query(&OrderQueryRequest { paytype: PayType::Wechat, out_trade_no: None, transaction_id: Some(tid) })
        .await
        .unwrap();
    assert_eq!(q.status.query_verdict(), Verdict::State(TradeState::Paid));
    assert_eq!(q.out_trade_no.as_deref(), Some(no.as_str()));

    // A refusal is an error on every gateway's typed methods, with the gateway's code.
    let missing = client
        .order_query(&OrderQueryRequest {
            paytype: PayType::Wechat,
            out_trade_no: Some("NOSUCHORDER1".into()),
            transaction_id: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(&missing, Error::GatewayRejected { code, .. } if code == Code::OrderNotExist.as_str()));
    assert!(matches!(client.query("NOSUCHORDER1").await, Err(Error::GatewayRejected { code, .. }) if code == "20007"));
}

#[tokio::test]
async fn facepay_and_getfaceauth() {
    let (sb, client) = setup().await;
    let auth = client
        .get_face_auth(&FaceAuthRequest {
            paytype: PayType::Wechat,
            store_id: "test_store_01".into(),
            store_name: "测试门店01".into(),
            device_id: "CYW00000000000000000000".into(),
            rawdata: "eNPJNgR26U88XXXXXXXXXX".into(),
        })
        .await
        .unwrap();
    assert!(auth.status.is_success());
    assert!(auth.authinfo.as_deref().is_some_and(|a| !a.is_empty()));
    assert_eq!(auth.expires_in, Some(3600));
    assert!(auth.appid.is_some() && auth.sub_appid.is_some() && auth.channel_mch_id.is_some());
    assert!(auth.sub_mch_id.is_some());

    let face = |no: &str, tail: &str| FacePayRequest {
        paytype: PayType::Wechat,
        openid: "oBmIts3wbluEiYfp6zDgBWsC9Evs".into(),
        out_trade_no: no.into(),
        total_fee: fen(4),
        face_code: format!("12006109882800{tail}").into(),
        body: "超赢支付".into(),
        device_info: None,
        attach: None,
        mch_create_ip: None,
        op_user_id: None,
        op_shop_id: None,
        op_device_id: None,
        goods_tag: None,
        goods_detail: goods(),
    };
    let no = new_no("CY");
    let r = client.face_pay(&face(&no, "0000")).await.unwrap();
    assert_eq!(r.status.pay_verdict(), Verdict::State(TradeState::Paid));
    assert_eq!(r.trade_type.as_deref(), Some("FACEPAY"));
    assert_eq!(r.openid.as_deref(), Some("oBmIts3wbluEiYfp6zDgBWsC9Evs"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
    assert_eq!(charges(&sb, &no), 1);

    let no = new_no("CY");
    let e = client.face_pay(&face(&no, "3001")).await.unwrap_err();
    assert!(matches!(&e, Error::GatewayRejected { code, .. } if code == Code::PayError.as_str()), "{e:?}");
    assert_eq!(charges(&sb, &no), 0);
}

#[tokio::test]
async fn refund_partial_full_and_refundquery() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    assert_eq!(client.pay(&pay_request(&no, 1000, "0000")).await.unwrap().state, TradeState::Paid);

    let r1 = RefundRequest {
        order_no: no.clone(),
        refund_no: format!("TK-{no}-01"),
        refund_amount: fen(300),
        total_amount: Some(fen(1000)),
        reason: None,
    };
    let refund = client.refund(&r1).await.unwrap();
    assert_eq!(refund.state, RefundState::Success);
    assert_eq!(refund.amount, Some(fen(300)));
    let refund_id = refund.gateway_refund_no.clone().unwrap();
    // The same refund number again is the same refund, not a second one.
    assert_eq!(client.refund(&r1).await.unwrap().gateway_refund_no.as_deref(), Some(refund_id.as_str()));

    let rq = client.refund_query(&no, &r1.refund_no).await.unwrap();
    assert_eq!(rq.state, RefundState::Success);
    assert_eq!(rq.amount, Some(fen(300)));
    assert_eq!(rq.gateway_refund_no.as_deref(), Some(refund_id.as_str()));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::PartiallyRefunded);

    // The rest, without total_amount: the client looks the order amount up.
    let r2 = RefundRequest {
        order_no: no.clone(),
        refund_no: format!("TK-{no}-02"),
        refund_amount: fen(700),
        total_amount: None,
        reason: Some("returned".into()),
    };
    assert_eq!(client.refund(&r2).await.unwrap().state, RefundState::Success);
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Refunded);

    let typed = client
        .trade_refund_query(&RefundQueryRequest {
            paytype: PayType::Wechat,
            out_refund_no: None,
            refund_id: Some(refund_id),
        })
        .await
        .unwrap();
    assert!(typed.status.is_success());
    assert_eq!(typed.refund_count, Some(2));
    assert_eq!(typed.refund_fee_summary, Some(fen(1000)));
    let list = typed.refunds();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].out_refund_no.as_deref(), Some(r1.refund_no.as_str()));
    assert_eq!(list[1].refund_fee, Some(fen(700)));
    assert_eq!(list[1].refund_status, RefundStatus::Success);

    let too_much = RefundRequest { refund_no: format!("TK-{no}-03"), refund_amount: fen(1), ..r1.clone() };
    assert!(matches!(client.refund(&too_much).await, Err(Error::GatewayRejected { code, .. }) if code == "20008"));
    assert!(matches!(
        client.refund_query(&no, "TK-NONE-01").await,
        Err(Error::GatewayRejected { code, .. }) if code == "20007"
    ));

    let view = sb.orders().into_iter().find(|o| o.order_no == no).unwrap();
    assert_eq!(view.refunded, 1000);
    assert_eq!(view.charges, 1);
}

#[tokio::test]
async fn cancel_reverses_a_paid_order() {
    let (sb, client) = setup().await;
    let no = new_no("CY");
    assert_eq!(client.pay(&pay_request(&no, 500, "0000")).await.unwrap().state, TradeState::Paid);
    let c = client.cancel(&no).await.unwrap();
    assert_eq!(c.state, TradeState::Reversed);
    assert_eq!(c.gateway_code.as_deref(), Some("10000"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Reversed);
    let view = sb.orders().into_iter().find(|o| o.order_no == no).unwrap();
    assert_eq!(view.state, posgate_sandbox::SimState::Reversed);

    // A paying order stops; a refunded one cannot be cancelled; an unknown one is refused.
    let no = new_no("CY");
    assert_eq!(client.pay(&pay_request(&no, 500, "1030")).await.unwrap().state, TradeState::Paying);
    assert_eq!(client.cancel(&no).await.unwrap().state, TradeState::Reversed);
    assert_eq!(charges(&sb, &no), 0);

    let no = new_no("CY");
    client.pay(&pay_request(&no, 500, "0000")).await.unwrap();
    let refund = RefundRequest {
        order_no: no.clone(),
        refund_no: format!("R{no}"),
        refund_amount: fen(100),
        total_amount: Some(fen(500)),
        reason: None,
    };
    client.refund(&refund).await.unwrap();
    assert!(matches!(client.cancel(&no).await, Err(Error::GatewayRejected { code, .. }) if code == "20011"));
    assert!(matches!(client.cancel("NOSUCHORDER2").await, Err(Error::GatewayRejected { code, .. }) if code == "20007"));
}

// ---------------------------------------------------------------------------------------------
// Pre-orders and notifications

/// A merchant's notify_url: verifies each notification, answers the ack (or `fail`).
async fn notify_receiver(key: Secret) -> (String, Received) {
    merchant_receiver("/pay/notify", move |fields| chaoying::verify_notification(fields, &key)).await
}

fn sandbox_key() -> Secret {
    posgate_sandbox::chaoying::test_credentials().key
}

fn wechat_preorder_request(no: &str, trade_type: TradeType, notify_url: Option<String>) -> WechatPreOrderRequest {
    WechatPreOrderRequest {
        sub_appid: Some("wxaee08d155d9de0c5".into()),
        is_minipg: Some(false),
        buyer_id: Some("oRA5quGvJc1wwwjMW-tnpLLqD-FM".into()),
        device_info: Some("013467007045764".into()),
        body: "超赢支付聚合支付".into(),
        out_trade_no: no.into(),
        total_fee: fen(4),
        mch_create_ip: Some("114.114.114.114".into()),
        time_start: None,
        time_expire: None,
        notify_url,
        op_user_id: None,
        op_shop_id: Some("md_001".into()),
        limit_pay: None,
        trade_type,
        product_id: Some("1223541321407035645".into()),
        goods_tag: Some("CY_PROMOTION_001".into()),
        goods_detail: goods(),
    }
}

#[tokio::test]
async fn wechat_preorder_paid_and_notified() {
    let (sb, client) = setup().await;
    let (url, received) = notify_receiver(sandbox_key()).await;
    let no = new_no("CY");
    let r = client.wechat_pre_order(&wechat_preorder_request(&no, TradeType::Native, Some(url))).await.unwrap();
    assert!(r.status.is_success());
    assert!(r.code_url.as_deref().is_some_and(|u| u.starts_with("weixin://")));
    assert!(r.pay_info.is_none());
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paying);

    let ack = sb.pay_preorder(GatewayId::Chaoying, &no).await.unwrap();
    assert_eq!(ack.as_deref(), Some("success"));
    let fields = received.wait_for(1).await[0].0.clone();
    let n = client.verify_notification(&fields).unwrap();
    assert_eq!(n.order_no, no);
    assert_eq!(n.state, TradeState::Paid);
    assert_eq!(n.amount, Some(fen(4)));
    assert_eq!(n.ack, "success");
    assert_eq!(fields.get("trade_type").map(String::as_str), Some("pay.weixin.native"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
    assert_eq!(charges(&sb, &no), 1);

    // A tampered notification is refused.
    let mut tampered = fields.clone();
    tampered.insert("total_fee".into(), "1".into());
    assert!(matches!(client.verify_notification(&tampered), Err(Error::SignatureInvalid { .. })));
    let mut forged = fields.clone();
    forged.remove("sign");
    assert!(matches!(client.verify_notification(&forged), Err(Error::SignatureInvalid { .. })));

    // JSPAY gives the parameters that start WeChat Pay in the page.
    let no = new_no("CY");
    let r = client.wechat_pre_order(&wechat_preorder_request(&no, TradeType::Jspay, None)).await.unwrap();
    let info = r.pay_info.as_ref().and_then(JsonText::parsed).expect("pay_info parsed");
    assert_eq!(info.app_id.as_deref(), Some("wxaee08d155d9de0c5"));
    assert!(info.package.as_deref().is_some_and(|p| p.starts_with("prepay_id=")));
    assert_eq!(info.sign_type.as_deref(), Some("MD5"));
    assert!(info.pay_sign.is_some());
    assert_eq!(r.sub_openid.as_deref(), Some("oRA5quGvJc1wwwjMW-tnpLLqD-FM"));
    // No notify_url: paid without a notification.
    assert_eq!(sb.pay_preorder(GatewayId::Chaoying, &no).await.unwrap(), None);
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Paid);
}

#[tokio::test]
async fn alipay_preorder_paid_and_notified() {
    let (sb, client) = setup().await;
    let (url, received) = notify_receiver(sandbox_key()).await;
    let no = new_no("CY");
    let req = AlipayPreOrderRequest {
        device_info: Some("device_info_yzq_01".into()),
        body: "超赢支付聚合支付".into(),
        out_trade_no: no.clone(),
        total_fee: fen(1),
        mch_create_ip: None,
        time_start: Some("20091225091010".into()),
        time_expire: Some("20991225091510".into()),
        goods_tag: None,
        notify_url: Some(url),
        op_user_id: None,
        op_shop_id: None,
        limit_pay: None,
        trade_type: TradeType::Jspay,
        product_id: Some("1223541321407035645".into()),
        buyer_logon_id: Some("13800000000".into()),
        buyer_id: Some("2088822494428872".into()),
    };
    let r = client.alipay_pre_order(&req).await.unwrap();
    assert!(r.status.is_success());
    assert!(r.pay_info.as_ref().and_then(JsonText::parsed).and_then(|i| i.trade_no.clone()).is_some());
    assert!(r.pay_url.is_some());

    assert_eq!(sb.pay_preorder(GatewayId::Chaoying, &no).await.unwrap().as_deref(), Some("success"));
    let fields = received.wait_for(1).await[0].0.clone();
    let n = chaoying::verify_notification(&fields, &sandbox_key()).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.amount), (no.as_str(), TradeState::Paid, Some(fen(1))));
    assert_eq!(fields.get("buyer_user_id").map(String::as_str), Some("2088822494428872"));
    assert_eq!(
        fields.get("fund_bill_list").map(String::as_str),
        Some(r#"[{"amount":"0.01","fundChannel":"ALIPAYACCOUNT"}]"#)
    );
    // The client remembered the order is Alipay's.
    let q = client.query(&no).await.unwrap();
    assert_eq!((q.state, q.channel.as_deref()), (TradeState::Paid, Some("ALIPAY")));

    // NATIVE: a QR code.
    let no = new_no("CY");
    let native = AlipayPreOrderRequest {
        out_trade_no: no,
        trade_type: TradeType::Native,
        notify_url: None,
        time_start: None,
        time_expire: None,
        ..req
    };
    let r = client.alipay_pre_order(&native).await.unwrap();
    assert!(r.code_url.as_deref().is_some_and(|u| u.starts_with("https://qr.alipay.com/")));
}

// ---------------------------------------------------------------------------------------------
// Merchant operations

#[tokio::test]
async fn merchant_operations() {
    let (_sb, client) = setup().await;
    let reg = MchRegRequest { fields: [("key1", "aaa"), ("key2", "bbb")].map(|(k, v)| (k.into(), v.into())).into() };
    let r = client.mch_reg(&reg).await.unwrap();
    assert!(r.status.is_success());
    assert_eq!(r.mch_id.as_deref(), Some(posgate_sandbox::chaoying::REGISTERED_MCH_ID));

    let sms = client.get_mch_sms_valid(&MchSmsValidRequest { mobile: "13800000000".into() }).await.unwrap();
    assert_eq!(sms.status.state, CommState::Success);
    assert_eq!(sms.valid_minutes, Some(20));

    let by_mobile = GetMchIdRequest {
        mobile: Some("13800000000".into()),
        valid: Some(posgate_sandbox::chaoying::SMS_CODE.into()),
        ..Default::default()
    };
    let id = client.get_mch_id(&by_mobile).await.unwrap();
    assert!(id.status.is_success());
    assert_eq!(id.mch_id.as_deref(), Some(posgate_sandbox::chaoying::MCH_ID));
    assert_eq!(id.mch_state, Some(MchState::Enabled));
    assert!(id.mch_full_name.is_some() && id.mch_short_name.is_some() && id.mch_trade_code.is_some());
    let by_user = GetMchIdRequest {
        username: Some(posgate_sandbox::chaoying::USERNAME.into()),
        password: Some(Secret::new(posgate_sandbox::chaoying::PASSWORD)),
        ..Default::default()
    };
    assert!(client.get_mch_id(&by_user).await.unwrap().status.is_success());
    let wrong = GetMchIdRequest { valid: Some("9999".into()), ..by_mobile };
    let e = client.get_mch_id(&wrong).await.unwrap_err();
    assert!(matches!(e, Error::GatewayRejected { code, .. } if code == "20004"));

    let partners = client.get_partner_id(&GetPartnerIdRequest::default()).await.unwrap();
    let list = partners.partner_list.as_ref().and_then(JsonText::parsed).expect("partner_list parsed");
    assert_eq!(list[0].pay_channel, PaymentChannel::Ceb);
    assert_eq!(list[0].partner_id.as_deref(), Some("257012345"));
    assert_eq!(list[1].partner_id, None);
    let other = client.get_partner_id(&GetPartnerIdRequest { mch_id: Some("99999999".into()) }).await.unwrap_err();
    assert!(matches!(other, Error::GatewayRejected { code, .. } if code == Code::MerchantError.as_str()));

    let info = client.get_mch_info(&GetMchInfoRequest::default()).await.unwrap();
    assert!(info.status.is_success());
    assert!(info.full_name.is_some() && info.short_name.is_some());

    let s = client
        .wxa_code2session(&Code2SessionRequest {
            appid: "wx4da448cd29920000".into(),
            js_code: "023jh17A0Tlixd1ql75A0aLc7A0jabcd".into(),
        })
        .await
        .unwrap();
    assert!(s.status.is_success());
    assert!(s.openid.is_some() && s.session_key.is_some());
    assert_eq!(s.expires_in, Some(7200));
}

// ---------------------------------------------------------------------------------------------
// invoke

#[tokio::test]
async fn invoke_dispatches_every_operation() {
    use serde_json::json;
    let (sb, client) = setup().await;
    let paid = new_no("CY");
    let to_cancel = new_no("CY");
    let face = new_no("CY");
    let ops: Vec<(&str, serde_json::Value)> = vec![
        (
            "barcode_pay",
            json!({"out_trade_no": paid, "total_fee": 300, "auth_code": barcode("0000"), "body": "x",
                       "goods_detail": [{"goods_id": "G1", "quantity": 1, "price": 300}]}),
        ),
        (
            "BARCODE_PAY",
            json!({"out_trade_no": to_cancel, "total_fee": 100, "auth_code": barcode("0000"), "body": "x"}),
        ),
        (
            "face_pay",
            json!({"paytype": "WECHAT", "openid": "o1", "out_trade_no": face, "total_fee": 1,
                           "face_code": "1200610988280000", "body": "x"}),
        ),
        (
            "get_face_auth",
            json!({"paytype": "WECHAT", "store_id": "s", "store_name": "n", "device_id": "d",
                               "rawdata": "r"}),
        ),
        ("order_query", json!({"paytype": "WECHAT", "out_trade_no": paid})),
        (
            "trade_refund",
            json!({"paytype": "WECHAT", "out_trade_no": paid, "out_refund_no": "INV-R1",
                          "total_fee": 300, "refund_fee": 100}),
        ),
        ("trade_refund_query", json!({"paytype": "WECHAT", "out_refund_no": "INV-R1"})),
        ("trade_cancel", json!({"paytype": "WECHAT", "out_trade_no": to_cancel})),
        (
            "wechat_pre_order",
            json!({"body": "x", "out_trade_no": new_no("CY"), "total_fee": 1, "trade_type": "NATIVE",
                                   "product_id": "p1"}),
        ),
        (
            "alipay_pre_order",
            json!({"body": "x", "out_trade_no": new_no("CY"), "total_fee": 1, "trade_type": "NATIVE"}),
        ),
        ("mch_reg", json!({"key1": "aaa"})),
        ("get_mch_sms_valid", json!({"mobile": "13800000000"})),
        ("get_mch_id", json!({"username": "sandbox", "password": "12345678"})),
        ("get_partner_id", json!({})),
        ("get_mch_info", json!({})),
        ("wxa_code2session", json!({"appid": "wx1", "js_code": "c1"})),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (name, params) in ops {
        let out = client.invoke(name, params).await.unwrap_or_else(|e| panic!("{name}: {e}")).answer;
        assert_eq!(out["state"], "SUCCESS", "{name}: {out}");
        seen.insert(name.to_ascii_lowercase());
    }
    let listed: std::collections::BTreeSet<_> =
        posgate_core::Operations::operations(&client).iter().map(|o| o.name.to_string()).collect();
    assert_eq!(seen, listed);

    // Amounts come back as fen, nested JSON as objects.
    let q = client.invoke("order_query", json!({"paytype": "WECHAT", "out_trade_no": paid})).await.unwrap().answer;
    assert_eq!(q["base_fee"], 300);
    assert_eq!(q["code"], "10002");
    let rq = client
        .invoke("trade_refund_query", json!({"paytype": "WECHAT", "out_refund_no": "INV-R1"}))
        .await
        .unwrap()
        .answer;
    assert_eq!(rq["refund_list"][0]["refund_fee"], 100);
    assert_eq!(
        sb.orders().iter().find(|o| o.order_no == to_cancel).unwrap().state,
        posgate_sandbox::SimState::Reversed
    );

    assert!(matches!(client.invoke("closeorder", json!({})).await, Err(Error::Unsupported { .. })));
    let e = client.invoke("trade_refund", json!({"paytype": "WECHAT", "out_trade_no": paid})).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { field, .. } if field == "trade_refund.params"));
}

// ---------------------------------------------------------------------------------------------
// Untrusted answers and bad input

fn signed_answer(pairs: &[(&str, &str)], key: &str) -> RawFields {
    let mut f: RawFields = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    f.insert("sign".into(), protocol::sign(&f, key));
    f
}

#[tokio::test]
async fn tampered_and_unsigned_answers_are_rejected() {
    let key = sandbox_key();
    let no = "CY20260101000001";
    let paid = signed_answer(
        &[
            ("state", "SUCCESS"),
            ("code", "10000"),
            ("trade_state", "SUCCESS"),
            ("out_trade_no", no),
            ("base_fee", "100"),
            ("total_fee", "100"),
        ],
        key.expose(),
    );
    let client_for = |url: String| {
        let mut cfg =
            GatewayConfig::new(url, posgate_core::Credentials::Chaoying(posgate_sandbox::chaoying::test_credentials()));
        cfg.allow_http = true;
        cfg.request_timeout = Duration::from_secs(2);
        chaoying::Client::new(cfg).unwrap()
    };

    // Untouched, the answer is trusted.
    let c = client_for(fake_gateway(serde_json::to_string(&paid).unwrap()).await);
    assert_eq!(c.query(no).await.unwrap().state, TradeState::Paid);

    // One field changed in transit.
    let mut tampered = paid.clone();
    tampered.insert("total_fee".into(), "1".into());
    let c = client_for(fake_gateway(serde_json::to_string(&tampered).unwrap()).await);
    assert!(matches!(c.query(no).await, Err(Error::SignatureInvalid { .. })));

    // A field added in transit.
    let mut added = paid.clone();
    added.insert("coupon_fee".into(), "99".into());
    let c = client_for(fake_gateway(serde_json::to_string(&added).unwrap()).await);
    assert!(matches!(c.query(no).await, Err(Error::SignatureInvalid { .. })));

    // A success without a signature.
    let mut unsigned = paid.clone();
    unsigned.remove("sign");
    let c = client_for(fake_gateway(serde_json::to_string(&unsigned).unwrap()).await);
    assert!(matches!(c.query(no).await, Err(Error::SignatureInvalid { .. })));

    // Not JSON at all: the outcome is unknown, never failed.
    let c = client_for(fake_gateway("<html>502 Bad Gateway</html>".into()).await);
    let e = c.pay(&pay_request(no, 100, "0000")).await.unwrap_err();
    assert!(matches!(e, Error::Network { outcome_unknown: true, .. }), "{e:?}");

    // An answer about another order.
    let other = signed_answer(
        &[("state", "SUCCESS"), ("code", "10000"), ("trade_state", "SUCCESS"), ("out_trade_no", "CYOTHER0001")],
        key.expose(),
    );
    let c = client_for(fake_gateway(serde_json::to_string(&other).unwrap()).await);
    assert!(matches!(c.pay(&pay_request(no, 100, "0000")).await, Err(Error::Network { outcome_unknown: true, .. })));
}

#[tokio::test]
async fn wrong_key_is_refused_by_the_sandbox_and_its_answer_not_trusted() {
    let sb = Sandbox::start().await.unwrap();
    let mut cfg = config(&sb, GatewayId::Chaoying);
    let mut creds = posgate_sandbox::chaoying::test_credentials();
    creds.key = Secret::new("WRONG-KEY");
    cfg.credentials = posgate_core::Credentials::Chaoying(creds);
    let client = chaoying::Client::new(cfg).unwrap();
    let no = new_no("CY");
    let e = client.pay(&pay_request(&no, 100, "0000")).await.unwrap_err();
    // The sandbox answered 20002 signed with its own key, which this client cannot verify.
    assert!(matches!(&e, Error::SignatureInvalid { detail } if detail.contains("20002")), "{e:?}");
    assert!(sb.orders().is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let sb = Sandbox::start().await.unwrap();
    let mut cfg = config(&sb, GatewayId::Chaoying);
    // Nothing listens here: any request that went out would fail as a network error.
    cfg.base_url = "http://127.0.0.1:9/chaoying".into();
    cfg.connect_timeout = Duration::from_millis(500);
    let client = chaoying::Client::new(cfg).unwrap();
    drop(sb);

    let invalid = |r: Result<_, Error>, want: &str| match r {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, want),
        other => panic!("expected InvalidInput({want}), got {other:?}"),
    };
    invalid(client.pay(&pay_request("CY-1", 100, "0000")).await.map(|_| ()), "order_no");
    invalid(client.pay(&pay_request("CY0000001", 0, "0000")).await.map(|_| ()), "amount");
    let mut no_code = pay_request("CY0000001", 100, "0000");
    no_code.auth_code = String::new();
    invalid(pay_and_wait(&client, &no_code, &posgate_core::payment::NoListener).await.map(|_| ()), "auth_code");
    invalid(client.query("abc").await.map(|_| ()), "order_no");
    invalid(client.cancel(&"9".repeat(33)).await.map(|_| ()), "order_no");
    let refund = RefundRequest {
        order_no: "CY0000001".into(),
        refund_no: "R 1".into(),
        refund_amount: fen(1),
        total_amount: Some(fen(1)),
        reason: None,
    };
    invalid(client.refund(&refund).await.map(|_| ()), "refund_no");
    let refund = RefundRequest { refund_no: "R1".into(), refund_amount: fen(2), ..refund };
    invalid(client.refund(&refund).await.map(|_| ()), "refund_amount");
    invalid(client.refund_query("CY0000001", "").await.map(|_| ()), "refund_no");
    invalid(client.get_mch_sms_valid(&MchSmsValidRequest { mobile: "123".into() }).await.map(|_| ()), "mobile");
    invalid(
        client
            .invoke(
                "wechat_pre_order",
                serde_json::json!({"body": "x", "out_trade_no": "CY0000001",
            "total_fee": 1, "trade_type": "NATIVE"}),
            )
            .await
            .map(|_| ()),
        "product_id",
    );
    invalid(client.invoke("get_mch_info", serde_json::json!({"mch": "x"})).await.map(|_| ()), "get_mch_info.params");

    // A valid request does go out, and finds nobody: nothing was sent before either.
    match client.query("CY0000001").await {
        Err(Error::Network { outcome_unknown: false, .. }) => {}
        other => panic!("expected a connect failure, got {other:?}"),
    }
}

/// After a restart the client no longer remembers an order's wallet: it must find an Alipay order
/// anyway (guessing WeChat would read "no such order" and recovery could settle a paid order as
/// failed), and reverse it under the right wallet.
#[tokio::test]
async fn a_fresh_client_finds_the_wallet_of_an_order_it_did_not_start() {
    let sb = Sandbox::start().await.unwrap();
    let first = chaoying::Client::new(config(&sb, GatewayId::Chaoying)).unwrap();
    let no = new_no("CY");
    let mut req = pay_request(&no, 700, "0000");
    req.auth_code = format!("28{}", &req.auth_code[2..]); // an Alipay code
    assert_eq!(first.pay(&req).await.unwrap().state, TradeState::Paid);

    let fresh = chaoying::Client::new(config(&sb, GatewayId::Chaoying)).unwrap();
    let q = fresh.query(&no).await.unwrap();
    assert_eq!(q.state, TradeState::Paid, "{q:?}");
    assert_eq!(q.channel.as_deref(), Some("ALIPAY"));
    let again = chaoying::Client::new(config(&sb, GatewayId::Chaoying)).unwrap();
    assert_eq!(again.cancel(&no).await.unwrap().state, TradeState::Reversed);

    // The first wallet's probe gets no usable answer (a 502): the query fails, its outcome
    // unknown, instead of asking under WeChat and reading "no such order"; asked again, paid.
    let other = new_no("CY");
    let mut req = pay_request(&other, 700, "0000");
    req.auth_code = format!("28{}", &req.auth_code[2..]);
    assert_eq!(first.pay(&req).await.unwrap().state, TradeState::Paid);
    let fresh = chaoying::Client::new(config(&sb, GatewayId::Chaoying)).unwrap();
    let faults = Arc::new(ScriptedFaults::new(vec![Some(Fault::ServerErrorBeforeCommit)]));
    sb.set_faults(Some(faults.clone()));
    match fresh.query(&other).await {
        Err(e) => assert!(e.outcome_unknown() && !fresh.is_order_not_found(&e), "{e:?}"),
        Ok(r) => panic!("answered without the order's wallet: {r:?}"),
    }
    assert_eq!(faults.calls(), 1, "nothing asked after the probe failed");
    assert_eq!(fresh.query(&other).await.unwrap().state, TradeState::Paid);
}
