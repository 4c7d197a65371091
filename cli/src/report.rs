//! `posgate report`: the end-of-shift report of a journal file, as a table or JSON.

use std::path::PathBuf;

use clap::Args;
use posgate_core::journal::Journal;
use posgate_core::shift::{self, beijing, GatewayShift, ShiftReport, Tally};
use posgate_core::Error;

#[derive(Args)]
pub(crate) struct ReportArgs {
    #[arg(long, value_name = "FILE")]
    journal: PathBuf,
    /// Start, Beijing time: YYYY-MM-DD, "YYYY-MM-DD HH:MM[:SS]" or epoch ms (default: today 00:00).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// End, excluded, same forms (default: FROM's next midnight, or now for today).
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Print the receipt text (32 columns) instead of a table.
    #[arg(long, conflicts_with = "json")]
    receipt: bool,
}

/// The range the flags name: `--from` defaults to today's Beijing midnight, `--to` to the end
/// of `--from`'s day.
pub(crate) fn range(from: Option<&str>, to: Option<&str>, now_ms: i64) -> Result<(i64, i64), Error> {
    let today = beijing::format(now_ms)[..10].to_string();
    let from_ms = match from {
        Some(f) => beijing::parse(f, "from")?,
        None => beijing::day(&today, "from")?.0,
    };
    let to_ms = match to {
        Some(t) => beijing::parse(t, "to")?,
        None => beijing::day(&beijing::format(from_ms)[..10], "to")?.1,
    };
    shift::check_range(from_ms, to_ms)?;
    Ok((from_ms, to_ms))
}

pub(crate) fn run(a: &ReportArgs) -> Result<(), Error> {
    if !a.journal.exists() {
        return Err(Error::invalid("journal", format!("{} does not exist", a.journal.display())));
    }
    let (from_ms, to_ms) = range(a.from.as_deref(), a.to.as_deref(), posgate_core::journal::now_ms())?;
    let report = shift::report(&Journal::open(&a.journal)?, from_ms, to_ms)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| Error::internal(e.to_string()))?);
    } else if a.receipt {
        print!("{}", report.receipt());
    } else {
        print!("{}", table(&report));
    }
    Ok(())
}

/// The report as a table, one block per gateway and merchant.
pub(crate) fn table(r: &ShiftReport) -> String {
    let mut out = format!("shift {} to {} (Beijing time)\n", beijing::format(r.from_ms), beijing::format(r.to_ms));
    if r.gateways.is_empty() {
        out.push_str("nothing in this shift\n");
    }
    for g in &r.gateways {
        block(&mut out, g);
    }
    out
}

fn block(out: &mut String, g: &GatewayShift) {
    let row = |out: &mut String, label: &str, t: &Tally| {
        out.push_str(&format!("  {label:<24} {:>6} {:>14}\n", t.count, t.amount.to_yuan()));
    };
    out.push_str(&format!("\n{} merchant {}\n", g.gateway, g.merchant));
    out.push_str(&format!("  {:<24} {:>6} {:>14}\n", "", "count", "yuan"));
    row(out, "taken", &g.taken);
    for t in &g.taken_by_wallet {
        row(out, &format!("  wallet {}", t.key), t);
    }
    for t in &g.taken_by_method {
        row(out, &format!("  method {}", t.key), t);
    }
    row(out, "refunded", &g.refunded);
    row(out, "cancelled", &g.cancelled);
    row(out, "paid out", &g.paid_out);
    let (sign, abs) = if g.net_fen < 0 { ("-", g.net_fen.unsigned_abs()) } else { ("", g.net_fen as u64) };
    out.push_str(&format!("  {:<24} {:>6} {:>14}\n", "net", "", format!("{sign}{}.{:02}", abs / 100, abs % 100)));
    for t in &g.payments {
        row(out, &format!("payments {}", t.key), t);
    }
    for o in &g.open {
        out.push_str(&format!(
            "  OPEN {} {} {} {} yuan: {}\n",
            o.kind,
            o.number,
            o.state,
            o.amount.to_yuan(),
            o.reason
        ));
    }
}
