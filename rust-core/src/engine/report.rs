//! The end-of-shift report of this engine's journal (see [`crate::engine::shift`]).

use super::Engine;
#[cfg(feature = "back-office")]
use crate::engine::shift::reconcile::{self, Pace, Reconciliation};
use crate::engine::shift::{self, ShiftReport};
use crate::error::Result;

impl Engine {
    /// [`shift::report`] of this engine's journal: every gateway and merchant it holds, not
    /// only this engine's; nothing is sent.
    pub fn shift_report(&self, from_ms: i64, to_ms: i64) -> Result<ShiftReport> {
        shift::report(self.journal(), from_ms, to_ms)
    }
}

#[cfg(feature = "back-office")]
impl Engine {
    /// Reconciles this engine's gateway for `[from_ms, to_ms)`: its journal entries held against
    /// the gateway, and the gateway's orders of the range the journal does not know (where it
    /// lists orders). Reports differences; writes nothing.
    pub async fn reconcile(&self, from_ms: i64, to_ms: i64, pace: Pace) -> Result<Reconciliation> {
        reconcile::reconcile(self.gateway().clone(), self.journal(), from_ms, to_ms, pace).await
    }
}
