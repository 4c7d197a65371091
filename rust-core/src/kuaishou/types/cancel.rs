//! `cancelTrade` (8.x): GET `/cancelTrade/{chargeCode}/{busiCode}`, signed over
//! `chargeCode={c}&busiCode={b}` instead of a body. Without `opType` the cancel is real-time
//! (实时撤单); `opType=ACO` applies for one (申请撤单, `STATE` 3 until done). `AREADY_REVOKED`
//! ("already cancelled") is an answer, not a refusal.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::{Call, WithResult};
use super::codes::{ResultCode, State};
use super::records::*;
use crate::error::Result;
use crate::kuaishou::{protocol, Credentials};
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};

/// `cancelTrade`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct CancelTradeRequest {
    /// The merchant's `CHARGE_CODE` of the order.
    pub charge_code: String,
    /// `opType=ACO`: apply for the cancel instead of cancelling in real time.
    #[serde(default)]
    pub apply: bool,
}

impl CancelTradeRequest {
    pub fn real_time(charge_code: impl Into<String>) -> CancelTradeRequest {
        CancelTradeRequest { charge_code: charge_code.into(), apply: false }
    }
}

impl Operation for CancelTradeRequest {
    type Answer = CancelResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "cancel_trade",
        summary: "cancelTrade: cancel an order in real time, or apply for its cancel (opType ACO)",
        effect: Effect::Cancel,
    };

    fn validate(&self) -> Result<()> {
        CHARGE_CODE.check("charge_code", &self.charge_code)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.charge_code, Money::ZERO))
    }
}

impl Call for CancelTradeRequest {
    const ROOT: &'static str = "CANCELTRADE_RESP";

    fn path(&self, creds: &Credentials) -> Vec<String> {
        vec!["cancelTrade".into(), self.charge_code.clone(), creds.busi_code.clone()]
    }

    fn query(&self, _: &Credentials) -> Vec<(String, String)> {
        if self.apply {
            vec![("opType".into(), "ACO".into())]
        } else {
            Vec::new()
        }
    }

    fn body(&self, _: &Credentials) -> Option<serde_json::Map<String, Value>> {
        None
    }

    fn signed_text(&self, creds: &Credentials) -> String {
        protocol::cancel_text(&self.charge_code, &creds.busi_code)
    }

    fn answers(code: &ResultCode) -> bool {
        code.is_success() || *code == ResultCode::AreadyRevoked
    }
}

/// `CANCELTRADE_RESP` (8.2): `RESULT` only in the seed; the vendor SDK's model also reads the
/// order's fields, kept when present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "KuaishouCancelResponse"))]
pub struct CancelResponse {
    #[serde(rename = "RESULT")]
    pub result: ResultInfo,
    #[serde(rename = "STATE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<State>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl CancelResponse {
    /// Cancelled now, or before (`AREADY_REVOKED`).
    pub fn cancelled(&self) -> bool {
        self.result.code.is_success() || self.result.code == ResultCode::AreadyRevoked
    }
}

impl WithResult for CancelResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    #[test]
    fn seed_8_x() {
        let a: CancelResponse = answer("8.3", "CANCELTRADE_RESP");
        assert!(a.cancelled());
        assert_eq!(a.result.info.as_deref(), Some("撤单成功"));
        let r = CancelTradeRequest::real_time("1C88FADB-75D2-4517-9C38-F273D423FFF3");
        assert_eq!(r.signed_text(&creds()), "chargeCode=1C88FADB-75D2-4517-9C38-F273D423FFF3&busiCode=0010000001");
        assert!(r.query(&creds()).is_empty());
        let aco = CancelTradeRequest { apply: true, ..r };
        assert_eq!(aco.query(&creds()), [("opType".to_string(), "ACO".to_string())]);
        assert!(CancelTradeRequest::answers(&ResultCode::AreadyRevoked));
        assert!(!CancelTradeRequest::answers(&ResultCode::ChargeNonexistent));
        assert_eq!(field_of(CancelTradeRequest::real_time("").validate().unwrap_err()), "charge_code");
    }
}
