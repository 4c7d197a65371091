//! Sunmi typed requests and responses of every operation of seed 000, the code tables of
//! chapter 7, the enums of chapter 3 (cardType, cardGov) and of the answers (orderType, platform,
//! state), and how they map onto [`TradeState`] / [`RefundState`] / [`Error`].
//!
//! Requests deserialize from `invoke` JSON under the seed's own field names (`orderId`,
//! `totalAmount`, ...), amounts as integer fen whatever the wire unit: `jsApiPay.totalAmount` goes
//! out in yuan ("0.01"), `miniPay.totalAmount` and `refund.amount` in fen (SPEC-NOTES "Money").
//! Every request is checked before anything is sent, the error naming the field. Responses are
//! read leniently (the seed mixes `"amount": 200` and `"amount": "200"`), amounts become
//! [`Money`], and fields the seed does not list are kept in `extra`.
//!
//! One file per concern, all re-exported here: `codes` (the code tables, the enums, how each
//! operation reads a code and the state mapping), `call` (the order number rules, [`Call`],
//! [`FromData`]), `form` (the request form and its checks), the operations by family, each request
//! with its declaration and answer: `swipe` (swipeQuery), `bind` (payBind and the official
//! account's two steps), `prepay` (jsApiPay, miniPay), `trade` (query, refund), and `callback`
//! (the payment and refund callbacks).
//!
//! Answers are read leniently with the shared readers (`crate::wire::de`); sunmi's amounts,
//! numbers and codes are read with surrounding whitespace trimmed (`de::*_trimmed`, `trimmed`
//! code tables).
//!
//! [`TradeState`]: crate::trade::TradeState
//! [`RefundState`]: crate::trade::RefundState
//! [`Error`]: crate::error::Error
//! [`Money`]: crate::money::Money

mod bind;
mod call;
mod callback;
mod codes;
mod form;
mod prepay;
mod swipe;
mod trade;

pub use bind::*;
pub use call::*;
pub use callback::*;
pub use codes::*;
pub use prepay::*;
pub use swipe::*;
pub use trade::*;

#[cfg(test)]
mod test_support {
    use crate::error::Error;
    use crate::secret::Secret;
    use crate::sunmi::Credentials;

    pub(super) fn creds() -> Credentials {
        let mut c = Credentials::new("app", Secret::new("k"));
        c.merchant_no = Some("820291573790006".into());
        c.msn = Some("V206D88200036".into());
        c
    }

    pub(super) fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("not invalid input: {other:?}"),
        }
    }
}
