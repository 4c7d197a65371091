package io.posgate.sample

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.content.IntentFilter
import androidx.core.content.ContextCompat
import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner

/**
 * The Sunmi terminal's built-in scanner head. With the scanner service set to "broadcast output"
 * (the default on Sunmi V2 / P2 / L2 series), each read arrives as the broadcast
 * `com.sunmi.scanner.ACTION_DATA_CODE_RECEIVED` with the text in the string extra `data`.
 *
 * The receiver is registered at runtime while the screen is started. The scanner service is
 * another app, so the receiver must be exported: Android 14+ requires saying so explicitly
 * (ContextCompat picks RECEIVER_EXPORTED on API 33+ and plain registration below).
 *
 * Scanners configured as a keyboard wedge instead type into the focused field: the checkout
 * screen's barcode field takes that input too (manual entry is the same path).
 */
class SunmiScanner(private val context: Context, private val onCode: (String) -> Unit) : DefaultLifecycleObserver {
    private var registered = false

    private val receiver = object : BroadcastReceiver() {
        override fun onReceive(c: Context, intent: Intent) {
            if (intent.action != ACTION_DATA_CODE_RECEIVED) return
            val data = intent.getStringExtra(EXTRA_DATA) ?: return
            onCode(data)
        }
    }

    override fun onStart(owner: LifecycleOwner) {
        if (registered) return
        ContextCompat.registerReceiver(
            context,
            receiver,
            IntentFilter(ACTION_DATA_CODE_RECEIVED),
            ContextCompat.RECEIVER_EXPORTED,
        )
        registered = true
    }

    override fun onStop(owner: LifecycleOwner) {
        if (!registered) return
        context.unregisterReceiver(receiver)
        registered = false
    }

    companion object {
        const val ACTION_DATA_CODE_RECEIVED = "com.sunmi.scanner.ACTION_DATA_CODE_RECEIVED"
        const val EXTRA_DATA = "data"
    }
}
