package io.posgate.sample

import android.os.Bundle
import android.text.format.DateFormat
import android.view.View
import android.view.inputmethod.EditorInfo
import androidx.appcompat.app.AppCompatActivity
import androidx.core.widget.doAfterTextChanged
import io.posgate.Gateway
import io.posgate.PosGate
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
import org.json.JSONObject
import java.util.Date

/** A card-swipe trade of a Sunmi financial terminal, as swipeQuery answers it (seed 000, 3.3.1). */
data class SwipeTrade(
    val orderId: String,
    val amountFen: Long?,
    /** 1 created, 2 unpaid, 3 succeeded, 4 ended (voided), 5 failed. */
    val state: Int?,
    /** 0 sale, 1 refund, 2 void, 3 pre-authorisation, 4 its completion, 5 revoked, 6 query. */
    val orderType: Int?,
    val cardType: String?,
    val cardGov: String?,
    val shortCard: String?,
    val payTimeUnix: Long?,
    val platformId: String?,
    val tradeRef: String?,
    val terminalNo: String?,
    val traceNo: String?,
    val resultCode: String?,
    val resultMsg: String?,
) {
    companion object {
        /** Reads `invoke("swipe_query")`'s JSON (the library's typed answer: seed field names, amounts in fen). */
        fun parse(json: String): SwipeTrade {
            val o = JSONObject(json)
            fun text(k: String): String? = if (o.isNull(k)) null else o.optString(k).takeIf { it.isNotEmpty() }
            fun long(k: String): Long? = if (o.isNull(k)) null else o.optString(k).toLongOrNull()
            return SwipeTrade(
                orderId = text("orderId").orEmpty(),
                amountFen = long("amount"),
                state = long("state")?.toInt(),
                orderType = long("orderType")?.toInt(),
                cardType = text("cardType"),
                cardGov = text("cardGov"),
                shortCard = text("shortCard"),
                payTimeUnix = long("payTime"),
                platformId = text("platformId"),
                tradeRef = text("tradeRef"),
                terminalNo = text("terminalNo"),
                traceNo = text("traceNo"),
                resultCode = text("resultCode"),
                resultMsg = text("resultMsg"),
            )
        }
    }
}

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
 * Sunmi simulator (try SWIPE0001 to SWIPE0005) whatever gateway the checkout uses; in merchant
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
                val params = JSONObject().put("orderId", now.orderNo)
                if (now.tradeDate.isNotEmpty()) params.put("tradeDate", now.tradeDate)
                val json = gate.invoke("swipe_query", params.toString())
                s.value.copy(busy = false, trade = SwipeTrade.parse(json))
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
        b.swipeResultOrder.text = t.orderId
        b.swipeResultAmount.text = t.amountFen?.let { getString(R.string.swipe_amount, fenToYuan(it)) } ?: "-"
        b.swipeResultState.text = getString(R.string.swipe_state_line, stateText(t.state), typeText(t.orderType))
        b.swipeResultCard.text = getString(
            R.string.swipe_card_line,
            govText(t.cardGov),
            cardTypeText(t.cardType),
            t.shortCard ?: "----",
        )
        b.swipeResultTime.text = t.payTimeUnix?.let {
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
        b.swipeResultCode.text = listOfNotNull(t.resultCode, t.resultMsg).joinToString(" ")
    }

    private fun stateText(state: Int?): String = getString(
        when (state) {
            1 -> R.string.swipe_state_created
            2 -> R.string.swipe_state_unpaid
            3 -> R.string.swipe_state_success
            4 -> R.string.swipe_state_ended
            5 -> R.string.swipe_state_failed
            else -> R.string.swipe_unknown
        },
    )

    private fun typeText(type: Int?): String = getString(
        when (type) {
            0 -> R.string.swipe_type_sale
            1 -> R.string.swipe_type_refund
            2 -> R.string.swipe_type_void
            3 -> R.string.swipe_type_preauth
            4 -> R.string.swipe_type_preauth_complete
            5 -> R.string.swipe_type_revoke
            6 -> R.string.swipe_type_query
            else -> R.string.swipe_unknown
        },
    )

    /** cardType (seed 3.4). */
    private fun cardTypeText(code: String?): String = when (code) {
        "CC" -> getString(R.string.swipe_card_credit)
        "DC" -> getString(R.string.swipe_card_debit)
        "SCC" -> getString(R.string.swipe_card_semi_credit)
        "OA" -> getString(R.string.swipe_card_scan)
        null -> getString(R.string.swipe_unknown)
        else -> code
    }

    /** cardGov (seed 3.5). */
    private fun govText(code: String?): String = when (code) {
        "WX" -> getString(R.string.swipe_gov_wechat)
        "ZFB01" -> getString(R.string.swipe_gov_alipay)
        "SFT01" -> getString(R.string.swipe_gov_shengpay)
        "CUP" -> getString(R.string.swipe_gov_bank_card)
        "CUP01", "CUP02", "CUP03" -> getString(R.string.swipe_gov_unionpay_qr)
        null -> getString(R.string.swipe_unknown)
        else -> code
    }
}
