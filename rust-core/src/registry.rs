//! The one place that lists the gateways: their credentials, how to connect to one, and the
//! notification verification that needs no client. Everything above (journal, engine, bindings,
//! CLI) reaches a gateway through here; nothing below imports it.

use std::sync::Arc;

use crate::client::ForGateway;
use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::trade::GatewayId;
use crate::{chaoying, kuaishou, mmsp, sunmi, tlinx};

/// Credentials of one merchant at one gateway. Keys are `Secret`s: never printed.
#[derive(Debug, Clone)]
pub enum Credentials {
    Sunmi(sunmi::Credentials),
    Chaoying(chaoying::Credentials),
    Tlinx(tlinx::Credentials),
    Kuaishou(kuaishou::Credentials),
    Mmsp(mmsp::Credentials),
}

/// A configuration with the credentials of any gateway.
pub type GatewayConfig = crate::config::Config<Credentials>;

/// The gateways implemented, in the order they are listed to users.
pub const IMPLEMENTED: &[GatewayId] =
    &[GatewayId::Sunmi, GatewayId::Chaoying, GatewayId::Kuaishou, GatewayId::Tlinx, GatewayId::Mmsp];

/// Hands every implemented gateway's operation list to `$then!`, as
/// `$then! { GatewayIdVariant snake_name calls { .. } charges { .. } }`: how posgate-android
/// derives a typed Kotlin object per gateway, so a gateway added here is typed in Kotlin at once.
#[macro_export]
#[doc(hidden)]
macro_rules! each_gateway {
    ($then:ident) => {
        $crate::sunmi_operations!($then(Sunmi sunmi));
        $crate::chaoying_operations!($then(Chaoying chaoying));
        $crate::kuaishou_operations!($then(Kuaishou kuaishou));
        $crate::tlinx_operations!($then(Tlinx tlinx));
        $crate::mmsp_operations!($then(Mmsp mmsp));
    };
}

impl Credentials {
    pub fn gateway(&self) -> GatewayId {
        match self {
            Credentials::Sunmi(_) => GatewayId::Sunmi,
            Credentials::Chaoying(_) => GatewayId::Chaoying,
            Credentials::Tlinx(_) => GatewayId::Tlinx,
            Credentials::Kuaishou(_) => GatewayId::Kuaishou,
            Credentials::Mmsp(_) => GatewayId::Mmsp,
        }
    }

    /// Parses the `[credentials]` table of a merchant file for `gateway`.
    pub fn from_json(gateway: GatewayId, value: serde_json::Value) -> Result<Credentials> {
        let bad = |e: serde_json::Error| Error::config(format!("{gateway} credentials: {e}"));
        match gateway {
            GatewayId::Sunmi => Ok(Credentials::Sunmi(serde_json::from_value(value).map_err(bad)?)),
            GatewayId::Chaoying => Ok(Credentials::Chaoying(serde_json::from_value(value).map_err(bad)?)),
            GatewayId::Tlinx => Ok(Credentials::Tlinx(serde_json::from_value(value).map_err(bad)?)),
            GatewayId::Kuaishou => Ok(Credentials::Kuaishou(serde_json::from_value(value).map_err(bad)?)),
            GatewayId::Mmsp => Ok(Credentials::Mmsp(serde_json::from_value(value).map_err(bad)?)),
        }
    }
}

impl GatewayConfig {
    pub fn gateway(&self) -> GatewayId {
        self.credentials.gateway()
    }
}

/// Builds the client for a configuration.
pub fn connect(config: GatewayConfig) -> Result<Arc<dyn Gateway>> {
    match config.gateway() {
        GatewayId::Sunmi => Ok(Arc::new(sunmi::Client::new(config)?)),
        GatewayId::Chaoying => Ok(Arc::new(chaoying::Client::new(config)?)),
        GatewayId::Tlinx => Ok(Arc::new(tlinx::Client::new(config)?)),
        GatewayId::Kuaishou => Ok(Arc::new(kuaishou::Client::new(config)?)),
        GatewayId::Mmsp => Ok(Arc::new(mmsp::Client::new(config)?)),
    }
}

/// Lets `chaoying::Client::new` (and the others) take a configuration with any gateway's
/// credentials, refusing another gateway's with a configuration error.
macro_rules! for_gateway {
    ($($variant:ident => $module:ident),*) => {$(
        impl ForGateway<$module::Credentials> for Credentials {
            fn for_gateway(self) -> Result<$module::Credentials> {
                match self {
                    Credentials::$variant(c) => Ok(c),
                    other => Err(Error::config(format!(
                        "{} client given {} credentials", GatewayId::$variant, other.gateway()
                    ))),
                }
            }
        }
    )*};
}

for_gateway!(Sunmi => sunmi, Chaoying => chaoying, Tlinx => tlinx, Kuaishou => kuaishou, Mmsp => mmsp);

#[cfg(test)]
mod tests {
    use super::*;

    /// `each_gateway!` (the bindings' typed API) lists exactly the implemented gateways, and each
    /// typed method is named by its operation's one name.
    #[test]
    fn each_gateway_lists_every_implemented_gateway_by_operation_name() {
        use crate::operation::Operation;
        let mut listed: Vec<GatewayId> = Vec::new();
        macro_rules! check {
            ($id:ident $name:ident calls { $($c:path => $cm:ident,)* } charges { $($h:path => $hm:ident,)* }) => {{
                listed.push(GatewayId::$id);
                assert_eq!(GatewayId::$id.as_str(), stringify!($name));
                $(assert_eq!(<$c as Operation>::INFO.name, stringify!($cm));)*
                $(assert_eq!(<$h as Operation>::INFO.name, stringify!($hm));)*
            }};
        }
        crate::each_gateway!(check);
        assert_eq!(listed, IMPLEMENTED);
    }
}
