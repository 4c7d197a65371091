package io.posgate.sample.ui

import android.view.View
import io.posgate.TradeResult
import io.posgate.TradeState
import io.posgate.sample.R
import io.posgate.sample.databinding.ViewTradeBinding
import io.posgate.sample.logic.Yuan

/** Fills the shared trade panel (layout/view_trade.xml) used by the result and query screens. */
fun ViewTradeBinding.show(t: TradeResult?) {
    root.visibility = if (t == null) View.GONE else View.VISIBLE
    if (t == null) return
    val c = root.context
    tradeState.text = Texts.state(c, t.state)
    tradeState.setTextColor(
        c.getColor(
            when (t.state) {
                TradeState.PAID -> R.color.state_good
                TradeState.FAILED, TradeState.CLOSED, TradeState.REVERSED -> R.color.state_bad
                else -> R.color.state_neutral
            },
        ),
    )
    tradeOrderNo.text = t.orderNo
    tradeAmount.text = t.amountFen?.let(Yuan::format) ?: c.getString(R.string.not_given)
    tradeGatewayNo.text = t.gatewayTradeNo ?: c.getString(R.string.not_given)
    tradeChannel.text = t.channel ?: c.getString(R.string.not_given)
    tradeGatewayCode.text = listOfNotNull(t.gatewayCode, t.message).joinToString(" · ").ifEmpty { c.getString(R.string.not_given) }
}
