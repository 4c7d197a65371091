package io.posgate.sample.logic

import io.posgate.PaymentEvent
import io.posgate.PaymentListener
import io.posgate.PosGateException
import io.posgate.QrPaymentHandle
import io.posgate.TradeResult
import io.posgate.core.QrMatrix
import io.posgate.core.QrPaymentRequest
import io.posgate.newOrderNo
import io.posgate.qrMatrix
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import io.posgate.core.Wallet as QrWallet

/** Where the "Show QR" checkout stands. */
sealed interface QrPhase {
    /** Asking the gateway which wallets it issues a code for. */
    data object Loading : QrPhase

    /** The cashier picks the customer's wallet. */
    data object Choosing : QrPhase

    /** The order is being created at the gateway. */
    data class Starting(val orderNo: String, val wallet: QrWallet) : QrPhase

    /** The code is on the screen: the payer scans it and pays; the library watches the order. */
    data class Showing(
        val orderNo: String,
        val wallet: QrWallet,
        val content: String,
        val matrix: QrMatrix,
        /** When the library closes the order if still unpaid (Unix milliseconds). */
        val expiresAtMs: Long,
        /** The cashier cancelled: the order is being closed. */
        val cancelling: Boolean = false,
    ) : QrPhase

    /** Settled: PAID, or CLOSED (expired or cancelled unpaid); NEEDS_ATTENTION or UNKNOWN: query it. */
    data class Done(val result: TradeResult) : QrPhase

    /**
     * No result. [orderNo] null: nothing was sent (no QR on this gateway, bad input). [unresolved]:
     * the order may exist and may be paid, so it must be queried.
     */
    data class Failed(val orderNo: String?, val error: PaymentError, val unresolved: Boolean = error.mustQuery) : QrPhase

    /** Asking the gateway how the unresolved order ended. */
    data class Querying(val orderNo: String) : QrPhase
}

data class QrCheckoutState(
    val amountFen: Long,
    /** The wallets the gateway issues a code for (empty until loaded, or when it has none). */
    val wallets: List<QrWallet> = emptyList(),
    val phase: QrPhase = QrPhase.Loading,
    /** This payment's steps from the library's events, oldest first. */
    val progress: List<PayProgress> = emptyList(),
    /** Demo mode: the sandbox's payer can pay the code on the screen. */
    val demo: Boolean = false,
) {
    val canChoose: Boolean get() = phase == QrPhase.Choosing && wallets.isNotEmpty()
    val canCancel: Boolean get() = (phase as? QrPhase.Showing)?.cancelling == false
    val canPayAsDemoPayer: Boolean get() = demo && canCancel

    /** An order whose outcome is open (it may have been paid): query it before anything else. */
    val unresolvedOrderNo: String?
        get() = when (val p = phase) {
            is QrPhase.Failed -> p.orderNo.takeIf { p.unresolved }
            is QrPhase.Done -> p.result.orderNo.takeIf { !p.result.state.isFinal }
            else -> null
        }

    val canQuery: Boolean get() = unresolvedOrderNo != null

    /** The code to show (this screen and the customer display), while it can be paid. */
    val shownCode: QrPhase.Showing? get() = phase as? QrPhase.Showing

    val latest: PayProgress? get() = progress.lastOrNull()
}

/**
 * The "Show QR" checkout (the payer scans the terminal's code): the gateway's wallets, the QR
 * payment started for the chosen one, its code for drawing, the library's progress, the cashier's
 * cancel and the result. Android-free, like [CheckoutViewModel]: the app wraps it in an androidx
 * ViewModel and calls [close] when that is cleared.
 *
 * [notifyUrl]: the merchant server's address for the gateway's notification (MMSP requires one);
 * the server relays it to the app, which hands it to `PosGate.checkNotification` to end the wait
 * at once. Without one the library finds the payment by querying.
 */
class QrCheckoutModel(
    private val scope: CoroutineScope,
    private val gates: GateSource,
    amountFen: Long,
    private val subject: String = "posgate sample",
    private val notifyUrl: String? = null,
    /** How long the code may be paid; null: the gateway's default (two minutes). */
    private val expireSeconds: UInt? = null,
) : AutoCloseable {
    private val _state = MutableStateFlow(QrCheckoutState(amountFen = amountFen, demo = gates.demo))
    val state: StateFlow<QrCheckoutState> = _state.asStateFlow()

    @Volatile private var handle: QrPaymentHandle? = null

    private val listener = object : PaymentListener {
        // On a library thread; StateFlow.update is thread-safe. Must not throw.
        override fun onEvent(event: PaymentEvent) = _state.update { it.copy(progress = it.progress + PayProgress.from(event)) }
    }

    /** Loads the gateway's wallets; a gateway without a merchant-presented code fails with Unsupported. */
    fun load(): Job = scope.launch {
        val phase = try {
            val wallets = gates.open().gate.qrWallets()
            _state.update { it.copy(wallets = wallets) }
            if (wallets.isEmpty()) QrPhase.Failed(null, PaymentError.Unsupported(NO_QR)) else QrPhase.Choosing
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            QrPhase.Failed(null, PaymentError.from(e))
        }
        _state.update { it.copy(phase = phase) }
    }

    /** Starts the QR payment for [wallet]; null when the state does not allow it. */
    fun start(wallet: QrWallet): Job? {
        val orderNo = newOrderNo("QR")
        var allowed = false
        _state.update {
            allowed = it.canChoose && wallet in it.wallets
            if (allowed) it.copy(phase = QrPhase.Starting(orderNo, wallet), progress = emptyList()) else it
        }
        if (!allowed) return null
        return scope.launch {
            var started: QrPaymentHandle? = null
            try {
                val open = gates.open()
                val request = QrPaymentRequest(
                    orderNo = orderNo,
                    amount = _state.value.amountFen,
                    subject = subject,
                    wallet = wallet,
                    expireSeconds = expireSeconds,
                    notifyUrl = notifyUrl,
                    terminalId = open.terminal.deviceId.ifEmpty { null },
                    storeId = open.terminal.storeId.ifEmpty { null },
                )
                val h = open.gate.startQrPayment(request, listener)
                started = h
                handle = h
                val content = h.qrContent()
                val showing = QrPhase.Showing(orderNo, wallet, content, qrMatrix(content), h.expiresAtMs())
                _state.update { it.copy(phase = showing) }
                val result = h.result() // settled: paid, or closed at the expiry or on cancel
                _state.update { it.copy(phase = QrPhase.Done(result)) }
            } catch (e: CancellationException) {
                throw e // the screen went away: the library carries on and closes the order at its expiry
            } catch (e: Exception) {
                val error = PaymentError.from(e)
                // Once the order exists, a failure here leaves its outcome open.
                _state.update { it.copy(phase = QrPhase.Failed(orderNo, error, unresolved = started != null || error.mustQuery)) }
            }
        }
    }

    /** The cashier cancels: the library closes the order (a payment crossing the close is refunded). */
    fun cancel(): Boolean {
        var cancelled = false
        _state.update {
            val showing = it.phase as? QrPhase.Showing
            cancelled = showing != null && !showing.cancelling
            if (cancelled) it.copy(phase = showing!!.copy(cancelling = true)) else it
        }
        if (cancelled) handle?.cancel()
        return cancelled
    }

    /** Demo mode: the sandbox's payer scans the code and pays it. */
    fun payAsDemoPayer(): Job? {
        val s = _state.value
        val showing = s.shownCode?.takeIf { s.canPayAsDemoPayer } ?: return null
        return scope.launch {
            try {
                val open = gates.open()
                val sandbox = open.sandbox ?: return@launch
                sandbox.payPreorder(open.gate.gateway(), showing.orderNo)
            } catch (e: CancellationException) {
                throw e
            } catch (e: PosGateException) {
                // The sandbox may refuse (the order just closed); the payment's own result says how it ended.
            }
        }
    }

    /** Asks the gateway how the unresolved order ended (same order number: never a new order). */
    fun queryOutcome(): Job? {
        var orderNo: String? = null
        _state.update {
            orderNo = it.unresolvedOrderNo
            if (orderNo != null) it.copy(phase = QrPhase.Querying(orderNo!!)) else it
        }
        val no = orderNo ?: return null
        return scope.launch {
            val phase = try {
                QrPhase.Done(gates.open().gate.query(no))
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                QrPhase.Failed(no, PaymentError.from(e), unresolved = true)
            }
            _state.update { it.copy(phase = phase) }
        }
    }

    /** Back to the wallet choice after a payment that ended unpaid or a refused start. */
    fun again(): Boolean {
        var ok = false
        _state.update {
            val p = it.phase
            ok = it.unresolvedOrderNo == null && it.wallets.isNotEmpty() && (p is QrPhase.Failed || p is QrPhase.Done)
            if (ok) it.copy(phase = QrPhase.Choosing, progress = emptyList()) else it
        }
        return ok
    }

    /**
     * The screen is gone for good: stop listening. The payment itself carries on in the library
     * (paid, or closed at its expiry), and the journal and recovery keep it.
     */
    override fun close() {
        handle?.stopWatching()
    }

    companion object {
        /** [PaymentError.Unsupported.what] when the gateway issues no code for the payer to scan. */
        const val NO_QR = "this gateway has no merchant-presented QR code"
    }
}
