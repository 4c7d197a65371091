package io.posgate

import io.posgate.core.*
import kotlinx.coroutines.runBlocking
import java.io.File
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * The end-of-shift report from Kotlin, over a journal with paid, refunded, reversed and needs-attention entries,
 * and over the card swipes of Sunmi's payment app recorded in the journal.
 */
class ShiftReportTest {
    private val sandbox get() = TestSandbox.instance

    private fun journalled(gateway: Gateway, poll: PollSettings? = null): PosGate {
        val dir = File.createTempFile("posgate-shift", "").apply { delete(); mkdirs() }
        return PosGate(sandbox.config(gateway).copy(journalPath = File(dir, "journal.db").path, poll = poll))
    }

    private fun List<Tally>.of(key: String) = firstOrNull { it.key == key }?.let { it.count to it.amount } ?: (0UL to 0L)

    @Test
    fun a_shift_with_every_outcome_adds_up() = runBlocking<Unit> {
        // Untrusted answers end in needs attention quickly on this schedule.
        val gate = journalled(Gateway.CHAOYING, PollSettings(firstQueryAfterMs = 100, intervalMs = 100, deadlineMs = 600, earliestReverseMs = 100))
        val from = System.currentTimeMillis() - 1
        val paid = gate.pay(PayRequest(amountFen = 1500, authCode = "134567890123450000"), null)
        val alipay = gate.pay(PayRequest(amountFen = 2600, authCode = "284567890123450000"), null)
        val refunded = gate.pay(PayRequest(amountFen = 700, authCode = "134567890123450000"), null)
        gate.refund(RefundRequest(orderNo = refunded.orderNo, refundNo = newOrderNo("KF"), refundAmountFen = 700, totalAmountFen = 700))
        val reversed = gate.pay(PayRequest(amountFen = 400, authCode = "134567890123450000"), null)
        assertEquals(TradeState.REVERSED, gate.cancel(reversed.orderNo).state)
        val untrusted = gate.pay(PayRequest(amountFen = 100, authCode = "134567890123455001"), null)
        assertEquals(TradeState.NEEDS_ATTENTION, untrusted.state)
        val to = System.currentTimeMillis() + 1

        val report = gate.shiftReport(from, to)
        assertEquals(1, report.gateways.size, "$report")
        val g = report.gateways.single()
        assertEquals("chaoying", g.gateway)
        assertEquals(3UL to 4800L, g.taken.count to g.taken.amount, "paid, alipay, refunded: $g")
        assertEquals(2UL to 2200L, g.takenByWallet.of("wechat"))
        assertEquals(1UL to 2600L, g.takenByWallet.of("alipay"))
        assertEquals(3UL to 4800L, g.takenByMethod.of("barcode"))
        assertEquals(1UL to 700L, g.refunded.count to g.refunded.amount)
        assertEquals(1UL to 400L, g.cancelled.count to g.cancelled.amount)
        assertEquals(4800L - 700L, g.netFen)
        assertEquals(1UL to 100L, g.payments.of("needs_attention"))
        assertEquals(listOf(untrusted.orderNo), g.open.map { it.orderNo }, "handed over: ${g.open}")
        assertTrue(g.open.single().reason.isNotEmpty())
        // The fully refunded payment reads refunded (its own entry stays paid; the refund is its own).
        assertEquals(2UL to 4100L, g.payments.of("paid"), "${paid.orderNo}, ${alipay.orderNo}")
        assertEquals(1UL to 700L, g.payments.of("refunded"))
        assertEquals(1UL to 400L, g.payments.of("reversed"))

        // The same journal gives the same report; its receipt fits a 58 mm printer.
        assertEquals(report, gate.shiftReport(from, to))
        val receipt = report.receipt
        assertTrue(receipt.lines().all { it.length <= 32 }, receipt)
        assertTrue(receipt.contains("48.00") && receipt.contains("41.00"), receipt)
    }

    @Test
    fun beijing_days_and_bad_ranges() {
        val day = beijingDay("2026-12-02")
        assertEquals(1_796_140_800_000L, day.fromMs)
        assertEquals(day.fromMs + 86_400_000L, day.toMs)
        val gate = journalled(Gateway.TLINX)
        assertTrue(gate.shiftReport(day.fromMs, day.toMs).gateways.isEmpty())
        assertEquals("to", assertFailsWith<PosGateException.InvalidInput> { gate.shiftReport(day.toMs, day.fromMs) }.field)
        assertEquals("date", assertFailsWith<PosGateException.InvalidInput> { beijingDay("2026-02-30") }.field)
    }

    @Test
    fun reconcile_finds_a_payment_made_on_another_terminal() = runBlocking<Unit> {
        val gate = journalled(Gateway.TLINX)
        val otherTerminal = journalled(Gateway.TLINX)
        val from = System.currentTimeMillis() - 1000
        val mine = gate.pay(PayRequest(amountFen = 500, authCode = "134567890123450000"), null)
        val theirs = otherTerminal.pay(PayRequest(amountFen = 777, authCode = "134567890123450000"), null)
        assertEquals(TradeState.PAID, theirs.state)
        val r = gate.reconcile(from, System.currentTimeMillis() + 1000)
        assertEquals("every payment (order list 4.2)", r.listed)
        assertEquals(1UL, r.checked, "$r")
        val d = r.differences.single()
        assertEquals(DifferenceKind.UNKNOWN_TO_JOURNAL, d.kind)
        assertEquals(theirs.orderNo, d.orderNo)
        assertEquals(777L, d.gatewayAmount)
        assertTrue(r.differences.none { it.orderNo == mine.orderNo })

        // A gateway that lists no orders is asked entry by entry: nothing to find behind its back.
        val chaoying = journalled(Gateway.CHAOYING)
        chaoying.pay(PayRequest(amountFen = 300, authCode = "134567890123450000"), null)
        val c = chaoying.reconcile(from, System.currentTimeMillis() + 1000)
        assertEquals(null, c.listed)
        assertEquals(1UL, c.checked)
        assertTrue(c.differences.isEmpty(), "$c")
    }

    @Test
    fun card_swipes_are_recorded_reported_and_reconciled() = runBlocking<Unit> {
        val gate = journalled(Gateway.SUNMI)
        val from = System.currentTimeMillis() - 1
        // A refund before its sale is refused, naming the order id; nothing is journalled.
        val early = assertFailsWith<PosGateException.InvalidInput> { gate.recordSwipe("SWIPE0003", null) }
        assertEquals("order_id", early.field)
        assertTrue(gate.journalEntries().isEmpty())

        val sale = gate.recordSwipe("SWIPE0001", null)
        assertEquals(SwipeKind.SALE, sale.kind)
        assertEquals(TradeState.PAID, sale.state)
        assertEquals(2580L, sale.amountFen)
        assertEquals("unionpay" to "6217", sale.wallet to sale.cardLast4)
        assertTrue(sale.journalled && !sale.recordedBefore, "$sale")
        val refund = gate.recordSwipe("SWIPE0003", sale.tradeDate)
        assertEquals(SwipeKind.REFUND, refund.kind)
        assertEquals(TradeState.REFUNDED, refund.state)
        assertEquals("SWIPE0001" to 1000L, refund.originalOrderNo to refund.amountFen)
        val declined = gate.recordSwipe("SWIPE0004", null)
        assertEquals(TradeState.FAILED, declined.state)
        // The same swipe again: its entry, never a second one.
        assertTrue(gate.recordSwipe("SWIPE0001", null).recordedBefore)
        assertEquals(3, gate.journalEntries().size)
        val to = System.currentTimeMillis() + 1

        val g = gate.shiftReport(from, to).gateways.single()
        assertEquals(1UL to 2580L, g.takenByMethod.of("card"), "$g")
        assertEquals(1UL to 2580L, g.taken.count to g.taken.amount)
        assertEquals(1UL to 1000L, g.refunded.count to g.refunded.amount)
        assertEquals(1UL to 500L, g.payments.of("failed"))
        assertEquals(2580L - 1000L, g.netFen)
        val r = gate.reconcile(from, to)
        assertEquals(3UL, r.checked, "$r")
        assertTrue(r.differences.isEmpty() && r.unanswered.isEmpty() && r.unverifiable.isEmpty(), "$r")

        // Only Sunmi's financial terminals take cards.
        assertFailsWith<PosGateException.Unsupported> { journalled(Gateway.CHAOYING).recordSwipe("SWIPE0001", null) }
    }
}
