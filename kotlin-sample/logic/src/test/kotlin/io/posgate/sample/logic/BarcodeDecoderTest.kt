package io.posgate.sample.logic

import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNull

class BarcodeDecoderTest {
    private fun valid(raw: String): ScanResult.Valid = assertIs<ScanResult.Valid>(BarcodeDecoder.decode(raw), raw)

    private fun invalid(raw: String): ScanError = assertIs<ScanResult.Invalid>(BarcodeDecoder.decode(raw), raw).error

    @Test
    fun `recognises each wallet by prefix and length`() {
        assertEquals(Wallet.WECHAT, valid("134567890123450000").wallet)
        for (p in 10..15) assertEquals(Wallet.WECHAT, valid("${p}4567890123450000").wallet)
        assertEquals(Wallet.ALIPAY, valid("2812345678901234").wallet) // 16 digits
        assertEquals(Wallet.ALIPAY, valid("281234567890123456").wallet) // 18 digits
        assertEquals(Wallet.ALIPAY, valid("301234567890123456789012").wallet) // 24 digits
        for (p in 25..30) assertEquals(Wallet.ALIPAY, valid("${p}1234567890123456").wallet)
        assertEquals(Wallet.UNIONPAY, valid("6212345678901234567").wallet)
        assertEquals(Wallet.QQ, valid("911234567890123456").wallet)
        assertEquals(Wallet.JDPAY, valid("181234567890123456").wallet)
        assertEquals(Wallet.BESTPAY, valid("511234567890123456").wallet)
        assertEquals("WECHAT", Wallet.WECHAT.payType)
    }

    @Test
    fun `refuses codes of the wrong shape`() {
        assertEquals(ScanError.EMPTY, invalid(""))
        assertEquals(ScanError.EMPTY, invalid(" \r\n\t"))
        assertEquals(ScanError.WRONG_LENGTH, invalid("13456789012345000")) // WeChat, 17 digits
        assertEquals(ScanError.WRONG_LENGTH, invalid("1345678901234500000")) // WeChat, 19 digits
        assertEquals(ScanError.WRONG_LENGTH, invalid("281234567890123")) // Alipay, 15 digits
        assertEquals(ScanError.WRONG_LENGTH, invalid("2812345678901234567890123")) // Alipay, 25 digits
        assertEquals(ScanError.WRONG_LENGTH, invalid("621234567890123456")) // UnionPay, 18 digits
        assertEquals(ScanError.UNKNOWN_WALLET, invalid("6901234567892")) // a product EAN-13
        assertEquals(ScanError.UNKNOWN_WALLET, invalid("161234567890123456")) // 16 is no wallet's
        assertEquals(ScanError.UNKNOWN_WALLET, invalid("1"))
        assertEquals(ScanError.NOT_DIGITS, invalid("https://qr.alipay.com/abc"))
        assertEquals(ScanError.NOT_DIGITS, invalid("13456789012345000A"))
        assertNull(Wallet.byPrefix("7"))
    }

    @Test
    fun `strips what the scanner adds`() {
        val code = "134567890123450000"
        for (raw in listOf(
            "$code\r\n", "$code\n", "$code\r", "\t$code\t", "  $code  ", "$code\u0000", "\u001D$code",
            "\uFEFF$code", "$code\u200B", "]C0$code", "]Q1$code\r\n", "]E0$code", "\u3000$code\u3000",
            "１３４５６７８９０１２３４５００００", "1345 6789 0123 4500 00", "1345-6789-0123-4500-00",
        )) {
            assertEquals(code, valid(raw).code, raw.toList().joinToString { "%04x".format(it.code) })
        }
        assertEquals(code, BarcodeDecoder.clean("]C1$code\r\n"))
        // A text payload keeps its inner spaces (only cleaned at the ends).
        assertEquals("hello world", BarcodeDecoder.clean(" hello world\r\n"))
        assertEquals("hello world", BarcodeDecoder.decode("hello world\n").text)
    }
}
