//! Chaoying's merchant-presented code: `WECHAT_PreOrder` / `ALIPAY_PreOrder` with trade type
//! NATIVE, whose `code_url` is the QR code's content. No aggregated code: one pre-order per wallet.

use std::time::Duration;

use super::types::*;
use super::Client;
use crate::clock::{beijing, now_unix};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::qr::{wire_expiry, QrPaymentRequest, QrRules, Wallet};
use crate::trade::GatewayId;

pub(super) const QR_RULES: QrRules = QrRules {
    wallets: &[Wallet::Wechat, Wallet::Alipay],
    aggregated: false,
    default_expiry: Duration::from_secs(120),
    closable: true,
};

/// WeChat refuses a `time_expire` less than a minute away.
const MIN_WIRE_EXPIRY: Duration = Duration::from_secs(60);

/// The pre-order of a QR payment, validated by its own declaration too.
enum PreOrder {
    Wechat(WechatPreOrderRequest),
    Alipay(AlipayPreOrderRequest),
}

fn pre_order(req: &QrPaymentRequest, expiry: Duration) -> Result<PreOrder> {
    QR_RULES.check(GatewayId::Chaoying, req)?;
    // Chaoying takes time_expire only with time_start.
    let now = now_unix();
    let time_start = Some(beijing(now).compact());
    let time_expire = Some(beijing(now + wire_expiry(expiry, MIN_WIRE_EXPIRY).as_secs()).compact());
    let order = match req.wallet {
        Some(Wallet::Wechat) => {
            ORDER_NO.check("order_no", &req.order_no)?;
            PreOrder::Wechat(WechatPreOrderRequest {
                sub_appid: None,
                is_minipg: None,
                buyer_id: None,
                device_info: req.terminal_id.clone(),
                body: req.subject.clone(),
                out_trade_no: req.order_no.clone(),
                total_fee: req.amount,
                mch_create_ip: None,
                time_start: time_start.clone(),
                time_expire: time_expire.clone(),
                notify_url: req.notify_url.clone(),
                op_user_id: None,
                op_shop_id: req.store_id.clone(),
                limit_pay: None,
                trade_type: TradeType::Native,
                product_id: Some(req.order_no.clone()),
                goods_tag: None,
                goods_detail: Vec::new(),
            })
        }
        Some(Wallet::Alipay) => {
            ALIPAY_ORDER_NO.check("order_no", &req.order_no)?;
            PreOrder::Alipay(AlipayPreOrderRequest {
                device_info: req.terminal_id.clone(),
                body: req.subject.clone(),
                out_trade_no: req.order_no.clone(),
                total_fee: req.amount,
                mch_create_ip: None,
                time_start: time_start.clone(),
                time_expire: time_expire.clone(),
                goods_tag: None,
                notify_url: req.notify_url.clone(),
                op_user_id: None,
                op_shop_id: req.store_id.clone(),
                limit_pay: None,
                trade_type: TradeType::Native,
                product_id: Some(req.order_no.clone()),
                buyer_logon_id: None,
                buyer_id: None,
            })
        }
        _ => return Err(Error::invalid("wallet", "chaoying: wechat or alipay")),
    };
    match &order {
        PreOrder::Wechat(o) => o.validate()?,
        PreOrder::Alipay(o) => o.validate()?,
    }
    Ok(order)
}

impl Client {
    pub(super) fn validate_qr_order(&self, req: &QrPaymentRequest) -> Result<()> {
        pre_order(req, QR_RULES.expiry(req)).map(|_| ())
    }

    /// Creates the NATIVE pre-order and answers its `code_url`.
    pub(super) async fn qr_pre_order(&self, req: &QrPaymentRequest, expiry: Duration) -> Result<String> {
        let code_url = match pre_order(req, expiry)? {
            PreOrder::Wechat(o) => self.wechat_pre_order(&o).await?.code_url,
            PreOrder::Alipay(o) => self.alipay_pre_order(&o).await?.code_url,
        };
        code_url
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::rejected("NO_CODE_URL", "chaoying: the pre-order answered without a code_url"))
    }
}
