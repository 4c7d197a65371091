//! The merchant TOML of the CLI (`--config merchant.toml`): `from_toml` of cli/src/merchant.rs,
//! compiled here from the CLI's own source file (the CLI is a binary crate; see README
//! "Fuzzing"), then the configuration connected as the CLI would (credentials and keys checked).
#![no_main]

#[allow(dead_code)]
#[path = "../../cli/src/merchant.rs"]
mod merchant;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(cfg) = merchant::from_toml(text) else { return };
    let _ = format!("{cfg:?}");
    let _ = posgate_core::connect(cfg);
});
