package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.core.OrderQueryRequest
import io.posgate.core.PayType
import io.posgate.PaymentHandle
import io.posgate.PollSettings
import io.posgate.PosGate
import io.posgate.PosGateException
import io.posgate.TestSandbox
import io.posgate.TradeState
import io.posgate.newOrderNo
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** Stands in for the vendor face SDK: records what posgate asked and answers as scripted. */
class FakeFaceSdk(
    private val faceCode: String = "FACECODE0000",
    private val openId: String = "oFacePayer0001",
    private val outcome: FaceRecognition? = null,
) : FaceSdk {
    val calls: MutableList<String> = Collections.synchronizedList(mutableListOf())
    var request: FaceRecognitionRequest? = null
    var finished: Pair<String, TradeState>? = null

    override suspend fun rawData(): String {
        calls += "rawData"
        return "RAWDATA-FROM-DEVICE"
    }

    override suspend fun recognise(request: FaceRecognitionRequest): FaceRecognition {
        calls += "recognise"
        this.request = request
        return outcome ?: FaceRecognition.Recognised(faceCode, openId)
    }

    override suspend fun paymentFinished(orderNo: String, state: TradeState) {
        calls += "paymentFinished"
        finished = orderNo to state
    }
}

/**
 * Face pay with a fake face SDK against the embedded sandbox: the app's part is the SDK's steps;
 * the charge is a payment on the library's engine (the face code's last four digits script the
 * sandbox's outcome, as a barcode's do).
 */
class FacePayFlowTest {
    private val sandbox get() = TestSandbox.instance

    private fun gate(poll: PollSettings? = null): PosGate {
        val cfg = sandbox.config(Gateway.CHAOYING)
        return PosGate(if (poll == null) cfg else cfg.copy(poll = poll))
    }

    private fun flow(sdk: FaceSdk, gate: PosGate = gate()) = FacePayFlow(gate, sdk, TerminalInfo.DEMO)

    /** Times of the sandbox's order record: `"charges":N` of [orderNo] in its books. */
    private fun charges(orderNo: String): Int? {
        val entry = Regex("\\{[^{}]*\"order_no\":\"$orderNo\"[^{}]*\\}").find(sandbox.ordersJson())?.value ?: return null
        return Regex("\"charges\":(\\d+)").find(entry)?.groupValues?.get(1)?.toInt()
    }

    @Test
    fun face_pay_runs_rawdata_getFaceAuth_recognition_then_the_library_s_payment_to_PAID() = runBlocking<Unit> {
        val sdk = FakeFaceSdk(faceCode = "FACECODE1001") // the sandbox keeps it paying for 1 s
        val gate = gate()
        val orderNo = newOrderNo("PG")
        val steps = Collections.synchronizedList(mutableListOf<PayProgress>())
        val r = withTimeout(20_000) { flow(sdk, gate).pay(2990, orderNo, "coffee", steps::add) }

        assertEquals(TradeState.PAID, r.state, "$r")
        assertEquals(orderNo, r.orderNo)
        assertEquals(2990L, r.amountFen)
        assertEquals(listOf("rawData", "recognise", "paymentFinished"), sdk.calls)
        assertEquals(orderNo to TradeState.PAID, sdk.finished)

        // What the SDK got: the sandbox's authinfo and the order's data.
        val req = assertNotNull(sdk.request)
        assertTrue(req.auth.authinfo!!.startsWith("SANDBOXAUTHINFO"), req.auth.authinfo)
        assertTrue(!req.auth.appid.isNullOrEmpty() && !req.auth.subMchId.isNullOrEmpty())
        assertEquals(3600UL, req.auth.expiresIn)
        assertEquals(orderNo, req.outTradeNo)
        assertEquals(2990L, req.totalFen)
        assertEquals(TerminalInfo.DEMO.storeId, req.storeId)

        // The library's events, as for a barcode payment: submitted, paying, polls, final.
        assertEquals(
            listOf(PayProgress.FaceReading, PayProgress.FaceAuthorising, PayProgress.FaceRecognising, PayProgress.Submitted(orderNo), PayProgress.Paying(orderNo)),
            steps.take(5),
        )
        val polls = steps.filterIsInstance<PayProgress.Polling>()
        assertTrue(polls.isNotEmpty(), "$steps")
        assertEquals((1..polls.size).toList(), polls.map { it.n })
        assertEquals(PayProgress.Final(orderNo, TradeState.PAID), steps.last())

        // Charged once, with the payer's openid, as a face payment; journalled as a payment.
        assertEquals(1, charges(orderNo))
        val order = gate.chaoying().orderQuery(OrderQueryRequest(paytype = PayType.WECHAT, outTradeNo = orderNo))
        assertEquals("FACEPAY", order.tradeType)
        assertEquals("oFacePayer0001", order.openid)
        assertEquals(2990L, order.totalFee)
        val entry = gate.journalEntries().single { it.orderNo == orderNo }
        assertEquals("paid", entry.state)
        assertEquals(2990L, entry.amountFen)
    }

    @Test
    fun a_face_payment_paid_at_once_settles_on_its_own_answer() = runBlocking<Unit> {
        val orderNo = newOrderNo("PG")
        val steps = mutableListOf<PayProgress>()
        val r = flow(FakeFaceSdk()).pay(100, orderNo, "tea", steps::add)
        assertEquals(TradeState.PAID, r.state)
        assertEquals(100L, r.amountFen)
        assertTrue(!r.gatewayTradeNo.isNullOrEmpty())
        assertEquals(listOf(PayProgress.Submitted(orderNo), PayProgress.Final(orderNo, TradeState.PAID)), steps.drop(3))
    }

    @Test
    fun a_declined_face_payment_ends_FAILED() = runBlocking<Unit> {
        val sdk = FakeFaceSdk(faceCode = "FACECODE3001")
        val r = flow(sdk).pay(100, newOrderNo("PG"), "tea")
        assertEquals(TradeState.FAILED, r.state)
        assertEquals(TradeState.FAILED, sdk.finished?.second)
    }

    @Test
    fun an_answer_that_hides_a_charge_is_settled_by_queries_never_by_a_second_charge() = runBlocking<Unit> {
        val orderNo = newOrderNo("PG")
        val r = withTimeout(20_000) { flow(FakeFaceSdk(faceCode = "FACECODE4001")).pay(100, orderNo, "tea") }
        assertEquals(TradeState.PAID, r.state)
        assertEquals(1, charges(orderNo))
    }

    @Test
    fun no_final_answer_by_the_deadline_reverses_the_order_and_the_cashier_can_cancel() = runBlocking<Unit> {
        val quick = PollSettings(firstQueryAfterMs = 50, intervalMs = 50, deadlineMs = 300, earliestReverseMs = 100)
        val steps = Collections.synchronizedList(mutableListOf<PayProgress>())
        val orderNo = newOrderNo("PG")
        val r = withTimeout(20_000) { flow(FakeFaceSdk(faceCode = "FACECODE1999"), gate(quick)).pay(100, orderNo, "t", steps::add) }
        assertEquals(TradeState.REVERSED, r.state, "$r")
        assertTrue(PayProgress.Reversing(orderNo) in steps, "$steps")

        // The cashier cancels through the handle the flow hands out.
        var handle: PaymentHandle? = null
        val slow = PollSettings(firstQueryAfterMs = 50, intervalMs = 50, deadlineMs = 60_000, earliestReverseMs = 1)
        val cancelled = withTimeout(20_000) {
            flow(FakeFaceSdk(faceCode = "FACECODE1999"), gate(slow)).pay(100, newOrderNo("PG"), "t", onStarted = { h ->
                handle = h
                h.cancel()
            })
        }
        assertNotNull(handle)
        assertEquals(TradeState.REVERSED, cancelled.state, "$cancelled")
    }

    @Test
    fun nothing_is_charged_when_the_payer_cancels_on_the_face_screen() = runBlocking<Unit> {
        val orderNo = newOrderNo("PG")
        for (outcome in listOf(FaceRecognition.Cancelled, FaceRecognition.SwitchedToBarcode, FaceRecognition.Failed("ERROR", "camera"))) {
            val sdk = FakeFaceSdk(outcome = outcome)
            val e = assertFailsWith<FaceNotRecognisedException> { runBlocking { flow(sdk).pay(100, orderNo, "tea") } }
            assertEquals(outcome, e.outcome)
            assertEquals(listOf("rawData", "recognise"), sdk.calls)
        }
        assertFalse(orderNo in sandbox.ordersJson(), "facePay must not have been called")
    }

    @Test
    fun face_pay_through_the_checkout_view_model() = runBlocking<Unit> {
        val demo = DemoGateSource(Gateway.CHAOYING)
        try {
            val vm = CheckoutViewModel(this, demo, faceSdk = FakeFaceSdk())
            vm.setAmount("12.34")
            assertTrue(vm.state.value.canPayByFace)
            assertFalse(vm.state.value.canPay, "no barcode: barcode pay stays off")
            withTimeout(15_000) { vm.payByFace()!!.join() }
            val r = assertIs<CheckoutPhase.Done>(vm.state.value.phase).result
            assertEquals(TradeState.PAID, r.state)
            assertEquals(1234L, r.amountFen)
            assertEquals(PayProgress.FaceReading, vm.state.value.progress.first())
            assertEquals(PayProgress.Final(r.orderNo, TradeState.PAID), vm.state.value.latest)

            // Cancelled at the device: a failure that leaves nothing unresolved.
            val vm2 = CheckoutViewModel(this, demo, faceSdk = FakeFaceSdk(outcome = FaceRecognition.Cancelled))
            vm2.setAmount("1")
            vm2.payByFace()!!.join()
            val failed = assertIs<CheckoutPhase.Failed>(vm2.state.value.phase)
            assertEquals(PaymentError.FaceNotRecognised(FaceRecognition.Cancelled), failed.error)
            assertFalse(failed.unresolved)
        } finally {
            demo.close()
        }
    }

    @Test
    fun face_pay_needs_the_Chaoying_gateway_and_a_positive_amount() = runBlocking<Unit> {
        val tlinx = PosGate(sandbox.config(Gateway.TLINX))
        val sdk = FakeFaceSdk()
        assertFailsWith<PosGateException.Unsupported> { runBlocking { FacePayFlow(tlinx, sdk, TerminalInfo.DEMO).pay(100, newOrderNo("PG"), "t") } }
        assertEquals(emptyList(), sdk.calls, "refused before the SDK is asked")
        assertFailsWith<PosGateException.InvalidInput> { runBlocking { flow(sdk).pay(0, newOrderNo("PG"), "t") } }
    }
}
