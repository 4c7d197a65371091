//! The durable journal: every payment, refund, cancel and payout is written BEFORE its request is sent
//! and updated on every answer, in an embedded SQLite database (WAL, synchronous=FULL), so a
//! crash at any instant leaves a journal that says what may have reached the gateway.
//!
//! Each write is one statement, hence one transaction: there is no instant at which an entry is
//! half-written. The schema is versioned with `PRAGMA user_version` and migrated on open.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::Error;
use crate::money::Money;
use crate::trade::GatewayId;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Payment,
    Refund,
    Cancel,
    /// Money out of the merchant's account to a payee (MMSP 代付), keyed by its payout number.
    Payout,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
            EntryKind::Cancel => "cancel",
            EntryKind::Payout => "payout",
        }
    }

    fn parse(s: &str) -> Option<EntryKind> {
        [EntryKind::Payment, EntryKind::Refund, EntryKind::Cancel, EntryKind::Payout]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Where an entry stands. `Pending` is written before the first send; `Paying`, `Unknown` and
/// `Reversing` are in flight; the rest are settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    Pending,
    Paying,
    Unknown,
    Reversing,
    Paid,
    Failed,
    Closed,
    Reversed,
    Refunded,
    NeedsAttention,
}

impl EntryState {
    pub const ALL: [EntryState; 10] = [
        EntryState::Pending,
        EntryState::Paying,
        EntryState::Unknown,
        EntryState::Reversing,
        EntryState::Paid,
        EntryState::Failed,
        EntryState::Closed,
        EntryState::Reversed,
        EntryState::Refunded,
        EntryState::NeedsAttention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Paying => "paying",
            EntryState::Unknown => "unknown",
            EntryState::Reversing => "reversing",
            EntryState::Paid => "paid",
            EntryState::Failed => "failed",
            EntryState::Closed => "closed",
            EntryState::Reversed => "reversed",
            EntryState::Refunded => "refunded",
            EntryState::NeedsAttention => "needs_attention",
        }
    }

    pub fn parse(s: &str) -> Option<EntryState> {
        EntryState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Settled: nothing more will happen without a person (or a new request) acting.
    pub fn is_settled(self) -> bool {
        !matches!(self, EntryState::Pending | EntryState::Paying | EntryState::Unknown | EntryState::Reversing)
    }
}

impl std::fmt::Display for EntryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Note on a `Failed` entry whose request provably never left: it may be sent again under the
/// same number.
pub const NOT_SENT: &str = "not sent";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub kind: EntryKind,
    pub gateway: GatewayId,
    /// Order number (payments, cancels), refund number (refunds) or payout number (payouts).
    pub number: String,
    /// The order the entry belongs to.
    pub order_no: String,
    pub amount: Money,
    pub state: EntryState,
    /// How many times the request was sent (or may have been).
    pub attempts: u32,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// First time the request may have left: the gateway's clocks (earliest reverse, deadline)
    /// count from here.
    pub first_sent_at_ms: Option<i64>,
    pub last_answer: Option<String>,
    pub note: Option<String>,
    /// The request as JSON (barcodes masked): enough to query, reverse or refund, never to pay.
    pub request: String,
    /// Where the entry came from (method, wallet, merchant), for the shift report.
    pub origin: Origin,
}

/// How a payment was taken, as the end-of-shift report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// The payer's code scanned by the terminal.
    Barcode,
    /// The terminal's code scanned by the payer.
    Qr,
    /// Face pay.
    Face,
    /// A pre-order the payer completes elsewhere (JSAPI, mini-program, H5, app).
    Prepay,
    /// A bank card (or a code scanned by the terminal's own payment app) taken by the payment
    /// app of Sunmi's financial terminal, not by posgate: recorded once its lookup is final
    /// (`Engine::record_swipe`), never sent, never queried by the ordinary query.
    Card,
}

impl Method {
    pub const ALL: [Method; 5] = [Method::Barcode, Method::Qr, Method::Face, Method::Prepay, Method::Card];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Barcode => "barcode",
            Method::Qr => "qr",
            Method::Face => "face",
            Method::Prepay => "prepay",
            Method::Card => "card",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// What the journal knows of an entry's origin besides its request. Each part is `None` when
/// not known when the entry was begun (the wallet of a pre-order is known from its answer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub method: Option<Method>,
    /// The wallet's plain name ("wechat", "alipay", "unionpay", ...).
    pub wallet: Option<String>,
    /// The merchant the gateway's configuration names.
    pub merchant: Option<String>,
}

impl Entry {
    /// A failed entry whose request never left may be sent again under the same number.
    pub fn resendable(&self) -> bool {
        self.state == EntryState::Failed && self.note.as_deref() == Some(NOT_SENT)
    }
}

/// Result of [`Journal::begin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// A new entry: send the request.
    New(Entry),
    /// The number was used before with the same amount: resume or report it, never charge anew.
    Existing(Entry),
}

/// A new entry, as [`Journal::record_settled`] (and [`Journal::begin_from`]) write it.
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    pub kind: EntryKind,
    pub gateway: GatewayId,
    /// Order, refund or payout number: with kind and gateway, the entry's key.
    pub number: &'a str,
    /// What to name in the error when the number was used before for another amount or order.
    pub number_field: &'a str,
    /// The order the entry belongs to.
    pub order_no: &'a str,
    pub amount: Money,
    /// The request as JSON (never a secret).
    pub request: &'a str,
    pub origin: &'a Origin,
}

pub use crate::clock::now_ms;

/// Runs `f` again while SQLite answers "database is locked" at once (see `Journal::init`), for
/// as long as the busy timeout.
fn retry_locked<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> Result<T, Error> {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match f() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < until =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other.map_err(db_err),
        }
    }
}

fn db_err(e: rusqlite::Error) -> Error {
    Error::internal(format!("journal: {e}"))
}

const MIGRATIONS: &[&str] = &[
    // 1: entries and received notifications.
    "CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        gateway TEXT NOT NULL,
        number TEXT NOT NULL,
        order_no TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount >= 0),
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        first_sent_at INTEGER,
        last_answer TEXT,
        note TEXT,
        request TEXT NOT NULL,
        UNIQUE (kind, gateway, number)
     );
     CREATE INDEX entries_state ON entries (state);
     CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        gateway TEXT NOT NULL,
        order_no TEXT NOT NULL,
        state TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        fields TEXT NOT NULL,
        UNIQUE (gateway, order_no, state)
     );",
    // 2: payouts. `kind` is free text, so the table needs no change; the version moves so that an
    // older posgate, which cannot read a "payout" row (its `unsettled()` would fail on it), refuses
    // the file as newer instead of failing recovery. The index serves the payout follow-up's and
    // `refunds_of`'s lookups by kind and order.
    "CREATE INDEX entries_kind_order ON entries (kind, gateway, order_no);",
    // 3: what the end-of-shift report groups by: the payment's method (barcode, qr, face,
    // prepay), the wallet where known when the entry is begun, and the merchant the gateway's
    // configuration names. Rows from before stay NULL (reported as "unknown"); the index serves
    // the report's time range.
    "ALTER TABLE entries ADD COLUMN method TEXT;
     ALTER TABLE entries ADD COLUMN wallet TEXT;
     ALTER TABLE entries ADD COLUMN merchant TEXT;
     CREATE INDEX entries_created ON entries (created_at);",
];

pub struct Journal {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

const COLUMNS: &str = "id, kind, gateway, number, order_no, amount, state, attempts, created_at, updated_at, \
                       first_sent_at, last_answer, note, request, method, wallet, merchant";

impl Journal {
    /// Opens (creating if needed) the journal at `path` and migrates it.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal, Error> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|e| Error::config(format!("journal {}: {e}", path.display())))?;
        Journal::init(conn)
    }

    /// A journal that lives as long as the process (no path configured).
    pub fn in_memory() -> Result<Journal, Error> {
        Journal::init(Connection::open_in_memory().map_err(db_err)?)
    }

    fn init(mut conn: Connection) -> Result<Journal, Error> {
        // Wait for other connections to the same file (another process opening it) before
        // anything else needs a lock.
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_err)?;
        // WAL: readers never block the writer and a crash mid-write rolls back cleanly;
        // synchronous=FULL: a committed entry survives power loss, which is the whole point.
        // Switching a new file to WAL takes an exclusive lock that SQLite does not wait for
        // through the busy handler: another connection opening the same file at that instant
        // gets "database is locked" at once, so the switch is retried within the same timeout.
        retry_locked(|| conn.pragma_update(None, "journal_mode", "WAL"))?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(db_err)?;
        // The version is read and migrated under one write lock, so two connections opening a
        // new file at once do not both create the tables.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_err)?;
        if version as usize > MIGRATIONS.len() {
            return Err(Error::config(format!(
                "journal schema version {version} is newer than this posgate ({})",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql).map_err(db_err)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64).map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        Ok(Journal { conn: Mutex::new(conn) })
    }

    /// Runs one statement on the connection. A statement SQLite refuses with "database is
    /// locked" did not apply, so it is run again (within the busy timeout): another process's
    /// connection to the same file must never cost a payment its journal write.
    fn with<T>(&self, f: impl Fn(&Connection) -> rusqlite::Result<T>) -> Result<T, Error> {
        let conn = self.conn.lock().map_err(|_| Error::internal("journal lock poisoned"))?;
        retry_locked(|| f(&conn))
    }

    pub fn schema_version(&self) -> Result<i64, Error> {
        self.with(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
    }

    /// Writes a new entry in state `Pending`, or returns the existing one for the same number.
    /// The same number with a different amount is refused (field `number_field`) before
    /// anything is sent.
    #[allow(clippy::too_many_arguments)]
    pub fn begin(
        &self,
        kind: EntryKind,
        gateway: GatewayId,
        number: &str,
        number_field: &str,
        order_no: &str,
        amount: Money,
        request: &str,
    ) -> Result<Begin, Error> {
        self.begin_from(kind, gateway, number, number_field, order_no, amount, request, &Origin::default())
    }

    /// [`Journal::begin`], recording where the entry came from.
    #[allow(clippy::too_many_arguments)]
    pub fn begin_from(
        &self,
        kind: EntryKind,
        gateway: GatewayId,
        number: &str,
        number_field: &str,
        order_no: &str,
        amount: Money,
        request: &str,
        origin: &Origin,
    ) -> Result<Begin, Error> {
        self.insert(&NewEntry { kind, gateway, number, number_field, order_no, amount, request, origin }, None)
    }

    /// Writes `new` already settled in `state`, with its answer, in one statement: a movement
    /// that happened elsewhere and is only recorded here (a card swipe taken by the terminal's
    /// payment app), so no crash can leave it pending for recovery to send or query. The number
    /// used before answers the existing entry, unchanged (as [`Journal::begin`], refusing
    /// another amount or order).
    pub fn record_settled(&self, new: &NewEntry<'_>, state: EntryState, answer: &str) -> Result<Begin, Error> {
        if !state.is_settled() {
            return Err(Error::internal(format!("journal: {} recorded as {state}, which is not settled", new.number)));
        }
        self.insert(new, Some((state, answer)))
    }

    /// Writes a new entry: pending (`settled` `None`), or settled with its answer and counted as
    /// sent when written. A number used before answers its entry, or is refused for another
    /// amount or order.
    fn insert(&self, new: &NewEntry<'_>, settled: Option<(EntryState, &str)>) -> Result<Begin, Error> {
        let NewEntry { kind, gateway, number, number_field, order_no, amount, request, origin } = *new;
        let now = now_ms();
        let state = settled.map_or(EntryState::Pending, |(s, _)| s);
        let inserted = self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO entries (kind, gateway, number, order_no, amount, state, created_at, updated_at,
                 first_sent_at, last_answer, request, method, wallet, merchant)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    kind.as_str(),
                    gateway.as_str(),
                    number,
                    order_no,
                    amount.fen_i64(),
                    state.as_str(),
                    now,
                    settled.map(|_| now),
                    settled.map(|(_, answer)| answer),
                    request,
                    origin.method.map(Method::as_str),
                    origin.wallet,
                    origin.merchant
                ],
            )
        })?;
        let entry = self.get(kind, gateway, number)?.ok_or_else(|| Error::internal("journal: entry vanished"))?;
        if inserted == 1 {
            return Ok(Begin::New(entry));
        }
        reuse(&entry, number_field, order_no, amount)?;
        Ok(Begin::Existing(entry))
    }

    /// Refuses, as [`Journal::begin`] would, a number used before for another amount or order,
    /// without writing anything (a check before the request's other checks).
    pub fn check_reuse(
        &self,
        kind: EntryKind,
        gateway: GatewayId,
        number: &str,
        number_field: &str,
        order_no: &str,
        amount: Money,
    ) -> Result<(), Error> {
        match self.get(kind, gateway, number)? {
            Some(entry) => reuse(&entry, number_field, order_no, amount),
            None => Ok(()),
        }
    }

    /// Records that the request is about to be sent (again): written before the send, so a
    /// crash right after still shows the request may have reached the gateway.
    pub fn mark_sending(&self, id: i64) -> Result<Entry, Error> {
        let now = now_ms();
        self.with(|c| {
            c.execute(
                "UPDATE entries SET attempts = attempts + 1, first_sent_at = COALESCE(first_sent_at, ?2),
                 updated_at = ?2, note = CASE WHEN note = ?3 THEN NULL ELSE note END,
                 state = CASE WHEN state = 'failed' AND note = ?3 THEN 'pending' ELSE state END
                 WHERE id = ?1",
                params![id, now, NOT_SENT],
            )
        })?;
        self.by_id(id)
    }

    /// Updates the state after an answer (or a lack of one).
    pub fn update(
        &self,
        id: i64,
        state: EntryState,
        last_answer: Option<&str>,
        note: Option<&str>,
    ) -> Result<(), Error> {
        let now = now_ms();
        self.with(|c| {
            c.execute(
                "UPDATE entries SET state = ?2, updated_at = ?3, last_answer = COALESCE(?4, last_answer),
                 note = COALESCE(?5, note) WHERE id = ?1",
                params![id, state.as_str(), now, last_answer, note],
            )
        })?;
        Ok(())
    }

    pub fn get(&self, kind: EntryKind, gateway: GatewayId, number: &str) -> Result<Option<Entry>, Error> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE kind = ?1 AND gateway = ?2 AND number = ?3"),
                params![kind.as_str(), gateway.as_str(), number],
                row_to_entry,
            )
            .optional()
        })
    }

    pub fn by_id(&self, id: i64) -> Result<Entry, Error> {
        self.with(|c| c.query_row(&format!("SELECT {COLUMNS} FROM entries WHERE id = ?1"), params![id], row_to_entry))
    }

    /// Entries not yet settled, oldest first (what recovery resumes).
    pub fn unsettled(&self) -> Result<Vec<Entry>, Error> {
        self.query("WHERE state IN ('pending', 'paying', 'unknown', 'reversing') ORDER BY id")
    }

    /// Every entry, oldest first.
    pub fn list(&self) -> Result<Vec<Entry>, Error> {
        self.query("ORDER BY id")
    }

    /// Entries begun in `[from_ms, to_ms)`, oldest first (a shift's movements).
    pub fn begun_between(&self, from_ms: i64, to_ms: i64) -> Result<Vec<Entry>, Error> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM entries WHERE created_at >= ?1 AND created_at < ?2 ORDER BY id"
            ))?;
            let rows = st.query_map(params![from_ms, to_ms], row_to_entry)?;
            rows.collect()
        })
    }

    /// Entries begun before `to_ms` and not settled, or needing a person, whenever begun: what
    /// a shift hands over unfinished.
    pub fn open_before(&self, to_ms: i64) -> Result<Vec<Entry>, Error> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM entries WHERE created_at < ?1
                 AND state IN ('pending', 'paying', 'unknown', 'reversing', 'needs_attention') ORDER BY id"
            ))?;
            let rows = st.query_map(params![to_ms], row_to_entry)?;
            rows.collect()
        })
    }

    /// Refund entries of one order.
    pub fn refunds_of(&self, gateway: GatewayId, order_no: &str) -> Result<Vec<Entry>, Error> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM entries WHERE kind = 'refund' AND gateway = ?1 AND order_no = ?2 ORDER BY id"
            ))?;
            let rows = st.query_map(params![gateway.as_str(), order_no], row_to_entry)?;
            rows.collect()
        })
    }

    /// Payments of `gateway` taken by `method` whose request holds `text` exactly (a fragment
    /// of its JSON, e.g. `"trade_ref":"454800001"`), newest first: how a card refund finds its
    /// sale by the sale's reference number (the bundled SQLite has no JSON functions, so the
    /// caller parses the candidates to confirm).
    pub fn payments_with(&self, gateway: GatewayId, method: Method, text: &str) -> Result<Vec<Entry>, Error> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM entries WHERE kind = 'payment' AND gateway = ?1 AND method = ?2
                 AND instr(request, ?3) > 0 ORDER BY id DESC"
            ))?;
            let rows = st.query_map(params![gateway.as_str(), method.as_str(), text], row_to_entry)?;
            rows.collect()
        })
    }

    fn query(&self, tail: &str) -> Result<Vec<Entry>, Error> {
        self.with(|c| {
            let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM entries {tail}"))?;
            let rows = st.query_map([], row_to_entry)?;
            rows.collect()
        })
    }

    /// Records a received notification. Returns false when the same (order, state) was
    /// recorded before: a duplicate delivery.
    pub fn record_notification(
        &self,
        gateway: GatewayId,
        order_no: &str,
        state: &str,
        fields: &str,
    ) -> Result<bool, Error> {
        let n = self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO notifications (gateway, order_no, state, received_at, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![gateway.as_str(), order_no, state, now_ms(), fields],
            )
        })?;
        Ok(n == 1)
    }
}

/// A number used before must come again with the same amount and order.
fn reuse(entry: &Entry, number_field: &str, order_no: &str, amount: Money) -> Result<(), Error> {
    let number = &entry.number;
    if entry.amount != amount {
        return Err(Error::invalid(
            number_field,
            format!(
                "{number} was already used for {} yuan; a retry must use the same amount, a new charge a new number",
                entry.amount
            ),
        ));
    }
    if entry.order_no != order_no {
        return Err(Error::invalid(number_field, format!("{number} was already used for order {}", entry.order_no)));
    }
    Ok(())
}

fn row_to_entry(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let bad = |col: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, what.into())
    };
    let kind: String = r.get(1)?;
    let gateway: String = r.get(2)?;
    let state: String = r.get(6)?;
    let amount: i64 = r.get(5)?;
    Ok(Entry {
        id: r.get(0)?,
        kind: EntryKind::parse(&kind).ok_or_else(|| bad(1, format!("kind {kind}")))?,
        gateway: GatewayId::parse(&gateway).ok_or_else(|| bad(2, format!("gateway {gateway}")))?,
        number: r.get(3)?,
        order_no: r.get(4)?,
        amount: Money::from_fen(amount, "amount").map_err(|e| bad(5, e.to_string()))?,
        state: EntryState::parse(&state).ok_or_else(|| bad(6, format!("state {state}")))?,
        attempts: r.get::<_, i64>(7)?.clamp(0, u32::MAX as i64) as u32,
        created_at_ms: r.get(8)?,
        updated_at_ms: r.get(9)?,
        first_sent_at_ms: r.get(10)?,
        last_answer: r.get(11)?,
        note: r.get(12)?,
        request: r.get(13)?,
        origin: Origin {
            // A method this posgate does not know (a newer one wrote it) reads as unknown.
            method: r.get::<_, Option<String>>(14)?.as_deref().and_then(Method::parse),
            wallet: r.get(15)?,
            merchant: r.get(16)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(n: i64) -> Money {
        Money::from_fen(n, "a").unwrap()
    }

    #[test]
    fn begin_is_idempotent_and_refuses_a_different_amount() {
        let j = Journal::in_memory().unwrap();
        let Begin::New(e) =
            j.begin(EntryKind::Payment, GatewayId::Tlinx, "A1", "order_no", "A1", fen(100), "{}").unwrap()
        else {
            panic!("new expected")
        };
        assert_eq!(e.state, EntryState::Pending);
        assert_eq!(e.attempts, 0);
        let again = j.begin(EntryKind::Payment, GatewayId::Tlinx, "A1", "order_no", "A1", fen(100), "{}").unwrap();
        assert!(matches!(again, Begin::Existing(ref x) if x.id == e.id));
        let err = j.begin(EntryKind::Payment, GatewayId::Tlinx, "A1", "order_no", "A1", fen(101), "{}").unwrap_err();
        assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "order_no"), "{err:?}");
        // Same number at another gateway, or as another kind, is another entry.
        assert!(matches!(
            j.begin(EntryKind::Payment, GatewayId::Chaoying, "A1", "order_no", "A1", fen(5), "{}").unwrap(),
            Begin::New(_)
        ));
        assert!(matches!(
            j.begin(EntryKind::Refund, GatewayId::Tlinx, "A1", "refund_no", "A1", fen(5), "{}").unwrap(),
            Begin::New(_)
        ));
    }

    #[test]
    fn sending_and_updates_persist_across_reopen() {
        let dir = std::env::temp_dir().join(format!("posgate-journal-{}-{}", std::process::id(), now_ms()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.db");
        {
            let j = Journal::open(&path).unwrap();
            assert_eq!(j.schema_version().unwrap(), MIGRATIONS.len() as i64);
            let Begin::New(e) = j
                .begin(EntryKind::Payment, GatewayId::Chaoying, "B1", "order_no", "B1", fen(250), "{\"a\":1}")
                .unwrap()
            else {
                panic!()
            };
            let e = j.mark_sending(e.id).unwrap();
            assert_eq!(e.attempts, 1);
            assert!(e.first_sent_at_ms.is_some());
            j.update(e.id, EntryState::Paying, Some("{\"trade_state\":\"USERPAYING\"}"), None).unwrap();
        }
        let j = Journal::open(&path).unwrap();
        let list = j.unsettled().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].state, EntryState::Paying);
        assert_eq!(list[0].amount.fen(), 250);
        assert_eq!(list[0].last_answer.as_deref(), Some("{\"trade_state\":\"USERPAYING\"}"));
        j.update(list[0].id, EntryState::Paid, None, None).unwrap();
        assert!(j.unsettled().unwrap().is_empty());
        assert_eq!(j.list().unwrap()[0].last_answer.as_deref(), Some("{\"trade_state\":\"USERPAYING\"}"));
        let mode: String = j.with(|c| c.pragma_query_value(None, "journal_mode", |r| r.get(0))).unwrap();
        assert_eq!(mode, "wal");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn not_sent_entries_may_be_sent_again() {
        let j = Journal::in_memory().unwrap();
        let Begin::New(e) =
            j.begin(EntryKind::Payment, GatewayId::Tlinx, "C1", "order_no", "C1", fen(1), "{}").unwrap()
        else {
            panic!()
        };
        j.mark_sending(e.id).unwrap();
        j.update(e.id, EntryState::Failed, None, Some(NOT_SENT)).unwrap();
        let Begin::Existing(e) =
            j.begin(EntryKind::Payment, GatewayId::Tlinx, "C1", "order_no", "C1", fen(1), "{}").unwrap()
        else {
            panic!()
        };
        assert!(e.resendable());
        let e = j.mark_sending(e.id).unwrap();
        assert_eq!((e.state, e.attempts, e.note.as_deref()), (EntryState::Pending, 2, None));
    }

    #[test]
    fn duplicate_notifications_are_recognised() {
        let j = Journal::in_memory().unwrap();
        assert!(j.record_notification(GatewayId::Chaoying, "A1", "paid", "{}").unwrap());
        assert!(!j.record_notification(GatewayId::Chaoying, "A1", "paid", "{}").unwrap());
        assert!(j.record_notification(GatewayId::Chaoying, "A1", "refunded", "{}").unwrap());
    }

    #[test]
    fn opened_by_many_at_once() {
        let dir = std::env::temp_dir().join(format!("posgate-journal-many-{}-{}", std::process::id(), now_ms()));
        std::fs::create_dir_all(&dir).unwrap();
        for round in 0..5 {
            let path = dir.join(format!("j{round}.db"));
            let opened: Vec<_> = std::thread::scope(|s| {
                let openers: Vec<_> = (0..4).map(|_| s.spawn(|| Journal::open(&path))).collect();
                openers.into_iter().map(|t| t.join().unwrap()).collect()
            });
            for j in opened {
                assert_eq!(j.unwrap().schema_version().unwrap(), MIGRATIONS.len() as i64, "round {round}");
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn payouts_are_their_own_kind_and_a_version_1_file_migrates() {
        let dir = std::env::temp_dir().join(format!("posgate-journal-p-{}-{}", std::process::id(), now_ms()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.db");
        {
            // A file written by a posgate before payouts: schema 1, one payment.
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute(
                "INSERT INTO entries (kind, gateway, number, order_no, amount, state, created_at, updated_at, request)
                 VALUES ('payment', 'mmsp', 'P1', 'P1', 5, 'paid', 1, 1, '{}')",
                [],
            )
            .unwrap();
        }
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.schema_version().unwrap(), 3);
        let old = &j.list().unwrap()[0];
        assert_eq!(old.kind, EntryKind::Payment);
        // Written before schema 3: its origin reads unknown.
        assert_eq!(old.origin, Origin::default());
        // The same number as a payout is another entry, read back as a payout.
        let Begin::New(e) = j.begin(EntryKind::Payout, GatewayId::Mmsp, "P1", "order_no", "P1", fen(7), "{}").unwrap()
        else {
            panic!()
        };
        assert_eq!(j.by_id(e.id).unwrap().kind, EntryKind::Payout);
        // Schema 3 keeps what it is given of an entry's origin.
        let origin = Origin { method: Some(Method::Qr), wallet: Some("alipay".into()), merchant: Some("M1".into()) };
        let Begin::New(q) =
            j.begin_from(EntryKind::Payment, GatewayId::Mmsp, "Q1", "order_no", "Q1", fen(9), "{}", &origin).unwrap()
        else {
            panic!()
        };
        assert_eq!(j.by_id(q.id).unwrap().origin, origin);
        assert_eq!(j.unsettled().unwrap().len(), 2);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = std::env::temp_dir().join(format!("posgate-journal-v-{}-{}", std::process::id(), now_ms()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.db");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        assert!(matches!(Journal::open(&path), Err(Error::Configuration { .. })));
        std::fs::remove_dir_all(&dir).ok();
    }
}
