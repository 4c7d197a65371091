//! MMSP's operations, each declared once by its request type (see
//! [`crate::operation::operations!`]): `mmsp_operations!(then(args))` expands to
//! `then! { args calls { .. } charges { .. } }`. One section per sub-API.
//!
//! Scan code (the cashier's barcode and QR payments) is always there. Quick pay (card numbers,
//! CVN2 and ID numbers typed on the terminal), gateway pay (online banking in a WebView) and
//! payout (the merchant's RSA private key on the device, money out of the merchant's account)
//! are back-office sub-APIs: the feature `back-office` (on in posgate-core by default, in
//! the CLI, the sandbox and the demo flavour; off in the production libposgate.so, which a
//! back-office app builds with it). Their types exist either way; only their methods and
//! `invoke` arms come and go.

/// MMSP's operation list: scan code's operations, then the calls and charges given (the
/// back-office sub-APIs' or none), so each operation is listed once.
#[macro_export]
#[doc(hidden)]
macro_rules! __mmsp_operations_with {
    ($then:ident ( $($args:tt)* ) calls { $($calls:tt)* } charges { $($charges:tt)* }) => { $then! { $($args)*
      calls {
        // scan code (扫码)
        $crate::mmsp::MmspWechatPreOrderRequest => wechat_pre_order,
        $crate::mmsp::MmspAlipayPreOrderRequest => alipay_pre_order,
        $crate::mmsp::MmspQqPreOrderRequest => qq_pre_order,
        $crate::mmsp::MmspJdQrOrderRequest => jd_qr_order,
        $crate::mmsp::MmspUnionpayQrOrderRequest => unionpay_qr_order,
        $crate::mmsp::MmspAlipayStaticCodeRequest => alipay_static_code,
        $crate::mmsp::MmspAlipayDynamicCodeRequest => alipay_dynamic_code,
        $crate::mmsp::MmspWechatH5Request => wechat_h5_pay,
        $crate::mmsp::MmspAlipayH5Request => alipay_h5_pay,
        $crate::mmsp::MmspScanQueryRequest => scan_query,
        $crate::mmsp::MmspScanCancelRequest => scan_cancel,
        $crate::mmsp::MmspScanCloseRequest => scan_close,
        $crate::mmsp::MmspScanRefundRequest => scan_refund,
        $crate::mmsp::MmspScanRefundQueryRequest => scan_refund_query,
        $($calls)*
      }
      charges {
        // scan code (扫码)
        $crate::mmsp::MmspWechatMicropayRequest => wechat_micropay,
        $crate::mmsp::MmspAlipayMicropayRequest => alipay_micropay,
        $crate::mmsp::MmspQqMicropayRequest => qq_micropay,
        $($charges)*
      }
    } };
}

/// MMSP's operation list: every sub-API (feature `back-office`).
#[cfg(feature = "back-office")]
#[macro_export]
#[doc(hidden)]
macro_rules! mmsp_operations {
    ($then:ident ( $($args:tt)* )) => { $crate::__mmsp_operations_with! { $then ( $($args)* )
      calls {
        // quick pay (快捷支付)
        $crate::mmsp::MmspQuickPayRequest => quick_pay,
        $crate::mmsp::MmspQuickPayConfirmRequest => quick_pay_confirm,
        $crate::mmsp::MmspQuickSmsResendRequest => quick_pay_sms_resend,
        $crate::mmsp::MmspQuickQueryRequest => quick_pay_query,
        $crate::mmsp::MmspQuickBatchQueryRequest => quick_pay_batch_query,
        $crate::mmsp::MmspUnionPayQuickOrderRequest => unionpay_quick_order,
        $crate::mmsp::MmspQuickBindSmsRequest => quick_bind_sms,
        $crate::mmsp::MmspQuickBindRequest => quick_bind,
        $crate::mmsp::MmspQuickUnbindRequest => quick_unbind,
        $crate::mmsp::MmspQuickBindQueryRequest => quick_bind_query,
        $crate::mmsp::MmspBoundCardPaySmsRequest => bound_card_pay_sms,
        // gateway pay (网关支付)
        $crate::mmsp::MmspGatewayPayRequest => gateway_pay_form,
        $crate::mmsp::MmspGatewayQueryRequest => gateway_pay_query,
        $crate::mmsp::MmspGatewayBatchQueryRequest => gateway_pay_batch_query,
        // payout and balance (代付)
        $crate::mmsp::PayoutRequest => payout,
        $crate::mmsp::PayoutQueryRequest => payout_query,
        $crate::mmsp::BalanceQueryRequest => balance_query,
      }
      charges {
        // quick pay (快捷支付)
        $crate::mmsp::MmspBoundCardPayRequest => bound_card_pay,
      }
    } };
}

/// MMSP's operation list: scan code, the cashier's sub-API (without `back-office`).
#[cfg(not(feature = "back-office"))]
#[macro_export]
#[doc(hidden)]
macro_rules! mmsp_operations {
    ($then:ident ( $($args:tt)* )) => { $crate::__mmsp_operations_with! { $then ( $($args)* ) calls {} charges {} } };
}

use crate::operation::operations;
mmsp_operations!(operations(super::Client;));
