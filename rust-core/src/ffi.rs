//! The FFI face of the core's own types, compiled only with the `uniffi` feature (posgate-android
//! turns it on; the core stays FFI-free without it). The operations' requests and answers derive
//! `uniffi::Record` / `uniffi::Enum` where they are declared (`cfg_attr(feature = "uniffi", ..)`);
//! this module holds what a derive cannot say: how the vocabulary's newtypes cross (fen as
//! `Long`, masked values and secrets as `String`, unnamed fields as maps), and how a value that
//! cannot cross is reported.

use std::collections::BTreeMap;

use std::sync::OnceLock;

use crate::error::Error;
use crate::money::Money;
use crate::secret::{Masked, Secret};
use crate::wire::{Extra, ExtraJson};

/// How the bindings report a value Kotlin passed that cannot cross (a negative amount): their
/// public error, installed by [`report_lift_errors_as`], so it reaches Kotlin as
/// `PosGateException.InvalidInput` naming the field rather than as uniffi's internal error
/// (uniffi hands a lift error of the call's own error type back as that error). The public error
/// lives in the bindings crate, which Kotlin sees in one package with the API that throws it.
type LiftError = fn(Error) -> uniffi::deps::anyhow::Error;

static LIFT_ERROR: OnceLock<LiftError> = OnceLock::new();

/// Installs how a value that cannot be lifted is reported (see [`LiftError`]); the first call wins.
pub fn report_lift_errors_as(f: LiftError) {
    let _ = LIFT_ERROR.set(f);
}

fn lift_error(e: impl Into<Error>) -> uniffi::deps::anyhow::Error {
    let e = e.into();
    match LIFT_ERROR.get() {
        Some(f) => f(e),
        None => uniffi::deps::anyhow::Error::new(e),
    }
}

// Fen as Kotlin `Long`. A negative amount is refused while the call's arguments are read, before
// anything is journalled or sent.
uniffi::custom_type!(Money, i64, {
    lower: |m| m.fen_i64(),
    try_lift: |fen| Money::from_fen(fen, "amount (fen)").map_err(lift_error),
});

// The app passes barcodes, face codes and openids in clear and gets them back in clear: masking
// is about what posgate writes (logs, journal), not what it hands its caller.
uniffi::custom_type!(Masked, String, {
    lower: |m| m.expose().to_string(),
    try_lift: |s| Ok(Masked::new(s)),
});

uniffi::custom_type!(Secret, String, {
    lower: |s| s.expose().to_string(),
    try_lift: |s| Ok(Secret::new(s)),
});

// Fields the seed does not name, as received: a `Map<String, String>` in Kotlin.
uniffi::custom_type!(Extra, std::collections::HashMap<String, String>, {
    lower: |e| e.0.into_iter().collect(),
    try_lift: |m| Ok(Extra(m.into_iter().collect::<BTreeMap<_, _>>())),
});

// JSON fields the seed does not name: each value as its JSON text (a string as itself).
uniffi::custom_type!(ExtraJson, std::collections::HashMap<String, String>, {
    lower: |e| e.0.into_iter().map(|(k, v)| (k, crate::wire::json_text_of(&v))).collect(),
    try_lift: |m| Ok(ExtraJson(m.into_iter().map(|(k, v)| (k, crate::wire::json_value_of(&v))).collect())),
});
