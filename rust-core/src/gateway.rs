//! The shape every gateway module shares. Each module has `protocol` (canonical string, signing,
//! encryption), `types` (typed requests and responses, code tables), and `client` (the HTTP
//! calls), and its client implements [`Gateway`] for the operations common to all gateways.
//! Every other operation of a gateway stays reachable by name through [`Gateway::invoke`], which
//! takes and returns JSON of the typed request and response (CLI and bindings use it).

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{Credentials, GatewayConfig, PollSchedule};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::trade::{GatewayId, PayRequest, RawFields, RefundRequest, RefundResult, TradeResult, TradeState};

/// A verified notification (asynchronous payment result) from a gateway.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notification {
    pub gateway: GatewayId,
    pub order_no: String,
    pub state: TradeState,
    pub amount: Option<Money>,
    pub gateway_trade_no: Option<String>,
    /// Every received field, as received.
    pub fields: RawFields,
    /// The exact text to answer the gateway with so it stops retrying.
    pub ack: String,
}

/// An operation, called through [`Gateway::invoke`], that creates an order: the journal records
/// it before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderIntent {
    pub order_no: String,
    pub amount: Money,
    /// Charges at once (barcode, face): followed by the payment state machine. Otherwise a
    /// pre-order (QR, JSAPI, mini program) that waits for the payer and a notification.
    pub charges_now: bool,
}

/// One operation a gateway offers by name through [`Gateway::invoke`].
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    pub name: &'static str,
    pub summary: &'static str,
}

#[async_trait]
pub trait Gateway: Send + Sync {
    fn id(&self) -> GatewayId;

    /// The gateway's poll-after-paying schedule (or the configuration's override).
    fn schedule(&self) -> PollSchedule;

    /// Checks a barcode payment against the gateway's rules. Called before anything is sent.
    fn validate_pay(&self, req: &PayRequest) -> Result<()>;

    /// Barcode (B scans C) payment. A system error or "paying" answer comes back as
    /// `Ok` with state `Unknown` / `Paying`; `Err(GatewayRejected)` means definitely not charged.
    async fn pay(&self, req: &PayRequest) -> Result<TradeResult>;

    async fn query(&self, order_no: &str) -> Result<TradeResult>;

    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult>;

    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult>;

    /// Cancel / reverse the order (returns the money if it was charged).
    async fn cancel(&self, order_no: &str) -> Result<TradeResult>;

    /// Close an unpaid order, where the gateway distinguishes close from cancel.
    async fn close(&self, order_no: &str) -> Result<TradeResult> {
        let _ = order_no;
        Err(Error::Unsupported { what: format!("{}: close (use cancel)", self.id()) })
    }

    /// Every operation of the gateway, by name.
    fn operations(&self) -> &'static [OperationInfo];

    /// Calls operation `name` with its typed request given as JSON; returns the typed response
    /// as JSON. Unknown names give `Unsupported`; malformed params give `InvalidInput`.
    async fn invoke(&self, name: &str, params: serde_json::Value) -> Result<serde_json::Value>;

    /// Verifies a notification on the raw received fields and maps it.
    fn verify_notification(&self, fields: &RawFields) -> Result<Notification>;

    /// The order that operation `name` with `params` would create, if it creates one.
    fn order_intent(&self, name: &str, params: &serde_json::Value) -> Option<OrderIntent> {
        let _ = (name, params);
        None
    }

    /// Whether `err` is the gateway saying it has no such order (so a request never arrived).
    fn is_order_not_found(&self, err: &Error) -> bool {
        let _ = err;
        false
    }
}

/// Builds the client for a configuration.
pub fn connect(config: GatewayConfig) -> Result<Arc<dyn Gateway>> {
    match &config.credentials {
        Credentials::Sunmi(_) => Ok(Arc::new(crate::sunmi::Client::new(config)?)),
        Credentials::Chaoying(_) => Ok(Arc::new(crate::chaoying::Client::new(config)?)),
        Credentials::Tlinx(_) => Ok(Arc::new(crate::tlinx::Client::new(config)?)),
    }
}

/// Deserializes `invoke` params into a typed request, naming the bad field.
pub fn params<T: serde::de::DeserializeOwned>(op: &str, value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::invalid(format!("{op}.params"), e.to_string()))
}

/// Serializes a typed response for `invoke`.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::internal(e.to_string()))
}
