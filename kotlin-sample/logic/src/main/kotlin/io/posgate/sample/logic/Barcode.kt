package io.posgate.sample.logic

/** The wallet a payment code belongs to, by the wallets' published prefixes and lengths. */
enum class Wallet(
    /** Chaoying's `paytype` name for this wallet. */
    val payType: String,
    private val prefixes: Set<String>,
    private val lengths: IntRange,
) {
    /** WeChat Pay: 18 digits starting 10-15. */
    WECHAT("WECHAT", setOf("10", "11", "12", "13", "14", "15"), 18..18),
    /** Alipay: 16-24 digits starting 25-30. */
    ALIPAY("ALIPAY", setOf("25", "26", "27", "28", "29", "30"), 16..24),
    /** UnionPay QuickPass: 19 digits starting 62. */
    UNIONPAY("UNIONPAY", setOf("62"), 19..19),
    /** QQ Wallet: 18 digits starting 91. */
    QQ("QQ", setOf("91"), 18..18),
    /** JD Pay: 18 digits starting 18. */
    JDPAY("JDPAY", setOf("18"), 18..18),
    /** Bestpay: 18 digits starting 51. */
    BESTPAY("BESTPAY", setOf("51"), 18..18);

    /** The lengths this wallet's codes have. */
    val validLengths: IntRange get() = lengths

    fun acceptsLength(length: Int): Boolean = length in lengths

    companion object {
        /** The wallet whose prefix [code] starts with, regardless of its length. */
        fun byPrefix(code: String): Wallet? =
            if (code.length < 2) null else entries.firstOrNull { code.substring(0, 2) in it.prefixes }
    }
}

sealed interface ScanResult {
    /** What the cashier sees in the barcode field (the cleaned text). */
    val text: String

    data class Valid(val code: String, val wallet: Wallet) : ScanResult {
        override val text: String get() = code
    }

    data class Invalid(override val text: String, val error: ScanError) : ScanResult
}

enum class ScanError {
    EMPTY,
    /** Something other than digits (a QR link, a product EAN with letters...). */
    NOT_DIGITS,
    /** Digits, but no wallet uses this prefix (a product barcode, most likely). */
    UNKNOWN_WALLET,
    /** The right prefix with the wrong number of digits (a misread, or a truncated manual entry). */
    WRONG_LENGTH,
}

/**
 * Turns what the Sunmi scanner (or the cashier's keyboard) delivers into a payment code.
 *
 * The scanner head is configurable per terminal, so the same code can arrive as
 * `"134567890123450000\r\n"`, with a tab, with an AIM symbology identifier (`"]Q1..."` for QR,
 * `"]C0..."` for Code 128), with a zero-width character from a keyboard wedge, or in full-width
 * digits from a Chinese IME. [clean] removes all of that; [decode] then checks the code's shape.
 */
object BarcodeDecoder {
    private val AIM_PREFIX = Regex("^][A-Za-z][0-9A-Za-z]")

    fun clean(raw: String): String {
        val sb = StringBuilder(raw.length)
        for (ch in raw) {
            when {
                ch in '\uFF10'..'\uFF19' -> sb.append('0' + (ch - '\uFF10'))
                Character.isISOControl(ch) -> {} // CR, LF, TAB, NUL, GS (0x1D) separators, DEL...
                Character.getType(ch) == Character.FORMAT.toInt() -> {} // zero-width space/joiners, BOM
                else -> sb.append(ch)
            }
        }
        var t = sb.toString().trim { it.isWhitespace() || it == '\u00A0' || it == '\u3000' }
        t = AIM_PREFIX.replaceFirst(t, "")
        // Manual entry as printed in the wallets: "1345 6789 0123 4500 00". Only when what is
        // left is all digits, so a text payload keeps its spaces.
        val squeezed = t.filterNot { it == ' ' || it == '-' || it == '\u00A0' || it == '\u3000' }
        if (squeezed.isNotEmpty() && squeezed.all { it in '0'..'9' }) t = squeezed
        return t
    }

    fun decode(raw: String): ScanResult {
        val code = clean(raw)
        if (code.isEmpty()) return ScanResult.Invalid(code, ScanError.EMPTY)
        if (!code.all { it in '0'..'9' }) return ScanResult.Invalid(code, ScanError.NOT_DIGITS)
        val wallet = Wallet.byPrefix(code) ?: return ScanResult.Invalid(code, ScanError.UNKNOWN_WALLET)
        if (!wallet.acceptsLength(code.length)) return ScanResult.Invalid(code, ScanError.WRONG_LENGTH)
        return ScanResult.Valid(code, wallet)
    }
}
