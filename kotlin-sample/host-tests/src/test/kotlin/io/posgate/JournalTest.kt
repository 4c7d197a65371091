package io.posgate

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.nio.file.Files
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The durable journal and background completion, seen from Kotlin. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalTest {
    private lateinit var sandbox: EmbeddedSandbox

    @BeforeAll
    fun start() = runBlocking { sandbox = startSandbox() }

    @AfterAll
    fun stop() = sandbox.stop()

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
        fun final(orderNo: String) = events.toList().filterIsInstance<PaymentEvent.Final>().firstOrNull { it.orderNo == orderNo }
    }

    private fun journalled(gateway: Gateway): PosGate {
        val path = Files.createTempDirectory("posgate-journal").resolve("journal.db").toString()
        return PosGate(sandbox.config(gateway).copy(journalPath = path))
    }

    @Test
    fun `a cancelled coroutine does not abandon the payment`() = runBlocking {
        for (gateway in sandbox.barcodeGateways()) {
            val gate = journalled(gateway)
            val reporter = Recorder()
            gate.setReporter(reporter)
            val listener = Recorder()
            val orderNo = newOrderNo("KC")
            val job = launch(Dispatchers.Default) {
                gate.pay(PaymentRequest(amountFen = 880, authCode = "134567890123451003", orderNo = orderNo), listener)
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
    fun `a retry reuses the order number and never charges twice`() = runBlocking {
        val gate = journalled(Gateway.TLINX)
        val orderNo = newOrderNo("KR")
        val first = gate.pay(PaymentRequest(amountFen = 500, authCode = "134567890123450000", orderNo = orderNo), null)
        val again = gate.pay(PaymentRequest(amountFen = 500, authCode = "134567890123450000", orderNo = orderNo), null)
        assertEquals(TradeState.PAID, first.state)
        assertEquals(TradeState.PAID, again.state)
        val other = assertFailsWith<PosGateException.InvalidInput> {
            gate.pay(PaymentRequest(amountFen = 501, authCode = "134567890123450000", orderNo = orderNo), null)
        }
        assertEquals("order_no", other.field)
        val entry = Regex("\\{[^}]*\"order_no\":\"$orderNo\"[^}]*\\}").find(sandbox.ordersJson())?.value
        assertTrue(entry != null && entry.contains("\"charges\":1"), "$entry")
    }

    @Test
    fun `stop watching, cashier cancel and recovery are reachable`() = runBlocking {
        val gate = journalled(Gateway.CHAOYING)
        val listener = Recorder()
        val handle = gate.startPayment(PaymentRequest(amountFen = 300, authCode = "134567890123451030"), listener)
        withTimeout(10_000) {
            while (listener.events.none { it is PaymentEvent.Poll }) delay(20)
        }
        handle.cancel()
        val r = handle.result()
        assertEquals(TradeState.REVERSED, r.state, "$r")
        assertTrue(listener.events.any { it is PaymentEvent.Reversing })

        val quiet = Recorder()
        val h2 = gate.startPayment(PaymentRequest(amountFen = 300, authCode = "134567890123451001"), quiet)
        h2.stopWatching()
        assertEquals(TradeState.PAID, h2.result().state)
        assertTrue(quiet.events.none { it is PaymentEvent.Final }, "no events after stopWatching: ${quiet.events}")

        assertEquals(emptyList(), gate.recover(), "nothing left to recover")
        assertTrue(gate.journalEntries().all { it.state in setOf("paid", "reversed", "failed", "closed", "refunded") })
    }
}
