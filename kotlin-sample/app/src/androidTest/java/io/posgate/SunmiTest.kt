package io.posgate

import io.posgate.core.*
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.Test
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue

/** Sunmi through the bindings: prepays, the poll loop, query, refund, card swipes, callbacks. */
class SunmiTest {
    private val sandbox get() = TestSandbox.instance

    private fun gate(): PosGate = PosGate(sandbox.config(Gateway.SUNMI))

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
    }

    /** The sandbox's scenario table keys on the openId's last four digits (1NNN: paying NNN s). */
    private fun miniPay(orderNo: String, fen: Long, openId: String) =
        MiniPayRequest(totalAmount = fen, miniAppId = "wxsandboxmini0001", openId = openId, orderId = orderNo)

    @Test
    fun the_sandbox_configures_sunmi_with_its_own_callback_key() {
        val cfg = sandbox.config(Gateway.SUNMI)
        val creds = assertIs<GatewayCredentials.Sunmi>(cfg.credentials)
        assertEquals("820291573790006", creds.merchantNo)
        assertTrue(creds.publicKey!!.contains("BEGIN PUBLIC KEY"))
        val ops = gate().operations().map { it.name }
        assertTrue(ops.containsAll(listOf("swipe_query", "pay_bind", "js_api_pay", "mini_pay", "trade_query", "trade_refund")), "$ops")
        assertEquals(Gateway.SUNMI, gate().gateway())
    }

    @Test
    fun prepay_poll_loop_query_and_refund() = runBlocking<Unit> {
        val g = gate()
        val orderNo = newOrderNo("KS")
        val answer = g.sunmi().miniPay(miniPay(orderNo, 1580, "oKotlinPayer1001"))
        assertEquals(orderNo, answer.orderId)
        assertTrue(listOfNotNull(answer.resultMsg, answer.subMsg).any { "用户支付中" in it }, "$answer")
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
    fun declined_payer_and_refused_prepay() = runBlocking<Unit> {
        val g = gate()
        val declined = newOrderNo("KD")
        g.sunmi().miniPay(miniPay(declined, 100, "oKotlinPayer3001"))
        val r = g.followPreorder(declined, null)
        assertEquals(TradeState.FAILED, r.state)
        assertEquals("T02", r.gatewayCode)
        val refused = assertFailsWith<PosGateException.GatewayRejected> {
            g.sunmi().miniPay(miniPay(newOrderNo("KI"), 100, "oKotlinPayer3002"))
        }
        assertEquals("Q03", refused.code)
    }

    @Test
    fun no_barcode_payment_and_no_cancel() = runBlocking<Unit> {
        val g = gate()
        assertFailsWith<PosGateException.Unsupported> {
            g.pay(PayRequest(amountFen = 100, authCode = "134567890123450000"), null)
        }
        val bad = assertFailsWith<PosGateException.InvalidInput> { g.sunmi().miniPay(miniPay("A1", 0, "o1")) }
        assertEquals("totalAmount", bad.field)
        // A negative amount cannot even cross into the library: refused as the amount's input.
        val negative = assertFailsWith<PosGateException.InvalidInput> { g.sunmi().miniPay(miniPay("A1", -1, "o1")) }
        assertTrue(negative.field.startsWith("amount"), negative.field)
        assertTrue(g.journalEntries().none { it.orderNo == "A1" }, "nothing journalled")
        // Another gateway's typed operations are refused, not sent.
        assertFailsWith<PosGateException.Unsupported> { g.chaoying() }
    }

    @Test
    fun card_swipe_trade_by_order_number() = runBlocking<Unit> {
        val t = gate().sunmi().swipeQuery(SwipeQueryRequest(orderId = "SWIPE0001"))
        assertEquals(CardGov.BankCard, t.cardGov)
        assertEquals(SunmiTradeStatus.Success, t.state)
        assertEquals(2580L, t.amount)
        val missing = assertFailsWith<PosGateException.GatewayRejected> {
            gate().sunmi().swipeQuery(SwipeQueryRequest(orderId = "NOSUCHSWIPE"))
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
    fun the_seed_s_sample_callback_verifies_with_the_seed_s_test_key_a_changed_field_does_not() {
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
}
