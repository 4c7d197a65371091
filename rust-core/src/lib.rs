//! posgate-core: the FFI-free heart of posgate. Money, order numbers, the unified trade
//! vocabulary, transport, crypto, the five gateway modules and the payment state machine.

pub mod beijing;
pub mod client;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod engine;
pub mod error;
pub mod gateway;
pub mod ids;
pub mod journal;
pub mod money;
pub mod operation;
pub mod payment;
pub mod qr;
pub mod registry;
pub mod rules;
pub mod secret;
mod tls;
pub mod trade;
pub mod transport;
pub mod wire;

// The FFI scaffolding (its tag type) must sit at the crate root.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
#[cfg(feature = "uniffi")]
pub mod ffi;

pub mod chaoying;
pub mod kuaishou;
pub mod mmsp;
pub mod sunmi;
pub mod tlinx;

// The fuzz targets' way in to the answer readers that are private to their client (fuzz/).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use config::{Environment, PollSchedule};
pub use error::{Error, Result};
pub use gateway::{Gateway, Notification, Operations, PayoutState, PayoutStatus};
pub use money::{Money, MoneyError};
pub use operation::{Effect, Movement, Operation, OperationInfo};
pub use payment::{pay_and_wait, PaymentEvent, PaymentListener};
pub use qr::{qr_matrix, QrCode, QrMatrix, QrPaymentRequest, Wallet};
pub use registry::{connect, Credentials, GatewayConfig};
pub use secret::{Masked, Secret};
pub use trade::{
    GatewayId, PayRequest, RawFields, RefundRequest, RefundResult, RefundState, Swipe, SwipeKind, TradeResult,
    TradeState,
};
