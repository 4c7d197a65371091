package io.posgate

import android.content.Context

/**
 * Loads libposgate.so and initialises its Android side once per process: logcat logging (tag
 * `posgate`) from `JNI_OnLoad`, and TLS certificate checks against the Android system trust store
 * (rustls-platform-verifier, which needs the application Context).
 *
 * Call [init] from `Application.onCreate`, before the first use of any `io.posgate` API.
 * The native side is `Java_io_posgate_PosGateAndroid_nativeInit` in libposgate.so; keep this
 * class's name, package and method signature (proguard-rules.pro keeps them through R8).
 */
object PosGateAndroid {
    fun init(context: Context) {
        System.loadLibrary("posgate")
        check(nativeInit(context.applicationContext)) {
            "posgate: native initialisation failed (see logcat, tag posgate)"
        }
    }

    @JvmStatic
    external fun nativeInit(context: Context): Boolean
}
