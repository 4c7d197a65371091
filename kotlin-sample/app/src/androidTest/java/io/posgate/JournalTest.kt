package io.posgate

import io.posgate.core.*
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.Test
import java.io.File
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The durable journal and background completion, seen from Kotlin. */
class JournalTest {
    private val sandbox get() = TestSandbox.instance

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
        fun final(orderNo: String) = events.toList().filterIsInstance<PaymentEvent.Final>().firstOrNull { it.orderNo == orderNo }
    }

    private fun journalled(gateway: Gateway): PosGate {
        // java.io, not java.nio.file: the same source runs on Android before API 26.
        val dir = File.createTempFile("posgate-journal", "").apply { delete(); mkdirs() }
        val path = File(dir, "journal.db").path
        return PosGate(sandbox.config(gateway).copy(journalPath = path))
    }

    @Test
    fun a_cancelled_coroutine_does_not_abandon_the_payment() = runBlocking<Unit> {
        for (gateway in sandbox.barcodeGateways()) {
            val gate = journalled(gateway)
            val reporter = Recorder()
            gate.setReporter(reporter)
            val listener = Recorder()
            val orderNo = newOrderNo("KC")
            val job = launch(Dispatchers.Default) {
                gate.pay(PayRequest(amountFen = 880, authCode = "134567890123451003", orderNo = orderNo), listener)
            }
            withTimeout(10_000) {
                while (listener.events.none { it is PaymentEvent.Poll }) delay(20)
            }
            job.cancelAndJoin() // the cashier's screen went away mid-poll
            assertTrue(job.isCancelled)
            withTimeout(20_000) {
                while (reporter.final(orderNo) == null) delay(50)
            }
            assertEquals(TradeState.PAID, reporter.final(orderNo)!!.state, "$gateway: reported")
            assertEquals(TradeState.PAID, listener.final(orderNo)?.state, "$gateway: the listener still hears it")
            val entry = gate.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }
            assertEquals("paid", entry.state)
            assertEquals(1L, entry.attempts, "never re-sent")
            assertEquals(TradeState.PAID, gate.query(orderNo).state)
        }
    }

    @Test
    fun a_retry_reuses_the_order_number_and_never_charges_twice() = runBlocking<Unit> {
        val gate = journalled(Gateway.TLINX)
        val orderNo = newOrderNo("KR")
        val first = gate.pay(PayRequest(amountFen = 500, authCode = "134567890123450000", orderNo = orderNo), null)
        val again = gate.pay(PayRequest(amountFen = 500, authCode = "134567890123450000", orderNo = orderNo), null)
        assertEquals(TradeState.PAID, first.state)
        assertEquals(TradeState.PAID, again.state)
        val other = assertFailsWith<PosGateException.InvalidInput> {
            gate.pay(PayRequest(amountFen = 501, authCode = "134567890123450000", orderNo = orderNo), null)
        }
        assertEquals("order_no", other.field)
        val entry = Regex("\\{[^}]*\"order_no\":\"$orderNo\"[^}]*\\}").find(sandbox.ordersJson())?.value
        assertTrue(entry != null && entry.contains("\"charges\":1"), "$entry")
    }

    @Test
    fun stop_watching_cashier_cancel_and_recovery_are_reachable() = runBlocking<Unit> {
        val gate = journalled(Gateway.CHAOYING)
        val listener = Recorder()
        val handle = gate.startPayment(PayRequest(amountFen = 300, authCode = "134567890123451030"), listener)
        withTimeout(10_000) {
            while (listener.events.none { it is PaymentEvent.Poll }) delay(20)
        }
        handle.cancel()
        val r = handle.result()
        assertEquals(TradeState.REVERSED, r.state, "$r")
        assertTrue(listener.events.any { it is PaymentEvent.Reversing })

        val quiet = Recorder()
        val h2 = gate.startPayment(PayRequest(amountFen = 300, authCode = "134567890123451001"), quiet)
        h2.stopWatching()
        assertEquals(TradeState.PAID, h2.result().state)
        assertTrue(quiet.events.none { it is PaymentEvent.Final }, "no events after stopWatching: ${quiet.events}")

        assertEquals(emptyList(), gate.recover(), "nothing left to recover")
        assertTrue(gate.journalEntries().all { it.state in setOf("paid", "reversed", "failed", "closed", "refunded") })
    }

    /** Query and close from Kotlin go through the engine: the journal hears their answers. */
    @Test
    fun query_and_close_from_Kotlin_reach_the_journal() = runBlocking<Unit> {
        for (gateway in sandbox.barcodeGateways()) {
            val gate = journalled(gateway)
            val orderNo = newOrderNo("KQ")
            when (gateway) {
                // Typed here, by name for the others: both are journalled alike.
                Gateway.KUAISHOU -> gate.kuaishou().order(
                    QrOrderRequest(KuaishouOrderCommon(chargeCode = orderNo, amount = 300, subject = "k"), ChannelType.Wechat, QrTradeType.NATIVE),
                )
                // MMSP names a notify URL: the sandbox's stand-in merchant endpoint.
                Gateway.MMSP -> gate.mmsp().wechatPreOrder(
                    MmspWechatPreOrderRequest(merOrderId = orderNo, amount = 300, goodsName = "k", notifyUrl = sandbox.rootUrl() + "/_sandbox/notify", tradeType = MmspOrderMode.QR),
                )
                Gateway.CHAOYING -> gate.invoke(
                    "wechat_pre_order",
                    """{"body":"k","out_trade_no":"$orderNo","total_fee":300,"trade_type":"NATIVE","product_id":"p1"}""",
                )
                else -> gate.invoke(
                    "payorder",
                    """{"scenario":"qr","out_no":"$orderNo","pmt_tag":"Weixin","original_amount":300,"trade_amount":300}""",
                )
            }
            assertEquals("paying", gate.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }.state)
            sandbox.payPreorder(gateway, orderNo)
            assertEquals(TradeState.PAID, gate.query(orderNo).state, "$gateway")
            assertEquals(
                "paid",
                gate.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }.state,
                "$gateway: the query's answer settled the journal entry",
            )
            // Close: written before it is sent; none of these closes a paid order (most have no
            // close at all, MMSP refuses it), and the refusal is recorded.
            assertFailsWith<PosGateException> { gate.close(orderNo) }
            val close = gate.journalEntries().single { it.orderNo == orderNo && it.kind == "cancel" }
            assertEquals(1L, close.attempts, "$gateway: $close")
            assertEquals("failed", close.state, "$gateway: $close")
        }
    }
}
