//! Every MMSP operation's typed request and answer, one declaration each.

mod bind;
mod call;
mod gateway_pay;
mod payout;
mod quick;
mod quick_query;

pub use bind::*;
pub use call::*;
pub use gateway_pay::*;
pub use payout::*;
pub use quick::{
    MmspCardType, MmspQuickAck, MmspQuickPayConfirmRequest, MmspQuickPayRequest, MmspQuickSmsResendRequest,
    MmspTradeStatus, MmspUnionPayQuickOrderRequest, MmspUnionPayQuickOrderResponse,
};
pub use quick_query::*;

/// QQ micropay's CommandID as the seed prints it (0x0308, answer 0x8916; digest A1): it collides
/// with quick pay's bind query (not open). 2326 (0x0916) is the only other candidate; the
/// credentials' `qq_micropay_command` overrides it.
pub const QQ_MICROPAY: u32 = 776;

#[cfg(test)]
mod quick_tests;
