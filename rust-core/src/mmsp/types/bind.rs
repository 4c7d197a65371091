//! Quick pay's card binding (5.1, 5.2, 5.6, 5.8) and bound-card payments (trade flow B: 5.13,
//! 5.12). **None of these is open at the platform**: the binding calls are marked "暂未开通"
//! (not yet open) and flow B "无法使用" (cannot be used). They are typed from the seed so that
//! they work the day the operator opens them; until then expect a refusal. Binding mode A (bind
//! while paying) is 771's `user_id`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, SubApi};
use super::quick::MmspQuickAck;
use super::quick_query::{trade_result, MmspQuickTrade};
use super::quick_rules::*;
use crate::error::Result;
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::{Masked, Secret};
use crate::trade::{TradeResult, TradeState};

/// 781 `鉴权绑卡短信` (binding mode B): texts the cardholder the code that binding (774) needs.
/// Not open at the platform (暂未开通).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickBindSmsRequest {
    /// `MERORDERID`: unique per merchant.
    pub mer_order_id: String,
    /// `USER_ID`: the merchant's cardholder id.
    pub user_id: String,
    /// `CARDNO`.
    pub card_no: Masked,
    /// `PHONENO`.
    pub phone: Masked,
}

impl Operation for MmspQuickBindSmsRequest {
    type Answer = MmspQuickBindResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_bind_sms",
        summary: "781 鉴权绑卡短信: texts the code for binding a card; not open at the platform (暂未开通)",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        PLATFORM_ID.check("user_id", &self.user_id)?;
        check_card_no("card_no", &self.card_no)?;
        check_phone("phone", &self.phone)
    }
}

impl Call for MmspQuickBindSmsRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 781;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("MERORDERID", self.mer_order_id.as_str())
            .put("USER_ID", self.user_id.as_str())
            .put("CARDNO", self.card_no.expose())
            .put("PHONENO", self.phone.expose())
            .done()
    }

    fn check(&self, answer: &MmspQuickBindResponse) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// 774 `鉴权绑卡` (binding mode B): binds a card with the code of 781; answers `BIND_ID`. Not
/// open at the platform (暂未开通).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickBindRequest {
    /// `MERORDERID`: as sent to 781.
    pub mer_order_id: String,
    /// `USER_ID`.
    pub user_id: String,
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
    /// `NAME`.
    pub name: Secret,
    /// `ID_NO`.
    pub id_no: Masked,
    /// `PHONENO`.
    pub phone: Masked,
    /// `MSG_CODE`: the code of 781.
    pub msg_code: Secret,
}

impl Operation for MmspQuickBindRequest {
    type Answer = MmspQuickBindResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_bind",
        summary: "774 鉴权绑卡: binds a card with the SMS code (answers BIND_ID); not open at the platform (暂未开通)",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        PLATFORM_ID.check("user_id", &self.user_id)?;
        check_card_no("card_no", &self.card_no)?;
        check_credit(&self.card_type, self.exp_date.as_ref(), self.cvn2.as_ref())?;
        check_name("name", &self.name)?;
        check_id_no("id_no", &self.id_no)?;
        check_phone("phone", &self.phone)?;
        check_sms_code("msg_code", &self.msg_code)
    }
}

impl Call for MmspQuickBindRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 774;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        let b = Body::default()
            .put("MERORDERID", self.mer_order_id.as_str())
            .put("USER_ID", self.user_id.as_str())
            .put("CARDNO", self.card_no.expose())
            .put("CARDTYPE", self.card_type.as_str())
            .put("NAME", self.name.expose())
            .put("ID_NO", self.id_no.expose())
            .put("PHONENO", self.phone.expose())
            .put("MSG_CODE", self.msg_code.expose());
        put_credit(b, &self.card_type, self.exp_date.as_ref(), self.cvn2.as_ref()).done()
    }

    fn check(&self, answer: &MmspQuickBindResponse) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// The answer of 781 (`STATUS` 1 绑卡中), 774 (1 bound) and 780 (1 code sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspQuickBindResponse {
    #[serde(rename = "STATUS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    #[serde(rename = "LIST_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    /// `BIND_ID` (774): the binding, 签约序列号.
    #[serde(rename = "BIND_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bind_id: Option<String>,
    #[serde(rename = "USER_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_id: Option<String>,
    #[serde(rename = "MERORDERID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_order_id: Option<String>,
    #[serde(rename = "CARDNO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_no: Option<Masked>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// 775 `快捷支付解绑`: removes a binding. Not open at the platform (暂未开通). (The seed's query
/// example sends 775 by mistake, digest A3: the query is 773.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickUnbindRequest {
    /// `BIND_ID`.
    pub bind_id: String,
}

impl Operation for MmspQuickUnbindRequest {
    type Answer = MmspQuickAck;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_unbind",
        summary: "775 快捷支付解绑: removes a card binding; not open at the platform (暂未开通)",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        PLATFORM_ID.check("bind_id", &self.bind_id)
    }
}

impl Call for MmspQuickUnbindRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 775;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default().put("BIND_ID", self.bind_id.as_str()).done()
    }
}

/// 776 `快捷支付绑卡查询`: a binding's card. Not open at the platform (暂未开通). (QQ micropay's
/// CommandID is printed 776 too, digest A1: a different sub-API.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspQuickBindQueryRequest {
    /// `BIND_ID`.
    pub bind_id: String,
}

impl Operation for MmspQuickBindQueryRequest {
    type Answer = MmspQuickBoundCard;
    const INFO: OperationInfo = OperationInfo {
        name: "quick_bind_query",
        summary: "776 快捷支付绑卡查询: the card of a binding; not open at the platform (暂未开通)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        PLATFORM_ID.check("bind_id", &self.bind_id)
    }
}

impl Call for MmspQuickBindQueryRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 776;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default().put("BIND_ID", self.bind_id.as_str()).done()
    }

    fn check(&self, answer: &MmspQuickBoundCard) -> Result<()> {
        same_order("BIND_ID", &self.bind_id, answer.bind_id.as_deref())
    }
}

/// The answer of 776: the bound card, its sensitive fields masked or secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MmspQuickBoundCard {
    #[serde(rename = "STATUS", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    #[serde(rename = "ERRCODE", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_code: Option<String>,
    #[serde(rename = "ERRMSG", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub err_msg: Option<String>,
    #[serde(rename = "LIST_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub list_id: Option<String>,
    #[serde(rename = "BIND_ID", default, deserialize_with = "crate::wire::de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bind_id: Option<String>,
    #[serde(rename = "CARDNO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_no: Option<Masked>,
    #[serde(rename = "CARDTYPE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub card_type: Option<MmspCardType>,
    #[serde(rename = "EXPDATE", default, deserialize_with = "opt_secret")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub exp_date: Option<Secret>,
    #[serde(rename = "CVN2", default, deserialize_with = "opt_secret")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cvn2: Option<Secret>,
    #[serde(rename = "NAME", default, deserialize_with = "opt_secret")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<Secret>,
    #[serde(rename = "ID_NO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id_no: Option<Masked>,
    #[serde(rename = "PHONENO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub phone: Option<Masked>,
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: crate::wire::ExtraJson,
}

/// 780 `绑卡支付短信` (trade flow B): texts the code for paying with a bound card. Moves no money
/// by itself (779 does). Not usable at the platform (flow B "无法使用").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspBoundCardPaySmsRequest {
    /// `BIND_ID`.
    pub bind_id: String,
    /// `MERORDERID`: the order 779 then pays.
    pub mer_order_id: String,
    /// `USER_ID`.
    pub user_id: String,
    /// `PHONENO`.
    pub phone: Masked,
    /// `AMT`, fen (its required flag is lost in the seed; sent, digest A48).
    pub amount: Money,
}

impl Operation for MmspBoundCardPaySmsRequest {
    type Answer = MmspQuickBindResponse;
    const INFO: OperationInfo = OperationInfo {
        name: "bound_card_pay_sms",
        summary:
            "780 绑卡支付短信: texts the code for a bound-card payment; not usable at the platform (flow B 无法使用)",
        effect: Effect::Setup,
    };

    fn validate(&self) -> Result<()> {
        PLATFORM_ID.check("bind_id", &self.bind_id)?;
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        PLATFORM_ID.check("user_id", &self.user_id)?;
        check_phone("phone", &self.phone)?;
        check_amount("amount", self.amount)
    }
}

impl Call for MmspBoundCardPaySmsRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 780;

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("BIND_ID", self.bind_id.as_str())
            .put("MERORDERID", self.mer_order_id.as_str())
            .put("USER_ID", self.user_id.as_str())
            .put("PHONENO", self.phone.expose())
            .fen("AMT", self.amount)
            .done()
    }

    fn check(&self, answer: &MmspQuickBindResponse) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}

/// 779 `快捷绑卡支付确认` (trade flow B): charges a bound card with the code of 780. Its answer
/// settles the payment: `STATUS` 0 "状态未知,请发查询" (unknown: query 773), 1 paid, 2 failed, 3
/// refunded. Not usable at the platform (flow B "无法使用").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct MmspBoundCardPayRequest {
    /// `BIND_ID`.
    pub bind_id: String,
    /// `MERORDERID`: as sent to 780.
    pub mer_order_id: String,
    /// `USER_ID`.
    pub user_id: String,
    /// `AMT`, fen.
    pub amount: Money,
    /// `MSG_CODE`: the code of 780.
    pub msg_code: Secret,
    /// `NOTIFY_URL`.
    pub notify_url: String,
}

impl Operation for MmspBoundCardPayRequest {
    type Answer = MmspQuickTrade;
    const INFO: OperationInfo = OperationInfo {
        name: "bound_card_pay",
        summary:
            "779 快捷绑卡支付确认: charges a bound card with the SMS code; not usable at the platform (flow B 无法使用)",
        effect: Effect::Charge,
    };

    fn validate(&self) -> Result<()> {
        PLATFORM_ID.check("bind_id", &self.bind_id)?;
        MER_ORDER_ID.check("mer_order_id", &self.mer_order_id)?;
        PLATFORM_ID.check("user_id", &self.user_id)?;
        check_amount("amount", self.amount)?;
        check_sms_code("msg_code", &self.msg_code)?;
        check_url("notify_url", &self.notify_url)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::order(&self.mer_order_id, self.amount))
    }

    fn settlement(&self, answer: &MmspQuickTrade) -> Option<TradeResult> {
        Some(bound_card_result(&self.mer_order_id, answer))
    }
}

/// 779's answer as a trade: `STATUS` 0 is "unknown, query", not "paying" as in 773.
pub fn bound_card_result(order_no: &str, t: &MmspQuickTrade) -> TradeResult {
    let state = match t.status {
        Some(MmspTradeStatus::Pending) => TradeState::Unknown,
        ref s => super::quick_query::trade_state_of(s.as_ref()),
    };
    trade_result(order_no, state, t, t.bank_name.clone())
}

impl Call for MmspBoundCardPayRequest {
    const SUB_API: SubApi = SubApi::QuickPay;
    const COMMAND: u32 = 779;
    /// Every state is an answer: the settlement reads it.
    const ANSWERS: &'static [&'static str] = &["0", "1", "2", "3"];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("BIND_ID", self.bind_id.as_str())
            .put("MERORDERID", self.mer_order_id.as_str())
            .put("USER_ID", self.user_id.as_str())
            .fen("AMT", self.amount)
            .put("MSG_CODE", self.msg_code.expose())
            .put("NOTIFY_URL", self.notify_url.as_str())
            .done()
    }

    fn check(&self, answer: &MmspQuickTrade) -> Result<()> {
        same_order("MERORDERID", &self.mer_order_id, answer.mer_order_id.as_deref())
    }
}
