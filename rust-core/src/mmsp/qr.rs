//! MMSP's merchant-presented code: the scan-code sub-API's pre-orders in QR mode (`TRADETYPE`
//! 1, 正扫), whose `URL` is the QR code's content: WeChat 2306, Alipay 2308, QQ 2325, JD 1031,
//! UnionPay 1025. `NOTIFY_URL` is required by every one of them (the merchant server's address),
//! `GOODSNAME` is at most 15 characters (the subject is shortened to fit), `TIME_END` is the
//! order's own expiry (the engine closes it, 2314, at its expiry).

use std::time::Duration;

use serde_json::{Map, Value};

use super::types::*;
use super::{Client, Credentials};
use crate::clock::{beijing, now_unix};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::qr::{wire_expiry, QrPaymentRequest, QrRules, Wallet};
use crate::trade::GatewayId;

pub(super) const QR_RULES: QrRules = QrRules {
    wallets: &[Wallet::Wechat, Wallet::Alipay, Wallet::Qq, Wallet::Jd, Wallet::Unionpay],
    aggregated: false,
    default_expiry: Duration::from_secs(120),
    closable: true,
};

/// A `TIME_END` sooner than a minute away is not worth the payer's scan.
const MIN_WIRE_EXPIRY: Duration = Duration::from_secs(60);

enum PreOrder {
    Wechat(MmspWechatPreOrderRequest),
    Alipay(MmspAlipayPreOrderRequest),
    Qq(MmspQqPreOrderRequest),
    Jd(MmspJdQrOrderRequest),
    Unionpay(MmspUnionpayQrOrderRequest),
}

fn pre_order(req: &QrPaymentRequest, expiry: Duration) -> Result<PreOrder> {
    QR_RULES.check(GatewayId::Mmsp, req)?;
    SCAN_NUMBER.check("order_no", &req.order_no)?;
    let notify_url = match req.notify_url.as_deref().map(str::trim) {
        Some(u) if !u.is_empty() => u.to_string(),
        _ => return Err(Error::invalid("notify_url", "mmsp: required (the merchant server's address for the push)")),
    };
    let (mer_order_id, amount) = (req.order_no.clone(), req.amount);
    let goods_name: String = req.subject.trim().chars().take(15).collect();
    let time_end = Some(beijing(now_unix() + wire_expiry(expiry, MIN_WIRE_EXPIRY).as_secs()).to_string());
    let order = match req.wallet {
        Some(Wallet::Wechat) => PreOrder::Wechat(MmspWechatPreOrderRequest {
            mer_order_id,
            amount,
            goods_name,
            notify_url,
            trade_type: MmspOrderMode::Qr,
            openid: None,
            mini_program: false,
            sup_appid: None,
            time_end,
            ip: None,
            raw: false,
            t0: false,
            no_credit: false,
        }),
        Some(Wallet::Alipay) => PreOrder::Alipay(MmspAlipayPreOrderRequest {
            mer_order_id,
            amount,
            goods_name,
            notify_url,
            trade_type: MmspOrderMode::Qr,
            alipay_user_id: None,
            alipay_account: None,
            time_end,
            ip: None,
            raw: false,
            t0: false,
            no_credit: false,
        }),
        Some(Wallet::Qq) => PreOrder::Qq(MmspQqPreOrderRequest {
            mer_order_id,
            amount,
            goods_name,
            notify_url,
            trade_type: MmspOrderMode::Qr,
            time_end,
            ip: None,
            raw: false,
            t0: false,
            no_credit: false,
        }),
        Some(Wallet::Jd) => {
            PreOrder::Jd(MmspJdQrOrderRequest { mer_order_id, amount, goods_name, notify_url, time_end, ip: None })
        }
        Some(Wallet::Unionpay) => PreOrder::Unionpay(MmspUnionpayQrOrderRequest {
            mer_order_id,
            amount,
            goods_name,
            notify_url,
            time_end,
            ip: None,
        }),
        None => return Err(Error::invalid("wallet", "mmsp: name the wallet")),
    };
    match &order {
        PreOrder::Wechat(o) => o.validate(),
        PreOrder::Alipay(o) => o.validate(),
        PreOrder::Qq(o) => o.validate(),
        PreOrder::Jd(o) => o.validate(),
        PreOrder::Unionpay(o) => o.validate(),
    }
    .map_err(|e| match e {
        Error::InvalidInput { field, reason } if field == "mer_order_id" => Error::invalid("order_no", reason),
        e => e,
    })?;
    Ok(order)
}

impl Client {
    pub(super) fn validate_qr_order(&self, req: &QrPaymentRequest) -> Result<()> {
        pre_order(req, QR_RULES.expiry(req)).map(|_| ())
    }

    /// Creates the QR-mode pre-order and answers its `URL`. The five pre-orders share their
    /// answer, so one exchange sends whichever it is (not five inlined sends: the library's size).
    pub(super) async fn qr_pre_order(&self, req: &QrPaymentRequest, expiry: Duration) -> Result<String> {
        let creds = &self.protocol.creds;
        let (command, op, answers, body) = match pre_order(req, expiry)? {
            PreOrder::Wechat(o) => parts(&o, creds)?,
            PreOrder::Alipay(o) => parts(&o, creds)?,
            PreOrder::Qq(o) => parts(&o, creds)?,
            PreOrder::Jd(o) => parts(&o, creds)?,
            PreOrder::Unionpay(o) => parts(&o, creds)?,
        };
        let base_url = &self.config.base_url;
        let body = self.protocol.start(&self.http, base_url, SubApi::Scan, command, op, answers, body, None).await?;
        let answer = MmspPreOrderResponse::from_body(body).map_err(|e| Error::Network {
            message: format!("mmsp {op}: unreadable answer: {e}"),
            outcome_unknown: true,
        })?;
        same_number("MERORDERID", &req.order_no, answer.mer_order_id.as_deref())?;
        answer
            .url
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| Error::rejected("NO_URL", "mmsp: the pre-order answered without a URL"))
    }
}

/// What the exchange of a pre-order needs: its CommandID, name, accepted `STATUS` values and Body.
type Parts = (u32, &'static str, &'static [&'static str], Map<String, Value>);

/// The [`Parts`] of pre-order `o`.
fn parts<O: Call>(o: &O, creds: &Credentials) -> Result<Parts> {
    Ok((o.command(creds), O::INFO.name, O::ANSWERS, o.body(creds)?))
}
