//! Chaoying typed requests and responses of every operation of seed 001, the seed's code tables,
//! and how the codes map onto [`TradeState`] / [`RefundState`].
//!
//! Requests deserialize from `invoke` JSON (amounts as integer fen) and are validated before
//! anything is sent. Responses are decoded from the verified answer fields; amounts become
//! [`Money`], the nested JSON strings (`promotion_detail`, `refund_list`, `partner_list`,
//! `pay_info`) become typed values, and every field the seed does not list is kept in `extra`.
//!
//! One file per concern, all re-exported here: `codes` (the code tables, [`Status`] and its
//! mapping, how an answer is [`Read`]), `records` (the nested JSON records and `goods_detail`),
//! `call` (the order number rules, [`Call`], [`WithStatus`], [`decode`]), `form` (the request
//! form and the shared checks), `de` (the lenient answer readers), and the operations by family,
//! each request with its declaration and answer: `pay` (pay, facepay, getfaceauth), `order`
//! (orderquery, cancel, refund, refundquery), `preorder` (WECHAT_PreOrder, ALIPAY_PreOrder) and
//! `merchant` (the merchant extras and WXA_Code2Session).
//!
//! [`TradeState`]: crate::trade::TradeState
//! [`RefundState`]: crate::trade::RefundState
//! [`Money`]: crate::money::Money

mod call;
mod codes;
mod form;
mod merchant;
mod order;
mod pay;
mod preorder;
mod records;

pub use call::*;
pub use codes::*;
pub use merchant::*;
pub use order::*;
pub use pay::*;
pub use preorder::*;
pub use records::*;

/// Lenient readers for answer values (shared with sunmi in `crate::wire::de`): top-level
/// values arrive as text, nested JSON values as text or numbers; empty and null mean absent.
/// Chaoying reads amounts and numbers exactly (no whitespace trimming).
mod de;

#[cfg(test)]
mod test_support {
    use super::{decode, WithStatus};
    use crate::chaoying::{protocol, Credentials};
    use crate::error::{Error, Result};
    use crate::money::Money;
    use crate::secret::Secret;

    pub(super) fn fen(n: i64) -> Money {
        Money::from_fen(n, "t").unwrap()
    }

    pub(super) fn creds() -> Credentials {
        Credentials::new("00000001", "yunpos", Secret::new("k"))
    }

    pub(super) fn answer<T: WithStatus>(json: &str) -> T {
        decode(&protocol::parse_answer(json).unwrap()).unwrap()
    }

    pub(super) fn field_of(r: Result<()>) -> String {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
}
