//! The MMSP part of `posgate demo` beyond the barcode day (which MMSP shares with the other
//! barcode gateways): a WeChat QR pre-order the payer pays through
//! `POST /_sandbox/pay/mmsp/<order>`, its push 2324 verified against the journal; a quick payment
//! confirmed with the SMS code; a payout whose first answer is "paying", settled by the engine's
//! follow-up; and a balance query.

use std::sync::Arc;
use std::time::Duration;

use posgate_core::engine::Engine;
use posgate_core::mmsp::{
    AccountType, BalanceQueryRequest, MmspCardType, MmspQuickPayConfirmRequest, MmspQuickPayRequest,
    MmspWechatPreOrderRequest, PayoutRequest,
};
use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::{ids, Money, PayoutState, Secret, TradeState};
use posgate_sandbox::Sandbox;

use crate::demo_kuaishou::notify_url;
use crate::tally::Tally;

fn fen(n: i64) -> Money {
    Money::from_fen(n, "amount").expect("demo amounts are valid")
}

pub async fn extras(engine: &Arc<Engine>, sandbox: &Sandbox, tally: &mut Tally) {
    let g = engine.gateway().id();
    tally.check(g, "QR pre-order paid, push verified", qr_pre_order(engine, sandbox).await);
    tally.check(g, "quick payment confirmed by SMS", quick_payment(engine).await);
    tally.check(g, "payout pending, then paid", payout(engine).await);
    let balance = engine.call(BalanceQueryRequest { query_type: None, serial: None, req_time: None }).await;
    tally.check(
        g,
        "balance query",
        balance.map_err(|e| e.to_string()).and_then(|b| match b.accounts.first() {
            Some(a) => Ok(format!(
                "{} channel(s), {} available for payouts (fen)",
                b.accounts.len(),
                a.balance_pay.map(|m| m.fen()).unwrap_or(0)
            )),
            None => Err("no account in the answer".into()),
        }),
    );
}

async fn qr_pre_order(engine: &Arc<Engine>, sandbox: &Sandbox) -> Result<String, String> {
    let g = engine.gateway().id();
    let (url, delivered) = notify_url().await.map_err(|e| format!("notify URL: {e}"))?;
    let no = ids::new_order_no("PGQ");
    let order = MmspWechatPreOrderRequest {
        mer_order_id: no.clone(),
        amount: fen(1880),
        goods_name: "demo QR".into(),
        notify_url: url,
        trade_type: Default::default(),
        openid: None,
        mini_program: false,
        sup_appid: None,
        time_end: None,
        ip: None,
        raw: false,
        t0: false,
        no_credit: false,
    };
    let answer = engine.call(order).await.map_err(|e| e.to_string())?;
    println!("[{g}]      {no}: QR {}", answer.url.as_deref().unwrap_or("(no URL)"));
    // The payer pays: the sandbox pushes 2324 to the notify URL.
    let http = Transport::new(TransportConfig { allow_http: true, ..Default::default() }).map_err(|e| e.to_string())?;
    let pay_url = format!("{}/_sandbox/pay/{g}/{no}", sandbox.root_url());
    let paying = tokio::spawn(async move { http.post_form(&pay_url, &[]).await });
    let delivery = delivered.await.map_err(|_| "no push arrived".to_string())?;
    // Verified, checked against the journal and recorded: only then SUCCESS.
    let check = engine.check_notification(&delivery.fields).map_err(|e| e.to_string())?;
    let _ = delivery.answer.send(check.notification.ack.clone());
    paying.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    let n = &check.notification;
    if n.order_no != no || n.state != TradeState::Paid {
        return Err(format!("push says {} {}", n.order_no, n.state));
    }
    let q = engine.query(&no).await.map_err(|e| e.to_string())?;
    if q.state != TradeState::Paid {
        return Err(format!("query says {}", q.state));
    }
    Ok(format!("{no} paid by QR, push verified ({} fen), query {}", n.amount.map(|a| a.fen()).unwrap_or(0), q.state))
}

async fn quick_payment(engine: &Arc<Engine>) -> Result<String, String> {
    let no = ids::new_order_no("PGK");
    let pay = MmspQuickPayRequest {
        mer_order_id: no.clone(),
        amount: fen(990),
        card_no: "6222021234567890123".into(),
        card_type: MmspCardType::Debit,
        exp_date: None,
        cvn2: None,
        name: Secret::new("张三"),
        id_no: "110101199003077777".into(),
        phone: "13812345678".into(),
        user_id: None,
        notify_url: "https://merchant.example/notify".into(),
    };
    let placed = engine.call(pay).await.map_err(|e| e.to_string())?;
    let list_id = placed.list_id.clone().ok_or("no LIST_ID in the answer")?;
    // The cardholder reads the SMS code; the sandbox's is fixed.
    let confirm =
        MmspQuickPayConfirmRequest { list_id: list_id.clone(), msg_code: Secret::new(posgate_sandbox::mmsp::SMS_CODE) };
    engine.call(confirm).await.map_err(|e| e.to_string())?;
    // Confirming is not proof: the query says whether the card was charged.
    let q = engine.query(&no).await.map_err(|e| e.to_string())?;
    if q.state != TradeState::Paid {
        return Err(format!("{no} reads {} after the SMS confirm", q.state));
    }
    Ok(format!("{no} (LIST_ID {list_id}) confirmed with the SMS code, query {}", q.state))
}

async fn payout(engine: &Arc<Engine>) -> Result<String, String> {
    // Payout numbers are digits only.
    let no = ids::new_order_no("");
    let request = PayoutRequest {
        order_no: no.clone(),
        amount: fen(5000),
        busi_type: None,
        account_name: "李四".into(),
        // The account's last four digits script the sandbox: 1003 = paying for 3 s, then paid.
        account_no: "6222020000001003".into(),
        account_type: AccountType::Debit,
        cvv2: None,
        mobile: "13912345678".into(),
        bank_name: "中国工商银行".into(),
        memo: "demo payout".into(),
        pay_type: None,
        bank_settle_no: None,
        bank_branch_name: None,
        bank_province: None,
        bank_city: None,
        id_card: None,
        channel_no: None,
        channel_merno: None,
        req_time: None,
    };
    let first = engine.call(request).await.map_err(|e| e.to_string())?;
    let first_state = first.pay_state.as_ref().map(|s| s.description().to_string()).unwrap_or_default();
    println!("[mmsp]      payout {no}: first answer {first_state}");
    // The engine follows the payout on its backoff; wait for the journal to settle it.
    for _ in 0..40 {
        let s = engine.payout_status(&no).await.map_err(|e| e.to_string())?;
        match s.state {
            PayoutState::Paid => return Ok(format!("payout {no}: first answer {first_state}, then paid")),
            PayoutState::Failed => return Err(format!("payout {no} failed: {:?}", s.message)),
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    Err(format!("payout {no} not settled in 20 s"))
}
