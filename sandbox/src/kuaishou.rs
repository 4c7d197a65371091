//! Kuaishou simulator (seed 002), mounted under `/kuaishou/openGateway`: preOrder, order (QR and
//! JSAPI), refund, query, cancelTrade and flowRecharge over the real wire protocol. Requests are
//! checked (merchant, 3DES, the body sign; the query's and cancelTrade's own signed texts),
//! answers go out as JSON or XML by `_type`, 3DES-encrypted when the request was. Refunds show in
//! the order's `STATE` only (4/5), as on the platform. Barcode outcomes follow
//! [`crate::scenario`]; a payer still confirming gets `FAIL` at once (the platform holds the call
//! up to 80 s instead; a client that times out takes the same path: unknown, query), and a
//! barcode order still unpaid at 80 s is cancelled (`STATE` 2).

use std::time::{Duration, Instant};

use axum::http::{StatusCode, Uri};
use posgate_core::clock::{beijing, now_unix};
use posgate_core::kuaishou::{protocol, Credentials, TimestampUnit};
use posgate_core::{GatewayId, Money, RawFields, Secret};
use serde_json::{json, Map, Value};

use crate::reply::Reply;
use crate::scenario::{Outcome, Scenario};
use crate::sim::{Handled, Notification, Simulator};
use crate::store::{new_order, SimState, StoreError};
use crate::{Ctx, SimOrder};

/// The sandbox merchant's number and key.
pub const BUSI_CODE: &str = "0010000001";
pub const KEY: &str = "sandbox0kuaishou0key000000000001";
/// Where the simulator's payment service lives below the sandbox root.
pub const SERVICE_PATH: &str = "/kuaishou/openGateway/openService";

const GW: &str = "kuaishou";
/// The platform cancels a barcode order not paid within this (2.2).
const AUTO_CANCEL: Duration = Duration::from_secs(80);

/// Credentials of the sandbox merchant: 3DES on and millisecond timestamps (as the vendor's own
/// client sends), so every sandbox run exercises both.
pub fn test_credentials() -> Credentials {
    let mut c = Credentials::new(BUSI_CODE, Secret::new(KEY));
    c.encrypt = true;
    c.timestamp_unit = TimestampUnit::Millis;
    c
}

pub(crate) struct Kuaishou;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    PreOrder,
    Order,
    Refund,
    Query,
    Cancel,
    FlowRecharge,
}

/// A request once read and checked.
pub(crate) struct Request {
    fmt: Format,
    body: Map<String, Value>,
    query: RawFields,
    /// The path's code (query, cancelTrade).
    code: String,
}

/// How an answer goes out: the operation's root, JSON or XML, in clear or 3DES.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Format {
    root: &'static str,
    xml: bool,
    encrypt: bool,
}

/// An answer: its members, and how it goes on the wire.
pub(crate) struct Answer {
    members: Map<String, Value>,
    fmt: Format,
}

impl Simulator for Kuaishou {
    const GATEWAY: GatewayId = GatewayId::Kuaishou;
    const ROUTES: &'static [(&'static str, Op)] = &[
        ("/openGateway/openService/preOrder", Op::PreOrder),
        ("/openGateway/openService/order", Op::Order),
        ("/openGateway/openService/refund", Op::Refund),
        ("/openGateway/openService/query/{code}/{busi}", Op::Query),
        ("/openGateway/openService/cancelTrade/{code}/{busi}", Op::Cancel),
        ("/openGateway/platService/flowRecharge/{busi}", Op::FlowRecharge),
    ];
    type Op = Op;
    type Request = Request;
    type Answer = Answer;

    fn takes_get(op: Op) -> bool {
        matches!(op, Op::Query | Op::Cancel)
    }

    /// The query string, the path's segments (`_path`) and the raw body (`_body`).
    fn fields(uri: &Uri, body: &str) -> RawFields {
        let mut f: RawFields = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        f.insert("_path".into(), uri.path().to_string());
        f.insert("_body".into(), body.to_string());
        f
    }

    fn open(fields: RawFields) -> Result<Request, Answer> {
        open(fields)
    }

    fn handle(ctx: &Ctx, op: Op, req: Request) -> Handled<Answer> {
        match op {
            Op::PreOrder => return pre_order(ctx, &req),
            Op::Order => order(ctx, &req),
            Op::Refund => refund(ctx, &req),
            Op::Query => query(ctx, &req),
            Op::Cancel => cancel(ctx, &req),
            Op::FlowRecharge => flow_recharge(&req),
        }
        .into()
    }

    fn encode(a: Answer) -> Reply {
        let doc = if a.fmt.root.is_empty() { Value::Object(a.members) } else { json!({ a.fmt.root: a.members }) };
        let text = if a.fmt.xml { protocol::json_to_xml(&doc) } else { doc.to_string() };
        let body = if a.fmt.encrypt { protocol::encrypt(KEY, &text) } else { text };
        Reply::Answer { status: StatusCode::OK, content_type: "application/json;charset=UTF-8", body }
    }

    /// `PAY_NODIFY` to `NODIFY_URL` plus `sign`, as JSON or XML and in clear or 3DES as that
    /// URL's `_type` and `encrypt` ask (XML and clear by default); signed with the body rule over
    /// the plaintext (scenario 5001: with another key).
    fn notification(order: &SimOrder) -> Result<Notification, String> {
        if state_of(order, Instant::now()) != 1 {
            return Err(format!("order {} is not paid", order.order_no));
        }
        let url = url::Url::parse(order.notify_url.as_deref().unwrap_or_default()).map_err(|e| e.to_string())?;
        let param = |k: &str| url.query_pairs().find(|(n, _)| n.trim() == k).map(|(_, v)| v.trim().to_string());
        let fmt = Format {
            root: "PAY_NODIFY",
            xml: param("_type").is_none_or(|t| !t.eq_ignore_ascii_case("json")),
            encrypt: param("encrypt").is_some_and(|e| e.eq_ignore_ascii_case("3DES")),
        };
        let mut m = trade_members(order);
        m.insert("STATE".into(), json!(1));
        m.insert("PAY_SUBJECT".into(), json!(order.extra("subject")));
        let doc = json!({ "PAY_NODIFY": m });
        let text = if fmt.xml { protocol::json_to_xml(&doc) } else { doc.to_string() };
        let key = if order.scenario.signs_wrong() { "not the merchant key" } else { KEY };
        let sign = protocol::sign(&now_unix().to_string(), key, &text);
        let body = if fmt.encrypt { protocol::encrypt(KEY, &text) } else { text };
        Ok(Notification::Body {
            query: vec![("sign".into(), sign)],
            content_type: "application/json;charset=UTF-8",
            body,
        })
    }
}

fn refusal(fmt: Format, code: &str, info: &str) -> Answer {
    answer(fmt, code, info, Map::new())
}

fn answer(fmt: Format, code: &str, info: &str, mut members: Map<String, Value>) -> Answer {
    let result = if fmt.root.is_empty() { "result" } else { "RESULT" };
    members.insert(result.into(), json!({"CODE": code, "INFO": info}));
    Answer { members, fmt }
}

/// The answer root of the operation a path names.
fn root_of(op: Option<&&str>) -> &'static str {
    match op {
        Some(&"refund") => "REFUND_RESP",
        Some(&"query") => "QUERY_RESP",
        Some(&"cancelTrade") => "CANCELTRADE_RESP",
        Some(&"flowRecharge") => "",
        _ => "ORDER_RESP",
    }
}

/// The checks every call passes, in order: the merchant, the encryption, the body, the sign.
fn open(mut f: RawFields) -> Result<Request, Answer> {
    let path = f.remove("_path").unwrap_or_default();
    let raw = f.remove("_body").unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let op =
        segments.iter().position(|s| matches!(*s, "openService" | "platService")).and_then(|i| segments.get(i + 1));
    let root = root_of(op);
    let xml = !get("_type").eq_ignore_ascii_case("json");
    let encrypt = match get("encrypt").as_str() {
        "" => false,
        "3DES" => true,
        _ => return Err(refusal(Format { root, xml, encrypt: false }, "ILLEGAL_PARAMETER", "encrypt")),
    };
    let fmt = Format { root, xml, encrypt };
    // flowRecharge names the merchant in its path only.
    let busi = if segments.contains(&"platService") {
        segments.last().map(|s| s.to_string()).unwrap_or_default()
    } else {
        get("busiCode")
    };
    if busi != BUSI_CODE {
        return Err(refusal(fmt, "UNREGISTERED_BUSI", "未注册的商户"));
    }
    let code = segments.iter().rev().nth(1).map(|c| decode(c)).unwrap_or_default();
    let (body, signed) = if raw.trim().is_empty() {
        let signed = match op {
            Some(&"cancelTrade") => protocol::cancel_text(&code, BUSI_CODE),
            _ => code.clone(),
        };
        (Map::new(), signed)
    } else {
        let text = if encrypt {
            protocol::decrypt(KEY, &raw).map_err(|_| refusal(fmt, "ILLEGAL_PARAMETER", "3DES"))?
        } else {
            raw
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => (m, text),
            _ => return Err(refusal(fmt, "ILLEGAL_PARAMETER", "报文不是JSON")),
        }
    };
    if protocol::verify(&get("sign"), KEY, &signed).is_err() {
        return Err(refusal(fmt, "INVALID_SIGN", "签名错误"));
    }
    if body.get("BUSI_ID").and_then(Value::as_str).is_some_and(|b| b != BUSI_CODE) {
        return Err(refusal(fmt, "UNREGISTERED_BUSI", "未注册的商户"));
    }
    Ok(Request { fmt, body, query: f, code })
}

fn decode(segment: &str) -> String {
    form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn text(req: &Request, k: &str) -> Option<String> {
    match req.body.get(k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn yuan(req: &Request, k: &str) -> Result<u64, Answer> {
    let t = text(req, k).ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", k))?;
    match Money::parse_yuan(t.trim(), k) {
        Ok(m) if !m.is_zero() => Ok(m.fen()),
        _ => Err(refusal(req.fmt, "AMT_ERROR", "金额错误")),
    }
}

/// `STATE` of an order: 0 awaiting, 1 paid, 2 cancelled, 4/5 refunded, 6 closed (failed).
fn state_of(o: &SimOrder, now: Instant) -> i64 {
    match o.state(now) {
        SimState::Paying => 0,
        SimState::Paid => 1,
        SimState::Reversed | SimState::Closed => 2,
        SimState::PartiallyRefunded => 4,
        SimState::Refunded => 5,
        SimState::Failed => 6,
    }
}

/// The wallet of a payer's code: `CHANNEL_TYPE` 2 WeChat (10-15), else 1 Alipay.
fn channel_of(code: &str) -> &'static str {
    match code.get(..2).and_then(|p| p.parse::<u32>().ok()) {
        Some(10..=15) => "2",
        _ => "1",
    }
}

/// What answers about an order share, amounts in fen (`AMT`) and yuan (`FUND_BILL_LIST`).
fn trade_members(o: &SimOrder) -> Map<String, Value> {
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

fn new_sim_order(req: &Request, amount: u64, scenario: Scenario, channel: &str) -> Result<SimOrder, Answer> {
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

fn pre_order(ctx: &Ctx, req: &Request) -> Handled<Answer> {
    let run = || -> Result<Handled<Answer>, Answer> {
        let amount = yuan(req, "AMT")?;
        let code = text(req, "DYNAMIC_ID").ok_or_else(|| refusal(req.fmt, "ILLEGAL_PARAMETER", "DYNAMIC_ID"))?;
        let scenario = Scenario::from_code(&code);
        let channel = match text(req, "CHANNEL_TYPE").as_deref() {
            None | Some("0") => channel_of(&code).to_string(),
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

fn serial_repeat(fmt: Format) -> Answer {
    refusal(fmt, "SERIAL_REPEAT", "上行流水号与系统中重复")
}

fn order(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
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
        m.insert("BAR_CODE".into(), json!(format!("weixin://wxpay/bizpayurl?pr={}", order.trade_no)));
    }
    Ok(answer(req.fmt, "SUCCESS", "请求成功!", m))
}

/// The order a request names, after the platform's 80 s auto-cancel of unpaid barcode orders.
fn find(ctx: &Ctx, by_down_code: bool, code: &str) -> Option<SimOrder> {
    let o = if by_down_code { ctx.store.find(GW, |o| o.trade_no == code) } else { ctx.store.get(GW, code) }?;
    let now = Instant::now();
    if !o.preorder && o.state(now) == SimState::Paying && now.duration_since(o.created) >= AUTO_CANCEL {
        return ctx.store.cancel(GW, &o.order_no, SimState::Reversed).ok();
    }
    Some(o)
}

fn refund(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
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

fn query(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
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
fn cancel(ctx: &Ctx, req: &Request) -> Result<Answer, Answer> {
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
fn flow_recharge(req: &Request) -> Result<Answer, Answer> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, query: &[(&str, &str)], body: &str) -> RawFields {
        let q: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
        Kuaishou::fields(&format!("{path}?{q}").parse().unwrap(), body)
    }

    fn code_of(r: Result<Request, Answer>) -> String {
        match r {
            Ok(_) => "accepted".into(),
            Err(a) => a.members["RESULT"]["CODE"].as_str().unwrap_or_default().to_string(),
        }
    }

    #[test]
    fn requests_are_checked_in_order() {
        let path = "/openGateway/openService/preOrder";
        let body = r#"{"BUSI_ID":"0010000001","AMT":"1.00"}"#;
        let sign = protocol::sign("1", KEY, body);
        let ok = [("sign", sign.as_str()), ("_type", "json"), ("busiCode", BUSI_CODE)];
        assert_eq!(code_of(open(request(path, &ok, body))), "accepted");
        // 3DES both ways: the encrypted body opens, and the answer goes out encrypted.
        let enc = [("sign", sign.as_str()), ("_type", "json"), ("encrypt", "3DES"), ("busiCode", BUSI_CODE)];
        let req = open(request(path, &enc, &protocol::encrypt(KEY, body))).ok().unwrap();
        let Reply::Answer { body: out, .. } = Kuaishou::encode(answer(req.fmt, "SUCCESS", "ok", Map::new())) else {
            panic!("an answer")
        };
        assert!(protocol::decrypt(KEY, &out).unwrap().starts_with(r#"{"ORDER_RESP":"#));
        let other = [("sign", sign.as_str()), ("_type", "json"), ("busiCode", "0099")];
        assert_eq!(code_of(open(request(path, &other, body))), "UNREGISTERED_BUSI");
        let aes = [("sign", sign.as_str()), ("encrypt", "AES"), ("busiCode", BUSI_CODE)];
        assert_eq!(code_of(open(request(path, &aes, body))), "ILLEGAL_PARAMETER");
        assert_eq!(code_of(open(request(path, &ok, &body.replace("1.00", "2.00")))), "INVALID_SIGN");
        assert_eq!(code_of(open(request(path, &ok, "not json"))), "ILLEGAL_PARAMETER");
        // The GETs sign their own texts.
        let cancel = "/openGateway/openService/cancelTrade/C1/0010000001";
        let s = protocol::sign("1", KEY, &protocol::cancel_text("C1", BUSI_CODE));
        assert_eq!(code_of(open(request(cancel, &[("sign", &s), ("busiCode", BUSI_CODE)], ""))), "accepted");
        let s = protocol::sign("1", KEY, "C1");
        assert_eq!(code_of(open(request(cancel, &[("sign", &s), ("busiCode", BUSI_CODE)], ""))), "INVALID_SIGN");
        let query = "/openGateway/openService/query/C1/0010000001";
        assert_eq!(code_of(open(request(query, &[("sign", &s), ("busiCode", BUSI_CODE)], ""))), "accepted");
    }

    #[test]
    fn xml_unless_json_is_asked() {
        let fmt = Format { root: "QUERY_RESP", xml: true, encrypt: false };
        let Reply::Answer { body, .. } = Kuaishou::encode(answer(fmt, "CHARGE_NONEXISTENT", "无", Map::new())) else {
            panic!("an answer")
        };
        let doc = protocol::document(&body).unwrap();
        assert_eq!(protocol::member(&doc, "QUERY_RESP").unwrap()["RESULT"]["CODE"], "CHARGE_NONEXISTENT");
    }
}
