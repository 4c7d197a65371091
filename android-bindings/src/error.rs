//! The public error as Kotlin sees it: `PosGateException.InvalidInput`, `.Network`, ...
//! Each carries what the app needs to act: the field to fix, whether the outcome is unknown,
//! the gateway's own code.

use posgate_core::Error;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PosGateError {
    /// Refused before anything was sent; `field` names the input to fix.
    #[error("invalid input: {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The network failed. `outcome_unknown`: the request may have reached the gateway, so the
    /// payment must be queried (same order number), never retried as a new one.
    #[error("network error: {detail}")]
    Network { detail: String, outcome_unknown: bool },
    /// The gateway refused; `code` is the gateway's own code.
    #[error("gateway rejected: {code}: {detail}")]
    GatewayRejected { code: String, detail: String },
    #[error("signature invalid: {detail}")]
    SignatureInvalid { detail: String },
    #[error("unsupported: {what}")]
    Unsupported { what: String },
    #[error("configuration error: {detail}")]
    Configuration { detail: String },
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

impl From<Error> for PosGateError {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidInput { field, reason } => PosGateError::InvalidInput { field, reason },
            Error::Network { message, outcome_unknown } => PosGateError::Network { detail: message, outcome_unknown },
            Error::GatewayRejected { code, message } => PosGateError::GatewayRejected { code, detail: message },
            Error::SignatureInvalid { detail } => PosGateError::SignatureInvalid { detail },
            Error::Unsupported { what } => PosGateError::Unsupported { what },
            Error::Configuration { detail } => PosGateError::Configuration { detail },
            Error::Internal { detail } => PosGateError::Internal { detail },
        }
    }
}

impl From<posgate_core::MoneyError> for PosGateError {
    fn from(e: posgate_core::MoneyError) -> Self {
        Error::from(e).into()
    }
}

/// A Kotlin callback that threw something other than `PosGateException`.
impl From<uniffi::UnexpectedUniFFICallbackError> for PosGateError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PosGateError::Internal { detail: format!("callback failed: {}", e.reason) }
    }
}
