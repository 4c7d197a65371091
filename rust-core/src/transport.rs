//! The one HTTP client posgate uses: rustls with the ring provider, connect and request
//! timeouts, HTTPS only unless a test host is explicitly allowed, a cap on answer size, and
//! request/response tracing that names fields and sizes, never values.

use std::time::Duration;

use crate::tls::{install_ring_provider, tls_config};

use crate::error::Error;

#[derive(Debug, Clone)]
pub struct TransportConfig {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub allow_http: bool,
    /// Answers larger than this are refused (a gateway never sends megabytes).
    pub max_response_bytes: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            allow_http: false,
            max_response_bytes: 1024 * 1024,
        }
    }
}

/// What went wrong on the wire. `sent` tells whether the request may have reached the gateway.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("plain http is not allowed for {url}: use https (or allow http for a test host)")]
    InsecureScheme { url: String },
    #[error("could not build the HTTP client: {0}")]
    Build(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("timed out after sending the request")]
    Timeout,
    #[error("connection failed after sending the request: {0}")]
    Io(String),
    #[error("HTTP status {status}")]
    Status { status: u16 },
    #[error("answer larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("answer is not valid UTF-8")]
    NotUtf8,
}

impl TransportError {
    /// Whether the request may have reached the gateway.
    pub fn sent(&self) -> bool {
        matches!(
            self,
            TransportError::Timeout
                | TransportError::Io(_)
                | TransportError::Status { .. }
                | TransportError::TooLarge { .. }
                | TransportError::NotUtf8
        )
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Error {
        match e {
            TransportError::InvalidUrl { .. } | TransportError::InsecureScheme { .. } => Error::config(e.to_string()),
            TransportError::Build(_) => Error::internal(e.to_string()),
            _ => Error::Network { outcome_unknown: e.sent(), message: e.to_string() },
        }
    }
}

/// How a request's fields appear in the log: their names only. No value of a request or an
/// answer reaches a log at any level: the payer's codes, openids and keys are typed values that
/// redact themselves above this layer, and down here at the wire there is no type left to tell
/// a key from an order number, so nothing is printed (a list of "sensitive" names would miss the
/// next gateway's spelling). Each gateway module logs the codes it read from an answer.
fn field_names<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let names: Vec<&str> = fields.into_iter().map(|(k, _)| k).collect();
    format!("fields [{}]", names.join(","))
}

#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    config: TransportConfig,
}

impl Transport {
    pub fn new(config: TransportConfig) -> Result<Transport, TransportError> {
        install_ring_provider();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .https_only(!config.allow_http)
            .no_proxy()
            .user_agent(concat!("posgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Build(e.to_string()))?;
        Ok(Transport { client, config })
    }

    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    fn check_url(&self, url: &str) -> Result<(), TransportError> {
        let parsed =
            url::Url::parse(url).map_err(|e| TransportError::InvalidUrl { url: url.into(), reason: e.to_string() })?;
        match parsed.scheme() {
            "https" => Ok(()),
            "http" if self.config.allow_http => Ok(()),
            "http" => Err(TransportError::InsecureScheme { url: url.into() }),
            other => Err(TransportError::InvalidUrl { url: url.into(), reason: format!("unsupported scheme {other}") }),
        }
    }

    /// POSTs `application/x-www-form-urlencoded` fields; returns the answer body.
    pub async fn post_form(&self, url: &str, fields: &[(String, String)]) -> Result<String, TransportError> {
        self.check_url(url)?;
        tracing::debug!(target: "posgate::http", "POST {url} {}", field_names(fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let req = self.client.post(url).header("content-type", "application/x-www-form-urlencoded").body(body);
        self.send(url, req).await
    }

    /// POSTs a text body (JSON, or Kuaishou's Base64 3DES text) of `content_type` to `url` with
    /// `query` appended to its query string; `timeout` overrides the request timeout for this
    /// call (Kuaishou's barcode call, which the server holds up to 80 s). Returns the answer body.
    pub async fn post_text(
        &self,
        url: &str,
        query: &[(String, String)],
        content_type: &str,
        body: String,
        timeout: Option<Duration>,
    ) -> Result<String, TransportError> {
        self.check_url(url)?;
        let mut full =
            url::Url::parse(url).map_err(|e| TransportError::InvalidUrl { url: url.into(), reason: e.to_string() })?;
        if !query.is_empty() {
            full.query_pairs_mut().extend_pairs(query);
        }
        tracing::debug!(target: "posgate::http", "POST {url} query {} body ({} bytes)",
            field_names(query.iter().map(|(k, v)| (k.as_str(), v.as_str()))), body.len());
        let mut req = self.client.post(full.as_str()).header("content-type", content_type).body(body);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        self.send(url, req).await
    }

    /// GETs `url` with `query` appended to its query string (notifications some gateways send
    /// as GET); returns the answer body.
    pub async fn get(&self, url: &str, query: &[(String, String)]) -> Result<String, TransportError> {
        self.check_url(url)?;
        let mut full =
            url::Url::parse(url).map_err(|e| TransportError::InvalidUrl { url: url.into(), reason: e.to_string() })?;
        if !query.is_empty() {
            full.query_pairs_mut().extend_pairs(query);
        }
        tracing::debug!(target: "posgate::http", "GET {url} {}", field_names(query.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        self.send(url, self.client.get(full.as_str())).await
    }

    /// Boxed: the request's state machine (reqwest, hyper, the body) is then compiled once, not
    /// inlined into every operation's own (the library's size).
    fn send<'a>(&'a self, url: &'a str, req: reqwest::RequestBuilder) -> BoxedAnswer<'a> {
        Box::pin(self.exchange(url, req))
    }

    async fn exchange(&self, url: &str, req: reqwest::RequestBuilder) -> Result<String, TransportError> {
        let mut resp = req.send().await.map_err(classify)?;
        let status = resp.status();
        let limit = self.config.max_response_bytes;
        if resp.content_length().is_some_and(|n| n as usize > limit) {
            return Err(TransportError::TooLarge { limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(TransportError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(body).map_err(|_| TransportError::NotUtf8)?;
        tracing::debug!(target: "posgate::http", "{status} {url} ({} bytes)", text.len());
        if !status.is_success() {
            return Err(TransportError::Status { status: status.as_u16() });
        }
        Ok(text)
    }
}

type BoxedAnswer<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, TransportError>> + Send + 'a>>;

fn classify(e: reqwest::Error) -> TransportError {
    // A connect failure means nothing reached the gateway; anything later may have.
    if e.is_connect() {
        TransportError::Connect(with_causes(&e))
    } else if e.is_timeout() {
        TransportError::Timeout
    } else {
        TransportError::Io(with_causes(&e))
    }
}

/// The error and its causes: reqwest's own text ("error sending request") does not say that the
/// certificate was refused or the connection reset; its sources do.
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_logs_carry_names_not_values() {
        let s = field_names([("open_key", "abcdef"), ("auth_code", "134567890123456789"), ("out_no", "A1")]);
        assert_eq!(s, "fields [open_key,auth_code,out_no]");
    }

    #[tokio::test]
    async fn http_refused_unless_allowed() {
        let t = Transport::new(TransportConfig::default()).unwrap();
        let e = t.post_form("http://127.0.0.1:9/x", &[]).await.unwrap_err();
        assert!(matches!(e, TransportError::InsecureScheme { .. }));
        let e: Error = e.into();
        assert!(matches!(e, Error::Configuration { .. }));
    }

    #[tokio::test]
    async fn connect_failure_is_not_sent() {
        let t = Transport::new(TransportConfig { allow_http: true, ..Default::default() }).unwrap();
        // Port 9 (discard) on loopback is closed on CI machines: connection refused.
        let e = t.post_form("http://127.0.0.1:9/x", &[]).await.unwrap_err();
        assert!(!e.sent(), "{e:?}");
        assert!(!Error::from(e).outcome_unknown());
    }
}
