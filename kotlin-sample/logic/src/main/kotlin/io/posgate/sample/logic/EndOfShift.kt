package io.posgate.sample.logic

import io.posgate.beijingDay
import io.posgate.core.ShiftReport
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale
import java.util.TimeZone

data class EndOfShiftState(
    /** The Beijing day shown, yyyy-MM-dd. */
    val day: String,
    val busy: Boolean = false,
    val report: ShiftReport? = null,
    /** The report as the receipt printer prints it (32 columns). */
    val receipt: String = "",
    val error: PaymentError? = null,
) {
    /** Entries the cashier hands over unsettled or waiting for a person. */
    val openCount: Int get() = report?.gateways?.sumOf { it.open.size } ?: 0
    val net: Long get() = report?.gateways?.sumOf { it.netFen } ?: 0
}

/**
 * The "End of shift" screen (交班): the day's report from the library's journal (nothing is sent:
 * the journal holds every payment, refund and cancel), its receipt text, and what is still open.
 * The day is Beijing's, whatever the terminal's time zone.
 */
class EndOfShiftModel(private val scope: CoroutineScope, private val session: GateSource, today: String = beijingToday()) {
    private val current = MutableStateFlow(EndOfShiftState(day = today))
    val state: StateFlow<EndOfShiftState> = current.asStateFlow()

    /** Loads (again) the report of the shown day. */
    fun load(): Job = scope.launch {
        current.value = current.value.copy(busy = true, error = null)
        try {
            val gate = session.open().gate
            val report = withContext(Dispatchers.Default) {
                val range = beijingDay(current.value.day)
                gate.shiftReport(range.fromMs, range.toMs)
            }
            current.value = current.value.copy(busy = false, report = report, receipt = report.receipt)
        } catch (e: Exception) {
            current.value = current.value.copy(busy = false, error = PaymentError.from(e))
        }
    }

    /** Shows another day (yyyy-MM-dd) and loads it. */
    fun showDay(day: String): Job {
        current.value = EndOfShiftState(day = day.trim())
        return load()
    }

    companion object {
        fun beijingToday(now: Date = Date()): String =
            SimpleDateFormat("yyyy-MM-dd", Locale.ROOT).apply { timeZone = TimeZone.getTimeZone("Asia/Shanghai") }.format(now)
    }
}
