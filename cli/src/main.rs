//! `posgate`: the embedded-sandbox demo, the sandbox server, payments against real gateways or a
//! running sandbox, and the integrator's debugging tools.

mod debug;
mod demo;
mod demo_kuaishou;
mod demo_mmsp;
mod demo_qr;
mod merchant;
mod qr_pay;
mod report;
mod tally;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use posgate_core::engine::Engine;
use posgate_core::journal::{Entry, EntryKind, EntryState, Journal};
use posgate_core::qr::QrRecord;
use posgate_core::{
    connect, ids, Error, GatewayId, Money, PayRequest, PaymentEvent, PaymentListener, RefundRequest, TradeState,
};

#[derive(Parser)]
#[command(name = "posgate", version, about = "posgate: payments for Sunmi POS terminals, from the command line")]
struct Cli {
    /// Merchant configuration (TOML: gateway, base_url, environment, [credentials]) for real gateways.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Root URL of a running `posgate sandbox serve`; uses the sandbox's test credentials.
    #[arg(long, global = true, value_name = "ROOT_URL")]
    sandbox: Option<String>,
    /// More log output on stderr (-v: info, -vv: debug with HTTP traffic: URLs, field names, statuses and sizes, never values).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a cashier's day on every implemented gateway against the embedded sandbox.
    Demo {
        /// Only these gateways (repeatable).
        #[arg(long)]
        gateway: Vec<String>,
    },
    /// The gateway simulators.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Barcode payment; polls while the payer confirms. Last line: `final: <order-no> <state>`.
    Pay(PayArgs),
    /// QR payment: prints and draws the code the payer scans, polls until it is paid or expires
    /// (then closed; Ctrl-C closes it too). Last line: `final: <order-no> <state>`.
    QrPay(qr_pay::QrPayArgs),
    /// Query an order (a final answer settles the order's open journal entry).
    Query(OrderArgs),
    /// Refund all or part of an order.
    Refund(RefundArgs),
    /// Look up a refund.
    RefundQuery(RefundQueryArgs),
    /// Cancel (reverse) an order.
    Cancel(OrderArgs),
    /// Close an unpaid order, where the gateway distinguishes close from cancel.
    Close(OrderArgs),
    /// Record a card swipe that Sunmi's payment app took on the terminal: looked up by its order
    /// number (nothing that moves money is sent), then journalled settled (a sale; a refund or
    /// void of a recorded sale). Last line: `swipe: <order-id> <kind> <state>`.
    RecordSwipe(RecordSwipeArgs),
    /// Settle every journal entry a crash left open: query, reverse past the deadline, or mark
    /// needs attention; an open QR payment is followed until it is paid or its code expires
    /// (then closed). Prints `final: <number> <state>` per entry. Never charges again.
    Recover {
        #[arg(long, value_name = "FILE")]
        journal: PathBuf,
    },
    /// The payment journal.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// End of shift: what a journal's shift took, by state, wallet and method, what it refunded,
    /// cancelled and paid out, the net, and what is still open (a table, --json or --receipt).
    Report(report::ReportArgs),
    /// List every operation a gateway offers.
    Operations(GatewayArg),
    /// Call any operation of a gateway by name with its request as JSON; prints the JSON answer.
    Call(CallArgs),
    /// Integrator's tools: signatures, encryption, notifications.
    #[command(subcommand)]
    Debug(DebugCommand),
}

#[derive(Subcommand)]
enum JournalCommand {
    /// A table of every entry and its state (unsettled entries show right after a crash).
    List {
        #[arg(long, value_name = "FILE")]
        journal: PathBuf,
    },
}

#[derive(Subcommand)]
enum SandboxCommand {
    /// Serve all simulators on one port, each under /<gateway>; GET /_sandbox/orders at the root.
    Serve {
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

#[derive(Args)]
struct GatewayArg {
    /// sunmi, chaoying, kuaishou, mmsp or tlinx (taken from --config when omitted).
    #[arg(long)]
    gateway: Option<String>,
    /// Durable payment journal (SQLite). Without it the journal lives for this command only.
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
}

#[derive(Args)]
struct PayArgs {
    #[command(flatten)]
    gw: GatewayArg,
    /// Amount in fen (100 = 1.00 yuan).
    #[arg(long, allow_hyphen_values = true)]
    amount: String,
    /// The payer's barcode.
    #[arg(long)]
    auth_code: String,
    /// Merchant order number (generated when omitted). Reuse it to retry: never a new number
    /// while an earlier attempt's outcome is unknown.
    #[arg(long)]
    order_no: Option<String>,
    #[arg(long, default_value = "posgate")]
    subject: String,
    #[arg(long)]
    terminal_id: Option<String>,
}

#[derive(Args)]
struct OrderArgs {
    #[command(flatten)]
    gw: GatewayArg,
    #[arg(long)]
    order_no: String,
}

#[derive(Args)]
struct RecordSwipeArgs {
    #[command(flatten)]
    gw: GatewayArg,
    /// The swipe's order number (Sunmi's `orderId`, as the payment app handed it back).
    #[arg(long)]
    order_id: String,
    /// The swipe's day, yyyyMMdd (default: today, Beijing time).
    #[arg(long)]
    trade_date: Option<String>,
}

#[derive(Args)]
struct RefundArgs {
    #[command(flatten)]
    gw: GatewayArg,
    #[arg(long)]
    order_no: String,
    /// Merchant refund number (generated when omitted; reuse it to retry).
    #[arg(long)]
    refund_no: Option<String>,
    /// Refund amount in fen.
    #[arg(long, allow_hyphen_values = true)]
    amount: String,
    /// The order's total in fen (some gateways require it).
    #[arg(long, allow_hyphen_values = true)]
    total: Option<String>,
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Args)]
struct RefundQueryArgs {
    #[command(flatten)]
    gw: GatewayArg,
    #[arg(long)]
    order_no: String,
    #[arg(long)]
    refund_no: String,
}

#[derive(Args)]
struct CallArgs {
    #[command(flatten)]
    gw: GatewayArg,
    /// Operation name, as `posgate operations` lists it.
    operation: String,
    /// The operation's request as a JSON object (amounts in fen).
    #[arg(long, default_value = "{}")]
    params: String,
}

#[derive(Subcommand)]
enum DebugCommand {
    /// Print the canonical string and the signature of a set of fields.
    Sign {
        #[arg(long)]
        gateway: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        timestamp: Option<String>,
        /// JSON object of fields (kuaishou: the text to sign exactly as given, a body or cancelTrade's
        /// `chargeCode=..&busiCode=..`, with --timestamp; mmsp: the Body object).
        #[arg(long)]
        params: String,
    },
    /// Encrypt a payload as the gateway does (tlinx AES, kuaishou 3DES).
    Encrypt(CryptArgs),
    /// Decrypt a payload as the gateway does.
    Decrypt(CryptArgs),
    /// Verify a notification's signature: prints `valid` (exit 0) or `invalid: <reason>` (exit 1).
    VerifyNotify {
        #[arg(long)]
        gateway: String,
        #[arg(long, conflicts_with = "public_key", required_unless_present = "public_key")]
        key: Option<String>,
        /// The gateway's RSA public key, Base64 or PEM (sunmi).
        #[arg(long, allow_hyphen_values = true)]
        public_key: Option<String>,
        /// The received fields as a JSON object.
        #[arg(long)]
        params: String,
    },
}

#[derive(Args)]
struct CryptArgs {
    #[arg(long)]
    gateway: String,
    #[arg(long)]
    key: String,
    #[arg(long)]
    data: String,
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug,hyper=info,reqwest=info,h2=info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn gateway_for(cli: &Cli, gw: &GatewayArg) -> Result<Arc<dyn posgate_core::Gateway>, Error> {
    let cfg = merchant::resolve(cli.config.as_deref(), cli.sandbox.as_deref(), gw.gateway.as_deref())?;
    connect(cfg)
}

fn open_journal(path: Option<&Path>) -> Result<Arc<Journal>, Error> {
    Ok(Arc::new(match path {
        Some(p) => Journal::open(p)?,
        None => Journal::in_memory()?,
    }))
}

fn engine_for(cli: &Cli, gw: &GatewayArg) -> Result<Arc<Engine>, Error> {
    Engine::on_current_runtime(gateway_for(cli, gw)?, open_journal(gw.journal.as_deref())?)
}

/// Prints a payment's progress, one line per event.
struct Progress;

impl PaymentListener for Progress {
    fn on_event(&self, e: PaymentEvent) {
        match e {
            PaymentEvent::Submitted { order_no } => println!("submitted: {order_no}"),
            PaymentEvent::Paying { order_no } => println!("paying: {order_no}"),
            PaymentEvent::Poll { order_no, n, of } => println!("poll {n}/{of}: {order_no}"),
            PaymentEvent::Reversing { order_no } => println!("reversing: {order_no}"),
            PaymentEvent::WaitingForScan { order_no, expires_at_ms } => {
                println!("waiting for the scan: {order_no}, the code expires at {} UTC", utc(expires_at_ms))
            }
            PaymentEvent::Closing { order_no } => println!("closing: {order_no}"),
            PaymentEvent::NeedsAttention { order_no, reason } => println!("needs attention: {order_no}: {reason}"),
            PaymentEvent::Final { .. } => {}
        }
    }
}

/// What recovery prints of the QR payments it follows in the background (only they wait for
/// the scan or close): one line as each waits and as each closes.
struct QrFollowed;

impl PaymentListener for QrFollowed {
    fn on_event(&self, e: PaymentEvent) {
        if matches!(e, PaymentEvent::WaitingForScan { .. } | PaymentEvent::Closing { .. }) {
            Progress.on_event(e);
        }
    }
}

/// A payment's exit code: 0 paid, 1 not paid (failed, closed, reversed), 3 unknown or needing
/// a person (query it later under the same order number; never pay again under a new one).
/// Bad input and other errors exit 2, before anything is sent.
fn exit_for(state: TradeState) -> ExitCode {
    match state {
        TradeState::Paid => ExitCode::SUCCESS,
        TradeState::Unknown | TradeState::NeedsAttention => ExitCode::from(3),
        _ => ExitCode::FAILURE,
    }
}

/// An amount flag in fen (`--amount 1580`): digits only, more than zero; anything else is bad
/// input naming `field` (a one-line error, exit 2), where clap would print several lines.
pub(crate) fn fen_flag(text: &str, field: &str) -> Result<Money, Error> {
    let m = Money::parse_fen(text.trim(), field)?;
    if m.is_zero() {
        return Err(Error::invalid(field, "must be greater than zero"));
    }
    Ok(m)
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    match &cli.command {
        Command::Demo { gateway } => {
            let only = gateway.iter().map(|g| merchant::parse_gateway(g)).collect::<Result<Vec<_>, _>>()?;
            let ok = demo::run(&only).await.map_err(Error::internal)?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Sandbox(SandboxCommand::Serve { port }) => {
            let sandbox = posgate_sandbox::Sandbox::start_with(*port, posgate_sandbox::SandboxOptions::default())
                .await
                .map_err(|e| Error::config(format!("cannot listen on port {port}: {e}")))?;
            for g in posgate_sandbox::SIMULATED {
                println!("sandbox {g}: {}", sandbox.base_url(*g));
            }
            eprintln!("orders: GET {}/_sandbox/orders; Ctrl-C stops", sandbox.root_url());
            tokio::signal::ctrl_c().await.map_err(|e| Error::internal(e.to_string()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pay(a) => {
            let engine = engine_for(&cli, &a.gw)?;
            let req = PayRequest {
                order_no: a.order_no.clone().unwrap_or_else(|| ids::new_order_no("PG")),
                amount: fen_flag(&a.amount, "amount")?,
                auth_code: a.auth_code.clone(),
                subject: a.subject.clone(),
                terminal_id: a.terminal_id.clone(),
                store_id: None,
            };
            let r = engine.pay(req, Some(Arc::new(Progress))).await?;
            if let Some(code) = &r.gateway_code {
                println!("gateway: {code} {}", r.message.as_deref().unwrap_or(""));
            }
            println!("final: {} {}", r.order_no, r.state);
            Ok(exit_for(r.state))
        }
        Command::QrPay(a) => qr_pay::run(&cli, a).await,
        Command::Query(a) => {
            let r = engine_for(&cli, &a.gw)?.query(&a.order_no).await?;
            print_json(&r)?;
            println!("state: {} {}", r.order_no, r.state);
            Ok(ExitCode::SUCCESS)
        }
        Command::Refund(a) => {
            let req = RefundRequest {
                order_no: a.order_no.clone(),
                refund_no: a.refund_no.clone().unwrap_or_else(|| ids::new_order_no("PGR")),
                refund_amount: fen_flag(&a.amount, "amount")?,
                total_amount: a.total.as_deref().map(|t| fen_flag(t, "total")).transpose()?,
                reason: a.reason.clone(),
            };
            let r = engine_for(&cli, &a.gw)?.refund(&req).await?;
            print_json(&r)?;
            println!("refund: {} {}", r.refund_no, r.state);
            Ok(ExitCode::SUCCESS)
        }
        Command::RefundQuery(a) => {
            let r = engine_for(&cli, &a.gw)?.refund_query(&a.order_no, &a.refund_no).await?;
            print_json(&r)?;
            println!("refund: {} {}", r.refund_no, r.state);
            Ok(ExitCode::SUCCESS)
        }
        Command::Cancel(a) => {
            let r = engine_for(&cli, &a.gw)?.cancel(&a.order_no).await?;
            print_json(&r)?;
            println!("final: {} {}", r.order_no, r.state);
            Ok(ExitCode::SUCCESS)
        }
        Command::Close(a) => {
            let r = engine_for(&cli, &a.gw)?.close(&a.order_no).await?;
            print_json(&r)?;
            println!("final: {} {}", r.order_no, r.state);
            Ok(ExitCode::SUCCESS)
        }
        Command::RecordSwipe(a) => {
            let r = engine_for(&cli, &a.gw)?.record_swipe(&a.order_id, a.trade_date.clone()).await?;
            print_json(&r)?;
            let not_final = if r.journalled { "" } else { " (not final: not journalled, record it again later)" };
            println!("swipe: {} {} {}{not_final}", r.order_no, r.kind.as_str(), r.state);
            Ok(ExitCode::SUCCESS)
        }
        Command::Recover { journal } => recover(&cli, journal).await,
        Command::Journal(JournalCommand::List { journal }) => {
            let journal = Journal::open(journal)?;
            print!("{}", journal_table(&journal.list()?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(a) => {
            let differs = report::run(a, cli.config.as_deref(), cli.sandbox.as_deref()).await?;
            Ok(if differs { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::Operations(a) => {
            let gw = gateway_for(&cli, a)?;
            for op in gw.operations() {
                println!("{:<24} {:<9} {}", op.name, op.effect, op.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Call(a) => {
            let params: serde_json::Value =
                serde_json::from_str(&a.params).map_err(|e| Error::invalid("params", format!("not JSON: {e}")))?;
            let out = engine_for(&cli, &a.gw)?.invoke(&a.operation, params).await?;
            print_json(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Debug(d) => run_debug(d),
    }
}

/// Recovery over every gateway that has unsettled entries, each with the configuration the
/// command line gives (`--config` for its gateway, `--sandbox` for any). Open QR payments are
/// followed in the background until paid or expired (then closed): the command waits for them
/// and prints how they ended, after everything else.
async fn recover(cli: &Cli, path: &Path) -> Result<ExitCode, Error> {
    let journal = open_journal(Some(path))?;
    let mut gateways: Vec<GatewayId> = journal.unsettled()?.iter().map(|e| e.gateway).collect();
    gateways.sort();
    gateways.dedup();
    let mut attention = false;
    let mut followed = Vec::new();
    for g in gateways {
        let cfg = merchant::resolve(cli.config.as_deref(), cli.sandbox.as_deref(), Some(g.as_str()))?;
        let engine = Engine::on_current_runtime(connect(cfg)?, journal.clone())?;
        engine.set_reporter(Some(Arc::new(QrFollowed)));
        let mut open = Vec::new();
        for r in engine.recover().await? {
            if r.kind == EntryKind::Payment && !r.state.is_settled() && is_qr_payment(&journal, g, &r.number)? {
                open.push(r);
                continue;
            }
            attention |= print_recovered(&r.number, r.state, r.note.as_deref());
        }
        followed.push((engine, open));
    }
    for (engine, open) in followed {
        engine.wait_idle().await;
        for r in open {
            let entry = journal.get(r.kind, engine.gateway().id(), &r.number)?;
            let (state, note) = entry.map(|e| (e.state, e.note)).unwrap_or((r.state, r.note));
            attention |= print_recovered(&r.number, state, note.as_deref());
        }
    }
    Ok(if attention { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Whether the journal's payment `number` is a QR payment (its request carries the expiry).
fn is_qr_payment(journal: &Journal, g: GatewayId, number: &str) -> Result<bool, Error> {
    let entry = journal.get(EntryKind::Payment, g, number)?;
    Ok(entry.is_some_and(|e| QrRecord::expiry_of(&e.request).is_some()))
}

/// `final: <number> <state>`, after a note when it needs attention (then true).
fn print_recovered(number: &str, state: EntryState, note: Option<&str>) -> bool {
    let attention = state == EntryState::NeedsAttention;
    match note {
        Some(note) if attention => println!("note: {number} {note}"),
        _ => {}
    }
    println!("final: {number} {state}");
    attention
}

fn journal_table(entries: &[Entry]) -> String {
    let mut out = format!(
        "{:<8} {:<9} {:<34} {:>12} {:<16} {:>3} {:<19} {}\n",
        "kind", "gateway", "number", "amount", "state", "try", "updated (UTC)", "note"
    );
    for e in entries {
        let line = format!(
            "{:<8} {:<9} {:<34} {:>12} {:<16} {:>3} {:<19} {}",
            e.kind.as_str(),
            e.gateway.as_str(),
            e.number,
            e.amount.to_yuan(),
            e.state.as_str(),
            e.attempts,
            utc(e.updated_at_ms),
            e.note.as_deref().unwrap_or("")
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `YYYY-MM-DD HH:MM:SS` in UTC from Unix milliseconds.
fn utc(ms: i64) -> String {
    posgate_core::clock::civil(ms.div_euclid(1000), 0).to_string()
}

fn run_debug(cmd: &DebugCommand) -> Result<ExitCode, Error> {
    match cmd {
        DebugCommand::Sign { gateway, key, timestamp, params } => {
            println!("{}", debug::sign(gateway, key, timestamp.as_deref(), params)?);
            Ok(ExitCode::SUCCESS)
        }
        DebugCommand::Encrypt(a) => {
            println!("{}", debug::crypt(true, &a.gateway, &a.key, &a.data)?);
            Ok(ExitCode::SUCCESS)
        }
        DebugCommand::Decrypt(a) => {
            println!("{}", debug::crypt(false, &a.gateway, &a.key, &a.data)?);
            Ok(ExitCode::SUCCESS)
        }
        DebugCommand::VerifyNotify { gateway, key, public_key, params } => {
            match debug::verify_notify(gateway, key.as_deref(), public_key.as_deref(), params)? {
                Ok(()) => {
                    println!("valid");
                    Ok(ExitCode::SUCCESS)
                }
                Err(reason) => {
                    println!("invalid: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(1_497_957_842_000), "2017-06-20 11:24:02");
        assert_eq!(utc(951_868_799_000), "2000-02-29 23:59:59");
    }
}
