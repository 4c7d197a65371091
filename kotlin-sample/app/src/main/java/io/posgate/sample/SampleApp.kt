package io.posgate.sample

import android.app.Application
import io.posgate.PosGateAndroid
import io.posgate.sample.logic.GateSession

/** Initialises posgate before anything else runs, and holds the app-wide gate session. */
class SampleApp : Application() {
    lateinit var settings: SettingsStore
        private set

    /** Demo (embedded sandbox) or merchant gateway, switched by the settings screen. */
    lateinit var session: GateSession
        private set

    override fun onCreate() {
        super.onCreate()
        // Before the first use of any io.posgate API: loads libposgate.so (JNA then binds to the
        // already loaded library) and sets up the system trust store for TLS.
        PosGateAndroid.init(this)
        settings = SettingsStore(this)
        session = GateSession(settings.gateSource())
    }

    /** Applies changed settings: closes the old gate (and stops the sandbox when leaving demo mode). */
    fun applySettings() {
        session.switchTo(settings.gateSource())
    }
}
