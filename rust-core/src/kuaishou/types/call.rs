//! What every Kuaishou operation declares: its service and path, the extra query parameters, the
//! JSON body (none for the GETs), the text its sign covers, and which answer root it reads.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::codes::ResultCode;
use super::records::ResultInfo;
use crate::error::Result;
use crate::kuaishou::Credentials;
use crate::operation::Operation;

/// Which service an operation is sent to: the payment service (`/openGateway/openService`, the
/// configuration's base URL) or flowRecharge's (`/openGateway/platService`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Open,
    Plat,
}

/// A typed answer: every Kuaishou answer carries `RESULT`.
pub trait WithResult: DeserializeOwned {
    fn result(&self) -> &ResultInfo;
}

/// The wire half of an operation's declaration at Kuaishou.
pub trait Call: Operation<Answer: WithResult> {
    const SERVICE: Service = Service::Open;
    /// The answer's root member (`ORDER_RESP`, ...); empty: the document itself (flowRecharge).
    const ROOT: &'static str;

    /// The path below the service, its segments unescaped (`["query", code, busiCode]`).
    fn path(&self, creds: &Credentials) -> Vec<String>;

    /// Query parameters besides sign, `_type`, `encrypt` and `busiCode`.
    fn query(&self, creds: &Credentials) -> Vec<(String, String)> {
        let _ = creds;
        Vec::new()
    }

    /// The JSON body of a POST; `None` for a GET.
    fn body(&self, creds: &Credentials) -> Option<Map<String, Value>>;

    /// What the sign covers when there is no body (query: the charge code; cancelTrade:
    /// `chargeCode=..&busiCode=..`). A POST signs its body.
    fn signed_text(&self, creds: &Credentials) -> String {
        let _ = creds;
        String::new()
    }

    /// Whether a result code is an answer rather than a refusal (cancel takes `AREADY_REVOKED`).
    fn answers(code: &ResultCode) -> bool {
        code.is_success()
    }

    /// Checks the answer is about what was asked (an answer about another order is not trusted).
    fn check(&self, answer: &Self::Answer) -> Result<()> {
        let _ = answer;
        Ok(())
    }
}

/// An answer naming another charge code than the one asked about: its outcome is unknown.
pub fn same_charge(asked: &str, echoed: Option<&str>) -> Result<()> {
    match echoed {
        Some(e) if !e.is_empty() && e != asked => Err(crate::error::Error::Network {
            message: format!("kuaishou: answer is about {e}, not {asked}"),
            outcome_unknown: true,
        }),
        _ => Ok(()),
    }
}

/// Builds a wire body: every value a string, as the seed's samples and the vendor SDK send them;
/// absent and blank optional values left out.
#[derive(Default)]
pub struct Body(Map<String, Value>);

impl Body {
    pub fn put(mut self, k: &str, v: impl Into<String>) -> Body {
        self.0.insert(k.into(), Value::String(v.into()));
        self
    }

    pub fn opt(self, k: &str, v: Option<&str>) -> Body {
        match v.filter(|v| !v.trim().is_empty()) {
            Some(v) => self.put(k, v),
            None => self,
        }
    }

    pub fn value(mut self, k: &str, v: Value) -> Body {
        self.0.insert(k.into(), v);
        self
    }

    pub fn done(self) -> Option<Map<String, Value>> {
        Some(self.0)
    }
}
