//! The lists: 4.1 paylist (the store's payment methods) and 4.2 order (the paged order list).

use serde::{Deserialize, Serialize};

use super::call::{path, Call, ORD_NO_RULE, OUT_NO_RULE};
use super::checks::{check_len, check_opt_len};
use super::flex;
use super::records::OrderInfo;
use crate::error::{Error, Result};
use crate::ids::require;
use crate::operation::{Effect, Operation, OperationInfo};

// ---------------------------------------------------------------------------------------------
// 4.1 paylist

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PaylistRequest {
    /// Payment types, comma separated: 2 (C scans B), 3 (B scans C), 4 (JSAPI); e.g. `"2,3,4"`.
    pub pmt_type: String,
}

impl PaylistRequest {
    pub fn validate(&self) -> Result<()> {
        require("pmt_type", &self.pmt_type)?;
        check_len("pmt_type", &self.pmt_type, 10)?;
        if !self.pmt_type.split(',').all(|t| t.len() == 1 && t.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::invalid("pmt_type", "single digits separated by commas, e.g. \"2,3,4\""));
        }
        Ok(())
    }
}

/// One payment method of the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct PayMethod {
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_name: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_internal_name: Option<String>,
    /// The tag to pass as `pmt_tag` to payorder (e.g. `Weixin`, `AlipayCS`).
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_tag: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_type: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_icon: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_ticket_icon: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_currency: Option<String>,
    /// `1` when one order may be refunded in several parts.
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_split_refund: Option<String>,
    #[serde(deserialize_with = "flex::string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ticket_name: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

impl Operation for PaylistRequest {
    type Answer = Vec<PayMethod>;
    const INFO: OperationInfo = OperationInfo {
        name: "paylist",
        summary: "payment methods of the store (4.1); params {pmt_type: \"2,3,4\"}",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        PaylistRequest::validate(self)
    }
}

impl Call for PaylistRequest {
    const PATH: &'static str = path::PAYLIST;
}

// ---------------------------------------------------------------------------------------------
// 4.2 order (paged list)

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct OrderListRequest {
    /// Page number from 1 (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page: Option<u32>,
    /// Rows per page, 1..=100 (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pagesize: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pmt_tag: Option<String>,
    /// 1 payments, 2 refunds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ord_type: Option<u8>,
    /// 1 paid, 2 pending, 4 cancelled, 9 waiting for password.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<u8>,
    /// Start, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (default: the last 90 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sdate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub edate: Option<String>,
}

fn check_date(field: &str, value: &Option<String>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let date_ok = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10);
    let ok = match b.len() {
        10 => date_ok,
        19 => {
            date_ok
                && b[10] == b' '
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
        }
        _ => false,
    };
    if !ok {
        return Err(Error::invalid(field, "expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS"));
    }
    Ok(())
}

impl OrderListRequest {
    pub fn validate(&self) -> Result<()> {
        if self.page == Some(0) {
            return Err(Error::invalid("page", "pages count from 1"));
        }
        if let Some(n) = self.pagesize {
            if !(1..=100).contains(&n) {
                return Err(Error::invalid("pagesize", "1..=100"));
            }
        }
        if let Some(v) = &self.out_no {
            OUT_NO_RULE.check("out_no", v)?;
        }
        if let Some(v) = &self.ord_no {
            ORD_NO_RULE.check("ord_no", v)?;
        }
        check_opt_len("trade_no", &self.trade_no, 50)?;
        check_opt_len("pmt_tag", &self.pmt_tag, 20)?;
        if self.ord_type.is_some_and(|t| !matches!(t, 1 | 2)) {
            return Err(Error::invalid("ord_type", "1 (payment) or 2 (refund)"));
        }
        if self.status.is_some_and(|s| !matches!(s, 1 | 2 | 4 | 9)) {
            return Err(Error::invalid("status", "1, 2, 4 or 9"));
        }
        check_date("sdate", &self.sdate)?;
        check_date("edate", &self.edate)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct Pages {
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub totalnum: Option<i64>,
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub totalpage: Option<i64>,
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pagesize: Option<i64>,
    #[serde(deserialize_with = "flex::int")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct OrderListResponse {
    /// The seed's table calls it `page`, its example `pages`.
    #[serde(alias = "page")]
    pub pages: Pages,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list: Vec<OrderInfo>,
}

impl Operation for OrderListRequest {
    type Answer = OrderListResponse;
    const INFO: OperationInfo =
        OperationInfo { name: "order", summary: "paged order list with filters (4.2)", effect: Effect::Read };

    fn validate(&self) -> Result<()> {
        OrderListRequest::validate(self)
    }
}

impl Call for OrderListRequest {
    const PATH: &'static str = path::ORDER;
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn list_requests_validate() {
        assert_eq!(field_of(PaylistRequest { pmt_type: "2;3".into() }.validate().unwrap_err()), "pmt_type");
        assert!(PaylistRequest { pmt_type: "2,3,4".into() }.validate().is_ok());
        let list = |f: &dyn Fn(&mut OrderListRequest)| {
            let mut r = OrderListRequest::default();
            f(&mut r);
            r.validate().map_err(field_of)
        };
        assert_eq!(list(&|_| {}), Ok(()));
        assert_eq!(list(&|r| r.pagesize = Some(101)), Err("pagesize".into()));
        assert_eq!(list(&|r| r.page = Some(0)), Err("page".into()));
        assert_eq!(list(&|r| r.status = Some(3)), Err("status".into()));
        assert_eq!(list(&|r| r.ord_type = Some(3)), Err("ord_type".into()));
        assert_eq!(list(&|r| r.sdate = Some("2017-06-20 17:05".into())), Err("sdate".into()));
        assert_eq!(list(&|r| r.edate = Some("2017-06-20".into())), Ok(()));
        assert_eq!(list(&|r| r.edate = Some("2017-06-20 17:05:50".into())), Ok(()));
    }
}
