package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.TradeState
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import io.posgate.core.Wallet as QrWallet

/** The "Show QR" checkout against demo mode's embedded sandbox, as the app runs it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QrCheckoutModelTest {
    private val chaoying = DemoGateSource(Gateway.CHAOYING)
    private val sunmi = DemoGateSource(Gateway.SUNMI)

    @AfterAll
    fun stop() {
        chaoying.close()
        sunmi.close()
    }

    private suspend fun QrCheckoutModel.until(what: String, done: (QrCheckoutState) -> Boolean): QrCheckoutState =
        withTimeout(20_000) {
            while (!done(state.value)) delay(20)
            state.value
        }.also { assertTrue(done(it), what) }

    @Test
    fun `the wallets, the code shown, the demo payer pays, PAID`() = runBlocking {
        val m = QrCheckoutModel(this, chaoying, amountFen = 1580)
        assertNull(m.start(QrWallet.WECHAT), "nothing to choose before the wallets are loaded")
        m.load().join()
        assertEquals(listOf(QrWallet.WECHAT, QrWallet.ALIPAY), m.state.value.wallets)
        assertTrue(m.state.value.canChoose && m.state.value.demo)
        assertNull(m.start(QrWallet.JD), "only the gateway's wallets")

        val job = assertNotNull(m.start(QrWallet.WECHAT))
        val shown = m.until("code shown") { it.phase is QrPhase.Showing && it.progress.any { p -> p is PayProgress.WaitingForScan } }
        val code = assertNotNull(shown.shownCode)
        assertTrue(code.content.isNotEmpty() && code.matrix.size >= 21u, "$code")
        assertTrue(code.expiresAtMs > System.currentTimeMillis())
        assertTrue(shown.canCancel && shown.canPayAsDemoPayer)

        assertNotNull(m.payAsDemoPayer()).join()
        withTimeout(20_000) { job.join() }
        val done = assertIs<QrPhase.Done>(m.state.value.phase)
        assertEquals(TradeState.PAID, done.result.state)
        assertEquals(code.orderNo, done.result.orderNo)
        assertEquals(PayProgress.Final(code.orderNo, TradeState.PAID), m.state.value.latest)
        assertNull(m.state.value.unresolvedOrderNo)
        assertTrue(m.again(), "the next customer")
        assertEquals(QrPhase.Choosing, m.state.value.phase)
    }

    @Test
    fun `the cashier cancels and the order is closed`() = runBlocking {
        val m = QrCheckoutModel(this, chaoying, amountFen = 990)
        m.load().join()
        val job = assertNotNull(m.start(QrWallet.WECHAT))
        m.until("code shown") { it.progress.any { p -> p is PayProgress.WaitingForScan } }
        assertTrue(m.cancel())
        assertTrue(!m.cancel(), "once")
        withTimeout(20_000) { job.join() }
        assertEquals(TradeState.CLOSED, assertIs<QrPhase.Done>(m.state.value.phase).result.state)
        assertTrue(m.state.value.progress.any { it is PayProgress.Closing }, "${m.state.value.progress}")
        m.close()
    }

    @Test
    fun `a gateway without a merchant-presented code says so before anything is sent`() = runBlocking {
        val m = QrCheckoutModel(this, sunmi, amountFen = 100)
        m.load().join()
        val failed = assertIs<QrPhase.Failed>(m.state.value.phase)
        assertEquals(PaymentError.Unsupported(QrCheckoutModel.NO_QR), failed.error)
        assertNull(failed.orderNo)
        assertNull(m.state.value.unresolvedOrderNo)
    }
}
