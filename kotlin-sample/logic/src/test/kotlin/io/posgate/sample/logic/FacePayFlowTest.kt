package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.NoHandle
import io.posgate.OperationInfo
import io.posgate.PosGate
import io.posgate.PosGateException
import io.posgate.TradeResult
import io.posgate.TradeState
import io.posgate.newOrderNo
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertFailsWith
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** Stands in for the vendor face SDK: records what posgate asked and answers as scripted. */
internal class FakeFaceSdk(
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

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FacePayFlowTest {
    private val demo = DemoGateSource(Gateway.CHAOYING)
    private lateinit var open: OpenGate

    @BeforeAll
    fun start() = runBlocking { open = demo.open() }

    @AfterAll
    fun stop() = demo.close()

    private fun flow(sdk: FaceSdk) = FacePayFlow(open.gate, sdk, open.terminal, open.config.poll)

    @Test
    fun `face pay runs rawdata, getfaceauth, recognition, facepay and follows the order to PAID`() = runBlocking {
        val sdk = FakeFaceSdk(faceCode = "FACECODE1001") // the sandbox keeps it paying for 1 s
        val orderNo = newOrderNo("PG")
        val steps = Collections.synchronizedList(mutableListOf<PayProgress>())
        val r = withTimeout(15_000) { flow(sdk).pay(2990, orderNo, "coffee", steps::add) }

        assertEquals(TradeState.PAID, r.state)
        assertEquals(orderNo, r.orderNo)
        assertEquals(2990L, r.amountFen)
        assertEquals(listOf("rawData", "recognise", "paymentFinished"), sdk.calls)
        assertEquals(orderNo to TradeState.PAID, sdk.finished)

        // What the SDK got: the sandbox's authinfo and the order's data.
        val req = assertNotNull(sdk.request)
        assertTrue(req.auth.authInfo.startsWith("SANDBOXAUTHINFO"), req.auth.authInfo)
        assertTrue(!req.auth.appId.isNullOrEmpty() && !req.auth.subMchId.isNullOrEmpty())
        assertEquals(3600L, req.auth.expiresInSeconds)
        assertEquals(orderNo, req.outTradeNo)
        assertEquals(2990L, req.totalFen)
        assertEquals(TerminalInfo.DEMO.storeId, req.storeId)
        assertEquals("FACEPAY", req.faceAuthType)

        assertEquals(
            listOf(PayProgress.FaceReading, PayProgress.FaceAuthorising, PayProgress.FaceRecognising, PayProgress.Submitted(orderNo)),
            steps.take(4),
        )
        // The paying phase is followed either here (queries: paying, poll 1..n) or, with the
        // payment journal, inside the library (facepay then answers the settled result).
        val polls = steps.filterIsInstance<PayProgress.Polling>()
        assertEquals((1..polls.size).toList(), polls.map { it.n })
        assertTrue(polls.all { it.n <= it.of && it.orderNo == orderNo })
        assertEquals(polls.isNotEmpty(), PayProgress.Paying(orderNo) in steps)
        assertEquals(PayProgress.Final(orderNo, TradeState.PAID), steps.last())
        assertEquals(1, steps.count { it is PayProgress.Final })

        // The gateway recorded one face payment, with the payer's openid.
        val orders = MiniJson.parse(assertNotNull(open.sandbox).ordersJson()) as List<*>
        val order = orders.map { it as Map<*, *> }.single { it["order_no"] == orderNo }
        assertEquals("paid", order["state"])
        assertEquals("1", order["charges"].toString())
        val query = MiniJson.parseObject(
            open.gate.invoke("order_query", MiniJson.obj("paytype" to "WECHAT", "out_trade_no" to orderNo)),
        )
        assertEquals("FACEPAY", query.text("trade_type"))
        assertEquals("oFacePayer0001", query.text("openid"))
        assertEquals("2990", query.text("total_fee"))
    }

    @Test
    fun `a face payment paid at once is PAID after the confirming query`() = runBlocking {
        val orderNo = newOrderNo("PG")
        val steps = mutableListOf<PayProgress>()
        val r = flow(FakeFaceSdk()).pay(100, orderNo, "tea", steps::add)
        assertEquals(TradeState.PAID, r.state)
        assertEquals(100L, r.amountFen)
        assertTrue(!r.gatewayTradeNo.isNullOrEmpty())
        assertEquals(listOf(PayProgress.Submitted(orderNo), PayProgress.Final(orderNo, TradeState.PAID)), steps.drop(3))
    }

    @Test
    fun `a settled result from the library's own payment machine is taken as it is`() = runBlocking {
        val attention = ScriptedGate(
            { """{"order_no":"PG0009","state":"needs_attention","amount":100,"gateway_trade_no":null,"channel":"WECHAT","gateway_code":null,"message":"reverse unanswered"}""" },
            listOf(TradeState.PAID),
        )
        val steps = mutableListOf<PayProgress>()
        val r = FacePayFlow(attention, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0009", "t", steps::add)
        assertEquals(TradeState.NEEDS_ATTENTION, r.state)
        assertEquals("reverse unanswered", r.message)
        assertEquals(100L, r.amountFen)
        assertEquals(0, attention.queries.size, "settled by the library: no queries of our own")
        assertEquals(listOf(PayProgress.Submitted("PG0009"), PayProgress.Final("PG0009", TradeState.NEEDS_ATTENTION)), steps.drop(3))

        val paid = ScriptedGate({ """{"order_no":"PG0010","state":"partially_refunded","amount":250,"gateway_trade_no":"C1"}""" }, listOf())
        val p = FacePayFlow(paid, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(250, "PG0010", "t")
        assertEquals(TradeState.PARTIALLY_REFUNDED, p.state)
        assertEquals("C1", p.gatewayTradeNo)
        assertEquals(250L, p.amountFen)
    }

    @Test
    fun `a declined face payment ends FAILED`() = runBlocking {
        val sdk = FakeFaceSdk(faceCode = "FACECODE3001")
        val r = flow(sdk).pay(100, newOrderNo("PG"), "tea")
        assertEquals(TradeState.FAILED, r.state)
        assertEquals("10006", r.gatewayCode)
        assertEquals(TradeState.FAILED, sdk.finished?.second)
    }

    @Test
    fun `nothing is charged when the payer cancels on the face screen`() = runBlocking {
        val orderNo = newOrderNo("PG")
        for (outcome in listOf(FaceRecognition.Cancelled, FaceRecognition.SwitchedToBarcode, FaceRecognition.Failed("ERROR", "camera"))) {
            val sdk = FakeFaceSdk(outcome = outcome)
            val e = assertFailsWith<FaceNotRecognisedException> { runBlocking { flow(sdk).pay(100, orderNo, "tea") } }
            assertEquals(outcome, e.outcome)
            assertEquals(listOf("rawData", "recognise"), sdk.calls)
        }
        assertFalse(orderNo in assertNotNull(open.sandbox).ordersJson(), "facepay must not have been called")
    }

    @Test
    fun `face pay through the checkout view model`() = runBlocking {
        val sdk = FakeFaceSdk()
        val vm = CheckoutViewModel(this, demo, faceSdk = sdk)
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
    }

    @Test
    fun `face pay needs the Chaoying gateway`() = runBlocking {
        val tlinx = DemoGateSource(Gateway.TLINX)
        try {
            val vm = CheckoutViewModel(this, tlinx, faceSdk = FakeFaceSdk())
            vm.setAmount("1")
            vm.payByFace()!!.join()
            assertIs<PaymentError.Unsupported>(assertIs<CheckoutPhase.Failed>(vm.state.value.phase).error)
        } finally {
            tlinx.close()
        }
    }

    /** Scripted gateway for the answers the sandbox does not produce on facepay. */
    private class ScriptedGate(
        private val facepay: () -> String,
        private val states: List<TradeState>,
        private val cancel: (String) -> TradeResult = { throw PosGateException.Network("no answer", outcomeUnknown = true) },
    ) : PosGate(NoHandle) {
        val queries = Collections.synchronizedList(mutableListOf<String>())
        val cancels = Collections.synchronizedList(mutableListOf<String>())

        override suspend fun cancel(orderNo: String): TradeResult {
            cancels += orderNo
            return cancel.invoke(orderNo)
        }

        override fun gateway() = Gateway.CHAOYING
        override fun operations() = listOf(OperationInfo("get_face_auth", "", "read"), OperationInfo("face_pay", "", "charge"))
        override suspend fun invoke(operation: String, paramsJson: String): String = when (operation) {
            "get_face_auth" -> """{"state":"SUCCESS","code":"10000","authinfo":"AUTH","expires_in":3600}"""
            "face_pay" -> facepay()
            else -> error(operation)
        }

        override suspend fun query(orderNo: String): TradeResult {
            queries += orderNo
            val s = states[minOf(queries.size - 1, states.size - 1)]
            return TradeResult(orderNo = orderNo, state = s, amountFen = 100, gatewayTradeNo = null, channel = "WECHAT", gatewayCode = null, message = null)
        }

        override fun close() {}
    }

    private val quick = io.posgate.PollSettings(firstQueryAfterMs = 10, intervalMs = 10, deadlineMs = 100, earliestReverseMs = 50)

    @Test
    fun `an untrusted or lost facepay answer is settled by queries, never by a second charge`() = runBlocking {
        for (facepay in listOf<() -> String>(
            { throw PosGateException.SignatureInvalid("bad sign") },
            { throw PosGateException.Network("timeout", outcomeUnknown = true) },
            { """{"state":"FAIL","code":"20006","msg":"系统错误"}""" },
        )) {
            val gate = ScriptedGate(facepay, listOf(TradeState.PAYING, TradeState.PAID))
            val steps = mutableListOf<PayProgress>()
            val r = FacePayFlow(gate, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0001", "t", steps::add)
            assertEquals(TradeState.PAID, r.state)
            assertEquals(2, gate.queries.size)
            assertEquals(listOf(PayProgress.Polling("PG0001", 1, 10), PayProgress.Polling("PG0001", 2, 10)), steps.filterIsInstance<PayProgress.Polling>())
        }
    }

    private fun trade(orderNo: String, state: TradeState) = TradeResult(
        orderNo = orderNo, state = state, amountFen = 100, gatewayTradeNo = null, channel = "WECHAT", gatewayCode = null, message = null,
    )

    private val stillPaying = { """{"state":"SUCCESS","code":"10001","trade_state":"USERPAYING"}""" }

    @Test
    fun `no final answer by the deadline reverses the order`() = runBlocking {
        val gate = ScriptedGate(stillPaying, listOf(TradeState.PAYING), cancel = { trade(it, TradeState.REVERSED) })
        val steps = mutableListOf<PayProgress>()
        val r = FacePayFlow(gate, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0002", "t", steps::add)
        assertEquals(TradeState.REVERSED, r.state)
        assertEquals(10, gate.queries.size) // (100 - 10) / 10 + 1 polls before the deadline
        assertEquals(listOf("PG0002"), gate.cancels)
        assertEquals(
            listOf(PayProgress.Polling("PG0002", 10, 10), PayProgress.Reversing("PG0002"), PayProgress.Final("PG0002", TradeState.REVERSED)),
            steps.takeLast(3),
        )
    }

    @Test
    fun `a reverse that cannot be settled needs attention`() = runBlocking {
        val refused = ScriptedGate(stillPaying, listOf(TradeState.PAYING), cancel = { throw PosGateException.GatewayRejected("20011", "撤销错误") })
        val steps = mutableListOf<PayProgress>()
        val r = FacePayFlow(refused, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0006", "t", steps::add)
        assertEquals(TradeState.NEEDS_ATTENTION, r.state)
        assertTrue(r.message!!.contains("20011"), r.message)
        assertEquals(PayProgress.NeedsAttention("PG0006", r.message!!), steps[steps.size - 2])
        assertEquals(PayProgress.Final("PG0006", TradeState.NEEDS_ATTENTION), steps.last())

        val silent = ScriptedGate(stillPaying, listOf(TradeState.PAYING)) // cancel never answers
        val r2 = FacePayFlow(silent, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0007", "t")
        assertEquals(TradeState.NEEDS_ATTENTION, r2.state)
        assertEquals(3, silent.cancels.size)

        val paidAfterAll = ScriptedGate(stillPaying, listOf(TradeState.PAYING), cancel = { trade(it, TradeState.PAID) })
        assertEquals(TradeState.NEEDS_ATTENTION, FacePayFlow(paidAfterAll, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0008", "t").state)
    }

    @Test
    fun `refusals before or at facepay`() = runBlocking {
        val refused = ScriptedGate({ """{"state":"FAIL","code":"20004","msg":"参数错误"}""" }, listOf(TradeState.PAID))
        val r = FacePayFlow(refused, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0003", "t")
        assertEquals(TradeState.FAILED, r.state)
        assertEquals("20004", r.gatewayCode)
        assertEquals(0, refused.queries.size)

        val offline = ScriptedGate({ throw PosGateException.Network("connect refused", outcomeUnknown = false) }, listOf(TradeState.PAID))
        assertFailsWith<PosGateException.Network> { runBlocking { FacePayFlow(offline, FakeFaceSdk(), TerminalInfo.DEMO, quick).pay(100, "PG0004", "t") } }
        assertEquals(0, offline.queries.size)

        assertFailsWith<PosGateException.InvalidInput> { runBlocking { FacePayFlow(refused, FakeFaceSdk(), TerminalInfo.DEMO).pay(0, "PG0005", "t") } }
    }
}
