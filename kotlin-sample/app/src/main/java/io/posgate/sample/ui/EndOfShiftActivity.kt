package io.posgate.sample.ui

import android.os.Bundle
import android.view.View
import android.view.inputmethod.EditorInfo
import androidx.appcompat.app.AppCompatActivity
import io.posgate.fenToYuan
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.databinding.ActivityEndOfShiftBinding
import io.posgate.sample.logic.EndOfShiftModel
import io.posgate.sample.logic.EndOfShiftState

/**
 * End of shift (交班): today's report from the journal, shown as the receipt the terminal's
 * printer would print (the Sunmi printer SDK prints `receipt` as is: 32 columns), with the net and
 * what the cashier hands over open. Another day can be typed as yyyy-MM-dd.
 */
class EndOfShiftActivity : AppCompatActivity() {
    private lateinit var b: ActivityEndOfShiftBinding

    private val vm by logic { scope -> EndOfShiftModel(scope, (application as SampleApp).session) }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivityEndOfShiftBinding.inflate(layoutInflater)
        setContentView(b.root)
        b.shiftDay.setText(vm.state.value.day)
        b.shiftDay.setOnEditorActionListener { _, actionId, _ ->
            if (actionId == EditorInfo.IME_ACTION_DONE) vm.showDay(b.shiftDay.text.toString())
            actionId == EditorInfo.IME_ACTION_DONE
        }
        b.shiftRefresh.setOnClickListener { vm.showDay(b.shiftDay.text.toString()) }
        if (savedInstanceState == null) vm.load()
        render(vm.state, ::render)
    }

    private fun render(s: EndOfShiftState) {
        b.shiftBusy.visibility = if (s.busy) View.VISIBLE else View.GONE
        b.shiftRefresh.isEnabled = !s.busy
        val error = s.error?.let { Texts.error(this, it) }
        b.shiftError.visibility = if (error != null) View.VISIBLE else View.GONE
        b.shiftError.text = error
        b.shiftNet.text = getString(R.string.shift_net, fenToYuan(kotlin.math.abs(s.net)).let { if (s.net < 0) "-$it" else it })
        b.shiftOpen.visibility = if (s.openCount > 0) View.VISIBLE else View.GONE
        b.shiftOpen.text = getString(R.string.shift_open, s.openCount)
        b.shiftReceipt.text = s.receipt
    }
}
