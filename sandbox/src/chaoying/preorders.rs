//! Chaoying's pre-orders (`/Open/WECHAT_PreOrder`, `/Open/ALIPAY_PreOrder`): they wait for the
//! payer, who pays through `/_sandbox/pay/chaoying/<no>`, which posts their notification.

use posgate_core::chaoying::{ALIPAY_ORDER_NO, ORDER_NO};
use posgate_core::clock::now_unix;
use posgate_core::{crypto, RawFields};
use serde_json::json;

use super::{
    beijing_time, fen, merchant, nonce, number_rule, required, yuan, Answer, Answered, GW, MCH_ID, WX_MCH_ID,
    WX_SUB_APPID, WX_SUB_MCH_ID,
};
use crate::scenario::Scenario;
use crate::sim::{digits, field};
use crate::store::{new_order, SimOrder};
use crate::Ctx;

fn check_notify_url(f: &RawFields) -> Result<Option<String>, Answer> {
    match field(f, "notify_url") {
        None => Ok(None),
        Some(u) if (u.starts_with("http://") || u.starts_with("https://")) && !u.contains('?') => Ok(Some(u.into())),
        Some(_) => Err(Answer::fail("20004", "参数错误: notify_url 须为可直接访问的地址, 不能携带参数")),
    }
}

fn trade_type<'a>(f: &'a RawFields, allowed: &[&str]) -> Result<&'a str, Answer> {
    let t = required(f, "trade_type")?;
    if !allowed.contains(&t) {
        return Err(Answer::fail("20004", format!("参数错误: 不支持的交易类型 {t}")));
    }
    Ok(t)
}

fn create_preorder(ctx: &Ctx, f: &RawFields, channel: &str, keep: &[&str]) -> Result<SimOrder, Answer> {
    let mut order = new_order(GW, required(f, "out_trade_no")?, fen(f, "total_fee")?, Scenario::PaidAtOnce);
    order.preorder = true;
    order.channel = channel.into();
    order.notify_url = check_notify_url(f)?;
    for k in keep {
        if let Some(v) = field(f, k) {
            order.extra.insert(k.to_string(), v.into());
        }
    }
    let (order, _) = ctx.store.create(order).map_err(|_| Answer::fail("20004", "参数错误: 订单号重复且金额不一致"))?;
    Ok(order)
}

pub(super) fn wechat_preorder(ctx: &Ctx, f: &RawFields) -> Answered {
    merchant(f)?;
    required(f, "body")?;
    number_rule(ORDER_NO, f, "out_trade_no")?;
    fen(f, "total_fee")?;
    let tt = trade_type(f, &["JSPAY", "NATIVE", "APP", "APP_BANK"])?;
    if tt != "NATIVE" {
        required(f, "sub_appid")?;
    }
    if tt == "JSPAY" {
        required(f, "buyer_id")?;
    }
    if tt == "NATIVE" {
        required(f, "product_id")?;
    }
    let o = create_preorder(ctx, f, "WECHAT", &["trade_type", "sub_appid", "buyer_id", "device_info", "attach"])?;
    let mut a = Answer::success()
        .with("mch_id", MCH_ID)
        .with("out_trade_no", &o.order_no)
        .with("nonce_str", nonce())
        .with("services", "pay.weixin.jspay|pay.weixin.native|pay.weixin.app")
        .with("wx_mch_id", WX_MCH_ID)
        .with("wx_sub_mch_id", WX_SUB_MCH_ID);
    if tt == "NATIVE" {
        let code_url = format!("weixin://wxpay/bizpayurl?pr={}", o.trade_no);
        a = a
            .with("code_img_url", format!("https://sandbox.invalid/qr?data={}", o.trade_no))
            .with("code_url", code_url);
    } else {
        let app_id = field(f, "sub_appid").unwrap_or(WX_SUB_APPID);
        let package = format!("prepay_id=wx{}", digits(&o.trade_no));
        let ts = now_unix().to_string();
        let nonce_str = nonce();
        let pay_sign = crypto::md5_upper_hex(
            format!("appId={app_id}&nonceStr={nonce_str}&package={package}&signType=MD5&timeStamp={ts}").as_bytes(),
        );
        let info = json!({"appId": app_id, "timeStamp": ts, "status": "0", "signType": "MD5", "package": package,
                          "callback_url": "", "nonceStr": nonce_str, "paySign": pay_sign});
        a = a
            .with("appid", app_id)
            .with("sub_openid", field(f, "buyer_id").unwrap_or_default())
            .with("token_id", format!("{:x}", rand::random::<u128>()))
            .with("pay_info", info.to_string());
    }
    Ok(a)
}

pub(super) fn alipay_preorder(ctx: &Ctx, f: &RawFields) -> Answered {
    merchant(f)?;
    required(f, "body")?;
    number_rule(ALIPAY_ORDER_NO, f, "out_trade_no")?;
    fen(f, "total_fee")?;
    let tt = trade_type(f, &["JSPAY", "NATIVE", "APP", "APP_BANK"])?;
    if tt == "JSPAY" {
        required(f, "product_id")?;
        if field(f, "buyer_id").is_none() && field(f, "buyer_logon_id").is_none() {
            return Err(Answer::missing("buyer_id 或 buyer_logon_id"));
        }
    }
    if field(f, "time_start").is_some() != field(f, "time_expire").is_some() {
        return Err(Answer::fail("20004", "参数错误: time_start 与 time_expire 需要同时传入"));
    }
    let o = create_preorder(ctx, f, "ALIPAY", &["trade_type", "buyer_id", "buyer_logon_id", "device_info"])?;
    let mut a = Answer::success().with("mch_id", MCH_ID).with("out_trade_no", &o.order_no).with("nonce_str", nonce());
    if tt == "JSPAY" {
        let trade_no = format!("2018{}", digits(&o.trade_no));
        a = a
            .with("pay_info", json!({ "tradeNO": trade_no }).to_string())
            .with("pay_url", format!("https://sandbox.invalid/alipay/{}", o.order_no));
    } else {
        a = a
            .with("code_url", format!("https://qr.alipay.com/bax0{}", digits(&o.trade_no)))
            .with("code_img_url", format!("https://sandbox.invalid/qr?data={}", o.trade_no));
    }
    Ok(a)
}

/// The WECHAT_PreOrder / ALIPAY_PreOrder result notification fields of a paid pre-order.
pub(super) fn notification_fields(o: &SimOrder) -> RawFields {
    let now = now_unix();
    let tt = o.extra.get("trade_type").map(|t| t.to_ascii_lowercase()).unwrap_or_else(|| "native".into());
    let wechat = o.channel == "WECHAT";
    let mut f = RawFields::new();
    let mut put = |k: &str, v: String| {
        if !v.is_empty() {
            f.insert(k.into(), v);
        }
    };
    put("state", "SUCCESS".into());
    put("result_code", "SUCCESS".into());
    put("mch_id", MCH_ID.into());
    put("device_info", o.extra.get("device_info").cloned().unwrap_or_default());
    put("pay_result", "0".into());
    put("out_trade_no", o.order_no.clone());
    put("out_transaction_id", format!("42000{}", digits(&o.trade_no)));
    put("transaction_id", o.trade_no.clone());
    put("fee_type", "CNY".into());
    put("total_fee", o.amount.to_string());
    put("time_end", beijing_time(now));
    put("nonce_str", nonce());
    if wechat {
        put("bank_type", "CFT".into());
        put("trade_type", format!("pay.weixin.{tt}"));
        put("sub_appid", o.extra.get("sub_appid").cloned().unwrap_or_default());
        put("sub_openid", o.extra.get("buyer_id").cloned().unwrap_or_default());
        put("wx_mch_id", WX_MCH_ID.into());
        put("wx_sub_mch_id", WX_SUB_MCH_ID.into());
    } else {
        put("bank_type", "ALIPAYACCOUNT".into());
        put("trade_type", format!("pay.alipay.{tt}"));
        put("buyer_user_id", o.extra.get("buyer_id").cloned().unwrap_or_else(|| "2088822494428000".into()));
        put("buyer_logon_id", o.extra.get("buyer_logon_id").cloned().unwrap_or_else(|| "138****0000".into()));
        put("invoice_amount", o.amount.to_string());
        put("fund_bill_list", json!([{"amount": yuan(o.amount), "fundChannel": "ALIPAYACCOUNT"}]).to_string());
        put("gmt_create", beijing_time(o.created_unix));
    }
    f
}
