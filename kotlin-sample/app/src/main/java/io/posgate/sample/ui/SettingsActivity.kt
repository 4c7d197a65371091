package io.posgate.sample.ui

import android.os.Bundle
import android.view.View
import android.widget.AdapterView
import android.widget.ArrayAdapter
import android.widget.EditText
import android.widget.Toast
import androidx.appcompat.app.AppCompatActivity
import io.posgate.Gateway
import io.posgate.sample.R
import io.posgate.sample.SampleApp
import io.posgate.sample.databinding.ActivitySettingsBinding
import io.posgate.sample.logic.BARCODE_GATEWAYS
import io.posgate.sample.logic.CONFIGURABLE_GATEWAYS
import io.posgate.sample.logic.MerchantSettings
import io.posgate.sample.logic.SettingsField

/**
 * Demo mode (the embedded sandbox, nothing leaves the device) or a merchant's own gateway
 * configuration. Saving switches the app's gate: leaving demo mode stops the sandbox.
 */
class SettingsActivity : AppCompatActivity() {
    private lateinit var b: ActivitySettingsBinding
    private val app: SampleApp get() = application as SampleApp

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        b = ActivitySettingsBinding.inflate(layoutInflater)
        setContentView(b.root)

        fun names(gateways: List<Gateway>) = gateways.map { it.name.lowercase() }
        // Demo mode drives the till's barcode payments: only gateways that take them. (Its card-swipe
        // lookup always asks the sandbox's Sunmi simulator.)
        b.demoGateway.adapter = ArrayAdapter(this, android.R.layout.simple_spinner_dropdown_item, names(BARCODE_GATEWAYS))
        b.gateway.adapter = ArrayAdapter(this, android.R.layout.simple_spinner_dropdown_item, names(CONFIGURABLE_GATEWAYS))
        b.gateway.onItemSelectedListener = object : AdapterView.OnItemSelectedListener {
            override fun onItemSelected(parent: AdapterView<*>?, view: View?, position: Int, id: Long) = showGatewayFields()
            override fun onNothingSelected(parent: AdapterView<*>?) = Unit
        }
        b.demoMode.setOnCheckedChangeListener { _, _ -> showMode() }

        if (savedInstanceState == null) load()
        showMode()
        showGatewayFields()
        b.save.setOnClickListener { save() }
    }

    private fun load() {
        val s = app.settings
        b.demoMode.isChecked = s.demoMode
        b.demoGateway.setSelection(BARCODE_GATEWAYS.indexOf(s.demoGateway).coerceAtLeast(0))
        val m = s.merchant
        b.gateway.setSelection(CONFIGURABLE_GATEWAYS.indexOf(m.gateway).coerceAtLeast(0))
        b.baseUrl.setText(m.baseUrl)
        b.production.isChecked = m.production
        b.mchId.setText(m.mchId)
        b.pid.setText(m.pid)
        b.key.setText(m.key)
        b.openId.setText(m.openId)
        b.openKey.setText(m.openKey)
        b.shopPass.setText(m.shopPass)
        b.appId.setText(m.appId)
        b.appKey.setText(m.appKey)
        b.merchantNo.setText(m.merchantNo)
        b.msn.setText(m.msn)
        b.publicKey.setText(m.publicKey)
        b.storeId.setText(m.storeId)
        b.storeName.setText(m.storeName)
        b.deviceId.setText(m.deviceId)
    }

    private fun selectedGateway(): Gateway = CONFIGURABLE_GATEWAYS[b.gateway.selectedItemPosition.coerceAtLeast(0)]

    private fun showMode() {
        val demo = b.demoMode.isChecked
        b.demoPanel.visibility = if (demo) View.VISIBLE else View.GONE
        b.merchantTitle.text = getString(if (demo) R.string.settings_merchant_inactive else R.string.settings_merchant)
    }

    /** Only the chosen gateway's credential fields are shown. */
    private fun showGatewayFields() {
        val gateway = selectedGateway()
        fun shown(g: Gateway) = if (gateway == g) View.VISIBLE else View.GONE
        b.chaoyingFields.visibility = shown(Gateway.CHAOYING)
        b.tlinxFields.visibility = shown(Gateway.TLINX)
        b.sunmiFields.visibility = shown(Gateway.SUNMI)
    }

    private fun typed(): MerchantSettings = MerchantSettings(
        gateway = selectedGateway(),
        baseUrl = b.baseUrl.text.toString(),
        production = b.production.isChecked,
        mchId = b.mchId.text.toString(),
        pid = b.pid.text.toString(),
        key = b.key.text.toString(),
        openId = b.openId.text.toString(),
        openKey = b.openKey.text.toString(),
        shopPass = b.shopPass.text.toString(),
        appId = b.appId.text.toString(),
        appKey = b.appKey.text.toString(),
        merchantNo = b.merchantNo.text.toString(),
        msn = b.msn.text.toString(),
        publicKey = b.publicKey.text.toString(),
        storeId = b.storeId.text.toString(),
        storeName = b.storeName.text.toString(),
        deviceId = b.deviceId.text.toString(),
    )

    private fun field(f: SettingsField): EditText? = when (f) {
        SettingsField.BASE_URL -> b.baseUrl
        SettingsField.MCH_ID -> b.mchId
        SettingsField.PID -> b.pid
        SettingsField.KEY -> b.key
        SettingsField.OPEN_ID -> b.openId
        SettingsField.OPEN_KEY -> b.openKey
        SettingsField.APP_ID -> b.appId
        SettingsField.APP_KEY -> b.appKey
        SettingsField.MERCHANT_NO -> b.merchantNo
        SettingsField.MSN -> b.msn
        SettingsField.STORE_ID -> b.storeId
        SettingsField.STORE_NAME -> b.storeName
        SettingsField.DEVICE_ID -> b.deviceId
        SettingsField.GATEWAY -> null
    }

    private fun save() {
        val merchant = typed()
        val demo = b.demoMode.isChecked
        val all = listOf(
            b.baseUrl, b.mchId, b.pid, b.key, b.openId, b.openKey,
            b.appId, b.appKey, b.merchantNo, b.msn, b.storeId, b.storeName, b.deviceId,
        )
        all.forEach { it.error = null }
        // The merchant configuration must be complete to be used; in demo mode it may be a draft.
        if (!demo) {
            val problems = merchant.validate()
            if (problems.isNotEmpty()) {
                problems.forEach { p -> field(p.field)?.error = Texts.settingsIssue(this, p.issue) }
                problems.firstNotNullOfOrNull { field(it.field) }?.requestFocus()
                return
            }
        }
        val s = app.settings
        s.merchant = merchant
        s.demoGateway = BARCODE_GATEWAYS[b.demoGateway.selectedItemPosition.coerceAtLeast(0)]
        s.demoMode = demo
        app.applySettings()
        Toast.makeText(this, R.string.settings_saved, Toast.LENGTH_SHORT).show()
        finish()
    }
}
