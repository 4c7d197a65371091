package io.posgate

import io.posgate.core.*
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFails
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * QR payments (the payer scans the code the terminal shows) through `startQrPayment` on every
 * sandbox gateway that has a merchant-presented code: paid by the payer, expired and closed,
 * cancelled by the cashier, refused input, and the code's modules for drawing. The gateways run
 * in parallel (each payment waits on its own schedule). The notification that ends a payment
 * early needs an HTTP server: host-tests' QrNotifyHostTest.
 */
class QrPaymentTest {
    private val sandbox get() = TestSandbox.instance

    private fun gate(gateway: Gateway) = PosGate(sandbox.config(gateway))

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
        fun snapshot(): List<PaymentEvent> = synchronized(events) { events.toList() }
    }

    private fun request(orderNo: String, wallet: Wallet?, amountFen: Long = 990, expireSeconds: UInt? = 60u) =
        QrPaymentRequest(
            orderNo = orderNo,
            amount = amountFen,
            subject = "QR coffee",
            wallet = wallet,
            expireSeconds = expireSeconds,
            // MMSP requires one; the sandbox's stand-in merchant endpoint answers SUCCESS.
            notifyUrl = sandbox.rootUrl() + "/_sandbox/notify",
        )

    /** The order as the sandbox's gateway keeps it (GET /_sandbox/orders). */
    private fun sandboxOrder(gateway: Gateway, orderNo: String): String {
        val name = gateway.name.lowercase()
        val order = Regex("\\{[^}]*\"order_no\":\"$orderNo\"[^}]*\\}").findAll(sandbox.ordersJson())
            .map { it.value }.singleOrNull { it.contains("\"gateway\":\"$name\"") }
        return order ?: error("$gateway: the sandbox has no order $orderNo")
    }

    private suspend fun waitingForScan(rec: Recorder) =
        withTimeout(10_000) { while (rec.snapshot().none { it is PaymentEvent.WaitingForScan }) delay(20) }

    @Test
    fun the_QR_gateways_and_their_wallets() {
        for (gateway in sandbox.gateways()) {
            val wallets = gate(gateway).qrWallets()
            val served = SANDBOX_WALLETS[gateway].orEmpty()
            assertTrue(wallets.containsAll(served), "$gateway: $wallets lacks some of $served")
            assertEquals(served.isEmpty(), wallets.isEmpty(), "$gateway: $wallets")
        }
        assertEquals(listOf(Wallet.WECHAT, Wallet.ALIPAY), gate(Gateway.CHAOYING).qrWallets())
        assertEquals(Wallet.entries.toSet(), gate(Gateway.MMSP).qrWallets().toSet())
    }

    @Test
    fun every_QR_gateway_and_wallet_paid_by_the_payer_ends_PAID() = runBlocking<Unit> {
        val runs = PAYABLE.flatMap { (gateway, wallets) -> wallets.map { gateway to it } }
        runs.map { (gateway, wallet) ->
            async(Dispatchers.Default) {
                val g = gate(gateway)
                val rec = Recorder()
                val orderNo = newOrderNo("QP")
                val before = System.currentTimeMillis()
                val req = request(orderNo, wallet, amountFen = 1280)
                val handle = g.startQrPayment(req, rec)
                val what = "$gateway $wallet $orderNo"
                assertEquals(orderNo, handle.orderNo(), what)
                assertTrue(handle.qrContent().isNotBlank(), what)
                assertTrue(handle.expiresAtMs() in before + 59_000..System.currentTimeMillis() + 60_000, "$what: ${handle.expiresAtMs()}")
                assertTrue(qrMatrix(handle.qrContent()).size >= 21u, what)
                waitingForScan(rec)
                assertEquals("paying", g.journalEntries().single { it.orderNo == orderNo }.state, what)

                sandbox.payPreorder(gateway, orderNo)
                val r = withTimeout(20_000) { handle.result() }
                assertEquals(TradeState.PAID, r.state, "$what: $r")
                assertEquals(orderNo, r.orderNo)
                val events = rec.snapshot()
                assertTrue(PaymentEvent.WaitingForScan(orderNo, handle.expiresAtMs()) in events, "$what: $events")
                assertEquals(PaymentEvent.Final(orderNo, TradeState.PAID), events.last(), what)
                assertTrue(events.none { it is PaymentEvent.Closing || it is PaymentEvent.Reversing }, "$what: $events")
                val entry = g.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }
                assertEquals("paid", entry.state, what)
                assertEquals(1280L, entry.amountFen, what)
                assertTrue(sandboxOrder(gateway, orderNo).contains("\"charges\":1"), sandboxOrder(gateway, orderNo))

                // A QR payment is never sent twice: the same order number again is refused.
                val again = assertFailsWith<PosGateException.InvalidInput>(what) { g.startQrPayment(request(orderNo, wallet), null) }
                assertEquals("order_no", again.field, what)
            }
        }.awaitAll()
    }

    @Test
    fun an_unpaid_code_expires_and_its_order_is_closed_nothing_charged() = runBlocking<Unit> {
        CLOSABLE.map { gateway ->
            async(Dispatchers.Default) {
                val g = gate(gateway)
                val rec = Recorder()
                val orderNo = newOrderNo("QE")
                val wallet = PAYABLE.getValue(gateway).last()
                val handle = g.startQrPayment(request(orderNo, wallet, expireSeconds = 5u), rec)
                val r = withTimeout(30_000) { handle.result() }
                val what = "$gateway $wallet $orderNo"
                assertEquals(TradeState.CLOSED, r.state, "$what: $r")
                // Closed at its expiry (its last query is at the expiry), not before.
                val early = handle.expiresAtMs() - System.currentTimeMillis()
                assertTrue(early <= 0, "$what: closed $early ms before its expiry")
                val events = rec.snapshot()
                assertTrue(events.any { it is PaymentEvent.WaitingForScan }, "$what: $events")
                assertTrue(events.any { it is PaymentEvent.Poll }, "$what: the order is queried while waiting: $events")
                assertTrue(PaymentEvent.Closing(orderNo) in events, "$what: $events")
                assertEquals(PaymentEvent.Final(orderNo, TradeState.CLOSED), events.last(), what)
                assertEquals("closed", g.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }.state, what)
                val order = sandboxOrder(gateway, orderNo)
                assertTrue(order.contains("\"charges\":0"), "$what: $order")
                // Closed at the gateway: the payer can no longer pay it. (TLinx cannot close a QR
                // order, paycancel being for barcode orders only: its code is withdrawn.)
                if (gateway != Gateway.TLINX) {
                    assertFails(what) { sandbox.payPreorder(gateway, orderNo) }
                    assertTrue(sandboxOrder(gateway, orderNo).contains("\"charges\":0"), what)
                }
            }
        }.awaitAll()
    }

    @Test
    fun the_cashier_cancels_and_the_order_is_closed_at_once() = runBlocking<Unit> {
        CLOSABLE.map { gateway ->
            async(Dispatchers.Default) {
                val g = gate(gateway)
                val rec = Recorder()
                val orderNo = newOrderNo("QC")
                val handle = g.startQrPayment(request(orderNo, Wallet.WECHAT, expireSeconds = 120u), rec)
                waitingForScan(rec)
                val cancelledAt = System.currentTimeMillis()
                handle.cancel()
                val r = withTimeout(15_000) { handle.result() }
                val what = "$gateway $orderNo"
                assertEquals(TradeState.CLOSED, r.state, "$what: $r")
                assertTrue(System.currentTimeMillis() - cancelledAt < 15_000, what)
                val events = rec.snapshot()
                assertTrue(PaymentEvent.Closing(orderNo) in events, "$what: $events")
                assertEquals(PaymentEvent.Final(orderNo, TradeState.CLOSED), events.last(), what)
                assertEquals("closed", g.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }.state, what)
                assertTrue(sandboxOrder(gateway, orderNo).contains("\"charges\":0"), sandboxOrder(gateway, orderNo))
                if (gateway != Gateway.TLINX) assertFails(what) { sandbox.payPreorder(gateway, orderNo) }
            }
        }.awaitAll()
    }

    @Test
    fun stop_watching_silences_the_listener_and_the_payment_goes_on() = runBlocking<Unit> {
        val g = gate(Gateway.CHAOYING)
        val rec = Recorder()
        val orderNo = newOrderNo("QW")
        val handle = g.startQrPayment(request(orderNo, Wallet.WECHAT), rec)
        waitingForScan(rec)
        handle.stopWatching()
        sandbox.payPreorder(Gateway.CHAOYING, orderNo)
        assertEquals(TradeState.PAID, withTimeout(20_000) { handle.result() }.state)
        assertTrue(rec.snapshot().none { it is PaymentEvent.Final }, "${rec.snapshot()}")
    }

    @Test
    fun sunmi_has_no_merchant_presented_code() = runBlocking<Unit> {
        val g = gate(Gateway.SUNMI)
        assertEquals(emptyList(), g.qrWallets())
        val orderNo = newOrderNo("QS")
        assertFailsWith<PosGateException.Unsupported> { g.startQrPayment(request(orderNo, Wallet.WECHAT), null) }
        assertTrue(g.journalEntries().none { it.orderNo == orderNo }, "nothing journalled")
    }

    @Test
    fun bad_input_is_refused_naming_the_field_before_anything_is_journalled() = runBlocking<Unit> {
        suspend fun refused(gateway: Gateway, req: QrPaymentRequest): String {
            val g = gate(gateway)
            val e = assertFailsWith<PosGateException.InvalidInput>("$gateway: $req") { g.startQrPayment(req, null) }
            assertTrue(g.journalEntries().none { it.orderNo == req.orderNo }, "$gateway: journalled $req")
            return e.field
        }
        val no = { newOrderNo("QB") }
        for (gateway in SANDBOX_WALLETS.keys) {
            assertEquals("amount", refused(gateway, request(no(), Wallet.WECHAT, amountFen = 0)), "$gateway")
            assertEquals("expire_seconds", refused(gateway, request(no(), Wallet.WECHAT, expireSeconds = 4u)), "$gateway")
            assertEquals("subject", refused(gateway, request(no(), Wallet.WECHAT).copy(subject = " ")), "$gateway")
            // No gateway here has an aggregated (any wallet) code: the wallet must be named.
            assertEquals("wallet", refused(gateway, request(no(), null)), "$gateway")
        }
        // A wallet the gateway has no code for.
        assertEquals("wallet", refused(Gateway.CHAOYING, request(no(), Wallet.JD)))
        assertEquals("wallet", refused(Gateway.KUAISHOU, request(no(), Wallet.UNIONPAY)))
        // TLinx's UnionPay code needs the merchant's own payment tag (pmtTagUnionpay, from paylist).
        assertEquals("wallet", refused(Gateway.TLINX, request(no(), Wallet.UNIONPAY)))
        // MMSP pushes the result to the merchant's server: its address is required.
        assertEquals("notify_url", refused(Gateway.MMSP, request(no(), Wallet.WECHAT).copy(notifyUrl = null)))
        assertEquals("notify_url", refused(Gateway.CHAOYING, request(no(), Wallet.WECHAT).copy(notifyUrl = "ftp://x")))
        // MMSP's order numbers are at most 20 letters and digits.
        assertEquals("order_no", refused(Gateway.MMSP, request("QB_" + no(), Wallet.WECHAT)))
        // A negative amount cannot even cross into Rust: the field is named all the same.
        val negative = refused(Gateway.TLINX, request(no(), Wallet.WECHAT, amountFen = -1))
        assertTrue(negative.startsWith("amount"), negative)
    }

    @Test
    fun qr_matrix_of_a_known_text_has_its_size_and_finder_patterns() {
        val m = qrMatrix("weixin://wxpay/bizpayurl?pr=abc123")
        assertEquals(29u, m.size, "version 3 at level M")
        val n = m.size.toInt()
        assertEquals(n * n, m.modules.size)
        fun dark(x: Int, y: Int) = m.modules[y * n + x]
        // The three finder patterns (top left, top right, bottom left): a dark 7x7 ring, a light
        // ring inside, a dark 3x3 centre, and a light separator around them.
        for ((ox, oy) in listOf(0 to 0, n - 7 to 0, 0 to n - 7)) {
            for (dy in 0 until 7) for (dx in 0 until 7) {
                val ring = maxOf(maxOf(3 - dx, dx - 3), maxOf(3 - dy, dy - 3)) // 3: outer, 2: light, <=1: centre
                assertEquals(ring != 2, dark(ox + dx, oy + dy), "finder at ($ox,$oy): module ($dx,$dy)")
            }
            for (i in -1..7) {
                for ((x, y) in listOf(ox + i to oy - 1, ox + i to oy + 7, ox - 1 to oy + i, ox + 7 to oy + i)) {
                    if (x in 0 until n && y in 0 until n) assertEquals(false, dark(x, y), "separator ($x,$y)")
                }
            }
        }
        // Timing pattern between the top finders: alternating, dark on even columns.
        for (x in 8 until n - 8) assertEquals(x % 2 == 0, dark(x, 6), "timing ($x,6)")
        // A longer text needs a larger version (4 modules more per version).
        val longer = qrMatrix("https://qr.alipay.com/" + "x".repeat(120))
        assertTrue(longer.size > m.size && (longer.size.toInt() - 17) % 4 == 0, "${longer.size}")
        assertEquals("content", assertFailsWith<PosGateException.InvalidInput> { qrMatrix("") }.field)
        assertEquals("content", assertFailsWith<PosGateException.InvalidInput> { qrMatrix("x".repeat(3000)) }.field)
    }

    private companion object {
        /** The wallets each sandbox gateway issues a code for (TLinx's UnionPay needs a merchant tag). */
        val SANDBOX_WALLETS = mapOf(
            Gateway.CHAOYING to listOf(Wallet.WECHAT, Wallet.ALIPAY),
            Gateway.KUAISHOU to listOf(Wallet.WECHAT, Wallet.ALIPAY, Wallet.QQ),
            Gateway.TLINX to listOf(Wallet.WECHAT, Wallet.ALIPAY),
            Gateway.MMSP to listOf(Wallet.WECHAT, Wallet.ALIPAY, Wallet.QQ, Wallet.JD, Wallet.UNIONPAY),
        )

        /** Every gateway and wallet a QR payment can be started with. */
        val PAYABLE = SANDBOX_WALLETS

        /** The gateways whose unpaid QR order ends CLOSED: all (TLinx's by withdrawing the code). */
        val CLOSABLE = SANDBOX_WALLETS.keys
    }
}
