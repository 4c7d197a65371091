package io.posgate.sample.logic

import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith
import java.math.BigDecimal
import kotlin.test.assertEquals
import kotlin.test.assertNull

class MiniJsonTest {
    @Test
    fun `encodes requests with escapes and fen as integers`() {
        val json = MiniJson.obj(
            "paytype" to "WECHAT",
            "total_fee" to 1580L,
            "body" to "咖啡 \"大杯\"\n\\",
            "device_info" to null,
            "flag" to true,
            "list" to listOf(1, "a"),
            "ctl" to "\u0001",
        )
        assertEquals(
            """{"paytype":"WECHAT","total_fee":1580,"body":"咖啡 \"大杯\"\n\\","device_info":null,"flag":true,"list":[1,"a"],"ctl":"\u0001"}""",
            json,
        )
        assertFailsWith<IllegalArgumentException> { MiniJson.encode(1.5) } // amounts are never floats
    }

    @Test
    fun `parses answers and round-trips`() {
        val m = MiniJson.parseObject(
            """ {"code":"10000","expires_in":3600,"trade_state":null,"ok":true,"nested":{"a":[1,2.5,"x"]},"s":"a\"b\\c\u4e2d\/"} """,
        )
        assertEquals("10000", m.text("code"))
        assertEquals("3600", m.text("expires_in"))
        assertEquals(BigDecimal(3600), m["expires_in"])
        assertNull(m.text("trade_state"))
        assertNull(m.text("absent"))
        assertEquals(true, m["ok"])
        assertEquals(mapOf("a" to listOf(BigDecimal(1), BigDecimal("2.5"), "x")), m["nested"])
        assertEquals("a\"b\\c中/", m["s"])
        val again = MiniJson.parseObject(MiniJson.encode(m))
        assertEquals(m, again)
        for (bad in listOf("", "{", "{\"a\":}", "[1,2]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":1} x", "{\"a\":\"\\q\"}")) {
            assertFailsWith<IllegalArgumentException>(bad) { MiniJson.parseObject(bad) }
        }
    }

    @Test
    fun `reads facepay answers the way the library reads pay answers`() {
        fun verdict(state: String, code: String, tradeState: String?) =
            FacePayAnswer.verdict(mapOf("state" to state, "code" to code, "trade_state" to tradeState))
        assertEquals(FacePayAnswer.Verdict.PAID, verdict("SUCCESS", "10000", "SUCCESS"))
        assertEquals(FacePayAnswer.Verdict.PAYING, verdict("SUCCESS", "10001", "PROCESSING"))
        assertEquals(FacePayAnswer.Verdict.PAYING, verdict("SUCCESS", "10000", "USERPAYING"))
        assertEquals(FacePayAnswer.Verdict.REJECTED, verdict("SUCCESS", "10006", "FAIL"))
        assertEquals(FacePayAnswer.Verdict.REJECTED, verdict("FAIL", "20004", null))
        assertEquals(FacePayAnswer.Verdict.REJECTED, verdict("FAIL", "20002", null))
        assertEquals(FacePayAnswer.Verdict.REJECTED, verdict("VER", "10000", null))
        // A system error may hide a charge: never a refusal, always followed by queries.
        assertEquals(FacePayAnswer.Verdict.UNKNOWN, verdict("FAIL", "20006", null))
        assertEquals(FacePayAnswer.Verdict.UNKNOWN, verdict("SUCCESS", "10000", null))
        assertEquals(FacePayAnswer.Verdict.UNKNOWN, verdict("FAIL", "30001", null))
    }
}
