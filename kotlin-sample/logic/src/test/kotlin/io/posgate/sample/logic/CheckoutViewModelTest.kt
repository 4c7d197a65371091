package io.posgate.sample.logic

import io.posgate.NoHandle
import io.posgate.PaymentListener
import io.posgate.PayRequest
import io.posgate.PosGate
import io.posgate.PosGateException
import io.posgate.TradeResult
import io.posgate.TradeState
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** WeChat-shaped codes; the sandbox acts on the last four digits. */
internal object Codes {
    const val PAID = "134567890123450000"
    const val PAYING_1S = "134567890123451001"
    const val DECLINED = "134567890123453001"
}

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutViewModelTest {
    /** Demo mode exactly as the app runs it: the embedded sandbox, Chaoying. */
    private val demo = DemoGateSource()

    @AfterAll
    fun stop() = demo.close()

    @Test
    fun `pays through the embedded sandbox, reporting every step, and ends PAID`() = runBlocking {
        val vm = CheckoutViewModel(this, demo)
        vm.setAmount("15.80")
        vm.onScanned("]Q1${Codes.PAYING_1S}\r\n")
        val ready = vm.state.value
        assertEquals(AmountInput.Valid(1580), ready.amount)
        assertEquals(ScanResult.Valid(Codes.PAYING_1S, Wallet.WECHAT), ready.scan)
        assertTrue(ready.canPay)

        // Watch the state as a screen would, from another thread.
        val seen = Collections.synchronizedList(mutableListOf<CheckoutState>())
        val watcher = launch(Dispatchers.Default) { vm.state.collect { seen.add(it) } }

        val job = assertNotNull(vm.pay())
        assertTrue(vm.state.value.busy)
        assertFalse(vm.state.value.canPay)
        assertNull(vm.pay(), "a second tap while paying does nothing")
        withTimeout(15_000) { job.join() }
        // The watcher may trail the last update by a moment.
        withTimeout(2_000) { while (seen.lastOrNull()?.phase !is CheckoutPhase.Done) delay(10) }
        watcher.cancel()

        val s = vm.state.value
        val result = assertIs<CheckoutPhase.Done>(s.phase).result
        assertEquals(TradeState.PAID, result.state)
        assertEquals(1580L, result.amountFen)
        assertEquals("WECHAT", result.channel)
        assertTrue(result.orderNo.startsWith("PG"))

        // submitted, paying, poll 1..n of N, final PAID: in that order, all for this order.
        assertEquals(PayProgress.Submitted(result.orderNo), s.progress.first())
        assertEquals(PayProgress.Paying(result.orderNo), s.progress[1])
        val polls = s.progress.filterIsInstance<PayProgress.Polling>()
        assertTrue(polls.isNotEmpty(), "the 1 s paying phase needs at least one poll: ${s.progress}")
        assertEquals((1..polls.size).toList(), polls.map { it.n })
        assertTrue(polls.all { it.orderNo == result.orderNo && it.n <= it.of })
        assertEquals(PayProgress.Final(result.orderNo, TradeState.PAID), s.progress.last())
        assertEquals(2 + polls.size + 1, s.progress.size)

        // The screen saw the working phase with live progress, then the result.
        assertTrue(seen.any { it.phase == CheckoutPhase.Working(result.orderNo, CheckoutPhase.Action.BARCODE) })
        assertTrue(seen.any { it.busy && (it.latest is PayProgress.Paying || it.latest is PayProgress.Polling) })
        assertEquals(TradeState.PAID, (seen.last().phase as CheckoutPhase.Done).result.state)

        assertTrue(vm.newSale())
        assertEquals(CheckoutState(), vm.state.value)
    }

    @Test
    fun `a declined code ends FAILED with the gateway's code, and the till is free again`() = runBlocking {
        val vm = CheckoutViewModel(this, demo)
        vm.setAmount("8")
        vm.setBarcode(Codes.DECLINED)
        withTimeout(10_000) { vm.pay()!!.join() }
        val result = assertIs<CheckoutPhase.Done>(vm.state.value.phase).result
        assertEquals(TradeState.FAILED, result.state)
        assertEquals("10006", result.gatewayCode)
        assertNull(vm.state.value.unresolvedOrderNo)
        assertEquals(PayProgress.Final(result.orderNo, TradeState.FAILED), vm.state.value.latest)
        // Editing again is allowed and returns to the editing phase.
        vm.setBarcode(Codes.PAID)
        assertEquals(CheckoutPhase.Editing, vm.state.value.phase)
        assertTrue(vm.state.value.canPay)
    }

    @Test
    fun `a scan with a valid amount pays at once when auto-pay is on`() = runBlocking {
        val vm = CheckoutViewModel(this, demo, autoPayOnScan = true)
        assertNull(vm.onScanned(Codes.PAID), "no amount yet: nothing starts")
        vm.setAmount("0.01")
        assertNull(vm.onScanned("6901234567892"), "a product barcode never pays")
        assertEquals(ScanError.UNKNOWN_WALLET, (vm.state.value.scan as ScanResult.Invalid).error)
        val job = assertNotNull(vm.onScanned(Codes.PAID + "\n"))
        withTimeout(10_000) { job.join() }
        val result = assertIs<CheckoutPhase.Done>(vm.state.value.phase).result
        assertEquals(TradeState.PAID, result.state)
        assertEquals(1L, result.amountFen)
        assertEquals(listOf(PayProgress.Submitted(result.orderNo), PayProgress.Final(result.orderNo, TradeState.PAID)), vm.state.value.progress)
    }

    @Test
    fun `pay stays disabled until amount and code are both valid`() = runBlocking {
        val vm = CheckoutViewModel(this, demo)
        assertFalse(vm.state.value.canPay)
        assertFalse(vm.state.value.canShowQr, "no amount")
        assertNull(vm.pay())
        vm.setAmount("1.005")
        vm.setBarcode(Codes.PAID)
        assertEquals(AmountInput.Invalid(AmountError.TOO_MANY_DECIMALS), vm.state.value.amount)
        assertFalse(vm.state.value.canPay)
        vm.setAmount("1000000.01") // above the till's ceiling
        assertEquals(AmountInput.Invalid(AmountError.TOO_LARGE), vm.state.value.amount)
        vm.setAmount("1.00")
        vm.setBarcode("13456789012345000") // one digit short
        assertEquals(ScanError.WRONG_LENGTH, (vm.state.value.scan as ScanResult.Invalid).error)
        assertFalse(vm.state.value.canPay)
        vm.setBarcode("")
        assertNull(vm.state.value.scan)
        assertTrue(vm.state.value.canShowQr, "a QR code needs only the amount")
        assertFalse(vm.state.value.canPayByFace, "no face SDK given")
        assertNull(vm.payByFace())
    }

    /** A gate whose pay call dies after sending: the payer may have been charged. */
    private class LostAnswerGate(private val afterwards: TradeState) : PosGate(NoHandle) {
        val paid = Collections.synchronizedList(mutableListOf<String>())
        val queried = Collections.synchronizedList(mutableListOf<String>())

        override suspend fun pay(request: PayRequest, listener: PaymentListener?): TradeResult {
            paid.add(request.orderNo!!)
            throw PosGateException.Network("read timed out", outcomeUnknown = true)
        }

        override suspend fun query(orderNo: String): TradeResult {
            queried.add(orderNo)
            if (queried.size == 1) throw PosGateException.Network("no route", outcomeUnknown = false)
            return TradeResult(
                orderNo = orderNo,
                state = afterwards,
                amountFen = 500,
                gatewayTradeNo = "T1",
                channel = "WECHAT",
                gatewayCode = "10000",
                message = "SUCCESS",
            )
        }

        override fun close() {}
    }

    private class FixedSource(val gate: PosGate) : GateSource {
        override val demo = false
        override suspend fun open() = OpenGate(gate, MerchantSettings(baseUrl = "https://x").toConfig(), TerminalInfo("S", "Shop", "D"))
        override fun close() {}
    }

    @Test
    fun `an unknown outcome blocks the till until the same order is queried`() = runBlocking {
        val gate = LostAnswerGate(TradeState.PAID)
        val vm = CheckoutViewModel(this, FixedSource(gate))
        vm.setAmount("5")
        vm.setBarcode(Codes.PAID)
        vm.pay()!!.join()
        val failed = assertIs<CheckoutPhase.Failed>(vm.state.value.phase)
        assertEquals(PaymentError.Network("read timed out", true), failed.error)
        assertTrue(failed.unresolved)
        val orderNo = gate.paid.single()
        assertEquals(orderNo, vm.state.value.unresolvedOrderNo)

        // No second charge, no edits, until the outcome is known.
        assertFalse(vm.state.value.canPay)
        assertNull(vm.pay())
        vm.setAmount("6")
        assertEquals(AmountInput.Valid(500), vm.state.value.amount)
        assertFalse(vm.newSale())

        // The first query fails (network): still unresolved.
        vm.queryOutcome()!!.join()
        assertTrue(assertIs<CheckoutPhase.Failed>(vm.state.value.phase).unresolved)
        assertEquals(orderNo, vm.state.value.unresolvedOrderNo)

        // The second tells: paid. Same order number both times, and only one pay call ever.
        vm.queryOutcome()!!.join()
        val result = assertIs<CheckoutPhase.Done>(vm.state.value.phase).result
        assertEquals(TradeState.PAID, result.state)
        assertEquals(listOf(orderNo, orderNo), gate.queried)
        assertEquals(1, gate.paid.size)
        assertNull(vm.state.value.unresolvedOrderNo)
        assertTrue(vm.newSale())
    }

    @Test
    fun `a payment that needs attention keeps the till blocked`() = runBlocking {
        val gate = object : PosGate(NoHandle) {
            override suspend fun pay(request: PayRequest, listener: PaymentListener?): TradeResult {
                listener?.onEvent(io.posgate.PaymentEvent.Submitted(request.orderNo!!))
                listener?.onEvent(io.posgate.PaymentEvent.Reversing(request.orderNo!!))
                listener?.onEvent(io.posgate.PaymentEvent.NeedsAttention(request.orderNo!!, "reverse unanswered"))
                listener?.onEvent(io.posgate.PaymentEvent.Final(request.orderNo!!, TradeState.NEEDS_ATTENTION))
                return TradeResult(
                    orderNo = request.orderNo!!, state = TradeState.NEEDS_ATTENTION, amountFen = null,
                    gatewayTradeNo = null, channel = null, gatewayCode = null, message = "reverse unanswered",
                )
            }

            override fun close() {}
        }
        val vm = CheckoutViewModel(this, FixedSource(gate))
        vm.setAmount("5")
        vm.setBarcode(Codes.PAID)
        vm.pay()!!.join()
        val s = vm.state.value
        val result = assertIs<CheckoutPhase.Done>(s.phase).result
        assertEquals(result.orderNo, s.unresolvedOrderNo)
        assertFalse(s.canPay)
        assertTrue(s.canQuery)
        assertEquals(
            listOf(
                PayProgress.Submitted(result.orderNo),
                PayProgress.Reversing(result.orderNo),
                PayProgress.NeedsAttention(result.orderNo, "reverse unanswered"),
                PayProgress.Final(result.orderNo, TradeState.NEEDS_ATTENTION),
            ),
            s.progress,
        )
    }

    @Test
    fun `the cashier can take an unresolved order off the till explicitly`() = runBlocking {
        val vm = CheckoutViewModel(this, FixedSource(LostAnswerGate(TradeState.UNKNOWN)))
        vm.setAmount("5")
        vm.setBarcode(Codes.PAID)
        vm.pay()!!.join()
        assertNotNull(vm.state.value.unresolvedOrderNo)
        assertTrue(vm.dismissUnresolved())
        assertNull(vm.state.value.unresolvedOrderNo)
        assertTrue(vm.state.value.canPay)
        assertFalse(vm.dismissUnresolved())
    }
}
