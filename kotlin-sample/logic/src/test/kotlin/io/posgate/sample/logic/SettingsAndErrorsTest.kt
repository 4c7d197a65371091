package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.GatewayCredentials
import io.posgate.GatewayEnvironment
import io.posgate.PosGate
import io.posgate.PosGateException
import kotlinx.coroutines.CancellationException
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue

class SettingsAndErrorsTest {
    private val chaoying = MerchantSettings(
        gateway = Gateway.CHAOYING,
        baseUrl = " https://pay.example.com/api/ ",
        production = true,
        mchId = "10000001",
        pid = "posgate",
        key = "SECRETKEY",
        storeId = "S1",
        storeName = "Shop",
        deviceId = "POS1",
    )

    @Test
    fun `complete settings build the library configuration`() {
        assertEquals(emptyList(), chaoying.validate())
        val cfg = chaoying.toConfig()
        assertEquals("https://pay.example.com/api", cfg.baseUrl)
        assertEquals(GatewayEnvironment.PRODUCTION, cfg.environment)
        assertFalse(cfg.allowHttp)
        val creds = assertIs<GatewayCredentials.Chaoying>(cfg.credentials)
        assertEquals("10000001", creds.mchId)
        assertEquals("SECRETKEY", creds.key)
        assertEquals(TerminalInfo("S1", "Shop", "POS1"), chaoying.terminal)
        // The library accepts it (no network at construction).
        PosGate(cfg).use { assertEquals(Gateway.CHAOYING, it.gateway()) }

        val tlinx = chaoying.copy(gateway = Gateway.TLINX, production = false, openId = "oid", openKey = "okey")
        assertEquals(emptyList(), tlinx.validate())
        val t = assertIs<GatewayCredentials.Tlinx>(tlinx.toConfig().credentials)
        assertEquals("oid", t.openId)
        assertEquals(null, t.shopPass)
        assertEquals(GatewayEnvironment.TEST, tlinx.toConfig().environment)
    }

    @Test
    fun `incomplete settings name every problem`() {
        val p = MerchantSettings(gateway = Gateway.CHAOYING, baseUrl = "http://pay.example.com").validate()
        assertTrue(SettingsProblem(SettingsField.BASE_URL, SettingsIssue.NOT_HTTPS) in p)
        for (f in listOf(SettingsField.MCH_ID, SettingsField.PID, SettingsField.KEY, SettingsField.STORE_ID)) {
            assertTrue(SettingsProblem(f, SettingsIssue.REQUIRED) in p, f.name)
        }
        assertFalse(p.any { it.field == SettingsField.OPEN_ID }) // Tlinx fields do not matter for Chaoying
        assertEquals(
            listOf(SettingsProblem(SettingsField.BASE_URL, SettingsIssue.NOT_A_URL)),
            chaoying.copy(baseUrl = "https://bad host/").validate(),
        )
        assertEquals(
            listOf(SettingsProblem(SettingsField.BASE_URL, SettingsIssue.REQUIRED)),
            chaoying.copy(baseUrl = "  ").validate(),
        )
        assertTrue(SettingsProblem(SettingsField.GATEWAY, SettingsIssue.UNSUPPORTED) in chaoying.copy(gateway = Gateway.KUAISHOU).validate())
        val tlinx = chaoying.copy(gateway = Gateway.TLINX).validate()
        assertTrue(SettingsProblem(SettingsField.OPEN_KEY, SettingsIssue.REQUIRED) in tlinx)
        assertFalse(tlinx.any { it.field == SettingsField.MCH_ID })
    }

    @Test
    fun `settings survive storage as a string map`() {
        assertEquals(chaoying, MerchantSettings.fromMap(chaoying.toMap()))
        val t = chaoying.copy(gateway = Gateway.TLINX, production = false, shopPass = "1234")
        assertEquals(t, MerchantSettings.fromMap(t.toMap()))
        assertEquals(MerchantSettings(), MerchantSettings.fromMap(emptyMap()))
        assertEquals(Gateway.CHAOYING, MerchantSettings.fromMap(mapOf("gateway" to "NOPE")).gateway)
    }

    @Test
    fun `errors say whether money may have moved`() {
        val unknown = PaymentError.from(PosGateException.Network("timeout", true))
        assertEquals(PaymentError.Network("timeout", true), unknown)
        assertTrue(unknown.mustQuery)
        assertFalse(PaymentError.from(PosGateException.Network("refused", false)).mustQuery)
        assertTrue(PaymentError.from(PosGateException.SignatureInvalid("bad sign")).mustQuery)
        val rejected = PaymentError.from(PosGateException.GatewayRejected("20004", "参数错误"))
        assertEquals(PaymentError.Rejected("20004", "参数错误"), rejected)
        assertFalse(rejected.mustQuery)
        assertEquals(PaymentError.InvalidInput("amount_fen", "zero"), PaymentError.from(PosGateException.InvalidInput("amount_fen", "zero")))
        assertEquals(PaymentError.Unsupported("x"), PaymentError.from(PosGateException.Unsupported("x")))
        assertEquals(PaymentError.Configuration("x"), PaymentError.from(PosGateException.Configuration("x")))
        assertEquals(PaymentError.Internal("x"), PaymentError.from(PosGateException.Internal("x")))
        assertEquals(
            PaymentError.FaceNotRecognised(FaceRecognition.Cancelled),
            PaymentError.from(FaceNotRecognisedException(FaceRecognition.Cancelled)),
        )
        assertIs<PaymentError.Internal>(PaymentError.from(IllegalStateException("boom")))
        assertFailsWith<CancellationException> { PaymentError.from(CancellationException("stop")) }
    }
}
