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

/// The demo's last step on each gateway: the day's report from its journal, printed, and held
/// against the sandbox's books: what the journal says was taken and not given back is what the
/// gateway holds for the merchant (payouts are money out of the account, not orders).
pub(crate) fn demo_day(
    engine: &posgate_core::engine::Engine,
    sandbox: &posgate_sandbox::Sandbox,
    from_ms: i64,
    tally: &mut crate::tally::Tally,
) {
    let g = engine.gateway().id();
    let to_ms = posgate_core::journal::now_ms() + 1;
    let outcome = shift::report(engine.journal(), from_ms, to_ms).map_err(|e| e.to_string()).and_then(|r| {
        print!("{}", table(&r));
        let mine: Vec<&GatewayShift> = r.gateways.iter().filter(|s| s.gateway == g.as_str()).collect();
        let kept: i128 = mine.iter().map(|s| s.net_fen as i128 + s.paid_out.amount.fen() as i128).sum();
        let charged = |s: posgate_sandbox::SimState| {
            use posgate_sandbox::SimState::*;
            matches!(s, Paid | PartiallyRefunded | Refunded)
        };
        let held: i128 = sandbox
            .orders()
            .iter()
            .filter(|o| o.gateway == g.as_str() && o.charges >= 1 && charged(o.state))
            .map(|o| o.amount as i128 - o.refunded as i128)
            .sum();
        let taken: u64 = mine.iter().map(|s| s.taken.count).sum();
        if kept == held {
            Ok(format!("{taken} payments taken, {} yuan kept: the sandbox's books agree", yuan(kept)))
        } else {
            Err(format!("the journal kept {} yuan, the sandbox holds {}", yuan(kept), yuan(held)))
        }
    });
    tally.check(g, "end of shift report", outcome);
}

fn yuan(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.unsigned_abs() / 100, fen.unsigned_abs() % 100)
}
