//! The poll-after-"paying" loop shared by every gateway: pay, and while the answer is paying or
//! unknown, query on the gateway's schedule until a final state or the deadline.
//!
//! A transport error after the request was sent, a system error, or an answer with a bad
//! signature all mean the outcome is unknown: they are queried, never reported as failed.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::trade::{PayRequest, TradeResult, TradeState};

/// Progress of one payment, for the cashier's screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    Submitted {
        order_no: String,
    },
    Paying {
        order_no: String,
    },
    /// Query number `n`; `of` is how many the schedule allows before the deadline.
    Poll {
        order_no: String,
        n: u32,
        of: u32,
    },
    Final {
        order_no: String,
        state: TradeState,
    },
}

pub trait PaymentListener: Send + Sync {
    fn on_event(&self, event: PaymentEvent);
}

/// A listener that ignores events.
pub struct NoListener;

impl PaymentListener for NoListener {
    fn on_event(&self, _event: PaymentEvent) {}
}

impl<F: Fn(PaymentEvent) + Send + Sync> PaymentListener for F {
    fn on_event(&self, event: PaymentEvent) {
        self(event)
    }
}

/// Pays and waits for a final state. Returns `Ok` with the final (or `Unknown`) state; `Err` only
/// for input refused before sending or a configuration problem.
pub async fn pay_and_wait(gw: &dyn Gateway, req: &PayRequest, listener: &dyn PaymentListener) -> Result<TradeResult> {
    gw.validate_pay(req)?;
    let order_no = req.order_no.clone();
    let started = Instant::now();
    listener.on_event(PaymentEvent::Submitted { order_no: order_no.clone() });
    let first = gw.pay(req).await;
    let mut last = match first {
        Ok(r) if r.state.is_final() => return Ok(finish(listener, r)),
        Ok(r) => r,
        Err(Error::GatewayRejected { code, message }) => {
            let mut r = TradeResult::new(&order_no, TradeState::Failed);
            r.gateway_code = Some(code);
            r.message = Some(message);
            return Ok(finish(listener, r));
        }
        Err(e) if e.outcome_unknown() => {
            let mut r = TradeResult::new(&order_no, TradeState::Unknown);
            r.message = Some(e.to_string());
            r
        }
        Err(e) => return Err(e),
    };
    listener.on_event(PaymentEvent::Paying { order_no: order_no.clone() });
    let s = gw.schedule();
    let of = planned_polls(s.first_query_after, s.interval, s.deadline);
    let mut next = started + s.first_query_after;
    let mut n = 0;
    while next <= started + s.deadline {
        tokio::time::sleep_until(next).await;
        n += 1;
        listener.on_event(PaymentEvent::Poll { order_no: order_no.clone(), n, of: of.max(n) });
        match gw.query(&order_no).await {
            Ok(r) if r.state.is_final() => return Ok(finish(listener, r)),
            Ok(r) => last = r,
            // Untrusted or unanswered: keep the state we had and ask again.
            Err(e) => {
                tracing::info!(order_no = %order_no, "query {n} gave no usable answer: {e}");
            }
        }
        next += s.interval;
    }
    // Deadline passed without a final answer. The "Never lose a payment" layer reverses here.
    last.state = TradeState::Unknown;
    Ok(finish(listener, last))
}

fn finish(listener: &dyn PaymentListener, r: TradeResult) -> TradeResult {
    listener.on_event(PaymentEvent::Final { order_no: r.order_no.clone(), state: r.state });
    r
}

fn planned_polls(first: Duration, interval: Duration, deadline: Duration) -> u32 {
    if first > deadline {
        return 0;
    }
    let rest = (deadline - first).as_millis() / interval.as_millis().max(1);
    (rest + 1).min(u32::MAX as u128) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_count() {
        assert_eq!(planned_polls(Duration::from_secs(5), Duration::from_secs(5), Duration::from_secs(45)), 9);
        assert_eq!(planned_polls(Duration::from_secs(10), Duration::from_secs(5), Duration::from_secs(5)), 0);
    }
}
