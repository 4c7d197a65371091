package io.posgate.sample.logic

/**
 * Amounts are `Long` fen everywhere in posgate. These helpers turn fen into what the cashier
 * reads ("¥158.00") and what the cashier types ("158", "158.5", "￥158.00") into fen, exactly:
 * integer arithmetic on the decimal text, never a `Double`.
 *
 * The accepted grammar is the library's own (`yuanToFen`): digits, optionally a dot and one or
 * two decimals. Before that the input is tidied the way a cashier's keyboard produces it:
 * surrounding whitespace, a leading `¥`/`￥`, and full-width digits / dot from a Chinese IME.
 */
object Yuan {
    const val SYMBOL = "¥"

    /** `15800` → `"¥158.00"`, `-5` → `"-¥0.05"`. */
    fun format(fen: Long): String = if (fen < 0) "-$SYMBOL${digits(fen)}" else "$SYMBOL${digits(fen)}"

    /** `15800` → `"158.00"` (no symbol: receipts, edit fields). */
    fun plain(fen: Long): String = if (fen < 0) "-${digits(fen)}" else digits(fen)

    /** The unsigned "yuan.fen" digits of [fen]; safe for `Long.MIN_VALUE` (no `abs` overflow). */
    private fun digits(fen: Long): String {
        val yuan = fen / 100 // truncates toward zero, so both parts carry the sign of fen
        val cents = fen % 100
        val yuanText = if (yuan < 0) yuan.toString().substring(1) else yuan.toString()
        val c = if (cents < 0) -cents else cents
        return yuanText + "." + (if (c < 10) "0$c" else c.toString())
    }

    /**
     * Parses what the cashier typed. [allowZero] is false for charges and refunds (the library
     * refuses zero too); [maxFen] is the till's own ceiling.
     */
    fun parse(text: String, allowZero: Boolean = false, maxFen: Long = Long.MAX_VALUE): AmountInput {
        val t = normalize(text)
        if (t.isEmpty()) return AmountInput.Invalid(AmountError.EMPTY)
        if (t.startsWith("-")) {
            val rest = t.substring(1)
            return if (rest.isNotEmpty() && rest.all { it in '0'..'9' || it == '.' }) {
                AmountInput.Invalid(AmountError.NEGATIVE)
            } else {
                AmountInput.Invalid(AmountError.NOT_A_NUMBER)
            }
        }
        val dot = t.indexOf('.')
        val intPart = if (dot < 0) t else t.substring(0, dot)
        val fracPart = if (dot < 0) null else t.substring(dot + 1)
        if (intPart.isEmpty() || !intPart.all { it in '0'..'9' }) return AmountInput.Invalid(AmountError.NOT_A_NUMBER)
        val frac: Long = when {
            fracPart == null -> 0
            fracPart.isEmpty() || !fracPart.all { it in '0'..'9' } -> return AmountInput.Invalid(AmountError.NOT_A_NUMBER)
            fracPart.length > 2 -> return AmountInput.Invalid(AmountError.TOO_MANY_DECIMALS)
            fracPart.length == 1 -> (fracPart[0] - '0') * 10L
            else -> (fracPart[0] - '0') * 10L + (fracPart[1] - '0')
        }
        // Leading zeros do not count towards overflow ("007" is 7).
        val significant = intPart.trimStart('0')
        if (significant.length > 17) return AmountInput.Invalid(AmountError.TOO_LARGE)
        val yuan = if (significant.isEmpty()) 0L else significant.toLong() // < 10^17 fits a Long
        if (yuan > (Long.MAX_VALUE - frac) / 100) return AmountInput.Invalid(AmountError.TOO_LARGE)
        val fen = yuan * 100 + frac
        if (fen > maxFen) return AmountInput.Invalid(AmountError.TOO_LARGE)
        if (fen == 0L && !allowZero) return AmountInput.Invalid(AmountError.ZERO)
        return AmountInput.Valid(fen)
    }

    private fun normalize(text: String): String {
        val sb = StringBuilder(text.length)
        for (ch in text) {
            when (ch) {
                in '\uFF10'..'\uFF19' -> sb.append('0' + (ch - '\uFF10')) // full-width digits
                '\uFF0E', '\u3002' -> sb.append('.') // full-width dot, ideographic full stop
                '\uFF0D' -> sb.append('-')
                else -> sb.append(ch)
            }
        }
        var t = sb.toString().trim { it.isWhitespace() || it == '\u00A0' }
        if (t.startsWith(SYMBOL) || t.startsWith("￥")) {
            t = t.substring(1).trim { it.isWhitespace() || it == '\u00A0' }
        }
        return t
    }
}

sealed interface AmountInput {
    data class Valid(val fen: Long) : AmountInput
    data class Invalid(val error: AmountError) : AmountInput

    /** The amount, or null when the input is not a valid amount. */
    val fenOrNull: Long? get() = (this as? Valid)?.fen
}

enum class AmountError { EMPTY, NOT_A_NUMBER, NEGATIVE, TOO_MANY_DECIMALS, ZERO, TOO_LARGE }
