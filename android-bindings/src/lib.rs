//! posgate-android: the Kotlin front door. A thin uniffi layer over `posgate-core` that adapts
//! types only; all behaviour lives in the core. Async calls run on one tokio runtime that the
//! library creates once and owns, so a cancelled Kotlin coroutine never abandons a payment that
//! is already under way: the work carries on on that runtime.

uniffi::setup_scaffolding!();

#[cfg(feature = "bench")]
mod bench;
mod error;
mod mmsp;
mod runtime;
#[cfg(feature = "sandbox")]
mod sandbox;
mod typed;
mod types;

#[cfg(target_os = "android")]
mod android;

use std::collections::HashMap;
use std::sync::Arc;

use posgate_core as core;

pub use error::PosGateError;
#[cfg(feature = "sandbox")]
pub use sandbox::{start_sandbox, EmbeddedSandbox};
pub use typed::*;
pub use types::*;

/// Receives a payment's progress, for the cashier's screen. Called from a library thread.
#[uniffi::export(with_foreign)]
pub trait PaymentListener: Send + Sync {
    fn on_event(&self, event: PaymentEvent) -> Result<(), PosGateError>;
}

struct ListenerAdapter(Arc<dyn PaymentListener>);

fn adapt_listener(listener: Option<Arc<dyn PaymentListener>>) -> Option<Arc<dyn core::PaymentListener>> {
    listener.map(|l| Arc::new(ListenerAdapter(l)) as Arc<dyn core::PaymentListener>)
}

impl core::PaymentListener for ListenerAdapter {
    fn on_event(&self, event: core::PaymentEvent) {
        // A listener that throws must not disturb the payment: log it and carry on.
        if let Err(e) = self.0.on_event(event.into()) {
            tracing::warn!("payment listener failed: {e}");
        }
    }
}

/// A connection to one gateway with one merchant's credentials and its payment journal.
#[derive(uniffi::Object)]
pub struct PosGate {
    gw: Arc<dyn core::Gateway>,
    engine: Arc<core::engine::Engine>,
}

/// One payment under way: its result, a way to stop watching (the payment carries on) and the
/// cashier's cancel.
#[derive(uniffi::Object)]
pub struct PaymentHandle {
    inner: core::engine::PaymentHandle,
}

#[uniffi::export]
impl PaymentHandle {
    pub fn order_no(&self) -> String {
        self.inner.order_no.clone()
    }

    /// Waits for the settled result. Cancelling this call does not stop the payment.
    pub async fn result(self: Arc<Self>) -> Result<TradeResult, PosGateError> {
        let me = self.clone();
        runtime::run(async move { Ok(me.inner.result().await?.into()) }).await
    }

    /// Stops this payment's listener from receiving events; the payment carries on.
    pub fn stop_watching(&self) {
        self.inner.stop_watching();
    }

    /// The cashier cancels: the order is reversed at once (after the gateway's earliest-reverse time).
    pub fn cancel(&self) {
        self.inner.cancel();
    }
}

/// A QR payment under way (the payer scans the code this terminal shows): the code, and the
/// payment's handle. The engine follows the order until it is paid, its code expires (it is then
/// closed), the cashier cancels or the app relays the gateway's notification
/// ([`PosGate::check_notification`]).
#[derive(uniffi::Object)]
pub struct QrPaymentHandle {
    code: core::QrCode,
    payment: Arc<PaymentHandle>,
}

#[uniffi::export]
impl QrPaymentHandle {
    pub fn order_no(&self) -> String {
        self.code.order_no.clone()
    }

    /// The text to show as a QR code (a wallet's URL): draw it with [`qr_matrix`].
    pub fn qr_content(&self) -> String {
        self.code.content.clone()
    }

    /// When the order is closed if still unpaid (Unix milliseconds).
    pub fn expires_at_ms(&self) -> i64 {
        self.code.expires_at_ms
    }

    /// Waits for the settled result: `PAID`, or `CLOSED` when it expired or was cancelled
    /// unpaid. Cancelling this call does not stop the payment.
    pub async fn result(&self) -> Result<TradeResult, PosGateError> {
        self.payment.clone().result().await
    }

    /// The cashier cancels: the order is closed at once (a payment crossing the close is refunded).
    pub fn cancel(&self) {
        self.payment.cancel();
    }

    /// Stops this payment's listener from receiving events; the payment carries on.
    pub fn stop_watching(&self) {
        self.payment.stop_watching();
    }
}

#[uniffi::export]
impl PosGate {
    #[uniffi::constructor]
    pub fn new(config: PosGateConfig) -> Result<Arc<PosGate>, PosGateError> {
        core::ffi::report_lift_errors_as(|e| uniffi::deps::anyhow::Error::new(PosGateError::from(e)));
        let journal_path = config.journal_path.clone();
        let cfg = config.into_core()?;
        let journal = Arc::new(match journal_path {
            Some(p) if !p.is_empty() => core::journal::Journal::open(p)?,
            _ => core::journal::Journal::in_memory()?,
        });
        let gw = core::connect(cfg)?;
        let engine = core::engine::Engine::new(gw.clone(), journal, runtime::get().handle().clone());
        Ok(Arc::new(PosGate { gw, engine }))
    }

    pub fn gateway(&self) -> Gateway {
        self.gw.id().into()
    }

    /// Barcode payment. Polls while the payer confirms; returns the final state, or `UNKNOWN`
    /// when the gateway gave no final answer in time (query it later with the same order number).
    pub async fn pay(
        &self,
        request: PayRequest,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<TradeResult, PosGateError> {
        let handle = self.start_payment(request, listener)?;
        handle.result().await
    }

    /// Starts a barcode payment and returns at once; it is journalled before this returns.
    pub fn start_payment(
        &self,
        request: PayRequest,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<Arc<PaymentHandle>, PosGateError> {
        let req = request.into_core()?;
        let listener = adapt_listener(listener);
        let inner = self.engine.start_payment(req, listener)?;
        Ok(Arc::new(PaymentHandle { inner }))
    }

    /// Starts a QR payment (the payer scans the code): validates it (naming the bad field),
    /// journals it with its expiry, creates the order and returns as soon as the code is known;
    /// the payment then runs on (events: `WaitingForScan`, `Poll`, `Closing`, `Final`). A gateway
    /// without a merchant-presented code throws `Unsupported`.
    pub async fn start_qr_payment(
        &self,
        request: core::QrPaymentRequest,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<Arc<QrPaymentHandle>, PosGateError> {
        let engine = self.engine.clone();
        let listener = adapt_listener(listener);
        let qr = runtime::run(async move { Ok(engine.start_qr_payment(request, listener).await?) }).await?;
        Ok(Arc::new(QrPaymentHandle { code: qr.code, payment: Arc::new(PaymentHandle { inner: qr.handle }) }))
    }

    /// The wallets this gateway issues a merchant-presented QR code for; empty when it has none.
    pub fn qr_wallets(&self) -> Vec<core::Wallet> {
        self.gw.qr_rules().map(|r| r.wallets.to_vec()).unwrap_or_default()
    }

    /// Receives the events of every payment, including those nobody waits for any more
    /// (a cancelled coroutine) and those resumed by recovery.
    pub fn set_reporter(&self, listener: Option<Arc<dyn PaymentListener>>) {
        self.engine.set_reporter(adapt_listener(listener));
    }

    /// Settles whatever a crash left open in the journal: call once at start-up.
    pub async fn recover(&self) -> Result<Vec<RecoveredEntry>, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.recover().await?.into_iter().map(Into::into).collect()) }).await
    }

    /// Every journal entry, oldest first.
    pub fn journal_entries(&self) -> Result<Vec<JournalEntry>, PosGateError> {
        Ok(self.engine.journal().list()?.into_iter().map(Into::into).collect())
    }

    /// The end-of-shift report of `[from_ms, to_ms)` from the journal (nothing is sent): per
    /// gateway and merchant, what was taken by state, wallet and method, refunded, cancelled,
    /// paid out, the net, and what is handed over open; `receipt` is its text for a 58 mm
    /// printer. `beijingDay("2026-12-02")` gives a day's range.
    pub fn shift_report(&self, from_ms: i64, to_ms: i64) -> Result<core::engine::shift::ShiftReport, PosGateError> {
        Ok(self.engine.shift_report(from_ms, to_ms)?)
    }

    /// Verifies a notification and checks it against the journal (order known, same amount);
    /// a duplicate delivery is recognised and changes nothing.
    pub fn check_notification(&self, fields: HashMap<String, String>) -> Result<NotificationCheck, PosGateError> {
        let c = self.engine.check_notification(&fields.into_iter().collect())?;
        Ok(NotificationCheck { notification: c.notification.into(), duplicate: c.duplicate })
    }

    /// Queries an order; a final answer settles a payment the journal has open.
    pub async fn query(&self, order_no: String) -> Result<TradeResult, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.query(&order_no).await?.into()) }).await
    }

    pub async fn refund(&self, request: RefundRequest) -> Result<RefundResult, PosGateError> {
        let engine = self.engine.clone();
        let req = request.into_core()?;
        runtime::run(async move { Ok(engine.refund(&req).await?.into()) }).await
    }

    /// Queries a refund; the answer settles a refund the journal has open.
    pub async fn refund_query(&self, order_no: String, refund_no: String) -> Result<RefundResult, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.refund_query(&order_no, &refund_no).await?.into()) }).await
    }

    /// Records a card swipe that Sunmi's payment app took on this terminal, by the `orderId` it
    /// handed back (`tradeDate` yyyyMMdd, null for today): looked up (nothing that moves money is
    /// sent), then journalled settled: a sale as a card payment, a refund or void against its
    /// sale (record the sale first, or `InvalidInput` naming `order_id`). The same swipe again
    /// answers its entry; a lookup that is not final journals nothing (`journalled` false).
    /// Gateways other than Sunmi throw `Unsupported`.
    pub async fn record_swipe(
        &self,
        order_id: String,
        trade_date: Option<String>,
    ) -> Result<RecordedSwipe, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.record_swipe(&order_id, trade_date).await?.into()) }).await
    }

    /// Cancel (reverse) an order: a charged payer gets the money back.
    pub async fn cancel(&self, order_no: String) -> Result<TradeResult, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.cancel(&order_no).await?.into()) }).await
    }

    /// Close an unpaid order where the gateway distinguishes close from cancel (journalled).
    pub async fn close(&self, order_no: String) -> Result<TradeResult, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.close(&order_no).await?.into()) }).await
    }

    /// Every operation of this gateway (pre-orders, face pay, merchant operations, lists...).
    pub fn operations(&self) -> Vec<OperationInfo> {
        self.gw
            .operations()
            .iter()
            .map(|o| OperationInfo { name: o.name.into(), summary: o.summary.into(), effect: o.effect.as_str().into() })
            .collect()
    }

    /// Verifies a notification the app's backend relayed, on the raw received fields.
    pub fn verify_notification(&self, fields: HashMap<String, String>) -> Result<Notification, PosGateError> {
        Ok(self.gw.verify_notification(&fields.into_iter().collect())?.into())
    }

    /// Follows a pre-order made with `invoke` (Sunmi `js_api_pay` / `mini_pay`: the answer says
    /// "用户支付中"; a QR or JSAPI order) until it settles: queries from the gateway's first-query
    /// time after its answer (Sunmi: 10 s), every answer journalled. Returns the settled result.
    pub async fn follow_preorder(
        &self,
        order_no: String,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<TradeResult, PosGateError> {
        let engine = self.engine.clone();
        let listener = adapt_listener(listener);
        runtime::run(async move { Ok(engine.follow_preorder(&order_no, listener).await?.into()) }).await
    }
}

/// The escape hatch beside the typed API (feature `invoke`: the demo flavour and the host tests).
#[cfg(feature = "invoke")]
#[uniffi::export]
impl PosGate {
    /// Calls any operation by name with its request as a JSON object (amounts in fen); returns
    /// the typed answer as JSON. Operations that create an order are journalled; charges (face
    /// pay) run through the payment state machine and answer the settled trade result.
    pub async fn invoke(&self, operation: String, params_json: String) -> Result<String, PosGateError> {
        let params: serde_json::Value = serde_json::from_str(&params_json)
            .map_err(|e| PosGateError::InvalidInput { field: "params_json".into(), reason: e.to_string() })?;
        let engine = self.engine.clone();
        runtime::run(async move {
            let out = engine.invoke(&operation, params).await?;
            Ok(out.to_string())
        })
        .await
    }
}

/// Verifies a gateway notification without a `PosGate` (e.g. on a relay that only holds the key).
#[uniffi::export]
pub fn verify_notification(
    gateway: Gateway,
    key: String,
    fields: HashMap<String, String>,
) -> Result<Notification, PosGateError> {
    let fields: core::RawFields = fields.into_iter().collect();
    if gateway == Gateway::Sunmi {
        // Sunmi signs callbacks with RSA: `key` is its public key.
        return verify_sunmi_callback(key, fields.into_iter().collect());
    }
    let key = core::Secret::new(key);
    let n = match gateway {
        Gateway::Chaoying => core::chaoying::verify_notification(&fields, &key)?,
        Gateway::Tlinx => core::tlinx::verify_notification(&fields, &key)?,
        Gateway::Kuaishou => core::kuaishou::verify_notification(&fields, &key)?,
        Gateway::Mmsp => {
            return Err(PosGateError::InvalidInput {
                field: "gateway".into(),
                reason:
                    "MMSP notifications are checked for their merchant: use verifyMmspNotification(key, merno, body)"
                        .into(),
            })
        }
        other => {
            return Err(PosGateError::Unsupported { what: format!("{other:?} notifications are not supported yet") })
        }
    };
    Ok(n.into())
}

/// Verifies a Sunmi payment or refund callback (SHA256withRSA) with Sunmi's public key, PEM or
/// Base64 (the test environment's is [`sunmi_test_public_key`]); answer Sunmi with `ack`.
#[uniffi::export]
pub fn verify_sunmi_callback(
    public_key: String,
    fields: HashMap<String, String>,
) -> Result<Notification, PosGateError> {
    let key = core::sunmi::PublicKey::parse(&public_key).map_err(core::Error::from)?;
    Ok(core::sunmi::verify_notification(&fields.into_iter().collect(), &key)?.into())
}

/// Sunmi's public key for test-environment callbacks (seed 6.4), Base64.
#[uniffi::export]
pub fn sunmi_test_public_key() -> String {
    core::sunmi::TEST_PUBLIC_KEY.into()
}

/// A QR code's modules for drawing `content` (level M, the smallest version that holds it):
/// `size` x `size`, row by row, `true` dark; draw it with a quiet zone of four modules.
#[uniffi::export]
pub fn qr_matrix(content: String) -> Result<core::QrMatrix, PosGateError> {
    Ok(core::qr_matrix(&content)?)
}

/// A Beijing day ("2026-12-02") as the `[from, to)` range of a shift report, in epoch
/// milliseconds: a counter's day is a Beijing day whatever the terminal's time zone.
#[uniffi::export]
pub fn beijing_day(date: String) -> Result<ShiftRange, PosGateError> {
    let (from_ms, to_ms) = core::engine::shift::beijing::day(&date, "date")?;
    Ok(ShiftRange { from_ms, to_ms })
}

/// Converts fen to a yuan string exactly ("158.00"), for receipts.
#[uniffi::export]
pub fn fen_to_yuan(fen: i64) -> Result<String, PosGateError> {
    Ok(core::Money::from_fen(fen, "fen")?.to_yuan())
}

/// Parses a yuan string ("158.00", "0.01") into fen exactly.
#[uniffi::export]
pub fn yuan_to_fen(yuan: String) -> Result<i64, PosGateError> {
    Ok(core::Money::parse_yuan(&yuan, "yuan")?.fen_i64())
}

/// A fresh merchant order number (time-ordered, unique on this terminal).
#[uniffi::export]
pub fn new_order_no(prefix: String) -> String {
    core::ids::new_order_no(&prefix)
}

/// Support tool: panics inside Rust so an integrator can check the app survives it (the panic
/// arrives in Kotlin as an exception, never as a crash).
#[uniffi::export]
pub fn self_test_panic(message: String) {
    panic!("self test: {message}");
}

/// Like [`self_test_panic`], on the library's runtime inside a suspend call.
#[uniffi::export]
pub async fn self_test_panic_async(message: String) -> Result<(), PosGateError> {
    runtime::run(async move {
        if !message.is_empty() {
            panic!("self test: {message}");
        }
        Ok(())
    })
    .await
}

/// The library version.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// Reconciliation asks the gateway about a whole range: a back office's work, in the library
/// built with `back-office` (the demo flavour and back-office apps), not a cashier terminal's.
#[cfg(feature = "back-office")]
#[uniffi::export]
impl PosGate {
    /// Holds this gateway's journal entries of `[from_ms, to_ms)` against the gateway (its order
    /// list where it has one, else a query per entry, paced) and lists the gateway's orders the
    /// journal does not know; reports the differences, typed, and changes nothing.
    pub async fn reconcile(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<core::engine::shift::reconcile::Reconciliation, PosGateError> {
        let engine = self.engine.clone();
        runtime::run(async move { Ok(engine.reconcile(from_ms, to_ms, Default::default()).await?) }).await
    }
}
