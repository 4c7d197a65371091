//! MMSP's operations, each declared once by its request type (see
//! [`crate::operation::operations!`]): `mmsp_operations!(then(args))` expands to
//! `then! { args calls { .. } charges { .. } }`. One section per sub-API.

/// MMSP's operation list.
#[macro_export]
#[doc(hidden)]
macro_rules! mmsp_operations {
    ($then:ident ( $($args:tt)* )) => { $then! { $($args)*
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
        // quick pay (快捷支付)
        // gateway pay (网关支付)
        // payout and balance (代付)
      }
      charges {
        // scan code (扫码)
        $crate::mmsp::MmspWechatMicropayRequest => wechat_micropay,
        $crate::mmsp::MmspAlipayMicropayRequest => alipay_micropay,
        $crate::mmsp::MmspQqMicropayRequest => qq_micropay,
        // quick pay (快捷支付)
      }
    } };
}

use crate::operation::operations;
mmsp_operations!(operations(super::Client;));
