//! Simulator: TODO (helper).
use axum::Router;
use posgate_core::tlinx::Credentials;
use posgate_core::Secret;

use crate::{Ctx, SimOrder};

pub fn test_credentials() -> Credentials {
    todo!()
}

pub fn router() -> Router<Ctx> {
    Router::new()
}

pub async fn notify(_ctx: &Ctx, _order: &SimOrder) -> Result<Option<String>, String> {
    let _ = Secret::new("");
    Err("not yet".into())
}
