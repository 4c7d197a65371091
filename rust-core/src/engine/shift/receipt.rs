//! The shift report as a receipt: 32 columns (a 58 mm printer's line in its default font),
//! amounts in yuan right-aligned, Beijing time.

use super::{GatewayShift, ShiftReport, Tally};
use crate::beijing;

const WIDTH: usize = 32;

pub(super) fn render(r: &ShiftReport) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(center("SHIFT REPORT 交班"));
    line(format!("from {}", beijing::format(r.from_ms)));
    line(format!("to   {}", beijing::format(r.to_ms)));
    if r.gateways.is_empty() {
        line(rule());
        line("nothing in this shift".into());
    }
    for g in &r.gateways {
        gateway(&mut line, g);
    }
    line(rule());
    out
}

fn gateway(line: &mut impl FnMut(String), g: &GatewayShift) {
    line(rule());
    line(clip(&format!("{} {}", g.gateway, g.merchant)));
    line(row(&g.taken, "taken"));
    for t in &g.taken_by_wallet {
        line(row(t, &format!("  {}", t.key)));
    }
    for t in &g.taken_by_method {
        line(row(t, &format!("  {}", t.key)));
    }
    line(row(&g.refunded, "refunded"));
    line(row(&g.cancelled, "cancelled"));
    if g.paid_out.count > 0 {
        line(row(&g.paid_out, "paid out"));
    }
    line(columns("net", "", &yuan_signed(g.net_fen)));
    line("payments by state".into());
    for t in &g.payments {
        line(row(t, &format!("  {}", t.key)));
    }
    if !g.open.is_empty() {
        line(format!("OPEN: {} to hand over", g.open.len()));
        for o in &g.open {
            line(clip(&format!("{} {} {}", o.kind, o.number, o.state)));
            line(clip(&format!("  {} yuan: {}", o.amount.to_yuan(), o.reason)));
        }
    }
}

fn row(t: &Tally, label: &str) -> String {
    columns(label, &t.count.to_string(), &t.amount.to_yuan())
}

/// label, count and amount on one line of WIDTH columns (CJK characters count as two).
fn columns(label: &str, count: &str, amount: &str) -> String {
    let right = format!("{count:>4} {amount:>11}");
    let room = WIDTH.saturating_sub(right.len() + 1);
    let label = clip_to(label, room);
    let pad = room.saturating_sub(width(&label)) + 1;
    format!("{label}{}{right}", " ".repeat(pad))
}

fn yuan_signed(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn rule() -> String {
    "-".repeat(WIDTH)
}

fn center(s: &str) -> String {
    format!("{}{s}", " ".repeat(WIDTH.saturating_sub(width(s)) / 2))
}

fn clip(s: &str) -> String {
    clip_to(s, WIDTH)
}

/// At most `room` columns of `s`, on a character boundary.
fn clip_to(s: &str, room: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + char_width(c) > room {
            break;
        }
        out.push(c);
    }
    out
}

pub(super) fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// CJK ideographs and full-width forms take two columns on a receipt printer.
fn char_width(c: char) -> usize {
    if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
    {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_the_paper() {
        for (label, amount) in
            [("taken", "123456789.00"), ("  wechat", "0.01"), ("一个很长很长的商户名称和网关", "1.00")]
        {
            let l = columns(label, "12", amount);
            assert!(width(&l) <= WIDTH, "{l:?} is {} wide", width(&l));
        }
        // The printer's columns, not chars: an ideograph or a full-width form takes two.
        assert_eq!((width("商户A"), width("ＡＢ"), width("wechat 0.01")), (5, 4, 11));
        let l = columns("一个很长很长的商户名称和网关", "12", "1.00");
        let cjk = l.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
        assert!(l.chars().count() + cjk <= WIDTH, "{l:?}");
        assert_eq!(yuan_signed(-150), "-1.50");
        assert_eq!(yuan_signed(5), "0.05");
    }
}
