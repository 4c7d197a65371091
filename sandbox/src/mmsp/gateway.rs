//! The gateway sub-API's CommandIDs: what each does to the sandbox's orders, and how it answers.
//!
//! - 2322 pay: the payer's browser posts the signed form (`web_api`) here; the order is
//!   recorded (waiting for the payer, `extra("sub") = "gateway"`) and the answer is the bank's
//!   page ([`Answer::Page`]), whose button posts to `/_sandbox/pay/mmsp/<order>`: paying there
//!   sends the signed notification to `NOTIFY_URL`. (The real platform also sends the browser
//!   back to `JUMP_URL`; that is no proof of payment and the sandbox does not do it.)
//! - 2323 query, 782 batch query (paid orders only).

use serde_json::{json, Map, Value};

use super::quick::{amount, batch, date, need, status, NOTIFY_COMMAND};
use super::{negative, signed, text, Answer, Request, GW, KEY};
use crate::scenario::Scenario;
use crate::sim::Handled;
use crate::store::new_order;
use crate::{Ctx, SimOrder};

pub(super) fn handle(ctx: &Ctx, req: Request) -> Handled<Answer> {
    let command = req.command;
    let r = match command {
        2322 => return pay_page(ctx, &req).into(),
        2323 => query(ctx, &req),
        782 => batch(ctx, &req, "gateway", trade),
        other => Err(negative(-1001, &format!("不支持的CommandID {other}"))),
    };
    match r {
        Ok(body) => Answer::Body { command, body }.into(),
        Err(a) => a.into(),
    }
}

/// The Body fields of a gateway order (2323, batch items, the notification).
fn trade(o: &SimOrder) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("STATUS".into(), json!(status(o)));
    m.insert("LIST_ID".into(), json!(o.trade_no));
    m.insert("MERORDERID".into(), json!(o.order_no));
    m.insert("AMT".into(), json!(o.amount.to_string()));
    m.insert("PAY_CHANNEL".into(), json!(o.extra("pay_channel")));
    m.insert("PAY_DATE".into(), json!(date(o.paid_unix())));
    m.insert("NOTIFY_DATE".into(), json!(date(o.paid_unix())));
    for (k, wire) in [("goods_name", "GOODSNAME"), ("remark", "REMARK")] {
        if !o.extra(k).is_empty() {
            m.insert(wire.into(), json!(o.extra(k)));
        }
    }
    m
}

/// 2322: the bank's page for the order (the same page again for a form posted twice).
fn pay_page(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let no = need(req, "MERORDERID")?;
    let amount = amount(req)?;
    need(req, "JUMP_URL")?;
    let channel = need(req, "PAY_CHANNEL")?;
    let mut o = new_order(GW, &no, amount, Scenario::PaidAtOnce);
    o.preorder = true;
    o.channel = channel.clone();
    o.notify_url = Some(need(req, "NOTIFY_URL")?);
    o.extra.insert("sub".into(), "gateway".into());
    o.extra.insert("pay_channel".into(), channel);
    for (k, wire) in [("goods_name", "GOODSNAME"), ("remark", "REMARK")] {
        if let Some(v) = text(&req.body, wire) {
            o.extra.insert(k.into(), v);
        }
    }
    let (o, _) = ctx.store.create(o).map_err(|_| negative(-3005, "交易金额不符"))?;
    if o.extra("sub") != "gateway" {
        return Err(negative(-2003, "订单号重复"));
    }
    let yuan = format!("{}.{:02}", o.amount / 100, o.amount % 100);
    Ok(Answer::Page(format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>沙盒网银</title></head><body>\
         <h1>沙盒网银 {channel}</h1><p>订单 {no}: ¥{yuan}</p>\
         <form method=\"POST\" action=\"/_sandbox/pay/mmsp/{no}\"><button type=\"submit\">确认支付</button></form>\
         </body></html>",
        channel = o.extra("pay_channel"),
        no = o.order_no,
    )))
}

/// 2323.
fn query(ctx: &Ctx, req: &Request) -> Result<Map<String, Value>, Answer> {
    let no = need(req, "MERORDERID")?;
    let o =
        ctx.store.get(GW, &no).filter(|o| o.extra("sub") == "gateway").ok_or_else(|| negative(-2002, "没有该订单"))?;
    Ok(trade(&o))
}

/// The notification of a paid gateway order (5.2): `STATUS` 1, signed.
pub(super) fn notification(order: &SimOrder) -> Result<Map<String, Value>, String> {
    if status(order) != "1" {
        return Err(format!("order {} is not paid", order.order_no));
    }
    Ok(signed(NOTIFY_COMMAND, 1, trade(order), KEY))
}
