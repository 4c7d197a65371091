//! `payBind` (4.3.1, 5.3.1): what an official account or mini program needs to pay through
//! Sunmi, and the official account's two-step binding as one request.

use serde::{Deserialize, Serialize};

use super::call::{cut, Call, ExtraJson, FromData};
use super::codes::{ConfigType, Read};
use super::form::{merchant_no, opt_token, token, url, Form};
use crate::error::{Error, Result};
use crate::operation::{Effect, Operation, OperationInfo};
use crate::sunmi::Credentials;
use crate::trade::RawFields;

// --- payBind (4.3.1, 5.3.1)

/// `payBind`: binds what an official account or mini program needs to pay through Sunmi.
/// Official accounts take two calls in this order: configType 3 with `attentionAppId`, then
/// configType 1 with `payUrl` (see [`crate::sunmi::Client::bind_official_account`]); mini
/// programs one: configType 2 with `miniAppId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayBindRequest {
    /// The credentials' merchant number when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    pub config_type: ConfigType,
    /// Required for configType 2.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mini_app_id: Option<String>,
    /// The payment directory, required for configType 1: the directory of the paying page,
    /// ending in `/` (page `http://x.com/a/pay.php` -> `http://x.com/a/`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_url: Option<String>,
    /// Required for configType 4.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub receipt_app_id: Option<String>,
    /// Required for configType 3; sent with configType 1 too (the account the directory is for).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub attention_app_id: Option<String>,
}

impl PayBindRequest {
    pub fn new(config_type: ConfigType) -> PayBindRequest {
        PayBindRequest {
            merchant_no: None,
            config_type,
            mini_app_id: None,
            pay_url: None,
            receipt_app_id: None,
            attention_app_id: None,
        }
    }
}

impl Operation for PayBindRequest {
    type Answer = PayBindResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "pay_bind",
        summary: "Bind a payment directory or app id for WeChat prepays, any configType (4.3.1)",
        effect: Effect::Setup,
    };
}

impl Call for PayBindRequest {
    const PATH: &'static str = "/v1/trade/payBind";
    const READ: Read = Read::Bind;

    fn fields(&self, creds: &Credentials) -> Result<RawFields> {
        let merchant = merchant_no(&self.merchant_no, creds)?;
        let need = |field: &str, v: &Option<String>| -> Result<()> {
            match v {
                Some(s) => token(field, s, 32),
                None => Err(Error::invalid(field, format!("required for configType {}", self.config_type))),
            }
        };
        match &self.config_type {
            ConfigType::PayUrl => {
                let u = url("payUrl", self.pay_url.as_deref().unwrap_or_default(), 255)?;
                if !u.path().ends_with('/') {
                    return Err(Error::invalid(
                        "payUrl",
                        "must be the directory of the paying page, ending in '/' (seed 4.3.1)",
                    ));
                }
            }
            ConfigType::MiniAppId => need("miniAppId", &self.mini_app_id)?,
            ConfigType::AttentionAppId => need("attentionAppId", &self.attention_app_id)?,
            ConfigType::ReceiptAppId => need("receiptAppId", &self.receipt_app_id)?,
            ConfigType::Query => {}
            ConfigType::Other(v) => {
                return Err(Error::invalid("configType", format!("{v:?} is not one of 1, 2, 3, 4, 5")));
            }
        }
        opt_token("miniAppId", &self.mini_app_id, 32)?;
        opt_token("receiptAppId", &self.receipt_app_id, 32)?;
        opt_token("attentionAppId", &self.attention_app_id, 32)?;
        Ok(Form::default()
            .put("merchantNo", merchant)
            .put("configType", self.config_type.as_str())
            .opt("miniAppId", self.mini_app_id.as_deref())
            .opt("payUrl", self.pay_url.as_deref())
            .opt("receiptAppId", self.receipt_app_id.as_deref())
            .opt("attentionAppId", self.attention_app_id.as_deref())
            .done())
    }
}

/// payBind's answer: `data` is the text `Success`, or (configType 5) the configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PayBindResponse {
    /// The text answer ("Success").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub result: Option<String>,
    /// configType 5: the configuration as Sunmi gives it (the seed does not list its fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub config: Option<ExtraJson>,
}

impl FromData for PayBindResponse {
    fn from_data(data: serde_json::Value) -> std::result::Result<Self, String> {
        match data {
            serde_json::Value::String(s) => Ok(PayBindResponse { result: Some(s), config: None }),
            serde_json::Value::Object(map) => {
                Ok(PayBindResponse { result: None, config: Some(map.into_iter().collect()) })
            }
            serde_json::Value::Null => Ok(PayBindResponse { result: None, config: None }),
            other => Err(format!("unexpected data {}", cut(&other.to_string()))),
        }
    }
}

/// What the official account's two-step binding did, step by step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct OfficialAccountBinding {
    /// configType 3 (`attentionAppId`): bound now, or already bound before.
    pub account: BindStep,
    /// configType 1 (`payUrl`), sent only after step 1.
    pub pay_url: BindStep,
}

/// The official account's two-step binding (4.3.1) as one request: configType 3 with
/// `attentionAppId`, then configType 1 with `payUrl`, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficialAccountBindRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_no: Option<String>,
    /// The official account's AppID.
    pub attention_app_id: String,
    /// The payment directory (ending in `/`).
    pub pay_url: String,
}

impl Operation for OfficialAccountBindRequest {
    type Answer = OfficialAccountBinding;
    const INFO: OperationInfo = OperationInfo {
        name: "bind_official_account",
        summary: "Both payBind steps of an official account in order: attentionAppId, then payUrl",
        effect: Effect::Setup,
    };
}

impl OfficialAccountBindRequest {
    /// The two payBind requests, in the order they must be sent.
    pub fn steps(&self) -> [PayBindRequest; 2] {
        let mut account = PayBindRequest::new(ConfigType::AttentionAppId);
        account.merchant_no = self.merchant_no.clone();
        account.attention_app_id = Some(self.attention_app_id.clone());
        let mut dir = PayBindRequest::new(ConfigType::PayUrl);
        dir.merchant_no = self.merchant_no.clone();
        dir.attention_app_id = Some(self.attention_app_id.clone());
        dir.pay_url = Some(self.pay_url.clone());
        [account, dir]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum BindStep {
    Bound,
    /// Sunmi answered that it is configured already ("已配置，请勿重复配置").
    AlreadyBound,
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn seed_answers_decode() {
        let b = PayBindResponse::from_data(json!("Success")).unwrap();
        assert_eq!(b.result.as_deref(), Some("Success"));
    }

    #[test]
    fn pay_bind_rules() {
        let c = creds();
        let mut b = PayBindRequest::new(ConfigType::AttentionAppId);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "attentionAppId");
        b.attention_app_id = Some("wxhsdfk34".into());
        let f = b.fields(&c).unwrap();
        assert_eq!((f["configType"].as_str(), f["attentionAppId"].as_str()), ("3", "wxhsdfk34"));
        let mut b = PayBindRequest::new(ConfigType::PayUrl);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "payUrl");
        b.pay_url = Some("http://xxxx.com/xxx/xxx.php".into());
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "payUrl");
        b.pay_url = Some("http://xxxx.com/xxx/".into());
        assert!(b.fields(&c).is_ok());
        let mut b = PayBindRequest::new(ConfigType::MiniAppId);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "miniAppId");
        b.mini_app_id = Some("wxhsdfks24324534".into());
        assert!(b.fields(&c).is_ok());
        let b = PayBindRequest::new(ConfigType::ReceiptAppId);
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "receiptAppId");
        assert!(PayBindRequest::new(ConfigType::Query).fields(&c).is_ok());
        let b: PayBindRequest = serde_json::from_value(json!({"configType": 7})).unwrap();
        assert_eq!(field_of(b.fields(&c).unwrap_err()), "configType");
        let b: PayBindRequest = serde_json::from_value(json!({"configType": "2", "miniAppId": "wx1"})).unwrap();
        assert_eq!(b.config_type, ConfigType::MiniAppId);
    }
}
