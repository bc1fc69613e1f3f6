//! The MySQL/MariaDB engine, for processes on many hosts sharing one store. The tokens live in the SDK
//! DBStore's table (default `oauthtoken`: its ten columns, names and order), created when missing and
//! adopted when the DBStore made it. zts's own bookkeeping lives beside it in `zts_store`, one row per
//! token table: the schema version, the largest id ever issued, and a ring of the last commits' marks.
//! Refresh leases (see `lease`) live in `zts_lease`, keyed the same way by `token_table`.
//!
//! Every write is one InnoDB transaction that first updates the table's `zts_store` row: that row lock
//! is the store's write lock (zts writers on one table take turns, as with SQLite's BEGIN IMMEDIATE), and
//! the same statement records the transaction's mark, so a commit whose reply was lost with the
//! connection can be checked after reconnecting. Sessions run at READ COMMITTED; lookups inside a write
//! are locking reads (FOR UPDATE), so they see and hold the latest committed rows, also those that
//! other tools (the SDK DBStore) write without zts's lock.

use crate::engine::{columns_to_set, Engine, Key, WriteTxn};
use crate::error::{Error, Result, Status};
use crate::lease::Lease;
use crate::options::{Options, SslMode};
use crate::token::{Token, FIELDS};
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Params, SslOpts, Value};
use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

/// The zts schema version of a MySQL store, kept in `zts_store.schema_version`.
pub const SCHEMA_VERSION: i64 = 1;
/// How many commit marks `zts_store.recent_commits` keeps; an unanswered commit is checked against them.
/// The ring is rewritten by every commit, so it stays small: 256 bytes cost a save nothing measurable
/// where 2 KB cost about 70 µs (redo and undo of the whole value).
const RECENT_COMMITS: u64 = 32;
/// Bytes of one commit mark.
const MARK_LEN: u64 = 8;

/// Where the store is: parsed from `mysql://USER:PASSWORD@HOST:PORT/DATABASE?table=NAME`.
#[derive(Clone, PartialEq, Eq)]
pub struct Location {
    pub user: String,
    password: Option<String>,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub table: String,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.place())
    }
}

impl Location {
    /// Parses a `mysql://` location; the password may instead come from the options. Messages show the
    /// location without its password.
    pub fn parse(location: &str, options: &Options) -> Result<Location> {
        let bad = |what: &str| {
            Error::invalid_argument(format!(
                "location {} is not mysql://USER:PASSWORD@HOST:PORT/DATABASE?table=NAME: {what}",
                without_password(location)
            ))
        };
        let url = url::Url::parse(location).map_err(|e| bad(&e.to_string()))?;
        let decode = |s: &str, what: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| bad(&format!("the {what} is not UTF-8 once percent-decoded")))
        };
        let user = decode(url.username(), "user")?;
        if user.is_empty() {
            return Err(bad("no user"));
        }
        let mut password = url.password().map(|p| decode(p, "password")).transpose()?;
        if let Some(given) = &options.password {
            if password.is_some() {
                return Err(bad("the password is given twice, in the location and in the \"password\" option"));
            }
            password = Some(given.0.clone());
        }
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => decode(&host.to_string(), "host")?,
            None => return Err(bad("no host")),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = url.port().unwrap_or(3306);
        let database = decode(url.path().strip_prefix('/').unwrap_or_default(), "database")?;
        if database.is_empty() || database.contains('/') {
            return Err(bad("give one database name after the host, as in mysql://u@host:3306/zohooauth"));
        }
        let mut table = "oauthtoken".to_owned();
        for (key, value) in url.query_pairs() {
            match &*key {
                "table" => table = value.into_owned(),
                other => return Err(bad(&format!("unknown parameter {} (known: table)", crate::error::shown(other)))),
            }
        }
        check_table_name(&table)?;
        if url.fragment().is_some() {
            return Err(bad("a #fragment has no meaning here"));
        }
        Ok(Location { user, password, host, port, database, table })
    }

    /// "HOST:PORT/DATABASE", for messages: never the password.
    pub fn place(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{host}:{}/{}", self.port, self.database)
    }

    fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// The location as given, with the password (between "user:" and the last '@' before the path) cut out.
fn without_password(location: &str) -> String {
    let rest = location.strip_prefix("mysql://").unwrap_or(location);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => {
            let user = authority[..at].split(':').next().unwrap_or_default();
            format!("mysql://{user}:…@{}{tail}", &authority[at + 1..])
        }
        None => format!("mysql://{rest}"),
    }
}

/// The table name is put into SQL text (identifiers cannot be bound), so only plain names pass.
fn check_table_name(table: &str) -> Result<()> {
    let plain = !table.is_empty() && table.len() <= 64 && table.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !plain {
        return Err(Error::invalid_argument(format!(
            "table {} is not a plain name (1 to 64 letters, digits and _)",
            crate::error::shown(table)
        )));
    }
    if table.to_ascii_lowercase().starts_with("zts_") {
        return Err(Error::invalid_argument(format!(
            "table {} is reserved: names starting zts_ are zts's own",
            crate::error::shown(table)
        )));
    }
    Ok(())
}

/// The SQL of one token table, built once with its (validated, backquoted) name.
struct Sql {
    /// A lookup per key column, in `Key::column` order (id, user_name, access, grant, refresh).
    lookups: [String; 5],
    locking_lookups: [String; 5],
    list: String,
    insert: String,
    delete: String,
    purge: String,
    largest_id: String,
}

const COLUMNS: &str =
    "id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain";

impl Sql {
    fn new(table: &str) -> Sql {
        // The indexed `=` finds the candidates; the byte comparison keeps only exact matches, since an
        // adopted table's collation may ignore case or trailing spaces. Every match is returned (almost
        // always one) and `lookup` picks the earliest: an ORDER BY would cost a sort on every call.
        let lookup = |column: &str| format!("SELECT {COLUMNS} FROM `{table}` WHERE {}", matches(column));
        let keys = ["id", "user_name", "access_token", "grant_token", "refresh_token"];
        Sql {
            lookups: keys.map(lookup),
            locking_lookups: keys.map(|column| locking_lookup_sql(table, &[column])),
            list: format!("SELECT {COLUMNS} FROM `{table}` ORDER BY CAST(id AS SIGNED), id"),
            insert: format!("INSERT INTO `{table}` ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            delete: format!(
                "DELETE FROM `{table}` WHERE id = ? AND CAST(CONVERT(id USING utf8mb4) AS BINARY) = CAST(? AS BINARY)"
            ),
            purge: format!("DELETE FROM `{table}`"),
            largest_id: format!(
                "SELECT GREATEST(last_id, COALESCE((SELECT MAX(CAST(id AS SIGNED)) FROM `{table}`), 0)) \
                 FROM zts_store WHERE token_table = ?"
            ),
        }
    }

    fn lookup(&self, key: Key<'_>, locking: bool) -> &str {
        let index = match key {
            Key::Id(_) => 0,
            Key::UserName(_) => 1,
            Key::AccessToken(_) => 2,
            Key::GrantToken(_) => 3,
            Key::RefreshToken(_) => 4,
        };
        if locking {
            &self.locking_lookups[index]
        } else {
            &self.lookups[index]
        }
    }
}

/// `column` equals the next parameter: the indexed `=` finds the candidates; the byte comparison (the
/// same value again) keeps only exact matches, since an adopted table's collation may ignore case or
/// trailing spaces.
fn matches(column: &str) -> String {
    format!("({column} = ? AND CAST(CONVERT({column} USING utf8mb4) AS BINARY) = CAST(? AS BINARY))")
}

/// In one statement: takes the store's write lock (the table's `zts_store` row, read first: a LEFT
/// JOIN reads its outer table first) with its `seq` and `lease_until`, and locks the rows that match each
/// column (one join per column: an index lookup each, where an OR of columns cost an index merge). The
/// rows are the product of each column's matches (almost always one or none: a NULL row).
/// Parameters: each value twice, then the table's name.
fn locking_lookup_sql(table: &str, columns: &[&str]) -> String {
    let mut selected = vec!["s.seq".to_owned(), "s.lease_until".to_owned()];
    let mut joins = Vec::new();
    for (index, column) in columns.iter().enumerate() {
        selected.extend(COLUMNS.split(", ").map(|c| format!("t{index}.{c}")));
        joins.push(format!("LEFT JOIN `{table}` t{index} ON {}", matches(&format!("t{index}.{column}"))));
    }
    format!("SELECT {} FROM zts_store s {} WHERE s.token_table = ? FOR UPDATE", selected.join(", "), joins.join(" "))
}

/// Locks the table's bookkeeping row (the store's write lock), counts this commit and records its mark
/// in the ring. The ring slot is computed from the old `seq`, before `seq` itself is assigned.
/// LAST_INSERT_ID(expr) hands the new `seq` back in the statement's reply.
const LOCK_AND_MARK: &str = "UPDATE zts_store SET \
     recent_commits = INSERT(recent_commits, MOD(seq + 1, 32) * 8 + 1, 8, ?), \
     seq = LAST_INSERT_ID(seq + 1) WHERE token_table = ?";
/// Records this commit's number and mark once the lock was taken by a lookup: parameters seq, the slot's
/// position in the ring (1-based), the mark, the table. `MARK_SET` is the same assignments for a
/// statement that writes more (an update, recording an id), with the same first three parameters.
const MARK: &str =
    "UPDATE zts_store SET seq = ?, recent_commits = INSERT(recent_commits, ?, 8, ?) WHERE token_table = ?";
const RECORD_ID: &str = "UPDATE zts_store SET last_id = GREATEST(last_id, ?) WHERE token_table = ?";
const RECORD_ID_AND_MARK: &str = "UPDATE zts_store SET last_id = GREATEST(last_id, ?), \
     seq = ?, recent_commits = INSERT(recent_commits, ?, 8, ?) WHERE token_table = ?";
const LEASE: &str =
    "SELECT lease_key, holder, until_ms FROM zts_lease WHERE token_table = ? AND key_hash = UNHEX(SHA2(?, 256))";
const LEASES: &str = "SELECT lease_key, holder, until_ms FROM zts_lease WHERE token_table = ? ORDER BY until_ms";
const SET_LEASE: &str = "REPLACE INTO zts_lease (token_table, key_hash, lease_key, holder, until_ms) \
     VALUES (?, UNHEX(SHA2(?, 256)), ?, ?, ?)";
/// Keeps `zts_store.lease_until` at the end of the latest lease, so that a save can tell without a
/// query whether a live lease may exist.
const RECORD_LEASE_END: &str = "UPDATE zts_store SET lease_until = GREATEST(lease_until, ?) WHERE token_table = ?";
const END_OLD_LEASES: &str = "DELETE FROM zts_lease WHERE token_table = ? AND until_ms < ?";
const END_ALL_LEASES: &str = "DELETE FROM zts_lease WHERE token_table = ?";
const READ_MARKS: &str = "SELECT seq, recent_commits FROM zts_store WHERE token_table = ? FOR UPDATE";

pub struct MysqlEngine {
    location: Location,
    opts: mysql::Opts,
    options: Options,
    sql: Sql,
    /// None until the first call, and after a connection was lost (the next call reconnects).
    conn: Option<Conn>,
}

impl MysqlEngine {
    pub fn open(location: &str, options: &Options) -> Result<MysqlEngine> {
        let location = Location::parse(location, options)?;
        let opts = connection_opts(&location, options)?;
        let sql = Sql::new(&location.table);
        let mut engine = MysqlEngine { location, opts, options: options.clone(), sql, conn: None };
        engine.prepare_schema()?;
        Ok(engine)
    }

    fn error(&self, e: mysql::Error) -> Error {
        sql_error(e, &self.location, &self.options)
    }

    /// The connection, made when there is none.
    fn conn(&mut self) -> Result<&mut Conn> {
        if self.conn.is_none() {
            let conn = Conn::new(self.opts.clone()).map_err(|e| self.error(e).context("cannot connect"))?;
            self.conn = Some(conn);
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// Runs work that is safe to run twice (a read, the start of a write, idempotent schema steps),
    /// reconnecting and running it once more when the connection turns out to be lost.
    fn retrying<T>(&mut self, mut work: impl FnMut(&mut Conn, &Sql) -> mysql::Result<T>) -> Result<T> {
        let mut retried = false;
        loop {
            self.conn()?;
            let conn = self.conn.as_mut().expect("connected above");
            match work(conn, &self.sql) {
                Ok(value) => return Ok(value),
                Err(e) if is_connection_lost(&e) => {
                    self.conn = None;
                    if retried {
                        return Err(self.error(e));
                    }
                    retried = true;
                }
                Err(e) => return Err(self.error(e)),
            }
        }
    }

    /// Checks the token table and the bookkeeping, then creates or adopts what is missing. Nothing is
    /// written to a table that is refused.
    fn prepare_schema(&mut self) -> Result<()> {
        let table = self.location.table.clone();
        let found = self.retrying(|conn, _| inspect(conn, &table))?;
        found.check(&self.location)?;
        if found.columns.is_empty() && (!self.options.create || self.options.read_only) {
            return Err(Error::io(format!(
                "{}: table {table} does not exist (and the options say not to create it)",
                self.location.place()
            )));
        }
        match found.version {
            Some(v) if v == SCHEMA_VERSION && found.has_zts_indexes() => return Ok(()),
            _ if self.options.read_only => {
                return Err(Error::incompatible(format!(
                    "{}: table {table} is not yet set up for zts (schema version {SCHEMA_VERSION}); open it once without read_only",
                    self.location.place()
                )))
            }
            _ => {}
        }
        let steps = schema_steps(&table, &found);
        self.retrying(|conn, _| {
            for step in &steps {
                match conn.query_drop(step) {
                    // Another process made the same index at the same moment.
                    Err(mysql::Error::MySqlError(e)) if e.code == ER_DUP_KEYNAME => {}
                    other => other?,
                }
            }
            conn.exec_drop(
                format!(
                    "INSERT IGNORE INTO zts_store (token_table, schema_version, last_id, seq, recent_commits) \
                     SELECT ?, ?, GREATEST(0, COALESCE(MAX(CAST(id AS SIGNED)), 0)), 0, REPEAT('0', {}) FROM `{table}`",
                    RECENT_COMMITS * MARK_LEN
                ),
                (&table, SCHEMA_VERSION),
            )
        })
        .map_err(|e| match e.status {
            Status::Busy if e.message.contains("Duplicate entry") && e.message.contains("zts_id") => {
                Error::incompatible(format!(
                    "{}: table {table} holds one id twice, so zts cannot adopt it",
                    self.location.place()
                ))
            }
            _ => e.context("setting up the store"),
        })
    }
}

/// What the database holds for one token table, read before anything is written.
struct Found {
    /// (name, type) of the token table's columns in order; empty when it does not exist.
    columns: Vec<(String, String)>,
    engine: String,
    /// Names of its indexes, and whether one of them is a unique index on `id` alone.
    indexes: Vec<String>,
    unique_id: bool,
    /// `zts_store.schema_version` for the table: None when zts never set it up.
    version: Option<i64>,
}

const ZTS_INDEXES: [(&str, &str); 4] = [
    ("zts_user_name", "user_name"),
    ("zts_access_token", "access_token"),
    ("zts_grant_token", "grant_token"),
    ("zts_refresh_token", "refresh_token"),
];

impl Found {
    fn check(&self, location: &Location) -> Result<()> {
        let table = &location.table;
        if let Some(v) = self.version.filter(|v| *v > SCHEMA_VERSION) {
            return Err(Error::incompatible(format!(
                "{}: table {table} has zts schema version {v}, newer than this zts {} understands ({SCHEMA_VERSION}); use a newer zts",
                location.place(),
                env!("CARGO_PKG_VERSION")
            )));
        }
        if self.columns.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| name.as_str()).collect();
        let sdk_names = names.len() == FIELDS.len() && names.iter().zip(FIELDS).all(|(c, f)| c.eq_ignore_ascii_case(f));
        if !sdk_names {
            return Err(Error::incompatible(format!(
                "{}: table {table} has columns ({}), not the SDK's ({})",
                location.place(),
                names.join(", "),
                FIELDS.join(", ")
            )));
        }
        if let Some((name, kind)) = self.columns.iter().find(|(_, kind)| !matches!(kind.as_str(), "varchar" | "char")) {
            return Err(Error::incompatible(format!(
                "{}: table {table} column {name} is {kind}; zts needs the SDK's varchar columns",
                location.place()
            )));
        }
        if !self.engine.eq_ignore_ascii_case("InnoDB") {
            return Err(Error::incompatible(format!(
                "{}: table {table} uses the {} engine; zts needs InnoDB's transactions (ALTER TABLE {table} ENGINE=InnoDB)",
                location.place(),
                self.engine
            )));
        }
        Ok(())
    }

    fn has_zts_indexes(&self) -> bool {
        self.unique_id && ZTS_INDEXES.iter().all(|(name, _)| self.indexes.iter().any(|i| i == name))
    }
}

fn inspect(conn: &mut Conn, table: &str) -> mysql::Result<Found> {
    let columns: Vec<(String, String)> = conn.exec(
        "SELECT COLUMN_NAME, LOWER(DATA_TYPE) FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        (table,),
    )?;
    let engine: Option<String> = conn.exec_first(
        "SELECT COALESCE(ENGINE, '') FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
        (table,),
    )?;
    let indexes: Vec<(String, i64, String, i64)> = conn.exec(
        "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SEQ_IN_INDEX FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
        (table,),
    )?;
    let unique_id = indexes.iter().any(|(name, non_unique, column, _)| {
        *non_unique == 0
            && column.eq_ignore_ascii_case("id")
            && indexes.iter().filter(|(other, ..)| other == name).count() == 1
    });
    let has_bookkeeping: Option<i64> = conn.query_first(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'zts_store'",
    )?;
    let version = if has_bookkeeping.unwrap_or(0) > 0 {
        conn.exec_first("SELECT schema_version FROM zts_store WHERE token_table = ?", (table,))?
    } else {
        None
    };
    let mut names: Vec<String> = indexes.into_iter().map(|(name, ..)| name).collect();
    names.dedup();
    Ok(Found { columns, engine: engine.unwrap_or_default(), indexes: names, unique_id, version })
}

/// The DDL that brings a database to the current schema for one table: each step is idempotent (DDL
/// commits on its own in MySQL, so a step interrupted halfway is simply run again).
fn schema_steps(table: &str, found: &Found) -> Vec<String> {
    let mut steps = vec![
        // The SDK DBStore's table: same names, order and types; utf8mb4 so any token text fits.
        format!(
            "CREATE TABLE IF NOT EXISTS `{table}` (
                id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255),
                client_secret varchar(255), refresh_token varchar(255), access_token varchar(255),
                grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255),
                api_domain varchar(255), PRIMARY KEY (id)
             ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS zts_store (
                token_table varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
                schema_version int NOT NULL,
                last_id bigint NOT NULL,
                seq bigint unsigned NOT NULL,
                recent_commits varbinary({}) NOT NULL,
                lease_until bigint NOT NULL DEFAULT 0
             ) ENGINE=InnoDB",
            RECENT_COMMITS * MARK_LEN
        ),
        // Refresh leases (see `lease`), per token table. A key may hold a token value of any length,
        // so rows are found by its SHA-256.
        "CREATE TABLE IF NOT EXISTS zts_lease (
            token_table varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
            key_hash binary(32) NOT NULL,
            lease_key mediumtext NOT NULL,
            holder varchar(255) NOT NULL,
            until_ms bigint NOT NULL,
            PRIMARY KEY (token_table, key_hash)
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
            .to_owned(),
    ];
    let adopting = !found.columns.is_empty();
    if adopting && !found.unique_id {
        steps.push(format!("CREATE UNIQUE INDEX zts_id ON `{table}` (id)"));
    }
    for (name, column) in ZTS_INDEXES {
        if !found.indexes.iter().any(|i| i == name) {
            steps.push(format!("CREATE INDEX {name} ON `{table}` ({column})"));
        }
    }
    steps
}

/// MySQL error numbers zts maps to statuses.
const ER_DUP_KEYNAME: u16 = 1061;
const ER_DUP_ENTRY: u16 = 1062;
const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;
const ER_LOCK_DEADLOCK: u16 = 1213;
const ER_DATA_TOO_LONG: u16 = 1406;
const ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: u16 = 1366;
const ER_LOCK_NOWAIT: u16 = 3572;

fn connection_opts(location: &Location, options: &Options) -> Result<mysql::Opts> {
    let default_mode = if location.is_loopback() { SslMode::Disabled } else { SslMode::Required };
    let mode =
        options.ssl_mode.unwrap_or(if options.ssl_ca.is_some() { SslMode::VerifyIdentity } else { default_mode });
    let ssl = match (mode, &options.ssl_ca) {
        (SslMode::Disabled, None) => None,
        (SslMode::Disabled | SslMode::Required, Some(_)) => {
            return Err(Error::invalid_argument(
                "option \"ssl_ca\" is used by ssl_mode \"verify_ca\" and \"verify_identity\" only",
            ))
        }
        (SslMode::Required, None) => {
            Some(SslOpts::default().with_danger_accept_invalid_certs(true).with_danger_skip_domain_validation(true))
        }
        (SslMode::VerifyCa, None) => {
            return Err(Error::invalid_argument("ssl_mode \"verify_ca\" needs the CA file in option \"ssl_ca\""))
        }
        (SslMode::VerifyCa | SslMode::VerifyIdentity, ca) => {
            if let Some(ca) = ca {
                std::fs::metadata(ca).map_err(|e| Error::io(format!("ssl_ca {}: {e}", crate::error::shown(ca))))?;
            }
            let ssl = SslOpts::default().with_danger_skip_domain_validation(mode == SslMode::VerifyCa);
            Some(match ca {
                Some(ca) => ssl.with_root_cert_path(Some(std::path::PathBuf::from(ca))),
                None => ssl,
            })
        }
    };
    // InnoDB waits for row locks in whole seconds.
    let lock_wait_s = u64::from(options.busy_timeout_ms).div_ceil(1000);
    let io_timeout = Duration::from_millis(u64::from(options.busy_timeout_ms)) + Duration::from_secs(30);
    let mut init = vec![
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED".to_owned(),
        // Strict: a value too long for its column is an error, never silently cut.
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'".to_owned(),
        format!("SET SESSION innodb_lock_wait_timeout = {lock_wait_s}"),
        format!("SET SESSION lock_wait_timeout = {}", lock_wait_s.max(1)),
    ];
    if options.read_only {
        init.push("SET SESSION TRANSACTION READ ONLY".to_owned());
    }
    let builder = OptsBuilder::new()
        .ip_or_hostname(Some(location.host.clone()))
        .tcp_port(location.port)
        .prefer_socket(false)
        .user(Some(location.user.clone()))
        .pass(location.password.clone())
        .db_name(Some(location.database.clone()))
        .tcp_connect_timeout(Some(Duration::from_millis(u64::from(options.busy_timeout_ms).max(1000))))
        .read_timeout(Some(io_timeout))
        .write_timeout(Some(io_timeout))
        .init(init)
        .ssl_opts(ssl);
    Ok(builder.into())
}

/// Whether the error means the connection is gone (the server went away, restarted or cut it), so
/// that a new connection may succeed.
fn is_connection_lost(e: &mysql::Error) -> bool {
    match e {
        _ if is_tls_failure(e) => false,
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => true,
        mysql::Error::DriverError(d) => matches!(
            d,
            mysql::DriverError::ConnectTimeout
                | mysql::DriverError::CouldNotConnect(_)
                | mysql::DriverError::PacketOutOfSync
                | mysql::DriverError::UnexpectedPacket
        ),
        // Server shutdown, connection killed, server gone away.
        mysql::Error::MySqlError(e) => matches!(e.code, 1053 | 1927 | 2006 | 2013 | 1158 | 1159 | 1160 | 1161),
        _ => false,
    }
}

/// Whether TLS refused the server (its certificate, or the handshake): a setting to fix, not a lost
/// connection. rustls reports these inside an I/O error, so they are known by their text.
fn is_tls_failure(e: &mysql::Error) -> bool {
    match e {
        mysql::Error::TlsError(_) => true,
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => {
            let text = e.to_string();
            ["certificate", "handshake", "Handshake", "TLS"].iter().any(|word| text.contains(word))
        }
        _ => false,
    }
}

/// Maps a MySQL failure to a status, naming host, port and database. Server messages never contain
/// bound values, and the driver's never the password.
fn sql_error(e: mysql::Error, location: &Location, options: &Options) -> Error {
    let place = location.place();
    match &e {
        mysql::Error::MySqlError(m) => match m.code {
            ER_LOCK_WAIT_TIMEOUT | ER_LOCK_NOWAIT | ER_LOCK_DEADLOCK => Error::new(
                Status::Busy,
                format!(
                    "{place}: table {} is locked by another connection writing to it; gave up after busy_timeout_ms={} ({})",
                    location.table, options.busy_timeout_ms, m.message
                ),
            ),
            ER_DATA_TOO_LONG | ER_TRUNCATED_WRONG_VALUE_FOR_FIELD => {
                Error::invalid_token(format!("{place}: table {} cannot hold the token: {}", location.table, m.message))
            }
            ER_DUP_ENTRY => Error::new(
                Status::Busy,
                format!("{place}: another client added a row with the same id at the same moment; try again ({})", m.message),
            ),
            // Access denied (1044, 1045, 1142, 1143), unknown database (1049), table missing (1146),
            // read-only server or transaction (1290, 1792, 1836).
            1044 | 1045 | 1049 | 1142 | 1143 | 1146 | 1290 | 1792 | 1836 => {
                Error::io(format!("{place}: {} (MySQL error {})", m.message, m.code))
            }
            _ if is_connection_lost(&e) => Error::io(format!("{place}: the connection was lost: {e}")),
            _ => Error::internal(format!("{place}: unexpected MySQL error {}: {}", m.code, m.message)),
        },
        mysql::Error::DriverError(mysql::DriverError::TlsNotSupported) => Error::io(format!(
            "{place}: the server does not offer TLS, which ssl_mode requires (give \"ssl_mode\": \"disabled\" to connect without)"
        )),
        _ if is_tls_failure(&e) => Error::io(format!("{place}: TLS failed (see options ssl_mode and ssl_ca): {e}")),
        _ if is_connection_lost(&e) => Error::io(format!("{place}: the server cannot be reached: {e}")),
        _ => Error::internal(format!("{place}: unexpected MySQL client error: {e}")),
    }
}

fn row_to_token(row: mysql::Row) -> Token {
    token_from_values(row.unwrap())
}

/// The token of the first ten values of a row (the COLUMNS).
fn token_from_values(row: Vec<Value>) -> Token {
    let mut values: [Option<String>; 10] = Default::default();
    for (slot, value) in values.iter_mut().zip(row) {
        *slot = match value {
            Value::NULL => None,
            Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Value::Int(i) => Some(i.to_string()),
            Value::UInt(u) => Some(u.to_string()),
            other => Some(other.as_sql(true).trim_matches('\'').to_owned()),
        }
        .filter(|s| !s.is_empty());
    }
    Token::from_values(values)
}

fn row_to_lease((key, holder, until_ms): (String, String, i64)) -> Lease {
    Lease { key, holder, until_ms }
}

/// The matching row with the lowest numeric id: the earliest zts inserted, as `list` orders them.
fn lookup(conn: &mut Conn, sql: &Sql, key: Key<'_>) -> mysql::Result<Option<Token>> {
    let rows = conn.exec_map(sql.lookup(key, false), (key.value(), key.value()), row_to_token)?;
    Ok(earliest(rows))
}

/// What a locking lookup read (see `locking_lookup_sql`).
struct Locked {
    seq: u64,
    /// The end of the latest refresh lease ever recorded for the table (epoch ms).
    lease_until: i64,
    /// Each key's matching rows.
    matches: Vec<Vec<Token>>,
}

/// None when the table has no `zts_store` row.
fn locking_lookup(conn: &mut Conn, sql: &str, keys: &[Key<'_>], table: &str) -> mysql::Result<Option<Locked>> {
    let values: Vec<Value> = keys
        .iter()
        .flat_map(|key| [Value::from(key.value()), Value::from(key.value())])
        .chain([Value::from(table)])
        .collect();
    let mut locked: Option<Locked> = None;
    for row in conn.exec_iter(sql, Params::Positional(values))? {
        let mut values = row?.unwrap().into_iter();
        let seq = values.next().map_or(0, mysql::from_value::<u64>);
        let lease_until = values.next().map_or(0, mysql::from_value::<i64>);
        let found = locked.get_or_insert(Locked { seq, lease_until, matches: vec![Vec::new(); keys.len()] });
        for matches in &mut found.matches {
            let columns: Vec<Value> = values.by_ref().take(10).collect();
            // A join's row for no match has every column NULL; `id` is never NULL in a stored row.
            if columns.first().is_some_and(|id| *id != Value::NULL) {
                let token = token_from_values(columns);
                if !matches.iter().any(|m: &Token| m.id == token.id) {
                    matches.push(token);
                }
            }
        }
    }
    Ok(locked)
}

fn earliest(rows: Vec<Token>) -> Option<Token> {
    rows.into_iter().min_by_key(|t| {
        let id = t.id.clone().unwrap_or_default();
        (numeric_id(&id), id)
    })
}

/// The id as MySQL's CAST(id AS SIGNED) reads it: an optional '-' and the leading digits, else 0.
fn numeric_id(id: &str) -> i64 {
    let (sign, digits) = match id.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, id),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse::<i64>().map_or(0, |n| sign * n)
}

impl Engine for MysqlEngine {
    fn lookup(&mut self, key: Key<'_>) -> Result<Option<Token>> {
        self.retrying(|conn, sql| lookup(conn, sql, key))
    }

    fn list(&mut self) -> Result<Vec<Token>> {
        self.retrying(|conn, sql| conn.exec_map(&sql.list, (), row_to_token))
    }

    fn lease(&mut self, key: &str) -> Result<Option<Lease>> {
        let table = self.location.table.clone();
        self.retrying(|conn, _| conn.exec_first(LEASE, (&table, key)).map(|row| row.map(row_to_lease)))
    }

    fn leases(&mut self) -> Result<Vec<Lease>> {
        let table = self.location.table.clone();
        self.retrying(|conn, _| conn.exec_map(LEASES, (&table,), row_to_lease))
    }

    fn write(&mut self, _needs_sync: bool, wait: bool) -> Result<Box<dyn WriteTxn + '_>> {
        if !wait {
            // A write's row locks may wait up to busy_timeout_ms, and a try call may not.
            return Err(Error::would_wait(format!("{}'s write lock", self.location.place())));
        }
        if self.options.read_only {
            return Err(Error::io(format!("{} was opened read_only: nothing can be written", self.location.place())));
        }
        // Nothing is written yet, so a lost connection here is simply retried. The store's lock is taken
        // by the transaction's first statement (`MysqlTxn::lock`, or a locking lookup).
        self.retrying(|conn, _| conn.query_drop("START TRANSACTION"))?;
        let MysqlEngine { location, opts, options, sql, conn } = self;
        Ok(Box::new(MysqlTxn {
            conn: RefCell::new(conn),
            location,
            opts,
            options,
            sql,
            seq: Cell::new(None),
            marked: Cell::new(false),
            mark: new_mark(),
            done: false,
            any_lease: Cell::new(None),
            prefetched: RefCell::new(Vec::new()),
        }))
    }
}

/// A random commit mark (8 bytes), from the standard library's randomly keyed hasher.
fn new_mark() -> Vec<u8> {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish().to_be_bytes().to_vec()
}

struct MysqlTxn<'e> {
    /// The engine's connection slot: set to None when the connection is lost, so the next call reconnects.
    conn: RefCell<&'e mut Option<Conn>>,
    location: &'e Location,
    opts: &'e mysql::Opts,
    options: &'e Options,
    sql: &'e Sql,
    /// This transaction's number in `zts_store.seq`, once it holds the store's lock; whether its mark is
    /// in the ring yet (it must be before COMMIT: an unanswered COMMIT is resolved by looking for it).
    seq: Cell<Option<u64>>,
    marked: Cell<bool>,
    mark: Vec<u8>,
    done: bool,
    /// Whether the table has a refresh lease, once a locking lookup has read it: a save that ends the
    /// leases of its row skips that statement (a round trip) when there is none.
    any_lease: Cell<Option<bool>>,
    /// What `prefetch` read: each key's (column, value) and its first token; emptied by any write.
    prefetched: RefCell<Vec<(&'static str, String, Option<Token>)>>,
}

impl MysqlTxn<'_> {
    /// Runs a locking lookup, which also takes the store's lock: notes this transaction's number and
    /// whether the table may have a live refresh lease. Returns each key's matching rows.
    fn locking_lookup(&self, sql: &str, keys: &[Key<'_>]) -> Result<Vec<Vec<Token>>> {
        let Some(locked) = self.run(|conn| locking_lookup(conn, sql, keys, &self.location.table))? else {
            return Err(self.no_store_row());
        };
        if self.seq.get().is_none() {
            self.seq.set(Some(locked.seq + 1));
        }
        // A lease that ended is ignored by every find, so leaving its row costs nothing.
        self.any_lease.set(Some(locked.lease_until >= crate::lease::now_ms()));
        Ok(locked.matches)
    }

    /// Takes the store's lock and records the mark, when no lookup has taken the lock yet.
    fn lock(&self) -> Result<()> {
        if self.seq.get().is_some() {
            return Ok(());
        }
        let table = &self.location.table;
        let locked = self.run(|conn| {
            conn.exec_drop(LOCK_AND_MARK, (&self.mark, table)).map(|()| (conn.affected_rows(), conn.last_insert_id()))
        })?;
        match locked {
            (1, seq) => {
                self.seq.set(Some(seq));
                self.marked.set(true);
                Ok(())
            }
            _ => Err(self.no_store_row()),
        }
    }

    /// The parameters of `MARK`'s assignments (seq, ring position, mark) when the mark is still to be
    /// written, and notes it written: the statement they go into must run before COMMIT.
    fn unwritten_mark(&self) -> Option<(u64, u64, Vec<u8>)> {
        if self.marked.get() {
            return None;
        }
        let seq = self.seq.get()?;
        self.marked.set(true);
        Some((seq, (seq % RECENT_COMMITS) * MARK_LEN + 1, self.mark.clone()))
    }

    fn no_store_row(&self) -> Error {
        Error::corrupt(format!(
            "{}: zts_store has no row for table {}; open the store again to restore it",
            self.location.place(),
            self.location.table
        ))
    }

    fn run<T>(&self, work: impl FnOnce(&mut Conn) -> mysql::Result<T>) -> Result<T> {
        let mut slot = self.conn.borrow_mut();
        let Some(conn) = slot.as_mut() else {
            return Err(Error::io(format!("{}: the connection was lost; nothing was written", self.location.place())));
        };
        work(conn).map_err(|e| {
            let lost = is_connection_lost(&e);
            let error = sql_error(e, self.location, self.options);
            if lost {
                **slot = None;
                error.context("nothing was written")
            } else {
                error
            }
        })
    }

    /// After the reply to COMMIT was lost: reconnects and reads, under the store's lock, whether this
    /// transaction's mark is in the ring. Waits for the server up to busy_timeout_ms (at least 30 s).
    fn resolve_lost_commit(&self, cause: Error) -> Result<()> {
        let place = self.location.place();
        let deadline = Instant::now() + Duration::from_millis(u64::from(self.options.busy_timeout_ms).max(30_000));
        let unknown = |why: String| {
            Error::io(format!(
                "{place}: the connection was lost during COMMIT ({}) and {why}: the save may or may not be stored",
                cause.message
            ))
        };
        let mut conn = loop {
            match Conn::new(self.opts.clone()) {
                Ok(conn) => break conn,
                Err(e) if Instant::now() < deadline && is_connection_lost(&e) => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                Err(e) => return Err(unknown(format!("reconnecting to check failed ({e})"))),
            }
        };
        let read = conn
            .query_drop("START TRANSACTION")
            .and_then(|()| conn.exec_first::<(u64, Vec<u8>), _, _>(READ_MARKS, (&self.location.table,)));
        let _ = conn.query_drop("ROLLBACK");
        let (now, ring) = match read {
            Ok(Some(found)) => found,
            Ok(None) => return Err(unknown("zts_store has no row for the table".to_owned())),
            Err(e) => return Err(unknown(format!("checking failed ({e})"))),
        };
        **self.conn.borrow_mut() = Some(conn);
        // `commit` takes the lock before COMMIT, so the number is known.
        let seq = self.seq.get().unwrap_or(u64::MAX);
        if now < seq {
            return Err(Error::io(format!(
                "{place}: the connection was lost during COMMIT; checked after reconnecting: nothing was written"
            )));
        }
        if now - seq >= RECENT_COMMITS {
            return Err(unknown(format!("{} more commits happened before it could be checked", now - seq)));
        }
        let at = ((seq % RECENT_COMMITS) * MARK_LEN) as usize;
        match ring.get(at..at + MARK_LEN as usize) {
            Some(mark) if mark == self.mark => Ok(()),
            Some(_) => Err(Error::io(format!(
                "{place}: the connection was lost during COMMIT; checked after reconnecting: nothing was written"
            ))),
            None => Err(unknown("zts_store.recent_commits is damaged".to_owned())),
        }
    }
}

impl WriteTxn for MysqlTxn<'_> {
    fn lookup(&self, key: Key<'_>) -> Result<Option<Token>> {
        let prefetched = self.prefetched.borrow();
        if let Some((_, _, found)) = prefetched.iter().find(|(c, v, _)| *c == key.column() && v == key.value()) {
            return Ok(found.clone());
        }
        drop(prefetched);
        let mut matches = self.locking_lookup(self.sql.lookup(key, true), &[key])?;
        Ok(earliest(matches.pop().unwrap_or_default()))
    }

    fn prefetch(&self, keys: &[Key<'_>]) -> Result<()> {
        let columns: Vec<&str> = keys.iter().map(|key| key.column()).collect();
        let matches = self.locking_lookup(&locking_lookup_sql(&self.location.table, &columns), keys)?;
        *self.prefetched.borrow_mut() = keys
            .iter()
            .zip(matches)
            .map(|(key, rows)| (key.column(), key.value().to_owned(), earliest(rows)))
            .collect();
        Ok(())
    }

    fn largest_id_ever(&self) -> Result<u64> {
        self.lock()?;
        self.run(|conn| conn.exec_first::<i64, _, _>(&self.sql.largest_id, (&self.location.table,)))
            .map(|max| max.unwrap_or(0).max(0) as u64)
    }

    fn insert(&self, token: &Token) -> Result<()> {
        self.prefetched.borrow_mut().clear(); // rows change
        let id = token.id.as_deref().map(crate::rules::parse_id).transpose()?.unwrap_or(0);
        let values: Vec<Value> = token.values().iter().map(|v| Value::from(v.as_deref())).collect();
        self.lock()?;
        let table = &self.location.table;
        let mark = self.unwritten_mark();
        self.run(|conn| {
            conn.exec_drop(&self.sql.insert, Params::Positional(values))?;
            match mark {
                Some((seq, at, mark)) => conn.exec_drop(RECORD_ID_AND_MARK, (id, seq, at, mark, table)),
                None => conn.exec_drop(RECORD_ID, (id, table)),
            }
        })
    }

    fn update(&self, id: &str, changes: &Token) -> Result<()> {
        self.prefetched.borrow_mut().clear(); // rows change
        let set = columns_to_set(changes);
        if set.is_empty() {
            return Ok(());
        }
        self.lock()?;
        let table = &self.location.table;
        let mut assignments: Vec<String> = set.iter().map(|(column, _)| format!("t.{column} = ?")).collect();
        let mut values: Vec<Value> = set.iter().map(|(_, v)| Value::from(*v)).collect();
        // The mark goes into the same statement (a two-table update): no round trip of its own.
        let mark = self.unwritten_mark();
        let marking = mark.is_some();
        if let Some((seq, at, mark)) = mark {
            assignments.push("s.seq = ?, s.recent_commits = INSERT(s.recent_commits, ?, 8, ?)".to_owned());
            values.extend([Value::from(seq), Value::from(at), Value::from(mark)]);
        }
        values.extend([Value::from(id), Value::from(table)]);
        let sql = format!(
            "UPDATE `{table}` t, zts_store s SET {} WHERE t.id = ? AND s.token_table = ?",
            assignments.join(", ")
        );
        let matched =
            self.run(|conn| conn.exec_drop(sql, Params::Positional(values)).map(|()| conn.affected_rows()))?;
        if marking && matched == 0 {
            self.marked.set(false); // no such row, so nothing was written: the mark goes in at commit
        }
        Ok(())
    }

    fn delete(&self, id: &str) -> Result<bool> {
        self.prefetched.borrow_mut().clear(); // rows change
        self.lock()?;
        self.run(|conn| conn.exec_drop(&self.sql.delete, (id, id)).map(|()| conn.affected_rows() > 0))
    }

    fn purge(&self) -> Result<usize> {
        self.prefetched.borrow_mut().clear(); // rows change
        self.lock()?;
        self.run(|conn| {
            conn.query_drop(&self.sql.purge)?;
            let purged = conn.affected_rows() as usize;
            conn.exec_drop(END_ALL_LEASES, (&self.location.table,))?;
            Ok(purged)
        })
    }

    fn lease(&self, key: &str) -> Result<Option<Lease>> {
        // Under the store's lock (the zts_store row), which every lease write also takes.
        self.lock()?;
        self.run(|conn| conn.exec_first(LEASE, (&self.location.table, key)).map(|row| row.map(row_to_lease)))
    }

    fn set_lease(&self, lease: &Lease, now_ms: i64) -> Result<()> {
        self.lock()?;
        let table = &self.location.table;
        self.run(|conn| {
            conn.exec_drop(END_OLD_LEASES, (table, now_ms))?;
            conn.exec_drop(SET_LEASE, (table, &lease.key, &lease.key, &lease.holder, lease.until_ms))?;
            conn.exec_drop(RECORD_LEASE_END, (lease.until_ms, table))
        })?;
        self.any_lease.set(Some(true));
        Ok(())
    }

    fn end_leases(&self, keys: &[String]) -> Result<()> {
        if self.any_lease.get() == Some(false) {
            return Ok(());
        }
        self.lock()?;
        let hashes = vec!["UNHEX(SHA2(?, 256))"; keys.len()].join(", ");
        let sql = format!("DELETE FROM zts_lease WHERE token_table = ? AND key_hash IN ({hashes})");
        let values: Vec<Value> =
            std::iter::once(Value::from(&self.location.table)).chain(keys.iter().map(Value::from)).collect();
        self.run(|conn| conn.exec_drop(sql, Params::Positional(values)))
    }

    fn commit_as_durable_as_needed(&self) -> bool {
        // Durability is the server's setting (innodb_flush_log_at_trx_commit), the same for every commit.
        true
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        // Every commit carries its mark (see `resolve_lost_commit`).
        self.lock()?;
        if let Some((seq, at, mark)) = self.unwritten_mark() {
            self.run(|conn| conn.exec_drop(MARK, (seq, at, mark, &self.location.table)))?;
        }
        self.done = true;
        let committed = {
            let mut slot = self.conn.borrow_mut();
            match slot.as_mut() {
                Some(conn) => conn.query_drop("COMMIT"),
                None => {
                    return Err(Error::io(format!(
                        "{}: the connection was lost; nothing was written",
                        self.location.place()
                    )))
                }
            }
        };
        match committed {
            Ok(()) => Ok(()),
            Err(e) if is_connection_lost(&e) => {
                **self.conn.borrow_mut() = None;
                let cause = sql_error(e, self.location, self.options);
                self.resolve_lost_commit(cause)
            }
            Err(e) => {
                let error = sql_error(e, self.location, self.options);
                self.rollback();
                Err(error)
            }
        }
    }
}

impl MysqlTxn<'_> {
    fn rollback(&self) {
        let mut slot = self.conn.borrow_mut();
        if let Some(conn) = slot.as_mut() {
            if conn.query_drop("ROLLBACK").is_err() {
                **slot = None;
            }
        }
    }
}

impl Drop for MysqlTxn<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.rollback();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(location: &str, options: &str) -> Result<Location> {
        Location::parse(location, &Options::from_json(Some(options)).unwrap())
    }

    #[test]
    fn parses_locations_with_encoded_user_and_password() {
        let l = parse("mysql://app%40x:p%40ss%3A%2F%25%20w@db.example:3307/zohooauth?table=tokens_1", "{}").unwrap();
        assert_eq!(
            (l.user.as_str(), l.password.as_deref(), l.host.as_str(), l.port, l.database.as_str(), l.table.as_str()),
            ("app@x", Some("p@ss:/% w"), "db.example", 3307, "zohooauth", "tokens_1")
        );
        assert_eq!(format!("{l:?}"), "db.example:3307/zohooauth");
        let l = parse("mysql://u@[::1]/d", r#"{"password": "secret"}"#).unwrap();
        assert_eq!(
            (l.host.as_str(), l.port, l.password.as_deref(), l.table.as_str()),
            ("::1", 3306, Some("secret"), "oauthtoken")
        );
        assert!(l.is_loopback());
        assert_eq!(l.place(), "[::1]:3306/d");
    }

    #[test]
    fn refuses_bad_locations_by_name_without_the_password() {
        for (location, options, named) in [
            ("mysql://u:sekrit@h/d?table=a-b", "{}", "table"),
            ("mysql://u:sekrit@h/d?table=zts_store", "{}", "reserved"),
            ("mysql://u:sekrit@h/d?tabel=x", "{}", "tabel"),
            ("mysql://u:sekrit@h/", "{}", "database"),
            ("mysql://u:sekrit@h/d/e", "{}", "database"),
            ("mysql://:sekrit@h/d", "{}", "no user"),
            ("mysql://u:sekrit@h:99999/d", "{}", "port"),
            ("mysql://u:sekrit@h/d", r#"{"password": "x"}"#, "twice"),
        ] {
            let e = parse(location, options).unwrap_err();
            assert_eq!(e.status, Status::InvalidArgument, "{location}");
            assert!(e.message.contains(named), "{location}: {e}");
            assert!(!e.message.contains("sekrit"), "{location}: {e}");
        }
    }

    #[test]
    fn tls_options_that_contradict_are_refused() {
        let location = parse("mysql://u@10.0.0.9/d", "{}").unwrap();
        for (options, named) in [
            (r#"{"ssl_mode": "disabled", "ssl_ca": "/x.pem"}"#, "ssl_ca"),
            (r#"{"ssl_mode": "verify_ca"}"#, "ssl_ca"),
            (r#"{"ssl_mode": "verify_identity", "ssl_ca": "/no/such/ca.pem"}"#, "/no/such/ca.pem"),
        ] {
            let e = connection_opts(&location, &Options::from_json(Some(options)).unwrap()).unwrap_err();
            assert!(e.message.contains(named), "{options}: {e}");
        }
        let remote = connection_opts(&location, &Options::default()).unwrap();
        assert!(remote.get_ssl_opts().is_some(), "TLS by default for a remote host");
        let local = connection_opts(&parse("mysql://u@127.0.0.1/d", "{}").unwrap(), &Options::default()).unwrap();
        assert!(local.get_ssl_opts().is_none(), "no TLS by default on loopback");
    }

    #[test]
    fn numeric_ids_read_as_mysql_casts_them() {
        for (id, n) in [("10", 10), ("9", 9), ("-3", -3), ("12abc", 12), ("abc", 0), ("", 0)] {
            assert_eq!(numeric_id(id), n, "{id}");
        }
    }

    #[test]
    fn the_lock_statement_matches_the_ring_constants() {
        assert!(LOCK_AND_MARK.contains(&format!("MOD(seq + 1, {RECENT_COMMITS}) * {MARK_LEN} + 1, {MARK_LEN}")));
        assert_eq!(new_mark().len(), MARK_LEN as usize);
        assert_ne!(new_mark(), new_mark());
    }
}
