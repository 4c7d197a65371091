package io.posgate.sample.ui

import android.content.Intent
import androidx.activity.ComponentActivity
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.lifecycleScope
import androidx.lifecycle.repeatOnLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import io.posgate.TradeResult
import io.posgate.TradeState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/**
 * Keeps one of the logic module's state holders across configuration changes: an androidx
 * ViewModel that creates it with its `viewModelScope` (cancelled when the screen is closed for
 * good; a payment already sent carries on inside the library regardless).
 */
class LogicHolder(create: (CoroutineScope) -> Any) : ViewModel() {
    val logic: Any = create(viewModelScope)

    /** The screen is gone for good: a state holder that listens to the library stops ([AutoCloseable]). */
    override fun onCleared() {
        (logic as? AutoCloseable)?.close()
    }
}

/**
 * `private val vm by logic { scope -> CheckoutViewModel(scope, ...) }`. The lambda runs once per
 * screen instance (not per rotation) and must not keep a reference to the Activity.
 */
inline fun <reified T : Any> ComponentActivity.logic(noinline create: (CoroutineScope) -> T): Lazy<T> =
    lazy(LazyThreadSafetyMode.NONE) {
        val factory = viewModelFactory { initializer { LogicHolder(create) } }
        ViewModelProvider(this, factory)["logic:" + T::class.java.name, LogicHolder::class.java].logic as T
    }

/** Renders [state] while the screen is started. */
fun <S> ComponentActivity.render(state: StateFlow<S>, render: (S) -> Unit) {
    lifecycleScope.launch {
        repeatOnLifecycle(Lifecycle.State.STARTED) { state.collect(render) }
    }
}

// A trade result between screens, as Intent extras.
private const val EXTRA_ORDER_NO = "trade.order_no"
private const val EXTRA_STATE = "trade.state"
private const val EXTRA_AMOUNT = "trade.amount_fen"
private const val EXTRA_TRADE_NO = "trade.gateway_trade_no"
private const val EXTRA_CHANNEL = "trade.channel"
private const val EXTRA_CODE = "trade.gateway_code"
private const val EXTRA_MESSAGE = "trade.message"

fun Intent.putTrade(t: TradeResult): Intent = apply {
    putExtra(EXTRA_ORDER_NO, t.orderNo)
    putExtra(EXTRA_STATE, t.state.name)
    t.amountFen?.let { putExtra(EXTRA_AMOUNT, it) }
    putExtra(EXTRA_TRADE_NO, t.gatewayTradeNo)
    putExtra(EXTRA_CHANNEL, t.channel)
    putExtra(EXTRA_CODE, t.gatewayCode)
    putExtra(EXTRA_MESSAGE, t.message)
}

fun Intent.getTrade(): TradeResult? {
    val orderNo = getStringExtra(EXTRA_ORDER_NO) ?: return null
    val state = getStringExtra(EXTRA_STATE)?.let { n -> TradeState.entries.firstOrNull { it.name == n } }
        ?: TradeState.UNKNOWN
    return TradeResult(
        orderNo = orderNo,
        state = state,
        amountFen = if (hasExtra(EXTRA_AMOUNT)) getLongExtra(EXTRA_AMOUNT, 0) else null,
        gatewayTradeNo = getStringExtra(EXTRA_TRADE_NO),
        channel = getStringExtra(EXTRA_CHANNEL),
        gatewayCode = getStringExtra(EXTRA_CODE),
        message = getStringExtra(EXTRA_MESSAGE),
    )
}
