//! TLinx typed requests and responses (seed 004, section 4), the errcode table (5.1) and the
//! mapping of order status onto [`TradeState`].
//!
//! Requests serialize to the JSON that is AES-encrypted into `data`; amounts are integer fen, the
//! wire unit. Responses are lenient where the seed's own examples are inconsistent (`"1"` and
//! `1` for the same field) and keep every field they do not name in `extra`.
//!
//! One file per concern, all re-exported here: `codes` (the errcode table, order status and type,
//! the state mapping), `call` (the endpoint paths, the number rules, [`Call`]), `records` (incl. [`same_order`]),
//! `checks` (the field checks requests share), `flex` (the lenient answer readers), `records`
//! ([`OrderRef`], [`OrderInfo`]), and the operations by family, each request with its declaration
//! and answer: `list` (paylist, the order list), `order` (order/view, paystatus, paycancel),
//! `payorder` (every payorder scenario) and `refund` (payrefund).
//!
//! [`TradeState`]: crate::trade::TradeState

mod call;
mod checks;
mod codes;
mod list;
mod order;
mod payorder;
mod records;
mod refund;

pub use call::*;
pub use checks::{check_auth_code, CODE_WALLETS};
pub use codes::*;
pub use list::*;
pub use order::*;
pub use payorder::*;
pub use records::*;
pub use refund::*;

/// Deserializers for fields the seed shows both as strings and as numbers.
mod flex;

#[cfg(test)]
mod test_support {
    use crate::error::Error;
    use crate::money::Money;

    pub(super) fn fen(n: i64) -> Money {
        Money::from_fen(n, "t").unwrap()
    }

    pub(super) fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
}
