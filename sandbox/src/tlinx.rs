//! TLinx simulator (seed 004), mounted under `/tlinx`: the `/mct1/*` operations over the real
//! wire protocol. Requests are form posts of open_id, timestamp, data, sign; the simulator checks
//! the store, the signature and the 600 s window, decrypts `data`, keeps order state in the
//! shared store and answers with AES `data` and a sign. Refunds are orders of their own (ord_type
//! 2) named by `refund_out_no`, as on the platform. Barcode outcomes follow [`crate::scenario`].

use std::sync::LazyLock;
use std::time::Instant;

use axum::http::StatusCode;
use posgate_core::clock::{beijing, now_unix};
use posgate_core::crypto::{md5_upper_hex, sha1_hex};
use posgate_core::tlinx::protocol;
use posgate_core::tlinx::Credentials;
use posgate_core::{GatewayId, RawFields, Secret};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::fixtures::fixture;
use crate::reply::Reply;
use crate::scenario::{Outcome, Scenario};
use crate::sim::{Handled, Notification, Simulator};
use crate::store::{new_order, SimRefund, SimState, StoreError, Trade};
use crate::{Ctx, SimOrder};

/// The sandbox store's open_id.
pub const OPEN_ID: &str = "tlx0sandbox0store0000000000000001";
/// The sandbox store's open_key (32 ASCII characters: the AES-256 key).
pub const OPEN_KEY: &str = "5b1c7e0a9d3f4c2e8a6b0d1f3e5c7a9b";
/// The supervisor password (the platform's documented default).
pub const SHOP_PASS: &str = "123456";

const GW: &str = "tlinx";
const MCT_ID: &str = "174141";
const SHOP_ID: &str = "583";

/// Credentials of the sandbox store.
pub fn test_credentials() -> Credentials {
    let mut c = Credentials::new(OPEN_ID, Secret::new(OPEN_KEY));
    c.shop_pass = Some(Secret::new(SHOP_PASS));
    c
}

pub(crate) struct Tlinx;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    Paylist,
    Order,
    OrderView,
    Payorder,
    Paystatus,
    Paycancel,
    Payrefund,
}

impl Simulator for Tlinx {
    const GATEWAY: GatewayId = GatewayId::Tlinx;
    const ROUTES: &'static [(&'static str, Op)] = &[
        ("/mct1/paylist", Op::Paylist),
        ("/mct1/order", Op::Order),
        ("/mct1/order/view", Op::OrderView),
        ("/mct1/payorder", Op::Payorder),
        ("/mct1/paystatus", Op::Paystatus),
        ("/mct1/paycancel", Op::Paycancel),
        ("/mct1/payrefund", Op::Payrefund),
    ];
    type Op = Op;
    /// The decrypted `data`: a JSON object.
    type Request = Value;
    type Answer = Answer;

    fn open(fields: RawFields) -> Result<Value, Answer> {
        open(&fields)
    }

    fn handle(ctx: &Ctx, op: Op, req: Value) -> Handled<Answer> {
        let req = &req;
        match op {
            Op::Paylist => paylist(req),
            Op::Order => order_list(ctx, req),
            Op::OrderView => lookup(ctx, req, false),
            Op::Paystatus => lookup(ctx, req, true),
            Op::Payorder => return payorder(ctx, req),
            Op::Paycancel => paycancel(ctx, req),
            Op::Payrefund => payrefund(ctx, req),
        }
        .into()
    }

    /// `errcode`, `msg` and `timestamp`; a payload goes AES-encrypted in `data`, with a `sign`.
    fn encode(answer: Answer) -> Reply {
        let now = now_unix();
        let text = match answer {
            Answer::Error { code, msg } => protocol::build_answer(OPEN_KEY, code, &msg, None, now),
            Answer::Data { payload, bad_sign } => {
                let signed = protocol::build_answer(OPEN_KEY, 0, "ok", Some(&payload.to_string()), now);
                if bad_sign {
                    signed.map(|a| spoil_sign(&a))
                } else {
                    signed
                }
            }
        };
        match text {
            Ok(body) => Reply::Answer { status: StatusCode::OK, content_type: "application/json;charset=utf-8", body },
            Err(e) => Reply::text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }

    /// The 4.8.1 notification of a settled order: ord_no, timestamp, rand_str, out_no, status
    /// and sign, in the query string of a GET (the merchant answers `notify_success`).
    fn notification(order: &SimOrder) -> Result<Notification, String> {
        let status = match status_of(order, Instant::now()) {
            1 => "1",
            4 => "4",
            other => return Err(format!("order {} is not settled (status {other})", order.order_no)),
        };
        let mut fields = RawFields::new();
        fields.insert("ord_no".into(), order.extra("ord_no").to_string());
        fields.insert("out_no".into(), order.order_no.clone());
        fields.insert("status".into(), status.into());
        fields.insert("timestamp".into(), now_unix().to_string());
        fields.insert("rand_str".into(), format!("{:032x}", rand::random::<u128>()));
        let sign = protocol::sign(&fields, OPEN_KEY);
        fields.insert("sign".into(), sign);
        Ok(Notification::Query(fields.into_iter().collect()))
    }
}

/// What an operation answers.
pub(crate) enum Answer {
    /// errcode 0 with this payload; `bad_sign`: signed wrong (scenario 5001).
    Data {
        payload: Value,
        bad_sign: bool,
    },
    Error {
        code: i64,
        msg: String,
    },
}

fn err(code: i64, msg: &str) -> Answer {
    Answer::Error { code, msg: msg.to_string() }
}

fn data(payload: Value, bad_sign: bool) -> Answer {
    Answer::Data { payload, bad_sign }
}

/// The request's checks, in the platform's order: open_id present (8), the store (3002), the
/// signature (5), the clock (9), then data that decrypts to JSON (8044: "data加密有问题").
fn open(fields: &RawFields) -> Result<Value, Answer> {
    match fields.get("open_id").map(String::as_str) {
        None | Some("") => return Err(err(8, "token不能为空")),
        Some(OPEN_ID) => {}
        Some(_) => return Err(err(3002, "门店不存在")),
    }
    if protocol::verify_sign(fields, OPEN_KEY).is_err() {
        return Err(err(5, "验证签名错误"));
    }
    let ts = fields.get("timestamp").map(String::as_str).unwrap_or("");
    if protocol::check_timestamp(ts, now_unix()).is_err() {
        return Err(err(9, "timestamp error"));
    }
    let text = protocol::decrypt(OPEN_KEY, fields.get("data").map(String::as_str).unwrap_or(""))
        .map_err(|_| err(8044, "out_no不能为空"))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(err(8044, "out_no不能为空")),
    }
}

/// A signed answer whose sign no longer matches (scenario 5001).
fn spoil_sign(answer: &str) -> String {
    let mut v: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert("sign".into(), Value::String(posgate_core::crypto::md5_hex(b"not the right sign")));
    }
    v.to_string()
}

/// A request field as text, whether sent as a string or a number.
fn text(req: &Value, name: &str) -> Option<String> {
    match req.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A request amount in fen, sent as a number or a digit string.
fn fen(req: &Value, name: &str) -> Option<Result<u64, ()>> {
    let t = text(req, name)?;
    Some(t.parse::<u64>().map_err(|_| ()))
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time, as the platform shows times.
fn datetime(unix: u64) -> String {
    beijing(unix).to_string()
}

/// The platform's order status: 1 paid (refunds never change it), 2 waiting for the payer of a
/// pre-order, 9 waiting for the barcode payer's password, 4 cancelled or failed.
fn status_of(o: &SimOrder, now: Instant) -> i64 {
    match o.state(now) {
        SimState::Paying if o.preorder => 2,
        SimState::Paying => 9,
        SimState::Paid | SimState::Refunded | SimState::PartiallyRefunded => 1,
        SimState::Failed | SimState::Closed | SimState::Reversed => 4,
    }
}

fn order_json(o: &SimOrder, now: Instant) -> Value {
    let status = status_of(o, now);
    let paid = status == 1;
    let add_time = datetime(o.created_unix);
    let trade_result = match status {
        1 => json!({"result_code": "SUCCESS", "trade_state": "SUCCESS", "transaction_id": o.trade_no}),
        4 => json!({"result_code": "FAIL", "trade_state": "CLOSED"}),
        _ => json!({"result_code": "SUCCESS", "trade_state": "USERPAYING"}),
    };
    json!({
        "pmt_tag": o.extra("pmt_tag"),
        "pmt_name": o.extra("pmt_name"),
        "ord_mct_id": MCT_ID,
        "ord_shop_id": SHOP_ID,
        "ord_no": o.extra("ord_no"),
        "out_no": o.order_no,
        "ord_type": "1",
        "ord_name": o.extra("ord_name"),
        "add_time": add_time,
        "trade_account": if paid { "o***sandbox" } else { "" },
        "trade_amount": o.amount.to_string(),
        "trade_time": add_time,
        "trade_no": o.trade_no,
        "trade_qrcode": o.extra.get("trade_qrcode"),
        "trade_pay_time": if paid { Some(add_time.clone()) } else { None },
        "remark": o.extra("remark"),
        "status": status.to_string(),
        "original_amount": o.extra("original_amount"),
        "discount_amount": o.extra("discount_amount"),
        "ignore_amount": o.extra("ignore_amount"),
        "trade_discout_amount": "0",
        "original_ord_no": null,
        "currency": "CNY",
        "currency_sign": "¥",
        "tml_no": "1",
        "trade_result": trade_result.to_string(),
    })
}

fn refund_json(o: &SimOrder, r: &SimRefund) -> Value {
    let at = o.unix_at(r.at);
    json!({
        "pmt_tag": o.extra("pmt_tag"),
        "pmt_name": o.extra("pmt_name"),
        "ord_mct_id": MCT_ID,
        "ord_shop_id": SHOP_ID,
        "ord_no": r.gateway_refund_no,
        "out_no": r.refund_no,
        "ord_type": "2",
        "ord_name": o.extra("ord_name"),
        "add_time": datetime(at),
        "trade_amount": r.amount.to_string(),
        "trade_time": datetime(at),
        "trade_no": o.trade_no,
        "trade_pay_time": datetime(at),
        "remark": "",
        "status": "1",
        "original_amount": r.amount.to_string(),
        "discount_amount": "0",
        "ignore_amount": "0",
        "trade_discout_amount": "0",
        "original_ord_no": o.extra("ord_no"),
        "currency": "CNY",
        "currency_sign": "¥",
        "trade_result": json!({"result_code": "SUCCESS", "refund_fee": r.amount}).to_string(),
    })
}

fn bad_sign(o: &SimOrder) -> bool {
    o.scenario.signs_wrong()
}

// ---------------------------------------------------------------------------------------------

/// The store's payment methods (the fixture), as paylist lists them.
#[derive(Deserialize)]
struct PaymentMethods {
    methods: Vec<Value>,
}

fn paylist(req: &Value) -> Answer {
    static STORE: LazyLock<PaymentMethods> = LazyLock::new(|| fixture!("tlinx/payment_methods.json"));
    let Some(wanted) = text(req, "pmt_type") else { return err(8004, "付款方式不能为空") };
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    let serves = |m: &Value| m["pmt_type"].as_str().unwrap_or_default().split(',').any(|t| wanted.contains(&t));
    data(STORE.methods.iter().filter(|m| serves(m)).cloned().collect(), false)
}

fn order_list(ctx: &Ctx, req: &Value) -> Answer {
    let now = Instant::now();
    let page = text(req, "page").and_then(|p| p.parse::<usize>().ok()).filter(|p| *p > 0).unwrap_or(1);
    let pagesize = text(req, "pagesize").and_then(|p| p.parse::<usize>().ok()).unwrap_or(10).clamp(1, 100);
    let mut rows: Vec<(u64, Value, bool)> = Vec::new();
    for o in ctx.store.list(GW) {
        rows.push((o.created_unix, order_json(&o, now), bad_sign(&o)));
        for r in &o.refunds {
            rows.push((o.created_unix, refund_json(&o, r), bad_sign(&o)));
        }
    }
    let field = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).unwrap_or("").to_string();
    let keep = |v: &Value| {
        ["out_no", "trade_no", "ord_no", "pmt_tag", "ord_type", "status"]
            .iter()
            .all(|name| text(req, name).is_none_or(|want| field(v, name) == want))
            && text(req, "sdate").is_none_or(|s| field(v, "add_time") >= s)
            && text(req, "edate").is_none_or(|e| {
                let e = if e.len() == 10 { format!("{e} 23:59:59") } else { e };
                field(v, "add_time") <= e
            })
    };
    rows.retain(|(_, v, _)| keep(v));
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| field(&b.1, "ord_no").cmp(&field(&a.1, "ord_no"))));
    let total = rows.len();
    let shown: Vec<_> = rows.into_iter().skip((page - 1) * pagesize).take(pagesize).collect();
    let spoiled = shown.iter().any(|(_, _, bad)| *bad);
    let list: Vec<Value> = shown.into_iter().map(|(_, v, _)| v).collect();
    data(
        json!({
            "pages": {"totalnum": total.to_string(), "totalpage": total.div_ceil(pagesize), "pagesize": pagesize, "page": page},
            "list": list,
        }),
        spoiled,
    )
}

/// The order (or refund) an `ord_no` / `out_no` names.
fn find(ctx: &Ctx, req: &Value) -> Result<Trade, Answer> {
    let ord_no = text(req, "ord_no");
    let out_no = text(req, "out_no");
    if ord_no.is_none() && out_no.is_none() {
        return Err(err(8001, "订单号不能为空"));
    }
    let named = |number: &str, by_out_no: &str| {
        out_no.as_deref().is_none_or(|n| by_out_no == n) && ord_no.as_deref().is_none_or(|n| number == n)
    };
    ctx.store
        .find_trade(GW, |o| named(o.extra("ord_no"), &o.order_no), |r| named(&r.gateway_refund_no, &r.refund_no))
        .ok_or_else(|| err(8002, "订单不存在"))
}

/// order/view and paystatus: the same facts; paystatus gives the status as a number, as in
/// the seed's example.
fn lookup(ctx: &Ctx, req: &Value, numeric_status: bool) -> Answer {
    let now = Instant::now();
    let (mut v, bad) = match find(ctx, req) {
        Ok(Trade::Payment(o)) => (order_json(&o, now), bad_sign(&o)),
        Ok(Trade::Refund(o, i)) => (refund_json(&o, &o.refunds[i]), bad_sign(&o)),
        Err(reply) => return reply,
    };
    if numeric_status {
        let status = v["status"].as_str().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        v["status"] = status.into();
    }
    data(v, bad)
}

fn payorder(ctx: &Ctx, req: &Value) -> Handled<Answer> {
    start_payorder(ctx, req).unwrap_or_else(Handled::Answer)
}

fn start_payorder(ctx: &Ctx, req: &Value) -> Result<Handled<Answer>, Answer> {
    let Some(out_no) = text(req, "out_no") else { return Err(err(8044, "out_no不能为空")) };
    if out_no.len() > 64 || !out_no.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(err(8044, "out_no只允许使用数字、字母"));
    }
    let Some(pmt_tag) = text(req, "pmt_tag") else { return Err(err(8004, "付款方式不能为空")) };
    let pmt_name = match pmt_tag.as_str() {
        "Weixin" => "微信支付".to_string(),
        "Alipay" => "支付宝".to_string(),
        "Diy" => match text(req, "pmt_name") {
            Some(n) => n,
            None => return Err(err(8004, "付款方式不能为空")),
        },
        _ => return Err(err(8007, "付款方式未开通")),
    };
    let amount = |name| fen(req, name).unwrap_or(Ok(0));
    let (Ok(original), Ok(discount), Ok(ignore), Ok(trade)) =
        (amount("original_amount"), amount("discount_amount"), amount("ignore_amount"), amount("trade_amount"))
    else {
        return Err(err(8006, "收款金额有误"));
    };
    if trade == 0 || original.checked_sub(discount).and_then(|v| v.checked_sub(ignore)) != Some(trade) {
        return Err(err(8006, "收款金额有误"));
    }
    let auth_code = text(req, "auth_code");
    // A code no wallet of TLinx's issues: the channel refuses it, nothing is ordered (8011 with
    // the channel's reason, seed 4.4 "如条码格式不对").
    if auth_code.as_deref().is_some_and(|c| posgate_core::tlinx::check_auth_code(c).is_err()) {
        return Err(err(8011, "支付失败，条码格式不对(AUTH_CODE_ERROR)"));
    }
    let scenario = auth_code.as_deref().map(Scenario::from_code).unwrap_or(Scenario::PaidAtOnce);
    let mut order = new_order(GW, &out_no, trade, scenario);
    let ord_no = format!("9{}{:014}", order.created_unix, rand::random::<u64>() % 100_000_000_000_000);
    order.channel = pmt_tag.clone();
    order.preorder = auth_code.is_none();
    order.notify_url = text(req, "notify_url");
    for (k, v) in [
        ("ord_no", Some(ord_no.clone())),
        ("pmt_tag", Some(pmt_tag.clone())),
        ("pmt_name", Some(pmt_name)),
        ("ord_name", text(req, "ord_name")),
        ("remark", text(req, "remark")),
        ("tag", text(req, "tag")),
        ("original_amount", Some(original.to_string())),
        ("discount_amount", Some(discount.to_string())),
        ("ignore_amount", Some(ignore.to_string())),
    ] {
        if let Some(v) = v {
            order.extra.insert(k.into(), v);
        }
    }
    let jsapi = text(req, "JSAPI").is_some_and(|v| v == "1");
    let jump_url = text(req, "jump_url");
    let mut answer_extra = serde_json::Map::new();
    if auth_code.is_none() {
        if jsapi {
            let appid = match (pmt_tag.as_str(), text(req, "sub_appid"), text(req, "sub_openid"), text(req, "buyer_id"))
            {
                ("Weixin", Some(appid), Some(_), _) => appid,
                ("Alipay", _, _, Some(_)) => String::new(),
                _ => return Err(err(8011, "支付失败，JSAPI参数不完整(sub_appid/sub_openid/buyer_id)")),
            };
            if pmt_tag == "Weixin" {
                let ts = order.created_unix.to_string();
                let nonce = format!("{:032x}", rand::random::<u128>());
                let package = format!("prepay_id=wx{ord_no}");
                let pay_sign = md5_upper_hex(format!("{appid}{ts}{nonce}{package}").as_bytes());
                for (k, v) in [
                    ("appId", appid),
                    ("timeStamp", ts),
                    ("nonceStr", nonce),
                    ("signType", "MD5".into()),
                    ("package", package),
                    ("paySign", pay_sign),
                ] {
                    answer_extra.insert(k.into(), v.into());
                }
            }
        } else if jump_url.is_some() {
            answer_extra.insert("jsapi_pay_url".into(), format!("https://sandbox.tlinx.invalid/pay/{ord_no}").into());
        } else {
            let qr = if pmt_tag == "Alipay" {
                format!("https://qr.alipay.com/sbx{ord_no}")
            } else {
                format!("weixin://wxpay/bizpayurl?pr=sbx{ord_no}")
            };
            order.extra.insert("trade_qrcode".into(), qr);
        }
    }
    let order = match ctx.store.create(order) {
        Ok((o, true)) => o,
        Ok((_, false)) | Err(StoreError::DuplicateOrder) => return Err(err(8045, "out_no已经存在，请勿重复发起支付")),
        Err(_) => return Err(err(8008, "创建订单失败")),
    };
    match order.scenario.outcome() {
        Outcome::Declined => return Err(err(8011, "支付失败，余额不足(NOTENOUGH)")),
        Outcome::InvalidCode => return Err(err(8011, "支付失败，付款码无效或已过期(AUTH_CODE_INVALID)")),
        Outcome::SystemError => return Err(err(-1, "系统繁忙，请稍后查询订单状态")),
        Outcome::NoAnswer => return Ok(Handled::NoAnswer),
        // Where the order stands: paid, paying, or waiting for the payer of a pre-order.
        Outcome::Paid | Outcome::Paying => {}
    }
    let mut v = order_json(&order, Instant::now());
    v["ord_currency"] = "CNY".into();
    for (k, val) in answer_extra {
        v[k] = val;
    }
    if v["jsapi_pay_url"].is_null() {
        v["jsapi_pay_url"] = "".into();
    }
    Ok(data(v, bad_sign(&order)).into())
}

fn paycancel(ctx: &Ctx, req: &Value) -> Answer {
    let o = match find(ctx, req) {
        Ok(Trade::Payment(o)) => o,
        Ok(Trade::Refund(..)) => return err(8012, "当前订单不能取消，如果已经付款，请使用退款功能"),
        Err(reply) => return reply,
    };
    if o.preorder {
        return err(8013, "订单取消失败,错误原因：订单的支付场景不支持该请求");
    }
    if matches!(status_of(&o, Instant::now()), 1 | 4) {
        return err(8012, "当前订单不能取消，如果已经付款，请使用退款功能");
    }
    match ctx.store.cancel(GW, &o.order_no, SimState::Closed) {
        Ok(o) => data(json!({"ord_no": o.extra("ord_no"), "ord_status": 4}), bad_sign(&o)),
        Err(_) => err(8012, "当前订单不能取消，如果已经付款，请使用退款功能"),
    }
}

fn payrefund(ctx: &Ctx, req: &Value) -> Answer {
    if text(req, "out_no").is_none() && text(req, "ord_no").is_none() {
        return err(8014, "原始付款单号不能为空");
    }
    let o = match find(ctx, req) {
        Ok(Trade::Payment(o)) => o,
        _ => return err(8018, "原始订单不存在"),
    };
    let Some(refund_no) = text(req, "refund_out_no") else { return err(8001, "订单号不能为空") };
    let amount = match fen(req, "refund_amount") {
        Some(Ok(a)) if a > 0 => a,
        _ => return err(8015, "退款金额不能为空"),
    };
    let Some(pass) = text(req, "shop_pass") else { return err(8016, "主管密码不能为空") };
    if !posgate_core::crypto::sign_eq(&pass, &sha1_hex(SHOP_PASS.as_bytes())) {
        return err(8017, "主管密码错误");
    }
    if ctx.store.find(GW, |x| x.refunds.iter().any(|r| r.refund_no == refund_no)).is_some() {
        return err(8020, "退款单号已经存在，请勿重复提交");
    }
    match ctx.store.refund(GW, &o.order_no, &refund_no, amount) {
        Ok((o, r)) => data(
            json!({
                "ord_no": r.gateway_refund_no,
                "ord_shop_id": SHOP_ID,
                "ord_mct_id": MCT_ID,
                "trade_amount": r.amount.to_string(),
                "trade_discout_amount": "0",
                "ord_currency": "CNY",
                "currency_sign": "¥",
                "trade_time": datetime(now_unix()),
                "original_ord_no": o.extra("ord_no"),
                "status": "1",
            }),
            bad_sign(&o),
        ),
        Err(StoreError::NotFound) => err(8018, "原始订单不存在"),
        Err(StoreError::DuplicateRefund) => err(8020, "退款单号已经存在，请勿重复提交"),
        Err(StoreError::RefundNotAllowed(why)) if why.contains("exceeds") => {
            if o.refunds.is_empty() {
                err(8022, "退款金额大于支付金额")
            } else {
                err(8021, "退款金额大于支付金额，当前订单有其它退款记录")
            }
        }
        Err(_) => err(8019, "当前订单不允许退款，状态异常"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paylist_filters_the_fixture_by_order_type() {
        let tags = |pmt_type: &str| match paylist(&json!({ "pmt_type": pmt_type })) {
            Answer::Data { payload, .. } => {
                payload.as_array().unwrap().iter().map(|m| m["pmt_tag"].to_string()).collect()
            }
            Answer::Error { code, .. } => vec![code.to_string()],
        };
        assert_eq!(tags("2,3"), ["\"Weixin\"", "\"Alipay\""]);
        assert_eq!(tags("0"), ["\"Cash\""]);
        assert_eq!(tags("9"), Vec::<String>::new());
        assert_eq!(tags(""), ["8004"]);
    }

    #[test]
    fn every_route_is_under_the_store_name() {
        assert_eq!(Tlinx::GATEWAY.as_str(), GW);
    }

    #[test]
    fn credentials_fit_the_protocol() {
        let c = test_credentials();
        assert_eq!(c.open_key.expose().len(), 32);
        assert!(protocol::encrypt(c.open_key.expose(), "{}").is_ok());
        assert!(c.shop_pass.is_some());
    }
}
