package io.posgate

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import io.posgate.core.*
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/**
 * Host-JVM only (an HTTP server from the JDK): a QR payment's notification goes to the
 * merchant's server (here a JDK HttpServer as the order's notify URL), which relays it to the
 * terminal app; `checkNotification` verifies it and hands it to the running payment, which ends
 * at once instead of at its next query (a minute away on this poll schedule). The server answers
 * the gateway with the ack posgate returns. On every sandbox gateway with QR, in parallel.
 */
class QrNotifyHostTest {
    private val sandbox get() = TestSandbox.instance

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
        fun snapshot(): List<PaymentEvent> = synchronized(events) { events.toList() }
    }

    private class Delivery(val fields: Map<String, String>, val check: Result<NotificationCheck>)

    private fun decode(form: String): Map<String, String> = form.split("&").filter { it.isNotEmpty() }.associate {
        val (k, v) = if ("=" in it) it.split("=", limit = 2) else listOf(it, "")
        URLDecoder.decode(k, "UTF-8") to URLDecoder.decode(v, "UTF-8")
    }

    /**
     * The fields as received, the way each gateway sends them: the query string (TLinx's GET,
     * Kuaishou's `sign`), a form body's fields (Chaoying), or any other body whole as `body`
     * (Kuaishou's JSON or XML, MMSP's JSON envelope).
     */
    private fun fieldsOf(ex: HttpExchange): Map<String, String> {
        val fields = decode(ex.requestURI.rawQuery.orEmpty()).toMutableMap()
        val body = ex.requestBody.readBytes().toString(Charsets.UTF_8)
        val type = ex.requestHeaders.getFirst("Content-Type").orEmpty()
        when {
            type.startsWith("application/x-www-form-urlencoded", ignoreCase = true) -> fields += decode(body)
            body.isNotEmpty() -> fields["body"] = body
        }
        return fields
    }

    @Test
    fun a_relayed_notification_ends_the_QR_payment_long_before_its_next_query() = runBlocking<Unit> {
        // The first query a minute after the order: only the notification can end it sooner.
        val slow = PollSettings(firstQueryAfterMs = 60_000, intervalMs = 60_000, deadlineMs = 120_000, earliestReverseMs = 1_000)
        val gateways = listOf(Gateway.CHAOYING, Gateway.KUAISHOU, Gateway.TLINX, Gateway.MMSP)
        val gates = gateways.associateWith { PosGate(sandbox.config(it).copy(poll = slow)) }
        val delivered = ConcurrentHashMap<Gateway, Delivery>()
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/qr-notify/") { ex ->
            val gateway = gateways.single { ex.requestURI.path.endsWith("/" + it.name.lowercase()) }
            val fields = fieldsOf(ex)
            // The app's server would store the result first; the terminal app checks it.
            val check = runCatching { gates.getValue(gateway).checkNotification(fields) }
            delivered[gateway] = Delivery(fields, check)
            val bytes = (check.getOrNull()?.notification?.ack ?: "FAIL").toByteArray()
            ex.sendResponseHeaders(if (check.isSuccess) 200 else 400, if (bytes.isEmpty()) -1 else bytes.size.toLong())
            ex.responseBody.use { it.write(bytes) }
        }
        server.start()
        try {
            gates.map { (gateway, g) ->
                async(Dispatchers.Default) {
                    val rec = Recorder()
                    val orderNo = newOrderNo("QN")
                    val url = "http://127.0.0.1:${server.address.port}/qr-notify/${gateway.name.lowercase()}"
                    val handle = g.startQrPayment(
                        QrPaymentRequest(orderNo = orderNo, amount = 1580, subject = "QR tea", wallet = Wallet.WECHAT, expireSeconds = 90u, notifyUrl = url),
                        rec,
                    )
                    withTimeout(10_000) { while (rec.snapshot().none { it is PaymentEvent.WaitingForScan }) delay(20) }
                    val paidAt = System.currentTimeMillis()
                    val ack = sandbox.payPreorder(gateway, orderNo) // the gateway posts, our server answers
                    val r = withTimeout(15_000) { handle.result() }
                    val what = "$gateway $orderNo"
                    assertEquals(TradeState.PAID, r.state, "$what: $r")
                    assertTrue(System.currentTimeMillis() - paidAt < 15_000, what)

                    val d = delivered[gateway] ?: error("$what: no notification arrived")
                    val n = d.check.getOrThrow().notification
                    assertEquals(orderNo, n.orderNo, "$what: ${d.fields}")
                    assertEquals(TradeState.PAID, n.state, what)
                    assertEquals(n.ack.ifEmpty { null }, ack, "$what: the gateway got posgate's ack")
                    assertEquals(false, d.check.getOrThrow().duplicate, what)

                    val events = rec.snapshot()
                    assertTrue(events.none { it is PaymentEvent.Poll }, "$what: ended by a query, not the notification: $events")
                    assertEquals(PaymentEvent.Final(orderNo, TradeState.PAID), events.last(), what)
                    assertEquals("paid", g.journalEntries().single { it.orderNo == orderNo && it.kind == "payment" }.state, what)
                    // The gateway delivers again: recognised, nothing changes.
                    assertTrue(g.checkNotification(d.fields).duplicate, what)
                }
            }.awaitAll()
        } finally {
            server.stop(0)
        }
    }
}
