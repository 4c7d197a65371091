//! The skeleton every gateway simulator shares. A [`Simulator`] speaks one gateway's dialect: how
//! a request is read and verified, what each operation does, how an answer is encoded and
//! signed, what a notification looks like. The rest is here, once: the routes under
//! `/<gateway>` behind the fault layer, the request pipeline (form body → open → handle →
//! encode), the call that is never answered, and the delivery of notifications.

use std::sync::atomic::Ordering;

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use posgate_core::{GatewayId, RawFields};

use crate::reply::Reply;
use crate::{faults, Ctx, SimOrder};

/// One gateway's dialect. Requests are form posts on every simulated gateway; the associated
/// types carry what differs.
pub(crate) trait Simulator: 'static {
    /// Mounted under `/<gateway>`; its orders are kept in the store under the same name.
    const GATEWAY: GatewayId;
    /// The paths below `/<gateway>`, and the operation each one names.
    const ROUTES: &'static [(&'static str, Self::Op)];

    type Op: Copy + Send + Sync + 'static;
    /// A request once read and verified.
    type Request;
    /// An answer before it is encoded and signed.
    type Answer;

    /// Reads a request's form fields and checks what every call must pass (credentials,
    /// signature, clock), in the gateway's order; a refusal is the gateway's answer.
    fn open(fields: RawFields) -> Result<Self::Request, Self::Answer>;

    /// Whether an operation is called with GET (its fields in the path and query string) as well
    /// as POST. None is, but Kuaishou's query and cancelTrade.
    fn takes_get(op: Self::Op) -> bool {
        let _ = op;
        false
    }

    /// The fields [`Simulator::open`] reads from a request: the form body (every gateway but
    /// Kuaishou, whose body is JSON or 3DES text and whose GETs carry their fields in the path).
    fn fields(uri: &Uri, body: &str) -> RawFields {
        let _ = uri;
        form_urlencoded::parse(body.as_bytes()).into_owned().collect()
    }

    /// Carries out an operation.
    fn handle(ctx: &Ctx, op: Self::Op, request: Self::Request) -> Handled<Self::Answer>;

    /// The answer on the wire.
    fn encode(answer: Self::Answer) -> Reply;

    /// The signed notification that the payer has paid `order` (a pre-order paid through
    /// `/_sandbox/pay`); `Err` when the gateway would not send one.
    fn notification(order: &SimOrder) -> Result<Notification, String>;
}

/// What an operation comes to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Handled<A> {
    Answer(A),
    /// No answer at all (the `4002` scenario): the skeleton holds the call (see [`Reply::Hang`]).
    NoAnswer,
}

impl<A> From<A> for Handled<A> {
    fn from(answer: A) -> Self {
        Handled::Answer(answer)
    }
}

/// Operations that refuse with an answer of the same type as their success.
impl<A> From<Result<A, A>> for Handled<A> {
    fn from(result: Result<A, A>) -> Self {
        match result {
            Ok(a) | Err(a) => Handled::Answer(a),
        }
    }
}

/// `app` with `S`'s routes under `/<gateway>`, behind the fault layer.
pub(crate) fn mount<S: Simulator>(app: Router<Ctx>, ctx: &Ctx) -> Router<Ctx> {
    let routes = S::ROUTES.iter().fold(Router::new(), |routes, &(path, op)| {
        let handler = move |State(ctx): State<Ctx>, uri: Uri, body: String| serve::<S>(ctx, op, uri, body);
        let methods = if S::takes_get(op) { get(handler).post(handler) } else { post(handler) };
        routes.route(path, methods)
    });
    let gateway = S::GATEWAY.as_str();
    let routes = faults::wrap(gateway, routes, ctx).layer(axum::middleware::from_fn_with_state(ctx.clone(), count));
    app.nest(&format!("/{gateway}"), routes)
}

/// Counts every request that reaches a simulator, faulted or not ([`crate::Sandbox::requests`]).
async fn count(State(ctx): State<Ctx>, req: Request, next: Next) -> Response {
    ctx.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

async fn serve<S: Simulator>(ctx: Ctx, op: S::Op, uri: Uri, body: String) -> Response {
    let hang = ctx.options.hang;
    reply::<S>(&ctx, op, S::fields(&uri, &body)).render(hang).await
}

/// The request pipeline, up to the answer on the wire.
fn reply<S: Simulator>(ctx: &Ctx, op: S::Op, fields: RawFields) -> Reply {
    let handled = match S::open(fields) {
        Ok(request) => S::handle(ctx, op, request),
        Err(refusal) => Handled::Answer(refusal),
    };
    match handled {
        Handled::Answer(answer) => S::encode(answer),
        Handled::NoAnswer => Reply::Hang,
    }
}

/// A form field, `None` when absent or blank: the gateways treat a blank field as a missing one.
pub(crate) fn field<'a>(fields: &'a RawFields, name: &str) -> Option<&'a str> {
    fields.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
}

/// The digits of `s`, for the numbers a gateway derives from one of its own (e.g. a prepay id
/// from a trade number).
pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A notification as a gateway sends it to the merchant's notify URL: signed fields, and how
/// they travel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notification {
    /// A form POST.
    Form(Vec<(String, String)>),
    /// A GET with the fields in the query string.
    Query(Vec<(String, String)>),
    /// A POST of a text body (Kuaishou's JSON, XML or 3DES text) with fields added to the query.
    Body { query: Vec<(String, String)>, content_type: &'static str, body: String },
}

/// Notifies the merchant that the payer paid `order`; returns its answer (`None` when the order
/// has no notify URL).
pub(crate) async fn notify<S: Simulator>(ctx: &Ctx, order: &SimOrder) -> Result<Option<String>, String> {
    let Some(url) = order.notify_url.as_deref() else { return Ok(None) };
    deliver(ctx, url, S::notification(order)?).await.map(Some)
}

/// Sends `notification` to `url`; returns the merchant's answer. The sandbox's transport bounds
/// the wait (10 s), so a merchant that never answers cannot hold the caller.
pub(crate) async fn deliver(ctx: &Ctx, url: &str, notification: Notification) -> Result<String, String> {
    let sent = match &notification {
        Notification::Form(fields) => ctx.http.post_form(url, fields).await,
        Notification::Query(fields) => ctx.http.get(url, fields).await,
        Notification::Body { query, content_type, body } => {
            ctx.http.post_text(url, query, content_type, body.clone(), None).await
        }
    };
    sent.map_err(|e| format!("notification to {url} failed: {e}"))
}

/// The QR code content a wallet's merchant-presented order carries in the simulators: each
/// wallet's own URL shape (`wallet`: wechat, alipay, qq, jd, unionpay; anything else WeChat's).
pub(crate) fn qr_content(wallet: &str, trade_no: &str) -> String {
    match wallet {
        "alipay" => format!("https://qr.alipay.com/bax0{trade_no}"),
        "qq" => format!("https://qpay.qq.com/qr/{trade_no}"),
        "jd" => format!("https://h5pay.jd.com/code?c={trade_no}"),
        "unionpay" => format!("https://qr.95516.com/00010000/{trade_no}"),
        _ => format!("weixin://wxpay/bizpayurl?pr={trade_no}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Sandbox, SandboxOptions};
    use std::time::{Duration, Instant};

    /// A dialect of one operation: echoes the request's `say` field, refuses without one, and
    /// never answers `say=nothing`.
    struct Echo;

    impl Simulator for Echo {
        const GATEWAY: GatewayId = GatewayId::Kuaishou;
        const ROUTES: &'static [(&'static str, ())] = &[("/echo", ())];
        type Op = ();
        type Request = String;
        type Answer = Result<String, String>;

        fn open(mut fields: RawFields) -> Result<String, Self::Answer> {
            fields.remove("say").ok_or(Err("nothing to say".into()))
        }

        fn handle(_: &Ctx, (): (), say: String) -> Handled<Self::Answer> {
            if say == "nothing" {
                return Handled::NoAnswer;
            }
            Handled::Answer(Ok(say))
        }

        fn encode(answer: Self::Answer) -> Reply {
            match answer {
                Ok(said) => Reply::json(format!("{{\"said\":\"{said}\"}}")),
                Err(why) => Reply::text(axum::http::StatusCode::BAD_REQUEST, why),
            }
        }

        fn notification(order: &SimOrder) -> Result<Notification, String> {
            Ok(Notification::Query(vec![("order".into(), order.order_no.clone())]))
        }
    }

    #[test]
    fn blank_fields_are_missing() {
        let f: RawFields = [("a", "1"), ("b", " "), ("c", "")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        assert_eq!((field(&f, "a"), field(&f, "b"), field(&f, "c"), field(&f, "d")), (Some("1"), None, None, None));
        assert_eq!(digits("C1700000000123456"), "1700000000123456");
    }

    #[test]
    fn results_are_answers() {
        assert_eq!(Handled::from(Ok::<u8, u8>(1)), Handled::Answer(1));
        assert_eq!(Handled::from(Err::<u8, u8>(2)), Handled::Answer(2));
        assert_eq!(Handled::from(3u8), Handled::Answer(3));
    }

    #[tokio::test]
    async fn the_pipeline_opens_handles_and_encodes() {
        let sandbox = Sandbox::start().await.unwrap();
        let ctx = sandbox.context();
        assert_eq!(
            reply::<Echo>(ctx, (), Echo::fields(&Uri::from_static("/"), "say=hi")),
            Reply::json(r#"{"said":"hi"}"#)
        );
        assert_eq!(
            reply::<Echo>(ctx, (), Echo::fields(&Uri::from_static("/"), "x=1")),
            Reply::text(axum::http::StatusCode::BAD_REQUEST, "nothing to say")
        );
        assert_eq!(reply::<Echo>(ctx, (), Echo::fields(&Uri::from_static("/"), "say=nothing")), Reply::Hang);
    }

    #[tokio::test]
    async fn mounted_under_the_gateway_with_one_hang() {
        let sandbox = Sandbox::start_with(0, SandboxOptions { hang: Duration::from_millis(300) }).await.unwrap();
        let ctx = sandbox.context().clone();
        let app = mount::<Echo>(Router::new(), &ctx).with_state(ctx);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/kuaishou/echo", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let http = &sandbox.context().http;
        let said = http.post_form(&url, &[("say".into(), "hi".into())]).await.unwrap();
        assert_eq!(said, r#"{"said":"hi"}"#);
        let started = Instant::now();
        let e = http.post_form(&url, &[("say".into(), "nothing".into())]).await.unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(300), "{e}");
        assert!(!e.to_string().contains("HTTP status"), "dropped without an answer: {e}");
        // Both reached the simulator (the one left unanswered too); the sandbox's own routes
        // are not a gateway's.
        let notify = format!("{}/_sandbox/notify", sandbox.root_url());
        assert_eq!(http.post_form(&notify, &[]).await.unwrap(), "SUCCESS");
        assert_eq!(sandbox.requests(), 2);
    }

    #[tokio::test]
    async fn no_notify_url_no_notification() {
        let sandbox = Sandbox::start().await.unwrap();
        let order = crate::store::new_order("kuaishou", "N1", 1, crate::Scenario::PaidAtOnce);
        assert_eq!(notify::<Echo>(sandbox.context(), &order).await, Ok(None));
        let unreachable = SimOrder { notify_url: Some("http://127.0.0.1:9/n".into()), ..order };
        let e = notify::<Echo>(sandbox.context(), &unreachable).await.unwrap_err();
        assert!(e.starts_with("notification to http://127.0.0.1:9/n failed"), "{e}");
    }
}
