//! The SQLite engine: one file in WAL mode, the SDK DBStore's `oauthtoken` table, an index per lookup
//! key, BEGIN IMMEDIATE around every write. Opening checks the file before SQLite touches it, creates a
//! new store atomically with mode 0600, adopts an SDK-made table, and migrates older zts files in place.

use crate::engine::write_queue::{HeldTurn, Turn, WriteQueue};
use crate::engine::{columns_to_set, Engine, Key, WriteTxn};
use crate::error::{Error, Result};
use crate::lease::Lease;
use crate::options::{Options, Synchronous};
use crate::token::{unpackable, Token, FIELDS};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, Row, TransactionBehavior};
use std::borrow::Cow;
use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// PRAGMA application_id of a zts store: "zts1".
pub const APPLICATION_ID: i32 = 0x7a74_7331;

/// Schema steps: step `n` (1-based) takes a file from user_version n-1 to n. Version 0 is a file
/// without zts marks: empty, or holding the SDK's `oauthtoken` table, which step 1 leaves as it is.
pub const MIGRATIONS: [&str; 4] = [
    // 1: the SDK DBStore table (same names and column order, so SDK code and the sqlite3 shell read it),
    //    unique ids, and an index for each key the SDK rules match on.
    "CREATE TABLE IF NOT EXISTS oauthtoken (
        id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255),
        client_secret varchar(255), refresh_token varchar(255), access_token varchar(255),
        grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255),
        api_domain varchar(255), PRIMARY KEY (id));
     CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_id ON oauthtoken(id);
     CREATE INDEX IF NOT EXISTS oauthtoken_user_name ON oauthtoken(user_name);
     CREATE INDEX IF NOT EXISTS oauthtoken_access_token ON oauthtoken(access_token);
     CREATE INDEX IF NOT EXISTS oauthtoken_grant_token ON oauthtoken(grant_token);
     CREATE INDEX IF NOT EXISTS oauthtoken_refresh_token ON oauthtoken(refresh_token);",
    // 2: ids in numeric order, for list and for the next id (text order puts "10" before "9").
    "CREATE INDEX IF NOT EXISTS oauthtoken_numeric_id ON oauthtoken(CAST(id AS INTEGER), id);",
    // 3: the largest id ever stored, so that a deleted token's id is never issued again.
    "CREATE TABLE IF NOT EXISTS zts_last_id (last INTEGER NOT NULL);
     INSERT INTO zts_last_id SELECT max(0, coalesce(max(CAST(id AS INTEGER)), 0)) FROM oauthtoken;",
    // 4: refresh leases (see `lease`): who refreshes which token until when.
    "CREATE TABLE IF NOT EXISTS zts_lease (
        lease_key TEXT PRIMARY KEY NOT NULL, holder TEXT NOT NULL, until_ms INTEGER NOT NULL) WITHOUT ROWID;",
];

pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Pages a handle keeps in memory, in KiB (PRAGMA cache_size, negative). SQLite's default, 2 MiB, holds
/// under a third of a 10,000-token store (about 6 MB), so a find there read a page from the file every
/// second or third call; 8 MiB holds it whole (a find at 10,000 tokens: 6.8 to 5.9 µs). Memory is
/// taken only as pages are read, so a small store costs no more.
const CACHE_KIB: i64 = 8 * 1024;

/// Whether the table has step 1's `oauthtoken_id` beside a primary key of exactly (id), which is
/// itself a unique index on id (every table zts creates, and the SDK's, has one): the same index twice,
/// one more page written by every save and delete. `DROP_DUPLICATE_ID_INDEX` removes it; step 1 keeps
/// making it, as a table adopted without a primary key needs it for unique ids. No schema version:
/// a zts that still makes the index works the same without it.
const HAS_DUPLICATE_ID_INDEX: &str = "SELECT coalesce(
     EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'oauthtoken_id')
     AND (SELECT group_concat(name) FROM pragma_table_info('oauthtoken') WHERE pk > 0) = 'id', 0)";
const DROP_DUPLICATE_ID_INDEX: &str = "DROP INDEX IF EXISTS oauthtoken_id";

/// The ten columns in SDK order, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain"
    };
}

/// The lookup on one column. Column names are literals; values are always bound. No ORDER BY: zts
/// never stores a user_name twice, and when two rows share a token an index scan returns them in rowid
/// (insertion) order anyway; "ORDER BY rowid" made every lookup three times slower (see the README
/// benchmark).
macro_rules! select_where {
    ($column:literal) => {
        concat!("SELECT ", columns!(), " FROM oauthtoken WHERE ", $column, " = ?1 LIMIT 1")
    };
}

pub struct SqliteEngine {
    conn: Connection,
    /// The file, for messages ("" for :memory:).
    path: String,
    options: Options,
    /// The PRAGMA synchronous now set on the connection ("" before the first).
    synchronous: Cell<&'static str>,
    /// Orders this handle's writes with every other writer of the file (None: read-only, in memory,
    /// or the lock file cannot be used).
    queue: Option<WriteQueue>,
    /// The turn of a write rolled back to be retried at once with a sync (see `HeldTurn`).
    kept_turn: Cell<Option<Turn>>,
}

impl SqliteEngine {
    fn new(conn: Connection, path: String, options: &Options) -> SqliteEngine {
        SqliteEngine {
            conn,
            path,
            options: options.clone(),
            synchronous: Cell::new(""),
            queue: None,
            kept_turn: Cell::new(None),
        }
    }

    pub fn open(location: &str, options: &Options) -> Result<SqliteEngine> {
        if location.is_empty() {
            return Err(Error::invalid_argument("location is empty: give a file path or \":memory:\""));
        }
        let engine = if location == ":memory:" {
            let conn = Connection::open_in_memory().map_err(|e| sql_error(e, "", options))?;
            let engine = SqliteEngine::new(conn, String::new(), options);
            engine.in_write_txn(|| engine.run_steps(0))?;
            engine
        } else {
            let path = Path::new(location);
            match fs::metadata(path) {
                Ok(meta) if meta.is_dir() => {
                    return Err(Error::io(format!("{location} is a directory, not a store file")))
                }
                Ok(meta) => check_file(path, &meta, options)?,
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    if !options.create || options.read_only {
                        return Err(Error::io(format!(
                            "{location} does not exist (and the options say not to create it)"
                        )));
                    }
                    create_store(path, options)?;
                }
                Err(e) => return Err(io_error(path, e)),
            }
            SqliteEngine::connect(location, options)?
        };
        engine.conn.set_prepared_statement_cache_capacity(32);
        Ok(engine)
    }

    /// Opens an existing file and brings it to the current schema.
    fn connect(location: &str, options: &Options) -> Result<SqliteEngine> {
        let mode = if options.read_only { OpenFlags::SQLITE_OPEN_READ_ONLY } else { OpenFlags::SQLITE_OPEN_READ_WRITE };
        let flags = mode | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(location, flags).map_err(|e| sql_error(e, location, options))?;
        let mut engine = SqliteEngine::new(conn, location.to_owned(), options);
        engine.configure()?;
        if !options.read_only {
            // The lock file gets the store's permissions (0600 for a store zts created).
            let mode = fs::metadata(location).map(|m| m.permissions().mode() & 0o666).unwrap_or(0o600);
            engine.queue = WriteQueue::open(Path::new(location), mode);
        }
        let marks = engine.marks()?;
        if marks.needs_migration() {
            if options.read_only {
                return Err(Error::incompatible(format!(
                    "{location} has zts schema version {} and needs an upgrade to {SCHEMA_VERSION}; open it once without read_only",
                    marks.user_version
                )));
            }
            engine.migrate()?;
        }
        if !options.read_only && engine.has_duplicate_id_index()? {
            // Not worth failing an open for: a store busy past the timeout keeps it until a later open.
            match engine.in_write_txn(|| engine.drop_duplicate_id_index()) {
                Err(e) if e.status == crate::error::Status::Busy => {}
                other => other?,
            }
        }
        if !options.read_only {
            // Persistent in the file; done after the checks so that a refused file is never written.
            engine.conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| engine.error(e))?;
        }
        Ok(engine)
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .busy_timeout(std::time::Duration::from_millis(self.options.busy_timeout_ms.into()))
            .and_then(|_| self.set_synchronous(true))
            .and_then(|_| self.conn.pragma_update(None, "cache_size", -CACHE_KIB))
            .map_err(|e| self.error(e))
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        sql_error(e, &self.path, &self.options)
    }

    /// Sets PRAGMA synchronous for the next commits. SQLite reads it when a transaction starts, so it is
    /// set before BEGIN; it costs nothing when unchanged.
    fn set_synchronous(&self, needs_sync: bool) -> rusqlite::Result<()> {
        let wanted = self.options.synchronous.pragma(needs_sync);
        if self.synchronous.get() != wanted {
            self.conn.pragma_update(None, "synchronous", wanted)?;
            self.synchronous.set(wanted);
        }
        Ok(())
    }

    /// The zts marks of the file, refusing files that are not a zts store, an SDK table or empty.
    fn marks(&self) -> Result<Marks> {
        let conn = &self.conn;
        let read = || -> rusqlite::Result<Marks> {
            let application_id = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
            let user_version = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            let mut stmt =
                conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
            let tables = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('oauthtoken') ORDER BY cid")?;
            let columns = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(Marks { application_id, user_version, tables, columns })
        };
        let marks = read().map_err(|e| self.error(e))?;
        marks.check(&self.path)?;
        Ok(marks)
    }

    /// Runs the missing schema steps in one write transaction, re-reading the marks under the lock
    /// since another process may have migrated the file meanwhile.
    fn migrate(&self) -> Result<()> {
        self.in_write_txn(|| {
            let marks = self.marks()?;
            if marks.needs_migration() {
                self.run_steps(marks.version())
            } else {
                Ok(())
            }
        })
    }

    fn in_write_txn(&self, work: impl FnOnce() -> Result<()>) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| self.error(e))?;
        let result = work();
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        self.conn.execute_batch(end).map_err(|e| self.error(e))?;
        result
    }

    fn run_steps(&self, from: i32) -> Result<()> {
        for (index, step) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            self.conn.execute_batch(step).map_err(|e| {
                let e = self.error(e);
                if e.message.contains("UNIQUE") {
                    Error::incompatible(format!(
                        "{}: the oauthtoken table holds one id twice, so zts cannot adopt it",
                        self.path
                    ))
                } else {
                    e.context(format!("schema step {}", index + 1))
                }
            })?;
        }
        if self.has_duplicate_id_index()? {
            self.drop_duplicate_id_index()?;
        }
        self.conn
            .execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
            ))
            .map_err(|e| self.error(e))
    }

    fn has_duplicate_id_index(&self) -> Result<bool> {
        self.conn.query_row(HAS_DUPLICATE_ID_INDEX, [], |r| r.get(0)).map_err(|e| self.error(e))
    }

    fn drop_duplicate_id_index(&self) -> Result<()> {
        self.conn
            .execute_batch(DROP_DUPLICATE_ID_INDEX)
            .map_err(|e| self.error(e).context("dropping the duplicate id index"))
    }
}

/// What a file says about itself, read before anything is written to it.
struct Marks {
    application_id: i32,
    user_version: i32,
    tables: Vec<String>,
    columns: Vec<String>,
}

impl Marks {
    fn is_zts(&self) -> bool {
        self.application_id == APPLICATION_ID
    }

    /// The schema version: a file without zts marks is version 0 whatever its user_version.
    fn version(&self) -> i32 {
        if self.is_zts() {
            self.user_version
        } else {
            0
        }
    }

    fn needs_migration(&self) -> bool {
        self.version() < SCHEMA_VERSION
    }

    fn check(&self, path: &str) -> Result<()> {
        if self.is_zts() {
            if self.user_version > SCHEMA_VERSION {
                return Err(Error::incompatible(format!(
                    "{path} has zts schema version {}, newer than this zts {} understands ({SCHEMA_VERSION}); use a newer zts",
                    self.user_version,
                    env!("CARGO_PKG_VERSION")
                )));
            }
        } else if self.application_id != 0 {
            return Err(Error::incompatible(format!(
                "{path} belongs to another application (application_id {:#x})",
                self.application_id
            )));
        }
        let has_table = self.tables.iter().any(|t| t.eq_ignore_ascii_case("oauthtoken"));
        if !has_table && !self.tables.is_empty() {
            return Err(Error::incompatible(format!(
                "{path} is an SQLite database of another schema (tables: {}), not a token store",
                self.tables.join(", ")
            )));
        }
        let sdk_columns = self.columns.len() == FIELDS.len()
            && self.columns.iter().zip(FIELDS).all(|(c, f)| c.eq_ignore_ascii_case(f));
        if has_table && !sdk_columns {
            return Err(Error::incompatible(format!(
                "{path} has an oauthtoken table with columns ({}), not the SDK's ({})",
                self.columns.join(", "),
                FIELDS.join(", ")
            )));
        }
        if self.is_zts() && !has_table {
            return Err(Error::corrupt(format!("{path} is marked as a zts store but has no oauthtoken table")));
        }
        Ok(())
    }
}

/// Refuses, before SQLite opens it, a file SQLite would misread or silently treat as a new database.
fn check_file(path: &Path, meta: &fs::Metadata, options: &Options) -> Result<()> {
    let shown = path.display();
    if meta.len() == 0 {
        return Err(Error::corrupt(format!(
            "{shown} is empty (0 bytes), not a zts store; zts creates a store only where no file exists"
        )));
    }
    if !options.read_only && meta.permissions().mode() & 0o222 == 0 {
        return Err(Error::io(format!(
            "{shown} is read-only (mode {:o}); give {{\"read_only\": true}} to read it",
            meta.permissions().mode() & 0o777
        )));
    }
    let mut header = [0u8; 100];
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut filled = 0;
    while filled < header.len() {
        match file.read(&mut header[filled..]).map_err(|e| io_error(path, e))? {
            0 => break,
            n => filled += n,
        }
    }
    if filled < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(Error::corrupt(format!("{shown} is not an SQLite database")));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    if !page_size.is_power_of_two() || page_size < 512 {
        return Err(Error::corrupt(format!("{shown} has a damaged SQLite header (page size {page_size})")));
    }
    let be32 = |at: usize| u64::from(u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]));
    let (pages, change_counter, valid_for) = (be32(28), be32(24), be32(92));
    let wal_has_frames = fs::metadata(format!("{}-wal", path.display())).map(|m| m.len() > 32).unwrap_or(false);
    let short = !meta.len().is_multiple_of(page_size)
        || (pages != 0 && change_counter == valid_for && meta.len() < pages * page_size);
    if short && !wal_has_frames {
        return Err(Error::corrupt(format!(
            "{shown} is truncated: its header says {pages} pages of {page_size} bytes, the file has {} bytes",
            meta.len()
        )));
    }
    if !options.read_only {
        OpenOptions::new().write(true).open(path).map_err(|e| io_error(path, e))?;
    }
    Ok(())
}

/// Creates a complete, empty store at `path` with mode 0600, atomically: it is built under a
/// temporary name and hard-linked into place, which fails rather than replace a file another process
/// created meanwhile (then that file is used). No one ever sees a half-made or zero-byte store.
fn create_store(path: &Path, options: &Options) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let temp = dir.join(format!(".{name}.zts-new-{}-{nanos}", std::process::id()));
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temp).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            Error::io(format!("cannot create {}: directory {} does not exist", path.display(), dir.display()))
        } else {
            io_error(path, e)
        }
    })?;
    let built = (|| {
        let temp_str = temp.to_string_lossy();
        let conn = Connection::open(&*temp_str).map_err(|e| sql_error(e, &temp_str, options))?;
        let engine = SqliteEngine::new(conn, temp_str.to_string(), options);
        engine.conn.pragma_update(None, "synchronous", "FULL").map_err(|e| engine.error(e))?;
        engine.in_write_txn(|| engine.run_steps(0))?;
        engine.conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| engine.error(e))?;
        engine.conn.close().map_err(|(_, e)| sql_error(e, &temp_str, options))?;
        match fs::hard_link(&temp, path) {
            Ok(()) => File::open(&dir).and_then(|d| d.sync_all()).map_err(|e| io_error(&dir, e)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(io_error(path, e)),
        }
    })();
    for leftover in [
        temp.clone(),
        PathBuf::from(format!("{}-wal", temp.display())),
        PathBuf::from(format!("{}-shm", temp.display())),
    ] {
        let _ = fs::remove_file(leftover);
    }
    built
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::io(format!("{}: {e}", path.display()))
}

/// Maps an SQLite failure to a status. SQLite's messages never contain bound values, so no secret.
fn sql_error(e: rusqlite::Error, path: &str, options: &Options) -> Error {
    let place = if path.is_empty() { "in-memory store".to_owned() } else { path.to_owned() };
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::new(
            crate::error::Status::Busy,
            format!(
                "{place} is locked by another connection writing to it; gave up after busy_timeout_ms={} ({e})",
                options.busy_timeout_ms
            ),
        ),
        Some(ErrorCode::ReadOnly) => Error::io(format!("{place} is read-only: {e}")),
        Some(
            ErrorCode::CannotOpen
            | ErrorCode::PermissionDenied
            | ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
            | ErrorCode::NoLargeFileSupport
            | ErrorCode::FileLockingProtocolFailed,
        ) => Error::io(format!("{place}: {e}")),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Error::corrupt(format!("{place} is damaged: {e}"))
        }
        _ => Error::internal(format!("{place}: unexpected SQLite error: {e}")),
    }
}

fn queue_busy(path: &str, options: &Options) -> Error {
    Error::new(
        crate::error::Status::Busy,
        format!(
            "{path} is locked by other writers ahead in the write queue; gave up after busy_timeout_ms={}",
            options.busy_timeout_ms
        ),
    )
}

/// A stored value as zts reads it ("" for NULL, which means absent).
fn value_text(value: ValueRef<'_>) -> Cow<'_, str> {
    match value {
        ValueRef::Null => Cow::Borrowed(""),
        ValueRef::Integer(i) => Cow::Owned(i.to_string()),
        // An adopted file may hold a PHP float expiry; keep it integral when it is.
        ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 1e18 => Cow::Owned((f as i64).to_string()),
        ValueRef::Real(f) => Cow::Owned(f.to_string()),
        // from_utf8 first: lossy's chunk walk was a measurable part of every find and list.
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            std::str::from_utf8(t).map_or_else(|_| String::from_utf8_lossy(t), Cow::Borrowed)
        }
    }
}

fn row_to_token(row: &Row<'_>) -> rusqlite::Result<Token> {
    let mut values: [Option<String>; 10] = Default::default();
    for (index, slot) in values.iter_mut().enumerate() {
        *slot = Some(value_text(row.get_ref(index)?).into_owned()).filter(|s| !s.is_empty());
    }
    Ok(Token::from_values(values))
}

/// Appends a row's packed form (as `Token::write_fields` of `row_to_token`'s token), or says which
/// value cannot be packed.
fn write_row_fields(row: &Row<'_>, out: &mut Vec<u8>) -> rusqlite::Result<std::result::Result<(), Error>> {
    for (index, key) in FIELDS.iter().enumerate() {
        let value = value_text(row.get_ref(index)?);
        if value.contains('\0') {
            return Ok(Err(unpackable(&value_text(row.get_ref(0)?), key)));
        }
        out.extend_from_slice(value.as_bytes());
        out.push(0);
    }
    Ok(Ok(()))
}

const LIST: &str = concat!("SELECT ", columns!(), " FROM oauthtoken ORDER BY CAST(id AS INTEGER), id");

fn lookup(conn: &Connection, key: Key<'_>) -> rusqlite::Result<Option<Token>> {
    let sql = match key {
        Key::Id(_) => select_where!("id"),
        Key::UserName(_) => select_where!("user_name"),
        Key::AccessToken(_) => select_where!("access_token"),
        Key::GrantToken(_) => select_where!("grant_token"),
        Key::RefreshToken(_) => select_where!("refresh_token"),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([key.value()])?;
    rows.next()?.map(row_to_token).transpose()
}

fn lease(conn: &Connection, key: &str) -> rusqlite::Result<Option<Lease>> {
    let mut stmt = conn.prepare_cached("SELECT lease_key, holder, until_ms FROM zts_lease WHERE lease_key = ?1")?;
    let mut rows = stmt.query([key])?;
    rows.next()?.map(row_to_lease).transpose()
}

fn row_to_lease(row: &Row<'_>) -> rusqlite::Result<Lease> {
    Ok(Lease { key: row.get(0)?, holder: row.get(1)?, until_ms: row.get(2)? })
}

impl Engine for SqliteEngine {
    fn lookup(&mut self, key: Key<'_>) -> Result<Option<Token>> {
        self.kept_turn.take(); // no retry came: let the next writer go
        lookup(&self.conn, key).map_err(|e| self.error(e))
    }

    fn lease(&mut self, key: &str) -> Result<Option<Lease>> {
        lease(&self.conn, key).map_err(|e| self.error(e))
    }

    fn leases(&mut self) -> Result<Vec<Lease>> {
        let run = || -> rusqlite::Result<Vec<Lease>> {
            let mut stmt =
                self.conn.prepare_cached("SELECT lease_key, holder, until_ms FROM zts_lease ORDER BY until_ms")?;
            let rows = stmt.query_map([], row_to_lease)?;
            rows.collect()
        };
        run().map_err(|e| self.error(e))
    }

    fn list(&mut self) -> Result<Vec<Token>> {
        self.kept_turn.take();
        let run = || -> rusqlite::Result<Vec<Token>> {
            let mut stmt = self.conn.prepare_cached(LIST)?;
            let rows = stmt.query_map([], row_to_token)?;
            rows.collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// Straight from the rows into the packed buffer: no token and no string per value in between
    /// (those were a third of a packed list).
    fn list_fields(&mut self) -> Result<Vec<u8>> {
        self.kept_turn.take();
        let run = || -> rusqlite::Result<Result<Vec<u8>>> {
            let mut stmt = self.conn.prepare_cached(LIST)?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                if let Err(e) = write_row_fields(row, &mut out)? {
                    return Ok(Err(e));
                }
            }
            Ok(Ok(out))
        };
        run().map_err(|e| self.error(e))?
    }

    fn write(&mut self, needs_sync: bool, wait: bool) -> Result<Box<dyn WriteTxn + '_>> {
        if self.options.read_only {
            let place = if self.path.is_empty() { "the in-memory store" } else { &self.path };
            return Err(Error::io(format!("{place} was opened read_only: nothing can be written")));
        }
        self.set_synchronous(needs_sync).map_err(|e| self.error(e))?;
        // Only "auto" commits a write without the sync it needs ("normal" promises none).
        let synced = needs_sync || self.options.synchronous != Synchronous::Auto;
        let path = self.path.clone();
        let options = self.options.clone();
        // The turn in the queue and SQLite's lock share one busy timeout (none when it may not wait).
        let timeout = Duration::from_millis(options.busy_timeout_ms.into());
        let deadline = Instant::now() + if wait { timeout } else { Duration::ZERO };
        let busy = |e: Error| match e.status {
            crate::error::Status::Busy if !wait => Error::would_wait(format!("{path}'s write lock")),
            _ => e,
        };
        let turn = match (self.kept_turn.take(), self.queue.as_mut()) {
            (Some(kept), _) => Some(kept),
            (None, Some(queue)) => queue.turn(deadline).map_err(|_| busy(queue_busy(&path, &options)))?,
            (None, None) => None,
        };
        let left = deadline.saturating_duration_since(Instant::now());
        let shortened = left + Duration::from_millis(1) < timeout;
        if shortened {
            self.conn.busy_timeout(left).map_err(|e| sql_error(e, &path, &options))?;
        }
        // Unchecked: shares the connection, so the timeout can be set back whether BEGIN succeeded or not.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate);
        if shortened {
            self.conn.busy_timeout(timeout).map_err(|e| sql_error(e, &path, &options))?;
        }
        let tx = tx.map_err(|e| busy(sql_error(e, &path, &options)))?;
        let turn = HeldTurn::new(turn, &self.kept_turn);
        Ok(Box::new(SqliteTxn { tx, turn, path, options, as_durable_as_needed: synced }))
    }
}

struct SqliteTxn<'c> {
    tx: rusqlite::Transaction<'c>,
    /// Given up after `tx` ends (fields drop in order): the next writer starts after our commit.
    turn: HeldTurn<'c>,
    path: String,
    options: Options,
    /// The commit syncs, or the options say no commit needs to ("normal").
    as_durable_as_needed: bool,
}

impl SqliteTxn<'_> {
    fn error(&self, e: rusqlite::Error) -> Error {
        sql_error(e, &self.path, &self.options)
    }

    fn write_row(&self, sql: &str, token: &Token) -> Result<()> {
        let values = token.values();
        self.tx
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(values.iter().map(|v| v.as_deref()))))
            .map(drop)
            .map_err(|e| self.error(e))
    }
}

impl WriteTxn for SqliteTxn<'_> {
    fn lookup(&self, key: Key<'_>) -> Result<Option<Token>> {
        lookup(&self.tx, key).map_err(|e| self.error(e))
    }

    fn largest_id_ever(&self) -> Result<u64> {
        // zts_last_id alone covers zts's own inserts; the table's max covers rows other tools added.
        self.tx
            .prepare_cached(
                "SELECT max(coalesce((SELECT max(last) FROM zts_last_id), 0),
                            coalesce((SELECT CAST(id AS INTEGER) FROM oauthtoken
                                      ORDER BY CAST(id AS INTEGER) DESC, id DESC LIMIT 1), 0))",
            )
            .and_then(|mut stmt| stmt.query_row([], |r| r.get::<_, i64>(0)))
            .map(|max| max.max(0) as u64)
            .map_err(|e| self.error(e))
    }

    fn insert(&self, token: &Token) -> Result<()> {
        self.write_row(
            concat!("INSERT INTO oauthtoken (", columns!(), ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            token,
        )?;
        self.tx
            .prepare_cached("UPDATE zts_last_id SET last = max(last, CAST(?1 AS INTEGER))")
            .and_then(|mut stmt| stmt.execute([token.id.as_deref()]))
            .map(drop)
            .map_err(|e| self.error(e))
    }

    fn update(&self, id: &str, changes: &Token) -> Result<()> {
        let set = columns_to_set(changes);
        if set.is_empty() {
            return Ok(());
        }
        let assignments: Vec<String> =
            set.iter().enumerate().map(|(i, (column, _))| format!("{column} = ?{}", i + 2)).collect();
        let sql = format!("UPDATE oauthtoken SET {} WHERE id = ?1", assignments.join(", "));
        let values = std::iter::once(id).chain(set.iter().map(|(_, v)| *v));
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(values)))
            .map(drop)
            .map_err(|e| self.error(e))
    }

    fn delete(&self, id: &str) -> Result<bool> {
        self.tx
            .prepare_cached("DELETE FROM oauthtoken WHERE id = ?1")
            .and_then(|mut stmt| stmt.execute([id]))
            .map(|n| n > 0)
            .map_err(|e| self.error(e))
    }

    fn purge(&self) -> Result<usize> {
        let purge = || {
            self.tx.execute("DELETE FROM zts_lease", [])?;
            self.tx.execute("DELETE FROM oauthtoken", [])
        };
        purge().map_err(|e| self.error(e))
    }

    fn lease(&self, key: &str) -> Result<Option<Lease>> {
        lease(&self.tx, key).map_err(|e| self.error(e))
    }

    fn set_lease(&self, lease: &Lease, now_ms: i64) -> Result<()> {
        let set = || {
            self.tx.prepare_cached("DELETE FROM zts_lease WHERE until_ms < ?1")?.execute([now_ms])?;
            self.tx
                .prepare_cached("INSERT OR REPLACE INTO zts_lease (lease_key, holder, until_ms) VALUES (?1, ?2, ?3)")?
                .execute(rusqlite::params![lease.key, lease.holder, lease.until_ms])
        };
        set().map(drop).map_err(|e| self.error(e))
    }

    fn end_leases(&self, keys: &[String]) -> Result<()> {
        // One statement for the (at most four) keys: most saves that end leases find none.
        let placeholders: Vec<String> = (1..=keys.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("DELETE FROM zts_lease WHERE lease_key IN ({})", placeholders.join(", "));
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(keys)))
            .map(drop)
            .map_err(|e| self.error(e))
    }

    fn commit_as_durable_as_needed(&self) -> bool {
        if !self.as_durable_as_needed {
            self.turn.keep_for_retry(); // the caller starts again at once, with a sync
        }
        self.as_durable_as_needed
    }

    fn commit(self: Box<Self>) -> Result<()> {
        let (path, options) = (self.path.clone(), self.options.clone());
        self.turn.release_at_end();
        self.tx.commit().map_err(|e| sql_error(e, &path, &options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new store in a directory of its own (`name`: the test's, as tests run at once).
    fn open_with(name: &str, synchronous: &str) -> (SqliteEngine, PathBuf) {
        let dir = std::env::temp_dir().join(format!("zts-{name}-{}-{synchronous}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let options = Options::from_json(Some(&format!(r#"{{"synchronous":"{synchronous}"}}"#))).unwrap();
        (SqliteEngine::open(path.to_str().unwrap(), &options).unwrap(), dir)
    }

    /// PRAGMA synchronous inside a write the engine started: 1 is NORMAL, 2 is FULL.
    fn level(engine: &mut SqliteEngine, needs_sync: bool) -> (i64, bool) {
        let durable = engine.write(needs_sync, true).unwrap().commit_as_durable_as_needed();
        let level = engine.conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
        (level, durable)
    }

    /// Pages read from the file since the last call (SQLITE_DBSTATUS_CACHE_MISS, then reset).
    fn cache_misses(engine: &SqliteEngine) -> i32 {
        let (mut current, mut highest) = (0, 0);
        let status = rusqlite::ffi::SQLITE_DBSTATUS_CACHE_MISS;
        // SAFETY: the handle is open and owned by `engine`; the out pointers are valid locals.
        let rc =
            unsafe { rusqlite::ffi::sqlite3_db_status(engine.conn.handle(), status, &mut current, &mut highest, 1) };
        assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
        current
    }

    #[test]
    fn a_10000_token_store_is_read_from_memory() {
        let (mut engine, dir) = open_with("cache", "normal");
        // 10,000 tokens with values as long as real ones: about 6 MB, three times SQLite's default cache.
        let insert =
            concat!("INSERT INTO oauthtoken (", columns!(), ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9)");
        engine.conn.execute_batch("BEGIN").unwrap();
        for n in 1..=10_000u32 {
            let long = |prefix: &str| format!("1000.{prefix}{n:032x}.{n:032x}");
            let values = [
                n.to_string(),
                format!("user{n}@example.com:{}", 700_000 + n),
                long("c"),
                long("s"),
                long("r"),
                long("a"),
                "4102444800000".into(),
                "https://example.com/callback".into(),
                "https://www.zohoapis.com".into(),
            ];
            engine.conn.execute(insert, rusqlite::params_from_iter(values)).unwrap();
        }
        engine.conn.execute_batch("COMMIT").unwrap();
        let find_all = |engine: &mut SqliteEngine| {
            for n in 1..=10_000u32 {
                assert!(engine.lookup(Key::Id(&n.to_string())).unwrap().is_some());
            }
        };
        find_all(&mut engine);
        cache_misses(&engine);
        find_all(&mut engine);
        assert_eq!(cache_misses(&engine), 0, "pages read again from the file");
        drop(engine);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_packed_list_is_the_list_packed() {
        let mut engine = SqliteEngine::open(":memory:", &Options::default()).unwrap();
        // What other programs may leave in the file: non-UTF-8 bytes, empty strings, NULLs.
        engine
            .conn
            .execute_batch(
                "INSERT INTO oauthtoken (id, user_name, access_token, refresh_token, expiry_time)
                 VALUES ('2', x'ff61', '', NULL, '1700000000000'), ('10', 'b', 'A', 'R', NULL), ('9', 'c', 'ü', '', '')",
            )
            .unwrap();
        let tokens = engine.list().unwrap();
        assert_eq!(tokens.iter().map(|t| t.id.clone().unwrap()).collect::<Vec<_>>(), ["2", "9", "10"]);
        assert_eq!(engine.list_fields().unwrap(), crate::token::list_to_fields(&tokens).unwrap());
        engine.conn.execute_batch("UPDATE oauthtoken SET api_domain = char(97, 0) WHERE id = '9'").unwrap();
        let err = engine.list_fields().unwrap_err();
        assert!(err.message.contains(r#"id "9" has a NUL character in key "api_domain""#), "{err}");
    }

    #[test]
    fn each_setting_syncs_the_commits_it_promises_to() {
        for (setting, unsynced_write, synced_write) in
            [("auto", (1, false), (2, true)), ("full", (2, true), (2, true)), ("normal", (1, true), (1, true))]
        {
            let (mut engine, dir) = open_with("sync", setting);
            assert_eq!(level(&mut engine, false), unsynced_write, "{setting}: a write that needs no sync");
            assert_eq!(level(&mut engine, true), synced_write, "{setting}: a write that needs one");
            assert_eq!(level(&mut engine, false), unsynced_write, "{setting}: and back");
            drop(engine);
            fs::remove_dir_all(dir).unwrap();
        }
    }
}
