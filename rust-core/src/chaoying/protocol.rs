//! Chaoying signing (seed "签名验证"): take every field with a non-empty value except `sign`,
//! sort by name (ASCII, case-sensitive), join as `k=v&...`, append `&key=KEY`, MD5, upper-case hex.
//! The same rule signs requests, answers and notifications; verification runs over every received
//! field, fields the seed does not list included ("接口可能增加字段").

use super::Error;
use crate::crypto;
use crate::gateway::Notification;
use crate::money::Money;
use crate::secret::Secret;
use crate::trade::{GatewayId, RawFields, TradeState};

/// The text a notification is acknowledged with so the gateway stops retrying.
pub const NOTIFY_ACK: &str = "success";

/// The exact string that is MD5-hashed.
pub fn canonical(fields: &RawFields, key: &str) -> String {
    let mut s = String::new();
    // BTreeMap iterates in byte order of the names, which is ASCII order.
    for (k, v) in fields {
        if k == "sign" || v.is_empty() {
            continue;
        }
        s.push_str(k);
        s.push('=');
        s.push_str(v);
        s.push('&');
    }
    s.push_str("key=");
    s.push_str(key);
    s
}

/// Upper-case MD5 hex of [`canonical`].
pub fn sign(fields: &RawFields, key: &str) -> String {
    crypto::md5_upper_hex(canonical(fields, key).as_bytes())
}

/// Checks `sign` against all other received fields, in constant time.
pub fn verify(fields: &RawFields, key: &str) -> Result<(), Error> {
    let got = fields.get("sign").filter(|s| !s.is_empty()).ok_or(Error::Unsigned)?;
    if crypto::sign_eq(&sign(fields, key), got) {
        Ok(())
    } else {
        Err(Error::Mismatch)
    }
}

/// The form to POST: the fields with empty values dropped (they are not signed either) plus `sign`.
pub fn signed_form(fields: &RawFields, key: &str) -> Vec<(String, String)> {
    let sig = sign(fields, key);
    let mut form: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, v)| !v.is_empty() && k.as_str() != "sign")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    form.push(("sign".to_string(), sig));
    form
}

/// Reads a JSON answer into fields as the signer saw them: strings as they are, numbers and
/// booleans as their JSON text, `null` as empty, nested arrays and objects as compact JSON.
pub fn parse_answer(body: &str) -> Result<RawFields, Error> {
    let value: serde_json::Value = serde_json::from_str(body.trim_start_matches('\u{feff}'))
        .map_err(|e| Error::Malformed(format!("answer is not JSON: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::Malformed("answer is not a JSON object".into()));
    };
    Ok(map.into_iter().map(|(k, v)| (k, field_text(v))).collect())
}

fn field_text(v: serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Verifies a WECHAT_PreOrder / ALIPAY_PreOrder result notification (form fields as received)
/// and maps it. `pay_result` `0` with `state` and `result_code` SUCCESS is paid; any other
/// `pay_result` is failed; anything else is unknown. Acknowledge with [`Notification::ack`].
pub fn verify_notification(fields: &RawFields, key: &Secret) -> crate::error::Result<Notification> {
    if key.is_empty() {
        return Err(crate::error::Error::invalid("key", "the Chaoying signing key is empty"));
    }
    verify(fields, key.expose()).map_err(|e| crate::error::Error::signature(format!("chaoying notification: {e}")))?;
    let get = |k: &str| fields.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let order_no = get("out_trade_no").ok_or_else(|| crate::error::Error::invalid("out_trade_no", "missing"))?;
    let amount = get("total_fee").map(|t| Money::parse_fen(t, "total_fee")).transpose()?;
    let state = match (get("state"), get("result_code"), get("pay_result")) {
        (Some("SUCCESS"), Some("SUCCESS"), Some("0")) => TradeState::Paid,
        (_, _, Some(r)) if r != "0" => TradeState::Failed,
        _ => TradeState::Unknown,
    };
    Ok(Notification {
        gateway: GatewayId::Chaoying,
        order_no: order_no.to_string(),
        state,
        amount,
        gateway_trade_no: get("transaction_id").map(str::to_string),
        fields: fields.clone(),
        ack: NOTIFY_ACK.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(pairs: &[(&str, &str)]) -> RawFields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// The seed's orderquery request example ("订单查询 请求参数示例").
    fn orderquery_example() -> RawFields {
        let form = "method=orderquery&agent_id=130000000000000000&version=1.0&pid=yunpos&paytype=WECHAT\
                    &mch_id=00000001&out_trade_no=1497769914931&sign=00000000000000000000000000000000";
        form_urlencoded::parse(form.as_bytes()).into_owned().collect()
    }

    #[test]
    fn canonical_of_seed_examples() {
        assert_eq!(
            canonical(&orderquery_example(), "KEY123"),
            "agent_id=130000000000000000&mch_id=00000001&method=orderquery&out_trade_no=1497769914931\
             &paytype=WECHAT&pid=yunpos&version=1.0&key=KEY123"
        );
        // The seed's cancel example: `op_user_id=yzq`; the request format example with an empty value.
        let cancel = "method=cancel&agent_id=13000000000000000&version=1.0&pid=yunpos&paytype=WECHAT\
                      &mch_id=0000001&out_trade_no=1497769914931&op_user_id=yzq&device_info=&sign=0";
        let f: RawFields = form_urlencoded::parse(cancel.as_bytes()).into_owned().collect();
        assert_eq!(
            canonical(&f, "k"),
            "agent_id=13000000000000000&mch_id=0000001&method=cancel&op_user_id=yzq&out_trade_no=1497769914931\
             &paytype=WECHAT&pid=yunpos&version=1.0&key=k"
        );
        // The request format example of "请求格式".
        let f = fields(&[("method", "pay"), ("mch_id", "00000001"), ("sign", "00000000000000000000000000000000")]);
        assert_eq!(canonical(&f, "abc"), "mch_id=00000001&method=pay&key=abc");
    }

    #[test]
    fn sign_is_upper_md5_of_canonical() {
        // Both computed independently with md5sum over the canonical strings above.
        assert_eq!(sign(&orderquery_example(), "KEY123"), "1DF8090E3EC43C0C7CB8F2D9865B6A86");
        let f = fields(&[("method", "pay"), ("mch_id", "00000001")]);
        assert_eq!(sign(&f, "abc"), "A71679450749B8E2D1B67BC67E2C8157");
        // Upper-case names sort before lower-case ones (ASCII).
        let f = fields(&[("b", "1"), ("FullName", "x"), ("a", "2")]);
        assert_eq!(canonical(&f, "k"), "FullName=x&a=2&b=1&key=k");
    }

    #[test]
    fn verify_round_trip_and_tamper() {
        let mut f = orderquery_example();
        f.insert("sign".into(), sign(&f, "KEY123"));
        assert_eq!(verify(&f, "KEY123"), Ok(()));
        // Lower-case hex is accepted too.
        let mut lower = f.clone();
        lower.insert("sign".into(), f["sign"].to_ascii_lowercase());
        assert_eq!(verify(&lower, "KEY123"), Ok(()));
        assert_eq!(verify(&f, "KEY124"), Err(Error::Mismatch));
        let mut t = f.clone();
        t.insert("out_trade_no".into(), "1497769914932".into());
        assert_eq!(verify(&t, "KEY123"), Err(Error::Mismatch));
        // An unknown field added in transit is signed over too.
        let mut t = f.clone();
        t.insert("new_field".into(), "x".into());
        assert_eq!(verify(&t, "KEY123"), Err(Error::Mismatch));
        // An added empty field does not count (empty values are not signed).
        let mut t = f.clone();
        t.insert("empty".into(), String::new());
        assert_eq!(verify(&t, "KEY123"), Ok(()));
        let mut t = f.clone();
        t.remove("sign");
        assert_eq!(verify(&t, "KEY123"), Err(Error::Unsigned));
    }

    #[test]
    fn answers_are_read_as_signed_text() {
        let f = parse_answer(r#"{"state":"SUCCESS","code":"10000","expires_in":7200,"n":null,"ok":true,"a":[1,"x"]}"#)
            .unwrap();
        assert_eq!(f["expires_in"], "7200");
        assert_eq!(f["n"], "");
        assert_eq!(f["ok"], "true");
        assert_eq!(f["a"], r#"[1,"x"]"#);
        assert!(matches!(parse_answer("<html>502</html>"), Err(Error::Malformed(_))));
        assert!(matches!(parse_answer("[1]"), Err(Error::Malformed(_))));
    }

    #[test]
    fn signed_form_drops_empty_values() {
        let f = fields(&[("a", "1"), ("b", ""), ("sign", "old")]);
        let form = signed_form(&f, "k");
        assert_eq!(form.len(), 2);
        assert_eq!(form[0], ("a".to_string(), "1".to_string()));
        assert_eq!(form[1].0, "sign");
        assert_eq!(form[1].1, sign(&f, "k"));
    }

    /// The seed's WECHAT_PreOrder notification example, signed with a test key.
    fn notification() -> RawFields {
        let form = "bank_type=CFT&mch_id=f20170519135901860000&nonce_str=1523929649387&out_trade_no=1523929500000\
                    &out_transaction_id=2018041721001004870537670226&pay_result=0&result_code=SUCCESS\
                    &state=SUCCESS&time_end=20180417094729&total_fee=1&trade_type=pay.weixin.native\
                    &transaction_id=199520439266201804177199552446";
        let mut f: RawFields = form_urlencoded::parse(form.as_bytes()).into_owned().collect();
        f.insert("sign".into(), sign(&f, "notify-key"));
        f
    }

    #[test]
    fn notification_maps_and_verifies() {
        let key = Secret::new("notify-key");
        let n = verify_notification(&notification(), &key).unwrap();
        assert_eq!(n.order_no, "1523929500000");
        assert_eq!(n.state, TradeState::Paid);
        assert_eq!(n.amount, Some(Money::from_fen(1, "t").unwrap()));
        assert_eq!(n.gateway_trade_no.as_deref(), Some("199520439266201804177199552446"));
        assert_eq!(n.ack, "success");

        let mut t = notification();
        t.insert("total_fee".into(), "100".into());
        assert!(matches!(verify_notification(&t, &key), Err(crate::error::Error::SignatureInvalid { .. })));
        assert!(matches!(
            verify_notification(&notification(), &Secret::new("other")),
            Err(crate::error::Error::SignatureInvalid { .. })
        ));
        assert!(matches!(
            verify_notification(&notification(), &Secret::new("")),
            Err(crate::error::Error::InvalidInput { field, .. }) if field == "key"
        ));

        let mut failed = notification();
        failed.insert("pay_result".into(), "1".into());
        failed.insert("sign".into(), sign(&failed, "notify-key"));
        assert_eq!(verify_notification(&failed, &key).unwrap().state, TradeState::Failed);

        let mut no_order = notification();
        no_order.remove("out_trade_no");
        no_order.insert("sign".into(), sign(&no_order, "notify-key"));
        assert!(matches!(
            verify_notification(&no_order, &key),
            Err(crate::error::Error::InvalidInput { field, .. }) if field == "out_trade_no"
        ));
    }

    proptest! {
        #[test]
        fn any_fields_round_trip(
            map in proptest::collection::btree_map("[A-Za-z_][A-Za-z0-9_]{0,12}", "\\PC{0,16}", 0..12),
            key in "[ -~]{1,40}",
        ) {
            let mut f: RawFields = map;
            f.remove("sign");
            let s = sign(&f, &key);
            f.insert("sign".into(), s.clone());
            prop_assert_eq!(verify(&f, &key), Ok(()));
            let signed_part = format!("sign={}", s);
            prop_assert!(!canonical(&f, &key).contains(&signed_part));
            // Changing any non-empty value breaks the signature.
            if let Some((k, v)) = f.iter().find(|(k, v)| k.as_str() != "sign" && !v.is_empty()) {
                let (k, v) = (k.clone(), format!("{v}x"));
                f.insert(k, v);
                prop_assert_eq!(verify(&f, &key), Err(Error::Mismatch));
            }
        }
    }
}
