//! Payout and balance (代付): RSA both ways with key pairs the simulator makes for this process.

use posgate_core::mmsp::Credentials;
use serde_json::{Map, Value};

use super::{negative, Answer};
use crate::sim::Handled;
use crate::Ctx;

/// Puts the sandbox's payout keys into the merchant's credentials.
pub(super) fn configure(creds: &mut Credentials) {
    let _ = creds;
}

pub(super) fn handle(ctx: &Ctx, message: Map<String, Value>) -> Handled<Answer> {
    let _ = (ctx, message);
    negative(-1001, "代付未开通").into()
}
