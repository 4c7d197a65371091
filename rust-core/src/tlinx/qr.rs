//! TLinx's merchant-presented code: payorder 4.4.1 (C scans B), whose `trade_qrcode` is the QR
//! code's content. One order per payment method (`pmt_tag`): WeChat and Alipay by their
//! default tags (or the credentials' own), UnionPay where the credentials name its tag
//! (`pmt_tag_unionpay`, from paylist). The
//! seed gives the order no expiry of its own and no way to close it (paycancel is for barcode
//! orders only): at its expiry the engine withdraws the code and records the order `closed`
//! after a last query; a late payment would reach the journal by notification, flagged for a
//! refund.

use std::time::Duration;

use super::types::*;
use super::Client;
use crate::error::{Error, Result};
use crate::qr::{QrPaymentRequest, QrRules, Wallet};
use crate::trade::GatewayId;

pub(super) const QR_RULES: QrRules = QrRules {
    wallets: &[Wallet::Wechat, Wallet::Alipay],
    aggregated: false,
    default_expiry: Duration::from_secs(120),
    // paycancel takes only barcode orders (8013 "订单撤销接口仅支持：微信、支付宝的条码支付"), and
    // the seed has no close: an expired code is withdrawn, not closed (see `QrRules::closable`).
    closable: false,
};

/// With the credentials' UnionPay tag, UnionPay too.
const WITH_UNIONPAY: QrRules = QrRules { wallets: &[Wallet::Wechat, Wallet::Alipay, Wallet::Unionpay], ..QR_RULES };

impl Client {
    pub(super) fn qr_rules_here(&self) -> QrRules {
        if self.credentials().pmt_tag_unionpay.is_some() {
            WITH_UNIONPAY
        } else {
            QR_RULES
        }
    }

    fn qr_payorder(&self, req: &QrPaymentRequest) -> Result<PayorderRequest> {
        self.qr_rules_here().check(GatewayId::Tlinx, req)?;
        let creds = self.credentials();
        let tag = match req.wallet {
            Some(Wallet::Wechat) => creds.pmt_tag_wechat.clone().unwrap_or_else(|| "Weixin".into()),
            Some(Wallet::Alipay) => creds.pmt_tag_alipay.clone().unwrap_or_else(|| "Alipay".into()),
            Some(Wallet::Unionpay) => creds.pmt_tag_unionpay.clone().unwrap_or_default(),
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
