//! Hashes and comparisons shared by the gateway protocols.

use md5::{Digest, Md5};
use sha1::Sha1;
use subtle::ConstantTimeEq;

pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

pub fn md5_upper_hex(data: &[u8]) -> String {
    hex::encode_upper(Md5::digest(data))
}

pub fn sha1_hex(data: &[u8]) -> String {
    hex::encode(Sha1::digest(data))
}

/// Constant-time equality of two signatures, ASCII case-insensitive (hex signatures arrive in
/// either case). Length differences return false without early exit on content.
pub fn sign_eq(a: &str, b: &str) -> bool {
    let a = a.to_ascii_lowercase();
    let b = b.to_ascii_lowercase();
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hashes() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(sign_eq("ABCDEF", "abcdef"));
        assert!(!sign_eq("abcdef", "abcdee"));
        assert!(!sign_eq("abc", "abcd"));
    }
}
