//! Scan code's two browser helpers (digest §6.5): not API calls but addresses a browser or
//! webview opens. Pure functions: nothing is sent from here.
//!
//! - 10.1: the WeChat H5 wake-up page, `{platform}/payopenplath5/wxh5pay?memo=…&termno=…&merurl=…&tradetype=1`.
//! - 10.2: the redirect that learns the payer's WeChat OpenID or Alipay USER_ID for the
//!   platform's own 公众号 / 服务窗: `url_2?merurl=urlencode(url_1)&merno=…&tradetype=…`,
//!   which comes back to `url_1?token_id=XXXX`.

use base64::Engine as _;

use crate::error::{Error, Result};

/// Which id the 10.2 redirect learns: `tradetype` 1 (WeChat 公众号 OpenID) or 2 (Alipay 服务窗
/// USER_ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum MmspPayerIdKind {
    WechatOpenid,
    AlipayUserId,
}

fn http_url(field: &str, value: &str) -> Result<url::Url> {
    match url::Url::parse(value.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u),
        _ => Err(Error::invalid(field, "an http or https URL")),
    }
}

fn required(field: &str, value: &str) -> Result<()> {
    crate::ids::require(field, value)
}

/// 10.1 微信H5支付唤醒微信APP: the page that wakes WeChat for an H5 payment, opened in a webview.
///
/// `platform_url` is the platform's address (from the operator; the seed prints
/// `http://平台地址`), `merno` / `termno` the merchant's (`memo` is the merchant number),
/// `return_url` where the payer comes back (`merurl`, Base64 as the seed says). Every value is
/// percent-encoded in the query: a Base64 `+` left bare would reach PHP's `$_GET` as a space.
pub fn wechat_h5_wakeup_url(platform_url: &str, merno: &str, termno: &str, return_url: &str) -> Result<String> {
    let mut url = http_url("platform_url", platform_url)?;
    required("merno", merno)?;
    required("termno", termno)?;
    http_url("return_url", return_url)?;
    let merurl = base64::engine::general_purpose::STANDARD.encode(return_url.trim().as_bytes());
    let path = format!("{}/payopenplath5/wxh5pay", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(None);
    url.query_pairs_mut()
        .append_pair("memo", merno.trim())
        .append_pair("termno", termno.trim())
        .append_pair("merurl", &merurl)
        .append_pair("tradetype", "1");
    Ok(url.to_string())
}

/// 10.2 获取微信OPENID/支付宝USER_ID: the address to send the payer's browser to (a GET
/// redirect). `auth_url` is the operator's `url_2`, `return_url` the merchant's `url_1` that
/// receives `?token_id=…` ([`token_id_of`]).
pub fn payer_id_redirect_url(auth_url: &str, return_url: &str, merno: &str, kind: MmspPayerIdKind) -> Result<String> {
    let mut url = http_url("auth_url", auth_url)?;
    http_url("return_url", return_url)?;
    required("merno", merno)?;
    let tradetype = match kind {
        MmspPayerIdKind::WechatOpenid => "1",
        MmspPayerIdKind::AlipayUserId => "2",
    };
    url.query_pairs_mut()
        .append_pair("merurl", return_url.trim())
        .append_pair("merno", merno.trim())
        .append_pair("tradetype", tradetype);
    Ok(url.to_string())
}

/// The payer's OpenID / USER_ID from the address the 10.2 redirect came back to
/// (`url_1?token_id=XXXX`); `None` when it carries none.
pub fn token_id_of(returned_url: &str) -> Option<String> {
    let url = url::Url::parse(returned_url.trim()).ok()?;
    url.query_pairs().find(|(k, _)| k == "token_id").map(|(_, v)| v.into_owned()).filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechat_h5_wakeup() {
        let u = wechat_h5_wakeup_url(
            "https://pay.example.com",
            "001440353999853",
            "84970001",
            "https://m.example/back?o=1",
        )
        .unwrap();
        // base64("https://m.example/back?o=1") = aHR0cHM6Ly9tLmV4YW1wbGUvYmFjaz9vPTE= ('=' encoded).
        assert_eq!(
            u,
            "https://pay.example.com/payopenplath5/wxh5pay?memo=001440353999853&termno=84970001\
             &merurl=aHR0cHM6Ly9tLmV4YW1wbGUvYmFjaz9vPTE%3D&tradetype=1"
        );
        // A platform address with a path prefix keeps it; '+' and '/' of Base64 are encoded.
        let u = wechat_h5_wakeup_url("http://10.0.0.1:8080/open/", "M", "T", "https://x/?>>>").unwrap();
        assert!(u.starts_with("http://10.0.0.1:8080/open/payopenplath5/wxh5pay?memo=M&termno=T&merurl="), "{u}");
        let merurl = url::Url::parse(&u).unwrap().query_pairs().find(|(k, _)| k == "merurl").unwrap().1.into_owned();
        let decoded = base64::engine::general_purpose::STANDARD.decode(merurl).unwrap();
        assert_eq!(decoded, b"https://x/?>>>");
        for (args, field) in [
            (("ftp://x", "M", "T", "https://r"), "platform_url"),
            (("https://p", " ", "T", "https://r"), "merno"),
            (("https://p", "M", "", "https://r"), "termno"),
            (("https://p", "M", "T", "back"), "return_url"),
        ] {
            let e = wechat_h5_wakeup_url(args.0, args.1, args.2, args.3).unwrap_err();
            assert!(matches!(e, Error::InvalidInput { field: f, .. } if f == field), "{field}");
        }
    }

    #[test]
    fn payer_id_redirect() {
        let u = payer_id_redirect_url(
            "https://auth.example/oauth?x=1",
            "https://m.example/cb?a=1&b=2",
            "001440353999853",
            MmspPayerIdKind::AlipayUserId,
        )
        .unwrap();
        assert_eq!(
            u,
            "https://auth.example/oauth?x=1&merurl=https%3A%2F%2Fm.example%2Fcb%3Fa%3D1%26b%3D2\
             &merno=001440353999853&tradetype=2"
        );
        let u =
            payer_id_redirect_url("https://a.example/o", "https://m/cb", "M", MmspPayerIdKind::WechatOpenid).unwrap();
        assert!(u.ends_with("&tradetype=1"));
        assert_eq!(token_id_of("https://m.example/cb?a=1&token_id=oUpF8uMuAJO"), Some("oUpF8uMuAJO".into()));
        assert_eq!(token_id_of("https://m.example/cb?token_id="), None);
        assert_eq!(token_id_of("not a url"), None);
        let e = payer_id_redirect_url("https://a", "/cb", "M", MmspPayerIdKind::WechatOpenid).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { field, .. } if field == "return_url"));
    }
}
