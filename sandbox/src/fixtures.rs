//! The simulators' fixed data, kept as JSON under `sandbox/fixtures/` and compiled in: records a
//! gateway holds before any request (Sunmi's card-swipe trades, TLinx's payment methods) and
//! canned answers (Chaoying's merchant). Data, not code, so a fixture is read and changed as one.

use serde::de::DeserializeOwned;

/// `fixtures/<path>` read as a `T`, e.g. `fixture!("sunmi/swipe_trades.json")`.
macro_rules! fixture {
    ($path:literal) => {
        $crate::fixtures::load($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $path)))
    };
}
pub(crate) use fixture;

/// Parses a fixture. It is compiled in, so one that does not parse is a bug of the sandbox: it
/// panics, on first use (each dialect's unit tests use theirs).
pub(crate) fn load<T: DeserializeOwned>(path: &str, text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("sandbox fixture {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    #[test]
    #[should_panic(expected = "sandbox fixture broken.json")]
    fn a_broken_fixture_is_named() {
        let _: Value = super::load("broken.json", "{");
    }
}
