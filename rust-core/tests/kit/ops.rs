//! Per gateway in one place: the operations (by name, as `invoke` takes them) that charge and
//! pre-order on it, so a gateway added to the registry and the sandbox is held to the whole suite
//! by adding its arms here.

use posgate_core::GatewayId;
use serde_json::json;

use super::open_id;

/// The operation (and its params) that takes money from the payer on gateway `g` for the
/// sandbox's scenario `last4`: a barcode charge, or (Sunmi, which has none) a prepay whose
/// payer is the scenario's openId. The boolean says whether it is a pre-order to follow.
pub fn charge(g: GatewayId, no: &str, last4: &str, amount: i64) -> (&'static str, serde_json::Value, bool) {
    match g {
        GatewayId::Chaoying | GatewayId::Tlinx | GatewayId::Kuaishou | GatewayId::Mmsp => {
            let (op, params) = barcode_charge(g, no, last4, amount, "conformance");
            (op, params, false)
        }
        GatewayId::Sunmi => ("mini_pay", mini_pay_json(no, amount, &open_id(last4)), true),
    }
}

/// Gateway `g`'s barcode charge by name for the scenario `last4`, the order described as `body`.
pub fn barcode_charge(
    g: GatewayId,
    no: &str,
    last4: &str,
    amount: i64,
    body: &str,
) -> (&'static str, serde_json::Value) {
    let barcode = super::barcode(last4);
    match g {
        GatewayId::Chaoying => {
            ("barcode_pay", json!({"out_trade_no": no, "total_fee": amount, "auth_code": barcode, "body": body}))
        }
        GatewayId::Tlinx => (
            "payorder",
            json!({"scenario": "barcode", "out_no": no, "pmt_tag": "Weixin", "original_amount": amount,
                   "trade_amount": amount, "auth_code": barcode}),
        ),
        GatewayId::Kuaishou => {
            ("barcode_pre_order", json!({"charge_code": no, "amount": amount, "dynamic_id": barcode, "subject": body}))
        }
        GatewayId::Mmsp => {
            ("wechat_micropay", json!({"mer_order_id": no, "amount": amount, "code": barcode, "goods_name": body}))
        }
        other => panic!("{other}: add its barcode charge to the test kit"),
    }
}

/// Sunmi's `mini_pay` params: a prepay of `amount` fen by the payer `open_id`.
pub fn mini_pay_json(no: &str, amount: i64, open_id: &str) -> serde_json::Value {
    json!({"totalAmount": amount, "miniAppId": posgate_sandbox::sunmi::MINI_APP_ID, "openId": open_id, "orderId": no})
}

/// A pre-order on gateway `g` that notifies `notify_url` when paid, and the text the merchant
/// answers the notification with.
pub fn preorder(
    g: GatewayId,
    no: &str,
    amount: i64,
    notify_url: &str,
) -> (&'static str, serde_json::Value, &'static str) {
    match g {
        GatewayId::Chaoying => (
            "wechat_pre_order",
            json!({"body": "conformance", "out_trade_no": no, "total_fee": amount, "trade_type": "NATIVE",
                   "product_id": "p1", "notify_url": notify_url}),
            "success",
        ),
        GatewayId::Tlinx => (
            "payorder",
            json!({"scenario": "qr", "out_no": no, "pmt_tag": "Weixin", "original_amount": amount,
                   "trade_amount": amount, "notify_url": notify_url}),
            "notify_success",
        ),
        GatewayId::Kuaishou => (
            "order",
            json!({"charge_code": no, "amount": amount, "subject": "conformance", "channel_type": "2",
                   "notify_url": notify_url}),
            "SUCCESS",
        ),
        GatewayId::Mmsp => (
            "wechat_pre_order",
            json!({"mer_order_id": no, "amount": amount, "goods_name": "conformance", "notify_url": notify_url}),
            "SUCCESS",
        ),
        GatewayId::Sunmi => {
            let mut params = mini_pay_json(no, amount, &open_id("9999"));
            params["notifyUrl"] = json!(notify_url);
            ("mini_pay", params, "success")
        }
    }
}
