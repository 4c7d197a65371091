//! Fault injection on the gateway simulators, for tests of what a client does when the network
//! or the gateway misbehaves around the moment a request takes effect.
//!
//! A [`FaultPlan`] set with [`crate::Sandbox::set_faults`] is asked once per request to a
//! gateway simulator (`/chaoying/...`, `/tlinx/...`; never `/_sandbox/...`) whether to spoil it,
//! and how. Each [`Fault`] either leaves the request unprocessed ("before commit": the gateway
//! never saw it, no order appears in the store) or lets the simulator process it first and spoils
//! only the answer ("after commit": the order is in the store exactly as without the fault). Every
//! fault reaches the client after its request was sent, so the posgate client must report the
//! outcome as unknown (`posgate_core::Error::outcome_unknown()`), never as failed.
//!
//! The request the plan sees is named by the gateway (`"chaoying"` | `"kuaishou"` | `"tlinx"` | `"sunmi"`) and the path
//! below it (`"/mct1/payorder"`, `"/mct1/paystatus"`, ...). Chaoying sends most operations to the
//! one endpoint `/UnifiedPay/Gateway` and names the operation by the `method` form field: there
//! the path is given as `"/UnifiedPay/Gateway?method=pay"` (`orderquery`, `refund`, ...), so a
//! path filter can pick out pay calls (see [`PAY_PATHS`]).
//!
//! Timeouts and resets are the simulators' own ways of not answering (`Reply::Hang` and
//! `Reply::Drop`, as in the `4002` scenario): the connection closes without an answer, and the
//! client sees an I/O error or its own timeout.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::reply::Reply;
use crate::Ctx;

/// Largest request or answer body the fault layer buffers (gateway messages are a few KB).
const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Hold the request unprocessed for `hang`, then drop the connection: the gateway never saw it.
    TimeoutBeforeCommit,
    /// Process it (state changes), then hold the answer for `hang` and drop the connection.
    TimeoutAfterCommit,
    /// Abort the connection without processing.
    ResetBeforeCommit,
    /// Process, then abort the connection instead of answering (the client sees an I/O error).
    ResetAfterCommit,
    /// Answer 502 without processing.
    ServerErrorBeforeCommit,
    /// Process, then answer 500 (the real answer is discarded).
    ServerErrorAfterCommit,
    /// Process, then answer 200 with an HTML error page instead of the gateway's JSON.
    GarbageAfterCommit,
    /// Process, then answer the real JSON with its `sign` value altered (one hex digit flipped;
    /// MMSP's `Sign` in its envelopes and `SIGN` in its payout answers likewise; an answer
    /// without a `sign` gets a wrong one). Kuaishou signs no answers (a `sign` added
    /// to one is ignored) and its 3DES answers are not JSON: there this fault changes nothing.
    BadSignatureAfterCommit,
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::TimeoutBeforeCommit,
        Fault::TimeoutAfterCommit,
        Fault::ResetBeforeCommit,
        Fault::ResetAfterCommit,
        Fault::ServerErrorBeforeCommit,
        Fault::ServerErrorAfterCommit,
        Fault::GarbageAfterCommit,
        Fault::BadSignatureAfterCommit,
    ];

    /// Whether the simulator processes the request (its effects are in the store) before the
    /// fault spoils the answer.
    pub fn commits(self) -> bool {
        !matches!(self, Fault::TimeoutBeforeCommit | Fault::ResetBeforeCommit | Fault::ServerErrorBeforeCommit)
    }
}

/// Decides, request by request, which fault (if any) to inject.
pub trait FaultPlan: Send + Sync {
    /// Called once per gateway request (`gateway` = "chaoying" | "kuaishou" | ..., `path` below it, e.g.
    /// "/UnifiedPay/Gateway?method=pay" or "/mct1/paystatus").
    fn next(&self, gateway: &str, path: &str) -> Option<Fault>;
}

impl<P: FaultPlan + ?Sized> FaultPlan for Arc<P> {
    fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
        (**self).next(gateway, path)
    }
}

/// Path substrings of the barcode pay calls of every simulated gateway, for [`OnlyPaths`].
/// (MMSP's micropays: WeChat, Alipay, QQ as printed.)
pub const PAY_PATHS: &[&str] =
    &["/mct1/payorder", "?method=pay", "/openService/preOrder", "?CommandID=2307", "?CommandID=2309", "?CommandID=776"];

/// Deterministic random faults from a seed: each request is faulted with probability `rate`
/// (0.0..=1.0), with a fault drawn uniformly from `kinds`.
///
/// The n-th call to [`FaultPlan::next`] gets the n-th draw of the seed's sequence, whatever the
/// earlier draws were; which request is the n-th depends on the order in which requests arrive
/// (deterministic when the client sends one request at a time).
pub struct RandomFaults {
    seed: u64,
    rate: f64,
    kinds: Vec<Fault>,
    calls: AtomicUsize,
    injected: Mutex<Vec<(String, Fault)>>,
}

impl RandomFaults {
    pub fn new(seed: u64, rate: f64, kinds: &[Fault]) -> Self {
        RandomFaults {
            seed,
            rate: if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) },
            kinds: kinds.to_vec(),
            calls: AtomicUsize::new(0),
            injected: Mutex::new(Vec::new()),
        }
    }

    /// What the n-th request (from 0) gets, without counting it.
    pub fn fault_at(&self, n: usize) -> Option<Fault> {
        if self.kinds.is_empty() {
            return None;
        }
        let base = self.seed ^ (n as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        // 53 random bits as a float in [0, 1).
        let roll = (splitmix64(base) >> 11) as f64 / (1u64 << 53) as f64;
        if roll >= self.rate {
            return None;
        }
        let pick = splitmix64(base ^ 0xA076_1D64_78BD_642F) % self.kinds.len() as u64;
        Some(self.kinds[pick as usize])
    }

    /// The faults injected so far, in order, each with the request it spoiled
    /// (`"<gateway><path>"`, e.g. `"tlinx/mct1/payorder"`): for test failure messages.
    pub fn injected(&self) -> Vec<(String, Fault)> {
        self.injected.lock().unwrap().clone()
    }

    /// How many requests asked so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl FaultPlan for RandomFaults {
    fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let fault = self.fault_at(n)?;
        self.injected.lock().unwrap().push((format!("{gateway}{path}"), fault));
        Some(fault)
    }
}

/// SplitMix64's output function: a well-mixed 64-bit value of `x`. Written out (rather than a
/// `rand` generator) so a seed gives the same faults whatever the `rand` version.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A script: the n-th request gets the n-th entry (`None` = no fault); after the script, no
/// faults.
pub struct ScriptedFaults {
    script: Vec<Option<Fault>>,
    calls: AtomicUsize,
    injected: Mutex<Vec<(String, Fault)>>,
}

impl ScriptedFaults {
    pub fn new(script: Vec<Option<Fault>>) -> Self {
        ScriptedFaults { script, calls: AtomicUsize::new(0), injected: Mutex::new(Vec::new()) }
    }

    /// How many requests asked so far (also those past the end of the script).
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The faults injected so far, like [`RandomFaults::injected`].
    pub fn injected(&self) -> Vec<(String, Fault)> {
        self.injected.lock().unwrap().clone()
    }
}

impl FaultPlan for ScriptedFaults {
    fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let fault = self.script.get(n).copied().flatten()?;
        self.injected.lock().unwrap().push((format!("{gateway}{path}"), fault));
        Some(fault)
    }
}

/// Passes to `inner` only the requests whose path contains one of `patterns` (e.g.
/// [`PAY_PATHS`]); the others get no fault and are not shown to `inner` at all, so a script or
/// a random sequence runs over the matching requests only.
pub struct OnlyPaths<P> {
    patterns: Vec<String>,
    inner: P,
}

impl<P: FaultPlan> OnlyPaths<P> {
    pub fn new(patterns: &[&str], inner: P) -> Self {
        OnlyPaths { patterns: patterns.iter().map(|p| p.to_string()).collect(), inner }
    }

    pub fn inner(&self) -> &P {
        &self.inner
    }
}

impl<P: FaultPlan> FaultPlan for OnlyPaths<P> {
    fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
        if self.patterns.iter().any(|p| path.contains(p.as_str())) {
            self.inner.next(gateway, path)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The middleware

#[derive(Clone)]
struct Injector {
    ctx: Ctx,
    gateway: &'static str,
}

/// `router` (one gateway's simulator, mounted under `/<gateway>`) with the fault layer.
pub(crate) fn wrap(gateway: &'static str, router: Router<Ctx>, ctx: &Ctx) -> Router<Ctx> {
    router.layer(axum::middleware::from_fn_with_state(Injector { ctx: ctx.clone(), gateway }, inject))
}

async fn inject(State(inj): State<Injector>, req: Request, next: Next) -> Response {
    let Some(plan) = inj.ctx.faults.lock().unwrap().clone() else {
        return next.run(req).await;
    };
    // The whole request is read first, so that an unprocessed request never leaves unread
    // bytes on a connection the client may reuse.
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request too large").into_response();
    };
    let path = request_path(inj.gateway, parts.uri.path(), &bytes);
    let req = Request::from_parts(parts, Body::from(bytes));
    let Some(fault) = plan.next(inj.gateway, &path) else {
        return next.run(req).await;
    };
    tracing::info!(target: "posgate_sandbox::faults", "{fault:?} on {}{path}", inj.gateway);
    let hang = inj.ctx.options.hang;
    let reply = match fault {
        Fault::TimeoutBeforeCommit => {
            drop(req);
            Reply::Hang
        }
        Fault::ResetBeforeCommit => Reply::Drop,
        Fault::ServerErrorBeforeCommit => Reply::html(StatusCode::BAD_GATEWAY, "502 Bad Gateway"),
        Fault::TimeoutAfterCommit => {
            process(next, req).await;
            Reply::Hang
        }
        Fault::ResetAfterCommit => {
            process(next, req).await;
            Reply::Drop
        }
        Fault::ServerErrorAfterCommit => {
            process(next, req).await;
            Reply::html(StatusCode::INTERNAL_SERVER_ERROR, "500 Internal Server Error")
        }
        Fault::GarbageAfterCommit => {
            process(next, req).await;
            Reply::html(StatusCode::OK, "系统繁忙, 请稍后再试")
        }
        Fault::BadSignatureAfterCommit => match process(next, req).await {
            Some((mut parts, answer)) => {
                parts.headers.remove(header::CONTENT_LENGTH);
                let spoiled = spoil_sign(&String::from_utf8_lossy(&answer)).map(Bytes::from);
                return Response::from_parts(parts, Body::from(spoiled.unwrap_or(answer)));
            }
            // The simulator gave no answer (4002): nothing to spoil.
            None => Reply::Drop,
        },
    };
    reply.render(hang).await
}

/// Lets the simulator handle the request and produce its whole answer (so it is done with the
/// request, whatever happens to the answer); `None` when it gave no answer (the `4002` hang).
async fn process(next: Next, req: Request) -> Option<(axum::http::response::Parts, Bytes)> {
    let (parts, body) = next.run(req).await.into_parts();
    axum::body::to_bytes(body, MAX_BODY).await.ok().map(|answer| (parts, answer))
}

/// The path below the gateway, with chaoying's `method` appended for its shared endpoint.
fn request_path(gateway: &str, uri_path: &str, body: &Bytes) -> String {
    // Under `nest`, the path is already the one below the gateway; strip the prefix if not.
    let path = uri_path.strip_prefix(&format!("/{gateway}")).filter(|p| p.starts_with('/')).unwrap_or(uri_path);
    // Kuaishou's GETs name the order in the path: the operation is the segment after the
    // service (`/openGateway/openService/query/{code}/{busiCode}` is `.../query`).
    if gateway == "kuaishou" {
        let segments: Vec<&str> = path.split('/').collect();
        return segments.iter().take(4).copied().collect::<Vec<_>>().join("/");
    }
    // MMSP sends every command of a sub-API to its one path and names it by the envelope's
    // `CommandID` (a gateway pay form carries the envelope in `web_api`): `/scan?CommandID=2307`.
    if gateway == "mmsp" {
        let text = form_urlencoded::parse(body)
            .find(|(k, _)| k == "web_api")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
        let command = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| match &v["CommandID"] {
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::String(s) => Some(s.trim().to_string()),
            _ => None,
        });
        if let Some(c) = command {
            return format!("{path}?CommandID={c}");
        }
    }
    if gateway == "chaoying" && path == "/UnifiedPay/Gateway" {
        let method = form_urlencoded::parse(body).find(|(k, _)| k == "method").map(|(_, v)| v.into_owned());
        if let Some(method) = method {
            let method: String = form_urlencoded::byte_serialize(method.as_bytes()).collect();
            return format!("{path}?method={method}");
        }
    }
    path.to_string()
}

/// The JSON answer `text` with one hex digit of its top-level `sign` value flipped, in place (the
/// rest of the text unchanged: clients verify over the raw text of values). An answer without a
/// `sign` gets a wrong one. `None` when `text` is not a JSON object.
fn spoil_sign(text: &str) -> Option<String> {
    let serde_json::Value::Object(map) = serde_json::from_str::<serde_json::Value>(text).ok()? else {
        return None;
    };
    // MMSP's envelopes carry `Sign` and its payout answers `SIGN` (Base64: a hex digit in it is
    // flipped all the same); every other gateway's answers `sign`.
    let key = ["Sign", "SIGN"].into_iter().find(|k| map.contains_key(*k)).unwrap_or("sign");
    let Some(sign) = map.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty()) else {
        let close = text.rfind('}')?;
        let sep = if map.is_empty() { "" } else { "," };
        return Some(format!("{}{sep}\"sign\":\"{}\"{}", &text[..close], "0".repeat(32), &text[close..]));
    };
    let flipped = flip_hex_digit(sign);
    let quoted = format!("\"{sign}\"");
    // The value right after the `"sign"` key (the same text could occur as another value).
    let quoted_key = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&quoted_key) {
        let key_end = from + at + quoted_key.len();
        let rest = text[key_end..].trim_start();
        if let Some(after_colon) = rest.strip_prefix(':') {
            let value = after_colon.trim_start();
            if value.starts_with(&quoted) {
                let start = text.len() - value.len() + 1;
                return Some(format!("{}{flipped}{}", &text[..start], &text[start + sign.len()..]));
            }
        }
        from = key_end;
    }
    None
}

/// `sign` with its first hex digit changed (keeping the case of its letters); a sign without hex
/// digits gets a character appended.
fn flip_hex_digit(sign: &str) -> String {
    let upper = sign.bytes().any(|b| b.is_ascii_uppercase());
    let mut out = String::with_capacity(sign.len() + 1);
    let mut flipped = false;
    for c in sign.chars() {
        match c.to_digit(16) {
            Some(d) if !flipped => {
                flipped = true;
                let n = char::from_digit(d ^ 1, 16).unwrap_or('0');
                out.push(if upper { n.to_ascii_uppercase() } else { n });
            }
            _ => out.push(c),
        }
    }
    if !flipped {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_spoiled_in_place() {
        let text = r#"{"errcode":0,"data":"ab","sign":"0a1b"}"#;
        assert_eq!(spoil_sign(text).unwrap(), r#"{"errcode":0,"data":"ab","sign":"1a1b"}"#);
        let text = r#"{"msg":"sign","x":"F00D", "sign" : "F00D"}"#;
        assert_eq!(spoil_sign(text).unwrap(), r#"{"msg":"sign","x":"F00D", "sign" : "E00D"}"#);
        let text = r#"{"state":"FAIL"}"#;
        assert_eq!(spoil_sign(text).unwrap(), format!(r#"{{"state":"FAIL","sign":"{}"}}"#, "0".repeat(32)));
        assert_eq!(spoil_sign("<html></html>"), None);
        let text = r#"{"CommandID":35078,"Body":{"STATUS":"1"},"Sign":"ABCD"}"#;
        assert_eq!(spoil_sign(text).unwrap(), r#"{"CommandID":35078,"Body":{"STATUS":"1"},"Sign":"BBCD"}"#);
        // MMSP's payout answers: `SIGN`, Base64.
        let text = r#"{"RETCODE":"0000","ENCRYPT":"xyzA","SIGN":"xy+b/Q=="}"#;
        assert_eq!(spoil_sign(text).unwrap(), r#"{"RETCODE":"0000","ENCRYPT":"xyzA","SIGN":"xy+A/Q=="}"#);
    }

    #[test]
    fn chaoying_method_in_path() {
        let body = Bytes::from_static(b"agent_id=1&method=orderquery&sign=AB");
        assert_eq!(request_path("chaoying", "/UnifiedPay/Gateway", &body), "/UnifiedPay/Gateway?method=orderquery");
        assert_eq!(request_path("chaoying", "/chaoying/Mch/GetMchId", &body), "/Mch/GetMchId");
        assert_eq!(request_path("tlinx", "/mct1/payorder", &body), "/mct1/payorder");
        let q = "/openGateway/openService/query/A1/0010000001";
        assert_eq!(request_path("kuaishou", q, &body), "/openGateway/openService/query");
        let scan = Bytes::from_static(br#"{"CommandID":2307,"Body":{}}"#);
        assert_eq!(request_path("mmsp", "/scan", &scan), "/scan?CommandID=2307");
        let form = Bytes::from_static(b"web_api=%7B%22CommandID%22%3A%222322%22%7D");
        assert_eq!(request_path("mmsp", "/gateway", &form), "/gateway?CommandID=2322");
        assert_eq!(
            request_path("kuaishou", "/openGateway/openService/preOrder", &body),
            "/openGateway/openService/preOrder"
        );
    }
}
