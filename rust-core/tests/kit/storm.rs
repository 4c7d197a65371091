//! The fault storms' common summary: each storm (barcode and refunds, QR, payouts) prints one
//! `storm-summary` line per gateway and seed, which `scripts/soak.sh` adds up into its
//! `soak: N payments, L lost, D charged twice, A needs attention` line.

/// What a storm's problem says about the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Charged (or paid out, or sent) more than once.
    Twice,
    /// The journal and the gateway's books disagree about where money is.
    Lost,
    /// Anything else the storm checks (an unsettled entry, a refused retry, ...).
    Other,
}

/// Sorts a storm's problem line.
pub fn classify(problem: &str) -> Problem {
    let twice = ["charged ", "paid out ", "sent "].iter().any(|w| problem.contains(w) && problem.contains(" times"))
        || problem.contains("under one number")
        || problem.contains("saw the number twice")
        || problem.contains("sent again");
    if twice {
        return Problem::Twice;
    }
    let lost = [
        "not accounted",
        "missing from the journal",
        "holds the money",
        "journal paid",
        "not in the journal",
        "does not know",
        "in the books, journal not",
        "the books not",
        "gateway refunded",
    ];
    if lost.iter().any(|w| problem.contains(w)) {
        Problem::Lost
    } else {
        Problem::Other
    }
}

/// Prints the `storm-summary` line of one storm run.
pub fn summary(kind: &str, gateway: &str, seed: u64, payments: usize, problems: &[String], needs_attention: usize) {
    let count = |p: Problem| problems.iter().filter(|l| classify(l) == p).count();
    println!(
        "storm-summary {kind} {gateway} seed {seed}: {payments} payments, {} lost, {} charged twice, \
         {needs_attention} needs attention, {} other problems",
        count(Problem::Lost),
        count(Problem::Twice),
        count(Problem::Other)
    );
}
