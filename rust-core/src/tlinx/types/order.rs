//! The operations that name one order: 4.3 order/view, 4.5 paystatus and 4.6 paycancel.

use serde::{Deserialize, Serialize};

use super::call::{path, Call};
use super::flex;
use super::records::same_order;
use super::records::{OrderInfo, OrderRef};
use crate::error::Result;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct PaycancelResponse {
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    /// 4 once cancelled. (The seed's example spells it `ord_stautus`.)
    #[serde(alias = "ord_stautus", deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_status: Option<i64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// Declares an operation whose request names one order (order/view, paystatus, paycancel).
macro_rules! order_ref_operation {
    ($(#[$doc:meta])* $name:ident, $op:literal, $summary:literal, $effect:ident, $path:expr, $answer:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub OrderRef);

        // An order reference by another name: `OrderRef` in Kotlin.
        #[cfg(feature = "uniffi")]
        uniffi::custom_type!($name, OrderRef, { lower: |r| r.0, try_lift: |r| Ok($name(r)) });

        impl From<OrderRef> for $name {
            fn from(r: OrderRef) -> $name {
                $name(r)
            }
        }

        impl std::ops::Deref for $name {
            type Target = OrderRef;

            fn deref(&self) -> &OrderRef {
                &self.0
            }
        }

        impl Operation for $name {
            type Answer = $answer;
            const INFO: OperationInfo = OperationInfo { name: $op, summary: $summary, effect: Effect::$effect };

            fn validate(&self) -> Result<()> {
                self.0.validate()
            }

            fn movement(&self) -> Option<Movement> {
                if !Effect::$effect.moves_money() {
                    return None;
                }
                let order_no = self.0.out_no.clone().or_else(|| self.0.ord_no.clone()).unwrap_or_default();
                Some(Movement::order(order_no, Money::default()))
            }
        }
    };
}

order_ref_operation!(
    /// 4.3 order/view: one order (payment or refund) in detail.
    OrderViewRequest,
    "order_view",
    "one order in detail, by out_no or ord_no (4.3)",
    Read,
    path::ORDER_VIEW,
    OrderInfo
);

impl Call for OrderViewRequest {
    const PATH: &'static str = path::ORDER_VIEW;

    fn check(&self, info: &OrderInfo) -> Result<()> {
        same_order(self, info.out_no.as_deref(), info.ord_no.as_deref())
    }
}

order_ref_operation!(
    /// 4.5 paystatus: the status of a payment or refund order.
    PaystatusRequest,
    "paystatus",
    "payment or refund order status, by out_no or ord_no (4.5)",
    Read,
    path::PAYSTATUS,
    OrderInfo
);

impl Call for PaystatusRequest {
    const PATH: &'static str = path::PAYSTATUS;

    fn check(&self, info: &OrderInfo) -> Result<()> {
        same_order(self, info.out_no.as_deref(), info.ord_no.as_deref())
    }
}

order_ref_operation!(
    /// 4.6 paycancel: cancels an unpaid (barcode) order.
    PaycancelRequest,
    "paycancel",
    "cancel an unpaid barcode order (4.6)",
    Cancel,
    path::PAYCANCEL,
    PaycancelResponse
);

impl Call for PaycancelRequest {
    const PATH: &'static str = path::PAYCANCEL;

    fn check(&self, resp: &PaycancelResponse) -> Result<()> {
        if self.out_no.is_none() {
            same_order(self, None, resp.ord_no.as_deref())?;
        }
        Ok(())
    }
}
