//! Quick pay (快捷支付, digest §5), trade flow A and C: pay 771 (the platform texts the payer a
//! code), SMS confirm 772, SMS resend 778 and the UnionPay quick order 783; and what the quick-pay
//! and gateway-pay types share is in `quick_rules`. Queries, the batch query and the notification
//! are in `quick_query`; the binding operations and flow B in `bind`.
//!
//! Sensitive input: card number, ID number and phone are [`Masked`] (a log line or the journal
//! shows `***` and the last four), CVN2, expiry date, SMS code and cardholder name [`Secret`]
//! (`***`). Only the Body builders call `expose`. There is no Body encryption on this protocol
//! (digest §3.3): these fields travel in clear JSON, protected by HTTPS alone.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, SubApi};
use super::quick_query::MmspQuickTrade;
use super::quick_rules::*;
use crate::error::{Error, Result};
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::{Masked, Secret};

/// 771 `快捷支付交易`: a card payment. The platform texts a code to the cardholder's phone;
/// the payment happens once it is confirmed (772) and is known by a query (773). A pre-order:
/// the journal records it as waiting for the payer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickPayRequest {
    /// `MERORDERID`: the merchant's order number, unique, at most 32.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `CARDNO`.
    pub card_no: Masked,
    /// `CARDTYPE`: 1 debit, 2 credit.
    pub card_type: MmspCardType,
    /// `EXPDATE`, MMYY: credit cards only.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub exp_date: Option<Secret>,
    /// `CVN2`: credit cards only.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cvn2: Option<Secret>,
    /// `NAME`: the cardholder's name.
    pub name: Secret,
    /// `ID_NO`: the cardholder's ID number.
    pub id_no: Masked,
    /// `PHONENO`: the phone the bank knows; the SMS goes there.
    pub phone: Masked,
    /// `USER_ID`: the merchant's cardholder id, to bind the card after paying (binding mode A;
    /// the answer then carries `BIND_ID`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_id: Option<String>,
    /// `NOTIFY_URL`: where the platform posts the notification of a successful payment.
    pub notify_url: String,
}

impl Operation for MmspQuickPayRequest {
    type Answer = MmspQuickTrade;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_pay",
        summary: "771 快捷支付: card payment; the platform texts the payer a code (confirm with quick_pay_confirm, then query)",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        check_amount("amount", self.amount)?;
        check_card_no("card_no", &self.card_no)?;
        check_credit(&self.card_type, self.exp_date.as_ref(), self.cvn2.as_ref())?;
        check_name("name", &self.name)?;
        check_id_no("id_no", &self.id_no)?;
        check_phone("phone", &self.phone)?;
        check_opt(PLATFORM_ID, "user_id", self.user_id.as_deref())?;
        check_url("notify_url", &self.notify_url)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspQuickPayRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 771;
    /// `0` 下单成功,订单待支付 (the usual answer); `1` paid ("理论上不会返回").
    const ANSWERS: &'static [&'static str] = &["0", "1"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let b = Body::default()
            .put("MERORDERID", self.mer_order_id.as_str())
            .fen("AMT", self.amount)
            .put("CARDNO", self.card_no.expose())
            .put("CARDTYPE", self.card_type.as_str())
            .put("NAME", self.name.expose())
            .put("ID_NO", self.id_no.expose())
            .put("PHONENO", self.phone.expose())
            .opt("USER_ID", self.user_id.as_deref())
            .put("NOTIFY_URL", self.notify_url.as_str());
        put_credit(b, &self.card_type, self.exp_date.as_ref(), self.cvn2.as_ref()).done()
    }

    fn check(&self, answer: &MmspQuickTrade) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// 772 `交易发送短信确认`: the payer's SMS code confirms a quick payment. `STATUS` 1 means the
/// confirmation was accepted, **not** that the order is paid: follow it with a query (773,
/// `quick_pay_query`) to learn whether it is (digest §5.2 flow A, §8). A wrong code is refused
/// (`ERRCODE`); the payer may try again or have the code resent (778).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickPayConfirmRequest {
    /// `LIST_ID`: the platform's order number from the pay answer (771).
    pub list_id: String,
    /// `MSG_CODE`: the code the payer received.
    pub msg_code: Secret,
}

impl Operation for MmspQuickPayConfirmRequest {
    type Answer = MmspQuickAck;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_pay_confirm",
        summary:
            "772 交易短信确认: confirms a quick payment with the payer's SMS code; then query 773 for the order's state",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        PLATFORM_ID.check("list_id", &self.list_id)?;
        check_sms_code("msg_code", &self.msg_code)
    }
}

impl Call for MmspQuickPayConfirmRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 772;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default().put("LIST_ID", self.list_id.as_str()).put("MSG_CODE", self.msg_code.expose()).done()
    }

    fn check(&self, answer: &MmspQuickAck) -> Result<()> {
        same_order("LIST_ID", &self.list_id, answer.list_id.as_deref())
    }
}

/// 778 `快捷支付交易短信重发`: sends the payer's SMS code again, "60秒可以重发一次": at most once per
/// 60 s per `LIST_ID`, counted from the pay call that sent the first SMS or the previous
/// resend. The client refuses an early resend before sending (`InvalidInput` on `list_id`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickSmsResendRequest {
    /// `LIST_ID`: the platform's order number from the pay answer (771).
    pub list_id: String,
}

impl Operation for MmspQuickSmsResendRequest {
    type Answer = MmspQuickAck;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_pay_sms_resend",
        summary: "778 短信重发: texts the quick payment's code again (at most once per 60 s)",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        PLATFORM_ID.check("list_id", &self.list_id)
    }
}

impl Call for MmspQuickSmsResendRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 778;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default().put("LIST_ID", self.list_id.as_str()).done()
    }

    fn check(&self, answer: &MmspQuickAck) -> Result<()> {
        same_order("LIST_ID", &self.list_id, answer.list_id.as_deref())
    }

    fn sms_resend_of(&self) -> Option<&str> {
        Some(&self.list_id)
    }
}

/// The answer of 772 (SMS confirm), 778 (resend) and 775 (unbind): `STATUS` 1 (anything else
/// is refused with `ERRCODE`/`ERRMSG`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspQuickAck {
    #[serde(rename = "STATUS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    #[serde(rename = "LIST_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    /// Fields the seed does not list, as received.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// 783 `银联快捷支付下单` (flow C): a UnionPay quick order; the answer's `PAY_URL` (or `HTML`, with
/// `trade_mode` 2) is opened on the phone, where the payer pays. The result comes by the
/// notification or a query (773). A pre-order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspUnionPayQuickOrderRequest {
    /// `MERORDERID`: the merchant's order number, unique, at most 32.
    pub mer_order_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `JUMP_URL`: where the payer's browser goes after paying. Display only: it carries no
    /// trade data and is no proof of payment.
    pub jump_url: String,
    /// `NOTIFY_URL`.
    pub notify_url: String,
    /// `TRADE_MODE`: 1 answers a URL (`PAY_URL`), 2 an HTML page (`HTML`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_mode: Option<u8>,
    /// `CARDNO`: some upstreams require it ("请等生产账号下来后咨询技术").
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_no: Option<Masked>,
}

impl Operation for MmspUnionPayQuickOrderRequest {
    type Answer = MmspUnionPayQuickOrderResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "unionpay_quick_order",
        summary: "783 银联快捷下单: UnionPay quick order; open PAY_URL (or HTML) for the payer, then wait for the notification or query",
        effect: Effect::PreOrder,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        check_amount("amount", self.amount)?;
        check_url("jump_url", &self.jump_url)?;
        check_url("notify_url", &self.notify_url)?;
        if !matches!(self.trade_mode, None | Some(1) | Some(2)) {
            return Err(Error::invalid("trade_mode", "1 (a URL) or 2 (HTML)"));
        }
        self.card_no.as_ref().map_or(Ok(()), |c| check_card_no("card_no", c))
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }
}

impl Call for MmspUnionPayQuickOrderRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 783;
    /// As 771: `0` order placed, waiting for the payer.
    const ANSWERS: &'static [&'static str] = &["0", "1"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("MERORDERID", self.mer_order_id.as_str())
            .fen("AMT", self.amount)
            .put("JUMP_URL", self.jump_url.as_str())
            .put("NOTIFY_URL", self.notify_url.as_str())
            .opt("TRADE_MODE", self.trade_mode.map(|m| m.to_string()).as_deref())
            .opt("CARDNO", self.card_no.as_ref().map(Masked::expose))
            .done()
    }

    fn check(&self, answer: &MmspUnionPayQuickOrderResponse) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// The answer of 783.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspUnionPayQuickOrderResponse {
    /// `0` order placed, waiting for the payer (the example's `ERRMSG` says 用户支付中).
    #[serde(rename = "STATUS", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<MmspTradeStatus>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    #[serde(rename = "LIST_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    /// `YYYYMMDDHHmmss`, as received.
    #[serde(rename = "PAY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_date: Option<String>,
    #[serde(rename = "NOTIFY_DATE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_date: Option<String>,
    /// `AMT`, fen (a string or a number).
    #[serde(rename = "AMT", default, deserialize_with = "crate::wire::de::opt_fen")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amt: Option<Money>,
    /// `PAY_URL`: the page the payer opens.
    #[serde(rename = "PAY_URL", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_url: Option<String>,
    /// `HTML`: the page itself (`trade_mode` 2).
    #[serde(rename = "HTML", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub html: Option<String>,
    /// `CARDNO`, should the platform echo it (not in the seed's list): kept masked rather than
    /// left in `extra` in clear.
    #[serde(rename = "CARDNO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_no: Option<Masked>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}
