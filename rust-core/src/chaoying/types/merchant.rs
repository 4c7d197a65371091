//! The merchant extras: `Mch_Reg`, `GetMchSMSValid`, `GetMchId`, `GetPartnerId`, `GetMchInfo`
//! and `WXA_Code2Session`.

use serde::{Deserialize, Serialize};

use super::call::{Call, Endpoint, WithStatus, COMMON_FIELDS};
use super::codes::{CommState, MchState, Read, Status};
use super::de;
use super::form::{given, not_blank, Form};
use super::records::PartnerListJson;
use crate::chaoying::Credentials;
use crate::error::{Error, Result};
use crate::ids::require;
use crate::operation::{Effect, Operation, OperationInfo};
use crate::secret::Secret;
use crate::trade::RawFields;

// --- Mch_Reg (注册超赢虚拟商户)

/// `Mch_Reg`: the seed says its fields come from Chaoying's support; they are passed as given.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MchRegRequest {
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fields: crate::wire::Extra,
}

impl Operation for MchRegRequest {
    type Answer = MchRegResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "mch_reg", summary: "Register a Chaoying virtual merchant", effect: Effect::Setup };

    fn validate(&self) -> Result<()> {
        if self.fields.values().all(|v| v.is_empty()) {
            return Err(Error::invalid("fields", "the registration fields are missing"));
        }
        if let Some(k) = self.fields.keys().find(|k| COMMON_FIELDS.contains(&k.as_str()) || k.as_str() == "key") {
            return Err(Error::invalid(k.as_str(), "is set by the client, not by the request"));
        }
        Ok(())
    }
}

impl Call for MchRegRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/UnifiedPay/Mch_Reg");
    const READ: Read = Read::Plain;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        self.fields.iter().fold(Form::default(), |f, (k, v)| f.put(k, v.as_str())).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MchRegResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub nonce_str: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for MchRegResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- GetMchSMSValid (下发获取超赢商户号验证短信)

/// `GetMchSMSValid`: texts a verification code to `mobile`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MchSmsValidRequest {
    pub mobile: String,
}

fn mobile(field: &str, v: &str) -> Result<()> {
    if v.len() != 11 || !v.starts_with('1') || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(field, "must be an 11-digit mainland mobile number"));
    }
    Ok(())
}

impl Operation for MchSmsValidRequest {
    type Answer = MchSmsValidResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_mch_sms_valid",
        summary: "Text a verification code for get_mch_id to a mobile",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        mobile("mobile", &self.mobile)
    }
}

impl Call for MchSmsValidRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Mch/GetMchSMSValid");
    const READ: Read = Read::StateOnly;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        Form::default().put("mobile", self.mobile.as_str()).done()
    }
}

/// Here `code` is not a status code: it is how many minutes the texted code stays valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MchSmsValidResponse {
    #[serde(flatten)]
    pub status: Status,
    /// `code` read as minutes when `state` is SUCCESS.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub valid_minutes: Option<u32>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for MchSmsValidResponse {
    fn status(&self) -> &Status {
        &self.status
    }

    fn complete(&mut self) {
        if self.status.state == CommState::Success {
            self.valid_minutes = self.status.code.as_str().parse().ok();
        }
    }
}

// --- GetMchId (获取超赢商户号)

/// `GetMchId`: by mobile + texted code, or by user name + password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct GetMchIdRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mobile: Option<String>,
    /// The texted code.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub valid: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub username: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub password: Option<Secret>,
}

impl Operation for GetMchIdRequest {
    type Answer = GetMchIdResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_mch_id",
        summary: "Get the merchant number by mobile + code or user name + password",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        let by_mobile = given(&self.mobile) || given(&self.valid);
        let has_password = self.password.as_ref().is_some_and(|p| !p.is_empty());
        let by_user = given(&self.username) || has_password;
        if by_mobile {
            if let Some(m) = &self.mobile {
                mobile("mobile", m)?;
            }
            if !given(&self.valid) {
                return Err(Error::invalid("valid", "the texted code is required with mobile"));
            }
            if !given(&self.mobile) {
                return Err(Error::invalid("mobile", "required with valid"));
            }
        } else if by_user {
            if !given(&self.username) {
                return Err(Error::invalid("username", "required with password"));
            }
            if !has_password {
                return Err(Error::invalid("password", "required with username"));
            }
        } else {
            return Err(Error::invalid("mobile", "required with valid (or username and password)"));
        }
        Ok(())
    }
}

impl Call for GetMchIdRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Mch/GetMchId");
    const READ: Read = Read::Plain;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        Form::default()
            .opt("mobile", &self.mobile)
            .opt("valid", &self.valid)
            .opt("username", &self.username)
            .put("password", self.password.as_ref().map(|p| p.expose()).unwrap_or_default())
            .done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GetMchIdResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    /// Case-sensitive.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_trade_code: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_full_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_short_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_state: Option<MchState>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for GetMchIdResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- GetPartnerId (获取超赢商户微信子商户号)

/// `GetPartnerId`; `mch_id` defaults to the configured merchant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct GetPartnerIdRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
}

impl Operation for GetPartnerIdRequest {
    type Answer = GetPartnerIdResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "get_partner_id",
        summary: "The merchant's WeChat sub-merchant numbers per channel",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        not_blank("mch_id", &self.mch_id)
    }
}

impl Call for GetPartnerIdRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/GetPartnerId");
    const READ: Read = Read::Plain;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default().put("mch_id", self.mch_id.clone().unwrap_or_else(|| creds.mch_id.clone())).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GetPartnerIdResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nested_json")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub partner_list: Option<PartnerListJson>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for GetPartnerIdResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- GetMchInfo (获取超赢商户基础信息)

/// `GetMchInfo`; `mch_id` defaults to the configured merchant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct GetMchInfoRequest {
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
}

impl Operation for GetMchInfoRequest {
    type Answer = GetMchInfoResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "get_mch_info", summary: "The merchant's full and short names", effect: Effect::Read };

    fn validate(&self) -> Result<()> {
        not_blank("mch_id", &self.mch_id)
    }
}

impl Call for GetMchInfoRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/GetMchInfo");
    const READ: Read = Read::Plain;

    fn fields(&self, creds: &Credentials) -> RawFields {
        Form::default().put("mch_id", self.mch_id.clone().unwrap_or_else(|| creds.mch_id.clone())).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GetMchInfoResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mch_id: Option<String>,
    #[serde(rename = "FullName", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub full_name: Option<String>,
    #[serde(rename = "ShortName", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub short_name: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for GetMchInfoResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

// --- WXA_Code2Session (小程序用户code登录)

/// `WXA_Code2Session`: a mini program's login code to the user's openid.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Code2SessionRequest {
    pub appid: String,
    pub js_code: String,
}

impl Operation for Code2SessionRequest {
    type Answer = Code2SessionResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "wxa_code2session",
        summary: "Mini program login code to openid and session key",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        require("appid", &self.appid)?;
        require("js_code", &self.js_code)
    }
}

impl Call for Code2SessionRequest {
    const ENDPOINT: Endpoint = Endpoint::Path("/Open/WXA_Code2Session");
    const READ: Read = Read::Plain;
    const SIGNED_SUCCESS: bool = false;

    fn fields(&self, _creds: &Credentials) -> RawFields {
        Form::default().put("appid", self.appid.as_str()).put("js_code", self.js_code.as_str()).done()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Code2SessionResponse {
    #[serde(flatten)]
    pub status: Status,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub openid: Option<String>,
    /// The mini program's session key: handle as a secret.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub session_key: Option<String>,
    /// Seconds.
    #[serde(default, deserialize_with = "de::opt_whole")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub expires_in: Option<u64>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub unionid: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::Extra,
}

impl WithStatus for Code2SessionResponse {
    fn status(&self) -> &Status {
        &self.status
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::chaoying::types::PaymentChannel;
    use crate::wire::JsonText;

    #[test]
    fn partner_list_of_the_seed() {
        // The seed's partner_list lost its backslashes in conversion; here they are restored.
        let r: GetPartnerIdResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","mch_id":"00000001",
            "partner_list":"[{\"pay_channel\": \"CEB\", \"partner_id\": \"257012345\", \"appid\": \"wx2a8d87e234100000\"}, {\"pay_channel\": \"CCB\", \"partner_id\": \"257012346\", \"appid\": \"wx2a8d87e234100000\"}]",
            "sign":"0"}"#,
        );
        let list = r.partner_list.as_ref().and_then(JsonText::parsed).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].pay_channel, PaymentChannel::Ceb);
        assert_eq!(list[0].partner_id.as_deref(), Some("257012345"));
        // CCB is not in the seed's channel table: kept as received.
        assert_eq!(list[1].pay_channel, PaymentChannel::Other("CCB".into()));
    }

    #[test]
    fn merchant_answers_of_the_seed() {
        let r: MchSmsValidResponse = answer(r#"{"state":"SUCCESS","code":"20","msg":"短信验证码已发送","sign":"0"}"#);
        assert_eq!(r.valid_minutes, Some(20));
        let r: GetMchIdResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","mch_id":"f0000000000000001",
            "mch_trade_code":"f6742168cc","mch_full_name":"广州市超赢信息科技有限公司","mch_short_name":"超赢科技",
            "mch_state":"20","sign":"0"}"#,
        );
        assert_eq!(r.mch_state, Some(MchState::Enabled));
        assert_eq!(r.mch_trade_code.as_deref(), Some("f6742168cc"));
        let r: GetMchInfoResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","mch_id":"00000001","FullName":"测试商户全称",
            "ShortName":"测试商户简称","sign":"0"}"#,
        );
        assert_eq!(r.full_name.as_deref(), Some("测试商户全称"));
        assert_eq!(serde_json::to_value(&r).unwrap()["ShortName"], "测试商户简称");
        let r: Code2SessionResponse = answer(
            r#"{"state":"SUCCESS","code":"10000","msg":"SUCCESS","openid":"oDY_z00gEhAdLJ8cLTVd8nGCj-_M",
            "session_key":"+rL9Uq02dbP85itL0dz94w==","expires_in":7200}"#,
        );
        assert_eq!(r.expires_in, Some(7200));
    }

    #[test]
    fn mch_reg_invoke_params() {
        let reg: MchRegRequest = serde_json::from_value(serde_json::json!({"key1": "aaa", "key2": "bbb"})).unwrap();
        assert_eq!(reg.fields(&creds()).len(), 2);
    }

    #[test]
    fn validation_names_the_field() {
        assert_eq!(field_of(MchSmsValidRequest { mobile: "2380000000".into() }.validate()), "mobile");
        assert_eq!(field_of(GetMchIdRequest::default().validate()), "mobile");
        let by_user = GetMchIdRequest { username: Some("u".into()), ..Default::default() };
        assert_eq!(field_of(by_user.validate()), "password");
        let by_mobile = GetMchIdRequest { mobile: Some("13800000000".into()), ..Default::default() };
        assert_eq!(field_of(by_mobile.validate()), "valid");
        assert_eq!(field_of(MchRegRequest::default().validate()), "fields");
        let reg = MchRegRequest { fields: [("pid".to_string(), "x".to_string())].into() };
        assert_eq!(field_of(reg.validate()), "pid");
        let c2s = Code2SessionRequest { appid: "wx4da448cd29920000".into(), js_code: String::new() };
        assert_eq!(field_of(c2s.validate()), "js_code");
    }

    #[test]
    fn password_is_not_printed() {
        let r = GetMchIdRequest {
            username: Some("u".into()),
            password: Some(Secret::new("12345678")),
            ..Default::default()
        };
        assert!(!format!("{r:?}").contains("12345678"));
        assert_eq!(r.fields(&creds())["password"], "12345678");
    }
}
