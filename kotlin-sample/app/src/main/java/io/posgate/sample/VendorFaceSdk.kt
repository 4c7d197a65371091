package io.posgate.sample

import android.content.Context
import io.posgate.PosGateException
import io.posgate.TradeState
import io.posgate.sample.logic.FaceRecognition
import io.posgate.sample.logic.FaceRecognitionRequest
import io.posgate.sample.logic.FaceSdk
import kotlinx.coroutines.delay

/**
 * ============================================================================================
 *  THE VENDOR FACE SDK GOES HERE.
 * ============================================================================================
 *
 * posgate drives face pay (logic module, FacePayFlow: the typed getFaceAuth, then facePay, a
 * payment the library follows to a settled state); the device's face SDK does the camera part. This class is the only place
 * that touches the SDK. As shipped it is a stub:
 *  - in demo mode it simulates the SDK (fixed raw data, a face code the sandbox pays after a
 *    2-second "paying" phase), so the whole flow can be tried on any device or emulator;
 *  - otherwise it refuses with "face SDK not integrated".
 *
 * To integrate the WeChat Pay face SDK (WxPayFace, preinstalled on Sunmi face-pay terminals such
 * as the T2 / K2 / D2s series with the 3D camera), add its AAR, initialise it once
 * (WxPayFace.getInstance().initWxpayface(context, mapOf(...), callback)) and replace the bodies
 * below. Each SDK call takes a callback; wrap it with suspendCancellableCoroutine:
 *
 *   override suspend fun rawData(): String = suspendCancellableCoroutine { cont ->
 *       WxPayFace.getInstance().getWxpayfaceRawdata(object : IWxPayfaceCallback() {
 *           override fun response(info: Map<*, *>) {
 *               if (info["return_code"] == "SUCCESS") cont.resume(info["rawdata"] as String)
 *               else cont.resumeWithException(PosGateException.Internal("face SDK: ${info["return_msg"]}"))
 *           }
 *       })
 *   }
 *
 *   override suspend fun recognise(request: FaceRecognitionRequest): FaceRecognition =
 *       suspendCancellableCoroutine { cont ->
 *           val params = mapOf(
 *               "face_authtype" to request.faceAuthType,      // "FACEPAY"
 *               "appid" to request.auth.appid,
 *               "sub_appid" to request.auth.subAppid,
 *               "mch_id" to request.auth.channelMchId,
 *               "sub_mch_id" to request.auth.subMchId,
 *               "store_id" to request.storeId,
 *               "out_trade_no" to request.outTradeNo,
 *               "total_fee" to request.totalFen.toString(),  // fen, as text
 *               "authinfo" to request.auth.authinfo,
 *           )
 *           WxPayFace.getInstance().getWxpayfaceCode(params, object : IWxPayfaceCallback() {
 *               override fun response(info: Map<*, *>) {
 *                   cont.resume(when (info["return_code"]) {
 *                       "SUCCESS" -> FaceRecognition.Recognised(
 *                           faceCode = info["face_code"] as String,
 *                           openId = info["openid"] as String,
 *                           subOpenId = info["sub_openid"] as String?,
 *                       )
 *                       "USER_CANCEL" -> FaceRecognition.Cancelled
 *                       "SCAN_PAYMENT" -> FaceRecognition.SwitchedToBarcode
 *                       else -> FaceRecognition.Failed(info["return_code"].toString(), info["return_msg"].toString())
 *                   })
 *               }
 *           })
 *       }
 *
 *   override suspend fun paymentFinished(orderNo: String, state: TradeState) {
 *       // WxPayFace.getInstance().updateWxpayfacePayResult(mapOf(..., "payresult" to
 *       //     if (state == TradeState.PAID) "SUCCESS" else "ERROR"), callback)
 *   }
 *
 * Release the SDK with WxPayFace.getInstance().releaseWxpayface(context) when the app closes.
 * The SDK's own documentation is authoritative for parameter names; the ones above are those the
 * Chaoying face-pay interface (getfaceauth / facepay) is built around.
 */
class VendorFaceSdk(
    @Suppress("unused") private val context: Context,
    /** Whether the app is in demo mode right now (read at each call). */
    private val demoMode: () -> Boolean,
) : FaceSdk {
    override suspend fun rawData(): String {
        if (!demoMode()) throw notIntegrated()
        delay(300) // the SDK reads the device's security chip
        return "DEMO-RAWDATA"
    }

    override suspend fun recognise(request: FaceRecognitionRequest): FaceRecognition {
        if (!demoMode()) throw notIntegrated()
        delay(1_500) // the payer looks into the camera and confirms
        // The sandbox acts on the last four digits: 1002 = paying for 2 s, then paid.
        return FaceRecognition.Recognised(faceCode = "DEMOFACECODE1002", openId = "oDemoFacePayer0001")
    }

    override suspend fun paymentFinished(orderNo: String, state: TradeState) {
        // Demo: nothing to show; the SDK would display the result on its own screen.
    }

    private fun notIntegrated() =
        PosGateException.Unsupported("face SDK not integrated: see VendorFaceSdk.kt (demo mode simulates it)")
}
