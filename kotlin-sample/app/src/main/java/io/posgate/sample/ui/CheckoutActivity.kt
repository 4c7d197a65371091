package io.posgate.sample.ui

import android.content.Intent
import android.os.Bundle
import android.view.Menu
import android.view.MenuItem
import android.view.View
import android.view.inputmethod.EditorInfo
import androidx.activity.result.contract.ActivityResultContracts
import androidx.appcompat.app.AlertDialog
import androidx.appcompat.app.AppCompatActivity
import androidx.core.widget.doAfterTextChanged
import io.posgate.TradeState
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.SunmiScanner
import io.posgate.sample.VendorFaceSdk
import io.posgate.sample.databinding.ActivityCheckoutBinding
import io.posgate.sample.logic.AmountInput
import io.posgate.sample.logic.BarcodeDecoder
import io.posgate.sample.logic.CheckoutPhase
import io.posgate.sample.logic.CheckoutState
import io.posgate.sample.logic.CheckoutViewModel
import io.posgate.sample.logic.Yuan
import io.posgate.sample.logic.isFinal
import io.posgate.sample.logic.takesBarcode

/**
 * The till: amount, payment code (Sunmi scanner broadcast, or typed), charge by code or by face,
 * or show a QR code for the customer to scan (QrCheckoutActivity), live progress, then the
 * result screen. An order whose outcome is unknown blocks the till until
 * it has been queried.
 */
class CheckoutActivity : AppCompatActivity() {
    private lateinit var b: ActivityCheckoutBinding
    private val app: SampleApp get() = application as SampleApp

    private val vm by logic { scope ->
        val sampleApp = application as SampleApp // not `this`: the holder outlives the Activity
        CheckoutViewModel(
            scope = scope,
            gates = sampleApp.session,
            faceSdk = VendorFaceSdk(sampleApp) { sampleApp.settings.demoMode },
            subject = sampleApp.getString(R.string.payment_subject),
            autoPayOnScan = true,
        )
    }

    /** "Show QR" ended: a paid sale clears the till for the next customer; unpaid keeps the amount. */
    private val qrCheckout = registerForActivityResult(ActivityResultContracts.StartActivityForResult()) { r ->
        if (r.resultCode == RESULT_OK && r.data?.getTrade()?.state == TradeState.PAID && vm.newSale()) {
            b.amount.text.clear()
            b.barcode.text.clear()
        }
    }

    /** True while render() writes the barcode field, so its text watcher does not echo it back. */
    private var writingBarcode = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivityCheckoutBinding.inflate(layoutInflater)
        setContentView(b.root)

        // Registered while the screen is started; a read pays at once when the amount is valid.
        lifecycle.addObserver(SunmiScanner(this) { code -> vm.onScanned(code) })

        b.amount.doAfterTextChanged { vm.setAmount(it?.toString().orEmpty()) }
        b.barcode.doAfterTextChanged { if (!writingBarcode) vm.setBarcode(it?.toString().orEmpty()) }
        b.barcode.setOnEditorActionListener { _, actionId, _ ->
            (actionId == EditorInfo.IME_ACTION_DONE && vm.pay() != null)
        }
        b.pay.setOnClickListener { vm.pay() }
        b.facePay.setOnClickListener { vm.payByFace() }
        b.showQr.setOnClickListener {
            val s = vm.state.value
            val amount = s.amount as? AmountInput.Valid
            if (s.canShowQr && amount != null) qrCheckout.launch(QrCheckoutActivity.intent(this, amount.fen))
        }
        b.queryOutcome.setOnClickListener { vm.queryOutcome() }
        b.dismissUnresolved.setOnClickListener {
            AlertDialog.Builder(this)
                .setTitle(R.string.dismiss_confirm_title)
                .setMessage(R.string.dismiss_confirm_message)
                .setPositiveButton(R.string.dismiss_confirm_yes) { _, _ -> vm.dismissUnresolved() }
                .setNegativeButton(android.R.string.cancel, null)
                .show()
        }
        // Demo mode: simulated scans with the sandbox's scenario codes (last four digits).
        b.demoPaid.setOnClickListener { vm.onScanned(DEMO_PAID) }
        b.demoPaying.setOnClickListener { vm.onScanned(DEMO_PAYING) }
        b.demoDeclined.setOnClickListener { vm.onScanned(DEMO_DECLINED) }

        render(vm.state, ::render)
    }

    override fun onResume() {
        super.onResume()
        val settings = app.settings
        val banner = if (settings.demoMode) {
            getString(R.string.banner_demo, settings.demoGateway.name.lowercase())
        } else {
            getString(R.string.banner_merchant, settings.merchant.gateway.name.lowercase(), settings.merchant.storeName)
        }
        // Sunmi: the till refuses barcode payments (the view model answers with a clear error); say so up front.
        val gateway = if (settings.demoMode) settings.demoGateway else settings.merchant.gateway
        b.modeBanner.text = if (gateway.takesBarcode) banner else banner + "\n" + getString(R.string.banner_no_barcode)
        b.modeBanner.setBackgroundResource(if (settings.demoMode) R.color.banner_demo else R.color.banner_merchant)
        b.demoCodes.visibility = if (settings.demoMode) View.VISIBLE else View.GONE
    }

    private fun render(s: CheckoutState) {
        // Amount: the cashier's own text stays; only the error is ours.
        b.amount.error = (s.amount as? AmountInput.Invalid)?.takeIf { s.amountText.isNotEmpty() }
            ?.let { Texts.amountError(this, it.error) }

        // Payment code: scans arrive through the state, so write them into the field (typing
        // arrives the other way: the field then already holds what the state holds, cleaned).
        if (BarcodeDecoder.clean(b.barcode.text.toString()) != s.barcodeText) {
            writingBarcode = true
            b.barcode.setText(s.barcodeText)
            b.barcode.setSelection(s.barcodeText.length)
            writingBarcode = false
        }
        b.scanStatus.text = s.scan?.let { Texts.scan(this, it) } ?: getString(R.string.scan_waiting)

        b.amount.isEnabled = !s.busy
        b.barcode.isEnabled = !s.busy
        b.pay.isEnabled = s.canPay
        b.pay.text = (s.amount as? AmountInput.Valid)?.let { getString(R.string.button_pay_amount, Yuan.format(it.fen)) }
            ?: getString(R.string.button_pay)
        b.facePay.visibility = if (s.faceAvailable) View.VISIBLE else View.GONE
        b.facePay.isEnabled = s.canPayByFace
        b.showQr.isEnabled = s.canShowQr
        for (demo in listOf(b.demoPaid, b.demoPaying, b.demoDeclined)) demo.isEnabled = !s.busy

        // Progress from the payment listener: the last step large, all steps below.
        b.progressPanel.visibility = if (s.busy || s.progress.isNotEmpty() || s.phase is CheckoutPhase.Failed) View.VISIBLE else View.GONE
        b.progressBar.visibility = if (s.busy) View.VISIBLE else View.GONE
        b.progressStep.text = when (val p = s.phase) {
            is CheckoutPhase.Failed -> Texts.error(this, p.error)
            is CheckoutPhase.Working -> s.latest?.let { Texts.progress(this, it) }
                ?: getString(if (p.action == CheckoutPhase.Action.QUERY) R.string.progress_querying else R.string.progress_starting)
            else -> s.latest?.let { Texts.progress(this, it) }.orEmpty()
        }
        b.progressLog.text = s.progress.joinToString("\n") { Texts.progress(this, it) }

        // An open outcome: only a query (same order number) or an explicit override goes on.
        val unresolved = s.unresolvedOrderNo
        b.unresolvedPanel.visibility = if (unresolved != null) View.VISIBLE else View.GONE
        if (unresolved != null) {
            val detail = (s.phase as? CheckoutPhase.Done)?.result?.let { r ->
                "\n" + getString(R.string.unresolved_detail, Texts.state(this, r.state), r.message.orEmpty())
            }.orEmpty()
            b.unresolvedMessage.text = getString(R.string.unresolved_message, unresolved) + detail
        }
        b.queryOutcome.isEnabled = s.canQuery
        b.dismissUnresolved.isEnabled = s.canQuery

        // A settled payment: show the result and clear the till for the next customer.
        val done = s.phase as? CheckoutPhase.Done
        if (done != null && done.result.state.isFinal) {
            startActivity(Intent(this, ResultActivity::class.java).putTrade(done.result))
            if (vm.newSale()) {
                b.amount.text.clear()
                b.barcode.text.clear()
            }
        }
        if (s.busy != menuBusy) {
            menuBusy = s.busy
            invalidateOptionsMenu()
        }
    }

    private var menuBusy = false

    override fun onCreateOptionsMenu(menu: Menu): Boolean {
        menuInflater.inflate(R.menu.checkout, menu)
        return true
    }

    override fun onPrepareOptionsMenu(menu: Menu): Boolean {
        // No switching gateways in the middle of a payment.
        menu.findItem(R.id.menu_settings)?.isEnabled = !menuBusy
        return super.onPrepareOptionsMenu(menu)
    }

    override fun onOptionsItemSelected(item: MenuItem): Boolean = when (item.itemId) {
        R.id.menu_query -> {
            startActivity(Intent(this, QueryActivity::class.java))
            true
        }
        R.id.menu_swipe_lookup -> {
            startActivity(Intent(this, io.posgate.sample.SwipeLookupActivity::class.java))
            true
        }
        R.id.menu_end_of_shift -> {
            startActivity(Intent(this, EndOfShiftActivity::class.java))
            true
        }
        R.id.menu_settings -> {
            startActivity(Intent(this, SettingsActivity::class.java))
            true
        }
        else -> super.onOptionsItemSelected(item)
    }

    private companion object {
        // WeChat-shaped 18-digit codes; the sandbox acts on the last four digits.
        const val DEMO_PAID = "134567890123450000"
        const val DEMO_PAYING = "134567890123451005"
        const val DEMO_DECLINED = "134567890123453001"
    }
}
