//! The quick sub-API's CommandIDs: what each does to the sandbox's orders, and how it answers.
//!
//! - 771 pay: records the order (waiting for the SMS code, `extra("sub") = "quick"`) and
//!   "texts" the code, which is always [`SMS_CODE`]; answers `STATUS` 0 and the `LIST_ID`.
//! - 772 confirm: the right code pays the order as its card's scenario says (the last four digits
//!   of `CARDNO`, [`crate::scenario`]) and posts the signed notification to `NOTIFY_URL`; a wrong
//!   code is refused (`STATUS` 2, `ERRCODE` `SMS01`).
//! - 778 resend: at most once per 60 s per `LIST_ID` (`SMS02` otherwise).
//! - 773 query, 777 batch query (paid orders only, as the platform).
//! - 783 UnionPay quick order: a pre-order paid through `POST /_sandbox/pay/mmsp/<order>`; its
//!   `PAY_URL` is that path (the sandbox does not know its own address).
//! - The binding calls (781, 774, 775, 776) and flow B (780, 779) are **not open at the real
//!   platform**; the sandbox simulates them anyway, so that every typed operation runs over HTTP.
//!
//! Card scenarios: `3001` declined at confirmation (余额不足), `3002` refused at the pay call
//! (`D4` 要素不匹配), `4001` the pay call answers a system error (the order exists), `4002` it is
//! never answered, `1NNN`/`2NNN` paying for NNN s after confirmation, then paid / failed (no
//! notification for these: query). `5001` (bad signatures) is not simulated on this sub-API.

use std::time::Instant;

use posgate_core::clock::{beijing, now_ms, now_unix};
use posgate_core::Money;
use serde_json::{json, Map, Value};

use super::{negative, signed, text, Answer, Mmsp, Request, GW, KEY};
use crate::scenario::{Outcome, Scenario};
use crate::sim::{self, Handled};
use crate::store::{new_order, SimState};
use crate::{Ctx, SimOrder};

/// The SMS code the sandbox "texts" for every quick payment and binding.
pub const SMS_CODE: &str = "123456";

/// "60秒可以重发一次" (5.11).
const RESEND_MS: i64 = 60_000;

/// The CommandID of the notifications (the seed's example: 35104, digest A2).
pub(super) const NOTIFY_COMMAND: u64 = 35104;

pub(super) fn handle(ctx: &Ctx, req: Request) -> Handled<Answer> {
    let command = req.command;
    let body = |r: Result<Map<String, Value>, Answer>| -> Handled<Answer> {
        match r {
            Ok(body) => Answer::Body { command, body }.into(),
            Err(a) => a.into(),
        }
    };
    match command {
        771 => pay(ctx, &req),
        772 => body(confirm(ctx, &req)),
        773 => body(query(ctx, &req)),
        777 => body(batch(ctx, &req, "quick", trade)),
        778 => body(resend(ctx, &req)),
        783 => body(unionpay_order(ctx, &req)),
        781 => body(bind_sms(ctx, &req)),
        774 => body(bind(ctx, &req)),
        775 => body(unbind(ctx, &req)),
        776 => body(bind_query(ctx, &req)),
        780 => body(bound_card_sms(ctx, &req)),
        779 => body(bound_card_pay(ctx, &req)),
        other => negative(-1001, &format!("不支持的CommandID {other}")).into(),
    }
}

/// A required Body field, or the refusal naming it.
pub(super) fn need(req: &Request, k: &str) -> Result<String, Answer> {
    text(&req.body, k).ok_or_else(|| negative(-1001, &format!("缺少参数{k}")))
}

/// `AMT` in fen, positive.
pub(super) fn amount(req: &Request) -> Result<u64, Answer> {
    match Money::parse_fen(need(req, "AMT")?.trim(), "AMT") {
        Ok(m) if !m.is_zero() => Ok(m.fen()),
        _ => Err(negative(-3005, "交易金额不符")),
    }
}

/// A card number as the platform shows it: the first six and the last four.
fn masked_card(card: &str) -> String {
    let n = card.chars().count();
    if n < 10 {
        return "****".into();
    }
    format!("{}******{}", &card[..6], &card[n - 4..])
}

/// `STATUS` of an order: 0 waiting, 1 paid, 2 failed or closed, 3 refunded.
pub(super) fn status(o: &SimOrder) -> &'static str {
    match o.state(Instant::now()) {
        SimState::Paying => "0",
        SimState::Paid => "1",
        SimState::Failed | SimState::Closed | SimState::Reversed => "2",
        SimState::Refunded | SimState::PartiallyRefunded => "3",
    }
}

/// `PAY_DATE`/`NOTIFY_DATE`, `YYYYMMDDHHmmss` Beijing time.
pub(super) fn date(unix: u64) -> String {
    beijing(unix).compact()
}

/// The Body fields of a quick-pay order (773, 771, 779, batch items, the notification).
fn trade(o: &SimOrder) -> Map<String, Value> {
    let mut m = Map::new();
    let status = status(o);
    m.insert("STATUS".into(), json!(status));
    m.insert("LIST_ID".into(), json!(o.trade_no));
    m.insert("MERORDERID".into(), json!(o.order_no));
    m.insert("AMT".into(), json!(o.amount.to_string()));
    m.insert("PAY_DATE".into(), json!(date(o.paid_unix())));
    m.insert("NOTIFY_DATE".into(), json!(date(o.paid_unix())));
    m.insert("CARDNO".into(), json!(o.extra("card")));
    m.insert("CARDTYPE".into(), json!(o.extra("card_type")));
    m.insert("BANK_NAME".into(), json!("沙盒银行"));
    for (k, wire) in [("bind_id", "BIND_ID"), ("user_id", "USER_ID")] {
        if !o.extra(k).is_empty() {
            m.insert(wire.into(), json!(o.extra(k)));
        }
    }
    if status == "2" {
        m.insert("ERRCODE".into(), json!(o.extra("err_code")));
        m.insert("ERRMSG".into(), json!(o.extra("err_msg")));
    }
    m
}

/// A refusal in a signed Body: `STATUS` 2 with its code.
fn refused(mut m: Map<String, Value>, code: &str, message: &str) -> Map<String, Value> {
    m.insert("STATUS".into(), json!("2"));
    m.insert("ERRCODE".into(), json!(code));
    m.insert("ERRMSG".into(), json!(message));
    m
}

fn list_id_body(list_id: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("LIST_ID".into(), json!(list_id));
    m
}

fn ok(mut m: Map<String, Value>) -> Map<String, Value> {
    m.insert("STATUS".into(), json!("1"));
    m
}

/// A quick-pay order by its `LIST_ID`.
fn by_list_id(ctx: &Ctx, list_id: &str) -> Result<SimOrder, Answer> {
    ctx.store
        .find(GW, |o| o.trade_no == list_id && o.extra("sub") == "quick")
        .ok_or_else(|| negative(-2002, "没有该订单"))
}

/// A quick-pay order by its `MERORDERID`.
fn by_order_id(ctx: &Ctx, sub: &str, no: &str) -> Result<SimOrder, Answer> {
    ctx.store.get(GW, no).filter(|o| o.extra("sub") == sub).ok_or_else(|| negative(-2002, "没有该订单"))
}

/// A new order of sub-API `sub`, waiting for the payer, recorded once: the same number again is
/// refused (the client queries it).
fn create(ctx: &Ctx, mut o: SimOrder, sub: &str) -> Result<SimOrder, Answer> {
    o.extra.insert("sub".into(), sub.into());
    o.extra.insert("sms_at".into(), now_ms().to_string());
    let (o, fresh) = ctx.store.create(o).map_err(|_| negative(-3005, "交易金额不符"))?;
    if !fresh {
        return Err(negative(-2003, "订单号重复"));
    }
    Ok(o)
}

/// 771: the order waits for the SMS code (or is refused by its card's scenario).
fn pay(ctx: &Ctx, req: &Request) -> Handled<Answer> {
    let run = || -> Result<Handled<Answer>, Answer> {
        let no = need(req, "MERORDERID")?;
        let amount = amount(req)?;
        let card = need(req, "CARDNO")?;
        for k in ["NAME", "ID_NO", "PHONENO", "NOTIFY_URL"] {
            need(req, k)?;
        }
        let card_type = need(req, "CARDTYPE")?;
        if card_type == "2" {
            need(req, "EXPDATE")?;
            need(req, "CVN2")?;
        }
        let scenario = Scenario::from_code(&card);
        let mut o = new_order(GW, &no, amount, scenario);
        o.channel = "QUICK".into();
        o.notify_url = text(&req.body, "NOTIFY_URL");
        o.extra.insert("card".into(), masked_card(&card));
        o.extra.insert("card_type".into(), card_type);
        if let Some(user) = text(&req.body, "USER_ID") {
            o.extra.insert("bind_id".into(), format!("B{}", o.trade_no));
            o.extra.insert("user_id".into(), user);
        }
        // 3002: refused at once, the order failed; any other card waits for its code.
        o.preorder = scenario != Scenario::InvalidCode;
        if !o.preorder {
            o.extra.insert("err_code".into(), "D4".into());
            o.extra.insert("err_msg".into(), "要素不匹配".into());
        }
        let o = create(ctx, o, "quick")?;
        Ok(match scenario.outcome() {
            Outcome::SystemError => negative(-9999, "系统繁忙,请稍后查询").into(),
            Outcome::NoAnswer => Handled::NoAnswer,
            _ => Answer::Body { command: 771, body: trade(&o) }.into(),
        })
    };
    run().unwrap_or_else(Handled::Answer)
}

/// The payer confirmed order `o` with the right code: it is paid as its scenario says, and the
/// notification of a payment made at once is posted.
fn settle(ctx: &Ctx, o: &SimOrder) -> SimOrder {
    let now_unix = now_unix();
    let settled = ctx
        .store
        .update(GW, &o.order_no, |o| {
            match o.scenario {
                // Paying for NNN s from now, then paid or failed (no notification: query).
                Scenario::PayingThenPaid(_) | Scenario::PayingThenFailed(_) => {
                    o.preorder = false;
                    o.created = Instant::now();
                    o.created_unix = now_unix;
                    o.extra.insert("err_code".into(), "AA".into());
                    o.extra.insert("err_msg".into(), "用户支付中".into());
                }
                Scenario::Declined => {
                    o.preorder = false;
                    o.extra.insert("err_code".into(), "51".into());
                    o.extra.insert("err_msg".into(), "余额不足".into());
                }
                _ => o.paid_manually = true,
            }
            o.clone()
        })
        .unwrap_or_else(|| o.clone());
    if settled.paid_manually {
        let (ctx, order) = (ctx.clone(), settled.clone());
        tokio::spawn(async move {
            if let Err(e) = sim::notify::<Mmsp>(&ctx, &order).await {
                tracing::debug!(target: "posgate_sandbox::mmsp", "{e}");
            }
        });
    }
    settled
}

/// Whether order `o` still waits for its SMS code.
fn waits_for_code(o: &SimOrder) -> bool {
    o.preorder && !o.paid_manually && o.closed.is_none()
}

/// 772: the right code settles the order; `STATUS` 1 means the confirmation was taken (query
/// for the order's state), 2 a wrong code or a declined card.
fn confirm(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let id = need(req, "LIST_ID")?;
    let code = need(req, "MSG_CODE")?;
    let o = by_list_id(ctx, &id)?;
    if !waits_for_code(&o) {
        // Confirmed before (a retry): the same answer as then.
        return Ok(match status(&o) {
            "2" => refused(list_id_body(&id), o.extra("err_code"), o.extra("err_msg")),
            _ => ok(list_id_body(&id)),
        });
    }
    if code != SMS_CODE {
        return Ok(refused(list_id_body(&id), "SMS01", "短信验证码错误"));
    }
    let o = settle(ctx, &o);
    Ok(match status(&o) {
        "2" => refused(list_id_body(&id), o.extra("err_code"), o.extra("err_msg")),
        _ => ok(list_id_body(&id)),
    })
}

/// 778: at most once per 60 s since the last code texted for the order.
fn resend(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let id = need(req, "LIST_ID")?;
    let o = by_list_id(ctx, &id)?;
    if !waits_for_code(&o) {
        return Ok(refused(list_id_body(&id), "SMS03", "订单已确认,无需重发"));
    }
    let last: i64 = o.extra("sms_at").parse().unwrap_or(0);
    let now = now_ms();
    if now - last < RESEND_MS {
        return Ok(refused(list_id_body(&id), "SMS02", "60秒内只能重发一次"));
    }
    ctx.store.update(GW, &o.order_no, |o| o.extra.insert("sms_at".into(), now.to_string()));
    Ok(ok(list_id_body(&id)))
}

/// 773.
fn query(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    Ok(trade(&by_order_id(ctx, "quick", &need(req, "MERORDERID")?)?))
}

/// 777 (quick pay) and 782 (gateway): the paid orders of sub-API `sub` made between
/// `START_DATE` and `END_DATE` (Beijing dates), a page of them; `STATUS` 0 when there are none.
pub(super) fn batch(
    ctx: &Ctx,
    req: &Request,
    sub: &str,
    item: fn(&SimOrder) -> Map<String, Value>,
) -> Result<Map<String, Value>, Answer> {
    let day = |k: &str| -> Result<String, Answer> {
        let v = need(req, k)?;
        v.get(..8)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string)
            .ok_or_else(|| negative(-1001, k))
    };
    let (start, end) = (day("START_DATE")?, day("END_DATE")?);
    let number = |k: &str| -> Result<usize, Answer> {
        need(req, k)?.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| negative(-1001, k))
    };
    let (per_page, page) = (number("PERPAGE")?.min(1000), number("PAGE")?);
    let now = Instant::now();
    let paid: Vec<SimOrder> = ctx
        .store
        .list(GW)
        .into_iter()
        .filter(|o| o.extra("sub") == sub && o.state(now) == SimState::Paid)
        .filter(|o| {
            let d = beijing(o.created_unix).date_compact();
            start <= d && d <= end
        })
        .collect();
    let total = paid.len();
    let items: Vec<Value> =
        paid.iter().skip((page - 1) * per_page).take(per_page).map(|o| Value::Object(item(o))).collect();
    let mut m = Map::new();
    m.insert("STATUS".into(), json!(if items.is_empty() { "0" } else { "1" }));
    m.insert("BIZ_CONTENT".into(), Value::Array(items));
    m.insert("PERPAGE".into(), json!(per_page.to_string()));
    m.insert("PAGE".into(), json!(page.to_string()));
    m.insert("TOTAL_NUM".into(), json!(total.to_string()));
    m.insert("TOTAL_PAGE".into(), json!(total.div_ceil(per_page).to_string()));
    Ok(m)
}

/// 783: a pre-order paid through `/_sandbox/pay`.
fn unionpay_order(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let no = need(req, "MERORDERID")?;
    let amount = amount(req)?;
    need(req, "JUMP_URL")?;
    let mut o = new_order(GW, &no, amount, Scenario::PaidAtOnce);
    o.preorder = true;
    o.channel = "UNIONPAY".into();
    o.notify_url = Some(need(req, "NOTIFY_URL")?);
    if let Some(card) = text(&req.body, "CARDNO") {
        o.extra.insert("card".into(), masked_card(&card));
    }
    let o = create(ctx, o, "quick")?;
    let mut m = trade(&o);
    m.insert("ERRMSG".into(), json!("用户支付中"));
    let pay_url = format!("/_sandbox/pay/mmsp/{no}");
    if text(&req.body, "TRADE_MODE").as_deref() == Some("2") {
        m.insert(
            "HTML".into(),
            json!(format!("<form method='POST' action='{pay_url}'><button>银联支付</button></form>")),
        );
    }
    m.insert("PAY_URL".into(), json!(pay_url));
    Ok(m)
}

/// A binding's Body fields (781, 774, 780).
fn binding_fields(o: &SimOrder) -> Map<String, Value> {
    let mut m = list_id_body(&o.trade_no);
    m.insert("MERORDERID".into(), json!(o.order_no));
    m.insert("USER_ID".into(), json!(o.extra("user_id")));
    m.insert("CARDNO".into(), json!(o.extra("card")));
    if !o.extra("bind_id").is_empty() {
        m.insert("BIND_ID".into(), json!(o.extra("bind_id")));
    }
    m
}

/// A live binding by `BIND_ID`.
fn binding(ctx: &Ctx, bind_id: &str) -> Result<SimOrder, Answer> {
    ctx.store
        .find(GW, |o| o.extra("sub") == "bind" && o.extra("bind_id") == bind_id && o.extra("unbound").is_empty())
        .ok_or_else(|| negative(-2004, "绑卡信息不存在"))
}

/// 781 (not open at the platform): records the binding and "texts" its code.
fn bind_sms(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let no = need(req, "MERORDERID")?;
    let card = need(req, "CARDNO")?;
    need(req, "PHONENO")?;
    let mut o = new_order(GW, &no, 0, Scenario::from_code(&card));
    o.preorder = true;
    o.extra.insert("card".into(), masked_card(&card));
    o.extra.insert("user_id".into(), need(req, "USER_ID")?);
    if o.scenario == Scenario::InvalidCode {
        return Ok(refused(binding_fields(&o), "D4", "要素不匹配"));
    }
    let o = create(ctx, o, "bind")?;
    Ok(ok(binding_fields(&o)))
}

/// 774 (not open at the platform): the code of 781 binds the card.
fn bind(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let o = by_order_id(ctx, "bind", &need(req, "MERORDERID")?)?;
    for k in ["USER_ID", "CARDNO", "NAME", "ID_NO", "PHONENO"] {
        need(req, k)?;
    }
    let card_type = need(req, "CARDTYPE")?;
    if need(req, "MSG_CODE")? != SMS_CODE {
        return Ok(refused(binding_fields(&o), "SMS01", "短信验证码错误"));
    }
    let o = ctx
        .store
        .update(GW, &o.order_no, |o| {
            if o.extra("bind_id").is_empty() {
                o.extra.insert("bind_id".into(), format!("B{}", o.trade_no));
            }
            o.extra.insert("card_type".into(), card_type);
            o.clone()
        })
        .unwrap_or(o);
    Ok(ok(binding_fields(&o)))
}

/// 775 (not open at the platform).
fn unbind(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let o = binding(ctx, &need(req, "BIND_ID")?)?;
    ctx.store.update(GW, &o.order_no, |o| o.extra.insert("unbound".into(), "1".into()));
    Ok(ok(Map::new()))
}

/// 776 (not open at the platform): the bound card, as masked as the platform shows it.
fn bind_query(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let o = binding(ctx, &need(req, "BIND_ID")?)?;
    let mut m = binding_fields(&o);
    m.insert("CARDTYPE".into(), json!(o.extra("card_type")));
    m.insert("NAME".into(), json!("**"));
    m.insert("ID_NO".into(), json!("****************01"));
    m.insert("PHONENO".into(), json!("188****0890"));
    Ok(ok(m))
}

/// 780 (flow B, not usable at the platform): an order on a bound card, waiting for its code.
fn bound_card_sms(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let b = binding(ctx, &need(req, "BIND_ID")?)?;
    let no = need(req, "MERORDERID")?;
    need(req, "PHONENO")?;
    let mut o = new_order(GW, &no, amount(req)?, b.scenario);
    o.preorder = true;
    o.channel = "QUICK".into();
    for k in ["card", "card_type", "bind_id"] {
        o.extra.insert(k.into(), b.extra(k).into());
    }
    o.extra.insert("user_id".into(), need(req, "USER_ID")?);
    let o = create(ctx, o, "quick")?;
    Ok(ok(binding_fields(&o)))
}

/// 779 (flow B, not usable at the platform): the code of 780 charges the bound card; answers
/// the order: 1 paid, 0 paying (query), 2 declined.
fn bound_card_pay(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let o = by_order_id(ctx, "quick", &need(req, "MERORDERID")?)?;
    if o.extra("bind_id") != need(req, "BIND_ID")? {
        return Err(negative(-2004, "绑卡信息不存在"));
    }
    if amount(req)? != o.amount {
        return Err(negative(-3005, "交易金额不符"));
    }
    if let Some(url) = text(&req.body, "NOTIFY_URL") {
        ctx.store.update(GW, &o.order_no, |o| o.notify_url = Some(url));
    }
    if !waits_for_code(&o) {
        return Ok(trade(&o));
    }
    if need(req, "MSG_CODE")? != SMS_CODE {
        return Ok(refused(trade(&o), "SMS01", "短信验证码错误"));
    }
    let o = by_order_id(ctx, "quick", &o.order_no)?;
    Ok(trade(&settle(ctx, &o)))
}

/// The notification of a paid quick-pay order (5.5): `STATUS` 1, signed.
pub(super) fn notification(order: &SimOrder) -> Result<Map<String, Value>, String> {
    if status(order) != "1" {
        return Err(format!("order {} is not paid", order.order_no));
    }
    let mut body = trade(order);
    body.insert("PUSH_COUNT".into(), json!(1));
    Ok(signed(NOTIFY_COMMAND, 1, body, KEY))
}
