//! Payout and balance (代付): RSA both ways with key pairs the simulator makes for this process
//! (the seed's keys are damaged, digest §11). Requests are decrypted with the platform key and
//! their `SIGN` verified with the merchant's public key; answers are encrypted for the merchant
//! and signed by the platform. Refusals come in plaintext, as the seed describes `RETMSG`.
//!
//! Outcomes follow the account number's last four digits (the scenario table): `1NNN` paying
//! (`PAYSTATE` 2) for NNN seconds then paid; `2NNN` then failed; `3001` refused `1031` (balance
//! insufficient); `4001` answered `0001` (系统异常) although accepted and paid; `5001` accepted and
//! paid but its answer signed with the wrong key; anything else paid at once. Payouts are kept in
//! the store under `mmsp_payout`, so they never mix with scan-code orders.

use std::sync::OnceLock;
use std::time::Instant;

use posgate_core::mmsp::payout_wire;
use posgate_core::mmsp::Credentials;
use posgate_core::Secret;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};

use super::{Answer, MERNO};
use crate::scenario::Scenario;
use crate::sim::Handled;
use crate::store::{new_order, SimOrder, SimState};
use crate::Ctx;

/// The store's gateway name for payouts.
const STORE: &str = "mmsp_payout";

/// The platform's and the merchant's key pairs, made once per process from fixed seeds: a
/// `posgate --sandbox URL` in one process and the `sandbox serve` it talks to in another hold
/// the same pairs (a sandbox's keys are no secret; real ones come from the platform and the
/// merchant).
struct Keys {
    platform: RsaPrivateKey,
    merchant: RsaPrivateKey,
}

/// A seeded rand 0.9 generator behind the rand_core 0.6 traits `rsa` takes.
struct Rng(rand::rngs::StdRng);

impl Rng {
    fn seeded(seed: u64) -> Rng {
        Rng(rand::SeedableRng::seed_from_u64(seed))
    }
}

impl rsa::rand_core::RngCore for Rng {
    fn next_u32(&mut self) -> u32 {
        rand::RngCore::next_u32(&mut self.0)
    }
    fn next_u64(&mut self) -> u64 {
        rand::RngCore::next_u64(&mut self.0)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut self.0, dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        rand::RngCore::fill_bytes(&mut self.0, dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for Rng {}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        // RSA-1024 as the seed asks ("1024位PKCS#8格式RSA公私钥"). Key generation cannot fail for
        // this size short of a broken RNG, which would make every answer meaningless anyway.
        let make = |seed| RsaPrivateKey::new(&mut Rng::seeded(seed), 1024).expect("RSA-1024 key generation");
        Keys { platform: make(0x6d6d_7370_0001), merchant: make(0x6d6d_7370_0002) }
    })
}

/// Puts the sandbox's payout keys into the merchant's credentials: the merchant private key as
/// PKCS#8 PEM, the platform public key as bare Base64 SPKI (both forms the seed shows).
pub(super) fn configure(creds: &mut Credentials) {
    let k = keys();
    if let Ok(pem) = k.merchant.to_pkcs8_pem(LineEnding::LF) {
        creds.merchant_private_key = Some(Secret::new(pem.as_str()));
    }
    if let Ok(pem) = k.platform.to_public_key().to_public_key_pem(LineEnding::LF) {
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        creds.platform_public_key = Some(b64);
    }
}

/// A plaintext refusal: `RETCODE` and `RETMSG` outside any `ENCRYPT`.
fn refuse(code: &str, message: &str) -> Handled<Answer> {
    Answer::Payout(json!({ "RETCODE": code, "RETMSG": message })).into()
}

/// An answer encrypted for the merchant and signed by the platform (by the merchant's own key
/// when `sign_wrong`, which no client may trust).
fn sealed(plain: Map<String, Value>, sign_wrong: bool) -> Handled<Answer> {
    let k = keys();
    let text = Value::Object(plain).to_string();
    let signer = if sign_wrong { &k.merchant } else { &k.platform };
    let (Ok(enc), Ok(sig)) = (
        payout_wire::encrypt(&k.merchant.to_public_key(), text.as_bytes()),
        payout_wire::sign(signer, text.as_bytes()),
    ) else {
        return refuse("1009", "系统故障");
    };
    Answer::Payout(json!({ "RETCODE": "0000", "RETMSG": "交易成功", "ENCRYPT": enc, "SIGN": sig })).into()
}

pub(super) fn handle(ctx: &Ctx, message: Map<String, Value>) -> Handled<Answer> {
    let k = keys();
    let Some(enc) = message.get("ENCRYPT").and_then(Value::as_str) else {
        return refuse("1005", "加密错误");
    };
    let Ok(plain) = payout_wire::decrypt(&k.platform, enc) else {
        return refuse("1005", "加密错误");
    };
    let sign = message.get("SIGN").and_then(Value::as_str).unwrap_or_default();
    if payout_wire::verify(&k.merchant.to_public_key(), &plain, sign).is_err() {
        return refuse("1006", "签名错误");
    }
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&plain) else {
        return refuse("1005", "加密错误");
    };
    let text = |k: &str| req.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    if text("MERNO") != MERNO {
        return refuse("1002", "不存在此商户或商户未激活");
    }
    if text("VERSION") != payout_wire::VERSION {
        return refuse("1007", "版本号错误");
    }
    match text("CMDID").as_str() {
        "4097" => payout(ctx, &req),
        "4098" => query(ctx, &req),
        "4099" => balance(&req),
        _ => refuse("1001", "参数错误"),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn payout(ctx: &Ctx, req: &Map<String, Value>) -> Handled<Answer> {
    let text = |k: &str| req.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let (order_no, accno) = (text("ORDERNO"), text("ACCNO"));
    if !digits(&order_no) || order_no.len() > 32 || text("REQTIME").len() != 14 {
        return refuse("1001", "参数错误");
    }
    let Ok(amount) = text("AMT").parse::<u64>() else {
        return refuse("1013", "金额类型错误");
    };
    if amount == 0 {
        return refuse("1030", "代付金额错误");
    }
    if !["001", "002", "003", "004", "005", "999"].contains(&text("BUSIYPE").as_str()) {
        return refuse("1011", "业务类型错误");
    }
    if !digits(&accno) {
        return refuse("1018", "付款人账号错误");
    }
    if !["0", "2"].contains(&text("ACCTYPE").as_str()) {
        return refuse("1019", "付款人账号类型错误");
    }
    if text("ACCNAME").is_empty() || text("BANKNAME").is_empty() || text("MOBILE").len() != 11 {
        return refuse("1023", "不满足渠道交易要素要求");
    }
    let scenario = Scenario::from_code(&accno);
    if scenario == Scenario::Declined {
        return refuse("1031", "商户余额不足");
    }
    let mut order = new_order(STORE, &order_no, amount, scenario);
    order.extra.insert("sub".into(), "payout".into());
    order.extra.insert("ACCNAME".into(), text("ACCNAME"));
    order.extra.insert("ACCNO".into(), accno);
    order.extra.insert("BUSIYPE".into(), text("BUSIYPE"));
    order.extra.insert("MEMO".into(), text("MEMO"));
    order.extra.insert("MOBILE".into(), text("MOBILE"));
    order.extra.insert("BANKNAME".into(), text("BANKNAME"));
    // The same ORDERNO again, whatever its amount: 1008 流水号重复 (the store keeps the first).
    match ctx.store.create(order) {
        Ok((order, true)) => match scenario {
            Scenario::SystemErrorButCharged => refuse("0001", "系统异常，需要发起订单查询"),
            _ => sealed(answer_of(&order, false), scenario == Scenario::BadSignature),
        },
        _ => refuse("1008", "流水号重复"),
    }
}

/// `PAYSTATE` of a payout now: 1 paid, 2 paying, 3 failed.
fn pay_state(order: &SimOrder) -> u8 {
    match order.state(Instant::now()) {
        SimState::Paying => 2,
        SimState::Failed | SimState::Closed | SimState::Reversed => 3,
        _ => 1,
    }
}

/// The plaintext answer about `order`: the payout answer's fields as strings (the seed's example,
/// L451), the query's with `PAYSTATE`, `AMT` and `CURTYPE` as ints and `REMSG` (digest A19, A20).
fn answer_of(order: &SimOrder, query: bool) -> Map<String, Value> {
    let state = pay_state(order);
    let desc = match state {
        1 => "付款成功",
        2 => "付款中",
        _ => "付款失败",
    };
    let rsptime = posgate_core::clock::beijing(posgate_core::clock::now_unix()).compact();
    let mut m = Map::new();
    m.insert("RETCODE".into(), json!("0000"));
    m.insert(if query { "REMSG" } else { "RETMSG" }.into(), json!("交易成功"));
    m.insert("MERNO".into(), json!(MERNO));
    m.insert("ORDERNO".into(), json!(order.order_no));
    m.insert("BSORDERNO".into(), json!(order.trade_no));
    m.insert("DESC".into(), json!(desc));
    m.insert("ACCNAME".into(), json!(order.extra("ACCNAME")));
    m.insert("ACCNO".into(), json!(order.extra("ACCNO")));
    m.insert("RSPTIME".into(), json!(rsptime));
    if query {
        m.insert("PAYSTATE".into(), json!(state));
        m.insert("AMT".into(), json!(order.amount));
        m.insert("CURTYPE".into(), json!(1));
        for k in ["BUSIYPE", "MEMO", "MOBILE", "BANKNAME"] {
            m.insert(k.into(), json!(order.extra(k)));
        }
    } else {
        m.insert("PAYSTATE".into(), json!(state.to_string()));
        m.insert("AMT".into(), json!(order.amount.to_string()));
    }
    m
}

fn query(ctx: &Ctx, req: &Map<String, Value>) -> Handled<Answer> {
    let text = |k: &str| req.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let (order_no, bs) = (text("ORDERNO"), text("BSORDERNO"));
    let found = match (order_no.is_empty(), bs.is_empty()) {
        (true, true) => return refuse("1027", "商户付款订单号和平台代付流水号不能同时为空"),
        (false, _) => ctx.store.get(STORE, &order_no).ok_or(("1028", "商户付款订单号不存在")),
        (true, false) => ctx.store.find(STORE, |o| o.trade_no == bs).ok_or(("1029", "平台代付流水号不存在")),
    };
    match found {
        Ok(order) => sealed(answer_of(&order, true), false),
        Err((code, msg)) => refuse(code, msg),
    }
}

fn balance(req: &Map<String, Value>) -> Handled<Answer> {
    let serial = req.get("ORDERNO").and_then(Value::as_str).unwrap_or_default();
    if !digits(serial) {
        return refuse("1001", "参数错误");
    }
    let group = |chl: &str, balance: u64, pay: u64| {
        json!({"ACCSTATUS": 1, "BALANCE": balance, "BALANCEPAY": pay, "ADVANCEPAY": 0, "FREEZEBAL": 0,
               "ISCHARGE": "2", "MERTYPE": "1", "CHLNO": chl, "CHLMERNO": format!("{chl}-{MERNO}"),
               "LIMIT_DOWN": "100", "LIMIT_TOP": "5000000", "BEGIN_AT": "00:00", "END_AT": "23:59",
               "HOLIDAYTYPE": 3, "SETTLE_AT": 16, "SETTLE_TYPE": "1"})
    };
    let mut m = Map::new();
    m.insert("RETCODE".into(), json!("0000"));
    m.insert("RETMMSG".into(), json!("查询成功"));
    m.insert("RSPTIME".into(), json!(posgate_core::clock::beijing(posgate_core::clock::now_unix()).compact()));
    m.insert("ACCINFO".into(), json!([group("C001", 1_000_000, 900_000), group("C002", 50_000, 50_000)]));
    sealed(m, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_keys_parse_as_the_client_reads_them() {
        let mut c = Credentials::new(MERNO, super::super::TERMNO, Secret::new(super::super::KEY));
        configure(&mut c);
        let keys = payout_wire::PayoutKeys::from_credentials(&c).unwrap();
        assert!(keys.is_some());
    }
}
