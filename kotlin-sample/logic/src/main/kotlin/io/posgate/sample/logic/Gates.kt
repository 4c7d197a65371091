package io.posgate.sample.logic

import io.posgate.EmbeddedSandbox
import io.posgate.Gateway
import io.posgate.GatewayCredentials
import io.posgate.GatewayEnvironment
import io.posgate.PosGate
import io.posgate.PosGateConfig
import io.posgate.PosGateException
import io.posgate.startSandbox
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/** Where the terminal stands: sent with payments and needed by face pay's `getfaceauth`. */
data class TerminalInfo(val storeId: String, val storeName: String, val deviceId: String) {
    companion object {
        val DEMO = TerminalInfo(storeId = "S001", storeName = "posgate demo store", deviceId = "POS01")
    }
}

/** A ready connection: the gate, the configuration it was built from, and the terminal. */
class OpenGate(
    val gate: PosGate,
    val config: PosGateConfig,
    val terminal: TerminalInfo,
    /** Set in demo mode: the embedded sandbox the gate talks to. */
    val sandbox: EmbeddedSandbox? = null,
)

/** Hands out the [PosGate] the screens use; demo mode and merchant mode are two implementations. */
interface GateSource : AutoCloseable {
    val demo: Boolean

    /** Connects on first use (off the caller's thread) and returns the same gate afterwards. */
    suspend fun open(): OpenGate

    override fun close()
}

/**
 * Demo mode: starts the embedded sandbox (gateway simulators on 127.0.0.1) and uses its ready
 * configuration for [gateway] (test credentials, plain http allowed, quick polling).
 */
class DemoGateSource(
    val gateway: Gateway = Gateway.CHAOYING,
    private val terminal: TerminalInfo = TerminalInfo.DEMO,
) : GateSource {
    override val demo: Boolean get() = true
    private val lock = Mutex()
    @Volatile private var sandbox: EmbeddedSandbox? = null
    @Volatile private var opened: OpenGate? = null
    @Volatile private var closed = false

    override suspend fun open(): OpenGate = lock.withLock {
        if (closed) throw PosGateException.Configuration("demo mode was switched off")
        opened?.let { return@withLock it }
        val sb = sandbox ?: startSandbox().also { sandbox = it }
        val cfg = sb.config(gateway)
        val gate = withContext(Dispatchers.IO) { PosGate(cfg) }
        val og = OpenGate(gate, cfg, terminal, sb)
        opened = og
        if (closed) { // closed while starting: do not leave a sandbox running
            close()
            throw PosGateException.Configuration("demo mode was switched off")
        }
        og
    }

    /** Stops the sandbox. Not under the lock: may be called from the main thread while open() runs. */
    override fun close() {
        closed = true
        opened?.gate?.close()
        opened = null
        sandbox?.let {
            it.stop()
            it.close()
        }
        sandbox = null
    }
}

/** Merchant mode: the merchant's own credentials against the real gateway. */
/**
 * Merchant mode: real gateway, durable journal at [journalPath] (the app's files dir), and
 * recovery on open, so a payment interrupted by a crash or a power cut is settled before the
 * next sale.
 */
class MerchantGateSource(
    private val settings: MerchantSettings,
    private val journalPath: String? = null,
) : GateSource {
    override val demo: Boolean get() = false
    private val lock = Mutex()
    private var opened: OpenGate? = null

    override suspend fun open(): OpenGate = lock.withLock {
        opened ?: run {
            val problems = settings.validate()
            if (problems.isNotEmpty()) {
                throw PosGateException.Configuration(
                    "merchant settings incomplete: " + problems.joinToString { "${it.field} ${it.issue}" },
                )
            }
            val cfg = settings.toConfig().copy(journalPath = journalPath)
            val gate = withContext(Dispatchers.IO) { PosGate(cfg) }
            // Settle whatever the last run left open before taking a new payment.
            gate.recover()
            OpenGate(gate, cfg, settings.terminal).also { opened = it }
        }
    }

    override fun close() {
        opened?.gate?.close()
        opened = null
    }
}

/** Which source is in use; the settings screen switches it. Closing the session closes the source. */
class GateSession(initial: GateSource) : GateSource {
    private val current = MutableStateFlow(initial)
    val source: StateFlow<GateSource> = current.asStateFlow()

    override val demo: Boolean get() = current.value.demo

    override suspend fun open(): OpenGate = current.value.open()

    /** Switches to [next] and closes the previous source (its sandbox stops in demo mode). */
    fun switchTo(next: GateSource) {
        val previous = current.value
        current.value = next
        if (previous !== next) previous.close()
    }

    override fun close() = current.value.close()
}

/** The gateways the sample can configure (those the library implements). */
val CONFIGURABLE_GATEWAYS = listOf(Gateway.CHAOYING, Gateway.TLINX, Gateway.SUNMI)

/**
 * Whether the gateway takes barcode (B scans C) payments. Sunmi does not: money comes in through
 * WeChat prepays (`invoke` jsapipay / minipay) and card swipes on the terminal.
 */
val Gateway.takesBarcode: Boolean get() = this != Gateway.SUNMI

/** The configurable gateways the checkout's barcode payment works with (demo mode offers these). */
val BARCODE_GATEWAYS: List<Gateway> get() = CONFIGURABLE_GATEWAYS.filter { it.takesBarcode }

/** The gateway these credentials are for. */
val GatewayCredentials.gateway: Gateway
    get() = when (this) {
        is GatewayCredentials.Sunmi -> Gateway.SUNMI
        is GatewayCredentials.Chaoying -> Gateway.CHAOYING
        is GatewayCredentials.Tlinx -> Gateway.TLINX
        is GatewayCredentials.Kuaishou -> Gateway.KUAISHOU
        is GatewayCredentials.Mmsp -> Gateway.MMSP
    }

enum class SettingsField {
    BASE_URL, MCH_ID, PID, KEY, OPEN_ID, OPEN_KEY, APP_ID, APP_KEY, MERCHANT_NO, MSN,
    STORE_ID, STORE_NAME, DEVICE_ID, GATEWAY,
}

/** [REQUIRED_ONE_OF]: this field or another one (Sunmi: terminal SN or merchant number) must be set. */
enum class SettingsIssue { REQUIRED, REQUIRED_ONE_OF, NOT_HTTPS, NOT_A_URL, UNSUPPORTED }

data class SettingsProblem(val field: SettingsField, val issue: SettingsIssue)

/**
 * The merchant configuration the settings screen edits and the app stores. Only the fields of
 * the chosen [gateway] matter. Stored as a flat string map ([toMap] / [fromMap]).
 */
data class MerchantSettings(
    val gateway: Gateway = Gateway.CHAOYING,
    val baseUrl: String = "",
    val production: Boolean = true,
    // Chaoying
    val mchId: String = "",
    val pid: String = "",
    val key: String = "",
    // Tlinx
    val openId: String = "",
    val openKey: String = "",
    val shopPass: String = "",
    // Sunmi (no barcode payment: prepays, query, refund and card-swipe lookups)
    val appId: String = "",
    val appKey: String = "",
    /** Sunmi merchant number: prepays, and query/refund of cloud orders. */
    val merchantNo: String = "",
    /** The terminal's SN: card-swipe lookups, and query/refund when no merchant number is set. */
    val msn: String = "",
    /** Sunmi's RSA public key for callbacks (PEM or Base64); optional. */
    val publicKey: String = "",
    // The terminal
    val storeId: String = "",
    val storeName: String = "",
    val deviceId: String = "",
) {
    val terminal: TerminalInfo get() = TerminalInfo(storeId.trim(), storeName.trim(), deviceId.trim())

    fun validate(): List<SettingsProblem> {
        val out = mutableListOf<SettingsProblem>()
        fun required(field: SettingsField, value: String) {
            if (value.isBlank()) out += SettingsProblem(field, SettingsIssue.REQUIRED)
        }
        if (gateway !in CONFIGURABLE_GATEWAYS) out += SettingsProblem(SettingsField.GATEWAY, SettingsIssue.UNSUPPORTED)
        val url = baseUrl.trim()
        when {
            url.isEmpty() -> out += SettingsProblem(SettingsField.BASE_URL, SettingsIssue.REQUIRED)
            !url.startsWith("https://", ignoreCase = true) ->
                out += SettingsProblem(SettingsField.BASE_URL, SettingsIssue.NOT_HTTPS)
            !URL_SHAPE.matches(url) -> out += SettingsProblem(SettingsField.BASE_URL, SettingsIssue.NOT_A_URL)
        }
        when (gateway) {
            Gateway.CHAOYING -> {
                required(SettingsField.MCH_ID, mchId)
                required(SettingsField.PID, pid)
                required(SettingsField.KEY, key)
            }
            Gateway.TLINX -> {
                required(SettingsField.OPEN_ID, openId)
                required(SettingsField.OPEN_KEY, openKey)
            }
            Gateway.SUNMI -> {
                required(SettingsField.APP_ID, appId)
                required(SettingsField.APP_KEY, appKey)
                // Query and refund need one of the two to find orders.
                if (msn.isBlank() && merchantNo.isBlank()) {
                    out += SettingsProblem(SettingsField.MSN, SettingsIssue.REQUIRED_ONE_OF)
                    out += SettingsProblem(SettingsField.MERCHANT_NO, SettingsIssue.REQUIRED_ONE_OF)
                }
            }
            else -> {}
        }
        required(SettingsField.STORE_ID, storeId)
        required(SettingsField.STORE_NAME, storeName)
        required(SettingsField.DEVICE_ID, deviceId)
        return out
    }

    /** The library configuration; call [validate] first (this does not). */
    fun toConfig(): PosGateConfig {
        val credentials = when (gateway) {
            Gateway.TLINX -> GatewayCredentials.Tlinx(
                openId = openId.trim(),
                openKey = openKey.trim(),
                shopPass = shopPass.trim().ifEmpty { null },
            )
            Gateway.SUNMI -> GatewayCredentials.Sunmi(
                appId = appId.trim(),
                appKey = appKey.trim(),
                merchantNo = merchantNo.trim().ifEmpty { null },
                msn = msn.trim().ifEmpty { null },
                publicKey = publicKey.trim().ifEmpty { null },
            )
            else -> GatewayCredentials.Chaoying(mchId = mchId.trim(), pid = pid.trim(), key = key.trim())
        }
        return PosGateConfig(
            baseUrl = baseUrl.trim().trimEnd('/'),
            credentials = credentials,
            environment = if (production) GatewayEnvironment.PRODUCTION else GatewayEnvironment.TEST,
        )
    }

    fun toMap(): Map<String, String> = mapOf(
        "gateway" to gateway.name,
        "base_url" to baseUrl,
        "production" to production.toString(),
        "mch_id" to mchId,
        "pid" to pid,
        "key" to key,
        "open_id" to openId,
        "open_key" to openKey,
        "shop_pass" to shopPass,
        "app_id" to appId,
        "app_key" to appKey,
        "merchant_no" to merchantNo,
        "msn" to msn,
        "public_key" to publicKey,
        "store_id" to storeId,
        "store_name" to storeName,
        "device_id" to deviceId,
    )

    companion object {
        private val URL_SHAPE = Regex("(?i)https://[a-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?")

        fun fromMap(m: Map<String, String?>): MerchantSettings = MerchantSettings(
            gateway = m["gateway"]?.let { n -> Gateway.entries.firstOrNull { it.name == n } } ?: Gateway.CHAOYING,
            baseUrl = m["base_url"].orEmpty(),
            production = m["production"]?.toBooleanStrictOrNull() ?: true,
            mchId = m["mch_id"].orEmpty(),
            pid = m["pid"].orEmpty(),
            key = m["key"].orEmpty(),
            openId = m["open_id"].orEmpty(),
            openKey = m["open_key"].orEmpty(),
            shopPass = m["shop_pass"].orEmpty(),
            appId = m["app_id"].orEmpty(),
            appKey = m["app_key"].orEmpty(),
            merchantNo = m["merchant_no"].orEmpty(),
            msn = m["msn"].orEmpty(),
            publicKey = m["public_key"].orEmpty(),
            storeId = m["store_id"].orEmpty(),
            storeName = m["store_name"].orEmpty(),
            deviceId = m["device_id"].orEmpty(),
        )
    }
}
