package io.posgate.sample.ui

import android.content.Context
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.util.AttributeSet
import android.view.View
import io.posgate.core.QrMatrix
import io.posgate.sample.R
import kotlin.math.max
import kotlin.math.min

/**
 * Draws a QR code from posgate's `qrMatrix(content)`: the modules row by row, dark on white, with
 * the four-module light quiet zone scanners need around the code, as large as the view allows in
 * whole pixels per module (crisp edges scan better than scaled ones). Square; centred.
 */
class QrCodeView @JvmOverloads constructor(
    context: Context,
    attrs: AttributeSet? = null,
    defStyleAttr: Int = 0,
) : View(context, attrs, defStyleAttr) {

    /** The code to draw; null draws nothing but the light background. */
    var matrix: QrMatrix? = null
        set(value) {
            if (field == value) return
            field = value
            size = value?.size?.toInt() ?: 0
            dark = value?.modules?.toBooleanArray() ?: BooleanArray(0)
            contentDescription = if (value == null) null else context.getString(R.string.qr_code_description)
            invalidate()
        }

    private var size = 0
    private var dark = BooleanArray(0)

    private val ink = Paint().apply {
        color = Color.BLACK
        style = Paint.Style.FILL
        isAntiAlias = false
    }

    override fun onMeasure(widthMeasureSpec: Int, heightMeasureSpec: Int) {
        // The largest square the parent allows (a code is never stretched).
        val w = MeasureSpec.getSize(widthMeasureSpec)
        val h = MeasureSpec.getSize(heightMeasureSpec)
        val wMode = MeasureSpec.getMode(widthMeasureSpec)
        val hMode = MeasureSpec.getMode(heightMeasureSpec)
        val side = when {
            wMode == MeasureSpec.UNSPECIFIED && hMode == MeasureSpec.UNSPECIFIED -> suggestedMinimumWidth
            wMode == MeasureSpec.UNSPECIFIED -> h
            hMode == MeasureSpec.UNSPECIFIED -> w
            else -> min(w, h)
        }
        setMeasuredDimension(resolveSize(side, widthMeasureSpec), resolveSize(side, heightMeasureSpec))
    }

    override fun onDraw(canvas: Canvas) {
        super.onDraw(canvas)
        // Light whatever the theme: the quiet zone and the light modules must be light.
        canvas.drawColor(Color.WHITE)
        val n = size
        if (n == 0) return
        val availW = width - paddingLeft - paddingRight
        val availH = height - paddingTop - paddingBottom
        val modules = n + 2 * QUIET_ZONE
        val cell = max(1, min(availW, availH) / modules)
        val side = cell * modules
        val left = paddingLeft + (availW - side) / 2 + QUIET_ZONE * cell
        val top = paddingTop + (availH - side) / 2 + QUIET_ZONE * cell
        for (y in 0 until n) {
            val row = y * n
            val t = (top + y * cell).toFloat()
            var x = 0
            while (x < n) {
                if (!dark[row + x]) {
                    x++
                    continue
                }
                // One rectangle per run of dark modules in the row.
                val start = x
                while (x < n && dark[row + x]) x++
                canvas.drawRect((left + start * cell).toFloat(), t, (left + x * cell).toFloat(), t + cell, ink)
            }
        }
    }

    private companion object {
        /** Light modules around the code (ISO/IEC 18004 asks for four). */
        const val QUIET_ZONE = 4
    }
}
