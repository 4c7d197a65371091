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
//! swipeQuery ([`SWIPE_TRADES`], dated today, and the seed's own example on 2019-06-30).
//!
//! Sandbox extension: a query answer about a refund also carries `origOrderId` / `origMisId`
//! (the callback's names), so a client can check which order a refund number belongs to.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use posgate_core::sunmi::{protocol, Credentials, PrivateKey};
use posgate_core::{Money, RawFields, Secret};
use serde_json::{json, Value};

use crate::scenario::Scenario;
use crate::store::{new_order, SimOrder, SimState, StoreError};
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
pub const PRIVATE_KEY_PEM: &str = "\
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDE6DtQAyaAEq4o
Ir1R2CO0KUa/0VxObQZU+u2Pi5ZI6gzuI7c2TTyNnCtdFdm31xtB4UQF+GsZMQmg
6hwN/KzWMINuA3nAKfaS0sZAKVaZMCFKC7rI4ZR+LNTZBBybs/o0Or0spmK/4BIx
aIOUugxKgAiHXuJtEGEngYCA+1ImPGEvq/TkhKJZNfuNLYccnmh9k+WiQ3nD/NYZ
ZEIRBk1yIhnOXGN+55xNusVInRHQ2rmgbAQvgrZp04ucCsh6KKSJ5mmGokWoRUaZ
WND0BG3NVE5Dneg2wJ+yw3j54eXXCNSV/yGypYIeFGV/f31bljRmwUEVpYTBES/v
md2QhzevAgMBAAECggEAQTjbTKl+ezW00j6PjyiUyvxRHwBuHtwmGMf1IHMQGJ7O
IaNa8HWs9Qshofe24hoyQSQosAGVGAcSNWbWXBux9FCleC9WiLxdnEyMtnv630r9
+9TezeNKmHCpICkogLqgyeQa/Usvsna6D/uaeg0WPScjrBNV1OJ0C+3tbsvQbjFF
EK4tD8208u0KfQNxxKv/B0sT72JXgLIiywl86IGS3owA80QuLw71YZeq1HunHjVs
gONRNP5WejQTQEzeTKb7jghHipUsSw3tj8HMWhvy4MDkD8BcWZ9lYlQCpHLL5cTQ
/+/fJzeIrXJ/tQqJ6mT18r9k5dR2YZgn2SKZCO44YQKBgQDjA1maTNf0TwYsceEt
UYuKTkxDbpEZuFFqfwsadItlMXynKWD6DQZ2roToby0SsIEKdPwSMa62cv8t/Cif
VmMcgqrjcy8mtXUC0+VhKdSKBjNj4U6OeASiQ2rtkMchxVrbrnFphoGn7FLrgWYw
izcW9WMGdJP5MShNXNROk5peowKBgQDeDMXbQMyPFnmdpYkHGaQEr1923pKMKY6a
wrlKfqNvWbUpcVzyEAg/OsUSDp4ik9HkflHfTtO5Gysw/u7FoxKPYALmOZphgT7T
3Eoc9SgkWPBFp0UQ44f4soyEJAdHq8fWOXr0tErpXz0lj5i5A7Uazf9G4RyInP5U
wqtOOh2PhQKBgG8qq804xiP4MsC+/5LutNOEpin7UgjzTsNE9U3+NmjWhAFj7P5m
NH0X1zPvhXX6gyZ4xRuvwqvLwpRlQAtPBXfnsQFy3WsqPuOkmlYrYs44XSATLCHu
Oe6v7wPo+urZtzWOxjDz0jhGLRDwq/cnpVGT1utJWVEVNnQz+i+EbnrbAoGBAImt
i8RNYkhaHCAGMndHi64n+t4eVOk5HyWQFQk+iiGRksVWd9XS4Pore2Od0qkH1H2D
YUo/ewFr+hTQDMZYPTrOwh1zm+hXFdiQ3xcjXrdiud/GPgmhun4WXw/TsvvaY/bM
/xLY8xXOKoCuj3gv90vebCjLjUCbbwqpBURkvk1tAoGBALfdnSCrSExicHdSaCYn
flotHXnHPkdvV1wejriX1u1dIT3PsLFRM14PP4kEMtfQQk7KDaRN0sMbPbnh3Bik
k2fOIZzcuxM4w/E8Vfw9I9kOXINjE+klrWdZ/wrnPwWivhddm31KciX5lwhFWRgh
PlRITVxAoLTAv5/JPq3mZmul
-----END PRIVATE KEY-----
";
/// Its public half: the "Sunmi public key" of the sandbox's test credentials.
pub const PUBLIC_KEY_PEM: &str = "\
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxOg7UAMmgBKuKCK9Udgj
tClGv9FcTm0GVPrtj4uWSOoM7iO3Nk08jZwrXRXZt9cbQeFEBfhrGTEJoOocDfys
1jCDbgN5wCn2ktLGQClWmTAhSgu6yOGUfizU2QQcm7P6NDq9LKZiv+ASMWiDlLoM
SoAIh17ibRBhJ4GAgPtSJjxhL6v05ISiWTX7jS2HHJ5ofZPlokN5w/zWGWRCEQZN
ciIZzlxjfuecTbrFSJ0R0Nq5oGwEL4K2adOLnArIeiikieZphqJFqEVGmVjQ9ARt
zVROQ53oNsCfssN4+eHl1wjUlf8hsqWCHhRlf399W5Y0ZsFBFaWEwREv75ndkIc3
rwIDAQAB
-----END PUBLIC KEY-----
";

const GW: &str = "sunmi";

/// A card-swipe trade of the sandbox terminal, as swipeQuery answers it. `date` `None` means
/// today (Beijing time).
#[derive(Debug, Clone, Copy)]
pub struct SwipeFixture {
    pub order_id: &'static str,
    pub platform_id: &'static str,
    pub date: Option<&'static str>,
    pub order_type: u8,
    pub amount: u64,
    pub state: u8,
    pub result_code: &'static str,
    pub result_msg: &'static str,
    pub card_type: &'static str,
    pub card_gov: &'static str,
    pub short_card: &'static str,
    pub trade_ref: &'static str,
    pub ori_trade_ref: &'static str,
    pub trace_no: &'static str,
}

/// The card-swipe trades swipeQuery knows: the seed's example (2019-06-30) and five of today.
pub const SWIPE_TRADES: &[SwipeFixture] = &[
    SwipeFixture {
        order_id: "201906300600003",
        platform_id: "331916913",
        date: Some("20190630"),
        order_type: 0,
        amount: 19900,
        state: 3,
        result_code: "00",
        result_msg: "交易成功",
        card_type: "SCC",
        card_gov: "CUP",
        short_card: "4402",
        trade_ref: "454881473",
        ori_trade_ref: "",
        trace_no: "000293",
    },
    // A debit card sale, paid.
    SwipeFixture {
        order_id: "SWIPE0001",
        platform_id: "331900001",
        date: None,
        order_type: 0,
        amount: 2580,
        state: 3,
        result_code: "00",
        result_msg: "交易成功",
        card_type: "DC",
        card_gov: "CUP",
        short_card: "6217",
        trade_ref: "454800001",
        ori_trade_ref: "",
        trace_no: "000101",
    },
    // A WeChat code scanned on the terminal, paid.
    SwipeFixture {
        order_id: "SWIPE0002",
        platform_id: "331900002",
        date: None,
        order_type: 0,
        amount: 990,
        state: 3,
        result_code: "00",
        result_msg: "交易成功",
        card_type: "OA",
        card_gov: "WX",
        short_card: "",
        trade_ref: "454800002",
        ori_trade_ref: "",
        trace_no: "000102",
    },
    // A refund of part of SWIPE0001.
    SwipeFixture {
        order_id: "SWIPE0003",
        platform_id: "331900003",
        date: None,
        order_type: 1,
        amount: 1000,
        state: 3,
        result_code: "00",
        result_msg: "交易成功",
        card_type: "DC",
        card_gov: "CUP",
        short_card: "6217",
        trade_ref: "454800003",
        ori_trade_ref: "454800001",
        trace_no: "000103",
    },
    // A credit card declined: insufficient funds (the card networks' 51).
    SwipeFixture {
        order_id: "SWIPE0004",
        platform_id: "331900004",
        date: None,
        order_type: 0,
        amount: 500,
        state: 5,
        result_code: "51",
        result_msg: "余额不足",
        card_type: "CC",
        card_gov: "CUP",
        short_card: "5201",
        trade_ref: "454800004",
        ori_trade_ref: "",
        trace_no: "000104",
    },
    // A sale voided later the same day: ended, not refundable.
    SwipeFixture {
        order_id: "SWIPE0005",
        platform_id: "331900005",
        date: None,
        order_type: 0,
        amount: 1200,
        state: 4,
        result_code: "00",
        result_msg: "交易成功",
        card_type: "CC",
        card_gov: "CUP",
        short_card: "5201",
        trade_ref: "454800005",
        ori_trade_ref: "",
        trace_no: "000105",
    },
];

/// Credentials of the sandbox integrator, merchant and device; the callbacks' public key is the
/// sandbox's own.
pub fn test_credentials() -> Credentials {
    let mut c = Credentials::new(APP_ID, Secret::new(APP_KEY));
    c.merchant_no = Some(MERCHANT_NO.into());
    c.msn = Some(MSN.into());
    c.public_key = Some(PUBLIC_KEY_PEM.into());
    c
}

fn private_key() -> Option<PrivateKey> {
    PrivateKey::parse(PRIVATE_KEY_PEM).ok()
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

pub fn router() -> Router<Ctx> {
    let route = |op: Op| post(move |State(ctx): State<Ctx>, body: String| handle(ctx, op, body));
    Router::new()
        .route("/v1/trade/swipeQuery", route(Op::SwipeQuery))
        .route("/v1/trade/payBind", route(Op::PayBind))
        .route("/v1/trade/jsApiPay", route(Op::JsApiPay))
        .route("/v1/trade/miniPay", route(Op::MiniPay))
        .route("/v1/trade/query", route(Op::Query))
        .route("/v1/trade/refund", route(Op::Refund))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    SwipeQuery,
    PayBind,
    JsApiPay,
    MiniPay,
    Query,
    Refund,
}

/// What an operation answers.
enum Reply {
    /// `code` 10000 with this `data`.
    Data(Value),
    /// `code` 10000 with `data.sub_code` / `sub_msg`.
    Refused(&'static str, String),
    /// A system `code` (7.1) with `msg`.
    System(&'static str, String),
    /// 4002: the call never answers.
    Hang,
}

fn refused(code: &'static str, msg: impl Into<String>) -> Reply {
    Reply::Refused(code, msg.into())
}

async fn handle(ctx: Ctx, op: Op, body: String) -> Response {
    let f: RawFields = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let reply = match check_common(&f) {
        Err(r) => r,
        Ok(()) => match op {
            Op::SwipeQuery => swipe_query(&f),
            Op::PayBind => pay_bind(&ctx, &f),
            Op::JsApiPay => prepay(&ctx, &f, true),
            Op::MiniPay => prepay(&ctx, &f, false),
            Op::Query => query(&ctx, &f),
            Op::Refund => refund(&ctx, &f),
        },
    };
    let answer = match reply {
        Reply::Data(data) => json!({"code": "10000", "data": data, "msg": ""}),
        Reply::Refused(code, msg) => json!({"code": "10000", "data": {"sub_code": code, "sub_msg": msg}, "msg": ""}),
        Reply::System(code, msg) => json!({"code": code, "msg": msg}),
        Reply::Hang => {
            tokio::time::sleep(ctx.options.hang).await;
            return (StatusCode::GATEWAY_TIMEOUT, "").into_response();
        }
    };
    Json(answer).into_response()
}

fn opt<'a>(f: &'a RawFields, k: &str) -> Option<&'a str> {
    f.get(k).map(String::as_str).filter(|v| !v.trim().is_empty())
}

/// The checks every call gets, in the order the seed's FAQ lists its errors: app_id, charset,
/// then the signature.
fn check_common(f: &RawFields) -> Result<(), Reply> {
    match opt(f, "app_id") {
        None => return Err(Reply::System("40001", "Missing app_id".into())),
        Some(a) if a != APP_ID => return Err(Reply::System("40002", "invalid app_id".into())),
        Some(_) => {}
    }
    match opt(f, "charset") {
        None => return Err(Reply::System("40001", "Missing charset".into())),
        Some(c) if c != protocol::CHARSET => return Err(Reply::System("40002", "invalid charset".into())),
        Some(_) => {}
    }
    match protocol::verify(f, APP_KEY) {
        Ok(()) => Ok(()),
        Err(posgate_core::sunmi::ProtocolError::Unsigned) => Err(Reply::System("40001", "Missing sign".into())),
        Err(_) => Err(Reply::System("40002", "Invalid Sign".into())),
    }
}

fn too_long(f: &RawFields, k: &str, max: usize) -> Result<(), Reply> {
    match opt(f, k) {
        Some(v) if v.chars().count() > max => Err(refused("Q03", format!("参数异常: {k} 超长"))),
        _ => Ok(()),
    }
}

fn merchant(f: &RawFields) -> Result<(), Reply> {
    match opt(f, "merchantNo") {
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

fn scope(f: &RawFields) -> Result<Scope, Reply> {
    match (opt(f, "msn"), opt(f, "merchantNo")) {
        (None, None) => Err(refused("Q03", "参数异常: 设备号msn、merchantNo必传一个")),
        (Some(m), _) if m != MSN => Err(refused("E25", "商户不合法: 设备商户不合法")),
        (Some(_), Some(m)) if m != MERCHANT_NO => Err(refused("E25", "商户不合法: 设备与商户无绑定关系")),
        (Some(_), _) => Ok(Scope::Device),
        (None, Some(m)) if m != MERCHANT_NO => Err(refused("E01", "商户不存在")),
        (None, Some(_)) => Ok(Scope::Merchant),
    }
}

fn unix_now() -> u64 {
    posgate_core::clock::now_unix()
}

/// `yyyyMMdd` and `yyyyMMddHHmmss` in Beijing time (GMT+8), as Sunmi's dates are.
fn beijing(unix: u64) -> (String, String) {
    let t = posgate_core::clock::beijing(unix);
    (t.date_compact(), t.compact())
}

/// Today's date in Beijing (swipeQuery's default `tradeDate`).
pub fn today() -> String {
    beijing(unix_now()).0
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

// ---------------------------------------------------------------------------------------------
// swipeQuery

fn swipe_query(f: &RawFields) -> Reply {
    match opt(f, "msn") {
        None => return refused("Q03", "参数异常: msn 不能为空"),
        Some(m) if m != MSN => return refused("E25", "商户不合法: 设备商户不合法"),
        Some(_) => {}
    }
    let (order_id, platform_id) = (opt(f, "orderId"), opt(f, "platformId"));
    if order_id.is_none() && platform_id.is_none() {
        return refused("E15", "订单号不能为空: orderId、platformId必传其中一个");
    }
    let today = today();
    let date = opt(f, "tradeDate").unwrap_or(&today);
    let found = SWIPE_TRADES.iter().find(|t| {
        t.date.unwrap_or(&today) == date
            && order_id.is_none_or(|o| o == t.order_id)
            && platform_id.is_none_or(|p| p == t.platform_id)
    });
    let Some(t) = found else { return refused("E19", "订单不存在") };
    Reply::Data(swipe_data(t))
}

fn swipe_data(t: &SwipeFixture) -> Value {
    // Seed example keeps its own time; today's trades happened an hour ago (or at 00:00:01).
    let pay_time = match t.date {
        Some(_) => 1_561_892_597,
        None => {
            let now = unix_now();
            let midnight = (now + 8 * 3600) / 86_400 * 86_400 - 8 * 3600;
            now.saturating_sub(3600).max(midnight + 1)
        }
    };
    json!({
        "TransCurrency": "CNY",
        "amount": t.amount,
        "batchNo": "000001",
        "cardGov": t.card_gov,
        "cardHash": posgate_core::crypto::sha1_hex(t.trade_ref.as_bytes()),
        "cardType": t.card_type,
        "merchantNo": "820102179970017",
        "orderType": t.order_type,
        "oriTradeRef": t.ori_trade_ref,
        "orderId": t.order_id,
        "payTime": pay_time,
        "platformId": t.platform_id,
        "resultCode": t.result_code,
        "resultMsg": t.result_msg,
        "shortCard": t.short_card,
        "state": t.state,
        "terminalNo": "10040784",
        "traceNo": t.trace_no,
        "tradeRef": t.trade_ref,
    })
}

// ---------------------------------------------------------------------------------------------
// payBind

fn pay_bind(ctx: &Ctx, f: &RawFields) -> Reply {
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
    match opt(f, "configType") {
        Some("1") => {
            let (Some(account), Some(url)) = (opt(f, "attentionAppId"), opt(f, "payUrl")) else {
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
        Some("2") => match opt(f, "miniAppId") {
            None => return refused("Q03", "参数异常: configType为2时 miniAppId 必传"),
            Some(id) if !b.mini_apps.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("3") => match opt(f, "attentionAppId") {
            None => return refused("Q03", "参数异常: configType为3时 attentionAppId 必传"),
            Some(id) if !b.accounts.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("4") => match opt(f, "receiptAppId") {
            None => return refused("Q03", "参数异常: configType为4时 receiptAppId 必传"),
            Some(id) if !b.receipt_apps.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("5") => {
            return Reply::Data(json!({
                "merchantNo": MERCHANT_NO,
                "miniAppIds": b.mini_apps,
                "attentionAppIds": b.accounts,
                "payUrls": b.pay_urls,
                "receiptAppIds": b.receipt_apps,
            }))
        }
        _ => return refused("Q03", "参数异常: configType 须为 1-5"),
    }
    Reply::Data(Value::String("Success".into()))
}

// ---------------------------------------------------------------------------------------------
// jsApiPay / miniPay

fn prepay(ctx: &Ctx, f: &RawFields, jsapi: bool) -> Reply {
    match start_prepay(ctx, f, jsapi) {
        Ok(r) | Err(r) => r,
    }
}

fn start_prepay(ctx: &Ctx, f: &RawFields, jsapi: bool) -> Result<Reply, Reply> {
    merchant(f)?;
    // jsApiPay takes yuan "精确到分" ("0.01"), miniPay fen ("最小传1").
    let amount = match (jsapi, opt(f, "totalAmount")) {
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
    let app = opt(f, "miniAppId").ok_or_else(|| refused("Q03", "参数异常: miniAppId 不能为空"))?;
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
    let open_id = opt(f, "openId").ok_or_else(|| refused("Q03", "参数异常: openId 不能为空"))?;
    let order_id = opt(f, "orderId").ok_or_else(|| refused("E15", "订单号不能为空"))?;
    too_long(f, "openId", 128)?;
    too_long(f, "orderId", if jsapi { 80 } else { 32 })?;
    if jsapi && opt(f, "walletType").is_none() {
        return Err(refused("Q03", "参数异常: walletType 不能为空 (默认 TX01)"));
    }
    let notify_url = match opt(f, "notifyUrl") {
        Some(u) if !(u.starts_with("http://") || u.starts_with("https://")) => {
            return Err(refused("Q03", "参数异常: notifyUrl 须为 http(s) 地址"))
        }
        u => u.map(str::to_string),
    };
    // The scenario table on the openId's last four digits; other openIds wait for the payer.
    let tail: String = open_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let scripted = tail.len() == 4 && tail.bytes().all(|b| b.is_ascii_digit());
    let scenario = if scripted { Scenario::from_code(open_id) } else { Scenario::PaidAtOnce };
    if scenario == Scenario::InvalidCode {
        return Err(refused("Q03", "参数异常: openId无效"));
    }
    let mut order = new_order(GW, order_id, amount.fen(), scenario);
    order.preorder = !scripted;
    order.channel = "wxpay".into();
    order.notify_url = notify_url;
    order.extra.insert("openId".into(), open_id.into());
    order.extra.insert("miniAppId".into(), app.into());
    order.extra.insert("kind".into(), if jsapi { "jsapi" } else { "mini" }.into());
    order.extra.insert("platformId".into(), format!("4200{}", digits(&order.trade_no)));
    let (order, created) = ctx.store.create(order).map_err(|_| refused("Q03", "参数异常: 订单号重复且金额不一致"))?;
    if !created {
        // The same order again: where it stands, never a second order.
        return Ok(Reply::Data(prepay_data(&order, jsapi)));
    }
    if order.notify_url.is_some() && scripted && scenario.charges() {
        schedule_callback(ctx, &order);
    }
    Ok(match scenario {
        Scenario::SystemErrorButCharged => refused("S03", "系统异常"),
        Scenario::NoAnswerButCharged => Reply::Hang,
        _ => Reply::Data(prepay_data(&order, jsapi)),
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

fn paid_unix(o: &SimOrder) -> u64 {
    match o.scenario {
        Scenario::PayingThenPaid(d) if !o.preorder => o.created_unix + d.as_secs(),
        _ => o.created_unix,
    }
}

fn extra<'a>(o: &'a SimOrder, k: &str) -> &'a str {
    o.extra.get(k).map(String::as_str).unwrap_or_default()
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
        "platformId": extra(o, "platformId"),
        "merchantNo": MERCHANT_NO,
        "platform": "wxpay",
        "buyerLogonId": extra(o, "openId"),
        "resultCode": code,
        "resultMsg": msg,
        "state": state,
    });
    if jsapi {
        data["amount"] = json!(o.amount.to_string());
        data["buyerPayAmount"] = json!(o.amount.to_string());
        data["payTime"] = json!(beijing(o.created_unix).1);
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
    let app = extra(o, "miniAppId");
    let ts = o.created_unix.to_string();
    let nonce = posgate_core::crypto::md5_hex(o.trade_no.as_bytes());
    let package = format!("prepay_id=wx{}", digits(&o.trade_no));
    let message = format!("{app}\n{ts}\n{nonce}\n{package}\n");
    let pay_sign = private_key().map(|k| k.sign(message.as_bytes())).unwrap_or_default();
    json!({"appId": app, "timeStamp": ts, "nonceStr": nonce, "packageStr": package,
           "signType": "RSA", "paySign": pay_sign})
}

// ---------------------------------------------------------------------------------------------
// query

/// An order or a refund found by one of its numbers.
enum Found {
    Payment(SimOrder),
    Refund(SimOrder, usize),
}

fn refund_platform_id(gateway_refund_no: &str) -> String {
    format!("5000{}", digits(gateway_refund_no))
}

fn find(ctx: &Ctx, f: &RawFields, ids: [&str; 3]) -> Result<Found, Reply> {
    let [mis, order, platform] = ids.map(|k| opt(f, k));
    if mis.is_none() && order.is_none() && platform.is_none() {
        return Err(refused("Q03", format!("参数异常: {}、{}、{}必传一个", ids[0], ids[1], ids[2])));
    }
    let payment = ctx.store.find(GW, |o| {
        mis.is_none_or(|m| m == o.trade_no)
            && order.is_none_or(|n| n == o.order_no)
            && platform.is_none_or(|p| p == extra(o, "platformId"))
    });
    if let Some(o) = payment {
        return Ok(Found::Payment(o));
    }
    let matches = |r: &crate::store::SimRefund| {
        mis.is_none_or(|m| m == r.gateway_refund_no)
            && order.is_none_or(|n| n == r.refund_no)
            && platform.is_none_or(|p| p == refund_platform_id(&r.gateway_refund_no))
    };
    ctx.store
        .find(GW, |o| o.refunds.iter().any(matches))
        .and_then(|o| o.refunds.iter().position(matches).map(|i| Found::Refund(o.clone(), i)))
        .ok_or_else(|| refused("E19", "订单不存在"))
}

fn query(ctx: &Ctx, f: &RawFields) -> Reply {
    let found = scope(f).and_then(|s| {
        let found = find(ctx, f, ["misId", "orderId", "platformId"])?;
        // Orders not made on a device are only found by merchant number (4.3.3).
        if s == Scope::Device {
            return Err(refused("E19", "订单不存在: 非设备上交易查询, 只能通过商户号查询"));
        }
        Ok(found)
    });
    match found {
        Ok(Found::Payment(o)) => Reply::Data(payment_data(&o)),
        Ok(Found::Refund(o, i)) => Reply::Data(refund_data(&o, i, true)),
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
        "payTime": paid_unix(o),
        "platform": "wxpay",
        "buyerLogonId": extra(o, "openId"),
        "platformId": extra(o, "platformId"),
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
    let pay_time = o.created_unix + r.at.saturating_duration_since(o.created).as_secs();
    let business = o.extra.get(&format!("refundBusinessId:{}", r.refund_no)).cloned().unwrap_or_default();
    let mut data = json!({
        "amount": r.amount,
        "businessId": business,
        "misId": r.gateway_refund_no,
        "msn": "",
        "merchantNo": MERCHANT_NO,
        "orderId": r.refund_no,
        "orderType": 1,
        "payTime": pay_time,
        "platform": "wxpay",
        "buyerLogonId": extra(o, "openId"),
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

fn refund(ctx: &Ctx, f: &RawFields) -> Reply {
    match do_refund(ctx, f) {
        Ok(r) | Err(r) => r,
    }
}

fn do_refund(ctx: &Ctx, f: &RawFields) -> Result<Reply, Reply> {
    let s = scope(f)?;
    let amount = opt(f, "amount")
        .and_then(|t| Money::parse_fen(t, "amount").ok())
        .filter(|m| !m.is_zero())
        .ok_or_else(|| refused("E22", "退款金额有误: 金额最小单位为分, 最小传值为1"))?;
    let refund_no = opt(f, "orderId").ok_or_else(|| refused("E15", "订单号不能为空: orderId"))?;
    let business = opt(f, "businessId").ok_or_else(|| refused("Q03", "参数异常: businessId 不能为空"))?;
    too_long(f, "orderId", 80)?;
    too_long(f, "businessId", 80)?;
    let original = match find(ctx, f, ["oriMisId", "oriOrderId", "oriPlatformId"])? {
        Found::Payment(o) => o,
        Found::Refund(..) => return Err(refused("Q03", "参数异常: 原订单为退款订单")),
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
    if o.refunds.len() > before && o.notify_url.is_some() {
        let (ctx, o) = (ctx.clone(), o.clone());
        tokio::spawn(async move {
            let _ = post_callback(&ctx, &o, refund_callback(&o, i)).await;
        });
    }
    Ok(Reply::Data(refund_data(&o, i, false)))
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
        ("payTime", paid_unix(o).to_string()),
        ("platform", "wxpay".into()),
        ("buyerLogonId", extra(o, "openId").to_string()),
        ("platformId", extra(o, "platformId").to_string()),
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
    let business = o.extra.get(&format!("refundBusinessId:{}", r.refund_no)).cloned().unwrap_or_default();
    let mut f = RawFields::new();
    for (k, v) in [
        ("amount", r.amount.to_string()),
        ("businessId", business),
        ("buyerPayAmount", r.amount.to_string()),
        ("misId", r.gateway_refund_no.clone()),
        ("msn", String::new()),
        ("orderId", r.refund_no.clone()),
        ("orderType", "1".into()),
        ("payTime", (o.created_unix + r.at.saturating_duration_since(o.created).as_secs()).to_string()),
        ("platform", "wxpay".into()),
        ("buyerLogonId", extra(o, "openId").to_string()),
        ("platformId", refund_platform_id(&r.gateway_refund_no)),
        ("refunded", o.refunds[..=i].iter().map(|r| r.amount).sum::<u64>().to_string()),
        ("resultCode", "T00".into()),
        ("resultMsg", "Success".into()),
        ("state", "3".into()),
        ("origMisId", o.trade_no.clone()),
        ("origOrderId", o.order_no.clone()),
        ("origPlatformId", extra(o, "platformId").to_string()),
        ("origBusinessId", String::new()),
    ] {
        f.insert(k.into(), v);
    }
    f
}

/// Signs and posts callback `fields` to the order's notifyUrl; returns the merchant's answer.
/// Scenario 5001's callbacks carry a damaged signature.
async fn post_callback(ctx: &Ctx, o: &SimOrder, fields: RawFields) -> Result<Option<String>, String> {
    let Some(url) = o.notify_url.as_deref() else { return Ok(None) };
    let key = private_key().ok_or("the sandbox's private key does not parse")?;
    let mut signed = protocol::sign_callback(&fields, &key);
    if o.scenario == Scenario::BadSignature {
        if let Some(s) = signed.get_mut("sign") {
            // Base64 is ASCII: swapping the first character keeps it Base64 but breaks the sign.
            let flipped = if s.starts_with('A') { "B" } else { "A" };
            *s = format!("{flipped}{}", s.get(1..).unwrap_or_default());
        }
    }
    let form: Vec<(String, String)> = signed.into_iter().collect();
    tokio::time::timeout(Duration::from_secs(15), ctx.http.post_form(url, &form))
        .await
        .map_err(|_| format!("callback to {url} timed out"))?
        .map(Some)
        .map_err(|e| format!("callback to {url} failed: {e}"))
}

/// Posts the payment callback of a paid order (the payer paid a waiting prepay through
/// `/_sandbox/pay`); returns the merchant's answer (`success` stops Sunmi's retries).
pub async fn notify(ctx: &Ctx, order: &SimOrder) -> Result<Option<String>, String> {
    let o = ctx.store.get(GW, &order.order_no).unwrap_or_else(|| order.clone());
    if status(&o).0 != 3 && status(&o).0 != 4 {
        return Err(format!("order {} is not paid", o.order_no));
    }
    post_callback(ctx, &o, payment_callback(&o)).await
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
        if let Some(o) = ctx.store.get(GW, &order_no) {
            if status(&o).0 == 3 {
                let _ = post_callback(&ctx, &o, payment_callback(&o)).await;
            }
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
    fn beijing_dates() {
        assert_eq!(beijing(1_561_892_597), ("20190630".to_string(), "20190630190317".to_string()));
        assert_eq!(beijing(0).1, "19700101080000");
        assert_eq!(beijing(951_782_400).0, "20000229");
    }

    #[test]
    fn common_checks_in_the_faqs_order() {
        let mut f = RawFields::new();
        let code = |r: Result<(), Reply>| match r {
            Err(Reply::System(c, m)) => format!("{c} {m}"),
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
