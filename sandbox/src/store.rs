//! Order state shared by all simulators: what was charged, refunded, cancelled. The state of a
//! scripted order is derived from its scenario and the time elapsed, so "paying for N seconds"
//! needs no timer.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use crate::scenario::Scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SimState {
    Paying,
    Paid,
    Failed,
    Closed,
    Reversed,
    Refunded,
    PartiallyRefunded,
}

#[derive(Debug, Clone)]
pub struct SimRefund {
    pub refund_no: String,
    pub amount: u64,
    pub gateway_refund_no: String,
    pub at: Instant,
}

#[derive(Debug, Clone)]
pub struct SimOrder {
    pub gateway: String,
    pub order_no: String,
    pub amount: u64,
    pub scenario: Scenario,
    pub created: Instant,
    pub created_unix: u64,
    pub trade_no: String,
    /// Wallet named in the answers (e.g. WEIXIN / ALIPAY), from the code or the request.
    pub channel: String,
    /// Set by cancel / close.
    pub closed: Option<SimState>,
    /// Set when the payer paid a pre-order (QR / JSAPI) through `/_sandbox/pay`.
    pub paid_manually: bool,
    /// Pre-orders (QR, JSAPI) wait for the payer until paid by `/_sandbox/pay`.
    pub preorder: bool,
    pub refunds: Vec<SimRefund>,
    pub notify_url: Option<String>,
    /// Whether the payer had been charged when the order was cancelled or closed.
    pub charged_before_close: bool,
    /// Free-form request fields the simulator wants to echo back later.
    pub extra: BTreeMap<String, String>,
}

impl SimOrder {
    /// The scripted state before cancels and refunds.
    fn base_state(&self, now: Instant) -> SimState {
        if self.preorder {
            return if self.paid_manually { SimState::Paid } else { SimState::Paying };
        }
        let elapsed = now.saturating_duration_since(self.created);
        match self.scenario {
            Scenario::PaidAtOnce
            | Scenario::SystemErrorButCharged
            | Scenario::NoAnswerButCharged
            | Scenario::BadSignature => SimState::Paid,
            Scenario::PayingThenPaid(d) if elapsed < d => SimState::Paying,
            Scenario::PayingThenPaid(_) => SimState::Paid,
            Scenario::PayingThenFailed(d) if elapsed < d => SimState::Paying,
            Scenario::PayingThenFailed(_) => SimState::Failed,
            Scenario::Declined | Scenario::InvalidCode => SimState::Failed,
        }
    }

    pub fn state(&self, now: Instant) -> SimState {
        if let Some(closed) = self.closed {
            return closed;
        }
        match self.base_state(now) {
            SimState::Paid if self.refunded() >= self.amount => SimState::Refunded,
            SimState::Paid if self.refunded() > 0 => SimState::PartiallyRefunded,
            other => other,
        }
    }

    /// Unix time of an instant of the order's life (a refund's), counted from its creation so
    /// that the same instant always shows as the same second.
    pub fn unix_at(&self, at: Instant) -> u64 {
        self.created_unix + at.saturating_duration_since(self.created).as_secs()
    }

    /// When the payer's money moved: after the paying phase of a scripted `1NNN` payment, else
    /// when the order was made.
    pub fn paid_unix(&self) -> u64 {
        match self.scenario {
            Scenario::PayingThenPaid(d) if !self.preorder => self.created_unix + d.as_secs(),
            _ => self.created_unix,
        }
    }

    /// A request field the simulator kept (`""` when there is none).
    pub fn extra(&self, name: &str) -> &str {
        self.extra.get(name).map(String::as_str).unwrap_or_default()
    }

    pub fn refunded(&self) -> u64 {
        self.refunds.iter().map(|r| r.amount).sum()
    }

    /// 1 once the payer's money moved (even if later reversed or refunded), else 0.
    pub fn charges(&self, now: Instant) -> u32 {
        match self.closed {
            Some(SimState::Reversed) | Some(SimState::Closed) => u32::from(self.charged_before_close),
            _ => u32::from(matches!(
                self.base_state(now),
                SimState::Paid | SimState::Refunded | SimState::PartiallyRefunded
            )),
        }
    }
}

/// What `GET /_sandbox/orders` lists.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrderView {
    pub gateway: String,
    pub order_no: String,
    pub amount: u64,
    pub state: SimState,
    pub charges: u32,
    pub refunded: u64,
}

#[derive(Debug, Default)]
pub struct Store {
    orders: Mutex<BTreeMap<(String, String), SimOrderEntry>>,
}

#[derive(Debug, Clone)]
struct SimOrderEntry {
    order: SimOrder,
}

/// A payment, or one of its refunds (the order, and the refund's index in it).
#[derive(Debug, Clone)]
pub enum Trade {
    Payment(SimOrder),
    Refund(SimOrder, usize),
}

/// Why a store operation was refused; simulators map it onto their gateway's codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    NotFound,
    /// Same order number again with a different amount.
    DuplicateOrder,
    /// Refund larger than what is left, or on an unpaid order.
    RefundNotAllowed(&'static str),
    /// Same refund number again with a different amount.
    DuplicateRefund,
    CancelNotAllowed(&'static str),
}

impl Store {
    /// Records a new order, or returns the existing one when the same number comes again with
    /// the same amount (an idempotent retry: never a second charge).
    pub fn create(&self, order: SimOrder) -> Result<(SimOrder, bool), StoreError> {
        let mut map = self.orders.lock().unwrap();
        let key = (order.gateway.clone(), order.order_no.clone());
        if let Some(existing) = map.get(&key) {
            if existing.order.amount != order.amount {
                return Err(StoreError::DuplicateOrder);
            }
            return Ok((existing.order.clone(), false));
        }
        map.insert(key, SimOrderEntry { order: order.clone() });
        Ok((order, true))
    }

    pub fn get(&self, gateway: &str, order_no: &str) -> Option<SimOrder> {
        self.orders.lock().unwrap().get(&(gateway.to_string(), order_no.to_string())).map(|e| e.order.clone())
    }

    /// Finds an order by any predicate (e.g. by the gateway's trade number).
    pub fn find(&self, gateway: &str, pred: impl Fn(&SimOrder) -> bool) -> Option<SimOrder> {
        self.orders.lock().unwrap().values().map(|e| &e.order).find(|o| o.gateway == gateway && pred(o)).cloned()
    }

    /// The payment `is_order` picks out, else the refund `is_refund` does (gateways that look
    /// refunds up by the same numbers as payments).
    pub fn find_trade(
        &self,
        gateway: &str,
        is_order: impl Fn(&SimOrder) -> bool,
        is_refund: impl Fn(&SimRefund) -> bool,
    ) -> Option<Trade> {
        let map = self.orders.lock().unwrap();
        let orders = || map.values().map(|e| &e.order).filter(|o| o.gateway == gateway);
        if let Some(o) = orders().find(|o| is_order(o)) {
            return Some(Trade::Payment(o.clone()));
        }
        orders().find_map(|o| o.refunds.iter().position(&is_refund).map(|i| Trade::Refund(o.clone(), i)))
    }

    pub fn list(&self, gateway: &str) -> Vec<SimOrder> {
        self.orders.lock().unwrap().values().map(|e| e.order.clone()).filter(|o| o.gateway == gateway).collect()
    }

    pub fn update<T>(&self, gateway: &str, order_no: &str, f: impl FnOnce(&mut SimOrder) -> T) -> Option<T> {
        let mut map = self.orders.lock().unwrap();
        map.get_mut(&(gateway.to_string(), order_no.to_string())).map(|e| f(&mut e.order))
    }

    /// Refunds part or all of a paid order. The same refund number with the same amount is an
    /// idempotent retry and returns the earlier refund.
    pub fn refund(
        &self,
        gateway: &str,
        order_no: &str,
        refund_no: &str,
        amount: u64,
    ) -> Result<(SimOrder, SimRefund), StoreError> {
        let now = Instant::now();
        let mut map = self.orders.lock().unwrap();
        let entry = map.get_mut(&(gateway.to_string(), order_no.to_string())).ok_or(StoreError::NotFound)?;
        let o = &mut entry.order;
        if let Some(r) = o.refunds.iter().find(|r| r.refund_no == refund_no) {
            if r.amount != amount {
                return Err(StoreError::DuplicateRefund);
            }
            return Ok((o.clone(), r.clone()));
        }
        match o.state(now) {
            SimState::Paid | SimState::PartiallyRefunded => {}
            SimState::Refunded => return Err(StoreError::RefundNotAllowed("order fully refunded")),
            _ => return Err(StoreError::RefundNotAllowed("order is not paid")),
        }
        if amount == 0 || o.refunded() + amount > o.amount {
            return Err(StoreError::RefundNotAllowed("refund amount exceeds what is left"));
        }
        let r = SimRefund {
            refund_no: refund_no.to_string(),
            amount,
            gateway_refund_no: format!("R{}{:04}", o.trade_no, o.refunds.len() + 1),
            at: now,
        };
        o.refunds.push(r.clone());
        Ok((o.clone(), r))
    }

    /// Cancels (reverses) an order: a paid one is refunded in full to the payer, a paying one
    /// stops. `as_state` is `Reversed` for cancel/reverse, `Closed` for close.
    pub fn cancel(&self, gateway: &str, order_no: &str, as_state: SimState) -> Result<SimOrder, StoreError> {
        let now = Instant::now();
        let mut map = self.orders.lock().unwrap();
        let entry = map.get_mut(&(gateway.to_string(), order_no.to_string())).ok_or(StoreError::NotFound)?;
        let o = &mut entry.order;
        match o.state(now) {
            SimState::Reversed | SimState::Closed => return Ok(o.clone()),
            SimState::Refunded | SimState::PartiallyRefunded => {
                return Err(StoreError::CancelNotAllowed("order has refunds"))
            }
            SimState::Paid if as_state == SimState::Closed => {
                return Err(StoreError::CancelNotAllowed("order is paid: refund or reverse it"))
            }
            _ => {}
        }
        o.charged_before_close = o.charges(now) > 0;
        o.closed = Some(as_state);
        Ok(o.clone())
    }

    pub fn views(&self) -> Vec<OrderView> {
        let now = Instant::now();
        self.orders
            .lock()
            .unwrap()
            .values()
            .map(|e| OrderView {
                gateway: e.order.gateway.clone(),
                order_no: e.order.order_no.clone(),
                amount: e.order.amount,
                state: e.order.state(now),
                charges: e.order.charges(now),
                refunded: e.order.refunded(),
            })
            .collect()
    }
}

/// A new order with defaults; simulators fill in what they know.
pub fn new_order(gateway: &str, order_no: &str, amount: u64, scenario: Scenario) -> SimOrder {
    let unix = posgate_core::clock::now_unix();
    SimOrder {
        gateway: gateway.into(),
        order_no: order_no.into(),
        amount,
        scenario,
        created: Instant::now(),
        created_unix: unix,
        trade_no: format!(
            "{}{}{:06}",
            gateway.chars().next().unwrap_or('x').to_ascii_uppercase(),
            unix,
            rand::random::<u32>() % 1_000_000
        ),
        channel: "WEIXIN".into(),
        closed: None,
        charged_before_close: false,
        paid_manually: false,
        preorder: false,
        refunds: Vec::new(),
        notify_url: None,
        extra: BTreeMap::new(),
    }
}
