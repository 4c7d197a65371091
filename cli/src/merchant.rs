//! Where the CLI's gateway configuration comes from: a merchant TOML file for real gateways, or
//! the sandbox's built-in test credentials with `--sandbox ROOT_URL`.

use std::path::Path;
use std::time::Duration;

use posgate_core::{Credentials, Environment, Error, GatewayConfig, GatewayId};
use serde::Deserialize;

/// `merchant.toml`:
///
/// ```toml
/// gateway = "tlinx"
/// base_url = "https://gateway.example.com"
/// environment = "production"      # or "test"
/// # allow_http = false            # only for a test host
/// # connect_timeout_secs = 10
/// # request_timeout_secs = 30
/// [credentials]
/// open_id = "..."
/// open_key = "..."
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MerchantFile {
    gateway: String,
    base_url: String,
    #[serde(default)]
    environment: Environment,
    #[serde(default)]
    allow_http: bool,
    connect_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    credentials: toml::Table,
}

pub fn parse_gateway(name: &str) -> Result<GatewayId, Error> {
    GatewayId::parse(name).ok_or_else(|| {
        Error::invalid("gateway", format!("unknown gateway {name:?} (sunmi, chaoying, kuaishou, mmsp, tlinx)"))
    })
}

pub fn load(path: &Path) -> Result<GatewayConfig, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::config(format!("{}: {e}", path.display())))?;
    from_toml(&text).map_err(|e| match e {
        Error::Configuration { detail } => Error::config(format!("{}: {detail}", path.display())),
        other => other,
    })
}

pub fn from_toml(text: &str) -> Result<GatewayConfig, Error> {
    let file: MerchantFile = toml::from_str(text).map_err(|e| Error::config(e.message().to_string()))?;
    let gateway = parse_gateway(&file.gateway)?;
    let creds_json = serde_json::to_value(&file.credentials).map_err(|e| Error::config(e.to_string()))?;
    let credentials = Credentials::from_json(gateway, creds_json)?;
    let mut cfg = GatewayConfig::new(file.base_url, credentials);
    cfg.environment = file.environment;
    cfg.allow_http = file.allow_http;
    if let Some(s) = file.connect_timeout_secs {
        cfg.connect_timeout = Duration::from_secs(s);
    }
    if let Some(s) = file.request_timeout_secs {
        cfg.request_timeout = Duration::from_secs(s);
    }
    Ok(cfg)
}

/// The configuration for a command: `--config` file, or `--sandbox` root URL plus `--gateway`.
pub fn resolve(config: Option<&Path>, sandbox: Option<&str>, gateway: Option<&str>) -> Result<GatewayConfig, Error> {
    match (config, sandbox) {
        (Some(path), None) => {
            let cfg = load(path)?;
            if let Some(g) = gateway {
                let g = parse_gateway(g)?;
                if g != cfg.gateway() {
                    return Err(Error::config(format!(
                        "--gateway {g} but {} configures {}",
                        path.display(),
                        cfg.gateway()
                    )));
                }
            }
            Ok(cfg)
        }
        (None, Some(root)) => {
            let g = parse_gateway(
                gateway.ok_or_else(|| Error::invalid("gateway", "--gateway is required with --sandbox"))?,
            )?;
            posgate_sandbox::test_config(g, root)
                .ok_or_else(|| Error::Unsupported { what: format!("gateway {g} is not supported yet") })
        }
        (Some(_), Some(_)) => Err(Error::config("give either --config or --sandbox, not both")),
        (None, None) => Err(Error::config("give --config merchant.toml (real gateway) or --sandbox ROOT_URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_file() {
        let cfg = from_toml(
            r#"
gateway = "tlinx"
base_url = "https://example.com/"
[credentials]
open_id = "abc"
open_key = "0828e83720fdbe3685a7b94214af04f9"
"#,
        )
        .unwrap();
        assert_eq!(cfg.gateway(), GatewayId::Tlinx);
        assert_eq!(cfg.base_url, "https://example.com");
        assert!(!cfg.allow_http);
        assert!(!format!("{cfg:?}").contains("0828e837"), "key leaked into Debug");
        let e = from_toml("gateway = \"nope\"\nbase_url = \"x\"\n[credentials]\n").unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "gateway"));
        let e = from_toml("gateway = \"tlinx\"\nbase_url = \"x\"\n[credentials]\nopen_id = \"a\"\n").unwrap_err();
        assert!(matches!(e, Error::Configuration { .. }), "{e:?}");
    }
}
