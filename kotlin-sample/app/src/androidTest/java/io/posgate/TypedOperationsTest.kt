package io.posgate

import io.posgate.core.*
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/**
 * Each gateway's own operations through the typed objects (`gate.chaoying()`, `gate.tlinx()`,
 * `gate.sunmi()`): typed requests and answers, amounts in fen, journalled as `invoke` is.
 */
class TypedOperationsTest {
    private val sandbox get() = TestSandbox.instance

    private fun gate(gateway: Gateway) = PosGate(sandbox.config(gateway))

    private class Recorder : PaymentListener {
        val events: MutableList<PaymentEvent> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: PaymentEvent) {
            events.add(event)
        }
    }

    @Test
    fun every_listed_operation_of_every_gateway_has_its_typed_object() {
        for (gateway in sandbox.gateways()) {
            val g = gate(gateway)
            val typed = when (gateway) {
                Gateway.CHAOYING -> g.chaoying()
                Gateway.TLINX -> g.tlinx()
                Gateway.SUNMI -> g.sunmi()
                Gateway.KUAISHOU -> g.kuaishou()
                Gateway.MMSP -> g.mmsp()
                else -> error("a gateway without a typed object: $gateway")
            }
            // The typed object's methods are the listed operations, by the same names.
            val methods = typed.javaClass.methods.map { it.name }.toSet()
            for (op in g.operations()) {
                val kotlinName = op.name.split('_').mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar(Char::uppercase) }.joinToString("")
                assertTrue(kotlinName in methods, "$gateway: no typed method for ${op.name} ($kotlinName) in $methods")
            }
        }
    }

    @Test
    fun chaoying_a_typed_barcode_charge_is_a_payment_with_a_handle_then_typed_query_and_pre_order() = runBlocking<Unit> {
        val g = gate(Gateway.CHAOYING)
        val orderNo = newOrderNo("KT")
        val rec = Recorder()
        val handle = g.chaoying().barcodePay(
            BarcodePayRequest(outTradeNo = orderNo, totalFee = 1280, authCode = "134567890123451001", body = "latte"),
            rec,
        )
        assertEquals(orderNo, handle.orderNo())
        val r = withTimeout(20_000) { handle.result() }
        assertEquals(TradeState.PAID, r.state, "$r")
        assertEquals(1280L, r.amountFen)
        assertIs<PaymentEvent.Paying>(rec.events[1], "${rec.events}")
        assertEquals(PaymentEvent.Final(orderNo, TradeState.PAID), rec.events.last())
        assertEquals("paid", g.journalEntries().single { it.kind == "payment" && it.orderNo == orderNo }.state)

        val order = g.chaoying().orderQuery(OrderQueryRequest(paytype = PayType.WECHAT, outTradeNo = orderNo))
        assertEquals(CommState.Success, order.status.state)
        assertEquals(1280L, order.totalFee)
        assertEquals(orderNo, order.outTradeNo)

        // A QR pre-order: typed answer with the code URL, journalled as a payment waiting for the payer.
        val qrNo = newOrderNo("KQ")
        val pre = g.chaoying().wechatPreOrder(
            WechatPreOrderRequest(body = "QR", outTradeNo = qrNo, totalFee = 500, tradeType = TradeType.NATIVE, productId = "P1"),
        )
        assertTrue(!pre.codeUrl.isNullOrEmpty(), "$pre")
        assertEquals("paying", g.journalEntries().single { it.orderNo == qrNo }.state)
        sandbox.payPreorder(Gateway.CHAOYING, qrNo)
        assertEquals(TradeState.PAID, withTimeout(20_000) { g.followPreorder(qrNo, null) }.state)
    }

    @Test
    fun tlinx_typed_payment_methods_a_QR_payorder_followed_to_paid_and_the_order_in_detail() = runBlocking<Unit> {
        val g = gate(Gateway.TLINX)
        val methods = g.tlinx().paylist(PaylistRequest(pmtType = "3"))
        assertEquals(listOf("Weixin", "Alipay"), methods.mapNotNull { it.pmtTag })

        val orderNo = newOrderNo("KL")
        val common = OrderCommon(outNo = orderNo, pmtTag = "Weixin", originalAmount = 880, tradeAmount = 880)
        val answer = g.tlinx().payorder(PayorderRequest.Qr(QrOrder(common)))
        assertEquals(orderNo, answer.outNo)
        assertTrue(!answer.tradeQrcode.isNullOrEmpty(), "$answer")
        sandbox.payPreorder(Gateway.TLINX, orderNo)
        val r = withTimeout(20_000) { g.followPreorder(orderNo, null) }
        assertEquals(TradeState.PAID, r.state, "$r")

        val view = g.tlinx().orderView(OrderRef(outNo = orderNo))
        assertEquals(orderNo, view.outNo)
        assertEquals(880L, view.tradeAmount)

        // Bad input names the field before anything is sent.
        val bad = assertFailsWith<PosGateException.InvalidInput> { g.tlinx().orderView(OrderRef()) }
        assertTrue(bad.field.isNotEmpty())
    }

    @Test
    fun sunmi_a_typed_prepay_followed_to_paid_then_its_typed_query() = runBlocking<Unit> {
        val g = gate(Gateway.SUNMI)
        val orderNo = newOrderNo("KS")
        val answer = g.sunmi().miniPay(
            MiniPayRequest(totalAmount = 660, miniAppId = "wxsandboxmini0001", openId = "oTypedPayer1001", orderId = orderNo),
        )
        assertEquals(orderNo, answer.orderId)
        assertNotNull(answer.cloudPayInfo, "$answer")
        val r = withTimeout(30_000) { g.followPreorder(orderNo, null) }
        assertEquals(TradeState.PAID, r.state, "$r")
        assertEquals(660L, r.amountFen)
        val q = g.sunmi().tradeQuery(QueryRequest(orderId = orderNo))
        assertEquals(SunmiTradeStatus.Success, q.state)
        assertEquals(660L, q.amount)
    }

    @Test
    fun kuaishou_a_typed_barcode_charge_with_a_paying_phase_a_typed_refund_and_its_state_by_query() = runBlocking<Unit> {
        val g = gate(Gateway.KUAISHOU)
        val orderNo = newOrderNo("KK")
        val rec = Recorder()
        val handle = g.kuaishou().barcodePreOrder(
            BarcodePreOrderRequest(chargeCode = orderNo, amount = 1580, dynamicId = "134567890123451001", subject = "noodles", channelType = ChannelType.Auto),
            rec,
        )
        val r = withTimeout(60_000) { handle.result() }
        assertEquals(TradeState.PAID, r.state, "$r")
        assertEquals(1580L, r.amountFen)
        assertTrue(rec.events.any { it is PaymentEvent.Paying }, "${rec.events}")

        val refund = g.kuaishou().tradeRefund(
            KuaishouTradeRefundRequest(chargeCode = orderNo, outRefundNo = newOrderNo("KR"), refundAmount = 580, subject = "refund"),
        )
        assertNotNull(refund.result)
        assertEquals("refunded", g.journalEntries().single { it.kind == "refund" && it.orderNo == orderNo }.state)
        assertEquals(TradeState.PARTIALLY_REFUNDED, g.query(orderNo).state)
    }

    @Test
    fun mmsp_a_typed_micropay_with_a_paying_phase_a_quick_payment_confirmed_by_SMS_and_a_payout_settled_later() = runBlocking<Unit> {
        val g = gate(Gateway.MMSP)
        val rec = Recorder()
        // Barcode: the code's last four digits script the sandbox (1003: paying for 3 s, then paid).
        val orderNo = newOrderNo("KM")
        val handle = g.mmsp().wechatMicropay(
            MmspWechatMicropayRequest(merOrderId = orderNo, amount = 1580, goodsName = "noodles", code = "134567890123451003"),
            rec,
        )
        val r = withTimeout(60_000) { handle.result() }
        assertEquals(TradeState.PAID, r.state, "$r")
        assertEquals(1580L, r.amountFen)
        assertTrue(rec.events.any { it is PaymentEvent.Paying }, "${rec.events}")

        // Quick pay: the order is placed, the cardholder's SMS code confirms it, the query says paid.
        val quickNo = newOrderNo("KQ")
        val placed = g.mmsp().quickPay(
            MmspQuickPayRequest(
                merOrderId = quickNo, amount = 990, cardNo = "6222021234567890123", cardType = MmspCardType.Debit,
                name = "张三", idNo = "110101199003077777", phone = "13812345678",
                notifyUrl = sandbox.rootUrl() + "/_sandbox/notify",
            ),
        )
        val listId = assertNotNull(placed.listId)
        g.mmsp().quickPayConfirm(MmspQuickPayConfirmRequest(listId = listId, msgCode = "123456"))
        assertEquals(TradeState.PAID, g.query(quickNo).state)
        // A second SMS within 60 s is refused before anything is sent, naming the field.
        val soon = assertFailsWith<PosGateException.InvalidInput> {
            g.mmsp().quickPaySmsResend(MmspQuickSmsResendRequest(listId = listId))
        }
        assertEquals("list_id", soon.field)
        // Journalled as a payment waiting for the cardholder, settled by the query. (That no card
        // data reaches the journal's copies or a log is rust-core/tests/mmsp_logs.rs: Kotlin's
        // JournalEntry does not carry the copies.)
        assertEquals("paid", g.journalEntries().single { it.orderNo == quickNo && it.kind == "payment" }.state)

        // Payout: the account's last four digits script it (1002: paying for 2 s, then paid); the
        // first answer is "paying", the engine follows it and the journal settles.
        val payoutNo = newOrderNo("").filter { it.isDigit() }
        val first = g.mmsp().payout(
            MmspPayoutRequest(
                orderNo = payoutNo, amount = 5000, accountName = "李四", accountNo = "6222020000001002",
                accountType = MmspPayoutAccountType.Debit, mobile = "13912345678", bankName = "中国工商银行", memo = "refund of deposit",
            ),
        )
        assertEquals(MmspPayState.Paying, first.payState, "$first")
        val settled = withTimeout(30_000) {
            var e = g.journalEntries().single { it.orderNo == payoutNo && it.kind == "payout" }
            while (e.state != "paid") {
                kotlinx.coroutines.delay(300)
                e = g.journalEntries().single { it.orderNo == payoutNo && it.kind == "payout" }
            }
            e
        }
        assertEquals(5000L, settled.amountFen)
    }
}
