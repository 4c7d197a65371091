//! The Chaoying HTTP client: one typed method per operation of the seed, and the [`Gateway`]
//! impl for the operations common to all gateways.
//!
//! Typed methods return `Ok` with the typed answer whenever a trustworthy answer arrived,
//! whatever it says (read `status`, or call `status.check()`); `Err` means input refused before
//! sending, no answer, or an answer that cannot be trusted. The [`Gateway`] methods interpret the
//! answers: only a definite refusal becomes `Err(GatewayRejected)`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use super::protocol;
use super::types::*;
use super::Credentials;
use crate::config::{GatewayConfig, PollSchedule};
use crate::error::{Error, Result};
use crate::gateway::{params, to_json, Gateway, Notification, OperationInfo};
use crate::ids::require;
use crate::money::Money;
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

pub struct Client {
    config: GatewayConfig,
    creds: Credentials,
    http: Transport,
    paytypes: Mutex<PayTypes>,
}

const OPERATIONS: &[OperationInfo] = &[
    OperationInfo { name: "pay", summary: "Barcode payment (B scans C) with the payer's auth_code" },
    OperationInfo { name: "facepay", summary: "WeChat face payment with the face SDK's openid and face_code" },
    OperationInfo { name: "getfaceauth", summary: "Face SDK call credentials (authinfo) for the device's rawdata" },
    OperationInfo { name: "orderquery", summary: "Query an order by out_trade_no or transaction_id" },
    OperationInfo { name: "refund", summary: "Refund all or part of a paid order" },
    OperationInfo { name: "refundquery", summary: "Query refunds by out_refund_no or refund_id" },
    OperationInfo { name: "cancel", summary: "Cancel an order: close it if unpaid, reverse it if paid" },
    OperationInfo { name: "wechat_preorder", summary: "WeChat pre-order: JSAPI pay_info or NATIVE QR code_url" },
    OperationInfo { name: "alipay_preorder", summary: "Alipay pre-order: service window pay_info or NATIVE QR" },
    OperationInfo { name: "mch_reg", summary: "Register a Chaoying virtual merchant" },
    OperationInfo { name: "getmchsmsvalid", summary: "Text a verification code for GetMchId to a mobile" },
    OperationInfo { name: "getmchid", summary: "Get the merchant number by mobile + code or user name + password" },
    OperationInfo { name: "getpartnerid", summary: "The merchant's WeChat sub-merchant numbers per channel" },
    OperationInfo { name: "getmchinfo", summary: "The merchant's full and short names" },
    OperationInfo { name: "wxa_code2session", summary: "Mini program login code to openid and session key" },
];

impl Client {
    pub fn new(config: GatewayConfig) -> Result<Client> {
        let crate::config::Credentials::Chaoying(creds) = &config.credentials else {
            return Err(Error::config(format!("chaoying client given {} credentials", config.gateway())));
        };
        let creds = creds.clone();
        if creds.key.is_empty() {
            return Err(Error::config("chaoying: the signing key is empty"));
        }
        for (name, value) in [("mch_id", &creds.mch_id), ("pid", &creds.pid), ("version", &creds.version)] {
            if value.trim().is_empty() {
                return Err(Error::config(format!("chaoying: credentials {name} is empty")));
            }
        }
        let http = Transport::new(config.transport())?;
        Ok(Client { config, creds, http, paytypes: Mutex::new(PayTypes::default()) })
    }

    /// Sends one operation and returns its verified, typed answer.
    pub async fn call<R: Call>(&self, req: &R) -> Result<R::Response> {
        req.validate()?;
        let mut fields = req.fields(&self.creds);
        if let Some(agent) = self.creds.agent_id.as_deref().filter(|a| !a.is_empty()) {
            fields.insert("agent_id".into(), agent.into());
        }
        fields.insert("version".into(), self.creds.version.clone());
        fields.insert("pid".into(), self.creds.pid.clone());
        if let Some(method) = R::ENDPOINT.method() {
            fields.insert("method".into(), method.into());
        }
        let url = format!("{}{}", self.config.base_url, R::ENDPOINT.path());
        let form = protocol::signed_form(&fields, self.creds.key.expose());
        let body = self.http.post_form(&url, &form).await?;
        let answer = protocol::parse_answer(&body)?;
        self.check_signature(&answer, R::SIGNED_SUCCESS)?;
        let typed: R::Response = decode(&answer)?;
        let s = typed.status();
        tracing::debug!(target: "posgate::chaoying", op = R::NAME, state = %s.state, code = %s.code, "answer");
        Ok(typed)
    }

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

    /// The wallet of an order this client did not start (after a restart, recovery queries,
    /// reverses and refunds orders from the journal): ask each wallet until one knows the order.
    /// Guessing WeChat for an Alipay order would read "no such order" and could settle a paid
    /// order as failed.
    async fn wallet_of(&self, order_no: &str) -> PayType {
        if let Some(p) = self.remembered(order_no) {
            return p;
        }
        for p in PayType::ALL {
            let req = OrderQueryRequest { paytype: p, out_trade_no: Some(order_no.to_string()), transaction_id: None };
            match self.orderquery(&req).await {
                Ok(r)
                    if r.status.query_verdict() == Verdict::Rejected
                        && self.is_order_not_found(&r.status.rejection()) => {}
                Ok(_) => {
                    self.remember(order_no, p);
                    return p;
                }
                Err(e) if self.is_order_not_found(&e) => {}
                // No usable answer: WeChat for now; the next call asks again.
                Err(_) => return PayType::Wechat,
            }
        }
        PayType::Wechat
    }

    // --- one typed method per operation of the seed

    /// `pay`: barcode payment.
    pub async fn barcode_pay(&self, req: &BarcodePayRequest) -> Result<TradeResponse> {
        req.validate()?;
        self.remember(&req.out_trade_no, PayType::from_auth_code(&req.auth_code).unwrap_or(PayType::Wechat));
        self.call(req).await
    }

    /// `facepay`: face payment.
    pub async fn facepay(&self, req: &FacePayRequest) -> Result<TradeResponse> {
        req.validate()?;
        self.remember(&req.out_trade_no, req.paytype);
        self.call(req).await
    }

    /// `getfaceauth`: face SDK credentials.
    pub async fn getfaceauth(&self, req: &FaceAuthRequest) -> Result<FaceAuthResponse> {
        self.call(req).await
    }

    /// `orderquery`.
    pub async fn orderquery(&self, req: &OrderQueryRequest) -> Result<TradeResponse> {
        self.call(req).await
    }

    /// `refund`.
    pub async fn trade_refund(&self, req: &TradeRefundRequest) -> Result<TradeRefundResponse> {
        self.call(req).await
    }

    /// `refundquery`.
    pub async fn refundquery(&self, req: &RefundQueryRequest) -> Result<RefundQueryResponse> {
        self.call(req).await
    }

    /// `cancel`.
    pub async fn trade_cancel(&self, req: &CancelRequest) -> Result<CancelResponse> {
        self.call(req).await
    }

    /// `WECHAT_PreOrder`.
    pub async fn wechat_preorder(&self, req: &WechatPreOrderRequest) -> Result<WechatPreOrderResponse> {
        req.validate()?;
        self.remember(&req.out_trade_no, PayType::Wechat);
        self.call(req).await
    }

    /// `ALIPAY_PreOrder`.
    pub async fn alipay_preorder(&self, req: &AlipayPreOrderRequest) -> Result<AlipayPreOrderResponse> {
        req.validate()?;
        self.remember(&req.out_trade_no, PayType::Alipay);
        self.call(req).await
    }

    /// `Mch_Reg`.
    pub async fn mch_reg(&self, req: &MchRegRequest) -> Result<MchRegResponse> {
        self.call(req).await
    }

    /// `GetMchSMSValid`.
    pub async fn get_mch_sms_valid(&self, req: &MchSmsValidRequest) -> Result<MchSmsValidResponse> {
        self.call(req).await
    }

    /// `GetMchId`.
    pub async fn get_mch_id(&self, req: &GetMchIdRequest) -> Result<GetMchIdResponse> {
        self.call(req).await
    }

    /// `GetPartnerId`.
    pub async fn get_partner_id(&self, req: &GetPartnerIdRequest) -> Result<GetPartnerIdResponse> {
        self.call(req).await
    }

    /// `GetMchInfo`.
    pub async fn get_mch_info(&self, req: &GetMchInfoRequest) -> Result<GetMchInfoResponse> {
        self.call(req).await
    }

    /// `WXA_Code2Session`.
    pub async fn wxa_code2session(&self, req: &Code2SessionRequest) -> Result<Code2SessionResponse> {
        self.call(req).await
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

fn trade_result(order_no: &str, state: TradeState, r: &TradeResponse, paytype: PayType) -> TradeResult {
    TradeResult {
        order_no: order_no.to_string(),
        state,
        // The order amount (base_fee); total_fee is what the payer paid after promotions.
        amount: r.base_fee.or(r.total_fee),
        gateway_trade_no: r.transaction_id.clone(),
        channel: Some(paytype.as_str().to_string()),
        gateway_code: Some(r.status.code.as_str().to_string()),
        message: r.status.msg.clone(),
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

    /// WeChat's rules apply upstream: query every 5 s from 5 s up to 45 s, never reverse sooner
    /// than 15 s after the pay call.
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: Duration::from_secs(5),
            interval: Duration::from_secs(5),
            deadline: Duration::from_secs(45),
            earliest_reverse: Duration::from_secs(15),
        })
    }

    fn validate_pay(&self, req: &PayRequest) -> Result<()> {
        ORDER_NO.check("order_no", &req.order_no)?;
        if req.amount.is_zero() {
            return Err(Error::invalid("amount", "must be greater than zero"));
        }
        require("auth_code", &req.auth_code)?;
        if req.auth_code.len() > 64 || !req.auth_code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::invalid("auth_code", "letters and digits only, at most 64"));
        }
        require("subject", &req.subject)
    }

    async fn pay(&self, req: &PayRequest) -> Result<TradeResult> {
        self.validate_pay(req)?;
        let typed = BarcodePayRequest {
            out_trade_no: req.order_no.clone(),
            total_fee: req.amount,
            auth_code: req.auth_code.clone(),
            body: req.subject.clone(),
            device_info: req.terminal_id.clone(),
            op_shop_id: req.store_id.clone(),
            op_device_id: req.terminal_id.clone(),
            ..Default::default()
        };
        let paytype = PayType::from_auth_code(&req.auth_code).unwrap_or(PayType::Wechat);
        let r = self.barcode_pay(&typed).await?;
        check_echo(&r.out_trade_no, &req.order_no)?;
        match r.status.pay_verdict() {
            Verdict::Rejected => Err(r.status.rejection()),
            Verdict::State(state) => Ok(trade_result(&req.order_no, state, &r, paytype)),
        }
    }

    async fn query(&self, order_no: &str) -> Result<TradeResult> {
        ORDER_NO.check("order_no", order_no)?;
        let paytype = self.wallet_of(order_no).await;
        let req = OrderQueryRequest { paytype, out_trade_no: Some(order_no.to_string()), transaction_id: None };
        let r = self.orderquery(&req).await?;
        check_echo(&r.out_trade_no, order_no)?;
        match r.status.query_verdict() {
            Verdict::Rejected => Err(r.status.rejection()),
            Verdict::State(TradeState::Refunded) => Ok(trade_result(order_no, refund_state(&r), &r, paytype)),
            Verdict::State(state) => Ok(trade_result(order_no, state, &r, paytype)),
        }
    }

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        ORDER_NO.check("order_no", &req.order_no)?;
        REFUND_NO.check("refund_no", &req.refund_no)?;
        if req.refund_amount.is_zero() {
            return Err(Error::invalid("refund_amount", "must be greater than zero"));
        }
        let total = match req.total_amount {
            Some(t) if t.is_zero() => return Err(Error::invalid("total_amount", "must be greater than zero")),
            Some(t) => t,
            None => self.order_amount(&req.order_no).await?,
        };
        if req.refund_amount > total {
            return Err(Error::invalid("refund_amount", format!("exceeds the order amount {total}")));
        }
        let typed = TradeRefundRequest {
            paytype: self.wallet_of(&req.order_no).await,
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
            paytype: self.wallet_of(order_no).await,
            out_refund_no: Some(refund_no.to_string()),
            refund_id: None,
        };
        let r = self.refundquery(&req).await?;
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
        let paytype = self.wallet_of(order_no).await;
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

    fn operations(&self) -> &'static [OperationInfo] {
        OPERATIONS
    }

    async fn invoke(&self, name: &str, p: serde_json::Value) -> Result<serde_json::Value> {
        let op = name.to_ascii_lowercase();
        match op.as_str() {
            "pay" => to_json(&self.barcode_pay(&params(&op, p)?).await?),
            "facepay" => to_json(&self.facepay(&params(&op, p)?).await?),
            "getfaceauth" => to_json(&self.getfaceauth(&params(&op, p)?).await?),
            "orderquery" => to_json(&self.orderquery(&params(&op, p)?).await?),
            "refund" => to_json(&self.trade_refund(&params(&op, p)?).await?),
            "refundquery" => to_json(&self.refundquery(&params(&op, p)?).await?),
            "cancel" => to_json(&self.trade_cancel(&params(&op, p)?).await?),
            "wechat_preorder" => to_json(&self.wechat_preorder(&params(&op, p)?).await?),
            "alipay_preorder" => to_json(&self.alipay_preorder(&params(&op, p)?).await?),
            "mch_reg" => to_json(&self.mch_reg(&params(&op, p)?).await?),
            "getmchsmsvalid" => to_json(&self.get_mch_sms_valid(&params(&op, p)?).await?),
            "getmchid" => to_json(&self.get_mch_id(&params(&op, p)?).await?),
            "getpartnerid" => to_json(&self.get_partner_id(&params(&op, p)?).await?),
            "getmchinfo" => to_json(&self.get_mch_info(&params(&op, p)?).await?),
            "wxa_code2session" => to_json(&self.wxa_code2session(&params(&op, p)?).await?),
            _ => Err(Error::Unsupported {
                what: format!(
                    "chaoying has no operation {name:?} (one of: {})",
                    OPERATIONS.iter().map(|o| o.name).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }

    /// Also checks the notification is for this merchant: an agent's key may sign for several.
    fn order_intent(&self, name: &str, params: &serde_json::Value) -> Option<crate::gateway::OrderIntent> {
        let intent =
            |order_no: String, amount, charges_now| Some(crate::gateway::OrderIntent { order_no, amount, charges_now });
        match name.to_ascii_lowercase().as_str() {
            "pay" => serde_json::from_value::<BarcodePayRequest>(params.clone())
                .ok()
                .and_then(|r| intent(r.out_trade_no, r.total_fee, true)),
            "facepay" => serde_json::from_value::<FacePayRequest>(params.clone())
                .ok()
                .and_then(|r| intent(r.out_trade_no, r.total_fee, true)),
            "wechat_preorder" => serde_json::from_value::<WechatPreOrderRequest>(params.clone())
                .ok()
                .and_then(|r| intent(r.out_trade_no, r.total_fee, false)),
            "alipay_preorder" => serde_json::from_value::<AlipayPreOrderRequest>(params.clone())
                .ok()
                .and_then(|r| intent(r.out_trade_no, r.total_fee, false)),
            _ => None,
        }
    }

    fn is_order_not_found(&self, err: &Error) -> bool {
        matches!(err, Error::GatewayRejected { code, .. } if code == "20007")
    }

    fn verify_notification(&self, fields: &RawFields) -> Result<Notification> {
        let n = protocol::verify_notification(fields, &self.creds.key)?;
        match fields.get("mch_id") {
            Some(m) if !m.is_empty() && *m != self.creds.mch_id => {
                Err(Error::invalid("mch_id", format!("notification is for merchant {m}, not {}", self.creds.mch_id)))
            }
            _ => Ok(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn client() -> Client {
        let creds = Credentials::new("00000001", "yunpos", Secret::new("k"));
        let mut cfg = GatewayConfig::new("http://127.0.0.1:9", crate::config::Credentials::Chaoying(creds));
        cfg.allow_http = true;
        Client::new(cfg).unwrap()
    }

    #[test]
    fn schedule_is_chaoyings_unless_overridden() {
        let s = client().schedule();
        assert_eq!(s.first_query_after, Duration::from_secs(5));
        assert_eq!(s.interval, Duration::from_secs(5));
        assert_eq!(s.deadline, Duration::from_secs(45));
        assert_eq!(s.earliest_reverse, Duration::from_secs(15));
    }

    #[test]
    fn every_operation_is_listed() {
        let names: Vec<_> = client().operations().iter().map(|o| o.name).collect();
        assert_eq!(names.len(), 15);
        for n in [
            BarcodePayRequest::NAME,
            FacePayRequest::NAME,
            FaceAuthRequest::NAME,
            OrderQueryRequest::NAME,
            TradeRefundRequest::NAME,
            RefundQueryRequest::NAME,
            CancelRequest::NAME,
            WechatPreOrderRequest::NAME,
            AlipayPreOrderRequest::NAME,
            MchRegRequest::NAME,
            MchSmsValidRequest::NAME,
            GetMchIdRequest::NAME,
            GetPartnerIdRequest::NAME,
            GetMchInfoRequest::NAME,
            Code2SessionRequest::NAME,
        ] {
            assert!(names.contains(&n), "{n}");
        }
    }

    #[test]
    fn paytype_memory_is_bounded() {
        let c = client();
        c.remember("PG0000001", PayType::Alipay);
        assert_eq!(c.remembered("PG0000001"), Some(PayType::Alipay));
        assert_eq!(c.remembered("PG0000002"), None, "unknown orders are looked up, not guessed");
        for i in 0..PAYTYPE_MEMORY {
            c.remember(&format!("X{i:08}"), PayType::Qq);
        }
        assert_eq!(c.remembered("PG0000001"), None);
        assert_eq!(c.paytypes.lock().unwrap().map.len(), PAYTYPE_MEMORY);
    }

    #[test]
    fn unsigned_success_is_refused_unsigned_refusal_is_read() {
        let c = client();
        let mut a = RawFields::new();
        a.insert("state".into(), "SUCCESS".into());
        a.insert("code".into(), "10000".into());
        assert!(matches!(c.check_signature(&a, true), Err(Error::SignatureInvalid { .. })));
        assert!(c.check_signature(&a, false).is_ok());
        a.insert("state".into(), "FAIL".into());
        assert!(c.check_signature(&a, true).is_ok());
        a.insert("sign".into(), protocol::sign(&a, "k"));
        assert!(c.check_signature(&a, true).is_ok());
        a.insert("msg".into(), "tampered".into());
        assert!(matches!(c.check_signature(&a, true), Err(Error::SignatureInvalid { .. })));
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
        let cfg = GatewayConfig::new("http://127.0.0.1:9", crate::config::Credentials::Chaoying(creds));
        assert!(matches!(Client::new(cfg), Err(Error::Configuration { .. })));
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_sending() {
        let c = client();
        let req = PayRequest {
            order_no: "PG 1".into(),
            amount: Money::from_fen(1, "a").unwrap(),
            auth_code: "134567890120000".into(),
            subject: "x".into(),
            terminal_id: None,
            store_id: None,
        };
        assert!(matches!(c.pay(&req).await, Err(Error::InvalidInput { field, .. }) if field == "order_no"));
        assert!(matches!(c.query("x").await, Err(Error::InvalidInput { field, .. }) if field == "order_no"));
        let e = c.invoke("pay", serde_json::json!({"out_trade_no": "PG0001"})).await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "pay.params"));
        assert!(matches!(c.invoke("nope", serde_json::json!({})).await, Err(Error::Unsupported { .. })));
    }
}
