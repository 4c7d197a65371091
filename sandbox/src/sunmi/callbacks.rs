//! Callbacks (chapter 6): form posts signed SHA256withRSA with the sandbox's key, sent on Sunmi's
//! own time (after the paying phase, after a refund) or when the payer pays through
//! `/_sandbox/pay`.

use std::time::Duration;

use posgate_core::sunmi::{protocol, PrivateKey};
use posgate_core::RawFields;

use super::{refund_business_id, refund_platform_id, status, GW, PRIVATE_KEY_PEM};
use crate::scenario::Scenario;
use crate::sim::{deliver, Notification};
use crate::store::SimOrder;
use crate::Ctx;

/// The payment callback fields (6.1) of a paid order, unsigned. `msn` and `businessId` are sent
/// empty for cloud orders (and signed so: 2.2.2 keeps empty values).
pub(super) fn payment_callback(o: &SimOrder) -> RawFields {
    let (state, code, msg) = status(o);
    let mut f = RawFields::new();
    for (k, v) in [
        ("amount", o.amount.to_string()),
        ("businessId", String::new()),
        ("buyerPayAmount", o.amount.to_string()),
        ("misId", o.trade_no.clone()),
        ("msn", String::new()),
        ("orderId", o.order_no.clone()),
        ("orderType", "0".into()),
        ("payTime", o.paid_unix().to_string()),
        ("platform", "wxpay".into()),
        ("buyerLogonId", o.extra("openId").to_string()),
        ("platformId", o.extra("platformId").to_string()),
        ("refunded", o.refunded().to_string()),
        ("resultCode", code.into()),
        ("resultMsg", msg.into()),
        ("state", state.to_string()),
    ] {
        f.insert(k.into(), v);
    }
    f
}

/// The refund callback: the refund order, plus the original's numbers in the refund-only fields.
pub(super) fn refund_callback(o: &SimOrder, i: usize) -> RawFields {
    let r = &o.refunds[i];
    let mut f = RawFields::new();
    for (k, v) in [
        ("amount", r.amount.to_string()),
        ("businessId", refund_business_id(o, r)),
        ("buyerPayAmount", r.amount.to_string()),
        ("misId", r.gateway_refund_no.clone()),
        ("msn", String::new()),
        ("orderId", r.refund_no.clone()),
        ("orderType", "1".into()),
        ("payTime", o.unix_at(r.at).to_string()),
        ("platform", "wxpay".into()),
        ("buyerLogonId", o.extra("openId").to_string()),
        ("platformId", refund_platform_id(&r.gateway_refund_no)),
        ("refunded", o.refunds[..=i].iter().map(|r| r.amount).sum::<u64>().to_string()),
        ("resultCode", "T00".into()),
        ("resultMsg", "Success".into()),
        ("state", "3".into()),
        ("origMisId", o.trade_no.clone()),
        ("origOrderId", o.order_no.clone()),
        ("origPlatformId", o.extra("platformId").to_string()),
        ("origBusinessId", String::new()),
    ] {
        f.insert(k.into(), v);
    }
    f
}

/// Callback `fields` about `o`, signed SHA256withRSA with the sandbox's key, as a form post.
/// Scenario 5001's callbacks carry a damaged signature (Sunmi's answers are unsigned: the
/// callback is what the client verifies).
pub(super) fn signed_callback(o: &SimOrder, fields: RawFields) -> Result<Notification, String> {
    let key = PrivateKey::parse(PRIVATE_KEY_PEM).map_err(|e| format!("the sandbox's private key: {e}"))?;
    let mut signed = protocol::sign_callback(&fields, &key);
    if o.scenario.signs_wrong() {
        if let Some(s) = signed.get_mut("sign") {
            // Base64 is ASCII: swapping the first character keeps it Base64 but breaks the sign.
            let flipped = if s.starts_with('A') { "B" } else { "A" };
            *s = format!("{flipped}{}", s.get(1..).unwrap_or_default());
        }
    }
    Ok(Notification::Form(signed.into_iter().collect()))
}

/// Posts a callback about `o` to its notifyUrl, if it has one, without holding up the answer
/// that caused it (Sunmi calls back on its own time; a failed callback is not the caller's).
pub(super) fn callback_later(ctx: &Ctx, o: &SimOrder, fields: RawFields) {
    let (Some(url), Ok(callback)) = (o.notify_url.clone(), signed_callback(o, fields)) else { return };
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let _ = deliver(&ctx, &url, callback).await;
    });
}

/// A scripted prepay with a notifyUrl: the callback once the payer has paid.
pub(super) fn schedule_callback(ctx: &Ctx, order: &SimOrder) {
    let wait = match order.scenario {
        Scenario::PayingThenPaid(d) => d,
        _ => Duration::ZERO,
    };
    let (ctx, order_no) = (ctx.clone(), order.order_no.clone());
    tokio::spawn(async move {
        // A little after the paying phase, so a query at the same moment already says paid.
        tokio::time::sleep(wait + Duration::from_millis(50)).await;
        if let Some(o) = ctx.store.get(GW, &order_no).filter(|o| status(o).0 == 3) {
            callback_later(&ctx, &o, payment_callback(&o));
        }
    });
}
