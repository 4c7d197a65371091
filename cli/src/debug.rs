//! The integrator's debugging tools. Their output is read by other tools: keep it exactly so.
//!
//! - `sign`: `canonical: <the exact string that was hashed>` and `sign: <signature>`
//! - `encrypt` / `decrypt`: the result alone on the last line
//! - `verify-notify`: `valid` (exit 0) or `invalid: <reason>` (exit 1)

use std::collections::BTreeMap;

use posgate_core::{chaoying, kuaishou, mmsp, sunmi, tlinx, Error, GatewayId, RawFields, Secret};
use serde_json::value::RawValue;

use crate::merchant::parse_gateway;

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

/// Parses `--params` as a JSON object, its values kept with their JSON types.
fn json_object(json: &str) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    match serde_json::from_str(json) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid("params", "not a JSON object")),
        Err(e) => Err(Error::invalid("params", format!("not a JSON object: {e}"))),
    }
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
        GatewayId::Sunmi => {
            if timestamp.is_some() {
                return Err(Error::invalid("timestamp", "sunmi signs no timestamp: put any field in --params"));
            }
            // The app key appended directly, empty values kept (2.1.2).
            let fields = parse_fields(params)?;
            (sunmi::protocol::canonical(&fields, key), sunmi::protocol::sign(&fields, key))
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
        GatewayId::Kuaishou => {
            // The text is signed exactly as given: a body, or cancelTrade's
            // `chargeCode=..&busiCode=..` (the query's charge code alone).
            let ts = timestamp.ok_or_else(|| {
                Error::invalid("timestamp", "kuaishou signs with a timestamp (seconds or milliseconds)")
            })?;
            if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid("timestamp", "digits only (Unix seconds or milliseconds)"));
            }
            (kuaishou::protocol::canonical(ts, key, params), kuaishou::protocol::sign(ts, key, params))
        }
        GatewayId::Mmsp => {
            if timestamp.is_some() {
                return Err(Error::invalid("timestamp", "mmsp signs no timestamp: put any field in --params"));
            }
            // The Body object, its values with the JSON types as written ("1" and 1 sign apart).
            let body = json_object(params)?;
            let json = mmsp::wire::PhpJson::default();
            (mmsp::wire::sign_text(json, &body, key), mmsp::wire::sign(json, &body, key))
        }
    };
    Ok(format!("canonical: {canonical}\nsign: {sign}"))
}

pub fn crypt(encrypt: bool, gateway: &str, key: &str, data: &str) -> Result<String, Error> {
    match parse_gateway(gateway)? {
        GatewayId::Tlinx if encrypt => tlinx::protocol::encrypt(key, data),
        GatewayId::Tlinx => tlinx::protocol::decrypt(key, data),
        GatewayId::Kuaishou if encrypt => Ok(kuaishou::protocol::encrypt(key, data)),
        GatewayId::Kuaishou => {
            kuaishou::protocol::decrypt(key, data).map_err(|e| Error::invalid("data", format!("kuaishou 3DES: {e}")))
        }
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
        // `{"sign": "<hex>:<ts>", "body": "<the POST body>"}`, plus `_type` / `encrypt` when the
        // notify URL carried them (a body that is not JSON or XML is taken as 3DES).
        GatewayId::Kuaishou => {
            let mut fields = fields;
            let body = fields.get("body").map(|b| b.trim_start()).unwrap_or("");
            if !(fields.contains_key("encrypt") || body.starts_with('{') || body.starts_with('<')) {
                fields.insert("encrypt".into(), "3DES".into());
            }
            kuaishou::verify_notification(&fields, &need_key()?)
        }
        GatewayId::Sunmi => {
            // SHA256withRSA with Sunmi's public key (the seed's 6.4 key in the test environment).
            let text = public_key.ok_or_else(|| {
                Error::invalid("public_key", "sunmi callbacks are checked with --public-key (Base64 or PEM)")
            })?;
            let key = sunmi::PublicKey::parse(text).map_err(Error::from)?;
            sunmi::verify_notification(&fields, &key)
        }
        // The whole JSON envelope as posted (`{"CommandID":2324,...,"Body":{...},"Sign":"..."}`).
        GatewayId::Mmsp => {
            let envelope = json_object(params)?;
            let key = need_key()?;
            return Ok(
                mmsp::wire::verify(mmsp::wire::PhpJson::default(), &envelope, key.expose()).map_err(|e| e.to_string())
            );
        }
    };
    match result {
        Ok(_) => Ok(Ok(())),
        Err(Error::InvalidInput { field, reason }) if field == "key" || field == "public_key" => {
            Err(Error::InvalidInput { field, reason })
        }
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
    fn sunmi_sign_keeps_empty_values_and_appends_the_key() {
        let out = sign(
            "sunmi",
            "d3ac24736589ae17d333e362859bf4c",
            None,
            r#"{"amount":1,"app_id":"sm5b9b4daef3463","businessId":"","charset":"utf8","msn":"V206D88200036",
                "orderId":"sda1212","oriOrderId":"148983452364238"}"#,
        )
        .unwrap();
        // Expected values computed independently (python3 hashlib).
        assert_eq!(
            out,
            "canonical: amount=1&app_id=sm5b9b4daef3463&businessId=&charset=utf8&msn=V206D88200036&orderId=sda1212\
             &oriOrderId=148983452364238d3ac24736589ae17d333e362859bf4c\nsign: 8C54894BAB211EF8E860B0BCFBCDD1D5"
        );
        assert!(
            matches!(sign("sunmi", "k", Some("1"), "{}"), Err(Error::InvalidInput { field, .. }) if field == "timestamp")
        );
    }

    #[test]
    fn sunmi_callbacks_need_a_public_key() {
        let sample = r#"{"amount":1,"businessId":"","state":3,"sign":"AAAA"}"#;
        let e = verify_notify("sunmi", None, None, sample).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "public_key"));
        let e = verify_notify("sunmi", None, Some("not a key"), sample).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "public_key"));
        let r = verify_notify("sunmi", None, Some(sunmi::TEST_PUBLIC_KEY), sample).unwrap();
        assert!(r.unwrap_err().contains("signature"), "invalid, not an input error");
    }

    #[test]
    fn unknown_gateways_say_so() {
        assert!(matches!(sign("nope", "k", None, "{}"), Err(Error::InvalidInput { .. })));
    }

    /// The seed's test key; the vector computed from the rule with md5sum (see mmsp::wire).
    const MMSP_KEY: &str = "ea21842eea24e448b991b1cb0a0294cf";

    #[test]
    fn mmsp_signs_the_body_as_written() {
        let out = sign(
            "mmsp",
            MMSP_KEY,
            None,
            r#"{"NOTIFY_URL": "https://x/n", "MER_ID": "1", "AMT": "100", "MERORDERID": "A1"}"#,
        )
        .unwrap();
        assert_eq!(
            out,
            "canonical: {\"AMT\":\"100\",\"MERORDERID\":\"A1\",\"MER_ID\":\"1\",\"NOTIFY_URL\":\"https:\\/\\/x\\/n\"}&key=ea21842eea24e448b991b1cb0a0294cf\n\
             sign: C496298992697C1F7F2AD10C18577F45"
        );
        // Numbers are signed as numbers.
        let n = sign("mmsp", MMSP_KEY, None, r#"{"AMT": 1}"#).unwrap();
        assert!(n.starts_with("canonical: {\"AMT\":1}&key="), "{n}");
        assert!(matches!(sign("mmsp", "k", None, "[1]"), Err(Error::InvalidInput { field, .. }) if field == "params"));
    }

    #[test]
    fn mmsp_push_verified_as_a_whole_envelope() {
        let body = serde_json::json!({"AMT": 1, "ORDERNO": "100000000013", "TRDTIME": "2017-05-17 16:11:24",
            "PAYTIME": "2017-05-17 16:11:38", "STATUS": "1", "MERORDERID": 18294677, "TRADETYPE": "1"});
        let push = serde_json::json!({"CommandID": 2324, "SeqID": "1", "NodeType": "3", "NodeID": "openplat",
            "Version": "1.0.0", "TokenID": "", "RetCode": 0, "ErrorMsg": "", "AGENTNO": "", "MERNO": "001440353999853",
            "TERMNO": "84970001", "Body": body, "Sign": "D9040E187761E91774D0B46BED0723FF"});
        assert_eq!(verify_notify("mmsp", Some(MMSP_KEY), None, &push.to_string()).unwrap(), Ok(()));
        let tampered = push.to_string().replace("\"AMT\":1", "\"AMT\":100");
        assert!(verify_notify("mmsp", Some(MMSP_KEY), None, &tampered).unwrap().is_err());
        assert!(verify_notify("mmsp", None, None, &push.to_string()).is_err(), "needs --key");
        assert!(matches!(verify_notify("mmsp", Some(MMSP_KEY), None, "not json"), Err(Error::InvalidInput { .. })));
    }

    const UAT_KEY: &str = "98SDKFUO432HNODS098EEE07U9DUOIUE";

    #[test]
    fn kuaishou_signs_the_text_as_given() {
        // Computed independently (python3 hashlib, the whitespace [ \t\n\x0b\f\r] removed).
        let out = sign("kuaishou", UAT_KEY, Some("1473431447"), "{\"AMT\": \"0.01\"}").unwrap();
        assert_eq!(
            out,
            "canonical: 147343144798SDKFUO432HNODS098EEE07U9DUOIUE{\"AMT\":\"0.01\"}\nsign: 4652fc7595401efec1b7d76a73bf9572:1473431447"
        );
        let cancel = sign("kuaishou", UAT_KEY, Some("1473431447"), "chargeCode=A1&busiCode=0010000001").unwrap();
        assert!(cancel
            .starts_with("canonical: 147343144798SDKFUO432HNODS098EEE07U9DUOIUEchargeCode=A1&busiCode=0010000001\n"));
        assert!(
            matches!(sign("kuaishou", "k", None, "{}"), Err(Error::InvalidInput { field, .. }) if field == "timestamp")
        );
    }

    #[test]
    fn kuaishou_3des_and_notifications() {
        let ct = crypt(true, "kuaishou", UAT_KEY, "{\"AMT\":\"0.01\"}").unwrap();
        assert_eq!(ct, "xozvdrWljnEl+KwWLkgAqA==");
        assert_eq!(crypt(false, "kuaishou", UAT_KEY, &ct).unwrap(), "{\"AMT\":\"0.01\"}");
        assert!(
            matches!(crypt(false, "kuaishou", UAT_KEY, "!!"), Err(Error::InvalidInput { field, .. }) if field == "data")
        );
        let body = r#"{"PAY_NODIFY":{"CHARGE_CODE":"A1","STATE":1,"AMT":1}}"#;
        let sign = kuaishou::protocol::sign("1700000000", UAT_KEY, body);
        let plain = serde_json::json!({"sign": sign, "body": body}).to_string();
        assert_eq!(verify_notify("kuaishou", Some(UAT_KEY), None, &plain).unwrap(), Ok(()));
        let encrypted =
            serde_json::json!({"sign": sign, "body": kuaishou::protocol::encrypt(UAT_KEY, body)}).to_string();
        assert_eq!(verify_notify("kuaishou", Some(UAT_KEY), None, &encrypted).unwrap(), Ok(()));
        let tampered = serde_json::json!({"sign": sign, "body": body.replace("\"AMT\":1", "\"AMT\":2")}).to_string();
        assert!(verify_notify("kuaishou", Some(UAT_KEY), None, &tampered).unwrap().is_err());
        assert!(verify_notify("kuaishou", None, None, &plain).is_err());
    }
}
