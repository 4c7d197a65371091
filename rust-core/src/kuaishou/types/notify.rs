//! The payment notification `PAY_NODIFY` (5.x, spelled so on the wire), posted to `NODIFY_URL`
//! after a QR or JSAPI order is paid.

use serde::{Deserialize, Serialize};

use super::codes::{ChannelType, State};
use super::records::*;
use crate::money::Money;

/// `PAY_NODIFY` (5.2). `CHARGE_THIRD_CODE` is marked required but missing from the sample:
/// every field is optional here; the verification requires what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PayNotification {
    #[serde(rename = "BUSI_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub busi_id: Option<String>,
    #[serde(rename = "OPER_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub oper_id: Option<String>,
    #[serde(rename = "DEV_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dev_id: Option<String>,
    /// `AMT`: fen.
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amt: Option<Money>,
    #[serde(rename = "CHANNEL_TYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_type: Option<ChannelType>,
    #[serde(rename = "CHARGE_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_code: Option<String>,
    #[serde(rename = "CHARGE_DOWN_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_down_code: Option<String>,
    #[serde(rename = "CHARGE_THIRD_CODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charge_third_code: Option<String>,
    #[serde(rename = "PAY_SUBJECT", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_subject: Option<String>,
    #[serde(rename = "GOODS_DETAIL", default, deserialize_with = "goods_records")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods: Vec<GoodsRecord>,
    #[serde(rename = "STATE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<State>,
    #[serde(rename = "MERCHANTPARA", default, deserialize_with = "opt_merchant_para")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merchant_para: Option<MerchantPara>,
    #[serde(rename = "FUND_BILL_LIST", default, deserialize_with = "fund_bills")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bills: Vec<FundBill>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kuaishou::types::test_support::*;

    #[test]
    fn seed_5_3_notification() {
        let n: PayNotification = answer("5.3", "PAY_NODIFY");
        assert_eq!(n.charge_code.as_deref(), Some("1C88FADB-75D2-4517-9C38-F273D423FFF3"));
        assert_eq!(n.state, Some(State::Paid));
        assert_eq!(n.amt, Some(fen(1)));
        assert_eq!(n.channel_type, Some(ChannelType::Alipay));
        assert_eq!(n.fund_bills[0].amount, Some(fen(1)));
        assert_eq!(n.charge_third_code, None, "missing from the sample");
        assert_eq!(n.merchant_para.unwrap().raw, "111111111111111111111111");
    }
}
