//! The code tables of chapter 7 (`code`, `sub_code` / `resultCode`), the enums of chapter 3 and
//! of the answers, what each operation does with a code ([`Read`], [`Decision`]), and the mapping
//! of order states onto [`TradeState`] / [`RefundState`].

use crate::error::Error;
use crate::money::Money;
use crate::trade::{RefundState, TradeState};
use crate::wire::code_table;

// ---------------------------------------------------------------------------------------------
// Code tables

code_table! {
    /// `code` (7.1): whether the request was delivered. 10000 says nothing about the business
    /// result, which is in `data`.
    SystemCode: trimmed text {
        Success = "10000" => "成功",
        Unavailable = "20000" => "不可用服务",
        InsufficientAuth = "20001" => "授权不足",
        MissingParam = "40001" => "缺少必需参数",
        InvalidParam = "40002" => "非法参数",
    }
}

code_table! {
    /// `data.sub_code` and `resultCode` (7.2). `00` is not in the table but is what card-swipe
    /// trades (3.3.1, "00 表示成功") and the seed's refund example answer for success.
    SubCode: trimmed text {
        Processing = "D01" => "处理中",
        Ended = "D04" => "交易结束",
        AlreadyPaid = "D05" => "订单已支付",
        Revoked = "D06" => "订单已撤销",
        UserPaying = "D07" => "用户支付中",
        NotPaid = "D08" => "订单未支付",
        PayFailed = "D09" => "订单支付失败",
        OrderAbnormal = "D10" => "订单异常",
        MerchantNotExist = "E01" => "商户不存在",
        InvalidAmount = "E02" => "无效金额",
        SignFailed = "E05" => "验签失败",
        OrderNoEmpty = "E15" => "订单号不能为空",
        CodeExpired = "E16" => "付款码已过期",
        CodeInvalid = "E17" => "付款码无效",
        OrderNotExist = "E19" => "订单不存在",
        UnsupportedTrade = "E20" => "不支持的交易【作废】",
        RefundAmountWrong = "E22" => "退款金额有误",
        DeviceNoAlipayAuth = "E23" => "交易设备未获取支付宝授权",
        NoAlipayAuth = "E24" => "未获取支付宝授权",
        MerchantIllegal = "E25" => "商户不合法",
        MissingParam = "E27" => "缺少必要参数【作废】",
        NotRefundOrder = "E28" => "非退款订单【作废】",
        Timeout = "F01" => "交易超时",
        SystemError = "F02" => "系统异常",
        AlipayRefundFailed = "F04" => "请求支付宝退款接口失败",
        ParamError = "Q03" => "参数异常",
        IllegalVendor = "R01" => "软件商（软件包、设备）不合法",
        IllegalIp = "R02" => "非法IP【作废】",
        TooFrequent = "R03" => "请求太频繁",
        SystemException = "S03" => "系统异常",
        ChannelNotOpen = "S04" => "设备商户未开通支付渠道",
        Success = "T00" => "成功",
        InvalidTrade = "T01" => "无效交易",
        InsufficientBalance = "T02" => "余额不足",
        AmountLimit = "T03" => "交易金额超限、参数错误",
        MerchantBalance = "T04" => "商户余额不足",
        WrongPassword = "T05" => "密码错误",
        Duplicate = "T06" => "重复交易",
        TradeFailed = "T07" => "交易失败",
        CheatSuspect = "T09" => "有作弊嫌疑",
        FraudSuspect = "T11" => "舞弊嫌疑",
        NoPartialRefundToday = "T13" => "当日交易不支持部分退款",
        Approved = "00" => "成功",
    }
}

code_table! {
    /// `cardType` (3.4).
    CardType: trimmed text {
        Credit = "CC" => "贷记卡",
        Debit = "DC" => "借记卡",
        SemiCredit = "SCC" => "准贷记卡",
        /// A scanned code: WeChat, Alipay, Shengpay.
        Scan = "OA" => "扫码：微信，支付宝，盛付通",
    }
}

code_table! {
    /// `cardGov`: the card organisation (3.5).
    CardGov: trimmed text {
        Wechat = "WX" => "微信",
        Alipay = "ZFB01" => "支付宝",
        Shengpay = "SFT01" => "盛付通",
        BankCard = "CUP" => "银行卡",
        UnionPayQr = "CUP01" => "银联扫码支付",
        UnionPayStaticQr = "CUP02" => "银联静态扫码支付",
        UnionPayDynamicQr = "CUP03" => "银联动态扫码支付",
    }
}

code_table! {
    /// `platform`: the wallet.
    Platform: trimmed text {
        Wxpay = "wxpay" => "微信支付",
        Alipay = "alipay" => "支付宝支付",
        Unionpay = "unionpay" => "银联钱包支付",
    }
}

code_table! {
    /// `orderType` (3.3.1, 6.1; query and refund answers list only 0 and 1).
    OrderType: trimmed number {
        Sale = "0" => "消费",
        Refund = "1" => "退款",
        Void = "2" => "撤单",
        PreAuth = "3" => "预授权",
        PreAuthComplete = "4" => "预授权完成",
        /// Revoked, for Shengpay usually a back-office void.
        Revoke = "5" => "撤销",
        Query = "6" => "订单查询",
    }
}

code_table! {
    /// `state`: the order state.
    #[cfg_attr(feature = "uniffi", uniffi(name = "SunmiTradeStatus"))]
    TradeStatus: trimmed number {
        /// Submitted to the channel, waiting for the payer.
        Created = "1" => "交易创建，交易提交到支付通道，待付款",
        Unpaid = "2" => "订单未付款",
        /// Succeeded: a payment, a refund, ...
        Success = "3" => "交易成功，包含：收款、退款等成功",
        /// Ended, not refundable (e.g. the original order after a void).
        Finished = "4" => "交易结束，不可退款，如撤单后原订单即为此状态",
        Failed = "5" => "交易失败",
    }
}

code_table! {
    /// payBind `configType`.
    ConfigType: trimmed text {
        /// The payment directory (`payUrl`) of an official account: step 2 of 2.
        PayUrl = "1" => "授权目录",
        /// A mini program's appId (`miniAppId`).
        MiniAppId = "2" => "小程序appId",
        /// The official account's appId (`attentionAppId`): step 1 of 2.
        AttentionAppId = "3" => "关注公众号appId",
        /// A mini program to follow (`receiptAppId`).
        ReceiptAppId = "4" => "关注小程序appId",
        /// Read the configuration back.
        Query = "5" => "查询配置信息",
    }
}

/// What a chapter-7 business code says, whatever the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// T00, 00.
    Success,
    /// D01 处理中, D07 用户支付中, D08 订单未支付: not settled yet.
    Pending,
    /// D04 交易结束, D05 订单已支付, D06 订单已撤销, D09 订单支付失败: a settled trade state.
    Settled,
    /// D10, F01, F02, F04, S03, T06 and unlisted codes: nobody knows what happened. Query.
    Unknown,
    /// E19.
    NotFound,
    /// The payer's payment was refused (balance, password, risk, a bad code).
    Declined,
    /// The request itself was refused (merchant, parameters, signature, rights, limits).
    Refused,
}

impl SubCode {
    pub fn kind(&self) -> CodeKind {
        use SubCode::*;
        match self {
            Success | Approved => CodeKind::Success,
            Processing | UserPaying | NotPaid => CodeKind::Pending,
            Ended | AlreadyPaid | Revoked | PayFailed => CodeKind::Settled,
            OrderAbnormal | Timeout | SystemError | AlipayRefundFailed | SystemException | Duplicate | Other(_) => {
                CodeKind::Unknown
            }
            OrderNotExist => CodeKind::NotFound,
            CodeExpired | CodeInvalid | InvalidTrade | InsufficientBalance | WrongPassword | TradeFailed
            | CheatSuspect | FraudSuspect => CodeKind::Declined,
            MerchantNotExist | InvalidAmount | SignFailed | OrderNoEmpty | UnsupportedTrade | RefundAmountWrong
            | DeviceNoAlipayAuth | NoAlipayAuth | MerchantIllegal | MissingParam | NotRefundOrder | ParamError
            | IllegalVendor | IllegalIp | TooFrequent | ChannelNotOpen | AmountLimit | MerchantBalance
            | NoPartialRefundToday => CodeKind::Refused,
        }
    }

    /// The trade state a code alone stands for, for an answer that has no `state`.
    pub fn trade_state(&self) -> TradeState {
        match (self.kind(), self) {
            (CodeKind::Pending, _) => TradeState::Paying,
            (_, SubCode::AlreadyPaid) => TradeState::Paid,
            (_, SubCode::Revoked) => TradeState::Reversed,
            (_, SubCode::Ended) => TradeState::Closed,
            (_, SubCode::PayFailed) | (CodeKind::Declined, _) => TradeState::Failed,
            _ => TradeState::Unknown,
        }
    }
}

/// How an operation reads a business code in `data.sub_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// payBind: anything but success is a refusal (system errors are unknown).
    Bind,
    /// jsApiPay / miniPay: a pending, settled or unknown code is an answer about an order that
    /// may exist (keep it and query); a refusal or decline means no order.
    Prepay,
    /// query / swipeQuery: any trade state is an answer; not found and refusals are errors.
    Query,
    /// refund: success, processing (D01) and unknown codes are answers; anything else (the
    /// order unpaid D08, ended D04, amount wrong E22, ...) refuses the refund.
    Refund,
}

/// What the client does with an answer's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Decode `data` and hand it over (the code is in its `sub_code`).
    Accept,
    /// A definite refusal: `Err(GatewayRejected)`, nothing happened.
    Reject,
    /// Nobody knows whether it took effect: `Err(Network { outcome_unknown })`.
    Unknown,
}

impl Read {
    pub fn decide(self, code: &SubCode) -> Decision {
        let kind = code.kind();
        match (self, kind) {
            (_, CodeKind::Success) => Decision::Accept,
            (Read::Bind, CodeKind::Unknown) => Decision::Unknown,
            (Read::Bind, _) => Decision::Reject,
            (Read::Prepay, CodeKind::Pending | CodeKind::Settled | CodeKind::Unknown) => Decision::Accept,
            (Read::Prepay, _) => Decision::Reject,
            (Read::Query, CodeKind::NotFound | CodeKind::Refused) => Decision::Reject,
            (Read::Query, _) => Decision::Accept,
            (Read::Refund, CodeKind::Unknown) => Decision::Accept,
            (Read::Refund, _) if *code == SubCode::Processing => Decision::Accept,
            (Read::Refund, _) => Decision::Reject,
        }
    }
}

impl SystemCode {
    /// 10000 goes on to `data`; 20000 (service unavailable) and unlisted codes may hide an
    /// effect: unknown; the rest refuse the request.
    pub fn decide(&self) -> Decision {
        match self {
            SystemCode::Success => Decision::Accept,
            SystemCode::Unavailable | SystemCode::Other(_) => Decision::Unknown,
            SystemCode::InsufficientAuth | SystemCode::MissingParam | SystemCode::InvalidParam => Decision::Reject,
        }
    }
}

/// The public error for a code: `GatewayRejected` with the code, or an unknown outcome.
pub fn code_error(decision: Decision, code: &str, msg: &str, description: &str) -> Error {
    let message = if msg.trim().is_empty() { description.to_string() } else { msg.to_string() };
    match decision {
        Decision::Unknown | Decision::Accept => Error::Network {
            message: format!("sunmi answered {code} {message}: the outcome is unknown, query"),
            outcome_unknown: true,
        },
        Decision::Reject => Error::rejected(code, message),
    }
}

/// The state of a payment order (orderType 0, 3, 4) from `state`, or from the code when an
/// answer has no `state`. A successful order with refunds is (partially) refunded; an order
/// ended (4) with nothing refunded was voided.
pub fn payment_state(
    state: Option<&TradeStatus>,
    code: Option<&SubCode>,
    amount: Option<Money>,
    refunded: Option<Money>,
) -> TradeState {
    let refunded = refunded.unwrap_or_default();
    let all_back = amount.is_some_and(|a| !a.is_zero() && refunded >= a);
    match state {
        Some(TradeStatus::Created | TradeStatus::Unpaid) => TradeState::Paying,
        Some(TradeStatus::Success) if refunded.is_zero() => TradeState::Paid,
        Some(TradeStatus::Success | TradeStatus::Finished) if all_back => TradeState::Refunded,
        Some(TradeStatus::Success) => TradeState::PartiallyRefunded,
        Some(TradeStatus::Finished) if refunded.is_zero() => TradeState::Reversed,
        // Ended after a partial refund: the rest stays with the merchant.
        Some(TradeStatus::Finished) => TradeState::PartiallyRefunded,
        Some(TradeStatus::Failed) => TradeState::Failed,
        Some(TradeStatus::Other(_)) => TradeState::Unknown,
        None => code.map(SubCode::trade_state).unwrap_or(TradeState::Unknown),
    }
}

/// The state of a refund order (orderType 1) from `state`, or from the code.
pub fn refund_state(state: Option<&TradeStatus>, code: Option<&SubCode>) -> RefundState {
    match state {
        Some(TradeStatus::Success) => RefundState::Success,
        Some(TradeStatus::Created | TradeStatus::Unpaid) => RefundState::Processing,
        Some(TradeStatus::Failed) => RefundState::Failed,
        Some(TradeStatus::Finished | TradeStatus::Other(_)) => RefundState::Unknown,
        None => match code.map(SubCode::kind) {
            Some(CodeKind::Success) => RefundState::Success,
            Some(CodeKind::Pending) => RefundState::Processing,
            Some(CodeKind::Declined | CodeKind::Refused) => RefundState::Failed,
            _ => RefundState::Unknown,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_chapter_7_code_is_mapped() {
        let system = [("10000", Decision::Accept), ("20000", Decision::Unknown), ("20001", Decision::Reject)];
        for (code, d) in system.into_iter().chain([("40001", Decision::Reject), ("40002", Decision::Reject)]) {
            let c = SystemCode::parse(code);
            assert!(!matches!(c, SystemCode::Other(_)), "{code}");
            assert_eq!(c.decide(), d, "{code}");
        }
        assert_eq!(SystemCode::parse("99999").decide(), Decision::Unknown);
        let business = [
            ("D01", CodeKind::Pending),
            ("D04", CodeKind::Settled),
            ("D05", CodeKind::Settled),
            ("D06", CodeKind::Settled),
            ("D07", CodeKind::Pending),
            ("D08", CodeKind::Pending),
            ("D09", CodeKind::Settled),
            ("D10", CodeKind::Unknown),
            ("E01", CodeKind::Refused),
            ("E02", CodeKind::Refused),
            ("E05", CodeKind::Refused),
            ("E15", CodeKind::Refused),
            ("E16", CodeKind::Declined),
            ("E17", CodeKind::Declined),
            ("E19", CodeKind::NotFound),
            ("E20", CodeKind::Refused),
            ("E22", CodeKind::Refused),
            ("E23", CodeKind::Refused),
            ("E24", CodeKind::Refused),
            ("E25", CodeKind::Refused),
            ("E27", CodeKind::Refused),
            ("E28", CodeKind::Refused),
            ("F01", CodeKind::Unknown),
            ("F02", CodeKind::Unknown),
            ("F04", CodeKind::Unknown),
            ("Q03", CodeKind::Refused),
            ("R01", CodeKind::Refused),
            ("R02", CodeKind::Refused),
            ("R03", CodeKind::Refused),
            ("S03", CodeKind::Unknown),
            ("S04", CodeKind::Refused),
            ("T00", CodeKind::Success),
            ("T01", CodeKind::Declined),
            ("T02", CodeKind::Declined),
            ("T03", CodeKind::Refused),
            ("T04", CodeKind::Refused),
            ("T05", CodeKind::Declined),
            ("T06", CodeKind::Unknown),
            ("T07", CodeKind::Declined),
            ("T09", CodeKind::Declined),
            ("T11", CodeKind::Declined),
            ("T13", CodeKind::Refused),
        ];
        assert_eq!(business.len(), 42, "every row of 7.2");
        for (code, kind) in business {
            let c = SubCode::parse(code);
            assert!(!matches!(c, SubCode::Other(_)), "{code}");
            assert!(!c.description().is_empty(), "{code}");
            assert_eq!(c.kind(), kind, "{code}");
            assert_eq!(c.as_str(), code);
        }
        assert_eq!(SubCode::parse("00").kind(), CodeKind::Success);
        assert_eq!(SubCode::parse("ZZ9").kind(), CodeKind::Unknown);
        assert_eq!(SubCode::parse("D07").trade_state(), TradeState::Paying);
        assert_eq!(SubCode::parse("D05").trade_state(), TradeState::Paid);
        assert_eq!(SubCode::parse("D06").trade_state(), TradeState::Reversed);
        assert_eq!(SubCode::parse("D09").trade_state(), TradeState::Failed);
        assert_eq!(SubCode::parse("T02").trade_state(), TradeState::Failed);
        assert_eq!(SubCode::parse("F02").trade_state(), TradeState::Unknown);
    }

    #[test]
    fn decisions_per_operation() {
        let d = |r: Read, c: &str| r.decide(&SubCode::parse(c));
        // A refused prepay created nothing; an unknown one may have.
        assert_eq!(d(Read::Prepay, "T00"), Decision::Accept);
        assert_eq!(d(Read::Prepay, "D07"), Decision::Accept);
        assert_eq!(d(Read::Prepay, "S03"), Decision::Accept);
        assert_eq!(d(Read::Prepay, "Q03"), Decision::Reject);
        assert_eq!(d(Read::Prepay, "T02"), Decision::Reject);
        // A query that finds a failed trade answered; one that finds nothing did not.
        assert_eq!(d(Read::Query, "T02"), Decision::Accept);
        assert_eq!(d(Read::Query, "D08"), Decision::Accept);
        assert_eq!(d(Read::Query, "E19"), Decision::Reject);
        assert_eq!(d(Read::Query, "E25"), Decision::Reject);
        // A refund of an unpaid order is refused; one in process or unknown is not.
        assert_eq!(d(Read::Refund, "D08"), Decision::Reject);
        assert_eq!(d(Read::Refund, "D04"), Decision::Reject);
        assert_eq!(d(Read::Refund, "E22"), Decision::Reject);
        assert_eq!(d(Read::Refund, "D01"), Decision::Accept);
        assert_eq!(d(Read::Refund, "F04"), Decision::Accept);
        assert_eq!(d(Read::Refund, "00"), Decision::Accept);
        assert_eq!(d(Read::Bind, "T00"), Decision::Accept);
        assert_eq!(d(Read::Bind, "Q03"), Decision::Reject);
        assert_eq!(d(Read::Bind, "F02"), Decision::Unknown);
        let e = code_error(Decision::Reject, "Q03", "", SubCode::ParamError.description());
        assert_eq!(e, Error::rejected("Q03", "参数异常"));
        assert!(code_error(Decision::Unknown, "20000", "x", "").outcome_unknown());
    }

    #[test]
    fn states() {
        let fen = |n: i64| Some(Money::from_fen(n, "a").unwrap());
        let s = |n: &str| Some(TradeStatus::parse(n));
        assert_eq!(payment_state(s("1").as_ref(), None, fen(200), None), TradeState::Paying);
        assert_eq!(payment_state(s("2").as_ref(), None, fen(200), None), TradeState::Paying);
        assert_eq!(payment_state(s("3").as_ref(), None, fen(200), fen(0)), TradeState::Paid);
        assert_eq!(payment_state(s("3").as_ref(), None, fen(200), fen(50)), TradeState::PartiallyRefunded);
        assert_eq!(payment_state(s("3").as_ref(), None, fen(200), fen(200)), TradeState::Refunded);
        assert_eq!(payment_state(s("4").as_ref(), None, fen(200), fen(200)), TradeState::Refunded);
        assert_eq!(payment_state(s("4").as_ref(), None, fen(200), None), TradeState::Reversed);
        assert_eq!(payment_state(s("5").as_ref(), None, fen(200), None), TradeState::Failed);
        assert_eq!(payment_state(s("9").as_ref(), None, fen(200), None), TradeState::Unknown);
        assert_eq!(payment_state(None, Some(&SubCode::UserPaying), None, None), TradeState::Paying);
        assert_eq!(payment_state(None, None, None, None), TradeState::Unknown);
        assert_eq!(refund_state(s("3").as_ref(), None), RefundState::Success);
        assert_eq!(refund_state(s("1").as_ref(), None), RefundState::Processing);
        assert_eq!(refund_state(s("5").as_ref(), None), RefundState::Failed);
        assert_eq!(refund_state(None, Some(&SubCode::Processing)), RefundState::Processing);
        assert_eq!(refund_state(None, Some(&SubCode::SystemError)), RefundState::Unknown);
    }

    #[test]
    fn enums_keep_unknown_values() {
        assert_eq!(CardType::parse("SCC"), CardType::SemiCredit);
        assert_eq!(CardType::parse("XX"), CardType::Other("XX".into()));
        for (code, gov) in [
            ("WX", CardGov::Wechat),
            ("ZFB01", CardGov::Alipay),
            ("SFT01", CardGov::Shengpay),
            ("CUP", CardGov::BankCard),
            ("CUP01", CardGov::UnionPayQr),
            ("CUP02", CardGov::UnionPayStaticQr),
            ("CUP03", CardGov::UnionPayDynamicQr),
        ] {
            assert_eq!(CardGov::parse(code), gov);
        }
        assert_eq!(Platform::parse("unionpay"), Platform::Unionpay);
        assert_eq!(Platform::parse("jdpay").as_str(), "jdpay");
        assert_eq!(OrderType::parse("5"), OrderType::Revoke);
        assert_eq!(serde_json::to_value(OrderType::Refund).unwrap(), json!(1));
        assert_eq!(serde_json::to_value(OrderType::Other("x".into())).unwrap(), json!("x"));
        assert_eq!(serde_json::to_value(CardGov::Alipay).unwrap(), json!("ZFB01"));
        assert_eq!(serde_json::from_value::<TradeStatus>(json!(3)).unwrap(), TradeStatus::Success);
        assert_eq!(serde_json::from_value::<TradeStatus>(json!("3")).unwrap(), TradeStatus::Success);
    }
}
