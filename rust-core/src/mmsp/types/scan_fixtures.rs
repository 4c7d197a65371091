//! Scan code against the seed's own samples (`testdata/`, copied verbatim: seed L1619-1634,
//! L1640-1657, L1663-1676) and the vendor demo's push; sign vectors computed independently with
//! `printf '%s' '<sign text>' | md5sum` and the seed's test key.

use serde_json::{json, Map, Value};

use super::*;
use crate::error::Error;
use crate::gateway::Notification;
use crate::mmsp::{wire, Credentials};
use crate::money::Money;
use crate::operation::Operation;
use crate::secret::Secret;
use crate::trade::{RawFields, TradeState};

/// The seed's test key (digest §11): a fixture key, not an oracle.
const KEY: &str = "ea21842eea24e448b991b1cb0a0294cf";

fn creds() -> Credentials {
    Credentials::new("001440353999853", "84970001", Secret::new(KEY))
}

fn fen(n: i64) -> Money {
    Money::from_fen(n, "a").unwrap()
}

/// The scan samples are not JSON: trailing commas (digest A44). Read with those removed.
fn lenient(text: &str) -> Value {
    let cleaned = text.replace(",\n  }", "\n  }").replace(",\n}", "\n}");
    serde_json::from_str(&cleaned).unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn field_of(e: Error) -> String {
    match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn micropay() -> MmspWechatMicropayRequest {
    serde_json::from_value(json!({"mer_order_id": "A1", "amount": 100, "goods_name": "可乐",
        "code": "134567890123450000", "notify_url": "https://m.example/n"}))
    .unwrap()
}

#[test]
fn seed_3_1_request_template() {
    let text = include_str!("../testdata/scan_3_1_request.json");
    assert!(serde_json::from_str::<Value>(text).is_err(), "the sample is not JSON (A44)");
    let sample = lenient(text);
    assert_eq!(sample["CommandID"], json!(MmspAlipayMicropayRequest::COMMAND));
    let req = MmspAlipayMicropayRequest {
        mer_order_id: "1".into(),
        amount: fen(1),
        goods_name: "x".into(),
        code: "284567890123456789".into(),
        notify_url: None,
        time_end: None,
        ip: None,
        t0: false,
        no_credit: false,
    };
    assert!(req.validate().is_ok());
    let body = req.body(&creds()).unwrap();
    // AMT as the sample sends it (fen, a string); MERORDERID, not the sample's MERORDER (A44).
    assert_eq!(body["AMT"], sample["Body"]["AMT"]);
    assert_eq!(body["MERORDERID"], json!("1"));
    assert!(body.get("MERORDER").is_none());
    assert!(body.values().all(Value::is_string), "every request value a string (digest §3.2)");
}

#[test]
fn seed_3_1_answers() {
    // The "success" template carries RetCode 0: not a success (A4), and not JSON either.
    let text = include_str!("../testdata/scan_3_1_answer.json");
    assert!(serde_json::from_str::<Value>(text).is_err());
    let answer = obj(lenient(text));
    assert_eq!(wire::verdict(&answer).unwrap(), wire::Verdict::Refused { code: "0".into(), message: "".into() });
    // The unsigned negative answer: RetCode 39999, refused; a header refusal is never definite.
    let error = obj(serde_json::from_str(include_str!("../testdata/scan_3_1_error.json")).unwrap());
    let v = wire::verdict(&error).unwrap();
    assert_eq!(v, wire::Verdict::Refused { code: "39999".into(), message: "支付失败".into() });
    assert!(!crate::mmsp::gateway::code_is_definite("39999"));
    assert!(crate::mmsp::gateway::code_is_definite(ORDER_NOT_FOUND));
    assert!(!crate::mmsp::gateway::code_is_definite("AA"));
    assert!(crate::mmsp::gateway::code_is_definite("NOTENOUGH"));
    assert!(crate::mmsp::gateway::code_is_definite("STATUS_2"));
    assert!(!crate::mmsp::gateway::code_is_definite("STATUS_0"));
}

/// `printf '%s' '{"AMT":"100","CODE":"134567890123450000","CUR":"CNY","GOODSNAME":"可乐","MERORDERID":"A1","NOTIFY_URL":"https:\/\/m.example\/n","RANDSTR":"abcdefghij"}&key=ea21842eea24e448b991b1cb0a0294cf' | md5sum`
#[test]
fn micropay_sign_vector() {
    let mut body = micropay().body(&creds()).unwrap();
    body.insert("RANDSTR".into(), json!("abcdefghij"));
    assert_eq!(wire::sign(wire::PhpJson::default(), &body, KEY), "2D05BB5B6F454A15790087DC40B62597");
    // The journal's copy masks the code.
    assert!(!serde_json::to_string(&micropay()).unwrap().contains("134567890123450000"));
}

/// A "paying" answer as received, verified and read.
/// `printf '%s' '{"AMT":"1","ERR_CODE":"AA","ERR_CODE_MSG":"用户支付中","MERORDERID":"A1","ORDERNO":"100000000013","STATUS":"3","TRADETIME":"2017-05-17 16:11:24"}&key=ea21842eea24e448b991b1cb0a0294cf' | md5sum`
#[test]
fn paying_answer_verified_and_read() {
    let body = obj(json!({"AMT": "1", "ERR_CODE": "AA", "ERR_CODE_MSG": "用户支付中", "MERORDERID": "A1",
        "ORDERNO": "100000000013", "STATUS": "3", "TRADETIME": "2017-05-17 16:11:24"}));
    assert_eq!(wire::sign(wire::PhpJson::default(), &body, KEY), "6A139C07753062E257ABD0F4E917DC41");
    let envelope =
        obj(json!({"CommandID": 35075, "RetCode": 1, "Body": body, "Sign": "6A139C07753062E257ABD0F4E917DC41"}));
    assert!(wire::verify(wire::PhpJson::default(), &envelope, KEY).is_ok());
    let mut tampered = envelope.clone();
    tampered["Body"]["STATUS"] = json!("1");
    assert_eq!(wire::verify(wire::PhpJson::default(), &tampered, KEY), Err(wire::WireError::BadSign));
    let a = MmspWechatMicropayRequest::decode(envelope["Body"].clone()).unwrap();
    assert_eq!((a.trade_state(), a.amount, a.err_code.as_deref()), (TradeState::Paying, Some(fen(1)), Some("AA")));
    let req = micropay();
    assert!(req.check(&a).is_ok());
    let t = req.settlement(&a).unwrap();
    assert_eq!((t.state, t.gateway_trade_no.as_deref()), (TradeState::Paying, Some("100000000013")));
    let other = MmspWechatMicropayRequest { mer_order_id: "A2".into(), ..req };
    assert!(other.check(&a).unwrap_err().outcome_unknown());
}

fn push_fields(envelope: &Value) -> RawFields {
    RawFields::from([("body".to_string(), envelope.to_string())])
}

fn verify(envelope: &Value) -> crate::error::Result<Notification> {
    verify_notification(&push_fields(envelope), &creds())
}

/// The vendor demo's push (digest §6.4): CommandID 2324, RetCode 0, numbers unquoted. Signed by
/// another merchant with an unknown key, so it fails here; signed again with the test key
/// (`D9040E18…`, computed with md5sum over its sorted Body) and for the test merchant, it passes.
#[test]
fn the_demo_push() {
    let demo: Value = serde_json::from_str(include_str!("../testdata/demo_push_2324.json")).unwrap();
    assert!(matches!(verify(&demo), Err(Error::SignatureInvalid { .. })));
    let mut ours = demo.clone();
    ours["MERNO"] = json!("001440353999853");
    ours["Sign"] = json!("D9040E187761E91774D0B46BED0723FF");
    let n = verify(&ours).unwrap();
    assert_eq!(n.order_no, "18294677");
    assert_eq!((n.state, n.amount), (TradeState::Paid, Some(fen(1))));
    assert_eq!(n.gateway_trade_no.as_deref(), Some("100000000013"));
    assert_eq!(n.ack, "SUCCESS");
    assert_eq!(n.fields["AMT"], "1");
    assert_eq!(n.fields["TRDTIME"], "2017-05-17 16:11:24");
    // `sign` as the text spells it.
    let mut lower = ours.clone();
    let s = lower.as_object_mut().unwrap().remove("Sign").unwrap();
    lower["sign"] = s;
    assert!(verify(&lower).is_ok());
    // Tampered: the amount as a string (types are signed), the amount, the order; unsigned.
    for (k, v) in [("AMT", json!("1")), ("AMT", json!(100)), ("MERORDERID", json!(18294678)), ("STATUS", json!("2"))] {
        let mut t = ours.clone();
        t["Body"][k] = v;
        assert!(matches!(verify(&t), Err(Error::SignatureInvalid { .. })), "{k}");
    }
    let mut unsigned = ours.clone();
    unsigned["Sign"] = json!("");
    assert!(matches!(verify(&unsigned), Err(Error::SignatureInvalid { .. })));
    // Another merchant's header: refused even though the Body verifies.
    let mut stranger = ours.clone();
    stranger["MERNO"] = json!("001100099202843");
    assert!(matches!(verify(&stranger), Err(Error::InvalidInput { field, .. }) if field == "MERNO"));
    assert!(
        matches!(verify_notification(&RawFields::new(), &creds()), Err(Error::InvalidInput { field, .. }) if field == "body")
    );
}

/// Quick-pay and gateway-pay notifications (`LIST_ID`, strings): the same rule.
#[test]
fn quick_and_gateway_notifications() {
    let body = obj(json!({"AMT": "200", "BANK_NAME": "农业银行", "LIST_ID": "100000004985", "MERORDERID": "Q1",
        "NOTIFY_DATE": "20171122090622", "PAY_DATE": "20171122090622", "STATUS": "1"}));
    let sign = wire::sign(wire::PhpJson::default(), &body, KEY);
    let e = json!({"CommandID": 35104, "RetCode": 1, "ErrMsg": "", "Body": body, "Sign": sign});
    let n = verify(&e).unwrap();
    assert_eq!((n.order_no.as_str(), n.state, n.amount), ("Q1", TradeState::Paid, Some(fen(200))));
    assert_eq!(n.gateway_trade_no.as_deref(), Some("100000004985"));
    let mut refunded = e.clone();
    refunded["Body"]["STATUS"] = json!("3");
    refunded["Sign"] = json!(wire::sign(wire::PhpJson::default(), refunded["Body"].as_object().unwrap(), KEY));
    assert_eq!(verify(&refunded).unwrap().state, TradeState::Refunded);
}

#[test]
fn qq_micropay_command_is_configurable() {
    let req: MmspQqMicropayRequest = serde_json::from_value(json!({"mer_order_id": "Q1", "amount": 1,
        "goods_name": "x", "code": "914567890123450000"}))
    .unwrap();
    assert!(req.validate().is_ok());
    let mut c = creds();
    assert_eq!(req.command(&c), QQ_MICROPAY);
    c.qq_micropay_command = 2326;
    assert_eq!(req.command(&c), 2326);
    assert_eq!(micropay().command(&c), 2307);
}

#[test]
fn bad_input_names_the_field() {
    let ok = micropay();
    assert!(ok.validate().is_ok());
    let with = |f: &dyn Fn(&mut MmspWechatMicropayRequest)| {
        let mut r = ok.clone();
        f(&mut r);
        field_of(r.validate().unwrap_err())
    };
    assert_eq!(with(&|r| r.mer_order_id = "A-1".into()), "mer_order_id");
    assert_eq!(with(&|r| r.mer_order_id = "1".repeat(21)), "mer_order_id");
    assert_eq!(with(&|r| r.amount = Money::ZERO), "amount");
    assert_eq!(with(&|r| r.goods_name = "一二三四五六七八九十一二三四五六".into()), "goods_name");
    assert_eq!(with(&|r| r.code = "284567890123456789".into()), "code", "an Alipay code on WeChat's micropay");
    assert_eq!(with(&|r| r.code = "99".into()), "code");
    assert_eq!(with(&|r| r.notify_url = Some("nowhere".into())), "notify_url");

    let pre: MmspWechatPreOrderRequest = serde_json::from_value(json!({"mer_order_id": "P1", "amount": 5,
        "goods_name": "x", "notify_url": "https://m.example/n", "trade_type": "in_app"}))
    .unwrap();
    assert_eq!(field_of(pre.validate().unwrap_err()), "openid");
    let pre = MmspWechatPreOrderRequest { openid: Some("oUpF8uMuAJO".into()), ..pre };
    assert!(pre.validate().is_ok());
    let body = pre.body(&creds()).unwrap();
    assert_eq!((body["TRADETYPE"].as_str(), body["OPENID"].as_str()), (Some("2"), Some("oUpF8uMuAJO")));
    assert!(!serde_json::to_string(&pre).unwrap().contains("oUpF8uMuAJO"), "openids are masked");
    let qr = MmspWechatPreOrderRequest { trade_type: MmspOrderMode::Qr, mini_program: true, ..pre };
    assert_eq!(field_of(qr.validate().unwrap_err()), "mini_program");

    let ali: MmspAlipayPreOrderRequest = serde_json::from_value(json!({"mer_order_id": "P1", "amount": 5,
        "goods_name": "x", "notify_url": "https://m.example/n", "trade_type": "in_app"}))
    .unwrap();
    assert_eq!(field_of(ali.validate().unwrap_err()), "alipay_user_id");
    let h5: MmspWechatH5Request = serde_json::from_value(json!({"mer_order_id": "H1", "amount": 5,
        "goods_name": "x", "notify_url": "https://m.example/n", "jump_url": ""}))
    .unwrap();
    assert_eq!(field_of(h5.validate().unwrap_err()), "jump_url");
    let jd: MmspJdQrOrderRequest = serde_json::from_value(json!({"mer_order_id": "J1", "amount": 5,
        "goods_name": "x", "notify_url": ""}))
    .unwrap();
    assert_eq!(field_of(jd.validate().unwrap_err()), "notify_url");
    assert_eq!(
        field_of(MmspScanQueryRequest { mer_order_id: None, platform_order_no: None }.validate().unwrap_err()),
        "mer_order_id"
    );
    let refund = MmspScanRefundRequest {
        mer_order_id: "A1".into(),
        platform_order_no: None,
        refund_no: "R_1".into(),
        amount: fen(1),
    };
    assert_eq!(field_of(refund.validate().unwrap_err()), "refund_no");
    let refund = MmspScanRefundRequest { refund_no: "R1".into(), amount: Money::ZERO, ..refund };
    assert_eq!(field_of(refund.validate().unwrap_err()), "amount");
    let rq = MmspScanRefundQueryRequest { refund_no: None, platform_refund_no: None };
    assert_eq!(field_of(rq.validate().unwrap_err()), "refund_no");
    assert!(serde_json::from_value::<MmspScanCancelRequest>(json!({"mer_order_id": "A1", "x": 1})).is_err());
}

#[test]
fn bodies_of_the_management_calls() {
    let r = MmspScanRefundRequest {
        mer_order_id: "A1".into(),
        platform_order_no: Some("1000".into()),
        refund_no: "R1".into(),
        amount: fen(250),
    };
    assert_eq!(
        Value::Object(r.body(&creds()).unwrap()),
        json!({"MERORDERID": "A1", "ORDERNO": "1000", "REFUND_MERORDERID": "R1", "AMT": "250"})
    );
    assert_eq!(r.movement().unwrap(), crate::operation::Movement::numbered("A1", "R1", fen(250)));
    let c = MmspScanCloseRequest::of("A1");
    assert_eq!(Value::Object(c.body(&creds()).unwrap()), json!({"MERORDERID": "A1"}));
    let q = MmspScanRefundQueryRequest { refund_no: Some("R1".into()), platform_refund_no: None };
    assert_eq!(Value::Object(q.body(&creds()).unwrap()), json!({"REFUND_MERORDERID": "R1"}));
}

/// The field-by-field readers of scan code's answers and of the notifications (what the
/// library ships) read exactly what the derived serde readers read: strings and numbers,
/// empties as absent, unknown fields kept, the time fields under each of their names.
#[test]
fn field_readers_agree_with_serde() {
    let bodies = [
        json!({"ORDERNO": "100000000013", "MERORDERID": 18294677, "STATUS": "3", "AMT": 1, "TRADETYPE": "1",
               "TRADETIME": "2017-05-17 16:11:24", "PAYTIME": "", "ERR_CODE": "AA", "ERR_CODE_MSG": "用户支付中",
               "URL": "weixin://x", "PAY_INFO": null, "NEW_FIELD": {"a": [1, 2]}, "N": 7}),
        json!({"STATUS": 1, "AMT": "250", "REFUND_ORDERNO": "R1", "REFUND_MERORDERID": "PGR1", "REFUND_TIME": "t",
               "TRADETYPE": 9}),
        json!({"STATUS": "2", "TRDTIME": "2017-05-17", "PAY_DATE": "20170517", "LIST_ID": "L1"}),
    ];
    for b in bodies {
        let serde_pre: MmspPreOrderResponse = serde_json::from_value(b.clone()).unwrap();
        assert_eq!(MmspPreOrderResponse::from_body(b.clone()).unwrap(), serde_pre, "{b}");
        let serde_order: MmspScanOrderResponse = serde_json::from_value(b.clone()).unwrap();
        assert_eq!(MmspScanOrderResponse::from_body(b.clone()).unwrap(), serde_order, "{b}");
        let serde_refund: MmspScanRefundResponse = serde_json::from_value(b.clone()).unwrap();
        assert_eq!(MmspScanRefundResponse::from_body(b.clone()).unwrap(), serde_refund, "{b}");
        let serde_note: MmspNotification = serde_json::from_value(b.clone()).unwrap();
        assert_eq!(MmspNotification::from_body(b.clone()).unwrap(), serde_note, "{b}");
    }
    // What serde refuses, they refuse.
    for bad in [json!({"AMT": "1.5", "STATUS": "1"}), json!({"ORDERNO": "X"}), json!([1])] {
        assert!(serde_json::from_value::<MmspScanOrderResponse>(bad.clone()).is_err());
        assert!(MmspScanOrderResponse::from_body(bad.clone()).is_err(), "{bad}");
    }
}
