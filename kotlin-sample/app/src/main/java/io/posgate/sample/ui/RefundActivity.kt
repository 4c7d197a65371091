package io.posgate.sample.ui

import android.content.Context
import android.content.Intent
import android.os.Bundle
import android.view.View
import androidx.appcompat.app.AppCompatActivity
import androidx.core.widget.doAfterTextChanged
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.databinding.ActivityRefundBinding
import io.posgate.sample.logic.AmountInput
import io.posgate.sample.logic.RefundAction
import io.posgate.sample.logic.RefundUiState
import io.posgate.sample.logic.RefundViewModel
import io.posgate.sample.logic.Yuan

/** Full or partial refund of one order, and the refund's query. */
class RefundActivity : AppCompatActivity() {
    private lateinit var b: ActivityRefundBinding

    private val vm by logic { scope ->
        RefundViewModel(
            scope = scope,
            gates = (application as SampleApp).session,
            orderNo = intent.getStringExtra(EXTRA_ORDER_NO).orEmpty(),
            orderAmountFen = if (intent.hasExtra(EXTRA_AMOUNT)) intent.getLongExtra(EXTRA_AMOUNT, 0) else null,
        )
    }

    private var writingAmount = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivityRefundBinding.inflate(layoutInflater)
        setContentView(b.root)
        b.amount.doAfterTextChanged { if (!writingAmount) vm.setAmount(it?.toString().orEmpty()) }
        b.reason.doAfterTextChanged { vm.setReason(it?.toString().orEmpty()) }
        b.refund.setOnClickListener { vm.refund() }
        b.queryRefund.setOnClickListener { vm.query() }
        b.nextRefund.setOnClickListener { vm.next() }
        render(vm.state, ::render)
    }

    private fun render(s: RefundUiState) {
        b.orderNo.text = getString(R.string.refund_order, s.orderNo, s.orderAmountFen?.let(Yuan::format) ?: "?")
        b.refundNo.text = getString(R.string.refund_no, s.refundNo)
        if (b.amount.text.toString() != s.amountText) { // prefilled full amount, or cleared for the next refund
            writingAmount = true
            b.amount.setText(s.amountText)
            writingAmount = false
        }
        b.amount.error = (s.amount as? AmountInput.Invalid)?.takeIf { s.amountText.isNotEmpty() }
            ?.let { Texts.amountError(this, it.error) }
        val editable = s.busy == null && !s.unresolved && !s.settled
        b.amount.isEnabled = editable
        b.reason.isEnabled = editable

        b.refund.isEnabled = s.canRefund
        b.refund.text = (s.amount as? AmountInput.Valid)?.let { getString(R.string.button_refund_amount, Yuan.format(it.fen)) }
            ?: getString(R.string.button_refund)
        b.queryRefund.isEnabled = s.canQuery
        b.nextRefund.visibility = if (s.settled) View.VISIBLE else View.GONE

        b.busy.visibility = if (s.busy != null) View.VISIBLE else View.GONE
        b.busyText.text = getString(if (s.busy == RefundAction.QUERY) R.string.progress_querying else R.string.progress_refunding)
        b.result.visibility = if (s.result != null) View.VISIBLE else View.GONE
        s.result?.let { r ->
            b.result.text = getString(
                R.string.refund_result,
                Texts.refundState(this, r.state),
                r.amountFen?.let(Yuan::format) ?: "?",
                listOfNotNull(r.gatewayRefundNo, r.gatewayCode, r.message).joinToString(" · "),
            )
        }
        b.error.visibility = if (s.error != null) View.VISIBLE else View.GONE
        b.error.text = s.error?.let { Texts.error(this, it) }
    }

    companion object {
        private const val EXTRA_ORDER_NO = "refund.order_no"
        private const val EXTRA_AMOUNT = "refund.order_amount_fen"

        fun intent(context: Context, orderNo: String, orderAmountFen: Long?): Intent =
            Intent(context, RefundActivity::class.java).apply {
                putExtra(EXTRA_ORDER_NO, orderNo)
                orderAmountFen?.let { putExtra(EXTRA_AMOUNT, it) }
            }
    }
}
