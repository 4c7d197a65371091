//! Gateway configuration: where to connect, how long to wait, which credentials to sign with.

use std::time::Duration;

use crate::error::Error;
use crate::trade::GatewayId;
use crate::{chaoying, sunmi, tlinx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Test,
    #[default]
    Production,
}

/// Credentials of one merchant at one gateway. Keys are `Secret`s: never printed.
#[derive(Debug, Clone)]
pub enum Credentials {
    Sunmi(sunmi::Credentials),
    Chaoying(chaoying::Credentials),
    Tlinx(tlinx::Credentials),
}

impl Credentials {
    pub fn gateway(&self) -> GatewayId {
        match self {
            Credentials::Sunmi(_) => GatewayId::Sunmi,
            Credentials::Chaoying(_) => GatewayId::Chaoying,
            Credentials::Tlinx(_) => GatewayId::Tlinx,
        }
    }

    /// Parses the `[credentials]` table of a merchant file for `gateway`.
    pub fn from_json(gateway: GatewayId, value: serde_json::Value) -> Result<Credentials, Error> {
        let bad = |e: serde_json::Error| Error::config(format!("{gateway} credentials: {e}"));
        match gateway {
            GatewayId::Sunmi => Ok(Credentials::Sunmi(serde_json::from_value(value).map_err(bad)?)),
            GatewayId::Chaoying => Ok(Credentials::Chaoying(serde_json::from_value(value).map_err(bad)?)),
            GatewayId::Tlinx => Ok(Credentials::Tlinx(serde_json::from_value(value).map_err(bad)?)),
            other => Err(Error::Unsupported { what: format!("gateway {other} is not supported yet") }),
        }
    }
}

/// The gateway's own numbers for the poll-after-paying loop (SPEC-NOTES "Polling").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    /// Wait this long after a "paying" answer before the first query.
    pub first_query_after: Duration,
    /// Then query this often.
    pub interval: Duration,
    /// Stop polling this long after the pay call; the outcome is then unknown (or reversed).
    pub deadline: Duration,
    /// Never reverse sooner than this after the pay call.
    pub earliest_reverse: Duration,
}

#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Base URL without a trailing slash, e.g. `https://api.example.com`.
    pub base_url: String,
    pub environment: Environment,
    pub credentials: Credentials,
    /// Plain `http://` is refused unless this is set (test hosts and the sandbox only).
    pub allow_http: bool,
    pub connect_timeout: Duration,
    /// Whole-request timeout, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Overrides the gateway's default poll schedule (tests, demo).
    pub poll: Option<PollSchedule>,
}

impl GatewayConfig {
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> GatewayConfig {
        GatewayConfig {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            environment: Environment::Production,
            credentials,
            allow_http: false,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            poll: None,
        }
    }

    pub fn gateway(&self) -> GatewayId {
        self.credentials.gateway()
    }

    /// The transport settings this configuration implies.
    pub fn transport(&self) -> crate::transport::TransportConfig {
        crate::transport::TransportConfig {
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            allow_http: self.allow_http,
            ..Default::default()
        }
    }
}
