//! Every MMSP operation's typed request and answer, one declaration each.

mod call;
mod payout;

pub use call::*;
pub use payout::*;

/// QQ micropay's CommandID as the seed prints it (0x0308, answer 0x8916; digest A1): it collides
/// with quick pay's bind query (not open). 2326 (0x0916) is the only other candidate; the
/// credentials' `qq_micropay_command` overrides it.
pub const QQ_MICROPAY: u32 = 776;
