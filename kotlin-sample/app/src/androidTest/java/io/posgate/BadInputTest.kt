package io.posgate

import io.posgate.core.*
import kotlinx.coroutines.runBlocking
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * The Kotlin half of the bad-input battery (README "Bad input"): through the bindings, each case
 * throws `PosGateException.InvalidInput` naming the field once, before anything is journalled or
 * sent (the journal unchanged, no request reached the sandbox, its books unchanged). Includes
 * negative amounts, which are refused while the call's arguments cross into the library. The
 * battery has a sandbox of its own: no other test's payment polls it while requests are counted.
 */
class BadInputTest {
    private val sandbox: EmbeddedSandbox by lazy { runBlocking { startSandbox() } }

    private fun gate(gateway: Gateway) = PosGate(sandbox.config(gateway))

    private var cases = 0

    private suspend fun refused(g: PosGate, what: String, field: String, block: suspend () -> Unit) {
        cases++
        val entries = g.journalEntries()
        val books = sandbox.ordersJson()
        val requests = sandbox.requests()
        val e = assertFailsWith<PosGateException.InvalidInput>(what) { block() }
        assertEquals(field, e.field, "$what: ${e.reason}")
        assertFalse(e.reason.startsWith("${e.field}:"), "$what: the field twice: ${e.field}: ${e.reason}")
        assertEquals(entries, g.journalEntries(), "$what: journalled")
        assertEquals(requests, sandbox.requests(), "$what: sent")
        assertEquals(books, sandbox.ordersJson(), "$what: the sandbox's books changed")
    }

    /** The field a negative amount is refused under: it never reaches the library's own checks. */
    private fun assertNegative(e: PosGateException.InvalidInput) {
        assertTrue(e.field.startsWith("amount"), e.field)
        assertEquals("must not be negative", e.reason)
    }

    private suspend fun commonOperations() {
        for (gateway in sandbox.barcodeGateways()) {
            val g = gate(gateway)
            val ok = PayRequest(amountFen = 100, authCode = "134567890123450000")
            refused(g, "$gateway pay: letters", "auth_code") { g.pay(ok.copy(authCode = "abc"), null) }
            refused(g, "$gateway pay: 15 digits", "auth_code") { g.pay(ok.copy(authCode = "134567890120000"), null) }
            refused(g, "$gateway pay: prefix 99", "auth_code") { g.pay(ok.copy(authCode = "994567890123450000"), null) }
            if (gateway != Gateway.CHAOYING) {
                // Chaoying takes JD Pay's codes; the others have no JD barcode payment.
                refused(g, "$gateway pay: a JD code", "auth_code") { g.pay(ok.copy(authCode = "184567890123450000"), null) }
            }
            refused(g, "$gateway pay: 99999999999999999", "amount") { g.pay(ok.copy(amountFen = 99_999_999_999_999_999), null) }
            refused(g, "$gateway pay: over the cap", "amount") { g.pay(ok.copy(amountFen = 2_147_483_648), null) }
            refused(g, "$gateway pay: zero", "amount_fen") { g.pay(ok.copy(amountFen = 0), null) }
            refused(g, "$gateway pay: negative", "amount_fen") { g.pay(ok.copy(amountFen = -1), null) }
            refused(g, "$gateway pay: order number", "order_no") { g.pay(ok.copy(orderNo = "PG 1"), null) }
            refused(g, "$gateway refund: zero", "refund_amount_fen") { g.refund(RefundRequest(orderNo = "PGBAD0001", refundAmountFen = 0)) }
            refused(g, "$gateway refund: over the cap", "refund_amount") {
                g.refund(RefundRequest(orderNo = "PGBAD0001", refundAmountFen = 2_147_483_648))
            }
            refused(g, "$gateway refund: more than the total", "refund_amount") {
                g.refund(RefundRequest(orderNo = "PGBAD0001", refundAmountFen = 101, totalAmountFen = 100))
            }
            refused(g, "$gateway query: empty", "order_no") { g.query("") }
            refused(g, "$gateway refund query: refund number", "refund_no") { g.refundQuery("PGBAD0001", "R 1") }
            refused(g, "$gateway cancel: order number", "order_no") { g.cancel("PG 1") }
            val qr = QrPaymentRequest(orderNo = newOrderNo("KB"), amount = 100, subject = "coffee", wallet = Wallet.WECHAT,
                notifyUrl = "https://merchant.example/notify")
            refused(g, "$gateway QR: over the cap", "amount") { g.startQrPayment(qr.copy(amount = 2_147_483_648), null) }
            // A negative Money crossing the FFI: refused while the arguments are read.
            val negative = assertFailsWith<PosGateException.InvalidInput> { g.startQrPayment(qr.copy(amount = -1), null) }
            assertNegative(negative)
            cases++
        }
    }

    private suspend fun typedOperations() {
        val c = gate(Gateway.CHAOYING)
        refused(c, "chaoying barcodePay: letters", "auth_code") {
            c.chaoying().barcodePay(BarcodePayRequest(outTradeNo = newOrderNo("KB"), totalFee = 100, authCode = "abc", body = "x"), null)
        }
        refused(c, "chaoying barcodePay: over the cap", "total_fee") {
            c.chaoying().barcodePay(BarcodePayRequest(outTradeNo = newOrderNo("KB"), totalFee = 2_147_483_648, authCode = "134567890123450000", body = "x"), null)
        }
        val negative = assertFailsWith<PosGateException.InvalidInput> {
            c.chaoying().barcodePay(BarcodePayRequest(outTradeNo = newOrderNo("KB"), totalFee = -5, authCode = "134567890123450000", body = "x"), null)
        }
        assertNegative(negative)
        cases++
        refused(c, "chaoying wechatPreOrder: over the cap", "total_fee") {
            c.chaoying().wechatPreOrder(WechatPreOrderRequest(body = "QR", outTradeNo = newOrderNo("KB"), totalFee = 2_147_483_648, tradeType = TradeType.NATIVE, productId = "P1"))
        }
        val k = gate(Gateway.KUAISHOU)
        refused(k, "kuaishou barcodePreOrder: 15 digits", "dynamic_id") {
            k.kuaishou().barcodePreOrder(BarcodePreOrderRequest(chargeCode = newOrderNo("KB"), amount = 100, dynamicId = "134567890120000", subject = "x", channelType = ChannelType.Auto), null)
        }
        refused(k, "kuaishou barcodePreOrder: over the cap", "amount") {
            k.kuaishou().barcodePreOrder(BarcodePreOrderRequest(chargeCode = newOrderNo("KB"), amount = 2_147_483_648, dynamicId = "134567890123450000", subject = "x", channelType = ChannelType.Auto), null)
        }
        val m = gate(Gateway.MMSP)
        refused(m, "mmsp wechatMicropay: an Alipay code", "code") {
            m.mmsp().wechatMicropay(MmspWechatMicropayRequest(merOrderId = newOrderNo("KB"), amount = 100, goodsName = "x", code = "284567890123450000"), null)
        }
        refused(m, "mmsp wechatMicropay: over the cap", "amount") {
            m.mmsp().wechatMicropay(MmspWechatMicropayRequest(merOrderId = newOrderNo("KB"), amount = 2_147_483_648, goodsName = "x", code = "134567890123450000"), null)
        }
        val s = gate(Gateway.SUNMI)
        refused(s, "sunmi miniPay: over the cap", "totalAmount") {
            s.sunmi().miniPay(MiniPayRequest(totalAmount = 2_147_483_648, miniAppId = "wxsandboxmini0001", openId = "oKotlinPayer0000", orderId = newOrderNo("KB")))
        }
        refused(s, "sunmi refund: order number", "order_no") { s.refund(RefundRequest(orderNo = "订单", refundAmountFen = 1)) }
        refused(s, "sunmi query: order number", "order_no") { s.query("A 1") }
        refused(s, "sunmi cancel: order number", "order_no") { s.cancel("") }
    }

    /** A refund larger than what the journal knows is left, and the cancel of a partly refunded order. */
    private suspend fun journalRefusals() {
        for (gateway in sandbox.barcodeGateways()) {
            val g = gate(gateway)
            val paid = g.pay(PayRequest(amountFen = 400, authCode = "134567890123450000"), null)
            assertEquals(TradeState.PAID, paid.state, "$gateway: $paid")
            g.refund(RefundRequest(orderNo = paid.orderNo, refundAmountFen = 100))
            refused(g, "$gateway refund: more than is left", "refund_amount") {
                g.refund(RefundRequest(orderNo = paid.orderNo, refundAmountFen = 301))
            }
            refused(g, "$gateway cancel: partly refunded", "order_no") { g.cancel(paid.orderNo) }
            val e = assertFailsWith<PosGateException.InvalidInput> { g.cancel(paid.orderNo) }
            assertTrue(e.reason.contains("refund the remaining 3.00 yuan"), e.reason)
        }
    }

    @Test
    fun bad_input_is_refused_naming_the_field_before_anything_is_journalled_or_sent() = runBlocking<Unit> {
        try {
            commonOperations()
            typedOperations()
            journalRefusals()
        } finally {
            sandbox.stop()
        }
        println("bad input battery (Kotlin): $cases cases")
        assertTrue(cases >= 60, "the Kotlin half of the battery has $cases cases")
    }
}
