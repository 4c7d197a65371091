package io.posgate.sample.logic

import io.posgate.PosGateException
import kotlinx.coroutines.CancellationException

/**
 * Why an operation did not produce a result, as the screens need it: what to fix, and above all
 * whether money may have moved ([mustQuery]: query the same order number, never charge anew).
 */
sealed interface PaymentError {
    /** True when the gateway may have acted: the order must be queried before anything else. */
    val mustQuery: Boolean get() = false

    /** Refused before anything was sent; [field] names the input to fix. */
    data class InvalidInput(val field: String, val reason: String) : PaymentError

    data class Network(val detail: String, val outcomeUnknown: Boolean) : PaymentError {
        override val mustQuery: Boolean get() = outcomeUnknown
    }

    /** The gateway refused; [code] is the gateway's own code. Nothing was charged. */
    data class Rejected(val code: String, val detail: String) : PaymentError

    /** An answer failed its signature check: it cannot be trusted either way. */
    data class SignatureInvalid(val detail: String) : PaymentError {
        override val mustQuery: Boolean get() = true
    }

    data class Unsupported(val what: String) : PaymentError

    /** The merchant settings are wrong (or the demo sandbox is not running). */
    data class Configuration(val detail: String) : PaymentError

    data class Internal(val detail: String) : PaymentError

    /** Face pay ended at the device before anything was sent for payment. */
    data class FaceNotRecognised(val outcome: FaceRecognition) : PaymentError

    companion object {
        fun from(t: Throwable): PaymentError = when (t) {
            is CancellationException -> throw t // never swallow coroutine cancellation
            is PosGateException.InvalidInput -> InvalidInput(t.field, t.reason)
            is PosGateException.Network -> Network(t.detail, t.outcomeUnknown)
            is PosGateException.GatewayRejected -> Rejected(t.code, t.detail)
            is PosGateException.SignatureInvalid -> SignatureInvalid(t.detail)
            is PosGateException.Unsupported -> Unsupported(t.what)
            is PosGateException.Configuration -> Configuration(t.detail)
            is PosGateException.Internal -> Internal(t.detail)
            is FaceNotRecognisedException -> FaceNotRecognised(t.outcome)
            else -> Internal(t.toString())
        }
    }
}

/** Thrown by [FacePayFlow] when the face SDK ends without a face code (nothing was charged). */
class FaceNotRecognisedException(val outcome: FaceRecognition) : Exception("face pay ended at the device: $outcome")
