package io.posgate

import kotlinx.coroutines.runBlocking

/**
 * The suite's gateway simulators: one embedded sandbox (the demo-flavour library's HTTP server on
 * 127.0.0.1) for every test class, started on first use and kept for the life of the process, so
 * the same sources run unchanged under JUnit 5 on the host JVM and under AndroidJUnitRunner on a
 * device or emulator (which has no per-class lifecycle hooks in common with JUnit 5).
 */
object TestSandbox {
    val instance: EmbeddedSandbox by lazy { runBlocking { startSandbox() } }
}
