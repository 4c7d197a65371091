//! Chaoying's merchant operations (registration, look-ups, the mini program's session): canned
//! answers about the sandbox merchant, whose fixed fields are the fixture
//! `fixtures/chaoying/merchant.json`.

use std::sync::LazyLock;

use posgate_core::{crypto, RawFields};
use serde_json::{Map, Value};

use super::{merchant, nonce, required, Answer, Answered, MCH_ID, PASSWORD, REGISTERED_MCH_ID, SMS_CODE, USERNAME};
use crate::fixtures::fixture;
use crate::sim::field;

pub(super) fn mch_reg(f: &RawFields) -> Answered {
    const COMMON: &[&str] = &["agent_id", "version", "pid", "sign", "nonce_str"];
    if !f.iter().any(|(k, v)| !COMMON.contains(&k.as_str()) && !v.is_empty()) {
        return Err(Answer::fail("20004", "参数错误: 缺少进件资料"));
    }
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", REGISTERED_MCH_ID).with("nonce_str", nonce()))
}

fn valid_mobile(m: &str) -> bool {
    m.len() == 11 && m.starts_with('1') && m.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn sms_valid(f: &RawFields) -> Answered {
    if !valid_mobile(required(f, "mobile")?) {
        return Err(Answer::fail("20004", "参数错误: 手机号格式不正确"));
    }
    // Here `code` is how many minutes the texted code stays valid.
    Ok(Answer::new("SUCCESS", "20", "短信验证码已发送"))
}

pub(super) fn get_mch_id(f: &RawFields) -> Answered {
    match (field(f, "mobile"), field(f, "username")) {
        (Some(m), _) => {
            if !valid_mobile(m) || field(f, "valid") != Some(SMS_CODE) {
                return Err(Answer::fail("20004", "参数错误: 手机号或验证码错误"));
            }
        }
        (None, Some(u)) => {
            if u != USERNAME || field(f, "password") != Some(PASSWORD) {
                return Err(Answer::fail("20004", "参数错误: 用户名或密码错误"));
            }
        }
        (None, None) => return Err(Answer::missing("mobile+valid 或 username+password")),
    }
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", MCH_ID).canned("GetMchId"))
}

pub(super) fn partner_id(f: &RawFields) -> Answered {
    merchant(f)?;
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", MCH_ID).canned("GetPartnerId"))
}

pub(super) fn mch_info(f: &RawFields) -> Answered {
    merchant(f)?;
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("mch_id", MCH_ID).canned("GetMchInfo"))
}

pub(super) fn code2session(f: &RawFields) -> Answered {
    required(f, "appid")?;
    let code = required(f, "js_code")?;
    let openid = format!("oSANDBOX{}", crypto::md5_hex(code.as_bytes()).get(..20).unwrap_or_default());
    Ok(Answer::new("SUCCESS", "10000", "SUCCESS").with("openid", openid).canned("WXA_Code2Session"))
}

impl Answer {
    /// The canned fields of the sandbox merchant's answer to `operation` (the fixture): nested
    /// JSON as its text, as the gateway sends it.
    fn canned(self, operation: &str) -> Answer {
        static MERCHANT: LazyLock<Map<String, Value>> = LazyLock::new(|| fixture!("chaoying/merchant.json"));
        let fields = MERCHANT.get(operation).and_then(Value::as_object).cloned().unwrap_or_default();
        fields.into_iter().fold(self, |a, (k, v)| match v {
            Value::String(text) => a.with(&k, text),
            Value::Number(n) => a.number(&k, n.as_u64().unwrap_or_default()),
            nested => a.with(&k, nested.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_merchant_answers() {
        let a = Answer::new("SUCCESS", "10000", "SUCCESS").canned("GetMchId");
        assert_eq!(a.fields["mch_state"], "20");
        assert_eq!(a.fields["mch_short_name"], "沙箱商户");
        let list = Answer::new("SUCCESS", "10000", "SUCCESS").canned("GetPartnerId").fields["partner_list"].clone();
        let list: Vec<Value> = serde_json::from_str(list.as_str().unwrap()).unwrap();
        assert_eq!(list[0]["partner_id"], "257012345");
        // Numbers stay numbers.
        let session = Answer::new("SUCCESS", "10000", "SUCCESS").canned("WXA_Code2Session");
        assert_eq!(session.fields["expires_in"], 7200);
        assert!(session.fields["session_key"].as_str().is_some_and(|k| k.ends_with("==")));
    }
}
