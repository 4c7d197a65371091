//! Kuaishou's merchant-presented code: `order` with `TRADE_TYPE` NATIVE, whose `BAR_CODE` is
//! the payment link to show as a QR code. One order per wallet (`CHANNEL_TYPE`; 0, auto, is for
//! barcodes only). `TIME_EXPIRE` is at least 120 s: the engine closes the order (cancel) at its
//! own expiry, which may be sooner.

use std::time::Duration;

use super::types::*;
use super::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::qr::{wire_expiry, QrPaymentRequest, QrRules, Wallet};
use crate::trade::GatewayId;

pub(super) const QR_RULES: QrRules = QrRules {
    wallets: &[Wallet::Wechat, Wallet::Alipay, Wallet::Qq],
    aggregated: false,
    default_expiry: Duration::from_secs(120),
    closable: true,
};

/// The seed's least `TIME_EXPIRE`.
const MIN_WIRE_EXPIRY: Duration = Duration::from_secs(120);

fn qr_order_request(req: &QrPaymentRequest, expiry: Duration) -> Result<QrOrderRequest> {
    QR_RULES.check(GatewayId::Kuaishou, req)?;
    CHARGE_CODE.check("order_no", &req.order_no)?;
    let channel_type = match req.wallet {
        Some(Wallet::Wechat) => ChannelType::Wechat,
        Some(Wallet::Alipay) => ChannelType::Alipay,
        Some(Wallet::Qq) => ChannelType::QqWallet,
        _ => return Err(Error::invalid("wallet", "kuaishou: wechat, alipay or qq")),
    };
    let secs = wire_expiry(expiry, MIN_WIRE_EXPIRY).as_secs().min(u32::MAX.into()) as u32;
    let order = QrOrderRequest {
        order: OrderCommon {
            charge_code: req.order_no.clone(),
            amount: req.amount,
            subject: req.subject.clone(),
            notify_url: req.notify_url.clone(),
            time_expire: Some(secs),
            oper_id: None,
            dev_id: req.terminal_id.clone(),
            register_id: None,
            merchant_para: None,
            goods: Vec::new(),
            verify_codes: None,
        },
        channel_type,
        trade_type: QrTradeType::Native,
    };
    order.validate()?;
    Ok(order)
}

impl Client {
    pub(super) fn validate_qr_order(&self, req: &QrPaymentRequest) -> Result<()> {
        qr_order_request(req, QR_RULES.expiry(req)).map(|_| ())
    }

    /// Creates the NATIVE order and answers its `BAR_CODE`.
    pub(super) async fn qr_native_order(&self, req: &QrPaymentRequest, expiry: Duration) -> Result<String> {
        let order = qr_order_request(req, expiry)?;
        self.order(&order)
            .await?
            .bar_code
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::rejected("NO_BAR_CODE", "kuaishou: the order answered without a BAR_CODE"))
    }
}
