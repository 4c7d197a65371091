//! The QR payments of `posgate demo` (the payer scans the merchant's code), through the engine
//! as a cashier app makes them: on every gateway with a merchant-presented code, one the
//! sandbox's payer pays (`Sandbox::pay_preorder`, as `POST /_sandbox/pay/<gateway>/<order>`),
//! which the engine's polling finds paid; and on the first such gateway one left to expire,
//! which the engine closes unpaid and the sandbox's books show never charged.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use posgate_core::engine::Engine;
use posgate_core::{ids, Money, PaymentEvent, PaymentListener, QrPaymentRequest, TradeState, Wallet};
use posgate_sandbox::{Sandbox, SimState};

use crate::tally::Tally;

/// The expiry of the code left unpaid: the shortest the engine takes is 5 s.
const SHORT_EXPIRY_SECS: u32 = 5;

fn request(engine: &Engine, sandbox: &Sandbox, fen: i64, expire_seconds: Option<u32>) -> QrPaymentRequest {
    // The gateway's first wallet where it has no aggregated code (none of the four has one).
    let wallet = engine.gateway().qr_rules().filter(|r| !r.aggregated).and_then(|r| r.wallets.first().copied());
    QrPaymentRequest {
        order_no: ids::new_order_no("PGQ"),
        amount: Money::from_fen(fen, "amount").expect("demo amounts are valid"),
        subject: "posgate demo QR".into(),
        wallet,
        expire_seconds,
        // The notification goes to the merchant's server, not the terminal: the sandbox's
        // stand-in answers it; the engine learns the outcome by polling.
        notify_url: Some(crate::qr_pay::sandbox_notify_url(&sandbox.root_url())),
        terminal_id: Some("T0001".into()),
        store_id: None,
    }
}

/// The demo's progress lines, held back until the code's line is printed (the engine starts
/// waiting for the scan as soon as the code is known, before the demo has printed it).
struct Held {
    inner: Arc<dyn PaymentListener>,
    held: Mutex<Option<Vec<PaymentEvent>>>,
}

impl Held {
    fn new(inner: Arc<dyn PaymentListener>) -> Arc<Held> {
        Arc::new(Held { inner, held: Mutex::new(Some(Vec::new())) })
    }

    /// Passes the held events on, and every later one as it comes (in order: an event that
    /// comes meanwhile waits for the lock).
    fn release(&self) {
        let Ok(mut held) = self.held.lock() else { return };
        for e in held.take().unwrap_or_default() {
            self.inner.on_event(e);
        }
    }
}

impl PaymentListener for Held {
    fn on_event(&self, e: PaymentEvent) {
        if let Ok(mut held) = self.held.lock() {
            if let Some(h) = held.as_mut() {
                h.push(e);
                return;
            }
        }
        self.inner.on_event(e);
    }
}

fn wallet_name(w: Option<Wallet>) -> &'static str {
    w.map(Wallet::as_str).unwrap_or("any wallet")
}

/// What the sandbox's books say of `order_no`: its state and how often the payer was charged.
fn books(sandbox: &Sandbox, gateway: &str, order_no: &str) -> Result<(SimState, u32, u64), String> {
    sandbox
        .orders()
        .into_iter()
        .find(|o| o.gateway == gateway && o.order_no == order_no)
        .map(|o| (o.state, o.charges, o.refunded))
        .ok_or_else(|| format!("the sandbox has no order {order_no}"))
}

/// The code shown, the payer scans and pays a moment later, the engine's next poll finds it paid.
/// `progress` prints the payment's events (the demo's progress lines).
pub async fn paid(engine: &Arc<Engine>, sandbox: &Sandbox, tally: &mut Tally, progress: Arc<dyn PaymentListener>) {
    let g = engine.gateway().id();
    let outcome = async {
        let req = request(engine, sandbox, 1280, None);
        let (amount, wallet) = (req.amount, req.wallet);
        let listener = Held::new(progress);
        let qr = engine.start_qr_payment(req, Some(listener.clone())).await.map_err(|e| e.to_string())?;
        let no = qr.code.order_no.clone();
        println!("[{g}]      {no}: QR {}", qr.code.content);
        listener.release();
        tokio::time::sleep(Duration::from_millis(800)).await;
        sandbox.pay_preorder(g, &no).await?;
        let r = qr.handle.result().await.map_err(|e| e.to_string())?;
        if r.state != TradeState::Paid {
            return Err(format!("{no} ended {}", r.state));
        }
        match books(sandbox, g.as_str(), &no)? {
            (SimState::Paid, 1, 0) => {
                Ok(format!("{no} {amount} yuan {} paid by the payer's scan", wallet_name(wallet)))
            }
            (state, charges, _) => Err(format!("{no}: the sandbox says {state:?}, charged {charges} times")),
        }
    }
    .await;
    tally.check(g, "QR payment paid", outcome);
}

/// Nobody scans: at its expiry the engine closes the order, and nothing was charged.
pub async fn expired(engine: &Arc<Engine>, sandbox: &Sandbox, tally: &mut Tally, progress: Arc<dyn PaymentListener>) {
    let g = engine.gateway().id();
    let outcome = async {
        let req = request(engine, sandbox, 660, Some(SHORT_EXPIRY_SECS));
        let listener = Held::new(progress);
        let qr = engine.start_qr_payment(req, Some(listener.clone())).await.map_err(|e| e.to_string())?;
        let no = qr.code.order_no.clone();
        println!("[{g}]      {no}: QR {} (expires in {SHORT_EXPIRY_SECS} s, nobody scans)", qr.code.content);
        listener.release();
        let r = qr.handle.result().await.map_err(|e| e.to_string())?;
        if r.state != TradeState::Closed {
            return Err(format!("{no} ended {}", r.state));
        }
        match books(sandbox, g.as_str(), &no)? {
            (state @ (SimState::Closed | SimState::Reversed), 0, 0) => Ok(format!(
                "{no} {} after {SHORT_EXPIRY_SECS} s; the sandbox's books: {}, nothing charged",
                r.state,
                format!("{state:?}").to_lowercase()
            )),
            (state, charges, refunded) => {
                Err(format!("{no}: the sandbox says {state:?}, charged {charges} times, {refunded} fen refunded"))
            }
        }
    }
    .await;
    tally.check(g, "QR code expired unpaid, closed", outcome);
}
