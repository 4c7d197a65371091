package io.posgate

import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue

/** Sunmi through the bindings: prepays, the poll loop, query, refund, card swipes, callbacks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SunmiTest {
    private lateinit var sandbox: EmbeddedSandbox

    @BeforeAll
    fun start() = runBlocking { sandbox = startSandbox() }

    @AfterAll
    fun stop() = sandbox.stop()

    private fun gate(): PosGate = PosGate(sandbox.config(Gateway.SUNMI))

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
    }

    /** The sandbox's scenario table keys on the openId's last four digits (1NNN: paying NNN s). */
    private fun miniPay(orderNo: String, fen: Long, openId: String, notifyUrl: String? = null): String {
        val notify = if (notifyUrl == null) "" else ",\"notifyUrl\":\"$notifyUrl\""
        return """{"totalAmount":$fen,"miniAppId":"wxsandboxmini0001","openId":"$openId","orderId":"$orderNo"$notify}"""
    }

    @Test
    fun `the sandbox configures sunmi with its own callback key`() {
        val cfg = sandbox.config(Gateway.SUNMI)
        val creds = assertIs<GatewayCredentials.Sunmi>(cfg.credentials)
        assertEquals("820291573790006", creds.merchantNo)
        assertTrue(creds.publicKey!!.contains("BEGIN PUBLIC KEY"))
        val ops = gate().operations().map { it.name }
        assertTrue(ops.containsAll(listOf("swipe_query", "pay_bind", "js_api_pay", "mini_pay", "trade_query", "trade_refund")), "$ops")
        assertEquals(Gateway.SUNMI, gate().gateway())
    }

    @Test
    fun `prepay, poll loop, query and refund`() = runBlocking {
        val g = gate()
        val orderNo = newOrderNo("KS")
        val answer = g.invoke("mini_pay", miniPay(orderNo, 1580, "oKotlinPayer1001"))
        assertTrue(answer.contains("用户支付中"), answer)
        val rec = Recorder()
        val r = g.followPreorder(orderNo, rec)
        assertEquals(TradeState.PAID, r.state, "$r")
        assertEquals(1580L, r.amountFen)
        assertTrue(rec.events.any { it is PaymentEvent.Poll }, "${rec.events}")
        assertEquals(PaymentEvent.Final(orderNo, TradeState.PAID), rec.events.last())
        assertEquals(TradeState.PAID, g.query(orderNo).state)

        val refund = g.refund(RefundRequest(orderNo = orderNo, refundAmountFen = 580, totalAmountFen = 1580))
        assertEquals(RefundState.SUCCESS, refund.state, "$refund")
        assertEquals(RefundState.SUCCESS, g.refundQuery(orderNo, refund.refundNo).state)
        assertEquals(TradeState.PARTIALLY_REFUNDED, g.query(orderNo).state)

        val entries = g.journalEntries()
        assertEquals("paid", entries.single { it.kind == "payment" && it.orderNo == orderNo }.state)
        assertEquals("refunded", entries.single { it.kind == "refund" && it.number == refund.refundNo }.state)
    }

    @Test
    fun `declined payer and refused prepay`() = runBlocking {
        val g = gate()
        val declined = newOrderNo("KD")
        g.invoke("mini_pay", miniPay(declined, 100, "oKotlinPayer3001"))
        val r = g.followPreorder(declined, null)
        assertEquals(TradeState.FAILED, r.state)
        assertEquals("T02", r.gatewayCode)
        val refused = assertFailsWith<PosGateException.GatewayRejected> {
            g.invoke("mini_pay", miniPay(newOrderNo("KI"), 100, "oKotlinPayer3002"))
        }
        assertEquals("Q03", refused.code)
    }

    @Test
    fun `no barcode payment and no cancel`() = runBlocking {
        val g = gate()
        assertFailsWith<PosGateException.Unsupported> {
            g.pay(PayRequest(amountFen = 100, authCode = "134567890123450000"), null)
        }
        val bad = assertFailsWith<PosGateException.InvalidInput> {
            g.invoke("mini_pay", """{"totalAmount":0,"miniAppId":"wx1","openId":"o1","orderId":"A1"}""")
        }
        assertEquals("totalAmount", bad.field)
    }

    @Test
    fun `card-swipe trade by order number`() = runBlocking {
        val t = gate().invoke("swipe_query", """{"orderId":"SWIPE0001"}""")
        assertTrue(t.contains("\"cardGov\":\"CUP\"") && t.contains("\"state\":3") && t.contains("\"amount\":2580"), t)
        val missing = assertFailsWith<PosGateException.GatewayRejected> {
            gate().invoke("swipe_query", """{"orderId":"NOSUCHSWIPE"}""")
        }
        assertEquals("E19", missing.code)
    }

    private val seedCallback = mapOf(
        "amount" to "1",
        "businessId" to "",
        "buyerPayAmount" to "1",
        "misId" to "test_5F5EC7A54CDCC58BADC425",
        "msn" to "D804P89V00033",
        "orderId" to "15632714718760",
        "orderType" to "0",
        "payTime" to "1563271502",
        "platform" to "alipay",
        "platformId" to "2019071622001419071050445382",
        "refunded" to "0",
        "resultCode" to "T00",
        "resultMsg" to "Success",
        "sign" to "GW6jDdLQ1z+CFtLoKjmxtMiHeKjm2ZgMTq19gQisV/PpOPIBeDXhWEu5WSzxZwiJHVzCQrPhyZX6kdwQ9xGTyxbsKTZj31zUxtWq" +
            "qcmol7DpkGJRuG9wzqnNCZ7kmUrk8/XLs1TRxIusCQuojEZOdsE/EWqy/OlX4TrD0WqCeW9Kkk1IB5izAamv9BcEEPgYFLo0hBuj" +
            "o85GEjjzJrFs9ds59TYe0ElOZ6zdputanCJZuM6/SqQ4a1Xoy/MJFKhA6K0zc8ZPFiW0bBMhVFSwSwRY3IEsP0YWva7QcT9AjVW2" +
            "FFILghJ5vrjonAmhmKCIwtHMA8zwM9j6qgMEF0kCGg==",
        "state" to "3",
    )

    @Test
    fun `the seed's sample callback verifies with the seed's test key, a changed field does not`() {
        val n = verifySunmiCallback(sunmiTestPublicKey(), seedCallback)
        assertEquals("15632714718760", n.orderNo)
        assertEquals(TradeState.PAID, n.state)
        assertEquals(1L, n.amountFen)
        assertEquals("success", n.ack)
        assertEquals(seedCallback, n.fields)
        assertEquals(n, verifyNotification(Gateway.SUNMI, sunmiTestPublicKey(), seedCallback))
        for (key in seedCallback.keys.filter { it != "sign" }) {
            assertFailsWith<PosGateException.SignatureInvalid>(key) {
                verifySunmiCallback(sunmiTestPublicKey(), seedCallback + (key to seedCallback.getValue(key) + "1"))
            }
        }
        val badKey = assertFailsWith<PosGateException.InvalidInput> { verifySunmiCallback("not a key", seedCallback) }
        assertEquals("public_key", badKey.field)
        // The sandbox's configuration carries the sandbox's key, not Sunmi's.
        assertFailsWith<PosGateException.SignatureInvalid> { gate().verifyNotification(seedCallback) }
    }

    @Test
    fun `a live callback is verified and checked against the journal`() = runBlocking {
        val g = gate()
        val received = Collections.synchronizedList(mutableListOf<Pair<Map<String, String>, String>>())
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/sunmi/callback") { ex ->
            val body = ex.requestBody.readBytes().toString(Charsets.UTF_8)
            val fields = body.split("&").filter { it.isNotEmpty() }.associate {
                val (k, v) = if ("=" in it) it.split("=", limit = 2) else listOf(it, "")
                URLDecoder.decode(k, "UTF-8") to URLDecoder.decode(v, "UTF-8")
            }
            val ack = try {
                g.checkNotification(fields).notification.ack
            } catch (e: PosGateException) {
                "fail"
            }
            received.add(fields to ack)
            val bytes = ack.toByteArray()
            ex.sendResponseHeaders(200, bytes.size.toLong())
            ex.responseBody.use { it.write(bytes) }
        }
        server.start()
        try {
            val url = "http://127.0.0.1:${server.address.port}/sunmi/callback"
            val orderNo = newOrderNo("KN")
            g.invoke("mini_pay", miniPay(orderNo, 990, "oKotlinPayer0000", url))
            withTimeout(10_000) {
                while (received.isEmpty()) delay(50)
            }
            val (fields, ack) = received.first()
            assertEquals("success", ack, "$fields")
            assertEquals(orderNo, fields["orderId"])
            assertEquals("", fields["businessId"], "empty fields are sent and signed")
            assertEquals("paid", g.journalEntries().single { it.kind == "payment" && it.orderNo == orderNo }.state)
        } finally {
            server.stop(0)
        }
    }
}
