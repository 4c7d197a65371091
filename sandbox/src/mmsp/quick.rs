//! The quick sub-API's CommandIDs: what each does to the sandbox's orders, and how it answers.

use serde_json::{Map, Value};

use super::{negative, Answer, Request};
use crate::sim::Handled;
use crate::{Ctx, SimOrder};

pub(super) fn handle(ctx: &Ctx, req: Request) -> Handled<Answer> {
    let _ = ctx;
    negative(-1001, &format!("不支持的CommandID {}", req.command)).into()
}

/// The notification of a paid order.
pub(super) fn notification(order: &SimOrder) -> Result<Map<String, Value>, String> {
    Err(format!("order {}: no notification yet", order.order_no))
}
