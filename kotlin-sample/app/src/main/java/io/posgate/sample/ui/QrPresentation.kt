package io.posgate.sample.ui

import android.app.Presentation
import android.content.Context
import android.os.Bundle
import android.view.Display
import android.view.WindowManager
import io.posgate.core.QrMatrix
import io.posgate.sample.databinding.PresentationQrBinding

/**
 * The QR code on the customer-facing display of a dual-screen terminal (Sunmi T2, D2 and the
 * like expose it as a presentation display): the code, the amount and the wallet, nothing else.
 * Shown by [QrCheckoutActivity] while the code can be paid, dismissed with it.
 *
 * Its layout uses plain sizes and colours, no theme attributes: a Presentation takes the
 * platform's presentation theme, not the app's.
 */
class QrPresentation(outer: Context, display: Display) : Presentation(outer, display) {
    private var b: PresentationQrBinding? = null
    private var shown: Triple<QrMatrix, String, String>? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val binding = PresentationQrBinding.inflate(layoutInflater)
        setContentView(binding.root)
        // The payer's phone camera needs a bright, steady screen.
        window?.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        b = binding
        apply()
    }

    /** Shows [matrix] with its amount and wallet (before or after the presentation is created). */
    fun showCode(matrix: QrMatrix, amount: String, wallet: String) {
        val next = Triple(matrix, amount, wallet)
        if (next == shown) return
        shown = next
        apply()
    }

    private fun apply() {
        val binding = b ?: return
        val (matrix, amount, wallet) = shown ?: return
        binding.presentationQr.matrix = matrix
        binding.presentationAmount.text = amount
        binding.presentationWallet.text = wallet
    }
}
