package io.posgate.sample

import android.os.Bundle
import android.text.format.DateFormat
import android.view.View
import android.view.inputmethod.EditorInfo
import androidx.appcompat.app.AppCompatActivity
import androidx.core.widget.doAfterTextChanged
import io.posgate.Gateway
import io.posgate.core.CardGov
import io.posgate.core.CardType
import io.posgate.core.OrderType
import io.posgate.PosGate
import io.posgate.core.SunmiTradeStatus
import io.posgate.core.SwipeQueryRequest
import io.posgate.core.SwipeTrade
import io.posgate.fenToYuan
import io.posgate.sample.databinding.ActivitySwipeLookupBinding
import io.posgate.sample.logic.GateSession
import io.posgate.sample.logic.OpenGate
import io.posgate.sample.logic.PaymentError
import io.posgate.sample.ui.Texts
import io.posgate.sample.ui.logic
import io.posgate.sample.ui.render
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.util.Date

data class SwipeLookupState(
    val orderNo: String = "",
    /** yyyyMMdd; empty for today (Sunmi's default). */
    val tradeDate: String = "",
    val busy: Boolean = false,
    val trade: SwipeTrade? = null,
    val error: PaymentError? = null,
    /** Merchant mode with another gateway configured (this one): the lookup cannot run. */
    val notSunmi: Gateway? = null,
) {
    val canQuery: Boolean
        get() = !busy && notSunmi == null && orderNo.isNotBlank() && (tradeDate.isEmpty() || tradeDate.length == 8)
}

/**
 * Looks a card-swipe trade up by its order number. In demo mode it asks the embedded sandbox's
 * Sunmi simulator (try SWIPE0001 to SWIPE0007) whatever gateway the checkout uses; in merchant
 * mode it uses the merchant's own gate, which must be Sunmi (with the terminal SN set).
 *
 * [merchantGateway]: the gateway of the merchant settings in merchant mode (null in demo mode), so
 * the screen can say at once that the lookup needs Sunmi; the open gate has the last word.
 */
class SwipeLookupModel(
    private val scope: CoroutineScope,
    private val session: GateSession,
    merchantGateway: Gateway? = null,
) {
    private val s = MutableStateFlow(SwipeLookupState(notSunmi = merchantGateway?.takeIf { it != Gateway.SUNMI }))
    val state: StateFlow<SwipeLookupState> = s.asStateFlow()

    /** The Sunmi gate, and the session's gate it was picked for (the session may switch). */
    private var sunmi: PosGate? = null
    private var sunmiFor: OpenGate? = null

    /** The configured gateway is not Sunmi: nothing to ask. */
    private class NotSunmi(val configured: Gateway) : Exception("card-swipe lookups need the Sunmi gateway, not $configured")

    fun setOrderNo(v: String) {
        s.value = s.value.copy(orderNo = v.trim(), error = null)
    }

    fun setTradeDate(v: String) {
        s.value = s.value.copy(tradeDate = v.trim(), error = null)
    }

    /**
     * Merchant mode: the merchant's gate when it is Sunmi, else [NotSunmi]. Demo mode: the session's
     * gate when the demo gateway is Sunmi, else one on the sandbox's Sunmi simulator.
     */
    private suspend fun gate(): PosGate {
        val open = session.open()
        if (open === sunmiFor) sunmi?.let { return it }
        val configured = open.gate.gateway()
        val sandbox = open.sandbox
        val gate = when {
            configured == Gateway.SUNMI -> open.gate
            sandbox != null -> withContext(Dispatchers.IO) { PosGate(sandbox.config(Gateway.SUNMI)) }
            else -> throw NotSunmi(configured)
        }
        // A gate this model made for an earlier session gate (demo mode) is its own to close.
        sunmi?.takeIf { it !== sunmiFor?.gate }?.close()
        sunmi = gate
        sunmiFor = open
        return gate
    }

    fun query() {
        val now = s.value
        if (!now.canQuery) return
        s.value = now.copy(busy = true, error = null, trade = null)
        scope.launch {
            s.value = try {
                val gate = gate()
                val request = SwipeQueryRequest(orderId = now.orderNo, tradeDate = now.tradeDate.ifEmpty { null })
                s.value.copy(busy = false, trade = gate.sunmi().swipeQuery(request))
            } catch (e: NotSunmi) {
                s.value.copy(busy = false, notSunmi = e.configured)
            } catch (t: Throwable) {
                s.value.copy(busy = false, error = PaymentError.from(t))
            }
        }
    }
}

/** The screen: order number (and optional date) in, the card trade out. */
class SwipeLookupActivity : AppCompatActivity() {
    private lateinit var b: ActivitySwipeLookupBinding

    private val vm by logic { scope ->
        val app = application as SampleApp // not `this`: the holder outlives the Activity
        SwipeLookupModel(scope, app.session, merchantGateway = app.settings.takeUnless { it.demoMode }?.merchant?.gateway)
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivitySwipeLookupBinding.inflate(layoutInflater)
        setContentView(b.root)
        b.swipeOrderNo.doAfterTextChanged { vm.setOrderNo(it?.toString().orEmpty()) }
        b.swipeTradeDate.doAfterTextChanged { vm.setTradeDate(it?.toString().orEmpty()) }
        b.swipeOrderNo.setOnEditorActionListener { _, actionId, _ ->
            if (actionId == EditorInfo.IME_ACTION_SEARCH) vm.query()
            actionId == EditorInfo.IME_ACTION_SEARCH
        }
        b.swipeQuery.setOnClickListener { vm.query() }
        render(vm.state, ::render)
    }

    private fun render(s: SwipeLookupState) {
        b.swipeBusy.visibility = if (s.busy) View.VISIBLE else View.GONE
        b.swipeQuery.isEnabled = s.canQuery
        b.swipeOrderNo.isEnabled = !s.busy
        b.swipeTradeDate.isEnabled = !s.busy
        val error = when (val other = s.notSunmi) {
            null -> s.error?.let { Texts.error(this, it) }
            else -> getString(R.string.swipe_not_sunmi, other.name.lowercase())
        }
        b.swipeError.visibility = if (error != null) View.VISIBLE else View.GONE
        b.swipeError.text = error
        val t = s.trade
        b.swipeResult.visibility = if (t != null) View.VISIBLE else View.GONE
        if (t == null) return
        b.swipeResultOrder.text = t.orderId ?: "-"
        b.swipeResultAmount.text = t.amount?.let { getString(R.string.swipe_amount, fenToYuan(it)) } ?: "-"
        b.swipeResultState.text = getString(R.string.swipe_state_line, stateText(t.state), typeText(t.orderType))
        b.swipeResultCard.text = getString(
            R.string.swipe_card_line,
            govText(t.cardGov),
            cardTypeText(t.cardType),
            t.shortCard ?: "----",
        )
        b.swipeResultTime.text = t.payTime?.let {
            DateFormat.getMediumDateFormat(this).format(Date(it * 1000)) + " " +
                DateFormat.getTimeFormat(this).format(Date(it * 1000))
        } ?: "-"
        b.swipeResultRefs.text = getString(
            R.string.swipe_refs_line,
            t.tradeRef ?: "-",
            t.terminalNo ?: "-",
            t.traceNo ?: "-",
            t.platformId ?: "-",
        )
        b.swipeResultCode.text = t.resultMsg ?: t.subMsg ?: ""
    }

    private fun stateText(state: SunmiTradeStatus?): String = getString(
        when (state) {
            SunmiTradeStatus.Created -> R.string.swipe_state_created
            SunmiTradeStatus.Unpaid -> R.string.swipe_state_unpaid
            SunmiTradeStatus.Success -> R.string.swipe_state_success
            SunmiTradeStatus.Finished -> R.string.swipe_state_ended
            SunmiTradeStatus.Failed -> R.string.swipe_state_failed
            is SunmiTradeStatus.Other, null -> R.string.swipe_unknown
        },
    )

    private fun typeText(type: OrderType?): String = getString(
        when (type) {
            OrderType.Sale -> R.string.swipe_type_sale
            OrderType.Refund -> R.string.swipe_type_refund
            OrderType.Void -> R.string.swipe_type_void
            OrderType.PreAuth -> R.string.swipe_type_preauth
            OrderType.PreAuthComplete -> R.string.swipe_type_preauth_complete
            OrderType.Revoke -> R.string.swipe_type_revoke
            OrderType.Query -> R.string.swipe_type_query
            is OrderType.Other, null -> R.string.swipe_unknown
        },
    )

    /** cardType (seed 3.4). */
    private fun cardTypeText(type: CardType?): String = when (type) {
        CardType.Credit -> getString(R.string.swipe_card_credit)
        CardType.Debit -> getString(R.string.swipe_card_debit)
        CardType.SemiCredit -> getString(R.string.swipe_card_semi_credit)
        CardType.Scan -> getString(R.string.swipe_card_scan)
        is CardType.Other -> type.v1
        null -> getString(R.string.swipe_unknown)
    }

    /** cardGov (seed 3.5). */
    private fun govText(gov: CardGov?): String = when (gov) {
        CardGov.Wechat -> getString(R.string.swipe_gov_wechat)
        CardGov.Alipay -> getString(R.string.swipe_gov_alipay)
        CardGov.Shengpay -> getString(R.string.swipe_gov_shengpay)
        CardGov.BankCard -> getString(R.string.swipe_gov_bank_card)
        CardGov.UnionPayQr, CardGov.UnionPayStaticQr, CardGov.UnionPayDynamicQr -> getString(R.string.swipe_gov_unionpay_qr)
        is CardGov.Other -> gov.v1
        null -> getString(R.string.swipe_unknown)
    }
}
