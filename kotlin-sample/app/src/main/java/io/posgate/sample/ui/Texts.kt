package io.posgate.sample.ui

import android.content.Context
import io.posgate.RefundState
import io.posgate.TradeState
import io.posgate.sample.R
import io.posgate.sample.logic.AmountError
import io.posgate.sample.logic.CheckoutViewModel
import io.posgate.sample.logic.FaceRecognition
import io.posgate.sample.logic.PayProgress
import io.posgate.sample.logic.PaymentError
import io.posgate.sample.logic.ScanError
import io.posgate.sample.logic.ScanResult
import io.posgate.sample.logic.SettingsIssue
import io.posgate.sample.logic.Wallet
import io.posgate.core.Wallet as QrWallet

/** The logic module's states as the cashier reads them (strings in res/values). */
object Texts {
    private val TRADE_STATES = mapOf(
        TradeState.PAYING to R.string.state_paying,
        TradeState.PAID to R.string.state_paid,
        TradeState.FAILED to R.string.state_failed,
        TradeState.CLOSED to R.string.state_closed,
        TradeState.REVERSED to R.string.state_reversed,
        TradeState.REFUNDED to R.string.state_refunded,
        TradeState.PARTIALLY_REFUNDED to R.string.state_partially_refunded,
        TradeState.UNKNOWN to R.string.state_unknown,
        TradeState.NEEDS_ATTENTION to R.string.state_needs_attention,
    )

    private val REFUND_STATES = mapOf(
        RefundState.PROCESSING to R.string.refund_state_processing,
        RefundState.SUCCESS to R.string.refund_state_success,
        RefundState.FAILED to R.string.refund_state_failed,
        RefundState.UNKNOWN to R.string.refund_state_unknown,
    )

    private val WALLETS = mapOf(
        Wallet.WECHAT to R.string.wallet_wechat,
        Wallet.ALIPAY to R.string.wallet_alipay,
        Wallet.UNIONPAY to R.string.wallet_unionpay,
        Wallet.QQ to R.string.wallet_qq,
        Wallet.JDPAY to R.string.wallet_jdpay,
        Wallet.BESTPAY to R.string.wallet_bestpay,
    )

    /** The wallets a QR code is for (PosGate.qrWallets()). */
    private val QR_WALLETS = mapOf(
        QrWallet.WECHAT to R.string.wallet_wechat,
        QrWallet.ALIPAY to R.string.wallet_alipay,
        QrWallet.UNIONPAY to R.string.wallet_unionpay,
        QrWallet.QQ to R.string.wallet_qq,
        QrWallet.JD to R.string.wallet_jdpay,
    )

    private val AMOUNT_ERRORS = mapOf(
        AmountError.EMPTY to R.string.amount_empty,
        AmountError.NOT_A_NUMBER to R.string.amount_not_a_number,
        AmountError.NEGATIVE to R.string.amount_negative,
        AmountError.TOO_MANY_DECIMALS to R.string.amount_too_many_decimals,
        AmountError.ZERO to R.string.amount_zero,
        AmountError.TOO_LARGE to R.string.amount_too_large,
    )

    private val SETTINGS_ISSUES = mapOf(
        SettingsIssue.REQUIRED to R.string.settings_required,
        SettingsIssue.REQUIRED_ONE_OF to R.string.settings_required_one_of,
        SettingsIssue.NOT_HTTPS to R.string.settings_not_https,
        SettingsIssue.NOT_A_URL to R.string.settings_not_a_url,
        SettingsIssue.UNSUPPORTED to R.string.settings_unsupported,
    )

    // Newer library versions may add states: show their name rather than fail.
    fun state(c: Context, s: TradeState): String = TRADE_STATES[s]?.let(c::getString) ?: s.name

    fun refundState(c: Context, s: RefundState): String = REFUND_STATES[s]?.let(c::getString) ?: s.name

    fun wallet(c: Context, w: Wallet): String = WALLETS[w]?.let(c::getString) ?: w.name

    fun qrWallet(c: Context, w: QrWallet): String = QR_WALLETS[w]?.let(c::getString) ?: w.name

    fun amountError(c: Context, e: AmountError): String = c.getString(AMOUNT_ERRORS.getValue(e))

    fun settingsIssue(c: Context, i: SettingsIssue): String = c.getString(SETTINGS_ISSUES.getValue(i))

    fun scan(c: Context, s: ScanResult): String = when (s) {
        is ScanResult.Valid -> c.getString(R.string.scan_ok, wallet(c, s.wallet))
        is ScanResult.Invalid -> when (s.error) {
            ScanError.EMPTY -> c.getString(R.string.scan_empty)
            ScanError.NOT_DIGITS -> c.getString(R.string.scan_not_digits)
            ScanError.UNKNOWN_WALLET -> c.getString(R.string.scan_unknown_wallet)
            ScanError.WRONG_LENGTH -> {
                val w = Wallet.byPrefix(s.text)
                if (w == null) {
                    c.getString(R.string.scan_unknown_wallet)
                } else {
                    val range = w.validLengths
                    val lengths = if (range.first == range.last) "${range.first}" else "${range.first}-${range.last}"
                    c.getString(R.string.scan_wrong_length, wallet(c, w), lengths, s.text.length)
                }
            }
        }
    }

    fun progress(c: Context, p: PayProgress): String = when (p) {
        PayProgress.FaceReading -> c.getString(R.string.progress_face_reading)
        PayProgress.FaceAuthorising -> c.getString(R.string.progress_face_authorising)
        PayProgress.FaceRecognising -> c.getString(R.string.progress_face_recognising)
        is PayProgress.Submitted -> c.getString(R.string.progress_submitted, p.orderNo)
        is PayProgress.Paying -> c.getString(R.string.progress_paying)
        is PayProgress.Polling -> c.getString(R.string.progress_polling, p.n, p.of)
        is PayProgress.Reversing -> c.getString(R.string.progress_reversing)
        is PayProgress.WaitingForScan -> c.getString(R.string.progress_waiting_for_scan)
        is PayProgress.Closing -> c.getString(R.string.progress_closing)
        is PayProgress.NeedsAttention -> c.getString(R.string.progress_needs_attention, p.reason)
        is PayProgress.Final -> c.getString(R.string.progress_final, state(c, p.state))
        is PayProgress.Other -> p.description
    }

    fun error(c: Context, e: PaymentError): String = when (e) {
        is PaymentError.InvalidInput -> c.getString(R.string.error_invalid_input, e.field, e.reason)
        is PaymentError.Network ->
            if (e.outcomeUnknown) c.getString(R.string.error_network_outcome_unknown, e.detail)
            else c.getString(R.string.error_network, e.detail)
        is PaymentError.Rejected -> c.getString(R.string.error_rejected, e.code, e.detail)
        is PaymentError.SignatureInvalid -> c.getString(R.string.error_signature, e.detail)
        is PaymentError.Unsupported ->
            if (e.what == CheckoutViewModel.NO_BARCODE_SUNMI) c.getString(R.string.error_no_barcode_sunmi)
            else c.getString(R.string.error_unsupported, e.what)
        is PaymentError.Configuration -> c.getString(R.string.error_configuration, e.detail)
        is PaymentError.Internal -> c.getString(R.string.error_internal, e.detail)
        is PaymentError.FaceNotRecognised -> when (val o = e.outcome) {
            FaceRecognition.Cancelled -> c.getString(R.string.face_cancelled)
            FaceRecognition.SwitchedToBarcode -> c.getString(R.string.face_switched_to_barcode)
            is FaceRecognition.Failed -> c.getString(R.string.face_failed, o.code, o.message)
            is FaceRecognition.Recognised -> c.getString(R.string.face_failed, "?", "")
        }
    }
}
