//! What quick pay and gateway pay share (digest §5, §7): the trade `STATUS`, the card type, the
//! input checks and the lenient readers of card data in answers. The operations are in `quick`
//! (pay, confirm, resend, UnionPay order), `quick_query` (queries, batch, notification), `bind`
//! and `gateway_pay`; each imports this, none of them the others' rules.
//!
//! Sensitive input: card number, ID number and phone are [`Masked`] (a log line or the journal
//! shows `***` and the last four), CVN2, expiry date, SMS code and cardholder name [`Secret`]
//! (`***`). Only the Body builders call `expose`. There is no Body encryption on this protocol
//! (digest §3.3): these fields travel in clear JSON, protected by HTTPS alone.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::call::Body;
use crate::error::{Error, Result};
use crate::ids::{require, NumberRule};
use crate::money::Money;
use crate::secret::{Masked, Secret};

crate::wire::code_table! {
    /// `STATUS` of a quick-pay or gateway trade (773, 777 items, 2323, 782 items, the
    /// notifications; 771/783/779 with their own reading of `0`, see each answer).
    MmspTradeStatus: text {
        /// `0` 待支付 (771/783: 下单成功,订单待支付; 779: 状态未知,请发查询).
        Pending = "0" => "待支付",
        /// `1` 成功.
        Success = "1" => "成功",
        /// `2` 失败.
        Failed = "2" => "失败",
        /// `3` 已退款 (771/783 print "3：已", cut off; read as 已退款, digest A18).
        Refunded = "3" => "已退款",
    }
}

crate::wire::code_table! {
    /// `CARDTYPE`: 1 debit (借记卡/储蓄卡), 2 credit (信用卡).
    MmspCardType: text {
        Debit = "1" => "借记卡",
        Credit = "2" => "信用卡",
    }
}

/// `MERORDERID`: string(32), unique per merchant.
pub(crate) const MER_ORDER_ID: NumberRule = NumberRule::new(1, 32, "-_");
/// `LIST_ID`, `BIND_ID`, `USER_ID`: the platform's numbers and the merchant's cardholder id,
/// string(32).
pub(crate) const PLATFORM_ID: NumberRule = NumberRule::new(1, 32, "-_");
/// A positive amount within MMSP's single-payment maximum ([`crate::rules::max_amount`], well
/// inside what `AMT` string(12) holds).
pub(crate) fn check_amount(field: &str, amount: Money) -> Result<()> {
    crate::rules::amount(crate::trade::GatewayId::Mmsp, field, amount)
}

/// `min..=max` ASCII digits.
pub(crate) fn check_digits(field: &str, value: &str, min: usize, max: usize) -> Result<()> {
    if value.len() < min || value.len() > max || !value.bytes().all(|b| b.is_ascii_digit()) {
        let n = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        return Err(Error::invalid(field, format!("{n} digits")));
    }
    Ok(())
}

/// `CARDNO`: 12 to 20 digits (string(20)); bank cards have 16 to 19.
pub(crate) fn check_card_no(field: &str, card: &Masked) -> Result<()> {
    check_digits(field, card.expose(), 12, 20)
}

/// `PHONENO`: 11 digits, a mainland mobile number.
pub(crate) fn check_phone(field: &str, phone: &Masked) -> Result<()> {
    check_digits(field, phone.expose(), 11, 11)?;
    if !phone.expose().starts_with('1') {
        return Err(Error::invalid(field, "a mainland mobile number starts with 1"));
    }
    Ok(())
}

/// `ID_NO`: string(32) 必须; a resident ID has 15 or 18 characters, the last may be `X`.
pub(crate) fn check_id_no(field: &str, id: &Masked) -> Result<()> {
    NumberRule::new(1, 32, "").check(field, id.expose())
}

/// `NAME`: string(32) 必须.
pub(crate) fn check_name(field: &str, name: &Secret) -> Result<()> {
    require(field, name.expose())?;
    if name.expose().chars().count() > 32 {
        return Err(Error::invalid(field, "at most 32 characters"));
    }
    Ok(())
}

/// `MSG_CODE`: the SMS code, string(6) ("示例值：123456").
pub(crate) fn check_sms_code(field: &str, code: &Secret) -> Result<()> {
    NumberRule::new(4, 6, "").check(field, code.expose()).map_err(|_| Error::invalid(field, "4 to 6 letters or digits"))
}

/// `NOTIFY_URL` / `JUMP_URL`: an http(s) URL of at most 255 characters.
pub(crate) fn check_url(field: &str, url: &str) -> Result<()> {
    require(field, url)?;
    if url.len() > 255 {
        return Err(Error::invalid(field, "at most 255 characters"));
    }
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        _ => Err(Error::invalid(field, "an http or https URL")),
    }
}

/// A credit card's `EXPDATE` (MMYY, digest A13) and `CVN2` (3 digits), required for
/// `CARDTYPE` 2 only; a debit card's are not sent.
pub(crate) fn check_credit(card_type: &MmspCardType, exp_date: Option<&Secret>, cvn2: Option<&Secret>) -> Result<()> {
    match card_type {
        MmspCardType::Debit => Ok(()),
        MmspCardType::Credit => {
            let exp = exp_date.ok_or_else(|| Error::invalid("exp_date", "required for a credit card (MMYY)"))?;
            check_digits("exp_date", exp.expose(), 4, 4)?;
            if !matches!(exp.expose()[..2].parse::<u8>(), Ok(1..=12)) {
                return Err(Error::invalid("exp_date", "MMYY: the month is 01 to 12"));
            }
            let cvn2 = cvn2.ok_or_else(|| Error::invalid("cvn2", "required for a credit card"))?;
            check_digits("cvn2", cvn2.expose(), 3, 3)
        }
        MmspCardType::Other(_) => Err(Error::invalid("card_type", "1 debit or 2 credit")),
    }
}

/// The credit-card fields of a Body, for `CARDTYPE` 2 only.
pub(crate) fn put_credit(b: Body, card_type: &MmspCardType, exp_date: Option<&Secret>, cvn2: Option<&Secret>) -> Body {
    if *card_type != MmspCardType::Credit {
        return b;
    }
    b.opt("EXPDATE", exp_date.map(Secret::expose)).opt("CVN2", cvn2.map(Secret::expose))
}

/// An optional id, when given, by `rule`.
pub(crate) fn check_opt(rule: NumberRule, field: &str, v: Option<&str>) -> Result<()> {
    v.map_or(Ok(()), |v| rule.check(field, v))
}

/// An answer naming another order than the one asked about: its outcome is unknown (it is not
/// trusted as this order's).
pub(crate) fn same_order(field: &str, asked: &str, echoed: Option<&str>) -> Result<()> {
    match echoed {
        Some(e) if !e.is_empty() && e != asked => Err(Error::Network {
            message: format!("mmsp: the answer is about {field} {e}, not {asked}"),
            outcome_unknown: true,
        }),
        _ => Ok(()),
    }
}

/// A card number, ID number or phone in an answer: text or a number, empty means absent;
/// kept masked.
pub(crate) fn opt_masked<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Masked>, D::Error> {
    Ok(crate::wire::de::opt_string(d)?.map(Masked::from))
}

/// A CVN2, expiry date or name in an answer (776): kept secret.
pub(crate) fn opt_secret<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Secret>, D::Error> {
    Ok(crate::wire::de::opt_string(d)?.map(Secret::new))
}

/// `BIZ_CONTENT`: an array of items, or one object (the gateway batch example, digest A36), or
/// absent / empty when nothing matched.
pub(crate) fn items<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> std::result::Result<Vec<T>, D::Error> {
    use serde::de::Error as _;
    let v = match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(Vec::new()),
        Some(v @ Value::Object(_)) => Value::Array(vec![v]),
        Some(v) => v,
    };
    serde_json::from_value(v).map_err(D::Error::custom)
}
