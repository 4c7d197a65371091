package io.posgate.sample

import android.content.Context
import io.posgate.Gateway
import io.posgate.sample.logic.DemoGateSource
import io.posgate.sample.logic.GateSource
import io.posgate.sample.logic.MerchantGateSource
import io.posgate.sample.logic.MerchantSettings

/**
 * Demo switch and merchant configuration, in the app's private SharedPreferences.
 *
 * A sample: the merchant key sits in private app storage. A production till should keep it out of
 * the device entirely (a backend signs) or at least encrypt it with a key from the Android
 * Keystore; and disable backups (the manifest sets allowBackup=false).
 */
class SettingsStore(context: Context) {
    private val prefs = context.getSharedPreferences("posgate_settings", Context.MODE_PRIVATE)
    private val journalPath = java.io.File(context.filesDir, "posgate-journal.db").path

    var demoMode: Boolean
        get() = prefs.getBoolean(KEY_DEMO, true)
        set(value) = prefs.edit().putBoolean(KEY_DEMO, value).apply()

    var demoGateway: Gateway
        get() = prefs.getString(KEY_DEMO_GATEWAY, null)
            ?.let { name -> Gateway.entries.firstOrNull { it.name == name } } ?: Gateway.CHAOYING
        set(value) = prefs.edit().putString(KEY_DEMO_GATEWAY, value.name).apply()

    var merchant: MerchantSettings
        get() = MerchantSettings.fromMap(
            MerchantSettings().toMap().keys.associateWith { prefs.getString(MERCHANT_PREFIX + it, null) },
        )
        set(value) {
            val edit = prefs.edit()
            value.toMap().forEach { (k, v) -> edit.putString(MERCHANT_PREFIX + k, v) }
            edit.apply()
        }

    fun gateSource(): GateSource =
        if (demoMode) DemoGateSource(demoGateway) else MerchantGateSource(merchant, journalPath)

    private companion object {
        const val KEY_DEMO = "demo_mode"
        const val KEY_DEMO_GATEWAY = "demo_gateway"
        const val MERCHANT_PREFIX = "merchant."
    }
}
