//! Writes the fuzz targets' seed corpora (`fuzz/corpus/<target>/`) from the repository's own
//! material: the gateways' traffic with the sandbox (each gateway's client driven through its
//! operations while a relay between them records every answer and every notification the
//! sandbox posts), the seed samples under `rust-core/src/*/testdata/`, and a few hand-made
//! inputs (money strings, merchant files).
//!
//!     cd fuzz && cargo run --example seeds            # rewrites corpus/*/seed-*
//!
//! Run it again after a protocol change; the files are small and committed. Crash inputs kept as
//! regression seeds (`corpus/<target>/crash-*`) are not touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use posgate_core::trade::{PayRequest, RefundRequest};
use posgate_core::{Gateway, GatewayId, Money};
use posgate_sandbox::Sandbox;
use serde_json::{json, Value};

/// What the relay saw, by fuzz target.
#[derive(Default)]
struct Recorded(Mutex<BTreeMap<&'static str, Vec<Vec<u8>>>>);

impl Recorded {
    fn add(&self, target: &'static str, seed: Vec<u8>) {
        self.0.lock().unwrap().entry(target).or_default().push(seed);
    }
}

struct Relay {
    sandbox: String,
    http: reqwest::Client,
    seen: Arc<Recorded>,
}

/// The fuzz target that reads answers from a gateway path.
fn answer_target(path: &str) -> Option<&'static str> {
    let targets = [
        ("/mmsp/payout", "mmsp_payout_answer"),
        ("/mmsp/", "mmsp_answer"),
        ("/chaoying/", "chaoying_answer"),
        ("/kuaishou/", "kuaishou_answer"),
        ("/tlinx/", "tlinx_answer"),
        ("/sunmi/", "sunmi_answer"),
    ];
    targets.iter().find(|(p, _)| path.starts_with(p)).map(|(_, t)| *t)
}

/// Notifications arrive at `/_notify/<gateway>`; answers are relayed to the sandbox and recorded.
async fn relay(State(r): State<Arc<Relay>>, req: Request) -> Response {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let ct = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default().to_vec();
    let query = uri.query().unwrap_or("").to_string();
    if let Some(g) = uri.path().strip_prefix("/_notify/") {
        let (target, seed, ack) = match g {
            "chaoying" => ("chaoying_notify", body, "success"),
            "sunmi" => ("sunmi_notify", body, "success"),
            "mmsp" => ("mmsp_notify", body, "SUCCESS"),
            // TLinx notifies with GET, its fields in the query string.
            "tlinx" => ("tlinx_notify", query.into_bytes(), "notify_success"),
            // Kuaishou: sign, _type and encrypt in the query string, the document in the body.
            _ => ("kuaishou_notify", [query.as_bytes(), b"\n", &body].concat(), "SUCCESS"),
        };
        r.seen.add(target, seed);
        return Response::new(Body::from(ack));
    }
    let url = format!("{}{}", r.sandbox, uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut out = r.http.request(method, url).body(body);
    if let Some(ct) = ct {
        out = out.header(CONTENT_TYPE, ct);
    }
    let (status, ct, answer) = match out.send().await {
        Ok(a) => {
            let status = a.status();
            let ct = a.headers().get(CONTENT_TYPE).cloned();
            (status, ct, a.bytes().await.unwrap_or_default().to_vec())
        }
        Err(e) => {
            eprintln!("relay: {e}");
            return Response::builder().status(502).body(Body::empty()).unwrap();
        }
    };
    if let Some(t) = answer_target(uri.path()) {
        r.seen.add(t, answer.clone());
    }
    let mut resp = Response::builder().status(status);
    if let Some(ct) = ct {
        resp = resp.header(CONTENT_TYPE, ct);
    }
    resp.body(Body::from(answer)).unwrap()
}

fn fen(n: u64) -> Money {
    Money::from_fen(n as i64, "amount").unwrap()
}

fn barcode(last4: &str) -> String {
    format!("13456789012345{last4}")
}

fn open_id(last4: &str) -> String {
    format!("oG-NZ5LHRuFlGF7bKEbXtj{last4}")
}

/// Drives gateway `g` through its operations; every failure is only printed (a refusal is a
/// seed too).
async fn drive(g: GatewayId, gw: Arc<dyn Gateway>, sandbox: &Sandbox, relay_root: &str, n: &mut u32) {
    let mut no = |p: &str| {
        *n += 1;
        format!("{p}{:04}{}", *n, g.as_str().len())
    };
    let notify = format!("{relay_root}/_notify/{g}");
    let mut payouts = 0;
    let mut digits = || {
        payouts += 1;
        format!("9{:011}", payouts + 1000 * g.as_str().len())
    };
    let note = |what: &str, r: Result<String, String>| match r {
        Ok(_) => {}
        Err(e) => eprintln!("[{g}] {what}: {e}"),
    };
    // Barcode payments (Sunmi has none: prepays) for the scenarios that answer at once.
    if g != GatewayId::Sunmi {
        for last4 in ["0000", "1001", "3001", "3002", "4001", "5001"] {
            let order = no("FZ");
            let req = PayRequest {
                order_no: order.clone(),
                amount: fen(1280),
                auth_code: barcode(last4),
                subject: "fuzz seed".into(),
                terminal_id: None,
                store_id: None,
            };
            note("pay", gw.pay(&req).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
            note("query", gw.query(&order).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
            if last4 == "0000" {
                let refund_no = no("RF");
                let refund = RefundRequest {
                    order_no: order.clone(),
                    refund_no: refund_no.clone(),
                    refund_amount: fen(280),
                    total_amount: Some(fen(1280)),
                    reason: None,
                };
                note("refund", gw.refund(&refund).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
                note(
                    "refund query",
                    gw.refund_query(&order, &refund_no).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()),
                );
            }
            if last4 == "1001" {
                note("cancel", gw.cancel(&order).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
            }
        }
        note("query unknown", gw.query("FZNOSUCHORDER1").await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
    }
    // A pre-order the payer pays: its notification reaches the relay.
    let order = no("FQ");
    let (op, params) = match g {
        GatewayId::Chaoying => (
            "wechat_pre_order",
            json!({"body": "fuzz", "out_trade_no": order, "total_fee": 1880, "trade_type": "NATIVE",
                   "product_id": "p1", "notify_url": notify}),
        ),
        GatewayId::Tlinx => (
            "payorder",
            json!({"scenario": "qr", "out_no": order, "pmt_tag": "Weixin", "original_amount": 1880,
                   "trade_amount": 1880, "notify_url": notify}),
        ),
        GatewayId::Kuaishou => (
            "order",
            json!({"charge_code": order, "amount": 1880, "subject": "fuzz", "channel_type": "2", "notify_url": notify}),
        ),
        GatewayId::Mmsp => (
            "wechat_pre_order",
            json!({"mer_order_id": order, "amount": 1880, "goods_name": "fuzz", "notify_url": notify}),
        ),
        GatewayId::Sunmi => (
            "mini_pay",
            json!({"totalAmount": 1880, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
                   "openId": open_id("0000"), "orderId": order, "notifyUrl": notify}),
        ),
    };
    note(op, gw.invoke(op, params).await.map(|i| i.answer.to_string()).map_err(|e| e.to_string()));
    note("payer pays", sandbox.pay_preorder(g, &order).await.map(|a| format!("{a:?}")));
    note("query", gw.query(&order).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
    if g == GatewayId::Sunmi {
        let refund = RefundRequest {
            order_no: order.clone(),
            refund_no: no("RF"),
            refund_amount: fen(880),
            total_amount: Some(fen(1880)),
            reason: None,
        };
        note("refund", gw.refund(&refund).await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()));
    }
    // Each gateway's other operations.
    let extra: Vec<(&str, Value)> = match g {
        GatewayId::Chaoying => vec![
            (
                "alipay_pre_order",
                json!({"body": "fuzz", "out_trade_no": no("FA"), "total_fee": 990, "trade_type": "NATIVE",
                       "notify_url": notify}),
            ),
            ("wxa_code2session", json!({"appid": "wx0000000000000001", "js_code": "code"})),
            (
                "get_face_auth",
                json!({"paytype": "WECHAT", "rawdata": "raw", "store_id": "s1", "store_name": "store", "device_id": "d1"}),
            ),
        ],
        GatewayId::Sunmi => vec![
            ("swipe_query", json!({"orderId": "SWIPE0001"})),
            (
                "js_api_pay",
                json!({"totalAmount": 990, "miniAppId": posgate_sandbox::sunmi::OA_APP_ID,
                       "openId": open_id("3001"), "orderId": no("FJ")}),
            ),
            (
                "mini_pay",
                json!({"totalAmount": 500, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID,
                       "openId": open_id("1003"), "orderId": no("FM")}),
            ),
        ],
        GatewayId::Tlinx => vec![
            ("paylist", json!({"pmt_type": "1"})),
            ("order", json!({"pagesize": 10})),
            ("order_view", json!({"out_no": order})),
        ],
        GatewayId::Kuaishou => vec![
            (
                "jsapi_order",
                json!({"charge_code": no("FK"), "amount": 990, "subject": "fuzz", "sub_openid": open_id("0000"),
                       "notify_url": notify}),
            ),
            ("cancel_trade", json!({"charge_code": order})),
        ],
        GatewayId::Mmsp => vec![
            (
                "alipay_pre_order",
                json!({"mer_order_id": no("FA"), "amount": 990, "goods_name": "fuzz", "notify_url": notify}),
            ),
            ("balance_query", json!({})),
            (
                "payout",
                json!({"order_no": digits(), "amount": 5000, "account_name": "李四",
                       "account_no": "6222020000000000", "account_type": "0", "mobile": "13912345678",
                       "bank_name": "中国工商银行", "memo": "fuzz"}),
            ),
            (
                "payout",
                json!({"order_no": digits(), "amount": 5000, "account_name": "李四",
                       "account_no": "6222020000003001", "account_type": "0", "mobile": "13912345678",
                       "bank_name": "中国工商银行", "memo": "fuzz"}),
            ),
            ("payout_query", json!({"order_no": "900000000001"})),
            (
                "quick_pay",
                json!({"mer_order_id": no("FQ"), "amount": 990, "card_no": "6222021234567890123",
                       "card_type": "1", "name": "张三", "id_no": "110101199003077777",
                       "phone": "13812345678", "notify_url": notify}),
            ),
            ("quick_pay_query", json!({"mer_order_id": order})),
        ],
    };
    for (op, params) in extra {
        note(op, gw.invoke(op, params).await.map(|i| i.answer.to_string()).map_err(|e| e.to_string()));
    }
}

/// Seeds derived from recorded ones: what sits behind an encryption (the targets encrypt their
/// input themselves) and Kuaishou's documents as XML.
fn derived(seen: &mut BTreeMap<&'static str, Vec<Vec<u8>>>) {
    use posgate_core::kuaishou::protocol as ks;
    use posgate_core::mmsp::payout_wire;
    use posgate_core::tlinx::protocol as tl;
    let text = |b: &Vec<u8>| String::from_utf8_lossy(b).into_owned();

    let kuaishou: Vec<String> = seen.get("kuaishou_answer").into_iter().flatten().map(text).collect();
    for a in kuaishou {
        if let Ok(plain) = ks::plaintext(posgate_sandbox::kuaishou::KEY, &a, true) {
            if let Ok(doc) = ks::document(&plain) {
                seen.entry("kuaishou_answer").or_default().push(ks::json_to_xml(&doc).into_bytes());
            }
            seen.entry("kuaishou_answer").or_default().push(plain.into_bytes());
        }
    }
    let tlinx: Vec<String> = seen.get("tlinx_answer").into_iter().flatten().map(text).collect();
    for a in tlinx {
        if let Ok(env) = tl::parse_answer(&a, posgate_sandbox::tlinx::OPEN_KEY) {
            if let Some(d) = env.data {
                seen.entry("tlinx_answer").or_default().push(d.to_string().into_bytes());
            }
        }
    }
    let creds = posgate_sandbox::mmsp::test_credentials(posgate_fuzz::NOWHERE);
    let merchant = payout_wire::private_key("merchant_private_key", creds.merchant_private_key.unwrap().expose())
        .expect("the sandbox's merchant key");
    let payouts: Vec<String> = seen.get("mmsp_payout_answer").into_iter().flatten().map(text).collect();
    for a in payouts {
        let Ok(Value::Object(outer)) = serde_json::from_str::<Value>(&a) else { continue };
        if let Some(enc) = outer.get("ENCRYPT").and_then(Value::as_str) {
            if let Ok(plain) = payout_wire::decrypt(&merchant, enc) {
                seen.entry("mmsp_payout_answer").or_default().push(plain.to_vec());
            }
        }
    }
}

/// The seed samples the core's own tests read.
fn testdata(root: &Path, seen: &mut BTreeMap<&'static str, Vec<Vec<u8>>>) {
    use posgate_core::kuaishou::protocol as ks;
    let read = |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let dir = root.join("rust-core/src/kuaishou/testdata");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = read(p.clone());
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        // 5.3 is the notification (PAY_NODIFY); the rest are answers.
        if name == "seed_5_3.json" {
            let body = String::from_utf8_lossy(&bytes).into_owned();
            seen.entry("kuaishou_notify").or_default().push(format!("_type=json\n{body}").into_bytes());
            if let Ok(doc) = ks::document(&body) {
                let xml = ks::json_to_xml(&doc);
                seen.entry("kuaishou_notify").or_default().push(format!("_type=xml\n{xml}").into_bytes());
            }
        } else {
            seen.entry("kuaishou_answer").or_default().push(bytes);
        }
    }
    let dir = root.join("rust-core/src/mmsp/testdata");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains("notification") || name.contains("push") {
            seen.entry("mmsp_notify").or_default().push(read(p));
        } else if name.contains("answer") || name.contains("error") {
            seen.entry("mmsp_answer").or_default().push(read(p));
        }
    }
    // The JSON objects the unit tests spell out as raw strings (`r#"{...}"#`): answers, or
    // (TLinx) their decrypted data.
    for (dir, target) in [("chaoying", "chaoying_answer"), ("sunmi", "sunmi_answer"), ("tlinx", "tlinx_answer")] {
        let mut files = vec![root.join("rust-core/src").join(dir)];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap_or_default();
            for chunk in src.split("r#\"").skip(1) {
                let Some((json, _)) = chunk.split_once("\"#") else { continue };
                if let Ok(Value::Object(_)) = serde_json::from_str::<Value>(json) {
                    seen.entry(target).or_default().push(json.as_bytes().to_vec());
                }
            }
        }
    }
    // Sunmi's sample callback (4.3.5), as a form.
    let sample = posgate_core::sunmi::protocol::seed_sample_callback();
    let form = form_urlencoded::Serializer::new(String::new()).extend_pairs(&sample).finish();
    seen.entry("sunmi_notify").or_default().push(form.into_bytes());
}

/// Hand-made: amounts as gateways write them (and as they should not), and merchant files.
fn hand_made(seen: &mut BTreeMap<&'static str, Vec<Vec<u8>>>) {
    #[rustfmt::skip]
    const AMOUNTS: &[&str] = &[
        "0", "1", "0.01", "0.1", "158", "158.0", "158.00", "1280", "92233720368547758.07", "92233720368547758.08",
        "9223372036854775807", "9223372036854775808", "18446744073709551616", "-1", "-0.01", "1e2", "1.234", " 1",
        "01", ".5", "5.", "",
    ];
    for m in AMOUNTS {
        seen.entry("money").or_default().push(m.as_bytes().to_vec());
    }
    let tomls = [
        "gateway = \"tlinx\"\nbase_url = \"https://gateway.example.com/\"\nenvironment = \"production\"\n\
         [credentials]\nopen_id = \"abc\"\nopen_key = \"0828e83720fdbe3685a7b94214af04f9\"\n",
        "gateway = \"chaoying\"\nbase_url = \"https://pay.example.com\"\nenvironment = \"test\"\nallow_http = true\n\
         connect_timeout_secs = 5\nrequest_timeout_secs = 20\n[credentials]\nmch_id = \"10000001\"\npid = \"posgate\"\n\
         key = \"CY5ANDB0XKEY0123456789ABCDEF0001\"\nagent_id = \"130000000000000000\"\nversion = \"1.0\"\n",
        "gateway = \"kuaishou\"\nbase_url = \"https://open.example.com/openGateway/openService\"\n[credentials]\n\
         busi_code = \"0010000001\"\nkey = \"sandbox0kuaishou0key000000000001\"\nencrypt = true\n\
         timestamp_unit = \"millis\"\noper_id = \"op\"\ndev_id = \"pos\"\n",
        "gateway = \"mmsp\"\nbase_url = \"https://mmsp.example.com/scan\"\n[credentials]\nmerno = \"001440353999853\"\n\
         termno = \"84970001\"\nkey = \"sandbox0mmsp0key0000000000000001\"\nquick_pay_url = \"https://mmsp.example.com/quick\"\n\
         gateway_url = \"https://mmsp.example.com/gateway\"\npayout_url = \"https://mmsp.example.com/payout\"\n\
         escape_slashes = false\nqq_micropay_command = 2326\n",
        "gateway = \"sunmi\"\nbase_url = \"https://openapi.sunmi.com\"\n[credentials]\napp_id = \"smsandbox0000001\"\n\
         app_key = \"SUNMISANDBOXKEY0123456789ABCDEF0\"\nmerchant_no = \"820291573790006\"\nmsn = \"V206D88200036\"\n",
    ];
    for t in tomls {
        seen.entry("merchant_toml").or_default().push(t.as_bytes().to_vec());
    }
    // Sunmi and MMSP with their keys (PEM in a TOML string).
    let sunmi_key = posgate_sandbox::sunmi::PUBLIC_KEY_PEM.trim();
    seen.entry("merchant_toml").or_default().push(
        format!(
            "gateway = \"sunmi\"\nbase_url = \"https://openapi.sunmi.com\"\n[credentials]\napp_id = \"a\"\n\
             app_key = \"k\"\npublic_key = \"\"\"\n{sunmi_key}\n\"\"\"\n"
        )
        .into_bytes(),
    );
    let m = posgate_sandbox::mmsp::test_credentials(posgate_fuzz::NOWHERE);
    seen.entry("merchant_toml").or_default().push(
        format!(
            "gateway = \"mmsp\"\nbase_url = \"https://mmsp.example.com/scan\"\n[credentials]\nmerno = \"1\"\n\
             termno = \"2\"\nkey = \"k\"\npayout_url = \"https://mmsp.example.com/payout\"\n\
             platform_public_key = \"{}\"\nmerchant_private_key = \"\"\"\n{}\"\"\"\n",
            m.platform_public_key.unwrap(),
            m.merchant_private_key.unwrap().expose()
        )
        .into_bytes(),
    );
}

#[tokio::main]
async fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let seen = Arc::new(Recorded::default());
    let relay_state = Arc::new(Relay {
        sandbox: sandbox.root_url().trim_end_matches('/').to_string(),
        http: reqwest::Client::new(),
        seen: seen.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_root = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(relay).with_state(relay_state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut n = 0;
    for &g in posgate_sandbox::SIMULATED {
        let cfg = posgate_sandbox::test_config(g, &relay_root).expect("config");
        let gw = posgate_core::connect(cfg).expect("connect");
        drive(g, gw, &sandbox, &relay_root, &mut n).await;
    }
    // Callbacks and pushes the sandbox sends on its own time (Sunmi's after a paying phase).
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;

    let mut all = std::mem::take(&mut *seen.0.lock().unwrap());
    derived(&mut all);
    testdata(&root, &mut all);
    hand_made(&mut all);
    let corpus = root.join("fuzz/corpus");
    for (target, seeds) in all {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap().to_string_lossy().starts_with("seed-") {
                std::fs::remove_file(p).unwrap();
            }
        }
        let unique: BTreeSet<Vec<u8>> = seeds.into_iter().collect();
        for (i, s) in unique.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:03}")), s).unwrap();
        }
        println!("{target}: {} seeds", unique.len());
    }
}
