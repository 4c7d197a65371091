//! `posgate report`: the end-of-shift report of a journal file, as a table or JSON.

use std::path::{Path, PathBuf};

use clap::Args;
use posgate_core::engine::shift::reconcile::{self, Reconciliation};
use posgate_core::engine::shift::{self, beijing, GatewayShift, ShiftReport, Tally};
use posgate_core::journal::{Journal, Method};
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
    /// Also hold the range against each gateway (with --config or --sandbox): every entry
    /// checked, the gateway's orders the journal does not know listed where the gateway lists
    /// orders. Exits 1 when there are differences.
    #[arg(long)]
    reconcile: bool,
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

/// Prints the report (and the reconciliation); answers whether reconciliation found differences.
pub(crate) async fn run(a: &ReportArgs, config: Option<&Path>, sandbox: Option<&str>) -> Result<bool, Error> {
    if !a.journal.exists() {
        return Err(Error::invalid("journal", format!("{} does not exist", a.journal.display())));
    }
    let (from_ms, to_ms) = range(a.from.as_deref(), a.to.as_deref(), posgate_core::journal::now_ms())?;
    let journal = Journal::open(&a.journal)?;
    let report = shift::report(&journal, from_ms, to_ms)?;
    let mut checks = Vec::new();
    if a.reconcile {
        let mut gateways: Vec<&str> = report.gateways.iter().map(|g| g.gateway.as_str()).collect();
        gateways.dedup();
        for g in gateways {
            let gw = posgate_core::connect(crate::merchant::resolve(config, sandbox, Some(g))?)?;
            checks.push(reconcile::reconcile(gw, &journal, from_ms, to_ms, reconcile::Pace::default()).await?);
        }
    }
    if a.json {
        let out = serde_json::json!({ "report": report, "reconciliation": checks });
        let text = if a.reconcile { serde_json::to_string_pretty(&out) } else { serde_json::to_string_pretty(&report) };
        println!("{}", text.map_err(|e| Error::internal(e.to_string()))?);
    } else if a.receipt {
        print!("{}", report.receipt);
    } else {
        print!("{}", table(&report));
        for c in &checks {
            print!("{}", reconciliation_table(c));
        }
    }
    Ok(checks.iter().any(|c| !c.differences.is_empty()))
}

fn reconciliation_table(c: &Reconciliation) -> String {
    let how = match &c.listed {
        Some(covers) => format!("its list ({covers}) and queries"),
        None => "a query per entry (it lists no orders)".to_string(),
    };
    let mut out = format!("\nreconciliation {}: {} entries checked through {how}\n", c.gateway, c.checked);
    for d in &c.differences {
        let money = |m: Option<posgate_core::Money>| m.map_or("-".to_string(), |m| m.to_yuan());
        out.push_str(&format!(
            "  DIFF {:<18} {} {}: journal {} {}, gateway {} {}\n",
            format!("{:?}", d.kind),
            d.entry_kind,
            d.number,
            d.journal_state.as_deref().unwrap_or("-"),
            money(d.journal_amount),
            d.gateway_state.as_deref().unwrap_or("-"),
            money(d.gateway_amount)
        ));
    }
    for n in &c.unanswered {
        out.push_str(&format!("  UNANSWERED {n}: ask again later\n"));
    }
    for n in &c.unverifiable {
        out.push_str(&format!("  UNVERIFIABLE {n}: the gateway's order cannot show where its money went\n"));
    }
    if c.differences.is_empty() && c.unanswered.is_empty() && c.unverifiable.is_empty() {
        out.push_str("  no differences\n");
    }
    out
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
/// gateway holds for the merchant (payouts are money out of the account, not orders), its orders
/// and the terminal's card trades the journal recorded (fixed trades, not orders of the store).
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
        let orders: i128 = sandbox
            .orders()
            .iter()
            .filter(|o| o.gateway == g.as_str() && o.charges >= 1 && charged(o.state))
            .map(|o| o.amount as i128 - o.refunded as i128)
            .sum();
        let cards: i128 = engine
            .journal()
            .begun_between(from_ms, to_ms)
            .map_err(|e| e.to_string())?
            .iter()
            .filter(|e| e.gateway == g && e.origin.method == Some(Method::Card))
            .filter_map(|e| posgate_sandbox::sunmi::swipe_held(&e.number))
            .map(i128::from)
            .sum();
        let held = orders + cards;
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
