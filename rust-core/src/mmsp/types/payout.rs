//! Payout and balance (代付, digest §4): single payout 0x1001 (4097), payout query 0x1002 (4098),
//! balance query 0x1003 (4099). RSA and the `RETCODE` check are [`crate::mmsp::payout_wire`]'s;
//! here only each operation's fields and answers.
//!
//! A payout moves money out of the merchant's account: it is journalled before it is sent and
//! never sent twice under one `ORDERNO` (the engine's part). The payee's account number, ID card
//! and mobile are [`Masked`] and the CVV2 a [`Secret`], so the journal's copy and every log line
//! carry none of them.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::call::{Body, Call, SubApi};
use crate::error::{Error, Result};
use crate::gateway::{PayoutState, PayoutStatus};
use crate::ids::require;
use crate::mmsp::payout_wire::{reqtime, retcode_is_definite, retcode_is_not_found};
use crate::mmsp::Credentials;
use crate::money::Money;
use crate::operation::{Effect, Movement, Operation, OperationInfo};
use crate::secret::{Masked, Secret};
use crate::wire::{code_table, de};

code_table! {
    /// `BUSIYPE` (sic, digest §4.7): what the payout is for. `001` when not given.
    #[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayoutBusiType"))]
    BusiType: trimmed text {
        Business = "001" => "业务往来款",
        Salary = "002" => "员工工资",
        Expenses = "003" => "报销",
        Partnership = "004" => "合作款项",
        Compensation = "005" => "赔付保金",
        Miscellaneous = "999" => "其他",
    }
}

code_table! {
    /// `ACCTYPE`: the payee's account. Credit cards are "暂不支持" (not supported) and refused
    /// before sending.
    #[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayoutAccountType"))]
    AccountType: trimmed text {
        Debit = "0" => "借记卡",
        Credit = "1" => "贷记卡",
        Corporate = "2" => "对公账号",
    }
}

code_table! {
    /// `PAYTYPE`: where the money comes from. `1` (balance) when not given.
    #[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayoutPayType"))]
    PayType: trimmed text {
        Balance = "1" => "余额支付",
        CorporateBanking = "2" => "企业网银",
        Advance = "3" => "垫资支付",
    }
}

code_table! {
    /// `PAYSTATE` of a payout or payout query answer (int or string on the wire, digest A19).
    /// Values the seed does not list are kept and read as not settled.
    #[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayState"))]
    PayState: trimmed number {
        Paid = "1" => "付款成功",
        Paying = "2" => "付款中",
        Failed = "3" => "付款失败",
        AwaitingReview = "5" => "代付请求已受理,等待审核",
    }
}

impl PayState {
    /// What the state says about the money, gateway-neutrally.
    pub fn payout_state(&self) -> PayoutState {
        match self {
            PayState::Paid => PayoutState::Paid,
            PayState::Failed => PayoutState::Failed,
            PayState::Paying | PayState::AwaitingReview => PayoutState::Pending,
            PayState::Other(_) => PayoutState::Unknown,
        }
    }
}

code_table! {
    /// `QRYTYPE` of a balance query: only `1` works ("目前只支持查询商户余额").
    #[cfg_attr(feature = "uniffi", uniffi(name = "MmspBalanceQueryType"))]
    BalanceQueryType: trimmed text {
        BalanceOnly = "1" => "只查余额",
        AllAccounts = "2" => "所有账目",
        AdvanceQuota = "3" => "查询垫资可用额度",
    }
}

/// 0x1001 `4097` single payout (单笔代付). Its answer's `PAYSTATE` says where it stands; a
/// pending one (2, 5), a `RETCODE` 0001 or a lost answer is settled by payout queries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayoutRequest"))]
#[serde(deny_unknown_fields)]
pub struct PayoutRequest {
    /// `ORDERNO`: the merchant's payout number, unique, digits only ("必须为数字"), at most 32.
    /// The only handle on the payout: it is never sent twice.
    pub order_no: String,
    /// `AMT`, fen. No client-side cap: the seed's "不大于一千万" has no unit (digest A27).
    pub amount: Money,
    /// `BUSIYPE`: `001` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub busi_type: Option<BusiType>,
    /// `ACCNAME`: the payee's name.
    pub account_name: String,
    /// `ACCNO`: the payee's account number.
    pub account_no: Masked,
    /// `ACCTYPE`: debit card or corporate account (credit cards are refused).
    pub account_type: AccountType,
    /// `MOBILE`: the payee's mobile number, 11 digits.
    pub mobile: Masked,
    /// `BANKNAME`: the bank's full name (开户行全称).
    pub bank_name: String,
    /// `MEMO`: at most 64 characters.
    pub memo: String,
    /// `PAYTYPE`: `1` (balance) when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_type: Option<PayType>,
    /// `CVV2`: a credit card's security code (credit cards are not supported; kept for when they
    /// are).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cvv2: Option<Secret>,
    /// `BANKSETTLENO`: the branch's 联行号 (corporate accounts). A free string: the seed types it
    /// string(10) where CNAPS numbers have 12 digits (digest A23).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_settle_no: Option<String>,
    /// `BANKBRANCHNAME`: documented as the branch name (reserved), but the seed's "strict"
    /// example puts the 12-digit 联行号 here (digest A23). Fill what the operator asks for.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_branch_name: Option<String>,
    /// `BANKPROV`: 北京/上海/重庆/天津, otherwise XX省.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_province: Option<String>,
    /// `BANKCITY`: XX市.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_city: Option<String>,
    /// `IDCARD`: the payee's ID card number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub id_card: Option<Masked>,
    /// `CHLNO`: the payout channel.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_no: Option<String>,
    /// `CHLMERNO`: the merchant number at that channel.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_merno: Option<String>,
    /// `REQTIME` (`YYYYMMDDhhmmss`): now, Beijing time, when absent.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub req_time: Option<String>,
}

impl Operation for PayoutRequest {
    type Answer = PayoutAnswer;
    const INFO: OperationInfo = OperationInfo {
        name: "payout",
        summary: "single payout (代付) to a bank account; journalled before it is sent, settled by payout queries",
        effect: Effect::Payout,
    };

    fn validate(&self) -> Result<()> {
        validate_payout(self)
    }

    fn movement(&self) -> Option<Movement> {
        Some(Movement::numbered(&self.order_no, &self.order_no, self.amount))
    }
}

/// Out of line and non-generic: the checks of a payout, each naming its field.
fn validate_payout(r: &PayoutRequest) -> Result<()> {
    digits("order_no", &r.order_no, 1, 32)?;
    if r.amount.is_zero() {
        return Err(Error::invalid("amount", "must be greater than zero"));
    }
    if let Some(BusiType::Other(code)) = &r.busi_type {
        return Err(Error::invalid("busi_type", format!("{code:?} is not one of 001-005, 999")));
    }
    require("account_name", &r.account_name)?;
    let acc = r.account_no.expose();
    if acc.is_empty() || acc.len() > 32 || !acc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("account_no", "digits only, 1 to 32"));
    }
    match &r.account_type {
        AccountType::Debit | AccountType::Corporate => {}
        AccountType::Credit => {
            return Err(Error::invalid("account_type", "credit cards are not supported for payouts (暂不支持贷记卡)"))
        }
        AccountType::Other(code) => return Err(Error::invalid("account_type", format!("{code:?} is not 0 or 2"))),
    }
    digits("mobile", r.mobile.expose(), 11, 11)?;
    require("bank_name", &r.bank_name)?;
    require("memo", &r.memo)?;
    if r.memo.chars().count() > 64 {
        return Err(Error::invalid("memo", "at most 64 characters"));
    }
    if let Some(PayType::Other(code)) = &r.pay_type {
        return Err(Error::invalid("pay_type", format!("{code:?} is not 1, 2 or 3")));
    }
    if let Some(c) = &r.cvv2 {
        digits("cvv2", c.expose(), 3, 4)?;
    }
    if let Some(id) = &r.id_card {
        let v = id.expose();
        let body_ok = v.len() == 15 && v.bytes().all(|b| b.is_ascii_digit())
            || v.len() == 18
                && v.bytes().take(17).all(|b| b.is_ascii_digit())
                && matches!(v.as_bytes()[17], b'0'..=b'9' | b'X' | b'x');
        if !body_ok {
            return Err(Error::invalid("id_card", "15 digits, or 17 digits and a digit or X"));
        }
    }
    req_time(&r.req_time)
}

/// `value` is `min..=max` ASCII digits. Never echoes the value (it may be an account number).
fn digits(field: &str, value: &str, min: usize, max: usize) -> Result<()> {
    if value.len() < min || value.len() > max || !value.bytes().all(|b| b.is_ascii_digit()) {
        let n = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        return Err(Error::invalid(field, format!("digits only, {n}")));
    }
    Ok(())
}

fn req_time(v: &Option<String>) -> Result<()> {
    match v {
        Some(t) => digits("req_time", t, 14, 14),
        None => Ok(()),
    }
}

impl Call for PayoutRequest {
    const SUB_API: SubApi = SubApi::Payout;
    const COMMAND: u32 = 0x1001;
    const ANSWERS: &'static [&'static str] = &[];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("ORDERNO", self.order_no.as_str())
            .fen("AMT", self.amount)
            .put("BUSIYPE", self.busi_type.as_ref().map_or("001", BusiType::as_str))
            .put("ACCNAME", self.account_name.as_str())
            .put("ACCNO", self.account_no.expose())
            .put("ACCTYPE", self.account_type.as_str())
            .put("MOBILE", self.mobile.expose())
            .put("BANKNAME", self.bank_name.as_str())
            .put("MEMO", self.memo.as_str())
            .put("PAYTYPE", self.pay_type.as_ref().map_or("1", PayType::as_str))
            .opt("CVV2", self.cvv2.as_ref().map(Secret::expose))
            .opt("BANKSETTLENO", self.bank_settle_no.as_deref())
            .opt("BANKBRANCHNAME", self.bank_branch_name.as_deref())
            .opt("BANKPROV", self.bank_province.as_deref())
            .opt("BANKCITY", self.bank_city.as_deref())
            .opt("IDCARD", self.id_card.as_ref().map(Masked::expose))
            .opt("CHLNO", self.channel_no.as_deref())
            .opt("CHLMERNO", self.channel_merno.as_deref())
            .opt("REQTIME", self.req_time.as_deref())
            .done()
    }

    fn check(&self, answer: &PayoutAnswer) -> Result<()> {
        same_order(&self.order_no, answer.order_no.as_deref())
    }
}

/// 0x1002 `4098` payout query: by `ORDERNO` or `BSORDERNO`. `QRYTYPE`, which the seed's example
/// adds, is left out (digest A22).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayoutQueryRequest"))]
#[serde(deny_unknown_fields)]
pub struct PayoutQueryRequest {
    /// `ORDERNO`: the merchant's payout number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_no: Option<String>,
    /// `BSORDERNO`: MMSP's payout number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bs_order_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub req_time: Option<String>,
}

impl Operation for PayoutQueryRequest {
    type Answer = PayoutAnswer;
    const INFO: OperationInfo =
        OperationInfo { name: "payout_query", summary: "where a payout stands (PAYSTATE)", effect: Effect::Read };

    fn validate(&self) -> Result<()> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&self.order_no) && blank(&self.bs_order_no) {
            return Err(Error::invalid("order_no", "required (or bs_order_no)"));
        }
        if let Some(o) = self.order_no.as_deref().filter(|s| !s.trim().is_empty()) {
            digits("order_no", o, 1, 32)?;
        }
        req_time(&self.req_time)
    }
}

impl Call for PayoutQueryRequest {
    const SUB_API: SubApi = SubApi::Payout;
    const COMMAND: u32 = 0x1002;
    const ANSWERS: &'static [&'static str] = &[];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .opt("ORDERNO", self.order_no.as_deref())
            .opt("BSORDERNO", self.bs_order_no.as_deref())
            .opt("REQTIME", self.req_time.as_deref())
            .done()
    }

    fn check(&self, answer: &PayoutAnswer) -> Result<()> {
        match self.order_no.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(o) => same_order(o, answer.order_no.as_deref()),
            None => same_order(self.bs_order_no.as_deref().unwrap_or_default(), answer.bs_order_no.as_deref()),
        }
    }
}

/// An answer about another payout than the one asked about is not trusted.
fn same_order(asked: &str, echoed: Option<&str>) -> Result<()> {
    match echoed.map(str::trim) {
        Some(e) if !e.is_empty() && e != asked.trim() => Err(Error::Network {
            message: format!("mmsp payout: the answer is about {e}, not {asked}"),
            outcome_unknown: true,
        }),
        _ => Ok(()),
    }
}

/// The answer of a payout (4097) and of a payout query (4098): `RETCODE` 0000 (a refusal is an
/// error), `PAYSTATE` and the payout as the platform has it. Fields a payout answer does not
/// carry are absent. Only documented fields are kept: a payee's data the platform might echo
/// must not reach the journal unmasked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "MmspPayoutAnswer"))]
pub struct PayoutAnswer {
    #[serde(rename = "RETCODE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retcode: Option<String>,
    /// `RETMSG`, `REMSG` (query) or `RETMMSG` (digest A20).
    #[serde(rename = "RETMSG", alias = "REMSG", alias = "RETMMSG", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message: Option<String>,
    #[serde(rename = "MERNO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub merno: Option<String>,
    #[serde(rename = "ORDERNO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub order_no: Option<String>,
    /// MMSP's payout number.
    #[serde(rename = "BSORDERNO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bs_order_no: Option<String>,
    #[serde(rename = "PAYSTATE", default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pay_state: Option<PayState>,
    /// `DESC`: the state in words.
    #[serde(rename = "DESC", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub desc: Option<String>,
    /// `AMT`, fen: a string in the payout answer, an int in the query's (digest A19).
    #[serde(rename = "AMT", default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub amount: Option<Money>,
    /// `CURTYPE`: 1 人民币 (fen).
    #[serde(rename = "CURTYPE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cur_type: Option<String>,
    #[serde(rename = "ACCNAME", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub account_name: Option<String>,
    #[serde(rename = "ACCNO", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub account_no: Option<Masked>,
    #[serde(rename = "MOBILE", default, deserialize_with = "opt_masked")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mobile: Option<Masked>,
    /// `BUSIYPE` as received.
    #[serde(rename = "BUSIYPE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub busi_type: Option<String>,
    #[serde(rename = "MEMO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub memo: Option<String>,
    #[serde(rename = "BANKNAME", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_name: Option<String>,
    #[serde(rename = "BANKSETTLENO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_settle_no: Option<String>,
    /// `BANKBRACHNONAME` (sic, the query's spelling) or `BANKBRANCHNAME`.
    #[serde(rename = "BANKBRANCHNAME", alias = "BANKBRACHNONAME", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_branch_name: Option<String>,
    /// `BUSINO`: reserved.
    #[serde(rename = "BUSINO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub busi_no: Option<String>,
    #[serde(rename = "RSPTIME", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub rsp_time: Option<String>,
}

impl PayoutAnswer {
    /// Where the payout stands: `RETCODE` 0000 answers only reach here, so `PAYSTATE` decides
    /// (digest §4.8); no `PAYSTATE` is unknown.
    pub fn payout_state(&self) -> PayoutState {
        self.pay_state.as_ref().map_or(PayoutState::Unknown, PayState::payout_state)
    }
}

fn opt_masked<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Masked>, D::Error> {
    Ok(de::opt_string(d)?.map(Masked::new))
}

/// 0x1003 `4099` balance query: its own numeric serial in `ORDERNO` ("余额查询流水，纯数字").
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "MmspBalanceQueryRequest"))]
#[serde(deny_unknown_fields)]
pub struct BalanceQueryRequest {
    /// `QRYTYPE`: `1` when absent (the only one that works).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query_type: Option<BalanceQueryType>,
    /// `ORDERNO`: this query's serial, digits; made from the time and three random digits when
    /// absent (the seed's example is `20171120111410001`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub serial: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub req_time: Option<String>,
}

impl Operation for BalanceQueryRequest {
    type Answer = BalanceAnswer;
    const INFO: OperationInfo = OperationInfo {
        name: "balance_query",
        summary: "the merchant's balances per payout channel (ACCINFO)",
        effect: Effect::Read,
    };

    fn validate(&self) -> Result<()> {
        if let Some(BalanceQueryType::Other(code)) = &self.query_type {
            return Err(Error::invalid("query_type", format!("{code:?} is not 1, 2 or 3")));
        }
        if let Some(s) = &self.serial {
            digits("serial", s, 1, 32)?;
        }
        req_time(&self.req_time)
    }
}

impl Call for BalanceQueryRequest {
    const SUB_API: SubApi = SubApi::Payout;
    const COMMAND: u32 = 0x1003;
    const ANSWERS: &'static [&'static str] = &[];

    fn body(&self, _: &Credentials) -> Result<Map<String, Value>> {
        Body::default()
            .put("QRYTYPE", self.query_type.as_ref().map_or("1", BalanceQueryType::as_str))
            .put("ORDERNO", self.serial.clone().unwrap_or_else(balance_serial))
            .opt("REQTIME", self.req_time.as_deref())
            .done()
    }
}

fn balance_serial() -> String {
    use rand::Rng;
    format!("{}{:03}", reqtime(), rand::rng().random_range(0..1000))
}

/// The balance query's answer: one `ACCINFO` group per payout channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "MmspBalanceAnswer"))]
pub struct BalanceAnswer {
    #[serde(rename = "RETCODE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retcode: Option<String>,
    /// `RETMMSG` (sic), `RETMSG` or `REMSG` (digest A20).
    #[serde(rename = "RETMSG", alias = "RETMMSG", alias = "REMSG", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message: Option<String>,
    #[serde(rename = "RSPTIME", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub rsp_time: Option<String>,
    /// `ACCINFO`: typed "string" but one group per channel (digest A25): read as an array of
    /// objects, a single object, or a string holding either.
    #[serde(rename = "ACCINFO", default, deserialize_with = "accounts")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub accounts: Vec<BalanceAccount>,
}

/// One `ACCINFO` group: the merchant's account at one payout channel. Amounts in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "MmspBalanceAccount"))]
pub struct BalanceAccount {
    /// `ACCSTATUS`: 1 正常, 0 冻结.
    #[serde(rename = "ACCSTATUS", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// `BALANCE`: 待清算金额.
    #[serde(rename = "BALANCE", default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub balance: Option<Money>,
    /// `BALANCEPAY`: available for balance payouts.
    #[serde(rename = "BALANCEPAY", default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub balance_pay: Option<Money>,
    /// `ADVANCEPAY`: available for advance (垫资) payouts.
    #[serde(rename = "ADVANCEPAY", default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub advance_pay: Option<Money>,
    /// `FREEZEBAL`: frozen.
    #[serde(rename = "FREEZEBAL", default, deserialize_with = "de::opt_fen_trimmed")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub frozen: Option<Money>,
    /// `ISCHARGE`, raw. The table reads "商户属性：1:不记账，2:记账"; note 9 of the seed reads the
    /// same field as "1:T1商户, 2:D0商户" (swapped with `MERTYPE`, digest A26).
    #[serde(rename = "ISCHARGE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub is_charge: Option<String>,
    /// `MERTYPE`, raw. The table reads "商户类型：1：T1交易，2：D0交易"; note 10 reads it as
    /// "1:不记账商户, 2:记账商户" (digest A26).
    #[serde(rename = "MERTYPE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mer_type: Option<String>,
    #[serde(rename = "CHLNO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_no: Option<String>,
    #[serde(rename = "CHLMERNO", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel_merno: Option<String>,
    /// `LIMIT_DOWN`: the channel's smallest payout, raw (unit not stated, digest A28).
    #[serde(rename = "LIMIT_DOWN", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit_down: Option<String>,
    /// `LIMIT_TOP`: the channel's largest payout, raw.
    #[serde(rename = "LIMIT_TOP", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit_top: Option<String>,
    /// `BEGIN_AT`: payouts open.
    #[serde(rename = "BEGIN_AT", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub begin_at: Option<String>,
    /// `END_AT`: payouts close.
    #[serde(rename = "END_AT", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub end_at: Option<String>,
    /// `HOLIDAYTYPE`: 0 none, 1 advance, 2 balance, 3 both on holidays.
    #[serde(rename = "HOLIDAYTYPE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub holiday_type: Option<String>,
    /// `SETTLE_AT`: the clearing hour.
    #[serde(rename = "SETTLE_AT", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub settle_at: Option<String>,
    /// `SETTLE_TYPE`: 1 T1, 2 D1.
    #[serde(rename = "SETTLE_TYPE", default, deserialize_with = "de::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub settle_type: Option<String>,
}

fn accounts<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<BalanceAccount>, D::Error> {
    use serde::de::Error as _;
    let v = match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(Vec::new()),
        Some(Value::String(s)) => {
            serde_json::from_str(&s).map_err(|_| D::Error::custom("ACCINFO is a string but not JSON"))?
        }
        Some(v) => v,
    };
    let v = match v {
        Value::Object(_) => Value::Array(vec![v]),
        other => other,
    };
    serde_json::from_value(v).map_err(|e| D::Error::custom(format!("ACCINFO: {e}")))
}

impl crate::mmsp::Client {
    /// Where payout `payout_no` stands at MMSP, gateway-neutrally (the engine's follow-up and
    /// recovery, through [`crate::gateway::Gateway::payout_status`]). A "no such payout" refusal
    /// (1028/1029) is an answer (`NotFound`); a refusal that is not definite (0001, system
    /// faults) is `Unknown`; other refusals and network errors are errors.
    pub async fn query_payout_status(&self, payout_no: &str) -> Result<PayoutStatus> {
        let req = PayoutQueryRequest { order_no: Some(payout_no.to_string()), bs_order_no: None, req_time: None };
        payout_status_of(payout_no, self.call(&req).await)
    }
}

/// Non-generic: a payout query's outcome as the engine sees it.
fn payout_status_of(payout_no: &str, r: Result<PayoutAnswer>) -> Result<PayoutStatus> {
    let status = |state, code: Option<String>, message: Option<String>, answer: Option<String>| PayoutStatus {
        payout_no: payout_no.to_string(),
        state,
        code,
        message,
        answer,
    };
    match r {
        Ok(a) => {
            let json = serde_json::to_string(&a).ok();
            let message = a.desc.clone().or_else(|| a.message.clone());
            let code = a.pay_state.as_ref().map(|p| format!("PAYSTATE {p}"));
            Ok(status(a.payout_state(), code, message, json))
        }
        Err(Error::GatewayRejected { code, message }) if retcode_is_not_found(&code) => {
            Ok(status(PayoutState::NotFound, Some(code), Some(message), None))
        }
        Err(Error::GatewayRejected { code, message }) if !retcode_is_definite(&code) => {
            Ok(status(PayoutState::Unknown, Some(code), Some(message), None))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(n: i64) -> Money {
        Money::from_fen(n, "amount").unwrap()
    }

    pub(crate) fn payout() -> PayoutRequest {
        PayoutRequest {
            order_no: "20171121170001".into(),
            amount: fen(100),
            busi_type: None,
            account_name: "张三".into(),
            account_no: Masked::new("6225123456781234"),
            account_type: AccountType::Debit,
            mobile: Masked::new("13800138000"),
            bank_name: "招商银行".into(),
            memo: "代付".into(),
            pay_type: None,
            cvv2: None,
            bank_settle_no: None,
            bank_branch_name: Some("104581006015".into()),
            bank_province: Some("广东省".into()),
            bank_city: Some("深圳市".into()),
            id_card: Some(Masked::new("440301199001011234")),
            channel_no: None,
            channel_merno: None,
            req_time: Some("20171123181110".into()),
        }
    }

    fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn payout_body_and_movement() {
        let r = payout();
        r.validate().unwrap();
        let creds = Credentials::new("001440353999853", "84970001", Secret::new("k"));
        let body = r.body(&creds).unwrap();
        let s = |k: &str| body[k].as_str().unwrap().to_string();
        assert_eq!(s("ORDERNO"), "20171121170001");
        assert_eq!(s("AMT"), "100");
        assert_eq!(s("BUSIYPE"), "001");
        assert_eq!(s("ACCNO"), "6225123456781234");
        assert_eq!(s("ACCTYPE"), "0");
        assert_eq!(s("PAYTYPE"), "1");
        assert_eq!(s("BANKBRANCHNAME"), "104581006015");
        assert_eq!(s("IDCARD"), "440301199001011234");
        assert!(!body.contains_key("CVV2") && !body.contains_key("BANKSETTLENO"));
        assert!(body.values().all(Value::is_string), "every value a string");
        assert_eq!(r.movement().unwrap(), Movement::numbered("20171121170001", "20171121170001", fen(100)));
        // The journal's copy carries no account number, ID card or mobile.
        let copy = serde_json::to_string(&r).unwrap();
        for secret in ["6225123456781234", "440301199001011234", "13800138000"] {
            assert!(!copy.contains(secret), "{copy}");
        }
        let with_cvv = PayoutRequest { cvv2: Some(Secret::new("123")), ..r };
        assert!(!serde_json::to_string(&with_cvv).unwrap().contains("123\""));
    }

    #[test]
    fn bad_payouts_are_refused_naming_the_field() {
        let cases: Vec<(&str, PayoutRequest)> = vec![
            ("order_no", PayoutRequest { order_no: "A123".into(), ..payout() }),
            ("order_no", PayoutRequest { order_no: "1".repeat(33), ..payout() }),
            ("order_no", PayoutRequest { order_no: "".into(), ..payout() }),
            ("amount", PayoutRequest { amount: Money::ZERO, ..payout() }),
            ("busi_type", PayoutRequest { busi_type: Some(BusiType::parse("006")), ..payout() }),
            ("account_name", PayoutRequest { account_name: " ".into(), ..payout() }),
            ("account_no", PayoutRequest { account_no: Masked::new("6225 1234"), ..payout() }),
            ("account_type", PayoutRequest { account_type: AccountType::Credit, ..payout() }),
            ("account_type", PayoutRequest { account_type: AccountType::parse("9"), ..payout() }),
            ("mobile", PayoutRequest { mobile: Masked::new("1380013800"), ..payout() }),
            ("bank_name", PayoutRequest { bank_name: "".into(), ..payout() }),
            ("memo", PayoutRequest { memo: "备".repeat(65), ..payout() }),
            ("pay_type", PayoutRequest { pay_type: Some(PayType::parse("4")), ..payout() }),
            ("cvv2", PayoutRequest { cvv2: Some(Secret::new("12a")), ..payout() }),
            ("id_card", PayoutRequest { id_card: Some(Masked::new("44030119900101123")), ..payout() }),
            ("req_time", PayoutRequest { req_time: Some("2017-11-23".into()), ..payout() }),
        ];
        for (field, r) in cases {
            let e = r.validate().unwrap_err();
            assert!(!e.to_string().contains("6225123456781234"));
            assert_eq!(field_of(e), field);
        }
        let corporate = PayoutRequest {
            account_type: AccountType::Corporate,
            bank_settle_no: Some("104581006015".into()),
            ..payout()
        };
        corporate.validate().unwrap();
        let x = PayoutRequest { id_card: Some(Masked::new("44030119900101123X")), ..payout() };
        x.validate().unwrap();
    }

    #[test]
    fn queries_validate_and_build() {
        assert_eq!(
            field_of(PayoutQueryRequest { order_no: None, bs_order_no: None, req_time: None }.validate().unwrap_err()),
            "order_no"
        );
        let q = PayoutQueryRequest { order_no: None, bs_order_no: Some("2017122500004124".into()), req_time: None };
        q.validate().unwrap();
        let creds = Credentials::new("m", "t", Secret::new("k"));
        assert_eq!(Value::Object(q.body(&creds).unwrap()), serde_json::json!({"BSORDERNO": "2017122500004124"}));
        let b = BalanceQueryRequest::default();
        b.validate().unwrap();
        let body = b.body(&creds).unwrap();
        assert_eq!(body["QRYTYPE"], "1");
        let serial = body["ORDERNO"].as_str().unwrap();
        assert!(serial.len() == 17 && serial.bytes().all(|c| c.is_ascii_digit()), "{serial}");
        assert_eq!(
            field_of(BalanceQueryRequest { serial: Some("A1".into()), ..Default::default() }.validate().unwrap_err()),
            "serial"
        );
    }

    #[test]
    fn answers_read_every_spelling() {
        // The seed's decrypted example (L451): strings; the query's ints and REMSG.
        let a: PayoutAnswer = serde_json::from_value(serde_json::json!({
            "PAYSTATE": "2", "ACCNAME": "张三", "AMT": "100", "BSORDERNO": "2017122500004124",
            "ORDERNO": "2017122510300000000000003", "ACCNO": "6225123456781234", "DESC": "代付中",
            "RETCODE": "0000", "RETMSG": "交易成功"}))
        .unwrap();
        assert_eq!((a.pay_state.clone(), a.amount), (Some(PayState::Paying), Some(fen(100))));
        assert_eq!(a.payout_state(), PayoutState::Pending);
        assert!(!serde_json::to_string(&a).unwrap().contains("6225123456781234"));
        let q: PayoutAnswer = serde_json::from_value(serde_json::json!({
            "RETCODE": "0000", "REMSG": "ok", "PAYSTATE": 5, "AMT": 100, "CURTYPE": 1, "MOBILE": "13800138000",
            "BANKBRACHNONAME": "支行"}))
        .unwrap();
        assert_eq!(
            (q.pay_state.clone(), q.amount, q.message.as_deref()),
            (Some(PayState::AwaitingReview), Some(fen(100)), Some("ok"))
        );
        assert_eq!(q.bank_branch_name.as_deref(), Some("支行"));
        assert_eq!(q.payout_state(), PayoutState::Pending);
        let odd: PayoutAnswer = serde_json::from_value(serde_json::json!({"PAYSTATE": "7"})).unwrap();
        assert_eq!(odd.pay_state, Some(PayState::Other("7".into())));
        assert_eq!(odd.payout_state(), PayoutState::Unknown);
        for (s, state) in [("1", PayoutState::Paid), ("3", PayoutState::Failed)] {
            let a: PayoutAnswer = serde_json::from_value(serde_json::json!({"PAYSTATE": s})).unwrap();
            assert_eq!(a.payout_state(), state);
        }
    }

    #[test]
    fn accinfo_as_array_object_or_string() {
        let group = serde_json::json!({"ACCSTATUS": 1, "BALANCE": 1000, "BALANCEPAY": "900", "ADVANCEPAY": 0,
            "FREEZEBAL": "0", "ISCHARGE": "2", "MERTYPE": "1", "CHLNO": "C1", "LIMIT_DOWN": "1.00", "SETTLE_AT": 16});
        for accinfo in
            [serde_json::json!([group.clone(), group.clone()]), group.clone(), Value::String(group.to_string())]
        {
            let a: BalanceAnswer =
                serde_json::from_value(serde_json::json!({"RETCODE": "0000", "RETMMSG": "ok", "ACCINFO": accinfo}))
                    .unwrap();
            assert!(!a.accounts.is_empty());
            let g = &a.accounts[0];
            assert_eq!((g.balance, g.balance_pay, g.status.as_deref()), (Some(fen(1000)), Some(fen(900)), Some("1")));
            assert_eq!(
                (g.is_charge.as_deref(), g.limit_down.as_deref(), g.settle_at.as_deref()),
                (Some("2"), Some("1.00"), Some("16"))
            );
            assert_eq!(a.message.as_deref(), Some("ok"));
        }
        assert!(serde_json::from_value::<BalanceAnswer>(serde_json::json!({"ACCINFO": "not json"})).is_err());
    }

    #[test]
    fn status_of_a_query() {
        let s = payout_status_of("1", Err(Error::rejected("1028", "商户付款订单号不存在"))).unwrap();
        assert_eq!(s.state, PayoutState::NotFound);
        let s = payout_status_of("1", Err(Error::rejected("0001", "系统异常"))).unwrap();
        assert_eq!(s.state, PayoutState::Unknown);
        assert!(payout_status_of("1", Err(Error::rejected("1006", "签名错误"))).is_err());
        let a: PayoutAnswer = serde_json::from_value(serde_json::json!({"PAYSTATE": 1, "ORDERNO": "1"})).unwrap();
        assert_eq!(payout_status_of("1", Ok(a)).unwrap().state, PayoutState::Paid);
    }

    #[test]
    fn answers_about_another_payout_are_not_trusted() {
        let r = payout();
        let other: PayoutAnswer = serde_json::from_value(serde_json::json!({"ORDERNO": "999"})).unwrap();
        assert!(r.check(&other).unwrap_err().outcome_unknown());
        let same: PayoutAnswer = serde_json::from_value(serde_json::json!({"ORDERNO": "20171121170001"})).unwrap();
        r.check(&same).unwrap();
    }
}
