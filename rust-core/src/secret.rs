//! Values that redact themselves. `Secret` (keys, passwords) never prints its content and wipes
//! it on drop, so a key cannot reach a log through `{:?}`, `{}` or a derived `Debug` of a struct
//! that holds it. `Masked` (barcodes, face codes, openids, card and ID numbers) prints and
//! serialises as its last four characters only, so a request's journal copy (its serialisation)
//! and its log lines never carry the value; the wire encoders call `expose`.

use std::fmt;

use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret's text. Call only where it is used for a computation (signing, encryption).
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Serialises as `***`: a request's journal copy never carries a password.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// A payer's identifier or one-time code: shown and serialised as `***` and its last four
/// characters. Deserialises from the plain value (how `invoke` params arrive).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Masked(String);

impl Masked {
    pub fn new(value: impl Into<String>) -> Masked {
        Masked(value.into())
    }

    /// The plain value. Call only where it is sent (a wire encoder) or checked.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `***` and the last four characters.
    /// `***` and the last four characters; `***` alone for a value shorter than 8 characters,
    /// whose last four would give most of it away (a CVN2, an SMS code, a name).
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        if n < 8 {
            return "***".into();
        }
        format!("***{}", self.0.chars().skip(n - 4).collect::<String>())
    }
}

impl From<&str> for Masked {
    fn from(v: &str) -> Masked {
        Masked::new(v)
    }
}

impl From<String> for Masked {
    fn from(v: String) -> Masked {
        Masked(v)
    }
}

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Masked({})", self.masked())
    }
}

impl fmt::Display for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl serde::Serialize for Masked {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl<'de> serde::Deserialize<'de> for Masked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Masked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("0828e83720fdbe3685a7b94214af04f9");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            key: Secret,
        }
        assert!(!format!("{:?}", Holder { key: s.clone() }).contains("0828"));
        assert_eq!(s.expose(), "0828e83720fdbe3685a7b94214af04f9");
    }

    #[test]
    fn masked_shows_the_last_four_only() {
        let m = Masked::new("134567890123451005");
        assert_eq!(format!("{m:?}"), "Masked(***1005)");
        assert_eq!(m.to_string(), "***1005");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"***1005\"");
        let back: Masked = serde_json::from_str("\"134567890123451005\"").unwrap();
        assert_eq!(back.expose(), "134567890123451005");
        assert_eq!(Masked::new("ab").masked(), "***");
        assert_eq!(Masked::new("1234567").masked(), "***");
        assert_eq!(Masked::new("12345678").masked(), "***5678");
    }
}
