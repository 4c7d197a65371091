//! `flowRecharge` (9.x): a mobile-data top-up for a phone number, on its own service
//! (`/openGateway/platService/flowRecharge/{BUSICODE}`). Not a payment: no payer's money moves
//! and the journal records nothing. Experimental (digest decision 28): the seed cuts its sign off
//! (`sign=s`), so the body sign of the other POSTs is used; it shows no `_type`/`encrypt`, so the
//! body goes in clear; its answer has no wrapping root and a lower-case `result`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::{Body, Call, Service, WithResult};
use super::records::ResultInfo;
use crate::error::{Error, Result};
use crate::kuaishou::Credentials;
use crate::operation::{Effect, Operation, OperationInfo};
use crate::secret::Masked;
use crate::wire::code_table;

code_table! {
    /// `flowType`.
    FlowType: trimmed text {
        Nationwide = "0" => "全国",
        Province = "1" => "省内",
    }
}

code_table! {
    /// The recharge's `status`: 0 and 1 pending, 2 done, 3 failed.
    FlowStatus: trimmed text {
        Initial = "0" => "初始",
        Recharging = "1" => "充值中",
        Done = "2" => "充值完成",
        Failed = "3" => "充值失败",
    }
}

/// `flowRecharge`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct FlowRechargeRequest {
    /// `phoneNo` (masked in every copy).
    pub phone_no: Masked,
    /// `flowVal`: megabytes.
    pub flow_val: u32,
    /// `flowType`: nationwide (the default) or in-province.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_type: Option<FlowType>,
    /// `notifyURL`: told when the recharge ends (its format is undocumented).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
}

impl Operation for FlowRechargeRequest {
    type Answer = FlowRechargeResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "flow_recharge",
        summary: "flowRecharge: mobile-data top-up (MB) for a phone number; not a payment (experimental)",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        let phone = self.phone_no.expose();
        if !(5..=15).contains(&phone.len()) || !phone.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("phone_no", "5 to 15 digits"));
        }
        if self.flow_val == 0 {
            return Err(Error::invalid("flow_val", "at least 1 MB"));
        }
        if matches!(self.flow_type, Some(FlowType::Other(_))) {
            return Err(Error::invalid("flow_type", "0 nationwide or 1 in-province"));
        }
        Ok(())
    }
}

impl Call for FlowRechargeRequest {
    const SERVICE: Service = Service::Plat;
    const ROOT: &'static str = "";

    fn path(&self, creds: &Credentials) -> Vec<String> {
        vec!["flowRecharge".into(), creds.busi_code.clone()]
    }

    /// `flowVal` as a number, as the seed's 9.3 sample sends it.
    fn body(&self, _: &Credentials) -> Option<serde_json::Map<String, Value>> {
        Body::default()
            .put("phoneNo", self.phone_no.expose())
            .value("flowVal", Value::from(self.flow_val))
            .opt("flowType", self.flow_type.as_ref().map(FlowType::as_str))
            .opt("notifyURL", self.notify_url.as_deref())
            .done()
    }
}

/// The flowRecharge answer (9.4): `result` and the order node `flow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FlowRechargeResponse {
    #[serde(rename = "result", alias = "RESULT")]
    pub result: ResultInfo,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow: Option<FlowRecord>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl WithResult for FlowRechargeResponse {
    fn result(&self) -> &ResultInfo {
        &self.result
    }
}

/// The `flow` node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FlowRecord {
    #[serde(default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id: Option<String>,
    #[serde(rename = "phoneNo", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub phone_no: Option<Masked>,
    #[serde(rename = "flowVal", default, deserialize_with = "crate::wire::de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_val: Option<u32>,
    #[serde(rename = "flowType", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_type: Option<FlowType>,
    #[serde(rename = "busiCode", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub busi_code: Option<String>,
    /// Kuaishou's order number.
    #[serde(rename = "orderID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_id: Option<String>,
    /// The recharge platform's order number.
    #[serde(rename = "platOrderID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub plat_order_id: Option<String>,
    /// `creatTime` (sic).
    #[serde(rename = "creatTime", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub creat_time: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<FlowStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    #[test]
    fn seed_9_3_and_9_5() {
        let r = FlowRechargeRequest {
            phone_no: "13812345678".into(),
            flow_val: 100,
            flow_type: Some(FlowType::Nationwide),
            notify_url: Some("http://127.0.0.1/notify".into()),
        };
        assert!(r.validate().is_ok());
        assert_eq!(Value::Object(r.body(&creds()).unwrap()), seed_sample("9.3"));
        assert_eq!(r.path(&creds()), ["flowRecharge", "0010000001"]);
        let a: FlowRechargeResponse = answer("9.5", "");
        assert!(a.result.code.is_success());
        let f = a.flow.unwrap();
        assert_eq!(f.status, Some(FlowStatus::Recharging));
        assert_eq!(f.flow_val, Some(10));
        assert_eq!(f.order_id.as_deref(), Some("20170112100000233509"));
        assert_eq!(f.phone_no.unwrap().masked(), "***2493");
        let bad = FlowRechargeRequest { phone_no: "12ab".into(), ..r.clone() };
        assert_eq!(field_of(bad.validate().unwrap_err()), "phone_no");
        let bad = FlowRechargeRequest { flow_val: 0, ..r };
        assert_eq!(field_of(bad.validate().unwrap_err()), "flow_val");
    }
}
