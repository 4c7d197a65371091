//! payBind: which mini programs, official accounts (with their payment directories) and receipt
//! apps the sandbox merchant has bound; jsApiPay and miniPay check them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use posgate_core::RawFields;
use serde_json::{json, Value};

use super::{merchant, refused, too_long, Answer, MERCHANT_NO, MINI_APP_ID, OA_APP_ID, OA_PAY_URL};
use crate::sim::field;
use crate::Ctx;

/// payBind's bindings of the sandbox merchant.
#[derive(Debug)]
pub struct Bindings(Mutex<Bound>);

#[derive(Debug, Default)]
struct Bound {
    mini_apps: BTreeSet<String>,
    accounts: BTreeSet<String>,
    /// Payment directories per official account.
    pay_urls: BTreeMap<String, BTreeSet<String>>,
    receipt_apps: BTreeSet<String>,
}

impl Bindings {
    /// Whether `app` takes payments: an official account with a payment directory for jsApiPay
    /// (`jsapi`), a mini program for miniPay. `None` if the bindings are unreadable.
    pub(super) fn pays_through(&self, app: &str, jsapi: bool) -> Option<bool> {
        let b = self.0.lock().ok()?;
        Some(if jsapi {
            b.accounts.contains(app) && b.pay_urls.get(app).is_some_and(|u| !u.is_empty())
        } else {
            b.mini_apps.contains(app)
        })
    }
}

impl Default for Bindings {
    fn default() -> Self {
        let mut b = Bound::default();
        b.mini_apps.insert(MINI_APP_ID.into());
        b.accounts.insert(OA_APP_ID.into());
        b.pay_urls.entry(OA_APP_ID.into()).or_default().insert(OA_PAY_URL.into());
        Bindings(Mutex::new(b))
    }
}

pub(super) fn pay_bind(ctx: &Ctx, f: &RawFields) -> Answer {
    if let Err(r) = merchant(f) {
        return r;
    }
    for (k, max) in [("miniAppId", 32), ("receiptAppId", 32), ("attentionAppId", 32), ("payUrl", 255)] {
        if let Err(r) = too_long(f, k, max) {
            return r;
        }
    }
    let Ok(mut b) = ctx.sunmi.0.lock() else { return refused("S03", "系统异常") };
    let again = || refused("Q03", "subappid已配置，请勿重复配置");
    match field(f, "configType") {
        Some("1") => {
            let (Some(account), Some(url)) = (field(f, "attentionAppId"), field(f, "payUrl")) else {
                return refused("Q03", "参数异常: configType为1时 attentionAppId、payUrl 必传");
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) || !url.ends_with('/') {
                return refused("Q03", "参数异常: payUrl 须为支付页面所在目录, 以 / 结尾");
            }
            if !b.accounts.contains(account) {
                return refused("Q03", "参数异常: 请先绑定公众号appId (configType=3), 再绑定授权目录");
            }
            if !b.pay_urls.entry(account.to_string()).or_default().insert(url.to_string()) {
                return refused("Q03", "授权目录已配置，请勿重复配置");
            }
        }
        Some("2") => match field(f, "miniAppId") {
            None => return refused("Q03", "参数异常: configType为2时 miniAppId 必传"),
            Some(id) if !b.mini_apps.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("3") => match field(f, "attentionAppId") {
            None => return refused("Q03", "参数异常: configType为3时 attentionAppId 必传"),
            Some(id) if !b.accounts.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("4") => match field(f, "receiptAppId") {
            None => return refused("Q03", "参数异常: configType为4时 receiptAppId 必传"),
            Some(id) if !b.receipt_apps.insert(id.to_string()) => return again(),
            Some(_) => {}
        },
        Some("5") => {
            return Answer::Data(json!({
                "merchantNo": MERCHANT_NO,
                "miniAppIds": b.mini_apps,
                "attentionAppIds": b.accounts,
                "payUrls": b.pay_urls,
                "receiptAppIds": b.receipt_apps,
            }))
        }
        _ => return refused("Q03", "参数异常: configType 须为 1-5"),
    }
    Answer::Data(Value::String("Success".into()))
}
