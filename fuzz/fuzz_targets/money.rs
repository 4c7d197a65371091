//! Money strings as gateways send them: yuan (`Money::parse_yuan`) and fen (`Money::parse_fen`).
//! Besides never panicking: what parses prints back to the same amount, and a fen string is
//! the same amount as that many yuan divided by 100.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posgate_core::Money;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(m) = Money::parse_yuan(s, "amount") {
        assert_eq!(Money::parse_yuan(&m.to_yuan(), "amount"), Ok(m), "yuan {s:?} does not print back");
        assert!(m.fen() <= Money::MAX_FEN);
    }
    if let Ok(m) = Money::parse_fen(s, "amount") {
        assert_eq!(Money::parse_fen(&m.to_fen_string(), "amount"), Ok(m), "fen {s:?} does not print back");
        assert!(m.fen() <= Money::MAX_FEN);
        // The same digits as yuan are 100 times as many fen, when that fits.
        match Money::parse_yuan(s, "amount") {
            Ok(y) => assert_eq!(Some(y.fen()), m.fen().checked_mul(100), "{s:?}"),
            Err(e) => assert!(m.fen().checked_mul(100).is_none_or(|f| f > Money::MAX_FEN), "{s:?}: {e}"),
        }
    }
    // serde reads an amount as integer fen.
    let _ = serde_json::from_str::<Money>(s);
});
