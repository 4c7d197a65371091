//! The Sunmi protocol on the generic client, its operations listed once, and the [`Gateway`]
//! impl.
//!
//! Typed methods return `Ok` with the typed `data` whenever Sunmi delivered an answer that is
//! about an order (read its `state`, `resultCode` and `sub_code`); `Err(GatewayRejected)` only
//! when the answer definitely refused the request (nothing happened); `Err(Network {
//! outcome_unknown })` when the request may have taken effect but the answer does not say (a
//! system error, a lost or unreadable answer). Which business codes are which depends on the
//! operation: see [`Read`].
//!
//! Decisions on what the seed leaves open:
//! - No barcode payment: [`Gateway::validate_pay`] and [`Gateway::pay`] answer `Unsupported`.
//!   Money comes in through the prepays (`js_api_pay` / `mini_pay`, journalled by the engine as
//!   pre-orders by their declared effect; the engine's `follow_preorder` polls them) and card
//!   swipes on the terminal (`swipe_query`, and [`Gateway::swipe`] for the engine's record of
//!   them).
//! - No cancel or close: `cancel` answers `Unsupported`; the payment machine then refunds a paid
//!   order in full itself, or hands an unpaid one to a person.
//! - No refund query: a refund is an order of its own (orderType 1) that `query` finds by its
//!   number, so `refund_query` queries the refund number and checks it refunds this order.
//! - `businessId` of a refund (required, "Saas系统业务订单号"): the refund number.
//! - Query and refund look orders up by merchant number when the credentials have one (orders
//!   not made on a device are only found that way), else by device SN.

use std::time::Duration;

use async_trait::async_trait;

use super::protocol::{self, PublicKey};
use super::types::*;
use super::Credentials;
use crate::client::{Protocol, Sends};
use crate::config::{Config, Environment, PollSchedule};
use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification};
use crate::trade::{GatewayId, PayRequest, RawFields, RefundRequest, RefundResult, Swipe, TradeResult};
use crate::transport::Transport;

/// The Sunmi protocol: the integrator's credentials and Sunmi's key for callbacks.
pub struct Sunmi {
    creds: Credentials,
    /// The configured key, or in the test environment the seed's.
    public_key: Option<PublicKey>,
}

/// The Sunmi client.
pub type Client = crate::client::Client<Sunmi>;

/// Sunmi's operations, each declared once by its request type (see [`crate::operation::operations!`]):
/// `sunmi_operations!(then(args))` expands to `then! { args calls { .. } charges { .. } }`.
#[macro_export]
#[doc(hidden)]
macro_rules! sunmi_operations {
    ($then:ident ( $($args:tt)* )) => { $then! { $($args)*
      calls {
        $crate::sunmi::SwipeQueryRequest => swipe_query,
        $crate::sunmi::PayBindRequest => pay_bind,
        $crate::sunmi::OfficialAccountBindRequest => bind_official_account,
        $crate::sunmi::JsApiPayRequest => js_api_pay,
        $crate::sunmi::MiniPayRequest => mini_pay,
        $crate::sunmi::QueryRequest => trade_query,
        $crate::sunmi::TradeRefundRequest => trade_refund,
      }
      charges {

      }
    } };
}

use crate::operation::operations;
sunmi_operations!(operations(Client;));

impl Protocol for Sunmi {
    const GATEWAY: GatewayId = GatewayId::Sunmi;
    type Credentials = Credentials;

    fn new(config: &Config<Credentials>) -> Result<Sunmi> {
        let creds = config.credentials.clone();
        if creds.app_id.trim().is_empty() {
            return Err(Error::config("sunmi: credentials app_id is empty"));
        }
        if creds.app_key.is_empty() {
            return Err(Error::config("sunmi: the app_key is empty"));
        }
        let public_key = match creds.public_key.as_deref().filter(|k| !k.trim().is_empty()) {
            Some(text) => {
                Some(PublicKey::parse(text).map_err(|e| Error::config(format!("sunmi: credentials public_key: {e}")))?)
            }
            None if config.environment == Environment::Test => Some(
                PublicKey::parse(super::TEST_PUBLIC_KEY)
                    .map_err(|e| Error::internal(format!("sunmi: the seed's test key: {e}")))?,
            ),
            None => None,
        };
        Ok(Sunmi { creds, public_key })
    }
}

impl<O: Call> Sends<O> for Sunmi {
    /// Sends one operation and returns its typed `data` (see the module documentation).
    async fn send(&self, http: &Transport, base_url: &str, req: &O) -> Result<O::Answer> {
        let mut fields = req.fields(&self.creds)?;
        fields.insert("app_id".into(), self.creds.app_id.clone());
        fields.insert("charset".into(), protocol::CHARSET.into());
        let form = protocol::signed_form(&fields, self.creds.app_key.expose());
        let url = format!("{base_url}{}", O::PATH);
        let body = http.post_form(&url, &form).await?;
        let answer = protocol::parse_answer(&body)?;
        let system = SystemCode::parse(&answer.code);
        let decision = system.decide();
        if decision != Decision::Accept {
            return Err(code_error(decision, system.as_str(), &answer.msg, system.description()));
        }
        let text = |k: &str| match answer.data.get(k) {
            Some(serde_json::Value::String(s)) => s.trim().to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let sub = text("sub_code");
        if !sub.is_empty() {
            let code = SubCode::parse(&sub);
            let decision = O::READ.decide(&code);
            log_answer(O::INFO.name, &code, decision);
            if decision != Decision::Accept {
                return Err(code_error(decision, code.as_str(), &text("sub_msg"), code.description()));
            }
        }
        let typed = O::Answer::from_data(answer.data).map_err(|e| Error::Network {
            message: format!("sunmi {}: unreadable data in the answer: {e}", O::INFO.name),
            outcome_unknown: true,
        })?;
        req.check(&typed)?;
        Ok(typed)
    }
}

/// The official account's two payBind calls in their required order: configType 3
/// (`attentionAppId`), then configType 1 (`payUrl`). The second is sent only once the first is
/// bound (now or before: "已配置" is taken as bound, so a repeated setup goes through).
impl Sends<OfficialAccountBindRequest> for Sunmi {
    async fn send(
        &self,
        http: &Transport,
        base_url: &str,
        req: &OfficialAccountBindRequest,
    ) -> Result<OfficialAccountBinding> {
        let [account, dir] = req.steps();
        // Both steps are checked before the first is sent.
        account.fields(&self.creds)?;
        dir.fields(&self.creds)?;
        let account = bind_step(self.send(http, base_url, &account).await)?;
        let pay_url = bind_step(self.send(http, base_url, &dir).await)?;
        Ok(OfficialAccountBinding { account, pay_url })
    }
}

impl Sunmi {
    /// Verifies a callback with the configured Sunmi public key (see [`protocol::verify_notification`]).
    pub fn verify_callback(&self, fields: &RawFields) -> Result<Notification> {
        let key = self.public_key.as_ref().ok_or_else(|| {
            Error::config("sunmi: no public_key in the credentials: production callbacks cannot be verified")
        })?;
        protocol::verify_notification(fields, key)
    }
}

impl Client {
    /// Verifies a callback with the configured Sunmi public key (see [`protocol::verify_notification`]).
    pub fn verify_callback(&self, fields: &RawFields) -> Result<Notification> {
        self.protocol.verify_callback(fields)
    }
}

fn bind_step(r: Result<PayBindResponse>) -> Result<BindStep> {
    match r {
        Ok(_) => Ok(BindStep::Bound),
        // 4.3.1's failure example: Q03 "subappid已配置，请勿重复配置".
        Err(Error::GatewayRejected { message, .. }) if message.contains("已配置") => Ok(BindStep::AlreadyBound),
        Err(e) => Err(e),
    }
}

fn trade_result(order_no: &str, r: &QueryResponse) -> TradeResult {
    let code = r.sub_code.as_ref().or(r.result_code.as_ref());
    TradeResult {
        order_no: order_no.to_string(),
        state: r.trade_state(),
        amount: r.amount,
        gateway_trade_no: r.mis_id.clone().or_else(|| r.platform_id.clone()),
        channel: r.platform.as_ref().map(|p| p.as_str().to_string()),
        gateway_code: code.map(|c| c.as_str().to_string()),
        message: r.sub_msg.clone().or_else(|| r.result_msg.clone()),
    }
}

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Sunmi
    }

    fn merchant(&self) -> String {
        let c = &self.config.credentials;
        c.merchant_no.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| c.app_id.clone())
    }

    /// The seed (4.3.2, 5.3.2): after "用户支付中" start querying 10 s later ("建议在10秒（含）
    /// 后开始查询"). It gives no interval after that; its prepays are WeChat's, whose rule is
    /// every 3 to 10 s (SPEC-NOTES "Polling"): every 3 s, so a payer who confirms after the
    /// first query is found 1.5 s later on average (BENCHMARKS.md "Detection delay"). The payer
    /// confirms a prepay on the phone, so the poll gives them three minutes. Sunmi has no
    /// reverse: the earliest-reverse time only delays the machine's full refund of an order
    /// found paid after the deadline.
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: Duration::from_secs(10),
            interval: Duration::from_secs(3),
            deadline: Duration::from_secs(180),
            earliest_reverse: Duration::from_secs(10),
        })
    }

    fn validate_pay(&self, _req: &PayRequest) -> Result<()> {
        Err(no_barcode())
    }

    fn numbers(&self) -> crate::gateway::Numbers {
        crate::gateway::Numbers::same(ORDER_ID)
    }

    async fn pay(&self, _req: &PayRequest) -> Result<TradeResult> {
        Err(no_barcode())
    }

    async fn query(&self, order_no: &str) -> Result<TradeResult> {
        ORDER_ID.check("order_no", order_no)?;
        let r = self.trade_query(&QueryRequest::by_order_id(order_no)).await?;
        if r.is_refund() {
            return Err(Error::invalid("order_no", format!("{order_no} is a refund at sunmi: use refund_query")));
        }
        Ok(trade_result(order_no, &r))
    }

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        self.validate_refund(req)?;
        let wire = TradeRefundRequest {
            msn: None,
            merchant_no: None,
            amount: req.refund_amount,
            ori_mis_id: None,
            ori_platform_id: None,
            ori_order_id: Some(req.order_no.clone()),
            order_id: req.refund_no.clone(),
            business_id: req.refund_no.clone(),
        };
        let r = self.trade_refund(&wire).await?;
        let code = r.sub_code.as_ref().or(r.result_code.as_ref());
        Ok(RefundResult {
            order_no: req.order_no.clone(),
            refund_no: req.refund_no.clone(),
            state: r.refund_state(),
            amount: r.amount.or(Some(req.refund_amount)),
            gateway_refund_no: r.mis_id.clone().or_else(|| r.platform_id.clone()),
            gateway_code: code.map(|c| c.as_str().to_string()),
            message: r.sub_msg.clone().or_else(|| r.result_msg.clone()),
        })
    }

    /// The refund is an order of its own that `query` finds by the refund number (orderType 1).
    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        ORDER_ID.check("order_no", order_no)?;
        ORDER_ID.check("refund_no", refund_no)?;
        let r = self.trade_query(&QueryRequest::by_order_id(refund_no)).await?;
        if !r.is_refund() {
            return Err(Error::invalid("refund_no", format!("{refund_no} is not a refund at sunmi")));
        }
        if let Some(original) = r.orig_order_id.as_deref().filter(|o| *o != order_no) {
            return Err(Error::invalid("refund_no", format!("{refund_no} refunds order {original}, not {order_no}")));
        }
        let code = r.sub_code.as_ref().or(r.result_code.as_ref());
        Ok(RefundResult {
            order_no: order_no.to_string(),
            refund_no: refund_no.to_string(),
            state: r.refund_state(),
            amount: r.amount,
            gateway_refund_no: r.mis_id.clone().or_else(|| r.platform_id.clone()),
            gateway_code: code.map(|c| c.as_str().to_string()),
            message: r.sub_msg.clone().or_else(|| r.result_msg.clone()),
        })
    }

    async fn cancel(&self, order_no: &str) -> Result<TradeResult> {
        let _ = order_no;
        Err(Error::Unsupported { what: "sunmi has no cancel or close: refund a paid order".into() })
    }

    /// swipeQuery (3.3.1) by `orderId`, mapped by [`SwipeTrade::to_swipe`]. Checked before it
    /// is sent, naming the field: the number by Sunmi's rule, the date as yyyyMMdd.
    async fn swipe(&self, order_id: &str, trade_date: Option<&str>) -> Result<Swipe> {
        ORDER_ID.check("order_id", order_id)?;
        if let Some(date) = trade_date {
            crate::rules::compact_date("trade_date", date)?;
        }
        let req = SwipeQueryRequest {
            trade_date: trade_date.map(str::to_string),
            order_id: Some(order_id.to_string()),
            ..Default::default()
        };
        Ok(self.swipe_query(&req).await?.to_swipe(order_id, trade_date))
    }

    fn verify_notification(&self, fields: &RawFields) -> Result<Notification> {
        self.verify_callback(fields)
    }

    fn is_order_not_found(&self, err: &Error) -> bool {
        matches!(err, Error::GatewayRejected { code, .. } if code == SubCode::OrderNotExist.as_str())
    }
}

fn no_barcode() -> Error {
    Error::Unsupported {
        what: "sunmi has no barcode payment: take WeChat prepays (js_api_pay / mini_pay) or card swipes".into(),
    }
}

/// Out of line: a log call inside a generic function is compiled once per operation.
#[inline(never)]
fn log_answer(op: &str, code: &SubCode, decision: Decision) {
    tracing::debug!(target: "posgate::sunmi", op, sub_code = %code, ?decision, "answer");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Operations;
    use crate::money::Money;
    use crate::operation::Operation as _;
    type GatewayConfig = Config<Credentials>;
    use crate::secret::Secret;
    use serde_json::json;

    fn config(env: Environment, public_key: Option<&str>) -> GatewayConfig {
        let mut creds = Credentials::new("app", Secret::new("k"));
        creds.merchant_no = Some("820291573790006".into());
        creds.public_key = public_key.map(str::to_string);
        let mut cfg = GatewayConfig::new("http://127.0.0.1:9", creds);
        cfg.allow_http = true;
        cfg.environment = env;
        cfg
    }

    fn client() -> Client {
        Client::new(config(Environment::Test, None)).unwrap()
    }

    #[test]
    fn schedule_waits_10_s_after_paying() {
        let s = client().schedule();
        assert!(s.first_query_after >= Duration::from_secs(10), "{s:?}");
        assert_eq!(s.interval, Duration::from_secs(3));
        assert_eq!(s.deadline, Duration::from_secs(180));
    }

    #[test]
    fn every_operation_is_listed() {
        let names: Vec<_> = crate::gateway::Operations::operations(&client()).iter().map(|o| o.name).collect();
        for n in [
            SwipeQueryRequest::INFO.name,
            PayBindRequest::INFO.name,
            JsApiPayRequest::INFO.name,
            MiniPayRequest::INFO.name,
            QueryRequest::INFO.name,
            TradeRefundRequest::INFO.name,
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert_eq!(names.len(), 7);
    }

    #[test]
    fn test_environment_has_the_seed_key_production_needs_one() {
        let c = client();
        let n = c.verify_notification(&crate::sunmi::protocol::tests_support::seed_callback()).unwrap();
        assert_eq!(n.order_no, "15632714718760");
        let prod = Client::new(config(Environment::Production, None)).unwrap();
        let e = prod.verify_notification(&crate::sunmi::protocol::tests_support::seed_callback()).unwrap_err();
        assert!(matches!(e, Error::Configuration { .. }), "{e:?}");
        let with_key = Client::new(config(Environment::Production, Some(crate::sunmi::TEST_PUBLIC_KEY))).unwrap();
        assert!(with_key.verify_notification(&crate::sunmi::protocol::tests_support::seed_callback()).is_ok());
        let e = Client::new(config(Environment::Production, Some("not a key"))).err().unwrap();
        assert!(matches!(e, Error::Configuration { .. }), "{e:?}");
    }

    #[test]
    fn empty_credentials_are_a_configuration_error() {
        let cfg = GatewayConfig::new("https://x", Credentials::new("app", Secret::new("")));
        assert!(matches!(Client::new(cfg), Err(Error::Configuration { .. })));
        let cfg = GatewayConfig::new("https://x", Credentials::new(" ", Secret::new("k")));
        assert!(matches!(Client::new(cfg), Err(Error::Configuration { .. })));
    }

    #[test]
    fn prepays_are_pre_orders() {
        let c = client();
        let d = c
            .describe("mini_pay", &json!({"totalAmount": 1580, "miniAppId": "wx1", "openId": "o1", "orderId": "A1"}))
            .unwrap();
        let m = d.movement.unwrap();
        assert_eq!((m.order_no.as_str(), m.amount.fen(), d.effect), ("A1", 1580, crate::operation::Effect::PreOrder));
        let d = c
            .describe("js_api_pay", &json!({"totalAmount": 1, "miniAppId": "wx1", "openId": "o1", "orderId": "B1"}))
            .unwrap();
        assert_eq!((d.movement.unwrap().order_no.as_str(), d.effect), ("B1", crate::operation::Effect::PreOrder));
        let d = c.describe("trade_query", &json!({"orderId": "A1"})).unwrap();
        assert_eq!((d.movement, d.effect), (None, crate::operation::Effect::Read));
        assert!(c.is_order_not_found(&Error::rejected("E19", "订单不存在")));
        assert!(!c.is_order_not_found(&Error::rejected("Q03", "参数异常")));
    }

    #[tokio::test]
    async fn no_barcode_no_cancel_and_bad_input_refused_before_sending() {
        let c = client();
        let req = PayRequest {
            order_no: "A1".into(),
            amount: Money::from_fen(1, "a").unwrap(),
            auth_code: "134567890123450000".into(),
            subject: "x".into(),
            terminal_id: None,
            store_id: None,
        };
        assert!(matches!(c.validate_pay(&req), Err(Error::Unsupported { .. })));
        assert!(matches!(c.pay(&req).await, Err(Error::Unsupported { .. })));
        assert!(matches!(c.cancel("A1").await, Err(Error::Unsupported { .. })));
        assert!(matches!(c.query("A 1").await, Err(Error::InvalidInput { field, .. }) if field == "order_no"));
        let e = c.invoke("mini_pay", json!({"orderId": "A1"})).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "mini_pay.params"));
        let e = c
            .invoke("mini_pay", json!({"totalAmount": 0, "miniAppId": "wx1", "openId": "o1", "orderId": "A1"}))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "totalAmount"));
        let e = c
            .bind_official_account(&OfficialAccountBindRequest {
                merchant_no: None,
                attention_app_id: "wx1".into(),
                pay_url: "http://x.com/pay.php".into(),
            })
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "payUrl"), "step 2 is checked first");
        assert!(matches!(c.invoke("nope", json!({})).await, Err(Error::Unsupported { .. })));
        let r = RefundRequest {
            order_no: "A1".into(),
            refund_no: "R1".into(),
            refund_amount: Money::from_fen(2, "a").unwrap(),
            total_amount: Some(Money::from_fen(1, "a").unwrap()),
            reason: None,
        };
        assert!(matches!(c.refund(&r).await, Err(Error::InvalidInput { field, .. }) if field == "refund_amount"));
    }

    #[test]
    fn replayed_answers_are_not_trusted() {
        assert!(same_order("A1", "A1").is_ok());
        assert!(same_order("A1", "").is_ok());
        assert!(same_order("A1", "A2").unwrap_err().outcome_unknown());
    }
}
