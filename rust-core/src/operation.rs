//! The unit of declaration: one wire operation of one gateway. Each operation is a typed request
//! that implements [`Operation`] (its name, answer type, validation, effect on money) and its
//! gateway's wire trait (endpoint, fields); the gateway's list in [`operations!`] then derives
//! the typed client method, `invoke` by name, `operations()` for the CLI and the journal's
//! handling from that one declaration.
//!
//! This layer sits above the vocabulary and the wire helpers and below the gateway modules: it
//! knows nothing of the journal or the engine. The journal reads an operation's [`Effect`] and
//! [`Movement`] to decide what to record before it is sent.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::trade::TradeResult;

/// What an operation does to money, and so what the journal records before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Reads state (queries, lists, lookups): nothing recorded.
    Read,
    /// Changes merchant settings, not money (registration, bindings): nothing recorded.
    Setup,
    /// Charges the payer now (barcode, face): journalled as a payment and followed by the
    /// payment machine until settled.
    Charge,
    /// Creates an order the payer pays later (QR, JSAPI, mini program): journalled as a
    /// payment waiting for the payer.
    PreOrder,
    /// Returns money to the payer: journalled as a refund.
    Refund,
    /// Cancels or reverses an order (money may go back): journalled as a cancel.
    Cancel,
    /// Closes an unpaid order: journalled as a cancel.
    Close,
    /// Pays money out of the merchant's account: journalled as a payout.
    Payout,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Read => "read",
            Effect::Setup => "setup",
            Effect::Charge => "charge",
            Effect::PreOrder => "pre_order",
            Effect::Refund => "refund",
            Effect::Cancel => "cancel",
            Effect::Close => "close",
            Effect::Payout => "payout",
        }
    }

    /// Moves money (or may): written to the journal before it is sent.
    #[inline]
    pub const fn moves_money(self) -> bool {
        !matches!(self, Effect::Read | Effect::Setup)
    }
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation as listed by `operations()` (CLI, docs, bindings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation's one name: the typed method's name and the `invoke` name.
    pub name: &'static str,
    pub summary: &'static str,
    pub effect: Effect,
}

/// The money an operation moves, as the journal records it before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The merchant's order the money belongs to.
    pub order_no: String,
    /// The number the journal keys the movement by: the order number for charges, pre-orders,
    /// cancels and closes; the refund or payout number otherwise.
    pub number: String,
    /// The amount; zero for a cancel or close (the journal takes the order's).
    pub amount: Money,
}

impl Movement {
    /// A charge, pre-order, cancel or close of `order_no`.
    pub fn order(order_no: impl Into<String>, amount: Money) -> Movement {
        let order_no = order_no.into();
        Movement { number: order_no.clone(), order_no, amount }
    }

    /// A refund or payout `number` of `order_no`.
    pub fn numbered(order_no: impl Into<String>, number: impl Into<String>, amount: Money) -> Movement {
        Movement { order_no: order_no.into(), number: number.into(), amount }
    }
}

/// One wire operation, declared once. The request is the implementing type; serialising it
/// gives the journal's copy (barcodes, face codes and openids are [`crate::secret::Masked`], so
/// that copy is masked), deserialising it is how `invoke` reads JSON params.
pub trait Operation: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The typed answer; a refusal is never an answer but an `Err(GatewayRejected)`.
    type Answer: Serialize + Send + Sync + 'static;

    const INFO: OperationInfo;

    /// What this request does to money: its declared effect, unless one operation covers
    /// several (TLinx's payorder charges in its barcode scenario, pre-orders otherwise).
    fn effect(&self) -> Effect {
        Self::INFO.effect
    }

    /// Refuses bad input, naming the field, before anything is sent.
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// The money this operation moves (for an effect that moves money). `None` for reads.
    fn movement(&self) -> Option<Movement> {
        None
    }

    /// The payer's wallet ("wechat", "alipay", ...), where the request tells it: the payment
    /// code's format, or a wallet the operation is for. `None` leaves it to the answer's channel
    /// (the shift report reads it from there).
    fn payer_wallet(&self) -> Option<&'static str> {
        None
    }

    /// For a charge: what its answer says about the payment. A final state settles the payment
    /// at once; paying or unknown hands it to the poll loop.
    fn settlement(&self, answer: &Self::Answer) -> Option<TradeResult> {
        let _ = answer;
        None
    }
}

/// An operation called by name: its answer as JSON and, for a charge, what it says about the
/// payment.
#[cfg(feature = "invoke")]
#[derive(Debug, Clone, PartialEq)]
pub struct Invoked {
    pub answer: serde_json::Value,
    pub trade: Option<TradeResult>,
}

/// Reads `invoke` params as the typed request `O`, naming the bad field.
#[cfg(feature = "invoke")]
pub fn params<O: Operation>(value: serde_json::Value) -> Result<O> {
    serde_json::from_value(value).map_err(|e| Error::invalid(format!("{}.params", O::INFO.name), e.to_string()))
}

/// What a typed request would do, validated before anything is recorded or sent.
pub fn describe<O: Operation>(req: &O) -> Result<Described> {
    req.validate()?;
    let effect = req.effect();
    // Only what moves money is journalled: a read's copy is never made, and for the many
    // operations whose effect is their declared constant the serializer is not even compiled
    // into the library (its size, README "Library size").
    let journal_copy = if effect.moves_money() { journal_copy(req)? } else { String::new() };
    Ok(Described { info: O::INFO, effect, movement: req.movement(), journal_copy, wallet: req.payer_wallet() })
}

/// The journal's (masked) copy of a request.
pub fn journal_copy<O: Serialize>(req: &O) -> Result<String> {
    serde_json::to_string(req).map_err(|e| Error::internal(e.to_string()))
}

/// An unknown operation name, listing the gateway's names.
#[cfg(feature = "invoke")]
pub fn unknown(gateway: crate::trade::GatewayId, name: &str, known: &[OperationInfo]) -> Error {
    Error::Unsupported {
        what: format!(
            "{gateway} has no operation {name:?} (one of: {})",
            known.iter().map(|o| o.name).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Declares a gateway's operations on its client, once. Each gateway lists its operations in an
/// exported macro (`chaoying_operations!`, ...) as `calls { Request => method, ... }` (everything
/// answered at once: reads, settings, pre-orders, refunds, cancels) and `charges { ... }` (charges
/// the payer now: followed as a payment); the list is expanded here into the typed method
/// `client.method(&req)` and the gateway's [`crate::gateway::Operations`] (the listing, `invoke`
/// by name, the movement each would journal), and by posgate-android into the typed Kotlin API.
/// Every name comes from the request's own [`Operation::INFO`]; which group an operation is in is
/// checked against its declared effect at compile time.
macro_rules! operations {
    ($client:ty;
     calls { $( $call:path => $call_method:ident ),* $(,)? }
     charges { $( $charge:path => $charge_method:ident ),* $(,)? }) => {
        $(
            const _: () = assert!(
                !matches!(<$call as $crate::operation::Operation>::INFO.effect, $crate::operation::Effect::Charge),
                concat!(stringify!($call), " is a charge: list it under charges")
            );
        )*
        $(
            const _: () = assert!(
                matches!(<$charge as $crate::operation::Operation>::INFO.effect, $crate::operation::Effect::Charge),
                concat!(stringify!($charge), " is not a charge: list it under calls")
            );
        )*
        // Charges first: the listing (CLI, Kotlin's `operations()`) opens with the payments.
        $crate::operation::operations!(@client $client; $( $charge => $charge_method, )* $( $call => $call_method, )*);
    };
    (@client $client:ty; $( $op:path => $method:ident, )*) => {
        impl $client {
            $(
                #[doc = concat!("Sends `", stringify!($method), "`; see [`", stringify!($op), "`].")]
                pub async fn $method(&self, req: &$op)
                    -> $crate::error::Result<<$op as $crate::operation::Operation>::Answer>
                {
                    self.call(req).await
                }
            )*
        }

        $(
            impl $crate::client::Routed for $op {
                type Client = $client;
            }
        )*

        #[::async_trait::async_trait]
        impl $crate::gateway::Operations for $client {
            fn into_any(self: ::std::sync::Arc<Self>)
                -> ::std::sync::Arc<dyn ::std::any::Any + Send + Sync>
            {
                self
            }

            fn operations(&self) -> &'static [$crate::operation::OperationInfo] {
                const LIST: &[$crate::operation::OperationInfo] =
                    &[$( <$op as $crate::operation::Operation>::INFO ),*];
                LIST
            }

            #[cfg(feature = "invoke")]
            #[allow(unused_imports, unused_variables)] // a list still being filled is empty
            async fn invoke(&self, name: &str, params: ::serde_json::Value)
                -> $crate::error::Result<$crate::operation::Invoked>
            {
                use $crate::operation::Operation as _;
                $(
                    if name.eq_ignore_ascii_case(<$op>::INFO.name) {
                        let req: $op = $crate::operation::params(params)?;
                        let answer = self.call(&req).await?;
                        let trade = req.settlement(&answer);
                        let answer = ::serde_json::to_value(&answer)
                            .map_err(|e| $crate::error::Error::internal(e.to_string()))?;
                        return Ok($crate::operation::Invoked { answer, trade });
                    }
                )*
                Err($crate::operation::unknown(
                    $crate::gateway::Gateway::id(self), name, $crate::gateway::Operations::operations(self)))
            }

            #[cfg(feature = "invoke")]
            #[allow(unused_imports, unused_variables)]
            fn describe(&self, name: &str, params: &::serde_json::Value)
                -> $crate::error::Result<$crate::operation::Described>
            {
                use $crate::operation::Operation as _;
                $(
                    if name.eq_ignore_ascii_case(<$op>::INFO.name) {
                        let req: $op = $crate::operation::params(params.clone())?;
                        return $crate::operation::describe(&req);
                    }
                )*
                Err($crate::operation::unknown(
                    $crate::gateway::Gateway::id(self), name, $crate::gateway::Operations::operations(self)))
            }
        }
    };
}

pub(crate) use operations;

/// What an operation called by name would do, read before it is sent (validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub info: OperationInfo,
    /// This request's effect (see [`Operation::effect`]).
    pub effect: Effect,
    pub movement: Option<Movement>,
    /// The request as the journal records it (masked).
    pub journal_copy: String,
    /// The payer's wallet, where the request tells it ([`Operation::payer_wallet`]).
    pub wallet: Option<&'static str>,
}

/// The wallet whose format a payment code has ("wechat", "alipay", ...).
pub fn code_wallet(code: &crate::secret::Masked) -> Option<&'static str> {
    crate::rules::wallet_of_code(code.expose()).map(|w| w.key())
}
