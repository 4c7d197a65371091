//! The end-of-shift report of this engine's journal (see [`crate::shift`]).

use super::Engine;
use crate::error::Result;
use crate::shift::{self, ShiftReport};

impl Engine {
    /// [`shift::report`] of this engine's journal: every gateway and merchant it holds, not
    /// only this engine's; nothing is sent.
    pub fn shift_report(&self, from_ms: i64, to_ms: i64) -> Result<ShiftReport> {
        shift::report(self.journal(), from_ms, to_ms)
    }
}
