//! The scan sub-API's CommandIDs: what each does to the sandbox's orders (kept under `mmsp` with
//! `extra("sub") = "scan"`), and how it answers, in MMSP's words: a Body `STATUS` (1 done, 2
//! failed with an `ERR_CODE`, 3 paying with `AA`), or the unsigned negative answer (`[-2002]
//! 没有该订单`, `[-9999]` system busy). Micropay outcomes follow [`crate::scenario`]; pre-orders
//! and H5 wait for `/_sandbox/pay/mmsp/<order>`, which posts the signed push 2324. Codes no
//! wallet issues are refused, as the platform does.

use std::time::Instant;

use posgate_core::clock::beijing;
use posgate_core::mmsp::{wallet_of_code, wire, MmspWallet};
use posgate_core::Money;
use serde_json::{json, Map, Value};

use super::{negative, text, Answer, Request, GW, KEY};
use crate::scenario::{Outcome, Scenario};
use crate::sim::Handled;
use crate::store::{new_order, SimState, StoreError};
use crate::{Ctx, SimOrder};

/// The key answers about a `5001` order are signed with: not the merchant's.
const WRONG_KEY: &str = "not the merchant key";

pub(super) fn handle(ctx: &Ctx, req: Request) -> Handled<Answer> {
    let c = req.command;
    let run = || -> Result<Handled<Answer>, Answer> {
        Ok(match c {
            2306 | 2308 | 2325 | 1031 | 1025 | 1026 | 1027 | 2321 | 1030 => pre_order(ctx, &req)?.into(),
            2307 | 2309 | 776 | 2326 => return micropay(ctx, &req),
            2310 => query(ctx, &req)?.into(),
            2311 => change(ctx, &req, SimState::Reversed)?.into(),
            2314 => change(ctx, &req, SimState::Closed)?.into(),
            2312 => refund(ctx, &req)?.into(),
            2313 => refund_query(ctx, &req)?.into(),
            other => return Err(negative(-1001, &format!("不支持的CommandID {other}"))),
        })
    };
    run().unwrap_or_else(Handled::Answer)
}

fn required(req: &Request, k: &str) -> Result<String, Answer> {
    text(&req.body, k).ok_or_else(|| negative(-1003, &format!("参数错误: {k}")))
}

/// `AMT`: fen, a positive whole number.
fn fen(req: &Request) -> Result<u64, Answer> {
    let t = required(req, "AMT")?;
    match Money::parse_fen(t.trim(), "AMT") {
        Ok(m) if !m.is_zero() => Ok(m.fen()),
        _ => Err(negative(-3005, "交易金额不符")),
    }
}

/// What every pay request must carry besides its own fields.
fn pay_fields(req: &Request) -> Result<(String, u64), Answer> {
    let no = required(req, "MERORDERID")?;
    required(req, "RANDSTR")?;
    let goods = required(req, "GOODSNAME")?;
    if no.len() > 20 || !no.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(negative(-1003, "参数错误: MERORDERID"));
    }
    if goods.chars().count() > 15 {
        return Err(negative(-1003, "参数错误: GOODSNAME"));
    }
    Ok((no, fen(req)?))
}

/// `TRADETYPE` of the answers about an order: its wallet (none for JD and UnionPay).
fn wallet_of_command(command: u64) -> &'static str {
    match command {
        2306 | 2307 | 2321 => "1",
        2308 | 2309 | 1026 | 1027 | 1030 => "2",
        2325 | 776 | 2326 => "3",
        _ => "",
    }
}

fn new_scan_order(req: &Request, no: &str, amount: u64, scenario: Scenario) -> SimOrder {
    let mut o = new_order(GW, no, amount, scenario);
    o.extra.insert("sub".into(), "scan".into());
    o.extra.insert("wallet".into(), wallet_of_command(req.command).into());
    o.channel = match wallet_of_command(req.command) {
        "1" => "WEIXIN",
        "2" => "ALIPAY",
        "3" => "QQ",
        _ => "OTHER",
    }
    .into();
    o
}

/// A signed answer to `req` about `order`: scenario 5001's are signed with another key.
fn about(order: &SimOrder, req: &Request, body: Map<String, Value>) -> Answer {
    if order.scenario.signs_wrong() {
        // Signed and encoded here: `Answer::Body` is always signed with the merchant's key.
        let e = super::signed(req.command + wire::NEGATIVE_ANSWER, 1, body, WRONG_KEY);
        return Answer::Payout(Value::Object(e));
    }
    Answer::Body { command: req.command, body }
}

fn duplicate() -> Answer {
    negative(-2001, "商户订单号重复")
}

fn pre_order(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let (no, amount) = pay_fields(req)?;
    let notify = required(req, "NOTIFY_URL")?;
    let h5 = matches!(req.command, 2321 | 1030);
    if req.command == 2321 {
        required(req, "JUMP_URL")?;
    }
    let in_app = text(&req.body, "TRADETYPE").as_deref() == Some("2");
    if in_app && req.command == 2306 && text(&req.body, "OPENID").is_none() {
        return Err(negative(-1003, "参数错误: OPENID"));
    }
    let mut order = new_scan_order(req, &no, amount, Scenario::PaidAtOnce);
    order.preorder = true;
    order.notify_url = Some(notify);
    let (order, fresh) = ctx.store.create(order).map_err(|_| duplicate())?;
    if !fresh {
        return Err(duplicate());
    }
    let mut b = order_members(&order, Instant::now());
    b.insert("STATUS".into(), json!("1"));
    b.remove("AMT");
    b.remove("PAYTIME");
    if let Some(t) = text(&req.body, "TRADETYPE") {
        b.insert("TRADETYPE".into(), json!(t));
    } else {
        b.remove("TRADETYPE");
    }
    if in_app {
        let info = json!({"appId": "wx77a451e8627239de", "package": format!("prepay_id=wx{}", order.trade_no), "signType": "MD5"});
        b.insert("PAY_INFO".into(), json!(info.to_string()));
    } else if h5 {
        b.insert("URL".into(), json!(format!("https://sandbox.mmsp.invalid/h5/{}", order.trade_no)));
    } else {
        let wallet = match req.command {
            2308 | 1026 | 1027 => "alipay",
            2325 => "qq",
            1031 => "jd",
            1025 => "unionpay",
            _ => "wechat",
        };
        b.insert("URL".into(), json!(crate::sim::qr_content(wallet, &order.trade_no)));
    }
    Ok(about(&order, req, b))
}

fn micropay(ctx: &Ctx, req: &Request) -> Result<Handled<Answer>, Answer> {
    let (no, amount) = pay_fields(req)?;
    let code = required(req, "CODE")?;
    required(req, "CUR")?;
    let wanted = match req.command {
        2307 => MmspWallet::Wechat,
        2309 => MmspWallet::Alipay,
        _ => MmspWallet::Qq,
    };
    let refuse = |code: &str, msg: &str| {
        let mut b = Map::new();
        b.insert("MERORDERID".into(), json!(no));
        b.insert("STATUS".into(), json!("2"));
        b.insert("ERR_CODE".into(), json!(code));
        b.insert("ERR_CODE_MSG".into(), json!(msg));
        Answer::Body { command: req.command, body: b }
    };
    // A code no wallet issues, or another wallet's: refused before any order is made.
    if wallet_of_code(&code) != Some(wanted) {
        return Ok(refuse("AUTH_CODE_INVALID", "付款码无效，请重新扫码").into());
    }
    let scenario = Scenario::from_code(&code);
    let (order, fresh) = ctx.store.create(new_scan_order(req, &no, amount, scenario)).map_err(|_| duplicate())?;
    if !fresh {
        return Err(duplicate());
    }
    let mut b = order_members(&order, Instant::now());
    for k in ["AMT", "PAYTIME", "TRADETYPE"] {
        b.remove(k);
    }
    let mut answer = |status: &str, err: Option<(&str, &str)>| {
        b.insert("STATUS".into(), json!(status));
        if let Some((code, msg)) = err {
            b.insert("ERR_CODE".into(), json!(code));
            b.insert("ERR_CODE_MSG".into(), json!(msg));
        }
        Handled::Answer(about(&order, req, b.clone()))
    };
    Ok(match scenario.outcome() {
        Outcome::Paid => answer("1", None),
        Outcome::Paying => answer("3", Some(("AA", "用户支付中"))),
        Outcome::Declined => answer("2", Some(("NOTENOUGH", "余额不足"))),
        Outcome::InvalidCode => answer("2", Some(("AUTHCODEEXPIRE", "付款码已过期，请刷新后重试"))),
        Outcome::SystemError => negative(-9999, "系统繁忙，请稍后再试").into(),
        Outcome::NoAnswer => Handled::NoAnswer,
    })
}

/// What answers about an order share (the query's fields); `STATUS` and `ERR_CODE` by state.
fn order_members(o: &SimOrder, now: Instant) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("ORDERNO".into(), json!(o.trade_no));
    m.insert("MERORDERID".into(), json!(o.order_no));
    m.insert("AMT".into(), json!(o.amount.to_string()));
    m.insert("TRADETIME".into(), json!(beijing(o.created_unix).to_string()));
    if !o.extra("wallet").is_empty() {
        m.insert("TRADETYPE".into(), json!(o.extra("wallet")));
    }
    let (status, err) = match o.state(now) {
        SimState::Paying => ("3", Some(("AA", "用户支付中"))),
        SimState::Paid | SimState::PartiallyRefunded | SimState::Refunded => ("1", None),
        SimState::Failed => ("2", Some(("NOTENOUGH", "支付失败"))),
        SimState::Reversed | SimState::Closed => ("2", Some(("D4", "订单已关闭"))),
    };
    if status == "1" {
        m.insert("PAYTIME".into(), json!(beijing(o.paid_unix()).to_string()));
    }
    m.insert("STATUS".into(), json!(status));
    if let Some((code, msg)) = err {
        m.insert("ERR_CODE".into(), json!(code));
        m.insert("ERR_CODE_MSG".into(), json!(msg));
    }
    m
}

/// The order a management request names: `MERORDERID`, else `ORDERNO`.
fn find(ctx: &Ctx, req: &Request) -> Result<SimOrder, Answer> {
    required(req, "RANDSTR")?;
    let found = match (text(&req.body, "MERORDERID"), text(&req.body, "ORDERNO")) {
        (Some(no), _) => ctx.store.get(GW, &no),
        (None, Some(platform)) => ctx.store.find(GW, |o| o.trade_no == platform),
        (None, None) => return Err(negative(-1003, "参数错误: MERORDERID")),
    };
    found.filter(|o| o.extra("sub") == "scan").ok_or_else(|| negative(-2002, "没有该订单"))
}

fn query(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let o = find(ctx, req)?;
    Ok(about(&o, req, order_members(&o, Instant::now())))
}

/// Cancel (reverse: a paid order's money goes back) or close (unpaid orders only).
fn change(ctx: &Ctx, req: &Request, to: SimState) -> Result<Answer, Answer> {
    let o = find(ctx, req)?;
    let (status, err) = match ctx.store.cancel(GW, &o.order_no, to) {
        Ok(_) => ("1", None),
        Err(StoreError::CancelNotAllowed(why)) if why.contains("paid") => {
            ("2", Some(("ORDERPAID", "订单已支付，不能关闭")))
        }
        Err(_) => ("2", Some(("REFUNDED", "订单已退款，不能撤销"))),
    };
    let now = ctx.store.get(GW, &o.order_no).unwrap_or(o);
    let mut b = order_members(&now, Instant::now());
    b.remove("ERR_CODE");
    b.remove("ERR_CODE_MSG");
    b.insert("STATUS".into(), json!(status));
    if let Some((code, msg)) = err {
        b.insert("ERR_CODE".into(), json!(code));
        b.insert("ERR_CODE_MSG".into(), json!(msg));
    }
    Ok(about(&now, req, b))
}

/// `REFUND_ORDERNO`: string(20), so the store's refund number's last 20 characters.
fn platform_refund_no(r: &crate::store::SimRefund) -> &str {
    let g = r.gateway_refund_no.as_str();
    &g[g.len().saturating_sub(20)..]
}

fn refund_members(o: &SimOrder, i: usize) -> Map<String, Value> {
    let r = &o.refunds[i];
    let mut m = Map::new();
    m.insert("REFUND_ORDERNO".into(), json!(platform_refund_no(r)));
    m.insert("REFUND_MERORDERID".into(), json!(r.refund_no));
    m.insert("AMT".into(), json!(r.amount.to_string()));
    m.insert("REFUND_TIME".into(), json!(beijing(o.unix_at(r.at)).to_string()));
    m.insert("STATUS".into(), json!("1"));
    m
}

fn refund(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let o = find(ctx, req)?;
    let refund_no = required(req, "REFUND_MERORDERID")?;
    let amount = fen(req)?;
    let refused = |code: &str, msg: &str| {
        let mut b = Map::new();
        b.insert("REFUND_MERORDERID".into(), json!(refund_no));
        b.insert("STATUS".into(), json!("2"));
        b.insert("ERR_CODE".into(), json!(code));
        b.insert("ERR_CODE_MSG".into(), json!(msg));
        about(&o, req, b)
    };
    match ctx.store.refund(GW, &o.order_no, &refund_no, amount) {
        Ok((after, r)) => {
            let i = after.refunds.iter().position(|x| x.refund_no == r.refund_no).unwrap_or(0);
            Ok(about(&after, req, refund_members(&after, i)))
        }
        Err(StoreError::DuplicateRefund) => Err(refused("REFUND_NO_USED", "退款单号已使用")),
        Err(StoreError::RefundNotAllowed(why)) if why.contains("exceeds") => {
            Err(refused("REFUND_AMT_ERROR", "退款金额超出可退金额"))
        }
        Err(_) => Err(refused("REFUND_NOT_ALLOWED", "订单状态不允许退款")),
    }
}

fn refund_query(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    required(req, "RANDSTR")?;
    let by_no = text(&req.body, "REFUND_MERORDERID");
    let by_platform = text(&req.body, "REFUND_ORDERNO");
    if by_no.is_none() && by_platform.is_none() {
        return Err(negative(-1003, "参数错误: REFUND_MERORDERID"));
    }
    let is = |r: &crate::store::SimRefund| {
        by_no.as_deref().is_some_and(|n| r.refund_no == n)
            || by_platform.as_deref().is_some_and(|n| platform_refund_no(r) == n)
    };
    let o = ctx.store.find(GW, |o| o.extra("sub") == "scan" && o.refunds.iter().any(is));
    let o = o.ok_or_else(|| negative(-2002, "没有该订单"))?;
    let i = o.refunds.iter().position(is).unwrap_or(0);
    Ok(about(&o, req, refund_members(&o, i)))
}

/// Push 2324 of a paid scan-code order, as the vendor's demo shows it: CommandID 2324 (not
/// + 0x8000), `RetCode` 0, `TokenID`, `AMT` a number (`int(20)`).
pub(super) fn push(order: &SimOrder) -> Result<Map<String, Value>, String> {
    if order.state(Instant::now()) != SimState::Paid {
        return Err(format!("order {} is not paid", order.order_no));
    }
    let mut b = Map::new();
    b.insert("AMT".into(), json!(order.amount));
    b.insert("ORDERNO".into(), json!(order.trade_no));
    b.insert("TRDETIME".into(), json!(beijing(order.created_unix).to_string()));
    b.insert("PAYTIME".into(), json!(beijing(posgate_core::clock::now_unix()).to_string()));
    b.insert("STATUS".into(), json!("1"));
    b.insert("MERORDERID".into(), json!(order.order_no));
    if !order.extra("wallet").is_empty() {
        b.insert("TRADETYPE".into(), json!(order.extra("wallet")));
    }
    let key = if order.scenario.signs_wrong() { WRONG_KEY } else { KEY };
    let mut e = super::signed(2324, 0, b, key);
    e.insert("TokenID".into(), json!(""));
    e.insert("NodeID".into(), json!("openplat"));
    Ok(e)
}
