package io.posgate.sample.ui

import android.os.Bundle
import android.view.View
import android.view.inputmethod.EditorInfo
import androidx.appcompat.app.AppCompatActivity
import androidx.core.widget.doAfterTextChanged
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.databinding.ActivityQueryBinding
import io.posgate.sample.logic.OrderAction
import io.posgate.sample.logic.OrderState
import io.posgate.sample.logic.OrderViewModel

/** Look up any order by its number (e.g. from a receipt), then refund or cancel it. */
class QueryActivity : AppCompatActivity() {
    private lateinit var b: ActivityQueryBinding

    private val vm by logic { scope -> OrderViewModel(scope, (application as SampleApp).session) }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivityQueryBinding.inflate(layoutInflater)
        setContentView(b.root)
        b.orderNo.doAfterTextChanged { vm.setOrderNo(it?.toString().orEmpty()) }
        b.orderNo.setOnEditorActionListener { _, actionId, _ ->
            actionId == EditorInfo.IME_ACTION_SEARCH && vm.query() != null
        }
        b.query.setOnClickListener { vm.query() }
        b.refund.setOnClickListener { openRefund(vm.state.value) }
        b.cancelOrder.setOnClickListener { confirmCancel { vm.cancel() } }
        render(vm.state, ::render)
    }

    private fun render(s: OrderState) {
        b.trade.show(s.trade)
        b.busy.visibility = if (s.busy != null) View.VISIBLE else View.GONE
        b.busyText.text = getString(if (s.busy == OrderAction.CANCEL) R.string.progress_cancelling else R.string.progress_querying)
        b.error.visibility = if (s.error != null) View.VISIBLE else View.GONE
        b.error.text = s.error?.let { Texts.error(this, it) }
        b.orderNo.isEnabled = s.busy == null
        b.query.isEnabled = s.canQuery
        b.refund.isEnabled = s.canRefund
        b.cancelOrder.isEnabled = s.canCancel && s.trade != null
    }
}
