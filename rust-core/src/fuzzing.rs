//! Entry points for the cargo-fuzz targets in `fuzz/` (feature `fuzzing`: off by default, never
//! in a shipped library). Every other parser of received data is public already; these two
//! answer readers are private to their gateway's client, and are reached here unchanged.

use serde_json::Value;

use crate::error::Result;

/// Kuaishou: an answer body as operation `O` reads it (3DES-decrypted when `encrypted` and not
/// JSON or XML already, JSON or XML, its root member, typed), as `Kuaishou::send` does.
pub fn kuaishou_read_answer<O: crate::kuaishou::Call>(key: &str, text: &str, encrypted: bool) -> Result<O::Answer> {
    crate::kuaishou::read_answer::<O>(key, text, encrypted)
}

/// MMSP: an envelope answer (scan code, quick pay, gateway pay query) read as `Mmsp::exchange`
/// does: `RetCode`, the MD5 `Sign` over the Body, the Body's `STATUS` among `answers`. Returns
/// the Body.
pub fn mmsp_read_answer(
    creds: &crate::mmsp::Credentials,
    command: u32,
    op: &str,
    answers: &[&str],
    text: &str,
) -> Result<Value> {
    crate::mmsp::read_answer(creds, command, op, answers, text)
}
