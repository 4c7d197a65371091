//! Sunmi cloud trade API simulator (seed 000), mounted under `/sunmi`: `/v1/trade/swipeQuery`,
//! `payBind`, `jsApiPay`, `miniPay`, `query`, `refund`.
//!
//! Speaks the real protocol: form POSTs of `app_id`, `charset=utf8` and the operation's fields,
//! signed MD5 over the sorted fields with the app key appended (checked: a bad one answers
//! `40002 Invalid Sign`, as in the seed's FAQ); JSON answers `{code, data, msg}` where `code`
//! 10000 only means delivered and refusals come as `data.sub_code` / `sub_msg` (chapter 7).
//! Callbacks are form POSTs signed SHA256withRSA with the sandbox's key ([`PRIVATE_KEY_PEM`];
//! clients verify with [`PUBLIC_KEY_PEM`], in [`test_credentials`]).
//!
//! Sunmi has no barcode pay: prepay outcomes follow the scenario table keyed by the last four
//! digits of the `openId` (0000 paid at once, 1NNN paying NNN s then paid, 2NNN paying then
//! failed, 3001 declined, 3002 refused as invalid, 4001 system error though charged, 4002 no
//! answer though charged, 5001 callbacks with a wrong signature: Sunmi's answers are unsigned, so
//! the callback is what carries one). An openId that does not end in four digits waits for the
//! payer: `/_sandbox/pay/sunmi/<orderId>` pays it and posts the callback. A prepay with a
//! `notifyUrl` whose scenario charges gets its callback when it is paid; refunds of such orders
//! get a refund callback (orderType 1 with the `orig*` fields).
//!
//! State: payBind's bindings (official accounts must bind `attentionAppId` before their `payUrl`;
//! jsApiPay needs both, miniPay its mini program; [`MINI_APP_ID`] and [`OA_APP_ID`] are bound
//! from the start), orders and refunds in the shared store, and fixed card-swipe trades for
//! swipeQuery (the fixture `fixtures/sunmi/swipe_trades.json`: five dated today, and the seed's
//! own example on 2019-06-30).
//!
//! Sandbox extension: a query answer about a refund also carries `origOrderId` / `origMisId`
//! (the callback's names), so a client can check which order a refund number belongs to.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use posgate_core::clock::{beijing, now_unix, BEIJING_OFFSET_SECS};
use posgate_core::sunmi::{protocol, Credentials, PrivateKey};
use posgate_core::{GatewayId, Money, RawFields, Secret};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::fixtures::fixture;
use crate::reply::Reply;
use crate::scenario::{Outcome, Scenario};
use crate::sim::{deliver, digits, field, Handled, Notification, Simulator};
use crate::store::{new_order, SimOrder, SimRefund, SimState, StoreError, Trade};
use crate::Ctx;

/// The sandbox integrator's app_id and app_key (test values, published on purpose).
pub const APP_ID: &str = "smsandbox0000001";
pub const APP_KEY: &str = "SUNMISANDBOXKEY0123456789ABCDEF0";
/// The sandbox merchant and its device.
pub const MERCHANT_NO: &str = "820291573790006";
pub const MSN: &str = "V206D88200036";
/// A mini program bound (payBind configType 2) from the start.
pub const MINI_APP_ID: &str = "wxsandboxmini0001";
/// An official account bound (configType 3, then 1 with [`OA_PAY_URL`]) from the start.
pub const OA_APP_ID: &str = "wxsandboxoa000001";
pub const OA_PAY_URL: &str = "https://shop.sandbox.invalid/pay/";

/// The key the sandbox signs callbacks with: a throwaway 2048-bit key generated for the sandbox
/// with `openssl genpkey` (never a real one).
pub const PRIVATE_KEY_PEM: &str = include_str!("../fixtures/sunmi/sandbox_key.pem");
/// Its public half: the "Sunmi public key" of the sandbox's test credentials.
pub const PUBLIC_KEY_PEM: &str = include_str!("../fixtures/sunmi/sandbox_key.pub.pem");

const GW: &str = "sunmi";

/// Credentials of the sandbox integrator, merchant and device; the callbacks' public key is the
/// sandbox's own.
pub fn test_credentials() -> Credentials {
    let mut c = Credentials::new(APP_ID, Secret::new(APP_KEY));
    c.merchant_no = Some(MERCHANT_NO.into());
    c.msn = Some(MSN.into());
    c.public_key = Some(PUBLIC_KEY_PEM.into());
    c
}

/// payBind's bindings of the sandbox merchant.
#[derive(Debug)]
pub struct Bindings(Mutex<Bound>);

#[derive(Debug, Default)]
struct Bound {
    mini_apps: BTreeSet<String>,
    accounts: BTreeSet<String>,
    /// Payment directories per official account.
    pay_urls: BTreeMap<String, BTreeSet<String>>,
    receipt_apps: BTreeSet<String>,
}

impl Default for Bindings {
    fn default() -> Self {
        let mut b = Bound::default();
        b.mini_apps.insert(MINI_APP_ID.into());
        b.accounts.insert(OA_APP_ID.into());
        b.pay_urls.entry(OA_APP_ID.into()).or_default().insert(OA_PAY_URL.into());
        Bindings(Mutex::new(b))
    }
}

pub(crate) struct Sunmi;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    SwipeQuery,
    PayBind,
    JsApiPay,
    MiniPay,
    Query,
    Refund,
}

impl Simulator for Sunmi {
    const GATEWAY: GatewayId = GatewayId::Sunmi;
    const ROUTES: &'static [(&'static str, Op)] = &[
        ("/v1/trade/swipeQuery", Op::SwipeQuery),
        ("/v1/trade/payBind", Op::PayBind),
        ("/v1/trade/jsApiPay", Op::JsApiPay),
        ("/v1/trade/miniPay", Op::MiniPay),
        ("/v1/trade/query", Op::Query),
        ("/v1/trade/refund", Op::Refund),
    ];
    type Op = Op;
    type Request = RawFields;
    type Answer = Answer;

    fn open(fields: RawFields) -> Result<RawFields, Answer> {
        check_common(&fields)?;
        Ok(fields)
    }

    fn handle(ctx: &Ctx, op: Op, f: RawFields) -> Handled<Answer> {
        let f = &f;
        match op {
            Op::SwipeQuery => swipe_query(f),
            Op::PayBind => pay_bind(ctx, f),
            Op::JsApiPay => return prepay(ctx, f, true),
            Op::MiniPay => return prepay(ctx, f, false),
            Op::Query => query(ctx, f),
            Op::Refund => refund(ctx, f),
        }
        .into()
    }

    /// `{code, data, msg}`, unsigned.
    fn encode(answer: Answer) -> Reply {
        let body = match answer {
            Answer::Data(data) => json!({"code": "10000", "data": data, "msg": ""}),
            Answer::Refused(code, msg) => {
                json!({"code": "10000", "data": {"sub_code": code, "sub_msg": msg}, "msg": ""})
            }
            Answer::System(code, msg) => json!({"code": code, "msg": msg}),
        };
        Reply::json(body.to_string())
    }

    /// The payment callback (6.1) of an order the payer has paid (`success` stops Sunmi's
    /// retries).
    fn notification(order: &SimOrder) -> Result<Notification, String> {
        if !matches!(status(order).0, 3 | 4) {
            return Err(format!("order {} is not paid", order.order_no));
        }
        signed_callback(order, payment_callback(order))
    }
}

/// What an operation answers.
pub(crate) enum Answer {
    /// `code` 10000 with this `data`.
    Data(Value),
    /// `code` 10000 with `data.sub_code` / `sub_msg`.
    Refused(&'static str, String),
    /// A system `code` (7.1) with `msg`.
    System(&'static str, String),
}

fn refused(code: &'static str, msg: impl Into<String>) -> Answer {
    Answer::Refused(code, msg.into())
}

/// The checks every call gets, in the order the seed's FAQ lists its errors: app_id, charset,
/// then the signature.
fn check_common(f: &RawFields) -> Result<(), Answer> {
    match field(f, "app_id") {
        None => return Err(Answer::System("40001", "Missing app_id".into())),
        Some(a) if a != APP_ID => return Err(Answer::System("40002", "invalid app_id".into())),
        Some(_) => {}
    }
    match field(f, "charset") {
        None => return Err(Answer::System("40001", "Missing charset".into())),
        Some(c) if c != protocol::CHARSET => return Err(Answer::System("40002", "invalid charset".into())),
        Some(_) => {}
    }
    match protocol::verify(f, APP_KEY) {
        Ok(()) => Ok(()),
        Err(posgate_core::sunmi::ProtocolError::Unsigned) => Err(Answer::System("40001", "Missing sign".into())),
        Err(_) => Err(Answer::System("40002", "Invalid Sign".into())),
    }
}

fn too_long(f: &RawFields, k: &str, max: usize) -> Result<(), Answer> {
    match field(f, k) {
        Some(v) if v.chars().count() > max => Err(refused("Q03", format!("参数异常: {k} 超长"))),
        _ => Ok(()),
    }
}

fn merchant(f: &RawFields) -> Result<(), Answer> {
    match field(f, "merchantNo") {
        None => Err(refused("Q03", "参数异常: merchantNo 不能为空")),
        Some(m) if m != MERCHANT_NO => Err(refused("E01", "商户不存在")),
        Some(_) => Ok(()),
    }
}

/// Where query and refund look: `Device` (msn given; msn wins over merchantNo, and the two must
/// be bound to each other) or the merchant's cloud orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Device,
    Merchant,
}

fn scope(f: &RawFields) -> Result<Scope, Answer> {
    match (field(f, "msn"), field(f, "merchantNo")) {
        (None, None) => Err(refused("Q03", "参数异常: 设备号msn、merchantNo必传一个")),
        (Some(m), _) if m != MSN => Err(refused("E25", "商户不合法: 设备商户不合法")),
        (Some(_), Some(m)) if m != MERCHANT_NO => Err(refused("E25", "商户不合法: 设备与商户无绑定关系")),
        (Some(_), _) => Ok(Scope::Device),
        (None, Some(m)) if m != MERCHANT_NO => Err(refused("E01", "商户不存在")),
        (None, Some(_)) => Ok(Scope::Merchant),
    }
}

/// Today's date in Beijing, `yyyyMMdd` (swipeQuery's default `tradeDate`).
pub fn today() -> String {
    beijing(now_unix()).date_compact()
}

// ---------------------------------------------------------------------------------------------
// swipeQuery

/// The terminal's card-swipe trades (the fixture): each answer is `every` plus a trade's fields.
#[derive(Deserialize)]
struct SwipeTrades {
    every: Map<String, Value>,
    trades: Vec<SwipeTrade>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SwipeTrade {
    /// What the trade is for: documentation, not answered.
    #[serde(rename = "about")]
    _about: String,
    /// `yyyyMMdd`; `None`: today.
    trade_date: Option<String>,
    /// The trade's own time; `None`: an hour ago, but today.
    pay_time: Option<u64>,
    #[serde(flatten)]
    answer: Map<String, Value>,
}

impl SwipeTrade {
    fn field(&self, name: &str) -> &str {
        self.answer.get(name).and_then(Value::as_str).unwrap_or_default()
    }
}

static SWIPE_TRADES: LazyLock<SwipeTrades> = LazyLock::new(|| fixture!("sunmi/swipe_trades.json"));

fn swipe_query(f: &RawFields) -> Answer {
    match field(f, "msn") {
        None => return refused("Q03", "参数异常: msn 不能为空"),
        Some(m) if m != MSN => return refused("E25", "商户不合法: 设备商户不合法"),
        Some(_) => {}
    }
    let (order_id, platform_id) = (field(f, "orderId"), field(f, "platformId"));
    if order_id.is_none() && platform_id.is_none() {
        return refused("E15", "订单号不能为空: orderId、platformId必传其中一个");
    }
    let today = today();
    let date = field(f, "tradeDate").unwrap_or(&today);
    let found = SWIPE_TRADES.trades.iter().find(|t| {
        t.trade_date.as_deref().unwrap_or(&today) == date
            && order_id.is_none_or(|o| o == t.field("orderId"))
            && platform_id.is_none_or(|p| p == t.field("platformId"))
    });
    let Some(t) = found else { return refused("E19", "订单不存在") };
    Answer::Data(swipe_data(&SWIPE_TRADES.every, t))
}

fn swipe_data(every: &Map<String, Value>, t: &SwipeTrade) -> Value {
    let pay_time = t.pay_time.unwrap_or_else(|| {
        let now = now_unix();
        let offset = BEIJING_OFFSET_SECS as u64;
        let midnight = (now + offset) / 86_400 * 86_400 - offset;
        now.saturating_sub(3600).max(midnight + 1)
    });
    let mut data = every.clone();
    data.extend(t.answer.clone());
    data.insert("cardHash".into(), posgate_core::crypto::sha1_hex(t.field("tradeRef").as_bytes()).into());
    data.insert("payTime".into(), pay_time.into());
    Value::Object(data)
}

// ---------------------------------------------------------------------------------------------
// payBind

fn pay_bind(ctx: &Ctx, f: &RawFields) -> Answer {
    if let Err(r) = merchant(f) {
        return r;
    }
    for (k, max) in [("miniAppId", 32), ("receiptAppId", 32), ("attentionAppId", 32), ("payUrl", 255)] {
        if let Err(r) = too_long(f, k, max) {
            return r;
        }
    }
    let Ok(mut b) = ctx.sunmi.0.lock() else { return refused("S03", "系统异常") };
    let again = || refused("Q03", "subappid已配置，请勿重复配置");
    match field(f, "configType") {
        Some("1") => {
            let (Some(account), Some(url)) = (field(f, "attentionAppId"), field(f, "payUrl")) else {
                return refused("Q03", "参数异常: configType为1时 attentionAppId、payUrl 必传");
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) || !url.ends_with('/') {
                return refused("Q03", "参数异常: payUrl 须为支付页面所在目录, 以 / 结尾");
            }
            if !b.accounts.contains(account) {
                return refused("Q03", "参数异常: 请先绑定公众号appId (configType=3), 再绑定授权目录");
            }
            if !b.pay_urls.entry(account.to_string()).or_default().insert(url.to_string()) {
                return refused("Q03", "授权目录已配置，请勿重复配置");
            }
        }
        Some("2") => match field(f, "miniAppId") {
            None => return refused("Q03", "参数异常: configType为2时 miniAppId 必传"),
            Some(id) if !b.mini_apps.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("3") => match field(f, "attentionAppId") {
            None => return refused("Q03", "参数异常: configType为3时 attentionAppId 必传"),
            Some(id) if !b.accounts.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("4") => match field(f, "receiptAppId") {
            None => return refused("Q03", "参数异常: configType为4时 receiptAppId 必传"),
            Some(id) if !b.receipt_apps.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("5") => {
            return Answer::Data(json!({
                "merchantNo": MERCHANT_NO,
                "miniAppIds": b.mini_apps,
                "attentionAppIds": b.accounts,
                "payUrls": b.pay_urls,
                "receiptAppIds": b.receipt_apps,
            }))
        }
        _ => return refused("Q03", "参数异常: configType 须为 1-5"),
    }
    Answer::Data(Value::String("Success".into()))
}

// ---------------------------------------------------------------------------------------------
// jsApiPay / miniPay

fn prepay(ctx: &Ctx, f: &RawFields, jsapi: bool) -> Handled<Answer> {
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
    {
        let b = ctx.sunmi.0.lock().map_err(|_| refused("S03", "系统异常"))?;
        let bound = if jsapi {
            b.accounts.contains(app) && b.pay_urls.get(app).is_some_and(|u| !u.is_empty())
        } else {
            b.mini_apps.contains(app)
        };
        if !bound {
            let how = if jsapi {
                "公众号appId及授权目录 (payBind configType 3, 1)"
            } else {
                "小程序appId (payBind configType 2)"
            };
            return Err(refused("Q03", format!("参数异常: {app} 未绑定{how}")));
        }
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

/// `state`, `resultCode`, `resultMsg` of a payment order now.
fn status(o: &SimOrder) -> (u8, &'static str, &'static str) {
    match o.state(Instant::now()) {
        SimState::Paying if o.preorder => (2, "D08", "订单未支付"),
        SimState::Paying => (1, "D07", "用户支付中"),
        SimState::Paid | SimState::PartiallyRefunded => (3, "T00", "Success"),
        SimState::Refunded => (4, "D04", "交易结束"),
        SimState::Failed if o.scenario == Scenario::Declined => (5, "T02", "余额不足"),
        SimState::Failed => (5, "T07", "交易失败: 用户取消支付"),
        SimState::Closed | SimState::Reversed => (4, "D06", "订单已撤销"),
    }
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

// ---------------------------------------------------------------------------------------------
// query

fn refund_platform_id(gateway_refund_no: &str) -> String {
    format!("5000{}", digits(gateway_refund_no))
}

/// The merchant's `businessId` of a refund, kept with the order.
fn refund_business_id(o: &SimOrder, r: &SimRefund) -> String {
    o.extra(&format!("refundBusinessId:{}", r.refund_no)).to_string()
}

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

fn query(ctx: &Ctx, f: &RawFields) -> Answer {
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

// ---------------------------------------------------------------------------------------------
// refund

fn refund(ctx: &Ctx, f: &RawFields) -> Answer {
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

// ---------------------------------------------------------------------------------------------
// Callbacks

/// The payment callback fields (6.1) of a paid order, unsigned. `msn` and `businessId` are sent
/// empty for cloud orders (and signed so: 2.2.2 keeps empty values).
fn payment_callback(o: &SimOrder) -> RawFields {
    let (state, code, msg) = status(o);
    let mut f = RawFields::new();
    for (k, v) in [
        ("amount", o.amount.to_string()),
        ("businessId", String::new()),
        ("buyerPayAmount", o.amount.to_string()),
        ("misId", o.trade_no.clone()),
        ("msn", String::new()),
        ("orderId", o.order_no.clone()),
        ("orderType", "0".into()),
        ("payTime", o.paid_unix().to_string()),
        ("platform", "wxpay".into()),
        ("buyerLogonId", o.extra("openId").to_string()),
        ("platformId", o.extra("platformId").to_string()),
        ("refunded", o.refunded().to_string()),
        ("resultCode", code.into()),
        ("resultMsg", msg.into()),
        ("state", state.to_string()),
    ] {
        f.insert(k.into(), v);
    }
    f
}

/// The refund callback: the refund order, plus the original's numbers in the refund-only fields.
fn refund_callback(o: &SimOrder, i: usize) -> RawFields {
    let r = &o.refunds[i];
    let mut f = RawFields::new();
    for (k, v) in [
        ("amount", r.amount.to_string()),
        ("businessId", refund_business_id(o, r)),
        ("buyerPayAmount", r.amount.to_string()),
        ("misId", r.gateway_refund_no.clone()),
        ("msn", String::new()),
        ("orderId", r.refund_no.clone()),
        ("orderType", "1".into()),
        ("payTime", o.unix_at(r.at).to_string()),
        ("platform", "wxpay".into()),
        ("buyerLogonId", o.extra("openId").to_string()),
        ("platformId", refund_platform_id(&r.gateway_refund_no)),
        ("refunded", o.refunds[..=i].iter().map(|r| r.amount).sum::<u64>().to_string()),
        ("resultCode", "T00".into()),
        ("resultMsg", "Success".into()),
        ("state", "3".into()),
        ("origMisId", o.trade_no.clone()),
        ("origOrderId", o.order_no.clone()),
        ("origPlatformId", o.extra("platformId").to_string()),
        ("origBusinessId", String::new()),
    ] {
        f.insert(k.into(), v);
    }
    f
}

/// Callback `fields` about `o`, signed SHA256withRSA with the sandbox's key, as a form post.
/// Scenario 5001's callbacks carry a damaged signature (Sunmi's answers are unsigned: the
/// callback is what the client verifies).
fn signed_callback(o: &SimOrder, fields: RawFields) -> Result<Notification, String> {
    let key = PrivateKey::parse(PRIVATE_KEY_PEM).map_err(|e| format!("the sandbox's private key: {e}"))?;
    let mut signed = protocol::sign_callback(&fields, &key);
    if o.scenario.signs_wrong() {
        if let Some(s) = signed.get_mut("sign") {
            // Base64 is ASCII: swapping the first character keeps it Base64 but breaks the sign.
            let flipped = if s.starts_with('A') { "B" } else { "A" };
            *s = format!("{flipped}{}", s.get(1..).unwrap_or_default());
        }
    }
    Ok(Notification::Form(signed.into_iter().collect()))
}

/// Posts a callback about `o` to its notifyUrl, if it has one, without holding up the answer
/// that caused it (Sunmi calls back on its own time; a failed callback is not the caller's).
fn callback_later(ctx: &Ctx, o: &SimOrder, fields: RawFields) {
    let (Some(url), Ok(callback)) = (o.notify_url.clone(), signed_callback(o, fields)) else { return };
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let _ = deliver(&ctx, &url, callback).await;
    });
}

/// A scripted prepay with a notifyUrl: the callback once the payer has paid.
fn schedule_callback(ctx: &Ctx, order: &SimOrder) {
    let wait = match order.scenario {
        Scenario::PayingThenPaid(d) => d,
        _ => Duration::ZERO,
    };
    let (ctx, order_no) = (ctx.clone(), order.order_no.clone());
    tokio::spawn(async move {
        // A little after the paying phase, so a query at the same moment already says paid.
        tokio::time::sleep(wait + Duration::from_millis(50)).await;
        if let Some(o) = ctx.store.get(GW, &order_no).filter(|o| status(o).0 == 3) {
            callback_later(&ctx, &o, payment_callback(&o));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use posgate_core::sunmi::PublicKey;

    #[test]
    fn sandbox_keys_are_a_pair() {
        let private = PrivateKey::parse(PRIVATE_KEY_PEM).unwrap();
        assert_eq!(private.public_key(), PublicKey::parse(PUBLIC_KEY_PEM).unwrap());
        let mut f = RawFields::new();
        f.insert("amount".into(), "1".into());
        f.insert("businessId".into(), String::new());
        let signed = protocol::sign_callback(&f, &private);
        assert!(protocol::verify_callback(&signed, &PublicKey::parse(PUBLIC_KEY_PEM).unwrap()).is_ok());
    }

    #[test]
    fn swipe_trades_are_the_fixture() {
        let answer = |f: &[(&str, &str)]| {
            let fields: RawFields = f.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            match swipe_query(&fields) {
                Answer::Data(d) => d,
                Answer::Refused(code, _) | Answer::System(code, _) => json!(code),
            }
        };
        // The seed's example, on its own date and time.
        let seed = answer(&[("msn", MSN), ("orderId", "201906300600003"), ("tradeDate", "20190630")]);
        assert_eq!(seed["payTime"], 1_561_892_597);
        assert_eq!(seed["amount"], 19900);
        assert_eq!(seed["terminalNo"], "10040784");
        assert_eq!(seed["cardHash"], posgate_core::crypto::sha1_hex(b"454881473"));
        assert!(seed.get("tradeDate").is_none() && seed.get("about").is_none());
        assert_eq!(answer(&[("msn", MSN), ("orderId", "201906300600003")]), "E19");
        // Today's trades happened earlier today.
        let declined = answer(&[("msn", MSN), ("platformId", "331900004")]);
        assert_eq!(
            (declined["orderId"].as_str(), declined["resultCode"].as_str(), declined["state"].as_u64()),
            (Some("SWIPE0004"), Some("51"), Some(5))
        );
        let paid = declined["payTime"].as_u64().unwrap();
        assert!(paid <= now_unix() && beijing(paid).date_compact() == today());
        assert_eq!(SWIPE_TRADES.trades.len(), 6);
        assert!(SWIPE_TRADES.trades.iter().all(|t| t.answer.len() == 13), "every trade has the answer's 13 fields");
    }

    #[test]
    fn every_route_is_under_the_store_name() {
        assert_eq!(Sunmi::GATEWAY.as_str(), GW);
    }

    #[test]
    fn common_checks_in_the_faqs_order() {
        let mut f = RawFields::new();
        let code = |r: Result<(), Answer>| match r {
            Err(Answer::System(c, m)) => format!("{c} {m}"),
            Ok(()) => "ok".into(),
            Err(_) => "other".into(),
        };
        assert_eq!(code(check_common(&f)), "40001 Missing app_id");
        f.insert("app_id".into(), "x".into());
        assert_eq!(code(check_common(&f)), "40002 invalid app_id");
        f.insert("app_id".into(), APP_ID.into());
        assert_eq!(code(check_common(&f)), "40001 Missing charset");
        f.insert("charset".into(), "utf8".into());
        assert_eq!(code(check_common(&f)), "40001 Missing sign");
        f.insert("sign".into(), "00".into());
        assert_eq!(code(check_common(&f)), "40002 Invalid Sign");
        f.insert("sign".into(), protocol::sign(&f, APP_KEY));
        assert_eq!(code(check_common(&f)), "ok");
    }
}
