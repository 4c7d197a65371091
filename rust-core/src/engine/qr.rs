//! QR payments (the payer scans the merchant's code) on the engine's one way to follow a
//! pre-order: journalled before the order is sent, with its expiry; then the payment machine
//! polls it on the gateway's schedule until it is paid, a relayed notification ends it, the
//! cashier cancels or it expires, and closes it unpaid (a payment that crosses the close is
//! refunded). Nothing here is gateway-specific: each gateway only creates its order
//! ([`crate::Gateway::qr_order`]).

use std::sync::Arc;

use super::operations::may_have_taken_effect;
use super::{Engine, PaymentHandle};
use crate::error::{Error, Result};
use crate::journal::{now_ms, Begin, EntryKind, EntryState, Method, NOT_SENT};
use crate::payment::{origin, PaymentListener};
use crate::qr::{QrCode, QrPaymentRequest, QrRecord};

/// A QR payment under way: the code to show, and the payment's handle (its result, the
/// cashier's cancel, stop watching).
pub struct QrPayment {
    pub code: QrCode,
    pub handle: PaymentHandle,
}

impl Engine {
    /// Starts a QR payment: validates it, journals it with its expiry, creates the order at the
    /// gateway and returns the code to show at once; the engine then follows it to a settled
    /// state (`paid`, or `closed` once expired or cancelled unpaid).
    ///
    /// An order number already in the journal is refused (a QR payment is never sent twice).
    /// When the order's answer is lost, nobody has its code: the engine closes it in the
    /// background and this answers the error.
    pub async fn start_qr_payment(
        self: &Arc<Self>,
        req: QrPaymentRequest,
        listener: Option<Arc<dyn PaymentListener>>,
    ) -> Result<QrPayment> {
        self.gw.validate_qr(&req)?;
        let rules = self.gw.qr_rules().ok_or_else(|| Error::internal("validated QR payment without rules"))?;
        let expiry = rules.expiry(&req);
        let expires_at_ms = now_ms() + expiry.as_millis() as i64;
        let order_no = req.order_no.clone();
        let record = QrRecord { expires_at_ms, qr_payment: req };
        let copy = serde_json::to_string(&record).map_err(|e| Error::internal(e.to_string()))?;
        let gw = self.gw.id();
        let amount = record.qr_payment.amount;
        let origin = origin(&*self.gw, Some(Method::Qr), record.qr_payment.wallet.map(|w| w.as_str().to_string()));
        let entry = match self.journal.begin_from(
            EntryKind::Payment,
            gw,
            &order_no,
            "order_no",
            &order_no,
            amount,
            &copy,
            &origin,
        )? {
            Begin::New(e) => e,
            Begin::Existing(e) => {
                let why =
                    format!("{order_no} was already used ({}): start a QR payment under a new order number", e.state);
                return Err(Error::invalid("order_no", why));
            }
        };
        let entry = self.journal.mark_sending(entry.id)?;
        match self.gw.qr_order(&record.qr_payment, expiry).await {
            Ok(content) => {
                let code = QrCode { order_no, content, expires_at_ms };
                let json = serde_json::to_string(&code).ok();
                self.journal.update(entry.id, EntryState::Paying, json.as_deref(), None)?;
                let handle = self.launch(Begin::Existing(entry), None, listener)?;
                Ok(QrPayment { code, handle })
            }
            Err(e @ Error::GatewayRejected { .. }) if self.gw.is_definite(&e) => {
                self.journal.update(entry.id, EntryState::Failed, None, Some(&e.to_string()))?;
                Err(e)
            }
            Err(e) if may_have_taken_effect(&e) => {
                // The order may exist, but its code never arrived: close it now (a close refused
                // because it was somehow paid is refunded by the machine).
                self.journal.update(entry.id, EntryState::Unknown, None, Some(&e.to_string()))?;
                self.launch(Begin::Existing(entry), None, listener)?.cancel();
                Err(e)
            }
            Err(e) => {
                self.journal.update(entry.id, EntryState::Failed, None, Some(NOT_SENT))?;
                Err(e)
            }
        }
    }
}
