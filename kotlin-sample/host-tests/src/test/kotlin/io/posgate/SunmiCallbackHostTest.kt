package io.posgate

import io.posgate.core.*
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.util.Collections
import kotlin.test.Test
import kotlin.test.assertEquals

/**
 * Host-JVM only (it runs an HTTP server with the JDK's com.sun.net.httpserver, which Android does
 * not have): Sunmi's live callback reaches the app's endpoint and is verified and journalled.
 */
class SunmiCallbackHostTest {
    private val sandbox get() = TestSandbox.instance

    private fun gate(): PosGate = PosGate(sandbox.config(Gateway.SUNMI))

    @Test
    fun `a live callback is verified and checked against the journal`() = runBlocking<Unit> {
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
            g.sunmi().miniPay(
                MiniPayRequest(totalAmount = 990, miniAppId = "wxsandboxmini0001", openId = "oKotlinPayer0000", orderId = orderNo, notifyUrl = url),
            )
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
