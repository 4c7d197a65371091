//! posgate-sandbox: embedded simulators of the payment gateways, speaking their real wire
//! protocols over HTTP on 127.0.0.1. They check request signatures, decrypt, keep order state,
//! answer with signed responses and post notifications. Outcomes follow the scenario table in
//! [`scenario`], keyed by the barcode's last four digits (Sunmi, which has no barcode pay: the
//! payer's openId).
//!
//! All simulators share one server: each gateway under `/<gateway>` (e.g. `/tlinx/mct1/payorder`),
//! plus `GET /_sandbox/orders` and `POST /_sandbox/pay/<gateway>/<order_no>` (the payer pays a
//! QR / JSAPI pre-order, which also posts the notification) at the root. They share one skeleton
//! too ([`sim`]): each gateway's module holds its dialect only, its fixed data under `fixtures/`.

pub mod chaoying;
pub mod faults;
mod fixtures;
pub mod kuaishou;
pub mod mmsp;
mod reply;
pub mod scenario;
mod sim;
pub mod store;
pub mod sunmi;
pub mod tlinx;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::GatewayId;
use posgate_core::{Credentials, GatewayConfig, PollSchedule};

use chaoying::Chaoying;
use kuaishou::Kuaishou;
use mmsp::Mmsp;
pub use scenario::{Outcome, Scenario};
pub use store::{OrderView, SimOrder, SimState, Store};
use sunmi::Sunmi;
use tlinx::Tlinx;

/// The simulated gateways with barcode payment: the common cashier flows (barcode pay, query,
/// refund, cancel) run on each of these.
pub const GATEWAYS: &[GatewayId] = &[GatewayId::Chaoying, GatewayId::Kuaishou, GatewayId::Tlinx, GatewayId::Mmsp];

/// Every gateway the sandbox simulates: [`GATEWAYS`] plus Sunmi (WeChat prepays and card-swipe
/// lookups; no barcode payment, so the common flows do not apply to it).
pub const SIMULATED: &[GatewayId] =
    &[GatewayId::Chaoying, GatewayId::Kuaishou, GatewayId::Tlinx, GatewayId::Mmsp, GatewayId::Sunmi];

#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// How long a `4002` pay call is held before the connection is dropped without an answer.
    pub hang: Duration,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions { hang: Duration::from_secs(60) }
    }
}

/// What every simulator handler sees.
pub struct SimContext {
    pub store: Store,
    pub options: SandboxOptions,
    /// For posting notifications to the merchant's notify_url.
    pub http: Transport,
    /// Faults injected into the gateway simulators' answers (never into `/_sandbox/*`).
    pub faults: std::sync::Mutex<Option<Arc<dyn faults::FaultPlan>>>,
    /// Sunmi's payBind bindings.
    pub sunmi: sunmi::Bindings,
    /// Requests that reached a gateway simulator, faulted or not (never `/_sandbox/*`'s).
    pub requests: AtomicU64,
}

pub type Ctx = Arc<SimContext>;

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    ctx: Ctx,
    task: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Starts on 127.0.0.1 with an OS-chosen port.
    pub async fn start() -> std::io::Result<Sandbox> {
        Sandbox::start_with(0, SandboxOptions::default()).await
    }

    pub async fn start_with(port: u16, options: SandboxOptions) -> std::io::Result<Sandbox> {
        let http = Transport::new(TransportConfig {
            allow_http: true,
            request_timeout: Duration::from_secs(10),
            ..Default::default()
        })
        .map_err(std::io::Error::other)?;
        let ctx: Ctx = Arc::new(SimContext {
            store: Store::default(),
            options,
            http,
            faults: Default::default(),
            sunmi: Default::default(),
            requests: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let app = router(ctx.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Sandbox { addr, ctx, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base URL of one gateway's simulator, e.g. `http://127.0.0.1:PORT/tlinx` (Kuaishou's
    /// services are below it: `/openGateway/openService`, `/openGateway/platService`).
    pub fn base_url(&self, gateway: GatewayId) -> String {
        format!("{}/{}", self.root_url(), gateway)
    }

    /// A client configuration for `gateway` against this sandbox (test credentials, http allowed,
    /// a quick poll schedule).
    pub fn config(&self, gateway: GatewayId) -> Option<GatewayConfig> {
        test_config(gateway, &self.root_url())
    }

    pub fn orders(&self) -> Vec<OrderView> {
        self.ctx.store.views()
    }

    /// How many requests have reached the gateway simulators since the sandbox started, faulted
    /// or not: a check that a call sent nothing counts them before and after.
    pub fn requests(&self) -> u64 {
        self.ctx.requests.load(Ordering::Relaxed)
    }

    /// Injects faults into the gateway simulators from now on, as `plan` decides (`None`: none).
    pub fn set_faults(&self, plan: Option<Arc<dyn faults::FaultPlan>>) {
        *self.ctx.faults.lock().unwrap() = plan;
    }

    pub fn context(&self) -> &Ctx {
        &self.ctx
    }

    /// The payer pays a pre-order (QR / JSAPI); the gateway's notification is posted if the
    /// order has a notify_url. Returns the merchant's answer to the notification, if any.
    pub async fn pay_preorder(&self, gateway: GatewayId, order_no: &str) -> Result<Option<String>, String> {
        pay_preorder(&self.ctx, gateway, order_no).await
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Built-in test credentials of each simulated gateway.
pub fn test_credentials(gateway: GatewayId) -> Option<Credentials> {
    match gateway {
        GatewayId::Chaoying => Some(Credentials::Chaoying(chaoying::test_credentials())),
        GatewayId::Tlinx => Some(Credentials::Tlinx(tlinx::test_credentials())),
        GatewayId::Sunmi => Some(Credentials::Sunmi(sunmi::test_credentials())),
        GatewayId::Kuaishou => Some(Credentials::Kuaishou(kuaishou::test_credentials())),
        _ => None,
    }
}

/// The poll schedule used against the sandbox: the gateways' real schedules take up to 45 s,
/// which would make a demo or a test suite crawl.
pub fn sandbox_poll_schedule() -> PollSchedule {
    PollSchedule {
        first_query_after: Duration::from_millis(500),
        interval: Duration::from_millis(500),
        deadline: Duration::from_secs(20),
        earliest_reverse: Duration::from_secs(1),
    }
}

/// A configuration for `gateway` against a sandbox at `root_url` (e.g. `http://127.0.0.1:8080`).
pub fn test_config(gateway: GatewayId, root_url: &str) -> Option<GatewayConfig> {
    // MMSP's credentials carry its other sub-APIs' URLs, below the same root.
    let credentials = match gateway {
        GatewayId::Mmsp => Credentials::Mmsp(mmsp::test_credentials(root_url)),
        g => test_credentials(g)?,
    };
    let mut cfg = GatewayConfig::new(base_url(gateway, root_url), credentials);
    cfg.environment = posgate_core::Environment::Test;
    cfg.allow_http = true;
    cfg.request_timeout = Duration::from_secs(5);
    cfg.connect_timeout = Duration::from_secs(2);
    cfg.poll = Some(sandbox_poll_schedule());
    Some(cfg)
}

/// A client's base URL for gateway `g`'s simulator below a sandbox root: `/<gateway>`; for
/// Kuaishou its payment service, `/kuaishou/openGateway/openService` (flowRecharge's service is
/// next to it, as on the platform).
fn base_url(gateway: GatewayId, root_url: &str) -> String {
    let root = root_url.trim_end_matches('/');
    match gateway {
        GatewayId::Kuaishou => format!("{root}{}", kuaishou::SERVICE_PATH),
        GatewayId::Mmsp => format!("{root}{}", mmsp::SCAN_PATH),
        g => format!("{root}/{g}"),
    }
}

fn router(ctx: Ctx) -> Router {
    let app = Router::new()
        .route("/_sandbox/orders", get(list_orders))
        .route("/_sandbox/pay/{gateway}/{order_no}", post(pay_handler))
        // A merchant's notify endpoint for apps and tests that have no server of their own: it
        // takes any notification and answers SUCCESS (it verifies nothing; the app's own
        // server must).
        // TLinx notifies with GET (fields in the query string), the others POST.
        .route("/_sandbox/notify", get(|| async { "SUCCESS" }).post(|| async { "SUCCESS" }));
    let app = sim::mount::<Chaoying>(app, &ctx);
    let app = sim::mount::<Tlinx>(app, &ctx);
    let app = sim::mount::<Kuaishou>(app, &ctx);
    let app = sim::mount::<Mmsp>(app, &ctx);
    sim::mount::<Sunmi>(app, &ctx).with_state(ctx)
}

async fn list_orders(State(ctx): State<Ctx>) -> Json<Vec<OrderView>> {
    Json(ctx.store.views())
}

async fn pay_handler(State(ctx): State<Ctx>, Path((gateway, order_no)): Path<(String, String)>) -> impl IntoResponse {
    let Some(gw) = GatewayId::parse(&gateway) else {
        return (StatusCode::NOT_FOUND, format!("unknown gateway {gateway}"));
    };
    match pay_preorder(&ctx, gw, &order_no).await {
        Ok(ack) => (StatusCode::OK, ack.unwrap_or_default()),
        Err(e) => (StatusCode::CONFLICT, e),
    }
}

async fn pay_preorder(ctx: &Ctx, gateway: GatewayId, order_no: &str) -> Result<Option<String>, String> {
    let order = ctx
        .store
        .update(gateway.as_str(), order_no, |o| {
            if o.closed.is_some() {
                return Err(format!("order {order_no} is closed"));
            }
            o.paid_manually = true;
            Ok(o.clone())
        })
        .ok_or_else(|| format!("no order {order_no} at {gateway}"))??;
    match gateway {
        GatewayId::Chaoying => sim::notify::<Chaoying>(ctx, &order).await,
        GatewayId::Tlinx => sim::notify::<Tlinx>(ctx, &order).await,
        GatewayId::Sunmi => sim::notify::<Sunmi>(ctx, &order).await,
        GatewayId::Kuaishou => sim::notify::<Kuaishou>(ctx, &order).await,
        GatewayId::Mmsp => sim::notify::<Mmsp>(ctx, &order).await,
    }
}
