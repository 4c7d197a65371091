//! The small public error the cashier app acts on. Each module keeps a richer error of its own
//! (`MoneyError`, `TransportError`, `chaoying::Error`, `tlinx::Error`) and converts into this one
//! at the module's boundary, so the app sees few cases and each case says what to do next.

use crate::money::MoneyError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Refused before anything was sent. `field` names the input to fix.
    #[error("invalid input: {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The network failed. When `outcome_unknown` is true the request may have reached the
    /// gateway: the payment is neither paid nor failed until a query says so.
    #[error("network error{}: {message}", if *outcome_unknown { " (outcome unknown)" } else { "" })]
    Network { message: String, outcome_unknown: bool },
    /// The gateway answered and refused. `code` is the gateway's own code.
    #[error("gateway rejected: {code}: {message}")]
    GatewayRejected { code: String, message: String },
    /// An answer or notification whose signature does not verify: never trusted.
    #[error("signature invalid: {detail}")]
    SignatureInvalid { detail: String },
    #[error("unsupported: {what}")]
    Unsupported { what: String },
    #[error("configuration error: {detail}")]
    Configuration { detail: String },
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidInput { field: field.into(), reason: reason.into() }
    }

    pub fn rejected(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error::GatewayRejected { code: code.into(), message: message.into() }
    }

    pub fn config(detail: impl Into<String>) -> Error {
        Error::Configuration { detail: detail.into() }
    }

    pub fn internal(detail: impl Into<String>) -> Error {
        Error::Internal { detail: detail.into() }
    }

    pub fn signature(detail: impl Into<String>) -> Error {
        Error::SignatureInvalid { detail: detail.into() }
    }

    /// True when the request may have taken effect at the gateway although we have no answer
    /// we can trust: the caller must query, never treat it as failed.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Error::Network { outcome_unknown: true, .. } | Error::SignatureInvalid { .. })
    }
}

impl From<MoneyError> for Error {
    fn from(e: MoneyError) -> Error {
        Error::InvalidInput { field: e.field().to_string(), reason: e.to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
