package io.posgate

import com.sun.net.httpserver.HttpServer
import io.posgate.core.*
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.util.Collections
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * Host-JVM only (an HTTP server from the JDK): a Kuaishou QR order paid in the sandbox sends its
 * `PAY_NODIFY` to the order's notify URL; the app hands posgate the query's fields and the raw
 * body, which are verified (the body rule) and checked against the journal.
 */
class KuaishouNotifyHostTest {
    private val sandbox get() = TestSandbox.instance

    @Test
    fun a_kuaishou_notification_is_verified_and_checked_against_the_journal() = runBlocking<Unit> {
        val g = PosGate(sandbox.config(Gateway.KUAISHOU))
        val received = Collections.synchronizedList(mutableListOf<Pair<Map<String, String>, Result<NotificationCheck>>>())
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/kuaishou/notify") { ex ->
            val query = ex.requestURI.rawQuery.orEmpty().split("&").filter { it.isNotEmpty() }.associate {
                val (k, v) = if ("=" in it) it.split("=", limit = 2) else listOf(it, "")
                URLDecoder.decode(k, "UTF-8") to URLDecoder.decode(v, "UTF-8")
            }
            val fields = query + ("body" to ex.requestBody.readBytes().toString(Charsets.UTF_8))
            val check = runCatching { g.checkNotification(fields) }
            received.add(fields to check)
            // Kuaishou only needs the 200, sent after the result is recorded.
            val bytes = (check.getOrNull()?.notification?.ack ?: "FAIL").toByteArray()
            ex.sendResponseHeaders(if (check.isSuccess) 200 else 400, bytes.size.toLong())
            ex.responseBody.use { it.write(bytes) }
        }
        server.start()
        try {
            val url = "http://127.0.0.1:${server.address.port}/kuaishou/notify"
            val orderNo = newOrderNo("KN")
            val answer = g.kuaishou().order(
                QrOrderRequest(
                    order = KuaishouOrderCommon(chargeCode = orderNo, amount = 990, subject = "QR", notifyUrl = url),
                    channelType = ChannelType.Wechat,
                    tradeType = QrTradeType.NATIVE,
                ),
            )
            assertTrue(answer.result.code == ResultCode.Success || answer.result.code == ResultCode.Sucess, "$answer")
            sandbox.payPreorder(Gateway.KUAISHOU, orderNo)
            withTimeout(15_000) { while (received.isEmpty()) delay(50) }
            val (fields, check) = received.first()
            val n = check.getOrThrow().notification
            assertEquals(orderNo, n.orderNo, "$fields")
            assertEquals(TradeState.PAID, n.state)
            assertEquals(990L, n.amountFen)
            assertEquals("paid", g.journalEntries().single { it.kind == "payment" && it.orderNo == orderNo }.state)

            // A changed signature no longer verifies.
            val sign = fields.getValue("sign")
            val tampered = fields + ("sign" to (if (sign[0] == '0') "1" else "0") + sign.drop(1))
            assertFailsWith<PosGateException.SignatureInvalid> { g.checkNotification(tampered) }
            assertTrue(fields.containsKey("sign"), "$fields")
        } finally {
            server.stop(0)
        }
    }
}
