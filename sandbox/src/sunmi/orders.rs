//! query and refund: payments and refunds found by any of their numbers, in the merchant's
//! cloud orders.

use posgate_core::{Money, RawFields};
use serde_json::{json, Value};

use super::callbacks::{callback_later, refund_callback};
use super::{refund_business_id, refund_platform_id, refused, scope, status, too_long, Answer, Scope, GW, MERCHANT_NO};
use crate::sim::field;
use crate::store::{SimOrder, StoreError, Trade};
use crate::Ctx;

/// The payment or refund named by one of its numbers: `ids` are the names of the mis, order and
/// platform numbers in the request.
fn find(ctx: &Ctx, f: &RawFields, ids: [&str; 3]) -> Result<Trade, Answer> {
    let [mis, order, platform] = ids.map(|k| field(f, k));
    if mis.is_none() && order.is_none() && platform.is_none() {
        return Err(refused("Q03", format!("参数异常: {}、{}、{}必传一个", ids[0], ids[1], ids[2])));
    }
    let named = |mis_id: &str, order_id: &str, platform_id: &str| {
        mis.is_none_or(|m| m == mis_id)
            && order.is_none_or(|n| n == order_id)
            && platform.is_none_or(|p| p == platform_id)
    };
    ctx.store
        .find_trade(
            GW,
            |o| named(&o.trade_no, &o.order_no, o.extra("platformId")),
            |r| named(&r.gateway_refund_no, &r.refund_no, &refund_platform_id(&r.gateway_refund_no)),
        )
        .ok_or_else(|| refused("E19", "订单不存在"))
}

pub(super) fn query(ctx: &Ctx, f: &RawFields) -> Answer {
    let found = scope(f).and_then(|s| {
        let found = find(ctx, f, ["misId", "orderId", "platformId"])?;
        // Orders not made on a device are only found by merchant number (4.3.3).
        if s == Scope::Device {
            return Err(refused("E19", "订单不存在: 非设备上交易查询, 只能通过商户号查询"));
        }
        Ok(found)
    });
    match found {
        Ok(Trade::Payment(o)) => Answer::Data(payment_data(&o)),
        Ok(Trade::Refund(o, i)) => Answer::Data(refund_data(&o, i, true)),
        Err(r) => r,
    }
}

fn payment_data(o: &SimOrder) -> Value {
    let (state, code, msg) = status(o);
    json!({
        "amount": o.amount,
        "businessId": "",
        "buyerPayAmount": o.amount,
        "misId": o.trade_no,
        "msn": "",
        "merchantNo": MERCHANT_NO,
        "orderType": 0,
        "orderId": o.order_no,
        "payTime": o.paid_unix(),
        "platform": "wxpay",
        "buyerLogonId": o.extra("openId"),
        "platformId": o.extra("platformId"),
        "refunded": o.refunded().to_string(),
        "resultCode": code,
        "resultMsg": msg,
        "state": state,
    })
}

/// A refund order: as the refund answer shows it, or (`query`) with the original's numbers under
/// the callback's names.
fn refund_data(o: &SimOrder, i: usize, for_query: bool) -> Value {
    let r = &o.refunds[i];
    let mut data = json!({
        "amount": r.amount,
        "businessId": refund_business_id(o, r),
        "misId": r.gateway_refund_no,
        "msn": "",
        "merchantNo": MERCHANT_NO,
        "orderId": r.refund_no,
        "orderType": 1,
        "payTime": o.unix_at(r.at),
        "platform": "wxpay",
        "buyerLogonId": o.extra("openId"),
        "platformId": refund_platform_id(&r.gateway_refund_no),
        "state": 3,
    });
    if for_query {
        data["resultCode"] = json!("T00");
        data["resultMsg"] = json!("Success");
        data["origOrderId"] = json!(o.order_no);
        data["origMisId"] = json!(o.trade_no);
    } else {
        // 4.3.4's example answers "00".
        data["resultCode"] = json!("00");
        data["resultMsg"] = json!("成功");
        data["oriMisId"] = json!(o.trade_no);
        data["oriOrderId"] = json!(o.order_no);
    }
    data
}

pub(super) fn refund(ctx: &Ctx, f: &RawFields) -> Answer {
    match do_refund(ctx, f) {
        Ok(r) | Err(r) => r,
    }
}

fn do_refund(ctx: &Ctx, f: &RawFields) -> Result<Answer, Answer> {
    let s = scope(f)?;
    let amount = field(f, "amount")
        .and_then(|t| Money::parse_fen(t, "amount").ok())
        .filter(|m| !m.is_zero())
        .ok_or_else(|| refused("E22", "退款金额有误: 金额最小单位为分, 最小传值为1"))?;
    let refund_no = field(f, "orderId").ok_or_else(|| refused("E15", "订单号不能为空: orderId"))?;
    let business = field(f, "businessId").ok_or_else(|| refused("Q03", "参数异常: businessId 不能为空"))?;
    too_long(f, "orderId", 80)?;
    too_long(f, "businessId", 80)?;
    let original = match find(ctx, f, ["oriMisId", "oriOrderId", "oriPlatformId"])? {
        Trade::Payment(o) => o,
        Trade::Refund(..) => return Err(refused("Q03", "参数异常: 原订单为退款订单")),
    };
    if s == Scope::Device {
        return Err(refused("E19", "订单不存在: 非设备上产生的交易只能使用商户号退款"));
    }
    // A refund number names one refund, whichever order it refunds.
    if let Some(other) =
        ctx.store.find(GW, |o| o.order_no != original.order_no && o.refunds.iter().any(|r| r.refund_no == refund_no))
    {
        return Err(refused("Q03", format!("参数异常: 退款单号已用于订单 {}", other.order_no)));
    }
    let before = original.refunds.len();
    let (o, r) = ctx.store.refund(GW, &original.order_no, refund_no, amount.fen()).map_err(|e| match e {
        StoreError::NotFound => refused("E19", "订单不存在"),
        StoreError::RefundNotAllowed("order is not paid") => refused("D08", "订单未支付"),
        StoreError::RefundNotAllowed(why) => refused("E22", format!("退款金额有误: {why}")),
        StoreError::DuplicateRefund => refused("Q03", "参数异常: 退款单号重复且金额不一致"),
        other => refused("F02", format!("系统异常: {other:?}")),
    })?;
    let key = format!("refundBusinessId:{}", r.refund_no);
    let o = ctx
        .store
        .update(GW, &o.order_no, |o| {
            o.extra.entry(key).or_insert_with(|| business.to_string());
            o.clone()
        })
        .unwrap_or(o);
    let i = o.refunds.iter().position(|x| x.refund_no == r.refund_no).unwrap_or(0);
    // A new refund (not the same refund number again) gets its callback.
    if o.refunds.len() > before {
        callback_later(ctx, &o, refund_callback(&o, i));
    }
    Ok(Answer::Data(refund_data(&o, i, false)))
}
