//! TLinx's merchant-presented code: payorder 4.4.1 (C scans B), whose `trade_qrcode` is the QR
//! code's content. One order per payment method (`pmt_tag`): WeChat and Alipay by their
//! default tags (or the credentials' own), UnionPay where the credentials name its tag. The
//! seed gives the order no expiry of its own: the engine closes it (paycancel) at its expiry.

use std::time::Duration;

use super::types::*;
use super::Client;
use crate::error::{Error, Result};
use crate::qr::{QrPaymentRequest, QrRules, Wallet};
use crate::trade::GatewayId;

pub(super) const QR_RULES: QrRules = QrRules {
    wallets: &[Wallet::Wechat, Wallet::Alipay, Wallet::Unionpay],
    aggregated: false,
    default_expiry: Duration::from_secs(120),
};

impl Client {
    fn qr_payorder(&self, req: &QrPaymentRequest) -> Result<PayorderRequest> {
        QR_RULES.check(GatewayId::Tlinx, req)?;
        let creds = self.credentials();
        let tag = match req.wallet {
            Some(Wallet::Wechat) => creds.pmt_tag_wechat.clone().unwrap_or_else(|| "Weixin".into()),
            Some(Wallet::Alipay) => creds.pmt_tag_alipay.clone().unwrap_or_else(|| "Alipay".into()),
            Some(Wallet::Unionpay) => creds.pmt_tag_unionpay.clone().ok_or_else(|| {
                Error::invalid("wallet", "tlinx: unionpay needs the credentials' pmt_tag_unionpay (from paylist)")
            })?,
            _ => return Err(Error::invalid("wallet", "tlinx: wechat, alipay or unionpay")),
        };
        let mut common = OrderCommon::new(&req.order_no, tag, req.amount);
        common.ord_name = Some(req.subject.clone());
        common.notify_url = req.notify_url.clone();
        let order = PayorderRequest::Qr(QrOrder { common });
        order.validate().map_err(|e| match e {
            Error::InvalidInput { field, reason } if field == "out_no" => Error::invalid("order_no", reason),
            e => e,
        })?;
        Ok(order)
    }

    pub(super) fn validate_qr_order(&self, req: &QrPaymentRequest) -> Result<()> {
        self.qr_payorder(req).map(|_| ())
    }

    /// Places the C-scans-B order and answers its `trade_qrcode`.
    pub(super) async fn qr_payorder_code(&self, req: &QrPaymentRequest) -> Result<String> {
        let order = self.qr_payorder(req)?;
        self.payorder(&order)
            .await?
            .trade_qrcode
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::rejected("NO_TRADE_QRCODE", "tlinx: the order answered without a trade_qrcode"))
    }
}
