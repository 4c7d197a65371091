package io.posgate.sample.logic

import io.posgate.RefundRequest
import io.posgate.RefundResult
import io.posgate.RefundState
import io.posgate.TradeResult
import io.posgate.TradeState
import io.posgate.newOrderNo
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

enum class OrderAction { QUERY, CANCEL }

data class OrderState(
    val orderNoText: String = "",
    val trade: TradeResult? = null,
    val busy: OrderAction? = null,
    val error: PaymentError? = null,
) {
    val orderNo: String get() = orderNoText.trim()
    val canQuery: Boolean get() = busy == null && orderNo.isNotEmpty()

    /** Cancel reverses the order (a charged payer gets the money back); any known or unknown state. */
    val canCancel: Boolean get() = canQuery && trade?.state.let { it == null || it in CANCELLABLE }

    /** Refunds need a paid order (or one with money left after earlier refunds). */
    val canRefund: Boolean get() = busy == null && trade?.state in REFUNDABLE

    companion object {
        val REFUNDABLE = setOf(TradeState.PAID, TradeState.PARTIALLY_REFUNDED)
        private val CANCELLABLE = setOf(TradeState.PAYING, TradeState.PAID, TradeState.UNKNOWN, TradeState.NEEDS_ATTENTION)
    }
}

/** The result and query screens: shows a trade, queries it, cancels (reverses) it. */
class OrderViewModel(
    private val scope: CoroutineScope,
    private val gates: GateSource,
    initial: TradeResult? = null,
) {
    private val _state = MutableStateFlow(OrderState(orderNoText = initial?.orderNo.orEmpty(), trade = initial))
    val state: StateFlow<OrderState> = _state.asStateFlow()

    fun setOrderNo(text: String) = _state.update {
        if (it.busy != null) it else it.copy(orderNoText = text, trade = it.trade?.takeIf { t -> t.orderNo == text.trim() })
    }

    fun query(): Job? = launch(OrderAction.QUERY) { open, no -> open.gate.query(no) }

    fun cancel(): Job? = launch(OrderAction.CANCEL) { open, no -> open.gate.cancel(no) }

    private fun launch(action: OrderAction, call: suspend (OpenGate, String) -> TradeResult): Job? {
        var orderNo: String? = null
        _state.update {
            orderNo = null
            val allowed = if (action == OrderAction.CANCEL) it.canCancel else it.canQuery
            if (!allowed) return@update it
            orderNo = it.orderNo
            it.copy(busy = action, error = null)
        }
        val no = orderNo ?: return null
        return scope.launch {
            try {
                val r = call(gates.open(), no)
                _state.update { it.copy(trade = r, busy = null, error = null) }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                _state.update { it.copy(busy = null, error = PaymentError.from(e)) }
            }
        }
    }
}

enum class RefundAction { REFUND, QUERY }

data class RefundUiState(
    val orderNo: String,
    /** The order's amount when known: refunds above it are refused before sending. */
    val orderAmountFen: Long? = null,
    val amountText: String = "",
    val amount: AmountInput = AmountInput.Invalid(AmountError.EMPTY),
    val reason: String = "",
    /** Generated once per refund and kept until it is settled, so a retry can never refund twice. */
    val refundNo: String,
    val result: RefundResult? = null,
    val busy: RefundAction? = null,
    val error: PaymentError? = null,
) {
    /** The refund was sent and its outcome is open: retry or query with the same refund number only. */
    val unresolved: Boolean
        get() = error?.mustQuery == true || result?.state == RefundState.PROCESSING || result?.state == RefundState.UNKNOWN

    val settled: Boolean get() = result?.state == RefundState.SUCCESS || result?.state == RefundState.FAILED

    val canRefund: Boolean get() = busy == null && !settled && orderNo.isNotEmpty() && amount is AmountInput.Valid
    val canQuery: Boolean get() = busy == null && (unresolved || result != null)
}

/** The refund screen: full or partial refund of one order, and its query. */
class RefundViewModel(
    private val scope: CoroutineScope,
    private val gates: GateSource,
    orderNo: String,
    orderAmountFen: Long? = null,
) {
    private val _state = MutableStateFlow(
        RefundUiState(orderNo = orderNo.trim(), orderAmountFen = orderAmountFen, refundNo = newOrderNo("PGR")).let {
            // Default to a full refund when the order amount is known.
            if (orderAmountFen != null && orderAmountFen > 0) it.withAmount(Yuan.plain(orderAmountFen)) else it
        },
    )
    val state: StateFlow<RefundUiState> = _state.asStateFlow()

    private fun RefundUiState.withAmount(text: String) =
        copy(amountText = text, amount = Yuan.parse(text, maxFen = orderAmountFen ?: Long.MAX_VALUE))

    /** Ignored while the refund is in flight or unresolved (the amount belongs to its refund number). */
    fun setAmount(text: String) = _state.update { if (it.busy != null || it.unresolved) it else it.withAmount(text) }

    fun setReason(text: String) = _state.update { if (it.busy != null || it.unresolved) it else it.copy(reason = text) }

    /** Starts another refund of the same order (e.g. a second partial refund) with a new refund number. */
    fun next() = _state.update {
        if (it.busy != null || it.unresolved) it
        else it.copy(refundNo = newOrderNo("PGR"), result = null, error = null).withAmount("")
    }

    fun refund(): Job? {
        var req: RefundRequest? = null
        _state.update {
            req = null
            if (!it.canRefund) return@update it
            req = RefundRequest(
                orderNo = it.orderNo,
                refundAmountFen = (it.amount as AmountInput.Valid).fen,
                refundNo = it.refundNo,
                totalAmountFen = it.orderAmountFen,
                reason = it.reason.trim().ifEmpty { null },
            )
            it.copy(busy = RefundAction.REFUND, error = null)
        }
        val request = req ?: return null
        return launch { open -> open.gate.refund(request) }
    }

    fun query(): Job? {
        var ids: Pair<String, String>? = null
        _state.update {
            ids = null
            if (!it.canQuery) return@update it
            ids = it.orderNo to it.refundNo
            it.copy(busy = RefundAction.QUERY, error = null)
        }
        val (orderNo, refundNo) = ids ?: return null
        return launch { open -> open.gate.refundQuery(orderNo, refundNo) }
    }

    private fun launch(call: suspend (OpenGate) -> RefundResult): Job = scope.launch {
        try {
            val r = call(gates.open())
            _state.update { it.copy(result = r, busy = null, error = null) }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            val error = PaymentError.from(e)
            // Refused before anything happened: the next attempt is a new refund with a new number.
            val nothingHappened = error is PaymentError.Rejected || error is PaymentError.InvalidInput
            _state.update {
                it.copy(
                    busy = null,
                    error = error,
                    refundNo = if (nothingHappened && it.result == null) newOrderNo("PGR") else it.refundNo,
                )
            }
        }
    }
}
