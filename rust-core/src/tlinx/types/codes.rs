//! The errcode table of section 5.1 and what each code tells, the order status and type codes,
//! and their mapping onto [`TradeState`] / [`RefundState`].

use serde::Serialize;

use crate::trade::{RefundState, TradeState};

/// The errcode table of section 5.1. Codes outside it (system errors) mean nothing definite.
pub const ERRCODES: &[(i64, &str)] = &[
    (0, "ok"),
    (3002, "门店不存在 (store not found: check open_id and the server address)"),
    (5, "验证签名错误 (signature invalid: check the signing and open_key)"),
    (8, "token不能为空 (open_id missing: post a form, not JSON)"),
    (8001, "订单号不能为空 (order number missing)"),
    (8002, "订单不存在 (order not found)"),
    (8003, "订单名称不能为空 (order name missing)"),
    (8004, "付款方式不能为空 (payment method missing)"),
    (8005, "订单号已经存在，请勿重复提交 (order number already used)"),
    (8006, "收款金额有误 (amount wrong)"),
    (8007, "付款方式未开通 (payment method not enabled: take pmt_tag from paylist)"),
    (8008, "创建订单失败 (order creation failed)"),
    (8009, "交易号不能为空 (trade number missing)"),
    (8010, "银行卡号不能为空 (card number missing)"),
    (8011, "支付失败 (payment failed; msg carries the channel's reason)"),
    (8012, "当前订单不能取消，如果已经付款，请使用退款功能 (order cannot be cancelled: refund it if paid)"),
    (8013, "订单取消失败 (cancel failed: query the order; only barcode orders can be cancelled)"),
    (8014, "原始付款单号不能为空 (original order number missing)"),
    (8015, "退款金额不能为空 (refund amount missing)"),
    (8016, "主管密码不能为空 (supervisor password missing)"),
    (8017, "主管密码错误 (supervisor password wrong)"),
    (8018, "原始订单不存在 (original order not found)"),
    (8019, "当前订单不允许退款，状态异常 (order not refundable: only paid orders)"),
    (8020, "退款单号已经存在，请勿重复提交 (refund number already used)"),
    (8021, "退款金额大于支付金额，当前订单有其它退款记录 (refund exceeds what is left after earlier refunds)"),
    (8022, "退款金额大于支付金额 (refund exceeds the paid amount)"),
    (8023, "退款失败 (refund failed)"),
    (8040, "当前退款金额大于商户今日交易总额 (refund exceeds today's takings on that channel)"),
    (8044, "out_no不能为空 (out_no missing, or data not decryptable: check the key)"),
    (8045, "out_no已经存在，请勿重复发起支付 (out_no already used)"),
    (8046, "交易已被系统拒绝，请联系您的服务商 (trade refused by the platform)"),
    (9, "timestamp error (clock more than 600 s off)"),
];

/// What an errcode tells about the request's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrKind {
    Ok,
    /// Credentials, signature or clock: the request was refused unprocessed.
    Configuration,
    /// A missing or wrong request field: refused unprocessed.
    Input,
    NotFound,
    /// The number was used before: THIS request did nothing, but the earlier one may have
    /// (a payment retried after a timeout). Query; never treat as failed.
    Duplicate,
    /// The channel or platform refused the payment (declined, bad barcode, risk control).
    Declined,
    /// The operation is not allowed in the order's state (cancel a paid order, over-refund).
    NotAllowed,
    /// The operation failed at the platform (order creation, cancel, refund).
    Failed,
    /// Not in the table (system errors): the outcome is unknown.
    Unknown,
}

impl ErrKind {
    /// True when the request definitely had no effect (nothing charged, nothing refunded).
    pub fn is_definite(self) -> bool {
        !matches!(self, ErrKind::Duplicate | ErrKind::Unknown)
    }
}

/// The table's explanation of `code`, if it is in the table.
pub fn errcode_message(code: &str) -> Option<&'static str> {
    let n: i64 = code.trim().parse().ok()?;
    ERRCODES.iter().find(|(c, _)| *c == n).map(|(_, m)| *m)
}

/// Classifies an errcode as received (text of a JSON number, e.g. `"8011"`).
pub fn errcode_kind(code: &str) -> ErrKind {
    match code.trim().parse::<i64>() {
        Ok(0) => ErrKind::Ok,
        Ok(3002 | 5 | 8 | 9) => ErrKind::Configuration,
        Ok(8001 | 8003 | 8004 | 8006 | 8007 | 8009 | 8010 | 8014 | 8015 | 8016 | 8017 | 8044) => ErrKind::Input,
        Ok(8002 | 8018) => ErrKind::NotFound,
        Ok(8005 | 8020 | 8045) => ErrKind::Duplicate,
        Ok(8011 | 8046) => ErrKind::Declined,
        Ok(8012 | 8019 | 8021 | 8022 | 8040) => ErrKind::NotAllowed,
        Ok(8008 | 8013 | 8023) => ErrKind::Failed,
        _ => ErrKind::Unknown,
    }
}

/// Order status (4.2-4.5): 1 paid, 2 waiting for payment, 4 cancelled, 9 waiting for the
/// payer's password.
pub mod status {
    pub const PAID: i64 = 1;
    pub const PENDING: i64 = 2;
    pub const CANCELLED: i64 = 4;
    pub const AWAITING_PASSWORD: i64 = 9;
}

/// Order type: 1 payment, 2 refund (撤单).
pub mod ord_type {
    pub const PAYMENT: i64 = 1;
    pub const REFUND: i64 = 2;
}

/// Maps a payment order's status.
///
/// Status 4 becomes `Closed`: the platform only cancels orders that were never paid (8012:
/// a paid order cannot be cancelled, it is refunded instead), so nothing was charged. The wire
/// does not distinguish a payer who gave up from a merchant cancel. Refunds are separate orders
/// (4.7) and never change the original's status, so a refunded order still reads `Paid`.
pub fn trade_state(status: Option<i64>) -> TradeState {
    match status {
        Some(status::PAID) => TradeState::Paid,
        Some(status::PENDING | status::AWAITING_PASSWORD) => TradeState::Paying,
        Some(status::CANCELLED) => TradeState::Closed,
        _ => TradeState::Unknown,
    }
}

/// Maps a refund order's status (4.7: "1 success, any other value not successful").
pub fn refund_state(status: Option<i64>) -> RefundState {
    match status {
        Some(status::PAID) => RefundState::Success,
        Some(status::PENDING | status::AWAITING_PASSWORD) => RefundState::Processing,
        Some(status::CANCELLED) => RefundState::Failed,
        _ => RefundState::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errcode_table() {
        assert_eq!(ERRCODES.len(), 32);
        for (code, _) in ERRCODES {
            let kind = errcode_kind(&code.to_string());
            assert_ne!(kind, ErrKind::Unknown, "{code} is in the table");
            assert!(errcode_message(&code.to_string()).is_some());
        }
        assert_eq!(errcode_kind("0"), ErrKind::Ok);
        assert_eq!(errcode_kind("8011"), ErrKind::Declined);
        assert!(errcode_kind("8011").is_definite());
        assert_eq!(errcode_kind("8045"), ErrKind::Duplicate);
        assert!(!errcode_kind("8045").is_definite());
        assert!(!errcode_kind("8005").is_definite());
        assert_eq!(errcode_kind("-1"), ErrKind::Unknown);
        assert_eq!(errcode_kind("500"), ErrKind::Unknown);
        assert_eq!(errcode_kind("x"), ErrKind::Unknown);
        assert!(!errcode_kind("-1").is_definite());
        assert_eq!(errcode_kind("9"), ErrKind::Configuration);
        assert_eq!(errcode_kind("8017"), ErrKind::Input);
        assert_eq!(errcode_kind("8012"), ErrKind::NotAllowed);
        assert_eq!(errcode_kind("8002"), ErrKind::NotFound);
        assert_eq!(errcode_kind("8023"), ErrKind::Failed);
        assert!(errcode_message("9").unwrap().contains("timestamp"));
        assert_eq!(errcode_message("-1"), None);
    }

    #[test]
    fn status_mapping() {
        assert_eq!(trade_state(Some(1)), TradeState::Paid);
        assert_eq!(trade_state(Some(2)), TradeState::Paying);
        assert_eq!(trade_state(Some(9)), TradeState::Paying);
        assert_eq!(trade_state(Some(4)), TradeState::Closed);
        assert_eq!(trade_state(Some(3)), TradeState::Unknown);
        assert_eq!(trade_state(None), TradeState::Unknown);
        assert_eq!(refund_state(Some(1)), RefundState::Success);
        assert_eq!(refund_state(Some(9)), RefundState::Processing);
        assert_eq!(refund_state(Some(4)), RefundState::Failed);
        assert_eq!(refund_state(None), RefundState::Unknown);
    }
}
