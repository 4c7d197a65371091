//! Gateway configuration: where to connect, how long to wait, which credentials to sign with.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Test,
    #[default]
    Production,
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

/// Where and how to reach one gateway, with the credentials `C` to sign with: a gateway's own
/// credentials type in its module, the registry's `Credentials` (any gateway) above them.
#[derive(Debug, Clone)]
pub struct Config<C> {
    /// Base URL without a trailing slash, e.g. `https://api.example.com`.
    pub base_url: String,
    pub environment: Environment,
    pub credentials: C,
    /// Plain `http://` is refused unless this is set (test hosts and the sandbox only).
    pub allow_http: bool,
    pub connect_timeout: Duration,
    /// Whole-request timeout, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Overrides the gateway's default poll schedule (tests, demo).
    pub poll: Option<PollSchedule>,
}

impl<C> Config<C> {
    pub fn new(base_url: impl Into<String>, credentials: C) -> Config<C> {
        Config {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            environment: Environment::Production,
            credentials,
            allow_http: false,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            poll: None,
        }
    }

    /// The same settings with other credentials (the registry hands a gateway its own).
    pub fn map_credentials<D, E>(self, f: impl FnOnce(C) -> Result<D, E>) -> Result<Config<D>, E> {
        let credentials = f(self.credentials)?;
        Ok(Config {
            base_url: self.base_url,
            environment: self.environment,
            credentials,
            allow_http: self.allow_http,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            poll: self.poll,
        })
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
