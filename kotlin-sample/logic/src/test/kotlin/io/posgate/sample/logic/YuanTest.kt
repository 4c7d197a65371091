package io.posgate.sample.logic

import io.posgate.PosGateException
import io.posgate.fenToYuan
import io.posgate.yuanToFen
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertNull

class YuanTest {
    private fun fen(text: String, allowZero: Boolean = false, max: Long = Long.MAX_VALUE): Long =
        when (val r = Yuan.parse(text, allowZero, max)) {
            is AmountInput.Valid -> r.fen
            is AmountInput.Invalid -> throw AssertionError("$text: ${r.error}")
        }

    private fun error(text: String, allowZero: Boolean = false, max: Long = Long.MAX_VALUE): AmountError =
        when (val r = Yuan.parse(text, allowZero, max)) {
            is AmountInput.Valid -> throw AssertionError("$text parsed as ${r.fen}")
            is AmountInput.Invalid -> r.error
        }

    @Test
    fun `formats fen as yuan for display`() {
        assertEquals("¥158.00", Yuan.format(15800))
        assertEquals("¥0.01", Yuan.format(1))
        assertEquals("¥0.10", Yuan.format(10))
        assertEquals("¥0.00", Yuan.format(0))
        assertEquals("¥1234567.89", Yuan.format(123456789))
        assertEquals("-¥0.05", Yuan.format(-5))
        assertEquals("-¥158.00", Yuan.format(-15800))
        assertEquals("¥92233720368547758.07", Yuan.format(Long.MAX_VALUE))
        assertEquals("-¥92233720368547758.08", Yuan.format(Long.MIN_VALUE))
        assertEquals("158.00", Yuan.plain(15800))
        assertEquals("-0.99", Yuan.plain(-99))
    }

    @Test
    fun `parses entered yuan to exact fen`() {
        assertEquals(15800, fen("158"))
        assertEquals(15800, fen("158.0"))
        assertEquals(15800, fen("158.00"))
        assertEquals(15850, fen("158.5"))
        assertEquals(1, fen("0.01"))
        assertEquals(10, fen("0.1"))
        assertEquals(110, fen("01.10"))
        // The classic float traps: 0.29 * 100 = 28.999999999999996, 1.13 * 100 = 112.99999999999999.
        assertEquals(29, fen("0.29"))
        assertEquals(113, fen("1.13"))
        assertEquals(1999, fen("19.99"))
        assertEquals(Long.MAX_VALUE, fen("92233720368547758.07"))
        assertEquals(0, fen("0", allowZero = true))
    }

    @Test
    fun `tidies what a cashier's keyboard produces`() {
        assertEquals(15800, fen("  158.00 "))
        assertEquals(15800, fen("¥158"))
        assertEquals(15800, fen("￥ 158.00"))
        assertEquals(15850, fen("１５８．５")) // full-width digits and dot from a Chinese IME
        assertEquals(1, fen("\u00A00.01\u00A0"))
    }

    @Test
    fun `refuses what is not an amount`() {
        assertEquals(AmountError.EMPTY, error(""))
        assertEquals(AmountError.EMPTY, error("   "))
        assertEquals(AmountError.EMPTY, error("¥"))
        assertEquals(AmountError.ZERO, error("0"))
        assertEquals(AmountError.ZERO, error("0.00"))
        assertEquals(AmountError.TOO_MANY_DECIMALS, error("1.001"))
        assertEquals(AmountError.TOO_MANY_DECIMALS, error("0.005"))
        assertEquals(AmountError.NEGATIVE, error("-1"))
        assertEquals(AmountError.NEGATIVE, error("-0.50"))
        for (bad in listOf(".5", "1.", "1.2.3", "1e2", "+1", "1,000", "abc", "1 2", "0x10", "NaN", "-", "1.-5", "--1")) {
            assertEquals(AmountError.NOT_A_NUMBER, error(bad), bad)
        }
        assertEquals(AmountError.TOO_LARGE, error("92233720368547758.08"))
        assertEquals(AmountError.TOO_LARGE, error("99999999999999999999"))
        assertEquals(AmountError.TOO_LARGE, error("1000000.01", max = 100_000_000))
        assertEquals(100_000_000, fen("1000000", max = 100_000_000))
        assertNull(Yuan.parse("x").fenOrNull)
    }

    @Test
    fun `agrees with the library's own conversion`() {
        val inputs = listOf(
            "0", "0.01", "0.1", "0.29", "1.13", "158", "158.0", "158.00", "01.10", "007", "19.99",
            "92233720368547758.07", "92233720368547758.08", "1.001", "-1", ".5", "1.", "1e2", "+1", "", "1,000",
        )
        for (text in inputs) {
            val mine = Yuan.parse(text, allowZero = true).fenOrNull
            val library = try {
                yuanToFen(text)
            } catch (e: PosGateException.InvalidInput) {
                null
            }
            assertEquals(library, mine, "yuan $text")
        }
        for (f in listOf(0L, 1L, 9L, 10L, 99L, 100L, 15800L, 123456789L, Long.MAX_VALUE)) {
            assertEquals("¥" + fenToYuan(f), Yuan.format(f), "fen $f")
        }
    }
}
