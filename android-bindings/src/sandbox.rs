//! The embedded sandbox, for the sample app's demo mode and for tests. Compiled only with the
//! `sandbox` feature: production builds of libposgate.so carry no simulator (no HTTP server).

use std::sync::{Arc, Mutex};

use posgate_sandbox::Sandbox;

use crate::error::PosGateError;
use crate::runtime;
use crate::types::{Gateway, PosGateConfig};

#[derive(uniffi::Object)]
pub struct EmbeddedSandbox {
    inner: Mutex<Option<Sandbox>>,
    root: String,
}

/// Starts the gateway simulators on 127.0.0.1 (a free port).
#[uniffi::export]
pub async fn start_sandbox() -> Result<Arc<EmbeddedSandbox>, PosGateError> {
    runtime::run(async {
        let sb = Sandbox::start().await.map_err(|e| PosGateError::Internal { detail: format!("sandbox: {e}") })?;
        let root = sb.root_url();
        Ok(Arc::new(EmbeddedSandbox { inner: Mutex::new(Some(sb)), root }))
    })
    .await
}

impl EmbeddedSandbox {
    fn with<T>(&self, f: impl FnOnce(&Sandbox) -> T) -> Result<T, PosGateError> {
        let guard = self.inner.lock().map_err(|_| PosGateError::Internal { detail: "sandbox lock".into() })?;
        guard.as_ref().map(f).ok_or_else(|| PosGateError::Configuration { detail: "sandbox stopped".into() })
    }
}

#[uniffi::export]
impl EmbeddedSandbox {
    /// `http://127.0.0.1:PORT`
    pub fn root_url(&self) -> String {
        self.root.clone()
    }

    /// Every gateway the sandbox simulates.
    pub fn gateways(&self) -> Vec<Gateway> {
        posgate_sandbox::SIMULATED.iter().map(|g| (*g).into()).collect()
    }

    /// The simulated gateways that take barcode (B scans C) payments.
    pub fn barcode_gateways(&self) -> Vec<Gateway> {
        posgate_sandbox::GATEWAYS.iter().map(|g| (*g).into()).collect()
    }

    /// Base URL of one gateway's simulator.
    pub fn base_url(&self, gateway: Gateway) -> String {
        format!("{}/{}", self.root, posgate_core::GatewayId::from(gateway))
    }

    /// A ready configuration for `gateway` on this sandbox (test credentials, quick polling).
    pub fn config(&self, gateway: Gateway) -> Result<PosGateConfig, PosGateError> {
        self.with(|sb| sb.config(gateway.into()))?
            .map(|c| PosGateConfig::from_core(&c))
            .ok_or_else(|| PosGateError::Unsupported { what: format!("{gateway:?} is not simulated yet") })
    }

    /// Every order the simulators have seen, as the JSON of `GET /_sandbox/orders`.
    pub fn orders_json(&self) -> Result<String, PosGateError> {
        let orders = self.with(|sb| sb.orders())?;
        serde_json::to_string(&orders).map_err(|e| PosGateError::Internal { detail: e.to_string() })
    }

    /// How many requests have reached the simulated gateways since the sandbox started: a test
    /// that a call sent nothing compares it before and after.
    pub fn requests(&self) -> Result<u64, PosGateError> {
        self.with(|sb| sb.requests())
    }

    /// The payer pays a QR / JSAPI pre-order; the gateway's notification is posted.
    pub async fn pay_preorder(&self, gateway: Gateway, order_no: String) -> Result<Option<String>, PosGateError> {
        let root = self.root.clone();
        runtime::run(async move {
            let url = format!("{root}/_sandbox/pay/{}/{order_no}", posgate_core::GatewayId::from(gateway));
            let http = posgate_core::transport::Transport::new(posgate_core::transport::TransportConfig {
                allow_http: true,
                ..Default::default()
            })
            .map_err(posgate_core::Error::from)?;
            let ack = http.post_form(&url, &[]).await.map_err(posgate_core::Error::from)?;
            Ok(if ack.is_empty() { None } else { Some(ack) })
        })
        .await
    }

    pub fn stop(&self) {
        if let Ok(mut guard) = self.inner.lock() {
            guard.take();
        }
    }
}
