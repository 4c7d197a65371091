//! Sunmi over real HTTP against the sandbox simulator: every operation of seed 000, the scenario
//! table (keyed on the openId) through the engine's journal and poll loop, the 10 s first query
//! after "用户支付中", RSA-signed callbacks (verified, tampered ones rejected), answers that
//! cannot be trusted, and input refused before sending.

use std::sync::Arc;
use std::time::Duration;

mod kit;

use kit::{
    code_of, config, engine, fake_gateway, fen, field_of, merchant_receiver, mini_pay_json, new_no, open_id, payment,
    schedule, sim, Events, Received, Requests,
};
use posgate_core::engine::Engine;
use posgate_core::journal::{EntryKind, EntryState};
use posgate_core::sunmi::{self, *};
use posgate_core::Operations as _;
use posgate_core::{
    Error, Gateway, GatewayConfig, GatewayId, PaymentEvent, RawFields, RefundRequest, RefundState, TradeState,
};
use posgate_sandbox::{Sandbox, SandboxOptions, SimState};
use serde_json::json;

async fn setup() -> (Sandbox, sunmi::Client) {
    kit::setup(GatewayId::Sunmi, sunmi::Client::new).await
}

fn mini_pay(no: &str, amount: i64, open_id: &str) -> MiniPayRequest {
    MiniPayRequest {
        merchant_no: None,
        total_amount: fen(amount),
        mini_app_id: posgate_sandbox::sunmi::MINI_APP_ID.into(),
        open_id: open_id.into(),
        order_id: no.into(),
        app_version: None,
        notify_url: None,
    }
}

fn journal_state(e: &Engine, no: &str) -> EntryState {
    payment(e.journal(), GatewayId::Sunmi, no).state
}

// ---------------------------------------------------------------------------------------------
// The scenario table (openId's last four digits) through the engine: journalled prepay, then the
// journalled poll loop

/// Prepays through the engine and follows it with the poll loop; returns the prepay's outcome
/// and the settled result.
async fn prepay_and_wait(
    e: &Arc<Engine>,
    no: &str,
    tail: &str,
) -> (posgate_core::Result<serde_json::Value>, posgate_core::Result<posgate_core::TradeResult>, Arc<Events>) {
    let first = e.invoke("mini_pay", mini_pay_json(no, 1580, &open_id(tail))).await;
    let events = Arc::new(Events::default());
    let settled = e.follow_preorder(no, Some(events.clone())).await;
    (first, settled, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_0000_paid_at_once() {
    let (sb, client) = setup().await;
    let e = engine(Arc::new(client));
    let no = new_no("SM");
    let (first, settled, events) = prepay_and_wait(&e, &no, "0000").await;
    let first = first.unwrap();
    assert_eq!((first["state"].clone(), first["resultCode"].clone()), (json!(3), json!("T00")), "{first}");
    assert_eq!(first["orderId"], no.as_str());
    assert_eq!(first["amount"], 1580);
    let r = settled.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert_eq!(r.amount, Some(fen(1580)));
    assert_eq!(r.channel.as_deref(), Some("wxpay"));
    assert_eq!(events.polls(), 1);
    assert_eq!(journal_state(&e, &no), EntryState::Paid);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().charges, 1);
    // Settled: asked again, the journal answers.
    assert_eq!(e.follow_preorder(&no, None).await.unwrap().state, TradeState::Paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_1002_paying_then_paid() {
    let (sb, client) = setup().await;
    let e = engine(Arc::new(client));
    let no = new_no("SM");
    let (first, settled, events) = prepay_and_wait(&e, &no, "1002").await;
    let first = first.unwrap();
    // The seed's "用户支付中": state 1, resultCode T00.
    assert_eq!((first["state"].clone(), first["resultMsg"].clone()), (json!(1), json!("用户支付中")), "{first}");
    // miniPay's cloudPayInfo comes as a JSON string; the typed answer holds it parsed.
    let package = first["cloudPayInfo"]["packageStr"].as_str().unwrap_or_default();
    assert!(package.starts_with("prepay_id="), "{first}");
    let r = settled.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert!(events.polls() >= 2, "{:?}", events.0.lock().unwrap());
    assert_eq!(journal_state(&e, &no), EntryState::Paid);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().charges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_2002_paying_then_failed() {
    let (sb, client) = setup().await;
    let e = engine(Arc::new(client));
    let no = new_no("SM");
    let (_, settled, events) = prepay_and_wait(&e, &no, "2002").await;
    let r = settled.unwrap();
    assert_eq!(r.state, TradeState::Failed);
    assert_eq!(r.gateway_code.as_deref(), Some("T07"));
    assert!(events.polls() >= 2);
    assert_eq!(journal_state(&e, &no), EntryState::Failed);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().charges, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_3001_declined_and_3002_invalid() {
    let (sb, client) = setup().await;
    let e = engine(Arc::new(client));
    let no = new_no("SM");
    let (first, settled, _) = prepay_and_wait(&e, &no, "3001").await;
    assert_eq!(first.unwrap()["state"], 5);
    let r = settled.unwrap();
    assert_eq!((r.state, r.gateway_code.as_deref()), (TradeState::Failed, Some("T02")));
    assert_eq!(r.message.as_deref(), Some("余额不足"));
    assert_eq!(journal_state(&e, &no), EntryState::Failed);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().charges, 0);

    // Refused outright: no order anywhere, the journal says failed.
    let no = new_no("SM");
    let err = e.invoke("mini_pay", mini_pay_json(&no, 100, &open_id("3002"))).await.unwrap_err();
    assert_eq!(code_of(&err), "Q03");
    assert_eq!(journal_state(&e, &no), EntryState::Failed);
    assert!(sim(&sb, GatewayId::Sunmi, &no).is_none());
    let err = e.follow_preorder(&no, None).await.unwrap();
    assert_eq!(err.state, TradeState::Failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_4001_system_error_resolved_by_query() {
    let (sb, client) = setup().await;
    let e = engine(Arc::new(client));
    let no = new_no("SM");
    let (first, settled, _) = prepay_and_wait(&e, &no, "4001").await;
    // S03 says nothing about the order: the answer is handed over, the journal keeps it paying.
    assert_eq!(first.unwrap()["sub_code"], "S03");
    assert_eq!(settled.unwrap().state, TradeState::Paid);
    assert_eq!(journal_state(&e, &no), EntryState::Paid);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().charges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_4002_no_answer_resolved_by_query() {
    let sb = Sandbox::start_with(0, SandboxOptions { hang: Duration::from_secs(3) }).await.unwrap();
    let mut cfg = config(&sb, GatewayId::Sunmi);
    cfg.request_timeout = Duration::from_millis(800);
    let e = engine(posgate_core::connect(cfg).unwrap());
    let no = new_no("SM");
    let (first, settled, _) = prepay_and_wait(&e, &no, "4002").await;
    let err = first.unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(settled.unwrap().state, TradeState::Paid);
    assert_eq!(journal_state(&e, &no), EntryState::Paid);
    let o = e.journal().get(EntryKind::Payment, GatewayId::Sunmi, &no).unwrap().unwrap();
    assert_eq!(o.attempts, 1, "never sent twice");
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().charges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpaid_prepay_past_the_deadline_needs_attention() {
    let sb = Sandbox::start().await.unwrap();
    let mut cfg = config(&sb, GatewayId::Sunmi);
    cfg.poll = Some(schedule(900, 100));
    let e = engine(posgate_core::connect(cfg).unwrap());
    let no = new_no("SM");
    // An openId without digits: waits for the payer, who never comes.
    e.invoke("mini_pay", mini_pay_json(&no, 300, "oSandboxPayerWhoNeverPays")).await.unwrap();
    let events = Arc::new(Events::default());
    let r = &e.follow_preorder(&no, Some(events.clone())).await.unwrap();
    // Sunmi has no cancel: nothing to reverse with, a person looks at it.
    assert_eq!(r.state, TradeState::NeedsAttention, "{r:?}");
    assert!(events.0.lock().unwrap().iter().any(|e| matches!(e, PaymentEvent::Reversing { .. })));
    assert_eq!(journal_state(&e, &no), EntryState::NeedsAttention);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().state, SimState::Paying);
}

/// SPEC-NOTES "Polling": after "用户支付中", the first query comes no sooner than 10 s later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_query_no_sooner_than_10_s_after_paying() {
    let sb = Sandbox::start().await.unwrap();
    let rec = Requests::install(&sb);
    let mut cfg = config(&sb, GatewayId::Sunmi);
    cfg.poll = None; // Sunmi's own schedule
    let e = engine(posgate_core::connect(cfg).unwrap());
    assert!(e.gateway().schedule().first_query_after >= Duration::from_secs(10));
    let no = new_no("SM");
    let (first, settled, events) = prepay_and_wait(&e, &no, "1003").await;
    assert_eq!(first.unwrap()["resultMsg"], "用户支付中");
    assert_eq!(settled.unwrap().state, TradeState::Paid);
    let prepaid = rec.times("/v1/trade/miniPay");
    let queries = rec.times("/v1/trade/query");
    assert_eq!(prepaid.len(), 1);
    assert_eq!(queries.len(), 1, "paid after 3 s: the first query at 10 s finds it paid");
    let waited = queries[0] - prepaid[0];
    assert!(waited >= Duration::from_secs(10), "first query after {waited:?}");
    assert!(waited < Duration::from_secs(13), "first query after {waited:?}");
    assert_eq!(events.polls(), 1);
}

// ---------------------------------------------------------------------------------------------
// payBind, jsApiPay, miniPay

#[tokio::test]
async fn official_account_binding_in_order_then_jsapi_pay_in_yuan() {
    let (sb, client) = setup().await;
    let account = "wxnewaccount0001";
    let no = new_no("SM");
    let js = JsApiPayRequest {
        merchant_no: None,
        total_amount: fen(15800),
        mini_app_id: account.into(),
        open_id: open_id("0000"),
        order_id: no.clone(),
        wallet_type: None,
        notify_url: None,
    };
    // Not bound yet: refused, nothing created.
    let e = client.js_api_pay(&js).await.unwrap_err();
    assert_eq!(code_of(&e), "Q03");
    assert!(sim(&sb, GatewayId::Sunmi, &no).is_none());

    // The directory first is refused: the account must come first.
    let mut dir = PayBindRequest::new(ConfigType::PayUrl);
    dir.attention_app_id = Some(account.into());
    dir.pay_url = Some("https://shop.example.com/pay/".into());
    assert_eq!(code_of(&client.pay_bind(&dir).await.unwrap_err()), "Q03");

    let both = OfficialAccountBindRequest {
        merchant_no: None,
        attention_app_id: account.into(),
        pay_url: "https://shop.example.com/pay/".into(),
    };
    let b = client.bind_official_account(&both).await.unwrap();
    assert_eq!((b.account, b.pay_url), (BindStep::Bound, BindStep::Bound));
    // Again: both already configured ("已配置，请勿重复配置"), still fine.
    let b = client.bind_official_account(&both).await.unwrap();
    assert_eq!((b.account, b.pay_url), (BindStep::AlreadyBound, BindStep::AlreadyBound));

    let r = client.js_api_pay(&js).await.unwrap();
    // 158.00 yuan on the wire (the sandbox refuses fen here), 15800 fen everywhere else.
    assert_eq!(r.amount, Some(fen(15800)));
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().amount, 15800);
    assert_eq!(r.trade_state(), TradeState::Paid);
    assert_eq!(r.platform, Some(Platform::Wxpay));
    let info = r.cloud_pay_info.as_ref().and_then(JsonText::parsed).expect("cloudPayInfo object");
    assert_eq!(info.app_id.as_deref(), Some(account));
    assert!(info.package_str.as_deref().is_some_and(|p| p.starts_with("prepay_id=")));
    assert_eq!(info.sign_type.as_deref(), Some("RSA"));

    // The same order again is the same order.
    let again = client.js_api_pay(&js).await.unwrap();
    assert_eq!(again.mis_id, r.mis_id);
    let mut other_amount = js.clone();
    other_amount.total_amount = fen(1);
    assert_eq!(code_of(&client.js_api_pay(&other_amount).await.unwrap_err()), "Q03");

    // Mini program and receipt bindings, and reading the configuration back.
    let mut mini = PayBindRequest::new(ConfigType::MiniAppId);
    mini.mini_app_id = Some("wxnewmini0001".into());
    assert_eq!(client.pay_bind(&mini).await.unwrap().result.as_deref(), Some("Success"));
    let e = client.pay_bind(&mini).await.unwrap_err();
    assert!(matches!(&e, Error::GatewayRejected { code, message } if code == "Q03" && message.contains("已配置")));
    let mut receipt = PayBindRequest::new(ConfigType::ReceiptAppId);
    receipt.receipt_app_id = Some("wxreceipt0001".into());
    client.pay_bind(&receipt).await.unwrap();
    let cfg = client.pay_bind(&PayBindRequest::new(ConfigType::Query)).await.unwrap().config.unwrap();
    assert!(cfg["miniAppIds"].as_array().unwrap().contains(&json!("wxnewmini0001")));
    assert!(cfg["attentionAppIds"].as_array().unwrap().contains(&json!(account)));
    assert!(cfg["receiptAppIds"].as_array().unwrap().contains(&json!("wxreceipt0001")));

    // Another merchant: E01.
    let mut foreign = mini.clone();
    foreign.merchant_no = Some("820000000000001".into());
    assert_eq!(code_of(&client.pay_bind(&foreign).await.unwrap_err()), "E01");
}

#[tokio::test]
async fn mini_pay_in_fen_and_unbound_mini_program() {
    let (sb, client) = setup().await;
    let no = new_no("SM");
    let r = client.mini_pay(&mini_pay(&no, 1, &open_id("0000"))).await.unwrap();
    assert_eq!(r.amount, Some(fen(1)));
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().amount, 1);
    assert_eq!(r.order_id.as_deref(), Some(no.as_str()));
    assert!(r.cloud_pay_info.as_ref().and_then(JsonText::parsed).is_some(), "a JSON string, parsed");
    let mut unbound = mini_pay(&new_no("SM"), 1, &open_id("0000"));
    unbound.mini_app_id = "wxnotbound".into();
    assert_eq!(code_of(&client.mini_pay(&unbound).await.unwrap_err()), "Q03");
}

// ---------------------------------------------------------------------------------------------
// query

#[tokio::test]
async fn query_by_every_number_and_scope() {
    let (_sb, client) = setup().await;
    let no = new_no("SM");
    let paid = client.mini_pay(&mini_pay(&no, 2000, &open_id("0000"))).await.unwrap();
    let mis = paid.mis_id.clone().unwrap();
    let platform = paid.platform_id.clone().unwrap();

    let r = client.query(&no).await.unwrap();
    assert_eq!(r.state, TradeState::Paid);
    assert_eq!(r.amount, Some(fen(2000)));
    assert_eq!(r.gateway_trade_no.as_deref(), Some(mis.as_str()));
    assert_eq!(r.gateway_code.as_deref(), Some("T00"));

    for q in [
        QueryRequest { mis_id: Some(mis.clone()), ..Default::default() },
        QueryRequest { platform_id: Some(platform.clone()), ..Default::default() },
        QueryRequest {
            order_id: Some(no.clone()),
            merchant_no: Some(posgate_sandbox::sunmi::MERCHANT_NO.into()),
            ..Default::default()
        },
    ] {
        let a = client.trade_query(&q).await.unwrap();
        assert_eq!(a.order_id.as_deref(), Some(no.as_str()), "{q:?}");
        assert_eq!(a.order_type, Some(OrderType::Sale));
        assert_eq!(a.trade_state(), TradeState::Paid);
    }
    // By device: cloud orders are found by merchant number only (4.3.3).
    let by_device = QueryRequest { msn: Some(posgate_sandbox::sunmi::MSN.into()), ..QueryRequest::by_order_id(&no) };
    let e = client.trade_query(&by_device).await.unwrap_err();
    assert_eq!(code_of(&e), "E19");
    let wrong = QueryRequest { msn: Some("V000000000000".into()), ..QueryRequest::by_order_id(&no) };
    assert_eq!(code_of(&client.trade_query(&wrong).await.unwrap_err()), "E25");

    let e = client.query("SMNOSUCHORDER").await.unwrap_err();
    assert_eq!(code_of(&e), "E19");
    assert!(client.is_order_not_found(&e));

    // A waiting prepay reads paying ("订单未支付", state 2).
    let waiting = new_no("SM");
    client.mini_pay(&mini_pay(&waiting, 100, "oSandboxWaitingPayer")).await.unwrap();
    let r = client.query(&waiting).await.unwrap();
    assert_eq!((r.state, r.gateway_code.as_deref()), (TradeState::Paying, Some("D08")));
}

// ---------------------------------------------------------------------------------------------
// refund

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_partial_full_idempotent_and_refund_query() {
    let (sb, client) = setup().await;
    let no = new_no("SM");
    let paid = client.mini_pay(&mini_pay(&no, 1000, &open_id("0000"))).await.unwrap();
    let refund = |refund_no: &str, amount: i64| RefundRequest {
        order_no: no.clone(),
        refund_no: refund_no.into(),
        refund_amount: fen(amount),
        total_amount: Some(fen(1000)),
        reason: None,
    };
    let r1 = format!("{no}R1");
    let r = client.refund(&refund(&r1, 300)).await.unwrap();
    assert_eq!((r.state, r.amount), (RefundState::Success, Some(fen(300))));
    assert_eq!(r.gateway_code.as_deref(), Some("00"));
    assert!(r.gateway_refund_no.is_some());
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::PartiallyRefunded);

    // The same refund number again is the same refund, never a second one.
    let again = client.refund(&refund(&r1, 300)).await.unwrap();
    assert_eq!(again.gateway_refund_no, r.gateway_refund_no);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().refunded, 300);
    assert_eq!(code_of(&client.refund(&refund(&r1, 301)).await.unwrap_err()), "Q03");

    let q = client.refund_query(&no, &r1).await.unwrap();
    assert_eq!((q.state, q.amount), (RefundState::Success, Some(fen(300))));
    assert_eq!(q.gateway_refund_no, r.gateway_refund_no);

    // The rest, by Sunmi's number of the original (typed).
    let rest = TradeRefundRequest {
        msn: None,
        merchant_no: None,
        amount: fen(700),
        ori_mis_id: paid.mis_id.clone(),
        ori_platform_id: None,
        ori_order_id: None,
        order_id: format!("{no}R2"),
        business_id: "BIZ-2".into(),
    };
    let typed = client.trade_refund(&rest).await.unwrap();
    assert_eq!(typed.order_type, Some(OrderType::Refund));
    assert_eq!(typed.ori_order_id.as_deref(), Some(no.as_str()));
    assert_eq!(typed.business_id.as_deref(), Some("BIZ-2"));
    assert_eq!(client.query(&no).await.unwrap().state, TradeState::Refunded);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().state, SimState::Refunded);

    // Nothing left (退款金额有误), and a refund looked up under another order is refused.
    assert_eq!(code_of(&client.refund(&refund(&format!("{no}R3"), 1)).await.unwrap_err()), "E22");
    let other = new_no("SM");
    client.mini_pay(&mini_pay(&other, 500, &open_id("0000"))).await.unwrap();
    let e = client.refund_query(&other, &r1).await.unwrap_err();
    assert_eq!(field_of(&e), "refund_no");
    let e = client.refund_query(&no, &no).await.unwrap_err();
    assert_eq!(field_of(&e), "refund_no", "a payment is not a refund");
    let e = client.query(&r1).await.unwrap_err();
    assert_eq!(field_of(&e), "order_no", "a refund is not a payment");

    // By the channel's number of the original; the same refund number for another order is refused.
    let by_platform = TradeRefundRequest {
        ori_mis_id: None,
        ori_platform_id: client.trade_query(&QueryRequest::by_order_id(&other)).await.unwrap().platform_id,
        order_id: format!("{other}R1"),
        amount: fen(100),
        ..rest.clone()
    };
    client.trade_refund(&by_platform).await.unwrap();
    let reused = TradeRefundRequest { order_id: r1.clone(), ..by_platform.clone() };
    assert_eq!(code_of(&client.trade_refund(&reused).await.unwrap_err()), "Q03");

    // Unpaid: refused (订单未支付). Through the device SN: cloud orders are not found (E19).
    let waiting = new_no("SM");
    client.mini_pay(&mini_pay(&waiting, 100, "oSandboxWaitingPayer")).await.unwrap();
    let e = client
        .refund(&RefundRequest {
            order_no: waiting.clone(),
            refund_no: format!("{waiting}R"),
            refund_amount: fen(1),
            total_amount: None,
            reason: None,
        })
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "D08");
    let device = TradeRefundRequest { msn: Some(posgate_sandbox::sunmi::MSN.into()), order_id: "X1".into(), ..rest };
    assert_eq!(code_of(&client.trade_refund(&device).await.unwrap_err()), "E19");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journalled_refund_through_the_engine() {
    let (sb, client) = setup().await;
    let e = engine(Arc::new(client));
    let no = new_no("SM");
    e.invoke("mini_pay", mini_pay_json(&no, 800, &open_id("0000"))).await.unwrap();
    assert_eq!(e.follow_preorder(&no, None).await.unwrap().state, TradeState::Paid);
    let req = RefundRequest {
        order_no: no.clone(),
        refund_no: format!("{no}R"),
        refund_amount: fen(800),
        total_amount: Some(fen(800)),
        reason: None,
    };
    assert_eq!(e.refund(&req).await.unwrap().state, RefundState::Success);
    // Retried: the journal answers, the gateway refunds once.
    assert_eq!(e.refund(&req).await.unwrap().state, RefundState::Success);
    assert_eq!(sim(&sb, GatewayId::Sunmi, &no).unwrap().refunded, 800);
    let entry = e.journal().get(EntryKind::Refund, GatewayId::Sunmi, &req.refund_no).unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Refunded);
    assert_eq!(e.query(&no).await.unwrap().state, TradeState::Refunded);
}

// ---------------------------------------------------------------------------------------------
// swipeQuery

#[tokio::test]
async fn swipe_query_card_trades() {
    let (_sb, client) = setup().await;
    let today = SwipeQueryRequest { order_id: Some("SWIPE0001".into()), ..Default::default() };
    let t = client.swipe_query(&today).await.unwrap();
    assert_eq!(t.amount, Some(fen(2580)));
    assert_eq!((t.card_type.clone(), t.card_gov.clone()), (Some(CardType::Debit), Some(CardGov::BankCard)));
    assert_eq!(t.result_code, Some(SubCode::Approved));
    assert_eq!(t.trade_state(), TradeState::Paid);
    assert_eq!(t.trans_currency.as_deref(), Some("CNY"));

    let by_platform = SwipeQueryRequest { platform_id: Some("331900002".into()), ..Default::default() };
    let t = client.swipe_query(&by_platform).await.unwrap();
    assert_eq!((t.card_type, t.card_gov), (Some(CardType::Scan), Some(CardGov::Wechat)));

    let refund = SwipeQueryRequest {
        order_id: Some("SWIPE0003".into()),
        platform_id: Some("331900003".into()),
        trade_date: Some(posgate_sandbox::sunmi::today()),
        ..Default::default()
    };
    let t = client.swipe_query(&refund).await.unwrap();
    assert_eq!(t.order_type, Some(OrderType::Refund));
    assert_eq!(t.ori_trade_ref.as_deref(), Some("454800001"));

    let declined = client
        .swipe_query(&SwipeQueryRequest { order_id: Some("SWIPE0004".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!((declined.trade_state(), declined.card_type), (TradeState::Failed, Some(CardType::Credit)));
    let voided = client
        .swipe_query(&SwipeQueryRequest { order_id: Some("SWIPE0005".into()), ..Default::default() })
        .await
        .unwrap();
    // Ended after its void: all of it back (the void is a trade of its own).
    assert_eq!(voided.trade_state(), TradeState::Refunded);

    // The seed's own example, on its date; not today.
    let seed = SwipeQueryRequest {
        order_id: Some("201906300600003".into()),
        trade_date: Some("20190630".into()),
        ..Default::default()
    };
    let t = client.swipe_query(&seed).await.unwrap();
    assert_eq!(
        (t.amount, t.card_type, t.short_card.as_deref()),
        (Some(fen(19900)), Some(CardType::SemiCredit), Some("4402"))
    );
    assert_eq!(t.pay_time, Some(1_561_892_597));
    let not_today = SwipeQueryRequest { trade_date: None, ..seed };
    assert_eq!(code_of(&client.swipe_query(&not_today).await.unwrap_err()), "E19");
    let mismatch = SwipeQueryRequest {
        order_id: Some("SWIPE0001".into()),
        platform_id: Some("331900002".into()),
        ..Default::default()
    };
    assert_eq!(code_of(&client.swipe_query(&mismatch).await.unwrap_err()), "E19");
    let other_device = SwipeQueryRequest { msn: Some("V999".into()), ..today };
    assert_eq!(code_of(&client.swipe_query(&other_device).await.unwrap_err()), "E25");
}

// ---------------------------------------------------------------------------------------------
// Callbacks

/// A merchant's callback URL: verifies every callback with `client`'s key and answers the ack
/// (`success`) or `fail`; keeps what it received and answered.
async fn callback_receiver(client: Arc<sunmi::Client>) -> (String, Received) {
    merchant_receiver("/sunmi/callback", move |fields| client.verify_notification(fields)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_signed_verified_and_checked_against_the_journal() {
    let sb = Sandbox::start().await.unwrap();
    let client = Arc::new(sunmi::Client::new(config(&sb, GatewayId::Sunmi)).unwrap());
    let (url, seen) = callback_receiver(client.clone()).await;
    let e = engine(client.clone());

    // Paid after a second: the callback follows by itself.
    let no = new_no("SM");
    let mut params = mini_pay_json(&no, 1200, &open_id("1001"));
    params["notifyUrl"] = json!(url);
    e.invoke("mini_pay", params).await.unwrap();
    let got = seen.wait_for(1).await;
    let (fields, ack) = got[0].clone();
    assert_eq!(ack, "success");
    assert_eq!(fields["orderId"], no);
    assert_eq!(fields["businessId"], "", "empty values are sent and signed");
    let n = client.verify_notification(&fields).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.amount), (no.as_str(), TradeState::Paid, Some(fen(1200))));
    let check = e.check_notification(&fields).unwrap();
    assert!(!check.duplicate);
    assert_eq!(journal_state(&e, &no), EntryState::Paid);
    assert!(e.check_notification(&fields).unwrap().duplicate);

    // Tampered: any changed field fails, and the journal is untouched.
    for (k, v) in [("amount", "1"), ("state", "5"), ("orderId", "SMOTHER"), ("businessId", "x")] {
        let mut t = fields.clone();
        t.insert(k.into(), v.into());
        assert!(matches!(client.verify_notification(&t), Err(Error::SignatureInvalid { .. })), "{k}");
        assert!(matches!(e.check_notification(&t), Err(Error::SignatureInvalid { .. })), "{k}");
    }

    // A refund of it: a refund callback about the original, with the refund-only fields.
    let refund = RefundRequest {
        order_no: no.clone(),
        refund_no: format!("{no}R"),
        refund_amount: fen(200),
        total_amount: Some(fen(1200)),
        reason: None,
    };
    e.refund(&refund).await.unwrap();
    let got = seen.wait_for(2).await;
    let (fields, ack) = got[1].clone();
    assert_eq!(ack, "success");
    assert_eq!((fields["orderType"].as_str(), fields["orderId"].as_str()), ("1", refund.refund_no.as_str()));
    assert_eq!(fields["origOrderId"], no);
    assert_eq!(fields["origBusinessId"], "");
    let n = client.verify_notification(&fields).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.amount), (no.as_str(), TradeState::PartiallyRefunded, None));
    let cb = Callback::from_fields(&n.fields).unwrap();
    assert_eq!(cb.kind(), CallbackKind::Refund);
    assert_eq!(cb.amount, Some(fen(200)));
    assert!(cb.orig_mis_id.is_some() && cb.orig_platform_id.is_some());

    // A prepay waiting for the payer: paid through the sandbox, which posts the callback.
    let waiting = new_no("SM");
    let mut params = mini_pay_json(&waiting, 300, "oSandboxWaitingPayer");
    params["notifyUrl"] = json!(url);
    e.invoke("mini_pay", params).await.unwrap();
    assert_eq!(sb.pay_preorder(GatewayId::Sunmi, &waiting).await.unwrap().as_deref(), Some("success"));
    let got = seen.wait_for(3).await;
    assert_eq!(got[2].0["orderId"], waiting);
    e.check_notification(&got[2].0).unwrap();
    assert_eq!(journal_state(&e, &waiting), EntryState::Paid);

    // 5001: the callback's signature is wrong; the merchant refuses it.
    let bad = new_no("SM");
    let mut params = mini_pay_json(&bad, 100, &open_id("5001"));
    params["notifyUrl"] = json!(url);
    e.invoke("mini_pay", params).await.unwrap();
    let got = seen.wait_for(4).await;
    assert_eq!(got[3].0["orderId"], bad);
    assert_eq!(got[3].1, "fail");
    assert!(matches!(e.check_notification(&got[3].0), Err(Error::SignatureInvalid { .. })));
    assert_eq!(journal_state(&e, &bad), EntryState::Paying);
    // The query tells the truth all the same.
    assert_eq!(e.follow_preorder(&bad, None).await.unwrap().state, TradeState::Paid);
}

#[tokio::test]
async fn seed_sample_callback_needs_the_seeds_key() {
    let (_sb, client) = setup().await;
    let sample: RawFields = sunmi::protocol::seed_sample_callback();
    // The sandbox's configuration carries the sandbox's key: Sunmi's sample does not verify.
    assert!(matches!(client.verify_notification(&sample), Err(Error::SignatureInvalid { .. })));
    // The seed's key (the test environment's default) does.
    let key = PublicKey::parse(TEST_PUBLIC_KEY).unwrap();
    assert_eq!(sunmi::verify_notification(&sample, &key).unwrap().state, TradeState::Paid);
}

// ---------------------------------------------------------------------------------------------
// invoke, untrusted answers, bad input

#[tokio::test]
async fn invoke_dispatches_every_operation() {
    let (_sb, client) = setup().await;
    let no = new_no("SM");
    let calls = [
        ("swipe_query", json!({"orderId": "SWIPE0001"}), "\"cardGov\""),
        ("pay_bind", json!({"configType": "5"}), "\"config\""),
        (
            "bind_official_account",
            json!({"attentionAppId": "wxinvoke0001", "payUrl": "https://x.example.com/p/"}),
            "\"account\":\"bound\"",
        ),
        ("mini_pay", mini_pay_json(&no, 100, &open_id("0000")), "\"cloudPayInfo\""),
        (
            "js_api_pay",
            json!({"totalAmount": 1, "miniAppId": posgate_sandbox::sunmi::OA_APP_ID, "openId": open_id("0000"),
                   "orderId": new_no("SM"), "walletType": "TX01"}),
            "\"cloudPayInfo\"",
        ),
        ("trade_query", json!({"orderId": no}), "\"refunded\""),
        (
            "trade_refund",
            json!({"amount": 50, "oriOrderId": no, "orderId": format!("{no}R"), "businessId": "B1"}),
            "\"oriMisId\"",
        ),
    ];
    assert_eq!(calls.len(), posgate_core::Operations::operations(&client).len());
    for (op, params, needle) in calls {
        let out = client.invoke(op, params).await.unwrap_or_else(|e| panic!("{op}: {e}")).answer;
        assert!(out.to_string().contains(needle), "{op}: {out}");
    }
    let e = client.invoke("trade_refund", json!({"amount": "x"})).await.unwrap_err();
    assert_eq!(field_of(&e), "trade_refund.params");
    assert!(matches!(client.invoke("facepay", json!({})).await, Err(Error::Unsupported { .. })));
}

async fn client_answered(body: &str) -> sunmi::Client {
    let mut cfg = GatewayConfig::new(
        fake_gateway(body.to_string()).await,
        posgate_core::Credentials::Sunmi(posgate_sandbox::sunmi::test_credentials()),
    );
    cfg.allow_http = true;
    sunmi::Client::new(cfg).unwrap()
}

#[tokio::test]
async fn answers_that_settle_nothing_leave_the_outcome_unknown() {
    for body in [
        r#"{"code":"20000","msg":"不可用服务"}"#,
        r#"{"code":"99999","msg":"?"}"#,
        "<html>502 Bad Gateway</html>",
        r#"{"msg":"no code"}"#,
        r#"{"code":"10000","data":{"orderId":"SOMEONE-ELSE","state":3},"msg":""}"#,
        r#"{"code":"10000","data":{"amount":"1.5","state":3},"msg":""}"#,
    ] {
        let c = client_answered(body).await;
        let e = c.mini_pay(&mini_pay("SMA1", 100, "o1")).await.unwrap_err();
        assert!(e.outcome_unknown(), "{body}: {e:?}");
    }
    // Refusals: nothing happened.
    for (body, code) in [
        (r#"{"code":"40002","msg":"Invalid Sign"}"#, "40002"),
        (r#"{"code":"20001","msg":"授权不足"}"#, "20001"),
        (r#"{"code":"10000","data":{"sub_code":"E25","sub_msg":"商户不合法"},"msg":""}"#, "E25"),
    ] {
        let c = client_answered(body).await;
        let e = c.mini_pay(&mini_pay("SMA1", 100, "o1")).await.unwrap_err();
        assert_eq!(code_of(&e), code, "{body}");
    }
    // A system error on a query: the order is neither paid nor failed.
    let c = client_answered(r#"{"code":"10000","data":{"sub_code":"F02","sub_msg":"系统异常"},"msg":""}"#).await;
    let r = c.query("SMA1").await.unwrap();
    assert_eq!((r.state, r.gateway_code.as_deref()), (TradeState::Unknown, Some("F02")));
    let r = c.refund_query("SMA1", "SMA1R").await.unwrap_err();
    assert_eq!(field_of(&r), "refund_no", "an answer that is not about a refund");
}

#[tokio::test]
async fn wrong_credentials_are_refused_by_the_sandbox() {
    let sb = Sandbox::start().await.unwrap();
    let mut cfg = config(&sb, GatewayId::Sunmi);
    if let posgate_core::Credentials::Sunmi(c) = &mut cfg.credentials {
        c.app_key = posgate_core::Secret::new("NOT-THE-KEY");
    }
    let c = sunmi::Client::new(cfg.clone()).unwrap();
    let e = c.query("SMA1").await.unwrap_err();
    assert!(matches!(&e, Error::GatewayRejected { code, message } if code == "40002" && message == "Invalid Sign"));
    if let posgate_core::Credentials::Sunmi(c) = &mut cfg.credentials {
        c.app_id = "sm-unknown".into();
    }
    let e = sunmi::Client::new(cfg).unwrap().query("SMA1").await.unwrap_err();
    assert!(matches!(&e, Error::GatewayRejected { message, .. } if message == "invalid app_id"));
}

#[tokio::test]
async fn no_barcode_pay_and_no_cancel() {
    let (_sb, client) = setup().await;
    let req = posgate_core::PayRequest {
        order_no: new_no("SM"),
        amount: fen(100),
        auth_code: "134567890123450000".into(),
        subject: "x".into(),
        terminal_id: None,
        store_id: None,
    };
    assert!(matches!(client.pay(&req).await, Err(Error::Unsupported { .. })));
    assert!(matches!(client.cancel("SMA1").await, Err(Error::Unsupported { .. })));
    assert!(matches!(client.close("SMA1").await, Err(Error::Unsupported { .. })));
}
