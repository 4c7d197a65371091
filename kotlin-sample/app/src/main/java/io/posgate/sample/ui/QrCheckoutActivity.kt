package io.posgate.sample.ui

import android.app.Activity
import android.content.Context
import android.content.Intent
import android.hardware.display.DisplayManager
import android.os.Bundle
import android.view.Display
import android.view.View
import android.view.WindowManager
import android.widget.Button
import android.widget.LinearLayout
import androidx.activity.addCallback
import androidx.appcompat.app.AlertDialog
import androidx.appcompat.app.AppCompatActivity
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.lifecycleScope
import androidx.lifecycle.repeatOnLifecycle
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.databinding.ActivityQrCheckoutBinding
import io.posgate.sample.logic.PayProgress
import io.posgate.sample.logic.PaymentError
import io.posgate.sample.logic.QrCheckoutModel
import io.posgate.sample.logic.QrCheckoutState
import io.posgate.sample.logic.QrPhase
import io.posgate.sample.logic.Yuan
import io.posgate.sample.logic.isFinal
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import io.posgate.core.Wallet as QrWallet

/**
 * "Show QR": the customer scans the terminal's code with their wallet app. The cashier picks the
 * wallet (the gateway's own list, `PosGate.qrWallets()`), the library creates the order
 * (`startQrPayment`) and this screen draws its code full-screen ([QrCodeView], from `qrMatrix`),
 * and on a customer-facing display too ([QrPresentation]) where the terminal has one. The
 * library's events show the wait, its queries and the close; Cancel closes the order. A settled
 * payment (paid, or closed when it expired or was cancelled) opens the result screen; one whose
 * outcome is open must be queried first.
 *
 * Leaving the screen does not stop the payment: the library closes the order at its expiry if
 * nobody paid it, and the journal keeps it.
 */
class QrCheckoutActivity : AppCompatActivity() {
    private lateinit var b: ActivityQrCheckoutBinding

    private val vm by logic { scope ->
        val sampleApp = application as SampleApp // not `this`: the holder outlives the Activity
        QrCheckoutModel(
            scope = scope,
            gates = sampleApp.session,
            amountFen = intent.getLongExtra(EXTRA_AMOUNT_FEN, 0),
            subject = sampleApp.getString(R.string.payment_subject),
            // A merchant server's address would go here (MMSP requires one); it relays the
            // gateway's notification to the app, which passes it to PosGate.checkNotification.
            // Without one the library finds the payment by querying.
            notifyUrl = null,
        ).also { it.load() }
    }

    private lateinit var displays: DisplayManager
    private var presentation: QrPresentation? = null
    private val displayListener = object : DisplayManager.DisplayListener {
        override fun onDisplayAdded(displayId: Int) = updatePresentation(vm.state.value)
        override fun onDisplayRemoved(displayId: Int) = updatePresentation(vm.state.value)
        override fun onDisplayChanged(displayId: Int) = updatePresentation(vm.state.value)
    }

    /** The wallets the buttons were made for. */
    private var walletButtons: List<QrWallet>? = null

    /** The settled payment already handed to the result screen. */
    private var finishedOrderNo: String? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivityQrCheckoutBinding.inflate(layoutInflater)
        setContentView(b.root)
        displays = getSystemService(Context.DISPLAY_SERVICE) as DisplayManager

        b.qrCancel.setOnClickListener { confirmQrCancel() }
        b.qrDemoPay.setOnClickListener { vm.payAsDemoPayer() }
        b.qrAgain.setOnClickListener { vm.again() }
        b.qrQuery.setOnClickListener { vm.queryOutcome() }
        onBackPressedDispatcher.addCallback(this) {
            val s = vm.state.value
            when {
                s.canCancel -> confirmQrCancel() // the code is up: close the order, or stay
                s.phase is QrPhase.Starting || s.phase is QrPhase.Querying -> Unit // wait for the answer
                else -> finish()
            }
        }

        render(vm.state, ::render)
        // The remaining time, once a second while the screen is visible.
        lifecycleScope.launch {
            repeatOnLifecycle(Lifecycle.State.STARTED) {
                while (true) {
                    renderCountdown(vm.state.value)
                    delay(1_000)
                }
            }
        }
    }

    override fun onStart() {
        super.onStart()
        displays.registerDisplayListener(displayListener, null)
        updatePresentation(vm.state.value)
    }

    override fun onStop() {
        displays.unregisterDisplayListener(displayListener)
        dismissPresentation()
        super.onStop()
    }

    private fun confirmQrCancel() {
        if (!vm.state.value.canCancel) return
        AlertDialog.Builder(this)
            .setTitle(R.string.qr_cancel_confirm_title)
            .setMessage(R.string.qr_cancel_confirm_message)
            .setPositiveButton(R.string.qr_cancel_confirm_yes) { _, _ -> vm.cancel() }
            .setNegativeButton(android.R.string.cancel, null)
            .show()
    }

    private fun render(s: QrCheckoutState) {
        b.qrAmount.text = Yuan.format(s.amountFen)
        val phase = s.phase
        val code = s.shownCode

        // The wallet choice: one button per wallet the gateway issues a code for.
        if (walletButtons != s.wallets) {
            walletButtons = s.wallets
            b.qrWalletButtons.removeAllViews()
            for (w in s.wallets) {
                val button = Button(this).apply {
                    text = Texts.qrWallet(this@QrCheckoutActivity, w)
                    setOnClickListener { vm.start(w) }
                }
                b.qrWalletButtons.addView(button, LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, LinearLayout.LayoutParams.WRAP_CONTENT))
            }
        }
        b.qrChoose.visibility = if (phase == QrPhase.Choosing) View.VISIBLE else View.GONE
        for (i in 0 until b.qrWalletButtons.childCount) b.qrWalletButtons.getChildAt(i).isEnabled = s.canChoose

        // The code, as large as the screen allows, while it can be paid.
        b.qrCode.matrix = code?.matrix
        b.qrCode.visibility = if (code != null) View.VISIBLE else View.GONE
        b.qrWallet.text = when (phase) {
            is QrPhase.Showing -> getString(R.string.qr_scan_with, Texts.qrWallet(this, phase.wallet))
            is QrPhase.Starting -> Texts.qrWallet(this, phase.wallet)
            else -> ""
        }
        b.qrBusy.visibility =
            if (phase == QrPhase.Loading || phase is QrPhase.Starting || phase is QrPhase.Querying) View.VISIBLE else View.GONE
        keepScreenBright(code != null)
        supportActionBar?.let { if (code != null) it.hide() else it.show() }

        // Progress from the library's events (waiting, queries, closing), or what went wrong.
        b.qrStep.text = when {
            phase is QrPhase.Starting -> getString(R.string.qr_creating)
            phase is QrPhase.Querying -> getString(R.string.progress_querying)
            code?.cancelling == true && s.latest !is PayProgress.Closing -> getString(R.string.qr_cancelling)
            else -> s.latest?.let { Texts.progress(this, it) }.orEmpty()
        }
        val error = (phase as? QrPhase.Failed)?.error
        b.qrError.visibility = if (error != null) View.VISIBLE else View.GONE
        b.qrError.text = error?.let(::errorText)

        val unresolved = s.unresolvedOrderNo
        b.qrUnresolved.visibility = if (unresolved != null) View.VISIBLE else View.GONE
        if (unresolved != null) b.qrUnresolvedMessage.text = getString(R.string.unresolved_message, unresolved)
        b.qrQuery.isEnabled = s.canQuery

        b.qrCancel.visibility = if (code != null) View.VISIBLE else View.GONE
        b.qrCancel.isEnabled = s.canCancel
        b.qrDemoPay.visibility = if (s.demo && code != null) View.VISIBLE else View.GONE
        b.qrDemoPay.isEnabled = s.canPayAsDemoPayer
        val canAgain = unresolved == null && s.wallets.isNotEmpty() && (phase is QrPhase.Failed || phase is QrPhase.Done)
        b.qrAgain.visibility = if (canAgain) View.VISIBLE else View.GONE

        renderCountdown(s)
        updatePresentation(s)

        // Settled (paid, or closed unpaid): the result screen, and the checkout learns how it ended.
        val done = phase as? QrPhase.Done
        if (done != null && done.result.state.isFinal && finishedOrderNo != done.result.orderNo) {
            finishedOrderNo = done.result.orderNo
            startActivity(Intent(this, ResultActivity::class.java).putTrade(done.result))
            setResult(Activity.RESULT_OK, Intent().putTrade(done.result))
            finish()
        }
    }

    private fun renderCountdown(s: QrCheckoutState) {
        val code = s.shownCode
        b.qrCountdown.visibility = if (code != null) View.VISIBLE else View.GONE
        if (code == null) return
        val left = (code.expiresAtMs - System.currentTimeMillis()).coerceAtLeast(0) / 1000
        b.qrCountdown.text = if (left > 0) getString(R.string.qr_valid_for, left / 60, left % 60) else getString(R.string.qr_expired)
    }

    private fun errorText(e: PaymentError): String =
        if (e is PaymentError.Unsupported && e.what == QrCheckoutModel.NO_QR) getString(R.string.qr_error_no_qr) else Texts.error(this, e)

    /** A phone camera reads a bright, steady screen best. */
    private fun keepScreenBright(on: Boolean) {
        val attrs = window.attributes
        val brightness = if (on) WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_FULL else WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_NONE
        if (attrs.screenBrightness != brightness) {
            attrs.screenBrightness = brightness
            window.attributes = attrs
        }
        if (on) window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON) else window.clearFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
    }

    /**
     * The code on the customer display too, while it can be paid and the screen is started: the
     * first presentation display (a dual-screen terminal's customer side), if there is one.
     */
    private fun updatePresentation(s: QrCheckoutState) {
        if (!lifecycle.currentState.isAtLeast(Lifecycle.State.STARTED)) return
        val code = s.shownCode
        val display: Display? = if (code == null) null else displays.getDisplays(DisplayManager.DISPLAY_CATEGORY_PRESENTATION).firstOrNull()
        presentation?.let { if (it.display != display || !it.isShowing) dismissPresentation() }
        if (code == null || display == null) return
        val p = presentation ?: QrPresentation(this, display).also { created ->
            created.setOnDismissListener { if (presentation === created) presentation = null }
            try {
                created.show()
            } catch (e: WindowManager.InvalidDisplayException) {
                return // the display went away meanwhile; the listener tries again when one comes
            }
            presentation = created
        }
        p.showCode(code.matrix, Yuan.format(s.amountFen), getString(R.string.qr_scan_with, Texts.qrWallet(this, code.wallet)))
    }

    private fun dismissPresentation() {
        val p = presentation ?: return
        presentation = null
        p.dismiss()
    }

    companion object {
        private const val EXTRA_AMOUNT_FEN = "qr.amount_fen"

        fun intent(context: Context, amountFen: Long): Intent =
            Intent(context, QrCheckoutActivity::class.java).putExtra(EXTRA_AMOUNT_FEN, amountFen)
    }
}
