//! Wire-format building blocks the gateway modules share: the `code_table!` macro for the seeds'
//! code tables, [`JsonText`] for values that should be JSON, and `de`, the lenient readers of
//! answer values.
//!
//! Where the gateways deliberately read differently (sunmi trims surrounding whitespace, chaoying
//! does not) both readers live here under distinct names, so each field says which one it uses.
//! tlinx keeps its own `flex` readers: they keep empty strings and read amounts differently, so
//! sharing them would change what its answers decode to.

use std::collections::BTreeMap;

/// A table of codes that answers may extend: values the seed does not list are kept as `Other`.
///
/// `Name: text { .. }` serializes as the code string, `Name: number { .. }` (the seeds' Int
/// fields) as a JSON number when the code is one. `Name: trimmed text` / `trimmed number` drop
/// surrounding whitespace before matching (sunmi pads some codes); without `trimmed` a code must
/// match exactly, as chaoying's always have.
macro_rules! code_table {
    (@table $key:ident $(#[$meta:meta])* $name:ident $repr:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal => $desc:literal,)+
    }) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the seed's table does not list, as received.
            Other(String),
        }

        impl $name {
            pub fn parse(code: &str) -> $name {
                match $crate::wire::code_table!(@key $key code) {
                    $($code => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $code,)+
                    $name::Other(s) => s,
                }
            }

            /// The seed's description (empty for unlisted values).
            pub fn description(&self) -> &'static str {
                match self {
                    $($name::$variant => $desc,)+
                    $name::Other(_) => "",
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                Ok($name::parse(&$crate::wire::de::text(d)?))
            }
        }

        $crate::wire::code_table!(@ser $repr $name);
    };
    (@key trimmed $c:ident) => { $c.trim() };
    (@key exact $c:ident) => { $c };
    (@ser text $name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
    (@ser number $name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self.as_str().parse::<i64>() {
                    Ok(n) => s.serialize_i64(n),
                    Err(_) => s.serialize_str(self.as_str()),
                }
            }
        }
    };
    ($(#[$meta:meta])* $name:ident: trimmed $repr:ident { $($body:tt)+ }) => {
        $crate::wire::code_table!(@table trimmed $(#[$meta])* $name $repr { $($body)+ });
    };
    ($(#[$meta:meta])* $name:ident: $repr:ident { $($body:tt)+ }) => {
        $crate::wire::code_table!(@table exact $(#[$meta])* $name $repr { $($body)+ });
    };
}
pub(crate) use code_table;

/// Fields of an answer the seed does not name, as received (text values): kept so nothing the
/// gateway said is lost; `Map<String, String>` in Kotlin.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Extra(pub BTreeMap<String, String>);

/// Like [`Extra`] for JSON answers, whose values may be numbers, objects or arrays. In Kotlin
/// each value is its JSON text, a string as itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ExtraJson(pub BTreeMap<String, serde_json::Value>);

macro_rules! map_newtype {
    ($name:ident, $value:ty) => {
        impl std::ops::Deref for $name {
            type Target = BTreeMap<String, $value>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.0
            }
        }

        impl FromIterator<(String, $value)> for $name {
            fn from_iter<I: IntoIterator<Item = (String, $value)>>(iter: I) -> Self {
                $name(iter.into_iter().collect())
            }
        }

        impl From<BTreeMap<String, $value>> for $name {
            fn from(m: BTreeMap<String, $value>) -> Self {
                $name(m)
            }
        }

        impl<const N: usize> From<[(String, $value); N]> for $name {
            fn from(pairs: [(String, $value); N]) -> Self {
                $name(pairs.into_iter().collect())
            }
        }
    };
}
map_newtype!(Extra, String);
map_newtype!(ExtraJson, serde_json::Value);

/// A JSON value as text: a string as itself, anything else as its JSON.
pub fn json_text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The inverse of [`json_text_of`]: JSON when the text parses as JSON, else the string.
pub fn json_value_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

/// A value that should be JSON (chaoying's nested JSON strings, sunmi's `cloudPayInfo`). Kept as
/// text when it does not parse as documented, so a garbled detail never costs the answer it came
/// with. Each use declares its own type with [`json_text!`] (FFI types cannot be generic).
pub trait JsonText: Sized {
    type Value: serde::de::DeserializeOwned;
    fn from_parsed(v: Self::Value) -> Self;
    fn from_text(text: String) -> Self;
    fn parsed(&self) -> Option<&Self::Value>;
}

/// Declares a [`JsonText`] type: `Parsed(T)` or, when the text does not parse, `Unparsed(text)`.
macro_rules! json_text {
    ($(#[$meta:meta])* $name:ident($value:ty)) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        #[serde(untagged)]
        pub enum $name {
            Parsed($value),
            /// The text as received, when it is not the documented JSON.
            Unparsed(String),
        }

        impl $crate::wire::JsonText for $name {
            type Value = $value;
            fn from_parsed(v: $value) -> Self {
                $name::Parsed(v)
            }
            fn from_text(text: String) -> Self {
                $name::Unparsed(text)
            }
            fn parsed(&self) -> Option<&$value> {
                match self {
                    $name::Parsed(v) => Some(v),
                    $name::Unparsed(_) => None,
                }
            }
        }
    };
}
pub(crate) use json_text;

/// Lenient readers for answer values: values arrive as text or numbers; empty and null mean
/// absent. The `_trimmed` readers also ignore surrounding whitespace (sunmi); the others keep
/// chaoying's exact reading, where `" 1"` is not an amount.
pub(crate) mod de {
    use std::str::FromStr;

    use serde::de::Error;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    use super::JsonText;
    use crate::money::Money;

    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(other) => Some(other.to_string()),
        })
    }

    /// A code, which must be present: a string or a number (`code_table!` reads with this).
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(D::Error::custom(format!("expected a code, got {other}"))),
        }
    }

    fn fen<E: Error>(text: Option<String>, trim: bool) -> Result<Option<Money>, E> {
        let Some(t) = text else { return Ok(None) };
        let digits = if trim { t.trim() } else { t.as_str() };
        Money::parse_fen(digits, "amount").map(Some).map_err(|_| E::custom(format!("{t:?} is not an amount in fen")))
    }

    fn whole<N: FromStr, E: Error>(text: Option<String>, trim: bool) -> Result<Option<N>, E> {
        let Some(t) = text else { return Ok(None) };
        let digits = if trim { t.trim() } else { t.as_str() };
        digits.parse().map(Some).map_err(|_| E::custom(format!("{t:?} is not a whole number")))
    }

    /// Fen as a number (`200`) or a string (`"200"`), exactly.
    pub fn opt_fen<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        fen(opt_string(d)?, false)
    }

    /// Fen as a number (`200`) or a string (`" 200"`), surrounding whitespace ignored.
    pub fn opt_fen_trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        fen(opt_string(d)?, true)
    }

    /// A whole number as a number or a string, exactly.
    pub fn opt_whole<'de, D: Deserializer<'de>, N: FromStr>(d: D) -> Result<Option<N>, D::Error> {
        whole(opt_string(d)?, false)
    }

    /// A whole number as a number or a string, surrounding whitespace ignored.
    pub fn opt_whole_trimmed<'de, D: Deserializer<'de>, N: FromStr>(d: D) -> Result<Option<N>, D::Error> {
        whole(opt_string(d)?, true)
    }

    /// An object as it is, or a string holding JSON (kept as text when it does not parse);
    /// blank text means absent. Nothing is logged.
    pub fn opt_json<'de, D: Deserializer<'de>, T: JsonText>(d: D) -> Result<Option<T>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(match serde_json::from_str(&s) {
                Ok(v) => T::from_parsed(v),
                Err(_) => T::from_text(s),
            }),
            Some(v) => {
                let text = v.to_string();
                Some(match serde_json::from_value(v) {
                    Ok(v) => T::from_parsed(v),
                    Err(_) => T::from_text(text),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::money::Money;

    json_text!(Bytes(Vec<u8>));

    code_table! {
        /// Codes matched exactly.
        Exact: text {
            One = "1" => "one",
        }
    }

    code_table! {
        /// Codes matched with whitespace trimmed, serialized as numbers.
        Trimmed: trimmed number {
            One = "1" => "one",
        }
    }

    #[derive(Debug, Deserialize)]
    struct Row {
        #[serde(default, deserialize_with = "super::de::opt_fen")]
        fen: Option<Money>,
        #[serde(default, deserialize_with = "super::de::opt_fen_trimmed")]
        fen_trimmed: Option<Money>,
        #[serde(default, deserialize_with = "super::de::opt_whole")]
        whole: Option<u64>,
        #[serde(default, deserialize_with = "super::de::opt_whole_trimmed")]
        whole_trimmed: Option<i64>,
        #[serde(default, deserialize_with = "super::de::opt_json")]
        json: Option<Bytes>,
    }

    fn row(v: serde_json::Value) -> Result<Row, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn code_tables_trim_only_when_asked() {
        assert_eq!(Exact::parse("1"), Exact::One);
        assert_eq!(Exact::parse(" 1"), Exact::Other(" 1".into()));
        assert_eq!(Trimmed::parse(" 1 "), Trimmed::One);
        assert_eq!(serde_json::to_string(&Exact::One).unwrap(), "\"1\"");
        assert_eq!(serde_json::to_string(&Trimmed::One).unwrap(), "1");
        assert_eq!(serde_json::to_string(&Trimmed::Other("x".into())).unwrap(), "\"x\"");
        assert_eq!(serde_json::from_str::<Exact>("1").unwrap(), Exact::One);
        assert_eq!((Exact::One.description(), Trimmed::One.description()), ("one", "one"));
        let null = serde_json::from_str::<Exact>("null").unwrap_err().to_string();
        assert!(null.contains("expected a code, got null"), "{null}");
    }

    #[test]
    fn readers_trim_only_when_asked() {
        let r = row(serde_json::json!({"fen": 5, "fen_trimmed": " 6 ", "whole": "7", "whole_trimmed": " -8"})).unwrap();
        assert_eq!(r.fen, Some(Money::from_fen(5, "t").unwrap()));
        assert_eq!(r.fen_trimmed, Some(Money::from_fen(6, "t").unwrap()));
        assert_eq!((r.whole, r.whole_trimmed), (Some(7), Some(-8)));
        assert!(row(serde_json::json!({"fen": " 5"})).is_err());
        assert!(row(serde_json::json!({"whole": " 7"})).is_err());
        let empty = row(serde_json::json!({"fen": "", "whole": null, "json": " "})).unwrap();
        assert_eq!((empty.fen, empty.whole, empty.json), (None, None, None));
        assert_eq!(row(serde_json::json!({"json": "[1,2]"})).unwrap().json, Some(Bytes::Parsed(vec![1, 2])));
        assert_eq!(row(serde_json::json!({"json": [3]})).unwrap().json, Some(Bytes::Parsed(vec![3])));
        assert_eq!(row(serde_json::json!({"json": "[x"})).unwrap().json, Some(Bytes::Unparsed("[x".into())));
    }
}
