package io.posgate.sample.logic

import io.posgate.PayRequest
import io.posgate.RefundState
import io.posgate.TradeResult
import io.posgate.TradeState
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderViewModelTest {
    private val demo = DemoGateSource()

    @AfterAll
    fun stop() = demo.close()

    private fun paid(fen: Long): TradeResult = runBlocking {
        demo.open().gate.pay(PayRequest(amountFen = fen, authCode = Codes.PAID), null).also {
            assertEquals(TradeState.PAID, it.state)
        }
    }

    @Test
    fun `query shows the order's state`() = runBlocking {
        val trade = paid(1200)
        val vm = OrderViewModel(this, demo)
        assertFalse(vm.state.value.canQuery)
        vm.setOrderNo("  ${trade.orderNo} ")
        vm.query()!!.join()
        val s = vm.state.value
        assertEquals(TradeState.PAID, s.trade?.state)
        assertEquals(1200L, s.trade?.amountFen)
        assertNull(s.error)
        assertTrue(s.canRefund)

        vm.setOrderNo("PG000000000000")
        assertNull(vm.state.value.trade, "another order number clears the shown trade")
        vm.query()!!.join()
        assertEquals(PaymentError.Rejected::class, vm.state.value.error!!::class) // 20007 order does not exist
        assertFalse(vm.state.value.canRefund)
    }

    @Test
    fun `cancel reverses a paid order`() = runBlocking {
        val trade = paid(300)
        val vm = OrderViewModel(this, demo, initial = trade)
        assertTrue(vm.state.value.canCancel)
        vm.cancel()!!.join()
        assertEquals(TradeState.REVERSED, vm.state.value.trade?.state, "${vm.state.value}")
        assertFalse(vm.state.value.canCancel)
    }

    @Test
    fun `partial then full refund, each with its own refund number, then query`() = runBlocking {
        val trade = paid(1000)
        val vm = RefundViewModel(this, demo, trade.orderNo, trade.amountFen)
        assertEquals("10.00", vm.state.value.amountText, "defaults to a full refund")
        vm.setAmount("10.01")
        assertEquals(AmountInput.Invalid(AmountError.TOO_LARGE), vm.state.value.amount)
        assertFalse(vm.state.value.canRefund)

        vm.setAmount("4")
        vm.setReason("damaged cup")
        val firstNo = vm.state.value.refundNo
        vm.refund()!!.join()
        val first = assertNotNull(vm.state.value.result, "${vm.state.value.error}")
        assertEquals(RefundState.SUCCESS, first.state)
        assertEquals(firstNo, first.refundNo)
        assertEquals(400L, first.amountFen)
        assertTrue(vm.state.value.settled)
        assertNull(vm.refund(), "a settled refund is not sent again")

        vm.query()!!.join()
        assertEquals(RefundState.SUCCESS, vm.state.value.result?.state)

        vm.next()
        assertNotEquals(firstNo, vm.state.value.refundNo)
        vm.setAmount("6")
        vm.refund()!!.join()
        assertEquals(RefundState.SUCCESS, vm.state.value.result?.state)

        val order = OrderViewModel(this, demo, initial = trade)
        order.query()!!.join()
        assertEquals(TradeState.REFUNDED, order.state.value.trade?.state)
        assertFalse(order.state.value.canRefund)
    }

    @Test
    fun `a refund the gateway refuses gets a new refund number`() = runBlocking {
        val vm = RefundViewModel(this, demo, "PG000000000001", orderAmountFen = 100)
        val before = vm.state.value.refundNo
        vm.refund()!!.join()
        assertIs<PaymentError.Rejected>(vm.state.value.error, "${vm.state.value}")
        assertFalse(vm.state.value.unresolved)
        assertNotEquals(before, vm.state.value.refundNo)
        assertTrue(vm.state.value.canRefund)
    }
}
