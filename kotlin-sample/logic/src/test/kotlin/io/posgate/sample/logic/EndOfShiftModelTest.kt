package io.posgate.sample.logic

import io.posgate.PayRequest
import io.posgate.RefundRequest
import io.posgate.TradeState
import io.posgate.newOrderNo
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.Date
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndOfShiftModelTest {
    private val demo = DemoGateSource()

    @AfterAll
    fun stop() = demo.close()

    @Test
    fun `the day's report shows what the cashier took and refunded`() = runBlocking {
        val gate = demo.open().gate
        val vm = EndOfShiftModel(this, demo)
        vm.load().join()
        val before = vm.state.value.net
        val paid = gate.pay(PayRequest(amountFen = 1200, authCode = Codes.PAID), null)
        assertEquals(TradeState.PAID, paid.state)
        gate.refund(RefundRequest(orderNo = paid.orderNo, refundNo = newOrderNo("ES"), refundAmountFen = 200, totalAmountFen = 1200))
        vm.load().join()
        val s = vm.state.value
        assertNull(s.error)
        assertEquals(before + 1000, s.net, "${s.report}")
        assertTrue(s.receipt.contains("SHIFT REPORT"), s.receipt)
        assertTrue(s.receipt.lines().all { it.length <= 32 }, s.receipt)
        assertEquals(0, s.openCount)
    }

    @Test
    fun `another day, and a day that is not a date`() = runBlocking {
        val vm = EndOfShiftModel(this, demo)
        vm.showDay("2020-01-01").join()
        assertNotNull(vm.state.value.report)
        assertTrue(vm.state.value.report!!.gateways.isEmpty())
        vm.showDay("2020-02-30").join()
        assertNotNull(vm.state.value.error)
        assertEquals("2026-12-02", EndOfShiftModel.beijingToday(Date(1_796_140_800_000L)))
        assertEquals("2026-12-01", EndOfShiftModel.beijingToday(Date(1_796_140_800_000L - 1)))
    }
}
