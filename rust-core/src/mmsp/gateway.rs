//! Scan code as the common [`Gateway`]: the cashier's barcode payments (micropay) on the
//! journalled payment machine, query, refund, refund query, cancel and close, and the
//! verification of pushes and notifications.
//!
//! Refusals come at two levels (digest §8). The header's `RetCode` (the unsigned negative answer,
//! coded `[-NNNN]` or by the `RetCode` itself) says nothing about whether a charge happened
//! (the seed lists no codes): a pay refused there is queried once before it is declared failed,
//! and is never definite elsewhere, but for `[-2002]` "没有该订单". The Body's `STATUS` 2 with its
//! `ERR_CODE` is the operation's own "failed": definite, unless `ERR_CODE` is `AA` (paying).

use async_trait::async_trait;

use super::types::*;
use super::Client;
use crate::config::PollSchedule;
use crate::error::{Error, Result};
#[cfg(feature = "back-office")]
use crate::gateway::PayoutStatus;
use crate::gateway::{Gateway, Notification};
use crate::ids::require;
use crate::operation::Operation;
use crate::trade::*;

/// Whether a refusal with this code says for certain that the request had no effect.
pub fn code_is_definite(code: &str) -> bool {
    let code = code.trim();
    if code == ORDER_NOT_FOUND {
        return true;
    }
    if code == PAYING || is_envelope_code(code) {
        return false;
    }
    // No ERR_CODE: `STATUS_<status>`; only 2 is the operation's "failed".
    match code.strip_prefix("STATUS_") {
        Some(status) => status == "2",
        None => true,
    }
}

/// A refusal of the header (`RetCode` ≠ 1): its code is the `[-NNNN]` of `ErrorMsg` or the
/// `RetCode`, a number either way; `ERR_CODE`s are letters (`AA`, `D4`, the wallets' codes).
fn is_envelope_code(code: &str) -> bool {
    let digits = code.strip_prefix('-').unwrap_or(code);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Client {
    /// The micropay of the code's wallet. The three micropays share their fields and answer,
    /// so one request is built and sent under the wallet's CommandID: one copy of the sending
    /// code for the three (the library's size), where the typed methods have one each.
    async fn micropay(&self, req: &PayRequest, wallet: MmspWallet) -> Result<MmspScanOrderResponse> {
        // GOODSNAME holds 1-15 characters: the cashier's subject is shortened, not refused
        // (it is only shown to the payer).
        let goods_name: String = req.subject.trim().chars().take(GOODS_NAME_MAX).collect();
        let typed = MmspWechatMicropayRequest {
            mer_order_id: req.order_no.clone(),
            amount: req.amount,
            goods_name,
            code: req.auth_code.as_str().into(),
            notify_url: None,
            time_end: None,
            ip: None,
            t0: false,
            no_credit: false,
        };
        let creds = self.credentials();
        let (command, name) = match wallet {
            MmspWallet::Wechat => (MmspWechatMicropayRequest::COMMAND, MmspWechatMicropayRequest::INFO.name),
            MmspWallet::Alipay => (MmspAlipayMicropayRequest::COMMAND, MmspAlipayMicropayRequest::INFO.name),
            MmspWallet::Qq => (creds.qq_micropay_command, MmspQqMicropayRequest::INFO.name),
            MmspWallet::Other(_) => return Err(Error::invalid("auth_code", "no micropay for this wallet")),
        };
        let body = typed.body(creds)?;
        let answer = self
            .protocol()
            .start(
                &self.http,
                &self.config.base_url,
                SubApi::Scan,
                command,
                name,
                MmspWechatMicropayRequest::ANSWERS,
                body,
                None,
            )
            .await?;
        let a = MmspScanOrderResponse::from_body(answer).map_err(|e| Error::Network {
            message: format!("mmsp {name}: unreadable answer: {e}"),
            outcome_unknown: true,
        })?;
        typed.check(&a)?;
        Ok(a)
    }

    /// A pay refused by the header: one query decides (digest §8). The order paid, paying or
    /// failed: that. No such order: the refusal stands, as a failed payment. No answer: unknown.
    async fn after_refused_pay(&self, order_no: &str, code: String, message: String) -> Result<TradeResult> {
        match self.query(order_no).await {
            Ok(r) if r.state != TradeState::Unknown => Ok(r),
            Err(e) if self.is_order_not_found(&e) => {
                let mut r = TradeResult::new(order_no, TradeState::Failed);
                r.gateway_code = Some(code);
                r.message = Some(message);
                Ok(r)
            }
            _ => Ok(TradeResult::unsettled(order_no, code, message)),
        }
    }

    /// An order scan code does not know, looked up on the other sub-APIs that are configured
    /// (quick pay, then gateway pay): the first that knows it answers, else `not_found`. The
    /// journal's orders carry no sub-API, so the engine's one query finds a quick-pay or
    /// gateway-pay order as well as a scan-code one.
    #[cfg(feature = "back-office")]
    async fn query_elsewhere(&self, order_no: &str, not_found: Error) -> Result<TradeResult> {
        let creds = self.credentials();
        if creds.quick_pay_url.is_some() {
            match self.quick_pay_query(&MmspQuickQueryRequest { mer_order_id: order_no.into() }).await {
                Ok(t) => return Ok(quick_trade_result(order_no, &t)),
                Err(e) if self.is_order_not_found(&e) => {}
                Err(e) => return Err(e),
            }
        }
        if creds.gateway_url.is_some() {
            match self.gateway_pay_query(&MmspGatewayQueryRequest { mer_order_id: order_no.into() }).await {
                Ok(t) => return Ok(gateway_trade_result(order_no, &t)),
                Err(e) if self.is_order_not_found(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Err(not_found)
    }

    /// Without the back-office sub-APIs every order is scan code's.
    #[cfg(not(feature = "back-office"))]
    async fn query_elsewhere(&self, order_no: &str, not_found: Error) -> Result<TradeResult> {
        let _ = order_no;
        Err(not_found)
    }
}

#[async_trait]
impl Gateway for Client {
    fn id(&self) -> GatewayId {
        GatewayId::Mmsp
    }

    fn merchant(&self) -> String {
        self.credentials().merno.clone()
    }

    /// Scan code's query (2310) knows paid, paying and failed, no refunded state (digest §8).
    fn refunds_show_on_order(&self) -> bool {
        false
    }

    /// The seed gives no interval or deadline (digest §10); its wallets do, and WeChat's, every
    /// 3 to 10 s (SPEC-NOTES "Polling"), is the tightest: the first query 3 s after "paying",
    /// then every 3 s (a payer is found 1.5 s after confirming on average: BENCHMARKS.md
    /// "Detection delay"), up to 60 s (well inside `TIME_END`'s 5-minute default); the cancel no
    /// sooner than 15 s after the pay call, as the seed requires. Payouts are queried on a
    /// backoff scaled from this interval (the engine's payout backoff: 6 s,
    /// 18 s, 36 s, then every 3 min).
    fn schedule(&self) -> PollSchedule {
        self.config.poll.unwrap_or(PollSchedule {
            first_query_after: std::time::Duration::from_secs(3),
            interval: std::time::Duration::from_secs(3),
            deadline: std::time::Duration::from_secs(60),
            earliest_reverse: std::time::Duration::from_secs(15),
        })
    }

    fn validate_pay(&self, req: &PayRequest) -> Result<()> {
        SCAN_NUMBER.check("order_no", &req.order_no)?;
        crate::rules::amount(GatewayId::Mmsp, "amount", req.amount)?;
        check_code("auth_code", &req.auth_code, None)?;
        require("subject", &req.subject)
    }

    fn numbers(&self) -> crate::gateway::Numbers {
        crate::gateway::Numbers::same(SCAN_NUMBER)
    }

    /// The micropay of the code's wallet: `STATUS` 1 paid, 3 (AA) paying; a header refusal is
    /// queried once; `STATUS` 2 is a definite refusal.
    async fn pay(&self, req: &PayRequest) -> Result<TradeResult> {
        self.validate_pay(req)?;
        let wallet = check_code("auth_code", &req.auth_code, None)?;
        match self.micropay(req, wallet).await {
            Ok(a) => Ok(a.trade_result(&req.order_no, Some(req.amount))),
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                self.after_refused_pay(&req.order_no, code, message).await
            }
            Err(e) => Err(e),
        }
    }

    /// 2310 by `MERORDERID`: 1 paid, 2 failed (closed with `D4`), 3 paying; `[-2002]` no such
    /// order (on scan code: see `query_elsewhere`).
    async fn query(&self, order_no: &str) -> Result<TradeResult> {
        SCAN_NUMBER.check("order_no", order_no)?;
        match self.scan_query(&MmspScanQueryRequest::by_mer_order_id(order_no)).await {
            Ok(a) => Ok(a.trade_result(order_no, None)),
            Err(e) if self.is_order_not_found(&e) => self.query_elsewhere(order_no, e).await,
            Err(e) => Err(e),
        }
    }

    /// 2312. `STATUS` 1 (受理成功) is success: the platform has no later state to wait for.
    /// A header refusal may hide a refund: unknown, settled by the refund query.
    async fn refund(&self, req: &RefundRequest) -> Result<RefundResult> {
        self.validate_refund(req)?;
        let typed = MmspScanRefundRequest {
            mer_order_id: req.order_no.clone(),
            platform_order_no: None,
            refund_no: req.refund_no.clone(),
            amount: req.refund_amount,
        };
        let mut result = RefundResult::unknown_for(req);
        match self.scan_refund(&typed).await {
            Ok(a) => fill_refund(&mut result, &a),
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                result.gateway_code = Some(code);
                result.message = Some(message);
            }
            Err(e) => return Err(e),
        }
        Ok(result)
    }

    /// 2313 by `REFUND_MERORDERID`: 1 accepted (success), 2 failed; `[-2002]` the refund never
    /// arrived.
    async fn refund_query(&self, order_no: &str, refund_no: &str) -> Result<RefundResult> {
        SCAN_NUMBER.check("order_no", order_no)?;
        SCAN_NUMBER.check("refund_no", refund_no)?;
        let req = MmspScanRefundQueryRequest { refund_no: Some(refund_no.into()), platform_refund_no: None };
        let a = self.scan_refund_query(&req).await?;
        let mut result = RefundResult {
            order_no: order_no.to_string(),
            refund_no: refund_no.to_string(),
            state: RefundState::Unknown,
            amount: None,
            gateway_refund_no: None,
            gateway_code: None,
            message: None,
        };
        fill_refund(&mut result, &a);
        Ok(result)
    }

    /// 2311, confirmed by query. The query has no "cancelled" state: a cancelled order reads
    /// failed (or closed, `D4`), so anything but paid confirms the cancel (`Reversed`); paid
    /// means it did not take, and the payment machine refunds it.
    async fn cancel(&self, order_no: &str) -> Result<TradeResult> {
        SCAN_NUMBER.check("order_no", order_no)?;
        let a = match self.scan_cancel(&MmspScanCancelRequest::of(order_no)).await {
            Ok(a) => a,
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                return Ok(TradeResult::unsettled(order_no, code, message));
            }
            Err(e) => return Err(e),
        };
        let mut r = match self.scan_query(&MmspScanQueryRequest::by_mer_order_id(order_no)).await {
            Ok(q) if q.trade_state() == TradeState::Paid => return Ok(q.trade_result(order_no, None)),
            Ok(q) => q.trade_result(order_no, None),
            Err(_) => a.trade_result(order_no, None),
        };
        r.state = TradeState::Reversed;
        Ok(r)
    }

    fn qr_rules(&self) -> Option<crate::qr::QrRules> {
        Some(super::qr::QR_RULES)
    }

    fn validate_qr(&self, req: &crate::qr::QrPaymentRequest) -> Result<()> {
        self.validate_qr_order(req)
    }

    async fn qr_order(&self, req: &crate::qr::QrPaymentRequest, expiry: std::time::Duration) -> Result<String> {
        self.qr_pre_order(req, expiry).await
    }

    /// 2314: `STATUS` 1 closed.
    async fn close(&self, order_no: &str) -> Result<TradeResult> {
        SCAN_NUMBER.check("order_no", order_no)?;
        match self.scan_close(&MmspScanCloseRequest::of(order_no)).await {
            Ok(a) => {
                let mut r = a.trade_result(order_no, None);
                r.state = TradeState::Closed;
                Ok(r)
            }
            Err(Error::GatewayRejected { code, message }) if !code_is_definite(&code) => {
                Ok(TradeResult::unsettled(order_no, code, message))
            }
            Err(e) => Err(e),
        }
    }

    fn verify_notification(&self, fields: &RawFields) -> Result<Notification> {
        verify_notification(fields, self.credentials())
    }

    /// Payout refusals carry a 4-digit `RETCODE`, classed by digest §4.8; the other sub-APIs'
    /// by [`code_is_definite`].
    fn is_definite(&self, err: &Error) -> bool {
        match err {
            Error::GatewayRejected { code, .. } if code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()) => {
                super::payout_wire::retcode_is_definite(code)
            }
            Error::GatewayRejected { code, .. } => code_is_definite(code),
            _ => true,
        }
    }

    #[cfg(feature = "back-office")]
    async fn payments_between(&self, from_ms: i64, to_ms: i64) -> Result<Option<crate::gateway::Listing>> {
        self.paid_between(from_ms, to_ms).await
    }

    #[cfg(feature = "back-office")]
    async fn payout_status(&self, payout_no: &str) -> Result<PayoutStatus> {
        self.query_payout_status(payout_no).await
    }

    fn is_order_not_found(&self, err: &Error) -> bool {
        matches!(err, Error::GatewayRejected { code, .. } if code.trim() == ORDER_NOT_FOUND)
    }
}

fn fill_refund(result: &mut RefundResult, a: &MmspScanRefundResponse) {
    result.state = a.refund_state();
    result.amount = a.amount.or(result.amount);
    result.gateway_refund_no = a.platform_refund_no.clone();
    result.gateway_code = Some(a.err_code.clone().unwrap_or_else(|| format!("STATUS_{}", a.status)));
    result.message = a.err_code_msg.clone();
}
