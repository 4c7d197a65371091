package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.PaymentEvent
import io.posgate.PollSettings
import io.posgate.PosGate
import io.posgate.PosGateException
import io.posgate.TradeResult
import io.posgate.TradeState
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay

/**
 * What face pay needs from the terminal's face SDK (WeChat Pay face SDK, as shipped on Sunmi
 * devices with a 3D camera). The app implements it with the vendor SDK; the logic tests with a
 * fake. Implementations switch to whatever thread the SDK wants themselves.
 */
interface FaceSdk {
    /** Step 1: the SDK's raw data for this device (WeChat SDK `getWxpayfaceRawdata` → `rawdata`). */
    suspend fun rawData(): String

    /**
     * Step 3: recognise the payer with the credentials posgate obtained in step 2
     * (WeChat SDK `getWxpayfaceCode` → `face_code`, `openid`).
     */
    suspend fun recognise(request: FaceRecognitionRequest): FaceRecognition

    /** Step 5, optional: how the payment ended, for the SDK's own screen (`updateWxpayfacePayResult`). */
    suspend fun paymentFinished(orderNo: String, state: TradeState) {}
}

/** The `getfaceauth` answer the SDK needs to recognise a face. */
data class FaceAuth(
    val authInfo: String,
    val appId: String?,
    val subAppId: String?,
    val mchId: String?,
    val subMchId: String?,
    val expiresInSeconds: Long?,
)

/** Everything the WeChat face SDK's `getWxpayfaceCode` asks for. */
data class FaceRecognitionRequest(
    val auth: FaceAuth,
    val storeId: String,
    val outTradeNo: String,
    val totalFen: Long,
    /** `face_authtype`: `FACEPAY` (pay after recognition). */
    val faceAuthType: String = "FACEPAY",
)

/** How the SDK's recognition ended. Only [Recognised] goes on to charge the payer. */
sealed interface FaceRecognition {
    data class Recognised(val faceCode: String, val openId: String, val subOpenId: String? = null) : FaceRecognition

    /** The payer cancelled on the SDK's screen. */
    data object Cancelled : FaceRecognition

    /** The payer chose to show a payment code instead (WeChat SDK `SCAN_PAYMENT`). */
    data object SwitchedToBarcode : FaceRecognition

    data class Failed(val code: String, val message: String) : FaceRecognition
}

/**
 * Face pay on Chaoying, end to end:
 * 1. [FaceSdk.rawData]; 2. posgate `getfaceauth` with it → `authinfo`;
 * 3. [FaceSdk.recognise] → `face_code` + `openid`; 4. posgate `facepay`;
 * 5. follow the order to a final state with [PosGate.query] on the poll schedule, like the
 *    library's own barcode payment (same events: submitted, paying, poll n of N, final); with
 *    no final answer by the deadline, reverse it with [PosGate.cancel] (event: reversing), and
 *    when even that cannot be settled, end NEEDS_ATTENTION (event: needs attention).
 *
 * The `facepay` answer is read the way the library reads a `pay` answer: success is paid; still
 * paying (or a system error, or no trustworthy answer at all) is followed by queries; only codes
 * saying the charge cannot have happened end as FAILED.
 */
class FacePayFlow(
    private val gate: PosGate,
    private val sdk: FaceSdk,
    private val terminal: TerminalInfo,
    /** The configuration's `poll` override, or null for Chaoying's own schedule (5 s / 5 s / 45 s). */
    poll: PollSettings? = null,
) {
    private val schedule: PollSettings = poll ?: PollSettings(
        firstQueryAfterMs = 5_000,
        intervalMs = 5_000,
        deadlineMs = 45_000,
        earliestReverseMs = 15_000,
    )

    /**
     * Charges [amountFen] by face under [orderNo]. Returns the final (or UNKNOWN) trade; throws
     * [PosGateException] when nothing was charged for a reason the cashier must fix, and
     * [FaceNotRecognisedException] when the SDK ended without a face code.
     */
    suspend fun pay(
        amountFen: Long,
        orderNo: String,
        subject: String,
        onProgress: (PayProgress) -> Unit = {},
    ): TradeResult {
        if (amountFen <= 0) throw PosGateException.InvalidInput("amount_fen", "must be greater than zero")
        if (gate.gateway() != Gateway.CHAOYING || gate.operations().none { it.name == "face_pay" }) {
            throw PosGateException.Unsupported("face pay needs the Chaoying gateway (getfaceauth + facepay)")
        }

        onProgress(PayProgress.FaceReading)
        val rawData = sdk.rawData()

        onProgress(PayProgress.FaceAuthorising)
        val auth = faceAuth(rawData)

        onProgress(PayProgress.FaceRecognising)
        val face = sdk.recognise(FaceRecognitionRequest(auth, terminal.storeId, orderNo, amountFen))
        if (face !is FaceRecognition.Recognised) throw FaceNotRecognisedException(face)

        val result = charge(amountFen, orderNo, subject, face, onProgress)
        try {
            sdk.paymentFinished(orderNo, result.state)
        } catch (e: CancellationException) {
            throw e
        } catch (_: Exception) {
            // The SDK's own result screen is cosmetic; the trade result stands.
        }
        return result
    }

    private suspend fun faceAuth(rawData: String): FaceAuth {
        val answer = MiniJson.parseObject(
            gate.invoke(
                "get_face_auth",
                MiniJson.obj(
                    "paytype" to Wallet.WECHAT.payType,
                    "store_id" to terminal.storeId,
                    "store_name" to terminal.storeName,
                    "device_id" to terminal.deviceId,
                    "rawdata" to rawData,
                ),
            ),
        )
        val code = answer.text("code").orEmpty()
        val authInfo = answer.text("authinfo")
        if (answer.text("state") != "SUCCESS" || code != "10000" || authInfo.isNullOrEmpty()) {
            throw PosGateException.GatewayRejected(code.ifEmpty { "get_face_auth" }, answer.text("msg") ?: "no authinfo")
        }
        return FaceAuth(
            authInfo = authInfo,
            appId = answer.text("appid"),
            subAppId = answer.text("sub_appid"),
            mchId = answer.text("channel_mch_id"),
            subMchId = answer.text("sub_mch_id"),
            expiresInSeconds = answer.text("expires_in")?.toLongOrNull(),
        )
    }

    private suspend fun charge(
        amountFen: Long,
        orderNo: String,
        subject: String,
        face: FaceRecognition.Recognised,
        onProgress: (PayProgress) -> Unit,
    ): TradeResult {
        val emit = { e: PaymentEvent -> onProgress(PayProgress.from(e)) }
        val started = System.nanoTime()
        emit(PaymentEvent.Submitted(orderNo))
        val params = MiniJson.obj(
            "paytype" to Wallet.WECHAT.payType,
            "openid" to face.openId,
            "out_trade_no" to orderNo,
            "total_fee" to amountFen,
            "face_code" to face.faceCode,
            "body" to subject,
            "device_info" to terminal.deviceId.ifEmpty { null },
            "op_shop_id" to terminal.storeId.ifEmpty { null },
            "op_device_id" to terminal.deviceId.ifEmpty { null },
        )
        var last: TradeResult = try {
            val answer = MiniJson.parseObject(gate.invoke("face_pay", params))
            // Library versions with the payment journal run facepay through their own state
            // machine (polling, deadline reversal) and answer the settled trade result.
            FacePayAnswer.settled(answer)?.let { return finish(emit, it) }
            when (val verdict = FacePayAnswer.verdict(answer)) {
                FacePayAnswer.Verdict.PAID -> return finish(emit, confirmPaid(orderNo, amountFen, answer))
                FacePayAnswer.Verdict.REJECTED -> return finish(emit, answer.toResult(orderNo, TradeState.FAILED))
                else -> answer.toResult(orderNo, if (verdict == FacePayAnswer.Verdict.PAYING) TradeState.PAYING else TradeState.UNKNOWN)
            }
        } catch (e: PosGateException.Network) {
            if (!e.outcomeUnknown) throw e // nothing reached the gateway
            unknown(orderNo, e.detail)
        } catch (e: PosGateException.SignatureInvalid) {
            unknown(orderNo, e.detail) // untrusted: ask again
        }

        emit(PaymentEvent.Paying(orderNo))
        val first = schedule.firstQueryAfterMs
        val interval = schedule.intervalMs.coerceAtLeast(1)
        val deadline = schedule.deadlineMs
        val of = if (first > deadline) 0 else ((deadline - first) / interval + 1).toInt()
        var next = first
        var n = 0
        while (next <= deadline) {
            val wait = next - (System.nanoTime() - started) / 1_000_000
            if (wait > 0) delay(wait)
            n += 1
            emit(PaymentEvent.Poll(orderNo, n, maxOf(of, n)))
            try {
                val r = gate.query(orderNo)
                if (r.state.isFinal) return finish(emit, r)
                last = r
            } catch (e: CancellationException) {
                throw e
            } catch (_: PosGateException) {
                // Unanswered or untrusted: keep what we had and ask again.
            }
            next += interval
        }
        return reverse(orderNo, started, last, emit)
    }

    /**
     * The deadline passed without a final answer: reverse the order (a charged payer gets the
     * money back), never sooner than the gateway allows after the pay call, retrying while the
     * gateway does not answer, as the library does for barcode payments.
     */
    private suspend fun reverse(orderNo: String, started: Long, last: TradeResult, emit: (PaymentEvent) -> Unit): TradeResult {
        emit(PaymentEvent.Reversing(orderNo))
        val wait = schedule.earliestReverseMs - (System.nanoTime() - started) / 1_000_000
        if (wait > 0) delay(wait)
        var why = ""
        for (attempt in 1..REVERSE_TRIES) {
            try {
                val r = gate.cancel(orderNo)
                when (r.state) {
                    TradeState.REVERSED, TradeState.CLOSED, TradeState.FAILED -> return finish(emit, r)
                    // Paid after all and the gateway will not reverse it: the cashier decides (refund).
                    TradeState.PAID, TradeState.PARTIALLY_REFUNDED, TradeState.REFUNDED ->
                        return needsAttention(emit, r, "cancel answered ${r.state}: check the order, refund if needed")
                    else -> why = "cancel answered ${r.state}"
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: PosGateException.GatewayRejected) {
                return needsAttention(emit, last, "reverse refused: ${e.code} ${e.detail}")
            } catch (e: PosGateException.Unsupported) {
                return needsAttention(emit, last, "reverse unsupported: ${e.what}")
            } catch (e: PosGateException) {
                why = e.message ?: e.toString()
            }
            if (attempt < REVERSE_TRIES) delay(schedule.intervalMs.coerceAtLeast(1))
        }
        return needsAttention(emit, last, "reverse unanswered after $REVERSE_TRIES tries: $why")
    }

    private fun needsAttention(emit: (PaymentEvent) -> Unit, last: TradeResult, reason: String): TradeResult {
        emit(PaymentEvent.NeedsAttention(orderNo = last.orderNo, reason = reason))
        return finish(emit, last.copy(state = TradeState.NEEDS_ATTENTION, message = reason))
    }

    private companion object {
        const val REVERSE_TRIES = 3
    }

    /** The `facepay` answer said paid; the query adds the amount and trade number as the library reports them. */
    private suspend fun confirmPaid(orderNo: String, amountFen: Long, answer: Map<String, Any?>): TradeResult {
        val fromAnswer = answer.toResult(orderNo, TradeState.PAID).let {
            if (it.amountFen == null) it.copy(amountFen = amountFen) else it
        }
        return try {
            gate.query(orderNo).takeIf { it.state == TradeState.PAID } ?: fromAnswer
        } catch (e: CancellationException) {
            throw e
        } catch (_: PosGateException) {
            fromAnswer
        }
    }

    private fun unknown(orderNo: String, why: String) = TradeResult(
        orderNo = orderNo,
        state = TradeState.UNKNOWN,
        amountFen = null,
        gatewayTradeNo = null,
        channel = Wallet.WECHAT.payType,
        gatewayCode = null,
        message = why,
    )

    private fun finish(emit: (PaymentEvent) -> Unit, r: TradeResult): TradeResult {
        emit(PaymentEvent.Final(r.orderNo, r.state))
        return r
    }

    private fun Map<String, Any?>.toResult(orderNo: String, state: TradeState) = TradeResult(
        orderNo = orderNo,
        state = state,
        amountFen = text("total_fee")?.toLongOrNull(),
        gatewayTradeNo = text("transaction_id"),
        channel = Wallet.WECHAT.payType,
        gatewayCode = text("code"),
        message = text("msg"),
    )
}

/** Chaoying's pay / facepay answer rules (the library's `pay_verdict`, for the JSON of `invoke`). */
internal object FacePayAnswer {
    enum class Verdict { PAID, PAYING, REJECTED, UNKNOWN }

    /** The request itself was refused: version too old, signature, parameters, merchant, agent, configuration. */
    private val REFUSED_CODES = setOf("20002", "20004", "20005", "20012", "20013")
    private val STILL_PAYING_CODES = setOf("10001", "10003")
    private val STILL_PAYING_STATES = setOf("USERPAYING", "NOTPAY", "PROCESSING", "NEED_QUERY")

    /** Pay error, closed, revoked: the charge did not happen. */
    private val FAILED_CODES = setOf("10006", "10004", "10005")

    /**
     * The answer as a settled trade result (`{"order_no", "state": "paid", "amount", ...}`), when
     * the library ran the charge itself; null for Chaoying's own answer (`state` SUCCESS / FAIL).
     */
    fun settled(answer: Map<String, Any?>): TradeResult? {
        val orderNo = answer.text("order_no") ?: return null
        val stateText = answer.text("state") ?: return null
        val state = TradeState.entries.firstOrNull { it.name.equals(stateText, ignoreCase = true) } ?: return null
        return TradeResult(
            orderNo = orderNo,
            state = state,
            amountFen = answer.text("amount")?.toLongOrNull(),
            gatewayTradeNo = answer.text("gateway_trade_no"),
            channel = answer.text("channel") ?: Wallet.WECHAT.payType,
            gatewayCode = answer.text("gateway_code"),
            message = answer.text("message"),
        )
    }

    fun verdict(answer: Map<String, Any?>): Verdict {
        val state = answer.text("state")
        val code = answer.text("code")
        val tradeState = answer.text("trade_state")
        return when {
            state == "VER" || code in REFUSED_CODES -> Verdict.REJECTED
            state == "SUCCESS" && code == "10000" && tradeState == "SUCCESS" -> Verdict.PAID
            code in STILL_PAYING_CODES || tradeState in STILL_PAYING_STATES -> Verdict.PAYING
            code in FAILED_CODES -> Verdict.REJECTED
            else -> Verdict.UNKNOWN
        }
    }
}
