//! The one generic client every gateway runs on. A gateway is a [`Protocol`] (its credentials,
//! signing, encryption, envelope and endpoints); `Client<P>` validates a typed operation and
//! hands it to the protocol, which sends it over the shared [`Transport`] and reads the answer.

use std::future::Future;

use crate::config::Config;
use crate::error::Result;
use crate::operation::Operation;
use crate::trade::GatewayId;
use crate::transport::Transport;

/// A gateway's wire protocol: what differs from one gateway to the next.
pub trait Protocol: Send + Sync + Sized + 'static {
    const GATEWAY: GatewayId;
    /// The merchant's credentials at this gateway.
    type Credentials: Clone + Send + Sync;

    /// Checks the credentials and prepares keys; a configuration error names what is wrong.
    fn new(config: &Config<Self::Credentials>) -> Result<Self>;
}

/// How protocol `Self` sends operation `O`: encodes and signs the request, posts it, verifies
/// and decodes the answer. A refusal is `Err(GatewayRejected)`; an answer that cannot be
/// trusted or read after sending is an outcome-unknown error.
pub trait Sends<O: Operation>: Protocol {
    fn send(&self, http: &Transport, base_url: &str, req: &O) -> impl Future<Output = Result<O::Answer>> + Send;
}

/// An operation of one gateway: the engine's typed calls reach the gateway's client through it
/// (derived by `operation::operations!` for every operation it lists).
pub trait Routed: Operation {
    type Client: crate::gateway::Gateway + Calls<Self>;
}

/// A client that sends operation `O`, for the engine, which has validated the request already
/// (`operation::describe`): the validation is not compiled a second time per operation.
pub trait Calls<O: Operation>: Send + Sync + 'static {
    fn send(&self, req: &O) -> impl Future<Output = Result<O::Answer>> + Send;
}

impl<P: Sends<O>, O: Operation> Calls<O> for Client<P> {
    async fn send(&self, req: &O) -> Result<O::Answer> {
        let answer = self.protocol.send(&self.http, &self.config.base_url, req).await;
        if let Err(e) = &answer {
            log_failure(P::GATEWAY, O::INFO.name, e);
        }
        answer
    }
}

/// Credentials that can be handed to gateway `T`'s client: its own, or (in the registry) the
/// credentials of any gateway, refused when they are another gateway's.
pub trait ForGateway<T> {
    fn for_gateway(self) -> Result<T>;
}

impl<T> ForGateway<T> for T {
    fn for_gateway(self) -> Result<T> {
        Ok(self)
    }
}

/// The client of gateway `P`.
pub struct Client<P: Protocol> {
    pub(crate) config: Config<P::Credentials>,
    pub(crate) http: Transport,
    pub(crate) protocol: P,
}

impl<P: Protocol> Client<P> {
    /// A client for `config`, whose credentials must be `P`'s.
    pub fn new<C: ForGateway<P::Credentials>>(config: Config<C>) -> Result<Client<P>> {
        let config = config.map_credentials(|c| c.for_gateway())?;
        check_base_url(&config.base_url, config.allow_http)?;
        let protocol = P::new(&config)?;
        let http = Transport::new(config.transport())?;
        Ok(Client { config, http, protocol })
    }

    /// Sends one typed operation: validated first, then through the protocol.
    pub async fn call<O: Operation>(&self, req: &O) -> Result<O::Answer>
    where
        P: Sends<O>,
    {
        req.validate()?;
        let answer = self.protocol.send(&self.http, &self.config.base_url, req).await;
        if let Err(e) = &answer {
            log_failure(P::GATEWAY, O::INFO.name, e);
        }
        answer
    }

    pub fn config(&self) -> &Config<P::Credentials> {
        &self.config
    }

    pub fn credentials(&self) -> &P::Credentials {
        &self.config.credentials
    }

    pub fn protocol(&self) -> &P {
        &self.protocol
    }
}

/// A base URL the transport will take, refused at once (naming the key) rather than at the
/// first request.
fn check_base_url(base_url: &str, allow_http: bool) -> Result<()> {
    match url::Url::parse(base_url) {
        Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && allow_http) => Ok(()),
        Ok(u) if u.scheme() == "http" => Err(crate::error::Error::config(format!(
            "base_url {base_url}: plain http is refused: use https (allow_http is for a test host only)"
        ))),
        Ok(u) => Err(crate::error::Error::config(format!("base_url {base_url}: {} is not http(s)", u.scheme()))),
        Err(e) => Err(crate::error::Error::config(format!("base_url {base_url:?}: {e}"))),
    }
}

/// Out of line: a log call inside a generic function is compiled once per operation.
#[inline(never)]
fn log_failure(gateway: GatewayId, op: &str, e: &crate::error::Error) {
    tracing::debug!(target: "posgate::client", gateway = %gateway, op, "{e}");
}
