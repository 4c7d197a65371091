//! Scan code's order management (digest §6.2-6.3): query 2310, cancel 2311, close 2314, refund
//! 2312 and refund query 2313. The order is named by `MERORDERID`, plus the platform's `ORDERNO`
//! when known (the seed prints both 必须 but asks for one of them; digest A33).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, SubApi};
use super::scan_codes::*;
use crate::error::{Error, Result};
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};

/// The Body naming an order: `MERORDERID` and/or `ORDERNO`, checked.
fn order_body(mer_order_id: Option<&str>, platform_order_no: Option<&str>) -> Result<Body> {
    check_order(mer_order_id, platform_order_no)?;
    Ok(Body::default().opt("MERORDERID", mer_order_id).opt("ORDERNO", platform_order_no))
}

fn check_order(mer_order_id: Option<&str>, platform_order_no: Option<&str>) -> Result<()> {
    if let Some(n) = mer_order_id {
        SCAN_NUMBER.check("mer_order_id", n)?;
    }
    if let Some(n) = platform_order_no {
        SCAN_NUMBER.check("platform_order_no", n)?;
    }
    if mer_order_id.is_none() && platform_order_no.is_none() {
        return Err(Error::invalid("mer_order_id", "name the order: mer_order_id or platform_order_no"));
    }
    Ok(())
}

/// `0x0906` 查询订单: where an order stands (1 paid, 2 failed, 3 paying).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspScanQueryRequest {
    /// `MERORDERID`: the merchant's order number (this or `platform_order_no`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    /// `ORDERNO`: the platform's order number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_order_no: Option<String>,
}

impl MmspScanQueryRequest {
    pub fn by_mer_order_id(mer_order_id: &str) -> MmspScanQueryRequest {
        MmspScanQueryRequest { mer_order_id: Some(mer_order_id.into()), platform_order_no: None }
    }
}

impl Operation for MmspScanQueryRequest {
    type Answer = MmspScanOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "scan_query",
        summary: "2310: a scan-code order's state (1 paid, 2 failed, 3 paying); [-2002] when there is none",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        check_order(self.mer_order_id.as_deref(), self.platform_order_no.as_deref())
    }
}

impl Call for MmspScanQueryRequest {
    fn decode(body: Value) -> std::result::Result<MmspScanOrderResponse, String> {
        MmspScanOrderResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2310;
    /// Every state is an answer.
    const ANSWERS: &'static [&'static str] = &["1", "2", "3"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        order_body(self.mer_order_id.as_deref(), self.platform_order_no.as_deref())?.done()
    }

    fn check(&self, a: &MmspScanOrderResponse) -> Result<()> {
        match &self.mer_order_id {
            Some(n) => same_number("MERORDERID", n, a.mer_order_id.as_deref()),
            None => {
                same_number("ORDERNO", self.platform_order_no.as_deref().unwrap_or(""), a.platform_order_no.as_deref())
            }
        }
    }
}

/// Cancel and close: one shape, their effect and CommandID apart.
macro_rules! order_change {
    ($(#[$doc:meta])* $name:ident, $command:literal, $effect:ident, $op:literal, $summary:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// `MERORDERID`: the merchant's order number.
            pub mer_order_id: String,
            /// `ORDERNO`: the platform's order number, when known.
            #[serde(default)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub platform_order_no: Option<String>,
        }

        impl $name {
            pub fn of(mer_order_id: &str) -> $name {
                $name { mer_order_id: mer_order_id.into(), platform_order_no: None }
            }
        }

        impl Operation for $name {
            type Answer = MmspScanOrderResponse;
            const INFO: OperationInfo = OperationInfo { name: $op, summary: $summary, effect: Effect::$effect };

            fn validate(&self) -> Result<()> {
                check_order(Some(&self.mer_order_id), self.platform_order_no.as_deref())
            }

            fn movement(&self) -> Option<Movement> {
                Some(Movement::order(&self.mer_order_id, Money::ZERO))
            }
        }

        impl Call for $name {
            fn decode(body: Value) -> std::result::Result<MmspScanOrderResponse, String> {
                MmspScanOrderResponse::from_body(body)
            }

            const SUB_API: SubApi = SubApi::Scan;
            const COMMAND: u32 = $command;

            fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
                order_body(Some(&self.mer_order_id), self.platform_order_no.as_deref())?.done()
            }

            fn check(&self, a: &MmspScanOrderResponse) -> Result<()> {
                same_number("MERORDERID", &self.mer_order_id, a.mer_order_id.as_deref())
            }
        }
    };
}

order_change!(
    /// `0x0907` 撤销订单: cancels (reverses) an order; a paid one is returned to the payer. Not
    /// sooner than 15 s after the pay call (the seed's rule). `STATUS` 2 (撤单失败) is a
    /// refusal: query, and cancel again.
    MmspScanCancelRequest, 2311, Cancel, "scan_cancel",
    "2311: cancel (reverse) a scan-code order, no sooner than 15 s after paying; a paid one is returned"
);
order_change!(
    /// `0x090A` 关闭订单: closes an unpaid order. `STATUS` 2 (关闭订单失败) is a refusal.
    MmspScanCloseRequest, 2314, Close, "scan_close", "2314: close an unpaid scan-code order"
);

/// `0x0908` 退款: part or all of a paid order. `STATUS` 1 "受理成功" (accepted) is the
/// platform's only success; 2 (退款失败) is a refusal. A retry reuses `refund_no`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspScanRefundRequest {
    /// `MERORDERID`: the paid order's number.
    pub mer_order_id: String,
    /// `ORDERNO`: the platform's number of the order, when known.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_order_no: Option<String>,
    /// `REFUND_MERORDERID`: the refund's own number, unique, at most 20 letters and digits.
    pub refund_no: String,
    /// `AMT`: the refund, fen (the seed states the unit in the answer only; digest A32).
    pub amount: Money,
}

impl Operation for MmspScanRefundRequest {
    type Answer = MmspScanRefundResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "scan_refund",
        summary: "2312: refund part or all of a paid scan-code order (STATUS 1: accepted, the only success)",
        effect: Effect::Refund,
    };

    fn validate(&self) -> Result<()> {
        check_order(Some(&self.mer_order_id), self.platform_order_no.as_deref())?;
        SCAN_NUMBER.check("refund_no", &self.refund_no)?;
        crate::rules::amount(crate::trade::GatewayId::Mmsp, "amount", self.amount)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::numbered(&self.mer_order_id, &self.refund_no, self.amount))
    }
}

impl Call for MmspScanRefundRequest {
    fn decode(body: Value) -> std::result::Result<MmspScanRefundResponse, String> {
        MmspScanRefundResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2312;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        order_body(Some(&self.mer_order_id), self.platform_order_no.as_deref())?
            .put("REFUND_MERORDERID", self.refund_no.as_str())
            .fen("AMT", self.amount)
            .done()
    }

    fn check(&self, a: &MmspScanRefundResponse) -> Result<()> {
        same_number("REFUND_MERORDERID", &self.refund_no, a.refund_no.as_deref())
    }
}

/// `0x0909` 退款查询订单: a refund's state (1 accepted, 2 failed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspScanRefundQueryRequest {
    /// `REFUND_MERORDERID`: the merchant's refund number (this or `platform_refund_no`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_no: Option<String>,
    /// `REFUND_ORDERNO`: the platform's refund number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub platform_refund_no: Option<String>,
}

impl Operation for MmspScanRefundQueryRequest {
    type Answer = MmspScanRefundResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "scan_refund_query",
        summary: "2313: a scan-code refund's state (1 accepted, 2 failed); [-2002] when there is none",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        if let Some(n) = &self.refund_no {
            SCAN_NUMBER.check("refund_no", n)?;
        }
        if let Some(n) = &self.platform_refund_no {
            SCAN_NUMBER.check("platform_refund_no", n)?;
        }
        if self.refund_no.is_none() && self.platform_refund_no.is_none() {
            return Err(Error::invalid("refund_no", "name the refund: refund_no or platform_refund_no"));
        }
        Ok(())
    }
}

impl Call for MmspScanRefundQueryRequest {
    fn decode(body: Value) -> std::result::Result<MmspScanRefundResponse, String> {
        MmspScanRefundResponse::from_body(body)
    }

    const SUB_API: SubApi = SubApi::Scan;
    const COMMAND: u32 = 2313;
    /// 2 (退款失败) is the refund's state, not a refusal of the query.
    const ANSWERS: &'static [&'static str] = &["1", "2"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .opt("REFUND_MERORDERID", self.refund_no.as_deref())
            .opt("REFUND_ORDERNO", self.platform_refund_no.as_deref())
            .done()
    }

    fn check(&self, a: &MmspScanRefundResponse) -> Result<()> {
        match &self.refund_no {
            Some(n) => same_number("REFUND_MERORDERID", n, a.refund_no.as_deref()),
            None => Ok(()),
        }
    }
}
