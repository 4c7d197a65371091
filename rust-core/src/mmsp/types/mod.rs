//! Every MMSP operation's typed request and answer, one declaration each.
//!
//! Scan code (扫码): `scan_codes` (the shared rules, tables, answers and their mapping onto the
//! common vocabulary), `scan_orders` (pre-orders, H5, micropays), `scan_manage` (query, cancel,
//! close, refund, refund query) and `notify` (push 2324 and the quick-pay / gateway
//! notifications).

mod bind;
mod call;
mod gateway_pay;
mod notify;
mod payout;
mod quick;
mod quick_query;
mod quick_rules;
mod scan_codes;
#[cfg(test)]
mod scan_fixtures;
mod scan_manage;
mod scan_orders;

pub use bind::*;
pub use call::*;
pub use gateway_pay::*;
pub use notify::*;
pub use payout::*;
pub use quick::{
    MmspQuickAck, MmspQuickPayConfirmRequest, MmspQuickPayRequest, MmspQuickSmsResendRequest,
    MmspUnionPayQuickOrderRequest, MmspUnionPayQuickOrderResponse,
};
pub use quick_query::*;
pub use quick_rules::{MmspCardType, MmspTradeStatus};
pub use scan_codes::*;
pub use scan_manage::*;
pub use scan_orders::*;

/// QQ micropay's CommandID as the seed prints it (0x0308, answer 0x8916; digest A1): it collides
/// with quick pay's bind query (not open). 2326 (0x0916) is the only other candidate; the
/// credentials' `qq_micropay_command` overrides it.
pub const QQ_MICROPAY: u32 = 776;

#[cfg(test)]
mod quick_tests;
