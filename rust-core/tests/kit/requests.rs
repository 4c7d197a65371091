//! Counting what reaches the sandbox's simulators: a fault plan that remembers every gateway
//! request (and when it came), and faults only the requests set as traps.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use posgate_sandbox::faults::{Fault, FaultPlan};
use posgate_sandbox::Sandbox;

/// Each gateway's barcode pay call, as [`Requests`] names requests (gateway, then path; MMSP's
/// CommandID appended to its one path).
pub const PAY_CALLS: &[&str] = &[
    "chaoying/UnifiedPay/Gateway?method=pay",
    "tlinx/mct1/payorder",
    "kuaishou/openGateway/openService/preOrder",
    "mmsp/scan?CommandID=2307",
    "mmsp/scan?CommandID=2309",
    "mmsp/scan?CommandID=776",
];
/// Each gateway's refund call.
pub const REFUND_CALLS: &[&str] = &[
    "chaoying/UnifiedPay/Gateway?method=refund",
    "tlinx/mct1/payrefund",
    "kuaishou/openGateway/openService/refund",
    "mmsp/scan?CommandID=2312",
];
/// The first request of each gateway's refund query.
/// (Kuaishou has no refund lookup: its refund query is the order's query.)
pub const REFUND_QUERIES: &[&str] = &[
    "chaoying/UnifiedPay/Gateway?method=refundquery",
    "tlinx/mct1/order/view",
    "kuaishou/openGateway/openService/query",
    "mmsp/scan?CommandID=2313",
];

/// One request that reached a simulator.
struct Sent {
    /// The gateway, then the path below it: `tlinx/mct1/payorder`.
    request: String,
    /// The path below the gateway: `/mct1/payorder`.
    path: String,
    at: Instant,
}

/// A fault plan that remembers every gateway request, to count what was sent, and faults only
/// the requests set as traps (each trap once, in order).
#[derive(Default)]
pub struct Requests {
    seen: Mutex<Vec<Sent>>,
    traps: Mutex<VecDeque<(&'static [&'static str], Fault)>>,
}

impl Requests {
    /// A fresh one, installed as the sandbox's fault plan.
    pub fn install(sb: &Sandbox) -> Arc<Requests> {
        let r = Arc::new(Requests::default());
        sb.set_faults(Some(r.clone() as Arc<dyn FaultPlan>));
        r
    }

    /// Faults the next request to one of `paths` with `fault`.
    pub fn trap(&self, paths: &'static [&'static str], fault: Fault) {
        self.traps.lock().unwrap().push_back((paths, fault));
    }

    /// Requests sent to any gateway.
    pub fn total(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// Requests sent that are one of `requests` (gateway, then path).
    pub fn count(&self, requests: &[&str]) -> usize {
        self.seen.lock().unwrap().iter().filter(|s| requests.contains(&s.request.as_str())).count()
    }

    /// Barcode pay calls sent.
    pub fn pays(&self) -> usize {
        self.count(PAY_CALLS)
    }

    /// Refund calls sent.
    pub fn refunds(&self) -> usize {
        self.count(REFUND_CALLS)
    }

    /// When each request to `path` (below its gateway, on any gateway) reached the sandbox.
    pub fn times(&self, path: &str) -> Vec<Instant> {
        self.seen.lock().unwrap().iter().filter(|s| s.path == path).map(|s| s.at).collect()
    }
}

impl FaultPlan for Requests {
    fn next(&self, gateway: &str, path: &str) -> Option<Fault> {
        let at = Instant::now();
        let request = format!("{gateway}{path}");
        let mut traps = self.traps.lock().unwrap();
        let fault = match traps.front() {
            Some((paths, fault)) if paths.contains(&request.as_str()) => {
                let f = *fault;
                traps.pop_front();
                Some(f)
            }
            _ => None,
        };
        self.seen.lock().unwrap().push(Sent { request, path: path.to_string(), at });
        fault
    }
}
