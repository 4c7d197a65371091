package io.posgate.sample.ui

import android.content.Intent
import android.os.Bundle
import android.view.View
import androidx.appcompat.app.AlertDialog
import androidx.appcompat.app.AppCompatActivity
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.databinding.ActivityResultBinding
import io.posgate.sample.logic.OrderAction
import io.posgate.sample.logic.OrderState
import io.posgate.sample.logic.OrderViewModel

/** The outcome of a payment, with what can follow: query again, refund, cancel (reverse). */
class ResultActivity : AppCompatActivity() {
    private lateinit var b: ActivityResultBinding

    private val vm by logic { scope ->
        val sampleApp = application as SampleApp
        OrderViewModel(scope, sampleApp.session, initial = intent.getTrade())
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivityResultBinding.inflate(layoutInflater)
        setContentView(b.root)
        b.queryAgain.setOnClickListener { vm.query() }
        b.refund.setOnClickListener { openRefund(vm.state.value) }
        b.cancelOrder.setOnClickListener { confirmCancel { vm.cancel() } }
        b.done.setOnClickListener { finish() }
        render(vm.state, ::render)
    }

    private fun render(s: OrderState) {
        b.trade.show(s.trade)
        b.busy.visibility = if (s.busy != null) View.VISIBLE else View.GONE
        b.busyText.text = getString(if (s.busy == OrderAction.CANCEL) R.string.progress_cancelling else R.string.progress_querying)
        b.error.visibility = if (s.error != null) View.VISIBLE else View.GONE
        b.error.text = s.error?.let { Texts.error(this, it) }
        b.queryAgain.isEnabled = s.canQuery
        b.refund.isEnabled = s.canRefund
        b.cancelOrder.isEnabled = s.canCancel
    }
}

/** Opens the refund screen for the shown order (full amount prefilled). */
internal fun AppCompatActivity.openRefund(s: OrderState) {
    val t = s.trade ?: return
    startActivity(RefundActivity.intent(this, t.orderNo, t.amountFen))
}

/** Cancel reverses the order: a charged payer gets the money back. Ask first. */
internal fun AppCompatActivity.confirmCancel(onYes: () -> Unit) {
    AlertDialog.Builder(this)
        .setTitle(R.string.cancel_confirm_title)
        .setMessage(R.string.cancel_confirm_message)
        .setPositiveButton(R.string.cancel_confirm_yes) { _, _ -> onYes() }
        .setNegativeButton(android.R.string.cancel, null)
        .show()
}
