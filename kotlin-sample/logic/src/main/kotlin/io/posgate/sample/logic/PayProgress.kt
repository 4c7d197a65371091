package io.posgate.sample.logic

import io.posgate.PaymentEvent
import io.posgate.TradeState

/** One step of a payment as the checkout screen shows it. */
sealed interface PayProgress {
    /** Face pay: asking the face SDK for the device's raw data. */
    data object FaceReading : PayProgress

    /** Face pay: posgate `getfaceauth` (the SDK's call credentials). */
    data object FaceAuthorising : PayProgress

    /** Face pay: the SDK is recognising the payer. */
    data object FaceRecognising : PayProgress

    data class Submitted(val orderNo: String) : PayProgress

    /** The payer still has to confirm (password on the phone): the library polls. */
    data class Paying(val orderNo: String) : PayProgress

    /** Query [n] of at most [of] before the deadline. */
    data class Polling(val orderNo: String, val n: Int, val of: Int) : PayProgress

    /** No final answer by the deadline (or the cashier cancelled): the order is being reversed. */
    data class Reversing(val orderNo: String) : PayProgress

    /** A QR payment's code is shown: waiting for the payer to scan and pay until [expiresAtMs]. */
    data class WaitingForScan(val orderNo: String, val expiresAtMs: Long) : PayProgress

    /** A QR payment's code expired or the cashier cancelled: its order is being closed. */
    data class Closing(val orderNo: String) : PayProgress

    /** The library could not settle the payment: a person must check ([reason]). */
    data class NeedsAttention(val orderNo: String, val reason: String) : PayProgress

    data class Final(val orderNo: String, val state: TradeState) : PayProgress

    /** An event a newer library added that this app does not know yet. */
    data class Other(val description: String) : PayProgress

    companion object {
        @Suppress("REDUNDANT_ELSE_IN_WHEN")
        fun from(event: PaymentEvent): PayProgress = when (event) {
            is PaymentEvent.Submitted -> Submitted(event.orderNo)
            is PaymentEvent.Paying -> Paying(event.orderNo)
            is PaymentEvent.Poll -> Polling(event.orderNo, event.n, event.of)
            is PaymentEvent.Reversing -> Reversing(event.orderNo)
            is PaymentEvent.WaitingForScan -> WaitingForScan(event.orderNo, event.expiresAtMs)
            is PaymentEvent.Closing -> Closing(event.orderNo)
            is PaymentEvent.NeedsAttention -> NeedsAttention(event.orderNo, event.reason)
            is PaymentEvent.Final -> Final(event.orderNo, event.state)
            else -> Other(event.toString()) // keeps compiling when the library adds events
        }
    }
}

private val FINAL_STATES = setOf(
    TradeState.PAID,
    TradeState.FAILED,
    TradeState.CLOSED,
    TradeState.REVERSED,
    TradeState.REFUNDED,
    TradeState.PARTIALLY_REFUNDED,
)

/**
 * Whether the trade's outcome is settled. PAYING and UNKNOWN are not, nor NEEDS_ATTENTION (a
 * person must check it), nor any state a newer library adds (a listed set, not "everything
 * but"): the screens then keep the order open for a query instead of treating it as done.
 */
val TradeState.isFinal: Boolean get() = this in FINAL_STATES
