//! The integrator's debugging tools. Their output is read by other tools: keep it exactly so.
//!
//! - `sign`: `canonical: <the exact string that was hashed>` and `sign: <signature>`
//! - `encrypt` / `decrypt`: the result alone on the last line
//! - `verify-notify`: `valid` (exit 0) or `invalid: <reason>` (exit 1)

use std::collections::BTreeMap;

use posgate_core::{chaoying, tlinx, Error, GatewayId, RawFields, Secret};
use serde_json::value::RawValue;

use crate::merchant::parse_gateway;

fn not_supported(g: GatewayId, what: &str) -> Error {
    Error::Unsupported { what: format!("{what} for {g} is not supported yet") }
}

/// Parses `--params` as an object of fields. Strings are taken unquoted, numbers (and any other
/// JSON value) exactly as written, so `"total_fee": 100` signs as `total_fee=100`.
pub fn parse_fields(json: &str) -> Result<RawFields, Error> {
    let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(json)
        .map_err(|e| Error::invalid("params", format!("not a JSON object of fields: {e}")))?;
    let mut fields = RawFields::new();
    for (k, raw) in map {
        let text = raw.get().trim();
        let value = if text.starts_with('"') {
            serde_json::from_str::<String>(text).map_err(|e| Error::invalid("params", e.to_string()))?
        } else if text == "null" {
            String::new()
        } else {
            text.to_string()
        };
        fields.insert(k, value);
    }
    Ok(fields)
}

pub fn sign(gateway: &str, key: &str, timestamp: Option<&str>, params: &str) -> Result<String, Error> {
    let g = parse_gateway(gateway)?;
    let (canonical, sign) = match g {
        GatewayId::Chaoying => {
            if timestamp.is_some() {
                return Err(Error::invalid("timestamp", "chaoying signs no timestamp: put any field in --params"));
            }
            let fields = parse_fields(params)?;
            (chaoying::protocol::canonical(&fields, key), chaoying::protocol::sign(&fields, key))
        }
        GatewayId::Tlinx => {
            let mut fields = parse_fields(params)?;
            if let Some(ts) = timestamp {
                if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::invalid("timestamp", "must be Unix seconds"));
                }
                fields.insert("timestamp".into(), ts.into());
            }
            (tlinx::protocol::canonical(&fields, key), tlinx::protocol::sign(&fields, key))
        }
        other => return Err(not_supported(other, "signing")),
    };
    Ok(format!("canonical: {canonical}\nsign: {sign}"))
}

pub fn crypt(encrypt: bool, gateway: &str, key: &str, data: &str) -> Result<String, Error> {
    match parse_gateway(gateway)? {
        GatewayId::Tlinx if encrypt => tlinx::protocol::encrypt(key, data),
        GatewayId::Tlinx => tlinx::protocol::decrypt(key, data),
        GatewayId::Kuaishou => Err(not_supported(GatewayId::Kuaishou, "3DES")),
        other => Err(Error::invalid("gateway", format!("{other} has no payload encryption (tlinx, kuaishou)"))),
    }
}

/// `Ok(Ok(()))` valid, `Ok(Err(reason))` invalid, `Err` bad input.
pub fn verify_notify(
    gateway: &str,
    key: Option<&str>,
    public_key: Option<&str>,
    params: &str,
) -> Result<Result<(), String>, Error> {
    let g = parse_gateway(gateway)?;
    let fields = parse_fields(params)?;
    let need_key = || {
        key.map(Secret::new).ok_or_else(|| Error::invalid("key", format!("{g} notifications are checked with --key")))
    };
    let result = match g {
        GatewayId::Chaoying => chaoying::verify_notification(&fields, &need_key()?),
        GatewayId::Tlinx => tlinx::verify_notification(&fields, &need_key()?),
        other => {
            let _ = public_key;
            return Err(not_supported(other, "notification verification"));
        }
    };
    match result {
        Ok(_) => Ok(Ok(())),
        Err(Error::InvalidInput { field, reason }) if field == "key" => Err(Error::InvalidInput { field, reason }),
        Err(e) => Ok(Err(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_as_written() {
        let f = parse_fields(r#"{"a":"x y","n":100,"f":1.50,"e":"","z":null,"o":{"k":1}}"#).unwrap();
        assert_eq!(f["a"], "x y");
        assert_eq!(f["n"], "100");
        assert_eq!(f["f"], "1.50");
        assert_eq!(f["e"], "");
        assert_eq!(f["z"], "");
        assert_eq!(f["o"], r#"{"k":1}"#);
        assert!(matches!(parse_fields("[1]"), Err(Error::InvalidInput { .. })));
        assert!(matches!(parse_fields("{"), Err(Error::InvalidInput { .. })));
    }

    #[test]
    fn tlinx_vector() {
        let out = sign(
            "tlinx",
            "0828e83720fdbe3685a7b94214af04f9",
            Some("1497957842"),
            r#"{"open_id":"87f46f5db1b65f0ac195285f49ee6958","data":"3304A5EC2CDEB4D12ED3338B5C01BF6B"}"#,
        )
        .unwrap();
        assert_eq!(
            out,
            "canonical: data=3304A5EC2CDEB4D12ED3338B5C01BF6B&open_id=87f46f5db1b65f0ac195285f49ee6958\
             &open_key=0828e83720fdbe3685a7b94214af04f9&timestamp=1497957842\nsign: 915be5aff09f2686870e1d17e93b3542"
        );
    }

    #[test]
    fn unsupported_gateways_say_so() {
        let e = sign("kuaishou", "k", None, "\"{}\"").unwrap_err();
        assert!(e.to_string().contains("not supported yet"), "{e}");
        assert!(matches!(sign("nope", "k", None, "{}"), Err(Error::InvalidInput { .. })));
    }
}
