//! The Chaoying protocol on the generic client: form POST signed with MD5 `&key=`, answers
//! verified and read by each operation's [`Read`]; the operations' declarations listed once;
//! and the [`Gateway`] impl mapping the common vocabulary onto them.
//!
//! Typed methods answer `Ok` with the typed answer for an answer about an order (read its
//! `status`: paying, unknown and final states alike) and `Err(GatewayRejected)` for a refusal;
//! `Err` otherwise means input refused before sending, no answer, or one that cannot be trusted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use super::protocol;
use super::types::*;
use super::Credentials;
use crate::client::{Protocol, Sends};
use crate::config::{Config, PollSchedule};
use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification};
use crate::ids::require;
use crate::money::Money;
use crate::operation::Operation;
use crate::trade::{
    GatewayId, PayRequest, RawFields, RefundRequest, RefundResult, RefundState, TradeResult, TradeState,
};
use crate::transport::Transport;

/// How many order numbers' wallets are remembered for query, refund and cancel.
const PAYTYPE_MEMORY: usize = 4096;

/// The wallet of orders this client started: Chaoying's query, refund and cancel need `paytype`
/// while the common operations only carry the order number.
#[derive(Default)]
struct PayTypes {
    map: HashMap<String, PayType>,
    order: VecDeque<String>,
}

/// The Chaoying protocol: the merchant's credentials and the wallets of orders sent.
pub struct Chaoying {
    creds: Credentials,
    paytypes: Mutex<PayTypes>,
}

/// The Chaoying client.
pub type Client = crate::client::Client<Chaoying>;

/// Chaoying's operations, each declared once by its request type (see [`crate::operation::operations!`]):
/// `chaoying_operations!(then(args))` expands to `then! { args calls { .. } charges { .. } }`.
/// The cashier's operations are always there; merchant onboarding (`mch_reg`, its SMS check and
/// lookups: done once per merchant from a back office, not at the counter) comes with the
/// feature `back-office`, like MMSP's back-office sub-APIs. Their types exist either way.
#[macro_export]
#[doc(hidden)]
macro_rules! __chaoying_operations_with {
    ($then:ident ( $($args:tt)* ) calls { $($calls:tt)* }) => { $then! { $($args)*
      calls {
        $crate::chaoying::FaceAuthRequest => get_face_auth,
        $crate::chaoying::OrderQueryRequest => order_query,
        $crate::chaoying::TradeRefundRequest => trade_refund,
        $crate::chaoying::RefundQueryRequest => trade_refund_query,
        $crate::chaoying::CancelRequest => trade_cancel,
        $crate::chaoying::WechatPreOrderRequest => wechat_pre_order,
        $crate::chaoying::AlipayPreOrderRequest => alipay_pre_order,
        $crate::chaoying::Code2SessionRequest => wxa_code2session,
        $($calls)*
      }
      charges {
        $crate::chaoying::BarcodePayRequest => barcode_pay,
        $crate::chaoying::FacePayRequest => face_pay,
      }
    } };
}

/// Chaoying's operation list with merchant onboarding (feature `back-office`).
#[cfg(feature = "back-office")]
#[macro_export]
#[doc(hidden)]
macro_rules! chaoying_operations {
    ($then:ident ( $($args:tt)* )) => { $crate::__chaoying_operations_with! { $then ( $($args)* )
      calls {
        $crate::chaoying::MchRegRequest => mch_reg,
        $crate::chaoying::MchSmsValidRequest => get_mch_sms_valid,
        $crate::chaoying::GetMchIdRequest => get_mch_id,
        $crate::chaoying::GetPartnerIdRequest => get_partner_id,
        $crate::chaoying::GetMchInfoRequest => get_mch_info,
      }
    } };
}

/// Chaoying's operation list without merchant onboarding.
#[cfg(not(feature = "back-office"))]
#[macro_export]
#[doc(hidden)]
macro_rules! chaoying_operations {
    ($then:ident ( $($args:tt)* )) => { $crate::__chaoying_operations_with! { $then ( $($args)* ) calls {} } };
}

use crate::operation::operations;
chaoying_operations!(operations(Client;));

impl Protocol for Chaoying {
    const GATEWAY: GatewayId = GatewayId::Chaoying;
    type Credentials = Credentials;

    fn new(config: &Config<Credentials>) -> Result<Chaoying> {
        let creds = config.credentials.clone();
        if creds.key.is_empty() {
            return Err(Error::config("chaoying: the signing key is empty"));
        }
        for (name, value) in [("mch_id", &creds.mch_id), ("pid", &creds.pid), ("version", &creds.version)] {
            if value.trim().is_empty() {
                return Err(Error::config(format!("chaoying: credentials {name} is empty")));
            }
        }
        Ok(Chaoying { creds, paytypes: Mutex::new(PayTypes::default()) })
    }
}

impl<O: Call> Sends<O> for Chaoying {
    async fn send(&self, http: &Transport, base_url: &str, req: &O) -> Result<O::Answer> {
        if let Some((order_no, paytype)) = req.wallet() {
            self.remember(order_no, paytype);
        }
        let mut fields = req.fields(&self.creds);
        if let Some(agent) = self.creds.agent_id.as_deref().filter(|a| !a.is_empty()) {
            fields.insert("agent_id".into(), agent.into());
        }
        fields.insert("version".into(), self.creds.version.clone());
        fields.insert("pid".into(), self.creds.pid.clone());
        if let Some(method) = O::ENDPOINT.method() {
            fields.insert("method".into(), method.into());
        }
        let url = format!("{base_url}{}", O::ENDPOINT.path());
        let form = protocol::signed_form(&fields, self.creds.key.expose());
        let body = http.post_form(&url, &form).await?;
        let answer = protocol::parse_answer(&body)?;
        self.check_signature(&answer, O::SIGNED_SUCCESS)?;
        let typed: O::Answer = decode(&answer)?;
        let s = typed.status();
        log_answer(O::INFO.name, s);
        if O::READ.refuses(s) {
            return Err(s.rejection());
        }
        Ok(typed)
    }
}

impl Chaoying {
    fn check_signature(&self, answer: &RawFields, signed_success: bool) -> Result<()> {
        let claims = || {
            let get = |k: &str| answer.get(k).map(String::as_str).unwrap_or("");
            format!("the answer claims state={} code={} msg={}", get("state"), get("code"), get("msg"))
        };
        let signed = answer.get("sign").is_some_and(|s| !s.is_empty());
        if !signed {
            // Unsigned refusals are taken as they come; a success must prove where it came from.
            if signed_success && answer.get("state").map(String::as_str) == Some("SUCCESS") {
                return Err(Error::signature(format!("chaoying: answer is not signed ({})", claims())));
            }
            return Ok(());
        }
        protocol::verify(answer, self.creds.key.expose()).map_err(|e| {
            Error::signature(format!("chaoying: answer {e} ({}; check the key if this persists)", claims()))
        })
    }

    fn remember(&self, order_no: &str, paytype: PayType) {
        let Ok(mut m) = self.paytypes.lock() else { return };
        if m.map.insert(order_no.to_string(), paytype).is_none() {
            m.order.push_back(order_no.to_string());
            while m.order.len() > PAYTYPE_MEMORY {
                if let Some(old) = m.order.pop_front() {
                    m.map.remove(&old);
                }
            }
        }
    }

    fn remembered(&self, order_no: &str) -> Option<PayType> {
        self.paytypes.lock().ok().and_then(|m| m.map.get(order_no).copied())
    }
}

impl Client {
    /// The wallet of an order this client did not start (after a restart, recovery queries,
    /// reverses and refunds orders from the journal): ask each wallet until one knows the order.
    /// Guessing WeChat for an Alipay order would read "no such order" and could settle a paid
    /// order as failed: a wallet that gives no usable answer fails the call (its outcome is the
    /// probe's: unknown after a timeout), and WeChat is taken only when every wallet said it has
    /// no such order.
    async fn wallet_of(&self, order_no: &str) -> Result<PayType> {
        if let Some(p) = self.protocol.remembered(order_no) {
            return Ok(p);
        }
        for p in PayType::ALL {
            let req = OrderQueryRequest { paytype: p, out_trade_no: Some(order_no.to_string()), transaction_id: None };
            match self.order_query(&req).await {
                Ok(_) => {
                    self.protocol.remember(order_no, p);
                    return Ok(p);
                }
                Err(e) if self.is_order_not_found(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(PayType::Wechat)
    }

    // --- helpers of the Gateway impl

    /// The order's amount due, for a refund given without it.
    async fn order_amount(&self, order_no: &str) -> Result<Money> {
        let r = self.query(order_no).await?;
        match r.amount {
            Some(a) if r.state.is_paid_like() => Ok(a),
            _ => Err(Error::invalid(
                "total_amount",
                format!("required: the order's amount could not be looked up (order is {})", r.state),
            )),
        }
    }
}

/// An answer about another order than the one asked about cannot be used.
fn check_echo(echo: &Option<String>, order_no: &str) -> Result<()> {
    match echo {
        Some(e) if e != order_no => Err(Error::Network {
            message: format!("chaoying: answer is about order {e}, not {order_no}"),
            outcome_unknown: true,
        }),
        _ => Ok(()),
    }
}

/// The orderquery answer to "refund" says some money went back. The seed's answer has no refund
/// amounts; when one comes (`refund_fee_summary`, as in refundquery) it tells full from partial.
fn refund_state(r: &TradeResponse) -> TradeState {
    let refunded = r.extra.get("refund_fee_summary").and_then(|t| Money::parse_fen(t, "refund_fee_summary").ok());
    match (refunded, r.base_fee.or(r.total_fee)) {
        (Some(refunded), Some(total)) if refunded >= total => TradeState::Refunded,
        _ => TradeState::PartiallyRefunded,
    }
}

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Chaoying
    }

    fn merchant(&self) -> String {
        self.config.credentials.mch_id.clone()
    }

    /// WeChat's rules apply upstream (SPEC-NOTES "Polling"): query every 3 to 10 s up to 45 s,
    /// never reverse sooner than 15 s after the pay call. At the fastest they allow, every 3 s
    /// from 3 s, a payer is found 1.5 s after confirming on average, not 2.5 s as at every 5 s
    /// (BENCHMARKS.md "Detection delay").
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: Duration::from_secs(3),
            interval: Duration::from_secs(3),
            deadline: Duration::from_secs(45),
            earliest_reverse: Duration::from_secs(15),
        })
    }

    fn validate_pay(&self, req: &PayRequest) -> Result<()> {
        ORDER_NO.check("order_no", &req.order_no)?;
        crate::rules::amount(GatewayId::Chaoying, "amount", req.amount)?;
        crate::rules::payment_code("auth_code", &req.auth_code, &PayType::CODE_WALLETS)?;
        require("subject", &req.subject)
    }

    fn numbers(&self) -> crate::gateway::Numbers {
        crate::gateway::Numbers { order: ORDER_NO, refund: REFUND_NO }
    }

    async fn pay(&self, req: &PayRequest) -> Result<TradeResult> {
        self.validate_pay(req)?;
        let typed = BarcodePayRequest {
            out_trade_no: req.order_no.clone(),
            total_fee: req.amount,
            auth_code: req.auth_code.as_str().into(),
            body: req.subject.clone(),
            device_info: req.terminal_id.clone(),
            op_shop_id: req.store_id.clone(),
            op_device_id: req.terminal_id.clone(),
            ..Default::default()
        };
        let r = self.barcode_pay(&typed).await?;
        check_echo(&r.out_trade_no, &req.order_no)?;
        typed.settlement(&r).ok_or_else(|| Error::internal("chaoying: a charge without a settlement"))
    }

    async fn query(&self, order_no: &str) -> Result<TradeResult> {
        ORDER_NO.check("order_no", order_no)?;
        let paytype = self.wallet_of(order_no).await?;
        let req = OrderQueryRequest { paytype, out_trade_no: Some(order_no.to_string()), transaction_id: None };
        let r = self.order_query(&req).await?;
        check_echo(&r.out_trade_no, order_no)?;
        match r.status.query_verdict() {
            Verdict::Rejected => Err(r.status.rejection()),
            Verdict::State(TradeState::Refunded) => Ok(r.result_in(order_no, refund_state(&r), paytype)),
            Verdict::State(state) => Ok(r.result_in(order_no, state, paytype)),
        }
    }

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        self.validate_refund(req)?;
        let total = match req.total_amount {
            Some(t) => t,
            None => self.order_amount(&req.order_no).await?,
        };
        if req.refund_amount > total {
            return Err(Error::invalid("refund_amount", format!("exceeds the order amount {total}")));
        }
        let typed = TradeRefundRequest {
            paytype: self.wallet_of(&req.order_no).await?,
            out_trade_no: Some(req.order_no.clone()),
            transaction_id: None,
            out_refund_no: req.refund_no.clone(),
            total_fee: total,
            refund_fee: req.refund_amount,
            op_user_id: None,
        };
        let r = self.trade_refund(&typed).await?;
        check_echo(&r.out_trade_no, &req.order_no)?;
        let state = r.status.refund_verdict().ok_or_else(|| r.status.rejection())?;
        Ok(RefundResult {
            order_no: req.order_no.clone(),
            refund_no: req.refund_no.clone(),
            state,
            amount: r.refund_fee.or(r.base_refund_fee),
            gateway_refund_no: r.refund_id.clone(),
            gateway_code: Some(r.status.code.as_str().to_string()),
            message: r.status.msg.clone(),
        })
    }

    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        ORDER_NO.check("order_no", order_no)?;
        REFUND_NO.check("refund_no", refund_no)?;
        let req = RefundQueryRequest {
            paytype: self.wallet_of(order_no).await?,
            out_refund_no: Some(refund_no.to_string()),
            refund_id: None,
        };
        let r = self.trade_refund_query(&req).await?;
        let mut result = RefundResult {
            order_no: order_no.to_string(),
            refund_no: refund_no.to_string(),
            state: RefundState::Unknown,
            amount: None,
            gateway_refund_no: None,
            gateway_code: Some(r.status.code.as_str().to_string()),
            message: r.status.msg.clone(),
        };
        if !r.status.is_success() {
            result.state = r.status.refund_query_verdict().ok_or_else(|| r.status.rejection())?;
            return Ok(result);
        }
        if let Some(other) = r.out_trade_no.as_deref().filter(|o| *o != order_no) {
            return Err(Error::invalid("refund_no", format!("belongs to order {other}, not {order_no}")));
        }
        match r.refunds().iter().find(|i| i.out_refund_no.as_deref() == Some(refund_no)) {
            Some(item) => {
                result.state = item.refund_status.refund_state();
                result.amount = item.refund_fee.or(item.base_refund_fee);
                result.gateway_refund_no = item.refund_id.clone();
            }
            None => result.message = Some("the refund is not in the answer's refund_list".into()),
        }
        Ok(result)
    }

    async fn cancel(&self, order_no: &str) -> Result<TradeResult> {
        ORDER_NO.check("order_no", order_no)?;
        let paytype = self.wallet_of(order_no).await?;
        let req = CancelRequest { paytype, out_trade_no: order_no.to_string(), op_user_id: None };
        let r = self.trade_cancel(&req).await?;
        match r.status.cancel_verdict() {
            Verdict::Rejected => Err(r.status.rejection()),
            Verdict::State(state) => {
                let mut t = TradeResult::new(order_no, state);
                t.channel = Some(paytype.as_str().to_string());
                t.gateway_code = Some(r.status.code.as_str().to_string());
                t.message = r.status.msg.clone();
                Ok(t)
            }
        }
    }

    fn qr_rules(&self) -> Option<crate::qr::QrRules> {
        Some(super::qr::QR_RULES)
    }

    fn validate_qr(&self, req: &crate::qr::QrPaymentRequest) -> Result<()> {
        self.validate_qr_order(req)
    }

    async fn qr_order(&self, req: &crate::qr::QrPaymentRequest, expiry: Duration) -> Result<String> {
        self.qr_pre_order(req, expiry).await
    }

    fn is_order_not_found(&self, err: &Error) -> bool {
        matches!(err, Error::GatewayRejected { code, .. } if code == "20007")
    }

    /// Also checks the notification is for this merchant: an agent's key may sign for several.
    fn verify_notification(&self, fields: &RawFields) -> Result<Notification> {
        let creds = self.credentials();
        let n = protocol::verify_notification(fields, &creds.key)?;
        match fields.get("mch_id") {
            Some(m) if !m.is_empty() && *m != creds.mch_id => {
                Err(Error::invalid("mch_id", format!("notification is for merchant {m}, not {}", creds.mch_id)))
            }
            _ => Ok(n),
        }
    }
}

/// Out of line: a log call inside a generic function is compiled once per operation.
#[inline(never)]
fn log_answer(op: &str, s: &Status) {
    tracing::debug!(target: "posgate::chaoying", op, state = %s.state, code = %s.code, "answer");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Operations;
    type GatewayConfig = Config<Credentials>;
    use crate::secret::Secret;

    fn client() -> Client {
        let creds = Credentials::new("00000001", "yunpos", Secret::new("k"));
        let mut cfg = GatewayConfig::new("http://127.0.0.1:9", creds);
        cfg.allow_http = true;
        Client::new(cfg).unwrap()
    }

    #[test]
    fn schedule_is_chaoyings_unless_overridden() {
        let s = client().schedule();
        assert_eq!(s.first_query_after, Duration::from_secs(3));
        assert_eq!(s.interval, Duration::from_secs(3));
        assert_eq!(s.deadline, Duration::from_secs(45));
        assert_eq!(s.earliest_reverse, Duration::from_secs(15));
    }

    #[test]
    fn every_operation_is_listed() {
        let names: Vec<_> = crate::gateway::Operations::operations(&client()).iter().map(|o| o.name).collect();
        assert_eq!(names.len(), 15);
        for n in [
            BarcodePayRequest::INFO.name,
            FacePayRequest::INFO.name,
            FaceAuthRequest::INFO.name,
            OrderQueryRequest::INFO.name,
            TradeRefundRequest::INFO.name,
            RefundQueryRequest::INFO.name,
            CancelRequest::INFO.name,
            WechatPreOrderRequest::INFO.name,
            AlipayPreOrderRequest::INFO.name,
            MchRegRequest::INFO.name,
            MchSmsValidRequest::INFO.name,
            GetMchIdRequest::INFO.name,
            GetPartnerIdRequest::INFO.name,
            GetMchInfoRequest::INFO.name,
            Code2SessionRequest::INFO.name,
        ] {
            assert!(names.contains(&n), "{n}");
        }
    }

    #[test]
    fn paytype_memory_is_bounded() {
        let c = client();
        c.protocol.remember("PG0000001", PayType::Alipay);
        assert_eq!(c.protocol.remembered("PG0000001"), Some(PayType::Alipay));
        assert_eq!(c.protocol.remembered("PG0000002"), None, "unknown orders are looked up, not guessed");
        for i in 0..PAYTYPE_MEMORY {
            c.protocol.remember(&format!("X{i:08}"), PayType::Qq);
        }
        assert_eq!(c.protocol.remembered("PG0000001"), None);
        assert_eq!(c.protocol.paytypes.lock().unwrap().map.len(), PAYTYPE_MEMORY);
    }

    #[test]
    fn unsigned_success_is_refused_unsigned_refusal_is_read() {
        let c = client();
        let mut a = RawFields::new();
        a.insert("state".into(), "SUCCESS".into());
        a.insert("code".into(), "10000".into());
        assert!(matches!(c.protocol.check_signature(&a, true), Err(Error::SignatureInvalid { .. })));
        assert!(c.protocol.check_signature(&a, false).is_ok());
        a.insert("state".into(), "FAIL".into());
        assert!(c.protocol.check_signature(&a, true).is_ok());
        a.insert("sign".into(), protocol::sign(&a, "k"));
        assert!(c.protocol.check_signature(&a, true).is_ok());
        a.insert("msg".into(), "tampered".into());
        assert!(matches!(c.protocol.check_signature(&a, true), Err(Error::SignatureInvalid { .. })));
    }

    #[test]
    fn notifications_for_another_merchant_are_refused() {
        let c = client();
        let mut f: RawFields =
            [("out_trade_no", "PG0000001"), ("state", "SUCCESS"), ("result_code", "SUCCESS"), ("pay_result", "0")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        f.insert("mch_id".into(), "00000001".into());
        f.insert("sign".into(), protocol::sign(&f, "k"));
        assert_eq!(c.verify_notification(&f).unwrap().state, TradeState::Paid);
        f.insert("mch_id".into(), "00000002".into());
        f.insert("sign".into(), protocol::sign(&f, "k"));
        assert!(matches!(c.verify_notification(&f), Err(Error::InvalidInput { field, .. }) if field == "mch_id"));
    }

    #[test]
    fn wrong_credentials_are_a_configuration_error() {
        let creds = Credentials::new("00000001", "yunpos", Secret::new(""));
        let cfg = GatewayConfig::new("http://127.0.0.1:9", creds);
        assert!(matches!(Client::new(cfg), Err(Error::Configuration { .. })));
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_sending() {
        let c = client();
        let req = PayRequest {
            order_no: "PG 1".into(),
            amount: Money::from_fen(1, "a").unwrap(),
            auth_code: "134567890123450000".into(),
            subject: "x".into(),
            terminal_id: None,
            store_id: None,
        };
        assert!(matches!(c.pay(&req).await, Err(Error::InvalidInput { field, .. }) if field == "order_no"));
        assert!(matches!(c.query("x").await, Err(Error::InvalidInput { field, .. }) if field == "order_no"));
        let e = c.invoke("barcode_pay", serde_json::json!({"out_trade_no": "PG0001"})).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "barcode_pay.params"));
        assert!(matches!(c.invoke("nope", serde_json::json!({})).await, Err(Error::Unsupported { .. })));
    }
}
