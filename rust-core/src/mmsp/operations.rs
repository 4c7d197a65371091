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
        // quick pay (快捷支付)
        // gateway pay (网关支付)
        // payout and balance (代付)
        $crate::mmsp::PayoutRequest => payout,
        $crate::mmsp::PayoutQueryRequest => payout_query,
        $crate::mmsp::BalanceQueryRequest => balance_query,
      }
      charges {
        // scan code (扫码)
        // quick pay (快捷支付)
      }
    } };
}

use crate::operation::operations;
mmsp_operations!(operations(super::Client;));
