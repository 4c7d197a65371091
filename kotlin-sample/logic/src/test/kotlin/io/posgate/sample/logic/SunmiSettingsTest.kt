package io.posgate.sample.logic

import io.posgate.Gateway
import io.posgate.GatewayCredentials
import io.posgate.GatewayEnvironment
import io.posgate.NoHandle
import io.posgate.PaymentListener
import io.posgate.PayRequest
import io.posgate.PosGate
import io.posgate.PosGateException
import io.posgate.TradeResult
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** Sunmi in merchant mode: settings, their storage, and the checkout's refusal of barcode payments. */
class SunmiSettingsTest {
    private val sunmi = MerchantSettings(
        gateway = Gateway.SUNMI,
        baseUrl = " https://openapi.sunmi.com/ ",
        production = true,
        appId = " app-1 ",
        appKey = " KEY1 ",
        merchantNo = " 820291573790006 ",
        msn = "",
        publicKey = "",
        storeId = "S1",
        storeName = "Shop",
        deviceId = "POS1",
    )

    @Test
    fun `sunmi is configurable but takes no barcode payments`() {
        assertTrue(Gateway.SUNMI in CONFIGURABLE_GATEWAYS)
        assertFalse(Gateway.SUNMI.takesBarcode)
        assertFalse(Gateway.SUNMI in BARCODE_GATEWAYS)
        assertEquals(listOf(Gateway.CHAOYING, Gateway.TLINX), BARCODE_GATEWAYS)
    }

    @Test
    fun `complete sunmi settings build Sunmi credentials, blank optionals as null`() {
        assertEquals(emptyList(), sunmi.validate())
        val cfg = sunmi.toConfig()
        assertEquals("https://openapi.sunmi.com", cfg.baseUrl)
        assertEquals(GatewayEnvironment.PRODUCTION, cfg.environment)
        val c = assertIs<GatewayCredentials.Sunmi>(cfg.credentials)
        assertEquals("app-1", c.appId)
        assertEquals("KEY1", c.appKey)
        assertEquals("820291573790006", c.merchantNo)
        assertNull(c.msn)
        assertNull(c.publicKey)
        assertEquals(Gateway.SUNMI, c.gateway)
        // The library accepts it (no network at construction).
        PosGate(cfg).use { assertEquals(Gateway.SUNMI, it.gateway()) }

        // The terminal SN alone will do too; a public key is passed through trimmed.
        val bySn = sunmi.copy(merchantNo = "  ", msn = " SN0001 ", publicKey = " MIIBIjAN ", production = false)
        assertEquals(emptyList(), bySn.validate())
        val s = assertIs<GatewayCredentials.Sunmi>(bySn.toConfig().credentials)
        assertNull(s.merchantNo)
        assertEquals("SN0001", s.msn)
        assertEquals("MIIBIjAN", s.publicKey)
        assertEquals(GatewayEnvironment.TEST, bySn.toConfig().environment)
    }

    @Test
    fun `incomplete sunmi settings name every problem`() {
        val p = MerchantSettings(gateway = Gateway.SUNMI, baseUrl = "https://openapi.sunmi.com").validate()
        assertTrue(SettingsProblem(SettingsField.APP_ID, SettingsIssue.REQUIRED) in p, "$p")
        assertTrue(SettingsProblem(SettingsField.APP_KEY, SettingsIssue.REQUIRED) in p, "$p")
        assertTrue(SettingsProblem(SettingsField.MSN, SettingsIssue.REQUIRED_ONE_OF) in p, "$p")
        assertTrue(SettingsProblem(SettingsField.MERCHANT_NO, SettingsIssue.REQUIRED_ONE_OF) in p, "$p")
        assertFalse(p.any { it.field == SettingsField.GATEWAY }, "$p")
        // Other gateways' fields do not matter for Sunmi, nor Sunmi's for them.
        assertFalse(p.any { it.field in setOf(SettingsField.MCH_ID, SettingsField.OPEN_ID) }, "$p")
        val chaoying = sunmi.copy(gateway = Gateway.CHAOYING, appId = "", appKey = "", merchantNo = "").validate()
        assertFalse(chaoying.any { it.field in setOf(SettingsField.APP_ID, SettingsField.APP_KEY, SettingsField.MSN, SettingsField.MERCHANT_NO) })

        assertEquals(
            listOf(SettingsProblem(SettingsField.APP_KEY, SettingsIssue.REQUIRED)),
            sunmi.copy(appKey = " ").validate(),
        )
        assertEquals(
            listOf(
                SettingsProblem(SettingsField.MSN, SettingsIssue.REQUIRED_ONE_OF),
                SettingsProblem(SettingsField.MERCHANT_NO, SettingsIssue.REQUIRED_ONE_OF),
            ),
            sunmi.copy(merchantNo = " ", msn = "").validate(),
        )
        assertEquals(
            listOf(SettingsProblem(SettingsField.BASE_URL, SettingsIssue.NOT_HTTPS)),
            sunmi.copy(baseUrl = "http://openapi.sunmi.com").validate(),
        )
    }

    @Test
    fun `sunmi settings survive storage as a string map`() {
        val full = sunmi.copy(msn = "SN0001", publicKey = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")
        val m = full.toMap()
        assertEquals("SUNMI", m["gateway"])
        assertEquals(full.appId, m["app_id"])
        assertEquals(full.appKey, m["app_key"])
        assertEquals(full.merchantNo, m["merchant_no"])
        assertEquals("SN0001", m["msn"])
        assertEquals(full.publicKey, m["public_key"])
        assertEquals(full, MerchantSettings.fromMap(m))
        assertEquals(sunmi, MerchantSettings.fromMap(sunmi.toMap()))
        // Stored before Sunmi existed: the new fields read as empty.
        val old = MerchantSettings.fromMap(m - setOf("app_id", "app_key", "merchant_no", "msn", "public_key"))
        assertEquals(full.copy(appId = "", appKey = "", merchantNo = "", msn = "", publicKey = ""), old)
        // As SettingsStore reads it back: every key, missing ones null.
        val stored = MerchantSettings().toMap().keys.associateWith { m[it] }
        assertEquals(full, MerchantSettings.fromMap(stored))
    }

    /** Records pay calls: the checkout must never reach them on Sunmi. */
    private class RecordingGate : PosGate(NoHandle) {
        val paid = Collections.synchronizedList(mutableListOf<String>())

        override suspend fun pay(request: PayRequest, listener: PaymentListener?): TradeResult {
            paid.add(request.orderNo!!)
            throw PosGateException.Unsupported("library")
        }

        override fun close() {}
    }

    private class SunmiSource(val gate: PosGate, val settings: MerchantSettings) : GateSource {
        override val demo = false
        override suspend fun open() = OpenGate(gate, settings.toConfig(), settings.terminal)
        override fun close() {}
    }

    @Test
    fun `the checkout refuses a barcode payment on a sunmi gate, leaving nothing unresolved`() = runBlocking {
        val gate = RecordingGate()
        val vm = CheckoutViewModel(this, SunmiSource(gate, sunmi), autoPayOnScan = true)
        vm.setAmount("5")
        withTimeout(10_000) { vm.onScanned(Codes.PAID)!!.join() }
        val failed = assertIs<CheckoutPhase.Failed>(vm.state.value.phase)
        assertEquals(PaymentError.Unsupported(CheckoutViewModel.NO_BARCODE_SUNMI), failed.error)
        assertTrue(CheckoutViewModel.NO_BARCODE_SUNMI.startsWith("sunmi takes no barcode payments"))
        assertFalse(failed.unresolved)
        assertEquals(emptyList(), gate.paid, "the gate's pay was never called")
        assertNull(vm.state.value.unresolvedOrderNo)
        assertTrue(vm.state.value.canPay, "the till stays usable")
        assertTrue(vm.newSale())
    }

    @Test
    fun `the library itself refuses barcode payments on sunmi, and the checkout says so`() = runBlocking {
        val demo = DemoGateSource(Gateway.SUNMI)
        try {
            val open = demo.open()
            assertEquals(Gateway.SUNMI, open.gate.gateway())
            // What `pay` throws on Sunmi, before anything is sent or journalled.
            assertFailsWith<PosGateException.Unsupported> {
                open.gate.pay(PayRequest(amountFen = 100, authCode = Codes.PAID, orderNo = "PGSUNMI1", subject = "x"), null)
            }
            assertTrue(open.gate.journalEntries().none { it.orderNo == "PGSUNMI1" })

            val vm = CheckoutViewModel(this, demo)
            vm.setAmount("1")
            vm.setBarcode(Codes.PAID)
            withTimeout(10_000) { vm.pay()!!.join() }
            val failed = assertIs<CheckoutPhase.Failed>(vm.state.value.phase)
            assertEquals(PaymentError.Unsupported(CheckoutViewModel.NO_BARCODE_SUNMI), failed.error)
            assertFalse(failed.unresolved)
        } finally {
            demo.close()
        }
    }
}
