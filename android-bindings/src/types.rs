//! Records and enums as Kotlin sees them, and their conversions. Amounts are signed `Long` fen
//! (Kotlin has no comfortable unsigned type); durations are `Long` milliseconds.

use std::time::Duration;

use posgate_core as core;

use crate::error::PosGateError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Gateway {
    Sunmi,
    Chaoying,
    Kuaishou,
    Mmsp,
    Tlinx,
}

impl From<core::GatewayId> for Gateway {
    fn from(g: core::GatewayId) -> Self {
        match g {
            core::GatewayId::Sunmi => Gateway::Sunmi,
            core::GatewayId::Chaoying => Gateway::Chaoying,
            core::GatewayId::Kuaishou => Gateway::Kuaishou,
            core::GatewayId::Mmsp => Gateway::Mmsp,
            core::GatewayId::Tlinx => Gateway::Tlinx,
        }
    }
}

impl From<Gateway> for core::GatewayId {
    fn from(g: Gateway) -> Self {
        match g {
            Gateway::Sunmi => core::GatewayId::Sunmi,
            Gateway::Chaoying => core::GatewayId::Chaoying,
            Gateway::Kuaishou => core::GatewayId::Kuaishou,
            Gateway::Mmsp => core::GatewayId::Mmsp,
            Gateway::Tlinx => core::GatewayId::Tlinx,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum GatewayEnvironment {
    Test,
    Production,
}

/// A merchant's credentials at one gateway. Keys stay inside the library once passed in.
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum GatewayCredentials {
    /// Sunmi cloud trade API: WeChat prepays (invoke `jsapipay` / `minipay`), query, refund,
    /// card-swipe lookups (`swipequery`) and their record in the journal (`recordSwipe`). No
    /// barcode payment.
    Sunmi {
        app_id: String,
        /// The MD5 signing key.
        app_key: String,
        /// Sunmi merchant number: prepays, payBind, and query/refund of cloud orders.
        #[uniffi(default = None)]
        merchant_no: Option<String>,
        /// The terminal's SN: card-swipe lookups, and query/refund when no merchant number is set.
        #[uniffi(default = None)]
        msn: Option<String>,
        /// Sunmi's RSA public key for callbacks (PEM or Base64); the seed's test key is used in
        /// the test environment when absent.
        #[uniffi(default = None)]
        public_key: Option<String>,
    },
    Chaoying {
        mch_id: String,
        /// Caller product name.
        pid: String,
        key: String,
        #[uniffi(default = None)]
        agent_id: Option<String>,
        /// Caller version; "1.0" when absent.
        #[uniffi(default = None)]
        version: Option<String>,
    },
    /// Kuaishou (sosopay): barcode, QR and JSAPI orders, refund, query, cancel, flow recharge.
    Kuaishou {
        /// `BUSI_ID` / `busiCode`: the merchant number Kuaishou assigned.
        busi_code: String,
        /// The merchant key: the MD5 signing key and, first 24 bytes, the 3DES key.
        key: String,
        /// Encrypt bodies and answers with 3DES.
        #[uniffi(default = false)]
        encrypt: bool,
        /// The `timestamp` unit: seconds (the seed) or milliseconds (the vendor's own client).
        #[uniffi(default = None)]
        timestamp_unit: Option<core::kuaishou::TimestampUnit>,
        /// `OPER_ID` sent when an operation names none ("posgate" when absent).
        #[uniffi(default = None)]
        oper_id: Option<String>,
        /// `DEV_ID` sent when an operation names none ("pos" when absent).
        #[uniffi(default = None)]
        dev_id: Option<String>,
    },
    /// MMSP: scan code (the configuration's base URL), quick pay, gateway pay, payout and
    /// balance (each at its own URL; a sub-API without one is refused when called).
    Mmsp {
        /// `MERNO`: the merchant number the platform issued.
        merno: String,
        /// `TERMNO`: the terminal number the platform issued.
        termno: String,
        /// The MD5 key (the agent's in agent mode).
        key: String,
        /// `AGENTNO` in agent mode.
        #[uniffi(default = None)]
        agentno: Option<String>,
        /// `NodeID` of scan-code requests ("openplat" when absent).
        #[uniffi(default = None)]
        scan_node_id: Option<String>,
        /// `NodeID` of quick-pay and gateway requests ("openapi" when absent).
        #[uniffi(default = None)]
        node_id: Option<String>,
        /// Write `/` as `\/` in the signed text, as PHP's json_encode does (true when absent).
        #[uniffi(default = None)]
        escape_slashes: Option<bool>,
        #[uniffi(default = None)]
        quick_pay_url: Option<String>,
        #[uniffi(default = None)]
        gateway_url: Option<String>,
        #[uniffi(default = None)]
        payout_url: Option<String>,
        /// Payout `MERNO` when it differs from `merno`.
        #[uniffi(default = None)]
        payout_merno: Option<String>,
        /// The platform's RSA public key (PEM or Base64) for payouts.
        #[uniffi(default = None)]
        platform_public_key: Option<String>,
        /// The merchant's RSA private key (PEM or Base64) for payouts.
        #[uniffi(default = None)]
        merchant_private_key: Option<String>,
        /// QQ micropay's CommandID (776 as the seed prints it when absent).
        #[uniffi(default = None)]
        qq_micropay_command: Option<u32>,
    },
    Tlinx {
        open_id: String,
        open_key: String,
        /// Supervisor password for refunds (sent as sha1).
        #[uniffi(default = None)]
        shop_pass: Option<String>,
        #[uniffi(default = None)]
        pmt_tag_wechat: Option<String>,
        #[uniffi(default = None)]
        pmt_tag_alipay: Option<String>,
        #[uniffi(default = None)]
        pmt_tag_unionpay: Option<String>,
    },
}

impl std::fmt::Debug for GatewayCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GatewayCredentials::Sunmi { app_id, merchant_no, msn, .. } => {
                write!(f, "Sunmi {{ app_id: {app_id:?}, merchant_no: {merchant_no:?}, msn: {msn:?}, app_key: *** }}")
            }
            GatewayCredentials::Chaoying { mch_id, pid, .. } => {
                write!(f, "Chaoying {{ mch_id: {mch_id:?}, pid: {pid:?}, key: *** }}")
            }
            GatewayCredentials::Tlinx { open_id, .. } => write!(f, "Tlinx {{ open_id: {open_id:?}, open_key: *** }}"),
            GatewayCredentials::Kuaishou { busi_code, encrypt, .. } => {
                write!(f, "Kuaishou {{ busi_code: {busi_code:?}, encrypt: {encrypt}, key: *** }}")
            }
            GatewayCredentials::Mmsp { merno, termno, .. } => {
                write!(f, "Mmsp {{ merno: {merno:?}, termno: {termno:?}, key: ***, merchant_private_key: *** }}")
            }
        }
    }
}

/// The poll-after-paying schedule (overrides the gateway's own numbers; tests and demo mode).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PollSettings {
    pub first_query_after_ms: i64,
    pub interval_ms: i64,
    pub deadline_ms: i64,
    pub earliest_reverse_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PosGateConfig {
    pub base_url: String,
    pub credentials: GatewayCredentials,
    pub environment: GatewayEnvironment,
    /// Plain http is refused unless set (test hosts and the embedded sandbox only).
    #[uniffi(default = false)]
    pub allow_http: bool,
    #[uniffi(default = 10000)]
    pub connect_timeout_ms: i64,
    #[uniffi(default = 30000)]
    pub request_timeout_ms: i64,
    #[uniffi(default = None)]
    pub poll: Option<PollSettings>,
    /// Where the durable payment journal lives (e.g. `context.filesDir/posgate-journal.db`).
    /// Without it the journal lives as long as the `PosGate` object: no crash recovery.
    #[uniffi(default = None)]
    pub journal_path: Option<String>,
}

fn millis(field: &str, ms: i64) -> Result<Duration, PosGateError> {
    if ms <= 0 {
        return Err(PosGateError::InvalidInput { field: field.into(), reason: "must be greater than zero".into() });
    }
    Ok(Duration::from_millis(ms as u64))
}

impl PosGateConfig {
    pub fn into_core(self) -> Result<core::GatewayConfig, PosGateError> {
        // Built field by field, not through a JSON reader: the same defaults as a merchant
        // file's, without a deserializer per gateway in the library.
        let credentials = match self.credentials {
            GatewayCredentials::Sunmi { app_id, app_key, merchant_no, msn, public_key } => {
                let mut c = core::sunmi::Credentials::new(app_id, core::Secret::new(app_key));
                (c.merchant_no, c.msn, c.public_key) = (merchant_no, msn, public_key);
                core::Credentials::Sunmi(c)
            }
            GatewayCredentials::Chaoying { mch_id, pid, key, agent_id, version } => {
                let mut c = core::chaoying::Credentials::new(mch_id, pid, core::Secret::new(key));
                c.agent_id = agent_id;
                if let Some(v) = version {
                    c.version = v;
                }
                core::Credentials::Chaoying(c)
            }
            GatewayCredentials::Kuaishou { busi_code, key, encrypt, timestamp_unit, oper_id, dev_id } => {
                let mut c = core::kuaishou::Credentials::new(busi_code, core::Secret::new(key));
                c.encrypt = encrypt;
                if let Some(unit) = timestamp_unit {
                    c.timestamp_unit = unit;
                }
                if let Some(v) = oper_id {
                    c.oper_id = v;
                }
                if let Some(v) = dev_id {
                    c.dev_id = v;
                }
                core::Credentials::Kuaishou(c)
            }
            GatewayCredentials::Mmsp {
                merno,
                termno,
                key,
                agentno,
                scan_node_id,
                node_id,
                escape_slashes,
                quick_pay_url,
                gateway_url,
                payout_url,
                payout_merno,
                platform_public_key,
                merchant_private_key,
                qq_micropay_command,
            } => {
                let mut c = core::mmsp::Credentials::new(merno, termno, core::Secret::new(key));
                c.agentno = agentno.unwrap_or_default();
                if let Some(v) = scan_node_id {
                    c.scan_node_id = v;
                }
                if let Some(v) = node_id {
                    c.node_id = v;
                }
                if let Some(v) = escape_slashes {
                    c.escape_slashes = v;
                }
                if let Some(v) = qq_micropay_command {
                    c.qq_micropay_command = v;
                }
                (c.quick_pay_url, c.gateway_url, c.payout_url) = (quick_pay_url, gateway_url, payout_url);
                (c.payout_merno, c.platform_public_key) = (payout_merno, platform_public_key);
                c.merchant_private_key = merchant_private_key.map(core::Secret::new);
                core::Credentials::Mmsp(c)
            }
            GatewayCredentials::Tlinx {
                open_id,
                open_key,
                shop_pass,
                pmt_tag_wechat,
                pmt_tag_alipay,
                pmt_tag_unionpay,
            } => {
                let mut c = core::tlinx::Credentials::new(open_id, core::Secret::new(open_key));
                c.shop_pass = shop_pass.map(core::Secret::new);
                (c.pmt_tag_wechat, c.pmt_tag_alipay, c.pmt_tag_unionpay) =
                    (pmt_tag_wechat, pmt_tag_alipay, pmt_tag_unionpay);
                core::Credentials::Tlinx(c)
            }
        };
        let mut cfg = core::GatewayConfig::new(self.base_url, credentials);
        cfg.environment = match self.environment {
            GatewayEnvironment::Test => core::Environment::Test,
            GatewayEnvironment::Production => core::Environment::Production,
        };
        cfg.allow_http = self.allow_http;
        cfg.connect_timeout = millis("connect_timeout_ms", self.connect_timeout_ms)?;
        cfg.request_timeout = millis("request_timeout_ms", self.request_timeout_ms)?;
        if let Some(p) = self.poll {
            cfg.poll = Some(core::PollSchedule {
                first_query_after: millis("poll.first_query_after_ms", p.first_query_after_ms)?,
                interval: millis("poll.interval_ms", p.interval_ms)?,
                deadline: millis("poll.deadline_ms", p.deadline_ms)?,
                earliest_reverse: millis("poll.earliest_reverse_ms", p.earliest_reverse_ms)?,
            });
        }
        Ok(cfg)
    }

    pub fn from_core(cfg: &core::GatewayConfig) -> PosGateConfig {
        let credentials = match &cfg.credentials {
            core::Credentials::Sunmi(c) => GatewayCredentials::Sunmi {
                app_id: c.app_id.clone(),
                app_key: c.app_key.expose().to_string(),
                merchant_no: c.merchant_no.clone(),
                msn: c.msn.clone(),
                public_key: c.public_key.clone(),
            },
            core::Credentials::Chaoying(c) => GatewayCredentials::Chaoying {
                mch_id: c.mch_id.clone(),
                pid: c.pid.clone(),
                key: c.key.expose().to_string(),
                agent_id: c.agent_id.clone(),
                version: Some(c.version.clone()),
            },
            core::Credentials::Kuaishou(c) => GatewayCredentials::Kuaishou {
                busi_code: c.busi_code.clone(),
                key: c.key.expose().to_string(),
                encrypt: c.encrypt,
                timestamp_unit: Some(c.timestamp_unit),
                oper_id: Some(c.oper_id.clone()),
                dev_id: Some(c.dev_id.clone()),
            },
            core::Credentials::Mmsp(c) => GatewayCredentials::Mmsp {
                merno: c.merno.clone(),
                termno: c.termno.clone(),
                key: c.key.expose().to_string(),
                agentno: Some(c.agentno.clone()).filter(|a| !a.is_empty()),
                scan_node_id: Some(c.scan_node_id.clone()),
                node_id: Some(c.node_id.clone()),
                escape_slashes: Some(c.escape_slashes),
                quick_pay_url: c.quick_pay_url.clone(),
                gateway_url: c.gateway_url.clone(),
                payout_url: c.payout_url.clone(),
                payout_merno: c.payout_merno.clone(),
                platform_public_key: c.platform_public_key.clone(),
                merchant_private_key: c.merchant_private_key.as_ref().map(|k| k.expose().to_string()),
                qq_micropay_command: Some(c.qq_micropay_command),
            },
            core::Credentials::Tlinx(c) => GatewayCredentials::Tlinx {
                open_id: c.open_id.clone(),
                open_key: c.open_key.expose().to_string(),
                shop_pass: c.shop_pass.as_ref().map(|s| s.expose().to_string()),
                pmt_tag_wechat: c.pmt_tag_wechat.clone(),
                pmt_tag_alipay: c.pmt_tag_alipay.clone(),
                pmt_tag_unionpay: c.pmt_tag_unionpay.clone(),
            },
        };
        PosGateConfig {
            base_url: cfg.base_url.clone(),
            credentials,
            environment: match cfg.environment {
                core::Environment::Test => GatewayEnvironment::Test,
                core::Environment::Production => GatewayEnvironment::Production,
            },
            allow_http: cfg.allow_http,
            connect_timeout_ms: cfg.connect_timeout.as_millis() as i64,
            request_timeout_ms: cfg.request_timeout.as_millis() as i64,
            journal_path: None,
            poll: cfg.poll.map(|p| PollSettings {
                first_query_after_ms: p.first_query_after.as_millis() as i64,
                interval_ms: p.interval.as_millis() as i64,
                deadline_ms: p.deadline.as_millis() as i64,
                earliest_reverse_ms: p.earliest_reverse.as_millis() as i64,
            }),
        }
    }
}

/// A barcode payment. Leave `order_no` empty to have one generated; to retry, pass the
/// `order_no` of the earlier attempt, never a new one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PayRequest {
    pub amount_fen: i64,
    pub auth_code: String,
    #[uniffi(default = None)]
    pub order_no: Option<String>,
    #[uniffi(default = "posgate")]
    pub subject: String,
    #[uniffi(default = None)]
    pub terminal_id: Option<String>,
    #[uniffi(default = None)]
    pub store_id: Option<String>,
}

impl PayRequest {
    pub fn into_core(self) -> Result<core::PayRequest, PosGateError> {
        Ok(core::PayRequest {
            order_no: self.order_no.filter(|s| !s.is_empty()).unwrap_or_else(|| core::ids::new_order_no("PG")),
            amount: core::Money::positive(self.amount_fen, "amount_fen")?,
            auth_code: self.auth_code,
            subject: self.subject,
            terminal_id: self.terminal_id,
            store_id: self.store_id,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TradeState {
    Paying,
    Paid,
    Failed,
    Closed,
    Reversed,
    Refunded,
    PartiallyRefunded,
    Unknown,
    /// The library could not settle it: a person must check (see the message).
    NeedsAttention,
}

impl From<core::TradeState> for TradeState {
    fn from(s: core::TradeState) -> Self {
        match s {
            core::TradeState::Paying => TradeState::Paying,
            core::TradeState::Paid => TradeState::Paid,
            core::TradeState::Failed => TradeState::Failed,
            core::TradeState::Closed => TradeState::Closed,
            core::TradeState::Reversed => TradeState::Reversed,
            core::TradeState::Refunded => TradeState::Refunded,
            core::TradeState::PartiallyRefunded => TradeState::PartiallyRefunded,
            core::TradeState::Unknown => TradeState::Unknown,
            core::TradeState::NeedsAttention => TradeState::NeedsAttention,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TradeResult {
    pub order_no: String,
    pub state: TradeState,
    pub amount_fen: Option<i64>,
    pub gateway_trade_no: Option<String>,
    pub channel: Option<String>,
    pub gateway_code: Option<String>,
    pub message: Option<String>,
}

impl From<core::TradeResult> for TradeResult {
    fn from(r: core::TradeResult) -> Self {
        TradeResult {
            order_no: r.order_no,
            state: r.state.into(),
            amount_fen: r.amount.map(|m| m.fen_i64()),
            gateway_trade_no: r.gateway_trade_no,
            channel: r.channel,
            gateway_code: r.gateway_code,
            message: r.message,
        }
    }
}

/// Leave `refund_no` empty to have one generated; to retry, pass the earlier one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefundRequest {
    pub order_no: String,
    pub refund_amount_fen: i64,
    #[uniffi(default = None)]
    pub refund_no: Option<String>,
    #[uniffi(default = None)]
    pub total_amount_fen: Option<i64>,
    #[uniffi(default = None)]
    pub reason: Option<String>,
}

impl RefundRequest {
    pub fn into_core(self) -> Result<core::RefundRequest, PosGateError> {
        Ok(core::RefundRequest {
            order_no: self.order_no,
            refund_no: self.refund_no.filter(|s| !s.is_empty()).unwrap_or_else(|| core::ids::new_order_no("PGR")),
            refund_amount: core::Money::positive(self.refund_amount_fen, "refund_amount_fen")?,
            total_amount: self.total_amount_fen.map(|t| core::Money::positive(t, "total_amount_fen")).transpose()?,
            reason: self.reason,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RefundState {
    Processing,
    Success,
    Failed,
    Unknown,
}

impl From<core::RefundState> for RefundState {
    fn from(s: core::RefundState) -> Self {
        match s {
            core::RefundState::Processing => RefundState::Processing,
            core::RefundState::Success => RefundState::Success,
            core::RefundState::Failed => RefundState::Failed,
            core::RefundState::Unknown => RefundState::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefundResult {
    pub order_no: String,
    pub refund_no: String,
    pub state: RefundState,
    pub amount_fen: Option<i64>,
    pub gateway_refund_no: Option<String>,
    pub gateway_code: Option<String>,
    pub message: Option<String>,
}

impl From<core::RefundResult> for RefundResult {
    fn from(r: core::RefundResult) -> Self {
        RefundResult {
            order_no: r.order_no,
            refund_no: r.refund_no,
            state: r.state.into(),
            amount_fen: r.amount.map(|m| m.fen_i64()),
            gateway_refund_no: r.gateway_refund_no,
            gateway_code: r.gateway_code,
            message: r.message,
        }
    }
}

/// Progress of one payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentEvent {
    Submitted {
        order_no: String,
    },
    Paying {
        order_no: String,
    },
    /// Query `n` of at most `of` before the deadline.
    Poll {
        order_no: String,
        n: i32,
        of: i32,
    },
    /// The deadline passed or the cashier cancelled: the order is being reversed.
    Reversing {
        order_no: String,
    },
    /// A QR payment's order is open: waiting for the payer to scan and pay it until
    /// `expires_at_ms` (Unix milliseconds).
    WaitingForScan {
        order_no: String,
        expires_at_ms: i64,
    },
    /// A QR payment's code expired or the cashier cancelled: its order is being closed.
    Closing {
        order_no: String,
    },
    /// The library could not settle the payment; `reason` says what to check.
    NeedsAttention {
        order_no: String,
        reason: String,
    },
    Final {
        order_no: String,
        state: TradeState,
    },
}

impl From<core::PaymentEvent> for PaymentEvent {
    fn from(e: core::PaymentEvent) -> Self {
        let clamp = |v: u32| v.min(i32::MAX as u32) as i32;
        match e {
            core::PaymentEvent::Submitted { order_no } => PaymentEvent::Submitted { order_no },
            core::PaymentEvent::Paying { order_no } => PaymentEvent::Paying { order_no },
            core::PaymentEvent::Poll { order_no, n, of } => PaymentEvent::Poll { order_no, n: clamp(n), of: clamp(of) },
            core::PaymentEvent::Reversing { order_no } => PaymentEvent::Reversing { order_no },
            core::PaymentEvent::WaitingForScan { order_no, expires_at_ms } => {
                PaymentEvent::WaitingForScan { order_no, expires_at_ms }
            }
            core::PaymentEvent::Closing { order_no } => PaymentEvent::Closing { order_no },
            core::PaymentEvent::NeedsAttention { order_no, reason } => {
                PaymentEvent::NeedsAttention { order_no, reason }
            }
            core::PaymentEvent::Final { order_no, state } => PaymentEvent::Final { order_no, state: state.into() },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OperationInfo {
    /// The operation's one name, as `invoke` takes it.
    pub name: String,
    pub summary: String,
    /// What it does to money: read, setup, charge, pre_order, refund, cancel, close, payout.
    pub effect: String,
}

/// A verified notification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Notification {
    pub gateway: Gateway,
    pub order_no: String,
    pub state: TradeState,
    pub amount_fen: Option<i64>,
    pub gateway_trade_no: Option<String>,
    pub fields: std::collections::HashMap<String, String>,
    /// Answer the gateway with exactly this text.
    pub ack: String,
}

impl From<core::Notification> for Notification {
    fn from(n: core::Notification) -> Self {
        Notification {
            gateway: n.gateway.into(),
            order_no: n.order_no,
            state: n.state.into(),
            amount_fen: n.amount.map(|m| m.fen_i64()),
            gateway_trade_no: n.gateway_trade_no,
            fields: n.fields.into_iter().collect(),
            ack: n.ack,
        }
    }
}

/// What recovery did with one journal entry.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecoveredEntry {
    /// "payment", "refund" or "cancel".
    pub kind: String,
    /// Order number, or refund number for refunds.
    pub number: String,
    pub order_no: String,
    /// paid, failed, closed, reversed, refunded or needs_attention.
    pub state: String,
    pub note: Option<String>,
}

impl From<core::engine::Recovered> for RecoveredEntry {
    fn from(r: core::engine::Recovered) -> Self {
        RecoveredEntry {
            kind: r.kind.as_str().into(),
            number: r.number,
            order_no: r.order_no,
            state: r.state.as_str().into(),
            note: r.note,
        }
    }
}

/// One journal entry, for a history or "needs attention" screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JournalEntry {
    pub kind: String,
    pub gateway: Gateway,
    pub number: String,
    pub order_no: String,
    pub amount_fen: i64,
    /// pending, paying, unknown, reversing, paid, failed, closed, reversed, refunded, needs_attention
    pub state: String,
    pub attempts: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub note: Option<String>,
}

impl From<core::journal::Entry> for JournalEntry {
    fn from(e: core::journal::Entry) -> Self {
        JournalEntry {
            kind: e.kind.as_str().into(),
            gateway: e.gateway.into(),
            number: e.number,
            order_no: e.order_no,
            amount_fen: e.amount.fen_i64(),
            state: e.state.as_str().into(),
            attempts: i64::from(e.attempts),
            created_at_ms: e.created_at_ms,
            updated_at_ms: e.updated_at_ms,
            note: e.note,
        }
    }
}

/// A card swipe of the terminal's own payment app, as [`crate::PosGate::record_swipe`] recorded
/// it (or looked it up, when not final: `journalled` false).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecordedSwipe {
    /// sale, refund or void.
    pub kind: core::SwipeKind,
    /// The swipe's order number (Sunmi's `orderId`): its journal entry's number.
    pub order_no: String,
    /// A refund's or void's sale; null for a sale.
    pub original_order_no: Option<String>,
    pub amount_fen: i64,
    /// PAID, FAILED, REFUNDED (a sale voided whole; a refund or void that went through); PAYING
    /// or UNKNOWN only when not journalled.
    pub state: TradeState,
    /// False: the lookup was not final; nothing was journalled, record it again later.
    pub journalled: bool,
    /// It was in the journal before: nothing was looked up or written.
    pub recorded_before: bool,
    /// unionpay (a bank card), wechat, alipay, ...
    pub wallet: Option<String>,
    /// The card number's last four digits (never the number).
    pub card_last4: Option<String>,
    pub trade_ref: Option<String>,
    /// yyyyMMdd.
    pub trade_date: String,
    pub gateway_trade_no: Option<String>,
    pub gateway_code: Option<String>,
    pub message: Option<String>,
}

impl From<core::engine::RecordedSwipe> for RecordedSwipe {
    fn from(r: core::engine::RecordedSwipe) -> Self {
        RecordedSwipe {
            kind: r.kind,
            order_no: r.order_no,
            original_order_no: r.original_order_no,
            amount_fen: r.amount.fen_i64(),
            state: r.state.into(),
            journalled: r.journalled,
            recorded_before: r.recorded_before,
            wallet: r.wallet,
            card_last4: r.card_last4,
            trade_ref: r.trade_ref,
            trade_date: r.trade_date,
            gateway_trade_no: r.gateway_trade_no,
            gateway_code: r.gateway_code,
            message: r.message,
        }
    }
}

/// A notification verified and checked against the journal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotificationCheck {
    pub notification: Notification,
    /// Delivered before; nothing changed. Answer with `notification.ack` all the same.
    pub duplicate: bool,
}

/// A shift's time range, epoch milliseconds, `to_ms` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ShiftRange {
    pub from_ms: i64,
    pub to_ms: i64,
}
