//! One typed Kotlin object per gateway (`gate.chaoying().facePay(...)`), derived from each
//! gateway's one operation list in posgate-core (`posgate_core::each_gateway!`): a gateway added
//! there is typed here without a line of this crate changing. Requests and answers are the core's
//! own types (they derive the FFI traits behind posgate-core's `uniffi` feature), so Kotlin sees
//! every field with its Rust doc comment; amounts are fen `Long`.
//!
//! - a call (read, setting, pre-order, refund, cancel, close) is a `suspend` method answering the
//!   operation's typed answer, journalled by its declared effect exactly as `invoke` is;
//! - a charge (face pay, a gateway's own barcode pay) is a payment: the method journals it,
//!   starts it and returns its [`PaymentHandle`] (result, events, cancel), like `startPayment`.

use std::sync::Arc;

use posgate_core as core;

use crate::error::PosGateError;
use crate::{adapt_listener, runtime, PaymentHandle, PaymentListener, PosGate};

macro_rules! typed_gateway {
    ($id:ident $name:ident
     calls { $( $call:path => $call_method:ident, )* }
     charges { $( $charge:path => $charge_method:ident, )* }) => {
        /// The typed operations of one gateway, from `PosGate`'s accessor named after the gateway.
        /// Every method validates its request (naming the bad field) before anything is recorded
        /// or sent.
        #[derive(uniffi::Object)]
        pub struct $id {
            engine: Arc<core::engine::Engine>,
        }

        #[uniffi::export]
        impl $id {
            $(
                /// Sends this operation and answers its typed answer; an operation that moves
                /// money is journalled before it is sent and its answer recorded. A refusal is
                /// `PosGateException.GatewayRejected`.
                pub async fn $call_method(
                    &self,
                    request: $call,
                ) -> Result<<$call as core::Operation>::Answer, PosGateError> {
                    // Only preparing the call is per operation; the rest is compiled once.
                    let prepared = self.engine.prepare(request)?;
                    runtime::call(self.engine.clone(), prepared).await?.downcast().map(|a| *a).map_err(|_| {
                        PosGateError::Internal { detail: "the answer changed type".into() }
                    })
                }
            )*
            $(
                /// Starts this charge as a payment and returns at once: it is journalled before
                /// this returns, sent once, then followed (queries, reverse at the deadline) until
                /// settled. The same order number again attaches to the payment under way.
                pub fn $charge_method(
                    &self,
                    request: $charge,
                    listener: Option<Arc<dyn PaymentListener>>,
                ) -> Result<Arc<PaymentHandle>, PosGateError> {
                    let inner = self.engine.charge(request, adapt_listener(listener))?;
                    Ok(Arc::new(PaymentHandle { inner }))
                }
            )*
        }

        #[uniffi::export]
        impl PosGate {
            /// This gateway's own operations, typed. Throws `Unsupported` when this `PosGate` is
            /// connected to another gateway.
            pub fn $name(&self) -> Result<Arc<$id>, PosGateError> {
                if self.gw.id() != core::GatewayId::$id {
                    return Err(PosGateError::Unsupported {
                        what: format!("this PosGate is connected to {}, not {}", self.gw.id(), core::GatewayId::$id),
                    });
                }
                Ok(Arc::new($id { engine: self.engine.clone() }))
            }
        }
    };
}

core::each_gateway!(typed_gateway);
