//! Scan code as the common [`Gateway`]: the cashier's barcode payments (micropay) on the
//! journalled payment machine, query, refund, refund query, cancel and close, and the
//! verification of pushes and notifications.

use async_trait::async_trait;

use super::Client;
use crate::config::PollSchedule;
use crate::error::{Error, Result};
use crate::gateway::{Gateway, Notification, PayoutStatus};
use crate::trade::*;

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Mmsp
    }

    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: std::time::Duration::from_secs(5),
            interval: std::time::Duration::from_secs(5),
            deadline: std::time::Duration::from_secs(60),
            earliest_reverse: std::time::Duration::from_secs(15),
        })
    }

    fn validate_pay(&self, _req: &PayRequest) -> Result<()> {
        Err(unbuilt())
    }

    async fn pay(&self, _req: &PayRequest) -> Result<TradeResult> {
        Err(unbuilt())
    }

    async fn query(&self, _order_no: &str) -> Result<TradeResult> {
        Err(unbuilt())
    }

    async fn refund(&self, _req: &RefundRequest) -> Result<RefundResult> {
        Err(unbuilt())
    }

    async fn refund_query(&self, _order_no: &str, _refund_no: &str) -> Result<RefundResult> {
        Err(unbuilt())
    }

    async fn cancel(&self, _order_no: &str) -> Result<TradeResult> {
        Err(unbuilt())
    }

    fn verify_notification(&self, _fields: &RawFields) -> Result<Notification> {
        Err(unbuilt())
    }

    // Payout wiring (mmsp-payout branch; the lead merges it with scan's is_definite).
    async fn payout_status(&self, payout_no: &str) -> Result<PayoutStatus> {
        self.query_payout_status(payout_no).await
    }

    /// Payout refusals carry a 4-digit RETCODE: not definite unless its class is F (digest §4.8).
    fn is_definite(&self, err: &Error) -> bool {
        match err {
            Error::GatewayRejected { code, .. } if code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()) => {
                super::payout_wire::retcode_is_definite(code)
            }
            _ => true,
        }
    }
}

fn unbuilt() -> Error {
    Error::Unsupported { what: "mmsp: scan code is not built yet".into() }
}
