package io.posgate.bench

import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Library
import com.sun.jna.Memory
import com.sun.jna.Native
import io.posgate.*
import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

/**
 * What a call from Kotlin into libposgate.so costs through the uniffi bindings and JNA, and what
 * a listener event (a call from Rust into Kotlin) costs, on the host JVM. Run by
 * scripts/bench-kotlin.sh; the figures go to BENCHMARKS.md ("Kotlin to Rust").
 *
 * Each case is warmed up (so the JIT has compiled the Kotlin and JNA paths), then timed in
 * rounds of many calls; the median round gives the cost per call. The cold phase, first,
 * shows what the same call costs before the JIT has compiled anything.
 */

/** libc's getpid() through JNA's direct mapping (native methods bound by Native.register). */
object DirectLibc {
    init {
        Native.register(DirectLibc::class.java, "c")
    }

    @JvmStatic external fun getpid(): Int
}

/** libc's getpid() through JNA's interface mapping (a java.lang.reflect.Proxy per library). */
interface ProxyLibc : Library {
    fun getpid(): Int
}

private fun median(xs: DoubleArray): Double = xs.sorted()[xs.size / 2]

private fun fmt(ns: Double) = if (ns >= 10_000) "%.1f us".format(ns / 1000) else "%.0f ns".format(ns)

/** Warms `block` up for `warmupMs`, then times `rounds` rounds of `batch` calls: ns per call. */
private fun measure(name: String, batch: Int, warmupMs: Long = 2000, rounds: Int = 15, block: () -> Unit): Double {
    val until = System.nanoTime() + warmupMs * 1_000_000
    while (System.nanoTime() < until) repeat(batch) { block() }
    val perCall = DoubleArray(rounds) {
        val t = System.nanoTime()
        repeat(batch) { block() }
        (System.nanoTime() - t).toDouble() / batch
    }
    val m = median(perCall)
    println("| %-58s | %10s | %10s |".format(name, fmt(m), fmt(perCall.min())))
    return m
}

/** Counts the events it hears. */
private class Counting : PaymentListener {
    @Volatile var heard = 0L

    override fun onEvent(event: PaymentEvent) {
        heard++
    }
}

/** Rust-side nanoseconds per event, median of `rounds` rounds of `events` events. */
private fun events(name: String, listener: PaymentListener, thread: BenchThread, events: UInt, rounds: Int = 15): Double {
    repeat(3) { benchListenerEvents(listener, events, thread) }
    val perEvent = DoubleArray(rounds) { benchListenerEvents(listener, events, thread).toDouble() / events.toDouble() }
    val m = median(perEvent)
    println("| %-58s | %10s | %10s |".format(name, fmt(m), fmt(perEvent.min())))
    return m
}

private fun cold() {
    println("\n## Cold: the first calls, before the JIT compiles them\n")
    var t = System.nanoTime()
    version()
    println("first call (loads libposgate.so, binds its functions): %.1f ms".format((System.nanoTime() - t) / 1e6))
    for ((from, to) in listOf(2 to 100, 101 to 1_000, 1_001 to 10_000, 10_001 to 100_000)) {
        t = System.nanoTime()
        for (i in from..to) version()
        val each = (System.nanoTime() - t).toDouble() / (to - from + 1)
        println("version(), calls $from-$to: ${fmt(each)} each")
    }
}

fun main() {
    println("# posgate: the Kotlin boundary on the host JVM")
    println("java ${System.getProperty("java.version")} (${System.getProperty("java.vm.name")}), JNA ${Native.VERSION}")
    cold()

    val sandbox = runBlocking { startSandbox() }
    val gate = PosGate(sandbox.config(Gateway.TLINX))
    val proxyLibc = Native.load("c", ProxyLibc::class.java)
    val request = PayRequest(amountFen = 1580, authCode = "134567890123450000", orderNo = "PG17953615641750000561")
    val paid = runBlocking { gate.pay(PayRequest(amountFen = 1580, authCode = "134567890123450000"), null) }

    println("\n## Calls from Kotlin, warmed up\n")
    println("| %-58s | %10s | %10s |".format("call", "median", "best round"))
    println("|---|---:|---:|")
    measure("JNA direct mapping: libc getpid()", 100_000) { DirectLibc.getpid() }
    measure("JNA interface mapping: libc getpid()", 100_000) { proxyLibc.getpid() }
    measure("benchNoop(): no argument, no answer", 100_000) { benchNoop() }
    measure("version(): answers a String", 100_000) { version() }
    measure("fenToYuan(1580): a Long in, a String out, may throw", 100_000) { fenToYuan(1580) }
    measure("benchPayRequest(request): a record in, a Long out", 100_000) { benchPayRequest(request) }
    measure("gate.qrWallets(): an object's method, a list of enums out", 100_000) { gate.qrWallets() }
    measure("gate.operations(): TLinx's 7 operations, records out", 10_000) { gate.operations() }
    measure("runBlocking { } alone (the coroutine the next two need)", 100_000) { runBlocking { } }
    measure("selfTestPanicAsync(\"\"): a suspend call, nothing done", 10_000) {
        runBlocking { selfTestPanicAsync("") }
    }
    measure("gate.query(orderNo): a suspend call, a TLinx query over loopback", 500) {
        runBlocking { gate.query(paid.orderNo) }
    }

    println("\n## Where a call's time goes: the generated code's pieces alone\n")
    println("| %-58s | %10s | %10s |".format("piece", "median", "best round"))
    println("|---|---:|---:|")
    measure("UniffiRustCallStatus(): the status every call allocates", 100_000) { UniffiRustCallStatus() }
    measure("RustBuffer.ByValue(): what a String or record crosses in", 100_000) { RustBuffer.ByValue() }
    measure("Memory(40): JNA native memory alone (malloc + its Cleaner)", 100_000) { Memory(40) }
    val reused = UniffiRustCallStatus()
    measure("status.write(); status.read(): JNA's reflective copy", 100_000) { reused.write(); reused.read() }
    measure("bench_noop's FFI function, a fresh status (as generated)", 100_000) {
        UniffiLib.uniffi_posgate_fn_func_bench_noop(UniffiRustCallStatus())
    }
    measure("bench_noop's FFI function, one status reused", 100_000) {
        UniffiLib.uniffi_posgate_fn_func_bench_noop(reused)
    }

    println("\n## Listener events (Rust calling Kotlin), timed in Rust\n")
    println("| %-58s | %10s | %10s |".format("event from", "median", "best round"))
    println("|---|---:|---:|")
    val listener = Counting()
    events("the calling Kotlin thread (attached)", listener, BenchThread.CALLER, 10_000u)
    events("a library runtime thread (where payments' events come from)", listener, BenchThread.RUNTIME, 10_000u)
    events("a new native thread, 10,000 events", listener, BenchThread.NEW_THREAD, 10_000u)
    events("a new native thread, its first event only", listener, BenchThread.NEW_THREAD, 1u, rounds = 200)
    // JNA attaches a native thread to the JVM for each callback and detaches it when the callback
    // returns, unless told otherwise: kept attached (as a daemon, so the JVM can still exit),
    // a runtime thread pays the attach once.
    Native.setCallbackThreadInitializer(
        uniffiCallbackInterfacePaymentListener.`onEvent`,
        CallbackThreadInitializer(true, false, "posgate-listener"),
    )
    events("a library runtime thread kept attached (CallbackThreadInitializer)", listener, BenchThread.RUNTIME, 10_000u)

    // How many events a real payment sends: a barcode payment with a paying phase (1 s).
    val seen = Counting()
    val r = runBlocking { gate.pay(PayRequest(amountFen = 1580, authCode = "134567890123451001"), seen) }
    println("\nA barcode payment with a 1 s paying phase (sandbox schedule): ${r.state}, ${seen.heard} events")
    sandbox.stop()
    // The library's runtime threads stay attached to the JVM now (above): do not wait for them.
    exitProcess(0)
}
