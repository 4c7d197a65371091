package io.posgate.sample.logic

import io.posgate.core.FaceAuthRequest
import io.posgate.core.FaceAuthResponse
import io.posgate.core.FacePayRequest
import io.posgate.core.PayType
import io.posgate.PaymentEvent
import io.posgate.PaymentHandle
import io.posgate.PaymentListener
import io.posgate.PosGate
import io.posgate.PosGateException
import io.posgate.TradeResult
import io.posgate.TradeState
import kotlinx.coroutines.CancellationException

/**
 * What face pay needs from the terminal's face SDK (WeChat Pay face SDK, as shipped on Sunmi
 * devices with a 3D camera). The app implements it with the vendor SDK; the logic tests with a
 * fake. Implementations switch to whatever thread the SDK wants themselves.
 */
interface FaceSdk {
    /** Step 1: the SDK's raw data for this device (WeChat SDK `getWxpayfaceRawdata` → `rawdata`). */
    suspend fun rawData(): String

    /**
     * Step 3: recognise the payer with the credentials posgate obtained in step 2
     * (WeChat SDK `getWxpayfaceCode` → `face_code`, `openid`).
     */
    suspend fun recognise(request: FaceRecognitionRequest): FaceRecognition

    /** Step 5, optional: how the payment ended, for the SDK's own screen (`updateWxpayfacePayResult`). */
    suspend fun paymentFinished(orderNo: String, state: TradeState) {}
}

/** Everything the WeChat face SDK's `getWxpayfaceCode` asks for. */
data class FaceRecognitionRequest(
    /** posgate's `get_face_auth` answer: `authinfo`, app and merchant ids, validity. */
    val auth: FaceAuthResponse,
    val storeId: String,
    val outTradeNo: String,
    val totalFen: Long,
    /** `face_authtype`: `FACEPAY` (pay after recognition). */
    val faceAuthType: String = "FACEPAY",
)

/** How the SDK's recognition ended. Only [Recognised] goes on to charge the payer. */
sealed interface FaceRecognition {
    data class Recognised(val faceCode: String, val openId: String, val subOpenId: String? = null) : FaceRecognition

    /** The payer cancelled on the SDK's screen. */
    data object Cancelled : FaceRecognition

    /** The payer chose to show a payment code instead (WeChat SDK `SCAN_PAYMENT`). */
    data object SwitchedToBarcode : FaceRecognition

    data class Failed(val code: String, val message: String) : FaceRecognition
}

/**
 * Face pay on Chaoying. The app drives the face SDK's hardware steps; the payment itself is the
 * library's, exactly like a barcode payment:
 * 1. [FaceSdk.rawData]; 2. `gate.chaoying().getFaceAuth(...)` with it → `authinfo`;
 * 3. [FaceSdk.recognise] → `face_code` + `openid`;
 * 4. `gate.chaoying().facePay(...)`: journalled before it is sent, then followed by the library's
 *    payment machine (queries on Chaoying's schedule, reverse at the deadline, needs attention
 *    when even that cannot settle it) with the same events as a barcode payment. Its
 *    [PaymentHandle] reaches [pay]'s `onStarted` so the cashier can cancel it.
 */
class FacePayFlow(
    private val gate: PosGate,
    private val sdk: FaceSdk,
    private val terminal: TerminalInfo,
) {
    /**
     * Charges [amountFen] by face under [orderNo]. Returns the settled (or UNKNOWN) trade; throws
     * [PosGateException] when nothing was charged for a reason the cashier must fix (a gateway
     * other than Chaoying is `Unsupported`), and [FaceNotRecognisedException] when the SDK ended
     * without a face code.
     */
    suspend fun pay(
        amountFen: Long,
        orderNo: String,
        subject: String,
        onProgress: (PayProgress) -> Unit = {},
        onStarted: (PaymentHandle) -> Unit = {},
    ): TradeResult {
        // Checked before the payer is asked to look at the camera; the library checks it again.
        if (amountFen <= 0) throw PosGateException.InvalidInput("amount_fen", "must be greater than zero")
        val chaoying = gate.chaoying()

        onProgress(PayProgress.FaceReading)
        val rawData = sdk.rawData()

        onProgress(PayProgress.FaceAuthorising)
        val auth = chaoying.getFaceAuth(
            FaceAuthRequest(
                paytype = PayType.WECHAT,
                storeId = terminal.storeId,
                storeName = terminal.storeName,
                deviceId = terminal.deviceId,
                rawdata = rawData,
            ),
        )

        onProgress(PayProgress.FaceRecognising)
        val face = sdk.recognise(FaceRecognitionRequest(auth, terminal.storeId, orderNo, amountFen))
        if (face !is FaceRecognition.Recognised) throw FaceNotRecognisedException(face)

        val handle = chaoying.facePay(
            FacePayRequest(
                paytype = PayType.WECHAT,
                openid = face.openId,
                outTradeNo = orderNo,
                totalFee = amountFen,
                faceCode = face.faceCode,
                body = subject,
                deviceInfo = terminal.deviceId.ifEmpty { null },
                opShopId = terminal.storeId.ifEmpty { null },
                opDeviceId = terminal.deviceId.ifEmpty { null },
            ),
            object : PaymentListener {
                override fun onEvent(event: PaymentEvent) = onProgress(PayProgress.from(event))
            },
        )
        onStarted(handle)
        val result = handle.result()
        try {
            sdk.paymentFinished(orderNo, result.state)
        } catch (e: CancellationException) {
            throw e
        } catch (_: Exception) {
            // The SDK's own result screen is cosmetic; the trade result stands.
        }
        return result
    }
}
