//! Chaoying's trades on `/UnifiedPay/Gateway`, named by `method`: barcode and face pay, the face
//! authorisation, orderquery, refund, refundquery and cancel.

use std::time::Instant;

use posgate_core::chaoying::{PayType, ORDER_NO, REFUND_NO};
use posgate_core::RawFields;
use serde_json::{json, Value};

use super::{
    beijing_time, fen, merchant, nonce, number_rule, paytype, required, Answer, Answered, CANCEL_WINDOW, GW, MCH_ID,
    WX_APPID, WX_MCH_ID, WX_SUB_APPID, WX_SUB_MCH_ID,
};
use crate::scenario::{Outcome, Scenario};
use crate::sim::{digits, field, Handled};
use crate::store::{new_order, SimOrder, SimState, StoreError};
use crate::Ctx;

pub(super) fn gateway(ctx: &Ctx, f: &RawFields) -> Handled<Answer> {
    match f.get("method").map(String::as_str).unwrap_or("") {
        "pay" => pay(ctx, f, false),
        "facepay" => pay(ctx, f, true),
        "getfaceauth" => face_auth(f).into(),
        "orderquery" => order_query(ctx, f).into(),
        "refund" => refund(ctx, f).into(),
        "refundquery" => refund_query(ctx, f).into(),
        "cancel" => cancel(ctx, f).into(),
        "" => Answer::missing("method").into(),
        other => Answer::fail("20004", format!("参数错误: 不支持的接口 {other}")).into(),
    }
}

fn pay(ctx: &Ctx, f: &RawFields, face: bool) -> Handled<Answer> {
    start_pay(ctx, f, face).unwrap_or_else(Handled::Answer)
}

fn start_pay(ctx: &Ctx, f: &RawFields, face: bool) -> Result<Handled<Answer>, Answer> {
    merchant(f)?;
    number_rule(ORDER_NO, f, "out_trade_no")?;
    let amount = fen(f, "total_fee")?;
    required(f, "body")?;
    let (code, channel) = if face {
        required(f, "openid")?;
        (required(f, "face_code")?, paytype(f)?.to_string())
    } else {
        let code = required(f, "auth_code")?;
        // A code no wallet issues is refused as the platform does, before any order exists.
        let Some(paytype) = PayType::from_auth_code(code) else {
            return Err(Answer::fail("20004", "参数错误: auth_code 不是有效的付款码"));
        };
        (code, paytype.as_str().to_string())
    };
    let scenario = Scenario::from_code(code);
    let mut order = new_order(GW, required(f, "out_trade_no")?, amount, scenario);
    order.channel = channel;
    order.extra.insert("trade_type".into(), if face { "FACEPAY" } else { "MICROPAY" }.into());
    for k in ["attach", "goods_tag", "goods_detail", "device_info", "openid"] {
        if let Some(v) = field(f, k) {
            order.extra.insert(k.into(), v.into());
        }
    }
    let (order, created) =
        ctx.store.create(order).map_err(|_| Answer::fail("20004", "参数错误: 订单号重复且金额不一致"))?;
    if !created {
        // The same order again: answer with where it stands, never charge twice.
        return Ok(state_answer(&order).into());
    }
    let answer = match scenario.outcome() {
        Outcome::Paid => state_answer(&order),
        Outcome::Paying => head(&order, "10001", "PROCESSING", "支付中, 需要用户输入支付密码"),
        Outcome::Declined => head(&order, "10006", "FAIL", "支付错误: 余额不足"),
        Outcome::InvalidCode => Answer::fail("20004", "参数错误: 付款码无效或已过期, 请刷新后重试"),
        Outcome::SystemError => Answer::fail("20006", "系统错误"),
        Outcome::NoAnswer => return Ok(Handled::NoAnswer),
    };
    Ok(answer.about(&order).into())
}

/// The head of an answer about an order's trade.
fn head(o: &SimOrder, code: &str, trade_state: &str, msg: &str) -> Answer {
    Answer::new("SUCCESS", code, msg)
        .with("trade_state", trade_state)
        .with("mch_id", MCH_ID)
        .with("out_trade_no", &o.order_no)
        .with("nonce_str", nonce())
}

fn failure_msg(o: &SimOrder) -> &'static str {
    match o.scenario {
        Scenario::Declined => "支付错误: 余额不足",
        Scenario::InvalidCode => "支付错误: 付款码无效或已过期",
        _ => "支付错误: 用户取消支付",
    }
}

/// Where an order stands, in the shape of a pay / orderquery answer.
fn state_answer(o: &SimOrder) -> Answer {
    let a = match o.state(Instant::now()) {
        SimState::Paying if o.preorder => head(o, "10003", "PROCESSING", "未支付"),
        SimState::Paying => head(o, "10001", "PROCESSING", "支付中, 需要用户输入支付密码"),
        SimState::Paid => trade_fields(head(o, "10000", "SUCCESS", "SUCCESS"), o),
        SimState::Failed => head(o, "10006", "FAIL", failure_msg(o)),
        SimState::Closed => head(o, "10004", "FAIL", "已关闭"),
        SimState::Reversed => head(o, "10005", "FAIL", "已撤销"),
        SimState::Refunded | SimState::PartiallyRefunded => {
            trade_fields(head(o, "10002", "REFUND", "转入退款"), o).with("refund_fee_summary", o.refunded().to_string())
        }
    };
    a.about(o)
}

/// The fields of a paid order.
fn trade_fields(a: Answer, o: &SimOrder) -> Answer {
    let wechat = o.channel == "WECHAT";
    let extra = |k: &str| o.extra(k).to_string();
    let a = a
        .with("transaction_id", &o.trade_no)
        .with("out_transaction_id", format!("42000{}", digits(&o.trade_no)))
        .with("base_fee", o.amount.to_string())
        .with("total_fee", o.amount.to_string())
        .with("fee_type", "CNY")
        .with("bank_type", if wechat { "CFT" } else { "ALIPAYACCOUNT" })
        .with("time_end", beijing_time(o.paid_unix()))
        .with("trade_type", extra("trade_type"))
        .with("attach", extra("attach"))
        .with("promotion_detail", promotion(o).unwrap_or_default());
    if !wechat {
        return a;
    }
    a.with("appid", WX_APPID)
        .with("is_subscribe", "N")
        .with("openid", o.extra.get("openid").cloned().unwrap_or_else(|| "oBmIts3wbluEiYfp6zDgBWsC9Evs".into()))
        .with("sub_appid", extra("sub_appid"))
        .with("sub_openid", extra("buyer_id"))
        .with("wx_mch_id", WX_MCH_ID)
        .with("wx_sub_mch_id", WX_SUB_MCH_ID)
}

/// An order with a goods_tag gets a promotion_detail (the sandbox gives no discount).
fn promotion(o: &SimOrder) -> Option<String> {
    let tag = o.extra.get("goods_tag")?;
    let goods: Vec<Value> = o
        .extra
        .get("goods_detail")
        .and_then(|g| serde_json::from_str::<Vec<Value>>(g).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|g| {
            json!({"goods_id": g["goods_id"], "quantity": g["quantity"], "price": g["price"],
                   "discount_amount": 0, "goods_remark": "沙箱单品活动"})
        })
        .collect();
    let scope = if goods.is_empty() { "GLOBAL" } else { "SINGLE" };
    let detail = json!({"promotion_detail": [{
        "promotion_id": "6348962444", "name": format!("沙箱活动 {tag}"), "scope": scope, "type": "DISCOUNT",
        "amount": 0, "activity_id": "9447213", "wxpay_contribute": 0, "merchant_contribute": 0,
        "other_contribute": 0, "goods_detail": goods
    }]});
    Some(detail.to_string())
}

fn face_auth(f: &RawFields) -> Answered {
    merchant(f)?;
    paytype(f)?;
    for k in ["store_id", "store_name", "device_id", "rawdata"] {
        required(f, k)?;
    }
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS")
        .with("appid", WX_APPID)
        .with("sub_appid", WX_SUB_APPID)
        .with("channel_mch_id", WX_MCH_ID)
        .with("sub_mch_id", WX_SUB_MCH_ID)
        .with("authinfo", format!("SANDBOXAUTHINFO{}", nonce()))
        .number("expires_in", 3600)
        .with("nonce_str", nonce()))
}

/// The order an orderquery / refund names. `out_trade_no` wins for a query, `transaction_id`
/// for a refund, as the seed says.
fn find_order(ctx: &Ctx, f: &RawFields, transaction_first: bool) -> Result<SimOrder, Answer> {
    let by_no = field(f, "out_trade_no").map(|no| ctx.store.get(GW, no));
    let by_tid = field(f, "transaction_id").map(|tid| ctx.store.find(GW, |o| o.trade_no == tid));
    let found = match (by_no, by_tid) {
        (None, None) => return Err(Answer::missing("out_trade_no 或 transaction_id")),
        (Some(a), Some(b)) => {
            if transaction_first {
                b
            } else {
                a
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
    };
    let o = found.ok_or_else(|| Answer::fail("20007", "订单不存在"))?;
    same_wallet(f, o)
}

/// Chaoying routes every order call by `paytype`: an order is found only under its own wallet
/// (so a client that guesses the wallet wrong hears "no such order", as it would in production).
fn same_wallet(f: &RawFields, o: SimOrder) -> Result<SimOrder, Answer> {
    if paytype(f)? != o.channel {
        return Err(Answer::fail("20007", "订单不存在"));
    }
    Ok(o)
}

fn order_query(ctx: &Ctx, f: &RawFields) -> Answered {
    merchant(f)?;
    paytype(f)?;
    Ok(state_answer(&find_order(ctx, f, false)?))
}

fn refund(ctx: &Ctx, f: &RawFields) -> Answered {
    merchant(f)?;
    paytype(f)?;
    number_rule(REFUND_NO, f, "out_refund_no")?;
    let total = fen(f, "total_fee")?;
    let amount = fen(f, "refund_fee")?;
    required(f, "op_user_id")?;
    let o = find_order(ctx, f, true)?;
    if total != o.amount {
        return Err(Answer::fail("20008", "退款错误: total_fee 与订单应付金额不符").about(&o));
    }
    let refund_no = required(f, "out_refund_no")?;
    let (o, r) = ctx.store.refund(GW, &o.order_no, refund_no, amount).map_err(|e| {
        match e {
            StoreError::NotFound => Answer::fail("20007", "订单不存在"),
            StoreError::RefundNotAllowed(why) => Answer::fail("20008", format!("退款错误: {why}")),
            StoreError::DuplicateRefund => Answer::fail("20008", "退款错误: 退款单号重复且金额不一致"),
            other => Answer::fail("20008", format!("退款错误: {other:?}")),
        }
        .about(&o)
    })?;
    Ok(Answer::success()
        .with("mch_id", MCH_ID)
        .with("out_trade_no", &o.order_no)
        .with("transaction_id", &o.trade_no)
        .with("out_transaction_id", format!("50000{}", digits(&r.gateway_refund_no)))
        .with("out_refund_no", &r.refund_no)
        .with("refund_id", &r.gateway_refund_no)
        .with("refund_channel", "ORIGINAL")
        .with("base_fee", o.amount.to_string())
        .with("total_fee", o.amount.to_string())
        .with("base_refund_fee", r.amount.to_string())
        .with("refund_fee", r.amount.to_string())
        .with("coupon_refund_fee", "0")
        .with("nonce_str", nonce())
        .about(&o))
}

fn refund_query(ctx: &Ctx, f: &RawFields) -> Answered {
    merchant(f)?;
    paytype(f)?;
    let o = match (field(f, "refund_id"), field(f, "out_refund_no")) {
        (Some(id), _) => ctx.store.find(GW, |o| o.refunds.iter().any(|r| r.gateway_refund_no == id)),
        (None, Some(no)) => ctx.store.find(GW, |o| o.refunds.iter().any(|r| r.refund_no == no)),
        (None, None) => return Err(Answer::missing("refund_id 或 out_refund_no")),
    }
    .ok_or_else(|| Answer::fail("20007", "退款单不存在"))?;
    let list: Vec<Value> = o
        .refunds
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "serial_no": i.to_string(), "refund_id": r.gateway_refund_no,
                "out_refund_id": format!("50000{}", digits(&r.gateway_refund_no)), "out_refund_no": r.refund_no,
                "base_refund_fee": r.amount.to_string(), "refund_fee": r.amount.to_string(),
                "coupon_refund_fee": "0", "refund_status": "SUCCESS", "refund_channel": "ORIGINAL",
                "refund_time": beijing_time(o.unix_at(r.at)),
            })
        })
        .collect();
    let mut a = Answer::success()
        .with("mch_id", MCH_ID)
        .with("transaction_id", &o.trade_no)
        .with("out_transaction_id", format!("42000{}", digits(&o.trade_no)))
        .with("out_trade_no", &o.order_no)
        .with("refund_count", o.refunds.len().to_string())
        .with("base_refund_fee_summary", o.refunded().to_string())
        .with("refund_fee_summary", o.refunded().to_string())
        .with("refund_list", Value::Array(list).to_string())
        .with("nonce_str", nonce());
    if o.channel == "WECHAT" {
        a = a.with("appid", WX_APPID).with("wx_mch_id", WX_MCH_ID).with("wx_sub_mch_id", WX_SUB_MCH_ID);
    }
    Ok(a.about(&o))
}

fn cancel(ctx: &Ctx, f: &RawFields) -> Answered {
    merchant(f)?;
    paytype(f)?;
    number_rule(ORDER_NO, f, "out_trade_no")?;
    required(f, "op_user_id")?;
    let no = required(f, "out_trade_no")?;
    let o = same_wallet(f, ctx.store.get(GW, no).ok_or_else(|| Answer::fail("20007", "订单不存在"))?)?;
    if o.created.elapsed() > CANCEL_WINDOW {
        return Err(Answer::fail("20011", "交易撤销错误: 只能撤销5分钟内的订单, 请使用退款接口").about(&o));
    }
    let o = ctx.store.cancel(GW, no, SimState::Reversed).map_err(|e| {
        match e {
            StoreError::CancelNotAllowed(why) => Answer::fail("20011", format!("交易撤销错误: {why}")),
            StoreError::NotFound => Answer::fail("20007", "订单不存在"),
            other => Answer::fail("20011", format!("交易撤销错误: {other:?}")),
        }
        .about(&o)
    })?;
    let mut a = Answer::success().with("mch_id", MCH_ID).with("nonce_str", nonce());
    if o.channel == "WECHAT" {
        a = a.with("wx_mch_id", WX_MCH_ID).with("wx_sub_mch_id", WX_SUB_MCH_ID);
    }
    Ok(a.about(&o))
}
