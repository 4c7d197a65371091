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

use std::time::Duration;

use posgate_core::chaoying::{protocol, Credentials, PayType};
use posgate_core::clock::beijing;
use posgate_core::{GatewayId, RawFields, Secret};
use serde_json::{Map, Value};

use crate::reply::Reply;
use crate::sim::{field, Handled, Notification, Simulator};
use crate::store::SimOrder;
use crate::Ctx;

mod merchant;
mod preorders;
mod trades;

use merchant::{code2session, get_mch_id, mch_info, mch_reg, partner_id, sms_valid};
use preorders::{alipay_preorder, notification_fields, wechat_preorder};
use trades::gateway;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_of_fen() {
        assert_eq!(yuan(1), "0.01");
        assert_eq!(yuan(15800), "158.00");
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
