package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.PaymentEvent
import io.posgate.PaymentListener
import io.posgate.PayRequest
import io.posgate.PosGateException
import io.posgate.TradeResult
import io.posgate.newOrderNo
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

sealed interface CheckoutPhase {
    /** Entering the amount and the payment code. */
    data object Editing : CheckoutPhase

    data class Working(val orderNo: String, val action: Action) : CheckoutPhase

    /** The payment ended: PAID, FAILED, ... or UNKNOWN when the gateway never said (query it). */
    data class Done(val result: TradeResult) : CheckoutPhase

    /**
     * No trade result. [unresolved]: the payer may have been charged (the error says the outcome
     * is unknown, or the query meant to settle it failed), so the order must be queried.
     */
    data class Failed(
        val orderNo: String,
        val amountFen: Long,
        val error: PaymentError,
        val unresolved: Boolean = error.mustQuery,
    ) : CheckoutPhase

    enum class Action { BARCODE, FACE, QUERY }
}

data class CheckoutState(
    val amountText: String = "",
    val amount: AmountInput = AmountInput.Invalid(AmountError.EMPTY),
    /** The cleaned payment code (scanned or typed). */
    val barcodeText: String = "",
    /** Null until something was scanned or typed. */
    val scan: ScanResult? = null,
    val phase: CheckoutPhase = CheckoutPhase.Editing,
    /** This payment's steps, oldest first (the screen shows the last, a log shows all). */
    val progress: List<PayProgress> = emptyList(),
    val faceAvailable: Boolean = false,
) {
    val busy: Boolean get() = phase is CheckoutPhase.Working

    /**
     * The last order's outcome is open (it may have charged the payer): it must be queried before
     * anything else, so a second charge can never happen by mistake.
     */
    val unresolvedOrderNo: String?
        get() = when (val p = phase) {
            is CheckoutPhase.Failed -> p.orderNo.takeIf { p.unresolved }
            is CheckoutPhase.Done -> p.result.orderNo.takeIf { !p.result.state.isFinal }
            else -> null
        }

    val canPay: Boolean
        get() = !busy && unresolvedOrderNo == null && amount is AmountInput.Valid && scan is ScanResult.Valid

    val canPayByFace: Boolean get() = faceAvailable && !busy && unresolvedOrderNo == null && amount is AmountInput.Valid

    val canQuery: Boolean get() = !busy && unresolvedOrderNo != null

    /** "Show QR": the payer scans the terminal's code for this amount (QrCheckoutModel). */
    val canShowQr: Boolean get() = !busy && unresolvedOrderNo == null && amount is AmountInput.Valid

    val latest: PayProgress? get() = progress.lastOrNull()
}

/**
 * The checkout screen: amount, payment code (Sunmi scanner broadcast or typed), barcode or face
 * payment with live progress, and the result. Android-free: the app wraps it in an androidx
 * ViewModel and passes `viewModelScope`; the tests pass `runBlocking`'s scope.
 *
 * Every `pay*` / `query*` call returns the launched [Job] (null when the state does not allow the
 * action) so callers can wait for it.
 */
class CheckoutViewModel(
    private val scope: CoroutineScope,
    private val gates: GateSource,
    private val faceSdk: FaceSdk? = null,
    private val subject: String = "posgate sample",
    /** The till's ceiling for one charge, in fen (default ¥1,000,000.00). */
    private val maxAmountFen: Long = 100_000_000L,
    /** Start the payment as soon as a valid code is scanned and the amount is valid. */
    private val autoPayOnScan: Boolean = false,
) {
    private val _state = MutableStateFlow(CheckoutState(faceAvailable = faceSdk != null))
    val state: StateFlow<CheckoutState> = _state.asStateFlow()

    private val listener = object : PaymentListener {
        // Called on a library thread; StateFlow.update is thread-safe. Must not throw.
        override fun onEvent(event: PaymentEvent) = progress(PayProgress.from(event))
    }

    private fun progress(p: PayProgress) = _state.update { it.copy(progress = it.progress + p) }

    /** Input is ignored while working and while the last order is unresolved; otherwise it starts editing again. */
    private inline fun edit(crossinline change: (CheckoutState) -> CheckoutState): Boolean {
        var accepted = false
        _state.update {
            accepted = !it.busy && it.unresolvedOrderNo == null
            if (accepted) change(it).copy(phase = CheckoutPhase.Editing) else it
        }
        return accepted
    }

    fun setAmount(text: String) {
        edit { it.copy(amountText = text, amount = Yuan.parse(text, maxFen = maxAmountFen)) }
    }

    /** Typed by the cashier (fallback when the scanner cannot read the code). */
    fun setBarcode(text: String) {
        edit {
            val scan = if (text.isEmpty()) null else BarcodeDecoder.decode(text)
            it.copy(barcodeText = scan?.text ?: "", scan = scan)
        }
    }

    /** A Sunmi scanner broadcast (`data` extra). Starts the payment when [autoPayOnScan] allows. */
    fun onScanned(raw: String): Job? {
        val scan = BarcodeDecoder.decode(raw)
        val accepted = edit { it.copy(barcodeText = scan.text, scan = scan) }
        return if (accepted && autoPayOnScan && scan is ScanResult.Valid) pay() else null
    }

    /**
     * Barcode payment: the library submits, polls while the payer confirms, and reports each step.
     * A gateway without barcode payment (Sunmi) is refused before anything is sent or journalled:
     * the phase becomes [CheckoutPhase.Failed] with [PaymentError.Unsupported] ([NO_BARCODE_SUNMI]),
     * nothing unresolved.
     */
    fun pay(): Job? {
        val start = begin(CheckoutPhase.Action.BARCODE) { it.canPay } ?: return null
        val code = (start.state.scan as ScanResult.Valid).code
        return run(start) { open ->
            val gateway = open.config.credentials.gateway
            if (!gateway.takesBarcode) {
                // The library would answer the same (validate_pay), but say it in the sample's words.
                throw PosGateException.Unsupported(noBarcodeMessage(gateway))
            }
            open.gate.pay(
                PayRequest(
                    amountFen = start.amountFen,
                    authCode = code,
                    orderNo = start.orderNo,
                    subject = subject,
                    terminalId = open.terminal.deviceId.ifEmpty { null },
                    storeId = open.terminal.storeId.ifEmpty { null },
                ),
                listener,
            )
        }
    }

    /** Face payment through [FaceSdk] and [FacePayFlow] (Chaoying only). */
    fun payByFace(): Job? {
        val sdk = faceSdk ?: return null
        val start = begin(CheckoutPhase.Action.FACE) { it.canPayByFace } ?: return null
        return run(start) { open ->
            FacePayFlow(open.gate, sdk, open.terminal)
                .pay(start.amountFen, start.orderNo, subject, ::progress)
        }
    }

    /** Asks the gateway how the unresolved order ended (same order number: never a new charge). */
    fun queryOutcome(): Job? {
        var orderNo: String? = null
        var amount = 0L
        _state.update {
            orderNo = null
            if (!it.canQuery) return@update it
            orderNo = it.unresolvedOrderNo
            amount = (it.phase as? CheckoutPhase.Failed)?.amountFen ?: (it.amount.fenOrNull ?: 0L)
            it.copy(phase = CheckoutPhase.Working(orderNo!!, CheckoutPhase.Action.QUERY))
        }
        val no = orderNo ?: return null
        // A failed query settles nothing: the order stays unresolved.
        return run(Start(no, amount, _state.value), failedQueryStaysUnresolved = true) { open -> open.gate.query(no) }
    }

    /**
     * The cashier settled the unresolved order another way (merchant back office, the payer's
     * phone) and takes responsibility: unblocks the till. The screen asks for confirmation.
     */
    fun dismissUnresolved(): Boolean {
        var done = false
        _state.update {
            done = !it.busy && it.unresolvedOrderNo != null
            if (done) it.copy(phase = CheckoutPhase.Editing) else it
        }
        return done
    }

    /** Clears everything for the next customer (not while working or while an order is unresolved). */
    fun newSale(): Boolean = edit { CheckoutState(faceAvailable = it.faceAvailable) }

    companion object {
        /** [PaymentError.Unsupported.what] when the checkout is asked for a barcode payment on Sunmi. */
        val NO_BARCODE_SUNMI: String = noBarcodeMessage(Gateway.SUNMI)

        private fun noBarcodeMessage(gateway: Gateway): String =
            "${gateway.name.lowercase()} takes no barcode payments: use WeChat prepays or card swipes (card-swipe lookup)"
    }

    private class Start(val orderNo: String, val amountFen: Long, val state: CheckoutState)

    /** Atomically checks [allowed] and enters the working phase with a fresh order number. */
    private fun begin(action: CheckoutPhase.Action, allowed: (CheckoutState) -> Boolean): Start? {
        val orderNo = newOrderNo("PG")
        var start: Start? = null
        _state.update {
            start = null
            if (!allowed(it)) return@update it
            val amount = (it.amount as AmountInput.Valid).fen
            val next = it.copy(phase = CheckoutPhase.Working(orderNo, action), progress = emptyList())
            start = Start(orderNo, amount, next)
            next
        }
        return start
    }

    private fun run(
        start: Start,
        failedQueryStaysUnresolved: Boolean = false,
        call: suspend (OpenGate) -> TradeResult,
    ): Job = scope.launch {
        val phase = try {
            CheckoutPhase.Done(call(gates.open()))
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            val error = PaymentError.from(e)
            CheckoutPhase.Failed(start.orderNo, start.amountFen, error, failedQueryStaysUnresolved || error.mustQuery)
        }
        _state.update { it.copy(phase = phase) }
    }
}
