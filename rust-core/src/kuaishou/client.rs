//! The Kuaishou protocol on the generic client: JSON bodies signed in the query string, 3DES when
//! configured, answers read from JSON or XML by each operation's [`Call`]; the operations listed
//! once; and the [`Gateway`] impl mapping the common vocabulary onto them.
//!
//! Typed methods answer `Ok` with the typed answer when `RESULT.CODE` is success (or, for
//! cancelTrade, `AREADY_REVOKED`) and `Err(GatewayRejected)` with the code otherwise; whether a
//! refusal is definite is [`ResultCode::is_definite`].

use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;

use super::protocol;
use super::types::*;
use super::Credentials;
use crate::client::{Protocol, Sends};
use crate::config::{Config, Environment, PollSchedule};
use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification};
use crate::ids::require;
use crate::operation::Operation;
use crate::trade::*;
use crate::transport::Transport;

/// The server holds a barcode call up to 80 s while the payer confirms; the call waits 90 s in
/// production (digest §3.4, decision 1). A shorter wait is safe (a timed-out call is queried).
pub const PRE_ORDER_TIMEOUT: Duration = Duration::from_secs(90);

/// posgate's code (not the gateway's) for "the order shows no refund": a refund whose outcome
/// was unknown never arrived. Kuaishou has no refund lookup (see [`Gateway::refund_query`]).
pub const REFUND_NONEXISTENT: &str = "REFUND_NONEXISTENT";

/// The Kuaishou protocol: the merchant's credentials and how long a barcode call may take.
pub struct Kuaishou {
    creds: Credentials,
    pay_timeout: Option<Duration>,
}

/// The Kuaishou client.
pub type Client = crate::client::Client<Kuaishou>;

/// Kuaishou's operations, each declared once by its request type (see [`crate::operation::operations!`]):
/// `kuaishou_operations!(then(args))` expands to `then! { args calls { .. } charges { .. } }`.
#[macro_export]
#[doc(hidden)]
macro_rules! kuaishou_operations {
    ($then:ident ( $($args:tt)* )) => { $then! { $($args)*
      calls {
        $crate::kuaishou::QrOrderRequest => order,
        $crate::kuaishou::JsapiOrderRequest => jsapi_order,
        $crate::kuaishou::TradeRefundRequest => trade_refund,
        $crate::kuaishou::TradeQueryRequest => trade_query,
        $crate::kuaishou::CancelTradeRequest => cancel_trade,
        $crate::kuaishou::FlowRechargeRequest => flow_recharge,
      }
      charges {
        $crate::kuaishou::BarcodePreOrderRequest => barcode_pre_order,
      }
    } };
}

use crate::operation::operations;
kuaishou_operations!(operations(Client;));

impl Protocol for Kuaishou {
    const GATEWAY: GatewayId = GatewayId::Kuaishou;
    type Credentials = Credentials;

    fn new(config: &Config<Credentials>) -> Result<Kuaishou> {
        let creds = config.credentials.clone();
        if creds.key.is_empty() {
            return Err(Error::config("kuaishou: the merchant key is empty"));
        }
        if creds.busi_code.is_empty() || !creds.busi_code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::config("kuaishou: busi_code must be the merchant number (letters and digits)"));
        }
        for (name, v) in [("oper_id", &creds.oper_id), ("dev_id", &creds.dev_id)] {
            if v.trim().is_empty() {
                return Err(Error::config(format!("kuaishou: credentials {name} is empty")));
            }
        }
        let pay_timeout = match config.environment {
            Environment::Production => Some(config.request_timeout.max(PRE_ORDER_TIMEOUT)),
            Environment::Test => None,
        };
        Ok(Kuaishou { creds, pay_timeout })
    }
}

/// The flowRecharge service next to the payment service: `.../openGateway/platService`.
fn plat_service(base_url: &str) -> Result<String> {
    base_url
        .trim_end_matches('/')
        .strip_suffix("/openService")
        .map(|prefix| format!("{prefix}/platService"))
        .ok_or_else(|| Error::config("kuaishou: flowRecharge needs a base URL ending in /openGateway/openService"))
}

fn url_of(base: &str, segments: &[String]) -> Result<String> {
    let mut url = url::Url::parse(base).map_err(|e| Error::config(format!("kuaishou: base URL {base}: {e}")))?;
    url.path_segments_mut()
        .map_err(|_| Error::config(format!("kuaishou: base URL {base} cannot take a path")))?
        .pop_if_empty()
        .extend(segments);
    Ok(url.to_string())
}

impl<O: Call> Sends<O> for Kuaishou {
    async fn send(&self, http: &Transport, base_url: &str, req: &O) -> Result<O::Answer> {
        let creds = &self.creds;
        let key = creds.key.expose();
        let base = match O::SERVICE {
            Service::Open => base_url.to_string(),
            Service::Plat => plat_service(base_url)?,
        };
        let url = url_of(&base, &req.path(creds))?;
        let body = req.body(creds).map(|m| Value::Object(m).to_string());
        let ts = creds.timestamp();
        // A POST signs its body as sent (before encryption); a GET its declared text.
        let sign = protocol::sign(&ts, key, body.as_deref().unwrap_or(&req.signed_text(creds)));
        // flowRecharge's service shows no encryption (9.1).
        let encrypt = creds.encrypt && O::SERVICE == Service::Open;
        let mut query = vec![("sign".to_string(), sign), ("_type".to_string(), "json".to_string())];
        if encrypt {
            query.push(("encrypt".into(), "3DES".into()));
        }
        query.push(("busiCode".into(), creds.busi_code.clone()));
        query.extend(req.query(creds));
        let text = match body {
            Some(b) => {
                let payload = if encrypt { protocol::encrypt(key, &b) } else { b };
                let timeout = if O::INFO.effect == crate::operation::Effect::Charge { self.pay_timeout } else { None };
                http.post_text(&url, &query, "application/json;charset=UTF-8", payload, timeout).await?
            }
            None => http.get(&url, &query).await?,
        };
        let typed = read_answer::<O>(key, &text, encrypt)?;
        let result = typed.result();
        log_answer(O::INFO.name, &result.code);
        if !O::answers(&result.code) {
            let message = result.info.clone().unwrap_or_else(|| result.code.description().to_string());
            return Err(Error::rejected(result.code.as_str(), message));
        }
        req.check(&typed)?;
        Ok(typed)
    }
}

/// An answer as the typed `O::Answer`: decrypted, JSON or XML, its root member. Anything
/// unreadable was received after sending: the outcome is unknown.
pub(crate) fn read_answer<O: Call>(key: &str, text: &str, encrypted: bool) -> Result<O::Answer> {
    let root = answer_root(key, text, encrypted, O::INFO.name, O::ROOT)?;
    serde_json::from_value(root).map_err(|e| unknown(O::INFO.name, format!("unreadable answer: {e}")))
}

/// The answer's root member as JSON, decrypted and read from JSON or XML: the part of reading an
/// answer that is the same for every operation, compiled once.
fn answer_root(key: &str, text: &str, encrypted: bool, op: &str, root: &str) -> Result<Value> {
    let plain = protocol::plaintext(key, text, encrypted).map_err(|e| unknown(op, e.to_string()))?;
    let doc = protocol::document(&plain).map_err(|e| unknown(op, e.to_string()))?;
    if root.is_empty() {
        return Ok(doc);
    }
    protocol::member(&doc, root).cloned().ok_or_else(|| unknown(op, format!("no {root} in the answer")))
}

/// Anything unreadable was received after sending: the outcome is unknown.
#[inline(never)]
fn unknown(op: &str, m: String) -> Error {
    Error::Network { message: format!("kuaishou {op}: {m}"), outcome_unknown: true }
}

impl Client {
    /// The order's state by its charge code.
    async fn state_of(&self, order_no: &str) -> Result<(QueryResponse, TradeResult)> {
        let a = self.trade_query(&TradeQueryRequest::by_charge_code(order_no)).await?;
        let r = a.trade_result(order_no);
        Ok((a, r))
    }
}

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Kuaishou
    }

    fn merchant(&self) -> String {
        self.credentials().busi_code.clone()
    }

    /// The seed gives one number: the server cancels a barcode order not paid within 80 s. It
    /// sets no query rate (digest 3.4); the wallets behind it do, and WeChat's, every 3 to 10 s
    /// (SPEC-NOTES "Polling"), is the tightest: querying every 3 s from 3 s finds a payer 1.5 s
    /// after confirming on average (BENCHMARKS.md "Detection delay"). The deadline is 80 s plus
    /// a 10 s margin, after which the order is cancelled in real time and the cancel confirmed by
    /// query. A cancel sooner than 5 s after the pay call could reach the server before the order
    /// does (and find nothing to cancel).
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: Duration::from_secs(3),
            interval: Duration::from_secs(3),
            deadline: Duration::from_secs(90),
            earliest_reverse: Duration::from_secs(5),
        })
    }

    fn validate_pay(&self, req: &PayRequest) -> Result<()> {
        CHARGE_CODE.check("order_no", &req.order_no)?;
        crate::rules::amount(GatewayId::Kuaishou, "amount", req.amount)?;
        crate::rules::payment_code("auth_code", &req.auth_code, &CODE_WALLETS)?;
        require("subject", &req.subject)
    }

    fn numbers(&self) -> crate::gateway::Numbers {
        crate::gateway::Numbers::same(CHARGE_CODE)
    }

    /// preOrder. `SUCCESS` is paid; `FAIL`, a system error, an unlisted code or `SERIAL_REPEAT`
    /// (the number was sent before: that order is queried, never a new number) is unknown.
    async fn pay(&self, req: &PayRequest) -> Result<TradeResult> {
        self.validate_pay(req)?;
        let typed = BarcodePreOrderRequest {
            charge_code: req.order_no.clone(),
            amount: req.amount,
            dynamic_id: req.auth_code.as_str().into(),
            subject: req.subject.clone(),
            channel_type: ChannelType::Auto,
            dynamic_id_type: 1,
            oper_id: None,
            dev_id: req.terminal_id.clone().filter(|t| !t.trim().is_empty()),
            register_id: req.store_id.clone().filter(|s| !s.trim().is_empty()),
            merchant_para: None,
            goods: Vec::new(),
            verify_codes: None,
        };
        match self.barcode_pre_order(&typed).await {
            Ok(a) => typed.settlement(&a).ok_or_else(|| Error::internal("kuaishou: a charge without a settlement")),
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                Ok(TradeResult::unsettled(&req.order_no, code, message))
            }
            Err(e) => Err(e),
        }
    }

    async fn query(&self, order_no: &str) -> Result<TradeResult> {
        CHARGE_CODE.check("order_no", order_no)?;
        Ok(self.state_of(order_no).await?.1)
    }

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        self.validate_refund(req)?;
        let typed = TradeRefundRequest {
            charge_code: req.order_no.clone(),
            charge_down_code: None,
            out_refund_no: req.refund_no.clone(),
            refund_amount: req.refund_amount,
            subject: req.reason.clone().filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "退款".into()),
            oper_id: None,
            dev_id: None,
        };
        let mut result = RefundResult::unknown_for(req);
        match self.trade_refund(&typed).await {
            Ok(a) => {
                result.state = RefundState::Success;
                result.amount = a.amount().or(Some(req.refund_amount));
                result.gateway_code = Some(a.result.code.as_str().to_string());
                result.message = a.result.info;
            }
            // FAIL, a system error, or the refund number used before (a retry): the refund may
            // have happened. refund_query reads the order's STATE.
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                result.gateway_code = Some(code);
                result.message = Some(message);
            }
            Err(e) => return Err(e),
        }
        Ok(result)
    }

    fn refund_query_names_the_refund(&self) -> bool {
        false
    }

    /// Kuaishou has no refund lookup: the order's `STATE` says whether a refund of it went
    /// through (4/5), is under way (8) or failed (9). Any other state means the order shows no
    /// refund: the refund never arrived, reported as [`REFUND_NONEXISTENT`] (so recovery sends it
    /// again under its own number). With several refunds of one order, `STATE` 4 tells that some
    /// refund went through, not which.
    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        CHARGE_CODE.check("order_no", order_no)?;
        CHARGE_CODE.check("refund_no", refund_no)?;
        let (a, _) = self.state_of(order_no).await?;
        let Some(state) = a.state.as_ref().and_then(State::refund_state) else {
            let shown =
                a.state.as_ref().map(|s| format!("{s} {}", s.description())).unwrap_or_else(|| "unknown".into());
            return Err(Error::rejected(
                REFUND_NONEXISTENT,
                format!("order {order_no} is {shown}: it shows no refund, so {refund_no} never arrived"),
            ));
        };
        Ok(RefundResult {
            order_no: order_no.to_string(),
            refund_no: refund_no.to_string(),
            state,
            amount: None,
            gateway_refund_no: None,
            gateway_code: a.state.as_ref().map(|s| s.as_str().to_string()),
            message: a.state.as_ref().map(|s| s.description().to_string()),
        })
    }

    /// A real-time cancelTrade, confirmed by query (digest decision 31): cancelled reads
    /// `Reversed` (STATE 2); a paid order that stayed paid reads `Paid`, which the payment
    /// machine then refunds. `AREADY_REVOKED` counts as done.
    fn qr_rules(&self) -> Option<crate::qr::QrRules> {
        Some(super::qr::QR_RULES)
    }

    fn validate_qr(&self, req: &crate::qr::QrPaymentRequest) -> Result<()> {
        self.validate_qr_order(req)
    }

    async fn qr_order(&self, req: &crate::qr::QrPaymentRequest, expiry: std::time::Duration) -> Result<String> {
        self.qr_native_order(req, expiry).await
    }

    async fn cancel(&self, order_no: &str) -> Result<TradeResult> {
        CHARGE_CODE.check("order_no", order_no)?;
        let a = match self.cancel_trade(&CancelTradeRequest::real_time(order_no)).await {
            Ok(a) => a,
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                return Ok(TradeResult::unsettled(order_no, code, message));
            }
            Err(e) => return Err(e),
        };
        match self.state_of(order_no).await {
            Ok((_, r)) if r.state.is_final() => Ok(r),
            // Not confirmed (yet): the cancel's own word.
            _ => {
                let mut r = TradeResult::new(order_no, TradeState::Reversed);
                r.gateway_code = Some(a.result.code.as_str().to_string());
                r.message = a.result.info.clone();
                Ok(r)
            }
        }
    }

    fn is_definite(&self, err: &Error) -> bool {
        !matches!(err, Error::GatewayRejected { code, .. } if !code_is_definite(code))
    }

    fn is_order_not_found(&self, err: &Error) -> bool {
        matches!(err, Error::GatewayRejected { code, .. }
            if ResultCode::parse(code) == ResultCode::ChargeNonexistent || code == REFUND_NONEXISTENT)
    }

    /// Also checks the notification is for this merchant.
    fn verify_notification(&self, fields: &RawFields) -> Result<Notification> {
        let creds = self.credentials();
        let n = super::verify_notification(fields, &creds.key)?;
        match n.fields.get("BUSI_ID") {
            Some(b) if !b.is_empty() && *b != creds.busi_code => {
                Err(Error::invalid("BUSI_ID", format!("notification is for merchant {b}, not {}", creds.busi_code)))
            }
            _ => Ok(n),
        }
    }
}

/// Out of line: a log call inside a generic function is compiled once per operation.
#[inline(never)]
fn log_answer(op: &str, code: &ResultCode) {
    tracing::debug!(target: "posgate::kuaishou", op, code = %code, "answer");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Operations;
    use crate::money::Money;
    use crate::secret::Secret;

    fn client(env: Environment) -> Client {
        let mut cfg =
            Config::new("http://127.0.0.1:9/openGateway/openService", Credentials::new("0010000001", Secret::new("k")));
        cfg.allow_http = true;
        cfg.environment = env;
        Client::new(cfg).unwrap()
    }

    #[test]
    fn schedule_and_pay_timeout() {
        let c = client(Environment::Production);
        let s = c.schedule();
        assert_eq!((s.first_query_after, s.interval), (Duration::from_secs(3), Duration::from_secs(3)));
        assert_eq!((s.deadline, s.earliest_reverse), (Duration::from_secs(90), Duration::from_secs(5)));
        assert_eq!(c.protocol().pay_timeout, Some(PRE_ORDER_TIMEOUT));
        assert_eq!(client(Environment::Test).protocol().pay_timeout, None);
    }

    #[test]
    fn every_operation_listed() {
        let names: Vec<_> = client(Environment::Test).operations().iter().map(|o| o.name).collect();
        assert_eq!(
            names,
            [
                "barcode_pre_order",
                "order",
                "jsapi_order",
                "trade_refund",
                "trade_query",
                "cancel_trade",
                "flow_recharge"
            ]
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            plat_service("https://www.sssyin.cn/openGateway/openService/").unwrap(),
            "https://www.sssyin.cn/openGateway/platService"
        );
        assert!(matches!(plat_service("https://x/y"), Err(Error::Configuration { .. })));
        let segs = ["query".to_string(), "A 1/2".to_string(), "001".to_string()];
        assert_eq!(
            url_of("https://x/openGateway/openService", &segs).unwrap(),
            "https://x/openGateway/openService/query/A%201%2F2/001"
        );
    }

    #[test]
    fn bad_credentials_are_configuration_errors() {
        for creds in [Credentials::new("0010000001", Secret::new("")), Credentials::new("00 1", Secret::new("k"))] {
            let cfg = Config::new("https://x/openGateway/openService", creds);
            assert!(matches!(Client::new(cfg), Err(Error::Configuration { .. })));
        }
    }

    #[tokio::test]
    async fn bad_input_refused_before_sending() {
        let c = client(Environment::Test);
        let req = PayRequest {
            order_no: "PG 1".into(),
            amount: Money::from_fen(1, "a").unwrap(),
            auth_code: "134567890123450000".into(),
            subject: "x".into(),
            terminal_id: None,
            store_id: None,
        };
        assert!(matches!(c.pay(&req).await, Err(Error::InvalidInput { field, .. }) if field == "order_no"));
        let req = PayRequest { order_no: "PG1".into(), auth_code: "13-45".into(), ..req };
        assert!(matches!(c.pay(&req).await, Err(Error::InvalidInput { field, .. }) if field == "auth_code"));
        let e = c.invoke("barcode_pre_order", serde_json::json!({"charge_code": "A1"})).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "barcode_pre_order.params"));
    }

    #[test]
    fn definite_refusals() {
        let c = client(Environment::Test);
        assert!(!c.is_definite(&Error::rejected("FAIL", "x")));
        assert!(!c.is_definite(&Error::rejected("SERIAL_REPEAT", "x")));
        assert!(c.is_definite(&Error::rejected("ILLEGAL_PARAMETER", "x")));
        assert!(c.is_order_not_found(&Error::rejected("CHARGE_NONEXISTENT", "x")));
        assert!(c.is_order_not_found(&Error::rejected(REFUND_NONEXISTENT, "x")));
        assert!(!c.is_order_not_found(&Error::rejected("FAIL", "x")));
    }
}
