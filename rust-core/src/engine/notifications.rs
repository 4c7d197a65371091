//! Notifications checked against the journal, after their signature.

use super::Engine;
use crate::error::{Error, Result};
use crate::gateway::Notification;
use crate::journal::{EntryKind, EntryState};
use crate::payment::trade_state;
use crate::trade::{RawFields, TradeResult, TradeState};

/// A verified notification checked against the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationCheck {
    pub notification: Notification,
    /// Delivered before: nothing was changed this time. Answer with the ack all the same.
    pub duplicate: bool,
}

impl Engine {
    /// Verifies a notification on the raw fields, then checks it against the journal: the order
    /// must exist with the same amount. A duplicate delivery is recognised and changes nothing.
    /// A payment the journal settled as not paid that the gateway reports paid is marked needs
    /// attention (it must be refunded).
    pub fn check_notification(&self, fields: &RawFields) -> Result<NotificationCheck> {
        let n = self.gw.verify_notification(fields)?;
        let Some(entry) = self.journal.get(EntryKind::Payment, self.gw.id(), &n.order_no)? else {
            return Err(Error::invalid("order_no", format!("{} is not in the journal", n.order_no)));
        };
        if let Some(amount) = n.amount {
            if amount != entry.amount {
                return Err(Error::invalid(
                    "amount",
                    format!("notification says {amount} yuan, the journal {} yuan", entry.amount),
                ));
            }
        }
        let fields_json = serde_json::to_string(&n.fields).map_err(|e| Error::internal(e.to_string()))?;
        let fresh = self.journal.record_notification(self.gw.id(), &n.order_no, n.state.as_str(), &fields_json)?;
        // A payment this engine is driving right now settles through its own machine (which may
        // be reversing it): a final notification is handed to it, which ends its wait for the
        // next query (a QR payment's payer paid); the machine records it.
        let running = self.running.lock().ok().and_then(|m| m.get(&n.order_no).cloned());
        if let (Some(running), true) = (&running, n.state.is_final()) {
            let mut r = TradeResult::new(&n.order_no, n.state);
            r.amount = n.amount;
            r.gateway_trade_no = n.gateway_trade_no.clone();
            r.message = Some("notified".into());
            running.control.tell(r);
        }
        if fresh && running.is_none() {
            let current = trade_state(entry.state);
            if !entry.state.is_settled() && n.state.is_final() {
                self.settle_undriven(&entry, n.state, Some(&fields_json))?;
            } else if n.state.is_paid_like()
                && matches!(current, TradeState::Failed | TradeState::Closed | TradeState::Reversed)
            {
                let note = format!("gateway reports paid after posgate settled it {current}: refund it");
                self.journal.update(entry.id, EntryState::NeedsAttention, Some(&fields_json), Some(&note))?;
                tracing::warn!(order_no = %n.order_no, "{note}");
            }
        }
        Ok(NotificationCheck { notification: n, duplicate: !fresh })
    }
}
