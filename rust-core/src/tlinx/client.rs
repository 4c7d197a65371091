//! The TLinx protocol on the generic client: AES-encrypted `data`, sha1-then-md5 signs both
//! ways; its operations listed once, and the [`Gateway`] trait on top of them.

use std::time::Duration;

use async_trait::async_trait;

use super::protocol::{self, Envelope, ProtocolError};
use super::types::*;
use super::Credentials;
use crate::client::{Protocol, Sends};
use crate::config::{Config, PollSchedule};
use crate::crypto::sha1_hex;
use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification};
use crate::ids::NumberRule;
use crate::operation::Operation;
use crate::trade::*;
use crate::transport::Transport;

/// What a merchant order number must look like for `pay` / `query` / `refund`.
const ORDER_NO_RULE: NumberRule = OUT_NO_RULE;

/// The TLinx protocol: the store's credentials.
pub struct Tlinx {
    creds: Credentials,
}

/// The TLinx client.
pub type Client = crate::client::Client<Tlinx>;

/// TLinx's operations, each declared once by its request type (see [`crate::operation::operations!`]):
/// `tlinx_operations!(then(args))` expands to `then! { args calls { .. } charges { .. } }`.
#[macro_export]
#[doc(hidden)]
macro_rules! tlinx_operations {
    ($then:ident ( $($args:tt)* )) => { $then! { $($args)*
      calls {
        $crate::tlinx::PaylistRequest => paylist,
        $crate::tlinx::OrderListRequest => order,
        $crate::tlinx::OrderViewRequest => order_view,
        $crate::tlinx::PayorderRequest => payorder,
        $crate::tlinx::PaystatusRequest => paystatus,
        $crate::tlinx::PaycancelRequest => paycancel,
        $crate::tlinx::PayrefundRequest => payrefund,
      }
      charges {

      }
    } };
}

use crate::operation::operations;
tlinx_operations!(operations(Client;));

impl Protocol for Tlinx {
    const GATEWAY: GatewayId = GatewayId::Tlinx;
    type Credentials = Credentials;

    fn new(config: &Config<Credentials>) -> Result<Tlinx> {
        let creds = config.credentials.clone();
        if creds.open_id.trim().is_empty() {
            return Err(Error::config("tlinx open_id is empty"));
        }
        let key_len = creds.open_key.expose().len();
        if key_len != 32 || !creds.open_key.expose().is_ascii() {
            return Err(Error::config(format!(
                "tlinx open_key must be 32 ASCII characters (the AES-256 key), got {key_len} bytes"
            )));
        }
        Ok(Tlinx { creds })
    }
}

impl<O: Call> Sends<O> for Tlinx {
    /// Sends one request; errcode 0 gives the typed `data`, anything else `GatewayRejected`.
    ///
    /// The answer's own timestamp is not held to the 600 s window (the seed asks that of
    /// requests only, and a device clock off by minutes would then distrust every answer); a
    /// replayed answer is caught instead by checking that it names the order asked about.
    async fn send(&self, http: &Transport, base_url: &str, req: &O) -> Result<O::Answer> {
        let key = self.creds.open_key.expose();
        let payload = req.payload(&self.creds)?;
        let form = protocol::build_request(&self.creds.open_id, key, &payload, protocol::now_unix())
            .map_err(|e| Error::config(e.to_string()))?;
        let body = http.post_form(&format!("{base_url}{}", O::PATH), &form).await?;
        let answer = protocol::parse_answer(&body, key).map_err(untrusted)?;
        if !answer.is_ok() {
            return Err(rejected(&answer));
        }
        let data = answer.data.unwrap_or(serde_json::Value::Null);
        let typed: O::Answer = serde_json::from_value(data).map_err(|e| Error::Network {
            message: format!("tlinx {}: unreadable data in the answer: {e}", O::PATH),
            outcome_unknown: true,
        })?;
        req.check(&typed)?;
        Ok(typed)
    }
}

impl Client {
    /// Reverses an order paycancel refused with 8012: nothing to do if it is cancelled already,
    /// a full refund if it is paid; `refused` is returned in any other state.
    async fn reverse(&self, order_no: &str, refused: Error) -> Result<TradeResult> {
        let info = self.paystatus(&OrderRef::out_no(order_no).into()).await?;
        let mut r = from_order_info(order_no, &info);
        let amount = match (info.status, info.trade_amount) {
            (Some(status::CANCELLED), _) => return Ok(r),
            (Some(status::PAID), Some(amount)) if !amount.is_zero() => amount,
            _ => return Err(refused),
        };
        let refund_no = reversal_no(order_no);
        let refund = PayrefundRequest {
            out_no: Some(order_no.to_string()),
            ord_no: None,
            refund_out_no: refund_no.clone(),
            refund_ord_name: None,
            refund_amount: amount,
            remark: Some("reversal".into()),
            shop_pass: None,
        };
        let state = match self.payrefund(&refund).await {
            Ok(resp) => resp.refund_state(),
            Err(Error::GatewayRejected { code, .. }) if code == "8020" => {
                refund_state(self.paystatus(&OrderRef::out_no(&refund_no).into()).await?.status)
            }
            Err(Error::GatewayRejected { code, message }) if !errcode_kind(&code).is_definite() => {
                return Ok(unknown_outcome(order_no, code, message));
            }
            // Refunds of the order exist (made elsewhere: the engine refuses such a cancel from
            // its journal before sending): the whole cannot go back, the rest can.
            Err(Error::GatewayRejected { code, message }) if code == "8021" => {
                return Err(Error::rejected(
                    code,
                    format!("{message}: {order_no} is partly refunded, a cancel cannot reverse it; refund the rest"),
                ));
            }
            Err(e) => return Err(e),
        };
        r.state = match state {
            RefundState::Success => TradeState::Reversed,
            RefundState::Failed => return Err(Error::rejected("8023", format!("reversal refund {refund_no} failed"))),
            RefundState::Processing | RefundState::Unknown => TradeState::Unknown,
        };
        r.message = Some(format!("paid order reversed by refund {refund_no}"));
        Ok(r)
    }

    fn pay_order(&self, req: &PayRequest) -> Result<PayorderRequest> {
        let mut common = OrderCommon::new(&req.order_no, self.credentials().pmt_tag_for(&req.auth_code)?, req.amount);
        if !req.subject.trim().is_empty() {
            common.ord_name = Some(req.subject.clone());
        }
        Ok(PayorderRequest::Barcode(BarcodeOrder { common, auth_code: req.auth_code.as_str().into() }))
    }
}

/// The refund number of a reversal: always the same for one order (so a retry cannot refund
/// twice), letters and digits, 32 characters whatever the order number's length.
fn reversal_no(order_no: &str) -> String {
    format!("RV{}", &sha1_hex(order_no.as_bytes())[..30])
}

/// A failure on a received answer: it cannot be trusted, so the outcome stays unknown.
fn untrusted(e: ProtocolError) -> Error {
    match e {
        ProtocolError::Malformed(_) => Error::Network { message: format!("tlinx: {e}"), outcome_unknown: true },
        ProtocolError::KeyLength { .. } => Error::config(e.to_string()),
        other => Error::signature(format!("tlinx answer: {other}")),
    }
}

fn rejected(answer: &Envelope) -> Error {
    let message = match (answer.msg.is_empty(), errcode_message(&answer.errcode)) {
        (false, _) => answer.msg.clone(),
        (true, Some(m)) => m.to_string(),
        (true, None) => "no message".to_string(),
    };
    Error::rejected(answer.errcode.clone(), message)
}

fn trade_result(order_no: &str, state: TradeState) -> TradeResult {
    TradeResult::new(order_no, state)
}

/// An answer whose errcode does not settle anything (see [`ErrKind::is_definite`]).
fn unknown_outcome(order_no: &str, code: String, message: String) -> TradeResult {
    let mut r = trade_result(order_no, TradeState::Unknown);
    r.gateway_code = Some(code);
    r.message = Some(message);
    r
}

fn from_order_info(order_no: &str, info: &OrderInfo) -> TradeResult {
    let mut r = trade_result(order_no, info.trade_state());
    r.amount = info.trade_amount;
    r.gateway_trade_no = info.ord_no.clone().or_else(|| info.trade_no.clone());
    r.channel = info.pmt_tag.clone();
    r.gateway_code = info.status.map(|s| s.to_string());
    r
}

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Tlinx
    }

    fn merchant(&self) -> String {
        self.config.credentials.open_id.clone()
    }

    /// A refund never changes the order (seed 4.7: its status stays 1, paid).
    /// Its cancel reverses a paid order by a refund under this number: the payment machine's
    /// refund after a refused reverse uses the same one.
    fn reversal_refund_no(&self, order_no: &str) -> String {
        reversal_no(order_no)
    }

    fn refunds_show_on_order(&self) -> bool {
        false
    }

    /// The seed gives no numbers for "status 9, waiting for the payer's password". Its channels
    /// are WeChat and Alipay micropay, whose own guidance is to query every few seconds and
    /// to give up (and reverse) within about a minute; the payer typing a password needs
    /// seconds, so querying from 3 s every 3 s finds the result promptly. A reverse sooner than
    /// 15 s after the pay call races the wallet's own processing (SPEC-NOTES "Polling").
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: Duration::from_secs(3),
            interval: Duration::from_secs(3),
            deadline: Duration::from_secs(60),
            earliest_reverse: Duration::from_secs(15),
        })
    }

    fn validate_pay(&self, req: &PayRequest) -> Result<()> {
        ORDER_NO_RULE.check("order_no", &req.order_no)?;
        crate::rules::amount(GatewayId::Tlinx, "amount", req.amount)?;
        check_auth_code(&req.auth_code)?;
        if req.subject.chars().count() > 100 {
            return Err(Error::invalid("subject", "at most 100 characters"));
        }
        self.credentials().pmt_tag_for(&req.auth_code)?;
        Ok(())
    }

    fn numbers(&self) -> crate::gateway::Numbers {
        crate::gateway::Numbers { order: ORDER_NO_RULE, refund: OUT_NO_RULE }
    }

    async fn pay(&self, req: &PayRequest) -> Result<TradeResult> {
        self.validate_pay(req)?;
        let order = self.pay_order(req)?;
        match self.payorder(&order).await {
            Ok(resp) => order.settlement(&resp).ok_or_else(|| Error::internal("tlinx: a charge without a settlement")),
            // A system error, or the number was used before: the charge may have happened.
            Err(Error::GatewayRejected { code, message }) if !errcode_kind(&code).is_definite() => {
                Ok(unknown_outcome(&req.order_no, code, message))
            }
            Err(e) => Err(e),
        }
    }

    #[cfg(feature = "back-office")]
    /// The order list (4.2), payments only, page by page (100 a page, at most 100 pages): its
    /// times are Beijing's, to the second.
    async fn payments_between(&self, from_ms: i64, to_ms: i64) -> Result<Option<crate::gateway::Listing>> {
        let mut out = Vec::new();
        for page in 1..=100u32 {
            let req = OrderListRequest {
                page: Some(page),
                pagesize: Some(100),
                ord_type: Some(1),
                sdate: Some(crate::beijing::format(from_ms)),
                // Its end is inclusive, to the second.
                edate: Some(crate::beijing::format(to_ms - 1)),
                ..OrderListRequest::default()
            };
            let answer = self.order(&req).await?;
            // Kept by their own time where it reads: the range is to the millisecond, the list's
            // to the second, so an order of a range's first or last second can come in two
            // adjacent ranges' lists; its second's start decides which one it belongs to.
            let within = |o: &&OrderInfo| {
                let at = o.add_time.as_deref().and_then(|t| crate::beijing::parse(t, "add_time").ok());
                at.is_none_or(|at| from_ms <= at && at < to_ms)
            };
            let rows = answer.list.iter().filter(within);
            out.extend(rows.filter_map(|o| o.out_no.as_deref().map(|no| from_order_info(no, o))));
            if i64::from(page) >= answer.pages.totalpage.unwrap_or(0) || answer.list.is_empty() {
                let covers = "every payment (order list 4.2)".into();
                return Ok(Some(crate::gateway::Listing { covers, payments: out }));
            }
        }
        Err(Error::invalid("to", "more than 10,000 orders in the range: reconcile a shorter one"))
    }

    async fn query(&self, order_no: &str) -> Result<TradeResult> {
        ORDER_NO_RULE.check("order_no", order_no)?;
        let info = self.paystatus(&OrderRef::out_no(order_no).into()).await?;
        Ok(from_order_info(order_no, &info))
    }

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        self.validate_refund(req)?;
        let wire = PayrefundRequest {
            out_no: Some(req.order_no.clone()),
            ord_no: None,
            refund_out_no: req.refund_no.clone(),
            refund_ord_name: None,
            refund_amount: req.refund_amount,
            remark: req.reason.clone().filter(|r| !r.trim().is_empty()),
            shop_pass: None,
        };
        let mut result = RefundResult {
            order_no: req.order_no.clone(),
            refund_no: req.refund_no.clone(),
            state: RefundState::Unknown,
            amount: None,
            gateway_refund_no: None,
            gateway_code: None,
            message: None,
        };
        match self.payrefund(&wire).await {
            Ok(resp) => {
                result.state = resp.refund_state();
                result.amount = resp.trade_amount;
                result.gateway_refund_no = resp.ord_no;
                result.gateway_code = resp.status.map(|s| s.to_string());
            }
            // A system error, or the refund number was used before (a retry after a timeout):
            // the refund may have happened. refund_query tells.
            Err(Error::GatewayRejected { code, message }) if !errcode_kind(&code).is_definite() => {
                result.gateway_code = Some(code);
                result.message = Some(message);
            }
            Err(e) => return Err(e),
        }
        Ok(result)
    }

    /// A refund is an order of its own (ord_type 2) named by the refund number. The seed points
    /// to paystatus for its state; order/view gives the same status plus `original_ord_no`,
    /// which is checked against the original order so a refund number of another order is
    /// never reported as this order's refund.
    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        ORDER_NO_RULE.check("order_no", order_no)?;
        OUT_NO_RULE.check("refund_no", refund_no)?;
        let refund = self.order_view(&OrderRef::out_no(refund_no).into()).await?;
        if refund.ord_type != Some(ord_type::REFUND) {
            return Err(Error::invalid("refund_no", format!("{refund_no} is not a refund order at tlinx")));
        }
        if let Some(original) = refund.original_ord_no.as_deref().filter(|o| !o.is_empty()) {
            let order = self.order_view(&OrderRef::out_no(order_no).into()).await?;
            if order.ord_no.as_deref() != Some(original) {
                return Err(Error::invalid("refund_no", format!("{refund_no} refunds another order than {order_no}")));
            }
        }
        Ok(RefundResult {
            order_no: order_no.to_string(),
            refund_no: refund_no.to_string(),
            state: refund_state(refund.status),
            amount: refund.trade_amount,
            gateway_refund_no: refund.ord_no,
            gateway_code: refund.status.map(|s| s.to_string()),
            message: None,
        })
    }

    fn qr_rules(&self) -> Option<crate::qr::QrRules> {
        Some(self.qr_rules_here())
    }

    fn validate_qr(&self, req: &crate::qr::QrPaymentRequest) -> Result<()> {
        self.validate_qr_order(req)
    }

    async fn qr_order(&self, req: &crate::qr::QrPaymentRequest, _expiry: Duration) -> Result<String> {
        self.qr_payorder_code(req).await
    }

    /// Cancels or reverses the order. paycancel only takes unpaid barcode orders (status 2/9);
    /// a paid one answers 8012 ("refund it instead"), so a paid order is reversed by refunding
    /// its full amount under a refund number derived from the order number: a retried cancel
    /// meets 8020 (number used) and reads that refund's state instead of refunding twice.
    async fn cancel(&self, order_no: &str) -> Result<TradeResult> {
        ORDER_NO_RULE.check("order_no", order_no)?;
        match self.paycancel(&OrderRef::out_no(order_no).into()).await {
            Ok(resp) => {
                let state = match resp.ord_status {
                    Some(status::CANCELLED) => TradeState::Closed,
                    other => trade_state(other),
                };
                let mut r = trade_result(order_no, state);
                r.gateway_trade_no = resp.ord_no;
                r.gateway_code = resp.ord_status.map(|s| s.to_string());
                Ok(r)
            }
            Err(Error::GatewayRejected { code, message }) if code == "8012" => {
                self.reverse(order_no, Error::rejected(code, message)).await
            }
            Err(Error::GatewayRejected { code, message }) if !errcode_kind(&code).is_definite() => {
                Ok(unknown_outcome(order_no, code, message))
            }
            Err(e) => Err(e),
        }
    }

    /// System errors and "number used before" may hide a charge or a refund.
    fn is_definite(&self, err: &Error) -> bool {
        !matches!(err, Error::GatewayRejected { code, .. } if !errcode_kind(code).is_definite())
    }

    fn is_order_not_found(&self, err: &Error) -> bool {
        matches!(err, Error::GatewayRejected { code, .. } if errcode_kind(code) == ErrKind::NotFound)
    }

    fn verify_notification(&self, fields: &RawFields) -> Result<Notification> {
        super::verify_notification(fields, &self.credentials().open_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    type GatewayConfig = Config<Credentials>;
    use crate::secret::Secret;

    fn client(poll: Option<PollSchedule>) -> Client {
        let mut creds = Credentials::new("oid", Secret::new("0828e83720fdbe3685a7b94214af04f9"));
        creds.shop_pass = None;
        let mut cfg = GatewayConfig::new("http://127.0.0.1:9", creds);
        cfg.allow_http = true;
        cfg.poll = poll;
        Client::new(cfg).unwrap()
    }

    #[test]
    fn default_schedule() {
        let s = client(None).schedule();
        assert_eq!(s.first_query_after, Duration::from_secs(3));
        assert_eq!(s.interval, Duration::from_secs(3));
        assert_eq!(s.deadline, Duration::from_secs(60));
        assert_eq!(s.earliest_reverse, Duration::from_secs(15));
        let custom = PollSchedule {
            first_query_after: Duration::from_millis(1),
            interval: Duration::from_millis(2),
            deadline: Duration::from_millis(3),
            earliest_reverse: Duration::from_millis(4),
        };
        assert_eq!(client(Some(custom)).schedule(), custom);
    }

    #[test]
    fn bad_keys_refused_at_construction() {
        let cfg = GatewayConfig::new("https://x", Credentials::new("oid", Secret::new("short")));
        let e = Client::new(cfg).err().unwrap();
        assert!(matches!(e, Error::Configuration { .. }));
        assert!(!e.to_string().contains("short"));
    }

    #[test]
    fn every_operation_listed() {
        let names: Vec<_> = crate::gateway::Operations::operations(&client(None)).iter().map(|o| o.name).collect();
        assert_eq!(names, ["paylist", "order", "order_view", "payorder", "paystatus", "paycancel", "payrefund"]);
    }

    #[tokio::test]
    async fn refund_without_password_is_refused_before_sending() {
        let c = client(None);
        let req = PayrefundRequest {
            out_no: Some("A1".into()),
            ord_no: None,
            refund_out_no: "R1".into(),
            refund_ord_name: None,
            refund_amount: Money::from_fen(1, "a").unwrap(),
            remark: None,
            shop_pass: None,
        };
        let e = c.payrefund(&req).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "shop_pass"), "{e:?}");
    }

    #[test]
    fn reversal_numbers_are_stable_and_valid() {
        let a = reversal_no("A1");
        assert_eq!(a, reversal_no("A1"));
        assert_ne!(a, reversal_no("A2"));
        assert!(OUT_NO_RULE.check("refund_out_no", &a).is_ok());
        assert!(OUT_NO_RULE.check("refund_out_no", &reversal_no(&"9".repeat(64))).is_ok());
    }

    #[test]
    fn replayed_answers_not_trusted() {
        assert!(same_order(&OrderRef::out_no("A1"), Some("A1"), Some("9")).is_ok());
        assert!(same_order(&OrderRef::out_no("A1"), None, None).is_ok());
        assert!(matches!(same_order(&OrderRef::out_no("A1"), Some("A2"), None), Err(Error::SignatureInvalid { .. })));
        assert!(matches!(same_order(&OrderRef::ord_no("9"), None, Some("8")), Err(Error::SignatureInvalid { .. })));
    }
}
