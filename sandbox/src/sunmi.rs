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
//! swipeQuery (the fixture `fixtures/sunmi/swipe_trades.json`: seven dated today, and the seed's
//! own example on 2019-06-30).
//!
//! Sandbox extension: a query answer about a refund also carries `origOrderId` / `origMisId`
//! (the callback's names), so a client can check which order a refund number belongs to.

use std::time::Instant;

use posgate_core::clock::{beijing, now_unix};
use posgate_core::sunmi::{protocol, Credentials};
use posgate_core::{GatewayId, RawFields, Secret};
use serde_json::{json, Value};

use crate::reply::Reply;
use crate::scenario::Scenario;
use crate::sim::{field, Handled, Notification, Simulator};
use crate::store::{SimOrder, SimState};
use crate::Ctx;

mod bind;
mod callbacks;
mod orders;
mod prepay;
mod swipe;

use bind::pay_bind;
pub use bind::Bindings;
use callbacks::{payment_callback, signed_callback};
use orders::{query, refund};
use prepay::prepay;
pub use swipe::swipe_held;
use swipe::swipe_query;

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

/// Sunmi's platform number of a refund, from the store's refund number.
fn refund_platform_id(gateway_refund_no: &str) -> String {
    format!("5000{}", crate::sim::digits(gateway_refund_no))
}

/// The merchant's `businessId` of a refund, kept with the order.
fn refund_business_id(o: &crate::store::SimOrder, r: &crate::store::SimRefund) -> String {
    o.extra(&format!("refundBusinessId:{}", r.refund_no)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use posgate_core::sunmi::{PrivateKey, PublicKey};

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
