//! The seed's dictionaries (appendices 2-5) and what each code tells: `RESULT.CODE` (appendix
//! 5) classified as the digest's table 3.1 does, `STATE` (appendix 4) mapped onto [`TradeState`]
//! and [`RefundState`], the pay channels (appendix 2) and fund channels (appendix 3).

use crate::trade::{RefundState, TradeState};
use crate::wire::code_table;

code_table! {
    /// `RESULT.CODE` (appendix 5). Wire names as printed: `SUCESS` and `AREADY_REVOKED` are the
    /// seed's spellings; every sample answers `SUCCESS`, so both mean success.
    ResultCode: trimmed text {
        Success = "SUCCESS" => "成功",
        Sucess = "SUCESS" => "成功 (the appendix's spelling)",
        Fail = "FAIL" => "失败",
        IllegalParameter = "ILLEGAL_PARAMETER" => "参数错误",
        InvalidSign = "INVALID_SIGN" => "签名错误",
        AmtError = "AMT_ERROR" => "金额错误",
        DatabaseError = "DATABASE_ERROR" => "数据库连接异常",
        InvalidContract = "INVALID_CONTRACT" => "无效的签约状态",
        UnregisteredBusi = "UNREGISTERED_BUSI" => "未注册的商户",
        Exception = "EXCEPTION" => "未知异常",
        ChargeNonexistent = "CHARGE_NONEXISTENT" => "交易记录不存在",
        ServiceUnavailable = "SERVICE_UNAVAILABLE" => "服务不可用",
        HttpException = "HTTP_EXCEPTION" => "HTTP请求异常",
        IoException = "IO_EXCEPTION" => "IO异常",
        CreateSecurityConnectionError = "CREATE_SECURITY_CONNECTION_ERROR" => "创建安全链接失败!",
        AreadyRevoked = "AREADY_REVOKED" => "该订单已经撤销",
        SerialRepeat = "SERIAL_REPEAT" => "上行流水号与系统中重复",
    }
}

impl ResultCode {
    pub fn is_success(&self) -> bool {
        matches!(self, ResultCode::Success | ResultCode::Sucess)
    }

    /// Whether a refusal with this code says for certain that the request had no effect. `FAIL`,
    /// the system errors, any unlisted code and `SERIAL_REPEAT` (the number was used before: the
    /// earlier request may have been charged) do not: the outcome is unknown, query.
    pub fn is_definite(&self) -> bool {
        matches!(
            self,
            ResultCode::IllegalParameter
                | ResultCode::InvalidSign
                | ResultCode::AmtError
                | ResultCode::InvalidContract
                | ResultCode::UnregisteredBusi
                | ResultCode::ChargeNonexistent
                | ResultCode::AreadyRevoked
        )
    }
}

/// Classifies a refusal's code as received (the public error carries it as text).
pub fn code_is_definite(code: &str) -> bool {
    ResultCode::parse(code).is_definite()
}

code_table! {
    /// `STATE` (appendix 4). 3 is 申请撤单 as the seed says (the vendor SDK's `APPLY_REFUND`
    /// disagrees); 7 is "reserved, used when querying"; unlisted numbers are kept, non-final.
    State: trimmed number {
        AwaitingPayment = "0" => "待付款",
        Paid = "1" => "已付款",
        Cancelled = "2" => "已撤单",
        CancelRequested = "3" => "申请撤单",
        PartiallyRefunded = "4" => "部分退款",
        Refunded = "5" => "已退款",
        Closed = "6" => "交易关闭",
        Reserved = "7" => "系统保留状态",
        Refunding = "8" => "退款中",
        RefundFailed = "9" => "退款失败",
    }
}

impl State {
    /// Where the payment stands.
    ///
    /// - 2 (已撤单) is a cancel after the pay call, by the merchant or the server's 80 s
    ///   auto-cancel: `Reversed` (any charge went back).
    /// - 6 (交易关闭) is a trade closed without payment: Kuaishou has no "failed" state, a
    ///   declined barcode closes its order, so it is `Failed` (definitely not paid).
    /// - 8 and 9 are about a refund of a paid order: still paid (partly refunded at most).
    /// - 0, 3 (cancel in progress), 7 and unlisted numbers are not final.
    pub fn trade_state(&self) -> TradeState {
        match self {
            State::AwaitingPayment => TradeState::Paying,
            State::Paid | State::Refunding | State::RefundFailed => TradeState::Paid,
            State::Cancelled => TradeState::Reversed,
            State::PartiallyRefunded => TradeState::PartiallyRefunded,
            State::Refunded => TradeState::Refunded,
            State::Closed => TradeState::Failed,
            State::CancelRequested | State::Reserved | State::Other(_) => TradeState::Unknown,
        }
    }

    /// What the order's state says about a refund of it: the only refund status Kuaishou has
    /// (refund answers carry no refund id or status). 4/5 done, 8 pending, 9 failed; any other
    /// state says no refund of this order was made (see the client's `refund_query`).
    pub fn refund_state(&self) -> Option<RefundState> {
        match self {
            State::PartiallyRefunded | State::Refunded => Some(RefundState::Success),
            State::Refunding => Some(RefundState::Processing),
            State::RefundFailed => Some(RefundState::Failed),
            _ => None,
        }
    }
}

code_table! {
    /// `CHANNEL_TYPE` (appendix 2). 0 only on preOrder: the server tells the wallet from the code.
    ChannelType: trimmed number {
        Auto = "0" => "自动判定渠道",
        Alipay = "1" => "支付宝",
        Wechat = "2" => "微信",
        Cmb = "3" => "招商银行",
        Ccb = "5" => "中国建设银行",
        Abc = "9" => "农行银行",
        Spdb = "10" => "浦发银行",
        BaiduWallet = "24" => "百度钱包",
        Bestpay = "27" => "电信翼支付",
        QqWallet = "31" => "QQ钱包",
        UnionPayCard = "32" => "银联卡支付",
        AlipayWap = "34" => "支付宝手机网页支付",
    }
}

code_table! {
    /// `FUND_CHANNEL` (appendix 3): strings, `"00"` included.
    FundChannel: trimmed text {
        AlipayRedPacket = "00" => "支付宝红包",
        AlipayBalance = "10" => "支付宝余额",
        AlipayPrepaidCard = "60" => "支付宝预存卡",
        AlipayPoints = "30" => "支付宝集分宝",
        AlipayCredit = "70" => "支付宝信用支付",
        DiscountCoupon = "40" => "折扣券",
        PrepaidCard = "80" => "预付卡",
        ConsumerCredit = "90" => "信用支付（消费信贷）",
        Wechat = "11" => "微信支付",
        QqWallet = "12" => "QQ钱包支付",
        BaiduWallet = "13" => "百度钱包支付",
        Bestpay = "14" => "翼支付",
        WechatCashCoupon = "41" => "微信现金券支付",
        QqCashCoupon = "42" => "QQ钱包现金券支付",
        BaiduCashCoupon = "43" => "百度钱包现金券支付",
        BestpayCashCoupon = "44" => "翼支付现金券支付",
        AlipayWealth = "100" => "支付宝理财专户",
        MerchantStoreCard = "101" => "商户店铺卡",
        MerchantCoupon = "102" => "商户优惠券",
        AlipayBankCard = "103" => "银行卡（支付宝渠道）",
        MerchantRedPacket = "104" => "商户红包",
        BankCard = "9001" => "银行卡（银行渠道，包含借记卡和信用卡）",
        RandomDiscount = "9002" => "随机减",
        FreeOrder = "9003" => "免单",
        SpendAndSave = "9004" => "满立减",
        ItemDiscount = "9005" => "单品优惠",
        GiftWithPurchase = "9006" => "满送商品",
        Voucher = "9007" => "代金券",
        DiscountVoucher = "9008" => "折扣券",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_codes() {
        assert!(ResultCode::parse("SUCCESS").is_success());
        assert!(ResultCode::parse("SUCESS").is_success());
        // The seed prints `INVALID_SIGN ` with a trailing space.
        assert_eq!(ResultCode::parse("INVALID_SIGN "), ResultCode::InvalidSign);
        for unknown in ["FAIL", "EXCEPTION", "DATABASE_ERROR", "SERVICE_UNAVAILABLE", "HTTP_EXCEPTION", "IO_EXCEPTION"]
        {
            assert!(!code_is_definite(unknown), "{unknown}");
        }
        assert!(!code_is_definite("CREATE_SECURITY_CONNECTION_ERROR"));
        assert!(!code_is_definite("SERIAL_REPEAT"));
        assert!(!code_is_definite("SOMETHING_NEW"));
        for definite in ["ILLEGAL_PARAMETER", "INVALID_SIGN", "AMT_ERROR", "INVALID_CONTRACT", "UNREGISTERED_BUSI"] {
            assert!(code_is_definite(definite), "{definite}");
        }
        assert!(code_is_definite("CHARGE_NONEXISTENT") && code_is_definite("AREADY_REVOKED"));
        assert_eq!(ResultCode::AreadyRevoked.as_str(), "AREADY_REVOKED");
    }

    #[test]
    fn states() {
        let t = |n: &str| State::parse(n).trade_state();
        assert_eq!(t("0"), TradeState::Paying);
        assert_eq!(t("1"), TradeState::Paid);
        assert_eq!(t("2"), TradeState::Reversed);
        assert_eq!(t("3"), TradeState::Unknown);
        assert_eq!(t("4"), TradeState::PartiallyRefunded);
        assert_eq!(t("5"), TradeState::Refunded);
        assert_eq!(t("6"), TradeState::Failed);
        assert_eq!(t("7"), TradeState::Unknown);
        assert_eq!(t("8"), TradeState::Paid);
        assert_eq!(t("9"), TradeState::Paid);
        assert_eq!(t("14"), TradeState::Unknown);
        let r = |n: &str| State::parse(n).refund_state();
        assert_eq!((r("4"), r("5")), (Some(RefundState::Success), Some(RefundState::Success)));
        assert_eq!((r("8"), r("9")), (Some(RefundState::Processing), Some(RefundState::Failed)));
        assert_eq!((r("1"), r("2")), (None, None));
        assert_eq!(serde_json::to_string(&State::Paid).unwrap(), "1");
        assert_eq!(serde_json::from_str::<State>("\"6\"").unwrap(), State::Closed);
    }

    #[test]
    fn channels() {
        assert_eq!(ChannelType::parse("2"), ChannelType::Wechat);
        assert_eq!(ChannelType::parse("4"), ChannelType::Other("4".into()));
        assert_eq!(FundChannel::parse("00"), FundChannel::AlipayRedPacket);
        assert_eq!(FundChannel::parse("0"), FundChannel::Other("0".into()));
        assert_eq!(serde_json::to_string(&FundChannel::AlipayRedPacket).unwrap(), "\"00\"");
    }
}
