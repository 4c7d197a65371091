//! `posgate qr-pay`: the payer scans the merchant's code. The command creates the order, prints
//! the code's content and draws it in the terminal, shows the engine's progress while the payer
//! scans and pays, and ends with `final: <order-no> <state>` (`paid`, or `closed` once the code
//! expired unpaid or the cashier pressed Ctrl-C).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;
use posgate_core::journal::now_ms;
use posgate_core::transport::{Transport, TransportConfig};
use posgate_core::{
    connect, ids, qr_matrix, Error, GatewayId, PaymentEvent, PaymentListener, QrMatrix, QrPaymentRequest, TradeState,
    Wallet,
};

use crate::{engine_for, exit_for, Cli, GatewayArg};

#[derive(Args)]
pub(crate) struct QrPayArgs {
    #[command(flatten)]
    gw: GatewayArg,
    /// Amount in fen (100 = 1.00 yuan).
    #[arg(long, allow_hyphen_values = true)]
    amount: String,
    /// wechat, alipay, unionpay, qq or jd (default: the gateway's aggregated code, or its first
    /// wallet where it has none).
    #[arg(long)]
    wallet: Option<String>,
    /// Merchant order number (generated when omitted). A QR payment is never sent twice: an
    /// order number already in the journal is refused.
    #[arg(long)]
    order_no: Option<String>,
    /// How long the code may be paid, in seconds (5 to 7200; default: the gateway's). The
    /// order is then closed.
    #[arg(long, value_name = "SECONDS")]
    expire: Option<u32>,
    /// Goods description shown to the payer.
    #[arg(long, default_value = "posgate")]
    subject: String,
    /// The merchant server's address for the gateway's notification (MMSP requires one; with
    /// --sandbox the default is the sandbox's stand-in, <root>/_sandbox/notify).
    #[arg(long)]
    notify_url: Option<String>,
    #[arg(long)]
    terminal_id: Option<String>,
    /// Sandbox only: a simulated payer pays the order through the sandbox this many seconds
    /// after the code is shown (without it a sandbox order stays unpaid until it expires).
    #[arg(long, value_name = "SECONDS")]
    pay_after: Option<f64>,
    /// The terminal draws dark text on a light background: draw the dark modules as glyphs.
    #[arg(long)]
    light_terminal: bool,
}

pub(crate) async fn run(cli: &Cli, a: &QrPayArgs) -> Result<ExitCode, Error> {
    // Everything the command line can get wrong is refused before anything is sent.
    let pay_after = match (a.pay_after, cli.sandbox.as_deref()) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(Error::invalid(
                "pay_after",
                "the simulated payer pays through the sandbox: only with --sandbox",
            ))
        }
        (Some(s), Some(root)) => Some((
            Duration::try_from_secs_f64(s)
                .map_err(|_| Error::invalid("pay_after", "a number of seconds, 0 or more"))?,
            root.trim_end_matches('/').to_string(),
        )),
    };
    let amount = crate::fen_flag(&a.amount, "amount")?;
    let wallet = a
        .wallet
        .as_deref()
        .map(|w| {
            Wallet::parse(w).ok_or_else(|| {
                Error::invalid("wallet", format!("unknown wallet {w:?} (wechat, alipay, unionpay, qq, jd)"))
            })
        })
        .transpose()?;
    let engine = engine_for(cli, &a.gw)?;
    let gw = engine.gateway().id();
    let rules = engine.gateway().qr_rules().ok_or_else(|| no_qr_codes(gw))?;
    let wallet = match wallet {
        Some(w) => Some(w),
        None if rules.aggregated => None,
        None => rules.wallets.first().copied(),
    };
    let notify_url = a.notify_url.clone().or_else(|| cli.sandbox.as_deref().map(sandbox_notify_url));
    let req = QrPaymentRequest {
        order_no: a.order_no.clone().unwrap_or_else(|| ids::new_order_no("PGQ")),
        amount,
        subject: a.subject.clone(),
        wallet,
        expire_seconds: a.expire,
        notify_url,
        terminal_id: a.terminal_id.clone(),
        store_id: None,
    };
    // Listening before the order exists: a Ctrl-C from now on closes it rather than killing the
    // process with the order open.
    let mut interrupts = Interrupts::new()?;
    let progress = Arc::new(QrProgress::new(std::io::stdout().is_terminal()));
    let qr = engine.start_qr_payment(req, Some(progress.clone())).await?;
    let no = qr.code.order_no.clone();
    let wallet_name = wallet.map(Wallet::as_str).unwrap_or("any wallet");
    println!("order: {no} {amount} yuan {wallet_name}");
    println!("qr: {}", qr.code.content);
    match qr_matrix(&qr.code.content) {
        Ok(m) => print!("{}", draw(&m, a.light_terminal)),
        Err(e) => eprintln!("warning: cannot draw the code ({e}); show the qr: line's content as a QR code"),
    }
    progress.release();
    let payer = match pay_after {
        Some((delay, root)) => {
            let http = Transport::new(TransportConfig { allow_http: true, ..Default::default() })
                .map_err(|e| Error::internal(e.to_string()))?;
            let url = format!("{root}/_sandbox/pay/{gw}/{no}");
            let (progress, no) = (progress.clone(), no.clone());
            Some(tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                match http.post_form(&url, &[]).await {
                    Ok(_) => progress.line(format!("payer: paid {no} through the sandbox")),
                    Err(e) => progress.line(format!("payer: the sandbox did not pay {no}: {e}")),
                }
            }))
        }
        None => None,
    };
    let result = tokio::select! {
        r = qr.handle.result() => r,
        _ = interrupts.recv() => {
            progress.line(format!("interrupted: closing {no}"));
            qr.handle.cancel();
            tokio::select! {
                r = qr.handle.result() => r,
                _ = interrupts.recv() => {
                    progress.finish();
                    let after = match &a.gw.journal {
                        Some(j) => format!("posgate recover --journal {} settles it", j.display()),
                        None => "query it, and close it if it is still open".to_string(),
                    };
                    eprintln!("error: interrupted again: {no} was not closed, its outcome is unknown; {after}");
                    return Ok(ExitCode::from(3));
                }
            }
        }
    };
    // A poll can see the order paid before the payer's own request has its answer: the payer's
    // line comes first, so that `final:` stays the last line. A payer that has not paid by the
    // end (the order closed first) is called off.
    if let Some(payer) = payer {
        if matches!(&result, Ok(r) if r.state == TradeState::Paid) {
            let _ = tokio::time::timeout(Duration::from_secs(5), payer).await;
        } else {
            payer.abort();
        }
    }
    progress.finish();
    let r = result?;
    if let Some(code) = &r.gateway_code {
        println!("gateway: {code} {}", r.message.as_deref().unwrap_or(""));
    }
    println!("final: {} {}", r.order_no, r.state);
    Ok(exit_for(r.state))
}

/// The notify URL of a QR payment against a sandbox at `root`: the sandbox's stand-in for the
/// merchant's server, `<root>/_sandbox/notify`, which answers any notification (GET or POST).
pub(crate) fn sandbox_notify_url(root: &str) -> String {
    format!("{}/_sandbox/notify", root.trim_end_matches('/'))
}

/// Sunmi has no merchant-presented code: say so, and which gateways have one.
fn no_qr_codes(gw: GatewayId) -> Error {
    let with: Vec<&str> = GatewayId::ALL
        .into_iter()
        .filter(|g| {
            posgate_sandbox::test_config(*g, "http://127.0.0.1")
                .and_then(|cfg| connect(cfg).ok())
                .is_some_and(|gw| gw.qr_rules().is_some())
        })
        .map(GatewayId::as_str)
        .collect();
    Error::invalid("gateway", format!("{gw} has no QR payments (the payer scans a code); {} have", with.join(", ")))
}

/// Ctrl-C, listened for from the moment this is made (a signal that arrives before the first
/// `recv` is kept, not lost).
struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
    #[cfg(windows)]
    signal: tokio::signal::windows::CtrlC,
}

impl Interrupts {
    fn new() -> Result<Interrupts, Error> {
        #[cfg(unix)]
        let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
        #[cfg(windows)]
        let signal = tokio::signal::windows::ctrl_c();
        Ok(Interrupts { signal: signal.map_err(|e| Error::internal(format!("cannot listen for Ctrl-C: {e}")))? })
    }

    async fn recv(&mut self) {
        if self.signal.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}

/// The QR payment's progress on stdout. Events that arrive while the code is being drawn wait
/// for it, so the code comes first. On a terminal the poll lines overwrite one another, so the
/// code stays on the screen for the payer's phone; piped, every event is a line of its own.
struct QrProgress {
    tty: bool,
    state: Mutex<ProgressState>,
}

#[derive(Default)]
struct ProgressState {
    /// Lines held back until the code is drawn; `None` once it is.
    held: Option<Vec<String>>,
    expires_at_ms: Option<i64>,
    /// A poll line is on the screen without its newline (terminal only).
    transient: bool,
}

impl QrProgress {
    fn new(tty: bool) -> QrProgress {
        QrProgress { tty, state: Mutex::new(ProgressState { held: Some(Vec::new()), ..Default::default() }) }
    }

    /// The code is on the screen: the held lines follow it.
    fn release(&self) {
        let Ok(mut s) = self.state.lock() else { return };
        for line in s.held.take().unwrap_or_default() {
            println!("{line}");
        }
    }

    /// A line of its own.
    fn line(&self, text: String) {
        let Ok(mut s) = self.state.lock() else { return };
        self.put(&mut s, text, false);
    }

    /// Ends a transient poll line before the command's last lines.
    fn finish(&self) {
        let Ok(mut s) = self.state.lock() else { return };
        if s.transient {
            println!();
            s.transient = false;
        }
    }

    fn put(&self, s: &mut ProgressState, text: String, transient: bool) {
        if let Some(held) = &mut s.held {
            held.push(text);
            return;
        }
        let mut out = std::io::stdout().lock();
        if s.transient {
            // Over the poll line on the screen.
            let _ = write!(out, "\r\x1b[2K");
        }
        let transient = transient && self.tty;
        let _ = if transient { write!(out, "{text}") } else { writeln!(out, "{text}") };
        let _ = out.flush();
        s.transient = transient;
    }
}

impl PaymentListener for QrProgress {
    fn on_event(&self, e: PaymentEvent) {
        let Ok(mut s) = self.state.lock() else { return };
        let left = |s: &ProgressState| s.expires_at_ms.map(|at| ((at - now_ms()).max(0) as u64).div_ceil(1000));
        match e {
            PaymentEvent::WaitingForScan { order_no, expires_at_ms } => {
                s.expires_at_ms = Some(expires_at_ms);
                let secs = left(&s).unwrap_or(0);
                self.put(&mut s, format!("waiting for the scan: {order_no}, the code expires in {secs} s"), false);
            }
            PaymentEvent::Poll { order_no, n, of } => {
                let text = match left(&s) {
                    Some(secs) => format!("poll {n}/{of}: {order_no}, {secs} s left"),
                    None => format!("poll {n}/{of}: {order_no}"),
                };
                self.put(&mut s, text, true);
            }
            PaymentEvent::Closing { order_no } => self.put(&mut s, format!("closing: {order_no}"), false),
            PaymentEvent::NeedsAttention { order_no, reason } => {
                self.put(&mut s, format!("needs attention: {order_no}: {reason}"), false)
            }
            PaymentEvent::Submitted { order_no } => self.put(&mut s, format!("submitted: {order_no}"), false),
            PaymentEvent::Paying { order_no } => self.put(&mut s, format!("paying: {order_no}"), false),
            PaymentEvent::Reversing { order_no } => self.put(&mut s, format!("reversing: {order_no}"), false),
            // The command prints the result itself.
            PaymentEvent::Final { .. } => {}
        }
    }
}

/// The quiet zone around a QR code, in modules, as the standard asks.
const QUIET_ZONE: i64 = 4;

/// Draws `m` with Unicode half blocks, two module rows per text line, inside a quiet zone of
/// four light modules; every line is `size + 8` characters wide.
///
/// A glyph is the terminal's ink, the background shows through a space. A typical terminal
/// draws light ink on a dark background, and a wallet's scanner wants what the QR standard
/// prints, dark modules on light: so by default the *light* modules (and the quiet zone) are
/// the glyphs and the dark modules the dark background, and the code on the screen reads
/// dark-on-light. An inverted code (light-on-dark) is what most phone scanners fail on. On a
/// terminal with dark ink on a light background `ink_is_dark` draws the dark modules instead.
pub(crate) fn draw(m: &QrMatrix, ink_is_dark: bool) -> String {
    let size = i64::from(m.size);
    let side = size + 2 * QUIET_ZONE;
    // Whether the module at (x, y), counted from the quiet zone's corner, is drawn as a glyph.
    // The row below the quiet zone (the last line's lower half when `side` is odd) is no part
    // of the picture: background.
    let ink = |x: i64, y: i64| {
        if y >= side {
            return false;
        }
        let (cx, cy) = (x - QUIET_ZONE, y - QUIET_ZONE);
        let dark = (0..size).contains(&cx) && (0..size).contains(&cy) && m.is_dark(cx as u32, cy as u32);
        dark == ink_is_dark
    };
    let mut out = String::new();
    for y in (0..side).step_by(2) {
        for x in 0..side {
            out.push(match (ink(x, y), ink(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the drawing back into modules (`true`: a glyph's half).
    fn read_back(drawing: &str) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in drawing.lines() {
            let (top, bottom): (Vec<bool>, Vec<bool>) = line
                .chars()
                .map(|c| match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    ' ' => (false, false),
                    other => panic!("unexpected {other:?}"),
                })
                .unzip();
            rows.push(top);
            rows.push(bottom);
        }
        rows
    }

    #[test]
    fn drawn_light_modules_are_glyphs_within_a_quiet_zone() {
        let m = qr_matrix("weixin://wxpay/bizpayurl?pr=abc123").unwrap();
        let side = m.size as usize + 8;
        let drawing = draw(&m, false);
        assert_eq!(drawing.lines().count(), side.div_ceil(2));
        assert!(drawing.lines().all(|l| l.chars().count() == side), "{drawing}");
        let rows = read_back(&drawing);
        for (y, row) in rows.iter().enumerate().take(side) {
            for (x, &glyph) in row.iter().enumerate() {
                let (cx, cy) = (x as i64 - 4, y as i64 - 4);
                let inside = (0..m.size as i64).contains(&cx) && (0..m.size as i64).contains(&cy);
                let dark = inside && m.is_dark(cx as u32, cy as u32);
                assert_eq!(glyph, !dark, "({x},{y})");
            }
        }
        // The padding half-row below the quiet zone (side is odd) is background.
        assert_eq!(side % 2, 1);
        assert!(rows[side].iter().all(|g| !g));
        // Four rows of quiet zone: two lines of full blocks; then the top-left finder's first
        // column, dark in both rows: a space after four full blocks.
        assert!(drawing.lines().take(2).all(|l| l.chars().all(|c| c == '█')), "{drawing}");
        assert!(drawing.lines().nth(2).unwrap().starts_with("████ "), "{drawing}");
    }

    #[test]
    fn light_terminal_draws_the_dark_modules() {
        let m = qr_matrix("https://qr.alipay.com/bax00000").unwrap();
        let side = m.size as usize + 8;
        let rows = read_back(&draw(&m, true));
        for (y, row) in rows.iter().enumerate().take(side) {
            for (x, &glyph) in row.iter().enumerate() {
                let (cx, cy) = (x as i64 - 4, y as i64 - 4);
                let inside = (0..m.size as i64).contains(&cx) && (0..m.size as i64).contains(&cy);
                assert_eq!(glyph, inside && m.is_dark(cx as u32, cy as u32), "({x},{y})");
            }
        }
    }
}
