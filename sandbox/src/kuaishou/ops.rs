//! What each Kuaishou operation does to the sandbox's orders, and how it answers.

use std::time::{Duration, Instant};

use posgate_core::clock::{beijing, now_unix};
use posgate_core::Money;
use serde_json::{json, Map, Value};

use super::{answer, refusal, Answer, Format, Request, BUSI_CODE, GW};
use crate::scenario::{Outcome, Scenario};
use crate::sim::Handled;
use crate::store::{new_order, SimState, StoreError};
use crate::{Ctx, SimOrder};

/// The platform cancels a barcode order not paid within this (2.2).
const AUTO_CANCEL: Duration = Duration::from_secs(80);

pub(super) fn text(req: &Request, k: &str) -> Option<String> {
    match req.body.get(k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn yuan(req: &Request, k: &str) -> Result<u64, Answer> {
    let t = text(req, k).ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", k))?;
    match Money::parse_yuan(t.trim(), k) {
        Ok(m) if !m.is_zero() => Ok(m.fen()),
        _ => Err(refusal(req.fmt, "AMT_ERROR", "金额错误")),
    }
}

/// `STATE` of an order: 0 awaiting, 1 paid, 2 cancelled, 4/5 refunded, 6 closed (failed).
pub(super) fn state_of(o: &SimOrder, now: Instant) -> i64 {
    match o.state(now) {
        SimState::Paying => 0,
        SimState::Paid => 1,
        SimState::Reversed | SimState::Closed => 2,
        SimState::PartiallyRefunded => 4,
        SimState::Refunded => 5,
        SimState::Failed => 6,
    }
}

/// The `CHANNEL_TYPE` of a payer's code (WeChat 2, Alipay 1, QQ Wallet 31, Bestpay 27);
/// `None` for a code none of those wallets issues.
pub(super) fn channel_of(code: &str) -> Option<&'static str> {
    posgate_core::kuaishou::channel_of_code(code).map(|c| match c {
        posgate_core::kuaishou::ChannelType::Alipay => "1",
        posgate_core::kuaishou::ChannelType::QqWallet => "31",
        posgate_core::kuaishou::ChannelType::Bestpay => "27",
        _ => "2",
    })
}

/// What answers about an order share, amounts in fen (`AMT`) and yuan (`FUND_BILL_LIST`).
pub(super) fn trade_members(o: &SimOrder) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("BUSI_ID".into(), json!(BUSI_CODE));
    m.insert("OPER_ID".into(), json!(o.extra("oper_id")));
    m.insert("DEV_ID".into(), json!(o.extra("dev_id")));
    m.insert("AMT".into(), json!(o.amount));
    m.insert("CHANNEL_TYPE".into(), json!(o.extra("channel").parse::<i64>().unwrap_or(2)));
    m.insert("CHARGE_CODE".into(), json!(o.order_no));
    m.insert("CHARGE_DOWN_CODE".into(), json!(o.trade_no));
    m.insert("CHARGE_THIRD_CODE".into(), json!(format!("4200{}", o.trade_no.trim_start_matches('K'))));
    let fund = if o.extra("channel") == "1" { "10" } else { "11" };
    let yuan = Money::from_fen(o.amount as i64, "a").map(|m| m.to_yuan()).unwrap_or_default();
    m.insert("FUND_BILL_LIST".into(), json!({"TRADEFUNDBILL": [{"AMOUNT": yuan, "FUND_CHANNEL": fund}]}));
    if !o.extra("merchant_para").is_empty() {
        m.insert("MERCHANTPARA".into(), json!(o.extra("merchant_para")));
    }
    m
}

pub(super) fn new_sim_order(req: &Request, amount: u64, scenario: Scenario, channel: &str) -> Result<SimOrder, Answer> {
    let no = text(req, "CHARGE_CODE").ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", "CHARGE_CODE"))?;
    let mut o = new_order(GW, &no, amount, scenario);
    for (k, wire) in [
        ("oper_id", "OPER_ID"),
        ("dev_id", "DEV_ID"),
        ("subject", "PAY_SUBJECT"),
        ("merchant_para", "MERCHANTPARA"),
        ("verify_codes", "verifyCodes"),
    ] {
        o.extra.insert(k.into(), text(req, wire).unwrap_or_default());
    }
    o.extra.insert("channel".into(), channel.into());
    o.channel = if channel == "1" { "ALIPAY".into() } else { "WEIXIN".into() };
    Ok(o)
}

pub(super) fn pre_order(ctx: &Ctx, req: &Request) -> Handled<Answer> {
    let run = || -> Result<Handled<Answer>, Answer> {
        let amount = yuan(req, "AMT")?;
        let code = text(req, "DYNAMIC_ID").ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", "DYNAMIC_ID"))?;
        // A barcode (DYNAMIC_ID_TYPE 1, the default) no wallet issues: refused, nothing ordered.
        let barcode = matches!(text(req, "DYNAMIC_ID_TYPE").as_deref(), None | Some("1"));
        let wallet = channel_of(&code);
        if barcode && wallet.is_none() {
            return Err(refusal(req.fmt, "ILLEGAL_PARAMETER", "DYNAMIC_ID 支付码格式错误"));
        }
        let scenario = Scenario::from_code(&code);
        let channel = match text(req, "CHANNEL_TYPE").as_deref() {
            None | Some("0") => wallet.unwrap_or("2").to_string(),
            Some(c) => c.to_string(),
        };
        let order = new_sim_order(req, amount, scenario, &channel)?;
        // A charge code seen before is refused, whatever its amount: the client queries it.
        let (order, fresh) = ctx.store.create(order).map_err(|_| serial_repeat(req.fmt))?;
        if !fresh {
            return Err(serial_repeat(req.fmt));
        }
        let fmt = req.fmt;
        Ok(match scenario.outcome() {
            Outcome::Paid => {
                let mut m = trade_members(&order);
                m.insert("BEGIN_TIME".into(), json!(beijing(order.created_unix).to_string()));
                answer(fmt, "SUCCESS", "请求并支付成功!", m).into()
            }
            Outcome::Paying => refusal(fmt, "FAIL", "用户支付中,请查询订单状态").into(),
            Outcome::Declined => refusal(fmt, "FAIL", "余额不足").into(),
            Outcome::InvalidCode => refusal(fmt, "ILLEGAL_PARAMETER", "支付码无效或已过期").into(),
            Outcome::SystemError => refusal(fmt, "SERVICE_UNAVAILABLE", "服务不可用").into(),
            Outcome::NoAnswer => Handled::NoAnswer,
        })
    };
    run().unwrap_or_else(Handled::Answer)
}

pub(super) fn serial_repeat(fmt: Format) -> Answer {
    refusal(fmt, "SERIAL_REPEAT", "上行流水号与系统中重复")
}

pub(super) fn order(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let amount = yuan(req, "AMT")?;
    let channel = text(req, "CHANNEL_TYPE")
        .filter(|c| c != "0")
        .ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", "CHANNEL_TYPE"))?;
    let jsapi = text(req, "TRADE_TYPE").as_deref() == Some("JSAPI");
    let openid = text(req, "subOpenid");
    if jsapi && openid.is_none() {
        return Err(refusal(req.fmt, "ILLEGAL_PARAMETER", "subOpenid"));
    }
    let mut order = new_sim_order(req, amount, Scenario::from_code(openid.as_deref().unwrap_or("")), &channel)?;
    order.preorder = true;
    order.notify_url = text(req, "NODIFY_URL");
    let (order, fresh) = ctx.store.create(order).map_err(|_| serial_repeat(req.fmt))?;
    if !fresh {
        return Err(serial_repeat(req.fmt));
    }
    let mut m = Map::new();
    m.insert("CHARGE_CODE".into(), json!(order.order_no));
    m.insert("CHARGE_DOWN_CODE".into(), json!(order.trade_no));
    if jsapi {
        let ms = order.created_unix * 1000;
        m.insert("appId".into(), json!("wx77a451e8627239de"));
        m.insert("timeStamp".into(), json!(ms.to_string()));
        m.insert("nonceStr".into(), json!(format!("{:032x}", rand::random::<u128>())));
        m.insert("packageData".into(), json!(format!("prepay_id=wx{}", order.trade_no)));
        m.insert("signType".into(), json!("MD5"));
        m.insert("sign".into(), json!(posgate_core::crypto::md5_upper_hex(order.trade_no.as_bytes())));
    } else {
        let wallet = match order.extra("channel") {
            "1" => "alipay",
            "31" => "qq",
            _ => "wechat",
        };
        m.insert("BAR_CODE".into(), json!(crate::sim::qr_content(wallet, &order.trade_no)));
    }
    Ok(answer(req.fmt, "SUCCESS", "请求成功!", m))
}

/// The order a request names, after the platform's 80 s auto-cancel of unpaid barcode orders.
pub(super) fn find(ctx: &Ctx, by_down_code: bool, code: &str) -> Option<SimOrder> {
    let o = if by_down_code { ctx.store.find(GW, |o| o.trade_no == code) } else { ctx.store.get(GW, code) }?;
    let now = Instant::now();
    if !o.preorder && o.state(now) == SimState::Paying && now.duration_since(o.created) >= AUTO_CANCEL {
        return ctx.store.cancel(GW, &o.order_no, SimState::Reversed).ok();
    }
    Some(o)
}

pub(super) fn refund(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let amount = yuan(req, "CHARGE_REFUND_FEE")?;
    let order = match text(req, "CHARGE_DOWN_CODE") {
        Some(down) => find(ctx, true, &down),
        None => find(ctx, false, &text(req, "CHARGE_CODE").unwrap_or_default()),
    }
    .ok_or_else(|| refusal(req.fmt, "CHARGE_NONEXISTENT", "交易记录不存在"))?;
    let refund_no =
        text(req, "OUT_REFUND_NO").unwrap_or_else(|| format!("{}-{}", order.order_no, order.refunds.len() + 1));
    match ctx.store.refund(GW, &order.order_no, &refund_no, amount) {
        Ok((o, r)) => {
            let yuan = Money::from_fen(r.amount as i64, "a").map(|m| m.to_yuan()).unwrap_or_default();
            let mut m = Map::new();
            m.insert("FUND_BILL_LIST".into(), json!({"TRADEFUNDBILL": [{"FUND_CHANNEL": "11", "AMOUNT": yuan}]}));
            m.insert("CHANNEL_TYPE".into(), json!(o.extra("channel").parse::<i64>().unwrap_or(2)));
            Ok(answer(req.fmt, "SUCCESS", "退款成功!", m))
        }
        Err(StoreError::DuplicateRefund) => Err(serial_repeat(req.fmt)),
        Err(StoreError::RefundNotAllowed(why)) if why.contains("exceeds") => {
            Err(refusal(req.fmt, "AMT_ERROR", "退款金额不能大于本金"))
        }
        Err(_) => Err(refusal(req.fmt, "ILLEGAL_PARAMETER", "订单不可退款")),
    }
}

pub(super) fn query(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let ser = req.query.get("serType").map(|s| s.trim()).unwrap_or("0");
    let order = match ser {
        "" | "0" => find(ctx, false, &req.code),
        "1" => find(ctx, true, &req.code),
        "2" => ctx.store.find(GW, |o| o.extra("verify_codes") == req.code).and_then(|o| find(ctx, false, &o.order_no)),
        _ => return Err(refusal(req.fmt, "ILLEGAL_PARAMETER", "serType")),
    }
    .ok_or_else(|| refusal(req.fmt, "CHARGE_NONEXISTENT", "交易记录不存在"))?;
    let now = Instant::now();
    let mut m = trade_members(&order);
    m.insert("STATE".into(), json!(state_of(&order, now)));
    m.insert("PAY_SUBJECT".into(), json!(order.extra("subject")));
    m.insert("BEGIN_TIME".into(), json!(beijing(order.created_unix).to_string()));
    m.insert(
        "realAMT".into(),
        json!(Money::from_fen(order.amount as i64, "a")
            .map(|m| m.to_yuan())
            .unwrap_or_default()
            .parse::<f64>()
            .unwrap_or(0.0)),
    );
    Ok(answer(req.fmt, "SUCCESS", "The query was successful", m))
}

/// Real-time (and `ACO`, which this simulator carries out at once): a paid order is reversed.
pub(super) fn cancel(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
    let before = find(ctx, false, &req.code).ok_or_else(|| refusal(req.fmt, "CHARGE_NONEXISTENT", "交易记录不存在"))?;
    if before.closed.is_some() {
        return Ok(answer(req.fmt, "AREADY_REVOKED", "该订单已经撤销", Map::new()));
    }
    match ctx.store.cancel(GW, &req.code, SimState::Reversed) {
        Ok(_) => Ok(answer(req.fmt, "SUCCESS", "撤单成功", Map::new())),
        Err(StoreError::NotFound) => Err(refusal(req.fmt, "CHARGE_NONEXISTENT", "交易记录不存在")),
        Err(_) => Err(refusal(req.fmt, "ILLEGAL_PARAMETER", "订单已退款,不能撤单")),
    }
}

/// Accepted and left recharging (`status` 1): the seed documents no way to learn more.
pub(super) fn flow_recharge(req: &Request) -> Result<Answer, Answer> {
    let phone = text(req, "phoneNo")
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", "phoneNo"))?;
    let mb = text(req, "flowVal")
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|v| *v > 0)
        .ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", "flowVal"))?;
    let now = now_unix();
    let flow = json!({"id": format!("{now}1"), "phoneNo": phone, "flowVal": mb, "flowType": text(req, "flowType").unwrap_or_else(|| "0".into()),
        "orderID": format!("{now}0"), "platOrderID": format!("CT_{now}"), "creatTime": beijing(now).to_string(), "status": "1", "busiCode": BUSI_CODE});
    let mut m = Map::new();
    m.insert("flow".into(), flow);
    Ok(answer(req.fmt, "SUCCESS", "充值流量请求提交成功，请等待最终结果", m))
}
