//! jsApiPay and miniPay: WeChat prepays, scripted by the payer's openId (see the module above).

use posgate_core::clock::beijing;
use posgate_core::sunmi::PrivateKey;
use posgate_core::{Money, RawFields};
use serde_json::{json, Value};

use super::callbacks::schedule_callback;
use super::{merchant, refused, status, too_long, Answer, GW, MERCHANT_NO, PRIVATE_KEY_PEM};
use crate::scenario::{Outcome, Scenario};
use crate::sim::{digits, field, Handled};
use crate::store::{new_order, SimOrder};
use crate::Ctx;

pub(super) fn prepay(ctx: &Ctx, f: &RawFields, jsapi: bool) -> Handled<Answer> {
    start_prepay(ctx, f, jsapi).unwrap_or_else(Handled::Answer)
}

fn start_prepay(ctx: &Ctx, f: &RawFields, jsapi: bool) -> Result<Handled<Answer>, Answer> {
    merchant(f)?;
    // jsApiPay takes yuan "精确到分" ("0.01"), miniPay fen ("最小传1").
    let amount = match (jsapi, field(f, "totalAmount")) {
        (_, None) => return Err(refused("E02", "无效金额: totalAmount 不能为空")),
        (true, Some(t)) => match t.split_once('.') {
            Some((_, cents)) if cents.len() == 2 => Money::parse_yuan(t, "totalAmount").ok(),
            _ => None,
        }
        .ok_or_else(|| refused("E02", "无效金额: totalAmount 单位为元, 精确到分, 如 0.01"))?,
        (false, Some(t)) => {
            Money::parse_fen(t, "totalAmount").map_err(|_| refused("E02", "无效金额: totalAmount 单位为分, 最小传1"))?
        }
    };
    if amount.is_zero() {
        return Err(refused("E02", "无效金额: 最低1分钱"));
    }
    let app = field(f, "miniAppId").ok_or_else(|| refused("Q03", "参数异常: miniAppId 不能为空"))?;
    if !ctx.sunmi.pays_through(app, jsapi).ok_or_else(|| refused("S03", "系统异常"))? {
        let how = if jsapi {
            "公众号appId及授权目录 (payBind configType 3, 1)"
        } else {
            "小程序appId (payBind configType 2)"
        };
        return Err(refused("Q03", format!("参数异常: {app} 未绑定{how}")));
    }
    let open_id = field(f, "openId").ok_or_else(|| refused("Q03", "参数异常: openId 不能为空"))?;
    let order_id = field(f, "orderId").ok_or_else(|| refused("E15", "订单号不能为空"))?;
    too_long(f, "openId", 128)?;
    too_long(f, "orderId", if jsapi { 80 } else { 32 })?;
    if jsapi && field(f, "walletType").is_none() {
        return Err(refused("Q03", "参数异常: walletType 不能为空 (默认 TX01)"));
    }
    let notify_url = match field(f, "notifyUrl") {
        Some(u) if !(u.starts_with("http://") || u.starts_with("https://")) => {
            return Err(refused("Q03", "参数异常: notifyUrl 须为 http(s) 地址"))
        }
        u => u.map(str::to_string),
    };
    // The scenario table on the openId's last four digits; other openIds wait for the payer.
    let scripted = Scenario::lookup(open_id);
    let scenario = scripted.unwrap_or(Scenario::PaidAtOnce);
    if scenario.outcome() == Outcome::InvalidCode {
        // Refused before any order exists, as Sunmi checks the payer first.
        return Err(refused("Q03", "参数异常: openId无效"));
    }
    let mut order = new_order(GW, order_id, amount.fen(), scenario);
    order.preorder = scripted.is_none();
    order.channel = "wxpay".into();
    order.notify_url = notify_url;
    order.extra.insert("openId".into(), open_id.into());
    order.extra.insert("miniAppId".into(), app.into());
    order.extra.insert("kind".into(), if jsapi { "jsapi" } else { "mini" }.into());
    order.extra.insert("platformId".into(), format!("4200{}", digits(&order.trade_no)));
    let (order, created) = ctx.store.create(order).map_err(|_| refused("Q03", "参数异常: 订单号重复且金额不一致"))?;
    if !created {
        // The same order again: where it stands, never a second order.
        return Ok(Answer::Data(prepay_data(&order, jsapi)).into());
    }
    if order.notify_url.is_some() && scripted.is_some() && scenario.charges() {
        schedule_callback(ctx, &order);
    }
    Ok(match scenario.outcome() {
        Outcome::SystemError => refused("S03", "系统异常").into(),
        Outcome::NoAnswer => Handled::NoAnswer,
        // Declined too: the answer carries the order's state (InvalidCode was refused above).
        Outcome::Paid | Outcome::Paying | Outcome::Declined | Outcome::InvalidCode => {
            Answer::Data(prepay_data(&order, jsapi)).into()
        }
    })
}

/// The prepay answer, as 4.3.2 (amounts as strings, yyyyMMddHHmmss, cloudPayInfo an object) and
/// 5.3.2 (numbers, Unix time, cloudPayInfo a JSON string) show them. A paying order answers
/// "用户支付中" with resultCode T00, as the seed's examples do.
fn prepay_data(o: &SimOrder, jsapi: bool) -> Value {
    let (state, code, msg) = match status(o) {
        (1, _, _) | (2, _, _) => (1, "T00", "用户支付中"),
        other => other,
    };
    let info = cloud_pay_info(o);
    let mut data = json!({
        "orderId": o.order_no,
        "misId": o.trade_no,
        "platformId": o.extra("platformId"),
        "merchantNo": MERCHANT_NO,
        "platform": "wxpay",
        "buyerLogonId": o.extra("openId"),
        "resultCode": code,
        "resultMsg": msg,
        "state": state,
    });
    if jsapi {
        data["amount"] = json!(o.amount.to_string());
        data["buyerPayAmount"] = json!(o.amount.to_string());
        data["payTime"] = json!(beijing(o.created_unix).compact());
        data["cloudPayInfo"] = info;
    } else {
        data["amount"] = json!(o.amount);
        data["buyerPayAmount"] = json!(o.amount);
        data["payTime"] = json!(o.created_unix);
        data["cloudPayInfo"] = json!(info.to_string());
    }
    data
}

/// What the page or mini program starts WeChat Pay with; `paySign` signed like WeChat's RSA
/// pay sign (appId, timeStamp, nonceStr, package, one per line) with the sandbox key.
fn cloud_pay_info(o: &SimOrder) -> Value {
    let app = o.extra("miniAppId");
    let ts = o.created_unix.to_string();
    let nonce = posgate_core::crypto::md5_hex(o.trade_no.as_bytes());
    let package = format!("prepay_id=wx{}", digits(&o.trade_no));
    let message = format!("{app}\n{ts}\n{nonce}\n{package}\n");
    let pay_sign = PrivateKey::parse(PRIVATE_KEY_PEM).map(|k| k.sign(message.as_bytes())).unwrap_or_default();
    json!({"appId": app, "timeStamp": ts, "nonceStr": nonce, "packageStr": package,
           "signType": "RSA", "paySign": pay_sign})
}
