//! The scan sub-API's CommandIDs: what each does to the sandbox's orders, and how it answers.

use serde_json::{Map, Value};

use super::{negative, Answer, Request};
use crate::sim::Handled;
use crate::{Ctx, SimOrder};

pub(super) fn handle(ctx: &Ctx, req: Request) -> Handled<Answer> {
    let _ = ctx;
    negative(-1001, &format!("不支持的CommandID {}", req.command)).into()
}

/// Push 2324 of a paid scan-code order.
pub(super) fn push(order: &SimOrder) -> Result<Map<String, Value>, String> {
    Err(format!("order {}: no push yet", order.order_no))
}
