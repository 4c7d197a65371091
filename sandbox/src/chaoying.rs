//! Chaoying aggregated pay v2.5.3 simulator (seed 001), mounted under `/chaoying`.
//!
//! Speaks the real protocol: form POSTs signed with MD5 `&key=`, checked with the sandbox key
//! (a bad signature answers `20002 签名错误`), `agent_id` / `version` / `pid` required on every
//! call, and signed JSON answers. Barcode and face payments follow the scenario table keyed by the
//! last four digits of `auth_code` / `face_code`; pre-orders wait for `/_sandbox/pay/chaoying/<no>`,
//! which posts the signed result notification to their `notify_url`.
//!
//! Sandbox extension: an orderquery answer about a refunded order also carries
//! `refund_fee_summary` (refundquery's name for the refunded total), so full and partial
//! refunds can be told apart.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use posgate_core::chaoying::{protocol, Credentials, PayType, ALIPAY_ORDER_NO, ORDER_NO, REFUND_NO};
use posgate_core::clock::{beijing, now_unix};
use posgate_core::{crypto, GatewayId, RawFields, Secret};
use serde_json::{json, Map, Value};

use crate::fixtures::fixture;
use crate::reply::Reply;
use crate::scenario::{Outcome, Scenario};
use crate::sim::{digits, field, Handled, Notification, Simulator};
use crate::store::{new_order, SimOrder, SimState, StoreError};
use crate::Ctx;

/// The sandbox merchant.
pub const MCH_ID: &str = "10000001";
pub const PID: &str = "posgate";
pub const AGENT_ID: &str = "130000000000000000";
pub const VERSION: &str = "1.0";
/// The sandbox signing key (a test value, published on purpose).
pub const KEY: &str = "CY5ANDB0XKEY0123456789ABCDEF0001";
/// The texted code GetMchId accepts.
pub const SMS_CODE: &str = "1234";
/// The user name and password GetMchId accepts.
pub const USERNAME: &str = "sandbox";
pub const PASSWORD: &str = "12345678";
/// What Mch_Reg hands out.
pub const REGISTERED_MCH_ID: &str = "10000002";

/// Signs every answer about a scenario-5001 order.
const WRONG_KEY: &str = "NOT-THE-SANDBOX-KEY";
const GW: &str = "chaoying";
/// The seed: only orders of the last 5 minutes can be cancelled.
const CANCEL_WINDOW: Duration = Duration::from_secs(300);

const WX_APPID: &str = "wx2b029c08a6232582";
const WX_SUB_APPID: &str = "wxce38685bc050ef82";
const WX_MCH_ID: &str = "1264300000";
const WX_SUB_MCH_ID: &str = "1266500000";

pub fn test_credentials() -> Credentials {
    Credentials {
        mch_id: MCH_ID.into(),
        pid: PID.into(),
        key: Secret::new(KEY),
        agent_id: Some(AGENT_ID.into()),
        version: VERSION.into(),
    }
}

pub(crate) struct Chaoying;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    /// `/UnifiedPay/Gateway`: most operations, named by the `method` field.
    Gateway,
    MchReg,
    SmsValid,
    GetMchId,
    PartnerId,
    MchInfo,
    Code2Session,
    WechatPreorder,
    AlipayPreorder,
}

impl Simulator for Chaoying {
    const GATEWAY: GatewayId = GatewayId::Chaoying;
    const ROUTES: &'static [(&'static str, Op)] = &[
        ("/UnifiedPay/Gateway", Op::Gateway),
        ("/UnifiedPay/Mch_Reg", Op::MchReg),
        ("/Mch/GetMchSMSValid", Op::SmsValid),
        ("/Mch/GetMchId", Op::GetMchId),
        ("/Open/GetPartnerId", Op::PartnerId),
        ("/Open/GetMchInfo", Op::MchInfo),
        ("/Open/WXA_Code2Session", Op::Code2Session),
        ("/Open/WECHAT_PreOrder", Op::WechatPreorder),
        ("/Open/ALIPAY_PreOrder", Op::AlipayPreorder),
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
            Op::Gateway => return gateway(ctx, f),
            Op::MchReg => mch_reg(f),
            Op::SmsValid => sms_valid(f),
            Op::GetMchId => get_mch_id(f),
            Op::PartnerId => partner_id(f),
            Op::MchInfo => mch_info(f),
            Op::Code2Session => code2session(f),
            Op::WechatPreorder => wechat_preorder(ctx, f),
            Op::AlipayPreorder => alipay_preorder(ctx, f),
        }
        .into()
    }

    fn encode(answer: Answer) -> Reply {
        answer.encode()
    }

    /// The signed pre-order result notification, a form post (the merchant's `success` stops
    /// the real gateway's retries).
    fn notification(order: &SimOrder) -> Result<Notification, String> {
        Ok(Notification::Form(protocol::signed_form(&notification_fields(order), key_for(order))))
    }
}

// ---------------------------------------------------------------------------------------------
// Answers

pub(crate) struct Answer {
    fields: Map<String, Value>,
    wrong_sign: bool,
}

impl Answer {
    fn new(state: &str, code: &str, msg: impl Into<String>) -> Answer {
        Answer { fields: Map::new(), wrong_sign: false }.with("state", state).with("code", code).with("msg", msg)
    }

    /// A successful trade answer: state, code and trade_state all say success.
    fn success() -> Answer {
        Answer::new("SUCCESS", "10000", "SUCCESS").with("trade_state", "SUCCESS")
    }

    fn fail(code: &str, msg: impl Into<String>) -> Answer {
        Answer::new("FAIL", code, msg)
    }

    fn missing(field: &str) -> Answer {
        Answer::fail("20004", format!("参数错误: 缺少 {field}"))
    }

    fn with(mut self, k: &str, v: impl Into<String>) -> Answer {
        let v = v.into();
        if !v.is_empty() {
            self.fields.insert(k.to_string(), Value::String(v));
        }
        self
    }

    fn number(mut self, k: &str, n: u64) -> Answer {
        self.fields.insert(k.to_string(), Value::from(n));
        self
    }

    /// The canned fields of the sandbox merchant's answer to `operation` (the fixture): nested
    /// JSON as its text, as the gateway sends it.
    fn canned(self, operation: &str) -> Answer {
        static MERCHANT: LazyLock<Map<String, Value>> = LazyLock::new(|| fixture!("chaoying/merchant.json"));
        let fields = MERCHANT.get(operation).and_then(Value::as_object).cloned().unwrap_or_default();
        fields.into_iter().fold(self, |a, (k, v)| match v {
            Value::String(text) => a.with(&k, text),
            Value::Number(n) => a.number(&k, n.as_u64().unwrap_or_default()),
            nested => a.with(&k, nested.to_string()),
        })
    }

    /// Answers about a 5001 order carry a wrong signature.
    fn about(mut self, order: &SimOrder) -> Answer {
        self.wrong_sign |= order.scenario.signs_wrong();
        self
    }

    fn encode(self) -> Reply {
        // Signed over the text of each value, as the client reads it.
        let signed: RawFields = self
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect();
        let key = if self.wrong_sign { WRONG_KEY } else { KEY };
        let mut fields = self.fields;
        fields.insert("sign".into(), Value::String(protocol::sign(&signed, key)));
        Reply::json(Value::Object(fields).to_string())
    }
}

/// An operation's answer: a refusal is an answer too, signed alike.
type Answered = Result<Answer, Answer>;

/// Signature first, then the parameters every call carries.
fn check_common(f: &RawFields) -> Result<(), Answer> {
    if protocol::verify(f, KEY).is_err() {
        return Err(Answer::fail("20002", "签名错误"));
    }
    for k in ["agent_id", "version", "pid"] {
        required(f, k)?;
    }
    if f.get("agent_id").map(String::as_str) != Some(AGENT_ID) {
        return Err(Answer::fail("20012", "代理商错误"));
    }
    Ok(())
}

fn required<'a>(f: &'a RawFields, k: &str) -> Result<&'a str, Answer> {
    field(f, k).ok_or_else(|| Answer::missing(k))
}

fn merchant(f: &RawFields) -> Result<(), Answer> {
    if required(f, "mch_id")? != MCH_ID {
        return Err(Answer::fail("20005", "商户错误: 商户不存在"));
    }
    Ok(())
}

fn fen(f: &RawFields, k: &str) -> Result<u64, Answer> {
    let t = required(f, k)?;
    match t.parse::<u64>() {
        Ok(n) if n > 0 && t.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(Answer::fail("20004", format!("参数错误: {k} 须为正整数, 单位为分"))),
    }
}

fn paytype(f: &RawFields) -> Result<&str, Answer> {
    let p = required(f, "paytype")?;
    match serde_json::from_value::<PayType>(Value::String(p.to_string())) {
        Ok(_) => Ok(p),
        Err(_) => Err(Answer::fail("20004", format!("参数错误: 不支持的支付方式 {p}"))),
    }
}

fn number_rule(rule: posgate_core::ids::NumberRule, f: &RawFields, k: &str) -> Result<(), Answer> {
    let v = required(f, k)?;
    rule.check(k, v).map_err(|e| Answer::fail("20004", format!("参数错误: {e}")))
}

fn nonce() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 16)
}

fn key_for(order: &SimOrder) -> &'static str {
    if order.scenario.signs_wrong() {
        WRONG_KEY
    } else {
        KEY
    }
}

fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// `yyyyMMddHHmmss` in Beijing time, as the seed's times are.
fn beijing_time(unix: u64) -> String {
    beijing(unix).compact()
}

// ---------------------------------------------------------------------------------------------
// Payments

fn gateway(ctx: &Ctx, f: &RawFields) -> Handled<Answer> {
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
        (code, PayType::from_auth_code(code).unwrap_or(PayType::Wechat).as_str().to_string())
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

// ---------------------------------------------------------------------------------------------
// Pre-orders

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

fn wechat_preorder(ctx: &Ctx, f: &RawFields) -> Answered {
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

fn alipay_preorder(ctx: &Ctx, f: &RawFields) -> Answered {
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
fn notification_fields(o: &SimOrder) -> RawFields {
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

// ---------------------------------------------------------------------------------------------
// Merchant operations

fn mch_reg(f: &RawFields) -> Answered {
    const COMMON: &[&str] = &["agent_id", "version", "pid", "sign", "nonce_str"];
    if !f.iter().any(|(k, v)| !COMMON.contains(&k.as_str()) && !v.is_empty()) {
        return Err(Answer::fail("20004", "参数错误: 缺少进件资料"));
    }
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", REGISTERED_MCH_ID).with("nonce_str", nonce()))
}

fn valid_mobile(m: &str) -> bool {
    m.len() == 11 && m.starts_with('1') && m.bytes().all(|b| b.is_ascii_digit())
}

fn sms_valid(f: &RawFields) -> Answered {
    if !valid_mobile(required(f, "mobile")?) {
        return Err(Answer::fail("20004", "参数错误: 手机号格式不正确"));
    }
    // Here `code` is how many minutes the texted code stays valid.
    Ok(Answer::new("SUCCESS", "20", "短信验证码已发送"))
}

fn get_mch_id(f: &RawFields) -> Answered {
    match (field(f, "mobile"), field(f, "username")) {
        (Some(m), _) => {
            if !valid_mobile(m) || field(f, "valid") != Some(SMS_CODE) {
                return Err(Answer::fail("20004", "参数错误: 手机号或验证码错误"));
            }
        }
        (None, Some(u)) => {
            if u != USERNAME || field(f, "password") != Some(PASSWORD) {
                return Err(Answer::fail("20004", "参数错误: 用户名或密码错误"));
            }
        }
        (None, None) => return Err(Answer::missing("mobile+valid 或 username+password")),
    }
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", MCH_ID).canned("GetMchId"))
}

fn partner_id(f: &RawFields) -> Answered {
    merchant(f)?;
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", MCH_ID).canned("GetPartnerId"))
}

fn mch_info(f: &RawFields) -> Answered {
    merchant(f)?;
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", MCH_ID).canned("GetMchInfo"))
}

fn code2session(f: &RawFields) -> Answered {
    required(f, "appid")?;
    let code = required(f, "js_code")?;
    let openid = format!("oSANDBOX{}", crypto::md5_hex(code.as_bytes()).get(..20).unwrap_or_default());
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("openid", openid).canned("WXA_Code2Session"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_of_fen() {
        assert_eq!(yuan(1), "0.01");
        assert_eq!(yuan(15800), "158.00");
    }

    #[test]
    fn canned_merchant_answers() {
        let a = Answer::new("SUCCESS", "10000", "SUCCESS").canned("GetMchId");
        assert_eq!(a.fields["mch_state"], "20");
        assert_eq!(a.fields["mch_short_name"], "沙箱商户");
        let list = Answer::new("SUCCESS", "10000", "SUCCESS").canned("GetPartnerId").fields["partner_list"].clone();
        let list: Vec<Value> = serde_json::from_str(list.as_str().unwrap()).unwrap();
        assert_eq!(list[0]["partner_id"], "257012345");
        // Numbers stay numbers.
        let session = Answer::new("SUCCESS", "10000", "SUCCESS").canned("WXA_Code2Session");
        assert_eq!(session.fields["expires_in"], 7200);
        assert!(session.fields["session_key"].as_str().is_some_and(|k| k.ends_with("==")));
    }

    #[test]
    fn every_route_is_under_the_store_name() {
        assert_eq!(Chaoying::GATEWAY.as_str(), GW);
    }

    #[test]
    fn answers_are_signed_over_their_text() {
        let a = Answer::success().with("empty", "").number("expires_in", 7200);
        let mut f: RawFields = a
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect();
        assert!(!f.contains_key("empty"));
        f.insert("sign".into(), protocol::sign(&f, KEY));
        assert!(protocol::verify(&f, KEY).is_ok());
        assert!(protocol::verify(&f, WRONG_KEY).is_err());
    }

    #[test]
    fn common_checks() {
        let mut f: RawFields = [("agent_id", AGENT_ID), ("version", VERSION), ("pid", PID), ("mch_id", MCH_ID)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        f.insert("sign".into(), protocol::sign(&f, KEY));
        assert!(check_common(&f).is_ok());
        let mut bad = f.clone();
        bad.insert("mch_id".into(), "1".into());
        assert_eq!(check_common(&bad).unwrap_err().fields["code"], "20002");
        let mut no_pid = f.clone();
        no_pid.remove("pid");
        no_pid.insert("sign".into(), protocol::sign(&no_pid, KEY));
        assert_eq!(check_common(&no_pid).unwrap_err().fields["code"], "20004");
    }
}
