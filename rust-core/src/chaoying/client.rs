use async_trait::async_trait;

use crate::config::{GatewayConfig, PollSchedule};
use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification, OperationInfo};
use crate::trade::*;

pub struct Client {
    #[allow(dead_code)]
    config: GatewayConfig,
}

impl Client {
    pub fn new(config: GatewayConfig) -> Result<Client> {
        Ok(Client { config })
    }
}

fn todo<T>() -> Result<T> {
    Err(Error::Unsupported { what: "chaoying: not supported yet".into() })
}

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Chaoying
    }
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: std::time::Duration::from_secs(5),
            interval: std::time::Duration::from_secs(5),
            deadline: std::time::Duration::from_secs(45),
            earliest_reverse: std::time::Duration::from_secs(15),
        })
    }
    fn validate_pay(&self, _req: &PayRequest) -> Result<()> {
        Ok(())
    }
    async fn pay(&self, _req: &PayRequest) -> Result<TradeResult> {
        todo()
    }
    async fn query(&self, _order_no: &str) -> Result<TradeResult> {
        todo()
    }
    async fn refund(&self, _req: &RefundRequest) -> Result<RefundResult> {
        todo()
    }
    async fn refund_query(&self, _order_no: &str, _refund_no: &str) -> Result<RefundResult> {
        todo()
    }
    async fn cancel(&self, _order_no: &str) -> Result<TradeResult> {
        todo()
    }
    fn operations(&self) -> &'static [OperationInfo] {
        &[]
    }
    async fn invoke(&self, _name: &str, _params: serde_json::Value) -> Result<serde_json::Value> {
        todo()
    }
    fn verify_notification(&self, _fields: &RawFields) -> Result<Notification> {
        todo()
    }
}
